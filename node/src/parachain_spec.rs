//! `pool-node parachain-spec`: the parachain runtime's chain specification, made from its wasm
//! alone.
//!
//! The genesis storage is built by the runtime itself (`GenesisBuilder_get_preset` and
//! `GenesisBuilder_build_state`, run by the wasm executor), so no parachain node, relay chain or
//! chain-spec tool is needed. The raw form is what chopsticks (`--genesis`) and collators start
//! from; the plain form is for reading and editing. The `relay_chain` and `para_id` extensions
//! are those every cumulus node reads.

use sc_chain_spec::{ChainSpecExtension, ChainSpecGroup, ChainType, GenericChainSpec};
use sc_service::Properties;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;

/// The chain-spec extensions of a parachain: the relay chain it runs on and its id there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ChainSpecGroup, ChainSpecExtension)]
#[serde(deny_unknown_fields)]
pub struct Extensions {
	/// The relay chain's chain-spec id (`polkadot`, `kusama`, `rococo-local`, ...).
	pub relay_chain: String,
	/// The parachain's id on that relay chain.
	pub para_id: u32,
}

/// Write the parachain runtime's chain specification (raw unless `--plain`) from its wasm.
#[derive(Debug, Clone, clap::Parser)]
pub struct ParachainSpecCmd {
	/// The runtime's wasm. Default: `stake-parachain-runtime`'s, built into this binary.
	#[arg(long, value_name = "FILE")]
	pub runtime: Option<PathBuf>,

	/// The runtime's genesis preset (`development` has the demo pools).
	#[arg(long, default_value = sp_genesis_builder::DEV_RUNTIME_PRESET)]
	pub preset: String,

	/// The parachain id. Default: the preset's (`parachainInfo.parachainId`).
	#[arg(long)]
	pub para_id: Option<u32>,

	/// The relay chain's chain-spec id, written to the `relay_chain` extension.
	#[arg(long, default_value = "rococo-local")]
	pub relay_chain: String,

	/// Write the genesis as the preset's JSON instead of raw storage.
	#[arg(long)]
	pub plain: bool,

	/// The file to write. Default: standard output.
	#[arg(long, short, value_name = "FILE")]
	pub output: Option<PathBuf>,
}

/// The chain's token symbol, decimals and SS58 prefix, for polkadot.js and chopsticks.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), stake_parachain_runtime::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), stake_parachain_runtime::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), stake_parachain_runtime::SS58_PREFIX.into());
	properties
}

/// The preset's JSON patch, read through the runtime's own `GenesisBuilder` API.
fn preset_patch(code: &[u8], preset: &str) -> Result<Value, String> {
	let caller = sc_chain_spec::GenesisConfigBuilderRuntimeCaller::<()>::new(code);
	let names = caller.preset_names().map_err(|e| format!("the runtime lists no presets: {e}"))?;
	if !names.iter().any(|name| name == preset) {
		return Err(format!(
			"the runtime has no genesis preset `{preset}`; it has: {}",
			names.join(", ")
		));
	}
	caller
		.get_named_preset(Some(&preset.to_string()))
		.map_err(|e| format!("the runtime's preset `{preset}` could not be read: {e}"))
}

/// `patch.parachainInfo.parachainId`, where the preset sets it.
fn preset_para_id(patch: &Value) -> Option<u32> {
	patch.get("parachainInfo")?.get("parachainId")?.as_u64().and_then(|id| u32::try_from(id).ok())
}

