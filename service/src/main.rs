//! `staking-service`: snapshots, odds, unlock points and payouts for pool operators.

use clap::{Args, Parser, Subcommand, ValueEnum};
use staking_service::{
	amount::{self, Amount},
	blocks,
	ledger::{Ledger, Source},
	odds,
	output::write_all,
	payouts::{self, Policy, SignedOffPlan},
	unlock::Unlock,
};
use std::{collections::BTreeMap, path::PathBuf, process::ExitCode};

mod bench;

#[derive(Parser, Debug)]
#[command(name = "staking-service", version, about)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

// Parsed once per run: the size of the largest variant (the payout flags) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
	/// Slot-lottery odds: win probability per slot, expected blocks per epoch and the 5%-95%
	/// band, for one stake or for every account delegating to a key.
	Odds(OddsArgs),
	/// For every timed account of a ledger, the first slot (or block) with nothing locked.
	Unlock(UnlockArgs),
	/// Payout plans for the blocks a delegate won.
	#[command(subcommand)]
	Payouts(PayoutsCommand),
	/// Snapshots of the chain's staking state.
	#[command(subcommand)]
	Snapshot(SnapshotCommand),
	/// Mina epochs and global slots: an epoch's first and last slot (for the archive query), or
	/// the epoch of a slot.
	Epoch(EpochArgs),
	/// Time `payouts plan` and `unlock` on a generated ledger and report peak memory.
	Bench(bench::BenchArgs),
}

#[derive(Args, Debug)]
struct EpochArgs {
	/// The epoch whose slots to print.
	#[arg(long, conflicts_with = "slot", required_unless_present = "slot")]
	epoch: Option<u64>,
	/// A global slot (since genesis) whose epoch to print.
	#[arg(long)]
	slot: Option<u64>,
	/// The first global slot of the hard fork the epochs count from (0: genesis; 564480: the
	/// Berkeley fork).
	#[arg(long, default_value_t = 0)]
	fork_start_slot: u64,
}

