//! Pools: creation with a deposit, binding workers, commission, cap, whitelist, description and
//! closing.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Permill, SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The pool `pid`, if `who` owns it.
	pub(crate) fn owned_pool(who: &T::AccountId, pid: PoolId) -> Result<PoolOf<T>, DispatchError> {
		let pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(&pool.owner == who, Error::<T>::NotPoolOwner);
		Ok(pool)
	}

	/// Create a pool owned by `owner`, holding the deposit. Returns its id.
	pub(crate) fn do_create_pool(owner: T::AccountId) -> Result<PoolId, DispatchError> {
		let deposit = T::PoolDeposit::get();
		T::Currency::hold(&HoldReason::PoolDeposit.into(), &owner, deposit)
			.map_err(|_| Error::<T>::InsufficientDeposit)?;
		let pid = NextPoolId::<T>::get();
		NextPoolId::<T>::put(pid.checked_add(1).ok_or(Error::<T>::Overflow)?);
		let power_counter_settled = Rewards::<T>::get().reward_per_power;
		let created_in = frame_system::Pallet::<T>::block_number().saturated_into::<u64>();
		let pool = PoolInfo {
			owner: owner.clone(),
			state: PoolState::Open,
			created_in,
			commission_payee: None,
			change_rate: None,
			commission_raised_at: None,
			commission: Permill::zero(),
			pending_commission: None,
			cap: None,
			deposit,
			total_shares: Zero::zero(),
			total_value: Zero::zero(),
			free: Zero::zero(),
			staked: Zero::zero(),
			releasing: Zero::zero(),
			total_held: Zero::zero(),
			queued_shares: Zero::zero(),
			queue_head: 0,
			queue_tail: 0,
			grace_due: None,
			last_queued_at: None,
			release_due: None,
			payout_due: None,
			workers: 0,
			delegators: 0,
			whitelist_len: 0,
			power: 0,
			power_counter_settled,
			reward_per_share: U256::zero(),
			owner_reward: Zero::zero(),
			delegator_rewards_credited: Zero::zero(),
			delegator_rewards_paid: Zero::zero(),
			target_score: Zero::zero(),
		};
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::PoolCreated { pid, owner, deposit });
		Ok(pid)
	}

	/// Bind `worker` to the pool: its operator must be the owner.
	pub(crate) fn do_add_worker(
		who: T::AccountId,
		pid: PoolId,
		worker: T::AccountId,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		let mut info = Workers::<T>::get(&worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		ensure!(info.operator.as_ref() == Some(&who), Error::<T>::NotWorkerOperator);
		ensure!(info.pool.is_none(), Error::<T>::WorkerAlreadyInPool);
		// A worker outside any pool holds no stake and is Ready; keep it that way defensively.
		ensure!(info.state == WorkerState::Ready, Error::<T>::WorkerNotReady);
		ensure!(pool.workers < T::MaxPoolWorkers::get(), Error::<T>::TooManyWorkers);
		pool.workers = pool.workers.saturating_add(1);
		info.pool = Some(pid);
		PoolWorkers::<T>::insert(pid, &worker, ());
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::WorkerAdded { pid, worker });
		Ok(())
	}

	/// Unbind a `Ready` worker (it holds no stake, so nothing can be lost).
	pub(crate) fn do_remove_worker(
		who: T::AccountId,
		pid: PoolId,
		worker: T::AccountId,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		let mut info = Workers::<T>::get(&worker).ok_or(Error::<T>::WorkerNotRegistered)?;
		ensure!(info.pool == Some(pid), Error::<T>::WorkerNotInPool);
		ensure!(info.state == WorkerState::Ready, Error::<T>::WorkerNotReady);
		Self::unbind_worker(pid, &mut pool, &worker, &mut info);
		Workers::<T>::insert(&worker, info);
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// Remove the binding of a `Ready` worker (no storage write of the two records).
	pub(crate) fn unbind_worker(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		worker: &T::AccountId,
		info: &mut WorkerOf<T>,
	) {
		PoolWorkers::<T>::remove(pid, worker);
		pool.workers = pool.workers.saturating_sub(1);
		info.pool = None;
		Self::deposit_event(Event::WorkerRemoved { pid, worker: worker.clone() });
	}

	/// Set the commission: decreases apply at once, increases after `CommissionChangeDelay`,
	/// which is longer than the longest exit (`integrity_test`), so a delegator who asks to leave
	/// when an increase is announced is paid out before it applies. Only in the block that
	/// created the pool, before anyone delegated, does an increase apply at once: nobody can
	/// have seen the pool earlier, so no delegator's call can have been overtaken by it.
	pub(crate) fn do_set_commission(
		who: T::AccountId,
		pid: PoolId,
		commission: Permill,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		ensure!(commission <= T::MaxCommission::get(), Error::<T>::CommissionTooHigh);
		let raising = commission > pool.commission;
		if raising {
			Self::ensure_within_change_rate(&pool, commission)?;
		}
		Self::touch_pool(pid, &mut pool);
		let task = DeadlineTask::CommissionChange { pid };
		if let Some(pending) = pool.pending_commission.take() {
			Self::unschedule(pending.effective_at, &task);
		}
		if raising {
			pool.commission_raised_at = Some(Self::now());
		}
		let now_block = frame_system::Pallet::<T>::block_number().saturated_into::<u64>();
		let unseen = pool.created_in == now_block && pool.delegators == 0;
		if commission <= pool.commission || unseen {
			pool.commission = commission;
			Self::deposit_event(Event::CommissionSet { pid, commission });
		} else {
			let effective_at = Self::now().saturating_add(T::CommissionChangeDelay::get());
			pool.pending_commission = Some(PendingCommission { commission, effective_at });
			Self::schedule(effective_at, task);
			Self::deposit_event(Event::CommissionChangeScheduled { pid, commission, effective_at });
		}
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// Set the pool's state. The owner may switch between `Open` and `Blocked` and set
	/// `Destroying`; anyone else may set `Destroying` only when the pool's value is depleted
	/// (nobody can join it any more). `Destroying` is final.
	pub(crate) fn do_set_pool_state(
		who: T::AccountId,
		pid: PoolId,
		state: PoolState,
	) -> DispatchResult {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(pool.state != PoolState::Destroying, Error::<T>::PoolDestroying);
		ensure!(pool.state != state, Error::<T>::PoolStateUnchanged);
		if who != pool.owner {
			ensure!(
				state == PoolState::Destroying && Self::value_depleted(&pool),
				Error::<T>::NotPoolOwner
			);
		}
		pool.state = state;
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::PoolStateChanged { pid, state, by: who });
		Ok(())
	}

	/// Check an increase to `commission` against the pool's change rate, if it has one.
	fn ensure_within_change_rate(pool: &PoolOf<T>, commission: Permill) -> DispatchResult {
		let Some(rate) = pool.change_rate else { return Ok(()) };
		let increase = commission.saturating_sub(pool.commission);
		ensure!(increase <= rate.max_increase, Error::<T>::CommissionChangeThrottled);
		if let Some(last) = pool.commission_raised_at {
			ensure!(
				Self::now() >= last.saturating_add(rate.min_delay),
				Error::<T>::CommissionChangeThrottled
			);
		}
		Ok(())
	}

	/// Set the pool's commission change rate: only tighter than the one in force.
	pub(crate) fn do_set_commission_change_rate(
		who: T::AccountId,
		pid: PoolId,
		rate: CommissionChangeRate<BlockNumberOf<T>>,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		if let Some(current) = pool.change_rate {
			ensure!(
				rate.max_increase <= current.max_increase && rate.min_delay >= current.min_delay,
				Error::<T>::CommissionChangeRateNotAllowed
			);
		}
		pool.change_rate = Some(rate);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::CommissionChangeRateSet {
			pid,
			max_increase: rate.max_increase,
			min_delay: rate.min_delay,
		});
		Ok(())
	}

	/// Apply a pending commission increase whose delay has passed. The caller has settled the
	/// pool's rewards up to now.
	///
	/// A rate above `MaxCommission` (a runtime upgrade lowered it) is brought down to it at
	/// once, and a pending increase applies at most `MaxCommission`: a lower bound only ever
	/// helps delegators.
	pub(crate) fn apply_due_commission(pid: PoolId, pool: &mut PoolOf<T>) {
		let max = T::MaxCommission::get();
		if let Some(pending) = pool.pending_commission {
			if pending.effective_at <= Self::now() {
				Self::unschedule(pending.effective_at, &DeadlineTask::CommissionChange { pid });
				let commission = pending.commission.min(max);
				pool.commission = commission;
				pool.pending_commission = None;
				Self::deposit_event(Event::CommissionSet { pid, commission });
			}
		}
		if pool.commission > max {
			pool.commission = max;
			Self::deposit_event(Event::CommissionSet { pid, commission: max });
		}
	}

	/// Set or remove the cap; it may not fall below the pool's value.
	pub(crate) fn do_set_cap(
		who: T::AccountId,
		pid: PoolId,
		cap: Option<BalanceOf<T>>,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		if let Some(cap) = cap {
			ensure!(cap >= pool.total_value, Error::<T>::CapBelowDelegation);
		}
		pool.cap = cap;
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::CapSet { pid, cap });
		Ok(())
	}

	/// What a capped pool can still accept.
	pub(crate) fn cap_gap(pool: &PoolOf<T>) -> Option<BalanceOf<T>> {
		pool.cap.map(|cap| cap.saturating_sub(pool.total_value))
	}

	/// Whitelist `who`.
	pub(crate) fn do_add_to_whitelist(
		owner: T::AccountId,
		pid: PoolId,
		who: T::AccountId,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&owner, pid)?;
		ensure!(!PoolWhitelist::<T>::contains_key(pid, &who), Error::<T>::AlreadyWhitelisted);
		ensure!(pool.whitelist_len < T::MaxWhitelist::get(), Error::<T>::WhitelistFull);
		pool.whitelist_len = pool.whitelist_len.saturating_add(1);
		PoolWhitelist::<T>::insert(pid, &who, ());
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::WhitelistAdded { pid, who });
		Ok(())
	}

	/// Remove `who` from the whitelist.
	pub(crate) fn do_remove_from_whitelist(
		owner: T::AccountId,
		pid: PoolId,
		who: T::AccountId,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&owner, pid)?;
		ensure!(PoolWhitelist::<T>::contains_key(pid, &who), Error::<T>::NotWhitelisted);
		pool.whitelist_len = pool.whitelist_len.saturating_sub(1);
		PoolWhitelist::<T>::remove(pid, &who);
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::WhitelistRemoved { pid, who });
		Ok(())
	}

	/// Whether `who` may delegate to the pool.
	pub(crate) fn may_delegate(pid: PoolId, pool: &PoolOf<T>, who: &T::AccountId) -> bool {
		pool.whitelist_len == 0 || &pool.owner == who || PoolWhitelist::<T>::contains_key(pid, who)
	}

	/// Set or clear the description.
	pub(crate) fn do_set_description(
		who: T::AccountId,
		pid: PoolId,
		description: Vec<u8>,
	) -> DispatchResult {
		Self::owned_pool(&who, pid)?;
		let description: BoundedVec<u8, T::MaxDescriptionLen> =
			description.try_into().map_err(|_| Error::<T>::DescriptionTooLong)?;
		if description.is_empty() {
			PoolDescriptions::<T>::remove(pid);
		} else {
			PoolDescriptions::<T>::insert(pid, description);
		}
		Self::deposit_event(Event::DescriptionSet { pid });
		Ok(())
	}

	/// Close an empty pool. Returns the number of whitelist entries removed (for the weight).
	pub(crate) fn do_close_pool(who: T::AccountId, pid: PoolId) -> Result<u32, DispatchError> {
		let mut pool = Self::owned_pool(&who, pid)?;
		ensure!(
			pool.workers == 0
				&& pool.total_shares.is_zero()
				&& pool.delegators == 0
				&& pool.queue_head == pool.queue_tail,
			Error::<T>::PoolNotEmpty
		);
		Self::touch_pool(pid, &mut pool);
		if !pool.owner_reward.is_zero() {
			let payee = pool.commission_payee.clone().unwrap_or_else(|| who.clone());
			Self::pay_reward(&payee, pool.owner_reward)?;
			Self::deposit_event(Event::CommissionClaimed {
				pid,
				owner: who.clone(),
				payee,
				amount: pool.owner_reward,
			});
		}
		// No task may outlive its pool. An empty pool can have a pending commission increase on
		// the agenda; a release, a grace expiry or a pay-out continuation needs stake cooling
		// down or a queue, which an empty pool has not, but each is taken off as well should a
		// record still name one (a forced stop once armed a release with no stake depending on
		// it, and an emptied pool could be closed with it left behind).
		if let Some(pending) = pool.pending_commission {
			Self::unschedule(pending.effective_at, &DeadlineTask::CommissionChange { pid });
		}
		let tasks = [
			(pool.release_due, DeadlineTask::Release { pid }),
			(pool.grace_due, DeadlineTask::GraceExpiry { pid }),
			(pool.payout_due, DeadlineTask::ContinuePayout { pid }),
		];
		for (due, task) in tasks {
			if let Some(due) = due {
				Self::unschedule(due, &task);
			}
		}
		let whitelist = pool.whitelist_len;
		let _ = PoolWhitelist::<T>::clear_prefix(pid, whitelist.saturating_add(1), None);
		PoolDescriptions::<T>::remove(pid);
		Self::remove_pool(pid, &pool);
		T::Currency::release(
			&HoldReason::PoolDeposit.into(),
			&who,
			pool.deposit,
			Precision::BestEffort,
		)?;
		Self::deposit_event(Event::PoolClosed { pid, owner: who, deposit: pool.deposit });
		Ok(whitelist)
	}
}
