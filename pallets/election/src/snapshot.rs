//! The snapshot: voters, targets and desired targets, taken once per round, with its metadata and
//! fingerprint.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use codec::Encode;
use frame_election_provider_support::{
	bounds::{CountBound, DataProviderBounds},
	ElectionDataProvider,
};
use frame_support::{traits::Get, BoundedVec};
use sp_core::H256;

/// Why a snapshot could not be taken.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum SnapshotError {
	/// The data provider failed, with its reason.
	DataProvider(&'static str),
}

impl<T: Config> Pallet<T> {
	/// Take the snapshot for the current round from the data provider.
	pub(crate) fn create_snapshot() -> Result<SnapshotMetadata, SnapshotError> {
		let bound = |count: u32| DataProviderBounds { count: Some(CountBound(count)), size: None };
		// The data provider registers the weight of its own reads.
		let voters = T::DataProvider::electing_voters(bound(T::MaxElectingVoters::get()), 0)
			.map_err(SnapshotError::DataProvider)?;
		let targets = T::DataProvider::electable_targets(bound(T::MaxElectableTargets::get()), 0)
			.map_err(SnapshotError::DataProvider)?;
		let desired = T::DataProvider::desired_targets().map_err(SnapshotError::DataProvider)?;
		Ok(Self::store_snapshot(voters, targets, desired))
	}

	/// Store a snapshot of `voters` and `targets` for `desired` winners, with its metadata and
	/// fingerprint, and emit [`Event::SnapshotCreated`]. Weighed by
	/// [`WeightInfo::create_snapshot_internal`](crate::WeightInfo::create_snapshot_internal).
	pub(crate) fn store_snapshot(
		voters: Vec<SnapshotVoterOf<T>>,
		targets: Vec<T::AccountId>,
		desired: u32,
	) -> SnapshotMetadata {
		// Never more winners than candidates, nor than a result can hold.
		let desired = desired
			.min(targets.len() as u32)
			.min(<T::MinerConfig as crate::MinerConfig>::MaxWinners::get());
		// The data provider honours the bounds; truncating keeps a misbehaving one bounded too.
		let voters = BoundedVec::<_, T::MaxElectingVoters>::truncate_from(voters);
		let targets = BoundedVec::<_, T::MaxElectableTargets>::truncate_from(targets);
		let round = Round::<T>::get();
		let fingerprint = Self::fingerprint_of(round, desired, &voters, &targets);
		let metadata =
			SnapshotMetadata { voters: voters.len() as u32, targets: targets.len() as u32 };
		let total_stake = voters
			.iter()
			.fold(0u128, |total, (_, stake, _)| total.saturating_add(u128::from(*stake)));
		SnapshotTotalStake::<T>::put(total_stake);
		SnapshotVoters::<T>::put(voters);
		SnapshotTargets::<T>::put(targets);
		DesiredTargets::<T>::put(desired);
		SnapshotSize::<T>::put(metadata);
		SnapshotFingerprint::<T>::put(fingerprint);
		Self::deposit_event(Event::SnapshotCreated {
			round,
			voters: metadata.voters,
			targets: metadata.targets,
			desired_targets: desired,
			fingerprint,
		});
		metadata
	}

	/// The fingerprint of a snapshot: blake2-256 of the encoded `(round, desired, voters,
	/// targets)`.
	pub fn fingerprint_of(
		round: u32,
		desired: u32,
		voters: &[SnapshotVoterOf<T>],
		targets: &[T::AccountId],
	) -> H256 {
		H256(sp_io::hashing::blake2_256(&(round, desired, voters, targets).encode()))
	}

	/// Remove the snapshot.
	pub(crate) fn kill_snapshot() {
		SnapshotVoters::<T>::kill();
		SnapshotTargets::<T>::kill();
		DesiredTargets::<T>::kill();
		SnapshotSize::<T>::kill();
		SnapshotFingerprint::<T>::kill();
		SnapshotTotalStake::<T>::kill();
	}
}
