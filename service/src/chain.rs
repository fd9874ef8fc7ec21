//! `snapshot export`: the chain's staking state at one block, as a [`RawSnapshot`].
//!
//! Read over a node's JSON-RPC (WebSocket), all at one block hash so the snapshot is consistent:
//! the chain's properties, every pool through the `StakePoolApi_pool_summary` runtime API,
//! every account of `System::Account` (paged), their vesting schedules (`Vesting::Vesting`) and
//! their positions through `StakePoolApi_delegator_positions` — the same values polkadot.js
//! shows. Storage values and runtime-API results are decoded with the pallets' own types.

use crate::{
	amount::{self, Amount},
	ledger::{
		content_hash, hex, RawAccount, RawSnapshot, RawStake, RawTiming, SnapshotHeader,
		SNAPSHOT_FORMAT,
	},
	unlock::Timing,
};
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_stake_pool::{DelegatorPosition, PoolId, PoolSummary};
use sp_core::crypto::{AccountId32, Ss58AddressFormat, Ss58Codec};
use sp_crypto_hashing::{blake2_128, twox_128};
use std::collections::BTreeMap;

type Balance = u128;
type BlockNumber = u32;
type AccountInfo = frame_system::AccountInfo<u32, pallet_balances::AccountData<Balance>>;
type VestingInfo = pallet_vesting::VestingInfo<Balance, BlockNumber>;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
	/// The node's WebSocket URI.
	pub uri: String,
	/// The block number to read at (the best block when `None`).
	pub at: Option<u32>,
	/// Only this pool's delegators and stakes.
	pub pool: Option<PoolId>,
}

fn storage_prefix(pallet: &str, item: &str) -> Vec<u8> {
	let mut key = twox_128(pallet.as_bytes()).to_vec();
	key.extend_from_slice(&twox_128(item.as_bytes()));
	key
}

fn blake2_128_concat_key(pallet: &str, item: &str, who: &AccountId32) -> Vec<u8> {
	let mut key = storage_prefix(pallet, item);
	let encoded = who.encode();
	key.extend_from_slice(&blake2_128(&encoded));
	key.extend_from_slice(&encoded);
	key
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
	let text = text.strip_prefix("0x").unwrap_or(text);
	if !text.len().is_multiple_of(2) {
		return Err(format!("odd-length hex from the node: {text}"));
	}
	(0..text.len())
		.step_by(2)
		.map(|i| {
			text.get(i..i.saturating_add(2))
				.and_then(|b| u8::from_str_radix(b, 16).ok())
				.ok_or_else(|| format!("bad hex from the node: {text}"))
		})
		.collect()
}

fn decode<T: Decode>(what: &str, bytes: &[u8]) -> Result<T, String> {
	T::decode(&mut &*bytes).map_err(|e| {
		format!(
			"cannot decode {what}: {e} (is this a stake-pool chain of this version? see `info`)"
		)
	})
}

struct Rpc {
	client: WsClient,
	at: String,
}

impl Rpc {
	async fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
		let value: Option<String> = self
			.client
			.request("state_getStorage", rpc_params![hex(key), &self.at])
			.await
			.map_err(|e| format!("state_getStorage: {e}"))?;
		value.map(|v| unhex(&v)).transpose()
	}

	async fn call<T: Decode>(&self, method: &str, args: &[u8]) -> Result<T, String> {
		let result: String = self
			.client
			.request("state_call", rpc_params![method, hex(args), &self.at])
			.await
			.map_err(|e| format!("{method}: {e}"))?;
		decode(method, &unhex(&result)?)
	}

	async fn keys(&self, prefix: &[u8], start: Option<&str>) -> Result<Vec<String>, String> {
		self.client
			.request("state_getKeysPaged", rpc_params![hex(prefix), 1000u32, start, &self.at])
			.await
			.map_err(|e| format!("state_getKeysPaged: {e}"))
	}
}

