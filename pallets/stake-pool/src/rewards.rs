//! Rewards: the per-block budget shared among pools by power, the commission split, and lazy
//! settlement of pools and delegators.
//!
//! Nothing here runs per block. The global counter `reward_per_power` is brought up to date
//! whenever a pool is touched (`budget * blocks / total_power` per stretch of constant power);
//! a pool's reward since its last settlement is `power * (counter - counter_at_settlement)`. The
//! pool keeps its commission for the owner and steps its own `reward_per_share` counter with the
//! rest; a delegator's reward is `shares * (reward_per_share - counter_at_settlement)`.

use crate::{
	math::{counter_payout, counter_step, from_u128, to_u128},
	pallet::*,
	types::*,
};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible, tokens::Preservation},
};
use sp_runtime::traits::{Saturating, Zero};

/// Where rewards are paid from.
pub trait RewardSource<AccountId, Balance> {
	/// Pay `amount` to `who`. Must either pay all of it or fail without effect.
	fn pay(who: &AccountId, amount: Balance) -> DispatchResult;
}

/// Mint rewards (total issuance grows by what is paid).
pub struct MintRewards<Currency>(PhantomData<Currency>);

impl<AccountId: Eq, Currency: fungible::Mutate<AccountId>>
	RewardSource<AccountId, Currency::Balance> for MintRewards<Currency>
{
	fn pay(who: &AccountId, amount: Currency::Balance) -> DispatchResult {
		Currency::mint_into(who, amount).map(|_| ())
	}
}

/// Pay rewards from the account `Pot` (which must stay alive).
pub struct PayFromAccount<Currency, Pot>(PhantomData<(Currency, Pot)>);

impl<AccountId: Eq, Currency: fungible::Mutate<AccountId>, Pot: Get<AccountId>>
	RewardSource<AccountId, Currency::Balance> for PayFromAccount<Currency, Pot>
{
	fn pay(who: &AccountId, amount: Currency::Balance) -> DispatchResult {
		Currency::transfer(&Pot::get(), who, amount, Preservation::Preserve).map(|_| ())
	}
}

impl<T: Config> Pallet<T> {
	/// Start the reward clock at the [`Config::BlockNumberProvider`]'s current block if it has
	/// not run yet, releasing nothing for the blocks before. Returns the weight used.
	///
	/// Genesis starts the clock at the provider's block then; a runtime whose provider does not
	/// know the time at genesis calls this when it first does. A parachain's relay-chain block
	/// number is 0 at genesis and becomes the relay parent's in the first block's
	/// `set_validation_data` (cumulus' `OnSystemEvent::on_relay_state_proof`): without this
	/// the first settlement would release the budget of every relay block since the relay
	/// chain's genesis. Once the clock has run (`last_update` is not 0), or something was
	/// released, this only reads.
	pub fn start_reward_clock() -> Weight {
		// The proof of reading `Rewards`, as the benchmarks estimate a storage value: its
		// largest encoding and 495 bytes of trie nodes (595 in total, `weights.rs`).
		let proof =
			RewardState::<BalanceOf<T>, BlockNumberOf<T>>::max_encoded_len().saturating_add(495);
		let read = T::DbWeight::get()
			.reads(1)
			.saturating_add(Weight::from_parts(0, u64::try_from(proof).unwrap_or(u64::MAX)));
		let mut state = Rewards::<T>::get();
		if !state.last_update.is_zero() || !state.released.is_zero() {
			return read;
		}
		let now = Self::now();
		if now.is_zero() {
			return read;
		}
		state.last_update = now;
		Rewards::<T>::put(state);
		read.saturating_add(T::DbWeight::get().writes(1))
	}

	/// Bring the global reward counter up to `now`.
	pub(crate) fn update_reward_state(state: &mut RewardState<BalanceOf<T>, BlockNumberOf<T>>) {
		let now = Self::now();
		if now <= state.last_update {
			return;
		}
		let blocks = now.saturating_sub(state.last_update);
		state.last_update = now;
		let budget = RewardPerBlock::<T>::get();
		if state.total_power == 0 || budget.is_zero() {
			// Nobody mines: nothing is released for these blocks.
			return;
		}
		let blocks: u128 = sp_runtime::SaturatedConversion::saturated_into(blocks);
		let amount = to_u128::<T>(budget).saturating_mul(blocks);
		let Some(step) = counter_step(amount, state.total_power) else {
			frame_support::defensive!("reward counter overflow: budget not released");
			return;
		};
		let Ok(amount) = from_u128::<T>(amount) else {
			frame_support::defensive!("released budget overflow");
			return;
		};
		state.reward_per_power = state.reward_per_power.saturating_add(step);
		state.released = state.released.saturating_add(amount);
	}

