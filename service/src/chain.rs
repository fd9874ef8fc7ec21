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
use pallet_stake_pool::{DelegatorPosition, PoolId, PoolSummary};
use sp_core::{
	crypto::{AccountId32, Ss58AddressFormat, Ss58Codec},
	H256,
};
use sp_crypto_hashing::blake2_128;
use stake_client::{
	hex::{decode, unhex},
	rpc::{Backoff, Rpc},
};
use std::collections::BTreeMap;

type Balance = u128;
type BlockNumber = u32;
type AccountInfo = frame_system::AccountInfo<u32, pallet_balances::AccountData<Balance>>;
type VestingInfo = pallet_vesting::VestingInfo<Balance, BlockNumber>;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
	/// The node's WebSocket URI (a comma-separated list fails over between endpoints).
	pub uri: String,
	/// The block number to read at (the best block when `None`).
	pub at: Option<u32>,
	/// Only this pool's delegators and stakes.
	pub pool: Option<PoolId>,
}

fn storage_prefix(pallet: &str, item: &str) -> Vec<u8> {
	frame_support::storage::storage_prefix(pallet.as_bytes(), item.as_bytes()).to_vec()
}

fn blake2_128_concat_key(pallet: &str, item: &str, who: &AccountId32) -> Vec<u8> {
	let mut key = storage_prefix(pallet, item);
	let encoded = who.encode();
	key.extend_from_slice(&blake2_128(&encoded));
	key.extend_from_slice(&encoded);
	key
}

/// Reads at one block.
struct At<'a> {
	rpc: &'a mut Rpc,
	at: H256,
}

impl At<'_> {
	async fn storage(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
		self.rpc.storage(key, self.at).await
	}

	async fn call<T: Decode>(&mut self, method: &str, args: &[u8]) -> Result<T, String> {
		let bytes = self.rpc.state_call(method, args, self.at).await?;
		decode(method, &bytes)
	}

	async fn keys(&mut self, prefix: &[u8], start: Option<&str>) -> Result<Vec<String>, String> {
		self.rpc.keys_paged(prefix, 1000, start, self.at).await
	}
}

/// Read the snapshot; `progress(done, total)` is called as accounts are read.
pub async fn export(
	options: &ExportOptions,
	mut progress: impl FnMut(u64, u64),
) -> Result<RawSnapshot, String> {
	let mut client = Rpc::connect(&options.uri, Backoff::once()).await?;
	let block = client.block_hash(options.at).await?.ok_or_else(|| {
		format!("block {} not found on {}", options.at.unwrap_or_default(), client.endpoint())
	})?;
	let header = client.header(Some(block)).await?;
	let number = u64::from(header.number);
	let hash = hex(block.as_bytes());
	let state_root = hex(header.state_root.as_bytes());
	let properties = client.system_properties().await?;
	let chain = client.system_chain().await?;
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

	let mut rpc = At { rpc: &mut client, at: block };

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
