//! Paying a plan on Mina: **batch**, **sign**, **send**, with a write-ahead journal.
//!
//! 1. `payouts batch` turns a signed-off plan into unsigned payments, one per payee with
//!    something to pay: the amount, a fee per transaction paid by the sender, a memo (per share
//!    class where a delegation program asks for its own), consecutive nonces from the sender's
//!    next one (asked of the node, or given), and the funds needed. It registers the batch in
//!    the plan's journal (beside the plan file), whose path the batch records. `--dry-run` prints the funds needed (and
//!    the sender's shortfall) and writes nothing.
//! 2. The batch is signed by o1-labs' `mina-signer` (`service/signer/sign.mjs`): no Mina signing
//!    library is published for Rust, and a payout tool should not carry its own copy of
//!    Mina's signature scheme. The signed batch carries the batch unchanged, and for each
//!    payment its signature and transaction hash.
//! 3. `payouts send` submits the signed payments in nonce order to the daemon's GraphQL API.
//!    Before each it appends `sending` to the journal and syncs it to disk; after the node's
//!    answer, `sent` with the transaction hash. Restarted after a crash, it skips what was
//!    sent; a payment journaled `sending` without an answer is looked for at the node (its pool
//!    and best chain, by sender, nonce, receiver and amount): found, it is recorded delivered;
//!    its nonce still the next, it is sent again; its nonce used by something else, `send`
//!    stops and asks the operator (`--delivered N` / `--unpaid N`).
//! 4. **At most its payout per delegator**: the journal is one per plan and holds the plan's
//!    payout of every delegator; `send` refuses a batch whose payments would take a
//!    delegator's delivered and in-flight payments above it, whatever the batches, the
//!    redirections or the splits, and `batch` batches only what is left to pay.
//! 5. `payouts resend --nonces A-B` submits sent payments again, for a node that lost them
//!    from its pool (a restart): the same signed transactions, so again at most once each.
//!    `payouts confirm` records the block of each delivered payment once it is deep enough.

use crate::{
	amount::{self, Amount},
	graphql::{find, Daemon, SendError, SendPayment, BEST_CHAIN},
	ledger::hex,
	payouts::{SignedOffPlan, BILLION},
	policy::PayTo,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::{
	collections::BTreeMap,
	fs::{File, OpenOptions},
	io::{Read, Seek, SeekFrom, Write},
	path::{Path, PathBuf},
};

/// The `format` tag of a batch of unsigned payments.
pub const BATCH_FORMAT: &str = "stake-suite-payment-batch/1";
/// The `format` tag of a signed batch (written by `service/signer/sign.mjs`).
pub const SIGNED_FORMAT: &str = "stake-suite-signed-batch/1";
/// The first line of a journal.
pub const JOURNAL_FORMAT: &str = "stake-suite-payment-journal/1";
/// The smallest fee a Mina node accepts: 0.001 MINA.
pub const MIN_FEE: Amount = 1_000_000;
/// The longest memo, in bytes.
pub const MEMO_MAX_BYTES: usize = 32;
/// Mina's largest amount, a u64 of nanomina.
const MAX_AMOUNT: Amount = u64::MAX as Amount;
/// Decimals of MINA.
const DECIMALS: u32 = 9;

/// One unsigned payment, its fields named and written as `mina-signer` and the daemon's
/// `sendPayment` take them (amounts in nanomina).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
	/// The payee.
	pub to: String,
	/// The sender (pays the fee).
	pub from: String,
	/// The fee, nanomina.
	pub fee: String,
	/// The amount, nanomina.
	pub amount: String,
	/// The sender's nonce for it.
	pub nonce: String,
	/// Its memo (at most 32 bytes).
	pub memo: String,
	/// The last global slot at which it may be included.
	#[serde(rename = "validUntil")]
	pub valid_until: String,
	/// The delegator whose payout this is, when it is paid to another key (a redirection or a
	/// split). Not part of the signed transaction.
	#[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
	pub for_account: Option<String>,
}

/// A payout the redirections exclude: not paid, the operator keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
	/// The delegator.
	pub pk: String,
	/// Its payout, nanomina.
	pub amount: String,
}

/// Unsigned payments for one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
	/// [`BATCH_FORMAT`].
	pub format: String,
	/// `mainnet` or `testnet`: the network the signatures are for.
	pub network: String,
	/// The hash of the plan paid.
	pub plan_hash: String,
	/// The sender.
	pub from: String,
	/// How many payments.
	pub count: u32,
	/// Their amounts, nanomina.
	pub amount: String,
	/// Their fees, nanomina.
	pub fees: String,
	/// Amounts plus fees: what the sender must be able to spend, nanomina.
	pub needed: String,
	/// The payments, in nonce order.
	pub payments: Vec<Payment>,
	/// Payouts of the plan not paid, by the redirections.
	pub excluded: Vec<Excluded>,
	/// The plan's journal (absolute path), where the batch is registered.
	pub journal: String,
}

impl Batch {
	/// blake2-256 of its canonical JSON, 0x-hex.
	pub fn hash(&self) -> String {
		hex(&sp_crypto_hashing::blake2_256(&serde_json::to_vec(self).unwrap_or_default()))
	}
}

/// A batch with its hash, as written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchFile {
	/// The batch.
	pub batch: Batch,
	/// [`Batch::hash`].
	pub batch_hash: String,
}

/// A Schnorr signature as `mina-signer` gives it and `sendPayment` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
	/// Decimal.
	pub field: String,
	/// Decimal.
	pub scalar: String,
}

/// One payment's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSignature {
	/// The payment's nonce (the signatures are in the batch's order; this is checked).
	pub nonce: String,
	/// Its signature.
	pub signature: Signature,
	/// Its transaction hash.
	pub hash: String,
}

/// A signed batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedBatch {
	/// [`SIGNED_FORMAT`].
	pub format: String,
	/// The batch, unchanged.
	pub batch: Batch,
	/// Its hash as the batch file recorded it.
	pub batch_hash: String,
	/// One per payment, in order.
	pub signatures: Vec<PaymentSignature>,
}

/// What `payouts batch` is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
	/// The sender.
	pub from: String,
	/// The fee of each payment, nanomina.
	pub fee: Amount,
	/// The memo of each payment outside the classes below.
	pub memo: String,
	/// A share class's own memo.
	pub class_memos: BTreeMap<String, String>,
	/// `mainnet` or `testnet`.
	pub network: String,
	/// The sender's next nonce.
	pub first_nonce: u32,
	/// The last global slot the payments may be included at.
	pub valid_until: u32,
	/// Redirections, exclusions and splits, by delegator.
	pub pay_to: BTreeMap<String, PayTo>,
	/// What the plan's journal shows delivered for each delegator: batched is only the rest.
	pub delivered: BTreeMap<String, Amount>,
	/// Delegators with a payment in flight (`sending`, unanswered) in the journal: refused.
	pub in_flight: std::collections::BTreeSet<String>,
	/// The plan's journal (absolute path), recorded in the batch.
	pub journal: String,
}

/// What `make_batch` left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
	/// A payment to the sender itself (its own payout: it would move nothing and cost a fee).
	pub sender: bool,
	/// Delegators the plan's journal shows paid in full by earlier batches.
	pub paid: u32,
	/// Delegators paid in part by earlier batches: only the rest is batched.
	pub partly_paid: u32,
}

/// Refuse anything but a Mina public key: base58check, version byte 0xcb, 40 bytes. A typo in
/// a payee's key would send its payout where nobody can spend it.
pub fn check_public_key(pk: &str) -> Result<(), String> {
	let bytes = bs58::decode(pk)
		.into_vec()
		.map_err(|e| format!("{pk:?} is not a Mina public key (not base58: {e})"))?;
	if bytes.len() != 40 || bytes.first() != Some(&0xcb) {
		return Err(format!("{pk:?} is not a Mina public key (B62..., 55 characters)"));
	}
	let (body, checksum) = bytes.split_at(36);
	let digest = sp_crypto_hashing::sha2_256(&sp_crypto_hashing::sha2_256(body));
	if digest.get(..4) != Some(checksum) {
		return Err(format!("{pk:?}: its checksum does not match (a typo?)"));
	}
	Ok(())
}

fn check_memo(memo: &str, what: &str) -> Result<(), String> {
	if memo.len() > MEMO_MAX_BYTES {
		return Err(format!(
			"{what} {memo:?} is {} bytes: a Mina memo holds at most {MEMO_MAX_BYTES}",
			memo.len()
		));
	}
	Ok(())
}