#[derive(Subcommand, Debug)]
enum SnapshotCommand {
	/// Export delegators, their stakes per pool, balances and vesting at one block, shaped
	/// like `mina ledger export`, with a header (block, hash, state root) and a content hash.
	Export(ExportArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
	Json,
	Csv,
}

#[derive(Args, Debug)]
struct ExportArgs {
	/// The node's WebSocket endpoint; a comma-separated list fails over between endpoints.
	#[arg(long, env = "URI", default_value = "ws://127.0.0.1:9944")]
	uri: String,
	/// The block number to read at (default: the best block).
	#[arg(long)]
	at: Option<u32>,
	/// Only this pool's delegators and their stakes in it.
	#[arg(long)]
	pool: Option<u64>,
	/// Output format.
	#[arg(long, value_enum, default_value_t = ExportFormat::Json)]
	format: ExportFormat,
	/// Write to this file instead of standard output.
	#[arg(long)]
	out: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
	Json,
	Table,
}

#[derive(Args, Debug)]
struct OddsArgs {
	/// The stake (a decimal amount), with --total.
	#[arg(long, requires = "total", conflicts_with_all = ["ledger", "delegate"])]
	stake: Option<String>,
	/// The total stake of the staking ledger, with --stake.
	#[arg(long, requires = "stake")]
	total: Option<String>,
	/// A ledger file (Mina export or snapshot), with --delegate.
	#[arg(long, requires = "delegate")]
	ledger: Option<PathBuf>,
	/// The delegate whose delegators to list.
	#[arg(long, requires = "ledger")]
	delegate: Option<String>,
	/// The active slot coefficient.
	#[arg(long, default_value_t = odds::MINA_F)]
	f: f64,
	/// Slots per epoch.
	#[arg(long, default_value_t = odds::MINA_SLOTS_PER_EPOCH)]
	slots: u64,
	/// Output format.
	#[arg(long, value_enum, default_value_t = Format::Table)]
	format: Format,
}

#[derive(Args, Debug)]
struct UnlockArgs {
	/// A ledger file (Mina export or snapshot).
	#[arg(long)]
	ledger: PathBuf,
	/// Output format.
	#[arg(long, value_enum, default_value_t = Format::Table)]
	format: Format,
}

#[derive(Subcommand, Debug)]
enum PayoutsCommand {
	/// Compute a plan, print its hash, and write it as JSON and CSV.
	Plan(PlanArgs),
	/// Recompute a plan from the same inputs and check it matches a plan file and its hash.
	Verify {
		/// The plan file to check.
		#[arg(long)]
		plan: PathBuf,
		#[command(flatten)]
		inputs: PlanInputs,
	},
	/// Unsigned Mina payments for a plan (fee, memo, nonces, funds needed), for
	/// service/signer/sign.mjs to sign.
	Batch(BatchArgs),
	/// Send a signed batch to a Mina daemon, journaled so that a crash never pays twice or
	/// skips a payee.
	Send(SendCommandArgs),
	/// Submit sent payments again (a node that lost them from its pool).
	Resend(ResendArgs),
	/// Check that the node has every sent payment of a batch in a block (exit 1 until it
	/// has), and record the blocks in the journal.
	Confirm(ConfirmArgs),
}

#[derive(Args, Debug)]
struct BatchArgs {
	/// The signed-off plan (payouts plan --out).
	#[arg(long)]
	plan: PathBuf,
	/// The sender: the key that pays (and signs).
	#[arg(long)]
	from: String,
	/// The fee of each payment, in MINA (at least 0.001).
	#[arg(long)]
	fee: String,
	/// The memo of each payment (at most 32 bytes).
	#[arg(long, default_value = "")]
	memo: String,
	/// A share class's own memo, CLASS=MEMO (repeatable): the Mina Foundation's program asks
	/// for the MD5 of the pool's key.
	#[arg(long = "class-memo", value_name = "CLASS=MEMO")]
	class_memo: Vec<String>,
	/// mainnet or testnet: the network the payments are signed for.
	#[arg(long, default_value = "mainnet")]
	network: String,
	/// The daemon's GraphQL URL: the sender's next nonce and what it can spend.
	#[arg(long)]
	graphql: Option<String>,
	/// The sender's next nonce (without --graphql; with it, it must agree with the node's).
	#[arg(long)]
	nonce: Option<u32>,
	/// The last global slot at which the payments may be included.
	#[arg(long, default_value_t = u32::MAX)]
	valid_until: u32,
	/// A redirection file (repeatable): `FROM|TO`, `FROM|EXCLUDE`, `FROM|SPLIT|OTHER|SHARE`
	/// per line (a delegation program's substitution list, the operator's own exclusions).
	#[arg(long = "pay-to", value_name = "FILE")]
	pay_to: Vec<PathBuf>,
	/// Print the payments and the funds needed; write nothing.
	#[arg(long)]
	dry_run: bool,
	/// The plan's payment journal: what earlier batches of the plan delivered is left out, and
	/// the batch is registered in it (default: payout-<plan hash>.journal beside --plan,
	/// created if new; one given here must exist).
	#[arg(long)]
	journal: Option<PathBuf>,
	/// Where to write the batch.
	#[arg(long, required_unless_present = "dry_run")]
	out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SendArgs {
	/// The signed batch (service/signer/sign.mjs --out).
	#[arg(long)]
	signed: PathBuf,
	/// The daemon's GraphQL URL (http://127.0.0.1:3085/graphql).
	#[arg(long)]
	graphql: String,
	/// The plan's payment journal (default: the one the batch was registered in, whose path
	/// the batch records).
	#[arg(long)]
	journal: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ConfirmArgs {
	#[command(flatten)]
	send: SendArgs,
	/// Blocks a payment's block must be below the tip. Mina's blocks are final at 290 deep,
	/// but a node keeps only its last 290 blocks, so a payment is looked up there and counted
	/// confirmed at this depth (at most 289).
	#[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(0..=289))]
	confirmations: u64,
	/// A payment whose nonce is used in a block older than the node keeps, checked included in
	/// an explorer (repeatable).
	#[arg(long, value_name = "NONCE")]
	included: Vec<u32>,
}

#[derive(Args, Debug)]
struct SendCommandArgs {
	#[command(flatten)]
	send: SendArgs,
	/// A payment journaled as sending whose nonce the node used without having it: an
	/// explorer shows it included (repeatable).
	#[arg(long, value_name = "NONCE")]
	delivered: Vec<u32>,
	/// Likewise, but no explorer shows it: another transaction took its nonce, its payee is
	/// unpaid by this batch (repeatable).
	#[arg(long, value_name = "NONCE")]
	unpaid: Vec<u32>,
}

#[derive(Args, Debug)]
struct ResendArgs {
	#[command(flatten)]
	send: SendArgs,
	/// The nonces to submit again, A-B (or one nonce).
	#[arg(long)]
	nonces: String,
}

#[derive(Args, Debug)]
struct PlanInputs {
	/// The staking ledger of the epoch (Mina export or snapshot).
	#[arg(long, required_unless_present = "epoch_ledger", conflicts_with = "epoch_ledger")]
	ledger: Option<PathBuf>,
	/// One epoch's staking ledger, EPOCH=FILE or EPOCH=FILE@HASH (repeatable): a plan over
	/// several epochs, each block paid from the ledger of its epoch (counted from
	/// --fork-start-slot); with @HASH, a block of that epoch naming another staking ledger is
	/// refused.
	#[arg(long = "epoch-ledger", value_name = "EPOCH=FILE", conflicts_with_all = ["epoch", "ledger_hash"])]
	epoch_ledger: Vec<String>,
	/// The delegate (block producer key, pool account, pool id or owner) paid for.
	#[arg(long)]
	delegate: String,
	/// The blocks won: this tool's JSON (amounts with their unit: "720 MINA"), archive-node rows
	/// (JSON or CSV, nanomina), the payouts API's or a GraphQL answer (docs/staking-service.md).
	#[arg(long)]
	blocks: PathBuf,
	/// The blocks file's format: auto, tool, archive-json, archive-csv, payouts-api, graphql.
	#[arg(long, default_value = "auto")]
	blocks_format: String,
	/// The chain's height now: blocks fewer than --confirmations below it are refused.
	#[arg(long)]
	tip_height: Option<u64>,
	/// Confirmations a block needs, with --tip-height (Mina's k).
	#[arg(long, default_value_t = 290, requires = "tip_height")]
	confirmations: u64,
	/// Only blocks of this epoch are accepted (Mina: 7140 slots from --fork-start-slot).
	#[arg(long)]
	epoch: Option<u64>,
	/// The first global slot of the hard fork the epochs count from (0: genesis; 564480: the
	/// Berkeley fork).
	#[arg(long, default_value_t = 0)]
	fork_start_slot: u64,
	/// Where to round down: per-plan (once per delegator) or per-block (once per block and
	/// delegator, the commission inside the floor: the public payout tools' rule).
	#[arg(long, default_value = "per-plan")]
	rounding: String,
	/// Who shares the fees: all (every delegator shares each block's whole reward), common
	/// (the coinbase to all, the fees net of SNARK work only to delegators in no share class),
	/// keep (the coinbase to all, the fees to the operator).
	#[arg(long, default_value = "all")]
	fees: String,
	/// With --supercharge-base: a share class whose won slots burn the bonus (repeatable): a
	/// supercharged block won by the stake of one of its keys pays its bonus to --burn-address
	/// (the delegation programs' rule for the Foundation's and investors' stake).
	#[arg(long = "burn-bonus-won-by", value_name = "CLASS")]
	burn_bonus_won_by: Vec<String>,
	/// Where burned amounts are paid.
	#[arg(long, default_value = payouts::BURN_ADDRESS)]
	burn_address: String,
	/// The staking ledger's hash: a block won with another ledger is refused.
	#[arg(long)]
	ledger_hash: Option<String>,
	/// Default commission: "5%" or "0.05".
	#[arg(long, default_value = "0%")]
	commission: String,
	/// A per-account commission, PK=RATE (repeatable).
	#[arg(long = "account-commission", value_name = "PK=RATE")]
	account_commission: Vec<String>,
	/// A share class, NAME:RATE:FILE (repeatable): every key of the address list FILE that the
	/// ledger holds pays commission RATE (a key's own --account-commission wins).
	#[arg(long = "share-class", value_name = "NAME:RATE:FILE")]
	share_class: Vec<String>,
	/// Payouts below this amount are carried to the next plan.
	#[arg(long, default_value = "0")]
	min_payout: String,
	/// The carry-out ledger of the previous plan (after its payments were confirmed).
	#[arg(long)]
	carry_in: Option<PathBuf>,
	/// Turn on the unlocked-stake bonus: what a block's coinbase pays above this amount goes
	/// to the delegators with nothing locked at its slot.
	#[arg(long)]
	supercharge_base: Option<String>,
}

#[derive(Args, Debug)]
struct PlanArgs {
	#[command(flatten)]
	inputs: PlanInputs,
	/// Where to write the plan (JSON, with its hash).
	#[arg(long, default_value = "payout-plan.json")]
	out: PathBuf,
	/// Where to write the plan as CSV.
	#[arg(long, default_value = "payout-plan.csv")]
	csv: PathBuf,
	/// Where to write the carry-out ledger for the next plan.
	#[arg(long, default_value = "payout-carry.json")]
	carry_out: PathBuf,
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
	std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn load_ledger(path: &PathBuf) -> Result<Ledger, String> {
	Ledger::parse(&path.display().to_string(), &read(path)?).map_err(|e| e.to_string())
}

fn parse_amount(flag: &str, text: &str, decimals: u32) -> Result<Amount, String> {
	amount::parse(text, decimals).map_err(|e| format!("{flag} {text:?}: {e}"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, String> {
	serde_json::to_string_pretty(value).map_err(|e| e.to_string())
}

fn run_odds(args: OddsArgs) -> Result<(), String> {
	#[derive(serde::Serialize)]
	struct Row {
		pk: String,
		stake: String,
		#[serde(flatten)]
		odds: odds::Odds,
	}
	let (rows, total, decimals) = match (&args.stake, &args.total, &args.ledger, &args.delegate) {
		(Some(stake), Some(total), _, _) => {
			let d = staking_service::ledger::MINA_DECIMALS;
			let s = parse_amount("--stake", stake, d)?;
			let t = parse_amount("--total", total, d)?;
			let max = staking_service::ledger::MINA_MAX_AMOUNT;
			if s > max || t > max {
				return Err(format!(
					"--stake and --total are MINA amounts: at most {} (a u64 of nanomina)",
					amount::format(max, d)
				));
			}
			let o = odds::odds(s, t, args.f, args.slots).map_err(|e| e.to_string())?;
			(vec![Row { pk: "stake".into(), stake: amount::format(s, d), odds: o }], t, d)
		},
		(_, _, Some(ledger), Some(delegate)) => {
			let ledger = load_ledger(ledger)?;
			if !ledger.knows_delegate(delegate) {
				return Err(format!(
					"no account of the ledger delegates to {delegate} (check --delegate)"
				));
			}
			let total = ledger.total_stake();
			let d = ledger.decimals;
			let mut rows = Vec::new();
			let mut delegated: Amount = 0;
			for account in &ledger.accounts {
				let stake = account.stake_for(delegate);
				if stake == 0 {
					continue;
				}
				delegated = delegated.saturating_add(stake);
				let o = odds::odds(stake, total, args.f, args.slots).map_err(|e| e.to_string())?;
				rows.push(Row { pk: account.pk.clone(), stake: amount::format(stake, d), odds: o });
			}
			let o = odds::odds(delegated, total, args.f, args.slots).map_err(|e| e.to_string())?;
			rows.push(Row {
				pk: format!("{delegate} (all)"),
				stake: amount::format(delegated, d),
				odds: o,
			});
			(rows, total, d)
		},
		_ => return Err("give --stake and --total, or --ledger and --delegate".into()),
	};
	match args.format {
		Format::Json => {
			#[derive(serde::Serialize)]
			struct Out<'a> {
				total: String,
				f: f64,
				slots: u64,
				accounts: &'a [Row],
			}
			println!(
				"{}",
				json(&Out {
					total: amount::format(total, decimals),
					f: args.f,
					slots: args.slots,
					accounts: &rows
				})?
			);
		},
		Format::Table => {
			println!(
				"total stake {}, f = {}, {} slots per epoch",
				amount::format(total, decimals),
				args.f,
				args.slots
			);
			println!(
				"{:<58} {:>22} {:>14} {:>14} {:>12}",
				"account", "stake", "per slot", "blocks/epoch", "5%-95%"
			);
			for r in &rows {
				println!(
					"{:<58} {:>22} {:>14.10} {:>14.2} {:>12}",
					r.pk,
					r.stake,
					r.odds.per_slot,
					r.odds.expected_blocks,
					format!("{}-{}", r.odds.p05_blocks, r.odds.p95_blocks)
				);
			}
		},
	}
	Ok(())
}

fn run_unlock(args: UnlockArgs) -> Result<(), String> {
	let ledger = load_ledger(&args.ledger)?;
	let unit = match ledger.source {
		Source::Mina => "slot",
		Source::Snapshot(_) => "block",
	};
	#[derive(serde::Serialize)]
	struct Row {
		pk: String,
		/// The slot or block number, or "never".
		unlock: String,
		unit: &'static str,
		locked_initially: String,
	}
	let mut rows = Vec::new();
	for account in &ledger.accounts {
		let timings = account.timings();
		if timings.is_empty() {
			continue;
		}
		let locked = timings.iter().fold(0u128, |s, t| s.saturating_add(t.initial_minimum_balance));
		rows.push(Row {
			pk: account.pk.clone(),
			unlock: match account.unlock() {
				Unlock::At(at) => at.to_string(),
				Unlock::Never => "never".into(),
			},
			unit,
			locked_initially: amount::format(locked, ledger.decimals),
		});
	}
	match args.format {
		Format::Json => println!("{}", json(&rows)?),
		Format::Table => {
			println!(
				"{:<58} {:>22} {:>12}",
				"account",
				"locked initially",
				format!("unlock {unit}")
			);
			for r in &rows {
				println!("{:<58} {:>22} {:>12}", r.pk, r.locked_initially, r.unlock);
			}
		},
	}
	Ok(())
}

fn make_plan(inputs: &PlanInputs) -> Result<payouts::Plan, String> {
	// One ledger, or one per epoch.
	let mut ledgers: BTreeMap<Option<u64>, Ledger> = BTreeMap::new();
	let mut epoch_hashes: BTreeMap<u64, String> = BTreeMap::new();
	if let Some(path) = &inputs.ledger {
		ledgers.insert(None, load_ledger(path)?);
	}
	for entry in &inputs.epoch_ledger {
		let (epoch, path) = entry
			.split_once('=')
			.ok_or_else(|| format!("--epoch-ledger {entry:?}: expected EPOCH=FILE[@HASH]"))?;
		// A staking-ledger hash after the last '@' (base58: no '/' or '.').
		let (path, hash) = match path.rsplit_once('@') {
			Some((file, hash))
				if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_alphanumeric()) =>
			{
				(file, Some(hash))
			},
			_ => (path, None),
		};
		let epoch: u64 =
			epoch.parse().map_err(|_| format!("--epoch-ledger {entry:?}: bad epoch {epoch:?}"))?;
		if ledgers.insert(Some(epoch), load_ledger(&PathBuf::from(path))?).is_some() {
			return Err(format!("--epoch-ledger: epoch {epoch} given twice"));
		}
		if let Some(hash) = hash {
			epoch_hashes.insert(epoch, hash.to_string());
		}
	}
	let ledger = ledgers.values().next().ok_or("give --ledger or --epoch-ledger")?;
	let kind = |l: &Ledger| (l.decimals, std::mem::discriminant(&l.source));
	if ledgers.values().any(|l| kind(l) != kind(ledger)) {
		return Err("--epoch-ledger: the ledgers are not all Mina exports, or all snapshots with \
		            the same decimals"
			.into());
	}
	let d = ledger.decimals;
	let blocks_name = inputs.blocks.display().to_string();
	let bytes = read(&inputs.blocks)?;
	let format = blocks::resolve(&blocks_name, &bytes, inputs.blocks_format.parse()?)
		.map_err(|e| e.to_string())?;
	let symbol = match &ledger.source {
		Source::Mina => "MINA".to_string(),
		Source::Snapshot(header) => header.token_symbol.clone(),
	};
	let source_blocks =
		blocks::parse(&blocks_name, &bytes, format, d, &symbol).map_err(|e| e.to_string())?;
	if format != blocks::BlocksFormat::Tool && !matches!(ledger.source, Source::Mina) {
		return Err(format!(
			"{blocks_name}: Mina's blocks (nanomina) cannot be paid from a chain snapshot"
		));
	}
	let selection = blocks::Selection {
		confirmations: inputs.tip_height.map(|tip| (tip, inputs.confirmations)),
		epoch: inputs.epoch,
		fork_start_slot: inputs.fork_start_slot,
	};
	blocks::check(&blocks_name, &source_blocks, &selection).map_err(|e| e.to_string())?;
	// A source that cannot tell whether a block is final needs the tip to count confirmations.
	if format != blocks::BlocksFormat::Tool && inputs.tip_height.is_none() {
		if let Some(block) = source_blocks.iter().find(|b| b.chain_status.is_none()) {
			return Err(format!(
				"{blocks_name}: block {} has no chain status: give --tip-height (the chain's \
				 height now) so that blocks fewer than --confirmations deep are refused",
				block.height
			));
		}
	}
	// Each block is paid from the ledger it was won with: one ledger per plan, or per epoch.
	let hashes: std::collections::BTreeSet<&str> =
		source_blocks.iter().filter_map(|b| b.staking_ledger_hash.as_deref()).collect();
	if hashes.len() > 1 && inputs.epoch_ledger.is_empty() {
		return Err(format!(
			"{blocks_name}: the blocks were won with {} staking ledgers ({}): give each epoch's \
			 ledger (--epoch-ledger EPOCH=FILE), or plan each epoch apart (--epoch, --ledger-hash)",
			hashes.len(),
			hashes.iter().copied().collect::<Vec<_>>().join(", ")
		));
	}
	if let Some(want) = &inputs.ledger_hash {
		for (i, block) in source_blocks.iter().enumerate() {
			match &block.staking_ledger_hash {
				Some(hash) if hash == want => {},
				Some(hash) => {
					return Err(format!(
						"{blocks_name}: block {} (#{i}) was won with staking ledger {hash}, not \
						 --ledger-hash {want}: pay it from its own epoch's ledger",
						block.height
					))
				},
				None => {
					return Err(format!(
						"{blocks_name}: block {} (#{i}) names no staking ledger: --ledger-hash \
						 cannot be checked",
						block.height
					))
				},
			}
		}
	}
	let blocks: Vec<payouts::WonBlock> =
		source_blocks.iter().map(blocks::SourceBlock::won_block).collect();
	if matches!(ledger.source, Source::Mina) {
		payouts::check_mina_blocks(&blocks_name, &blocks).map_err(|e| e.to_string())?;
	}
	let mut commissions = BTreeMap::new();
	for entry in &inputs.account_commission {
		let (pk, rate) = entry
			.split_once('=')
			.ok_or_else(|| format!("--account-commission {entry:?}: expected PK=RATE"))?;
		let rate =
			payouts::parse_rate(rate).map_err(|e| format!("--account-commission {pk}: {e}"))?;
		// A rate for a key the ledger does not hold is a typo that would go unnoticed.
		if !ledgers.values().any(|l| l.accounts.iter().any(|a| a.pk == pk)) {
			return Err(format!("--account-commission {pk}: no such account in the ledger"));
		}
		if commissions.insert(pk.to_string(), rate).is_some() {
			return Err(format!("--account-commission {pk}: given twice"));
		}
	}
	// Share classes: their keys that the ledger holds, unless negotiated on their own.
	let negotiated: std::collections::BTreeSet<String> = commissions.keys().cloned().collect();
	let held: std::collections::BTreeSet<&str> =
		ledgers.values().flat_map(|l| l.accounts.iter().map(|a| a.pk.as_str())).collect();
	let mut class_of: BTreeMap<String, String> = BTreeMap::new();
	for text in &inputs.share_class {
		let class = staking_service::policy::parse_class_flag(text)?;
		let path = PathBuf::from(&class.file);
		let keys = staking_service::policy::parse_address_list(&class.file, &read(&path)?)
			.map_err(|e| e.to_string())?;
		for key in keys {
			if let Some(other) = class_of.insert(key.clone(), class.name.clone()) {
				if other != class.name {
					return Err(format!(
						"{key} is in two share classes, {other} and {}: which commission applies?",
						class.name
					));
				}
			}
			if held.contains(key.as_str()) && !negotiated.contains(&key) {
				commissions.insert(key, class.rate);
			}
		}
	}
	// Classes whose won slots burn the bonus: they must be classes given.
	let mut burn_bonus_won_by = std::collections::BTreeSet::new();
	for class in &inputs.burn_bonus_won_by {
		if inputs.supercharge_base.is_none() {
			return Err(format!(
				"--burn-bonus-won-by {class}: there is no bonus to burn without --supercharge-base"
			));
		}
		if !class_of.values().any(|c| c == class) {
			return Err(format!("--burn-bonus-won-by {class}: no --share-class of that name"));
		}
		burn_bonus_won_by.insert(class.clone());
	}
	let policy = Policy {
		default_commission: payouts::parse_rate(&inputs.commission)
			.map_err(|e| format!("--commission: {e}"))?,
		commissions,
		min_payout: parse_amount("--min-payout", &inputs.min_payout, d)?,
		supercharge_base: inputs
			.supercharge_base
			.as_deref()
			.map(|b| parse_amount("--supercharge-base", b, d))
			.transpose()?,
		rounding: inputs.rounding.parse()?,
		fees: inputs.fees.parse()?,
		classes: class_of,
		burn_bonus_won_by,
		burn_address: inputs.burn_address.clone(),
	};
	let carry_in = match &inputs.carry_in {
		Some(path) => payouts::parse_carry(&path.display().to_string(), &read(path)?, d)
			.map_err(|e| e.to_string())?,
		None => BTreeMap::new(),
	};
	// The blocks of each ledger: all of them, or those of its epoch.
	let mut groups: BTreeMap<Option<u64>, Vec<payouts::WonBlock>> = BTreeMap::new();
	for (source, block) in source_blocks.iter().zip(blocks) {
		let key = if inputs.epoch_ledger.is_empty() {
			None
		} else {
			let epoch = source.epoch(inputs.fork_start_slot).ok_or_else(|| {
				format!(
					"{blocks_name}: block {} is before --fork-start-slot {}",
					source.height, inputs.fork_start_slot
				)
			})?;
			if !ledgers.contains_key(&Some(epoch)) {
				return Err(format!(
					"{blocks_name}: block {} is of epoch {epoch}, which has no --epoch-ledger",
					source.height
				));
			}
			Some(epoch)
		};
		groups.entry(key).or_default().push(block);
	}
	for epoch in groups.keys() {
		// Mina's blocks of one epoch are all won with its one staking ledger.
		let hashes: std::collections::BTreeSet<&str> = source_blocks
			.iter()
			.filter(|b| epoch.is_none() || b.epoch(inputs.fork_start_slot) == *epoch)
			.filter_map(|b| b.staking_ledger_hash.as_deref())
			.collect();
		if let (Some(epoch), true) = (epoch, hashes.len() > 1) {
			return Err(format!(
				"{blocks_name}: the blocks of epoch {epoch} name {} staking ledgers: {}",
				hashes.len(),
				hashes.into_iter().collect::<Vec<_>>().join(", ")
			));
		}
		// The ledger given for the epoch is the one its blocks were won with.
		if let Some(want) = epoch.and_then(|e| epoch_hashes.get(&e)) {
			for block in source_blocks.iter().filter(|b| b.epoch(inputs.fork_start_slot) == *epoch)
			{
				match &block.staking_ledger_hash {
					Some(hash) if hash == want => {},
					Some(hash) => {
						return Err(format!(
							"{blocks_name}: block {} was won with staking ledger {hash}, not the \
							 {want} given for its epoch: swapped ledger files?",
							block.height
						))
					},
					None => {
						return Err(format!(
							"{blocks_name}: block {} names no staking ledger: @{want} cannot be \
							 checked",
							block.height
						))
					},
				}
			}
		}
	}
	if let Some(epoch) = ledgers.keys().flatten().find(|e| !groups.contains_key(&Some(**e))) {
		return Err(format!(
			"--epoch-ledger {epoch}: no block of epoch {epoch} is in {blocks_name} (check the \
			 epochs, or drop it)"
		));
	}
	let epochs: Vec<(&Ledger, &[payouts::WonBlock])> = groups
		.iter()
		.filter_map(|(epoch, blocks)| ledgers.get(epoch).map(|l| (l, blocks.as_slice())))
		.collect();
	payouts::plan_epochs(&epochs, &inputs.delegate, &policy, &carry_in).map_err(|e| e.to_string())
}

fn run_payouts(command: PayoutsCommand) -> Result<(), String> {
	match command {
		PayoutsCommand::Plan(args) => {
			let plan = make_plan(&args.inputs)?;
			// The three outputs are independent: serialise them side by side.
			let ((plan_json, hash), csv, carry_json) = std::thread::scope(|scope| {
				let csv = scope.spawn(|| plan.to_csv().into_bytes());
				let carry = scope.spawn(|| json(&plan.carry_out()));
				let file = plan.to_file();
				let csv = csv.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
				let carry = carry.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
				(file, csv, carry)
			});
			let mut carry_json = carry_json?.into_bytes();
			carry_json.push(b'\n');
			write_all(&[
				(args.out.clone(), plan_json),
				(args.csv.clone(), csv),
				(args.carry_out.clone(), carry_json),
			])?;
			let t = &plan.totals;
			println!("delegate      {}", plan.delegate);
			println!("blocks        {}", plan.blocks.len());
			println!("distributable {} (bonus {})", t.distributable, t.bonus);
			println!("carried in    {}", t.carry_in);
			println!(
				"paid          {} to {} accounts",
				t.paid,
				plan.lines.iter().filter(|l| l.payout != "0").count()
			);
			println!("carried out   {}", t.carry_out);
			println!("commission    {}", t.commission);
			println!("dust          {}", t.dust);
			println!("plan hash     {hash}");
			println!(
				"written       {}, {}, {}",
				args.out.display(),
				args.csv.display(),
				args.carry_out.display()
			);
			Ok(())
		},
		PayoutsCommand::Batch(args) => run_batch(args),
		PayoutsCommand::Send(args) => run_send(args),
		PayoutsCommand::Resend(args) => run_resend(args),
		PayoutsCommand::Confirm(args) => run_confirm(args),
		PayoutsCommand::Verify { plan, inputs } => {
			let bytes = read(&plan)?;
			let file: SignedOffPlan = serde_json::from_slice(&bytes)
				.map_err(|e| format!("{}: not a payout plan: {e}", plan.display()))?;
			if file.plan.hash() != file.plan_hash {
				return Err(format!(
					"{}: the plan was edited: its content hashes to {}, not the recorded {}",
					plan.display(),
					file.plan.hash(),
					file.plan_hash
				));
			}
			let recomputed = make_plan(&inputs)?;
			let hash = recomputed.hash();
			if recomputed.rounding != file.plan.rounding {
				let name = |r: &Option<String>| r.clone().unwrap_or_else(|| "per-plan".into());
				return Err(format!(
					"{}: the plan rounds {}, these inputs {} (--rounding)",
					plan.display(),
					name(&file.plan.rounding),
					name(&recomputed.rounding)
				));
			}
			if recomputed.fees != file.plan.fees {
				let name = |r: &Option<String>| r.clone().unwrap_or_else(|| "all".into());
				return Err(format!(
					"{}: the plan shares fees with {}, these inputs with {} (--fees)",
					plan.display(),
					name(&file.plan.fees),
					name(&recomputed.fees)
				));
			}
			if hash != file.plan_hash {
				return Err(format!(
					"{}: plan hash {} does not match the plan recomputed from these inputs ({hash})",
					plan.display(),
					file.plan_hash
				));
			}
			println!("ok: {} matches its inputs, plan hash {hash}", plan.display());
			Ok(())
		},
	}
}

/// Read a signed batch and open its journal.
fn signed_and_journal(
	args: &SendArgs,
) -> Result<(staking_service::payments::SignedBatch, staking_service::payments::Journal), String> {
	use staking_service::payments;
	let bytes = read(&args.signed)?;
	let signed: payments::SignedBatch = serde_json::from_slice(&bytes)
		.map_err(|e| format!("{}: not a signed batch: {e}", args.signed.display()))?;
	payments::check_signed(&signed).map_err(|e| format!("{}: {e}", args.signed.display()))?;
	// The journal the batch was registered in, unless another is given.
	let path = args.journal.clone().unwrap_or_else(|| PathBuf::from(&signed.batch.journal));
	let journal = payments::Journal::open(&path, &signed.batch.plan_hash)?;
	Ok((signed, journal))
}

fn run_batch(args: BatchArgs) -> Result<(), String> {
	use staking_service::{graphql::Daemon, payments};
	let bytes = read(&args.plan)?;
	let file: SignedOffPlan = serde_json::from_slice(&bytes)
		.map_err(|e| format!("{}: not a payout plan: {e}", args.plan.display()))?;
	let mut class_memos = BTreeMap::new();
	for entry in &args.class_memo {
		let (class, memo) = entry
			.split_once('=')
			.ok_or_else(|| format!("--class-memo {entry:?}: expected CLASS=MEMO"))?;
		if class_memos.insert(class.to_string(), memo.to_string()).is_some() {
			return Err(format!("--class-memo {class}: given twice"));
		}
	}
	let fee = parse_amount("--fee", &args.fee, 9)?;
	let mut pay_to = BTreeMap::new();
	for path in &args.pay_to {
		staking_service::policy::parse_pay_to(
			&path.display().to_string(),
			&read(path)?,
			&mut pay_to,
		)
		.map_err(|e| e.to_string())?;
	}
	// The sender as the node knows it, if asked.
	// The sender as the node knows it, and what its pooled transactions will spend.
	let account = match &args.graphql {
		Some(url) => {
			let mut daemon = staking_service::graphql::HttpDaemon::new(url)?;
			let account = daemon.account(&args.from)?.ok_or_else(|| {
				format!("the node has no account {}: nothing can be sent from it", args.from)
			})?;
			let pending =
				daemon.pooled(&args.from)?.iter().fold(0u128, |s, c| s.saturating_add(c.spends));
			Some((account, pending))
		},
		None => None,
	};
	let first_nonce = match (account.as_ref().map(|(a, _)| a), args.nonce) {
		(Some(a), Some(n)) if a.inferred_nonce != n => {
			return Err(format!(
				"--nonce {n}: the node's next nonce for {} is {}",
				args.from, a.inferred_nonce
			))
		},
		(Some(a), _) => a.inferred_nonce,
		(None, Some(n)) => n,
		(None, None) => {
			return Err("give --graphql (the node tells the sender's next nonce) or --nonce".into())
		},
	};
	// The plan's journal, beside the plan file: what earlier batches delivered is left out.
	// Created there (with the plan's payouts) when new; one given with --journal must exist.
	// A dry run only reads it.
	let journal_path = match &args.journal {
		Some(path) => std::path::absolute(path).unwrap_or_else(|_| path.clone()),
		None => payments::journal_path(&args.plan, &file.plan_hash),
	};
	let mut journal = if args.journal.is_some() {
		Some(payments::Journal::open(&journal_path, &file.plan_hash)?)
	} else if args.dry_run {
		journal_path
			.exists()
			.then(|| payments::Journal::open(&journal_path, &file.plan_hash))
			.transpose()?
	} else {
		Some(payments::Journal::create_or_open(
			&journal_path,
			&file.plan_hash,
			&payments::owed(&file)?,
		)?)
	};
	let (delivered, in_flight) = journal.as_ref().map(|j| j.delivered()).unwrap_or_default();
	let options = payments::BatchOptions {
		from: args.from.clone(),
		fee,
		memo: args.memo.clone(),
		class_memos,
		network: args.network.clone(),
		first_nonce,
		valid_until: args.valid_until,
		pay_to,
		delivered,
		in_flight,
		journal: journal_path.display().to_string(),
	};
	let (batch_file, left_out) = payments::make_batch(&file, &options)
		.map_err(|e| format!("{}: {e}", args.plan.display()))?;
	let batch = &batch_file.batch;
	let mina = |text: &str| amount::format(text.parse::<Amount>().unwrap_or_default(), 9);
	let last = batch.payments.last().map(|p| p.nonce.as_str()).unwrap_or_default();
	println!("plan          {}", batch.plan_hash);
	println!("sender        {} ({})", batch.from, batch.network);
	println!("payments      {} (nonces {first_nonce}-{last})", batch.count);
	if left_out.sender {
		println!("              the sender's own payout is not sent (it would move nothing)");
	}
	if left_out.paid > 0 || left_out.partly_paid > 0 {
		println!(
			"              {} delegators left out, paid by earlier batches, {} paid in part \
			 ({})",
			left_out.paid,
			left_out.partly_paid,
			journal_path.display()
		);
	}
	let redirected = batch.payments.iter().filter(|p| p.for_account.is_some()).count();
	if redirected > 0 {
		println!(
			"              {redirected} of them to another key than the delegator's (--pay-to)"
		);
	}
	if !batch.excluded.is_empty() {
		let kept = batch
			.excluded
			.iter()
			.fold(0u128, |s, e| s.saturating_add(e.amount.parse::<Amount>().unwrap_or_default()));
		println!(
			"excluded      {} payouts, {} MINA not paid (--pay-to)",
			batch.excluded.len(),
			amount::format(kept, 9)
		);
	}
	println!("amounts       {} MINA", mina(&batch.amount));
	println!("fees          {} MINA", mina(&batch.fees));
	println!("funds needed  {} MINA", mina(&batch.needed));
	let needed: Amount = batch.needed.parse().unwrap_or_default();
	if let Some((account, pending)) = &account {
		// What its transactions waiting in the pool will take is not there to spend.
		let available = account.liquid.saturating_sub(*pending);
		println!(
			"sender can spend {} MINA (after {} MINA waiting in the pool)",
			amount::format(available, 9),
			amount::format(*pending, 9)
		);
		if available < needed {
			let short = amount::format(needed.saturating_sub(available), 9);
			if !args.dry_run {
				return Err(format!(
					"{} can spend {} MINA, the batch needs {} MINA ({short} MINA short): no \
					 batch written",
					batch.from,
					amount::format(available, 9),
					mina(&batch.needed)
				));
			}
			println!("short by      {short} MINA");
		}
	}
	if args.dry_run {
		println!("dry run: nothing written");
		return Ok(());
	}
	let out = args.out.ok_or("--out is required")?;
	// Registered in the plan's journal before the batch file exists: a batch is never sent
	// without its journal knowing it.
	let mut journal = journal.take().ok_or("no journal")?;
	journal.register(&batch_file.batch_hash)?;
	write_all(&[(out.clone(), json(&batch_file)?.into_bytes())])?;
	println!("batch hash    {}", batch_file.batch_hash);
	println!("written       {}", out.display());
	println!("journal       {}", journal_path.display());
	println!(
		"next          node service/signer/sign.mjs --batch {} --expect-hash {} --key-file KEY \
		 --out SIGNED",
		out.display(),
		batch_file.batch_hash
	);
	Ok(())
}

fn run_send(args: SendCommandArgs) -> Result<(), String> {
	use staking_service::payments;
	let (signed, mut journal) = signed_and_journal(&args.send)?;
	let mut daemon = staking_service::graphql::HttpDaemon::new(&args.send.graphql)?;
	let verdicts = payments::Verdicts { delivered: args.delivered, unpaid: args.unpaid };
	let report = payments::send(&signed, &mut daemon, &mut journal, &verdicts, &mut |line| {
		println!("{line}")
	})?;
	println!(
		"done: {} sent now, {} found delivered, {} sent before, {} lost; batch {}",
		report.sent, report.delivered, report.already, report.lost, signed.batch_hash
	);
	if report.lost > 0 {
		println!(
			"{} payees are unpaid by this batch: make a new batch of the plan (it leaves out \
			 the payees its journal shows paid)",
			report.lost
		);
	} else {
		println!(
			"all {} payments are with the node: payouts confirm checks them in blocks",
			signed.batch.count
		);
	}
	Ok(())
}

fn run_confirm(args: ConfirmArgs) -> Result<(), String> {
	use staking_service::payments;
	let (signed, mut journal) = signed_and_journal(&args.send)?;
	let mut daemon = staking_service::graphql::HttpDaemon::new(&args.send.graphql)?;
	let all = payments::confirm(
		&signed,
		&mut daemon,
		&mut journal,
		args.confirmations,
		&args.included,
		&mut |line| println!("{line}"),
	)?;
	if !all {
		return Err("not every payment of the batch is confirmed: see above".into());
	}
	println!(
		"confirmed: every payment of batch {} is in a block at least {} deep",
		signed.batch_hash, args.confirmations
	);
	Ok(())
}

fn run_resend(args: ResendArgs) -> Result<(), String> {
	use staking_service::payments;
	let range = match args.nonces.split_once('-') {
		Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
		None => (args.nonces.trim().parse::<u32>(), args.nonces.trim().parse::<u32>()),
	};
	let (Ok(from), Ok(to)) = range else {
		return Err(format!("--nonces {:?}: expected A-B or one nonce", args.nonces));
	};
	if from > to {
		return Err(format!("--nonces {}: the first is above the last", args.nonces));
	}
	let (signed, mut journal) = signed_and_journal(&args.send)?;
	let mut daemon = staking_service::graphql::HttpDaemon::new(&args.send.graphql)?;
	let resent = payments::resend(&signed, &mut daemon, &mut journal, (from, to), &mut |line| {
		println!("{line}")
	})?;
	println!("done: {resent} payments accepted again");
	Ok(())
}

fn run_export(args: ExportArgs) -> Result<(), String> {
	use std::io::IsTerminal;
	let options =
		staking_service::chain::ExportOptions { uri: args.uri, at: args.at, pool: args.pool };
	let bar = std::io::stderr().is_terminal().then(|| {
		let bar = indicatif::ProgressBar::new(0);
		bar.set_style(
			indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} accounts {elapsed}")
				.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
		);
		bar
	});
	let runtime = tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.build()
		.map_err(|e| format!("cannot start the async runtime: {e}"))?;
	let snapshot = runtime.block_on(staking_service::chain::export(&options, |done, total| {
		if let Some(bar) = &bar {
			bar.set_length(total);
			bar.set_position(done);
		}
	}))?;
	if let Some(bar) = bar {
		bar.finish_and_clear();
	}
	let bytes = match args.format {
		ExportFormat::Json => {
			let mut bytes = json(&snapshot)?.into_bytes();
			bytes.push(b'\n');
			bytes
		},
		ExportFormat::Csv => staking_service::chain::to_csv(&snapshot).into_bytes(),
	};
	match &args.out {
		Some(path) => write_all(&[(path.clone(), bytes)])?,
		None => {
			use std::io::Write;
			std::io::stdout().write_all(&bytes).map_err(|e| format!("cannot write: {e}"))?;
		},
	}
	let h = &snapshot.header;
	eprintln!(
		"{} accounts at block {} ({}), state root {}, content hash {}",
		snapshot.accounts.len(),
		h.block_number,
		h.block_hash,
		h.state_root,
		snapshot.content_hash
	);
	Ok(())
}

fn run_epoch(args: EpochArgs) -> Result<(), String> {
	let epoch = match (args.epoch, args.slot) {
		(Some(epoch), _) => epoch,
		(None, Some(slot)) => slot
			.checked_sub(args.fork_start_slot)
			.and_then(|s| s.checked_div(blocks::SLOTS_PER_EPOCH))
			.ok_or_else(|| {
				format!("slot {slot} is before the fork's first slot {}", args.fork_start_slot)
			})?,
		(None, None) => return Err("give --epoch or --slot".into()),
	};
	let (first, last) = blocks::epoch_slots(epoch, args.fork_start_slot)
		.filter(|&(_, last)| last <= staking_service::ledger::MINA_MAX_SLOT)
		.ok_or_else(|| format!("epoch {epoch} is beyond Mina's last slot"))?;
	println!(
		"epoch {epoch}: global slots {first} to {last} ({} slots from slot {})",
		blocks::SLOTS_PER_EPOCH,
		args.fork_start_slot
	);
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let result = match cli.command {
		Command::Odds(args) => run_odds(args),
		Command::Unlock(args) => run_unlock(args),
		Command::Payouts(command) => run_payouts(command),
		Command::Snapshot(SnapshotCommand::Export(args)) => run_export(args),
		Command::Epoch(args) => run_epoch(args),
		Command::Bench(args) => bench::run(args),
	};
	if std::env::var_os(bench::REPORT_PEAK).is_some() {
		if let Some(kib) = bench::peak_rss_kib() {
			eprintln!("peak_rss_kib {kib}");
		}
	}
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
