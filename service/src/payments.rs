//! Paying a plan on Mina: **batch**, **sign**, **send**, with a write-ahead journal.
//!
//! 1. `payouts batch` turns a signed-off plan into unsigned payments, one per payee with
//!    something to pay: the amount, a fee per transaction paid by the sender, a memo (per share
//!    class where a delegation program asks for its own), consecutive nonces from the sender's
//!    next one (asked of the node, or given), and the funds needed. `--dry-run` prints the
//!    funds needed (and the sender's shortfall) and writes nothing.
//! 2. The batch is signed by o1-labs' `mina-signer` (`service/signer/sign.mjs`): no Mina signing
//!    library is published for Rust, and a payout tool should not carry its own copy of
//!    Mina's signature scheme. The signed batch carries the batch unchanged, and for each
//!    payment its signature and transaction hash.
//! 3. `payouts send` submits the signed payments in nonce order to the daemon's GraphQL API.
//!    Before each it appends `sending` to the journal and syncs it to disk; after the node's
//!    answer, `sent` with the transaction hash. Restarted after a crash, it skips what was sent,
//!    and for a payment journaled `sending` without an answer it asks the node for the sender's
//!    next nonce: a nonce the node has used was that payment (the journal's lock keeps any other
//!    `send` of this batch away, and a nonce the sender used otherwise is refused before
//!    anything is sent), so it is recorded as delivered; otherwise it is sent again. A signed
//!    payment can pay at most once (its nonce can be used once), so nothing is paid twice, and
//!    nothing is skipped: a payment the node refuses stops the run before the next nonce.
//! 4. `payouts resend --nonces A-B` submits sent payments again, for a node that lost them
//!    from its pool (a restart): the same signed transactions, so again at most once each.

use crate::{
	amount::{self, Amount},
	graphql::{known, Daemon, SendPayment, BEST_CHAIN},
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
	/// Payees (delegator, key paid) the plan's journal shows paid: left out.
	pub paid: std::collections::BTreeSet<(String, String)>,
	/// Payees with a payment still unresolved in the plan's journal: refused.
	pub unresolved: std::collections::BTreeSet<(String, String)>,
}

/// What `make_batch` left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
	/// A payment to the sender itself (it would move nothing and cost a fee).
	pub sender: bool,
	/// Payments the plan's journal shows made by an earlier batch.
	pub paid: u32,
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
			if to == options.from {
				left_out.sender = true;
				continue;
			}
			let key = (line.pk.clone(), to.to_string());
			if options.unresolved.contains(&key) {
				return Err(format!(
					"the plan's journal has a payment to {to} (for {}) still unresolved: run \
					 payouts send on its batch first, so that it is not paid twice",
					line.pk
				));
			}
			if options.paid.contains(&key) {
				left_out.paid = left_out.paid.saturating_add(1);
				continue;
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
				"every payee of the plan is paid already ({} payments): nothing to batch",
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
	/// About to be submitted: the node's answer was not recorded.
	Sending,
	/// The node accepted it, with this transaction hash.
	Sent(String),
	/// Found in the node's pool or best chain after a `sending` without an answer.
	Delivered,
	/// Seen in a block of the node's best chain, at this height (`payouts confirm`).
	Included(u64),
	/// Its nonce went to another transaction: it can never be included, its payee is unpaid
	/// by it (recorded by the operator with `payouts send --unpaid NONCE` after checking).
	Lost,
}

impl Entry {
	/// Whether the payment is with the node (or in a block).
	fn delivered(&self) -> bool {
		matches!(self, Self::Sent(_) | Self::Delivered | Self::Included(_))
	}
}

/// Who a payment pays: the delegator whose payout it is and the key it goes to.
type Payee = (String, String);

fn payee(p: &Payment) -> Payee {
	(p.for_account.clone().unwrap_or_else(|| p.to.clone()), p.to.clone())
}

