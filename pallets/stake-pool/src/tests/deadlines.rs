//! The deadline agenda under attack: stale tasks, shortened periods, late forced stops and
//! failing tasks (see the guarantees in `crate::deadlines`).

use crate::{mock::*, *};
use frame_support::{
	assert_ok,
	traits::{fungible::MutateHold, Hooks},
};

/// Pool 0 of `OWNER_A` with worker A (score 400, minimum 2000 PHA) and pool 1 of `OWNER_B` with
/// worker C (score 900, minimum 3000 PHA); account 1 backs pool 0 with 2000 PHA and account 3
/// pool 1 with 3000 PHA, all of it staked. Nothing is free in either pool.
fn two_staked_pools() -> (PoolId, PoolId) {
	setup_worker(WORKER_A, 400, OWNER_A);
	setup_worker(WORKER_C, 900, OWNER_B);
	assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
	assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
	assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 0, WORKER_A));
	assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), 1, WORKER_C));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 0, 2000 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), 1, 3000 * PHA));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), 0, WORKER_A, 2000 * PHA));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_B), 1, WORKER_C, 3000 * PHA));
	(0, 1)
}

/// One attack cycle that used to leave a stale grace task: account 1 queues 100 PHA in pool 0
/// (nothing is free) and account 2 delegates 100 PHA, which pays the request at once.
fn stale_task_cycle(pid: PoolId) {
	assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 100 * PHA));
}

#[test]
fn withdraw_and_delegate_cycles_leave_no_tasks() {
	ExtBuilder::default().build_and_execute(|| {
		let (a, _) = two_staked_pools();
		for _ in 0..10 {
			stale_task_cycle(a);
		}
		// Each request was paid by the delegation after it: the queue is empty and so is the
		// agenda (no cool-down, no grace period, no pay-out, no commission change).
		assert_eq!(pool(a).queue_head, 10);
		assert_eq!(pool(a).queue_tail, 10);
		assert_eq!(pool(a).grace_due, None);
		assert_eq!(Agenda::<Test>::iter_keys().count(), 0);
		// 10 x 100 PHA moved from account 1 to account 2.
		assert_eq!(delegation_hold(1), 1000 * PHA);
		assert_eq!(delegation_hold(2), 1000 * PHA);
	});
}

#[test]
fn cheap_calls_cannot_delay_another_pools_forced_stop() {
	ExtBuilder::default().build_and_execute(|| {
		let (a, b) = two_staked_pools();
		let requested_at = System::block_number();
		// The victim queues 1000 PHA in pool 1 ...
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), b, 1000 * PHA));
		// ... and in the same block the attacker runs ten cycles in pool 0, each of which used
		// to leave a grace task due in the same block as the victim's (four slots per block).
		for _ in 0..10 {
			stale_task_cycle(a);
		}
		let deadline = requested_at + GracePeriod::get();
		run_to_block(deadline - 1);
		assert_eq!(worker(WORKER_C).state, WorkerState::Mining);
		// The victim's pool is forced to stop exactly when the grace period ends ...
		run_to_block(deadline);
		let until = deadline + CooldownPeriod::get();
		assert_eq!(worker(WORKER_C).state, WorkerState::CoolingDown { until });
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		// ... and paid exactly 14 days after asking: 3000 - 1000 PHA stays held.
		run_to_block(until - 1);
		assert_eq!(delegation_hold(3), 3000 * PHA);
		run_to_block(until);
		assert_eq!(delegation_hold(3), 2000 * PHA);
	});
}

#[test]
fn a_shorter_period_after_an_upgrade_keeps_deadline_order() {
	let _restore = Restore(Box::new(|| GracePeriod::set(7 * DAYS)));
	ExtBuilder::default().build_and_execute(|| {
		let (a, b) = two_staked_pools();
		let first = System::block_number();
		// Pool 0's request is due at first + 7 days.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), a, 1000 * PHA));
		// An upgrade shortens the grace period to one day; pool 1's request, one block later, is
		// due six days before pool 0's. A queue sorted by scheduling time would serve it only
		// after pool 0's.
		GracePeriod::set(DAYS);
		run_blocks(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), b, 1000 * PHA));
		let b_deadline = first + 1 + DAYS;
		run_to_block(b_deadline);
		assert_eq!(
			worker(WORKER_C).state,
			WorkerState::CoolingDown { until: b_deadline + CooldownPeriod::get() }
		);
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		// Pool 0 keeps the deadline it was given when it asked.
		run_to_block(first + 7 * DAYS - 1);
		assert_eq!(worker(WORKER_A).state, WorkerState::Mining);
		run_to_block(first + 7 * DAYS);
		assert!(matches!(worker(WORKER_A).state, WorkerState::CoolingDown { .. }));
	});
}

