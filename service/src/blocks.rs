//! The blocks a pool won, from the sources an operator has, each read in the unit it names:
//!
//! - **this tool's own JSON**: an array of `{"height", "slot", "state_hash", "coinbase",
//!   "fees"?}` whose amounts name their unit (`"720 MINA"`, `"720000000000 nanomina"`), or an
//!   object `{"unit": "MINA", "blocks": [...]}` naming it once. A bare amount is refused: the
//!   same digits mean 720 MINA or 720 nanomina, and reading one as the other makes a plan 10^9
//!   times off;
//! - **archive-node rows** (the result of the archive query in `docs/staking-service.md`, as
//!   JSON rows or CSV with a header): `blockheight`, `statehash`, `globalslotsincegenesis`,
//!   `coinbase`, `feetransfertoreceiver`, `feetransferfromcoinbase` in nanomina, and
//!   `stakingledgerhash`, `parenthash`, `chainstatus` where the query selects them;
//! - **the payouts API's JSON** (`{"blocks": [rows like the archive's], "messages": [...]}`);
//! - **a GraphQL response** of a Mina explorer's `blocks` query (`{"data": {"blocks": [...]}}`,
//!   nanomina strings).
//!
//! Every amount comes out in the smallest unit. A block's reward is its coinbase plus the fee
//! transfer to the coinbase receiver, less what the coinbase itself paid for SNARK work (the
//! `fee_transfer_via_coinbase`): `coinbase + to_receiver - from_coinbase`, the rule of the public
//! payout tools.

use crate::{
	amount::{self, Amount},
	ledger::InputError,
	payouts::WonBlock,
};
use serde_json::{Map, Value};

/// Mina's epoch: 7140 slots.
pub const SLOTS_PER_EPOCH: u64 = 7140;

/// How a blocks file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocksFormat {
	/// Told apart by their shape.
	Auto,
	/// This tool's own JSON, amounts with their unit named.
	Tool,
	/// Archive-node rows as a JSON array.
	ArchiveJson,
	/// Archive-node rows as CSV with a header line.
	ArchiveCsv,
	/// The payouts API's `/blocks` answer.
	PayoutsApi,
	/// A GraphQL `blocks` answer.
	Graphql,
}

impl core::str::FromStr for BlocksFormat {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		Ok(match s {
			"auto" => Self::Auto,
			"tool" => Self::Tool,
			"archive-json" => Self::ArchiveJson,
			"archive-csv" => Self::ArchiveCsv,
			"payouts-api" => Self::PayoutsApi,
			"graphql" => Self::Graphql,
			other => {
				return Err(format!(
					"unknown blocks format {other:?}: expected auto, tool, archive-json, \
					 archive-csv, payouts-api or graphql"
				))
			},
		})
	}
}

/// A block as its source gives it, amounts in the smallest unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceBlock {
	/// Its height.
	pub height: u64,
	/// Its global slot since genesis.
	pub slot: u64,
	/// Its hash.
	pub state_hash: String,
	/// Its parent's hash, where the source gives it.
	pub parent_hash: Option<String>,
	/// The staking ledger its slot was won with, where the source gives it.
	pub staking_ledger_hash: Option<String>,
	/// `canonical`, `pending` or `orphaned`, where the source gives it.
	pub chain_status: Option<String>,
	/// The coinbase.
	pub coinbase: Amount,
	/// Fee transfers to the coinbase receiver.
	pub fee_transfer_to_receiver: Amount,
	/// Fee transfers paid out of the coinbase (SNARK work bought with it).
	pub fee_transfer_from_coinbase: Amount,
	/// The account whose stake won the slot (a delegator of the producer), where the source
	/// gives it.
	pub winner: Option<String>,
}

impl SourceBlock {
	/// The block as a plan pays it: the coinbase, the fees to its receiver and the SNARK work
	/// bought with the coinbase ([`WonBlock::reward`] nets them).
	pub fn won_block(&self) -> WonBlock {
		WonBlock {
			height: self.height,
			slot: self.slot,
			state_hash: self.state_hash.clone(),
			coinbase: self.coinbase,
			fees: self.fee_transfer_to_receiver,
			snark_fees: self.fee_transfer_from_coinbase,
			winner: self.winner.clone(),
		}
	}

	/// The epoch of its slot, counting from `fork_start_slot` (0 before any hard fork).
	pub fn epoch(&self, fork_start_slot: u64) -> Option<u64> {
		self.slot.checked_sub(fork_start_slot).and_then(|s| s.checked_div(SLOTS_PER_EPOCH))
	}
}

