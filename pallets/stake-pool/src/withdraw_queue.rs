//! The withdrawal queue: one storage entry per request, paid head first with partial
//! fulfilment, by at most `MaxQueuePayoutsPerCall` requests per call (resumed by a task).

use crate::{pallet::*, types::*};
use frame_support::pallet_prelude::*;
use sp_runtime::traits::{Bounded, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Queue `shares` of `who`'s position and start its grace period.
	pub(crate) fn enqueue_withdrawal(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		who: &T::AccountId,
		delegation: &mut DelegationOf<T>,
		shares: BalanceOf<T>,
	) -> DispatchResult {
		let request = pool.queue_tail;
		pool.queue_tail = request.checked_add(1).ok_or(Error::<T>::Overflow)?;
		pool.queued_shares = pool.queued_shares.saturating_add(shares);
		let now = Self::now();
		let grace_ends = now.saturating_add(T::GracePeriod::get());
		Self::schedule(TaskKind::Grace, grace_ends, DeadlineTask::GraceExpiry { pid, request })?;
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
		delegation.pending_withdrawal = Some(request);
		let value = crate::math::value_of_shares::<T>(pool, shares);
		Self::deposit_event(Event::WithdrawalQueued {
			pid,
			delegator: who.clone(),
			request,
			shares,
			value,
			grace_ends,
		});
		Ok(())
	}

	/// Pay the queue from free delegation, head first, at most `MaxQueuePayoutsPerCall`
	/// requests. If free delegation is left for a longer queue, a task continues next block.
	/// The caller has touched the pool and writes it. Returns the number of requests paid.
	pub(crate) fn pay_queue(pid: PoolId, pool: &mut PoolOf<T>) -> Result<u32, DispatchError> {
		let mut paid: u32 = 0;
		while paid < T::MaxQueuePayoutsPerCall::get() && pool.queue_head < pool.queue_tail {
			let head = pool.queue_head;
			let Some(mut request) = WithdrawQueue::<T>::get(pid, head) else {
				frame_support::defensive!("withdraw queue has a hole");
				pool.queue_head = head.saturating_add(1);
				continue;
			};
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
				// No free delegation left: the head waits (its slash settlement is kept).
				Self::store_delegation(pid, pool, &who, delegation)?;
				break;
			}
			pool.queued_shares = pool.queued_shares.saturating_sub(payout.shares);
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
			paid = paid.saturating_add(1);
			if payout.complete {
				WithdrawQueue::<T>::remove(pid, head);
				pool.queue_head = head.saturating_add(1);
				delegation.pending_withdrawal = None;
				Self::store_delegation(pid, pool, &who, delegation)?;
			} else {
				WithdrawQueue::<T>::insert(pid, head, request);
				Self::store_delegation(pid, pool, &who, delegation)?;
				break;
			}
		}
		let more = pool.queue_head < pool.queue_tail && !pool.free.is_zero();
		if more && !pool.payout_scheduled {
			pool.payout_scheduled = true;
			Self::schedule(TaskKind::Payout, Self::now(), DeadlineTask::ContinuePayout { pid })?;
		}
		Ok(paid)
	}

	/// The head request, if it has waited longer than the grace period.
	pub(crate) fn overdue_head(pid: PoolId, pool: &PoolOf<T>) -> Option<RequestId> {
		if pool.queue_head >= pool.queue_tail {
			return None;
		}
		let request = WithdrawQueue::<T>::get(pid, pool.queue_head)?;
		let deadline = request.requested_at.saturating_add(T::GracePeriod::get());
		(deadline <= Self::now()).then_some(pool.queue_head)
	}

	/// The permissionless queue pay-out. Returns the number of requests paid.
	pub(crate) fn do_process_withdrawals(pid: PoolId) -> Result<u32, DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(pool.queue_head < pool.queue_tail, Error::<T>::NothingToPay);
		Self::touch_pool(pid, &mut pool);
		let paid = Self::pay_queue(pid, &mut pool)?;
		ensure!(paid > 0, Error::<T>::NothingToPay);
		Pools::<T>::insert(pid, pool);
		Ok(paid)
	}
}
