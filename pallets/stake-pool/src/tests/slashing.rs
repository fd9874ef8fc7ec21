//! Slashing: the share price absorbs the loss; holds are settled exactly and lazily.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

/// Account 1 delegates 3000 and account 2 1000 PHA; 2000 staked for worker A.
fn slashable_pool() -> PoolId {
	let pid = seed_pool();
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 1000 * PHA));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA));
	pid
}

#[test]
fn slash_worker_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let _pid = slashable_pool();
		assert_noop!(
			StakePool::slash_worker(RuntimeOrigin::signed(1), WORKER_A, PHA),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_B, PHA),
			Error::<Test>::NothingToSlash
		);
		assert_noop!(
			StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), 77, PHA),
			Error::<Test>::WorkerNotRegistered
		);
	});
}

#[test]
fn a_slash_is_borne_pro_rata_through_the_share_price_and_settled_exactly() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = slashable_pool();
		let issuance = Balances::total_issuance();
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 400 * PHA));
		// Value 4000 -> 3600: a share is worth 0.9. Worker A, below its 2000 PHA minimum, stops:
		// its 1600 PHA are releasing.
		let p = pool(pid);
		assert_eq!(
			(p.total_value, p.releasing, p.total_held),
			(3600 * PHA, 1600 * PHA, 4000 * PHA)
		);
		assert_eq!(worker(WORKER_A).stake, 1600 * PHA);
		let positions = StakePool::delegator_positions(&1);
		assert_eq!(positions[0].value, 2700 * PHA);
		// Settled lazily: anyone may settle account 2, account 1 settles on its next action.
		assert_ok!(StakePool::settle_slash(RuntimeOrigin::signed(9), pid, 2));
		assert_eq!(delegation_hold(2), 900 * PHA);
		assert_noop!(
			StakePool::settle_slash(RuntimeOrigin::signed(9), pid, 2),
			Error::<Test>::NoSlashToSettle
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 10 * PHA));
		assert_eq!(delegation_hold(1), 2710 * PHA);
		// 300 + 100 burned: issuance fell by exactly the slash.
		assert_eq!(issuance - Balances::total_issuance(), 400 * PHA);
		assert_eq!(Slashes::<Test>::get(), SlashTotals { slashed: 400 * PHA, settled: 400 * PHA });
	});
}

#[test]
fn slashing_more_than_the_stake_takes_only_the_stake() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = slashable_pool();
		assert_ok!(StakePool::slash_worker(
			RuntimeOrigin::signed(ORACLE),
			WORKER_A,
			1_000_000 * PHA
		));
		assert_eq!(worker(WORKER_A).stake, 0);
		assert_eq!(pool(pid).total_value, 2000 * PHA);
		assert!(pool_events().contains(&Event::WorkerSlashed {
			pid,
			worker: WORKER_A,
			amount: 2000 * PHA,
			total_value: 2000 * PHA,
			total_shares: 4000 * PHA
		}));
	});
}

#[test]
fn cooling_down_stake_can_be_slashed_and_returns_reduced() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = slashable_pool();
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 500 * PHA));
		assert_eq!(pool(pid).releasing, 1500 * PHA);
		run_blocks(CooldownPeriod::get());
		let p = pool(pid);
		assert_eq!((p.free, p.releasing, p.total_value), (3500 * PHA, 0, 3500 * PHA));
		// Everyone leaves with exactly their share of 3500: 2625 and 875.
		let (before_1, before_2) = (free_balance(1), free_balance(2));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), pid, u128::MAX));
		assert_eq!(free_balance(1) - before_1, 2625 * PHA);
		assert_eq!(free_balance(2) - before_2, 875 * PHA);
		assert_eq!(delegation_hold(1) + delegation_hold(2), 0);
	});
}

#[test]
fn queued_requests_bear_slashes_too() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 200 * PHA));
		let before = free_balance(1);
		run_blocks(GracePeriod::get() + CooldownPeriod::get());
		assert_eq!(free_balance(1) - before, 1800 * PHA);
		assert_eq!(delegation_hold(1), 0);
	});
}

#[test]
fn a_worker_slashed_below_its_minimum_stake_stops_earning() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		// Worker A's minimum is 2000 PHA; it mines with 2500.
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2500 * PHA
		));
		// Down to exactly the minimum: it keeps mining.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 500 * PHA));
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		run_blocks(1);
		assert_eq!(StakePool::pending_rewards(&1, pid), 10 * PHA);
		// One planck below: no stake, no power. It stops and cools down like a stop its owner
		// asked for, and the pool earns nothing more.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1));
		let until = System::block_number() + CooldownPeriod::get();
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		assert!(pool_events().contains(&Event::MiningStopped {
			pid,
			worker: WORKER_A,
			stake: 2000 * PHA - 1,
			cooldown_until: until,
			forced: true,
		}));
		assert_eq!(pool(pid).power, 0);
		run_blocks(5);
		assert_eq!(StakePool::pending_rewards(&1, pid), 10 * PHA);
		// What is left of its stake returns when the cool-down ends: 500 free + 2000 - 1 planck.
		run_to_block(until);
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
		assert_eq!(pool(pid).free, 2500 * PHA - 1);
	});
}

#[test]
fn a_pool_slashed_to_near_nothing_takes_no_new_delegation() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// 2000 shares now worth 200 PHA: ten shares per unit, the most `MaxSharesPerValue`
		// allows. A newcomer's 1 PHA still buys 10 shares.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1800 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, PHA));
		assert_eq!(delegation(pid, 2).unwrap().shares, 10 * PHA);
		// One planck more slashed and the pool is beyond the limit: newcomers would be given
		// ever more shares for ever less value.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1));
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(3), pid, 1000 * PHA),
			Error::<Test>::PoolValueDepleted
		);
	});
}
