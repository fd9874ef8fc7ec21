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
			// The submissions have the format of version 0, which this code no longer reads.
			let (refunded, _) = crate::migrations::v2::release_old_submissions::<T>();
			Pallet::<T>::kill_snapshot();
			let phase = CurrentPhase::<T>::get();
			if !phase.is_emergency() && !phase.is_off() {
				Pallet::<T>::set_phase(Phase::Off);
			}
			let writes = 10u64.saturating_add(refunded.saturating_mul(4));
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

/// Version 2: signed submissions are claims (a score and deposits,
/// [`SignedSubmissionsMap`](crate::SignedSubmissionsMap)) whose solutions come page by page
/// ([`SignedSubmissionPages`](crate::SignedSubmissionPages)), instead of whole solutions.
pub mod v2 {
	use crate::pallet::*;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, Get, UncheckedOnRuntimeUpgrade},
	};

	/// A whole-solution submission queued when the upgrade lands cannot be verified by the
	/// paged verifier: each is removed and its submitter's deposit returned in full (never
	/// slashed: they did nothing wrong); the queue (whose entries keep their format) is
	/// emptied. The snapshot and the phase stay: the signed phase, if open, takes claims in
	/// the new form. Bounded: the queue is at most `SignedMaxSubmissions`.
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let (submitters, removed) = release_old_submissions::<T>();
			let reads = 1u64.saturating_add(submitters.saturating_mul(2)).saturating_add(removed);
			let writes = 1u64.saturating_add(submitters.saturating_mul(2)).saturating_add(removed);
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(
				SignedSubmissionsMap::<T>::iter_keys().next().is_none(),
				"old submissions are still there"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// Return every queued submitter's deposit in full and remove the queue and the
	/// submissions without decoding them (their format is older than this code's). Returns
	/// the number of submitters and of submissions removed.
	pub(crate) fn release_old_submissions<T: Config>() -> (u64, u64) {
		let queue = SignedSubmissionIndices::<T>::take();
		let submitters = queue.len() as u64;
		for entry in queue {
			let released = T::Currency::release_all(
				&HoldReason::SignedSubmission.into(),
				&entry.who,
				Precision::BestEffort,
			);
			if released.is_err() {
				log::warn!(target: crate::LOG_TARGET, "an old signed deposit could not be released");
			}
		}
		let removed = SignedSubmissionsMap::<T>::clear(u32::MAX, None);
		// Older formats had no pages; nothing of this code's format is left half-removed.
		let pages = SignedSubmissionPages::<T>::clear(u32::MAX, None);
		let records = SignedSubmissionPageRecords::<T>::clear(u32::MAX, None);
		let cleared = u64::from(pages.unique).saturating_add(u64::from(records.unique));
		(submitters, u64::from(removed.unique).saturating_add(cleared))
	}

	/// The migration from version 1 to 2, run once (the storage version guards it).
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3: the queued result keeps each winner's total backing
/// ([`QueuedResult`](crate::QueuedResult)) instead of the per-voter backing of every winner.
pub mod v3 {
	use crate::{pallet::*, QueuedResult};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};

	/// The storage version 2 had.
	pub mod old {
		use super::*;

		/// The queued solution with every winner's backers (version 2).
		#[frame_support::storage_alias]
		pub type QueuedSolution<T: Config> = StorageValue<Pallet<T>, ReadyOf<T>>;
	}

	/// A result queued when the upgrade lands is kept: its winners with their totals, its score
	/// and how it was computed (nothing the stake pools use is lost). One read, one write.
	pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let Some(ready) = old::QueuedSolution::<T>::take() else {
				return T::DbWeight::get().reads(1);
			};
			let result = QueuedResult::from_supports(
				ready.supports.into_iter().map(|(winner, support)| (winner, support.total)),
				ready.score,
				ready.compute,
			);
			match result {
				Some(result) => QueuedSolution::<T>::put(result),
				// Bounded by the same `MaxWinners`: cannot happen; the fallback then decides.
				None => log::warn!(target: crate::LOG_TARGET, "a queued result did not fit"),
			}
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration from version 2 to 3, run once (the storage version guards it).
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		InnerMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
