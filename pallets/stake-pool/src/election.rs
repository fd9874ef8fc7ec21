//! The stake pools as an election's data provider, and the active set of each era.
//!
//! - **Targets** are pools with at least one mining worker (power above zero), known to the
//!   election by their [`PoolAccounts`] account, largest `total_value` first
//!   ([`Config::TargetList`]).
//! - **Voters** are delegators, largest voting value first ([`Config::VoterList`], see
//!   [`crate::lists`]): each votes for the candidate pools it backs (at most
//!   `MaxPoolsPerDelegator`) with the value of its positions in those pools (after unsettled
//!   slashes, never more than it holds, and without the shares waiting in the exit queue),
//!   converted to a vote by [`Config::CurrencyToVote`]. The election splits that stake among
//!   the pools it votes for, as NPoS does. Reads are bounded by the count the election asks for.
//! - **Desired targets**: [`Config::DesiredActivePools`].
//! - **Eras** last [`Config::EraLength`] blocks (of `frame_system`, the blocks the election's
//!   phases count); at each era boundary the pallet calls `elect()`, stores the active set with
//!   each pool's backing, emits [`Event::ActiveSetElected`] and tells [`Config::OnNewActiveSet`].
//!   If the election fails, the previous set stays.

use crate::{pallet::*, types::*, weights::WeightInfo};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use codec::{Decode, Encode};
use core::marker::PhantomData;
use frame_election_provider_support::{
	bounds::DataProviderBounds, data_provider, ElectionDataProvider, ElectionProvider, PageIndex,
	SortedListProvider, VoterOf,
};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Inspect, Get},
	BoundedVec, PalletId,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{AccountIdConversion, Bounded, CheckedDiv, One, Saturating, Zero};
use sp_staking::currency_to_vote::CurrencyToVote;

/// How the election names pools: each pool has an account, and the account maps back.
pub trait PoolAccounts<AccountId> {
	/// The account of pool `pid`.
	fn account_of(pid: PoolId) -> AccountId;
	/// The pool an account stands for, if any.
	fn pool_of(who: &AccountId) -> Option<PoolId>;
}

/// Pool accounts derived from a `PalletId` (`modl` + pallet id + pool id), for 32-byte accounts.
pub struct PalletIdPoolAccounts<Id>(PhantomData<Id>);

impl<AccountId: Encode + Decode, Id: Get<PalletId>> PoolAccounts<AccountId>
	for PalletIdPoolAccounts<Id>
{
	fn account_of(pid: PoolId) -> AccountId {
		Id::get().into_sub_account_truncating(pid)
	}

	fn pool_of(who: &AccountId) -> Option<PoolId> {
		let (id, pid) = PalletId::try_from_sub_account::<PoolId>(who)?;
		(id == Id::get()).then_some(pid)
	}
}

/// Told of every new active set (e.g. to pick collators).
pub trait OnNewActiveSet {
	/// `pools` are the elected pools with their backing (in vote units).
	fn on_new_active_set(era: u32, pools: &[(PoolId, u128)]);
}

impl OnNewActiveSet for () {
	fn on_new_active_set(_era: u32, _pools: &[(PoolId, u128)]) {}
}

impl<T: Config> Pallet<T> {
	/// Whether a pool stands in the election: it has a mining worker.
	pub(crate) fn is_candidate(pool: &PoolOf<T>) -> bool {
		pool.power > 0
	}