/// Read a blocks file in `format`; `name` is used in errors, `decimals` and `symbol` are the
/// ledger's token (for this tool's own format).
pub fn parse(
	name: &str,
	bytes: &[u8],
	format: BlocksFormat,
	decimals: u32,
	symbol: &str,
) -> Result<Vec<SourceBlock>, InputError> {
	let format = resolve(name, bytes, format)?;
	let blocks = match format {
		BlocksFormat::ArchiveCsv => parse_csv(name, bytes)?,
		_ => {
			let value: Value = serde_json::from_slice(bytes)
				.map_err(|e| InputError::new(name, format!("malformed JSON: {e}")))?;
			match format {
				BlocksFormat::Tool => parse_tool(name, &value, decimals, symbol)?,
				BlocksFormat::ArchiveJson => match &value {
					Value::Array(rows) => parse_rows(name, rows)?,
					_ => return Err(InputError::new(name, "archive rows: expected a JSON array")),
				},
				BlocksFormat::PayoutsApi => match value.get("blocks") {
					Some(Value::Array(rows)) => parse_rows(name, rows)?,
					_ => {
						return Err(InputError::new(
							name,
							"payouts API answer: expected an object with a `blocks` array",
						))
					},
				},
				BlocksFormat::Graphql => parse_graphql(name, &value)?,
				BlocksFormat::Auto | BlocksFormat::ArchiveCsv => Vec::new(),
			}
		},
	};
	if blocks.is_empty() {
		return Err(InputError::new(name, "the blocks file lists no block"));
	}
	let mut seen = std::collections::BTreeSet::new();
	for (i, block) in blocks.iter().enumerate() {
		if !seen.insert(block.state_hash.as_str()) {
			return Err(InputError::new(
				format!("{name}: block {} (#{i}), field `state_hash`", block.height),
				"listed twice",
			));
		}
	}
	Ok(blocks)
}

/// The format of a blocks file: `format` itself, or (for [`BlocksFormat::Auto`]) the one its
/// shape shows.
pub fn resolve(name: &str, bytes: &[u8], format: BlocksFormat) -> Result<BlocksFormat, InputError> {
	match format {
		BlocksFormat::Auto => detect(name, bytes),
		other => Ok(other),
	}
}

/// Tell the formats apart by their shape.
fn detect(name: &str, bytes: &[u8]) -> Result<BlocksFormat, InputError> {
	let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
	match first {
		Some(b'[') => {
			let value: Value = serde_json::from_slice(bytes)
				.map_err(|e| InputError::new(name, format!("malformed JSON: {e}")))?;
			match value.as_array().and_then(|rows| rows.first()) {
				Some(row) if row.get("blockheight").is_some() => Ok(BlocksFormat::ArchiveJson),
				Some(row) if row.get("height").is_some() => Ok(BlocksFormat::Tool),
				Some(_) => Err(InputError::new(
					name,
					"blocks of no known format: rows have neither `height` (this tool's) nor \
					 `blockheight` (the archive's)",
				)),
				None => Err(InputError::new(name, "the blocks file lists no block")),
			}
		},
		Some(b'{') => {
			let value: Value = serde_json::from_slice(bytes)
				.map_err(|e| InputError::new(name, format!("malformed JSON: {e}")))?;
			if value.get("data").is_some() || value.get("errors").is_some() {
				Ok(BlocksFormat::Graphql)
			} else if value.get("unit").is_some() {
				Ok(BlocksFormat::Tool)
			} else if value.get("blocks").is_some() {
				Ok(BlocksFormat::PayoutsApi)
			} else {
				Err(InputError::new(
					name,
					"blocks of no known format: an object without `blocks` (the payouts API's), \
					 `data` (GraphQL) or `unit` (this tool's)",
				))
			}
		},
		Some(_) => {
			let text = String::from_utf8_lossy(bytes);
			if text.lines().next().is_some_and(|header| header.contains("blockheight")) {
				Ok(BlocksFormat::ArchiveCsv)
			} else {
				Err(InputError::new(
					name,
					"blocks of no known format: not JSON, and no CSV header with `blockheight`",
				))
			}
		},
		None => Err(InputError::new(name, "the file is empty")),
	}
}

/// The smallest unit's name for a token: `nanomina` for MINA, `planck` for a chain's token.
fn base_unit(symbol: &str) -> &'static str {
	if symbol.eq_ignore_ascii_case("MINA") {
		"nanomina"
	} else {
		"planck"
	}
}

