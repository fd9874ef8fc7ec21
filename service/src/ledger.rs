//! One input model for Mina ledger exports and our own chain snapshots.
//!
//! - A **Mina ledger** (`mina ledger export staking-epoch-ledger`) is a JSON array of accounts:
//!   `pk`, `balance` (a decimal string in MINA, 9 decimals), `delegate`, and for timed accounts
//!   a `timing` object whose fields are decimal strings. Every account stakes its balance with
//!   its delegate.
//! - A **snapshot** (written by `staking-service snapshot export`) is an object with a `header`
//!   (chain, block, state root, decimals), `accounts` shaped like Mina's plus `stakes` (one per
//!   pool backed) and `schedules` (vesting), and a `content_hash` over the accounts, checked on
//!   read. An account stakes, with a delegate, what it has in the pools that delegate names (the
//!   pool's account, its id or its owner).
//!
//! Every problem is reported with the account (its `pk` and position) and the field.

use crate::{
	amount::{self, Amount},
	unlock::{Timing, Unlock},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Decimals of MINA.
pub const MINA_DECIMALS: u32 = 9;
/// The `format` tag of our snapshots.
pub const SNAPSHOT_FORMAT: &str = "stake-suite-snapshot/1";

/// A problem with an input file, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
	/// Where: the file, and the account and field when there is one.
	pub context: String,
	/// What is wrong.
	pub message: String,
}

impl InputError {
	/// A problem at `context`.
	pub fn new(context: impl Into<String>, message: impl Into<String>) -> Self {
		Self { context: context.into(), message: message.into() }
	}
}

impl core::fmt::Display for InputError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}: {}", self.context, self.message)
	}
}

impl std::error::Error for InputError {}

/// Where a ledger came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
	/// A Mina ledger export.
	Mina,
	/// One of our snapshots.
	Snapshot(SnapshotHeader),
}

/// The chain state a snapshot was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotHeader {
	/// The chain's name.
	pub chain: String,
	/// The block the state is read at.
	pub block_number: u64,
	/// Its hash, 0x-hex.
	pub block_hash: String,
	/// Its state root, 0x-hex.
	pub state_root: String,
	/// Decimals of the token.
	pub decimals: u32,
	/// The token's symbol.
	pub token_symbol: String,
	/// The SS58 prefix the addresses use.
	pub ss58_prefix: u16,
	/// Only this pool's delegators, when the export was filtered.
	pub pool: Option<u64>,
}

/// One position of an account in one pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stake {
	/// The pool's id.
	pub pid: u64,
	/// The pool's account (the election's name for it).
	pub pool: String,
	/// The pool's owner.
	pub owner: String,
	/// The value of the position.
	pub amount: Amount,
}

/// An account of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
	/// Its public key or address.
	pub pk: String,
	/// Its whole balance.
	pub balance: Amount,
	/// Who it delegates to (Mina), or the pool of its largest position (snapshots).
	pub delegate: Option<String>,
	/// Its positions in pools (snapshots only).
	pub stakes: Vec<Stake>,
	/// Its timing (Mina), or its only vesting schedule (snapshots).
	pub timing: Option<Timing>,
	/// All its vesting schedules (snapshots).
	pub schedules: Vec<Timing>,
}

impl Account {
	/// What this account stakes with `delegate`.
	pub fn stake_for(&self, delegate: &str) -> Amount {
		if self.stakes.is_empty() {
			return if self.delegate.as_deref() == Some(delegate) { self.balance } else { 0 };
		}
		self.stakes
			.iter()
			.filter(|s| s.pool == delegate || s.owner == delegate || s.pid.to_string() == delegate)
			.fold(0, |sum: Amount, s| sum.saturating_add(s.amount))
	}

	/// What this account stakes in all.
	pub fn total_stake(&self) -> Amount {
		if self.stakes.is_empty() {
			return self.balance;
		}
		self.stakes.iter().fold(0, |sum: Amount, s| sum.saturating_add(s.amount))
	}

