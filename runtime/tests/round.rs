//! A whole election round at the stake pools' target scale, natively, block by block: 100,000
//! delegators with 16 pools each, 1,000 pools, 300 elected, in a runtime configured exactly as
//! the suite's runtimes are (`stake_suite_runtime_common::impl_staking_pallets!`) at
//! [`StakePoolsScale`] (455 voter pages), with this chain's weights and database weights.
//!
//! Every block runs through `Executive` with signed transactions, and its storage proof is
//! recorded (the reads of its hooks and transactions and the trie nodes its writes need for the
//! new state root: what a parachain block ships to the relay chain). The round is adversarial:
//! a false claim registered above the honest one (verified first over all its pages, then
//! slashed), the honest claim (wins), claims left behind it with every page stored (refunded
//! in the same block), a claim ejected from the full queue with every page, a claim withdrawn
//! with every page. For each block the test asserts the charged weight and the recorded proof
//! within a quarter of a parachain block (0.5 s, 1.25 MiB), and prints the table
//! docs/election.md quotes:
//!
//! ```text
//! cargo test -p pool-runtime --features "$FEATURES" --test round -- --nocapture
//! ```
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use codec::Encode;
use frame_election_provider_support::NposSolution;
use frame_support::{traits::Get, weights::Weight};
use pallet_election_multi_phase::{CurrentPhase, Phase};
use sp_keyring::Sr25519Keyring::{self, *};
use sp_npos_elections::{Assignment, ElectionScore};
use sp_runtime::{
	generic::Era, traits::Header as _, BuildStorage, MultiAddress, MultiSignature, PerU16, Permill,
};
use stake_suite_runtime_common::{ElectionScale, StakePoolsScale, VOTERS_PER_PAGE};
use std::collections::BTreeMap;

#[path = "common/budget.rs"]
mod budget;

/// The hooks' and calls' worst cases at the target scale's bounds (the table of
/// `weights.rs`), each within a quarter of a parachain block.
#[test]
fn every_hook_and_call_fits_at_the_target_scale() {
	budget::check::<target::Runtime>("the stake pools' target scale");
}

/// A runtime like `pool-runtime` with the stake pools and the election at the target scale.
mod target {
	use frame_support::{derive_impl, traits::ConstU32, weights::constants::ParityDbWeight};
	pub use pool_runtime::{AccountId, Address, Balance, Header, Nonce, DAYS, UNIT};
	use sp_runtime::generic;

	pub type TxExtension = (
		frame_system::AuthorizeCall<Runtime>,
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_system::WeightReclaim<Runtime>,
	);
	pub type UncheckedExtrinsic =
		generic::UncheckedExtrinsic<Address, RuntimeCall, sp_runtime::MultiSignature, TxExtension>;
	pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type Executive = frame_executive::Executive<
		Runtime,
		Block,
		frame_system::ChainContext<Runtime>,
		Runtime,
		AllPalletsWithSystem,
	>;

	#[frame_support::runtime]
	mod runtime {
		#[runtime::runtime]
		#[runtime::derive(
			RuntimeCall,
			RuntimeEvent,
			RuntimeError,
			RuntimeOrigin,
			RuntimeFreezeReason,
			RuntimeHoldReason,
			RuntimeSlashReason,
			RuntimeLockId,
			RuntimeTask,
			RuntimeViewFunction
		)]
		pub struct Runtime;

		#[runtime::pallet_index(0)]
		pub type System = frame_system;
		#[runtime::pallet_index(2)]
		pub type Balances = pallet_balances;
		#[runtime::pallet_index(3)]
		pub type TransactionPayment = pallet_transaction_payment;
		#[runtime::pallet_index(10)]
		pub type StakePool = pallet_stake_pool;
		#[runtime::pallet_index(11)]
		pub type Election = pallet_election_multi_phase;
		#[runtime::pallet_index(12)]
		pub type VoterList = pallet_bags_list<Instance1>;
		#[runtime::pallet_index(13)]
		pub type TargetList = pallet_bags_list<Instance2>;
	}

	#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
	impl frame_system::Config for Runtime {
		type Block = Block;
		type AccountId = AccountId;
		type Nonce = Nonce;
		type Hash = sp_core::H256;
		type BlockWeights = pool_runtime::configs::RuntimeBlockWeights;
		type BlockLength = pool_runtime::configs::RuntimeBlockLength;
		type Version = pool_runtime::configs::Version;
		type AccountData = pallet_balances::AccountData<Balance>;
		type MaxConsumers = ConstU32<16>;
		type DbWeight = ParityDbWeight;
	}

	stake_suite_runtime_common::impl_balances_and_fees! { runtime: Runtime }

	stake_suite_runtime_common::impl_staking_pallets! {
		runtime: Runtime,
		scale: stake_suite_runtime_common::StakePoolsScale,
		clock: System,
		days: DAYS,
		call_fee: TransactionPayment,
		// No on-chain fallback fits a quarter block with 300 winners (see `runtime-common`).
		fallback: none,
	}

	stake_suite_runtime_common::impl_offchain_transactions! {
		runtime: Runtime,
		extrinsic: UncheckedExtrinsic,
		extension: TxExtension,
		authorized_extension: (
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		),
	}
}

