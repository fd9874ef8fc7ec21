//! Withdrawals: immediate part, FIFO queue with partial fulfilment, bounded pay-outs, grace.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

/// A pool with 4000 PHA from account 1, 2000 staked for worker A, 2000 free.
fn half_staked_pool() -> PoolId {
	let pid = seed_pool();
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 4000 * PHA));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA));
	pid
}

#[test]
fn withdraw_errors_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = half_staked_pool();
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(1), 9, PHA),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(1), pid, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(2), pid, PHA),
			Error::<Test>::NoDelegation
		);
		// 2000 paid at once, 1000 queued; then three more requests of 100 each.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		for _ in 0..3 {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA));
		}
		assert_eq!(delegation(pid, 1).unwrap().withdrawals.len(), 4);
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA),
			Error::<Test>::TooManyWithdrawals
		);
		// Cancel one and queue everything that is left in one request.
		assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, 3));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		// 1000 + 100 + 100 + 800 = the 2000 still held, all queued.
		assert_eq!(delegation(pid, 1).unwrap().queued_shares, 2000 * PHA);
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(1), pid, PHA),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn withdrawal_within_free_delegation_is_paid_at_once() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = half_staked_pool();
		let before = free_balance(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 1500 * PHA));
		assert_eq!(free_balance(1) - before, 1500 * PHA);
		assert_eq!(delegation_hold(1), 2500 * PHA);
		assert_eq!(pool(pid).queue_tail, 0);
		assert_eq!(pool(pid).free, 500 * PHA);
	});
}

#[test]
fn the_queue_is_fifo_with_partial_fulfilment() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_C,
			3000 * PHA
		));
		// 1000 free: account 1 gets 1000 now and queues 1000; account 2 queues 2000.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), pid, 2000 * PHA));
		assert_eq!(delegation_hold(1), 1000 * PHA);
		assert_eq!(delegation_hold(2), 2000 * PHA);
		// 1500 new: the head (1000) in full, then 500 of the second.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), pid, 1500 * PHA));
		assert_eq!(delegation_hold(1), 0);
		assert_eq!(delegation_hold(2), 1500 * PHA);
		let request = WithdrawQueue::<Test>::get(pid, 1).unwrap();
		assert_eq!((request.shares, request.paid), (1500 * PHA, 500 * PHA));
		assert_eq!(pool(pid).queue_head, 1);
		let position = StakePool::delegator_positions(&2);
		let queued = position[0].queued_withdrawals[0].clone();
		assert_eq!(queued.value, 1500 * PHA);
		assert_eq!(queued.expected_payout_by, 1 + GracePeriod::get() + CooldownPeriod::get());
	});
}

#[test]
fn queue_payouts_are_bounded_per_call_and_continue_next_block() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		for who in 1..=5 {
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(who), pid, 1000 * PHA));
		}
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			5000 * PHA
		));
		for who in 1..=5 {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(who), pid, u128::MAX));
		}
		assert_eq!(pool(pid).queue_tail, 5);
		// Enough for everyone, but one call pays at most three.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(6), pid, 6000 * PHA));
		assert_eq!(pool(pid).queue_head, 3);
		// Free delegation owed to the queue cannot be staked meanwhile.
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_C, 3000 * PHA),
			Error::<Test>::InsufficientFreeDelegation
		);
		run_blocks(1);
		assert_eq!(pool(pid).queue_head, 5);
		for who in 1..=5 {
			assert_eq!(delegation_hold(who), 0);
		}
		assert_eq!(pool(pid).free, 1000 * PHA);
	});
}