/// The unsigned payments of a signed-off plan: every line with something to pay, in the plan's
/// order (by key), at consecutive nonces, each to the key the redirections name (a split pays
/// two keys, an exclusion none). Left out: a payment to the sender itself (it would move
/// nothing and cost a fee) and payments the plan's journal shows made by an earlier batch.
pub fn make_batch(
	file: &SignedOffPlan,
	options: &BatchOptions,
) -> Result<(BatchFile, LeftOut), String> {
	let plan = &file.plan;
	if plan.hash() != file.plan_hash {
		return Err(format!(
			"the plan was edited: its content hashes to {}, not the recorded {}",
			plan.hash(),
			file.plan_hash
		));
	}
	if plan.decimals != DECIMALS {
		return Err(format!(
			"the plan's amounts have {} decimals: not a Mina plan (9)",
			plan.decimals
		));
	}
	if !matches!(options.network.as_str(), "mainnet" | "testnet") {
		return Err(format!("--network {:?}: expected mainnet or testnet", options.network));
	}
	check_public_key(&options.from).map_err(|e| format!("--from: {e}"))?;
	if options.fee < MIN_FEE {
		return Err(format!(
			"--fee {} MINA is below the 0.001 MINA a node accepts",
			amount::format(options.fee, DECIMALS)
		));
	}
	if options.fee > MAX_AMOUNT {
		return Err("--fee is more than Mina can represent".into());
	}
	check_memo(&options.memo, "--memo")?;
	for (class, memo) in &options.class_memos {
		check_memo(memo, &format!("--class-memo {class}"))?;
		// A memo for a class no line is in is a typo that would go unnoticed.
		if !plan.lines.iter().any(|l| l.share_class.as_deref() == Some(class.as_str())) {
			return Err(format!(
				"--class-memo {class}: no line of the plan is in that share class"
			));
		}
	}
	// Every key a redirection pays must be a real one, whether or not it is used here.
	for (from, rule) in &options.pay_to {
		match rule {
			PayTo::Redirect(to) => check_public_key(to),
			PayTo::Split { other, .. } => check_public_key(other),
			PayTo::Exclude => Ok(()),
		}
		.map_err(|e| format!("--pay-to, the rule for {from}: {e}"))?;
	}
	let mut payments = Vec::new();
	let mut excluded = Vec::new();
	let (mut total, mut fees) = (0u128, 0u128);
	let mut left_out = LeftOut::default();
	for line in &plan.lines {
		let payout = amount::parse(&line.payout, DECIMALS)
			.map_err(|e| format!("the plan's payout to {}: {e}", line.pk))?;
		if payout == 0 {
			continue;
		}
		if payout > MAX_AMOUNT {
			return Err(format!("the payout to {} is more than Mina can represent", line.pk));
		}
		if options.in_flight.contains(&line.pk) {
			return Err(format!(
				"the plan's journal has a payment for {} still unanswered (sending): run payouts \
				 send on its batch first, so that it is not paid twice",
				line.pk
			));
		}
		// What earlier batches of the plan did not pay yet.
		let delivered = options.delivered.get(&line.pk).copied().unwrap_or_default();
		let payout = match payout.checked_sub(delivered) {
			Some(0) => {
				left_out.paid = left_out.paid.saturating_add(1);
				continue;
			},
			Some(rest) => {
				if delivered > 0 {
					left_out.partly_paid = left_out.partly_paid.saturating_add(1);
				}
				rest
			},
			None => {
				return Err(format!(
					"the plan's journal shows more delivered for {} than its payout: not this \
					 plan's journal?",
					line.pk
				))
			},
		};
		// Where it goes: the delegator, another key, two keys, or nowhere.
		let destinations: Vec<(&str, Amount)> = match options.pay_to.get(&line.pk) {
			None => vec![(line.pk.as_str(), payout)],
			Some(PayTo::Redirect(to)) => vec![(to.as_str(), payout)],
			Some(PayTo::Exclude) => {
				excluded.push(Excluded { pk: line.pk.clone(), amount: payout.to_string() });
				continue;
			},
			Some(PayTo::Split { other, keep }) => {
				// The delegator's part rounded up, as the public payout tool splits.
				let kept = payout
					.checked_mul(*keep)
					.and_then(|n| n.checked_add(BILLION - 1))
					.map(|n| n / BILLION)
					.ok_or("amounts overflow")?;
				vec![(line.pk.as_str(), kept), (other.as_str(), payout.saturating_sub(kept))]
			},
		};
		let memo = line
			.share_class
			.as_ref()
			.and_then(|class| options.class_memos.get(class))
			.unwrap_or(&options.memo);
		for (to, amount) in destinations {
			if amount == 0 {
				continue;
			}
			if to == options.from && to == line.pk {
				// The sender's own payout: it would move nothing.
				left_out.sender = true;
				continue;
			}
			if to == options.from {
				return Err(format!(
					"--pay-to sends {}'s payout to the sender itself: it would move nothing (use \
					 {}|EXCLUDE to keep it)",
					line.pk, line.pk
				));
			}
			check_public_key(to).map_err(|e| format!("the plan's payee {e}"))?;
			let nonce = u32::try_from(payments.len())
				.ok()
				.and_then(|i| options.first_nonce.checked_add(i))
				.ok_or("the sender's nonces run out (u32) within this batch")?;
			payments.push(Payment {
				to: to.to_string(),
				from: options.from.clone(),
				fee: options.fee.to_string(),
				amount: amount.to_string(),
				nonce: nonce.to_string(),
				memo: memo.clone(),
				valid_until: options.valid_until.to_string(),
				for_account: (to != line.pk).then(|| line.pk.clone()),
			});
			total = total.checked_add(amount).ok_or("amounts overflow")?;
			fees = fees.checked_add(options.fee).ok_or("fees overflow")?;
		}
	}
	if payments.is_empty() {
		return Err(if left_out.paid > 0 {
			format!(
				"every payee of the plan is paid already ({} delegators): nothing to batch",
				left_out.paid
			)
		} else {
			"the plan pays nobody: nothing to batch".into()
		});
	}
	let needed = total.checked_add(fees).ok_or("amounts overflow")?;
	let batch = Batch {
		format: BATCH_FORMAT.into(),
		network: options.network.clone(),
		plan_hash: file.plan_hash.clone(),
		from: options.from.clone(),
		count: u32::try_from(payments.len()).map_err(|_| "too many payments")?,
		amount: total.to_string(),
		fees: fees.to_string(),
		needed: needed.to_string(),
		payments,
		excluded,
		journal: options.journal.clone(),
	};
	let batch_hash = batch.hash();
	Ok((BatchFile { batch, batch_hash }, left_out))
}

/// A nanomina field of a batch.
fn nano(text: &str, what: &str) -> Result<Amount, String> {
	text.parse::<Amount>().map_err(|_| format!("the batch's {what} {text:?} is not nanomina"))
}

fn nonce_of(p: &Payment) -> Result<u32, String> {
	p.nonce.parse::<u32>().map_err(|_| format!("the batch's nonce {:?} is not a u32", p.nonce))
}

/// Check a signed batch: its format, the batch's hash, one signature per payment in order,
/// consecutive nonces, the totals.
pub fn check_signed(signed: &SignedBatch) -> Result<(), String> {
	if signed.format != SIGNED_FORMAT {
		return Err(format!("not a signed batch (format {:?})", signed.format));
	}
	let batch = &signed.batch;
	if batch.hash() != signed.batch_hash {
		return Err(format!(
			"the batch was changed after it was made: it hashes to {}, not the recorded {}",
			batch.hash(),
			signed.batch_hash
		));
	}
	if signed.signatures.len() != batch.payments.len() {
		return Err(format!(
			"{} signatures for {} payments",
			signed.signatures.len(),
			batch.payments.len()
		));
	}
	let (mut total, mut amounts, mut fees) = (0u128, 0u128, 0u128);
	let mut previous: Option<u32> = None;
	for (p, s) in batch.payments.iter().zip(&signed.signatures) {
		let nonce = nonce_of(p)?;
		if s.nonce != p.nonce {
			return Err(format!(
				"the signature for nonce {} is listed at nonce {}",
				s.nonce, p.nonce
			));
		}
		if previous.is_some_and(|n| n.checked_add(1) != Some(nonce)) {
			return Err(format!("the batch's nonces are not consecutive at {nonce}"));
		}
		if p.from != batch.from {
			return Err(format!("nonce {nonce} is sent from {}, not the batch's sender", p.from));
		}
		previous = Some(nonce);
		let (amount, fee) = (nano(&p.amount, "amount")?, nano(&p.fee, "fee")?);
		amounts = amounts.checked_add(amount).ok_or("amounts overflow")?;
		fees = fees.checked_add(fee).ok_or("amounts overflow")?;
		total =
			total.checked_add(amount).and_then(|t| t.checked_add(fee)).ok_or("amounts overflow")?;
	}
	if total != nano(&batch.needed, "needed")?
		|| amounts != nano(&batch.amount, "amount")?
		|| fees != nano(&batch.fees, "fees")?
		|| usize::try_from(batch.count).ok() != Some(batch.payments.len())
	{
		return Err("the batch's totals do not match its payments".into());
	}
	Ok(())
}