impl ParachainSpecCmd {
	/// The chain specification as JSON.
	pub fn chain_spec_json(&self) -> Result<String, String> {
		let code = match &self.runtime {
			Some(path) => std::fs::read(path)
				.map_err(|e| format!("cannot read the runtime wasm {}: {e}", path.display()))?,
			None => stake_parachain_runtime::WASM_BINARY
				.ok_or("this pool-node was built without the parachain runtime's wasm (SKIP_WASM_BUILD=1); pass --runtime FILE")?
				.to_vec(),
		};
		let mut patch = preset_patch(&code, &self.preset)?;
		let para_id = match (self.para_id, preset_para_id(&patch)) {
			(Some(id), _) => {
				let info = patch
					.as_object_mut()
					.ok_or("the preset is not a JSON object")?
					.entry("parachainInfo")
					.or_insert_with(|| Value::Object(Default::default()));
				let info =
					info.as_object_mut().ok_or("the preset's parachainInfo is not an object")?;
				info.insert("parachainId".into(), id.into());
				id
			},
			(None, Some(id)) => id,
			(None, None) => {
				return Err(format!(
					"the preset `{}` sets no parachainInfo.parachainId: pass --para-id",
					self.preset
				))
			},
		};
		let spec = GenericChainSpec::<Extensions>::builder(
			&code,
			Extensions { relay_chain: self.relay_chain.clone(), para_id },
		)
		.with_name("Stake Parachain Development")
		.with_id("stake-parachain-dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_patch(patch)
		.with_properties(properties())
		.build();
		spec.as_json(!self.plain)
	}

	/// Build the chain specification and write it out.
	pub fn run(&self) -> sc_cli::Result<()> {
		let json = self.chain_spec_json()?;
		match &self.output {
			Some(path) => std::fs::write(path, json)
				.map_err(|e| format!("cannot write {}: {e}", path.display()))?,
			None => println!("{json}"),
		}
		Ok(())
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
	use super::*;
	use clap::Parser;

	fn cmd(args: &[&str]) -> ParachainSpecCmd {
		ParachainSpecCmd::parse_from(std::iter::once("parachain-spec").chain(args.iter().copied()))
	}

	/// A storage key: `twox128(pallet) ++ twox128(item)`, hex without `0x`.
	fn key(pallet: &str, item: &str) -> String {
		let mut key = sp_io::hashing::twox_128(pallet.as_bytes()).to_vec();
		key.extend(sp_io::hashing::twox_128(item.as_bytes()));
		format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&key))
	}

	#[test]
	fn raw_spec_has_the_code_the_para_id_and_the_demo_pools() {
		let json: Value = serde_json::from_str(&cmd(&[]).chain_spec_json().unwrap()).unwrap();
		assert_eq!(json["para_id"], 2000);
		assert_eq!(json["relay_chain"], "rococo-local");
		assert_eq!(json["properties"]["tokenSymbol"], "PHA");
		let top = json["genesis"]["raw"]["top"].as_object().unwrap();
		let code = top.get("0x3a636f6465").and_then(Value::as_str).unwrap();
		let wasm = stake_parachain_runtime::WASM_BINARY.unwrap();
		assert_eq!(code.len(), 2 + 2 * wasm.len(), "`:code` is the runtime's wasm");
		// ParachainInfo::ParachainId = 2000, SCALE u32 little endian.
		assert_eq!(top[&key("ParachainInfo", "ParachainId")], "0xd0070000");
		// The demo pools: the stake pool's next pool id is 3 (pools 0-2), a SCALE u64.
		assert_eq!(top[&key("StakePool", "NextPoolId")], "0x0300000000000000");
	}

	#[test]
	fn para_id_override_reaches_the_storage_and_the_extension() {
		let json: Value =
			serde_json::from_str(&cmd(&["--para-id", "3344"]).chain_spec_json().unwrap()).unwrap();
		assert_eq!(json["para_id"], 3344);
		// 3344 = 0x0d10, little endian.
		assert_eq!(
			json["genesis"]["raw"]["top"][&key("ParachainInfo", "ParachainId")],
			"0x100d0000"
		);
	}

	#[test]
	fn bad_input_is_named() {
		let err = cmd(&["--preset", "mainnet"]).chain_spec_json().unwrap_err();
		assert!(
			err.contains("no genesis preset `mainnet`") && err.contains("development"),
			"{err}"
		);
		let err = cmd(&["--runtime", "/nonexistent.wasm"]).chain_spec_json().unwrap_err();
		assert!(err.contains("cannot read the runtime wasm /nonexistent.wasm"), "{err}");
	}
}
