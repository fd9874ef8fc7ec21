//! Pool states: open, blocked, destroying; a destroying pool is wound down by anyone, and nobody
//! (owner or delegator) can keep it from emptying.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, dispatch::DispatchResult};

fn set_state(who: AccountId, pid: PoolId, state: PoolState) -> DispatchResult {
	StakePool::set_pool_state(RuntimeOrigin::signed(who), pid, state)
}

#[test]
fn a_blocked_pool_takes_no_new_delegators_but_keeps_those_it_has() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 1000 * PHA));
		assert_noop!(set_state(1, pid, PoolState::Blocked), Error::<Test>::NotPoolOwner);
		assert_noop!(set_state(OWNER_A, pid, PoolState::Open), Error::<Test>::PoolStateUnchanged);
		assert_ok!(set_state(OWNER_A, pid, PoolState::Blocked));
		assert_eq!(
			pool_events().last(),
			Some(&Event::PoolStateChanged { pid, state: PoolState::Blocked, by: OWNER_A })
		);
		assert_eq!(StakePool::pool_summary(pid).unwrap().state, PoolState::Blocked);
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(2), pid, 1000 * PHA),
			Error::<Test>::PoolBlocked
		);
		// Those already in may add and leave; the owner may delegate.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 500 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(OWNER_A), pid, 500 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 200 * PHA));
		assert_eq!(delegation_hold(1), 1300 * PHA);
		// Open again: anyone may join.
		assert_ok!(set_state(OWNER_A, pid, PoolState::Open));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 1000 * PHA));
		assert_eq!(pool(pid).total_value, 2800 * PHA);
	});
}

#[test]
fn a_destroying_pool_is_wound_down_by_a_stranger_alone() {
	// The owner stops caring and one delegator never calls anything: without states that
	// pool lived for ever. A stranger withdraws everyone; the grace period stops the workers
	// and the release pays everyone, rewards included, with nobody else calling anything.
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 1000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			4000 * PHA
		));
		let start = System::block_number();
		assert_noop!(
			StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 2),
			Error::<Test>::PoolNotDestroying
		);
		assert_ok!(set_state(OWNER_A, pid, PoolState::Destroying));
		assert_ok!(StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 1));
		assert_ok!(StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 2));
		assert_noop!(
			StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 2),
			Error::<Test>::NothingToWithdraw
		);
		assert_noop!(
			StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 4),
			Error::<Test>::NoDelegation
		);
		assert_eq!(pool(pid).queued_shares, 4000 * PHA);
		let promise = start + GracePeriod::get() + CooldownPeriod::get();
		run_to_block(promise);
		// D mined from `start` until the grace period stopped it: 168 blocks of 10 PHA, all to
		// this pool (the only power), no commission, split 3000 : 1000.
		assert_eq!(GracePeriod::get(), 168);
		assert_eq!(free_balance(1), 100_000 * PHA + 1260 * PHA);
		assert_eq!(free_balance(2), 100_000 * PHA + 420 * PHA);
		assert_eq!(delegation_hold(1) + delegation_hold(2), 0);
		assert!(delegation(pid, 1).is_none() && delegation(pid, 2).is_none());
		assert_eq!(worker(WORKER_D).state, WorkerState::Ready);
		// The owner can close it now.
		for worker in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
			assert_ok!(StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, worker));
		}
		assert_ok!(StakePool::close_pool(RuntimeOrigin::signed(OWNER_A), pid));
		assert!(Pools::<Test>::get(pid).is_none());
	});
}

#[test]
fn nothing_keeps_a_destroying_pool_from_emptying() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			3000 * PHA
		));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 1000 * PHA));
		run_blocks(1);
		assert_ok!(set_state(OWNER_A, pid, PoolState::Destroying));
		// The state is final, and nobody adds value or stake.
		assert_noop!(set_state(OWNER_A, pid, PoolState::Open), Error::<Test>::PoolDestroying);
		for who in [1, 2, 3, OWNER_A] {
			assert_noop!(
				StakePool::delegate(RuntimeOrigin::signed(who), pid, 1000 * PHA),
				Error::<Test>::PoolDestroying
			);
		}
		assert_noop!(
			StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, true),
			Error::<Test>::PoolDestroying
		);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_C, 3000 * PHA),
			Error::<Test>::PoolDestroying
		);
		// A delegator cannot take back a queued request, nor drip its shares out in small
		// requests (which would keep its request slots full against `withdraw_other`): any
		// withdrawal takes all the shares not queued yet.
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, 0),
			Error::<Test>::PoolDestroying
		);
		// 2's 1000 paid 1's 100 request; the 900 left are free and pay 1 at once, the rest of
		// its 2900 is queued.
		let asked = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 1));
		assert_eq!(delegation_hold(1), 2000 * PHA);
		assert_eq!(delegation(pid, 1).unwrap().queued_shares, 2000 * PHA);
		// 2 is withdrawn by the owner: queued behind 1.
		assert_ok!(StakePool::withdraw_other(RuntimeOrigin::signed(OWNER_A), pid, 2));
		assert_eq!(pool(pid).queued_shares, 3000 * PHA);
		// Rewards are still claimable (paid, not restaked).
		assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, false));
		run_to_block(asked + GracePeriod::get() + CooldownPeriod::get());
		assert_eq!(delegation_hold(1) + delegation_hold(2), 0);
		assert_eq!(pool(pid).total_shares, 0);
		assert_eq!(pool(pid).delegators, 0);
	});
}

#[test]
fn request_slots_filled_before_destroying_only_delay_withdraw_other_to_a_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			3000 * PHA
		));
		let first = System::block_number();
		let slots: u32 = MaxWithdrawalsPerDelegation::get();
		for _ in 0..slots {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, PHA));
		}
		assert_ok!(set_state(OWNER_A, pid, PoolState::Destroying));
		assert_noop!(
			StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 1),
			Error::<Test>::TooManyWithdrawals
		);
		// The first request is paid by its promise (the grace period stops D, the release pays
		// all four small requests); then the rest can be withdrawn.
		run_to_block(first + GracePeriod::get() + CooldownPeriod::get());
		assert_eq!(delegation_hold(1), 3000 * PHA - 4 * PHA);
		assert_ok!(StakePool::withdraw_other(RuntimeOrigin::signed(3), pid, 1));
		// D was stopped: the stake is free and the rest is paid at once.
		assert_eq!(delegation_hold(1), 0);
		assert!(delegation(pid, 1).is_none());
	});
}

#[test]
fn anyone_may_destroy_a_depleted_pool_and_only_that() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// 2000 shares worth 200 PHA: ten per unit, still `MaxSharesPerValue`.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1800 * PHA));
		assert_noop!(set_state(3, pid, PoolState::Destroying), Error::<Test>::NotPoolOwner);
		// One planck more and nobody can join: a stranger may start the wind-down, but not
		// block or reopen the pool.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1));
		assert_noop!(set_state(3, pid, PoolState::Blocked), Error::<Test>::NotPoolOwner);
		assert_ok!(set_state(3, pid, PoolState::Destroying));
		assert_eq!(
			pool_events().last(),
			Some(&Event::PoolStateChanged { pid, state: PoolState::Destroying, by: 3 })
		);
		assert_noop!(set_state(OWNER_A, pid, PoolState::Open), Error::<Test>::PoolDestroying);
	});
}
