//! The pallet's invariants, checked by `try_state` (after every test, and by `try-runtime`).
//!
//! In words:
//! 1. Every pool's value is split exactly: `total_value == free + staked + releasing`, and its
//!    holds cover it: `total_held >= total_value` (the difference is slash not yet settled).
//! 2. A pool's `staked` is the stake of its mining and unresponsive workers, `releasing` that of
//!    its cooling-down workers, `power` the power of its mining workers, `workers` their count;
//!    every bound worker points back at the pool and is operated by the pool's owner.
//! 3. A pool's delegation records add up to its `total_shares`, `total_held` and `delegators`;
//!    every record is listed in the delegator's `DelegatorPools` with its voting shares (not
//!    queued) and hold, and vice versa.
//! 4. Every account's hold for delegations equals the sum of its records' `held`; its hold for
//!    pool deposits equals the deposits of the pools it owns.
//! 5. A pool's queue has exactly one entry for each id in `[queue_head, queue_tail)`, their
//!    shares add up to `queued_shares`; each entry with shares is listed by its delegator's
//!    record (a cancelled one has none and is listed by nobody), and each record's queued
//!    shares are the sum of its requests.
//! 6. Rewards: the pools' power adds up to the global total; what pools were credited never
//!    exceeds the budget released; what a pool paid its delegators never exceeds what it was
//!    credited, and its delegators' claimable rewards fit in the difference.
//! 7. Slashes: what was burned from holds never exceeds what was slashed.
//! 8. Workers outside the `Mining`/`Unresponsive`/`CoolingDown` states hold no stake.
//! 9. The agenda holds exactly the tasks the pallet's records expect, at the blocks they name:
//!    a pool's `grace_due` (set only with a non-empty queue, at its head's `requested_at +
//!    GracePeriod` or later when a task was retried), `release_due`, `payout_due` and
//!    `pending_commission`, and a cool-down task for each worker its owner stopped; nothing
//!    else, so no stale task takes a slot.
//! 10. The sorted lists: each delegator's `VoterScores` entry is the sum of its records'
//!     `vote_value`, and the voter list holds exactly the delegators with a score, at that
//!     score, except the delegators in `StaleVoters` (their score changed while the list was
//!     locked for a paged snapshot; the hook moves them after it); each pool's `target_score`
//!     is its value while it is a candidate (zero otherwise), and the target list holds exactly
//!     the pools with a score, at that score, except the pools in `StaleTargets` (likewise).

use crate::{pallet::*, types::*, PoolAccounts};
use alloc::collections::btree_map::BTreeMap;
use frame_election_provider_support::SortedListProvider;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