#[test]
fn anyone_can_pay_the_queue() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_noop!(
			StakePool::process_withdrawals(RuntimeOrigin::signed(9), pid),
			Error::<Test>::NothingToPay
		);
		for who in 1..=4 {
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(who), pid, 1000 * PHA));
		}
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			4000 * PHA
		));
		for who in 1..=4 {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(who), pid, u128::MAX));
		}
		assert_noop!(
			StakePool::process_withdrawals(RuntimeOrigin::signed(9), pid),
			Error::<Test>::NothingToPay
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(6), pid, 5000 * PHA));
		assert_eq!(pool(pid).queue_head, 3);
		assert_ok!(StakePool::process_withdrawals(RuntimeOrigin::signed(9), pid));
		assert_eq!(pool(pid).queue_head, 4);
	});
}

#[test]
fn force_stop_overdue_is_permissionless_after_the_grace_period() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = half_staked_pool();
		assert_noop!(
			StakePool::force_stop_overdue(RuntimeOrigin::signed(9), pid),
			Error::<Test>::NotOverdue
		);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		System::set_block_number(1 + GracePeriod::get() - 1);
		assert_noop!(
			StakePool::force_stop_overdue(RuntimeOrigin::signed(9), pid),
			Error::<Test>::NotOverdue
		);
		// The hook has not run (jumped ahead): anyone triggers the stop.
		System::set_block_number(1 + GracePeriod::get());
		assert_ok!(StakePool::force_stop_overdue(RuntimeOrigin::signed(9), pid));
		assert!(matches!(worker(WORKER_A).state, WorkerState::CoolingDown { .. }));
		assert_noop!(
			StakePool::force_stop_overdue(RuntimeOrigin::signed(9), pid),
			Error::<Test>::NoMiningWorkers
		);
		run_blocks(CooldownPeriod::get());
		assert_eq!(delegation_hold(1), 0);
	});
}

#[test]
fn a_full_exit_pays_the_unclaimed_rewards_with_it() {
	ExtBuilder::default().reward_per_block(PHA).build_and_execute(|| {
		let pid = half_staked_pool();
		// One block of mining: 1 PHA, all of it account 1's (no commission).
		run_blocks(1);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		run_blocks(CooldownPeriod::get());
		let before = free_balance(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		// 4000 PHA back and the 1 PHA reward with it: no record is left behind for rewards
		// alone, so nothing keeps the pool from being closed.
		assert_eq!(free_balance(1) - before, 4000 * PHA + PHA);
		assert!(delegation(pid, 1).is_none());
		assert!(DelegatorPools::<Test>::get(1).is_empty());
		assert_noop!(
			StakePool::withdraw(RuntimeOrigin::signed(1), pid, PHA),
			Error::<Test>::NoDelegation
		);
	});
}

#[test]
fn a_backlog_of_cooldowns_does_not_delay_a_forced_stop() {
	// Two tasks per lane and block; three cool-downs and one grace expiry fall due in the same
	// block.
	let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
	MaxTasksPerBlock::set(2);
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 10_000 * PHA));
		for w in [WORKER_A, WORKER_B, WORKER_C] {
			let stake = StakePool::minimum_stake(&worker(w).benchmark);
			assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, w, stake));
			assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, w));
		}
		setup_worker(21, 400, OWNER_B);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		let other = pid + 1;
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), other, 21));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), other, 2000 * PHA));
		assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_B), other, 21, 2000 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), other, u128::MAX));
		// Cool-downs and the grace period both end at block 1 + 7 days.
		let due = 1 + 7 * DAYS;
		run_to_block(due);
		// The grace expiry has its own lane: it ran in that block, beside two cool-downs.
		assert!(matches!(worker(21).state, WorkerState::CoolingDown { .. }));
		let still_cooling = [WORKER_A, WORKER_B, WORKER_C]
			.into_iter()
			.filter(|w| matches!(worker(*w).state, WorkerState::CoolingDown { .. }))
			.count();
		assert_eq!(still_cooling, 1);
		run_to_block(due + 1);
		assert!([WORKER_A, WORKER_B, WORKER_C]
			.into_iter()
			.all(|w| worker(w).state == WorkerState::Ready));
	});
}