	/// Every timing that locks part of this account.
	pub fn timings(&self) -> Vec<Timing> {
		if !self.schedules.is_empty() {
			return self.schedules.clone();
		}
		self.timing.into_iter().collect()
	}

	/// From when nothing of the account is locked: the latest unlock of its timings.
	pub fn unlock(&self) -> Unlock {
		let timings: &[Timing] =
			if self.schedules.is_empty() { self.timing.as_slice() } else { &self.schedules };
		timings.iter().fold(Unlock::At(0), |latest, t| match (latest, t.unlock()) {
			(Unlock::At(a), Unlock::At(b)) => Unlock::At(a.max(b)),
			_ => Unlock::Never,
		})
	}

	/// Whether nothing of the account is locked at `slot` (a minimum balance never grows
	/// again once it falls, so this is `slot >= unlock`).
	pub fn unlocked_at(&self, slot: u128) -> bool {
		matches!(self.unlock(), Unlock::At(at) if at <= slot)
	}
}

/// A parsed ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
	/// Where it came from.
	pub source: Source,
	/// Decimals of its amounts.
	pub decimals: u32,
	/// Its accounts, in file order.
	pub accounts: Vec<Account>,
}

impl Ledger {
	/// Everything staked in the ledger, the denominator of a stake ratio: every balance of a
	/// Mina ledger (every account stakes), every position of a snapshot.
	pub fn total_stake(&self) -> Amount {
		match self.source {
			Source::Mina => {
				self.accounts.iter().fold(0, |sum: Amount, a| sum.saturating_add(a.balance))
			},
			Source::Snapshot(_) => self.accounts.iter().fold(0, |sum: Amount, a| {
				a.stakes.iter().fold(sum, |sum, s| sum.saturating_add(s.amount))
			}),
		}
	}

	/// Whether any account delegates to (or stakes with) `delegate`, or is it.
	pub fn knows_delegate(&self, delegate: &str) -> bool {
		self.accounts.iter().any(|a| a.pk == delegate || a.stake_for(delegate) > 0)
	}

	/// Parse a ledger file's bytes; `name` is used in errors.
	pub fn parse(name: &str, bytes: &[u8]) -> Result<Self, InputError> {
		let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
		match first {
			Some(b'[') => {
				// Only the fields used are kept: a Mina export's permissions, receipt chain
				// hashes and the like are skipped while parsing.
				let mut accounts: Vec<Fields> = serde_json::from_slice(bytes)
					.map_err(|e| InputError::new(name, format!("malformed JSON: {e}")))?;
				// Since Berkeley an account is a key and a token: only MINA accounts stake (the
				// same key may hold other tokens, each its own record).
				accounts.retain(|f| match &f.token {
					None | Some(Value::Null) => true,
					Some(Value::String(token)) => MINA_TOKENS.contains(&token.as_str()),
					Some(Value::Number(n)) => n.as_u64() == Some(1),
					Some(_) => false,
				});
				let accounts = parse_accounts(name, accounts, MINA_DECIMALS)?;
				check_mina_limits(name, &accounts)?;
				Ok(Ledger { source: Source::Mina, decimals: MINA_DECIMALS, accounts })
			},
			Some(b'{') => {
				let raw: RawSnapshot = serde_json::from_slice(bytes).map_err(|e| {
					InputError::new(name, format!("malformed JSON or not a snapshot: {e}"))
				})?;
				if raw.format != SNAPSHOT_FORMAT {
					return Err(InputError::new(
						name,
						format!(
							"unknown snapshot format `{}` (expected `{SNAPSHOT_FORMAT}`)",
							raw.format
						),
					));
				}
				let hash = content_hash(&raw.accounts);
				if hash != raw.content_hash {
					return Err(InputError::new(
						name,
						format!(
							"content_hash {} does not match the accounts ({hash}): the file was changed",
							raw.content_hash
						),
					));
				}
				let decimals = raw.header.decimals;
				let fields = raw
					.accounts
					.iter()
					.map(Fields::of_snapshot)
					.collect::<Result<Vec<_>, _>>()
					.map_err(|e| InputError::new(name, e.to_string()))?;
				Ok(Ledger {
					source: Source::Snapshot(raw.header),
					decimals,
					accounts: parse_accounts(name, fields, decimals)?,
				})
			},
			None => Err(InputError::new(name, "the file is empty")),
			_ => Err(InputError::new(name, "expected a JSON array (Mina) or object (snapshot)")),
		}
	}
}

