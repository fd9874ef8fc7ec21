//! Storage migrations.

/// Version 3: each [`DelegatorPools`](crate::DelegatorPools) entry carries the position's voting
/// shares and hold (the election reads a voter in one read), instead of the pool id alone.
pub mod v3 {
	use crate::{pallet::*, types::*};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		BoundedVec,
	};
	use sp_runtime::traits::Saturating;

	/// `DelegatorPools` as version 2 stored it.
	pub mod old {
		use super::*;

		/// The pools each account delegates to (version 2).
		#[frame_support::storage_alias]
		pub type DelegatorPools<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			BoundedVec<PoolId, <T as Config>::MaxPoolsPerDelegator>,
			ValueQuery,
		>;
	}

	/// Rewrite every `DelegatorPools` entry with its positions' voting shares and hold, read
	/// from their delegation records (a pool without a record is dropped, as `try_state` would
	/// require). One read of the entry and one per position, one write per delegator: meant for
	/// chains with few delegators (every chain at version 2 was a development chain); a chain
	/// with many would run it as a multi-block migration.
	pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			crate::DelegatorPools::<T>::translate::<BoundedVec<PoolId, T::MaxPoolsPerDelegator>, _>(
				|who, pids| {
					reads = reads.saturating_add(1);
					writes = writes.saturating_add(1);
					let positions: alloc::vec::Vec<_> = pids
						.into_iter()
						.filter_map(|pid| {
							reads = reads.saturating_add(1);
							let delegation = Delegations::<T>::get(pid, &who)?;
							Some(VotingPosition {
								pid,
								shares: delegation.shares.saturating_sub(delegation.queued_shares),
								held: delegation.held,
							})
						})
						.collect();
					Some(BoundedVec::truncate_from(positions))
				},
			);
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			Ok((old::DelegatorPools::<T>::iter().count() as u32).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u32::decode(&mut &state[..]).map_err(|_| "bad pre-upgrade state")?;
			ensure!(
				crate::DelegatorPools::<T>::iter().count() as u32 == before,
				"a delegator was lost"
			);
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