/// What the journal knows of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
	/// About to be submitted: the node's answer was not recorded (in flight).
	Sending,
	/// The node accepted it, with this transaction hash.
	Sent(String),
	/// Found at the node after a `sending` without an answer, or checked by the operator.
	Delivered,
	/// In a block of the node's best chain, at this height, deep enough (`payouts confirm`).
	Included(u64),
	/// The node refused it and does not have it: not delivered; `send` may submit it again.
	Refused,
	/// Its nonce went to another transaction: it can never be included; its delegator is
	/// unpaid by it (`payouts send --unpaid NONCE`, after the operator checked).
	Lost,
}

impl Entry {
	/// Whether the payment is with the node (or in a block).
	pub fn delivered(&self) -> bool {
		matches!(self, Self::Sent(_) | Self::Delivered | Self::Included(_))
	}
}

/// One payment as the journal knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
	/// The delegator whose payout it pays.
	delegator: String,
	/// The key paid.
	to: String,
	/// Its amount.
	amount: Amount,
	/// Its state.
	entry: Entry,
}

/// The delegator whose payout a payment pays.
fn delegator(p: &Payment) -> &str {
	p.for_account.as_deref().unwrap_or(&p.to)
}

/// The append-only journal of a plan's payments, over every batch made from the plan, locked
/// while open. Its first line holds the plan's payout of every delegator; `payouts batch`
/// registers each batch in it. It is what keeps any delegator from being paid more than its
/// payout: `send` refuses a batch whose payments would exceed it, `batch` batches the rest.
#[derive(Debug)]
pub struct Journal {
	file: File,
	path: PathBuf,
	owed: BTreeMap<String, Amount>,
	batches: std::collections::BTreeSet<String>,
	records: BTreeMap<(String, u32), Record>,
}

/// The default journal of `plan_hash` beside the plan file `file`: `payout-<the plan hash's
/// first 16 hex digits>.journal` in the same directory, as an absolute path. One plan file, one
/// journal: copies of the plan in other directories would have journals of their own.
pub fn journal_path(file: &Path, plan_hash: &str) -> PathBuf {
	let short: String = plan_hash.trim_start_matches("0x").chars().take(16).collect();
	let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
	let path = dir.join(format!("payout-{short}.journal"));
	std::path::absolute(&path).unwrap_or(path)
}

/// The plan's payout of every delegator paid (nanomina), as the journal's header holds it.
pub fn owed(file: &SignedOffPlan) -> Result<BTreeMap<String, Amount>, String> {
	let mut owed = BTreeMap::new();
	for line in &file.plan.lines {
		let payout = amount::parse(&line.payout, DECIMALS)
			.map_err(|e| format!("the plan's payout to {}: {e}", line.pk))?;
		if payout > 0 {
			owed.insert(line.pk.clone(), payout);
		}
	}
	Ok(owed)
}

impl Journal {
	/// Open the journal of the plan `plan_hash` at `path` for `payouts batch`: created with the
	/// plan's payouts `owed` if it does not exist.
	pub fn create_or_open(
		path: &Path,
		plan_hash: &str,
		owed: &BTreeMap<String, Amount>,
	) -> Result<Self, String> {
		Self::open_at(path, plan_hash, Some(owed))
	}

	/// Open the existing journal of the plan `plan_hash` at `path` (send, resend, confirm).
	pub fn open(path: &Path, plan_hash: &str) -> Result<Self, String> {
		if !path.exists() {
			return Err(format!(
				"{}: no such journal. It is written by payouts batch (the batch records its \
				 path); give --journal with that path",
				path.display()
			));
		}
		Self::open_at(path, plan_hash, None)
	}

	/// Open, lock and read. A last line cut short by a crash is dropped (it was never acted
	/// on: an event is written and synced before what it announces).
	fn open_at(
		path: &Path,
		plan_hash: &str,
		create: Option<&BTreeMap<String, Amount>>,
	) -> Result<Self, String> {
		let name = path.display();
		let existed = path.exists();
		let mut options = OpenOptions::new();
		options.read(true).append(true).create(create.is_some());
		let mut file = options.open(path).map_err(|e| format!("{name}: {e}"))?;
		file.try_lock()
			.map_err(|_| format!("{name}: another payouts command is using this journal"))?;
		let mut text = String::new();
		file.read_to_string(&mut text).map_err(|e| format!("{name}: not a journal: {e}"))?;
		let mut journal = Self {
			file,
			path: path.to_path_buf(),
			owed: BTreeMap::new(),
			batches: Default::default(),
			records: BTreeMap::new(),
		};
		let complete = match text.rfind('\n') {
			Some(i) => i.saturating_add(1),
			None => 0,
		};
		let mut lines = text.get(..complete).unwrap_or_default().lines();
		match (lines.next(), create) {
			// New, or its header cut short by a crash while it was being created.
			(None, Some(owed)) if text.is_empty() || text.starts_with("{\"journal\":") => {
				journal.file.set_len(0).map_err(|e| format!("{name}: {e}"))?;
				journal.owed = owed.clone();
				let owed: BTreeMap<&String, String> =
					owed.iter().map(|(k, v)| (k, v.to_string())).collect();
				journal.append(
					&json!({"journal": JOURNAL_FORMAT, "plan_hash": plan_hash, "owed": owed}),
				)?;
				if !existed {
					// The new file's name must survive a crash too.
					let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
					File::open(dir.unwrap_or(Path::new(".")))
						.and_then(|d| d.sync_all())
						.map_err(|e| format!("{name}: {e}"))?;
				}
				return Ok(journal);
			},
			(None, _) => return Err(format!("{name}: not a payment journal")),
			(Some(header), _) => {
				// The header first: a file given by mistake is refused before it is touched.
				let header: Value = serde_json::from_str(header)
					.map_err(|_| format!("{name}: not a payment journal"))?;
				if header.get("journal").and_then(Value::as_str) != Some(JOURNAL_FORMAT) {
					return Err(format!("{name}: not a payment journal"));
				}
				let theirs = header.get("plan_hash").and_then(Value::as_str).unwrap_or_default();
				if theirs != plan_hash {
					return Err(format!(
						"{name} is the journal of plan {theirs}, not of this one ({plan_hash})"
					));
				}
				let Some(Value::Object(owed)) = header.get("owed") else {
					return Err(format!("{name}: the header holds no payouts"));
				};
				for (pk, amount) in owed {
					let amount = amount
						.as_str()
						.and_then(|a| a.parse::<Amount>().ok())
						.ok_or_else(|| format!("{name}: the payout of {pk} is not nanomina"))?;
					journal.owed.insert(pk.clone(), amount);
				}
			},
		}
		if complete < text.len() {
			journal.file.set_len(complete as u64).map_err(|e| format!("{name}: {e}"))?;
			journal.file.seek(SeekFrom::End(0)).map_err(|e| format!("{name}: {e}"))?;
		}
		for (i, line) in lines.enumerate() {
			let at = || format!("{name}, line {}", i.saturating_add(2));
			let event: Value = serde_json::from_str(line).map_err(|e| format!("{}: {e}", at()))?;
			let text = |field: &str| event.get(field).and_then(Value::as_str).map(str::to_string);
			let batch = text("batch").ok_or_else(|| format!("{}: no batch", at()))?;
			if text("event").as_deref() == Some("batch") {
				journal.batches.insert(batch);
				continue;
			}
			let nonce = event
				.get("nonce")
				.and_then(Value::as_u64)
				.and_then(|n| u32::try_from(n).ok())
				.ok_or_else(|| format!("{}: no nonce", at()))?;
			let key = (batch, nonce);
			let entry = match text("event").as_deref() {
				Some("sending") => {
					let to = text("to").ok_or_else(|| format!("{}: no payee", at()))?;
					let amount = text("amount")
						.and_then(|a| a.parse::<Amount>().ok())
						.ok_or_else(|| format!("{}: no amount", at()))?;
					let delegator = text("for").unwrap_or_else(|| to.clone());
					journal
						.records
						.insert(key, Record { delegator, to, amount, entry: Entry::Sending });
					continue;
				},
				Some("sent") => Entry::Sent(text("hash").unwrap_or_default()),
				Some("delivered") => Entry::Delivered,
				Some("included") => {
					Entry::Included(event.get("height").and_then(Value::as_u64).unwrap_or_default())
				},
				Some("refused") => Entry::Refused,
				Some("lost") => Entry::Lost,
				// A resend changes nothing of what is known.
				Some("resent" | "note") => continue,
				other => return Err(format!("{}: unknown event {other:?}", at())),
			};
			match journal.records.get_mut(&key) {
				Some(record) => record.entry = entry,
				None => return Err(format!("{}: an event before the payment's `sending`", at())),
			}
		}
		Ok(journal)
	}