/// The fields of an account this tool reads, as found in the file (checked by
/// [`parse_account`], which names the account and field of any problem).
#[derive(Debug, Default, Deserialize)]
struct Fields {
	pk: Option<Value>,
	token: Option<Value>,
	balance: Option<Value>,
	delegate: Option<Value>,
	timing: Option<Value>,
	stakes: Option<Value>,
	schedules: Option<Value>,
}

impl Fields {
	fn of_snapshot(a: &RawAccount) -> Result<Self, serde_json::Error> {
		Ok(Self {
			pk: Some(Value::String(a.pk.clone())),
			token: None,
			balance: Some(Value::String(a.balance.clone())),
			delegate: a.delegate.clone().map(Value::String),
			timing: a.timing.as_ref().map(serde_json::to_value).transpose()?,
			stakes: Some(serde_json::to_value(&a.stakes)?),
			schedules: Some(serde_json::to_value(&a.schedules)?),
		})
	}
}

/// A snapshot as written: amounts as decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSnapshot {
	/// [`SNAPSHOT_FORMAT`].
	pub format: String,
	/// Where the state comes from.
	pub header: SnapshotHeader,
	/// The accounts.
	pub accounts: Vec<RawAccount>,
	/// [`content_hash`] of the accounts.
	pub content_hash: String,
}

/// A snapshot account as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawAccount {
	/// SS58 address.
	pub pk: String,
	/// Free plus reserved balance, decimal.
	pub balance: String,
	/// The pool account of the largest position.
	pub delegate: Option<String>,
	/// One per pool backed.
	pub stakes: Vec<RawStake>,
	/// The only vesting schedule, Mina-shaped.
	pub timing: Option<RawTiming>,
	/// Every vesting schedule, Mina-shaped.
	pub schedules: Vec<RawTiming>,
}

/// A position as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawStake {
	/// Pool id.
	pub pid: u64,
	/// Pool account.
	pub pool: String,
	/// Pool owner.
	pub owner: String,
	/// Value of the position, decimal.
	pub amount: String,
}

/// A timing as written (Mina's field names, decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawTiming {
	/// See [`Timing::initial_minimum_balance`].
	pub initial_minimum_balance: String,
	/// See [`Timing::cliff_time`].
	pub cliff_time: String,
	/// See [`Timing::cliff_amount`].
	pub cliff_amount: String,
	/// See [`Timing::vesting_period`].
	pub vesting_period: String,
	/// See [`Timing::vesting_increment`].
	pub vesting_increment: String,
}

impl RawTiming {
	/// Write `timing` with `decimals`.
	pub fn from_timing(timing: &Timing, decimals: u32) -> Self {
		Self {
			initial_minimum_balance: amount::format(timing.initial_minimum_balance, decimals),
			cliff_time: timing.cliff_time.to_string(),
			cliff_amount: amount::format(timing.cliff_amount, decimals),
			vesting_period: timing.vesting_period.to_string(),
			vesting_increment: amount::format(timing.vesting_increment, decimals),
		}
	}
}

/// blake2-256 of the compact JSON of `accounts`, 0x-hex.
pub fn content_hash(accounts: &[RawAccount]) -> String {
	let bytes = serde_json::to_vec(accounts).unwrap_or_default();
	hex(&sp_crypto_hashing::blake2_256(&bytes))
}

/// 0x-prefixed lower-case hex (the shared client's).
pub use stake_client::hex::hex;