/// The append-only journal of a plan's payments (every batch made from the plan), locked while
/// open. One journal per plan is what keeps two batches of the same plan from paying a payee
/// twice: `payouts send` refuses a payment the journal shows paid by another batch, and
/// `payouts batch` leaves such payees out.
#[derive(Debug)]
pub struct Journal {
	file: File,
	path: PathBuf,
	entries: BTreeMap<(String, u32), (Payee, Entry)>,
}

/// The journal of `plan_hash` beside `file` (a batch or a signed batch):
/// `payout-<the plan hash's first 16 hex digits>.journal` in the same directory.
pub fn journal_path(file: &Path, plan_hash: &str) -> PathBuf {
	let short: String = plan_hash.trim_start_matches("0x").chars().take(16).collect();
	file.parent().unwrap_or(Path::new(".")).join(format!("payout-{short}.journal"))
}

impl Journal {
	/// Open (or create) the journal of the plan `plan_hash` at `path`, take its lock, and read
	/// it. A last line cut short by a crash is dropped (it was never acted on: an event is
	/// written and synced before what it announces).
	pub fn open(path: &Path, plan_hash: &str) -> Result<Self, String> {
		let name = path.display();
		let existed = path.exists();
		let mut file = OpenOptions::new()
			.read(true)
			.append(true)
			.create(true)
			.open(path)
			.map_err(|e| format!("{name}: {e}"))?;
		file.try_lock()
			.map_err(|_| format!("{name}: another payouts command is using this journal"))?;
		if !existed {
			// The new file's name must survive a crash too.
			if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
				File::open(dir).and_then(|d| d.sync_all()).map_err(|e| format!("{name}: {e}"))?;
			}
		}
		let mut text = String::new();
		file.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
		let complete = match text.rfind('\n') {
			Some(i) => i.saturating_add(1),
			None => 0,
		};
		if complete < text.len() {
			file.set_len(complete as u64).map_err(|e| format!("{name}: {e}"))?;
			file.seek(SeekFrom::End(0)).map_err(|e| format!("{name}: {e}"))?;
		}
		let mut journal = Self { file, path: path.to_path_buf(), entries: BTreeMap::new() };
		let mut lines = text.get(..complete).unwrap_or_default().lines();
		match lines.next() {
			None => journal.append(&json!({"journal": JOURNAL_FORMAT, "plan_hash": plan_hash}))?,
			Some(header) => {
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
			},
		}
		for (i, line) in lines.enumerate() {
			let at = || format!("{name}, line {}", i.saturating_add(2));
			let event: Value = serde_json::from_str(line).map_err(|e| format!("{}: {e}", at()))?;
			let text = |field: &str| event.get(field).and_then(Value::as_str).map(str::to_string);
			let nonce = event
				.get("nonce")
				.and_then(Value::as_u64)
				.and_then(|n| u32::try_from(n).ok())
				.ok_or_else(|| format!("{}: no nonce", at()))?;
			let batch = text("batch").ok_or_else(|| format!("{}: no batch", at()))?;
			let key = (batch, nonce);
			let entry = match text("event").as_deref() {
				Some("sending") => {
					let to = text("to").ok_or_else(|| format!("{}: no payee", at()))?;
					let payee = (text("for").unwrap_or_else(|| to.clone()), to);
					journal.entries.insert(key, (payee, Entry::Sending));
					continue;
				},
				Some("sent") => Entry::Sent(text("hash").unwrap_or_default()),
				Some("delivered") => Entry::Delivered,
				Some("included") => {
					Entry::Included(event.get("height").and_then(Value::as_u64).unwrap_or_default())
				},
				Some("lost") => Entry::Lost,
				// A resend or a refusal changes nothing of what is known.
				Some("resent" | "refused") => continue,
				other => return Err(format!("{}: unknown event {other:?}", at())),
			};
			match journal.entries.get_mut(&key) {
				Some(known) => known.1 = entry,
				None => return Err(format!("{}: an event before the payment's `sending`", at())),
			}
		}
		Ok(journal)
	}

	/// What the journal knows of payment `nonce` of batch `batch`.
	pub fn entry(&self, batch: &str, nonce: u32) -> Option<&Entry> {
		self.entries.get(&(batch.to_string(), nonce)).map(|(_, e)| e)
	}

	/// A payment of another batch than `batch` to the same payee, delivered or still
	/// unresolved (`sending`): its batch, nonce and state.
	pub fn other_payment(&self, batch: &str, payee: &Payee) -> Option<(&str, u32, &Entry)> {
		self.entries
			.iter()
			.find(|((b, _), (p, e))| b != batch && p == payee && *e != Entry::Lost)
			.map(|((b, n), (_, e))| (b.as_str(), *n, e))
	}

	/// The payees the journal shows paid (delivered payments), and those with a payment still
	/// unresolved (`sending` without an answer).
	pub fn paid_and_unresolved(&self) -> (Vec<Payee>, Vec<Payee>) {
		let mut paid = Vec::new();
		let mut unresolved = Vec::new();
		for (payee, entry) in self.entries.values() {
			match entry {
				Entry::Sending => unresolved.push(payee.clone()),
				e if e.delivered() => paid.push(payee.clone()),
				_ => {},
			}
		}
		(paid, unresolved)
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
			Entry::Lost => {
				put("event", json!("lost"));
			},
		}
		self.append(&Value::Object(event))?;
		self.entries.insert((batch.to_string(), nonce), (payee(p), entry));
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
	/// Found with the node (journaled `sending` in a run that ended before the node's answer).
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