/// This tool's own JSON: every amount names its unit, or the file names it once.
fn parse_tool(
	name: &str,
	value: &Value,
	decimals: u32,
	symbol: &str,
) -> Result<Vec<SourceBlock>, InputError> {
	let base = base_unit(symbol);
	// The decimals of a unit name.
	let decimals_of = |unit: &str| -> Option<u32> {
		if unit.eq_ignore_ascii_case(symbol) {
			Some(decimals)
		} else if unit.eq_ignore_ascii_case(base) {
			Some(0)
		} else {
			None
		}
	};
	let (rows, file_unit) = match value {
		Value::Array(rows) => (rows, None),
		Value::Object(object) => {
			let unit = match object.get("unit") {
				Some(Value::String(unit)) => unit.as_str(),
				_ => return Err(InputError::new(name, "`unit` must be a string")),
			};
			let unit_decimals = decimals_of(unit).ok_or_else(|| {
				InputError::new(
					name,
					format!("unknown `unit` {unit:?}: the ledger's token is {symbol} ({base})"),
				)
			})?;
			match object.get("blocks") {
				Some(Value::Array(rows)) => (rows, Some(unit_decimals)),
				_ => return Err(InputError::new(name, "expected a `blocks` array beside `unit`")),
			}
		},
		_ => return Err(InputError::new(name, "expected a JSON array of blocks")),
	};
	rows.iter()
		.enumerate()
		.map(|(i, row)| {
			let Value::Object(row) = row else {
				return Err(InputError::new(format!("{name}: block #{i}"), "not a JSON object"));
			};
			for key in row.keys() {
				if ![
					"height",
					"slot",
					"state_hash",
					"coinbase",
					"fees",
					"staking_ledger_hash",
					"winner",
				]
				.contains(&key.as_str())
				{
					return Err(InputError::new(
						format!("{name}: block #{i}"),
						format!("unknown field `{key}`"),
					));
				}
			}
			let height = whole(name, i, None, row, "height")?;
			let at = |field: &str| format!("{name}: block {height} (#{i}), field `{field}`");
			let amount_of = |field: &str| -> Result<Amount, InputError> {
				let text = match row.get(field) {
					None if field == "fees" => return Ok(0),
					Some(Value::String(text)) => text.trim().to_string(),
					Some(Value::Number(n)) => n.to_string(),
					_ => return Err(InputError::new(at(field), "missing, or not an amount")),
				};
				let (number, unit) = match text.split_once(char::is_whitespace) {
					Some((number, unit)) => (number.trim(), Some(unit.trim())),
					None => (text.as_str(), None),
				};
				let unit_decimals =
					match (unit, file_unit) {
						(Some(unit), _) => decimals_of(unit).ok_or_else(|| {
							InputError::new(
							at(field),
							format!("unknown unit {unit:?}: the ledger's token is {symbol} ({base})"),
						)
						})?,
						(None, Some(d)) => d,
						(None, None) => {
							return Err(InputError::new(
								at(field),
								format!(
								"{text:?} does not name its unit: write \"{text} {symbol}\" or \
								 \"{text} {base}\", or give the file as {{\"unit\": ..., \"blocks\": \
								 [...]}} (the same digits are {symbol} or {base}, 10^{decimals} apart)"
							),
							))
						},
					};
				// Read with the unit's decimals, the amount is in the smallest unit.
				amount::parse(number, unit_decimals)
					.map_err(|e| InputError::new(at(field), format!("{e} ({text:?})")))
			};
			let state_hash = string(name, i, height, row, "state_hash")?;
			Ok(SourceBlock {
				height,
				slot: whole(name, i, Some(height), row, "slot")?,
				state_hash,
				parent_hash: None,
				staking_ledger_hash: optional_string(name, i, height, row, "staking_ledger_hash")?,
				chain_status: None,
				coinbase: amount_of("coinbase")?,
				fee_transfer_to_receiver: amount_of("fees")?,
				fee_transfer_from_coinbase: 0,
				winner: optional_string(name, i, height, row, "winner")?,
			})
		})
		.collect()
}

/// A whole number field (JSON number or decimal string).
fn whole(
	name: &str,
	index: usize,
	height: Option<u64>,
	row: &Map<String, Value>,
	field: &str,
) -> Result<u64, InputError> {
	let at = || match height {
		Some(h) => format!("{name}: block {h} (#{index}), field `{field}`"),
		None => format!("{name}: block #{index}, field `{field}`"),
	};
	let value = match row.get(field) {
		Some(Value::Number(n)) => n.as_u64(),
		Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
		_ => None,
	};
	value.ok_or_else(|| InputError::new(at(), "missing, or not a whole number"))
}

