//! Payout plans: who gets what of the blocks a delegate won, in integer arithmetic.
//!
//! For a delegate `K`, its delegators are the accounts staking with it in the ledger, each with
//! stake `s_i` (total `S`). The blocks won give a distributable total `R` (coinbase plus fees
//! of each block). Then, in smallest units and always rounding down:
//!
//! 1. `gross_i = floor(R_base * s_i / S)` plus, with the unlocked-stake bonus policy, each
//!    block's bonus `B_b` (its coinbase above `supercharge_base`) shared only among the
//!    delegators unlocked at that block's slot: `floor(B_b * s_i / S_unlocked(b))`;
//! 2. `commission_i = floor(gross_i * rate_i)` with the account's rate (or the default);
//! 3. `payout_i = gross_i - commission_i + carry_in_i`; below `min_payout` it is not paid but
//!    carried to the next plan (`carry_out_i`), never dropped;
//! 4. `dust = R - sum(gross_i)`, reported.
//!
//! So `sum(paid) + sum(carry_out) + sum(commission) + dust = R + sum(carry_in)` exactly. The
//! plan is canonical JSON; its blake2-256 hash is what a reviewer signs off and what
//! `payouts verify` recomputes. Nothing here writes state: the carry-out ledger is an output
//! to feed the next plan once the payments are confirmed.

use crate::{
	amount::{self, Amount},
	ledger::{hex, InputError, Ledger},
	unlock::Unlock,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Parts per billion: `1_000_000_000` is 100%.
pub const BILLION: u128 = 1_000_000_000;

/// Mina's burn address: a valid key nobody can hold the private key of.
pub const BURN_ADDRESS: &str = "B62qiburnzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzmp7r7UN6X";

/// The `format` tag of a plan.
pub const PLAN_FORMAT: &str = "stake-suite-payout-plan/1";

/// A block won by the delegate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonBlock {
	/// Its height.
	pub height: u64,
	/// Its global slot (decides who is unlocked for the bonus).
	pub slot: u64,
	/// Its hash.
	pub state_hash: String,
	/// The coinbase it minted.
	pub coinbase: Amount,
	/// Fees it paid the coinbase receiver (fee transfers to the receiver), if any.
	pub fees: Amount,
	/// What the coinbase itself paid for SNARK work (fee transfers via the coinbase).
	pub snark_fees: Amount,
	/// The account whose stake won the slot, if known (decides a burn of the bonus).
	pub winner: Option<String>,
}

impl WonBlock {
	/// What the block earned: `coinbase + fees - snark_fees` (the coinbase pays for SNARK work
	/// the fees do not cover).
	pub fn reward(&self) -> Amount {
		self.coinbase.saturating_add(self.fees).saturating_sub(self.snark_fees)
	}

	/// The fees net of SNARK work bought with the coinbase: negative when that work cost more
	/// than the block's fees. `None` if an amount does not fit `i128`.
	pub fn net_fees(&self) -> Option<i128> {
		i128::try_from(self.fees).ok()?.checked_sub(i128::try_from(self.snark_fees).ok()?)
	}
}

/// Refuse blocks a Mina chain cannot produce (used with a Mina ledger): heights and global slots
/// above a `u32`, a coinbase or fees above a `u64` of nanomina, a coinbase below 1 MINA or above
/// 1,440 (an amount in the wrong unit).
pub fn check_mina_blocks(name: &str, blocks: &[WonBlock]) -> Result<(), InputError> {
	use crate::ledger::{MINA_DECIMALS, MINA_MAX_AMOUNT, MINA_MAX_SLOT};
	for (i, block) in blocks.iter().enumerate() {
		let at = |field: &str| format!("{name}: block {} (#{i}), field `{field}`", block.height);
		if block.height > MINA_MAX_SLOT {
			return Err(InputError::new(at("height"), "beyond what Mina can name (a u32)"));
		}
		if block.slot > MINA_MAX_SLOT {
			return Err(InputError::new(
				at("slot"),
				format!("slot {} is beyond Mina's last slot ({MINA_MAX_SLOT}, a u32)", block.slot),
			));
		}
		for (field, value) in [
			("coinbase", block.coinbase),
			("fees", block.fees),
			("fee transfer via coinbase", block.snark_fees),
		] {
			if value > MINA_MAX_AMOUNT {
				return Err(InputError::new(
					at(field),
					format!(
						"{} MINA is more than Mina can represent ({} MINA, a u64 of nanomina): \
						 an amount in nanomina read as MINA?",
						amount::format(value, MINA_DECIMALS),
						amount::format(MINA_MAX_AMOUNT, MINA_DECIMALS)
					),
				));
			}
		}
		// Mina pays a fixed coinbase: 720 MINA (1,440 supercharged before Berkeley, 360 after
		// Mesa), or none. Less than 1 MINA, or more than 1,440, is an amount in the wrong unit.
		let coinbase = block.coinbase;
		if coinbase != 0 && !(1_000_000_000..=1_440_000_000_000).contains(&coinbase) {
			return Err(InputError::new(
				at("coinbase"),
				format!(
					"{} MINA is no Mina coinbase (720, 1440 supercharged, 360 after Mesa): an \
					 amount in the wrong unit?",
					amount::format(coinbase, MINA_DECIMALS)
				),
			));
		}
		if block.snark_fees > coinbase {
			return Err(InputError::new(
				at("fee transfer via coinbase"),
				format!(
					"{} MINA paid out of a coinbase of {} MINA: a coinbase cannot pay more than \
					 it mints",
					amount::format(block.snark_fees, MINA_DECIMALS),
					amount::format(coinbase, MINA_DECIMALS)
				),
			));
		}
	}
	Ok(())
}

/// Parse a rate: `"5%"`, `"2.5%"` or a fraction `"0.05"`, into parts per billion.
pub fn parse_rate(text: &str) -> Result<u128, String> {
	let text = text.trim();
	let (number, scale_decimals) = match text.strip_suffix('%') {
		Some(percent) => (percent.trim(), 7u32),
		None => (text, 9u32),
	};
	let ppb = amount::parse(number, scale_decimals)
		.map_err(|e| format!("bad rate {text:?}: {e} (use e.g. 5% or 0.05)"))?;
	if ppb > BILLION {
		return Err(format!("bad rate {text:?}: above 100%"));
	}
	Ok(ppb)
}

/// Print parts per billion as a percentage.
pub fn format_rate(ppb: u128) -> String {
	format!("{}%", amount::format(ppb, 7))
}

/// Where a plan rounds down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
	/// Once per delegator over the whole plan: `floor(R * s / S)`, then the commission
	/// `floor(gross * rate)`. Nothing is lost to rounding but one fraction per delegator.
	#[default]
	PerPlan,
	/// Once per block and delegator, the commission inside the floor:
	/// `sum over blocks of floor(r_b * (1 - rate) * s / S)`, the public payout tools' rule, in
	/// exact integers. Each block loses up to a nanomina per delegator to the operator.
	PerBlock,
}

impl core::str::FromStr for Rounding {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"per-plan" => Ok(Self::PerPlan),
			"per-block" => Ok(Self::PerBlock),
			other => Err(format!("unknown rounding {other:?}: expected per-plan or per-block")),
		}
	}
}

/// Who shares a block's fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeePolicy {
	/// Everyone: each block's reward (coinbase, plus fees, less SNARK work bought with the
	/// coinbase) is shared by stake.
	#[default]
	All,
	/// The coinbase is shared by every delegator, the fees net of SNARK work bought with the
	/// coinbase only by the delegators outside the share classes ("coinbase to all, fees to
	/// ordinary delegators only", the public payout tools' default). Net fees can be negative:
	/// then those delegators bear the SNARK work. With no such delegator the operator keeps
	/// (or bears) the net fees.
	Common,
	/// Every delegator shares the coinbase only; the operator keeps the fees and pays the
	/// SNARK work.
	Keep,
}

