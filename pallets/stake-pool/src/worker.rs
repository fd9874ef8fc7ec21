//! Workers: registration, operator authorisation, the mining life cycle (start, restart, stop,
//! cool-down and reclaim), oracle reports and slashing.

use crate::{pallet::*, types::*};

/// Why a worker stops.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum StopReason {
	/// Its owner asked.
	Owner,
	/// A slash left it below its minimum stake.
	Slashed,
	/// Its pool's queue head outlived the grace period.
	GracePeriod,
}
use frame_support::pallet_prelude::*;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The smallest stake a worker with this benchmark may mine with:
	/// `MinStakePerSqrtScore * floor(sqrt(score))`.
	///
	/// With `k = 100` units, a score of 400 needs 2000 and a score of 900 needs 3000 (the seed's
	/// workers A, B and C, D).
	pub fn minimum_stake(benchmark: &Benchmark) -> BalanceOf<T> {
		let root: BalanceOf<T> = crate::math::integer_sqrt(benchmark.score).into();
		T::MinStakePerSqrtScore::get().saturating_mul(root)
	}

	/// Record or update a worker's benchmark.
	pub(crate) fn do_register_worker(worker: T::AccountId, benchmark: Benchmark) -> DispatchResult {
		ensure!(
			benchmark.score > 0 && (1..=5).contains(&benchmark.confidence_level),
			Error::<T>::InvalidBenchmark
		);
		Workers::<T>::mutate(&worker, |maybe| match maybe {
			Some(info) => info.benchmark = benchmark,
			None => {
				*maybe = Some(WorkerInfo {
					operator: None,
					benchmark,
					pool: None,
					state: WorkerState::Ready,
					stake: Zero::zero(),
					power: 0,
				})
			},
		});
		Self::deposit_event(Event::WorkerRegistered {
			worker,
			score: benchmark.score,
			confidence_level: benchmark.confidence_level,
			power: benchmark.power(),
		});
		Ok(())
	}

	/// The worker authorises `operator`; refused unless it is `Ready`. A `Ready` worker bound to
	/// its previous operator's pool leaves that pool (it holds no stake).
	pub(crate) fn do_authorize_operator(
		worker: T::AccountId,
		operator: T::AccountId,
	) -> DispatchResult {
		let mut info = Workers::<T>::get(&worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		ensure!(info.operator.as_ref() != Some(&operator), Error::<T>::OperatorUnchanged);
		ensure!(info.state == WorkerState::Ready, Error::<T>::WorkerNotReady);
		if let Some(pid) = info.pool {
			match Pools::<T>::get(pid) {
				Some(mut pool) => {
					Self::unbind_worker(pid, &mut pool, &worker, &mut info);
					Self::put_pool(pid, pool);
				},
				None => {
					frame_support::defensive!("worker bound to a missing pool");
					info.pool = None;
				},
			}
		}
		info.operator = Some(operator.clone());
		Workers::<T>::insert(&worker, info);
		Self::deposit_event(Event::OperatorAuthorized { worker, operator });
		Ok(())
	}

	/// The pool's worker `worker`, with the pool owned by `who`.
	fn owned_worker(
		who: &T::AccountId,
		pid: PoolId,
		worker: &T::AccountId,
	) -> Result<(PoolOf<T>, WorkerOf<T>), DispatchError> {
		let pool = Self::owned_pool(who, pid)?;
		let info = Workers::<T>::get(worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		ensure!(info.pool == Some(pid), Error::<T>::WorkerNotInPool);
		Ok((pool, info))
	}

	/// Check `stake` against the worker's bounds and the pool's stakeable free delegation.
	fn ensure_stake_allowed(
		pool: &PoolOf<T>,
		benchmark: &Benchmark,
		stake: BalanceOf<T>,
		additional: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(pool.state != PoolState::Destroying, Error::<T>::PoolDestroying);
		ensure!(stake >= Self::minimum_stake(benchmark), Error::<T>::StakeBelowMinimum);
		ensure!(stake <= T::MaxStakePerWorker::get(), Error::<T>::StakeAboveMaximum);
		ensure!(additional <= Self::stakeable_free(pool), Error::<T>::InsufficientFreeDelegation);
		Ok(())
	}

	/// Stake free delegation for a `Ready` worker and start it mining.
	pub(crate) fn do_start_mining(
		who: T::AccountId,
		pid: PoolId,
		worker: T::AccountId,
		stake: BalanceOf<T>,
	) -> DispatchResult {
		let (mut pool, mut info) = Self::owned_worker(&who, pid, &worker)?;
		ensure!(info.state == WorkerState::Ready, Error::<T>::WorkerNotReady);
		Self::ensure_stake_allowed(&pool, &info.benchmark, stake, stake)?;
		Self::touch_pool(pid, &mut pool);
		let power = info.benchmark.power();
		pool.free = pool.free.saturating_sub(stake);
		pool.staked = pool.staked.saturating_add(stake);
		let pool_power = pool.power.saturating_add(power.into());
		Self::set_pool_power(&mut pool, pool_power);
		info.state = WorkerState::Mining;
		info.stake = stake;
		info.power = power;
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::MiningStarted { pid, worker, stake, power });
		Ok(())
	}

	/// Raise a mining worker's stake without a cool-down, refreshing its power.
	pub(crate) fn do_restart_mining(
		who: T::AccountId,
		pid: PoolId,
		worker: T::AccountId,
		stake: BalanceOf<T>,
	) -> DispatchResult {
		let (mut pool, mut info) = Self::owned_worker(&who, pid, &worker)?;
		ensure!(info.state == WorkerState::Mining, Error::<T>::WorkerNotMining);
		ensure!(stake > info.stake, Error::<T>::StakeNotIncreased);
		let additional = stake.saturating_sub(info.stake);
		Self::ensure_stake_allowed(&pool, &info.benchmark, stake, additional)?;
		Self::touch_pool(pid, &mut pool);
		let power = info.benchmark.power();
		pool.free = pool.free.saturating_sub(additional);
		pool.staked = pool.staked.saturating_add(additional);
		let pool_power = pool.power.saturating_sub(info.power.into()).saturating_add(power.into());
		Self::set_pool_power(&mut pool, pool_power);
		info.stake = stake;
		info.power = power;
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::MiningRestarted { pid, worker, stake, power });
		Ok(())
	}

	/// Stop a mining or unresponsive worker at the owner's request.
	pub(crate) fn do_stop_mining(
		who: T::AccountId,
		pid: PoolId,
		worker: T::AccountId,
	) -> DispatchResult {
		let (mut pool, mut info) = Self::owned_worker(&who, pid, &worker)?;
		ensure!(
			matches!(info.state, WorkerState::Mining | WorkerState::Unresponsive),
			Error::<T>::WorkerNotMining
		);
		Self::touch_pool(pid, &mut pool);
		let until = Self::now().saturating_add(T::CooldownPeriod::get());
		Self::stop_worker(pid, &mut pool, &worker, &mut info, until, StopReason::Owner)?;
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// Move a mining or unresponsive worker into its cool-down, ending at `until`, for `reason`.
	/// A grace period's forced stop is reclaimed by the pool's release task; any other stop
	/// schedules the worker's own reclaim. The caller has touched the pool and writes both
	/// records.
	pub(crate) fn stop_worker(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		worker: &T::AccountId,
		info: &mut WorkerOf<T>,
		until: BlockNumberOf<T>,
		reason: StopReason,
	) -> DispatchResult {
		if info.state == WorkerState::Mining {
			let pool_power = pool.power.saturating_sub(info.power.into());
			Self::set_pool_power(pool, pool_power);
		}
		if reason != StopReason::GracePeriod {
			Self::schedule(until, DeadlineTask::CooldownEnd { worker: worker.clone() });
		}
		pool.staked = pool.staked.saturating_sub(info.stake);
		pool.releasing = pool.releasing.saturating_add(info.stake);
		info.state = WorkerState::CoolingDown { until };
		info.power = 0;
		Self::deposit_event(Event::MiningStopped {
			pid,
			worker: worker.clone(),
			stake: info.stake,
			cooldown_until: until,
			forced: reason != StopReason::Owner,
		});
		Ok(())
	}

	/// End a worker's cool-down: its stake returns to free delegation, which pays the queue.
	/// Returns the number of queued requests paid.
	pub(crate) fn do_reclaim_worker(worker: &T::AccountId) -> Result<u32, DispatchError> {
		let mut info = Workers::<T>::get(worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		let WorkerState::CoolingDown { until } = info.state else {
			return Err(Error::<T>::CooldownNotOver.into());
		};
		ensure!(until <= Self::now(), Error::<T>::CooldownNotOver);
		let Some(pid) = info.pool else {
			frame_support::defensive!("cooling-down worker outside a pool");
			return Err(Error::<T>::WorkerNotInPool.into());
		};
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		Self::touch_pool(pid, &mut pool);
		Self::return_stake(pid, &mut pool, worker, &mut info, until);
		Workers::<T>::insert(worker, info);
		let paid = Self::pay_queue(pid, &mut pool)?;
		Self::put_pool(pid, pool);
		Ok(paid)
	}

	/// Return a cooled-down worker's stake to free delegation and take its cool-down task (if
	/// its owner stopped it) off the agenda. The caller writes both records and pays the queue.
	fn return_stake(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		worker: &T::AccountId,
		info: &mut WorkerOf<T>,
		until: BlockNumberOf<T>,
	) {
		Self::unschedule(until, &DeadlineTask::CooldownEnd { worker: worker.clone() });
		let stake = info.stake;
		pool.releasing = pool.releasing.saturating_sub(stake);
		pool.free = pool.free.saturating_add(stake);
		info.stake = Zero::zero();
		info.state = WorkerState::Ready;
		Self::deposit_event(Event::StakeReclaimed {
			pid,
			worker: worker.clone(),
			stake,
			free: pool.free,
		});
	}

	/// The release of a forced stop: every worker of the pool whose cool-down is over returns
	/// its stake, and the queue is paid. If a later forced stop's cool-down is still running,
	/// the release is armed again for it; a cool-down with its own task (one the owner or a
	/// slash started) is left to that task, so an owner cannot choose when its pool's release
	/// falls due (the Release lane's capacity rests on releases falling due only at requests'
	/// promises). The caller has touched the pool and writes it. Returns the number of workers
	/// reclaimed.
	pub(crate) fn release_pool(pid: PoolId, pool: &mut PoolOf<T>) -> Result<u32, DispatchError> {
		let now = Self::now();
		let mut reclaimed: u32 = 0;
		let mut next: Option<BlockNumberOf<T>> = None;
		for worker in PoolWorkers::<T>::iter_key_prefix(pid) {
			let Some(mut info) = Workers::<T>::get(&worker) else { continue };
			let WorkerState::CoolingDown { until } = info.state else { continue };
			if until <= now {
				Self::return_stake(pid, pool, &worker, &mut info, until);
				Workers::<T>::insert(&worker, info);
				reclaimed = reclaimed.saturating_add(1);
			} else if !Self::has_own_cooldown_task(&worker, until) {
				next = Some(next.map_or(until, |next| next.min(until)));
			}
		}
		Self::pay_queue(pid, pool)?;
		let due = pool.release_due.or(next);
		pool.release_due = Self::reschedule(pool.release_due, due, DeadlineTask::Release { pid });
		Ok(reclaimed)
	}

	/// Whether `worker`'s cool-down ending at `until` has its own task (it was not started or cut
	/// by a forced stop).
	fn has_own_cooldown_task(worker: &T::AccountId, until: BlockNumberOf<T>) -> bool {
		let task = DeadlineTask::CooldownEnd { worker: worker.clone() };
		Agenda::<T>::contains_key((TaskKind::Cooldown, Self::due_key(until), task))
	}

	/// The oracle's report: a mining worker goes unresponsive (`responsive == false`) or an
	/// unresponsive one recovers.
	pub(crate) fn do_set_responsive(worker: T::AccountId, responsive: bool) -> DispatchResult {
		let mut info = Workers::<T>::get(&worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		if responsive {
			ensure!(info.state == WorkerState::Unresponsive, Error::<T>::WorkerNotUnresponsive);
		} else {
			ensure!(info.state == WorkerState::Mining, Error::<T>::WorkerNotMining);
		}
		let pid = info.pool.ok_or(Error::<T>::WorkerNotInPool)?;
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		Self::touch_pool(pid, &mut pool);
		let power: u128 = info.power.into();
		if responsive {
			let pool_power = pool.power.saturating_add(power);
			Self::set_pool_power(&mut pool, pool_power);
			info.state = WorkerState::Mining;
			Self::deposit_event(Event::WorkerRecovered { pid, worker: worker.clone() });
		} else {
			let pool_power = pool.power.saturating_sub(power);
			Self::set_pool_power(&mut pool, pool_power);
			info.state = WorkerState::Unresponsive;
			Self::deposit_event(Event::WorkerUnresponsive { pid, worker: worker.clone() });
		}
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// Slash up to `amount` of a worker's stake; the pool's value falls by what was slashed.
	pub(crate) fn do_slash_worker(worker: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut info = Workers::<T>::get(&worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		ensure!(!info.stake.is_zero(), Error::<T>::NothingToSlash);
		let pid = info.pool.ok_or(Error::<T>::NothingToSlash)?;
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		Self::touch_pool(pid, &mut pool);
		let slashed = amount.min(info.stake);
		match info.state {
			WorkerState::Mining | WorkerState::Unresponsive => {
				pool.staked = pool.staked.saturating_sub(slashed)
			},
			WorkerState::CoolingDown { .. } => {
				pool.releasing = pool.releasing.saturating_sub(slashed)
			},
			WorkerState::Ready => return Err(Error::<T>::NothingToSlash.into()),
		}
		info.stake = info.stake.saturating_sub(slashed);
		pool.total_value = pool.total_value.saturating_sub(slashed);
		// No stake, no power: a worker left below its minimum stops (it may start again with
		// enough stake once its cool-down is over).
		let below_minimum = info.stake < Self::minimum_stake(&info.benchmark);
		if below_minimum && matches!(info.state, WorkerState::Mining | WorkerState::Unresponsive) {
			let until = Self::now().saturating_add(T::CooldownPeriod::get());
			Self::stop_worker(pid, &mut pool, &worker, &mut info, until, StopReason::Slashed)?;
		}
		Slashes::<T>::mutate(|totals| totals.slashed = totals.slashed.saturating_add(slashed));
		Self::deposit_event(Event::WorkerSlashed {
			pid,
			worker: worker.clone(),
			amount: slashed,
			total_value: pool.total_value,
			total_shares: pool.total_shares,
		});
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// The forced stop of a pool whose queue head's grace period ended at `deadline`: every
	/// mining or unresponsive worker (at most `MaxPoolWorkers`) stops, and every cool-down of the
	/// pool ends at `deadline + CooldownPeriod` at the latest, however late this runs; the
	/// pool's release task returns the stake then. The grace task stays disarmed until the head
	/// changes. The caller has touched the pool and writes it. Returns how many workers
	/// stopped and when their cool-down ends.
	pub(crate) fn force_stop_pool(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		deadline: BlockNumberOf<T>,
	) -> Result<(u32, BlockNumberOf<T>), DispatchError> {
		let until = deadline.saturating_add(T::CooldownPeriod::get());
		let mut stopped: u32 = 0;
		// Cool-downs cut to `until`: their own tasks are gone, the release covers them.
		let mut cut: u32 = 0;
		// Every bound worker is read (at most `MaxPoolWorkers`), whatever its state.
		for worker in PoolWorkers::<T>::iter_key_prefix(pid) {
			let Some(mut info) = Workers::<T>::get(&worker) else { continue };
			match info.state {
				WorkerState::Mining | WorkerState::Unresponsive => {
					Self::stop_worker(
						pid,
						pool,
						&worker,
						&mut info,
						until,
						StopReason::GracePeriod,
					)?;
					Workers::<T>::insert(&worker, info);
					stopped = stopped.saturating_add(1);
				},
				// A cool-down its owner started after the deadline would end too late: the
				// release covers it.
				WorkerState::CoolingDown { until: own } if own > until => {
					Self::unschedule(own, &DeadlineTask::CooldownEnd { worker: worker.clone() });
					info.state = WorkerState::CoolingDown { until };
					Workers::<T>::insert(&worker, info);
					cut = cut.saturating_add(1);
				},
				_ => {},
			}
		}
		// A release only where a stake depends on it: a worker stopped or a cool-down cut here
		// (cool-downs ending by `until` on their own tasks need none). A release armed earlier
		// stays when it comes first, or when nothing here needs one.
		let needs_release = stopped > 0 || cut > 0;
		let due = match pool.release_due {
			Some(due) if due <= until || !needs_release => Some(due),
			armed => {
				if needs_release {
					Some(until)
				} else {
					armed
				}
			},
		};
		pool.release_due = Self::reschedule(pool.release_due, due, DeadlineTask::Release { pid });
		pool.grace_due = Self::reschedule(pool.grace_due, None, DeadlineTask::GraceExpiry { pid });
		Ok((stopped, until))
	}

	/// The permissionless trigger: force the pool's workers to stop when its queue head is
	/// overdue. Returns how many workers were read (every bound worker), for the weight.
	pub(crate) fn do_force_stop_overdue(pid: PoolId) -> Result<u32, DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		let (request, deadline) = Self::overdue_head(pid, &pool).ok_or(Error::<T>::NotOverdue)?;
		Self::touch_pool(pid, &mut pool);
		let read = pool.workers;
		let (stopped, until) = Self::force_stop_pool(pid, &mut pool, deadline)?;
		ensure!(stopped > 0, Error::<T>::NoMiningWorkers);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::PoolForcedToStop {
			pid,
			request,
			workers_stopped: stopped,
			cooldown_until: until,
		});
		Ok(read)
	}
}
