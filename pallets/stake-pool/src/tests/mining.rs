//! Staking for workers: start, restart, stop, cool-down and reclaim.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

fn funded_pool(amount: Balance) -> PoolId {
	let pid = seed_pool();
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, amount));
	pid
}

#[test]
fn start_mining_checks_the_stake_bounds() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = funded_pool(60_000 * PHA);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA - 1),
			Error::<Test>::StakeBelowMinimum
		);
		assert_noop!(
			StakePool::start_mining(
				RuntimeOrigin::signed(OWNER_A),
				pid,
				WORKER_A,
				50_000 * PHA + 1
			),
			Error::<Test>::StakeAboveMaximum
		);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_B), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::NotPoolOwner
		);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, 77, 2000 * PHA),
			Error::<Test>::WorkerNotRegistered
		);
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			50_000 * PHA
		));
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::WorkerNotReady
		);
		let p = pool(pid);
		assert_eq!((p.staked, p.free, p.power), (50_000 * PHA, 10_000 * PHA, 400));
	});
}

#[test]
fn a_worker_outside_the_pool_cannot_be_staked() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = funded_pool(5000 * PHA);
		setup_worker(21, 400, OWNER_A);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, 21, 2000 * PHA),
			Error::<Test>::WorkerNotInPool
		);
	});
}

#[test]
fn stopped_stake_cools_down_and_returns_by_itself() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = funded_pool(5000 * PHA);
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_noop!(
			StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_B),
			Error::<Test>::WorkerNotMining
		);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		let until = System::block_number() + CooldownPeriod::get();
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		let p = pool(pid);
		assert_eq!((p.staked, p.releasing, p.free, p.power), (0, 2000 * PHA, 3000 * PHA, 0));
		// Cooling down: it cannot start again, and the reclaim is not yet possible.
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::WorkerNotReady
		);
		assert_noop!(
			StakePool::reclaim_worker(RuntimeOrigin::signed(5), WORKER_A),
			Error::<Test>::CooldownNotOver
		);
		run_to_block(until);
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
		assert_eq!(worker(WORKER_A).stake, 0);
		assert_eq!(pool(pid).free, 5000 * PHA);
		assert!(pool_events().contains(&Event::StakeReclaimed {
			pid,
			worker: WORKER_A,
			stake: 2000 * PHA,
			free: 5000 * PHA
		}));
		assert_noop!(
			StakePool::reclaim_worker(RuntimeOrigin::signed(5), WORKER_A),
			Error::<Test>::CooldownNotOver
		);
	});
}

#[test]
fn anyone_can_reclaim_when_the_hook_falls_behind() {
	// One task per block and a busy queue: the permissionless call does the job.
	let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
	MaxTasksPerBlock::set(1);
	ExtBuilder::default().build_and_execute(|| {
		let pid = funded_pool(10_000 * PHA);
		for w in [WORKER_A, WORKER_B] {
			assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, w, 2000 * PHA));
			assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, w));
		}
		let until = System::block_number() + CooldownPeriod::get();
		System::set_block_number(until);
		// No hook ran: both still cool down, though due.
		assert_ok!(StakePool::reclaim_worker(RuntimeOrigin::signed(5), WORKER_B));
		assert_eq!(worker(WORKER_B).state, WorkerState::Ready);
		run_blocks(1);
		// B's task went with its reclaim: the hook's one slot served A's.
		assert_eq!(Agenda::<Test>::iter_keys().count(), 0);
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
	});
}

#[test]
fn restart_raises_the_stake_without_a_cooldown() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = funded_pool(5000 * PHA);
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_noop!(
			StakePool::restart_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::StakeNotIncreased
		);
		assert_noop!(
			StakePool::restart_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 5001 * PHA),
			Error::<Test>::InsufficientFreeDelegation
		);
		assert_noop!(
			StakePool::restart_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_B, 3000 * PHA),
			Error::<Test>::WorkerNotMining
		);
		// A new benchmark applies at the restart.
		assert_ok!(StakePool::register_worker(
			RuntimeOrigin::root(),
			WORKER_A,
			Benchmark { score: 900, confidence_level: 1 }
		));
		assert_noop!(
			StakePool::restart_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2500 * PHA),
			Error::<Test>::StakeBelowMinimum
		);
		assert_ok!(StakePool::restart_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			5000 * PHA
		));
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		let p = pool(pid);
		assert_eq!((p.staked, p.free, p.power), (5000 * PHA, 0, 900));
		assert_eq!(Rewards::<Test>::get().total_power, 900);
	});
}
