//! Runtime API of `pallet-stake-pool`.
//!
//! Everything a wallet or an operator's tool needs without re-deriving pallet state: a pool's
//! summary (share price, free / staked / releasing, cap gap, power), a delegator's positions with
//! their pending rewards and queued withdrawals (with the block by which each is guaranteed to be
//! paid), and the pending rewards of one position.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_stake_pool::{DelegatorPosition, PoolId, PoolSummary, QueuedWithdrawal};

sp_api::decl_runtime_apis! {
	/// Queries of the stake pools.
	///
	/// Version 2: a position lists all its queued withdrawals (`queued_withdrawals`), each with
	/// the block by which it is paid.
	#[api_version(2)]
	pub trait StakePoolApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// The summary of pool `pid`, with rewards settled up to the current block.
		fn pool_summary(pid: PoolId) -> Option<PoolSummary<AccountId, Balance>>;

		/// Every position of `delegator`, with pending rewards and its queued withdrawals.
		fn delegator_positions(delegator: AccountId) -> Vec<DelegatorPosition<Balance>>;

		/// The rewards `delegator` could claim from pool `pid` now (zero without a position).
		fn pending_rewards(delegator: AccountId, pid: PoolId) -> Balance;
	}
}