use target::{
	AccountId, Balance, Election, Executive, Header, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SignedPayload, System, TxExtension, UncheckedExtrinsic, UNIT,
};

/// The round's size: the target (issue 13).
const DELEGATORS: u32 = 100_000;
const POOLS: u32 = 1_000;
const VOTES: u32 = 16;
/// A quarter of a parachain block: 0.5 s of ref-time, 1.25 MiB of proof.
const REF_TIME_BUDGET: u64 = 500_000_000_000;
const PROOF_BUDGET: u64 = 5 * 1024 * 1024 / 4;
/// The most claim transactions the test puts in one block: each `submit_page` is charged about
/// 1.7 ms and 15 KiB of proof with its transaction extensions, so 80 stay within a quarter of a
/// block (a block producer may put up to the normal class's three quarters; the signed phase is
/// long enough for every claim at this pace: `StakePoolsScale`).
const TRANSACTIONS_PER_BLOCK: usize = 80;

/// A deterministic generator (64-bit LCG, Knuth's constants): the same chain every run.
struct Lcg(u64);

impl Lcg {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		self.0 >> 33
	}
}

fn account(kind: u8, index: u32) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[0] = kind;
	bytes[1..5].copy_from_slice(&index.to_be_bytes());
	AccountId::from(bytes)
}

/// 1,000 pools (one worker each, mining 1,000 UNIT), 100,000 delegators each backing 16
/// distinct pools with 1 to 1,000 UNIT (the same amount in each), and the claimants funded.
fn genesis() -> sp_io::TestExternalities {
	let mut rng = Lcg(20_261_130);
	let mut balances: Vec<(AccountId, Balance)> = Vec::new();
	let mut workers = Vec::new();
	let mut pools = Vec::new();
	let mut mining = Vec::new();
	for pid in 0..POOLS {
		let (owner, worker) = (account(1, pid), account(2, pid));
		balances.push((owner.clone(), 1_000 * UNIT));
		workers.push((worker.clone(), 100u32, 1u8, owner.clone()));
		pools.push((owner, Permill::from_percent(10), None, vec![worker.clone()]));
		// 100 UNIT per square root of the score: 1,000 UNIT.
		mining.push((pid as u64, worker, 1_000 * UNIT));
	}
	let mut delegations = Vec::with_capacity((DELEGATORS * VOTES) as usize);
	for d in 0..DELEGATORS {
		let who = account(3, d);
		let amount = (1 + rng.next() % 1_000) as Balance * UNIT;
		balances.push((who.clone(), amount * VOTES as Balance + 10 * UNIT));
		let mut chosen: Vec<u32> = Vec::with_capacity(VOTES as usize);
		while chosen.len() < VOTES as usize {
			let pid = (rng.next() % POOLS as u64) as u32;
			if !chosen.contains(&pid) {
				chosen.push(pid);
			}
		}
		for pid in chosen {
			delegations.push((who.clone(), pid as u64, amount));
		}
	}
	for key in Sr25519Keyring::iter() {
		balances.push((key.to_account_id(), 1_000_000 * UNIT));
	}
	let config = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances, dev_accounts: None },
		stake_pool: pallet_stake_pool::GenesisConfig {
			reward_per_block: UNIT,
			workers,
			pools,
			delegations,
			mining,
		},
		..Default::default()
	};
	config.build_storage().unwrap().into()
}