/// A whole number of nanomina (JSON number or decimal string, no fraction).
fn nanomina(
	name: &str,
	index: usize,
	height: u64,
	row: &Map<String, Value>,
	field: &str,
) -> Result<Amount, InputError> {
	let at = || format!("{name}: block {height} (#{index}), field `{field}`");
	let text = match row.get(field) {
		Some(Value::Number(n)) => n.to_string(),
		Some(Value::String(s)) => s.trim().to_string(),
		// SQL's NULL (no such transfer in the block).
		Some(Value::Null) => return Ok(0),
		// A misnamed column must not read as nothing paid.
		None => return Err(InputError::new(at(), "missing (null if the block has none)")),
		Some(_) => return Err(InputError::new(at(), "not an amount")),
	};
	// The sources give nanomina: a fraction is a sign of MINA given where nanomina are due.
	if text.contains(['.', 'e', 'E']) {
		return Err(InputError::new(
			at(),
			format!("{text:?} is not a whole number of nanomina (an amount in MINA?)"),
		));
	}
	amount::parse(&text, 0).map_err(|e| InputError::new(at(), format!("{e} ({text:?})")))
}

fn string(
	name: &str,
	index: usize,
	height: u64,
	row: &Map<String, Value>,
	field: &str,
) -> Result<String, InputError> {
	match row.get(field) {
		Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
		_ => Err(InputError::new(
			format!("{name}: block {height} (#{index}), field `{field}`"),
			"missing, or not a string",
		)),
	}
}

fn optional_string(
	name: &str,
	index: usize,
	height: u64,
	row: &Map<String, Value>,
	field: &str,
) -> Result<Option<String>, InputError> {
	match row.get(field) {
		None | Some(Value::Null) => Ok(None),
		Some(Value::String(s)) => Ok(Some(s.clone())),
		Some(_) => Err(InputError::new(
			format!("{name}: block {height} (#{index}), field `{field}`"),
			"not a string",
		)),
	}
}

/// Archive-node rows (the payouts API's are the same), amounts in nanomina.
fn parse_rows(name: &str, rows: &[Value]) -> Result<Vec<SourceBlock>, InputError> {
	rows.iter()
		.enumerate()
		.map(|(i, row)| {
			let Value::Object(row) = row else {
				return Err(InputError::new(format!("{name}: block #{i}"), "not a JSON object"));
			};
			// Column names as SQL gives them, whatever their case.
			let row: Map<String, Value> =
				row.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
			row_block(name, i, &row)
		})
		.collect()
}

fn row_block(name: &str, i: usize, row: &Map<String, Value>) -> Result<SourceBlock, InputError> {
	let height = whole(name, i, None, row, "blockheight")?;
	// The global slot since genesis. A `slot` column is not enough: the payouts API's and the
	// forked archive's `slot` count from the hard fork (564,480 slots apart), MinaExplorer's from
	// the epoch's start.
	let slot = whole(name, i, Some(height), row, "globalslotsincegenesis")?;
	Ok(SourceBlock {
		height,
		slot,
		state_hash: string(name, i, height, row, "statehash")?,
		parent_hash: optional_string(name, i, height, row, "parenthash")?,
		staking_ledger_hash: optional_string(name, i, height, row, "stakingledgerhash")?,
		chain_status: optional_string(name, i, height, row, "chainstatus")?,
		coinbase: nanomina(name, i, height, row, "coinbase")?,
		fee_transfer_to_receiver: nanomina(name, i, height, row, "feetransfertoreceiver")?,
		fee_transfer_from_coinbase: nanomina(name, i, height, row, "feetransferfromcoinbase")?,
		winner: optional_string(name, i, height, row, "winnerpublickey")?,
	})
}

/// Archive rows as CSV with a header line (`psql --csv`, or `\copy (...) to ... csv header`).
/// The columns this tool reads hold no commas or quotes; a quoted field is unquoted.
fn parse_csv(name: &str, bytes: &[u8]) -> Result<Vec<SourceBlock>, InputError> {
	let text =
		core::str::from_utf8(bytes).map_err(|_| InputError::new(name, "CSV: not UTF-8 text"))?;
	let mut lines = text.lines().filter(|l| !l.trim().is_empty());
	let header: Vec<String> = lines
		.next()
		.ok_or_else(|| InputError::new(name, "the file is empty"))?
		.split(',')
		.map(|h| unquote(h).to_ascii_lowercase())
		.collect();
	lines
		.enumerate()
		.map(|(i, line)| {
			let cells: Vec<&str> = line.split(',').collect();
			if cells.len() != header.len() {
				return Err(InputError::new(
					format!("{name}: CSV line {}", i.saturating_add(2)),
					format!("{} fields, the header has {}", cells.len(), header.len()),
				));
			}
			let mut row = Map::new();
			for (key, cell) in header.iter().zip(cells) {
				let cell = unquote(cell);
				// psql writes NULL as an empty field.
				let value =
					if cell.is_empty() { Value::Null } else { Value::String(cell.to_string()) };
				row.insert(key.clone(), value);
			}
			row_block(name, i, &row)
		})
		.collect()
}