	/// Its path.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// Register a batch (by `payouts batch`).
	pub fn register(&mut self, batch: &str) -> Result<(), String> {
		if self.batches.insert(batch.to_string()) {
			self.append(&json!({"batch": batch, "event": "batch"}))?;
		}
		Ok(())
	}

	/// What the journal knows of payment `nonce` of batch `batch`.
	pub fn entry(&self, batch: &str, nonce: u32) -> Option<&Entry> {
		self.records.get(&(batch.to_string(), nonce)).map(|r| &r.entry)
	}

	/// For each delegator: what its delivered payments add up to; and the delegators with a
	/// payment in flight (`sending`).
	pub fn delivered(&self) -> (BTreeMap<String, Amount>, std::collections::BTreeSet<String>) {
		let mut delivered: BTreeMap<String, Amount> = BTreeMap::new();
		let mut in_flight = std::collections::BTreeSet::new();
		for record in self.records.values() {
			if record.entry.delivered() {
				let sum = delivered.entry(record.delegator.clone()).or_default();
				*sum = sum.saturating_add(record.amount);
			} else if record.entry == Entry::Sending {
				in_flight.insert(record.delegator.clone());
			}
		}
		(delivered, in_flight)
	}

	/// Append one event and sync it to disk before returning.
	fn append(&mut self, event: &Value) -> Result<(), String> {
		let mut line = serde_json::to_vec(event).map_err(|e| e.to_string())?;
		line.push(b'\n');
		self.file
			.write_all(&line)
			.and_then(|()| self.file.sync_data())
			.map_err(|e| format!("{}: {e}", self.path.display()))
	}

	fn record(&mut self, batch: &str, p: &Payment, entry: Entry) -> Result<(), String> {
		let nonce = nonce_of(p)?;
		let mut event = serde_json::Map::new();
		let mut put = |key: &str, value: Value| event.insert(key.to_string(), value);
		put("batch", json!(batch));
		put("nonce", json!(nonce));
		match &entry {
			Entry::Sending => {
				put("event", json!("sending"));
				put("to", json!(p.to));
				put("amount", json!(p.amount));
				if let Some(account) = &p.for_account {
					put("for", json!(account));
				}
			},
			Entry::Sent(hash) => {
				put("event", json!("sent"));
				put("hash", json!(hash));
			},
			Entry::Delivered => {
				put("event", json!("delivered"));
			},
			Entry::Included(height) => {
				put("event", json!("included"));
				put("height", json!(height));
			},
			Entry::Refused => {
				put("event", json!("refused"));
			},
			Entry::Lost => {
				put("event", json!("lost"));
			},
		}
		self.append(&Value::Object(event))?;
		let record = Record {
			delegator: delegator(p).to_string(),
			to: p.to.clone(),
			amount: nano(&p.amount, "amount")?,
			entry,
		};
		self.records.insert((batch.to_string(), nonce), record);
		Ok(())
	}

	fn note(&mut self, batch: &str, nonce: u32, event: &str, detail: Value) -> Result<(), String> {
		self.append(&json!({"batch": batch, "nonce": nonce, "event": event, "detail": detail}))
	}
}

/// What a `send` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
	/// Submitted and accepted in this run.
	pub sent: u32,
	/// Found at the node (journaled `sending` in a run that ended before the node's answer).
	pub delivered: u32,
	/// Sent by an earlier run.
	pub already: u32,
	/// Recorded lost (their nonce went to another transaction), skipped.
	pub lost: u32,
}

fn input(p: &Payment) -> Value {
	json!({
		"from": p.from, "to": p.to, "amount": p.amount, "fee": p.fee,
		"nonce": p.nonce, "memo": p.memo, "validUntil": p.valid_until,
	})
}

fn signature(s: &PaymentSignature) -> Value {
	json!({"field": s.signature.field, "scalar": s.signature.scalar})
}

fn describe(p: &Payment) -> Result<String, String> {
	let nonce = nonce_of(p)?;
	let amount = amount::format(nano(&p.amount, "amount")?, DECIMALS);
	Ok(match &p.for_account {
		Some(account) => format!("nonce {nonce}: {amount} MINA to {} (for {account})", p.to),
		None => format!("nonce {nonce}: {amount} MINA to {}", p.to),
	})
}

/// The node's command that is this payment, if it has it.
fn at_node(
	daemon: &mut dyn Daemon,
	p: &Payment,
) -> Result<Option<crate::graphql::Command>, String> {
	find(daemon, &p.from, (nonce_of(p)?, &p.to, nano(&p.amount, "amount")?))
}

/// How deep the block of the transaction that took a payment's nonce must be before the
/// payment is recorded unpaid (as `payouts confirm` counts a payment confirmed).
pub const VERDICT_DEPTH: u64 = 15;

/// The operator's word on payments whose nonce the node has used in a block without having
/// them in its pool or its last blocks (after an explorer lookup): `delivered` (it shows them
/// included) or `unpaid` (it does not: another transaction took the nonce).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts {
	/// Nonces checked included.
	pub delivered: Vec<u32>,
	/// Nonces checked lost.
	pub unpaid: Vec<u32>,
}

/// Apply the operator's verdicts: only on payments of this batch sent or in flight, whose nonce
/// is used in a block (below the account's nonce) and which the node does not have. A verdict
/// already recorded is accepted again.
fn apply_verdicts(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	verdicts: &Verdicts,
	committed: u32,
) -> Result<(), String> {
	let id = signed.batch_hash.as_str();
	let wanted = verdicts
		.delivered
		.iter()
		.map(|n| (*n, Entry::Delivered))
		.chain(verdicts.unpaid.iter().map(|n| (*n, Entry::Lost)));
	for (nonce, verdict) in wanted {
		if verdicts.delivered.contains(&nonce) && verdicts.unpaid.contains(&nonce) {
			return Err(format!("nonce {nonce}: --delivered and --unpaid both"));
		}
		let p = signed
			.batch
			.payments
			.iter()
			.find(|p| nonce_of(p).ok() == Some(nonce))
			.ok_or_else(|| format!("--delivered/--unpaid {nonce}: no payment of this batch"))?;
		let entry = journal.entry(id, nonce).cloned();
		if entry.as_ref() == Some(&verdict) {
			continue;
		}
		let eligible = matches!(
			entry,
			Some(Entry::Sending | Entry::Refused | Entry::Sent(_) | Entry::Delivered)
		);
		if !eligible || nonce >= committed {
			return Err(format!(
				"--delivered/--unpaid {nonce}: only for a payment sent or in flight whose nonce is \
				 used in a block (the account's nonce is {committed})"
			));
		}
		if at_node(daemon, p)?.is_some() {
			return Err(format!(
				"--delivered/--unpaid {nonce}: the node has this payment: no verdict needed"
			));
		}
		// Unpaid is final only once the transaction that took the nonce cannot be undone by a
		// fork: its block must be VERDICT_DEPTH deep (older than the node's last blocks is).
		if verdict == Entry::Lost {
			let chain = daemon.best_chain(&p.from)?;
			if let Some(other) = chain.commands.iter().find(|c| c.nonce == nonce) {
				let deep = chain.tip.saturating_sub(other.height.unwrap_or_default());
				if deep < VERDICT_DEPTH {
					return Err(format!(
						"--unpaid {nonce}: the transaction that took the nonce ({}) is in a block \
						 only {deep} deep: wait until it is {VERDICT_DEPTH} deep (a fork could \
						 still bring this payment back)",
						other.hash
					));
				}
			}
		}
		journal.record(id, p, verdict)?;
	}
	Ok(())
}