impl FeePolicy {
	/// Its name on the command line and in a plan.
	pub fn name(self) -> &'static str {
		match self {
			Self::All => "all",
			Self::Common => "common",
			Self::Keep => "keep",
		}
	}
}

impl core::str::FromStr for FeePolicy {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"all" => Ok(Self::All),
			"common" => Ok(Self::Common),
			"keep" => Ok(Self::Keep),
			other => Err(format!("unknown fee policy {other:?}: expected all, common or keep")),
		}
	}
}

/// How to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
	/// The commission of accounts without their own rate, parts per billion.
	pub default_commission: u128,
	/// Per-account commissions, parts per billion.
	pub commissions: BTreeMap<String, u128>,
	/// Payouts below this are carried to the next plan.
	pub min_payout: Amount,
	/// With the unlocked-stake bonus: the coinbase of a block that is not supercharged; what a
	/// block pays above it goes to the delegators unlocked at its slot.
	pub supercharge_base: Option<Amount>,
	/// Where to round down.
	pub rounding: Rounding,
	/// Who shares the fees.
	pub fees: FeePolicy,
	/// The share class of each key listed in one (its name); keys not listed are ordinary
	/// delegators.
	pub classes: BTreeMap<String, String>,
	/// Classes whose won slots burn the bonus: a supercharged block won by the stake of one of
	/// them pays its bonus to [`Policy::burn_address`] instead of the unlocked delegators.
	pub burn_bonus_won_by: std::collections::BTreeSet<String>,
	/// Where burned amounts are paid (Mina's burn address has no known private key).
	pub burn_address: String,
}

/// One delegator's line of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutLine {
	/// The delegator.
	pub pk: String,
	/// Its stake with the delegate.
	pub stake: String,
	/// Its share before commission.
	pub gross: String,
	/// The commission rate applied.
	pub commission_rate: String,
	/// The commission taken from it.
	pub commission: String,
	/// What was carried to this plan.
	pub carry_in: String,
	/// What to pay it now.
	pub payout: String,
	/// What is carried to the next plan (below the minimum payout).
	pub carry_out: String,
	/// Its share class, if it is listed in one.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub share_class: Option<String>,
}

/// Totals of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
	/// The delegate's stake (sum of its delegators').
	pub stake: String,
	/// What the blocks pay.
	pub distributable: String,
	/// Of which the unlocked-stake bonus.
	pub bonus: String,
	/// Carried in from the previous plan.
	pub carry_in: String,
	/// To pay now.
	pub paid: String,
	/// Carried to the next plan.
	pub carry_out: String,
	/// The operator's commission.
	pub commission: String,
	/// Left over by rounding down.
	pub dust: String,
	/// Bonuses burned (paid to the burn address, a line of the plan), if any.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub burned: Option<String>,
	/// What the operator bore so that no share is negative (SNARK work bought with the coinbase
	/// beyond a fee sharer's coinbase share), if anything: paid + carried out + commission +
	/// dust = distributable + carried in + borne.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub borne: Option<String>,
}

/// A block as listed in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanBlock {
	/// Height.
	pub height: u64,
	/// Global slot.
	pub slot: u64,
	/// Hash.
	pub state_hash: String,
	/// Coinbase plus fees.
	pub reward: String,
	/// Delegators outside the share classes unlocked at its slot (with the bonus policy).
	pub unlocked_delegators: Option<u32>,
	/// Its bonus, burned (the slot was won by the stake of a class whose bonus is burned).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub burned: Option<String>,
}

/// A payout plan, canonical: field order fixed, amounts as decimal strings, lines by `pk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
	/// [`PLAN_FORMAT`].
	pub format: String,
	/// The delegate paid for.
	pub delegate: String,
	/// Decimals of the amounts.
	pub decimals: u32,
	/// The default commission.
	pub default_commission: String,
	/// Per-account commissions.
	pub commissions: BTreeMap<String, String>,
	/// The minimum payout.
	pub min_payout: String,
	/// The unlocked-stake bonus base, if the policy is on.
	pub supercharge_base: Option<String>,
	/// `per-block` when the plan rounds per block (absent: per plan, so that plans made before
	/// the option keep their hash).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub rounding: Option<String>,
	/// `common` or `keep` when the fees are not shared by everyone (absent: `all`).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub fees: Option<String>,
	/// The blocks paid for, by height.
	pub blocks: Vec<PlanBlock>,
	/// Totals.
	pub totals: Totals,
	/// One line per delegator (and per account with a carry-in), by `pk`.
	pub lines: Vec<PayoutLine>,
}

/// A plan with its hash, as written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOffPlan {
	/// The plan.
	pub plan: Plan,
	/// [`Plan::hash`].
	pub plan_hash: String,
}

impl Plan {
	/// The plan's canonical form: compact JSON in field order.
	pub fn canonical_json(&self) -> Vec<u8> {
		serde_json::to_vec(self).unwrap_or_default()
	}

	/// blake2-256 of the plan's canonical JSON, 0x-hex.
	pub fn hash(&self) -> String {
		hash_of(&self.canonical_json())
	}

	/// The plan file: `{"plan": <canonical JSON>, "plan_hash": <its hash>}` (a
	/// [`SignedOffPlan`]), serialised once.
	pub fn to_file(&self) -> (Vec<u8>, String) {
		const PREFIX: &[u8] = b"{\"plan\":";
		let mut file =
			Vec::with_capacity(self.lines.len().saturating_mul(200).saturating_add(1024));
		file.extend_from_slice(PREFIX);
		// The canonical form is written straight into the file buffer and hashed there.
		if serde_json::to_writer(&mut file, self).is_err() {
			file.truncate(PREFIX.len());
		}
		let hash = hash_of(file.get(PREFIX.len()..).unwrap_or_default());
		file.extend_from_slice(format!(",\"plan_hash\":\"{hash}\"}}\n").as_bytes());
		(file, hash)
	}

	/// The plan as CSV, one line per delegator.
	pub fn to_csv(&self) -> String {
		let mut out =
			String::from("pk,stake,gross,commission_rate,commission,carry_in,payout,carry_out\n");
		for l in &self.lines {
			out.push_str(&format!(
				"{},{},{},{},{},{},{},{}\n",
				l.pk,
				l.stake,
				l.gross,
				l.commission_rate,
				l.commission,
				l.carry_in,
				l.payout,
				l.carry_out
			));
		}
		out
	}

	/// The carry-out ledger to give the next plan: accounts with something carried.
	pub fn carry_out(&self) -> BTreeMap<String, String> {
		self.lines
			.iter()
			.filter(|l| l.carry_out != "0")
			.map(|l| (l.pk.clone(), l.carry_out.clone()))
			.collect()
	}
}

/// Parse a carry ledger: a JSON object `{pk: amount}`.
pub fn parse_carry(
	name: &str,
	bytes: &[u8],
	decimals: u32,
) -> Result<BTreeMap<String, Amount>, InputError> {
	let raw: BTreeMap<String, String> = serde_json::from_slice(bytes)
		.map_err(|e| InputError::new(name, format!("not a JSON object of pk -> amount: {e}")))?;
	raw.into_iter()
		.map(|(pk, text)| {
			let value = amount::parse(&text, decimals).map_err(|e| {
				InputError::new(format!("{name}: account {pk}"), format!("{e} ({text:?})"))
			})?;
			Ok((pk, value))
		})
		.collect()
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
	/// No account of the ledger stakes with the delegate.
	UnknownDelegate(String),
	/// No block given.
	NoBlocks,
	/// An amount times a stake does not fit 128 bits.
	Overflow,
	/// A supercharged block names no winner, so whether its bonus burns cannot be told.
	NoWinner(u64),
	/// The burn address is a delegator.
	BurnAddressDelegates(String),
	/// The epochs' ledgers count in different units.
	MixedDecimals,
}