struct Chain {
	nonces: BTreeMap<AccountId, u32>,
	parent: sp_core::H256,
}

impl Chain {
	fn sign(&mut self, signer: Sr25519Keyring, call: RuntimeCall) -> UncheckedExtrinsic {
		let who = signer.to_account_id();
		let nonce = self.nonces.entry(who.clone()).or_insert(0);
		let tx_ext: TxExtension = (
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::Immortal),
			frame_system::CheckNonce::from(*nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_system::WeightReclaim::new(),
		);
		*nonce += 1;
		let payload = SignedPayload::new(call.clone(), tx_ext.clone()).unwrap();
		let signature = payload.using_encoded(|bytes| signer.sign(bytes));
		UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(who),
			MultiSignature::Sr25519(signature),
			tx_ext,
		)
	}

	/// Produce the next block with `extrinsics` (each must succeed); returns what the block was
	/// charged (all classes) and its length.
	fn block(&mut self, extrinsics: Vec<UncheckedExtrinsic>) -> (Weight, u32) {
		let number = System::block_number() + 1;
		let header = Header::new(
			number,
			Default::default(),
			Default::default(),
			self.parent,
			Default::default(),
		);
		Executive::initialize_block(&header);
		let mut length = 0u32;
		for xt in extrinsics {
			length += xt.encoded_size() as u32;
			let call = format!("{:?}", xt.function).chars().take(120).collect::<String>();
			Executive::apply_extrinsic(xt)
				.unwrap_or_else(|e| panic!("block {number}: {call} invalid: {e:?}"))
				.unwrap_or_else(|e| panic!("block {number}: {call} failed: {e:?}"));
		}
		self.parent = Executive::finalize_block().hash();
		(System::block_weight().total(), length)
	}
}

/// An honest claim over the snapshot: each voter's whole stake to the winner it votes for with
/// the least backing so far (300 winners: the targets most voted for), page by page, and the
/// score worked out here from the backing (one edge per voter, so no rounding).
struct Claim {
	score: ElectionScore,
	pages: Vec<(u32, pool_runtime::configs::NposSolution16)>,
}

fn honest_claim() -> Claim {
	let pages: u32 = <Runtime as pallet_election_multi_phase::Config>::Pages::get();
	let targets = pallet_election_multi_phase::SnapshotTargets::<Runtime>::get().unwrap();
	let desired = pallet_election_multi_phase::DesiredTargets::<Runtime>::get().unwrap() as usize;
	let mut votes_for: BTreeMap<AccountId, u32> = BTreeMap::new();
	let voter_pages: Vec<_> = (0..pages).map(Election::voter_page).collect();
	for page in &voter_pages {
		for (_, _, votes) in page {
			for vote in votes {
				*votes_for.entry(vote.clone()).or_default() += 1;
			}
		}
	}
	let mut ranked: Vec<_> = targets.iter().cloned().collect();
	ranked.sort_by_key(|t| std::cmp::Reverse(votes_for.get(t).copied().unwrap_or_default()));
	let winners: Vec<AccountId> = ranked.into_iter().take(desired).collect();
	let mut backing: BTreeMap<AccountId, u128> =
		winners.iter().map(|w| (w.clone(), 0u128)).collect();
	let mut solutions = Vec::new();
	for (page, voters) in voter_pages.iter().enumerate() {
		let mut assignments = Vec::new();
		for (who, stake, votes) in voters {
			let Some(best) =
				votes.iter().filter(|v| backing.contains_key(*v)).min_by_key(|v| backing[*v])
			else {
				continue;
			};
			*backing.get_mut(best).unwrap() += *stake as u128;
			assignments.push(Assignment {
				who: who.clone(),
				distribution: vec![(best.clone(), PerU16::one())],
			});
		}
		if assignments.is_empty() {
			continue;
		}
		let voter_index = |who: &AccountId| {
			voters.iter().position(|(v, _, _)| v == who).and_then(|i| u32::try_from(i).ok())
		};
		let target_index = |who: &AccountId| {
			targets.iter().position(|t| t == who).and_then(|i| u16::try_from(i).ok())
		};
		let solution = pool_runtime::configs::NposSolution16::from_assignment(
			&assignments,
			voter_index,
			target_index,
		)
		.unwrap();
		solutions.push((page as u32, solution));
	}
	assert!(backing.values().all(|b| *b > 0), "every winner is backed");
	let score = ElectionScore {
		minimal_stake: *backing.values().min().unwrap(),
		sum_stake: backing.values().sum(),
		sum_stake_squared: backing.values().map(|b| b * b).sum(),
	};
	Claim { score, pages: solutions }
}

