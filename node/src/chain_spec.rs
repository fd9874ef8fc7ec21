//! Chain specifications, built from the runtime's genesis presets.

use codec::{Decode, Encode};
use pool_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_executor::WasmExecutor;
use sc_service::{ChainSpec as _, ChainType, Properties};
use sp_core::traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode};
use sp_runtime::Storage;
use sp_state_machine::BasicExternalities;
use std::path::Path;

/// The chain specification type of this node.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and SS58 prefix, so polkadot.js shows balances and addresses right.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime's wasm was not built (was the node built with SKIP_WASM_BUILD=1?)".to_string()
	})
}

/// The `dev` chain: the runtime's `development` preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, Default::default())
		.with_name("Stake Pool Development")
		.with_id("dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The `local` chain: the runtime's `local_testnet` preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, Default::default())
		.with_name("Stake Pool Local Testnet")
		.with_id("local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `spec` (a chain spec of the runtime's `preset`) with its genesis storage built now, by the
/// runtime's genesis builder in a wasm executor that keeps the compiled runtime in wasmtime's
/// cache at `cache_dir` (`--wasm-cache-dir`).
///
/// `sc-chain-spec` builds the same storage the same way (the preset as a patch of the default
/// config, `GenesisBuilder_build_state`, then `:code`), but each of its steps makes a new executor
/// without a cache, so every start of a node compiles the runtime twice for the genesis alone.
/// `tests::the_cached_genesis_is_the_chain_specs_own` proves the two storages equal.
pub fn with_genesis_built(
	mut spec: ChainSpec,
	preset: &str,
	cache_dir: &Path,
) -> Result<ChainSpec, String> {
	let code = wasm()?;
	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder()
		.with_allow_missing_host_functions(true)
		.with_cache_path(cache_dir)
		.build();
	let fetcher = WrappedRuntimeCode(code.into());
	let runtime_code = RuntimeCode {
		code_fetcher: &fetcher,
		heap_pages: None,
		hash: sp_io::hashing::blake2_256(code).to_vec(),
	};
	let call = |ext: &mut BasicExternalities, method: &str, data: &[u8]| {
		executor
			.call(ext, &runtime_code, method, data, CallContext::Offchain)
			.0
			.map_err(|e| format!("the runtime's {method} failed: {e}"))
	};
	let get_preset = |id: Option<String>| -> Result<serde_json::Value, String> {
		let answer =
			call(&mut BasicExternalities::new_empty(), "GenesisBuilder_get_preset", &id.encode())?;
		let json = Option::<Vec<u8>>::decode(&mut &answer[..])
			.map_err(|e| format!("GenesisBuilder_get_preset answered {e}"))?
			.ok_or_else(|| format!("the runtime has no genesis preset {id:?}"))?;
		serde_json::from_slice(&json)
			.map_err(|e| format!("the genesis preset {id:?} is no JSON: {e}"))
	};
	let patch = get_preset(Some(preset.to_string()))?;
	let mut config = get_preset(None)?;
	sc_chain_spec::json_merge(&mut config, patch);
	let config = serde_json::to_string_pretty(&config)
		.map_err(|e| format!("the genesis config as JSON: {e}"))?;
	let mut ext = BasicExternalities::new_empty();
	let answer = call(&mut ext, "GenesisBuilder_build_state", &config.encode())?;
	sp_genesis_builder::Result::decode(&mut &answer[..])
		.map_err(|e| format!("GenesisBuilder_build_state answered {e}"))?
		.map_err(|e| format!("the runtime refused its genesis config: {e}"))?;
	let mut storage: Storage = ext.into_storages();
	storage.top.insert(sp_core::storage::well_known_keys::CODE.to_vec(), code.to_vec());
	spec.set_storage(storage);
	Ok(spec)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::BuildStorage;

	#[test]
	fn the_cached_genesis_is_the_chain_specs_own() {
		let dir = std::env::temp_dir().join(format!("pool-node-wasm-cache-{}", std::process::id()));
		let own = development_chain_spec().and_then(|spec| spec.build_storage()).unwrap();
		for round in ["compiled", "loaded from the cache"] {
			let built = with_genesis_built(
				development_chain_spec().unwrap(),
				sp_genesis_builder::DEV_RUNTIME_PRESET,
				&dir,
			)
			.and_then(|spec| spec.build_storage())
			.unwrap();
			assert!(built.top == own.top, "{round}: the same genesis storage");
			assert!(built.children_default.is_empty() && own.children_default.is_empty());
		}
		let _ = std::fs::remove_dir_all(&dir);
	}
}
