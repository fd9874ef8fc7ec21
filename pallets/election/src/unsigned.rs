//! The unsigned phase: an off-chain worker mines with [`Config::Solver`] and submits
//! `submit_unsigned`, authorised (`#[pallet::authorize]`) only from the local node, with priority
//! by score, and only when strictly better than the solution already queued.

use crate::{miner::Miner, pallet::*, types::*, MinerConfig};
use alloc::boxed::Box;
use codec::Encode;
use frame_election_provider_support::NposSolution;
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::{offchain::SubmitTransaction, pallet_prelude::BlockNumberFor};
use sp_runtime::{
	offchain::storage::{MutateStorageError, StorageValueRef},
	traits::Saturating,
	transaction_validity::TransactionValidityWithRefund,
	SaturatedConversion,
};

/// The off-chain storage key remembering the block the worker last mined at.
pub const OFFCHAIN_LAST_MINED: &[u8] = b"election-multi-phase::last-mined";

/// Why an unsigned solution is refused by the transaction pool, as `InvalidTransaction::Custom`
/// codes.
pub mod invalid {
	/// Not in the unsigned phase.
	pub const NOT_UNSIGNED_PHASE: u8 = 1;
	/// The round, the witness or the winner count do not match the snapshot.
	pub const WRONG_SNAPSHOT: u8 = 2;
	/// Not strictly better than the queued solution or the minimum untrusted score.
	pub const WEAK: u8 = 3;
	/// Longer or heavier than allowed.
	pub const TOO_BIG: u8 = 4;
	/// Not submitted by the local node's off-chain worker.
	pub const NOT_LOCAL: u8 = 5;
}

impl<T: Config> Pallet<T> {
	/// The weight of checking `raw` against the on-chain pages of the current snapshot.
	pub(crate) fn solution_weight_of(raw: &RawOf<T>, desired: u32) -> Weight {
		let size = SnapshotSize::<T>::get().unwrap_or_default();
		T::MinerConfig::solution_weight(
			size.voters.min(Self::on_chain_voter_bound()),
			size.targets,
			raw.solution.voter_count() as u32,
			desired,
		)
	}

	/// The checks a solution must pass before it may enter the pool or a block: the phase, the
	/// round, the witness (the snapshot's size), the winner count, being strictly better than
	/// the queued solution and the minimum untrusted score, length and weight.
	pub fn unsigned_pre_dispatch_checks(
		raw: &RawOf<T>,
		witness: &SnapshotMetadata,
	) -> Result<(), Error<T>> {
		ensure!(CurrentPhase::<T>::get().is_unsigned(), Error::<T>::NotUnsignedPhase);
		ensure!(raw.round == Round::<T>::get(), Error::<T>::WrongRound);
		ensure!(SnapshotSize::<T>::get() == Some(*witness), Error::<T>::WrongWitness);
		let desired = DesiredTargets::<T>::get().ok_or(Error::<T>::NoSnapshot)?;
		ensure!(desired > 0, Error::<T>::NothingToElect);
		ensure!(Self::winner_count(raw) == desired, Error::<T>::WrongWinnerCount);
		if let Some(queued) = QueuedSolution::<T>::get() {
			ensure!(
				raw.score.strict_threshold_better(queued.score, sp_runtime::Perbill::zero()),
				Error::<T>::WeakSubmission
			);
		}
		if let Some(minimum) = MinimumUntrustedScore::<T>::get() {
			ensure!(
				raw.score.strict_threshold_better(minimum, sp_runtime::Perbill::zero()),
				Error::<T>::ScoreTooLow
			);
		}
		ensure!(
			raw.encoded_size() <= <T::MinerConfig as MinerConfig>::MaxLength::get() as usize,
			Error::<T>::TooLong
		);
		ensure!(
			Self::solution_weight_of(raw, desired)
				.all_lte(<T::MinerConfig as MinerConfig>::MaxWeight::get()),
			Error::<T>::TooHeavy
		);
		Ok(())
	}

	/// The pool's view of `submit_unsigned`: only the local node, cheap checks, priority by score.
	// `#[pallet::authorize]` passes each call argument by reference, so the boxed solution
	// arrives as `&Box<_>`.
	#[allow(clippy::borrowed_box)]
	pub(crate) fn authorize_submit_unsigned(
		source: TransactionSource,
		raw: &Box<RawOf<T>>,
		witness: &SnapshotMetadata,
	) -> TransactionValidityWithRefund {
		if !matches!(source, TransactionSource::Local | TransactionSource::InBlock) {
			return Err(InvalidTransaction::Custom(invalid::NOT_LOCAL).into());
		}
		Self::unsigned_pre_dispatch_checks(raw, witness).map_err(|error| {
			let code = match error {
				Error::<T>::NotUnsignedPhase => invalid::NOT_UNSIGNED_PHASE,
				Error::<T>::WeakSubmission | Error::<T>::ScoreTooLow => invalid::WEAK,
				Error::<T>::TooLong | Error::<T>::TooHeavy => invalid::TOO_BIG,
				_ => invalid::WRONG_SNAPSHOT,
			};
			TransactionValidityError::from(InvalidTransaction::Custom(code))
		})?;
		let until = match CurrentPhase::<T>::get() {
			Phase::Unsigned { until } => until,
			_ => frame_system::Pallet::<T>::block_number(),
		};
		let longevity: u64 =
			until.saturating_sub(frame_system::Pallet::<T>::block_number()).saturated_into();
		let score_priority: u64 = raw.score.minimal_stake.saturated_into();
		let validity = ValidTransaction::with_tag_prefix("ElectionMultiPhaseUnsigned")
			.priority(T::MinerTxPriority::get().saturating_add(score_priority))
			.and_provides(raw.round)
			.longevity(longevity.max(1))
			.propagate(false)
			.build()?;
		// The refund of the authorisation's weight: nothing is refunded.
		Ok((validity, Weight::zero()))
	}