/// `score` with its minimal stake at `percent`% (well apart, so that the queue's 0.5% threshold
/// orders them).
fn weaker(score: ElectionScore, percent: u128) -> ElectionScore {
	ElectionScore { minimal_stake: score.minimal_stake * percent / 100, ..score }
}

fn register(chain: &mut Chain, who: Sr25519Keyring, score: ElectionScore) -> UncheckedExtrinsic {
	let fingerprint = pallet_election_multi_phase::SnapshotFingerprint::<Runtime>::get().unwrap();
	chain.sign(
		who,
		RuntimeCall::Election(pallet_election_multi_phase::Call::register { score, fingerprint }),
	)
}

fn pages(chain: &mut Chain, who: Sr25519Keyring, claim: &Claim) -> Vec<UncheckedExtrinsic> {
	claim
		.pages
		.iter()
		.map(|(page, solution)| {
			chain.sign(
				who,
				RuntimeCall::Election(pallet_election_multi_phase::Call::submit_page {
					page: *page,
					solution: Some(Box::new(solution.clone())),
				}),
			)
		})
		.collect()
}

/// The part of the round a block belongs to, by the phase it started in.
fn part(phase: &Phase<u32>, era_boundary: bool) -> &'static str {
	if era_boundary {
		return "era boundary: elect, the active set stored";
	}
	match phase {
		Phase::Off => "off (stake pools' rewards only)",
		Phase::TargetSnapshot { .. } => "target snapshot pages",
		Phase::Snapshot { .. } => "voter snapshot pages",
		Phase::Signed { .. } => "signed phase (claims' transactions)",
		Phase::SignedValidation { .. } => "signed validation",
		Phase::Unsigned { .. } => "unsigned phase",
		Phase::Emergency => "emergency",
	}
}

#[derive(Default)]
struct Part {
	blocks: u32,
	max_ref_time: u64,
	max_proof_charged: u64,
	max_proof_recorded: u64,
	heaviest: u32,
}

