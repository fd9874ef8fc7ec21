//! The pallet's invariants, checked by `try_state` (after every test, and by `try-runtime`).
//!
//! In words:
//! 1. Every pool's value is split exactly: `total_value == free + staked + releasing`, and its
//!    holds cover it: `total_held >= total_value` (the difference is slash not yet settled).
//! 2. A pool's `staked` is the stake of its mining and unresponsive workers, `releasing` that of
//!    its cooling-down workers, `power` the power of its mining workers, `workers` their count;
//!    every bound worker points back at the pool and is operated by the pool's owner.
//! 3. A pool's delegation records add up to its `total_shares`, `total_held` and `delegators`;
//!    every record is listed in the delegator's `DelegatorPools`, and vice versa.
//! 4. Every account's hold for delegations equals the sum of its records' `held`; its hold for
//!    pool deposits equals the deposits of the pools it owns.
//! 5. A pool's queue has exactly one entry for each id in `[queue_head, queue_tail)`, their
//!    shares add up to `queued_shares`, and each belongs to a record that points back at it.
//! 6. Rewards: the pools' power adds up to the global total; what pools were credited never
//!    exceeds the budget released; what a pool paid its delegators never exceeds what it was
//!    credited, and its delegators' claimable rewards fit in the difference.
//! 7. Slashes: what was burned from holds never exceeds what was slashed.
//! 8. Workers outside the `Mining`/`Unresponsive`/`CoolingDown` states hold no stake; task
//!    queues have `head <= tail`.

use crate::{pallet::*, types::*};
use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

pub(crate) fn check<T: Config>() -> Result<(), TryRuntimeError> {
	let mut delegation_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
	let mut deposit_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
	let mut total_power: u128 = 0;

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
				DelegatorPools::<T>::get(&who).contains(&pid),
				"delegation missing from DelegatorPools"
			);
			let entry = delegation_holds.entry(who.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(delegation.held);
			if let Some(id) = delegation.pending_withdrawal {
				let request = WithdrawQueue::<T>::get(pid, id).ok_or("pending request missing")?;
				ensure!(request.delegator == who, "pending request belongs to someone else");
				ensure!(request.shares <= delegation.shares, "request exceeds the position");
			}
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
			let delegation = Delegations::<T>::get(pid, &request.delegator)
				.ok_or("request without delegation")?;
			ensure!(
				delegation.pending_withdrawal == Some(id),
				"request not linked from delegation"
			);
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

		// Whitelist.
		let listed = PoolWhitelist::<T>::iter_key_prefix(pid).count();
		ensure!(listed == pool.whitelist_len as usize, "whitelist length is wrong");
	}

	// 3. (reverse direction)
	for (who, pools) in DelegatorPools::<T>::iter() {
		for pid in pools {
			ensure!(Delegations::<T>::contains_key(pid, &who), "DelegatorPools lists a stale pool");
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
	for (worker, info) in Workers::<T>::iter() {
		if info.state == WorkerState::Ready {
			ensure!(info.stake.is_zero(), "ready worker holds stake");
		}
		if let Some(pid) = info.pool {
			ensure!(PoolWorkers::<T>::contains_key(pid, &worker), "worker's pool does not list it");
		} else {
			ensure!(info.state == WorkerState::Ready, "worker outside a pool is not ready");
		}
	}
	for kind in TaskKind::ALL {
		let cursor = TaskCursors::<T>::get(kind);
		ensure!(cursor.head <= cursor.tail, "task queue head beyond tail");
	}
	Ok(())
}