pub(crate) fn check<T: Config>() -> Result<(), TryRuntimeError> {
	let mut delegation_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
	let mut deposit_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
	let mut total_power: u128 = 0;
	let mut agenda_expected: u32 = 0;
	let mut vote_values: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
	let mut targets: u32 = 0;

	for (pid, pool) in Pools::<T>::iter() {
		// 1.
		ensure!(
			pool.free.saturating_add(pool.staked).saturating_add(pool.releasing)
				== pool.total_value,
			"pool value is not free + staked + releasing"
		);
		ensure!(pool.total_held >= pool.total_value, "pool value exceeds the holds backing it");
		ensure!(pid < NextPoolId::<T>::get(), "pool id beyond the counter");
		let deposit = deposit_holds.entry(pool.owner.clone()).or_insert_with(Zero::zero);
		*deposit = deposit.saturating_add(pool.deposit);

		// 2.
		let (mut staked, mut releasing, mut power, mut workers) =
			(BalanceOf::<T>::zero(), BalanceOf::<T>::zero(), 0u128, 0u32);
		for worker in PoolWorkers::<T>::iter_key_prefix(pid) {
			let info = Workers::<T>::get(&worker).ok_or("bound worker is not registered")?;
			ensure!(info.pool == Some(pid), "bound worker does not point at its pool");
			ensure!(
				info.operator.as_ref() == Some(&pool.owner),
				"bound worker not operated by owner"
			);
			match info.state {
				WorkerState::Mining => {
					staked = staked.saturating_add(info.stake);
					power = power.saturating_add(info.power.into());
				},
				WorkerState::Unresponsive => staked = staked.saturating_add(info.stake),
				WorkerState::CoolingDown { .. } => releasing = releasing.saturating_add(info.stake),
				WorkerState::Ready => ensure!(info.stake.is_zero(), "ready worker holds stake"),
			}
			workers = workers.saturating_add(1);
		}
		ensure!(staked == pool.staked, "pool staked differs from its workers' stake");
		ensure!(releasing == pool.releasing, "pool releasing differs from cooling-down stake");
		ensure!(power == pool.power, "pool power differs from its mining workers' power");
		ensure!(workers == pool.workers, "pool worker count is wrong");
		total_power = total_power.saturating_add(pool.power);

		// 3.
		let (mut shares, mut held, mut delegators, mut claimable) =
			(BalanceOf::<T>::zero(), BalanceOf::<T>::zero(), 0u32, BalanceOf::<T>::zero());
		for (who, delegation) in Delegations::<T>::iter_prefix(pid) {
			shares = shares.saturating_add(delegation.shares);
			held = held.saturating_add(delegation.held);
			delegators = delegators.saturating_add(1);
			claimable =
				claimable.saturating_add(Pallet::<T>::pending_rewards_of(&pool, &delegation));
			ensure!(
				DelegatorPools::<T>::get(&who).contains(&VotingPosition {
					pid,
					shares: delegation.shares.saturating_sub(delegation.queued_shares),
					held: delegation.held,
				}),
				"a delegation is missing from DelegatorPools or listed with other shares or hold"
			);
			let entry = delegation_holds.entry(who.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(delegation.held);
			let votes = vote_values.entry(who.clone()).or_insert_with(Zero::zero);
			*votes = votes.saturating_add(delegation.vote_value);
			let mut requested = BalanceOf::<T>::zero();
			for id in delegation.withdrawals.iter() {
				let request = WithdrawQueue::<T>::get(pid, id).ok_or("pending request missing")?;
				ensure!(request.delegator == who, "pending request belongs to someone else");
				ensure!(!request.shares.is_zero(), "a listed request has no shares");
				requested = requested.saturating_add(request.shares);
			}
			ensure!(requested == delegation.queued_shares, "queued shares of a record are wrong");
			ensure!(delegation.queued_shares <= delegation.shares, "requests exceed the position");
		}
		ensure!(shares == pool.total_shares, "delegation shares do not add up");
		ensure!(held == pool.total_held, "delegation holds do not add up");
		ensure!(delegators == pool.delegators, "delegator count is wrong");

		// 5.
		let mut queued = BalanceOf::<T>::zero();
		let mut entries: u64 = 0;
		for (id, request) in WithdrawQueue::<T>::iter_prefix(pid) {
			ensure!(
				id >= pool.queue_head && id < pool.queue_tail,
				"queue entry outside head..tail"
			);
			if !request.shares.is_zero() {
				let delegation = Delegations::<T>::get(pid, &request.delegator)
					.ok_or("request without delegation")?;
				ensure!(delegation.withdrawals.contains(&id), "request not linked from delegation");
			}
			queued = queued.saturating_add(request.shares);
			entries = entries.saturating_add(1);
		}
		ensure!(
			entries == pool.queue_tail.saturating_sub(pool.queue_head),
			"queue has holes or stray entries"
		);
		ensure!(queued == pool.queued_shares, "queued shares do not add up");

		// 6.
		ensure!(
			pool.delegator_rewards_paid <= pool.delegator_rewards_credited,
			"pool paid delegators more than it was credited"
		);
		// The settled view may credit the pool more before paying: compare against it.
		let mut settled = pool.clone();
		Pallet::<T>::settle_pool_view(&mut settled);
		ensure!(
			claimable
				<= settled
					.delegator_rewards_credited
					.saturating_sub(settled.delegator_rewards_paid),
			"claimable rewards exceed what the pool owes"
		);

		// 9. (the pool's side)
		let head = (pool.queue_head < pool.queue_tail)
			.then(|| WithdrawQueue::<T>::get(pid, pool.queue_head))
			.flatten();
		if let Some(due) = pool.grace_due {
			let head = head.as_ref().ok_or("grace armed with an empty queue")?;
			ensure!(
				due >= head.requested_at.saturating_add(T::GracePeriod::get()),
				"grace armed before the head's deadline"
			);
		}
		if head.is_none() {
			ensure!(pool.payout_due.is_none(), "pay-out continued with an empty queue");
		}
		let expected_tasks = [
			pool.grace_due.map(|due| (due, DeadlineTask::GraceExpiry { pid })),
			pool.release_due.map(|due| (due, DeadlineTask::Release { pid })),
			pool.payout_due.map(|due| (due, DeadlineTask::ContinuePayout { pid })),
			pool.pending_commission
				.map(|pending| (pending.effective_at, DeadlineTask::CommissionChange { pid })),
		];
		for (due, task) in expected_tasks.into_iter().flatten() {
			ensure!(
				Agenda::<T>::contains_key((task.kind(), Pallet::<T>::due_key(due), &task)),
				"a pool's task is missing from the agenda"
			);
			agenda_expected = agenda_expected.saturating_add(1);
		}

		// Whitelist.
		let listed = PoolWhitelist::<T>::iter_key_prefix(pid).count();
		ensure!(listed == pool.whitelist_len as usize, "whitelist length is wrong");

		// 10. (targets)
		ensure!(
			pool.target_score == Pallet::<T>::target_score_of(&pool),
			"a pool's target score is not its value as a candidate"
		);
		let account = T::PoolAccounts::account_of(pid);
		if StaleTargets::<T>::contains_key(&account) {
			// Its place waits for the hook (the list was locked when its score changed).
			if T::TargetList::contains(&account) {
				targets = targets.saturating_add(1);
			}
		} else if pool.target_score.is_zero() {
			ensure!(!T::TargetList::contains(&account), "a pool without a score is in the list");
		} else {
			ensure!(
				T::TargetList::get_score(&account).ok() == Some(pool.target_score),
				"the target list's score of a pool differs from its target score"
			);
			targets = targets.saturating_add(1);
		}
	}
	// Stale pools closed meanwhile may still be listed.
	for account in StaleTargets::<T>::iter_keys() {
		let gone = T::PoolAccounts::pool_of(&account).and_then(Pools::<T>::get).is_none();
		if gone && T::TargetList::contains(&account) {
			targets = targets.saturating_add(1);
		}
	}
	ensure!(
		StaleTargets::<T>::iter_keys().count() as u32 == StaleTargets::<T>::count(),
		"the stale targets' counter is wrong"
	);
	ensure!(T::TargetList::count() == targets, "the target list holds pools that are gone");

	// 10. (voters)
	let mut voters: u32 = 0;
	for (who, score) in VoterScores::<T>::iter() {
		ensure!(
			vote_values.get(&who).copied().unwrap_or_default() == score,
			"a voter score is not the sum of its positions' vote values"
		);
		ensure!(!score.is_zero(), "a zero voter score is stored");
		if StaleVoters::<T>::contains_key(&who) {
			// Its place waits for the hook (the list was locked when the score changed).
			continue;
		}
		ensure!(
			T::VoterList::get_score(&who).ok() == Some(score),
			"the voter list's score differs from the voter score"
		);
		voters = voters.saturating_add(1);
	}
	// Stale delegators still listed (any score, or none when they left meanwhile).
	for who in StaleVoters::<T>::iter_keys() {
		if T::VoterList::contains(&who) {
			voters = voters.saturating_add(1);
		}
	}
	ensure!(
		StaleVoters::<T>::iter_keys().count() as u32 == StaleVoters::<T>::count(),
		"the stale voters' counter is wrong"
	);
	for (who, votes) in vote_values.iter() {
		ensure!(
			votes.is_zero() || VoterScores::<T>::contains_key(who),
			"a delegator with voting positions has no voter score"
		);
	}
	ensure!(T::VoterList::count() == voters, "the voter list holds delegators without a score");

	// 3. (reverse direction)
	for (who, pools) in DelegatorPools::<T>::iter() {
		for position in pools {
			ensure!(
				Delegations::<T>::contains_key(position.pid, &who),
				"DelegatorPools lists a stale pool"
			);
		}
	}

	// 4.
	for (who, expected) in delegation_holds.iter() {
		let on_hold = T::Currency::balance_on_hold(&HoldReason::Delegation.into(), who);
		ensure!(on_hold == *expected, "delegation hold differs from the delegation records");
	}
	for (who, expected) in deposit_holds.iter() {
		let on_hold = T::Currency::balance_on_hold(&HoldReason::PoolDeposit.into(), who);
		ensure!(on_hold == *expected, "deposit hold differs from the pools owned");
	}

	// 6.
	let rewards = Rewards::<T>::get();
	ensure!(rewards.total_power == total_power, "global power differs from the pools' power");
	ensure!(rewards.accrued <= rewards.released, "pools were credited more than was released");

	// 7.
	let slashes = Slashes::<T>::get();
	ensure!(slashes.settled <= slashes.slashed, "burned more than was slashed");

	// 8.
	let mut cooldown_tasks: u32 = 0;
	for (worker, info) in Workers::<T>::iter() {
		if info.state == WorkerState::Ready {
			ensure!(info.stake.is_zero(), "ready worker holds stake");
		}
		if let WorkerState::CoolingDown { until } = info.state {
			let task = DeadlineTask::CooldownEnd { worker: worker.clone() };
			if Agenda::<T>::contains_key((TaskKind::Cooldown, Pallet::<T>::due_key(until), &task)) {
				cooldown_tasks = cooldown_tasks.saturating_add(1);
			} else {
				// A forced stop's cool-down is ended by its pool's release.
				let pid = info.pool.ok_or("cooling-down worker outside a pool")?;
				let release = Pools::<T>::get(pid)
					.and_then(|pool| pool.release_due)
					.ok_or("a cool-down has neither its own task nor its pool's release")?;
				ensure!(release <= until, "a pool's release comes after a cool-down it ends");
			}
		}
		if let Some(pid) = info.pool {
			ensure!(PoolWorkers::<T>::contains_key(pid, &worker), "worker's pool does not list it");
		} else {
			ensure!(info.state == WorkerState::Ready, "worker outside a pool is not ready");
		}
	}
	// 9. (the agenda's side): every entry is one of those counted above.
	let entries = Agenda::<T>::iter_keys().count();
	ensure!(
		entries == agenda_expected.saturating_add(cooldown_tasks) as usize,
		"the agenda holds a task no record expects"
	);
	Ok(())
}