impl core::fmt::Display for PlanError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::UnknownDelegate(d) => {
				write!(f, "no account of the ledger delegates to {d} (check --delegate)")
			},
			Self::NoBlocks => write!(f, "the blocks file lists no block"),
			Self::Overflow => write!(f, "amounts too large for 128-bit arithmetic"),
			Self::NoWinner(height) => write!(
				f,
				"block {height} names no winner (the account whose stake won its slot): with \
				 --burn-bonus-won-by its bonus may have to be burned; give blocks with \
				 winnerpublickey"
			),
			Self::BurnAddressDelegates(pk) => write!(
				f,
				"the burn address {pk} has a line of its own in the plan (a delegator, or carried \
				 in): choose another --burn-address"
			),
			Self::MixedDecimals => write!(f, "the epochs' ledgers have different decimals"),
		}
	}
}

impl std::error::Error for PlanError {}

/// blake2-256 of `bytes`, 0x-hex.
fn hash_of(bytes: &[u8]) -> String {
	hex(&sp_crypto_hashing::blake2_256(bytes))
}

/// The later of two unlocks.
fn later(a: Unlock, b: Unlock) -> Unlock {
	match (a, b) {
		(Unlock::At(a), Unlock::At(b)) => Unlock::At(a.max(b)),
		_ => Unlock::Never,
	}
}

/// `floor(a * b / c)`, `None` on overflow or `c == 0`.
/// Whether a stake unlocking at `unlock` is all unlocked at `slot`.
fn unlocked_at(unlock: Unlock, slot: u128) -> bool {
	matches!(unlock, Unlock::At(at) if at <= slot)
}

/// How many pieces to split parallel work into: the machine's cores, at most 8; one piece
/// for fewer than `MIN_PARALLEL` items (threads would cost more than they save).
fn pieces(items: usize) -> usize {
	const MIN_PARALLEL: usize = 4096;
	if items < MIN_PARALLEL {
		return 1;
	}
	std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8)
}

/// `f` over each of `chunks` on its own thread, the results in order.
fn scoped_map<C: Send, R: Send>(
	chunks: impl Iterator<Item = C>,
	f: impl Fn(C) -> R + Sync,
) -> Vec<R> {
	std::thread::scope(|scope| {
		let f = &f;
		let handles: Vec<_> = chunks.map(|chunk| scope.spawn(move || f(chunk))).collect();
		handles
			.into_iter()
			.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
			.collect()
	})
}

/// `f` over contiguous chunks of `items`, one per core, the results in order.
fn par_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
	let size = items.len().div_ceil(pieces(items.len())).max(1);
	if size >= items.len() {
		return vec![f(items)];
	}
	scoped_map(items.chunks(size), f)
}

/// `f` over contiguous mutable chunks of `items`, one per core, the results in order.
fn par_chunks_mut<T: Send, R: Send>(items: &mut [T], f: impl Fn(&mut [T]) -> R + Sync) -> Vec<R> {
	let size = items.len().div_ceil(pieces(items.len())).max(1);
	if size >= items.len() {
		return vec![f(items)];
	}
	scoped_map(items.chunks_mut(size), f)
}

fn mul_div(a: u128, b: u128, c: u128) -> Option<u128> {
	a.checked_mul(b)?.checked_div(c)
}

/// `floor(a * b * k / (c * BILLION))` in 256 bits (a reward times a stake times a rate's
/// complement does not fit 128), `None` if `c == 0` or the result does not fit 128 bits.
fn mul_div_rate(a: u128, b: u128, k: u128, c: u128) -> Option<u128> {
	use sp_core::U256;
	let numerator = U256::from(a).checked_mul(U256::from(b))?.checked_mul(U256::from(k))?;
	let denominator = U256::from(c).checked_mul(U256::from(BILLION))?;
	let quotient = numerator.checked_div(denominator)?;
	(quotient <= U256::from(u128::MAX)).then(|| quotient.low_u128())
}

/// `floor(a * b * k / (c * BILLION))` for a signed `a`, rounding toward minus infinity; `None`
/// if `c == 0` or the result does not fit.
fn mul_div_signed(a: i128, b: u128, k: u128, c: u128) -> Option<i128> {
	use sp_core::U256;
	let numerator =
		U256::from(a.unsigned_abs()).checked_mul(U256::from(b))?.checked_mul(U256::from(k))?;
	let denominator = U256::from(c).checked_mul(U256::from(BILLION))?;
	if denominator.is_zero() {
		return None;
	}
	let (quotient, remainder) = numerator.div_mod(denominator);
	if quotient > U256::from(i128::MAX.unsigned_abs()) {
		return None;
	}
	let quotient = i128::try_from(quotient.low_u128()).ok()?;
	if a >= 0 {
		Some(quotient)
	} else if remainder.is_zero() {
		Some(quotient.checked_neg()?)
	} else {
		quotient.checked_neg()?.checked_sub(1)
	}
}

/// `a + b` for a signed `b`, `None` below zero or above `u128::MAX`.
fn add_signed(a: u128, b: i128) -> Option<u128> {
	if b >= 0 {
		a.checked_add(b.unsigned_abs())
	} else {
		a.checked_sub(b.unsigned_abs())
	}
}

/// Make the plan for `delegate` from one staking ledger and the blocks won with it.
pub fn plan(
	ledger: &Ledger,
	delegate: &str,
	blocks: &[WonBlock],
	policy: &Policy,
	carry_in: &BTreeMap<String, Amount>,
) -> Result<Plan, PlanError> {
	plan_epochs(&[(ledger, blocks)], delegate, policy, carry_in)
}

/// One epoch's part of a plan: each delegator's stake, gross share and (per block) net share,
/// by `pk`, and the epoch's totals and blocks.
struct EpochShares<'a> {
	rows: Vec<(&'a str, Amount, Amount, Amount)>,
	total_stake: Amount,
	distributable: Amount,
	bonus_total: Amount,
	burned_total: Amount,
	borne_total: Amount,
	plan_blocks: Vec<PlanBlock>,
}

