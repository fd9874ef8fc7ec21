//! Genesis presets: `development` and `local_testnet`, both with parachain id
//! [`PARACHAIN_ID`](crate::PARACHAIN_ID), Alice as the Aura authority and sudo, the dev keyring
//! funded, and the demo pools of every runtime of the suite (`runtime-common`'s `demo`).

use crate::{AccountId, RuntimeGenesisConfig, PARACHAIN_ID, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

fn genesis(endowed: Vec<AccountId>, root: AccountId, authorities: Vec<AuraId>) -> Value {
	let demo = stake_suite_runtime_common::demo::demo_stake_pools();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|who| (who, 1_000_000 * UNIT))
				.collect::<Vec<_>>(),
		},
		parachain_info: staging_parachain_info::GenesisConfig { parachain_id: PARACHAIN_ID.into() },
		aura: pallet_aura::GenesisConfig { authorities },
		sudo: pallet_sudo::GenesisConfig { key: Some(root) },
		stake_pool: pallet_stake_pool::GenesisConfig {
			reward_per_block: UNIT,
			workers: demo.workers,
			pools: demo.pools,
			delegations: demo.delegations,
			mining: demo.mining,
		},
	})
}

fn development() -> Value {
	genesis(
		Sr25519Keyring::iter().map(|key| key.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![Sr25519Keyring::Alice.public().into()],
	)
}

/// The preset called `id`, as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET
		| sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => development(),
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
