//! Delegation: holding funds for shares, withdrawing (at once from free delegation, the rest
//! queued), settling slashes on holds, and the bookkeeping of delegation records.

use crate::{
	math::{shares_for_delegation, shares_for_value_up, value_of_shares, value_of_shares_up},
	pallet::*,
	types::*,
};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, MutateHold},
		tokens::Precision,
		OnUnbalanced,
	},
};
use sp_runtime::traits::{Bounded, CheckedAdd, Saturating, Zero};

/// What a withdrawal queued, which decides the least it is charged.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Queued {
	/// Nothing: free delegation paid it in full.
	Nothing,
	/// A request, in a pool that already queued one in this block.
	Request,
	/// The pool's first request in this block: its grace period may force the pool to stop and
	/// make the pool's release fall due in the block of its promise.
	FirstOfPool,
}

/// The outcome of paying (part of) a withdrawal.
pub(crate) struct Payout<Balance> {
	/// Released from the delegator's hold.
	pub amount: Balance,
	/// Shares burned.
	pub shares: Balance,
	/// Whether the shares asked for are all settled.
	pub complete: bool,
}

impl<T: Config> Pallet<T> {
	/// Free delegation that may be staked: free delegation less the value owed to queued
	/// withdrawals (free delegation pays the queue first).
	pub(crate) fn stakeable_free(pool: &PoolOf<T>) -> BalanceOf<T> {
		pool.free.saturating_sub(value_of_shares::<T>(pool, pool.queued_shares))
	}

	/// Delegate `amount` from `who`. `restake` waives the minimum (rewards being re-delegated).
	/// Returns the number of queued withdrawals the new free delegation paid.
	pub(crate) fn do_delegate(
		who: T::AccountId,
		pid: PoolId,
		amount: BalanceOf<T>,
		restake: bool,
	) -> Result<u32, DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		match pool.state {
			PoolState::Open => {},
			PoolState::Blocked => ensure!(
				who == pool.owner || Delegations::<T>::contains_key(pid, &who),
				Error::<T>::PoolBlocked
			),
			PoolState::Destroying => return Err(Error::<T>::PoolDestroying.into()),
		}
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(restake || amount >= T::MinDelegation::get(), Error::<T>::DelegationTooSmall);
		ensure!(Self::may_delegate(pid, &pool, &who), Error::<T>::NotInWhitelist);
		if let Some(gap) = Self::cap_gap(&pool) {
			ensure!(amount <= gap, Error::<T>::CapExceeded);
		}
		ensure!(!Self::value_depleted(&pool), Error::<T>::PoolValueDepleted);
		Self::touch_pool(pid, &mut pool);
		let mut delegation = match Delegations::<T>::get(pid, &who) {
			Some(mut existing) => {
				Self::settle_slash_of(pid, &mut pool, &who, &mut existing)?;
				existing
			},
			None => {
				DelegatorPools::<T>::try_mutate(&who, |pools| {
					pools.try_push(VotingPosition { pid, shares: Zero::zero(), held: Zero::zero() })
				})
				.map_err(|_| Error::<T>::TooManyPools)?;
				pool.delegators = pool.delegators.saturating_add(1);
				Delegation {
					shares: Zero::zero(),
					queued_shares: Zero::zero(),
					held: Zero::zero(),
					reward_per_share_settled: pool.reward_per_share,
					unclaimed: Zero::zero(),
					withdrawals: Default::default(),
					vote_value: Zero::zero(),
				}
			},
		};
		let shares = shares_for_delegation::<T>(&pool, amount)
			.map_err(|_| Error::<T>::Overflow)?
			.ok_or(Error::<T>::PoolValueDepleted)?;
		ensure!(!shares.is_zero(), Error::<T>::DelegationTooSmall);
		T::Currency::hold(&HoldReason::Delegation.into(), &who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Self::settle_delegator_rewards(&pool, &mut delegation);
		delegation.shares = delegation.shares.checked_add(&shares).ok_or(Error::<T>::Overflow)?;
		delegation.held = delegation.held.saturating_add(amount);
		pool.total_shares = pool.total_shares.checked_add(&shares).ok_or(Error::<T>::Overflow)?;
		pool.total_value = pool.total_value.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		pool.total_held = pool.total_held.saturating_add(amount);
		pool.free = pool.free.saturating_add(amount);
		Self::store_delegation(pid, &mut pool, &who, delegation)?;
		Self::deposit_event(Event::Delegated {
			pid,
			delegator: who,
			amount,
			shares,
			total_value: pool.total_value,
			free: pool.free,
		});
		let paid = Self::pay_queue(pid, &mut pool)?;
		Self::put_pool(pid, pool);
		Ok(paid)
	}

	/// Whether slashes left the pool with more than `MaxSharesPerValue` shares per unit of value:
	/// it then takes no new delegation (each newcomer would get an unbounded number of shares),
	/// and anyone may set it to `Destroying`.
	pub(crate) fn value_depleted(pool: &PoolOf<T>) -> bool {
		pool.total_shares > pool.total_value.saturating_mul(T::MaxSharesPerValue::get().into())
	}

