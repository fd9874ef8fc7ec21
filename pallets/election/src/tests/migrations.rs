//! Storage migrations.

use crate::{
	migrations::{v1, v2, v3},
	mock::*,
	*,
};
use frame_support::{
	assert_ok,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

/// A round running under version 0 (found by review): its one-piece voter snapshot is gone with
/// the upgrade, so the new code would check honest submissions against no voters and slash
/// them. The migration abandons the round instead: deposits back, snapshot gone, phase off.
#[test]
fn v1_abandons_a_running_round_and_returns_every_deposit() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(99), raw.score, fingerprint()));
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(99),
			0,
			Some(Box::new(raw.solution))
		));
		assert!(held(99) > 0);
		// The state as version 0 left it: the voters in one value, no pages.
		v1::old::SnapshotVoters::<Runtime>::put(vec![1u8, 2, 3]);
		for page in 0..=MultiPhase::msp() {
			PagedVoterSnapshot::<Runtime>::remove(page);
			PagedVoterSnapshotHash::<Runtime>::remove(page);
		}
		StorageVersion::new(0).put::<MultiPhase>();

		v1::MigrateV0ToV1::<Runtime>::on_runtime_upgrade();
		assert_eq!(held(99), 0, "the deposit is returned, not slashed");
		assert!(!v1::old::SnapshotVoters::<Runtime>::exists());
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert!(SnapshotFingerprint::<Runtime>::get().is_none());
		assert_eq!(MultiPhase::on_chain_storage_version(), StorageVersion::new(1));
		assert!(SignedSubmissionIndices::<Runtime>::get().is_empty());
		assert_eq!(SignedSubmissionsMap::<Runtime>::iter_keys().count(), 0);
		// The election falls back at its block.
		roll_to(30);
		assert!(<MultiPhase as frame_election_provider_support::ElectionProvider>::elect(0).is_ok());
	});
}

#[test]
fn v1_leaves_a_chain_without_a_round_as_it_is() {
	execute(|| {
		StorageVersion::new(0).put::<MultiPhase>();
		v1::MigrateV0ToV1::<Runtime>::on_runtime_upgrade();
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert_eq!(MultiPhase::on_chain_storage_version(), StorageVersion::new(1));
		roll_to(13);
		assert!(CurrentPhase::<Runtime>::get().is_signed());
	});
}

/// A whole-solution submission of version 1, queued when the upgrade lands: the new code cannot
/// read it. Version 2 returns its deposit in full and removes it; the round goes on.
#[test]
fn v2_returns_the_deposits_of_whole_solution_submissions() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(99), raw.score, fingerprint()));
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(99),
			0,
			Some(Box::new(raw.solution.clone()))
		));
		let deposit = held(99);
		let free = Balances::free_balance(99);
		// What version 1 stored under the claim's key: a submission of another format, and
		// no pages.
		let _ = SignedSubmissionPages::<Runtime>::clear(u32::MAX, None);
		frame_support::storage::unhashed::put_raw(
			&SignedSubmissionsMap::<Runtime>::hashed_key_for(0),
			&[7u8; 40],
		);
		StorageVersion::new(1).put::<MultiPhase>();

		v2::MigrateV1ToV2::<Runtime>::on_runtime_upgrade();
		assert_eq!((held(99), Balances::free_balance(99)), (0, free + deposit));
		assert!(SignedSubmissionIndices::<Runtime>::get().is_empty());
		assert_eq!(SignedSubmissionsMap::<Runtime>::iter_keys().count(), 0);
		assert_eq!(MultiPhase::on_chain_storage_version(), StorageVersion::new(2));
		// The signed phase goes on, taking claims in the new form.
		assert!(CurrentPhase::<Runtime>::get().is_signed());
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(99), raw.score, fingerprint()));
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(99),
			0,
			Some(Box::new(raw.solution))
		));
		roll_to(25);
		assert!(QueuedSolution::<Runtime>::get().is_some());
	});
}

/// A result queued under version 2 (with every winner's backers) is kept as the winners'
/// totals: `elect` returns the same winners with the same totals.
#[test]
fn v3_keeps_a_queued_result_as_the_winners_totals() {
	execute(|| {
		roll_to(25);
		let raw = mine();
		let voters = MultiPhase::snapshot_voters();
		let targets = SnapshotTargets::<Runtime>::get().unwrap();
		let ready = Miner::<TestMinerConfig>::feasibility_check(
			raw,
			ElectionCompute::Unsigned,
			2,
			&voters,
			&targets,
			1,
			None,
		)
		.unwrap();
		let totals: Vec<(AccountId, u128)> =
			ready.supports.iter().map(|(who, support)| (*who, support.total)).collect();
		assert!(ready.supports.iter().all(|(_, support)| !support.voters.is_empty()));
		// The alias is the same storage item as the new one, in the old format.
		assert_eq!(
			v3::old::QueuedSolution::<Runtime>::hashed_key(),
			QueuedSolution::<Runtime>::hashed_key()
		);
		v3::old::QueuedSolution::<Runtime>::put(ready.clone());
		StorageVersion::new(2).put::<MultiPhase>();

		v3::MigrateV2ToV3::<Runtime>::on_runtime_upgrade();
		assert_eq!(MultiPhase::on_chain_storage_version(), StorageVersion::new(3));
		let queued = QueuedSolution::<Runtime>::get().unwrap();
		assert_eq!(queued.winners.to_vec(), totals);
		assert_eq!((queued.score, queued.compute), (ready.score, ElectionCompute::Unsigned));
		roll_to(30);
		let elected: Vec<(AccountId, u128)> =
			<MultiPhase as frame_election_provider_support::ElectionProvider>::elect(0)
				.unwrap()
				.into_iter()
				.map(|(who, support)| (who, support.total))
				.collect();
		assert_eq!(elected, totals);
	});
}