fn parse_accounts(
	name: &str,
	accounts: Vec<Fields>,
	decimals: u32,
) -> Result<Vec<Account>, InputError> {
	let accounts = accounts
		.into_iter()
		.enumerate()
		.map(|(i, f)| parse_account(name, i, f, decimals))
		.collect::<Result<Vec<_>, _>>()?;
	// A ledger has one record per account: the same key twice is a broken export (or two files
	// pasted together), never two stakes to add up.
	let mut seen = std::collections::BTreeMap::new();
	for (i, account) in accounts.iter().enumerate() {
		if let Some(first) = seen.insert(account.pk.as_str(), i) {
			return Err(InputError::new(
				format!("{name}: account {}", account.pk),
				format!("listed twice (#{first} and #{i}): a ledger has one record per account"),
			));
		}
	}
	Ok(accounts)
}

/// The MINA token's id in a ledger export: `1` before the Berkeley fork, its base58 form after.
pub const MINA_TOKENS: [&str; 2] = ["1", "wSHV2S4qX9jFsLjQo8r1BsMLH2ZRKsZx6EJd1sbozGPieEC4Jf"];

/// The most a Mina account can hold, or any Mina amount be: a `u64` of nanomina
/// (18,446,744,073.709551615 MINA).
pub const MINA_MAX_AMOUNT: Amount = u64::MAX as Amount;

/// The last global slot Mina can name: slots are `u32`.
pub const MINA_MAX_SLOT: u64 = u32::MAX as u64;

/// Refuse what a Mina ledger cannot contain: amounts above a `u64` of nanomina, slots above a
/// `u32`.
fn check_mina_limits(name: &str, accounts: &[Account]) -> Result<(), InputError> {
	for (i, account) in accounts.iter().enumerate() {
		let at = |field: &str| format!("{name}: account {} (#{i}), field `{field}`", account.pk);
		let amount_ok = |field: &str, value: Amount| -> Result<(), InputError> {
			if value > MINA_MAX_AMOUNT {
				return Err(InputError::new(
					at(field),
					format!(
						"{} MINA is more than Mina can represent ({} MINA, a u64 of nanomina)",
						amount::format(value, MINA_DECIMALS),
						amount::format(MINA_MAX_AMOUNT, MINA_DECIMALS)
					),
				));
			}
			Ok(())
		};
		let slot_ok = |field: &str, value: u64| -> Result<(), InputError> {
			if value > MINA_MAX_SLOT {
				return Err(InputError::new(
					at(field),
					format!("slot {value} is beyond Mina's last slot ({MINA_MAX_SLOT}, a u32)"),
				));
			}
			Ok(())
		};
		amount_ok("balance", account.balance)?;
		if let Some(t) = &account.timing {
			amount_ok("timing.initial_minimum_balance", t.initial_minimum_balance)?;
			amount_ok("timing.cliff_amount", t.cliff_amount)?;
			amount_ok("timing.vesting_increment", t.vesting_increment)?;
			slot_ok("timing.cliff_time", t.cliff_time)?;
			slot_ok("timing.vesting_period", t.vesting_period)?;
		}
	}
	Ok(())
}

