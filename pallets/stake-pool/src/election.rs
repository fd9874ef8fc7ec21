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
use alloc::{boxed::Box, collections::btree_map::BTreeMap, vec::Vec};
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
			// No storage read: the check's cost is part of `on_initialize_idle`, whose
			// benchmark runs the whole hook.
			return Weight::zero();
		}
		let mut election_weight = T::ElectionProvider::status().ok().flatten().unwrap_or_default();
		// A paged read of the voter list that never reached its last page (an election that
		// stopped mid-snapshot) must not keep the list locked into the next era.
		election_weight = election_weight.saturating_add(T::DbWeight::get().reads(1));
		if Self::voter_list_locked() {
			log::warn!(target: crate::LOG_TARGET, "a paged voter snapshot never finished");
			Self::end_voter_snapshot();
			election_weight = election_weight.saturating_add(T::DbWeight::get().writes(2));
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
	/// Read up to `limit` candidate pools, largest first, from [`Config::TargetList`], and keep
	/// their share prices for the voter pages ([`SnapshotPrices`], at most
	/// [`Config::MaxElectableTargets`] of them). Registers the weight of the reads.
	pub(crate) fn read_targets(limit: usize) -> Vec<(T::AccountId, PoolPrice<BalanceOf<T>>)> {
		let mut read: u32 = 0;
		// The list holds exactly the candidates (`put_pool` keeps it so); the pool read checks
		// it and costs what the benchmark `electable_targets(t)` measures.
		let targets: Vec<(T::AccountId, PoolPrice<BalanceOf<T>>)> = T::TargetList::iter()
			.take(limit)
			.inspect(|_| read = read.saturating_add(1))
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
			.collect();
		let prices = BoundedVec::truncate_from(
			targets.iter().map(|(_, price)| price.clone()).collect::<Vec<_>>(),
		);
		SnapshotPrices::<T>::put((frame_system::Pallet::<T>::block_number(), prices));
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
	fn snapshot_prices() -> BTreeMap<PoolId, (BalanceOf<T>, BalanceOf<T>)> {
		let now = frame_system::Pallet::<T>::block_number();
		let ongoing = Self::voter_list_locked();
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

	/// The candidate pools, largest `total_value` first from [`Config::TargetList`], reading no
	/// more entries than `bounds.count` allows.
	fn electable_targets(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<T::AccountId>> {
		if page > 0 {
			return Ok(Vec::new());
		}
		let limit = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		Ok(Self::read_targets(limit).into_iter().map(|(account, _)| account).collect())
	}

	/// The delegators with the largest voting value first from [`Config::VoterList`], **page
	/// by page**: the election asks for its pages from the most significant
	/// (`ElectionProvider::Pages - 1`) down to 0, and each page continues after the last
	/// delegator the page before read, reading at most `bounds.count` of them. The list is
	/// locked from the first page to the last ([`VoterSnapshotStatus`]), so nobody moves between
	/// pages; scores that change meanwhile are applied after ([`StaleVoters`]). Each voter votes
	/// with the fresh value of its positions in candidate pools; one left with no such position
	/// is skipped, not replaced (the list's score counts positions in any pool).
	///
	/// Page 0 asked for alone (a one-page election, or a fallback with no snapshot) reads the
	/// top of the list.
	fn electing_voters(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<VoterOf<Self>>> {
		let pages = <T::ElectionProvider as ElectionProvider>::Pages::get().max(1);
		if page >= pages.saturating_sub(1) {
			Self::begin_voter_snapshot();
		}
		let limit = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		let issuance = T::Currency::total_issuance();
		let prices = Self::snapshot_prices();
		let from: Box<dyn Iterator<Item = T::AccountId>> = match VoterSnapshotStatus::<T>::get() {
			SnapshotStatus::Waiting => T::VoterList::iter(),
			SnapshotStatus::Ongoing(last) => T::VoterList::iter_from(&last).unwrap_or_else(|_| {
				// The list is locked: its last node read cannot have left.
				frame_support::defensive!("the voter list's cursor left the locked list");
				Box::new(core::iter::empty())
			}),
			SnapshotStatus::Consumed => Box::new(core::iter::empty()),
		};
		// Delegators read; each costs at most `MaxPoolsPerDelegator` pool and position reads,
		// the worst case `electing_voters(v)` is benchmarked at.
		let mut read: usize = 0;
		let mut last = None;
		let mut voters = Vec::new();
		for who in from.take(limit) {
			read = read.saturating_add(1);
			if let Some(voter) = Self::voter_of(&who, &prices, issuance) {
				voters.push(voter);
			}
			last = Some(who);
		}
		if page == 0 {
			Self::end_voter_snapshot();
		} else {
			VoterSnapshotStatus::<T>::put(match last {
				Some(last) if read >= limit => SnapshotStatus::Ongoing(last),
				_ => SnapshotStatus::Consumed,
			});
		}
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