	/// Settle everything the pool earned since its last settlement, and apply a pending
	/// commission increase whose delay has passed (rewards up to now use the old rate, in the
	/// delegators' favour).
	///
	/// Every function that changes a pool's power, shares or commission calls this first.
	pub(crate) fn touch_pool(pid: PoolId, pool: &mut PoolOf<T>) {
		let reward = Rewards::<T>::mutate(|state| {
			Self::update_reward_state(state);
			let reward = Self::accrue_pool(pool, state);
			state.accrued = state.accrued.saturating_add(reward);
			reward
		});
		if !reward.is_zero() {
			let commission = Self::split_reward(pool, reward);
			Self::deposit_event(Event::PoolRewarded { pid, reward, commission });
		}
		Self::apply_due_commission(pid, pool);
	}

	/// What the pool earned since its last settlement against an up-to-date global `state`
	/// (never more than the released budget not yet credited), marking it settled.
	fn accrue_pool(
		pool: &mut PoolOf<T>,
		state: &RewardState<BalanceOf<T>, BlockNumberOf<T>>,
	) -> BalanceOf<T> {
		let delta = state.reward_per_power.saturating_sub(pool.power_counter_settled);
		pool.power_counter_settled = state.reward_per_power;
		// A pool without shares has nobody to pay: it earns nothing (rather than the owner
		// taking it all). Mining needs stake, and stake comes from shares, so this is defensive.
		if pool.power == 0 || delta.is_zero() || pool.total_shares.is_zero() {
			return Zero::zero();
		}
		let earned = counter_payout(pool.power, delta);
		let available = to_u128::<T>(state.released.saturating_sub(state.accrued));
		from_u128::<T>(earned.min(available)).unwrap_or_else(|_| Zero::zero())
	}

	/// Split `reward` between the owner (commission, rounded down) and the delegators' counter.
	/// Returns the owner's part.
	pub(crate) fn split_reward(pool: &mut PoolOf<T>, reward: BalanceOf<T>) -> BalanceOf<T> {
		// A rate above a (since lowered) `MaxCommission` never applies.
		let commission = pool.commission.min(T::MaxCommission::get()).mul_floor(reward);
		let to_delegators = reward.saturating_sub(commission);
		let step = counter_step(to_u128::<T>(to_delegators), to_u128::<T>(pool.total_shares));
		match step {
			Some(step) if !to_delegators.is_zero() => {
				pool.reward_per_share = pool.reward_per_share.saturating_add(step);
				pool.delegator_rewards_credited =
					pool.delegator_rewards_credited.saturating_add(to_delegators);
				pool.owner_reward = pool.owner_reward.saturating_add(commission);
				commission
			},
			// No shares (cannot happen while workers mine, as stake comes from shares): the
			// owner keeps the whole reward rather than it being lost.
			_ => {
				pool.owner_reward = pool.owner_reward.saturating_add(reward);
				reward
			},
		}
	}

	/// Move what a delegation earned since its last settlement into `unclaimed`. Call before
	/// its shares change.
	pub(crate) fn settle_delegator_rewards(pool: &PoolOf<T>, delegation: &mut DelegationOf<T>) {
		let delta = pool.reward_per_share.saturating_sub(delegation.reward_per_share_settled);
		delegation.reward_per_share_settled = pool.reward_per_share;
		if delta.is_zero() || delegation.shares.is_zero() {
			return;
		}
		let earned = counter_payout(to_u128::<T>(delegation.shares), delta);
		let outstanding =
			pool.delegator_rewards_credited.saturating_sub(pool.delegator_rewards_paid);
		let earned = from_u128::<T>(earned).unwrap_or(outstanding).min(outstanding);
		delegation.unclaimed = delegation.unclaimed.saturating_add(earned);
	}

	/// Rewards a delegation could claim now (computed on copies, writing nothing).
	pub(crate) fn pending_rewards_of(
		pool: &PoolOf<T>,
		delegation: &DelegationOf<T>,
	) -> BalanceOf<T> {
		let mut pool = pool.clone();
		let mut delegation = delegation.clone();
		Self::settle_pool_view(&mut pool);
		Self::settle_delegator_rewards(&pool, &mut delegation);
		Self::claimable(&pool, &delegation)
	}

