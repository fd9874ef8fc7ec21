//! The demo state of every runtime's development preset: three pools with benchmarked workers
//! mining (Alice's at 10% commission, Bob's at 20%, Charlie's at 5%), and delegators (Dave, Eve,
//! Ferdie and the stash accounts) backing several of them, so that a new chain is alive at once:
//! rewards flow from the first block and the first election elects the three pools.

use crate::{Balance, UNIT};
use alloc::{vec, vec::Vec};
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::{AccountId32 as AccountId, Permill};

/// A demo worker's account: a fixed key nobody holds (workers registered at genesis need not
/// sign anything).
pub fn demo_worker(index: u8) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[0] = 0xee;
	bytes[31] = index;
	AccountId::from(bytes)
}

/// The demo pools as the tests and the README describe them:
/// `(owner, commission, workers with their scores)`.
pub fn demo_pools() -> Vec<(AccountId, Permill, Vec<(AccountId, u32)>)> {
	vec![
		(
			Sr25519Keyring::Alice.to_account_id(),
			Permill::from_percent(10),
			vec![(demo_worker(1), 400), (demo_worker(2), 900)],
		),
		(
			Sr25519Keyring::Bob.to_account_id(),
			Permill::from_percent(20),
			vec![(demo_worker(3), 1600)],
		),
		(
			Sr25519Keyring::Charlie.to_account_id(),
			Permill::from_percent(5),
			vec![(demo_worker(4), 400)],
		),
	]
}

/// The stake pools' part of a development genesis, in the shape of
/// `pallet_stake_pool::GenesisConfig`'s fields.
pub struct DemoStakePools {
	/// `(worker, score, confidence level, operator)`.
	pub workers: Vec<(AccountId, u32, u8, AccountId)>,
	/// `(owner, commission, cap, workers)`.
	pub pools: Vec<(AccountId, Permill, Option<Balance>, Vec<AccountId>)>,
	/// `(delegator, pool id, amount)`.
	pub delegations: Vec<(AccountId, u64, Balance)>,
	/// `(pool id, worker, stake)`.
	pub mining: Vec<(u64, AccountId, Balance)>,
}

/// The demo pools, their delegations and their mining workers.
pub fn demo_stake_pools() -> DemoStakePools {
	let pools = demo_pools();
	let workers = pools
		.iter()
		.flat_map(|(owner, _, workers)| {
			workers.iter().map(|(worker, score)| (worker.clone(), *score, 1u8, owner.clone()))
		})
		.collect();
	let pool_entries = pools
		.iter()
		.map(|(owner, commission, workers)| {
			(owner.clone(), *commission, None, workers.iter().map(|(w, _)| w.clone()).collect())
		})
		.collect();
	// Minimum stakes: 100 UNIT * sqrt(score): 2000, 3000, 4000 and 2000.
	let mining = vec![
		(0, demo_worker(1), 2_000 * UNIT),
		(0, demo_worker(2), 3_000 * UNIT),
		(1, demo_worker(3), 4_000 * UNIT),
		(2, demo_worker(4), 2_000 * UNIT),
	];
	let delegations = vec![
		(Dave.to_account_id(), 0, 4_000 * UNIT),
		(Dave.to_account_id(), 1, 1_000 * UNIT),
		(Eve.to_account_id(), 0, 2_000 * UNIT),
		(Eve.to_account_id(), 2, 3_000 * UNIT),
		(Ferdie.to_account_id(), 1, 3_500 * UNIT),
		(AliceStash.to_account_id(), 0, 1_000 * UNIT),
		(AliceStash.to_account_id(), 1, 500 * UNIT),
		(AliceStash.to_account_id(), 2, 500 * UNIT),
		(BobStash.to_account_id(), 2, 1_000 * UNIT),
	];
	DemoStakePools { workers, pools: pool_entries, delegations, mining }
}