fn unquote(cell: &str) -> &str {
	let cell = cell.trim();
	cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(cell)
}

/// A GraphQL answer of a Mina explorer's `blocks` query: `stateHash`,
/// `protocolState { previousStateHash consensusState { blockHeight slotSinceGenesis
/// stakingEpochData { ledger { hash } } } }`, `canonical`, `transactions { coinbase
/// coinbaseReceiverAccount { publicKey } feeTransfer { fee recipient type } }`, in nanomina.
fn parse_graphql(name: &str, value: &Value) -> Result<Vec<SourceBlock>, InputError> {
	if let Some(errors) = value.get("errors") {
		return Err(InputError::new(name, format!("the GraphQL answer reports errors: {errors}")));
	}
	let Some(Value::Array(blocks)) = value.get("data").and_then(|d| d.get("blocks")) else {
		return Err(InputError::new(name, "GraphQL: expected `data.blocks`, an array"));
	};
	blocks
		.iter()
		.enumerate()
		.map(|(i, block)| {
			let at = |field: &str| format!("{name}: block #{i}, field `{field}`");
			let Value::Object(block) = block else {
				return Err(InputError::new(format!("{name}: block #{i}"), "not a JSON object"));
			};
			let consensus = block
				.get("protocolState")
				.and_then(|p| p.get("consensusState"))
				.and_then(Value::as_object)
				.ok_or_else(|| InputError::new(at("protocolState.consensusState"), "missing"))?;
			let height = whole(name, i, None, consensus, "blockHeight")?;
			let slot = whole(name, i, Some(height), consensus, "slotSinceGenesis")?;
			let state_hash = string(name, i, height, block, "stateHash")?;
			let ledger_hash = consensus
				.get("stakingEpochData")
				.and_then(|s| s.get("ledger"))
				.and_then(|l| l.get("hash"))
				.and_then(Value::as_str)
				.map(str::to_string);
			let parent_hash = block
				.get("protocolState")
				.and_then(|p| p.get("previousStateHash"))
				.and_then(Value::as_str)
				.map(str::to_string);
			let chain_status = match block.get("canonical") {
				Some(Value::Bool(true)) => Some("canonical".to_string()),
				Some(Value::Bool(false)) => Some("orphaned".to_string()),
				_ => None,
			};
			let transactions = block
				.get("transactions")
				.and_then(Value::as_object)
				.ok_or_else(|| InputError::new(at("transactions"), "missing"))?;
			let coinbase = nanomina(name, i, height, transactions, "coinbase")?;
			let receiver = transactions
				.get("coinbaseReceiverAccount")
				.and_then(|a| a.get("publicKey"))
				.and_then(Value::as_str);
			let mut to_receiver: Amount = 0;
			let mut from_coinbase: Amount = 0;
			if let Some(Value::Array(transfers)) = transactions.get("feeTransfer") {
				for (j, transfer) in transfers.iter().enumerate() {
					let Value::Object(transfer) = transfer else {
						return Err(InputError::new(
							at(&format!("feeTransfer[{j}]")),
							"not an object",
						));
					};
					let fee = nanomina(name, i, height, transfer, "fee")?;
					let kind = transfer.get("type").and_then(Value::as_str).unwrap_or_default();
					let recipient = transfer.get("recipient").and_then(Value::as_str);
					if receiver.is_none() {
						return Err(InputError::new(
							at("transactions.coinbaseReceiverAccount"),
							"missing: the fee transfers cannot be told apart without it",
						));
					}
					let overflow =
						|| InputError::new(at("transactions.feeTransfer"), "fees overflow");
					// As the public payout tool reads an explorer's answer: every transfer to the
					// coinbase receiver is its fees, every transfer via the coinbase is paid from
					// the coinbase (one to the receiver itself nets out).
					if kind.eq_ignore_ascii_case("Fee_transfer_via_coinbase") {
						from_coinbase = from_coinbase.checked_add(fee).ok_or_else(overflow)?;
					}
					if recipient.is_some() && recipient == receiver {
						to_receiver = to_receiver.checked_add(fee).ok_or_else(overflow)?;
					}
				}
			}
			Ok(SourceBlock {
				height,
				slot,
				state_hash,
				parent_hash,
				staking_ledger_hash: ledger_hash,
				chain_status,
				coinbase,
				fee_transfer_to_receiver: to_receiver,
				fee_transfer_from_coinbase: from_coinbase,
				winner: block
					.get("winnerAccount")
					.and_then(|a| a.get("publicKey"))
					.and_then(Value::as_str)
					.map(str::to_string),
			})
		})
		.collect()
}

