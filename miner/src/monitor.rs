//! `staking-miner monitor`: follow the chain, mine once per round, submit when it pays.
//!
//! At every new head (best or finalized, `--listen`):
//!
//! 1. when the runtime's `spec_version` changed (and at start), compare the chain's types this
//!    miner depends on with its own ([`stake_client::compat`]); on a mismatch, submit nothing
//!    until an upgrade brings them back in line, and say which items differ;
//! 2. read the block's events for the signed phase opening or closing (logged) and for the
//!    outcome of this miner's submissions (rewarded, slashed, refunded, ejected, journalled);
//!    whether the signed phase is open is read from storage (`ElectionApi_round_info`) at every
//!    head, so a miner started or reconnected mid-phase needs no event;
//! 3. in the signed phase, once per round and snapshot: read the chain's solution limits and the
//!    snapshot, and mine: the configured algorithms race on their own threads within a budget of
//!    half the time left in the phase (estimated from the observed block time), each reduced
//!    and trimmed to the chain's limits; the best goes through the chain's feasibility check
//!    here, before anything is signed;
//! 4. after `--delay`, re-read the queue at the *latest* block and ask the submission strategy;
//!    split the solution into one solution per voter page ([`Miner::paginate`], the chain's
//!    own page checks), journal the claim with its pages, then send `Election::register` and
//!    one `Election::submit_page` per page with consecutive nonces and a mortality that ends
//!    with the signed phase, wait for the blocks that include them, and confirm `Registered`
//!    and a `PageStored` per page for this account (else report the dispatch error).
//!
//! A claim is journalled with its pages before anything is sent; a restarted miner (or one that
//! reconnected after the node went away) that finds its claim in the chain's signed queue sends
//! only the pages the chain does not hold yet, from the journal (or, without a journal entry,
//! from a new mining whose score is the claim's), and never registers twice.

use crate::{
	chain_config::{self, ChainConfig},
	journal::{Entry, Event, Journal},
	metrics::Metrics,
	portfolio::{self, Algorithm},
	strategy::Strategy,
};
use codec::Encode;
use frame_metadata::v16::RuntimeMetadataV16;
use pallet_election_multi_phase::{
	miner::RawSolutionOf, paged::PagedRawSolution, ElectionCompute, Miner, MinerConfig, Phase,
};
use pool_runtime::{RuntimeCall, RuntimeEvent};
use sp_core::crypto::Ss58Codec;
use sp_npos_elections::ElectionScore;
use stake_client::{
	chain,
	compat::{self, Item},
	hex::hex,
	rpc::{Rpc, TxStatus},
	signer::{ChainFacts, Mortality, Signer},
	AccountId, Hash,
};
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

/// Every item of the chain this miner depends on.
pub const DEPENDENCIES: &[Item] = &[
	Item::Call("Election", "register"),
	Item::Call("Election", "submit_page"),
	Item::Call("Election", "bail"),
	Item::Call("Election", "set_emergency_election_result"),
	Item::Storage("Election", "SignedSubmissionIndices"),
	Item::Storage("Election", "SignedSubmissionPages"),
	Item::Storage("Election", "PagedVoterSnapshot"),
	Item::Storage("Election", "PagedVoterSnapshotHash"),
	Item::Storage("Election", "Round"),
	Item::Storage("Election", "SnapshotTargets"),
	Item::Storage("Election", "DesiredTargets"),
	Item::Storage("Election", "SnapshotFingerprint"),
	Item::Storage("System", "Account"),
	Item::Storage("System", "Events"),
	Item::RuntimeApi("ElectionApi", "round_info"),
	Item::RuntimeApi("ElectionApi", "signed_queue"),
	Item::RuntimeApi("ElectionApi", "deposit_for"),
	Item::RuntimeApi("ElectionApi", "solution_limits"),
	Item::Constant("Election", "MinerMaxVotesPerVoter"),
	Item::Events,
	Item::Extrinsic,
];

/// A solution page of this chain.
type PageSolution = <ChainConfig as MinerConfig>::Solution;

/// The best claim of `queue` (best first) that this miner must take seriously: the first that
/// `strategy` would submit against anyway, or one that would keep it from submitting and whose
/// pages, read from the chain now, make its score on `snapshot` (checked as the chain will
/// check them). A claim that would stop us but whose pages do not make it (never sent, or
/// false) will be slashed when checked and is passed over, so a fake claim registered for a
/// base deposit (above ours, or equal to it) cannot keep honest miners from submitting.
async fn best_real_claim(
	rpc: &mut Rpc,
	at: Hash,
	round: u32,
	queue: &[(AccountId, ElectionScore)],
	ours: ElectionScore,
	strategy: &Strategy,
	snapshot: &chain::Snapshot,
) -> Result<Option<ElectionScore>, String> {
	for (who, score) in queue {
		if strategy.should_submit(ours, Some(*score)) {
			return Ok(Some(*score));
		}
		let Some(claim) = chain::signed_claim(rpc, who, at).await? else { continue };
		match check_claim(&claim, snapshot) {
			Ok(()) => return Ok(Some(*score)),
			Err(reason) => tracing::info!(
				"round {round}: passing over the queued claim of {} (score {:?}): {reason}",
				who.to_ss58check(),
				score_array(score)
			),
		}
	}
	Ok(None)
}

