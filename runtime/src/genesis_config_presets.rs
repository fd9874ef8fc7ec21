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

pub use stake_suite_runtime_common::demo::{demo_pools, demo_worker};

fn genesis(endowed: Vec<AccountId>, root: AccountId) -> Value {
	use Sr25519Keyring::*;
	let demo = stake_suite_runtime_common::demo::demo_stake_pools();
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
			workers: demo.workers,
			pools: demo.pools,
			delegations: demo.delegations,
			mining: demo.mining,
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