#[test]
fn a_late_forced_stop_still_ends_its_cooldown_on_time() {
	let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
	ExtBuilder::default().build_and_execute(|| {
		let (a, b) = two_staked_pools();
		let requested_at = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), a, 1000 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), b, 1000 * PHA));
		// One grace expiry per block: the second pool's stop runs a block late.
		MaxTasksPerBlock::set(1);
		let deadline = requested_at + GracePeriod::get();
		let until = deadline + CooldownPeriod::get();
		run_to_block(deadline);
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		assert_eq!(worker(WORKER_C).state, WorkerState::Mining);
		run_to_block(deadline + 1);
		// Stopped at deadline + 1, it still cools down only until deadline + CooldownPeriod.
		assert_eq!(worker(WORKER_C).state, WorkerState::CoolingDown { until });
		MaxTasksPerBlock::set(4);
		run_to_block(until);
		assert_eq!(delegation_hold(1), 1000 * PHA);
		assert_eq!(delegation_hold(3), 2000 * PHA);
	});
}

#[test]
fn a_cooldown_started_after_the_deadline_is_cut_to_the_forced_one() {
	let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 4000 * PHA));
		for w in [WORKER_A, WORKER_B] {
			assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, w, 2000 * PHA));
		}
		let requested_at = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		let deadline = requested_at + GracePeriod::get();
		// The hook is busy elsewhere (no slots at all) when the grace period ends, and the owner
		// stops B by hand after the deadline: its own cool-down would end a block too late.
		MaxTasksPerBlock::set(0);
		run_to_block(deadline + 1);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_B));
		assert_eq!(
			worker(WORKER_B).state,
			WorkerState::CoolingDown { until: deadline + 1 + CooldownPeriod::get() }
		);
		MaxTasksPerBlock::set(4);
		run_blocks(1);
		let until = deadline + CooldownPeriod::get();
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		assert_eq!(worker(WORKER_B).state, WorkerState::CoolingDown { until });
		run_to_block(until);
		assert_eq!(delegation_hold(1), 0);
		assert_eq!(worker(WORKER_B).state, WorkerState::Ready);
	});
}

#[test]
fn a_failing_task_is_undone_and_retried_next_block() {
	ExtBuilder::default().build_and_execute(|| {
		let (a, _) = two_staked_pools();
		let requested_at = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), a, 1000 * PHA));
		let until = requested_at + GracePeriod::get() + CooldownPeriod::get();
		run_to_block(until - 1);
		// Someone else's pallet takes the delegator's hold away (a bug we cannot rule out): the
		// release cannot pay the request.
		assert_ok!(<Balances as MutateHold<_>>::release(
			&HoldReason::Delegation.into(),
			&1,
			2000 * PHA,
			frame_support::traits::tokens::Precision::Exact,
		));
		System::set_block_number(until);
		StakePool::on_poll(until, &mut WeightMeter::new());
		let failed = pool_events().into_iter().any(|event| {
			matches!(
				event,
				Event::DeadlineTaskFailed { task: DeadlineTask::Release { pid }, retry_at, .. }
					if pid == a && retry_at == until + 1
			)
		});
		assert!(failed);
		// Nothing of the failed release stayed, and pool and agenda agree on the retry.
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		assert_eq!(pool(a).release_due, Some(until + 1));
		// The hold comes back; the retry pays the request.
		assert_ok!(<Balances as MutateHold<_>>::hold(
			&HoldReason::Delegation.into(),
			&1,
			2000 * PHA
		));
		run_to_block(until + 1);
		assert_eq!(delegation_hold(1), 1000 * PHA);
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
	});
}

/// A worker's cool-down task that fails (here: the stake it returns cannot pay the queue, as in
/// the release test above) is retried in the next block, and the worker's record names the
/// retry's block, so the agenda and the records agree (`try_state`) and the reclaim that ends
/// the cool-down takes the retried task off the agenda. Found by review: the retry used to
/// leave the worker at its old block, and the retried task behind once the stake returned.
#[test]
fn a_failed_cooldown_task_is_retried_with_its_worker_record() {
	ExtBuilder::default().build_and_execute(|| {
		let (a, _) = two_staked_pools();
		let requested_at = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), a, 1000 * PHA));
		// The owner stops the worker at once: its own cool-down task returns the stake, which
		// pays the request, before the grace period ends.
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), a, WORKER_A));
		let until = requested_at + CooldownPeriod::get();
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until });
		run_to_block(until - 1);
		assert_ok!(<Balances as MutateHold<_>>::release(
			&HoldReason::Delegation.into(),
			&1,
			2000 * PHA,
			frame_support::traits::tokens::Precision::Exact,
		));
		System::set_block_number(until);
		StakePool::on_poll(until, &mut WeightMeter::new());
		assert!(pool_events().into_iter().any(|event| matches!(
			event,
			Event::DeadlineTaskFailed { task: DeadlineTask::CooldownEnd { worker }, retry_at, .. }
				if worker == WORKER_A && retry_at == until + 1
		)));
		// The record follows the retry: it names the block the retried task is keyed by.
		assert_eq!(worker(WORKER_A).state, WorkerState::CoolingDown { until: until + 1 });
		assert!(Agenda::<Test>::contains_key((
			TaskKind::Cooldown,
			DueBlock::new(until + 1),
			DeadlineTask::CooldownEnd { worker: WORKER_A }
		)));
		assert_ok!(<Balances as MutateHold<_>>::hold(
			&HoldReason::Delegation.into(),
			&1,
			2000 * PHA
		));
		run_to_block(until + 1);
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
		assert_eq!(delegation_hold(1), 1000 * PHA);
		assert_eq!(
			Agenda::<Test>::iter_keys().filter(|(kind, _, _)| *kind == TaskKind::Cooldown).count(),
			0
		);
	});
}

