//! The sorted voter and target lists the election reads, largest first.
//!
//! The election takes at most `MaxElectingVoters` voters and `MaxElectableTargets` targets.
//! Which ones it takes must follow a rule users can predict, and the reads must be bounded by
//! those counts, not by how many delegators and pools exist. So the pallet keeps two
//! [`SortedListProvider`]s up to date (in the runtime two instances of `pallet-bags-list`):
//!
//! - [`Config::VoterList`]: every delegator with a voting position, scored by the **value of
//!   its voting positions** (shares not waiting in the exit queue, at most what it holds), summed
//!   over all its pools. The score moves with every write of one of its delegation records
//!   (delegate, withdraw, cancel, queue pay-out, claim and restake, slash settlement), by the
//!   difference that position makes: each record keeps what it last added
//!   (`Delegation::vote_value`), and [`VoterScores`] the sum.
//! - [`Config::TargetList`]: every candidate pool (one with a mining worker), by its account,
//!   scored by the pool's **`total_value`**. Every write of a pool record goes through
//!   [`Pallet::put_pool`], which moves the pool in the list when its score changed
//!   (`PoolInfo::target_score` is what the list holds).
//!
//! Both are exact at every write. What a write cannot see is a slash: it lowers a pool's share
//! price, so its delegators' voting value falls without their records being written. Their
//! scores stay at the pre-slash value until the record is next written, which anyone can force
//! with the permissionless [`Pallet::settle_slash`] (it burns the delegator's share of the
//! slash and rescores the position). The election itself always uses the fresh value: the
//! score only decides the order in which voters are taken. A slashed voter can therefore be
//! taken ahead of a larger one until someone settles it; nobody can sort ahead by choosing an
//! address, as with the account-hash order this replaced
//! (`tests::election::the_largest_voters_are_taken_whatever_their_addresses`).
//!
//! Within one bag of the bags-list, entries are in insertion order; the bag thresholds
//! ([`geometric_thresholds`]) bound how far apart two entries of a bag can be (10% in the
//! runtime).

use crate::{math::value_of_shares, pallet::*, types::*, weights::WeightInfo, PoolAccounts};
use alloc::{boxed::Box, vec::Vec};
use frame_election_provider_support::{ScoreProvider, SortedListProvider};
use frame_support::{
	traits::{Defensive, Get},
	weights::Weight,
};
use sp_runtime::traits::{Saturating, Zero};

/// Bag thresholds in a geometric series: `first`, then each `ratio_num / ratio_den` times the
/// previous (at least one more), `N` of them. Evaluated at compile time for a runtime's
/// `BagThresholds`.
// `i < N` by the loop's condition; evaluated in a constant, an index out of bounds would fail
// the build, not a block (slices' `get_mut` is not const yet).
#[allow(clippy::indexing_slicing)]
pub const fn geometric_thresholds<const N: usize>(
	first: u128,
	ratio_num: u128,
	ratio_den: u128,
) -> [u128; N] {
	let mut thresholds = [0u128; N];
	let mut value = first;
	let mut i = 0;
	while i < N {
		thresholds[i] = value;
		let next = match value.checked_mul(ratio_num) {
			Some(product) => match product.checked_div(ratio_den) {
				Some(quotient) => quotient,
				None => u128::MAX,
			},
			None => u128::MAX,
		};
		value = if next > value { next } else { value.saturating_add(1) };
		i = i.saturating_add(1);
	}
	thresholds
}

impl<T: Config> Pallet<T> {
	/// What a position adds to its delegator's voter score now: the value of its shares not
	/// waiting in the exit queue, at most what it holds.
	pub(crate) fn position_vote_value(
		pool: &PoolOf<T>,
		delegation: &DelegationOf<T>,
	) -> BalanceOf<T> {
		let voting = delegation.shares.saturating_sub(delegation.queued_shares);
		value_of_shares::<T>(pool, voting).min(delegation.held)
	}

	/// Rescore `who` for the position `delegation` in `pool` about to be written (or removed):
	/// the voter score moves by the difference the position makes.
	pub(crate) fn rescore_position(
		who: &T::AccountId,
		pool: &PoolOf<T>,
		delegation: &mut DelegationOf<T>,
	) {
		let new = Self::position_vote_value(pool, delegation);
		let old = core::mem::replace(&mut delegation.vote_value, new);
		if old == new {
			return;
		}
		let score = VoterScores::<T>::get(who).saturating_sub(old).saturating_add(new);
		Self::set_voter_score(who, score);
	}