/// Send a signed batch (see the module docs); `log` gets one line per payment.
pub fn send(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	verdicts: &Verdicts,
	log: &mut dyn FnMut(String),
) -> Result<SendReport, String> {
	check_signed(signed)?;
	let batch = &signed.batch;
	let id = signed.batch_hash.as_str();
	if !journal.batches.contains(id) {
		return Err(format!(
			"{} does not know batch {id}: send it with the journal payouts batch registered it \
			 in ({})",
			journal.path.display(),
			batch.journal
		));
	}
	let account = daemon.account(&batch.from)?.ok_or_else(|| {
		format!("the node has no account {}: nothing can be sent from it", batch.from)
	})?;
	apply_verdicts(signed, daemon, journal, verdicts, account.nonce)?;
	let mut next = account.inferred_nonce;
	let pairs: Vec<(&Payment, &PaymentSignature)> =
		batch.payments.iter().zip(&signed.signatures).collect();
	// At most its payout per delegator, over every batch of the plan: what is delivered or in
	// flight, plus what this batch still has to send.
	let mut committed: BTreeMap<&str, Amount> = BTreeMap::new();
	for record in journal.records.values() {
		if record.entry.delivered() || record.entry == Entry::Sending {
			let sum = committed.entry(record.delegator.as_str()).or_default();
			*sum = sum.saturating_add(record.amount);
		}
	}
	for (p, _) in &pairs {
		let nonce = nonce_of(p)?;
		if matches!(journal.entry(id, nonce), None | Some(Entry::Refused)) {
			let sum = committed.entry(delegator(p)).or_default();
			*sum = sum.saturating_add(nano(&p.amount, "amount")?);
		}
	}
	for (who, sum) in &committed {
		let owed = journal.owed.get(*who).copied().unwrap_or_default();
		if *sum > owed {
			return Err(format!(
				"{who}'s payout is {} MINA; the plan's batches would pay it {} MINA (delivered, \
				 in flight and this batch): nothing sent. Make a new batch: payouts batch pays \
				 only what is left",
				amount::format(owed, DECIMALS),
				amount::format(*sum, DECIMALS)
			));
		}
	}
	// A payment the journal calls delivered that the node no longer counts: it lost it (a
	// restart empties its pool). Later nonces would be stuck behind the gap.
	let delivered_nonces: Vec<u32> = pairs
		.iter()
		.filter_map(|(p, _)| nonce_of(p).ok())
		.filter(|n| journal.entry(id, *n).is_some_and(Entry::delivered))
		.collect();
	if let Some(first) = delivered_nonces.iter().find(|n| **n >= next) {
		let last = delivered_nonces.iter().max().copied().unwrap_or(*first);
		return Err(format!(
			"payment nonce {first} was sent, but the node's next nonce for {} is {next}: it no \
			 longer has it (restarted?). Submit the sent ones again first: payouts resend \
			 --nonces {first}-{last}",
			batch.from
		));
	}
	// The funds for what is still to send, against what the sender can spend less what its
	// transactions in the pool will take.
	let pending = daemon.pooled(&batch.from)?.iter().fold(0u128, |s, c| s.saturating_add(c.spends));
	let mut needed = 0u128;
	for (p, _) in &pairs {
		let nonce = nonce_of(p)?;
		let to_send = match journal.entry(id, nonce) {
			None | Some(Entry::Refused) => true,
			Some(Entry::Sending) => nonce >= next,
			Some(_) => false,
		};
		if to_send {
			needed = needed
				.checked_add(nano(&p.amount, "amount")?)
				.and_then(|n| n.checked_add(nano(&p.fee, "fee").ok()?))
				.ok_or("amounts overflow")?;
		}
	}
	let available = account.liquid.saturating_sub(pending);
	if needed > available {
		return Err(format!(
			"{} can spend {} MINA (after its {} MINA of transactions waiting in the pool), the \
			 payments still to send need {} MINA: nothing sent",
			batch.from,
			amount::format(available, DECIMALS),
			amount::format(pending, DECIMALS),
			amount::format(needed, DECIMALS)
		));
	}
	let mut report = SendReport::default();
	for (p, s) in pairs {
		let nonce = nonce_of(p)?;
		let what = describe(p)?;
		match journal.entry(id, nonce) {
			Some(e) if e.delivered() => {
				report.already = report.already.saturating_add(1);
				continue;
			},
			Some(Entry::Lost) => {
				log(format!("{what}: lost (its nonce went to another transaction), skipped"));
				report.lost = report.lost.saturating_add(1);
				continue;
			},
			Some(Entry::Sending | Entry::Refused) if nonce < next => {
				// Sent by a run that ended before the answer, or another transaction took the
				// nonce: the node says which.
				if let Some(command) = at_node(daemon, p)? {
					journal.record(id, p, Entry::Delivered)?;
					log(format!("{what}: delivered (the node has {})", command.hash));
					report.delivered = report.delivered.saturating_add(1);
					continue;
				}
				return Err(format!(
					"{what}: its nonce is used, but neither the node's pool nor its last \
					 {BEST_CHAIN} blocks hold this payment (signed as {}). Another transaction \
					 took the nonce, or it was included longer ago. Look it up in an explorer \
					 (the sender's transaction with nonce {nonce}); once that nonce is in a \
					 block: included, run payouts send again with --delivered {nonce}; not this \
					 payment, with --unpaid {nonce} (the rest of the batch is then sent, and a new \
					 batch pays this delegator)",
					s.hash
				));
			},
			_ => {},
		}
		if nonce < next {
			return Err(format!(
				"{what}: nonce {nonce} is already used by another transaction of {} (the node's \
				 next nonce is {next}); this batch cannot be sent as signed. Make a new batch \
				 with --nonce {next}: payouts batch pays only what is left",
				batch.from
			));
		}
		if nonce > next {
			return Err(format!(
				"{what}: the node's next nonce for {} is {next}, so this payment would wait \
				 behind a gap: send nonce {next} first",
				batch.from
			));
		}
		journal.record(id, p, Entry::Sending)?;
		match daemon.send_payment(SendPayment { input: &input(p), signature: &signature(s) }) {
			Ok(hash) => {
				journal.record(id, p, Entry::Sent(hash.clone()))?;
				if hash != s.hash {
					log(format!("{what}: sent, the node names it {hash} (signed as {})", s.hash));
				} else {
					log(format!("{what}: sent, {hash}"));
				}
				report.sent = report.sent.saturating_add(1);
				next = next.checked_add(1).ok_or("nonce overflow")?;
			},
			Err(refused) => {
				// An error answer for a payment the node has taken (a duplicate), or no answer
				// (a lost connection, a timeout): the node says whether it has it.
				let found = at_node(daemon, p);
				let now = daemon.account(&batch.from).map(|a| a.map(|a| a.inferred_nonce));
				match (found, now) {
					(Ok(Some(_)), _) => {
						journal.record(id, p, Entry::Delivered)?;
						log(format!(
							"{what}: delivered (the node answered: {refused}; but it has it)"
						));
						report.delivered = report.delivered.saturating_add(1);
						next = next.checked_add(1).ok_or("nonce overflow")?;
					},
					(Ok(None), Ok(Some(now)))
						if now == nonce && matches!(refused, SendError::Refused(_)) =>
					{
						// The node said no, does not have it, and nothing else took its nonce:
						// not delivered. (Without an answer it may yet take it: in flight.)
						journal.record(id, p, Entry::Refused)?;
						journal.note(id, nonce, "note", json!(refused.to_string()))?;
						return Err(format!(
							"{what}: the node refused it: {refused}. Nothing after it was sent; \
							 run payouts send again once the cause is fixed, or make a new \
							 batch (payouts batch pays only what is left)"
						));
					},
					(Ok(None), _) => {
						return Err(format!(
							"{what}: {refused}; the node does not have it now, but it may still \
							 take it: it stays in flight. Run payouts send again (it is resolved \
							 then)"
						))
					},
					(Err(asking), _) => {
						return Err(format!(
							"{what}: the node answered: {refused}; and asking it whether it has \
							 the payment failed ({asking}); run payouts send again (the journal \
							 has it in flight: it is resolved then)"
						))
					},
				}
			},
		}
	}
	Ok(report)
}