#[test]
fn a_round_at_the_stake_pools_target_scale_keeps_every_block_within_a_quarter() {
	let started = std::time::Instant::now();
	let mut ext = genesis();
	ext.commit_all().unwrap();
	let genesis_seconds = started.elapsed().as_secs_f64();
	let era = StakePoolsScale::ERA_LENGTH;
	let mut chain = ext.execute_with(|| {
		assert_eq!(pallet_stake_pool::Pools::<Runtime>::iter().count() as u32, POOLS);
		Chain { nonces: Default::default(), parent: System::block_hash(0) }
	});
	let mut pending: Vec<UncheckedExtrinsic> = Vec::new();
	let mut parts: BTreeMap<&'static str, Part> = BTreeMap::new();
	let mut order: Vec<&'static str> = Vec::new();
	let mut over = Vec::new();
	let mut undercharged = Vec::new();
	let mut claims_sent = false;
	let mut honest_score = None;
	let mut outcomes: Vec<(&'static str, AccountId, u32)> = Vec::new();
	for number in 1..=era + 1 {
		let before = ext.execute_with(CurrentPhase::<Runtime>::get);
		let take = pending.len().min(TRANSACTIONS_PER_BLOCK);
		let batch: Vec<_> = pending.drain(..take).collect();
		let ((weight, _length), proof) = ext.execute_and_prove(|| chain.block(batch));
		ext.commit_all().unwrap();
		let recorded = proof.encoded_size() as u64;
		let after = ext.execute_with(CurrentPhase::<Runtime>::get);
		// What the block did: a voter page when it started in the snapshot (the last one opens
		// the signed phase), a validation step when it started in the window (the last one
		// opens the unsigned phase), otherwise what the phase it ends in does (the first target
		// page is taken as the phase leaves `Off`).
		let phase = match before {
			Phase::Snapshot { .. } | Phase::SignedValidation { .. } => before,
			_ => after,
		};
		let name = part(&phase, number % era == 0);
		if !order.contains(&name) {
			order.push(name);
		}
		ext.execute_with(|| {
			for record in System::events() {
				if let target::RuntimeEvent::Election(event) = record.event {
					use pallet_election_multi_phase::Event as E;
					let who = match &event {
						E::Slashed { who, .. } => Some(("slashed", who.clone())),
						E::Rewarded { who, .. } => Some(("rewarded", who.clone())),
						E::Refunded { who, .. } => Some(("refunded", who.clone())),
						E::Bailed { who, .. } => Some(("bailed", who.clone())),
						E::SolutionEjected { who, .. } => Some(("ejected", who.clone())),
						E::Discarded { who, .. } => Some(("discarded", who.clone())),
						_ => None,
					};
					if let Some((what, who)) = who {
						outcomes.push((what, who, number));
					}
				}
			}
		});
		let entry = parts.entry(name).or_default();
		entry.blocks += 1;
		if weight.ref_time() > entry.max_ref_time {
			entry.heaviest = number;
		}
		entry.max_ref_time = entry.max_ref_time.max(weight.ref_time());
		entry.max_proof_charged = entry.max_proof_charged.max(weight.proof_size());
		entry.max_proof_recorded = entry.max_proof_recorded.max(recorded);
		if recorded > weight.proof_size() {
			undercharged.push(format!(
				"block {number} ({name}): {recorded} bytes recorded, {} charged",
				weight.proof_size()
			));
		}
		if weight.ref_time() > REF_TIME_BUDGET
			|| weight.proof_size() > PROOF_BUDGET
			|| recorded > PROOF_BUDGET
		{
			over.push(format!(
				"block {number} ({name}): {:.1} ms, {:.0} KiB charged, {:.0} KiB recorded",
				weight.ref_time() as f64 / 1e9,
				weight.proof_size() as f64 / 1024.0,
				recorded as f64 / 1024.0
			));
		}
		// Once the signed phase is open (the snapshot complete), the claimants send.
		let now_signed = ext.execute_with(|| CurrentPhase::<Runtime>::get().is_signed());
		if now_signed && !claims_sent {
			claims_sent = true;
			ext.execute_with(|| {
				let honest = honest_claim();
				honest_score = Some(honest.score);
				let mut false_claim = Claim { score: honest.score, pages: honest.pages.clone() };
				// The highest minimal stake a claim may name (the average backing).
				false_claim.score.minimal_stake =
					honest.score.sum_stake / u128::from(StakePoolsScale::DESIRED_ACTIVE_POOLS);
				assert!(false_claim.score.minimal_stake > honest.score.minimal_stake);
				// Alice: a false score above the honest one, verified first over every page.
				pending.push(register(&mut chain, Alice, false_claim.score));
				pending.extend(pages(&mut chain, Alice, &false_claim));
				// Bob: the honest claim.
				pending.push(register(&mut chain, Bob, honest.score));
				pending.extend(pages(&mut chain, Bob, &honest));
				// Six weaker claims with every page: the queue is full (8).
				for (i, who) in
					[Charlie, Dave, Eve, Ferdie, AliceStash, BobStash].into_iter().enumerate()
				{
					let claim = Claim {
						score: weaker(honest.score, 50 - i as u128 * 5),
						pages: honest.pages.clone(),
					};
					pending.push(register(&mut chain, who, claim.score));
					pending.extend(pages(&mut chain, who, &claim));
				}
				// A ninth, better than the weakest (BobStash): ejects it with all its pages.
				let ninth = Claim { score: weaker(honest.score, 60), pages: honest.pages.clone() };
				pending.push(register(&mut chain, CharlieStash, ninth.score));
				pending.extend(pages(&mut chain, CharlieStash, &ninth));
				// Eve withdraws her claim with every page stored.
				pending.push(
					chain.sign(
						Eve,
						RuntimeCall::Election(pallet_election_multi_phase::Call::bail {}),
					),
				);
			});
		}
	}
	assert!(pending.is_empty(), "every claim transaction was included");
	let seconds = started.elapsed().as_secs_f64();
	// The round's outcome: the honest claim won, the false one was slashed, the active set stored.
	println!(
		"A round at {DELEGATORS} delegators x {VOTES} pools, {POOLS} pools, {} winners, {} voter pages of {VOTERS_PER_PAGE} (honest score {:?})",
		StakePoolsScale::DESIRED_ACTIVE_POOLS,
		StakePoolsScale::PAGES,
		honest_score
	);
	println!(
		"| part | blocks | heaviest block: ref-time (ms) | charged proof (KiB) | recorded proof (KiB) |"
	);
	println!("|---|---|---|---|---|");
	for name in &order {
		let p = &parts[name];
		println!(
			"| {name} | {} | {:.1} (block {}) | {:.0} | {:.0} |",
			p.blocks,
			p.max_ref_time as f64 / 1e9,
			p.heaviest,
			p.max_proof_charged as f64 / 1024.0,
			p.max_proof_recorded as f64 / 1024.0
		);
	}
	println!(
		"{} blocks in {seconds:.0} s natively (genesis {genesis_seconds:.0} s), debug build",
		era + 1
	);
	let outcome_of = |key: Sr25519Keyring| -> Vec<&'static str> {
		outcomes
			.iter()
			.filter(|(_, who, _)| *who == key.to_account_id())
			.map(|(what, _, _)| *what)
			.collect()
	};
	assert_eq!(outcome_of(Alice), vec!["slashed"], "the false claim is slashed");
	assert_eq!(outcome_of(Bob), vec!["rewarded"], "the honest claim wins");
	// Ejected from the full queue: its deposits returned (without the fee), then the event.
	assert_eq!(outcome_of(BobStash), vec!["refunded", "ejected"], "the weakest claim is ejected");
	assert_eq!(outcome_of(Eve), vec!["bailed"]);
	for key in [Charlie, Dave, Ferdie, AliceStash, CharlieStash] {
		assert_eq!(outcome_of(key), vec!["refunded"], "{key:?} is refunded behind the winner");
	}
	ext.execute_with(|| {
		assert_eq!(pallet_election_multi_phase::Round::<Runtime>::get(), 2);
		let active = pallet_stake_pool::ActivePools::<Runtime>::get();
		assert_eq!(active.len() as u32, StakePoolsScale::DESIRED_ACTIVE_POOLS);
		// The removed claims' pages are all deleted by the era's end.
		assert_eq!(pallet_election_multi_phase::StaleClaimPages::<Runtime>::iter().count(), 0);
		assert_eq!(
			pallet_election_multi_phase::SignedSubmissionPages::<Runtime>::iter().count(),
			0
		);
		// Nothing of the round is left held.
		for key in Sr25519Keyring::iter() {
			use frame_support::traits::fungible::InspectHold;
			let held = target::Balances::balance_on_hold(
				&target::RuntimeHoldReason::Election(
					pallet_election_multi_phase::HoldReason::SignedSubmission,
				),
				&key.to_account_id(),
			);
			assert_eq!(held, 0, "{key:?} has nothing held");
		}
	});
	assert!(over.is_empty(), "blocks over a quarter of a parachain block:\n{}", over.join("\n"));
	assert!(
		undercharged.is_empty(),
		"blocks whose recorded proof exceeds what they were charged:\n{}",
		undercharged.join("\n")
	);
}
