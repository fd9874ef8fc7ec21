//! Worker registration, operator authorisation, oracle reports.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn registrar_records_benchmarks_and_power_follows_confidence() {
	ExtBuilder::default().build_and_execute(|| {
		for (level, power) in [(1, 1000), (3, 1000), (4, 800), (5, 700)] {
			assert_ok!(StakePool::register_worker(
				RuntimeOrigin::root(),
				50 + level as u64,
				Benchmark { score: 1000, confidence_level: level }
			));
			assert!(pool_events().contains(&Event::WorkerRegistered {
				worker: 50 + level as u64,
				score: 1000,
				confidence_level: level,
				power
			}));
		}
		// Re-registering updates the benchmark, keeping the rest.
		setup_worker(WORKER_A, 400, OWNER_A);
		assert_ok!(StakePool::register_worker(
			RuntimeOrigin::root(),
			WORKER_A,
			Benchmark { score: 900, confidence_level: 2 }
		));
		assert_eq!(worker(WORKER_A).benchmark.score, 900);
		assert_eq!(worker(WORKER_A).operator, Some(OWNER_A));
	});
}

#[test]
fn register_worker_rejects_bad_origin_and_bad_benchmarks() {
	ExtBuilder::default().build_and_execute(|| {
		let good = Benchmark { score: 100, confidence_level: 1 };
		assert_noop!(
			StakePool::register_worker(RuntimeOrigin::signed(1), WORKER_A, good),
			DispatchError::BadOrigin
		);
		for bad in [
			Benchmark { score: 0, confidence_level: 1 },
			Benchmark { score: 100, confidence_level: 0 },
			Benchmark { score: 100, confidence_level: 6 },
		] {
			assert_noop!(
				StakePool::register_worker(RuntimeOrigin::root(), WORKER_A, bad),
				Error::<Test>::InvalidBenchmark
			);
		}
	});
}

#[test]
fn authorize_operator_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_A), OWNER_A),
			Error::<Test>::WorkerNotRegistered
		);
		setup_worker(WORKER_A, 400, OWNER_A);
		assert_noop!(
			StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_A), OWNER_A),
			Error::<Test>::OperatorUnchanged
		);
		assert_noop!(
			StakePool::authorize_operator(RuntimeOrigin::none(), OWNER_B),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn changing_operator_of_a_ready_bound_worker_unbinds_it() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::authorize_operator(RuntimeOrigin::signed(WORKER_B), OWNER_B));
		assert_eq!(worker(WORKER_B).pool, None);
		assert_eq!(pool(pid).workers, 3);
		assert!(pool_events().contains(&Event::WorkerRemoved { pid, worker: WORKER_B }));
	});
}

#[test]
fn unresponsive_workers_earn_nothing_until_they_recover() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 4000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_B,
			2000 * PHA
		));
		assert_ok!(StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), WORKER_A));
		assert_eq!(worker(WORKER_A).state, WorkerState::Unresponsive);
		assert_eq!(pool(pid).power, 400);
		// Second pool mining with the same power: while A is unresponsive, pool 1 and pool 0
		// share the budget 400 : 400.
		setup_worker(21, 400, OWNER_B);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), pid + 1, 21));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid + 1, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_B),
			pid + 1,
			21,
			2000 * PHA
		));
		run_blocks(2);
		// 2 blocks * 10 PHA, half each.
		assert_eq!(StakePool::pending_rewards(&1, pid), 10 * PHA);
		assert_eq!(StakePool::pending_rewards(&2, pid + 1), 10 * PHA);
		assert_ok!(StakePool::report_recovered(RuntimeOrigin::signed(ORACLE), WORKER_A));
		run_blocks(3);
		// 3 blocks at 800 : 400 -> pool 0 gets 20 more, pool 1 gets 10 more.
		assert_eq!(StakePool::pending_rewards(&1, pid), 30 * PHA);
		assert_eq!(StakePool::pending_rewards(&2, pid + 1), 20 * PHA);
	});
}

#[test]
fn oracle_reports_check_origin_and_state() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_noop!(
			StakePool::report_unresponsive(RuntimeOrigin::signed(1), WORKER_A),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), 77),
			Error::<Test>::WorkerNotRegistered
		);
		assert_noop!(
			StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), WORKER_A),
			Error::<Test>::WorkerNotMining
		);
		assert_noop!(
			StakePool::report_recovered(RuntimeOrigin::signed(ORACLE), WORKER_A),
			Error::<Test>::WorkerNotUnresponsive
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), WORKER_A));
		assert_noop!(
			StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), WORKER_A),
			Error::<Test>::WorkerNotMining
		);
		// An unresponsive worker can be stopped by its owner.
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		assert_eq!(pool(pid).releasing, 2000 * PHA);
	});
}