/// Whether `claim`'s stored pages make its claimed score on `snapshot`, checked with the
/// chain's own page checks (`Miner::check_page`, `add_page`, `finalize_pages`).
fn check_claim(claim: &chain::Claim, snapshot: &chain::Snapshot) -> Result<(), String> {
	use pallet_election_multi_phase::paged::PagedSupports;
	let desired = snapshot.desired_targets;
	let page_count = snapshot.pages.len() as u32;
	let mut sum = PagedSupports::default();
	for (page, bytes) in &claim.pages {
		let solution: PageSolution =
			stake_client::hex::decode("Election::SignedSubmissionPages", bytes)?;
		let voters = snapshot.pages.get(*page as usize).ok_or("a page beyond the snapshot")?;
		let backing =
			Miner::<ChainConfig>::check_page(solution, voters, &snapshot.targets, desired)
				.map_err(|e| format!("page {page}: {e:?}"))?;
		Miner::<ChainConfig>::add_page(&mut sum, *page, &backing, page_count, desired)
			.map_err(|e| format!("page {page}: {e:?}"))?;
	}
	Miner::<ChainConfig>::finalize_pages(&sum, &snapshot.targets, desired, Some(claim.score))
		.map(|_| ())
		.map_err(|e| format!("its {} pages: {e:?}", claim.pages.len()))
}

/// The pages of a journalled claim, decoded.
fn decode_pages(pages: &[(u32, String)]) -> Result<Vec<(u32, PageSolution)>, String> {
	pages
		.iter()
		.map(|(page, encoded)| {
			let bytes = stake_client::hex::unhex(encoded)?;
			let solution = stake_client::hex::decode("a journalled page", &bytes)?;
			Ok((*page, solution))
		})
		.collect()
}

/// Which heads to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Listen {
	/// New best blocks: react as soon as a block is imported.
	Head,
	/// Finalized blocks only: slower, never acts on a block that is later retracted.
	Finalized,
}

/// How `monitor` behaves.
#[derive(Debug, Clone)]
pub struct Options {
	/// Heads to follow.
	pub listen: Listen,
	/// When to submit.
	pub strategy: Strategy,
	/// Wait this long after the signed phase opens before submitting.
	pub delay: Duration,
	/// Mine and decide, but never submit.
	pub dry_run: bool,
	/// The solvers raced.
	pub algorithms: Vec<Algorithm>,
	/// The journal file.
	pub journal: PathBuf,
}

/// The solution mined for one round.
struct MinedRound {
	round: u32,
	fingerprint: Hash,
	solution: RawSolutionOf<ChainConfig>,
	/// The solution split into voter pages, as the claim sends it.
	paged: PagedRawSolution<PageSolution>,
	/// The snapshot it was mined on (to check the claims queued before ours).
	snapshot: std::sync::Arc<chain::Snapshot>,
	algorithm: Algorithm,
	opened: Instant,
	/// Set once this round needs nothing more from us (submitted, stored, declined).
	settled: bool,
	attempts: u32,
}

/// The miner's state between blocks.
struct Monitor {
	options: Options,
	signer: Signer,
	metrics: Option<Metrics>,
	journal: Journal,
	own: RuntimeMetadataV16,
	spec_version: Option<u32>,
	compatible: bool,
	facts: Option<ChainFacts>,
	mined: Option<MinedRound>,
	/// The round and snapshot whose mining failed (not retried).
	failed: Option<(u32, Hash)>,
	last_head: Option<(u32, Instant)>,
	block_time: Duration,
	/// The highest block whose events were read.
	events_read: Option<u32>,
	/// The round and snapshot of the journalled claim being completed, and the attempts made.
	resumed: Option<(u32, Hash, u32)>,
}

/// The most blocks of events read to catch up after a gap (a reconnect, skipped heads, a restart
/// with a submission whose outcome the journal lacks): an hour of 6-second blocks.
const MAX_EVENT_CATCH_UP: u32 = 600;

/// Try to submit at most this many times per round (a transaction the pool refuses, a dispatch
/// error): the round is left alone after that.
const MAX_ATTEMPTS: u32 = 3;

/// A new claim is registered only with at least this many blocks of the signed phase left: its
/// pages go out with it (consecutive nonces) but may land a block later, and a claim whose pages
/// miss the phase is slashed when it is checked.
const MIN_BLOCKS_TO_REGISTER: u32 = 2;

/// Run `monitor` until an unrecoverable error (a bad journal path, a lost endpoint list the
/// back-off gives up on).
pub async fn run(
	rpc: &mut Rpc,
	signer: Signer,
	options: Options,
	metrics: Option<Metrics>,
) -> Result<(), String> {
	let journal = Journal::open(&options.journal)?;
	for line in &journal.skipped {
		tracing::warn!("journal {}: line {line} unreadable, skipped", options.journal.display());
	}
	let mut monitor = Monitor {
		options,
		signer,
		metrics,
		journal,
		own: compat::own_metadata()?,
		spec_version: None,
		compatible: false,
		facts: None,
		mined: None,
		failed: None,
		last_head: None,
		block_time: Duration::from_secs(6),
		events_read: None,
		resumed: None,
	};
	tracing::info!(
		"monitoring {} as {} ({} heads, strategy {}, {})",
		rpc.endpoint(),
		monitor.signer.account().to_ss58check(),
		match monitor.options.listen {
			Listen::Head => "best",
			Listen::Finalized => "finalized",
		},
		monitor.options.strategy,
		if monitor.options.dry_run { "dry run" } else { "submitting" }
	);
	loop {
		let reconnects = rpc.reconnects();
		let mut heads = rpc.subscribe_heads(monitor.options.listen == Listen::Finalized).await?;
		while let Some(next) = heads.next().await {
			let header = match next {
				Ok(header) => header,
				Err(e) => {
					tracing::warn!("bad head notification: {e}");
					continue;
				},
			};
			if let Err(e) = monitor.on_head(rpc, &header).await {
				tracing::warn!("block {}: {e}", header.number);
			}
			if rpc.reconnects() != reconnects {
				// A request reconnected: this subscription belongs to the old connection.
				break;
			}
		}
		if rpc.reconnects() == reconnects {
			rpc.reconnect().await?;
		}
		if let Some(m) = &monitor.metrics {
			m.reconnects.inc();
		}
		tracing::info!("following heads again on {}", rpc.endpoint());
	}
}