	/// Check an unsigned solution fully and queue it.
	pub(crate) fn do_submit_unsigned(raw: RawOf<T>, witness: SnapshotMetadata) -> DispatchResult {
		Self::unsigned_pre_dispatch_checks(&raw, &witness)?;
		let Some((voters, targets, desired)) = Self::snapshot() else {
			return Err(Error::<T>::NoSnapshot.into());
		};
		let ready = Miner::<T::MinerConfig>::feasibility_check(
			raw,
			ElectionCompute::Unsigned,
			desired,
			&voters,
			&targets,
			Round::<T>::get(),
			MinimumUntrustedScore::<T>::get(),
		)
		.map_err(Error::<T>::Infeasible)?;
		let result = QueuedResult::from_supports(
			ready.supports.into_iter().map(|(winner, support)| (winner, support.total)),
			ready.score,
			ready.compute,
		)
		.ok_or(Error::<T>::TooManyWinners)?;
		QueuedSolution::<T>::put(result);
		Self::deposit_event(Event::SolutionStored {
			round: Round::<T>::get(),
			compute: ElectionCompute::Unsigned,
			origin: None,
			prev_ejected: false,
		});
		Ok(())
	}

	/// Mine on the snapshot with [`Config::Solver`] and check the result as the chain will.
	pub fn mine_checked_solution() -> Result<(RawOf<T>, SnapshotMetadata), OffchainMinerError<T>> {
		let (Some((voters, targets, desired)), Some(witness)) =
			(Self::snapshot(), SnapshotSize::<T>::get())
		else {
			return Err(OffchainMinerError::NoSnapshot);
		};
		let round = Round::<T>::get();
		let (raw, _) =
			Miner::<T::MinerConfig>::mine::<T::Solver>(&voters, &targets, desired, round)
				.map_err(OffchainMinerError::Miner)?;
		Self::unsigned_pre_dispatch_checks(&raw, &witness)
			.map_err(OffchainMinerError::PreDispatch)?;
		Miner::<T::MinerConfig>::feasibility_check(
			raw.clone(),
			ElectionCompute::Unsigned,
			desired,
			&voters,
			&targets,
			round,
			MinimumUntrustedScore::<T>::get(),
		)
		.map_err(OffchainMinerError::Feasibility)?;
		Ok((raw, witness))
	}

	/// The off-chain worker: in the unsigned phase, at most every `OffchainRepeat` blocks, mine,
	/// check, and submit.
	pub(crate) fn run_offchain_worker(now: BlockNumberFor<T>) -> Result<(), OffchainMinerError<T>> {
		if !CurrentPhase::<T>::get().is_unsigned() || DesiredTargets::<T>::get() == Some(0) {
			return Ok(());
		}
		let repeat = T::OffchainRepeat::get();
		let last_mined = StorageValueRef::persistent(OFFCHAIN_LAST_MINED);
		let claimed = last_mined.mutate::<BlockNumberFor<T>, &'static str, _>(|last| match last {
			Ok(Some(last)) if now < last.saturating_add(repeat) => Err("recently mined"),
			_ => Ok(now),
		});
		match claimed {
			Ok(_) => {},
			Err(MutateStorageError::ValueFunctionFailed(_)) => return Ok(()),
			Err(MutateStorageError::ConcurrentModification(_)) => {
				return Err(OffchainMinerError::Lock)
			},
		}
		let (raw, witness) = Self::mine_checked_solution()?;
		let call = Call::<T>::submit_unsigned { raw_solution: Box::new(raw), witness };
		let xt = T::create_authorized_transaction(call.into());
		SubmitTransaction::<T, Call<T>>::submit_transaction(xt)
			.map_err(|_| OffchainMinerError::PoolSubmission)
	}
}

/// Why the off-chain worker did not submit.
#[derive(frame_support::DebugNoBound)]
pub enum OffchainMinerError<T: Config> {
	/// There is no snapshot.
	NoSnapshot,
	/// Another worker holds the off-chain lock.
	Lock,
	/// Mining failed.
	Miner(crate::MinerError),
	/// The solution would not pass the pool's checks (e.g. not better than the queued one).
	PreDispatch(Error<T>),
	/// The solution is not feasible (a bug or a bad snapshot).
	Feasibility(FeasibilityError),
	/// The transaction pool refused the transaction.
	PoolSubmission,
}