/// Read the snapshot; `progress(done, total)` is called as accounts are read.
pub async fn export(
	options: &ExportOptions,
	mut progress: impl FnMut(u64, u64),
) -> Result<RawSnapshot, String> {
	let client = WsClientBuilder::default()
		.request_timeout(std::time::Duration::from_secs(60))
		.build(&options.uri)
		.await
		.map_err(|e| format!("cannot connect to {}: {e}", options.uri))?;
	let hash: Option<String> = match options.at {
		Some(n) => client.request("chain_getBlockHash", rpc_params![n]).await,
		None => client.request("chain_getBlockHash", rpc_params![]).await,
	}
	.map_err(|e| format!("chain_getBlockHash: {e}"))?;
	let hash = hash.ok_or_else(|| {
		format!("block {} not found on {}", options.at.unwrap_or_default(), options.uri)
	})?;
	let header: serde_json::Value = client
		.request("chain_getHeader", rpc_params![&hash])
		.await
		.map_err(|e| format!("chain_getHeader: {e}"))?;
	let number = header
		.get("number")
		.and_then(|n| n.as_str())
		.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
		.ok_or("chain_getHeader: no block number")?;
	let state_root = header
		.get("stateRoot")
		.and_then(|r| r.as_str())
		.ok_or("chain_getHeader: no state root")?
		.to_string();
	let properties: serde_json::Value = client
		.request("system_properties", rpc_params![])
		.await
		.map_err(|e| format!("system_properties: {e}"))?;
	let chain: String = client
		.request("system_chain", rpc_params![])
		.await
		.map_err(|e| format!("system_chain: {e}"))?;
	// A property is a value, or a list whose first entry is the native token's.
	let property = |name: &str| {
		let v = properties.get(name).cloned().unwrap_or_default();
		match v {
			serde_json::Value::Array(list) => list.first().cloned().unwrap_or_default(),
			other => other,
		}
	};
	let decimals = property("tokenDecimals").as_u64().unwrap_or(12) as u32;
	let token_symbol = property("tokenSymbol").as_str().unwrap_or("UNIT").to_string();
	let ss58_prefix = property("ss58Format").as_u64().unwrap_or(42) as u16;
	let format = Ss58AddressFormat::custom(ss58_prefix);
	let ss58 = |who: &AccountId32| who.to_ss58check_with_version(format);

	let rpc = Rpc { client, at: hash.clone() };

	// Pools: ids below NextPoolId that still exist.
	let next: PoolId = match rpc.storage(&storage_prefix("StakePool", "NextPoolId")).await? {
		Some(bytes) => decode("StakePool::NextPoolId", &bytes)?,
		None => 0,
	};
	let mut pools: BTreeMap<PoolId, PoolSummary<AccountId32, Balance>> = BTreeMap::new();
	for pid in 0..next {
		if let Some(summary) = rpc
			.call::<Option<PoolSummary<AccountId32, Balance>>>(
				"StakePoolApi_pool_summary",
				&pid.encode(),
			)
			.await?
		{
			pools.insert(pid, summary);
		}
	}
	if let Some(pid) = options.pool {
		if !pools.contains_key(&pid) {
			return Err(format!("pool {pid} does not exist at block {number}"));
		}
	}

	// Accounts: every key of System::Account.
	let prefix = storage_prefix("System", "Account");
	let mut keys: Vec<String> = Vec::new();
	loop {
		let page = rpc.keys(&prefix, keys.last().map(String::as_str)).await?;
		let done = page.len() < 1000;
		keys.extend(page);
		if done {
			break;
		}
	}
	let total = keys.len() as u64;
	let mut accounts = Vec::with_capacity(keys.len());
	for (i, key) in keys.iter().enumerate() {
		let bytes = unhex(key)?;
		let raw_id = bytes.len().checked_sub(32).and_then(|start| bytes.get(start..));
		let who = AccountId32::new(
			raw_id
				.and_then(|b| b.try_into().ok())
				.ok_or_else(|| format!("bad account key {key}"))?,
		);
		let info: AccountInfo = match rpc.storage(&bytes).await? {
			Some(value) => decode("System::Account", &value)?,
			None => continue,
		};
		let schedules: Vec<VestingInfo> =
			match rpc.storage(&blake2_128_concat_key("Vesting", "Vesting", &who)).await? {
				Some(value) => decode("Vesting::Vesting", &value)?,
				None => Vec::new(),
			};
		let positions: Vec<DelegatorPosition<Balance>> =
			rpc.call("StakePoolApi_delegator_positions", &who.encode()).await?;
		progress((i as u64).saturating_add(1), total);

		let stakes: Vec<(Amount, RawStake)> = positions
			.iter()
			.filter(|p| options.pool.is_none_or(|pid| p.pid == pid))
			.filter_map(|p| {
				let pool = pools.get(&p.pid)?;
				Some((
					p.value,
					RawStake {
						pid: p.pid,
						pool: ss58(&pool.account),
						owner: ss58(&pool.owner),
						amount: amount::format(p.value, decimals),
					},
				))
			})
			.collect();
		if options.pool.is_some() && stakes.is_empty() {
			continue;
		}
		let delegate = stakes.iter().max_by_key(|(value, _)| *value).map(|(_, s)| s.pool.clone());
		let timings: Vec<RawTiming> = schedules
			.iter()
			.map(|v| {
				let t = Timing::from_vesting_schedule(
					v.locked(),
					v.per_block(),
					u64::from(v.starting_block()),
				);
				RawTiming::from_timing(&t, decimals)
			})
			.collect();
		accounts.push(RawAccount {
			pk: ss58(&who),
			balance: amount::format(info.data.free.saturating_add(info.data.reserved), decimals),
			delegate,
			stakes: stakes.into_iter().map(|(_, s)| s).collect(),
			timing: if timings.len() == 1 { timings.first().cloned() } else { None },
			schedules: timings,
		});
	}
	accounts.sort_by(|a, b| a.pk.cmp(&b.pk));
	Ok(RawSnapshot {
		format: SNAPSHOT_FORMAT.to_string(),
		header: SnapshotHeader {
			chain,
			block_number: number,
			block_hash: hash,
			state_root,
			decimals,
			token_symbol,
			ss58_prefix,
			pool: options.pool,
		},
		content_hash: content_hash(&accounts),
		accounts,
	})
}

/// The snapshot as CSV: one row per position (accounts without one get a row with empty pool
/// columns).
pub fn to_csv(snapshot: &RawSnapshot) -> String {
	let mut out = String::from("pk,balance,delegate,pid,pool,owner,stake,vesting_schedules\n");
	for a in &snapshot.accounts {
		let delegate = a.delegate.clone().unwrap_or_default();
		if a.stakes.is_empty() {
			out.push_str(&format!(
				"{},{},{},,,,,{}\n",
				a.pk,
				a.balance,
				delegate,
				a.schedules.len()
			));
		}
		for s in &a.stakes {
			out.push_str(&format!(
				"{},{},{},{},{},{},{},{}\n",
				a.pk,
				a.balance,
				delegate,
				s.pid,
				s.pool,
				s.owner,
				s.amount,
				a.schedules.len()
			));
		}
	}
	out
}
