//! Regression tests for known bugs of the system this pallet is modelled on (Phala's stake
//! pools), so they cannot come back here.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};

/// Phala #388: stake double-counted across restarts. Stake is counted exactly once through
/// start, restart, stop and reclaim, and a mining worker cannot be started twice.
#[test]
fn stake_is_never_double_counted() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 10_000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::WorkerNotReady
		);
		assert_ok!(StakePool::restart_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			3000 * PHA
		));
		assert_ok!(StakePool::restart_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			4000 * PHA
		));
		let p = pool(pid);
		assert_eq!((p.staked, p.free), (4000 * PHA, 6000 * PHA));
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		run_blocks(CooldownPeriod::get());
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		let p = pool(pid);
		assert_eq!(
			(p.staked, p.releasing, p.free, p.total_value),
			(2000 * PHA, 0, 8000 * PHA, 10_000 * PHA)
		);
	});
}

/// Phala #500: removing and re-adding a cooling-down worker lost its stake. Here a worker can
/// only leave a pool when `Ready`, i.e. after its stake has returned.
#[test]
fn a_cooling_down_worker_keeps_its_stake_until_it_returns() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		assert_noop!(
			StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A),
			Error::<Test>::WorkerNotReady
		);
		run_blocks(CooldownPeriod::get());
		assert_eq!(pool(pid).free, 2000 * PHA);
		assert_ok!(StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_eq!(pool(pid).total_value, 2000 * PHA);
	});
}

/// Phala #527: rounding paid out more than was held. After a slash leaves an awkward share
/// price, every exit releases at most what the delegator still held, and what is burned never
/// exceeds the slash.
#[test]
fn rounding_never_pays_more_than_is_held() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		let deposits = [(1, 1000 * PHA + 1), (2, 1000 * PHA + 2), (3, 7 * PHA + 3)];
		for (who, amount) in deposits {
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(who), pid, amount));
		}
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// A third of a PHA and a planck: the share price is no longer a round number.
		// Below its minimum stake, the worker stops and cools down by itself.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, PHA / 3 + 1));
		assert!(matches!(worker(WORKER_A).state, WorkerState::CoolingDown { .. }));
		run_blocks(CooldownPeriod::get());
		let issuance = Balances::total_issuance();
		let mut released = 0;
		for (who, amount) in deposits {
			let before = free_balance(who);
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(who), pid, u128::MAX));
			let got = free_balance(who) - before;
			assert!(got <= amount, "{who} got {got}, more than the {amount} delegated");
			assert_eq!(delegation_hold(who), 0);
			released += got;
		}
		let burned = issuance - Balances::total_issuance();
		let delegated: Balance = deposits.iter().map(|(_, a)| a).sum();
		assert_eq!(released + burned, delegated);
		assert!(burned <= PHA / 3 + 1);
		assert!(Slashes::<Test>::get().settled <= Slashes::<Test>::get().slashed);
	});
}

/// Phala #763: one bad entry (`return` instead of `continue`) dropped the other rewards of
/// the same block. Here a stale task must not stop the due tasks after it in the same block.
#[test]
fn a_stale_task_does_not_drop_the_others_in_the_same_block() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 10_000 * PHA));
		for w in [WORKER_A, WORKER_B, WORKER_C] {
			let stake = StakePool::minimum_stake(&worker(w).benchmark);
			assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, w, stake));
			assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, w));
		}
		let until = System::block_number() + CooldownPeriod::get();
		System::set_block_number(until);
		// The first task's subject is already reclaimed by hand: its task is stale.
		assert_ok!(StakePool::reclaim_worker(RuntimeOrigin::signed(9), WORKER_A));
		run_blocks(1);
		assert_eq!(worker(WORKER_B).state, WorkerState::Ready);
		assert_eq!(worker(WORKER_C).state, WorkerState::Ready);
		assert_eq!(pool(pid).free, 10_000 * PHA);
	});
}

/// Phala #388 as it happened: the same balance contributed to two pools. Delegations are holds
/// on the delegator's own account, so a balance held for one pool cannot back another.
#[test]
fn the_same_balance_cannot_back_two_pools() {
	ExtBuilder::default().balance(7, 1000 * PHA + PHA).build_and_execute(|| {
		let first = seed_pool();
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		let second = first + 1;
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(7), first, 1000 * PHA));
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(7), second, 1000 * PHA),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(delegation_hold(7), 1000 * PHA);
		assert_eq!(pool(second).total_value, 0);
	});
}
