//! # The deadline agenda
//!
//! Things that must happen at a block without anyone calling: cool-downs ending, grace periods
//! expiring (forced stops), the stake of forced stops returning, delayed commission increases,
//! and queue pay-outs that one call could not finish.
//!
//! ## Structure
//!
//! [`Agenda`] holds one entry per task, keyed by lane ([`TaskKind`]), due block and the task
//! itself. The lane and the due block are stored unhashed, the block big-endian
//! ([`DueBlock`]), so the trie keeps each lane in deadline order and the hook only ever reads a
//! lane's first key. Each subject has at most one task per lane (a worker one cool-down, a pool
//! one grace expiry, one release, one pay-out and one commission change), so the task is its own
//! identity and the subject's record says when it is due:
//!
//! | task | subject's record of its due block |
//! |---|---|
//! | [`DeadlineTask::CooldownEnd`] | the worker's `CoolingDown { until }` |
//! | [`DeadlineTask::GraceExpiry`] | the pool's `grace_due` |
//! | [`DeadlineTask::Release`] | the pool's `release_due` |
//! | [`DeadlineTask::ContinuePayout`] | the pool's `payout_due` (its queue head's pay-out deadline) |
//! | [`DeadlineTask::CommissionChange`] | the pool's `pending_commission.effective_at` |
//!
//! ## Guarantees
//!
//! 1. **No stale tasks.** A task is removed in the same call that makes it pointless: a worker
//!    reclaimed by hand, a queue head paid or cancelled, a pay-out finished by a delegation, a
//!    pending commission replaced. Nothing in the agenda is ever a no-op that takes a slot.
//!    Tested by `tests::deadlines::withdraw_and_delegate_cycles_leave_no_tasks` and the
//!    agenda-consistency invariant of `try_state` (every entry's subject expects it, and every
//!    expected entry exists).
//! 2. **Deadline order, whatever the periods.** Lanes are sorted by due block, not by when a
//!    task was scheduled, so a runtime upgrade that shortens `GracePeriod`, `CooldownPeriod` or
//!    `CommissionChangeDelay` cannot put a later deadline in front of an earlier one
//!    (`tests::deadlines::a_shorter_period_after_an_upgrade_keeps_deadline_order`).
//! 3. **One grace task per pool, not per request.** A pool's queue is FIFO, so its head always
//!    has the earliest grace deadline; the pool's grace task is armed at the head's
//!    `requested_at + GracePeriod` and moved when the head changes. Cheap calls cannot multiply
//!    grace tasks (`tests::deadlines::cheap_calls_cannot_delay_another_pools_forced_stop`).
//! 4. **Late forced stops do not delay exits.** A forced stop's cool-down ends at
//!    `grace deadline + CooldownPeriod`, whenever the stop is carried out, and cool-downs already
//!    running are cut to that block. The pool's stake then returns in one [`DeadlineTask::Release`]
//!    task (not one task per worker), which pays the queue.
//! 5. **Bounded per block, lane by lane.** The hook serves at most [`Pallet::lane_slots`] due
//!    tasks of each lane per block, in the order Release, Cooldown, Payout, Commission, Grace
//!    (stake returning first, so it pays requests before their grace period forces a stop). Each
//!    task is charged its lane's worst case ([`Pallet::task_weight`]); a busy lane cannot take
//!    another lane's slots.
//! 6. **Pay-outs are earliest-deadline-first, with the capacity for what a block can queue.** A
//!    pool whose queue has free delegation left for it has one pay-out continuation, keyed by the
//!    deadline of its head (`requested_at + GracePeriod + CooldownPeriod`). The Payout lane runs
//!    continuations in key order at once (not waiting for the key), each paying one request and
//!    keyed again by the next head, for `MaxTasksPerBlock * MaxQueuePayoutsPerCall` requests per
//!    block: the most urgent request of all pools is always paid first. A `withdraw` that queues
//!    a request is charged at least [`Pallet::queued_withdrawal_weight`], the same share of the
//!    normal class's block limit, so no block queues more requests than the lane pays in one
//!    block. With requests becoming payable no later than their deadlines (guarantee 4), an
//!    earliest-deadline-first schedule with that capacity meets every deadline: every request is
//!    paid by the `expected_payout_by` the runtime API shows. The adversarial property test
//!    `tests::exit::every_request_is_paid_by_its_promised_block` checks it (it found the
//!    first-come order this replaced: a pool with a later deadline took the slots an earlier
//!    one needed).
//!    The Release and Grace lanes meet the same bound a different way: a pool's first request
//!    in a block is charged [`Pallet::first_queued_withdrawal_weight`], a `1 / MaxTasksPerBlock`
//!    share of the block, so the pools whose forced stops and releases fall due in one block
//!    (pools that each queued a request in one block) never outnumber the lanes' slots
//!    (`tests::exit::releases_falling_due_together_are_charged_to_fit_the_release_lane`, and the
//!    adversarial test run with fewer slots than pools).
//! 7. **Failures heal.** A task runs in its own storage layer; if it fails, its changes are
//!    undone, [`Event::DeadlineTaskFailed`] is emitted, and it is scheduled again for the next
//!    block with its subject's record updated, so no pool is left with a task it believes is
//!    scheduled but is not.
//!
//! Every task also has a permissionless call that does the same work
//! ([`Pallet::reclaim_worker`], [`Pallet::force_stop_overdue`], [`Pallet::process_withdrawals`]).