/// Which blocks a plan may pay: canonical ones, deep enough below the tip, of the epoch asked for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
	/// The chain's height now and the confirmations a block needs (Mina's `k` is 290).
	pub confirmations: Option<(u64, u64)>,
	/// Only blocks of this epoch (counted from `fork_start_slot`).
	pub epoch: Option<u64>,
	/// The first global slot of the fork the epochs count from (0 before any hard fork).
	pub fork_start_slot: u64,
}

/// Check every block against `selection`; a block that fails is refused with the reason, never
/// dropped silently (an operator wants to know a block will not be paid).
pub fn check(name: &str, blocks: &[SourceBlock], selection: &Selection) -> Result<(), InputError> {
	// Two blocks at one height cannot both be on the canonical chain: one is a fork.
	let mut heights: std::collections::BTreeMap<u64, &str> = std::collections::BTreeMap::new();
	for block in blocks {
		if let Some(other) = heights.insert(block.height, &block.state_hash) {
			if other != block.state_hash {
				return Err(InputError::new(
					format!("{name}: height {}", block.height),
					format!(
						"two blocks, {other} and {}: only one of them can be canonical (select \
						 canonical blocks only, or give their chain status)",
						block.state_hash
					),
				));
			}
		}
	}
	for (i, block) in blocks.iter().enumerate() {
		let at = |field: &str| format!("{name}: block {} (#{i}), field `{field}`", block.height);
		if let Some(status) = &block.chain_status {
			if status != "canonical" {
				return Err(InputError::new(
					at("chainstatus"),
					format!("{status}, not canonical: only blocks of the canonical chain are paid"),
				));
			}
		}
		if let Some((tip, confirmations)) = selection.confirmations {
			let depth = tip.saturating_sub(block.height);
			if block.height > tip || depth < confirmations {
				return Err(InputError::new(
					at("blockheight"),
					format!(
						"{depth} blocks below the tip {tip}: not final before {confirmations} \
						 (pay it in a later run, or lower --confirmations)"
					),
				));
			}
		}
		if let Some(epoch) = selection.epoch {
			let its = block.epoch(selection.fork_start_slot);
			if its != Some(epoch) {
				return Err(InputError::new(
					at("slot"),
					format!(
						"slot {} is in epoch {}, not {epoch} (epochs of {SLOTS_PER_EPOCH} slots \
						 from slot {})",
						block.slot,
						its.map_or_else(|| "before the fork".to_string(), |e| e.to_string()),
						selection.fork_start_slot
					),
				));
			}
		}
	}
	Ok(())
}