/// The block time estimate after observing `newest`: three parts history, one part the newest
/// interval.
fn smooth_block_time(estimate: Duration, newest: Duration) -> Duration {
	estimate.saturating_mul(3).saturating_add(newest).checked_div(4).unwrap_or(estimate)
}

/// The time mining may take: half of what is left of the signed phase, at least 1 s and at
/// most 10 minutes (the rest is for submitting and getting included).
fn mining_budget(block_time: Duration, blocks_left: u32) -> Duration {
	block_time
		.saturating_mul(blocks_left)
		.checked_div(2)
		.unwrap_or_default()
		.clamp(Duration::from_secs(1), Duration::from_secs(600))
}

fn score_array(score: &ElectionScore) -> [u128; 3] {
	[score.minimal_stake, score.sum_stake, score.sum_stake_squared]
}

impl Monitor {
	fn account(&self) -> &AccountId {
		self.signer.account()
	}

	async fn on_head(
		&mut self,
		rpc: &mut Rpc,
		header: &stake_client::Header,
	) -> Result<(), String> {
		let hash = header.hash();
		let number = header.number;
		if let Some((last, at)) = self.last_head {
			if number > last {
				let per_block =
					at.elapsed().checked_div(number.saturating_sub(last)).unwrap_or_default();
				self.block_time = smooth_block_time(self.block_time, per_block);
			}
		}
		self.last_head = Some((number, Instant::now()));

		self.check_runtime(rpc, hash).await?;
		if !self.compatible {
			return Ok(());
		}
		self.read_events(rpc, number, hash).await?;
		if let Some(m) = &self.metrics {
			let info = chain::account(rpc, self.signer.account(), hash).await?;
			m.balance.set(info.data.free as f64);
		}

		let info = chain::round_info(rpc, hash).await?;
		let Phase::Signed { until } = info.phase else {
			if let Some(m) = &self.metrics {
				m.blocks_left.set(0);
			}
			return Ok(());
		};
		// A transaction sent now lands in block `number + 1` at the earliest.
		let blocks_left = until.saturating_sub(number);
		if let Some(m) = &self.metrics {
			m.blocks_left.set(blocks_left.into());
		}
		let fingerprint = info.fingerprint.ok_or("signed phase without a snapshot fingerprint")?;
		let round = info.round;
		let fingerprint_hex = hex(fingerprint.as_bytes());
		if self.journal.submitted(round, &fingerprint_hex) {
			return Ok(());
		}
		if blocks_left == 0 {
			return Ok(());
		}
		// A claim journalled for this round and snapshot: complete it from the journal; never
		// mine or register another (a second claim would be refused, and its pages would
		// replace the first claim's).
		if let Some((score, pages)) = self.journal.registered(round, &fingerprint_hex) {
			let score = ElectionScore {
				minimal_stake: score[0],
				sum_stake: score[1],
				sum_stake_squared: score[2],
			};
			let pages = decode_pages(pages)?;
			return self.resume_claim(rpc, round, fingerprint, score, pages, until).await;
		}

		let fresh =
			self.mined.as_ref().is_none_or(|m| m.round != round || m.fingerprint != fingerprint);
		if fresh {
			if self.failed == Some((round, fingerprint)) {
				// Mining this snapshot failed already; it will not succeed on the next block.
				return Ok(());
			}
			let budget = mining_budget(self.block_time, blocks_left);
			let minimum = info.minimum_untrusted_score;
			// Reading the chain may fail and is retried at the next block; a failed mining of
			// the snapshot is final for the round (see `mine`).
			self.mined = Some(self.mine(rpc, hash, round, fingerprint, minimum, budget).await?);
		}
		let Some(mined) = self.mined.as_mut() else { return Ok(()) };
		if mined.settled {
			return Ok(());
		}
		if mined.opened.elapsed() < self.options.delay {
			return Ok(());
		}

		// Decide at the latest block, not the one that woke us.
		let latest = rpc.block_hash(None).await?.ok_or("no best block")?;
		let latest_header = rpc.header(Some(latest)).await?;
		let until_latest = until.saturating_sub(latest_header.number);
		if let Some(claim) = chain::signed_claim(rpc, self.signer.account(), latest).await? {
			// Queued, but not in the journal (the journal was lost): complete it if this mining
			// is the claim, else withdraw it.
			if claim.score == mined.paged.score {
				let pages = mined.paged.pages.clone();
				return self
					.complete_claim(
						rpc,
						round,
						fingerprint,
						claim,
						pages,
						latest,
						latest_header.number,
						until_latest,
					)
					.await;
			}
			tracing::error!(
				"round {round}: our claim {:?} is queued but the journal has no pages for it and \
				 this mining scores {:?}: withdrawing it (the base deposit is forfeited; checked \
				 without its pages it would be slashed whole)",
				score_array(&claim.score),
				score_array(&mined.paged.score)
			);
			mined.settled = true;
			return self
				.bail(rpc, round, fingerprint, latest, latest_header.number, until_latest)
				.await;
		}
		let queue = chain::signed_queue(rpc, latest).await?;
		let ours = mined.solution.score;
		let snapshot = mined.snapshot.clone();
		let strategy = self.options.strategy;
		let best = best_real_claim(rpc, latest, round, &queue, ours, &strategy, &snapshot).await?;
		let Some(mined) = self.mined.as_mut() else { return Ok(()) };
		if !self.options.strategy.should_submit(ours, best) {
			tracing::info!(
				"round {round}: not submitting: score {:?} against the best queued {:?} under strategy {}",
				score_array(&ours),
				best.as_ref().map(score_array),
				self.options.strategy
			);
			mined.settled = true;
			return Ok(());
		}
		if until_latest < MIN_BLOCKS_TO_REGISTER && !self.options.dry_run {
			tracing::info!(
				"round {round}: {until_latest} block(s) of the signed phase left: too late to register a claim and send its pages"
			);
			mined.settled = true;
			return Ok(());
		}
		if self.options.dry_run {
			tracing::info!(
				"round {round}: dry run: would submit score {:?} ({})",
				score_array(&ours),
				mined.algorithm
			);
			mined.settled = true;
			return Ok(());
		}
		mined.attempts = mined.attempts.saturating_add(1);
		if mined.attempts > MAX_ATTEMPTS {
			tracing::error!("round {round}: giving up after {MAX_ATTEMPTS} failed submissions");
			mined.settled = true;
			return Ok(());
		}
		let paged = mined.paged.clone();
		// Journalled before anything is sent: a restart completes this claim, page by page.
		self.journal.record(Entry {
			round,
			fingerprint: fingerprint_hex.clone(),
			event: Event::Registered {
				block: latest_header.number,
				score: score_array(&paged.score),
				pages: paged
					.pages
					.iter()
					.map(|(page, solution)| (*page, hex(&solution.encode())))
					.collect(),
			},
		})?;
		let pages =
			paged.pages.into_iter().map(|(page, solution)| (page, Some(solution))).collect();
		self.send_claim(
			rpc,
			round,
			fingerprint,
			Some(paged.score),
			pages,
			latest,
			latest_header.number,
			until_latest,
		)
		.await
	}