/// Submit again the delivered payments with nonces in `from..=to`. Each answer is logged; a
/// refusal of a payment the node has (in its pool or a block) is not an error, one whose nonce
/// another transaction took is.
pub fn resend(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	(from, to): (u32, u32),
	log: &mut dyn FnMut(String),
) -> Result<u32, String> {
	check_signed(signed)?;
	let id = signed.batch_hash.as_str();
	if !journal.batches.contains(id) {
		return Err(format!("{} does not know batch {id}", journal.path.display()));
	}
	let mut resent = 0u32;
	let in_range: Vec<_> = signed
		.batch
		.payments
		.iter()
		.zip(&signed.signatures)
		.filter(|(p, _)| nonce_of(p).is_ok_and(|n| (from..=to).contains(&n)))
		.collect();
	if in_range.is_empty() {
		return Err(format!("no payment of the batch has a nonce in {from}-{to}"));
	}
	// Only payments sent before: checked for the whole range first.
	for (p, _) in &in_range {
		let nonce = nonce_of(p)?;
		if !journal.entry(id, nonce).is_some_and(Entry::delivered) {
			return Err(format!(
				"nonce {nonce} was never sent (or is unresolved): payouts send sends it; \
				 nothing resent"
			));
		}
	}
	let mut taken = Vec::new();
	for (p, s) in in_range {
		let nonce = nonce_of(p)?;
		match daemon.send_payment(SendPayment { input: &input(p), signature: &signature(s) }) {
			Ok(hash) => {
				journal.note(id, nonce, "resent", json!(hash))?;
				log(format!("nonce {nonce}: resent, {hash}"));
				resent = resent.saturating_add(1);
			},
			Err(refused) => {
				journal.note(id, nonce, "note", json!(refused.to_string()))?;
				if at_node(daemon, p)?.is_some() {
					log(format!("nonce {nonce}: the node has it already ({refused})"));
				} else {
					log(format!(
						"nonce {nonce}: the node refused it ({refused}) and does not have it"
					));
					taken.push(nonce);
				}
			},
		}
	}
	if let Some(first) = taken.first() {
		return Err(format!(
			"{} payments were refused and are not at the node (first nonce {first}): if another \
			 transaction took their nonces, their delegators are unpaid by them: check the \
			 sender's transactions in an explorer, then payouts send --unpaid N (or \
			 --delivered N)",
			taken.len()
		));
	}
	Ok(resent)
}

