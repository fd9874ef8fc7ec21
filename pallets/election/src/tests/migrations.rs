//! Storage migrations.

use crate::{migrations::v1, mock::*, *};
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
		assert_ok!(MultiPhase::submit(RuntimeOrigin::signed(99), Box::new(raw), fingerprint()));
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
		assert!(events().iter().any(|e| matches!(e, Event::Refunded { who: 99, .. })));
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