	/// What a settled delegation can be paid: its unclaimed rewards, capped by what the pool
	/// still owes its delegators.
	pub(crate) fn claimable(pool: &PoolOf<T>, delegation: &DelegationOf<T>) -> BalanceOf<T> {
		delegation
			.unclaimed
			.min(pool.delegator_rewards_credited.saturating_sub(pool.delegator_rewards_paid))
	}

	/// The pool as `touch_pool` would leave it, computed without writing storage.
	pub(crate) fn settle_pool_view(pool: &mut PoolOf<T>) {
		let mut state = Rewards::<T>::get();
		Self::update_reward_state(&mut state);
		let reward = Self::accrue_pool(pool, &state);
		if !reward.is_zero() {
			Self::split_reward(pool, reward);
		}
	}

	/// Change a pool's power (after `touch_pool`), keeping the global total in step.
	pub(crate) fn set_pool_power(pool: &mut PoolOf<T>, power: u128) {
		Rewards::<T>::mutate(|state| {
			state.total_power = state.total_power.saturating_sub(pool.power).saturating_add(power);
		});
		pool.power = power;
	}

	/// Pay `amount` of rewards to `who` from the configured source, recording it.
	pub(crate) fn pay_reward(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::RewardSource::pay(who, amount).map_err(|_| Error::<T>::RewardPayoutFailed)?;
		Rewards::<T>::mutate(|state| state.paid = state.paid.saturating_add(amount));
		Ok(())
	}

	/// Set the budget, releasing what accrued under the old one first.
	pub(crate) fn do_set_reward_per_block(amount: BalanceOf<T>) {
		Rewards::<T>::mutate(|state| Self::update_reward_state(state));
		RewardPerBlock::<T>::put(amount);
		Self::deposit_event(Event::RewardPerBlockSet { amount });
	}

	/// Claim a delegator's rewards, optionally delegating them again.
	pub(crate) fn do_claim_rewards(
		who: T::AccountId,
		pid: PoolId,
		restake: bool,
	) -> DispatchResult {
		let amount = Self::do_claim_rewards_to(who.clone(), pid, who.clone(), restake)?;
		if restake {
			Self::do_delegate(who, pid, amount, true)?;
		}
		Ok(())
	}

	/// Pay `who`'s rewards in pool `pid` to `beneficiary`. Returns the amount.
	pub(crate) fn do_claim_rewards_to(
		who: T::AccountId,
		pid: PoolId,
		beneficiary: T::AccountId,
		restaked: bool,
	) -> Result<BalanceOf<T>, DispatchError> {
		let mut pool = Pools::<T>::get(pid).ok_or(Error::<T>::PoolNotFound)?;
		let mut delegation = Delegations::<T>::get(pid, &who).ok_or(Error::<T>::NoDelegation)?;
		Self::touch_pool(pid, &mut pool);
		Self::settle_slash_of(pid, &mut pool, &who, &mut delegation)?;
		Self::settle_delegator_rewards(&pool, &mut delegation);
		let amount = Self::claimable(&pool, &delegation);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		Self::pay_reward(&beneficiary, amount)?;
		delegation.unclaimed = delegation.unclaimed.saturating_sub(amount);
		pool.delegator_rewards_paid = pool.delegator_rewards_paid.saturating_add(amount);
		Self::store_delegation(pid, &mut pool, &who, delegation)?;
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::RewardsClaimed {
			pid,
			delegator: who,
			beneficiary,
			amount,
			restaked,
		});
		Ok(amount)
	}

	/// Claim the owner's commission, paid to the pool's commission payee (the owner unless
	/// set).
	pub(crate) fn do_claim_commission(who: T::AccountId, pid: PoolId) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		Self::touch_pool(pid, &mut pool);
		let amount = pool.owner_reward;
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		let payee = pool.commission_payee.clone().unwrap_or(who);
		Self::pay_reward(&payee, amount)?;
		pool.owner_reward = Zero::zero();
		let owner = pool.owner.clone();
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::CommissionClaimed { pid, owner, payee, amount });
		Ok(())
	}

	/// Set (or clear) where the pool's commission is paid.
	pub(crate) fn do_set_commission_payee(
		who: T::AccountId,
		pid: PoolId,
		payee: Option<T::AccountId>,
	) -> DispatchResult {
		let mut pool = Self::owned_pool(&who, pid)?;
		pool.commission_payee = payee.clone();
		Self::put_pool(pid, pool);
		Self::deposit_event(Event::CommissionPayeeSet { pid, payee });
		Ok(())
	}
}