fn parse_account(
	name: &str,
	index: usize,
	fields: Fields,
	decimals: u32,
) -> Result<Account, InputError> {
	let pk = match fields.pk {
		Some(Value::String(pk)) if !pk.is_empty() => pk,
		_ => {
			return Err(InputError::new(
				format!("{name}: account #{index}"),
				"field `pk` is missing or not a string",
			))
		},
	};
	let at = |field: &str| format!("{name}: account {pk} (#{index}), field `{field}`");
	let amount_of = |field: &str, value: Option<&Value>| -> Result<Amount, InputError> {
		let text = decimal_text(value).ok_or_else(|| {
			InputError::new(at(field), "missing, or not a decimal string or number")
		})?;
		amount::parse(&text, decimals)
			.map_err(|e| InputError::new(at(field), format!("{e} ({text:?})")))
	};
	let balance = amount_of("balance", fields.balance.as_ref())?;
	let delegate = match &fields.delegate {
		None | Some(Value::Null) => None,
		Some(Value::String(d)) => Some(d.clone()),
		Some(_) => return Err(InputError::new(at("delegate"), "not a string")),
	};
	let parse_timing = |field: &str, v: &Value| -> Result<Timing, InputError> {
		let Value::Object(t) = v else {
			return Err(InputError::new(at(field), "not a JSON object"));
		};
		let sub = |f: &str| format!("{field}.{f}");
		let amount_field = |f: &str| amount_of(&sub(f), t.get(f));
		let slot_field = |f: &str| -> Result<u64, InputError> {
			let text = decimal_text(t.get(f)).ok_or_else(|| {
				InputError::new(at(&sub(f)), "missing, or not a decimal string or number")
			})?;
			text.trim().parse::<u64>().map_err(|_| {
				InputError::new(at(&sub(f)), format!("not a whole number of slots ({text:?})"))
			})
		};
		let timing = Timing {
			initial_minimum_balance: amount_field("initial_minimum_balance")?,
			cliff_time: slot_field("cliff_time")?,
			cliff_amount: amount_field("cliff_amount")?,
			vesting_period: slot_field("vesting_period")?,
			vesting_increment: amount_field("vesting_increment")?,
		};
		if timing.vesting_period == 0 {
			return Err(InputError::new(at(&sub("vesting_period")), "must be at least 1 slot"));
		}
		Ok(timing)
	};
	let timing = match &fields.timing {
		None | Some(Value::Null) => None,
		Some(t) => Some(parse_timing("timing", t)?),
	};
	let schedules = match &fields.schedules {
		None | Some(Value::Null) => Vec::new(),
		Some(Value::Array(list)) => list
			.iter()
			.enumerate()
			.map(|(i, t)| parse_timing(&format!("schedules[{i}]"), t))
			.collect::<Result<_, _>>()?,
		Some(_) => return Err(InputError::new(at("schedules"), "not an array")),
	};
	let stakes = match &fields.stakes {
		None | Some(Value::Null) => Vec::new(),
		Some(Value::Array(list)) => list
			.iter()
			.enumerate()
			.map(|(i, s)| {
				let field = format!("stakes[{i}]");
				let raw: RawStake = serde_json::from_value(s.clone())
					.map_err(|e| InputError::new(at(&field), e.to_string()))?;
				let amount = amount::parse(&raw.amount, decimals).map_err(|e| {
					InputError::new(
						at(&format!("{field}.amount")),
						format!("{e} ({:?})", raw.amount),
					)
				})?;
				Ok(Stake { pid: raw.pid, pool: raw.pool, owner: raw.owner, amount })
			})
			.collect::<Result<_, InputError>>()?,
		Some(_) => return Err(InputError::new(at("stakes"), "not an array")),
	};
	Ok(Account { pk, balance, delegate, stakes, timing, schedules })
}