use crate::{pallet::*, types::*, weights::WeightInfo};
use frame_support::{pallet_prelude::*, storage::with_storage_layer, weights::WeightMeter};
use sp_runtime::{
	traits::{One, Saturating},
	SaturatedConversion,
};

/// The number of mining workers and delegations the idle hook is charged for: the top of its
/// benchmark's range (its cost grows only with the trie's depth, not with the entries).
pub const IDLE_CHARGED_AT: u32 = 100_000;

impl<T: Config> Pallet<T> {
	/// The agenda key of block `n`.
	pub(crate) fn due_key(n: BlockNumberOf<T>) -> DueBlock {
		DueBlock::new(n.saturated_into::<u64>())
	}

	/// Add `task` to the agenda, due at `due`.
	pub(crate) fn schedule(due: BlockNumberOf<T>, task: DeadlineTaskOf<T>) {
		Agenda::<T>::insert((task.kind(), Self::due_key(due), task), ());
	}

	/// Remove `task`, due at `due`, from the agenda (nothing happens if it is not there).
	pub(crate) fn unschedule(due: BlockNumberOf<T>, task: &DeadlineTaskOf<T>) {
		Agenda::<T>::remove((task.kind(), Self::due_key(due), task));
	}

	/// Move `task` from `from` to `to` (either may be `None`), returning `to`.
	pub(crate) fn reschedule(
		from: Option<BlockNumberOf<T>>,
		to: Option<BlockNumberOf<T>>,
		task: DeadlineTaskOf<T>,
	) -> Option<BlockNumberOf<T>> {
		if from == to {
			return to;
		}
		if let Some(from) = from {
			Self::unschedule(from, &task);
		}
		if let Some(to) = to {
			Self::schedule(to, task);
		}
		to
	}

	/// How many tasks of `kind` the hook serves per block: `MaxTasksPerBlock`, and for the
	/// Payout lane, whose tasks pay one request each, `MaxTasksPerBlock * MaxQueuePayoutsPerCall`
	/// (the requests a block may queue, see [`Pallet::queued_withdrawal_weight`]).
	pub fn lane_slots(kind: TaskKind) -> u32 {
		let tasks = T::MaxTasksPerBlock::get();
		match kind {
			TaskKind::Payout => tasks.saturating_mul(T::MaxQueuePayoutsPerCall::get()),
			_ => tasks,
		}
	}

