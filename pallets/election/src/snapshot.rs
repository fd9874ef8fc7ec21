//! The snapshot: targets and desired targets taken in one block, then the voters page by page,
//! one page per block, with a fingerprint over all of it.
//!
//! ```text
//!   block b        targets, desired targets              (Off -> Snapshot { page: Pages - 1 })
//!   block b + 1    voter page Pages - 1 (largest voters)  (Snapshot { page: Pages - 2 })
//!   ...
//!   block b + P    voter page 0, fingerprint              (-> Signed: its first block)
//! ```
//!
//! Each page is a separate storage value bounded by [`Config::VoterSnapshotPerBlock`], so no
//! single value read in a block is larger than a page, and each page's hash is stored with it
//! ([`PagedVoterSnapshotHash`]) so a reader (the `staking-miner`) can check pages fetched in
//! parallel against the fingerprint one by one.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use codec::Encode;
use frame_election_provider_support::{
	bounds::{CountBound, DataProviderBounds},
	ElectionDataProvider, PageIndex,
};
use frame_support::{traits::Get, BoundedVec};
use sp_core::H256;

/// Why a snapshot (page) could not be taken.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum SnapshotError {
	/// The data provider failed, with its reason.
	DataProvider(&'static str),
}

/// The bound of a data provider read of `count` items.
pub(crate) fn count_bound(count: u32) -> DataProviderBounds {
	DataProviderBounds { count: Some(CountBound(count)), size: None }
}

impl<T: Config> Pallet<T> {
	/// The most voters a snapshot takes: `Pages * VoterSnapshotPerBlock`.
	pub fn max_electing_voters() -> u32 {
		T::Pages::get().max(1).saturating_mul(T::VoterSnapshotPerBlock::get())
	}

	/// The most significant page: the one holding the largest voters, taken first.
	pub fn msp() -> PageIndex {
		T::Pages::get().max(1).saturating_sub(1)
	}

	/// Open the snapshot: take the targets and the desired number of winners, and record the
	/// metadata with no voters yet. Returns the number of targets.
	pub(crate) fn create_target_snapshot() -> Result<u32, SnapshotError> {
		// The data provider registers the weight of its own reads.
		// Targets are one page: page 0.
		let targets =
			T::DataProvider::electable_targets(count_bound(T::MaxElectableTargets::get()), 0)
				.map_err(SnapshotError::DataProvider)?;
		let desired = T::DataProvider::desired_targets().map_err(SnapshotError::DataProvider)?;
		Ok(Self::store_target_snapshot(targets, desired))
	}

	/// Store the targets and desired targets of a new snapshot. Weighed by
	/// [`WeightInfo::on_initialize_snapshot_targets`](crate::WeightInfo::on_initialize_snapshot_targets).
	pub(crate) fn store_target_snapshot(targets: Vec<T::AccountId>, desired: u32) -> u32 {
		// Never more winners than candidates, nor than a result can hold.
		let desired = desired
			.min(targets.len() as u32)
			.min(<T::MinerConfig as crate::MinerConfig>::MaxWinners::get());
		// The data provider honours the bound; truncating keeps a misbehaving one bounded too.
		let targets = BoundedVec::<_, T::MaxElectableTargets>::truncate_from(targets);
		let count = targets.len() as u32;
		SnapshotTargets::<T>::put(targets);
		DesiredTargets::<T>::put(desired);
		SnapshotSize::<T>::put(SnapshotMetadata { voters: 0, targets: count });
		SnapshotTotalStake::<T>::put(0u128);
		count
	}

	/// Take voter page `page` from the data provider. Returns the number of voters stored.
	pub(crate) fn create_voter_snapshot_page(page: PageIndex) -> Result<u32, SnapshotError> {
		let voters =
			T::DataProvider::electing_voters(count_bound(T::VoterSnapshotPerBlock::get()), page)
				.map_err(SnapshotError::DataProvider)?;
		Ok(Self::store_voter_snapshot_page(page, voters))
	}