	/// Complete the claim journalled for `round`: register it if the chain does not have it
	/// (the registration was lost), else send the pages the chain lacks or holds otherwise and
	/// remove pages that are not the claim's. A queued claim of another score (not ours to
	/// complete) is withdrawn. After [`MAX_ATTEMPTS`] the claim is withdrawn if incomplete.
	async fn resume_claim(
		&mut self,
		rpc: &mut Rpc,
		round: u32,
		fingerprint: Hash,
		score: ElectionScore,
		pages: Vec<(u32, PageSolution)>,
		until: u32,
	) -> Result<(), String> {
		let latest = rpc.block_hash(None).await?.ok_or("no best block")?;
		let latest_number = rpc.header(Some(latest)).await?.number;
		let blocks_left = until.saturating_sub(latest_number);
		let attempts = match &mut self.resumed {
			Some((r, f, attempts)) if *r == round && *f == fingerprint => {
				*attempts = attempts.saturating_add(1);
				*attempts
			},
			_ => {
				self.resumed = Some((round, fingerprint, 1));
				1
			},
		};
		match chain::signed_claim(rpc, self.signer.account(), latest).await? {
			None if attempts > MAX_ATTEMPTS => {
				tracing::error!(
					"round {round}: giving up registering our claim after {MAX_ATTEMPTS} attempts"
				);
				Ok(())
			},
			None => {
				tracing::info!(
					"round {round}: our journalled claim is not on chain; registering it"
				);
				let pages =
					pages.into_iter().map(|(page, solution)| (page, Some(solution))).collect();
				self.send_claim(
					rpc,
					round,
					fingerprint,
					Some(score),
					pages,
					latest,
					latest_number,
					blocks_left,
				)
				.await
			},
			Some(claim) if claim.score != score => {
				tracing::error!(
					"round {round}: our queued claim {:?} is not the journalled one {:?}: withdrawing it",
					score_array(&claim.score),
					score_array(&score)
				);
				self.bail(rpc, round, fingerprint, latest, latest_number, blocks_left).await
			},
			Some(claim) if attempts > MAX_ATTEMPTS => {
				let _ = claim;
				tracing::error!(
					"round {round}: our claim is still incomplete after {MAX_ATTEMPTS} attempts: withdrawing it"
				);
				self.bail(rpc, round, fingerprint, latest, latest_number, blocks_left).await
			},
			Some(claim) => {
				self.complete_claim(
					rpc,
					round,
					fingerprint,
					claim,
					pages,
					latest,
					latest_number,
					blocks_left,
				)
				.await
			},
		}
	}