	/// Store `who`'s voter score and put it in its place in the voter list (out of it at zero).
	/// While the list is locked for a paged snapshot the place waits: `who` goes to
	/// [`StaleVoters`] and the hook moves it after the snapshot.
	fn set_voter_score(who: &T::AccountId, score: BalanceOf<T>) {
		if score.is_zero() {
			VoterScores::<T>::remove(who);
		} else {
			VoterScores::<T>::insert(who, score);
		}
		if Self::voter_list_locked() {
			StaleVoters::<T>::insert(who, ());
		} else {
			Self::place_voter(who, score);
		}
	}

	/// Put `who` in its place in the voter list for `score` (out of it at zero).
	fn place_voter(who: &T::AccountId, score: BalanceOf<T>) {
		Self::place_in::<T::VoterList>(who, score)
	}

	/// Put `who` in its place in list `L` for `score` (out of it at zero), whatever the list
	/// holds now.
	fn place_in<L: SortedListProvider<T::AccountId, Score = BalanceOf<T>>>(
		who: &T::AccountId,
		score: BalanceOf<T>,
	) {
		let listed = L::contains(who);
		if score.is_zero() {
			if listed {
				let _ = L::on_remove(who).defensive();
			}
		} else if listed {
			let _ = L::on_update(who, score).defensive();
		} else {
			let _ = L::on_insert(who.clone(), score).defensive();
		}
	}

	/// Whether the election is reading the voter list page by page (it is locked meanwhile).
	pub(crate) fn voter_list_locked() -> bool {
		VoterSnapshotStatus::<T>::get() != SnapshotStatus::Waiting
	}

	/// Whether the election is reading the target list page by page (it is locked meanwhile).
	pub(crate) fn target_list_locked() -> bool {
		TargetSnapshotStatus::<T>::get() != SnapshotStatus::Waiting
	}

	/// Read page `page` of a paged read of list `L` standing at `status`: at most `limit`
	/// entries, after the last one the page before read when `page` continues the read (it is
	/// below the page read last), else from the top. A read of more than one page locks the
	/// list at its first page; page 0 ends the read and unlocks it. Returns the entries and the
	/// read's new status.
	pub(crate) fn read_list_page<L: SortedListProvider<T::AccountId>>(
		status: SnapshotStatus<T::AccountId>,
		page: u32,
		limit: usize,
	) -> (Vec<T::AccountId>, SnapshotStatus<T::AccountId>) {
		let from: Box<dyn Iterator<Item = T::AccountId>> = if status.continues(page) {
			match status {
				SnapshotStatus::Ongoing { last, .. } => L::iter_from(&last).unwrap_or_else(|_| {
					// The list is locked: its last entry read cannot have left.
					frame_support::defensive!("a paged read's cursor left the locked list");
					Box::new(core::iter::empty())
				}),
				_ => Box::new(core::iter::empty()),
			}
		} else {
			if page > 0 {
				L::lock();
			}
			L::iter()
		};
		let entries: Vec<T::AccountId> = from.take(limit).collect();
		let status = if page == 0 {
			L::unlock();
			SnapshotStatus::Waiting
		} else {
			match entries.last() {
				Some(last) if entries.len() >= limit => {
					SnapshotStatus::Ongoing { page, last: last.clone() }
				},
				_ => SnapshotStatus::Consumed { page },
			}
		};
		(entries, status)
	}

	/// End every paged read: unlock both lists. Stale entries are moved by the hook from the
	/// next block.
	pub(crate) fn end_paged_reads() {
		VoterSnapshotStatus::<T>::kill();
		TargetSnapshotStatus::<T>::kill();
		T::VoterList::unlock();
		T::TargetList::unlock();
	}

	/// Move up to [`Config::MaxStaleRescoresPerBlock`] delegators of [`StaleVoters`] and as many
	/// pools of [`StaleTargets`] to their place in their list, once it is unlocked. Returns the
	/// weight used.
	pub(crate) fn rescore_stale() -> Weight {
		let max = T::MaxStaleRescoresPerBlock::get() as usize;
		let mut voters: u32 = 0;
		if StaleVoters::<T>::count() > 0 && !Self::voter_list_locked() {
			let batch: Vec<T::AccountId> = StaleVoters::<T>::iter_keys().take(max).collect();
			voters = batch.len() as u32;
			for who in batch {
				StaleVoters::<T>::remove(&who);
				Self::place_voter(&who, VoterScores::<T>::get(&who));
			}
		}
		let mut targets: u32 = 0;
		if StaleTargets::<T>::count() > 0 && !Self::target_list_locked() {
			let batch: Vec<T::AccountId> = StaleTargets::<T>::iter_keys().take(max).collect();
			targets = batch.len() as u32;
			for account in batch {
				StaleTargets::<T>::remove(&account);
				Self::place_target(&account);
			}
		}
		T::WeightInfo::rescore_stale_voters(voters)
			.saturating_add(T::WeightInfo::rescore_stale_targets(targets))
	}

