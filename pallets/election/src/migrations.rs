//! Storage migrations.

/// Version 1: the voter snapshot is paged (`PagedVoterSnapshot`, `PagedVoterSnapshotHash`)
/// instead of one `SnapshotVoters` value.
pub mod v1 {
	use crate::{pallet::*, types::Phase};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};

	/// The storage version 0 had and version 1 removed.
	pub mod old {
		use super::*;

		/// The whole voter snapshot of a round (version 0); its type does not matter here, the
		/// migration only removes it.
		#[frame_support::storage_alias]
		pub type SnapshotVoters<T: Config> = StorageValue<Pallet<T>, alloc::vec::Vec<u8>>;
	}

	/// A round running when the upgrade lands took its snapshot in one piece, whose voters the
	/// new code cannot read: the round is abandoned, every signed deposit returned (never
	/// slashed: the submitters did nothing wrong), the snapshot removed and the phase off, so
	/// `elect` returns the solution already queued if there is one, else the fallback's. In the
	/// emergency phase the snapshot is removed too (the governance fallback then reads the data
	/// provider afresh). Bounded: the signed queue is at most `SignedMaxSubmissions`.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			if !old::SnapshotVoters::<T>::exists() {
				return T::DbWeight::get().reads(1);
			}
			old::SnapshotVoters::<T>::kill();
			let refunded = Pallet::<T>::refund_all(0);
			Pallet::<T>::kill_snapshot();
			let phase = CurrentPhase::<T>::get();
			if !phase.is_emergency() && !phase.is_off() {
				Pallet::<T>::set_phase(Phase::Off);
			}
			let writes = 10u64.saturating_add(u64::from(refunded).saturating_mul(4));
			T::DbWeight::get().reads_writes(writes, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(!old::SnapshotVoters::<T>::exists(), "the old snapshot is still there");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration from version 0 to 1, run once (the storage version guards it).
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