#[test]
fn cancelled_requests_at_the_head_force_no_stop() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, b) = two_staked_pools();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), b, 1000 * PHA));
		let first = System::block_number();
		// Account 3 queues requests 0 to 3, account 2 requests 4 and 5 (nothing is free once
		// worker C is restarted with everything).
		assert_ok!(StakePool::restart_mining(
			RuntimeOrigin::signed(OWNER_B),
			b,
			WORKER_C,
			4000 * PHA
		));
		for _ in 0..4 {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), b, 10 * PHA));
		}
		for _ in 0..2 {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), b, 10 * PHA));
		}
		// Ten blocks later they cancel all but the head, and account 3 queues the one request
		// that stays.
		run_blocks(10);
		for request in [1, 2, 3] {
			assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(3), b, request));
		}
		for request in [4, 5] {
			assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(2), b, request));
		}
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), b, 10 * PHA));
		// Cancelling the head takes it out at once; the next head is a cancelled request.
		assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(3), b, 0));
		assert_eq!(pool(b).queue_head, 1);
		assert_eq!(pool(b).grace_due, Some(first + GracePeriod::get()));
		// Its grace period sweeps three cancelled requests (one call's worth), is armed again at
		// the cancelled head's deadline, which has come, so the next slot of the lane sweeps the
		// other two in the same block; then it follows the live request: no stop for cancelled
		// ones.
		run_to_block(first + GracePeriod::get() - 1);
		assert_eq!(pool(b).queue_head, 1);
		run_to_block(first + GracePeriod::get());
		assert_eq!(pool(b).queue_head, 6);
		assert_eq!(pool(b).grace_due, Some(first + 10 + GracePeriod::get()));
		assert_eq!(worker(WORKER_C).state, WorkerState::Mining);
		run_to_block(first + 10 + GracePeriod::get());
		assert!(matches!(worker(WORKER_C).state, WorkerState::CoolingDown { .. }));
	});
}

#[test]
fn force_stop_overdue_is_charged_for_every_worker_it_reads() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA));
		System::set_block_number(System::block_number() + GracePeriod::get());
		// One of the four bound workers mines, but all four are read.
		let post = StakePool::force_stop_overdue(RuntimeOrigin::signed(9), pid).unwrap();
		assert_eq!(
			post.actual_weight,
			Some(<() as crate::weights::WeightInfo>::force_stop_overdue(4))
		);
	});
}

#[test]
fn an_owner_cannot_choose_when_its_pools_release_falls_due() {
	// Before: a release re-armed itself at the earliest cool-down still running, including one
	// the owner started, so owners could pile many pools' releases into one block of their
	// choosing and make the Release lane late for other pools' promises.
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		let asked = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		run_to_block(asked + GracePeriod::get());
		let release = asked + GracePeriod::get() + CooldownPeriod::get();
		assert_eq!(pool(pid).release_due, Some(release));
		// The owner pays the request itself, then starts and stops worker B: B's cool-down has
		// its own task, ending 10 blocks after the release.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(OWNER_A), pid, 4000 * PHA));
		assert_eq!(delegation_hold(1), 0);
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_B,
			2000 * PHA
		));
		run_to_block(asked + GracePeriod::get() + 10);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_B));
		let b_until = asked + GracePeriod::get() + 10 + CooldownPeriod::get();
		run_to_block(release);
		// A is back; the release is not re-armed at B's cool-down, which its own task ends.
		assert_eq!(worker(WORKER_A).state, WorkerState::Ready);
		assert_eq!(pool(pid).release_due, None);
		assert_eq!(worker(WORKER_B).state, WorkerState::CoolingDown { until: b_until });
		run_to_block(b_until);
		assert_eq!(worker(WORKER_B).state, WorkerState::Ready);
		assert_eq!(pool(pid).free, 4000 * PHA);
	});
}