/// The first and last global slot of `epoch`.
pub fn epoch_slots(epoch: u64, fork_start_slot: u64) -> Option<(u64, u64)> {
	let first = epoch.checked_mul(SLOTS_PER_EPOCH)?.checked_add(fork_start_slot)?;
	Some((first, first.checked_add(SLOTS_PER_EPOCH)?.checked_sub(1)?))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	const NANO: Amount = 1_000_000_000;

	fn read(bytes: &str) -> Result<Vec<SourceBlock>, InputError> {
		parse("b.json", bytes.as_bytes(), BlocksFormat::Auto, 9, "MINA")
	}

	fn err(bytes: &str) -> String {
		read(bytes).unwrap_err().to_string()
	}

	/// A real archive row: the first block of the public payout tool's epoch-34 fixture (pool
	/// B62qkBqSkXgkirtU3n8HJ9YgwHh3vUD6kGJ5ZRkQYGNPeL5xYL2tL1L).
	const ROW: &str = r#"{"blockheight": 489137, "coinbase": 720000000000,
		"feetransferfromcoinbase": 0, "feetransfertoreceiver": 10000000,
		"globalslotsincegenesis": 809165, "slot": 809165,
		"stakingledgerhash": "jwjmGqiXosGg6Yo9Nz3EnDh9v8iHdbtgAS5KWVyrGAp7cnzavX8",
		"statehash": "3NKf1xm1uCKwJX2Q5Pnms65btjmx5qDGqzK55srUo8T2U8xK1e5u"}"#;

	#[test]
	fn this_tools_blocks_name_their_unit() {
		let blocks = read(
			r#"[{"height": 10, "slot": 120, "state_hash": "a", "coinbase": "1440 MINA", "fees": "0.3 MINA"},
			    {"height": 11, "slot": 150, "state_hash": "b", "coinbase": "720000000000 nanomina"}]"#,
		)
		.unwrap();
		assert_eq!(blocks[0].coinbase, 1440 * NANO);
		assert_eq!(blocks[0].fee_transfer_to_receiver, 300_000_000);
		assert_eq!(blocks[1].coinbase, 720 * NANO);
		assert_eq!(blocks[1].won_block().fees, 0);
		// Named once for the file.
		let blocks = read(r#"{"unit": "nanomina", "blocks": [{"height": 1, "slot": 1, "state_hash": "a", "coinbase": "720000000000"}]}"#).unwrap();
		assert_eq!(blocks[0].coinbase, 720 * NANO);
		let blocks = read(
			r#"{"unit": "MINA", "blocks": [{"height": 1, "slot": 1, "state_hash": "a", "coinbase": 720}]}"#,
		)
		.unwrap();
		assert_eq!(blocks[0].coinbase, 720 * NANO);
	}

	#[test]
	fn a_bare_amount_is_refused_not_guessed() {
		let e =
			err(r#"[{"height": 10, "slot": 120, "state_hash": "a", "coinbase": "720000000000"}]"#);
		assert!(e.contains("block 10 (#0), field `coinbase`"), "{e}");
		assert!(e.contains("does not name its unit"), "{e}");
		assert!(e.contains("\"720000000000 MINA\" or \"720000000000 nanomina\""), "{e}");
		let e = err(r#"[{"height": 10, "slot": 120, "state_hash": "a", "coinbase": "720 PHA"}]"#);
		assert!(e.contains("unknown unit \"PHA\""), "{e}");
		let e = err(r#"{"unit": "mina-ish", "blocks": []}"#);
		assert!(e.contains("unknown `unit`"), "{e}");
		// 1 nanomina is the smallest: a fraction of one cannot be.
		let e = err(r#"[{"height": 1, "slot": 1, "state_hash": "a", "coinbase": "0.5 nanomina"}]"#);
		assert!(e.contains("field `coinbase`"), "{e}");
	}

	#[test]
	fn archive_rows_are_nanomina_as_json_csv_and_from_the_payouts_api() {
		let json = read(&format!("[{ROW}]")).unwrap();
		let b = &json[0];
		assert_eq!((b.height, b.slot), (489_137, 809_165));
		assert_eq!(
			b.staking_ledger_hash.as_deref(),
			Some("jwjmGqiXosGg6Yo9Nz3EnDh9v8iHdbtgAS5KWVyrGAp7cnzavX8")
		);
		let won = b.won_block();
		assert_eq!((won.coinbase, won.fees), (720 * NANO, 10_000_000));

		let api = read(&format!(r#"{{"blocks": [{ROW}], "messages": []}}"#)).unwrap();
		assert_eq!(api, json);

		let csv = "blockheight,statehash,stakingledgerhash,globalslotsincegenesis,coinbase,feetransfertoreceiver,feetransferfromcoinbase\n\
			489137,3NKf1xm1uCKwJX2Q5Pnms65btjmx5qDGqzK55srUo8T2U8xK1e5u,jwjmGqiXosGg6Yo9Nz3EnDh9v8iHdbtgAS5KWVyrGAp7cnzavX8,809165,720000000000,10000000,0\n";
		assert_eq!(read(csv).unwrap(), json);

		// MINA given where nanomina are due.
		let e = err(
			r#"[{"blockheight": 1, "statehash": "a", "globalslotsincegenesis": 1, "coinbase": "720.0"}]"#,
		);
		assert!(e.contains("not a whole number of nanomina (an amount in MINA?)"), "{e}");
		let e = err("blockheight,statehash\n1,a,b\n");
		assert!(e.contains("CSV line 2: 3 fields, the header has 2"), "{e}");
	}

	#[test]
	fn graphql_fees_net_of_snark_work_bought_with_the_coinbase() {
		let answer = r#"{"data": {"blocks": [{
			"stateHash": "3Nx", "canonical": true,
			"protocolState": {"previousStateHash": "3Nw", "consensusState": {
				"blockHeight": 100, "slotSinceGenesis": 7200,
				"stakingEpochData": {"ledger": {"hash": "jxL"}}}},
			"transactions": {"coinbase": "720000000000",
				"coinbaseReceiverAccount": {"publicKey": "B62qPOOL"},
				"feeTransfer": [
					{"fee": "10000000", "recipient": "B62qPOOL", "type": "Fee_transfer"},
					{"fee": "4000000", "recipient": "B62qSNARK", "type": "Fee_transfer_via_coinbase"},
					{"fee": "9", "recipient": "B62qSNARK", "type": "Fee_transfer"}]}}]}}"#;
		let blocks = read(answer).unwrap();
		let b = &blocks[0];
		assert_eq!((b.height, b.slot, b.parent_hash.as_deref()), (100, 7200, Some("3Nw")));
		assert_eq!(
			(b.fee_transfer_to_receiver, b.fee_transfer_from_coinbase),
			(10_000_000, 4_000_000)
		);
		// 720 MINA coinbase, 0.01 - 0.004 MINA of fees.
		let won = b.won_block();
		assert_eq!(won.net_fees(), Some(6_000_000));
		assert_eq!(won.reward(), 720 * NANO + 6_000_000);
		assert!(err(r#"{"errors": [{"message": "boom"}]}"#).contains("reports errors"));
	}

	#[test]
	fn the_tools_json_may_name_the_winner() {
		let blocks = parse(
			"b",
			br#"{"unit": "MINA", "blocks": [{"height": 1, "slot": 2, "state_hash": "h",
			     "coinbase": "1440", "winner": "B62qW"}]}"#,
			BlocksFormat::Tool,
			9,
			"MINA",
		)
		.unwrap();
		assert_eq!(blocks[0].winner.as_deref(), Some("B62qW"));
		assert_eq!(blocks[0].won_block().winner.as_deref(), Some("B62qW"));
	}

	#[test]
	fn snark_work_beyond_the_fees_comes_out_of_the_coinbase() {
		let b = SourceBlock {
			height: 1,
			slot: 1,
			state_hash: "a".into(),
			parent_hash: None,
			staking_ledger_hash: None,
			chain_status: None,
			coinbase: 720 * NANO,
			fee_transfer_to_receiver: 1_000_000,
			fee_transfer_from_coinbase: 3_000_000,
			winner: None,
		};
		let won = b.won_block();
		assert_eq!((won.coinbase, won.fees, won.snark_fees), (720 * NANO, 1_000_000, 3_000_000));
		assert_eq!(won.net_fees(), Some(-2_000_000));
		assert_eq!(won.reward(), 720 * NANO + 1_000_000 - 3_000_000);
	}

	#[test]
	fn blocks_not_final_orphaned_or_of_another_epoch_are_refused() {
		let mut b = read(&format!("[{ROW}]")).unwrap();
		// Epoch 34 after the Berkeley fork (slot 564480): (809165 - 564480) / 7140 = 34.27.
		let berkeley =
			Selection { epoch: Some(34), fork_start_slot: 564_480, ..Default::default() };
		check("b", &b, &berkeley).unwrap();
		let e = check("b", &b, &Selection { epoch: Some(35), ..berkeley.clone() }).unwrap_err();
		assert!(e.to_string().contains("slot 809165 is in epoch 34, not 35"), "{e}");
		assert_eq!(epoch_slots(34, 564_480), Some((807_240, 814_379)));
		// 290 confirmations: height 489137 needs the tip at 489427 or above.
		let deep = Selection { confirmations: Some((489_427, 290)), ..Default::default() };
		check("b", &b, &deep).unwrap();
		let shallow = Selection { confirmations: Some((489_426, 290)), ..Default::default() };
		let e = check("b", &b, &shallow).unwrap_err();
		assert!(e.to_string().contains("289 blocks below the tip 489426"), "{e}");
		b[0].chain_status = Some("orphaned".into());
		let e = check("b", &b, &Selection::default()).unwrap_err();
		assert!(e.to_string().contains("orphaned, not canonical"), "{e}");
		// Two blocks at one height from a source without chain status: a fork.
		let mut fork = read(&format!("[{ROW}]")).unwrap();
		let mut other = fork[0].clone();
		other.state_hash = "3NKother".into();
		fork.push(other);
		let e = check("b", &fork, &Selection::default()).unwrap_err().to_string();
		assert!(e.contains("height 489137: two blocks"), "{e}");
		assert!(e.contains("only one of them can be canonical"), "{e}");
	}

	#[test]
	fn the_formats_are_told_apart_or_named() {
		assert_eq!(detect("b", format!("[{ROW}]").as_bytes()).unwrap(), BlocksFormat::ArchiveJson);
		assert_eq!(detect("b", br#"{"data": {"blocks": []}}"#).unwrap(), BlocksFormat::Graphql);
		assert_eq!(detect("b", br#"{"blocks": []}"#).unwrap(), BlocksFormat::PayoutsApi);
		assert_eq!(detect("b", br#"{"unit": "MINA", "blocks": []}"#).unwrap(), BlocksFormat::Tool);
		assert!(detect("b", b"x,y\n1,2\n").is_err());
		assert_eq!("archive-csv".parse::<BlocksFormat>().unwrap(), BlocksFormat::ArchiveCsv);
		assert!("xml".parse::<BlocksFormat>().unwrap_err().contains("unknown blocks format"));
		assert!(err(r#"[{"height": 1, "slot": 1, "state_hash": "a", "coinbase": "1 MINA"},
			{"height": 2, "slot": 2, "state_hash": "a", "coinbase": "1 MINA"}]"#)
		.contains("listed twice"));
	}
}
