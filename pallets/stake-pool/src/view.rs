//! Read-only views behind the runtime API: pool summaries, delegator positions with their
//! pending rewards and queued withdrawals.

use crate::{election::PoolAccounts, math, pallet::*, types::*};
use alloc::vec::Vec;
use frame_support::traits::Get;
use sp_runtime::{traits::Saturating, SaturatedConversion};

impl<T: Config> Pallet<T> {
	/// A pool's summary, with rewards settled up to now.
	pub fn pool_summary(pid: PoolId) -> Option<PoolSummary<T::AccountId, BalanceOf<T>>> {
		let mut pool = Pools::<T>::get(pid)?;
		Self::settle_pool_view(&mut pool);
		Some(PoolSummary {
			pid,
			owner: pool.owner.clone(),
			account: T::PoolAccounts::account_of(pid),
			commission: pool.commission,
			pending_commission: pool
				.pending_commission
				.map(|p| (p.commission, p.effective_at.saturated_into())),
			share_price_ppb: math::share_price_ppb::<T>(&pool),
			total_value: pool.total_value,
			total_shares: pool.total_shares,
			free: pool.free,
			staked: pool.staked,
			releasing: pool.releasing,
			cap_gap: Self::cap_gap(&pool),
			power: pool.power,
			workers: pool.workers,
			delegators: pool.delegators,
			queued_value: math::value_of_shares::<T>(&pool, pool.queued_shares),
			queued_requests: pool.queue_tail.saturating_sub(pool.queue_head),
			owner_reward: pool.owner_reward,
			state: pool.state,
		})
	}

	/// Rewards `who` could claim from pool `pid` now.
	pub fn pending_rewards(who: &T::AccountId, pid: PoolId) -> BalanceOf<T> {
		match (Pools::<T>::get(pid), Delegations::<T>::get(pid, who)) {
			(Some(pool), Some(delegation)) => Self::pending_rewards_of(&pool, &delegation),
			_ => Default::default(),
		}
	}

	/// The block by which a request queued at `requested_at` is paid, at the latest: its grace
	/// period forces the pool's workers to stop, and their cool-down ends `CooldownPeriod` after
	/// the grace period, however late the stop is carried out (see [`crate::deadlines`]).
	pub fn payout_deadline(requested_at: BlockNumberOf<T>) -> BlockNumberOf<T> {
		requested_at.saturating_add(T::GracePeriod::get()).saturating_add(T::CooldownPeriod::get())
	}

	/// Every position of `who`, with pending rewards and its queued withdrawals.
	pub fn delegator_positions(who: &T::AccountId) -> Vec<DelegatorPosition<BalanceOf<T>>> {
		DelegatorPools::<T>::get(who)
			.into_iter()
			.filter_map(|VotingPosition { pid, .. }| {
				let pool = Pools::<T>::get(pid)?;
				let delegation = Delegations::<T>::get(pid, who)?;
				let queued_withdrawals = delegation
					.withdrawals
					.iter()
					.filter_map(|request| {
						let entry = WithdrawQueue::<T>::get(pid, request)?;
						Some(QueuedWithdrawal {
							request: *request,
							shares: entry.shares,
							value: math::value_of_shares::<T>(&pool, entry.shares),
							paid: entry.paid,
							requested_at: entry.requested_at.saturated_into(),
							expected_payout_by: Self::payout_deadline(entry.requested_at)
								.saturated_into(),
						})
					})
					.collect();
				Some(DelegatorPosition {
					pid,
					shares: delegation.shares,
					value: math::value_of_shares::<T>(&pool, delegation.shares)
						.min(delegation.held),
					held: delegation.held,
					pending_rewards: Self::pending_rewards_of(&pool, &delegation),
					queued_withdrawals,
				})
			})
			.collect()
	}
}