	/// Put a pool's account in its place in the target list for its `target_score` (out of it
	/// when the pool is gone or not a candidate).
	fn place_target(account: &T::AccountId) {
		let score = T::PoolAccounts::pool_of(account)
			.and_then(Pools::<T>::get)
			.map(|pool| pool.target_score)
			.unwrap_or_default();
		Self::place_target_at(account, score);
	}

	/// Put a pool's account in its place in the target list for `score` (out of it at zero),
	/// whatever the list holds now.
	fn place_target_at(account: &T::AccountId, score: BalanceOf<T>) {
		Self::place_in::<T::TargetList>(account, score)
	}

	/// The pool's score in the target list: its value while it is a candidate, else zero.
	pub(crate) fn target_score_of(pool: &PoolOf<T>) -> BalanceOf<T> {
		if Self::is_candidate(pool) {
			pool.total_value
		} else {
			Zero::zero()
		}
	}

	/// Write a pool record, moving the pool in the target list when its score changed. Every
	/// write of [`Pools`] goes through here (the deadline retry bookkeeping aside, which changes
	/// neither value nor candidacy).
	pub(crate) fn put_pool(pid: PoolId, mut pool: PoolOf<T>) {
		let score = Self::target_score_of(&pool);
		if score != pool.target_score {
			let account = T::PoolAccounts::account_of(pid);
			if Self::target_list_locked() {
				// The list is being read page by page: its place waits for the hook.
				StaleTargets::<T>::insert(account, ());
			} else if StaleTargets::<T>::take(&account).is_some() {
				// Its place was still waiting: the list holds what it held before the lock,
				// not what `target_score` says.
				Self::place_target_at(&account, score);
			} else if score.is_zero() {
				let _ = T::TargetList::on_remove(&account).defensive();
			} else if pool.target_score.is_zero() {
				let _ = T::TargetList::on_insert(account, score).defensive();
			} else {
				let _ = T::TargetList::on_update(&account, score).defensive();
			}
			pool.target_score = score;
		}
		Pools::<T>::insert(pid, pool);
	}

	/// Remove a pool record (closing it), and the pool from the target list if it is there.
	pub(crate) fn remove_pool(pid: PoolId, pool: &PoolOf<T>) {
		let account = T::PoolAccounts::account_of(pid);
		if Self::target_list_locked() {
			if !pool.target_score.is_zero() || StaleTargets::<T>::contains_key(&account) {
				StaleTargets::<T>::insert(account, ());
			}
		} else if StaleTargets::<T>::take(&account).is_some() {
			Self::place_target_at(&account, Zero::zero());
		} else if !pool.target_score.is_zero() {
			let _ = T::TargetList::on_remove(&account).defensive();
		}
		Pools::<T>::remove(pid);
	}
}

/// The voter list's scores ([`VoterScores`]), for `pallet-bags-list`'s `ScoreProvider`.
pub struct VoterScoreOf<T>(core::marker::PhantomData<T>);

impl<T: Config> ScoreProvider<T::AccountId> for VoterScoreOf<T> {
	type Score = BalanceOf<T>;

	fn score(who: &T::AccountId) -> Option<Self::Score> {
		Some(VoterScores::<T>::get(who)).filter(|score| !score.is_zero())
	}

	#[cfg(any(feature = "runtime-benchmarks", feature = "std"))]
	fn set_score_of(who: &T::AccountId, score: Self::Score) {
		VoterScores::<T>::insert(who, score);
	}
}

/// The target list's scores (each pool's `target_score`), for `pallet-bags-list`'s
/// `ScoreProvider`.
pub struct TargetScoreOf<T>(core::marker::PhantomData<T>);

impl<T: Config> ScoreProvider<T::AccountId> for TargetScoreOf<T> {
	type Score = BalanceOf<T>;

	fn score(who: &T::AccountId) -> Option<Self::Score> {
		let pid = <T::PoolAccounts as crate::PoolAccounts<T::AccountId>>::pool_of(who)?;
		Pools::<T>::get(pid).map(|pool| pool.target_score).filter(|score| !score.is_zero())
	}

	#[cfg(any(feature = "runtime-benchmarks", feature = "std"))]
	fn set_score_of(who: &T::AccountId, score: Self::Score) {
		let Some(pid) = <T::PoolAccounts as crate::PoolAccounts<T::AccountId>>::pool_of(who) else {
			return;
		};
		Pools::<T>::mutate(pid, |maybe| {
			if let Some(pool) = maybe {
				pool.target_score = score;
			}
		});
	}
}
