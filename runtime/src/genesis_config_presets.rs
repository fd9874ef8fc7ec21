//! Genesis presets: `development` (the dev chain) and `local_testnet`.
//!
//! Both fund the dev keyring, make Alice sudo, give Ferdie and Eve vesting schedules, and seed
//! demo state so a new chain is alive at once: three pools (Alice's, Bob's and Charlie's) with
//! benchmarked workers mining, and delegators (Dave, Eve, Ferdie and the stash accounts) backing
//! several pools. Rewards flow from the first block and an election round completes within the
//! first era (100 blocks).

use crate::{AccountId, Balance, BlockNumber, RuntimeGenesisConfig, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Permill;

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

fn genesis(endowed: Vec<AccountId>, root: AccountId) -> Value {
	use Sr25519Keyring::*;
	let pools = demo_pools();
	let workers: Vec<(AccountId, u32, u8, AccountId)> = pools
		.iter()
		.flat_map(|(owner, _, workers)| {
			workers.iter().map(|(worker, score)| (worker.clone(), *score, 1u8, owner.clone()))
		})
		.collect();
	let pool_entries: Vec<(AccountId, Permill, Option<Balance>, Vec<AccountId>)> = pools
		.iter()
		.map(|(owner, commission, workers)| {
			(owner.clone(), *commission, None, workers.iter().map(|(w, _)| w.clone()).collect())
		})
		.collect();
	// Minimum stakes: 100 UNIT * sqrt(score): 2000, 3000, 4000 and 2000.
	let mining: Vec<(u64, AccountId, Balance)> = vec![
		(0, demo_worker(1), 2_000 * UNIT),
		(0, demo_worker(2), 3_000 * UNIT),
		(1, demo_worker(3), 4_000 * UNIT),
		(2, demo_worker(4), 2_000 * UNIT),
	];
	let delegations: Vec<(AccountId, u64, Balance)> = vec![
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
	// Vesting: (who, begin, length in blocks, liquid at genesis).
	let vesting: Vec<(AccountId, BlockNumber, BlockNumber, Balance)> = vec![
		(Ferdie.to_account_id(), 0, 2_000, 900_000 * UNIT),
		(Eve.to_account_id(), 100, 10_000, 500_000 * UNIT),
	];
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|who| (who, 1_000_000 * UNIT))
				.collect::<Vec<_>>(),
		},
		sudo: pallet_sudo::GenesisConfig { key: Some(root) },
		vesting: pallet_vesting::GenesisConfig { vesting },
		stake_pool: pallet_stake_pool::GenesisConfig {
			reward_per_block: UNIT,
			workers,
			pools: pool_entries,
			delegations,
			mining,
		},
	})
}

fn endowed() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|key| key.to_account_id()).collect()
}

/// The `development` preset.
pub fn development_config_genesis() -> Value {
	genesis(endowed(), Sr25519Keyring::Alice.to_account_id())
}

/// The `local_testnet` preset.
pub fn local_testnet_genesis() -> Value {
	genesis(endowed(), Sr25519Keyring::Alice.to_account_id())
}

/// The preset called `id`, as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).unwrap_or_default().into_bytes())
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
