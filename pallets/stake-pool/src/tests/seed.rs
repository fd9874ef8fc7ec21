//! The worked examples of the Phala staking documents (seeds 001 and 003), with their exact
//! numbers. 1 PHA = 10^12 planck. Worker A and B need 2000 PHA (score 400: 100 * sqrt(400)),
//! C and D need 3000 PHA (score 900).

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Permill;

fn delegate(who: AccountId, pid: PoolId, amount: Balance) {
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(who), pid, amount));
}

fn start(pid: PoolId, worker: AccountId, stake: Balance) {
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, worker, stake));
}

/// Figure 6 and 7 set-up: commission 60%, five delegators with 1400 PHA each.
fn figure_6_pool() -> PoolId {
	let pid = seed_pool();
	assert_ok!(StakePool::set_commission(
		RuntimeOrigin::signed(OWNER_A),
		pid,
		Permill::from_percent(60)
	));
	for who in DELEGATORS {
		delegate(who, pid, 1400 * PHA);
	}
	pid
}

#[test]
fn case_1_insufficient_staking_starts_a_b_c_but_not_d() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_eq!(StakePool::minimum_stake(&worker(WORKER_A).benchmark), 2000 * PHA);
		assert_eq!(StakePool::minimum_stake(&worker(WORKER_C).benchmark), 3000 * PHA);
		// 7000 PHA delegated in total, less than the 10000 all four need.
		delegate(1, pid, 3000 * PHA);
		delegate(2, pid, 4000 * PHA);
		start(pid, WORKER_A, 2000 * PHA);
		start(pid, WORKER_B, 2000 * PHA);
		start(pid, WORKER_C, 3000 * PHA);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_D, 3000 * PHA),
			Error::<Test>::InsufficientFreeDelegation
		);
		let p = pool(pid);
		assert_eq!((p.free, p.staked, p.total_value), (0, 7000 * PHA, 7000 * PHA));
		assert_eq!(worker(WORKER_D).state, WorkerState::Ready);
	});
}

#[test]
fn figure_6_reward_of_10_pays_owner_6_and_each_delegator_0_8() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = figure_6_pool();
		// 7000 PHA staked for A, B and C; D has no stake.
		start(pid, WORKER_A, 2000 * PHA);
		start(pid, WORKER_B, 2000 * PHA);
		start(pid, WORKER_C, 3000 * PHA);
		// One block of mining: the whole 10 PHA budget goes to the only pool.
		run_blocks(1);
		let before = free_balance(OWNER_A);
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!(free_balance(OWNER_A) - before, 6 * PHA);
		for who in DELEGATORS {
			assert_eq!(StakePool::pending_rewards(&who, pid), 800_000_000_000);
			let before = free_balance(who);
			assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(who), pid, false));
			assert_eq!(free_balance(who) - before, 800_000_000_000);
		}
		// 6 + 5 * 0.8 = 10: nothing left over.
		let p = pool(pid);
		assert_eq!(p.delegator_rewards_credited, 4 * PHA);
		assert_eq!(p.delegator_rewards_paid, 4 * PHA);
		assert_eq!(Rewards::<Test>::get().paid, 10 * PHA);
	});
}

#[test]
fn figure_7_free_delegation_earns_pro_rata_and_rounding_dust_is_accounted() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = figure_6_pool();
		delegate(RICH, pid, 5000 * PHA);
		// 12000 PHA in the pool; the minimum for each worker is staked (10000), 2000 stay free.
		start(pid, WORKER_A, 2000 * PHA);
		start(pid, WORKER_B, 2000 * PHA);
		start(pid, WORKER_C, 3000 * PHA);
		start(pid, WORKER_D, 3000 * PHA);
		assert_eq!(pool(pid).free, 2000 * PHA);
		run_blocks(1);
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		// 4 PHA for delegators: 1400/12000 * 4 = 0.4666... PHA, floored to the planck.
		for who in DELEGATORS {
			let before = free_balance(who);
			assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(who), pid, false));
			assert_eq!(free_balance(who) - before, 466_666_666_666);
		}
		// 5000/12000 * 4 = 1.666... PHA.
		let before = free_balance(RICH);
		assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(RICH), pid, false));
		assert_eq!(free_balance(RICH) - before, 1_666_666_666_666);
		// 5 * 466_666_666_666 + 1_666_666_666_666 = 3_999_999_999_996: 4 planck of dust stay
		// credited to the pool and unpaid; nothing is minted beyond the 10 PHA released.
		let p = pool(pid);
		assert_eq!(p.delegator_rewards_credited - p.delegator_rewards_paid, 4);
		let rewards = Rewards::<Test>::get();
		assert_eq!(rewards.released, 10 * PHA);
		assert_eq!(rewards.paid, 10 * PHA - 4);
	});
}

/// Figure 7's pool with Rich's 5000 PHA: 12000 delegated, 10000 staked, 2000 free.
fn figure_7_pool() -> PoolId {
	let pid = figure_6_pool();
	delegate(RICH, pid, 5000 * PHA);
	start(pid, WORKER_A, 2000 * PHA);
	start(pid, WORKER_B, 2000 * PHA);
	start(pid, WORKER_C, 3000 * PHA);
	start(pid, WORKER_D, 3000 * PHA);
	pid
}