/// The operator's word on payments journaled `sending` whose nonce the node has used but whose
/// transaction it does not have (`--delivered N`: an explorer shows it included; `--unpaid
/// N`: it does not, another transaction took the nonce).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts {
	/// Nonces checked included.
	pub delivered: Vec<u32>,
	/// Nonces checked lost.
	pub unpaid: Vec<u32>,
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
	let account = daemon.account(&batch.from)?.ok_or_else(|| {
		format!("the node has no account {}: nothing can be sent from it", batch.from)
	})?;
	let mut next = account.inferred_nonce;
	let pairs: Vec<(&Payment, &PaymentSignature)> =
		batch.payments.iter().zip(&signed.signatures).collect();
	// The operator's verdicts first: only on payments journaled `sending` whose nonce is used.
	for (p, _) in &pairs {
		let nonce = nonce_of(p)?;
		let verdict = match (verdicts.delivered.contains(&nonce), verdicts.unpaid.contains(&nonce))
		{
			(true, true) => return Err(format!("nonce {nonce}: --delivered and --unpaid both")),
			(true, false) => Entry::Delivered,
			(false, true) => Entry::Lost,
			(false, false) => continue,
		};
		if journal.entry(id, nonce) != Some(&Entry::Sending) || nonce >= next {
			return Err(format!(
				"--delivered/--unpaid {nonce}: only for a payment journaled `sending` whose \
				 nonce the node has used"
			));
		}
		journal.record(id, p, verdict)?;
	}
	// Nothing is sent if a payee was paid by another batch of the plan, or may have been.
	for (p, _) in &pairs {
		let nonce = nonce_of(p)?;
		if journal.entry(id, nonce).is_some_and(|e| e.delivered() || *e == Entry::Lost) {
			continue;
		}
		if let Some((other, n, entry)) = journal.other_payment(id, &payee(p)) {
			return Err(format!(
				"{}: batch {other} already {} it (its nonce {n}); this batch would pay it twice. \
				 Nothing sent. Make a new batch of the plan: payouts batch leaves out the payees \
				 its journal shows paid",
				describe(p)?,
				if *entry == Entry::Sending { "may have sent" } else { "sent" },
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
	let pending = daemon.pooled(&batch.from)?.iter().fold(0u128, |s, p| s.saturating_add(p.spends));
	let mut needed = 0u128;
	for (p, _) in &pairs {
		let nonce = nonce_of(p)?;
		let to_send = match journal.entry(id, nonce) {
			None => true,
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
			Some(Entry::Sending) if nonce < next => {
				// Sent by a run that ended before the answer, or another transaction took the
				// nonce: the node says which.
				match known(daemon, &batch.from, &s.hash)? {
					Some(_) => {
						journal.record(id, p, Entry::Delivered)?;
						log(format!("{what}: delivered (the node has {})", s.hash));
						report.delivered = report.delivered.saturating_add(1);
						continue;
					},
					None => {
						return Err(format!(
							"{what}: its nonce is used, but neither the node's pool nor its last \
							 {BEST_CHAIN} blocks hold this payment ({}). Another transaction \
							 took the nonce, or it was included longer ago. Look the hash up in \
							 an explorer: included, run payouts send again with --delivered \
							 {nonce}; not there, with --unpaid {nonce} (the rest of the batch \
							 is then sent; make a new batch for this payee afterwards)",
							s.hash
						))
					},
				}
			},
			_ => {},
		}
		if nonce < next {
			return Err(format!(
				"{what}: nonce {nonce} is already used by another transaction of {} (the node's \
				 next nonce is {next}); this batch cannot be sent as signed. Make a new batch of \
				 the plan with --nonce {next} (payouts batch leaves out the payees its journal \
				 shows paid)",
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
				// An error answer for a payment the node has taken (a duplicate, a lost
				// connection): the node says whether it has it.
				match known(daemon, &batch.from, &s.hash) {
					Ok(Some(_)) => {
						journal.record(id, p, Entry::Delivered)?;
						log(format!(
							"{what}: delivered (the node answered {refused:?} but has it)"
						));
						report.delivered = report.delivered.saturating_add(1);
						next = next.checked_add(1).ok_or("nonce overflow")?;
					},
					Ok(None) => {
						journal.note(id, nonce, "refused", json!(refused))?;
						return Err(format!(
							"{what}: the node refused it: {refused}. Nothing after it was sent; \
							 run payouts send again once the cause is fixed (a payment pays at \
							 most once: its nonce is used once)"
						));
					},
					Err(asking) => {
						return Err(format!(
							"{what}: the node answered {refused:?}, and asking it whether it has \
							 the payment failed ({asking}); run payouts send again (the journal \
							 has it as sending: it is resolved then)"
						))
					},
				}
			},
		}
	}
	Ok(report)
}

/// Submit again the delivered payments with nonces in `from..=to`. Each answer is logged; a
/// refusal (already in the node's pool, or included) is not an error.
pub fn resend(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	(from, to): (u32, u32),
	log: &mut dyn FnMut(String),
) -> Result<u32, String> {
	check_signed(signed)?;
	let id = signed.batch_hash.as_str();
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
	for (p, s) in in_range {
		let nonce = nonce_of(p)?;
		match daemon.send_payment(SendPayment { input: &input(p), signature: &signature(s) }) {
			Ok(hash) => {
				journal.note(id, nonce, "resent", json!(hash))?;
				log(format!("nonce {nonce}: resent, {hash}"));
				resent = resent.saturating_add(1);
			},
			Err(refused) => {
				journal.note(id, nonce, "refused", json!(refused))?;
				log(format!("nonce {nonce}: the node refused it again: {refused}"));
			},
		}
	}
	Ok(resent)
}

/// Where each delivered payment of a batch is: included (recorded in the journal), waiting in
/// the pool, or unknown to the node. `Ok(true)` when every one is included.
pub fn confirm(
	signed: &SignedBatch,
	daemon: &mut dyn Daemon,
	journal: &mut Journal,
	log: &mut dyn FnMut(String),
) -> Result<bool, String> {
	check_signed(signed)?;
	let id = signed.batch_hash.as_str();
	let from = &signed.batch.from;
	let pooled: Vec<String> = daemon.pooled(from)?.into_iter().map(|p| p.hash).collect();
	let chain = daemon.best_chain()?;
	let mut all = true;
	for (p, s) in signed.batch.payments.iter().zip(&signed.signatures) {
		let nonce = nonce_of(p)?;
		let what = describe(p)?;
		let entry = journal.entry(id, nonce).cloned();
		let hash = match &entry {
			Some(Entry::Sent(hash)) if !hash.is_empty() => hash.clone(),
			_ => s.hash.clone(),
		};
		match entry {
			Some(Entry::Included(height)) => log(format!("{what}: included at height {height}")),
			Some(e) if e.delivered() => {
				if let Some(height) = chain.get(&hash).or_else(|| chain.get(&s.hash)) {
					journal.record(id, p, Entry::Included(*height))?;
					log(format!("{what}: included at height {height}"));
				} else if pooled.contains(&hash) || pooled.contains(&s.hash) {
					all = false;
					log(format!("{what}: waiting in the node's pool"));
				} else {
					all = false;
					log(format!(
						"{what}: unknown to the node ({hash}): not in its pool nor its last \
						 {BEST_CHAIN} blocks: resend it if an explorer does not show it"
					));
				}
			},
			Some(Entry::Lost) => log(format!("{what}: lost, unpaid by this batch")),
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
	use crate::graphql::{AccountState, Pooled};

	/// Two real keys (mina-signer's `genKeys`), for the checksum check.
	const SENDER: &str = "B62qikFaJEhiXw1HE6YPHqJeMDfu8BgXaS1sVdcpqwdYxFYG2fug9ow";
	const PAYEE: &str = "B62qkMHwdwanQkTDF5GsNLm5SeSw7NzKUaTpWuJDngz6tvrEXn9LhWP";

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

	/// A daemon that takes payments in nonce order into its pool (hash `5Ju<nonce>`);
	/// `lose_answer` makes it take one and then fail to answer (a connection cut after the node
	/// acted); `other` marks nonces another transaction took.
	struct Fake {
		next: u32,
		liquid: u128,
		pool: Vec<(u32, String)>,
		lose_answer: Option<u32>,
	}

	impl Fake {
		fn new(next: u32) -> Self {
			Self { next, liquid: 10_000_000_000, pool: vec![], lose_answer: None }
		}
		fn taken(&self) -> Vec<u32> {
			self.pool.iter().map(|(n, _)| *n).collect()
		}
	}

	impl Daemon for Fake {
		fn account(&mut self, _: &str) -> Result<Option<AccountState>, String> {
			Ok(Some(AccountState {
				balance: self.liquid,
				liquid: self.liquid,
				inferred_nonce: self.next,
			}))
		}
		fn send_payment(&mut self, payment: SendPayment<'_>) -> Result<String, String> {
			let nonce: u32 = payment.input["nonce"].as_str().unwrap().parse().unwrap();
			if nonce != self.next {
				return Err(format!("Invalid_nonce: expected {}", self.next));
			}
			self.next += 1;
			self.pool.push((nonce, format!("5Ju{nonce}")));
			if self.lose_answer == Some(nonce) {
				return Err("connection reset".into());
			}
			Ok(format!("5Ju{nonce}"))
		}
		fn pooled(&mut self, _: &str) -> Result<Vec<Pooled>, String> {
			Ok(self
				.pool
				.iter()
				.map(|(_, hash)| Pooled { hash: hash.clone(), spends: 1_010_000_000 })
				.collect())
		}
		fn best_chain(&mut self) -> Result<BTreeMap<String, u64>, String> {
			Ok(BTreeMap::new())
		}
	}

	/// `count` payments of 1 MINA with a fee of 0.01 from nonce `first`, each to a payee of
	/// its own (`PAYEE<i>`: the fake daemon does not check keys), signatures made up.
	fn signed(count: u32, first: u32) -> SignedBatch {
		let payments: Vec<Payment> = (0..count)
			.map(|i| Payment {
				to: format!("{PAYEE}{i}"),
				from: SENDER.into(),
				fee: "10000000".into(),
				amount: "1000000000".into(),
				nonce: (first + i).to_string(),
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
		let batch = Batch {
			format: BATCH_FORMAT.into(),
			network: "testnet".into(),
			plan_hash: "0xplan".into(),
			from: SENDER.into(),
			count,
			amount: (u128::from(count) * 1_000_000_000).to_string(),
			fees: (u128::from(count) * 10_000_000).to_string(),
			needed: (u128::from(count) * 1_010_000_000).to_string(),
			payments,
			excluded: vec![],
		};
		let batch_hash = batch.hash();
		SignedBatch { format: SIGNED_FORMAT.into(), batch, batch_hash, signatures }
	}

	fn journal_path(name: &str) -> PathBuf {
		let path = std::env::temp_dir()
			.join(format!("staking-service-journal-{name}-{}", std::process::id()));
		let _ = std::fs::remove_file(&path);
		path
	}

	fn run(batch: &SignedBatch, daemon: &mut Fake, path: &Path) -> Result<SendReport, String> {
		let mut journal = Journal::open(path, "0xplan")?;
		send(batch, daemon, &mut journal, &Verdicts::default(), &mut |_| {})
	}

	#[test]
	fn an_answer_lost_after_the_node_took_a_payment_is_found_in_its_pool() {
		let batch = signed(5, 40);
		let path = journal_path("lost");
		let mut daemon = Fake { lose_answer: Some(42), ..Fake::new(40) };
		let report = run(&batch, &mut daemon, &path).unwrap();
		assert_eq!(report, SendReport { sent: 4, delivered: 1, already: 0, lost: 0 });
		assert_eq!(daemon.taken(), vec![40, 41, 42, 43, 44]);
		// Again, from the journal on disk: nothing is sent twice.
		let report = run(&batch, &mut daemon, &path).unwrap();
		assert_eq!(report, SendReport { sent: 0, delivered: 0, already: 5, lost: 0 });
		assert_eq!(daemon.taken().len(), 5);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_crash_between_sending_and_the_answer_resends_only_what_the_node_lacks() {
		let batch = signed(3, 0);
		let path = journal_path("crash");
		// A run that wrote `sending` for nonce 0 and died before the request left, and a line
		// torn by the crash.
		std::fs::write(
			&path,
			format!(
				"{{\"journal\":\"{JOURNAL_FORMAT}\",\"plan_hash\":\"0xplan\"}}\n\
				 {{\"batch\":\"{0}\",\"nonce\":0,\"event\":\"sending\",\"to\":\"{PAYEE}0\",\"amount\":\"1000000000\"}}\n\
				 {{\"batch\":\"{0}\",\"nonce\":0,\"ev",
				batch.batch_hash
			),
		)
		.unwrap();
		let mut daemon = Fake::new(0);
		let report = run(&batch, &mut daemon, &path).unwrap();
		assert_eq!(report, SendReport { sent: 3, delivered: 0, already: 0, lost: 0 });
		assert_eq!(daemon.taken(), vec![0, 1, 2]);
		let text = std::fs::read_to_string(&path).unwrap();
		assert!(text.ends_with("\"event\":\"sent\",\"hash\":\"5Ju2\",\"nonce\":2}\n"), "{text}");
		assert!(!text.contains("\"ev{"), "the torn line was dropped: {text}");
		std::fs::remove_file(&path).unwrap();
	}

	/// The attack the nonce check alone would miss: `sending` journaled, the process killed
	/// before the request left, and another transaction of the sender takes that nonce. The
	/// node's next nonce has moved on, but it does not have this payment: not "delivered".
	#[test]
	fn a_nonce_taken_by_another_transaction_is_not_taken_for_the_payment() {
		let batch = signed(3, 0);
		let path = journal_path("stolen");
		let mut journal = Journal::open(&path, "0xplan").unwrap();
		journal.record(&batch.batch_hash, &batch.batch.payments[0], Entry::Sending).unwrap();
		drop(journal);
		let mut daemon = Fake::new(1);
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(
			e.contains("its nonce is used, but neither the node's pool nor its last 290"),
			"{e}"
		);
		assert!(e.contains("--unpaid 0"), "{e}");
		assert!(daemon.taken().is_empty());
		// The operator checked: not included. The rest is sent, payee 0 is left unpaid.
		let mut journal = Journal::open(&path, "0xplan").unwrap();
		let verdicts = Verdicts { delivered: vec![], unpaid: vec![0] };
		let report = send(&batch, &mut daemon, &mut journal, &verdicts, &mut |_| {}).unwrap();
		assert_eq!(report, SendReport { sent: 2, delivered: 0, already: 0, lost: 1 });
		assert_eq!(daemon.taken(), vec![1, 2]);
		// A new batch of the plan leaves out the paid and includes payee 0 again.
		let (paid, unresolved) = journal.paid_and_unresolved();
		assert!(unresolved.is_empty());
		let mut paid: Vec<String> = paid.into_iter().map(|(_, to)| to).collect();
		paid.sort();
		assert_eq!(paid, [format!("{PAYEE}1"), format!("{PAYEE}2")]);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_second_batch_of_the_plan_cannot_pay_a_payee_twice() {
		let first = signed(2, 0);
		let path = journal_path("twice");
		let mut daemon = Fake::new(0);
		run(&first, &mut daemon, &path).unwrap();
		// The same payees at new nonces (re-batched without the journal).
		let second = signed(2, 2);
		let e = run(&second, &mut daemon, &path).unwrap_err();
		assert!(e.contains("already sent it (its nonce 0)"), "{e}");
		assert!(e.contains("Nothing sent"), "{e}");
		assert_eq!(daemon.taken(), vec![0, 1]);
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn refuses_before_sending_anything() {
		let batch = signed(3, 7);
		let path = journal_path("refuse");
		// Funds short: 3.03 MINA needed, 3 MINA liquid.
		let mut daemon = Fake { liquid: 3_000_000_000, ..Fake::new(7) };
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("need 3.03 MINA: nothing sent"), "{e}");
		// The sender's nonce already past the batch's first (another transaction).
		daemon.liquid = 10_000_000_000;
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
		daemon.liquid = 4_000_000_000;
		daemon.pool.push((6, "5Juother".into()));
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("can spend 2.99 MINA (after its 1.01 MINA"), "{e}");
		// The journal of another plan; a second holder of the lock.
		let e = Journal::open(&path, "0xother").unwrap_err();
		assert!(e.contains("not of this one"), "{e}");
		let _held = Journal::open(&path, "0xplan").unwrap();
		let e = Journal::open(&path, "0xplan").unwrap_err();
		assert!(e.contains("another payouts command is using this journal"), "{e}");
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_node_that_lost_sent_payments_is_told_to_take_them_again() {
		let batch = signed(4, 0);
		let path = journal_path("forgot");
		let mut daemon = Fake::new(0);
		run(&batch, &mut daemon, &path).unwrap();
		// Restarted: its pool is empty, its next nonce back to 0.
		daemon.pool.clear();
		daemon.next = 0;
		let e = run(&batch, &mut daemon, &path).unwrap_err();
		assert!(e.contains("payouts resend --nonces 0-3"), "{e}");
		let mut journal = Journal::open(&path, "0xplan").unwrap();
		let n = resend(&batch, &mut daemon, &mut journal, (0, 3), &mut |_| {}).unwrap();
		assert_eq!(n, 4);
		assert_eq!(daemon.taken(), vec![0, 1, 2, 3]);
		// Not sent before: resend refuses the whole range.
		let other = signed(1, 9);
		let e = resend(&other, &mut daemon, &mut journal, (9, 9), &mut |_| {}).unwrap_err();
		assert!(e.contains("nonce 9 was never sent"), "{e}");
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_changed_batch_is_refused() {
		let mut batch = signed(2, 0);
		batch.batch.payments[1].amount = "2000000000".into();
		assert!(check_signed(&batch).unwrap_err().contains("changed after it was made"));
		let mut batch = signed(2, 0);
		batch.signatures.swap(0, 1);
		assert!(check_signed(&batch).unwrap_err().contains("listed at nonce"));
		let mut batch = signed(2, 0);
		batch.signatures.pop();
		assert!(check_signed(&batch).unwrap_err().contains("1 signatures for 2 payments"));
	}
}