	/// The worst-case weight of serving one task of `kind`, including taking it off the agenda.
	pub fn task_weight(kind: TaskKind) -> Weight {
		let workers = T::MaxPoolWorkers::get();
		match kind {
			TaskKind::Cooldown => T::WeightInfo::on_initialize_cooldown()
				.saturating_add(Self::max_queue_payout_weight()),
			TaskKind::Payout => T::WeightInfo::on_initialize_payout(1),
			TaskKind::Commission => T::WeightInfo::on_initialize_commission(),
			// A grace expiry also completes requests that slashes left worth nothing.
			TaskKind::Grace => T::WeightInfo::on_initialize_grace(workers)
				.saturating_add(Self::max_queue_payout_weight()),
			TaskKind::Release => T::WeightInfo::on_initialize_release(workers)
				.saturating_add(Self::max_queue_payout_weight()),
		}
	}

	/// The most the hook can weigh in one block: the idle read of every lane, and every lane's
	/// slots at their worst case.
	pub fn max_deadline_weight() -> Weight {
		TaskKind::ALL.iter().fold(
			T::WeightInfo::on_initialize_idle(IDLE_CHARGED_AT),
			|total, kind| {
				total.saturating_add(
					Self::task_weight(*kind).saturating_mul(u64::from(Self::lane_slots(*kind))),
				)
			},
		)
	}

	/// Serve due tasks, at most `MaxTasksPerBlock` per lane, lanes in [`TaskKind::ALL`] order.
	/// Returns the weight used.
	pub(crate) fn serve_deadlines() -> Weight {
		let mut meter = WeightMeter::new();
		// Reading the first key of each lane costs the same whatever the agenda holds; only the
		// trie's depth grows (benchmark `on_initialize_idle(n)`), so it is charged at the top.
		meter.consume(T::WeightInfo::on_initialize_idle(IDLE_CHARGED_AT));
		let now = Self::now();
		let now_key = Self::due_key(now);
		for kind in TaskKind::ALL {
			for _ in 0..Self::lane_slots(kind) {
				let Some((due, task)) = Agenda::<T>::iter_key_prefix((kind,)).next() else {
					break;
				};
				// A pay-out continuation may run at once (its pool has the free delegation); its
				// key is its head's deadline, which orders the lane, not a time to wait for.
				if due > now_key && kind != TaskKind::Payout {
					break;
				}
				Agenda::<T>::remove((kind, due, &task));
				meter.consume(Self::task_weight(kind));
				Self::run_task(task);
			}
		}
		meter.consumed()
	}

	/// Carry out one task in its own storage layer. A failure undoes the task's changes and
	/// schedules it again for the next block (see the module docs, guarantee 7).
	fn run_task(task: DeadlineTaskOf<T>) {
		let result = with_storage_layer(|| match &task {
			DeadlineTask::CooldownEnd { worker } => Self::task_cooldown_end(worker),
			DeadlineTask::ContinuePayout { pid } => Self::task_continue_payout(*pid),
			DeadlineTask::CommissionChange { pid } => Self::task_commission_change(*pid),
			DeadlineTask::GraceExpiry { pid } => Self::task_grace_expiry(*pid),
			DeadlineTask::Release { pid } => Self::task_release(*pid),
		});
		if let Err(error) = result {
			let retry_at = Self::now().saturating_add(One::one());
			log::warn!(
				target: crate::LOG_TARGET,
				"task {:?} failed: {:?}; retried at {:?}",
				task,
				error,
				retry_at
			);
			Self::note_retry(&task, retry_at);
			Self::schedule(retry_at, task.clone());
			Self::deposit_event(Event::DeadlineTaskFailed { task, error, retry_at });
		}
	}

