//! The withdrawal queue: one storage entry per request, paid head first with partial
//! fulfilment, by at most `MaxQueuePayoutsPerCall` requests per call (continued by a task).
//!
//! A delegator may have up to `MaxWithdrawalsPerDelegation` requests in a pool's queue, each
//! with its own `requested_at`, so every amount asked for gets the full `GracePeriod +
//! CooldownPeriod` deadline from the call that asked for it, whatever else is pending, and
//! nobody can move a deadline: a delegator cannot attach a new amount to an older request (which
//! would force a stop with less notice than `GracePeriod`), and an owner's restaking cannot push a
//! later request behind another cool-down, since the queue's head decides the pool's forced stop
//! and every request is paid when the stake of that stop returns.
//!
//! A cancelled request stays in the queue with no shares until it reaches the head, where it
//! completes without funds; the queue has no holes.

use crate::{delegation::Queued, math::value_of_shares, pallet::*, types::*};
use frame_support::pallet_prelude::*;
use sp_runtime::traits::{Bounded, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Queue `shares` of `who`'s position as a new request and, if it is the queue's only
	/// request, arm the pool's grace period.
	pub(crate) fn enqueue_withdrawal(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		who: &T::AccountId,
		delegation: &mut DelegationOf<T>,
		shares: BalanceOf<T>,
	) -> Result<Queued, DispatchError> {
		let request = pool.queue_tail;
		delegation.withdrawals.try_push(request).map_err(|_| Error::<T>::TooManyWithdrawals)?;
		pool.queue_tail = request.checked_add(1).ok_or(Error::<T>::Overflow)?;
		pool.queued_shares = pool.queued_shares.saturating_add(shares);
		delegation.queued_shares = delegation.queued_shares.saturating_add(shares);
		let now = Self::now();
		let queued =
			if pool.last_queued_at == Some(now) { Queued::Request } else { Queued::FirstOfPool };
		pool.last_queued_at = Some(now);
		WithdrawQueue::<T>::insert(
			pid,
			request,
			WithdrawRequest {
				delegator: who.clone(),
				shares,
				requested_at: now,
				paid: Zero::zero(),
			},
		);
		if pool.queue_head == request {
			Self::arm_grace(pid, pool);
		}
		let value = value_of_shares::<T>(pool, shares);
		Self::deposit_event(Event::WithdrawalQueued {
			pid,
			delegator: who.clone(),
			request,
			shares,
			value,
			grace_ends: now.saturating_add(T::GracePeriod::get()),
		});
		Ok(queued)
	}

	/// Point the pool's grace task at its current head (or remove it with an empty queue).
	/// Called whenever the head changes.
	pub(crate) fn arm_grace(pid: PoolId, pool: &mut PoolOf<T>) {
		let due = if pool.queue_head < pool.queue_tail {
			WithdrawQueue::<T>::get(pid, pool.queue_head)
				.map(|head| head.requested_at.saturating_add(T::GracePeriod::get()))
		} else {
			None
		};
		pool.grace_due = Self::reschedule(pool.grace_due, due, DeadlineTask::GraceExpiry { pid });
	}

	/// Pay the queue from free delegation, head first, at most `MaxQueuePayoutsPerCall`
	/// requests. If free delegation is left for a longer queue, the Payout lane continues (see
	/// [`Self::pay_queue_up_to`]). The caller has touched the pool and writes it. Returns the
	/// number of requests completed or paid.
	pub(crate) fn pay_queue(pid: PoolId, pool: &mut PoolOf<T>) -> Result<u32, DispatchError> {
		Self::pay_queue_up_to(pid, pool, T::MaxQueuePayoutsPerCall::get())
	}

	/// [`Self::pay_queue`] for at most `limit` requests; returns the number of queue entries
	/// visited (paid, swept, or found waiting for free delegation), which is what its weight is
	/// charged for. When free delegation is left for the
	/// rest of the queue, the pool's pay-out continuation is keyed by the deadline of the queue's
	/// new head (`requested_at + GracePeriod + CooldownPeriod`), so the Payout lane pays the most
	/// urgent request of all pools first.
	pub(crate) fn pay_queue_up_to(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		limit: u32,
	) -> Result<u32, DispatchError> {
		let mut paid: u32 = 0;
		let head_before = pool.queue_head;
		while paid < limit && pool.queue_head < pool.queue_tail {
			let head = pool.queue_head;
			let Some(mut request) = WithdrawQueue::<T>::get(pid, head) else {
				frame_support::defensive!("withdraw queue has a hole");
				pool.queue_head = head.saturating_add(1);
				continue;
			};
			paid = paid.saturating_add(1);
			if request.shares.is_zero() {
				// Cancelled: nothing to pay.
				WithdrawQueue::<T>::remove(pid, head);
				pool.queue_head = head.saturating_add(1);
				continue;
			}
			let who = request.delegator.clone();
			let Some(mut delegation) = Delegations::<T>::get(pid, &who) else {
				frame_support::defensive!("queued request without a delegation");
				pool.queued_shares = pool.queued_shares.saturating_sub(request.shares);
				WithdrawQueue::<T>::remove(pid, head);
				pool.queue_head = head.saturating_add(1);
				continue;
			};
			Self::settle_slash_of(pid, pool, &who, &mut delegation)?;
			Self::settle_delegator_rewards(pool, &mut delegation);
			let payout = Self::pay_shares(
				&who,
				pool,
				&mut delegation,
				request.shares,
				BalanceOf::<T>::max_value(),
			)?;
			if payout.amount.is_zero() && !payout.complete {
				// No free delegation left: the head waits (its slash settlement is kept). The
				// visit read and wrote as much as a pay-out, and is counted as one.
				Self::store_delegation(pid, pool, &who, delegation)?;
				break;
			}
			pool.queued_shares = pool.queued_shares.saturating_sub(payout.shares);
			delegation.queued_shares = delegation.queued_shares.saturating_sub(payout.shares);
			request.shares = request.shares.saturating_sub(payout.shares);
			request.paid = request.paid.saturating_add(payout.amount);
			Self::deposit_event(Event::WithdrawalPaid {
				pid,
				delegator: who.clone(),
				request: head,
				amount: payout.amount,
				shares: payout.shares,
				remaining_shares: request.shares,
			});
			if payout.complete {
				WithdrawQueue::<T>::remove(pid, head);
				pool.queue_head = head.saturating_add(1);
				delegation.withdrawals.retain(|id| *id != head);
				// Rounding may leave the delegation a few queued shares the request no longer
				// has; they are the delegator's again.
				if delegation.withdrawals.is_empty() {
					delegation.queued_shares = Zero::zero();
				}
				Self::store_delegation(pid, pool, &who, delegation)?;
			} else {
				WithdrawQueue::<T>::insert(pid, head, request);
				Self::store_delegation(pid, pool, &who, delegation)?;
				break;
			}
		}
		if pool.queue_head != head_before {
			Self::arm_grace(pid, pool);
		}
		Self::key_payout_continuation(pid, pool);
		Ok(paid)
	}

	/// Point the pool's pay-out continuation at the deadline of its queue's head, or remove it
	/// when the queue cannot move on: it moves with free delegation, or without any when slashes
	/// left the pool worth nothing (its requests then complete at no value).
	fn key_payout_continuation(pid: PoolId, pool: &mut PoolOf<T>) {
		let can_pay = !pool.free.is_zero() || pool.total_value.is_zero();
		let payout_due = if can_pay { Self::head_payout_deadline(pid, pool) } else { None };
		pool.payout_due =
			Self::reschedule(pool.payout_due, payout_due, DeadlineTask::ContinuePayout { pid });
	}

	/// The pay-out deadline of the queue's head, if the queue has one.
	fn head_payout_deadline(pid: PoolId, pool: &PoolOf<T>) -> Option<BlockNumberOf<T>> {
		if pool.queue_head >= pool.queue_tail {
			return None;
		}
		WithdrawQueue::<T>::get(pid, pool.queue_head)
			.map(|head| Self::payout_deadline(head.requested_at))
	}

	/// The head request and its grace deadline, if the deadline has passed (a cancelled head
	/// forces nothing).
	pub(crate) fn overdue_head(
		pid: PoolId,
		pool: &PoolOf<T>,
	) -> Option<(RequestId, BlockNumberOf<T>)> {
		if pool.queue_head >= pool.queue_tail {
			return None;
		}
		let request = WithdrawQueue::<T>::get(pid, pool.queue_head)?;
		let deadline = request.requested_at.saturating_add(T::GracePeriod::get());
		(deadline <= Self::now() && !request.shares.is_zero())
			.then_some((pool.queue_head, deadline))
	}

	/// Whether the queue's head is a cancelled request still waiting to be swept.
	pub(crate) fn head_is_cancelled(pid: PoolId, pool: &PoolOf<T>) -> bool {
		pool.queue_head < pool.queue_tail
			&& WithdrawQueue::<T>::get(pid, pool.queue_head)
				.is_some_and(|request| request.shares.is_zero())
	}

	/// The permissionless queue pay-out. Returns the number of entries visited.
	pub(crate) fn do_process_withdrawals(pid: PoolId) -> Result<u32, DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(pool.queue_head < pool.queue_tail, Error::<T>::NothingToPay);
		Self::touch_pool(pid, &mut pool);
		let (head, queued) = (pool.queue_head, pool.queued_shares);
		let visited = Self::pay_queue(pid, &mut pool)?;
		ensure!(pool.queue_head != head || pool.queued_shares != queued, Error::<T>::NothingToPay);
		Self::put_pool(pid, pool);
		Ok(visited)
	}

	/// Cancel the unpaid rest of `who`'s request `request`: its shares stay delegated.
	pub(crate) fn do_cancel_withdrawal(
		who: T::AccountId,
		pid: PoolId,
		request: RequestId,
	) -> DispatchResult {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(pool.state != PoolState::Destroying, Error::<T>::PoolDestroying);
		let mut delegation = Delegations::<T>::get(pid, &who).ok_or(Error::<T>::NoDelegation)?;
		ensure!(delegation.withdrawals.contains(&request), Error::<T>::RequestNotFound);
		let mut entry = WithdrawQueue::<T>::get(pid, request).ok_or(Error::<T>::RequestNotFound)?;
		let deadline = entry.requested_at.saturating_add(T::GracePeriod::get());
		ensure!(deadline > Self::now(), Error::<T>::WithdrawalOverdue);
		Self::touch_pool(pid, &mut pool);
		let shares = entry.shares;
		entry.shares = Zero::zero();
		WithdrawQueue::<T>::insert(pid, request, entry);
		pool.queued_shares = pool.queued_shares.saturating_sub(shares);
		delegation.queued_shares = delegation.queued_shares.saturating_sub(shares);
		delegation.withdrawals.retain(|id| *id != request);
		if delegation.withdrawals.is_empty() {
			delegation.queued_shares = Zero::zero();
		}
		Self::store_delegation(pid, &mut pool, &who, delegation)?;
		// A cancelled head leaves the queue at once and the grace period follows the next
		// request (a cancelled one further back is swept when it reaches the head).
		if pool.queue_head == request {
			WithdrawQueue::<T>::remove(pid, request);
			pool.queue_head = request.saturating_add(1);
			Self::arm_grace(pid, &mut pool);
			Self::key_payout_continuation(pid, &mut pool);
		}
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::WithdrawalCancelled { pid, delegator: who, request, shares });
		Ok(())
	}
}
