//! The snapshot: the targets page by page (`T` = [`Pallet::target_pages`] pages of at most
//! [`Config::TargetSnapshotPerBlock`]), then the voters page by page (`P` = [`Config::Pages`]
//! pages of at most [`Config::VoterSnapshotPerBlock`]), one page per block, with a fingerprint
//! over all of it.
//!
//! ```text
//!   block b            target page T - 1 (largest pools)   (Off -> TargetSnapshot { page: T - 2 })
//!   ...
//!   block b + T - 1    target page 0, desired targets     (-> Snapshot { page: P - 1 })
//!   block b + T        voter page P - 1 (largest voters)  (Snapshot { page: P - 2 })
//!   ...
//!   block b + T + P - 1  voter page 0, fingerprint        (-> Signed: its first block)
//! ```
//!
//! Each voter page is a separate storage value bounded by [`Config::VoterSnapshotPerBlock`], so
//! no single value read in a block is larger than a page (the targets are one value of at most
//! [`Config::MaxElectableTargets`] accounts, 32 KB at 1,000), and each page's hash is stored with it
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

	/// The pages the targets are taken in: `ceil(MaxElectableTargets / TargetSnapshotPerBlock)`,
	/// at least 1.
	pub fn target_pages() -> PageIndex {
		let per_page = T::TargetSnapshotPerBlock::get().max(1);
		T::MaxElectableTargets::get().div_ceil(per_page).max(1)
	}

	/// Take target page `page` from the data provider (the first one opens the snapshot's
	/// metadata; page 0, the last, also takes the desired number of winners). Returns the
	/// number of targets stored.
	pub(crate) fn create_target_snapshot_page(page: PageIndex) -> Result<u32, SnapshotError> {
		// The data provider registers the weight of its own reads.
		let room = T::MaxElectableTargets::get()
			.saturating_sub(SnapshotSize::<T>::get().map(|s| s.targets).unwrap_or_default());
		let count = T::TargetSnapshotPerBlock::get().min(room);
		let targets = T::DataProvider::electable_targets(count_bound(count), page)
			.map_err(SnapshotError::DataProvider)?;
		let desired = if page == 0 {
			Some(T::DataProvider::desired_targets().map_err(SnapshotError::DataProvider)?)
		} else {
			None
		};
		Ok(Self::store_target_snapshot_page(page, targets, desired))
	}

	/// Store a page of targets after those already taken (the highest page opens the
	/// snapshot's metadata), and with page 0 the desired targets. Weighed by
	/// [`WeightInfo::on_initialize_snapshot_targets`](crate::WeightInfo::on_initialize_snapshot_targets).
	pub(crate) fn store_target_snapshot_page(
		page: PageIndex,
		targets: Vec<T::AccountId>,
		desired: Option<u32>,
	) -> u32 {
		let first = page.saturating_add(1) >= Self::target_pages();
		let mut all = if first {
			SnapshotTotalStake::<T>::put(0u128);
			Vec::new()
		} else {
			SnapshotTargets::<T>::get().map(|t| t.into_inner()).unwrap_or_default()
		};
		let before = all.len();
		all.extend(targets);
		// The data provider honours the bound; truncating keeps a misbehaving one bounded too.
		let all = BoundedVec::<_, T::MaxElectableTargets>::truncate_from(all);
		let count = all.len().saturating_sub(before) as u32;
		let total = all.len() as u32;
		if let Some(desired) = desired {
			// Never more winners than candidates, nor than a result can hold.
			let desired =
				desired.min(total).min(<T::MinerConfig as crate::MinerConfig>::MaxWinners::get());
			DesiredTargets::<T>::put(desired);
		}
		SnapshotTargets::<T>::put(all);
		SnapshotSize::<T>::put(SnapshotMetadata { voters: 0, targets: total });
		count
	}

	/// Store all the targets at once with the desired targets (benchmarks and tests).
	#[cfg(any(feature = "runtime-benchmarks", test))]
	pub(crate) fn store_target_snapshot(targets: Vec<T::AccountId>, desired: u32) -> u32 {
		Self::store_target_snapshot_page(Self::target_pages().saturating_sub(1), Vec::new(), None);
		Self::store_target_snapshot_page(0, targets, Some(desired))
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

	/// The pages an election computed on chain reads: [`Config::OnChainPages`], at most
	/// `Pages`, at least 1.
	pub fn on_chain_pages() -> PageIndex {
		T::OnChainPages::get().clamp(1, T::Pages::get().max(1))
	}

	/// The most voters the on-chain pages hold (what their checks are weighed for).
	pub fn on_chain_voter_bound() -> u32 {
		Self::on_chain_pages().saturating_mul(T::VoterSnapshotPerBlock::get())
	}

	/// The voters of the top [`Pallet::on_chain_pages`] pages, largest page first: what an
	/// unsigned solution indexes and what the fallback elects from. The whole snapshot when
	/// `OnChainPages >= Pages`.
	pub fn on_chain_voters() -> Vec<SnapshotVoterOf<T>> {
		let msp = Self::msp();
		let lowest = msp.saturating_add(1).saturating_sub(Self::on_chain_pages());
		(lowest..=msp).rev().flat_map(Self::voter_page).collect()
	}

	/// The complete snapshot as an election computed on chain sees it: the voters of the top
	/// pages ([`Pallet::on_chain_voters`]), the targets and the desired targets.
	pub(crate) fn snapshot() -> Option<(Vec<SnapshotVoterOf<T>>, Vec<T::AccountId>, u32)> {
		if !Self::snapshot_complete() {
			return None;
		}
		let targets = SnapshotTargets::<T>::get()?;
		let desired = DesiredTargets::<T>::get()?;
		Some((Self::on_chain_voters(), targets.into_inner(), desired))
	}

	/// Remove voter pages `0..pages` and their hashes (without reading them).
	pub(crate) fn clear_voter_pages(pages: u32) {
		for page in 0..pages {
			PagedVoterSnapshot::<T>::remove(page);
			PagedVoterSnapshotHash::<T>::remove(page);
		}
	}

	/// Remove the snapshot.
	pub(crate) fn kill_snapshot() {
		Self::clear_voter_pages(T::Pages::get());
		SnapshotTargets::<T>::kill();
		DesiredTargets::<T>::kill();
		SnapshotSize::<T>::kill();
		SnapshotFingerprint::<T>::kill();
		SnapshotTotalStake::<T>::kill();
	}
}