	/// Record in the task's subject that its task now runs at `retry_at`, so the records and the
	/// agenda agree (each record names the block its task is keyed by: a later call or task
	/// that takes the task off the agenda finds it there).
	fn note_retry(task: &DeadlineTaskOf<T>, retry_at: BlockNumberOf<T>) {
		let pid = match task {
			DeadlineTask::ContinuePayout { pid }
			| DeadlineTask::GraceExpiry { pid }
			| DeadlineTask::Release { pid }
			| DeadlineTask::CommissionChange { pid } => *pid,
			// The worker's cool-down now ends with its retry.
			DeadlineTask::CooldownEnd { worker } => {
				Workers::<T>::mutate(worker, |maybe| {
					if let Some(info) = maybe {
						if let WorkerState::CoolingDown { .. } = info.state {
							info.state = WorkerState::CoolingDown { until: retry_at };
						}
					}
				});
				return;
			},
		};
		Pools::<T>::mutate(pid, |maybe| {
			if let Some(pool) = maybe {
				match task {
					DeadlineTask::ContinuePayout { .. } => pool.payout_due = Some(retry_at),
					DeadlineTask::GraceExpiry { .. } => pool.grace_due = Some(retry_at),
					DeadlineTask::Release { .. } => pool.release_due = Some(retry_at),
					DeadlineTask::CommissionChange { .. } => {
						if let Some(pending) = pool.pending_commission.as_mut() {
							pending.effective_at = retry_at;
						}
					},
					DeadlineTask::CooldownEnd { .. } => {},
				}
			}
		});
	}

	fn task_cooldown_end(worker: &T::AccountId) -> DispatchResult {
		match Workers::<T>::get(worker).map(|info| info.state) {
			Some(WorkerState::CoolingDown { until }) if until <= Self::now() => {
				Self::do_reclaim_worker(worker).map(|_| ())
			},
			// Only a retried task can find its worker elsewhere: every other path removes the
			// task with the cool-down.
			_ => Ok(()),
		}
	}

	fn task_continue_payout(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		pool.payout_due = None;
		Self::touch_pool(pid, &mut pool);
		// One request per task: the next one of this pool may be less urgent than another
		// pool's head, and is keyed again by its own deadline.
		Self::pay_queue_up_to(pid, &mut pool, 1)?;
		Self::put_pool(pid, pool);
		Ok(())
	}

	fn task_commission_change(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		if pool.pending_commission.is_none() {
			return Ok(());
		}
		Self::touch_pool(pid, &mut pool);
		Self::put_pool(pid, pool);
		Ok(())
	}

	fn task_grace_expiry(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		pool.grace_due = None;
		Self::touch_pool(pid, &mut pool);
		// Requests that slashes left worth nothing, or that were cancelled, complete without
		// free delegation; what is left at the head decides.
		Self::pay_queue(pid, &mut pool)?;
		if Self::head_is_cancelled(pid, &pool) {
			// More cancelled requests than one sweep takes: watch the cancelled head, whose
			// deadline is no later than any live request's behind it (the queue is FIFO), so the
			// sweep goes on then at the latest (at once if it has passed). A forced stop this
			// delays still ends its cool-down on time (guarantee 4).
			Self::arm_grace(pid, &mut pool);
			Self::put_pool(pid, pool);
			return Ok(());
		}
		match Self::overdue_head(pid, &pool) {
			Some((request, deadline)) => {
				let (stopped, until) = Self::force_stop_pool(pid, &mut pool, deadline)?;
				Self::put_pool(pid, pool);
				Self::deposit_event(Event::PoolForcedToStop {
					pid,
					request,
					workers_stopped: stopped,
					cooldown_until: until,
				});
			},
			None => {
				// The head changed since the task was armed: watch the new one.
				Self::arm_grace(pid, &mut pool);
				Self::put_pool(pid, pool);
			},
		}
		Ok(())
	}

	fn task_release(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		pool.release_due = None;
		Self::touch_pool(pid, &mut pool);
		Self::release_pool(pid, &mut pool)?;
		Self::put_pool(pid, pool);
		Ok(())
	}
}