	/// Withdraw our claim (`Election::bail`): its pages' deposits come back, its base deposit
	/// is forfeited, which is less than a claim that cannot be completed would be slashed.
	async fn bail(
		&mut self,
		rpc: &mut Rpc,
		round: u32,
		fingerprint: Hash,
		latest: Hash,
		latest_number: u32,
		blocks_left: u32,
	) -> Result<(), String> {
		let facts = self.facts.ok_or("no chain facts yet")?;
		let nonce = rpc.account_next_index(&self.signer.account().to_ss58check()).await?;
		let period = u64::from(blocks_left.max(4)).next_power_of_two();
		let mortality = Mortality { checkpoint: latest, checkpoint_number: latest_number, period };
		let call = RuntimeCall::Election(pallet_election_multi_phase::Call::bail {});
		let extrinsic = self.signer.sign(call, nonce, mortality, facts).encode();
		tracing::warn!("round {round}: withdrawing our claim (bail)");
		let _watch = rpc.submit_and_watch(&extrinsic).await?;
		if let Some(mined) = self.mined.as_mut() {
			mined.settled = true;
		}
		// Settled for the round either way: the journal records the outcome from the events.
		self.journal.record(Entry {
			round,
			fingerprint: hex(fingerprint.as_bytes()),
			event: Event::Outcome { outcome: "bailed".into(), amount: String::new() },
		})
	}

	/// Our claim is in the queue with the chain's record of its pages: send the pages of
	/// `pages` the chain lacks or holds with other content, and remove pages the chain holds
	/// that are not in `pages`; once the chain holds exactly `pages`, journal the submission.
	#[allow(clippy::too_many_arguments)]
	async fn complete_claim(
		&mut self,
		rpc: &mut Rpc,
		round: u32,
		fingerprint: Hash,
		claim: chain::Claim,
		pages: Vec<(u32, PageSolution)>,
		latest: Hash,
		latest_number: u32,
		blocks_left: u32,
	) -> Result<(), String> {
		let fingerprint_hex = hex(fingerprint.as_bytes());
		let held = |page: u32, solution: &PageSolution| {
			claim.pages.iter().any(|(stored, bytes)| {
				*stored == page
					&& stake_client::hex::decode::<PageSolution>(
						"Election::SignedSubmissionPages",
						bytes,
					)
					.is_ok_and(|stored| stored == *solution)
			})
		};
		let mut changes: Vec<(u32, Option<PageSolution>)> = pages
			.iter()
			.filter(|(page, solution)| !held(*page, solution))
			.map(|(page, solution)| (*page, Some(solution.clone())))
			.collect();
		changes.extend(
			claim
				.pages
				.iter()
				.filter(|(stored, _)| pages.iter().all(|(page, _)| page != stored))
				.map(|(stored, _)| (*stored, None)),
		);
		if changes.is_empty() {
			tracing::info!("round {round}: our claim and its {} pages are stored", pages.len());
			return self.stored(round, &fingerprint_hex, latest_number);
		}
		tracing::info!(
			"round {round}: our claim is queued; sending its {} missing pages",
			changes.len()
		);
		self.send_claim(rpc, round, fingerprint, None, changes, latest, latest_number, blocks_left)
			.await
	}

	/// Compare the chain's types with ours when the runtime version changes.
	async fn check_runtime(&mut self, rpc: &mut Rpc, hash: Hash) -> Result<(), String> {
		let version = rpc.runtime_version(hash).await?;
		if self.spec_version == Some(version.spec_version) {
			return Ok(());
		}
		let metadata = chain::metadata(rpc, hash).await?;
		let report = compat::compare(&self.own, &metadata, DEPENDENCIES);
		self.compatible = report.compatible();
		self.spec_version = Some(version.spec_version);
		let genesis = rpc.block_hash(Some(0)).await?.ok_or("no genesis block")?;
		self.facts = Some(ChainFacts {
			genesis,
			spec_version: version.spec_version,
			transaction_version: version.transaction_version,
		});
		if let Some(m) = &self.metrics {
			m.compatible.set(u64::from(self.compatible));
		}
		if self.compatible {
			tracing::info!(
				"runtime {} version {}: the types this miner uses match",
				version.spec_name,
				version.spec_version
			);
		} else {
			tracing::error!(
				"runtime {} version {}: refusing to submit: {}",
				version.spec_name,
				version.spec_version,
				report.mismatches().join("; ")
			);
		}
		Ok(())
	}

	/// Read the events of block `number` (`hash`) and of the blocks before it not read yet: those
	/// since the last block read or, on a fresh start, since the earliest submission the journal
	/// has no outcome for; at most [`MAX_EVENT_CATCH_UP`] blocks back. So an outcome in a block
	/// the miner missed (disconnected, restarted, a skipped head) is still reported.
	async fn read_events(&mut self, rpc: &mut Rpc, number: u32, hash: Hash) -> Result<(), String> {
		let from = match self.events_read {
			Some(read) => read.saturating_add(1),
			None => self.journal.earliest_open_block().unwrap_or(number),
		}
		.max(number.saturating_sub(MAX_EVENT_CATCH_UP));
		if from < number {
			tracing::info!(
				"reading the events of blocks {from} to {} (not seen yet)",
				number.saturating_sub(1)
			);
		}
		for missed in from..number {
			if let Some(missed_hash) = rpc.block_hash(Some(missed)).await? {
				self.track_outcomes(rpc, missed_hash).await?;
			}
			self.events_read = Some(missed);
		}
		self.track_outcomes(rpc, hash).await?;
		self.events_read = Some(self.events_read.map_or(number, |read| read.max(number)));
		Ok(())
	}