	/// Store voter page `page` and its hash, and count its voters and stake into the metadata.
	/// Page 0, the last, also sets the fingerprint and emits [`Event::SnapshotCreated`].
	/// Weighed by
	/// [`WeightInfo::on_initialize_snapshot_voters`](crate::WeightInfo::on_initialize_snapshot_voters).
	pub(crate) fn store_voter_snapshot_page(
		page: PageIndex,
		voters: Vec<SnapshotVoterOf<T>>,
	) -> u32 {
		let voters = BoundedVec::<_, T::VoterSnapshotPerBlock>::truncate_from(voters);
		let count = voters.len() as u32;
		let stake = voters
			.iter()
			.fold(0u128, |total, (_, stake, _)| total.saturating_add(u128::from(*stake)));
		PagedVoterSnapshotHash::<T>::insert(page, Self::page_hash(&voters));
		if !voters.is_empty() {
			PagedVoterSnapshot::<T>::insert(page, voters);
		}
		SnapshotTotalStake::<T>::mutate(|total| {
			*total = Some(total.unwrap_or_default().saturating_add(stake))
		});
		let mut metadata = SnapshotSize::<T>::get().unwrap_or_default();
		metadata.voters = metadata.voters.saturating_add(count);
		SnapshotSize::<T>::put(metadata);
		if page == 0 {
			Self::seal_snapshot(metadata);
		}
		count
	}

	/// The snapshot is complete: compute and store its fingerprint and emit
	/// [`Event::SnapshotCreated`].
	fn seal_snapshot(metadata: SnapshotMetadata) {
		let round = Round::<T>::get();
		let desired = DesiredTargets::<T>::get().unwrap_or_default();
		let targets = SnapshotTargets::<T>::get().unwrap_or_default();
		let pages: Vec<H256> = (0..=Self::msp())
			.rev()
			.map(|page| PagedVoterSnapshotHash::<T>::get(page).unwrap_or_default())
			.collect();
		let fingerprint = Self::fingerprint_of(round, desired, &targets, &pages);
		SnapshotFingerprint::<T>::put(fingerprint);
		Self::deposit_event(Event::SnapshotCreated {
			round,
			voters: metadata.voters,
			targets: metadata.targets,
			desired_targets: desired,
			fingerprint,
		});
	}

	/// The hash of a voter page: blake2-256 of its encoding.
	pub fn page_hash(voters: &[SnapshotVoterOf<T>]) -> H256 {
		H256(sp_io::hashing::blake2_256(&voters.encode()))
	}

	/// The fingerprint of a snapshot: blake2-256 of the encoded `(round, desired, targets,
	/// page hashes)`, the page hashes ([`Pallet::page_hash`]) from page `Pages - 1` down to 0.
	pub fn fingerprint_of(
		round: u32,
		desired: u32,
		targets: &[T::AccountId],
		page_hashes: &[H256],
	) -> H256 {
		H256(sp_io::hashing::blake2_256(&(round, desired, targets, page_hashes).encode()))
	}

	/// Whether the snapshot is complete (its last page was taken).
	pub fn snapshot_complete() -> bool {
		SnapshotFingerprint::<T>::exists()
	}

	/// Voter page `page` of the snapshot (empty when the page is empty or absent).
	pub fn voter_page(page: PageIndex) -> Vec<SnapshotVoterOf<T>> {
		PagedVoterSnapshot::<T>::get(page).map(|page| page.into_inner()).unwrap_or_default()
	}

	/// The whole voter snapshot, largest page first (the order the data provider gave).
	pub fn snapshot_voters() -> Vec<SnapshotVoterOf<T>> {
		(0..=Self::msp()).rev().flat_map(Self::voter_page).collect()
	}

	/// The complete snapshot: voters (all pages, largest first), targets and desired targets.
	pub(crate) fn snapshot() -> Option<(Vec<SnapshotVoterOf<T>>, Vec<T::AccountId>, u32)> {
		if !Self::snapshot_complete() {
			return None;
		}
		let targets = SnapshotTargets::<T>::get()?;
		let desired = DesiredTargets::<T>::get()?;
		Some((Self::snapshot_voters(), targets.into_inner(), desired))
	}

	/// Remove the snapshot.
	pub(crate) fn kill_snapshot() {
		for page in 0..=Self::msp() {
			PagedVoterSnapshot::<T>::remove(page);
			PagedVoterSnapshotHash::<T>::remove(page);
		}
		SnapshotTargets::<T>::kill();
		DesiredTargets::<T>::kill();
		SnapshotSize::<T>::kill();
		SnapshotFingerprint::<T>::kill();
		SnapshotTotalStake::<T>::kill();
	}
}