/// The shares of one epoch: its ledger and the blocks won with it.
fn epoch_shares<'a>(
	ledger: &'a Ledger,
	delegate: &str,
	blocks: &[WonBlock],
	policy: &Policy,
) -> Result<EpochShares<'a>, PlanError> {
	if blocks.is_empty() {
		return Err(PlanError::NoBlocks);
	}
	// Delegators sorted by pk, an account listed twice staking the sum; each with when its
	// stake is all unlocked (computed once) and its gross share so far.
	struct Delegator<'a> {
		pk: &'a str,
		stake: Amount,
		unlock: Unlock,
		gross: Amount,
		/// With per-block rounding: its payout before carry, summed block by block.
		net: Amount,
		/// What the operator bears so that its share is not negative.
		borne: Amount,
	}
	let mut delegators: Vec<Delegator> = ledger
		.accounts
		.iter()
		.filter_map(|account| {
			let stake = account.stake_for(delegate);
			(stake > 0).then(|| Delegator {
				pk: account.pk.as_str(),
				stake,
				unlock: account.unlock(),
				gross: 0,
				net: 0,
				borne: 0,
			})
		})
		.collect();
	if delegators.is_empty() {
		return Err(PlanError::UnknownDelegate(delegate.to_string()));
	}
	delegators.sort_by(|a, b| a.pk.cmp(b.pk));
	delegators.dedup_by(|later_one, kept| {
		if later_one.pk != kept.pk {
			return false;
		}
		kept.stake = kept.stake.saturating_add(later_one.stake);
		kept.unlock = later(kept.unlock, later_one.unlock);
		true
	});
	let total_stake = delegators.iter().fold(0u128, |s, d| s.saturating_add(d.stake));

	// Ordinary delegators (in no share class) and their stake: they alone share the fees
	// under `FeePolicy::Common`.
	let common = |pk: &str| !policy.classes.contains_key(pk);
	let common_stake =
		delegators.iter().filter(|d| common(d.pk)).fold(0u128, |s, d| s.saturating_add(d.stake));
	let fees_to_common = policy.fees == FeePolicy::Common && common_stake > 0;

	// The blocks in order, each with its reward and, with the bonus on, the unlocked set's
	// size and stake: a cheap pass over the delegators per block. Unlocking is monotone in the
	// slot, so "unlocked at this block's slot" is all a delegator needs to know per block.
	struct BlockBonus {
		slot: u128,
		bonus: Amount,
		unlocked_stake: Amount,
	}
	let mut distributable: Amount = 0;
	let mut base_pool: Amount = 0;
	let mut fee_pool: i128 = 0;
	let mut bonus_total: Amount = 0;
	let mut burned_total: Amount = 0;
	let mut plan_blocks = Vec::with_capacity(blocks.len());
	let mut bonuses: Vec<BlockBonus> = Vec::new();
	// With per-block rounding: each block's part shared by everyone outside the bonus, and its
	// net fees shared by the ordinary delegators, in block order.
	let mut base_rewards: Vec<(Amount, i128)> = Vec::new();
	let mut sorted: Vec<&WonBlock> = blocks.iter().collect();
	sorted.sort_by(|a, b| (a.height, &a.state_hash).cmp(&(b.height, &b.state_hash)));
	for block in sorted {
		let reward = block.reward();
		let mut unlocked_count = None;
		let mut bonus: Amount = 0;
		let mut burned: Option<Amount> = None;
		if let Some(base) = policy.supercharge_base {
			let slot = u128::from(block.slot);
			// The bonus is for unlocked stake outside the share classes (the delegation
			// programs' stake is paid as if no block were supercharged).
			let (count, unlocked_stake) = delegators
				.iter()
				.filter(|d| common(d.pk) && unlocked_at(d.unlock, slot))
				.fold((0u32, 0u128), |(n, s), d| (n.saturating_add(1), s.saturating_add(d.stake)));
			unlocked_count = Some(count);
			// With everyone sharing the fees, SNARK work beyond them and the base comes out of
			// the bonus: never more shared than the block earned.
			let cap = if policy.fees == FeePolicy::All { reward } else { block.coinbase };
			let extra = block.coinbase.saturating_sub(base).min(cap);
			// Burned when the slot was won by the stake of a class whose bonus is burned.
			let burn = extra > 0
				&& !policy.burn_bonus_won_by.is_empty()
				&& match &block.winner {
					Some(winner) => policy
						.classes
						.get(winner)
						.is_some_and(|class| policy.burn_bonus_won_by.contains(class)),
					None => return Err(PlanError::NoWinner(block.height)),
				};
			if burn {
				bonus = extra;
				burned = Some(extra);
				burned_total = burned_total.checked_add(extra).ok_or(PlanError::Overflow)?;
			} else if unlocked_stake > 0 {
				bonus = extra;
				bonuses.push(BlockBonus { slot, bonus, unlocked_stake });
			}
		}
		// What everyone shares besides the bonus, and the ordinary delegators' net fees.
		let (base, fees) = match policy.fees {
			FeePolicy::All => (reward.saturating_sub(bonus), 0),
			FeePolicy::Keep => (block.coinbase.saturating_sub(bonus), 0),
			FeePolicy::Common if fees_to_common => {
				(block.coinbase.saturating_sub(bonus), block.net_fees().ok_or(PlanError::Overflow)?)
			},
			FeePolicy::Common => (block.coinbase.saturating_sub(bonus), 0),
		};
		// The coinbase covers any SNARK work, so base + bonus + fees >= 0.
		let shared = i128::try_from(base.checked_add(bonus).ok_or(PlanError::Overflow)?)
			.ok()
			.and_then(|s| s.checked_add(fees))
			.and_then(|s| u128::try_from(s).ok())
			.ok_or(PlanError::Overflow)?;
		distributable = distributable.checked_add(shared).ok_or(PlanError::Overflow)?;
		bonus_total = bonus_total.saturating_add(bonus);
		base_pool = base_pool.checked_add(base).ok_or(PlanError::Overflow)?;
		fee_pool = fee_pool.checked_add(fees).ok_or(PlanError::Overflow)?;
		base_rewards.push((base, fees));
		plan_blocks.push(PlanBlock {
			height: block.height,
			slot: block.slot,
			state_hash: block.state_hash.clone(),
			reward: amount::format(reward, ledger.decimals),
			unlocked_delegators: unlocked_count,
			burned: burned.map(|b| amount::format(b, ledger.decimals)),
		});
	}
	// Each delegator's gross share: its share of each block's bonus while unlocked, in block
	// order, then its share of the base pool (and, if it shares them, of the fees). Independent
	// per delegator, so the delegators are split between the cores (the 128-bit divisions
	// dominate the plan's time).
	let per_block = policy.rounding == Rounding::PerBlock;
	let shares = par_chunks_mut(&mut delegators, |chunk| -> Result<(), PlanError> {
		for d in chunk {
			// What the delegator keeps of each unit: 1 - its commission rate.
			let keep = BILLION.saturating_sub(
				policy.commissions.get(d.pk).copied().unwrap_or(policy.default_commission),
			);
			let bonuses = bonuses.iter().filter(|b| common(d.pk) && unlocked_at(d.unlock, b.slot));
			for b in bonuses {
				let share =
					mul_div(b.bonus, d.stake, b.unlocked_stake).ok_or(PlanError::Overflow)?;
				d.gross = d.gross.saturating_add(share);
				if per_block {
					let net = mul_div_rate(b.bonus, d.stake, keep, b.unlocked_stake)
						.ok_or(PlanError::Overflow)?;
					d.net = d.net.saturating_add(net);
				}
			}
			let shares_fees = fees_to_common && common(d.pk);
			// The fee part, signed: floors toward minus infinity when the net fees are negative.
			let (mut fee_gross, mut fee_net) = (0i128, 0i128);
			if per_block {
				for &(reward, fees) in &base_rewards {
					let share = mul_div(reward, d.stake, total_stake).ok_or(PlanError::Overflow)?;
					d.gross = d.gross.saturating_add(share);
					let net = mul_div_rate(reward, d.stake, keep, total_stake)
						.ok_or(PlanError::Overflow)?;
					d.net = d.net.saturating_add(net);
					if shares_fees && fees != 0 {
						let g = mul_div_signed(fees, d.stake, BILLION, common_stake)
							.ok_or(PlanError::Overflow)?;
						let n = mul_div_signed(fees, d.stake, keep, common_stake)
							.ok_or(PlanError::Overflow)?;
						fee_gross = fee_gross.checked_add(g).ok_or(PlanError::Overflow)?;
						fee_net = fee_net.checked_add(n).ok_or(PlanError::Overflow)?;
					}
				}
			} else {
				let share = mul_div(base_pool, d.stake, total_stake).ok_or(PlanError::Overflow)?;
				d.gross = d.gross.saturating_add(share);
				if shares_fees {
					fee_gross = mul_div_signed(fee_pool, d.stake, BILLION, common_stake)
						.ok_or(PlanError::Overflow)?;
				}
			}
			// SNARK work charged to the fee sharers can exceed a small delegator's share of
			// the coinbase (a dust stake floors to nothing, its fee share to -1): its share
			// stops at zero and the operator bears the rest.
			let gross = i128::try_from(d.gross)
				.ok()
				.and_then(|g| g.checked_add(fee_gross))
				.ok_or(PlanError::Overflow)?;
			d.borne = u128::try_from(gross.min(0).unsigned_abs()).unwrap_or(u128::MAX);
			d.gross = u128::try_from(gross.max(0)).unwrap_or_default();
			d.net = add_signed(d.net, fee_net).unwrap_or_default();
		}
		Ok(())
	});
	shares.into_iter().collect::<Result<Vec<()>, PlanError>>()?;

	Ok(EpochShares {
		borne_total: delegators.iter().fold(0u128, |s, d| s.saturating_add(d.borne)),
		rows: delegators.iter().map(|d| (d.pk, d.stake, d.gross, d.net)).collect(),
		total_stake,
		distributable,
		bonus_total,
		burned_total,
		plan_blocks,
	})
}