#[test]
fn figure_9_withdrawal_beyond_free_delegation_is_paid_in_part_and_queued() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = figure_7_pool();
		let before = free_balance(RICH);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(RICH), pid, 4000 * PHA));
		// 2000 PHA back at once ...
		assert_eq!(free_balance(RICH) - before, 2000 * PHA);
		assert_eq!(delegation_hold(RICH), 3000 * PHA);
		// ... and 2000 PHA waiting in the queue.
		let request = WithdrawQueue::<Test>::get(pid, 0).unwrap();
		assert_eq!((request.delegator, request.shares), (RICH, 2000 * PHA));
		let p = pool(pid);
		assert_eq!((p.free, p.queued_shares, p.total_value), (0, 2000 * PHA, 10_000 * PHA));
	});
}

#[test]
fn figure_10_unpaid_for_the_grace_period_forces_a_stop_and_pays_after_the_cooldown() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = figure_7_pool();
		let requested_at = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(RICH), pid, 4000 * PHA));
		// Nothing happens for 7 days, and nobody calls anything.
		run_to_block(requested_at + 7 * DAYS - 1);
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		run_to_block(requested_at + 7 * DAYS);
		let until = requested_at + 14 * DAYS;
		for w in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
			assert_eq!(worker(w).state, WorkerState::CoolingDown { until });
		}
		assert!(pool_events().contains(&Event::PoolForcedToStop {
			pid,
			request: 0,
			workers_stopped: 4,
			cooldown_until: until,
		}));
		// The freeze cannot be interrupted; the request is still unpaid the block before.
		run_to_block(until - 1);
		assert_eq!(delegation_hold(RICH), 3000 * PHA);
		// After 7 more days the stake returns and the request is paid: 14 days in all.
		run_to_block(until);
		assert_eq!(delegation_hold(RICH), 1000 * PHA);
		assert!(WithdrawQueue::<Test>::get(pid, 0).is_none());
		let p = pool(pid);
		assert_eq!((p.free, p.staked, p.releasing), (8000 * PHA, 0, 0));
	});
}

#[test]
fn figure_11_new_delegation_within_the_grace_period_pays_the_queued_delegator_first() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = figure_7_pool();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(RICH), pid, 4000 * PHA));
		run_blocks(3 * DAYS);
		let before = free_balance(RICH);
		delegate(7, pid, 2000 * PHA);
		// The newcomer's 2000 PHA went straight to Rich.
		assert_eq!(free_balance(RICH) - before, 2000 * PHA);
		assert_eq!(delegation_hold(RICH), 1000 * PHA);
		assert_eq!(pool(pid).free, 0);
		// The grace period passes without a forced stop: the request was paid.
		run_blocks(5 * DAYS);
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
	});
}

#[test]
fn a_delegator_exits_within_grace_plus_cooldown() {
	ExtBuilder::default().reward_per_block(PHA).build_and_execute(|| {
		let pid = figure_7_pool();
		let requested_at = System::block_number();
		// Everyone leaves at once: 12000 PHA, only 2000 free.
		for who in DELEGATORS.into_iter().chain([RICH]) {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(who), pid, u128::MAX));
		}
		run_to_block(requested_at + GracePeriod::get() + CooldownPeriod::get());
		for who in DELEGATORS.into_iter().chain([RICH]) {
			assert_eq!(delegation_hold(who), 0, "{who} still holds delegation");
		}
		assert_eq!(pool(pid).total_value, 0);
	});
}

#[test]
fn operators_are_exclusive_figures_1_and_2() {
	ExtBuilder::default().build_and_execute(|| {
		let pool_1 = seed_pool();
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		let pool_2 = pool_1 + 1;
		// Owner-B is not the operator of A..D: Pool-2 cannot add them.
		for w in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
			assert_noop!(
				StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), pool_2, w),
				Error::<Test>::NotWorkerOperator
			);
		}
		assert_eq!(pool(pool_1).workers, 4);
		assert_eq!(pool(pool_2).workers, 0);
	});
}

#[test]
fn a_worker_must_stop_mining_before_it_changes_operator() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		delegate(1, pid, 2000 * PHA);
		start(pid, WORKER_A, 2000 * PHA);
		assert_noop!(
			StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_A), OWNER_B),
			Error::<Test>::WorkerNotReady
		);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		// Still cooling down for Owner-A.
		assert_noop!(
			StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_A), OWNER_B),
			Error::<Test>::WorkerNotReady
		);
		run_blocks(CooldownPeriod::get());
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
		assert_ok!(StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_A), OWNER_B));
		// It left Owner-A's pool with its stake back in free delegation, and Owner-B can bind it.
		assert_eq!(worker(WORKER_A).pool, None);
		assert_eq!(pool(pid).free, 2000 * PHA);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), pid + 1, WORKER_A));
	});
}
