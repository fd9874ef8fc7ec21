//! The unsigned phase: authorisation in the pool, dispatch, and the off-chain worker.

use crate::{mock::*, unsigned::invalid, *};
use codec::Decode;
use frame_election_provider_support::ElectionProvider;
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{Authorize, InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Hooks,
};
use sp_core::offchain::{
	testing::{TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::DispatchError;

fn witness() -> SnapshotMetadata {
	SnapshotSize::<Runtime>::get().unwrap()
}

fn call(raw: RawSolution<TestSolution>, witness: SnapshotMetadata) -> Call<Runtime> {
	Call::submit_unsigned { raw_solution: Box::new(raw), witness }
}

fn invalid(code: u8) -> TransactionValidityError {
	InvalidTransaction::Custom(code).into()
}

#[test]
fn only_local_solutions_in_the_unsigned_phase_are_authorised() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		let signed_phase =
			call(raw.clone(), witness()).authorize(TransactionSource::Local).unwrap();
		assert_eq!(signed_phase.unwrap_err(), invalid(invalid::NOT_UNSIGNED_PHASE));
		roll_to(25);
		let external = call(raw.clone(), witness()).authorize(TransactionSource::External).unwrap();
		assert_eq!(external.unwrap_err(), invalid(invalid::NOT_LOCAL));
		let (validity, _) =
			call(raw.clone(), witness()).authorize(TransactionSource::Local).unwrap().unwrap();
		// Base priority 100 plus the score's minimal stake; valid until block 30.
		assert_eq!(validity.priority, 100 + raw.score.minimal_stake as u64);
		assert_eq!(validity.longevity, 5);
		assert!(!validity.propagate);
		let wrong = SnapshotMetadata { voters: 4, targets: 3 };
		let result = call(raw, wrong).authorize(TransactionSource::Local).unwrap();
		assert_eq!(result.unwrap_err(), invalid(invalid::WRONG_SNAPSHOT));
	});
}

#[test]
fn an_authorised_solution_is_checked_in_full_and_queued() {
	execute(|| {
		roll_to(25);
		let raw = mine();
		assert_noop!(
			MultiPhase::submit_unsigned(RuntimeOrigin::signed(1), Box::new(raw.clone()), witness()),
			DispatchError::BadOrigin
		);
		// A claim the chain's recomputation does not confirm passes the cheap checks and fails
		// the full one.
		let mut inflated = raw.clone();
		inflated.score.minimal_stake += 1;
		assert_noop!(
			MultiPhase::submit_unsigned(
				frame_system::RawOrigin::Authorized.into(),
				Box::new(inflated),
				witness()
			),
			Error::<Runtime>::Infeasible(FeasibilityError::InvalidScore)
		);
		assert_ok!(MultiPhase::submit_unsigned(
			frame_system::RawOrigin::Authorized.into(),
			Box::new(raw.clone()),
			witness()
		));
		assert_eq!(QueuedSolution::<Runtime>::get().unwrap().compute, ElectionCompute::Unsigned);
		// The same score again is not strictly better.
		assert_noop!(
			MultiPhase::submit_unsigned(
				frame_system::RawOrigin::Authorized.into(),
				Box::new(raw.clone()),
				witness()
			),
			Error::<Runtime>::WeakSubmission
		);
		let pool = call(raw, witness()).authorize(TransactionSource::Local).unwrap();
		assert_eq!(pool.unwrap_err(), invalid(invalid::WEAK));
		roll_to(30);
		assert_ok!(MultiPhase::elect(0));
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized { round: 1, compute: ElectionCompute::Unsigned, .. }
		)));
	});
}

#[test]
fn an_unsigned_solution_must_beat_the_signed_winner() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(1), raw.score, fingerprint()));
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(1),
			0,
			Some(Box::new(raw.solution.clone()))
		));
		roll_to(25);
		assert_eq!(QueuedSolution::<Runtime>::get().unwrap().compute, ElectionCompute::Signed);
		assert_noop!(
			MultiPhase::submit_unsigned(
				frame_system::RawOrigin::Authorized.into(),
				Box::new(raw),
				witness()
			),
			Error::<Runtime>::WeakSubmission
		);
	});
}

#[test]
fn the_offchain_worker_mines_checks_and_submits_at_most_every_offchain_repeat_blocks() {
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let mut ext = new_test_ext();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		// Outside the unsigned phase it does nothing.
		roll_to(20);
		MultiPhase::offchain_worker(20);
		assert!(pool_state.read().transactions.is_empty());
		roll_to(25);
		MultiPhase::offchain_worker(25);
		let transactions = pool_state.read().transactions.clone();
		assert_eq!(transactions.len(), 1);
		let extrinsic = Extrinsic::decode(&mut &transactions[0][..]).unwrap();
		let RuntimeCall::MultiPhase(Call::submit_unsigned { raw_solution, witness }) =
			extrinsic.function
		else {
			panic!("not a submit_unsigned");
		};
		// What it submitted is exactly what mining on the snapshot gives, and it is feasible.
		assert_eq!(*raw_solution, mine());
		assert_eq!(witness, SnapshotSize::<Runtime>::get().unwrap());
		assert_ok!(MultiPhase::submit_unsigned(
			frame_system::RawOrigin::Authorized.into(),
			raw_solution,
			witness
		));
		// Within OffchainRepeat (3 blocks) it does not mine again.
		MultiPhase::offchain_worker(26);
		MultiPhase::offchain_worker(27);
		assert_eq!(pool_state.read().transactions.len(), 1);
		// At block 28 it mines again, but its solution is not better than the queued one: no
		// transaction.
		MultiPhase::offchain_worker(28);
		assert_eq!(pool_state.read().transactions.len(), 1);
	});
}