	/// Withdraw `value` (or all the shares not already queued) from the pool: what free
	/// delegation covers now, the rest queued as a new request. In a destroying pool every
	/// withdrawal is of all the shares not already queued, whatever `value` says. Returns the
	/// number of earlier queued requests paid first and what was queued.
	pub(crate) fn do_withdraw(
		who: T::AccountId,
		pid: PoolId,
		value: BalanceOf<T>,
	) -> Result<(u32, Queued), DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(!value.is_zero(), Error::<T>::ZeroAmount);
		ensure!(Delegations::<T>::contains_key(pid, &who), Error::<T>::NoDelegation);
		Self::touch_pool(pid, &mut pool);
		// Earlier requests come first (this may pay some of the caller's own).
		let paid_before = Self::pay_queue(pid, &mut pool)?;
		let mut delegation = Delegations::<T>::get(pid, &who).ok_or(Error::<T>::NoDelegation)?;
		let available = delegation.shares.saturating_sub(delegation.queued_shares);
		ensure!(!available.is_zero(), Error::<T>::NothingToWithdraw);
		Self::settle_slash_of(pid, &mut pool, &who, &mut delegation)?;
		Self::settle_delegator_rewards(&pool, &mut delegation);

		let position = value_of_shares::<T>(&pool, available);
		let value = if pool.state == PoolState::Destroying { value.max(position) } else { value };
		let shares = if value >= position {
			available
		} else {
			shares_for_value_up::<T>(&pool, value).min(available)
		};
		let queue_empty = pool.queue_head == pool.queue_tail;
		let payout = if queue_empty {
			Self::pay_shares(&who, &mut pool, &mut delegation, shares, value)?
		} else {
			Payout { amount: Zero::zero(), shares: Zero::zero(), complete: false }
		};
		if !payout.amount.is_zero() || !payout.shares.is_zero() {
			Self::deposit_event(Event::Withdrawn {
				pid,
				delegator: who.clone(),
				amount: payout.amount,
				shares: payout.shares,
				free: pool.free,
			});
		}
		let queued = if payout.complete {
			Queued::Nothing
		} else {
			let remaining = shares.saturating_sub(payout.shares);
			Self::enqueue_withdrawal(pid, &mut pool, &who, &mut delegation, remaining)?
		};
		Self::store_delegation(pid, &mut pool, &who, delegation)?;
		Self::put_pool(pid, pool);
		Ok((paid_before, queued))
	}

	/// Pay out up to `limit` of the value of `shares` from free delegation, burning shares
	/// rounded up and never releasing more than the delegator holds. The caller has settled the
	/// delegation's slash and rewards.
	pub(crate) fn pay_shares(
		who: &T::AccountId,
		pool: &mut PoolOf<T>,
		delegation: &mut DelegationOf<T>,
		shares: BalanceOf<T>,
		limit: BalanceOf<T>,
	) -> Result<Payout<BalanceOf<T>>, DispatchError> {
		let target = value_of_shares::<T>(pool, shares).min(limit);
		let amount = pool.free.min(target).min(delegation.held);
		// Complete when the value is paid, or when the hold is exhausted (any value left would
		// be rounding that no funds back).
		let complete = amount == target || amount == delegation.held;
		let burned =
			if complete { shares } else { shares_for_value_up::<T>(pool, amount).min(shares) };
		if !amount.is_zero() {
			T::Currency::release(&HoldReason::Delegation.into(), who, amount, Precision::Exact)?;
		}
		delegation.held = delegation.held.saturating_sub(amount);
		delegation.shares = delegation.shares.saturating_sub(burned);
		pool.total_held = pool.total_held.saturating_sub(amount);
		pool.total_value = pool.total_value.saturating_sub(amount);
		pool.free = pool.free.saturating_sub(amount);
		pool.total_shares = pool.total_shares.saturating_sub(burned);
		Ok(Payout { amount, shares: burned, complete })
	}

	/// Burn from `who`'s hold what slashes took from the value of their shares. The value kept
	/// is rounded up and the burn is capped by the pool's unsettled slash, so the burn never
	/// exceeds what was slashed. The caller has touched the pool and writes both records.
	pub(crate) fn settle_slash_of(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		who: &T::AccountId,
		delegation: &mut DelegationOf<T>,
	) -> DispatchResult {
		let value = value_of_shares_up::<T>(pool, delegation.shares);
		let unsettled = pool.total_held.saturating_sub(pool.total_value);
		let burn = delegation.held.saturating_sub(value).min(unsettled);
		if burn.is_zero() {
			return Ok(());
		}
		let (credit, missing) = T::Currency::slash(&HoldReason::Delegation.into(), who, burn);
		let burned = burn.saturating_sub(missing);
		T::OnSlash::on_unbalanced(credit);
		delegation.held = delegation.held.saturating_sub(burned);
		pool.total_held = pool.total_held.saturating_sub(burned);
		Slashes::<T>::mutate(|totals| totals.settled = totals.settled.saturating_add(burned));
		Self::deposit_event(Event::SlashSettled { pid, delegator: who.clone(), amount: burned });
		Ok(())
	}

	/// Withdraw all of `delegator`'s shares not already queued from a destroying pool, on
	/// anyone's behalf (nomination-pools' permissionless unbonding).
	pub(crate) fn do_withdraw_other(
		pid: PoolId,
		delegator: T::AccountId,
	) -> Result<(u32, Queued), DispatchError> {
		let pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		ensure!(pool.state == PoolState::Destroying, Error::<T>::PoolNotDestroying);
		Self::do_withdraw(delegator, pid, BalanceOf::<T>::max_value())
	}

	/// The permissionless slash settlement.
	pub(crate) fn do_settle_slash_call(pid: PoolId, who: T::AccountId) -> DispatchResult {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		let mut delegation = Delegations::<T>::get(pid, &who).ok_or(Error::<T>::NoDelegation)?;
		let before = delegation.held;
		Self::touch_pool(pid, &mut pool);
		Self::settle_slash_of(pid, &mut pool, &who, &mut delegation)?;
		// A left position's residue is released here too, once the pool can let it go (the
		// call is transactional: a refusal below undoes the write).
		Self::store_delegation(pid, &mut pool, &who, delegation)?;
		let after = Delegations::<T>::get(pid, &who).map(|d| d.held).unwrap_or_default();
		ensure!(after != before, Error::<T>::NoSlashToSettle);
		Self::put_pool(pid, pool);
		Ok(())
	}

	/// Write a delegation record back, tidying up a position that has left the pool.
	///
	/// With no shares and no queued request, what is left of its hold (the **residue**: what
	/// rounding left above the value paid out) is released as far as the pool's holds still
	/// back its value afterwards: its unsettled-slash margin `total_held - total_value`, plus
	/// its free delegation, from which the value the residue backed is written off. Any rest (a
	/// few planck at most, when rounding moved that much value to the remaining shares and
	/// nothing is free) stays held in the record, so every unit of the pool's value stays
	/// backed by a hold; it is released when the record is next touched with free delegation in
	/// the pool (the delegator's next call, or anyone's `settle_slash`). With nothing held or
	/// unclaimed the record goes.
	pub(crate) fn store_delegation(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		who: &T::AccountId,
		mut delegation: DelegationOf<T>,
	) -> DispatchResult {
		Self::rescore_position(who, pool, &mut delegation);
		let exited = delegation.shares.is_zero() && delegation.withdrawals.is_empty();
		if exited && !delegation.held.is_zero() {
			let margin = pool.total_held.saturating_sub(pool.total_value).saturating_add(pool.free);
			let residue = delegation.held.min(margin);
			if !residue.is_zero() {
				T::Currency::release(
					&HoldReason::Delegation.into(),
					who,
					residue,
					Precision::Exact,
				)?;
				pool.total_held = pool.total_held.saturating_sub(residue);
				delegation.held = delegation.held.saturating_sub(residue);
				Self::restore_backing(pool);
			}
		}
		if exited && !delegation.unclaimed.is_zero() {
			Self::pay_out_on_exit(pid, pool, who, &mut delegation);
		}
		if exited && delegation.unclaimed.is_zero() && delegation.held.is_zero() {
			Delegations::<T>::remove(pid, who);
			pool.delegators = pool.delegators.saturating_sub(1);
			DelegatorPools::<T>::mutate(who, |pools| pools.retain(|p| p.pid != pid));
		} else {
			let shares = delegation.shares.saturating_sub(delegation.queued_shares);
			let held = delegation.held;
			DelegatorPools::<T>::mutate(who, |pools| {
				if let Some(position) = pools.iter_mut().find(|p| p.pid == pid) {
					position.shares = shares;
					position.held = held;
				}
			});
			Delegations::<T>::insert(pid, who, delegation);
		}
		Ok(())
	}

	/// Pay a leaving position's unclaimed rewards (as nomination-pools claims them on unbond),
	/// so no record is left behind for rewards alone and nothing keeps the pool from closing.
	/// If the reward source cannot pay (an empty pot), the rewards stay claimable with
	/// `claim_rewards`. The caller settled the position's rewards.
	fn pay_out_on_exit(
		pid: PoolId,
		pool: &mut PoolOf<T>,
		who: &T::AccountId,
		delegation: &mut DelegationOf<T>,
	) {
		let amount = Self::claimable(pool, delegation);
		if amount.is_zero() || Self::pay_reward(who, amount).is_err() {
			return;
		}
		delegation.unclaimed = delegation.unclaimed.saturating_sub(amount);
		pool.delegator_rewards_paid = pool.delegator_rewards_paid.saturating_add(amount);
		Self::deposit_event(Event::RewardsClaimed {
			pid,
			delegator: who.clone(),
			beneficiary: who.clone(),
			amount,
			restaked: false,
		});
	}

	/// Keep `total_value <= total_held`: value that no hold backs any more (rounding that an
	/// exit released) is written off free delegation.
	fn restore_backing(pool: &mut PoolOf<T>) {
		let unbacked = pool.total_value.saturating_sub(pool.total_held);
		let written_off = unbacked.min(pool.free);
		pool.free = pool.free.saturating_sub(written_off);
		pool.total_value = pool.total_value.saturating_sub(written_off);
	}
}