/// Where each payment of a batch is: included deep enough (recorded in the journal), in a block
/// not yet deep enough, in the pool, unknown to the node, lost or not sent. `Ok(true)` when
/// every payment is included at least `depth` blocks below the tip; `included` are the nonces
/// the operator checked included in an explorer (beyond the node's last blocks).
pub fn confirm(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	depth: u64,
	included: &[u32],
	log: &mut dyn FnMut(String),
) -> Result<bool, String> {
	check_signed(signed)?;
	let id = signed.batch_hash.as_str();
	if !journal.batches.contains(id) {
		return Err(format!("{} does not know batch {id}", journal.path.display()));
	}
	let from = &signed.batch.from;
	let account = daemon.account(from)?.ok_or_else(|| format!("the node has no account {from}"))?;
	let pooled = daemon.pooled(from)?;
	let chain = daemon.best_chain(from)?;
	let mut all = true;
	for p in &signed.batch.payments {
		let nonce = nonce_of(p)?;
		let what = describe(p)?;
		let amount = nano(&p.amount, "amount")?;
		let same =
			|c: &&crate::graphql::Command| c.nonce == nonce && c.to == p.to && c.amount == amount;
		match journal.entry(id, nonce).cloned() {
			Some(Entry::Included(height)) => log(format!("{what}: included at height {height}")),
			Some(e) if e.delivered() => {
				if let Some(c) = chain.commands.iter().find(same) {
					let height = c.height.unwrap_or_default();
					let deep = chain.tip.saturating_sub(height);
					if deep >= depth {
						journal.record(id, p, Entry::Included(height))?;
						log(format!("{what}: included at height {height}"));
					} else {
						all = false;
						log(format!(
							"{what}: in block {height}, {deep} blocks deep (confirmed at {depth})"
						));
					}
				} else if pooled.iter().any(|c| same(&c)) {
					all = false;
					log(format!("{what}: waiting in the node's pool"));
				} else if nonce < account.nonce && included.contains(&nonce) {
					journal.record(id, p, Entry::Included(0))?;
					log(format!("{what}: included (checked in an explorer)"));
				} else if nonce < account.nonce {
					all = false;
					log(format!(
						"{what}: its nonce is used in a block, but not in the node's last \
						 {BEST_CHAIN} blocks: look it up in an explorer; included, run payouts \
						 confirm --included {nonce}; another transaction, payouts send --unpaid \
						 {nonce}"
					));
				} else {
					all = false;
					log(format!(
						"{what}: unknown to the node: payouts resend --nonces {nonce} submits it \
						 again"
					));
				}
			},
			Some(Entry::Lost) => {
				all = false;
				log(format!(
					"{what}: lost: its delegator is unpaid by this batch (a new batch pays it)"
				));
			},
			_ => {
				all = false;
				log(format!("{what}: not sent"));
			},
		}
	}
	Ok(all)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use crate::graphql::{AccountState, BestChain, Command};

	/// Two real keys (mina-signer's `genKeys`), for the checksum check.
	const SENDER: &str = "B62qikFaJEhiXw1HE6YPHqJeMDfu8BgXaS1sVdcpqwdYxFYG2fug9ow";
	const PAYEE: &str = "B62qkMHwdwanQkTDF5GsNLm5SeSw7NzKUaTpWuJDngz6tvrEXn9LhWP";
	const MINA: Amount = 1_000_000_000;
	/// The receiver of the sender's other transactions in the tests.
	const ELSEWHERE: &str = "B62qELSEWHERE";

	#[test]
	fn public_keys_are_checked_to_their_checksum() {
		assert_eq!(check_public_key(SENDER), Ok(()));
		assert_eq!(check_public_key(PAYEE), Ok(()));
		// One character changed.
		let typo = SENDER.replace("ikFa", "ikFb");
		assert!(check_public_key(&typo).unwrap_err().contains("checksum does not match"));
		assert!(check_public_key("B62qA").unwrap_err().contains("not a Mina public key"));
		assert!(check_public_key("B62q0OIl").unwrap_err().contains("not base58"));
	}

	/// A daemon that takes payments in nonce order into its pool (hash `5Ju<nonce>`) and moves
	/// them into blocks with `include`; `lose_answer` makes it take one and not answer (a
	/// connection cut after the node acted), `refuse` refuse one without taking it.
	struct Fake {
		next: u32,
		committed: u32,
		liquid: u128,
		pool: Vec<Command>,
		chain: BestChain,
		lose_answer: Option<u32>,
		refuse: Option<u32>,
		time_out: Option<u32>,
	}

	impl Fake {
		fn new(next: u32) -> Self {
			Self {
				next,
				committed: next,
				liquid: 100 * MINA,
				pool: vec![],
				chain: BestChain { tip: 1000, commands: vec![] },
				lose_answer: None,
				refuse: None,
				time_out: None,
			}
		}
		/// The nonces of this batch's payments the node took (not the other transactions').
		fn taken(&self) -> Vec<u32> {
			let ours = self.chain.commands.iter().chain(&self.pool).filter(|c| c.to != ELSEWHERE);
			ours.map(|c| c.nonce).collect()
		}
		/// Another transaction of the sender uses the next nonce, in a block at the tip.
		fn other_transaction(&mut self) {
			self.chain.tip += 1;
			self.chain.commands.push(Command {
				hash: format!("5Juother{}", self.committed),
				nonce: self.committed,
				to: ELSEWHERE.into(),
				amount: 7,
				spends: 10_000_007,
				height: Some(self.chain.tip),
			});
			self.next += 1;
			self.committed += 1;
		}
		/// The pool goes into a block, `deep` blocks below a new tip.
		fn include(&mut self, deep: u64) {
			let height = self.chain.tip + 1;
			for mut c in self.pool.drain(..) {
				c.height = Some(height);
				self.chain.commands.push(c);
				self.committed += 1;
			}
			self.chain.tip = height + deep;
		}
	}

	impl Daemon for Fake {
		fn account(&mut self, _: &str) -> Result<Option<AccountState>, String> {
			Ok(Some(AccountState {
				balance: self.liquid,
				liquid: self.liquid,
				nonce: self.committed,
				inferred_nonce: self.next,
			}))
		}
		fn send_payment(&mut self, payment: SendPayment<'_>) -> Result<String, SendError> {
			let field = |name: &str| payment.input[name].as_str().unwrap().to_string();
			let nonce: u32 = field("nonce").parse().unwrap();
			if self.refuse == Some(nonce) {
				self.refuse = None;
				return Err(SendError::Refused("Insufficient_replace_fee".into()));
			}
			if self.time_out == Some(nonce) {
				self.time_out = None;
				return Err(SendError::Unknown("no complete answer within 60 s".into()));
			}
			if nonce != self.next {
				return Err(SendError::Refused(format!("Invalid_nonce: expected {}", self.next)));
			}
			self.next += 1;
			let amount: u128 = field("amount").parse().unwrap();
			self.pool.push(Command {
				hash: format!("5Ju{nonce}"),
				nonce,
				to: field("to"),
				amount,
				spends: amount + 10_000_000,
				height: None,
			});
			if self.lose_answer == Some(nonce) {
				return Err(SendError::Unknown("connection reset".into()));
			}
			Ok(format!("5Ju{nonce}"))
		}
		fn pooled(&mut self, _: &str) -> Result<Vec<Command>, String> {
			Ok(self.pool.clone())
		}
		fn best_chain(&mut self, _: &str) -> Result<BestChain, String> {
			Ok(self.chain.clone())
		}
	}

	/// Payments of 1 MINA (fee 0.01) from nonce `first`, to `payees` (keys `PAYEE<i>`: the fake
	/// daemon does not check keys), signatures made up.
	fn signed(payees: &[u32], first: u32) -> SignedBatch {
		let payments: Vec<Payment> = payees
			.iter()
			.enumerate()
			.map(|(n, i)| Payment {
				to: format!("{PAYEE}{i}"),
				from: SENDER.into(),
				fee: "10000000".into(),
				amount: MINA.to_string(),
				nonce: (first + n as u32).to_string(),
				memo: format!("payee {i}"),
				valid_until: u32::MAX.to_string(),
				for_account: None,
			})
			.collect();
		let signatures = payments
			.iter()
			.map(|p| PaymentSignature {
				nonce: p.nonce.clone(),
				signature: Signature { field: "1".into(), scalar: "2".into() },
				hash: format!("5Ju{}", p.nonce),
			})
			.collect();
		let count = payees.len() as u128;
		let batch = Batch {
			format: BATCH_FORMAT.into(),
			network: "testnet".into(),
			plan_hash: "0xplan".into(),
			from: SENDER.into(),
			count: payees.len() as u32,
			amount: (count * MINA).to_string(),
			fees: (count * 10_000_000).to_string(),
			needed: (count * 1_010_000_000).to_string(),
			payments,
			excluded: vec![],
			journal: String::new(),
		};
		let batch_hash = batch.hash();
		SignedBatch { format: SIGNED_FORMAT.into(), batch, batch_hash, signatures }
	}

	/// A fresh journal for the plan (payees 0 to 9 owed 1 MINA each) with `batches` registered.
	fn journal(name: &str, batches: &[&SignedBatch]) -> PathBuf {
		let path = std::env::temp_dir()
			.join(format!("staking-service-journal-{name}-{}", std::process::id()));
		let _ = std::fs::remove_file(&path);
		let owed = (0..10).map(|i| (format!("{PAYEE}{i}"), MINA)).collect();
		let mut j = Journal::create_or_open(&path, "0xplan", &owed).unwrap();
		for b in batches {
			j.register(&b.batch_hash).unwrap();
		}
		path
	}

	fn run(batch: &SignedBatch, daemon: &mut Fake, path: &Path) -> Result<SendReport, String> {
		run_with(batch, daemon, path, &Verdicts::default())
	}

	fn run_with(
		batch: &SignedBatch,
		daemon: &mut Fake,
		path: &Path,
		verdicts: &Verdicts,
	) -> Result<SendReport, String> {
		let mut journal = Journal::open(path, "0xplan")?;
		send(batch, daemon, &mut journal, verdicts, &mut |_| {})
	}

	fn report(sent: u32, delivered: u32, already: u32, lost: u32) -> SendReport {
		SendReport { sent, delivered, already, lost }
	}

	#[test]
	fn an_answer_lost_after_the_node_took_a_payment_is_found_at_the_node() {
		let batch = signed(&[0, 1, 2, 3, 4], 40);
		let path = journal("lost", &[&batch]);
		let mut daemon = Fake { lose_answer: Some(42), ..Fake::new(40) };
		assert_eq!(run(&batch, &mut daemon, &path).unwrap(), report(4, 1, 0, 0));
		assert_eq!(daemon.taken(), vec![40, 41, 42, 43, 44]);
		// Again, from the journal on disk: nothing is sent twice.
		assert_eq!(run(&batch, &mut daemon, &path).unwrap(), report(0, 0, 5, 0));
		assert_eq!(daemon.taken().len(), 5);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_crash_between_sending_and_the_answer_resends_only_what_the_node_lacks() {
		let batch = signed(&[0, 1, 2], 0);
		let path = journal("crash", &[&batch]);
		// A run that wrote `sending` for nonce 0 and died before the request left, and a line
		// torn by the crash.
		let mut text = std::fs::read_to_string(&path).unwrap();
		text.push_str(&format!(
			"{{\"batch\":\"{0}\",\"nonce\":0,\"event\":\"sending\",\"to\":\"{PAYEE}0\",\"amount\":\"{MINA}\"}}\n\
			 {{\"batch\":\"{0}\",\"nonce\":0,\"ev",
			batch.batch_hash
		));
		std::fs::write(&path, text).unwrap();
		let mut daemon = Fake::new(0);
		assert_eq!(run(&batch, &mut daemon, &path).unwrap(), report(3, 0, 0, 0));
		assert_eq!(daemon.taken(), vec![0, 1, 2]);
		let text = std::fs::read_to_string(&path).unwrap();
		assert!(text.ends_with("\"event\":\"sent\",\"hash\":\"5Ju2\",\"nonce\":2}\n"), "{text}");
		assert!(!text.contains("\"ev{"), "the torn line was dropped: {text}");
		std::fs::remove_file(&path).unwrap();
	}

	/// The attack the nonce check alone would miss: `sending` journaled, the process killed
	/// before the request left, and another transaction of the sender takes that nonce. The
	/// node's nonce has moved on, but it does not have this payment: not "delivered".
	#[test]
	fn a_nonce_taken_by_another_transaction_is_not_taken_for_the_payment() {
		let batch = signed(&[0, 1, 2], 0);
		let path = journal("stolen", &[&batch]);
		let mut j = Journal::open(&path, "0xplan").unwrap();
		j.record(&batch.batch_hash, &batch.batch.payments[0], Entry::Sending).unwrap();
		drop(j);
		let mut daemon = Fake::new(0);
		daemon.other_transaction();
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(
			e.contains("its nonce is used, but neither the node's pool nor its last 290"),
			"{e}"
		);
		assert!(e.contains("--unpaid 0"), "{e}");
		assert!(daemon.taken().is_empty());
		// A verdict on a nonce not used in a block, or of another batch, is refused.
		let e =
			run_with(&batch, &mut daemon, &path, &Verdicts { unpaid: vec![1], delivered: vec![] })
				.unwrap_err();
		assert!(e.contains("only for a payment sent or in flight"), "{e}");
		let e =
			run_with(&batch, &mut daemon, &path, &Verdicts { unpaid: vec![7], delivered: vec![] })
				.unwrap_err();
		assert!(e.contains("no payment of this batch"), "{e}");
		// The operator checked: not included. Not while the other transaction's block could
		// still be undone by a fork (0 deep); 15 deep, the rest is sent; a repeated verdict is
		// fine.
		let verdicts = Verdicts { delivered: vec![], unpaid: vec![0] };
		let e = run_with(&batch, &mut daemon, &path, &verdicts).unwrap_err();
		assert!(e.contains("is in a block only 0 deep: wait until it is 15 deep"), "{e}");
		daemon.chain.tip += 15;
		assert_eq!(run_with(&batch, &mut daemon, &path, &verdicts).unwrap(), report(2, 0, 0, 1));
		assert_eq!(run_with(&batch, &mut daemon, &path, &verdicts).unwrap(), report(0, 0, 2, 1));
		assert_eq!(daemon.taken(), vec![1, 2]);
		// What a new batch of the plan leaves out: payees 1 and 2, delivered; payee 0 is owed.
		let (delivered, in_flight) = Journal::open(&path, "0xplan").unwrap().delivered();
		assert!(in_flight.is_empty());
		assert_eq!(
			delivered.keys().cloned().collect::<Vec<_>>(),
			[format!("{PAYEE}1"), format!("{PAYEE}2")]
		);
		std::fs::remove_file(&path).unwrap();
	}

	/// However the batches are made (again, redirected, split otherwise), no delegator is paid
	/// more than its payout: the journal holds every payout and every payment.
	#[test]
	fn no_batch_pays_a_delegator_more_than_its_payout() {
		let first = signed(&[0, 1], 0);
		let again = signed(&[1, 2], 2);
		// Payee 1's payout redirected to another key this time.
		let mut redirected = signed(&[1], 4);
		redirected.batch.payments[0].to = format!("{PAYEE}9R");
		redirected.batch.payments[0].for_account = Some(format!("{PAYEE}1"));
		redirected.batch_hash = redirected.batch.hash();
		let path = journal("twice", &[&first, &again, &redirected]);
		let mut daemon = Fake::new(0);
		run(&first, &mut daemon, &path).unwrap();
		let e = run(&again, &mut daemon, &path).unwrap_err();
		assert!(
			e.contains(&format!(
				"{PAYEE}1's payout is 1 MINA; the plan's batches would pay it 2 MINA"
			)),
			"{e}"
		);
		assert!(e.contains("nothing sent"), "{e}");
		daemon.next = 4;
		let e = run(&redirected, &mut daemon, &path).unwrap_err();
		assert!(e.contains(&format!("{PAYEE}1's payout is 1 MINA")), "{e}");
		assert_eq!(daemon.taken(), vec![0, 1]);
		// A batch the journal does not know is refused.
		let unknown = signed(&[3], 2);
		let e = run(&unknown, &mut daemon, &path).unwrap_err();
		assert!(e.contains("does not know batch"), "{e}");
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_refused_payment_is_recorded_not_delivered_and_sent_again_later() {
		let batch = signed(&[0, 1], 5);
		let path = journal("refused", &[&batch]);
		let mut daemon = Fake { refuse: Some(6), ..Fake::new(5) };
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("the node refused it: Insufficient_replace_fee"), "{e}");
		assert_eq!(
			Journal::open(&path, "0xplan").unwrap().entry(&batch.batch_hash, 6),
			Some(&Entry::Refused)
		);
		// Not in flight: a new batch could pay it; this one, run again, sends it.
		assert!(Journal::open(&path, "0xplan").unwrap().delivered().1.is_empty());
		assert_eq!(run(&batch, &mut daemon, &path).unwrap(), report(1, 0, 1, 0));
		assert_eq!(daemon.taken(), vec![5, 6]);
		std::fs::remove_file(&path).unwrap();
	}

	/// No answer is not a refusal: a payment whose request timed out, not in the pool when
	/// asked, stays in flight (a new batch may not pay its delegator); taken by the node later,
	/// the next run finds it delivered.
	#[test]
	fn a_timed_out_payment_stays_in_flight_until_the_node_says() {
		let batch = signed(&[0, 1], 0);
		let path = journal("timeout", &[&batch]);
		let mut daemon = Fake { time_out: Some(0), ..Fake::new(0) };
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("it may still take it: it stays in flight"), "{e}");
		let j = Journal::open(&path, "0xplan").unwrap();
		assert_eq!(j.entry(&batch.batch_hash, 0), Some(&Entry::Sending));
		assert!(j.delivered().1.contains(&format!("{PAYEE}0")));
		drop(j);
		// The node took it after all (it was gossiped before the answer was lost).
		daemon.pool.push(Command {
			hash: "5Ju0".into(),
			nonce: 0,
			to: format!("{PAYEE}0"),
			amount: MINA,
			spends: 1_010_000_000,
			height: None,
		});
		daemon.next = 1;
		assert_eq!(run(&batch, &mut daemon, &path).unwrap(), report(1, 1, 0, 0));
		assert_eq!(daemon.taken(), vec![0, 1]);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn refuses_before_sending_anything() {
		let batch = signed(&[0, 1, 2], 7);
		let path = journal("refuse", &[&batch]);
		// Funds short: 3.03 MINA needed, 3 MINA liquid.
		let mut daemon = Fake { liquid: 3 * MINA, ..Fake::new(7) };
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("need 3.03 MINA: nothing sent"), "{e}");
		// The sender's nonce already past the batch's first (another transaction).
		daemon.liquid = 10 * MINA;
		daemon.next = 8;
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("nonce 7 is already used by another transaction"), "{e}");
		// Below the batch's first: a gap.
		daemon.next = 5;
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("would wait behind a gap: send nonce 5 first"), "{e}");
		assert!(daemon.taken().is_empty());
		// Funds: what the sender's pooled transactions will take is not available.
		daemon.next = 7;
		daemon.liquid = 4 * MINA;
		daemon.pool.push(Command {
			hash: "5Juother".into(),
			nonce: 6,
			to: "B62qX".into(),
			amount: MINA,
			spends: 1_010_000_000,
			height: None,
		});
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("can spend 2.99 MINA (after its 1.01 MINA"), "{e}");
		// The journal of another plan; a second holder of the lock; no journal at all.
		let e = Journal::open(&path, "0xother").unwrap_err();
		assert!(e.contains("not of this one"), "{e}");
		let _held = Journal::open(&path, "0xplan").unwrap();
		let e = Journal::open(&path, "0xplan").unwrap_err();
		assert!(e.contains("another payouts command is using this journal"), "{e}");
		let e = Journal::open(&path.with_extension("missing"), "0xplan").unwrap_err();
		assert!(e.contains("no such journal"), "{e}");
		// A file that is not a journal is refused untouched.
		let other = path.with_extension("json");
		std::fs::write(&other, "{\"batch\": {}}").unwrap();
		assert!(Journal::open(&other, "0xplan").unwrap_err().contains("not a payment journal"));
		assert_eq!(std::fs::read_to_string(&other).unwrap(), "{\"batch\": {}}");
		std::fs::remove_file(&other).unwrap();
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_node_that_lost_sent_payments_is_told_to_take_them_again() {
		let batch = signed(&[0, 1, 2, 3], 0);
		let path = journal("forgot", &[&batch]);
		let mut daemon = Fake::new(0);
		run(&batch, &mut daemon, &path).unwrap();
		// Restarted: its pool is empty, its next nonce back to 0.
		daemon.pool.clear();
		daemon.next = 0;
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("payouts resend --nonces 0-3"), "{e}");
		let mut j = Journal::open(&path, "0xplan").unwrap();
		assert_eq!(resend(&batch, &mut daemon, &mut j, (0, 3), &mut |_| {}).unwrap(), 4);
		assert_eq!(daemon.taken(), vec![0, 1, 2, 3]);
		// Lost again, and another transaction took nonce 0 meanwhile: resend says so.
		daemon.pool.clear();
		daemon.next = 0;
		daemon.other_transaction();
		let e = resend(&batch, &mut daemon, &mut j, (0, 3), &mut |_| {}).unwrap_err();
		assert!(e.contains("first nonce 0"), "{e}");
		drop(j);
		// The operator records it unpaid: a delivered payment not at the node, its nonce used
		// in a block now 15 deep.
		daemon.chain.tip += 15;
		let verdicts = Verdicts { delivered: vec![], unpaid: vec![0] };
		assert_eq!(run_with(&batch, &mut daemon, &path, &verdicts).unwrap(), report(0, 0, 3, 1));
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn confirm_waits_for_depth_and_never_passes_a_lost_payment() {
		let batch = signed(&[0, 1], 0);
		let path = journal("confirm", &[&batch]);
		let mut daemon = Fake::new(0);
		run(&batch, &mut daemon, &path).unwrap();
		let mut j = Journal::open(&path, "0xplan").unwrap();
		// In the pool, then in a block 10 deep: not yet; 290 deep: included.
		assert!(!confirm(&batch, &mut daemon, &mut j, 290, &[], &mut |_| {}).unwrap());
		daemon.include(10);
		assert!(!confirm(&batch, &mut daemon, &mut j, 290, &[], &mut |_| {}).unwrap());
		daemon.chain.tip += 280;
		assert!(confirm(&batch, &mut daemon, &mut j, 290, &[], &mut |_| {}).unwrap());
		assert_eq!(j.entry(&batch.batch_hash, 0), Some(&Entry::Included(1001)));
		// A batch with a lost payment is never confirmed.
		let other = signed(&[2, 3], 2);
		j.register(&other.batch_hash).unwrap();
		drop(j);
		daemon.other_transaction();
		let mut j = Journal::open(&path, "0xplan").unwrap();
		j.record(&other.batch_hash, &other.batch.payments[0], Entry::Lost).unwrap();
		let mut lines = Vec::new();
		assert!(!confirm(&other, &mut daemon, &mut j, 290, &[], &mut |l| lines.push(l)).unwrap());
		assert!(lines[0].contains("lost: its delegator is unpaid"), "{lines:?}");
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_changed_batch_is_refused() {
		let mut batch = signed(&[0, 1], 0);
		batch.batch.payments[1].amount = "2000000000".into();
		assert!(check_signed(&batch).unwrap_err().contains("changed after it was made"));
		let mut batch = signed(&[0, 1], 0);
		batch.signatures.swap(0, 1);
		assert!(check_signed(&batch).unwrap_err().contains("listed at nonce"));
		let mut batch = signed(&[0, 1], 0);
		batch.signatures.pop();
		assert!(check_signed(&batch).unwrap_err().contains("1 signatures for 2 payments"));
	}
}