	/// Log the signed phase opening and closing, and journal the outcome of our submissions,
	/// found in block `hash`'s events (once per round, however often a block is read).
	async fn track_outcomes(&mut self, rpc: &mut Rpc, hash: Hash) -> Result<(), String> {
		use pallet_election_multi_phase::Event as E;
		let events = chain::events(rpc, hash).await?;
		for record in events {
			let RuntimeEvent::Election(event) = record.event else { continue };
			let (round, outcome, amount) = match event {
				// The phase itself is read from storage at every head (a miner started or
				// reconnected mid-phase saw no event); the event says when it opened.
				E::PhaseTransitioned { round, to: Phase::Signed { until }, .. } => {
					tracing::info!("round {round}: the signed phase opened (until block {until})");
					continue;
				},
				E::PhaseTransitioned { round, from: Phase::Signed { .. }, to } => {
					tracing::info!("round {round}: the signed phase closed ({to:?} now)");
					continue;
				},
				E::Rewarded { round, who, reward } if &who == self.account() => {
					(round, "rewarded", reward)
				},
				E::Slashed { round, who, amount, .. } if &who == self.account() => {
					(round, "slashed", amount)
				},
				E::Refunded { round, who, deposit, fee } if &who == self.account() => {
					(round, "refunded", deposit.saturating_add(fee))
				},
				// Valid, but below a minimum raised after we submitted: returned, not slashed.
				E::Discarded { round, who, deposit, .. } if &who == self.account() => {
					(round, "discarded", deposit)
				},
				E::SolutionEjected { round, who, deposit } if &who == self.account() => {
					(round, "ejected", deposit)
				},
				_ => continue,
			};
			if self.journal.has_outcome(round) {
				continue;
			}
			let fingerprint = self
				.journal
				.open_rounds()
				.into_iter()
				.find(|(r, _)| *r == round)
				.map(|(_, f)| f)
				.unwrap_or_default();
			match outcome {
				"slashed" => tracing::error!("round {round}: our solution was slashed {amount}"),
				_ => tracing::info!("round {round}: our solution was {outcome} ({amount})"),
			}
			if let Some(m) = &self.metrics {
				m.outcomes.with_label_values(&[outcome]).inc();
			}
			self.journal.record(Entry {
				round,
				fingerprint,
				event: Event::Outcome { outcome: outcome.into(), amount: amount.to_string() },
			})?;
		}
		Ok(())
	}

	/// Read the limits and the snapshot at `at` and race the solvers.
	async fn mine(
		&mut self,
		rpc: &mut Rpc,
		at: Hash,
		round: u32,
		fingerprint: Hash,
		minimum_untrusted_score: Option<ElectionScore>,
		budget: Duration,
	) -> Result<MinedRound, String> {
		let limits = chain::solution_limits(rpc, at).await?;
		chain_config::check_votes_per_voter(&limits)?;
		chain_config::set_limits(&limits);
		let fetch = Instant::now();
		let snapshot = chain::snapshot(rpc, at).await?.ok_or("signed phase without a snapshot")?;
		if snapshot.fingerprint != fingerprint {
			return Err("the snapshot changed while it was read".into());
		}
		if let Some(m) = &self.metrics {
			m.snapshot_fetch.observe(fetch.elapsed().as_secs_f64());
		}
		tracing::info!(
			"round {round}: snapshot of {} voters, {} targets, {} winners; mining with {} within {:.1} s",
			snapshot.voters.len(),
			snapshot.targets.len(),
			snapshot.desired_targets,
			self.options.algorithms.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
			budget.as_secs_f64()
		);
		let start = Instant::now();
		let algorithms = self.options.algorithms.clone();
		chain_config::set_pages(snapshot.pages.len() as u32);
		let snapshot = std::sync::Arc::new(snapshot);
		let kept = snapshot.clone();
		let best = tokio::task::spawn_blocking(move || {
			let best = portfolio::race_best::<chain_config::ClaimConfig>(
				&algorithms,
				snapshot.voters.clone(),
				snapshot.targets.clone(),
				snapshot.desired_targets,
				round,
				budget,
			)?;
			// The chain's own check, here, before anything is signed.
			Miner::<ChainConfig>::feasibility_check(
				best.solution.clone(),
				ElectionCompute::Signed,
				snapshot.desired_targets,
				&snapshot.voters,
				&snapshot.targets,
				round,
				minimum_untrusted_score,
			)
			.map_err(|e| format!("the mined solution fails the feasibility check: {e:?}"))?;
			// The claim's pages, checked page by page as the chain will check them.
			let paged = Miner::<ChainConfig>::paginate(
				best.solution.solution.clone(),
				&snapshot.pages,
				&snapshot.targets,
				snapshot.desired_targets,
				round,
			)
			.map_err(|e| format!("the mined solution cannot be split into pages: {e:?}"))?;
			if paged.score != best.solution.score {
				return Err(format!(
					"the pages score {:?}, the whole solution {:?}",
					score_array(&paged.score),
					score_array(&best.solution.score)
				));
			}
			Ok::<_, String>((best, paged))
		})
		.await
		.map_err(|e| format!("the mining thread failed: {e}"))
		.and_then(|mined| mined);
		let (best, paged) = match best {
			Ok(best) => best,
			Err(e) => {
				self.failed = Some((round, fingerprint));
				return Err(format!("round {round}: no solution to submit this round: {e}"));
			},
		};
		let elapsed = start.elapsed();
		tracing::info!(
			"round {round}: mined in {:.2} s with {}: score {:?}, {} bytes, weight {}",
			elapsed.as_secs_f64(),
			best.algorithm,
			score_array(&best.score()),
			best.trimmed.length,
			best.trimmed.weight,
		);
		if let Some(m) = &self.metrics {
			m.mining_duration.observe(elapsed.as_secs_f64());
			m.set_score(&best.score());
			m.solution_length.set(best.trimmed.length.into());
			m.solution_ref_time.set(best.trimmed.weight.ref_time());
			m.solution_proof_size.set(best.trimmed.weight.proof_size());
		}
		Ok(MinedRound {
			round,
			fingerprint,
			algorithm: best.algorithm,
			solution: best.solution,
			paged,
			snapshot: kept,
			opened: Instant::now(),
			settled: false,
			attempts: 0,
		})
	}