	/// Start era `CurrentEra + 1` with a fresh active set if this block ends an era. Returns the
	/// weight used.
	pub(crate) fn maybe_new_era(now: BlockNumberFor<T>) -> Weight {
		let length = T::EraLength::get();
		let at_boundary = now
			.checked_div(&length)
			.map(|eras| eras.saturating_mul(length) == now)
			.unwrap_or(false);
		if now.is_zero() || !at_boundary {
			// No storage read, two integer operations: nothing beyond the block's base weight.
			return Weight::zero();
		}
		let mut election_weight = T::ElectionProvider::status().ok().flatten().unwrap_or_default();
		// A paged read of either list that never reached its last page (an election that
		// stopped mid-snapshot) must not keep the list locked into the next era.
		election_weight = election_weight.saturating_add(T::DbWeight::get().reads(2));
		if Self::voter_list_locked() || Self::target_list_locked() {
			log::warn!(target: crate::LOG_TARGET, "a paged snapshot never finished");
			Self::end_paged_reads();
			election_weight = election_weight.saturating_add(T::DbWeight::get().writes(4));
		}
		let era = CurrentEra::<T>::get().saturating_add(1);
		match T::ElectionProvider::elect(0) {
			Ok(supports) => {
				let pools: Vec<(PoolId, u128)> = supports
					.into_iter()
					.filter_map(|(who, support)| {
						T::PoolAccounts::pool_of(&who).map(|pid| (pid, support.total))
					})
					.collect();
				let winners = Self::store_active_set(era, pools);
				election_weight.saturating_add(T::WeightInfo::on_initialize_new_era(winners))
			},
			Err(_) => {
				Self::deposit_event(Event::ActiveSetElectionFailed { era });
				election_weight.saturating_add(T::WeightInfo::on_initialize_new_era(0))
			},
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The candidates among `accounts` (pools with a mining worker) with their share prices,
	/// one pool read each.
	fn priced_candidates(
		accounts: Vec<T::AccountId>,
	) -> Vec<(T::AccountId, PoolPrice<BalanceOf<T>>)> {
		accounts
			.into_iter()
			.filter_map(|account| {
				let pid = T::PoolAccounts::pool_of(&account)?;
				let pool = Pools::<T>::get(pid).filter(Self::is_candidate)?;
				let price = PoolPrice {
					pid,
					total_value: pool.total_value,
					total_shares: pool.total_shares,
				};
				Some((account, price))
			})
			.collect()
	}

	/// Keep `prices` for the voter pages ([`SnapshotPrices`], at most
	/// [`Config::MaxElectableTargets`]), after those already kept when `append`.
	fn keep_prices(prices: Vec<PoolPrice<BalanceOf<T>>>, append: bool) {
		let mut kept = match SnapshotPrices::<T>::get() {
			Some((_, kept)) if append => kept.into_inner(),
			_ => Vec::new(),
		};
		kept.extend(prices);
		SnapshotPrices::<T>::put((
			frame_system::Pallet::<T>::block_number(),
			BoundedVec::truncate_from(kept),
		));
	}

	/// Read the top `limit` candidate pools outside any paged read and keep their prices.
	/// Registers the weight of the reads.
	pub(crate) fn read_targets(limit: usize) -> Vec<(T::AccountId, PoolPrice<BalanceOf<T>>)> {
		let accounts: Vec<T::AccountId> = T::TargetList::iter().take(limit).collect();
		let read = accounts.len() as u32;
		let targets = Self::priced_candidates(accounts);
		Self::keep_prices(targets.iter().map(|(_, price)| price.clone()).collect(), false);
		frame_system::Pallet::<T>::register_extra_weight_unchecked(
			T::WeightInfo::electable_targets(read),
			DispatchClass::Mandatory,
		);
		targets
	}

	/// The share prices the voter pages use: within a paged read, those its first page used;
	/// a read starts with those of the target read of its block or the one before (the election
	/// reads its targets the block before its first voter page), else reads them afresh
	/// (weighed as a target read of [`Config::MaxElectableTargets`]).
	fn snapshot_prices(page: PageIndex) -> BTreeMap<PoolId, (BalanceOf<T>, BalanceOf<T>)> {
		let now = frame_system::Pallet::<T>::block_number();
		let ongoing = VoterSnapshotStatus::<T>::get().continues(page);
		let prices = match SnapshotPrices::<T>::get() {
			Some((at, prices)) if ongoing || at.saturating_add(One::one()) >= now => {
				prices.into_inner()
			},
			_ => Self::read_targets(T::MaxElectableTargets::get() as usize)
				.into_iter()
				.map(|(_, price)| price)
				.collect(),
		};
		prices
			.into_iter()
			.map(|price| (price.pid, (price.total_value, price.total_shares)))
			.collect()
	}

	/// `who` as a voter: the value of its voting positions in the pools of `prices` (the
	/// candidates the target read took, at their share price then), at most what each holds,
	/// converted to a vote, and those pools. `None` when it has no such position. One read:
	/// its [`DelegatorPools`] record.
	fn voter_of(
		who: &T::AccountId,
		prices: &BTreeMap<PoolId, (BalanceOf<T>, BalanceOf<T>)>,
		issuance: BalanceOf<T>,
	) -> Option<VoterOf<Self>> {
		let mut stake = BalanceOf::<T>::zero();
		let mut votes = BoundedVec::<T::AccountId, T::MaxPoolsPerDelegator>::new();
		for position in DelegatorPools::<T>::get(who) {
			let Some((total_value, total_shares)) = prices.get(&position.pid) else {
				continue;
			};
			let value =
				crate::math::value_at_price::<T>(position.shares, *total_value, *total_shares)
					.min(position.held);
			if value.is_zero() || votes.try_push(T::PoolAccounts::account_of(position.pid)).is_err()
			{
				continue;
			}
			stake = stake.saturating_add(value);
		}
		let weight = T::CurrencyToVote::to_vote(stake, issuance);
		(!votes.is_empty() && weight > 0).then(|| (who.clone(), weight, votes))
	}

	/// Store era `era`'s active set, tell [`Config::OnNewActiveSet`] and emit
	/// [`Event::ActiveSetElected`]: the pallet's own part of an era boundary, which
	/// `on_initialize_new_era(w)` measures (the election's `elect` is weighed by the election).
	/// Returns the number of pools stored.
	pub(crate) fn store_active_set(era: u32, pools: Vec<(PoolId, u128)>) -> u32 {
		let set = BoundedVec::<_, MaxActivePoolsOf<T>>::truncate_from(pools);
		let winners = set.len() as u32;
		T::OnNewActiveSet::on_new_active_set(era, &set);
		CurrentEra::<T>::put(era);
		ActivePools::<T>::put(&set);
		Self::deposit_event(Event::ActiveSetElected { era, pools: set.into_inner() });
		winners
	}
}

/// The bound of the active set: the election's most winners per page.
pub type MaxActivePoolsOf<T> =
	<<T as Config>::ElectionProvider as ElectionProvider>::MaxWinnersPerPage;

impl<T: Config> ElectionDataProvider for Pallet<T> {
	type AccountId = T::AccountId;
	type BlockNumber = BlockNumberFor<T>;
	type MaxVotesPerVoter = T::MaxPoolsPerDelegator;

	/// The candidate pools, largest `total_value` first from [`Config::TargetList`], **page by
	/// page** like the voters (the list locked from the first page to page 0, pools whose value
	/// changes meanwhile moved after, [`StaleTargets`]), reading at most `bounds.count` entries
	/// per page. Their share prices are kept for the voter pages ([`SnapshotPrices`]).
	fn electable_targets(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<T::AccountId>> {
		let limit = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		let status = TargetSnapshotStatus::<T>::get();
		let continues = status.continues(page);
		let (accounts, status) = Self::read_list_page::<T::TargetList>(status, page, limit);
		TargetSnapshotStatus::<T>::put(status);
		let read = accounts.len() as u32;
		let targets = Self::priced_candidates(accounts);
		Self::keep_prices(targets.iter().map(|(_, price)| price.clone()).collect(), continues);
		frame_system::Pallet::<T>::register_extra_weight_unchecked(
			T::WeightInfo::electable_targets(read),
			DispatchClass::Mandatory,
		);
		Ok(targets.into_iter().map(|(account, _)| account).collect())
	}

	/// The delegators with the largest voting value first from [`Config::VoterList`], **page
	/// by page**: the election asks for its pages from its highest down to 0; a page below the
	/// one read last continues after the last delegator it read, any other page starts a new
	/// read at the top. At most `bounds.count` delegators are read per page. A read of more than
	/// one page locks the list from its first page to page 0 ([`VoterSnapshotStatus`]), so
	/// nobody moves between pages; scores that change meanwhile are applied after
	/// ([`StaleVoters`]). Each voter votes with the value of its positions in the candidate
	/// pools of the target read the page follows ([`SnapshotPrices`]); one with no such
	/// position is skipped, not replaced (the list's score counts positions in any pool).
	///
	/// Page 0 asked for alone (a one-page election, or a fallback with no snapshot) reads the
	/// top of the list.
	fn electing_voters(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<VoterOf<Self>>> {
		let limit = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		let issuance = T::Currency::total_issuance();
		let prices = Self::snapshot_prices(page);
		let (accounts, status) =
			Self::read_list_page::<T::VoterList>(VoterSnapshotStatus::<T>::get(), page, limit);
		VoterSnapshotStatus::<T>::put(status);
		let read = accounts.len();
		let voters: Vec<VoterOf<Self>> =
			accounts.iter().filter_map(|who| Self::voter_of(who, &prices, issuance)).collect();
		frame_system::Pallet::<T>::register_extra_weight_unchecked(
			T::WeightInfo::electing_voters(read as u32),
			DispatchClass::Mandatory,
		);
		Ok(voters)
	}

	fn desired_targets() -> data_provider::Result<u32> {
		Ok(T::DesiredActivePools::get())
	}

	fn next_election_prediction(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
		let length = T::EraLength::get();
		match now.checked_div(&length) {
			Some(eras) => eras.saturating_add(One::one()).saturating_mul(length),
			None => BlockNumberFor::<T>::max_value(),
		}
	}
}