/// A decimal given as a JSON string or a non-negative JSON number, as text.
fn decimal_text(value: Option<&Value>) -> Option<String> {
	match value? {
		Value::String(s) => Some(s.clone()),
		Value::Number(n) => Some(n.to_string()),
		_ => None,
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn reads_the_guide_accounts() {
		let json = br#"[
			{"pk": "B62qrwZ", "balance": "17000", "delegate": "B62qrwZ", "token": "1",
			 "permissions": {"stake": true}},
			{"pk": "B62qmVH", "balance": "230400", "delegate": "B62qk2u",
			 "timing": {"initial_minimum_balance": "230400", "cliff_time": "86400",
			            "cliff_amount": "230400", "vesting_period": "1", "vesting_increment": "0"}}
		]"#;
		let ledger = Ledger::parse("l.json", json).unwrap();
		assert_eq!(ledger.decimals, 9);
		assert_eq!(ledger.accounts[0].balance, 17_000_000_000_000);
		assert_eq!(ledger.accounts[1].stake_for("B62qk2u"), 230_400_000_000_000);
		assert_eq!(ledger.accounts[1].stake_for("B62qrwZ"), 0);
		assert_eq!(ledger.total_stake(), 247_400_000_000_000);
		assert!(!ledger.accounts[1].unlocked_at(86_399));
		assert!(ledger.accounts[1].unlocked_at(86_400));
	}

	fn error_of(json: &str) -> String {
		Ledger::parse("l.json", json.as_bytes()).unwrap_err().to_string()
	}

	#[test]
	fn names_the_account_and_field_of_bad_input() {
		assert!(error_of("[{").starts_with("l.json: malformed JSON"));
		assert_eq!(
			error_of(r#"[{"pk": "A", "balance": "-5"}]"#),
			"l.json: account A (#0), field `balance`: negative amount (\"-5\")"
		);
		assert_eq!(
			error_of(r#"[{"pk": "A", "balance": "1"}, {"pk": "B", "balance": "ten"}]"#),
			"l.json: account B (#1), field `balance`: not a decimal number (\"ten\")"
		);
		assert_eq!(
			error_of(r#"[{"balance": "1"}]"#),
			"l.json: account #0: field `pk` is missing or not a string"
		);
		assert_eq!(
			error_of(
				r#"[{"pk": "A", "balance": "1", "timing": {"initial_minimum_balance": "1",
				"cliff_time": "0", "cliff_amount": "0", "vesting_period": "0",
				"vesting_increment": "1"}}]"#
			),
			"l.json: account A (#0), field `timing.vesting_period`: must be at least 1 slot"
		);
		assert_eq!(
			error_of(r#"[{"pk": "A", "balance": "1.0000000001"}]"#),
			"l.json: account A (#0), field `balance`: more than 9 decimal places (\"1.0000000001\")"
		);
		assert_eq!(error_of("42"), "l.json: expected a JSON array (Mina) or object (snapshot)");
		assert_eq!(error_of(" \n"), "l.json: the file is empty");
	}

	fn snapshot() -> RawSnapshot {
		let accounts = vec![RawAccount {
			pk: "5Dave".into(),
			balance: "1000000".into(),
			delegate: Some("5Pool0".into()),
			stakes: vec![
				RawStake {
					pid: 0,
					pool: "5Pool0".into(),
					owner: "5Alice".into(),
					amount: "4000".into(),
				},
				RawStake {
					pid: 1,
					pool: "5Pool1".into(),
					owner: "5Bob".into(),
					amount: "1000".into(),
				},
			],
			timing: None,
			schedules: vec![],
		}];
		RawSnapshot {
			format: SNAPSHOT_FORMAT.into(),
			header: SnapshotHeader {
				chain: "dev".into(),
				block_number: 7,
				block_hash: "0x01".into(),
				state_root: "0x02".into(),
				decimals: 12,
				token_symbol: "PHA".into(),
				ss58_prefix: 42,
				pool: None,
			},
			content_hash: content_hash(&accounts),
			accounts,
		}
	}

	#[test]
	fn reads_snapshots_and_their_stakes_per_pool() {
		let bytes = serde_json::to_vec(&snapshot()).unwrap();
		let ledger = Ledger::parse("s.json", &bytes).unwrap();
		assert_eq!(ledger.decimals, 12);
		let dave = &ledger.accounts[0];
		assert_eq!(dave.stake_for("5Pool0"), 4_000_000_000_000_000);
		assert_eq!(dave.stake_for("1"), 1_000_000_000_000_000);
		assert_eq!(dave.stake_for("5Alice"), 4_000_000_000_000_000);
		assert_eq!(ledger.total_stake(), 5_000_000_000_000_000);
	}

	#[test]
	fn refuses_a_changed_snapshot() {
		let mut s = snapshot();
		s.accounts[0].stakes[0].amount = "40000".into();
		let bytes = serde_json::to_vec(&s).unwrap();
		let error = Ledger::parse("s.json", &bytes).unwrap_err().to_string();
		assert!(error.contains("does not match the accounts"), "{error}");
	}
}
