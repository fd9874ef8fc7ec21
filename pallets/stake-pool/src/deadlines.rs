//! The deadline index: things that must happen at a block without anyone calling.
//!
//! Each [`TaskKind`] has its own FIFO queue in [`Tasks`]. A task's deadline is the time it was
//! scheduled plus a constant of its kind (`CooldownPeriod`, `GracePeriod`,
//! `CommissionChangeDelay`, or zero for queue pay-outs), so each queue is sorted by deadline by
//! construction and the hook only ever looks at heads. Tasks whose subject changed in the
//! meantime (a request already paid, a worker already reclaimed) are recognised as stale and
//! dropped at the cost of one read.
//!
//! [`Hooks::on_initialize`](frame_support::traits::Hooks::on_initialize) serves at most
//! `MaxTasksPerBlock` due tasks per block, one of each kind in turn, charging each at the worst
//! case of its kind, so the per-block cost is bounded and independent of the number of workers,
//! pools and delegators. A backlog carries over to the next block (the deadline guarantee then
//! holds "plus the blocks the backlog takes"); the permissionless calls cover the same ground.

use crate::{pallet::*, types::*, weights::WeightInfo};
use frame_support::{pallet_prelude::*, storage::with_storage_layer, weights::WeightMeter};

/// The number of mining workers and delegations the idle hook is charged for: the top of its
/// benchmark's range (its cost grows only with the trie's depth, not with the entries).
pub const IDLE_CHARGED_AT: u32 = 100_000;

impl<T: Config> Pallet<T> {
	/// Append a task to its kind's queue.
	pub(crate) fn schedule(
		kind: TaskKind,
		due: BlockNumberOf<T>,
		task: DeadlineTask<T::AccountId>,
	) -> DispatchResult {
		TaskCursors::<T>::try_mutate(kind, |cursor| -> DispatchResult {
			let index = cursor.tail;
			cursor.tail = index.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Tasks::<T>::insert(kind, index, ScheduledTask { due, task });
			Ok(())
		})
	}

	/// The worst-case weight of serving one task of `kind`.
	pub(crate) fn task_weight(kind: TaskKind) -> Weight {
		match kind {
			TaskKind::Cooldown => T::WeightInfo::on_initialize_cooldown()
				.saturating_add(Self::max_queue_payout_weight()),
			TaskKind::Payout => {
				T::WeightInfo::on_initialize_payout(T::MaxQueuePayoutsPerCall::get())
			},
			TaskKind::Commission => T::WeightInfo::on_initialize_commission(),
			// A grace expiry also completes requests that slashes left worth nothing.
			TaskKind::Grace => T::WeightInfo::on_initialize_grace(T::MaxPoolWorkers::get())
				.saturating_add(Self::max_queue_payout_weight()),
		}
	}

	/// Serve due tasks within the per-block budget, one per kind in turn, so that a backlog of
	/// one kind (say, many cool-downs ending together) cannot starve another (grace expiries).
	/// Returns the weight used.
	pub(crate) fn serve_deadlines() -> Weight {
		let mut meter = WeightMeter::new();
		// The idle hook reads four cursors whatever is in storage; only the trie's depth grows
		// with it (benchmark `on_initialize_idle(n)`), so it is charged at the benchmarked top.
		meter.consume(T::WeightInfo::on_initialize_idle(IDLE_CHARGED_AT));
		let now = Self::now();
		let mut budget = T::MaxTasksPerBlock::get();
		let mut cursors = TaskKind::ALL.map(|kind| (kind, TaskCursors::<T>::get(kind), false));
		let mut progress = true;
		while budget > 0 && progress {
			progress = false;
			for (kind, cursor, changed) in cursors.iter_mut() {
				if budget == 0 {
					break;
				}
				let Some(task) = Self::pop_due(*kind, cursor, now) else { continue };
				*changed = true;
				progress = true;
				budget = budget.saturating_sub(1);
				meter.consume(Self::task_weight(*kind));
				Self::run_task(task);
				// A task may schedule another of its own kind (a continued pay-out).
				cursor.tail = TaskCursors::<T>::get(*kind).tail;
			}
		}
		for (kind, cursor, changed) in cursors {
			if changed {
				TaskCursors::<T>::mutate(kind, |stored| stored.head = cursor.head);
			}
		}
		meter.consumed()
	}

	/// Take the head task of `kind` if it is due, advancing `cursor` (holes are skipped).
	fn pop_due(
		kind: TaskKind,
		cursor: &mut QueueCursor,
		now: BlockNumberOf<T>,
	) -> Option<DeadlineTask<T::AccountId>> {
		while cursor.head < cursor.tail {
			let Some(entry) = Tasks::<T>::get(kind, cursor.head) else {
				cursor.head = cursor.head.saturating_add(1);
				continue;
			};
			if entry.due > now {
				return None;
			}
			Tasks::<T>::remove(kind, cursor.head);
			cursor.head = cursor.head.saturating_add(1);
			return Some(entry.task);
		}
		None
	}

	/// Carry out one task. Failures are logged and the task dropped: each has a permissionless
	/// call that can finish the job.
	fn run_task(task: DeadlineTask<T::AccountId>) {
		let result = with_storage_layer(|| match &task {
			DeadlineTask::CooldownEnd { worker } => Self::task_cooldown_end(worker),
			DeadlineTask::ContinuePayout { pid } => Self::task_continue_payout(*pid),
			DeadlineTask::CommissionChange { pid } => Self::task_commission_change(*pid),
			DeadlineTask::GraceExpiry { pid, request } => Self::task_grace_expiry(*pid, *request),
		});
		if let Err(error) = result {
			log::warn!(target: crate::LOG_TARGET, "task {:?} failed: {:?}", task, error);
		}
	}

	fn task_cooldown_end(worker: &T::AccountId) -> DispatchResult {
		match Workers::<T>::get(worker).map(|info| info.state) {
			// Stale unless the worker still cools down and its cool-down is over; a worker that
			// stopped again has a later task of its own.
			Some(WorkerState::CoolingDown { until }) if until <= Self::now() => {
				Self::do_reclaim_worker(worker).map(|_| ())
			},
			_ => Ok(()),
		}
	}

	fn task_continue_payout(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		pool.payout_scheduled = false;
		Self::touch_pool(pid, &mut pool);
		Self::pay_queue(pid, &mut pool)?;
		Pools::<T>::insert(pid, pool);
		Ok(())
	}

	fn task_commission_change(pid: PoolId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		if pool.pending_commission.is_none() {
			return Ok(());
		}
		Self::touch_pool(pid, &mut pool);
		Pools::<T>::insert(pid, pool);
		Ok(())
	}

	fn task_grace_expiry(pid: PoolId, request: RequestId) -> DispatchResult {
		let Some(mut pool) = Pools::<T>::get(pid) else { return Ok(()) };
		// Stale once the request is paid.
		if !WithdrawQueue::<T>::contains_key(pid, request) {
			return Ok(());
		}
		Self::touch_pool(pid, &mut pool);
		let stopped = Self::force_stop_pool(pid, &mut pool)?;
		// Requests slashes left worth nothing complete without free delegation.
		Self::pay_queue(pid, &mut pool)?;
		Pools::<T>::insert(pid, pool);
		if stopped > 0 {
			Self::deposit_event(Event::PoolForcedToStop { pid, request, workers_stopped: stopped });
		}
		Ok(())
	}
}