/// Make the plan for `delegate` over several epochs, each a staking ledger and the blocks won
/// with it: every block is paid from its own epoch's ledger, and each delegator's shares of
/// all of them are added up before the commission (per plan), the carry and the minimum
/// payout apply. A line's `stake` is then its stake summed over the epochs.
pub fn plan_epochs(
	epochs: &[(&Ledger, &[WonBlock])],
	delegate: &str,
	policy: &Policy,
	carry_in: &BTreeMap<String, Amount>,
) -> Result<Plan, PlanError> {
	let d = epochs.first().map(|(ledger, _)| ledger.decimals).ok_or(PlanError::NoBlocks)?;
	if epochs.iter().any(|(ledger, _)| ledger.decimals != d) {
		return Err(PlanError::MixedDecimals);
	}
	let per_block = policy.rounding == Rounding::PerBlock;
	let (mut total_stake, mut distributable, mut bonus_total, mut burned_total, mut borne_total) =
		(0u128, 0u128, 0u128, 0u128, 0u128);
	let mut plan_blocks = Vec::new();
	let mut all: Vec<(&str, Amount, Amount, Amount)> = Vec::new();
	for (ledger, blocks) in epochs {
		let epoch = epoch_shares(ledger, delegate, blocks, policy)?;
		total_stake = total_stake.checked_add(epoch.total_stake).ok_or(PlanError::Overflow)?;
		distributable =
			distributable.checked_add(epoch.distributable).ok_or(PlanError::Overflow)?;
		bonus_total = bonus_total.checked_add(epoch.bonus_total).ok_or(PlanError::Overflow)?;
		burned_total = burned_total.checked_add(epoch.burned_total).ok_or(PlanError::Overflow)?;
		borne_total = borne_total.checked_add(epoch.borne_total).ok_or(PlanError::Overflow)?;
		plan_blocks.extend(epoch.plan_blocks);
		if all.is_empty() {
			all = epoch.rows;
		} else {
			all.extend(epoch.rows);
		}
	}
	plan_blocks.sort_by(|a, b| (a.height, &a.state_hash).cmp(&(b.height, &b.state_hash)));
	// One row per delegator, its epochs added up (one epoch: already sorted, nothing merged),
	// in place: a plan of 250,000 delegators holds no second copy.
	let mut rows = all;
	rows.sort_by(|a, b| a.0.cmp(b.0));
	rows.dedup_by(|later, kept| {
		if later.0 != kept.0 {
			return false;
		}
		// Sums of u64 amounts over a few epochs: far inside u128.
		kept.1 = kept.1.saturating_add(later.1);
		kept.2 = kept.2.saturating_add(later.2);
		kept.3 = kept.3.saturating_add(later.3);
		true
	});
	// Lines for every delegator and every account with something carried in, by pk.
	let carried_only: Vec<(&str, Amount, Amount, Amount)> = carry_in
		.keys()
		.filter(|pk| rows.binary_search_by(|row| row.0.cmp(pk.as_str())).is_err())
		.map(|pk| (pk.as_str(), 0, 0, 0))
		.collect();
	rows.extend(carried_only);
	rows.sort_by(|a, b| a.0.cmp(b.0));
	// Each line on its own (formatting eight amounts per line is most of this), in parallel;
	// the totals are summed afterwards in order.
	struct Line {
		line: PayoutLine,
		gross: Amount,
		commission: Amount,
		payout: Amount,
		carry_out: Amount,
		carried_in: Amount,
	}
	let chunks = par_chunks(&rows, |chunk| -> Result<Vec<Line>, PlanError> {
		chunk
			.iter()
			.map(|&(pk, stake, g, net)| {
				let rate = policy.commissions.get(pk).copied().unwrap_or(policy.default_commission);
				// Per block, the commission is what each block's floor left the operator.
				let commission = if per_block {
					g.saturating_sub(net)
				} else {
					mul_div(g, rate, BILLION).ok_or(PlanError::Overflow)?
				};
				let carried_in = carry_in.get(pk).copied().unwrap_or_default();
				let owed = g.saturating_sub(commission).saturating_add(carried_in);
				let (payout, carry_out) =
					if owed >= policy.min_payout { (owed, 0) } else { (0, owed) };
				Ok(Line {
					line: PayoutLine {
						pk: pk.to_string(),
						stake: amount::format(stake, d),
						gross: amount::format(g, d),
						commission_rate: format_rate(rate),
						commission: amount::format(commission, d),
						carry_in: amount::format(carried_in, d),
						payout: amount::format(payout, d),
						carry_out: amount::format(carry_out, d),
						share_class: policy.classes.get(pk).cloned(),
					},
					gross: g,
					commission,
					payout,
					carry_out,
					carried_in,
				})
			})
			.collect()
	});
	let (mut sum_gross, mut sum_commission, mut sum_paid, mut sum_carry_out, mut sum_carry_in) =
		(0u128, 0u128, 0u128, 0u128, 0u128);
	let mut lines = Vec::with_capacity(rows.len());
	for chunk in chunks {
		for l in chunk? {
			sum_gross = sum_gross.saturating_add(l.gross);
			sum_commission = sum_commission.saturating_add(l.commission);
			sum_paid = sum_paid.saturating_add(l.payout);
			sum_carry_out = sum_carry_out.saturating_add(l.carry_out);
			sum_carry_in = sum_carry_in.saturating_add(l.carried_in);
			lines.push(l.line);
		}
	}
	// The burned bonuses: one line paying the burn address, no commission taken from it.
	if burned_total > 0 {
		let at = match lines.binary_search_by(|l| l.pk.as_str().cmp(policy.burn_address.as_str())) {
			Ok(_) => return Err(PlanError::BurnAddressDelegates(policy.burn_address.clone())),
			Err(at) => at,
		};
		let burned = amount::format(burned_total, d);
		lines.insert(
			at,
			PayoutLine {
				pk: policy.burn_address.clone(),
				stake: "0".into(),
				gross: burned.clone(),
				commission_rate: format_rate(0),
				commission: "0".into(),
				carry_in: "0".into(),
				payout: burned,
				carry_out: "0".into(),
				share_class: Some("burn".into()),
			},
		);
		sum_gross = sum_gross.saturating_add(burned_total);
		sum_paid = sum_paid.saturating_add(burned_total);
	}
	// What the operator bore is shared too: the shares add up to at most both.
	let dust = distributable.saturating_add(borne_total).saturating_sub(sum_gross);
	Ok(Plan {
		format: PLAN_FORMAT.to_string(),
		delegate: delegate.to_string(),
		decimals: d,
		default_commission: format_rate(policy.default_commission),
		commissions: policy.commissions.iter().map(|(k, v)| (k.clone(), format_rate(*v))).collect(),
		min_payout: amount::format(policy.min_payout, d),
		supercharge_base: policy.supercharge_base.map(|b| amount::format(b, d)),
		rounding: per_block.then(|| "per-block".to_string()),
		fees: (policy.fees != FeePolicy::All).then(|| policy.fees.name().to_string()),
		blocks: plan_blocks,
		totals: Totals {
			stake: amount::format(total_stake, d),
			distributable: amount::format(distributable, d),
			bonus: amount::format(bonus_total, d),
			carry_in: amount::format(sum_carry_in, d),
			paid: amount::format(sum_paid, d),
			carry_out: amount::format(sum_carry_out, d),
			commission: amount::format(sum_commission, d),
			dust: amount::format(dust, d),
			burned: (burned_total > 0).then(|| amount::format(burned_total, d)),
			borne: (borne_total > 0).then(|| amount::format(borne_total, d)),
		},
		lines,
	})
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use crate::{
		ledger::{Account, Source},
		unlock::Timing,
	};
	use proptest::prelude::*;

	fn parse(s: &str) -> u128 {
		amount::parse(s, 9).unwrap()
	}

	#[test]
	fn rates() {
		assert_eq!(parse_rate("5%"), Ok(50_000_000));
		assert_eq!(parse_rate("2.5%"), Ok(25_000_000));
		assert_eq!(parse_rate("0.05"), Ok(50_000_000));
		assert_eq!(parse_rate("100%"), Ok(BILLION));
		assert!(parse_rate("101%").unwrap_err().contains("above 100%"));
		assert!(parse_rate("-1%").is_err());
		assert_eq!(format_rate(25_000_000), "2.5%");
	}

	#[test]
	fn the_plan_file_carries_the_hash_of_its_plan() {
		let ledger = Ledger {
			source: Source::Mina,
			decimals: 9,
			accounts: vec![Account {
				pk: "A".into(),
				balance: 10,
				delegate: Some("K".into()),
				stakes: vec![],
				timing: None,
				schedules: vec![],
			}],
		};
		let block = WonBlock {
			height: 1,
			slot: 1,
			state_hash: "h".into(),
			coinbase: 7,
			fees: 0,
			snark_fees: 0,
			winner: None,
		};
		let policy = Policy {
			default_commission: 0,
			commissions: BTreeMap::new(),
			min_payout: 0,
			supercharge_base: None,
			rounding: Rounding::PerPlan,
			fees: FeePolicy::All,
			classes: BTreeMap::new(),
			burn_bonus_won_by: Default::default(),
			burn_address: BURN_ADDRESS.into(),
		};
		let plan = plan(&ledger, "K", &[block], &policy, &BTreeMap::new()).unwrap();
		let (bytes, hash) = plan.to_file();
		let file: SignedOffPlan = serde_json::from_slice(&bytes).unwrap();
		assert_eq!(file.plan, plan);
		assert_eq!(file.plan_hash, hash);
		assert_eq!(plan.hash(), hash);
		assert_eq!(file.plan.lines[0].payout, "0.000000007");
	}

	/// A Mina ledger of untimed accounts, each delegating its balance to `POOL`.
	fn pool_ledger(accounts: &[(&str, u128)]) -> Ledger {
		Ledger {
			source: Source::Mina,
			decimals: 9,
			accounts: accounts
				.iter()
				.map(|(pk, balance)| Account {
					pk: (*pk).into(),
					balance: *balance,
					delegate: Some("POOL".into()),
					stakes: vec![],
					timing: None,
					schedules: vec![],
				})
				.collect(),
		}
	}

	/// The fixture's delegators (tests/fixtures/README.md) with both roundings. Worked out by
	/// hand in integers: S = 12,010.5 MINA, blocks of 1,440.3 and 720 MINA.
	/// - A (0%): per plan floor(2,160.3e9 * 1000 / 12010.5) = 179,867,615,836; per block
	///   floor(1,440.3e9 * 1000 / 12010.5) + floor(720e9 * 1000 / 12010.5) = 119,920,069,938 +
	///   59,947,545,897 = 179,867,615,835: one nanomina less.
	/// - B (5%): per plan gross 539,602,847,508, commission floor(gross / 20) = 26,980,142,375,
	///   payout 512,622,705,133; per block floor(1,440.3e9 * 0.95 * 3000 / 12010.5) +
	///   floor(720e9 * 0.95 * 3000 / 12010.5) = 341,772,199,325 + 170,850,505,807 =
	///   512,622,705,132, gross 359,760,209,816 + 179,842,637,692 = 539,602,847,508, so the
	///   commission is 26,980,142,376.
	#[test]
	fn per_block_rounding_floors_each_block_with_the_commission_inside() {
		let ledger = pool_ledger(&[
			("A", 1_000_000_000_000),
			("B", 3_000_000_000_000),
			("C", 6_000_500_000_000),
			("E", 2_000_000_000_000),
			("POOL", 10_000_000_000),
		]);
		let blocks = [
			WonBlock {
				height: 10,
				slot: 120,
				state_hash: "ten".into(),
				coinbase: 1_440_000_000_000,
				fees: 300_000_000,
				snark_fees: 0,
				winner: None,
			},
			WonBlock {
				height: 11,
				slot: 150,
				state_hash: "eleven".into(),
				coinbase: 720_000_000_000,
				fees: 0,
				snark_fees: 0,
				winner: None,
			},
		];
		let policy = |rounding| Policy {
			default_commission: 50_000_000,
			commissions: BTreeMap::from([("A".to_string(), 0)]),
			min_payout: 0,
			supercharge_base: None,
			rounding,
			fees: FeePolicy::All,
			classes: BTreeMap::new(),
			burn_bonus_won_by: Default::default(),
			burn_address: BURN_ADDRESS.into(),
		};
		let line = |plan: &Plan, pk: &str| plan.lines.iter().find(|l| l.pk == pk).unwrap().clone();
		let per_plan =
			plan(&ledger, "POOL", &blocks, &policy(Rounding::PerPlan), &BTreeMap::new()).unwrap();
		let per_block =
			plan(&ledger, "POOL", &blocks, &policy(Rounding::PerBlock), &BTreeMap::new()).unwrap();
		assert_eq!(line(&per_plan, "A").payout, "179.867615836");
		assert_eq!(line(&per_block, "A").payout, "179.867615835");
		assert_eq!(line(&per_plan, "B").payout, "512.622705133");
		assert_eq!(line(&per_plan, "B").commission, "26.980142375");
		assert_eq!(line(&per_block, "B").payout, "512.622705132");
		assert_eq!(line(&per_block, "B").gross, "539.602847508");
		assert_eq!(line(&per_block, "B").commission, "26.980142376");
		// The per-plan plan keeps its hash's form (no `rounding` field); the per-block one says so.
		assert_eq!(per_plan.rounding, None);
		assert_eq!(per_block.rounding.as_deref(), Some("per-block"));
		assert_ne!(per_plan.hash(), per_block.hash());
	}

	/// The three fee policies on one block, worked out by hand: coinbase 720 MINA, fees of
	/// 0.01 MINA to the receiver, 0.04 MINA of SNARK work bought with the coinbase (net fees
	/// -0.03 MINA). A stakes 1,000 MINA at 5%, F 3,000 MINA in the foundation class at 8%.
	/// - all: the reward 719.97 MINA by stake: A floor(719.97e9 * 0.95 / 4) = 170,992,875,000,
	///   F floor(719.97e9 * 0.92 * 3 / 4) = 496,779,300,000;
	/// - common: the coinbase by stake, the net fees to A alone: A floor(720e9 * 0.95 / 4) +
	///   floor(-30e6 * 0.95) = 171,000,000,000 - 28,500,000 = 170,971,500,000 (gross
	///   179,970,000,000), F floor(720e9 * 0.92 * 3 / 4) = 496,800,000,000;
	/// - keep: the coinbase alone: A 171,000,000,000, F 496,800,000,000; the operator keeps the
	///   fees and pays the SNARK work.
	///
	/// And a share made negative: A with 1 MINA beside 99,999 in the class, SNARK work of 0.51
	/// MINA against 0.01 of fees: A's coinbase share of 7,200,000 nanomina cannot bear
	/// -500,000,000; A is paid nothing and the operator bears 492,800,000.
	#[test]
	fn fee_policies_share_the_coinbase_and_the_fees_as_worked_out_by_hand() {
		let ledger = |a: u128, f: u128| pool_ledger(&[("A", a), ("F", f)]);
		let block = |snark_fees: u128| WonBlock {
			height: 1,
			slot: 1,
			state_hash: "h".into(),
			coinbase: 720_000_000_000,
			fees: 10_000_000,
			snark_fees,
			winner: None,
		};
		let policy = |fees, rounding| Policy {
			default_commission: 50_000_000,
			commissions: BTreeMap::from([("F".to_string(), 80_000_000)]),
			min_payout: 0,
			supercharge_base: None,
			rounding,
			fees,
			classes: BTreeMap::from([("F".to_string(), "foundation".to_string())]),
			burn_bonus_won_by: Default::default(),
			burn_address: BURN_ADDRESS.into(),
		};
		let pays = |fees, rounding| {
			let p = plan(
				&ledger(1_000_000_000_000, 3_000_000_000_000),
				"POOL",
				&[block(40_000_000)],
				&policy(fees, rounding),
				&BTreeMap::new(),
			)
			.unwrap();
			let payout = |pk: &str| p.lines.iter().find(|l| l.pk == pk).unwrap().payout.clone();
			(payout("A"), payout("F"), p.totals.distributable.clone(), p.fees.clone())
		};
		for rounding in [Rounding::PerBlock, Rounding::PerPlan] {
			assert_eq!(
				pays(FeePolicy::All, rounding),
				("170.992875".into(), "496.7793".into(), "719.97".into(), None)
			);
			assert_eq!(
				pays(FeePolicy::Common, rounding),
				("170.9715".into(), "496.8".into(), "719.97".into(), Some("common".into()))
			);
			assert_eq!(
				pays(FeePolicy::Keep, rounding),
				("171".into(), "496.8".into(), "720".into(), Some("keep".into()))
			);
		}
		let common = plan(
			&ledger(1_000_000_000_000, 3_000_000_000_000),
			"POOL",
			&[block(40_000_000)],
			&policy(FeePolicy::Common, Rounding::PerBlock),
			&BTreeMap::new(),
		)
		.unwrap();
		let a = common.lines.iter().find(|l| l.pk == "A").unwrap();
		assert_eq!((a.gross.as_str(), a.commission.as_str()), ("179.97", "8.9985"));
		assert_eq!(a.share_class, None);
		assert_eq!(common.lines[1].share_class.as_deref(), Some("foundation"));
		assert_eq!(common.totals.dust, "0");
		// A negative share: A is paid nothing, the operator bears the rest.
		let negative = plan(
			&ledger(1_000_000_000, 99_999_000_000_000),
			"POOL",
			&[block(510_000_000)],
			&policy(FeePolicy::Common, Rounding::PerBlock),
			&BTreeMap::new(),
		);
		let negative = negative.unwrap();
		let a = negative.lines.iter().find(|l| l.pk == "A").unwrap();
		assert_eq!((a.gross.as_str(), a.payout.as_str()), ("0", "0"));
		assert_eq!(negative.totals.borne.as_deref(), Some("0.4928"));
		// Everything still adds up: F's gross floor(720e9 * 99,999 / 100,000) = 719,992,800,000,
		// paid floor(720e9 * 0.92 * 0.99999) = 662,393,376,000, commission the rest; shared
		// 720 - 0.5 = 719.5 MINA plus the 0.4928 borne: no dust.
		assert_eq!(negative.totals.paid, "662.393376");
		assert_eq!(negative.totals.commission, "57.599424");
		assert_eq!(negative.totals.distributable, "719.5");
		assert_eq!(negative.totals.dust, "0");
	}

	/// The unlocked-stake bonus under the delegation programs' rules, worked out by hand: A
	/// stakes 1,000 MINA at 5%, F 3,000 in the foundation class at 8%, both unlocked. Two
	/// supercharged blocks (1,440 MINA, base 720): the first won by F's stake, whose class
	/// burns the bonus; the second by A's, whose bonus goes to the unlocked stake outside the
	/// classes, A alone.
	/// - base, each block: A floor(720e9 * 0.95 / 4) = 171e9, F floor(720e9 * 0.92 * 3 / 4) =
	///   496.8e9;
	/// - block 1's bonus: 720 MINA to the burn address (a line of its own, no commission);
	/// - block 2's bonus: A floor(720e9 * 0.95) = 684e9.
	///
	/// A is paid 1,026 MINA (commission 54), F 993.6 (commission 86.4), the burn address 720:
	/// 2,739.6 + 140.4 = 2,880, everything the blocks paid.
	#[test]
	fn a_bonus_won_by_a_burning_class_is_burned_and_classes_get_no_bonus() {
		let ledger = pool_ledger(&[("A", 1_000_000_000_000), ("F", 3_000_000_000_000)]);
		let block = |height: u64, winner: Option<&str>| WonBlock {
			height,
			slot: height,
			state_hash: format!("h{height}"),
			coinbase: 1_440_000_000_000,
			fees: 0,
			snark_fees: 0,
			winner: winner.map(str::to_string),
		};
		let policy = Policy {
			default_commission: 50_000_000,
			commissions: BTreeMap::from([("F".to_string(), 80_000_000)]),
			min_payout: 0,
			supercharge_base: Some(720_000_000_000),
			rounding: Rounding::PerBlock,
			fees: FeePolicy::All,
			classes: BTreeMap::from([("F".to_string(), "foundation".to_string())]),
			burn_bonus_won_by: ["foundation".to_string()].into(),
			burn_address: "BURN".into(),
		};
		let blocks = [block(1, Some("F")), block(2, Some("A"))];
		let p = plan(&ledger, "POOL", &blocks, &policy, &BTreeMap::new()).unwrap();
		let line = |pk: &str| p.lines.iter().find(|l| l.pk == pk).unwrap().clone();
		assert_eq!((line("A").payout.as_str(), line("A").commission.as_str()), ("1026", "54"));
		assert_eq!((line("F").payout.as_str(), line("F").commission.as_str()), ("993.6", "86.4"));
		let burn = line("BURN");
		assert_eq!((burn.payout.as_str(), burn.commission.as_str()), ("720", "0"));
		assert_eq!(burn.share_class.as_deref(), Some("burn"));
		assert_eq!(p.totals.burned.as_deref(), Some("720"));
		assert_eq!((p.totals.distributable.as_str(), p.totals.paid.as_str()), ("2880", "2739.6"));
		assert_eq!((p.totals.commission.as_str(), p.totals.dust.as_str()), ("140.4", "0"));
		assert_eq!(p.blocks[0].burned.as_deref(), Some("720"));
		assert_eq!(
			(p.blocks[0].unlocked_delegators, p.blocks[1].burned.as_deref()),
			(Some(1), None)
		);
		// A block that does not say who won cannot be judged.
		let unknown = [block(1, None)];
		assert_eq!(
			plan(&ledger, "POOL", &unknown, &policy, &BTreeMap::new()),
			Err(PlanError::NoWinner(1))
		);
		// Without burning, F's bonus goes to A too: A 171 + 684 twice.
		let keep = Policy { burn_bonus_won_by: Default::default(), ..policy.clone() };
		let p = plan(&ledger, "POOL", &blocks, &keep, &BTreeMap::new()).unwrap();
		assert_eq!(p.lines.iter().find(|l| l.pk == "A").unwrap().payout, "1710");
		assert_eq!(p.totals.burned, None);
		// The burn address may not be a delegator.
		let clash = Policy { burn_address: "A".into(), ..policy };
		assert_eq!(
			plan(&ledger, "POOL", &blocks, &clash, &BTreeMap::new()),
			Err(PlanError::BurnAddressDelegates("A".into()))
		);
	}

	/// 10,000 delegators: above the threshold at which the plan splits its work between cores.
	/// Every gross share is checked against the rule computed here on its own, one delegator at
	/// a time: its share of each block's bonus while unlocked, floored, then of the base pool.
	#[test]
	fn a_large_plan_split_between_cores_pays_each_its_exact_share() {
		let n = 10_000u64;
		let accounts: Vec<Account> = (0..n)
			.map(|i| Account {
				pk: format!("pk{i:05}"),
				balance: 1_000_000_000 + u128::from(i) * 7_919,
				delegate: Some("K".into()),
				stakes: vec![],
				// Every third account unlocks at slot 10 * (i % 7): some before, some after
				// the blocks below.
				timing: (i % 3 == 0).then_some(Timing {
					initial_minimum_balance: 1_000,
					cliff_time: 10 * (i % 7),
					cliff_amount: 1_000,
					vesting_period: 1,
					vesting_increment: 0,
				}),
				schedules: vec![],
			})
			.collect();
		let ledger = Ledger { source: Source::Mina, decimals: 9, accounts };
		let blocks: Vec<WonBlock> = (0..5u64)
			.map(|i| WonBlock {
				height: i,
				slot: 15 * i,
				state_hash: format!("h{i}"),
				coinbase: 1_440_000_000_000,
				fees: 1_000_000 * u128::from(i),
				snark_fees: 0,
				winner: None,
			})
			.collect();
		let policy = Policy {
			default_commission: 0,
			commissions: BTreeMap::new(),
			min_payout: 0,
			supercharge_base: Some(720_000_000_000),
			rounding: Rounding::PerPlan,
			fees: FeePolicy::All,
			classes: BTreeMap::new(),
			burn_bonus_won_by: Default::default(),
			burn_address: BURN_ADDRESS.into(),
		};
		let plan = plan(&ledger, "K", &blocks, &policy, &BTreeMap::new()).unwrap();

		let stake = |a: &Account| a.balance;
		let unlock = |a: &Account| a.unlock();
		let total: u128 = ledger.accounts.iter().map(stake).sum();
		let mut base_pool = 0u128;
		let mut expected: Vec<u128> = vec![0; ledger.accounts.len()];
		for b in &blocks {
			let slot = u128::from(b.slot);
			let unlocked: Vec<usize> = (0..ledger.accounts.len())
				.filter(|&i| matches!(unlock(&ledger.accounts[i]), Unlock::At(at) if at <= slot))
				.collect();
			let unlocked_stake: u128 = unlocked.iter().map(|&i| stake(&ledger.accounts[i])).sum();
			let bonus = if unlocked_stake > 0 { b.coinbase - 720_000_000_000 } else { 0 };
			for &i in &unlocked {
				expected[i] += bonus * stake(&ledger.accounts[i]) / unlocked_stake;
			}
			base_pool += b.reward() - bonus;
		}
		for (i, a) in ledger.accounts.iter().enumerate() {
			expected[i] += base_pool * stake(a) / total;
		}
		assert_eq!(plan.lines.len(), n as usize);
		for (line, (a, e)) in plan.lines.iter().zip(ledger.accounts.iter().zip(&expected)) {
			assert_eq!(line.pk, a.pk);
			assert_eq!(parse(&line.gross), *e, "{}", a.pk);
		}
	}

	#[test]
	fn the_parallel_helpers_keep_order_and_cover_everything() {
		let items: Vec<u64> = (0..50_000).collect();
		let sums = par_chunks(&items, |chunk| chunk.iter().sum::<u64>());
		assert_eq!(sums.iter().sum::<u64>(), 49_999 * 50_000 / 2);
		let firsts = par_chunks(&items, |chunk| chunk[0]);
		assert!(firsts.windows(2).all(|w| w[0] < w[1]));
		let mut items = items;
		par_chunks_mut(&mut items, |chunk| chunk.iter_mut().for_each(|x| *x *= 2));
		assert!(items.iter().enumerate().all(|(i, x)| *x == 2 * i as u64));
		// Small inputs stay on one thread.
		assert_eq!(par_chunks(&items[..10], |chunk| chunk.len()), vec![10]);
	}

	prop_compose! {
		fn ledgers()(accounts in prop::collection::vec(
			(1u128..1_000_000_000_000_000u128, any::<bool>(), 0u64..1_000, 1u64..20, 0u128..1_000_000_000_000u128,
			 0usize..3),
			1..40,
		)) -> Ledger {
			let delegates = ["K", "K", "other"];
			Ledger {
				source: Source::Mina,
				decimals: 9,
				accounts: accounts.into_iter().enumerate().map(|(i, (balance, timed, cliff, period, inc, d))| Account {
					pk: format!("pk{i:03}"),
					balance,
					delegate: Some(delegates[d].to_string()),
					stakes: vec![],
					timing: timed.then_some(Timing {
						initial_minimum_balance: balance / 2,
						cliff_time: cliff,
						cliff_amount: balance / 10,
						vesting_period: period,
						vesting_increment: inc,
					}),
					schedules: vec![],
				}).chain(core::iter::once(Account {
					pk: "K".into(), balance: 1, delegate: Some("K".into()), stakes: vec![], timing: None, schedules: vec![],
				})).collect(),
			}
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(500))]

		/// paid + carried out + commission + dust = distributable + carried in, exactly; no
		/// line pays more than it is owed.
		#[test]
		fn plans_conserve_every_unit(
			ledger in ledgers(),
			rewards in prop::collection::vec(
				(0u128..2_000_000_000_000u128, 0u128..1_000_000_000u128, 0u128..=1_000u128, 0u64..2_000), 1..10),
			rate in 0u128..=BILLION,
			min_payout in 0u128..1_000_000_000_000u128,
			carry in prop::collection::vec(0u128..10_000_000_000u128, 0..5),
			bonus in prop::option::of(0u128..1_500_000_000_000u128),
			per_block in any::<bool>(),
			fee_policy in 0usize..3,
			class_every in 1usize..5,
		) {
			// SNARK work bought with the coinbase: up to a thousandth of it (so that net fees
			// are negative in many blocks).
			let blocks: Vec<WonBlock> = rewards.iter().enumerate().map(|(i, (coinbase, fees, snark, slot))| WonBlock {
				height: i as u64, slot: *slot, state_hash: format!("h{i}"), coinbase: *coinbase, fees: *fees,
				snark_fees: coinbase * snark / 1_000_000,
				winner: None,
			}).collect();
			let fees = [FeePolicy::All, FeePolicy::Common, FeePolicy::Keep][fee_policy];
			// Every `class_every`-th account is in a share class (with 1: all of them).
			let classes: BTreeMap<String, String> = ledger.accounts.iter().enumerate()
				.filter(|(i, _)| i % class_every == 0)
				.map(|(_, a)| (a.pk.clone(), "foundation".to_string()))
				.collect();
			let common_stake: u128 = ledger.accounts.iter()
				.filter(|a| !classes.contains_key(&a.pk))
				.map(|a| a.stake_for("K"))
				.sum();
			let carry_in: BTreeMap<String, Amount> =
				carry.iter().enumerate().map(|(i, c)| (format!("pk{:03}", i * 7), *c)).collect();
			let policy = Policy {
				default_commission: rate,
				commissions: BTreeMap::from([("pk000".to_string(), 0)]),
				min_payout,
				supercharge_base: bonus,
				rounding: if per_block { Rounding::PerBlock } else { Rounding::PerPlan },
				fees,
				classes,
				burn_bonus_won_by: Default::default(),
				burn_address: BURN_ADDRESS.into(),
			};
			let plan = plan(&ledger, "K", &blocks, &policy, &carry_in).unwrap();
			let t = &plan.totals;
			// What is shared: the rewards, or only the coinbase when the operator keeps the fees.
			let distributable: u128 = match fees {
				FeePolicy::Common if common_stake > 0 => blocks.iter().map(|b| b.reward()).sum(),
				FeePolicy::All => blocks.iter().map(|b| b.reward()).sum(),
				_ => blocks.iter().map(|b| b.coinbase).sum(),
			};
			let carried_in: u128 = carry_in.values().sum();
			prop_assert_eq!(parse(&t.distributable), distributable);
			// Only SNARK work charged to the fee sharers can make the operator bear anything.
			let borne = t.borne.as_deref().map(parse).unwrap_or_default();
			prop_assert!(borne == 0 || fees == FeePolicy::Common);
			prop_assert_eq!(
				parse(&t.paid) + parse(&t.carry_out) + parse(&t.commission) + parse(&t.dust),
				distributable + carried_in + borne
			);
			let mut gross_sum = 0;
			for l in &plan.lines {
				let (g, c, ci, p, co) =
					(parse(&l.gross), parse(&l.commission), parse(&l.carry_in), parse(&l.payout), parse(&l.carry_out));
				gross_sum += g;
				prop_assert!(c <= g);
				prop_assert_eq!(p + co, g - c + ci);
				prop_assert!(p == 0 || co == 0);
				prop_assert!(p == 0 || p >= min_payout);
			}
			// Rounding down loses less than one unit per delegator and share floored: the
			// bonus of each block, the base (per block or once), the fees (likewise).
			let lines = plan.lines.len() as u128;
			prop_assert!(distributable + borne - gross_sum <= lines * (1 + 3 * blocks.len() as u128));
		}
	}
}