	/// Journal that our solution for `round` is stored, once.
	fn stored(&mut self, round: u32, fingerprint: &str, block: u32) -> Result<(), String> {
		if let Some(mined) = self.mined.as_mut() {
			mined.settled = true;
		}
		if self.journal.submitted(round, fingerprint) {
			return Ok(());
		}
		let score = self.mined.as_ref().map(|m| score_array(&m.paged.score)).unwrap_or_default();
		self.journal.record(Entry {
			round,
			fingerprint: fingerprint.to_string(),
			event: Event::Submitted { block, score, tx: String::new() },
		})
	}

	/// Sign and send `register` (when `score` is given) and `submit_page` for every page in
	/// `pages`, with consecutive nonces, follow them into blocks, and confirm `Registered` and
	/// a `PageStored` per page for this account; then journal the submission.
	#[allow(clippy::too_many_arguments)]
	async fn send_claim(
		&mut self,
		rpc: &mut Rpc,
		round: u32,
		fingerprint: Hash,
		score: Option<ElectionScore>,
		pages: Vec<(u32, Option<PageSolution>)>,
		latest: Hash,
		latest_number: u32,
		blocks_left: u32,
	) -> Result<(), String> {
		use pallet_election_multi_phase::{Call, Event as E};
		let facts = self.facts.ok_or("no chain facts yet")?;
		let nonce = rpc.account_next_index(&self.signer.account().to_ss58check()).await?;
		let mut calls = Vec::new();
		if let Some(score) = score {
			calls.push(Call::register { score, fingerprint });
		}
		let expected: Vec<(u32, bool)> =
			pages.iter().map(|(page, solution)| (*page, solution.is_some())).collect();
		calls.extend(
			pages.into_iter().map(|(page, solution)| Call::submit_page {
				page,
				solution: solution.map(Box::new),
			}),
		);
		// The shortest era (a power of two, at least 4) that covers the rest of the phase.
		let period = u64::from(blocks_left.max(4)).next_power_of_two();
		let mortality = Mortality { checkpoint: latest, checkpoint_number: latest_number, period };
		let mut watches = Vec::new();
		for (i, call) in calls.into_iter().enumerate() {
			let nonce = nonce.saturating_add(i as u32);
			let extrinsic =
				self.signer.sign(RuntimeCall::Election(call), nonce, mortality, facts).encode();
			let tx_hash = sp_crypto_hashing::blake2_256(&extrinsic);
			if let Some(m) = &self.metrics {
				m.submissions_started.inc();
			}
			tracing::info!(
				"round {round}: sending {} ({} bytes, nonce {nonce}, valid {period} blocks)",
				hex(&tx_hash),
				extrinsic.len()
			);
			watches.push((tx_hash, rpc.submit_and_watch(&extrinsic).await?));
		}
		let finalized = self.options.listen == Listen::Finalized;
		let mut blocks = Vec::new();
		let mut last_tx = [0u8; 32];
		for (tx_hash, mut watch) in watches {
			let block = loop {
				let Some(next) = watch.next().await else {
					return Err("the node stopped reporting on our transaction".into());
				};
				let status = next.map_err(|e| format!("transaction status: {e}"))?;
				match TxStatus::parse(&status) {
					Some(TxStatus::InBlock(block)) if !finalized => break block,
					Some(TxStatus::Finalized(block)) => break block,
					Some(
						status @ (TxStatus::Dropped
						| TxStatus::Invalid
						| TxStatus::Usurped(_)
						| TxStatus::FinalityTimeout(_)),
					) => return Err(format!("our transaction was not included: {status:?}")),
					_ => {},
				}
			};
			if !blocks.contains(&block) {
				blocks.push(block);
			}
			last_tx = tx_hash;
		}
		let mut registered = score.is_none();
		let mut stored: Vec<(u32, bool)> = Vec::new();
		let mut last_number = latest_number;
		for block in blocks {
			let events = chain::events(rpc, block).await?;
			let header = rpc.header(Some(block)).await?;
			last_number = last_number.max(header.number);
			for record in &events {
				match &record.event {
					RuntimeEvent::Election(E::Registered {
						round: r, who, prev_ejected, ..
					}) if who == self.signer.account() && *r == round => {
						tracing::info!(
							"round {round}: claim registered in block {}{}",
							header.number,
							if *prev_ejected {
								" (the weakest queued one was ejected)"
							} else {
								""
							}
						);
						registered = true;
					},
					RuntimeEvent::Election(E::PageStored { round: r, who, page, .. })
						if who == self.signer.account() && *r == round =>
					{
						stored.push((*page, true));
					},
					RuntimeEvent::Election(E::PageRemoved { round: r, who, page, .. })
						if who == self.signer.account() && *r == round =>
					{
						stored.push((*page, false));
					},
					RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
						dispatch_error,
						..
					}) => {
						tracing::warn!(
							"a transaction of block {} failed: {dispatch_error:?}",
							header.number
						);
					},
					_ => {},
				}
			}
		}
		let missing: Vec<u32> = expected
			.into_iter()
			.filter(|change| !stored.contains(change))
			.map(|(page, _)| page)
			.collect();
		if !registered || !missing.is_empty() {
			return Err(format!(
				"our claim is {}registered and pages {missing:?} are not stored (see the failures above)",
				if registered { "" } else { "not " }
			));
		}
		tracing::info!("round {round}: claim and pages stored (last in block {last_number})");
		if let Some(m) = &self.metrics {
			m.submissions_success.inc();
		}
		let score = match self.journal.registered(round, &hex(fingerprint.as_bytes())) {
			Some((score, _)) => score,
			None => self.mined.as_ref().map(|m| score_array(&m.paged.score)).unwrap_or_default(),
		};
		if let Some(mined) = self.mined.as_mut() {
			mined.settled = true;
		}
		self.journal.record(Entry {
			round,
			fingerprint: hex(fingerprint.as_bytes()),
			event: Event::Submitted { block: last_number, score, tx: hex(&last_tx) },
		})
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	/// Targets 20 and 30 of 10, 20, 30 (indices 0 to 2), two winners; page 1 (the largest
	/// voters) holds 5 (stake 50; votes 10, 20, 30) and 4 (40; 30), page 0 holds 3 (30; 20), 2
	/// (20; 10, 30) and 1 (10; 10, 20).
	fn snapshot() -> chain::Snapshot {
		let account = |i: u8| AccountId::new([i; 32]);
		let voter = |who: u8, stake: u64, votes: &[u8]| {
			let votes: Vec<AccountId> = votes.iter().map(|t| account(*t)).collect();
			(account(who), stake, frame_support::BoundedVec::truncate_from(votes))
		};
		let page1 = vec![voter(5, 50, &[10, 20, 30]), voter(4, 40, &[30])];
		let page0 = vec![voter(3, 30, &[20]), voter(2, 20, &[10, 30]), voter(1, 10, &[10, 20])];
		chain::Snapshot {
			voters: page1.iter().chain(&page0).cloned().collect(),
			pages: vec![page0, page1],
			targets: vec![account(10), account(20), account(30)],
			desired_targets: 2,
			fingerprint: Hash::zero(),
		}
	}

	fn page(solution: PageSolution) -> Vec<u8> {
		solution.encode()
	}

	#[test]
	fn a_queued_claim_counts_only_if_its_pages_make_its_score() {
		// The limits `chain_config`'s own test sets (the statics are global to the test binary).
		chain_config::set_limits(&pallet_election_multi_phase_runtime_api::SolutionLimits {
			max_length: 1000,
			max_weight: frame_support::weights::Weight::from_parts(5, 6),
			max_votes_per_voter: 16,
			max_winners: 7,
			max_backers_per_winner: 9,
			max_signed_submissions: 3,
		});
		let snapshot = snapshot();
		// Page 1: voter 5 (index 0) backs 20 (index 1), voter 4 backs 30. Page 0: voter 3 backs
		// 20, voter 2 backs 30. 20 has 50 + 30 = 80, 30 has 40 + 20 = 60.
		let page1 = PageSolution { votes1: vec![(0, 1), (1, 2)], ..Default::default() };
		let page0 = PageSolution { votes1: vec![(0, 1), (1, 2)], ..Default::default() };
		let score = ElectionScore { minimal_stake: 60, sum_stake: 140, sum_stake_squared: 10_000 };
		let claim = |score, pages: Vec<(u32, Vec<u8>)>| chain::Claim { index: 0, score, pages };
		let honest = claim(score, vec![(0, page(page0.clone())), (1, page(page1.clone()))]);
		assert_eq!(check_claim(&honest, &snapshot), Ok(()));
		// A claim above what its pages give, a claim missing page 0 (20 then has 50, 30 has
		// 40), and a claim without pages: none counts.
		let inflated = claim(ElectionScore { minimal_stake: 61, ..score }, honest.pages.clone());
		assert!(check_claim(&inflated, &snapshot).unwrap_err().contains("InvalidScore"));
		let missing = claim(score, vec![(1, page(page1))]);
		assert!(check_claim(&missing, &snapshot).unwrap_err().contains("InvalidScore"));
		let empty = claim(score, vec![]);
		assert_eq!(check_claim(&empty, &snapshot), Err("its 0 pages: WrongWinnerCount".into()));
	}

	#[test]
	fn the_block_time_estimate_follows_the_chain_smoothly() {
		let six = Duration::from_secs(6);
		assert_eq!(smooth_block_time(six, six), six);
		// One 2 s block moves a 6 s estimate a quarter of the way: 5 s.
		assert_eq!(smooth_block_time(six, Duration::from_secs(2)), Duration::from_secs(5));
	}

	#[test]
	fn mining_may_take_half_the_rest_of_the_phase_within_bounds() {
		let six = Duration::from_secs(6);
		// 30 blocks of 6 s left: 90 s.
		assert_eq!(mining_budget(six, 30), Duration::from_secs(90));
		assert_eq!(mining_budget(six, 0), Duration::from_secs(1));
		assert_eq!(mining_budget(Duration::from_millis(100), 3), Duration::from_secs(1));
		assert_eq!(mining_budget(six, 100_000), Duration::from_secs(600));
	}
}
