//! The soak: random calls from honest users and adversaries to both pallets, natively on the
//! runtime through `Executive` (signed extrinsics, fees, nonces, the hooks of every block), with
//! every invariant checked after every block.
//!
//! ```text
//! SOAK_CALLS=1000000 ./scripts/soak.sh      # the long run (docs/reliability.md has its figures)
//! SOAK_SEED=0x1234 SOAK_CALLS=20000 cargo test -p pool-runtime --features try-runtime --test soak -- --nocapture
//! ```
//!
//! The test command runs it with [`DEFAULT_CALLS`] and a fresh seed. It prints the seed first;
//! a run that breaks an invariant stops at the first block that breaks it and prints the seed,
//! the block and the calls of that block: the same seed replays the same run.
//!
//! After every block:
//! - `try_state` of every pallet (the stake pools' accounting, queues, agenda, lists and holds;
//!   the election's snapshot and signed queue; balances, vesting, ...);
//! - total issuance equals the sum of all accounts' balances, and moved by exactly what was
//!   minted (stake pool rewards paid, election rewards and refunded fees) minus what was burned
//!   (slashes settled, election deposits slashed or forfeited, transaction fees, dust);
//! - **the exit promise**: no queued withdrawal is left past its `expected_payout_by`;
//! - an unsigned election submission that is not the honest one for the round is refused.
//!
//! The clock jumps forward now and then (to reach 7-day deadlines), never past the earliest task
//! on the stake pools' agenda and only into the quiet part of an era, so every deadline is met
//! in a block of its own, as on a chain that produces every block.
#![cfg(feature = "try-runtime")]
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use frame_election_provider_support::SequentialPhragmen;
use frame_support::traits::{Get, TryState, TryStateSelect};
use pallet_election_multi_phase::{self as election, Miner, Phase};
use pallet_stake_pool::{self as stake_pool, Benchmark, PoolState};
use pool_runtime::{
	configs::ElectionMinerConfig, genesis_config_presets, AccountId, AllPalletsWithSystem, Balance,
	Executive, Header, Runtime, RuntimeCall, RuntimeEvent, System, UncheckedExtrinsic, DAYS, UNIT,
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::Header as _, ApplyExtrinsicResult, BuildStorage, MultiAddress, PerU16, Permill,
};
use std::{collections::BTreeMap, time::Instant};

#[path = "common/chain.rs"]
mod chain;

/// Calls per run in the test command.
const DEFAULT_CALLS: u64 = 20_000;
/// The seed of the test command's run (fixed, so the test command is deterministic;
/// `scripts/soak.sh` draws a fresh one).
const DEFAULT_SEED: u64 = 0x5eed_0001;
/// Pool ids the calls name: the demo pools, pools created during the run, and ids never used.
const PIDS: u64 = 8;

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}
	/// Uniform in `0..n` (`n > 0`).
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}
	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}
	fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
		&items[self.below(items.len() as u64) as usize]
	}
	/// Amounts from dust to beyond any balance, most in the range delegators use.
	fn amount(&mut self) -> Balance {
		match self.below(20) {
			0 => 0,
			1 => u128::MAX,
			2 => 1,
			3 => self.next() as u128,
			4..=6 => UNIT + self.below(UNIT as u64) as u128,
			7 => 2_000_000 * UNIT,
			_ => (1 + self.below(5_000) as u128) * UNIT,
		}
	}
}

#[derive(Clone)]
struct Actor {
	id: AccountId,
	pair: sr25519::Pair,
}

impl Actor {
	fn derived(path: &str) -> Self {
		let pair = sr25519::Pair::from_string(path, None).expect("a valid derivation path");
		Self { id: pair.public().into(), pair }
	}
}

/// Who takes part: the funded dev keyring (Alice is sudo and owns pool 0, Bob pool 1, Charlie
/// pool 2), delegators with almost nothing (attackers who cannot pay), and workers.
struct Cast {
	users: Vec<Actor>,
	poor: Vec<Actor>,
	workers: Vec<Actor>,
	sudo: Actor,
}

impl Cast {
	fn new() -> Self {
		let users: Vec<Actor> = Sr25519Keyring::iter()
			.map(|key| Actor { id: key.to_account_id(), pair: key.pair() })
			.collect();
		let sudo = users[0].clone();
		let poor = (0..4).map(|i| Actor::derived(&format!("//soak//poor//{i}"))).collect();
		let workers = (0..8).map(|i| Actor::derived(&format!("//soak//worker//{i}"))).collect();
		Self { users, poor, workers, sudo }
	}

	fn anyone<'a>(&'a self, rng: &mut Rng) -> &'a Actor {
		if rng.chance(10) {
			rng.pick(&self.poor)
		} else {
			rng.pick(&self.users)
		}
	}

	/// A worker account: one of ours, or a demo worker (registered at genesis, no key).
	fn worker_id(&self, rng: &mut Rng) -> AccountId {
		if rng.chance(25) {
			genesis_config_presets::demo_worker(1 + rng.below(4) as u8)
		} else {
			rng.pick(&self.workers).id.clone()
		}
	}
}

/// The development preset, with the poor delegators and the workers funded.
fn genesis(cast: &Cast) -> sp_io::TestExternalities {
	let mut config = chain::development_config();
	for (i, poor) in cast.poor.iter().enumerate() {
		// 0.02, 1.02, 2.02 and 3.02 UNIT: enough for fees, about the minimum delegation.
		config.balances.balances.push((poor.id.clone(), i as u128 * UNIT + UNIT / 50));
	}
	for worker in &cast.workers {
		config.balances.balances.push((worker.id.clone(), 10 * UNIT));
	}
	config.build_storage().unwrap().into()
}

/// An honest claim for a round, mined from the snapshot.
struct Mined {
	round: u32,
	fingerprint: sp_core::H256,
	score: sp_npos_elections::ElectionScore,
	pages: Vec<(u32, pool_runtime::configs::NposSolution16)>,
}

/// Counts per call kind: applied and succeeded, applied and failed, refused (invalid).
#[derive(Default, Clone, Copy)]
struct Tally {
	ok: u64,
	failed: u64,
	refused: u64,
}

struct Soak {
	rng: Rng,
	cast: Cast,
	parent: sp_core::H256,
	calls: u64,
	blocks: u64,
	jumps: u64,
	tally: BTreeMap<&'static str, Tally>,
	reasons: BTreeMap<(&'static str, String), u64>,
	mined: Option<Mined>,
	unsigned_mined: Option<(u32, Box<election::RawOf<Runtime>>)>,
	checks: u64,
	withdrawals_checked: u64,
	rounds: BTreeMap<&'static str, u64>,
	block_log: Vec<String>,
	seed: u64,
	/// The reward budget when the block started, the block before it, the most the budget
	/// allowed to be released since genesis, and what was released at genesis.
	budget_at_start: Balance,
	previous_number: u32,
	release_bound: Balance,
	released_at_genesis: Balance,
	/// The round in which an unsigned solution was last accepted.
	unsigned_accepted_in: Option<u32>,
}

fn sp(call: stake_pool::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::StakePool(call)
}

fn el(call: election::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Election(call)
}

fn sudo(call: RuntimeCall) -> RuntimeCall {
	RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) })
}

/// How a call reaches the chain.
enum Via {
	/// Signed by an account (fees, nonce).
	Signed(Box<Actor>),
	/// A general transaction authorised by the call itself (the election's unsigned path, as
	/// its off-chain worker sends it).
	Authorized,
	/// A bare extrinsic (no extension at all), as a hostile block author could include.
	Bare,
}

/// One call of an action: its kind's name, how it is sent, the call. Signed when applied, so
/// that several calls of one account in a block carry consecutive nonces.
type Tx = (&'static str, (Via, RuntimeCall));

fn by(actor: &Actor, call: RuntimeCall) -> (Via, RuntimeCall) {
	(Via::Signed(Box::new(actor.clone())), call)
}

fn sign(actor: &Actor, call: RuntimeCall) -> UncheckedExtrinsic {
	let nonce = System::account_nonce(&actor.id);
	chain::signed(call, actor.id.clone(), nonce, |bytes| actor.pair.sign(bytes))
}

/// What one block minted and burned, from its events: the stake pools' rewards paid
/// (`RewardsClaimed`, `CommissionClaimed`) and slashes burned (`SlashSettled`), the election's
/// rewards, refunded fees, slashed and forfeited deposits, transaction fees and dust. The stake
/// pools' part is returned apart too, to be checked against the pallet's own running totals.
struct Moved {
	minted: Balance,
	burned: Balance,
	pool_rewards: Balance,
	pool_slashes: Balance,
}

fn issuance_delta(events: &[RuntimeEvent]) -> Moved {
	let (mut minted, mut burned, mut pool_rewards, mut pool_slashes) = (0, 0, 0, 0);
	for event in events {
		match event {
			RuntimeEvent::StakePool(stake_pool::Event::RewardsClaimed { amount, .. })
			| RuntimeEvent::StakePool(stake_pool::Event::CommissionClaimed { amount, .. }) => {
				pool_rewards += amount
			},
			RuntimeEvent::StakePool(stake_pool::Event::SlashSettled { amount, .. }) => {
				pool_slashes += amount
			},
			RuntimeEvent::Election(election::Event::Rewarded { reward, .. }) => minted += reward,
			RuntimeEvent::Election(election::Event::Refunded { fee, .. }) => minted += fee,
			RuntimeEvent::Election(election::Event::Slashed { amount, .. }) => burned += amount,
			RuntimeEvent::Election(election::Event::Bailed { forfeited, .. }) => {
				burned += forfeited
			},
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => burned += actual_fee,
			RuntimeEvent::Balances(pallet_balances::Event::DustLost { amount, .. }) => {
				burned += amount
			},
			_ => {},
		}
	}
	Moved {
		minted: minted + pool_rewards,
		burned: burned + pool_slashes,
		pool_rewards,
		pool_slashes,
	}
}

impl Soak {
	fn new(seed: u64) -> Self {
		Self {
			rng: Rng(seed),
			cast: Cast::new(),
			parent: Default::default(),
			calls: 0,
			blocks: 0,
			jumps: 0,
			tally: BTreeMap::new(),
			reasons: BTreeMap::new(),
			mined: None,
			unsigned_mined: None,
			checks: 0,
			withdrawals_checked: 0,
			rounds: BTreeMap::new(),
			block_log: Vec::new(),
			seed,
			budget_at_start: 0,
			previous_number: 0,
			release_bound: 0,
			released_at_genesis: 0,
			unsigned_accepted_in: None,
		}
	}

	fn fail(&self, what: String) -> ! {
		panic!(
			"soak broke an invariant at block {} after {} calls: {what}\n\
			 calls of that block:\n  {}\nreproduce: SOAK_SEED={:#x} SOAK_CALLS={} ./scripts/soak.sh",
			System::block_number(),
			self.calls,
			self.block_log.join("\n  "),
			self.seed,
			// One more call than so far: the run goes on into the failing block even when it had
			// no calls.
			self.calls + 1,
		)
	}

	/// The pool's owner most of the time (so owner calls mostly succeed), anyone otherwise.
	fn owner_of(&mut self, pid: u64) -> Actor {
		let owner = stake_pool::Pools::<Runtime>::get(pid).map(|pool| pool.owner);
		match owner {
			Some(owner) if self.rng.chance(85) => self
				.cast
				.users
				.iter()
				.find(|actor| actor.id == owner)
				.cloned()
				.unwrap_or_else(|| self.cast.anyone(&mut self.rng).clone()),
			_ => self.cast.anyone(&mut self.rng).clone(),
		}
	}

	/// Mostly a pool that exists, sometimes any id (closed or never created).
	fn pid(&mut self) -> u64 {
		let pids: Vec<u64> = stake_pool::Pools::<Runtime>::iter_keys().collect();
		if pids.is_empty() || self.rng.chance(15) {
			self.rng.below(PIDS)
		} else {
			*self.rng.pick(&pids)
		}
	}

	/// Mostly a pool `who` has a position in.
	fn pid_of(&mut self, who: &AccountId) -> u64 {
		let positions = stake_pool::DelegatorPools::<Runtime>::get(who);
		if positions.is_empty() || self.rng.chance(20) {
			self.pid()
		} else {
			self.rng.pick(&positions).pid
		}
	}

	/// Mostly a worker bound to `pid`, otherwise any worker.
	fn worker_of(&mut self, pid: u64) -> AccountId {
		let bound: Vec<AccountId> =
			stake_pool::PoolWorkers::<Runtime>::iter_key_prefix(pid).collect();
		if bound.is_empty() || self.rng.chance(20) {
			self.cast.worker_id(&mut self.rng)
		} else {
			self.rng.pick(&bound).clone()
		}
	}

	/// Mostly a registered worker outside any pool that names `pid`'s owner as its operator.
	fn free_worker_for(&mut self, pid: u64) -> AccountId {
		let owner = stake_pool::Pools::<Runtime>::get(pid).map(|pool| pool.owner);
		let free: Vec<AccountId> = stake_pool::Workers::<Runtime>::iter()
			.filter(|(_, info)| info.pool.is_none() && info.operator == owner)
			.map(|(worker, _)| worker)
			.collect();
		if free.is_empty() || self.rng.chance(20) {
			self.cast.worker_id(&mut self.rng)
		} else {
			self.rng.pick(&free).clone()
		}
	}

	/// Mostly one of `who`'s queued requests in `pid`.
	fn request_of(&mut self, pid: u64, who: &AccountId) -> u64 {
		let requests = stake_pool::Delegations::<Runtime>::get(pid, who)
			.map(|d| d.withdrawals.into_inner())
			.unwrap_or_default();
		if requests.is_empty() || self.rng.chance(20) {
			self.rng.below(64)
		} else {
			*self.rng.pick(&requests)
		}
	}

	/// The honest claim of this round (mined once per round).
	fn mined(&mut self) -> Option<&Mined> {
		let round = election::Round::<Runtime>::get();
		if self.mined.as_ref().map(|m| m.round) != Some(round) {
			self.mined = None;
			let fingerprint = election::SnapshotFingerprint::<Runtime>::get()?;
			let voters = election::Pallet::<Runtime>::snapshot_voters();
			let targets = election::SnapshotTargets::<Runtime>::get()?;
			let desired = election::DesiredTargets::<Runtime>::get()?;
			let (raw, _) = Miner::<ElectionMinerConfig>::mine::<
				SequentialPhragmen<AccountId, PerU16>,
			>(&voters, &targets, desired, round)
			.ok()?;
			let pages: Vec<_> = (0..=election::Pallet::<Runtime>::msp())
				.map(election::Pallet::<Runtime>::voter_page)
				.collect();
			let paged = Miner::<ElectionMinerConfig>::paginate(
				raw.solution,
				&pages,
				&targets,
				desired,
				round,
			)
			.ok()?;
			self.mined = Some(Mined { round, fingerprint, score: paged.score, pages: paged.pages });
		}
		self.mined.as_ref()
	}

	/// The honest unsigned solution of this round, over the on-chain voters.
	fn unsigned_solution(&mut self) -> Option<Box<election::RawOf<Runtime>>> {
		let round = election::Round::<Runtime>::get();
		if self.unsigned_mined.as_ref().map(|(r, _)| *r) != Some(round) {
			let voters = election::Pallet::<Runtime>::on_chain_voters();
			let targets = election::SnapshotTargets::<Runtime>::get()?;
			let desired = election::DesiredTargets::<Runtime>::get()?;
			let (raw, _) = Miner::<ElectionMinerConfig>::mine::<
				SequentialPhragmen<AccountId, PerU16>,
			>(&voters, &targets, desired, round)
			.ok()?;
			self.unsigned_mined = Some((round, Box::new(raw)));
		}
		self.unsigned_mined.as_ref().map(|(_, raw)| raw.clone())
	}

	/// The extrinsics of one random action, each with its kind's name.
	fn action(&mut self) -> Vec<Tx> {
		use stake_pool::Call as S;
		let who = self.cast.anyone(&mut self.rng).clone();
		let pid = if self.rng.chance(50) { self.pid_of(&who.id) } else { self.pid() };
		let rng = &mut self.rng;
		let one = |name, actor: &Actor, call| vec![(name, by(actor, call))];
		// In the signed phase, most actions are claims.
		if election::CurrentPhase::<Runtime>::get().is_signed() && rng.chance(30) {
			return self.election_action();
		}
		match rng.below(100) {
			0..=13 => {
				let amount = rng.amount();
				one("delegate", &who, sp(S::delegate { pid, amount }))
			},
			14..=22 => {
				let value = rng.amount();
				one("withdraw", &who, sp(S::withdraw { pid, value }))
			},
			23..=26 => {
				let restake = rng.chance(50);
				one("claim_rewards", &who, sp(S::claim_rewards { pid, restake }))
			},
			27 => {
				let to = self.cast.anyone(rng).id.clone();
				one("claim_rewards_to", &who, sp(S::claim_rewards_to { pid, beneficiary: to }))
			},
			28 => {
				let request = self.request_of(pid, &who.id);
				one("cancel_withdrawal", &who, sp(S::cancel_withdrawal { pid, request }))
			},
			29 => {
				let delegator = self.cast.anyone(rng).id.clone();
				one("withdraw_other", &who, sp(S::withdraw_other { pid, delegator }))
			},
			30 => {
				let delegator = self.cast.anyone(rng).id.clone();
				one("settle_slash", &who, sp(S::settle_slash { pid, delegator }))
			},
			// Anyone may ask for deadline work, due or not: stale or early calls must change
			// nothing.
			31..=32 => one("process_withdrawals", &who, sp(S::process_withdrawals { pid })),
			33..=34 => one("force_stop_overdue", &who, sp(S::force_stop_overdue { pid })),
			35 => {
				let worker = self.worker_of(pid);
				one("reclaim_worker", &who, sp(S::reclaim_worker { worker }))
			},
			36..=37 => {
				one("claim_commission", &self.owner_of(pid), sp(S::claim_commission { pid }))
			},
			38..=40 => {
				let commission = match self.rng.below(4) {
					0 => Permill::zero(),
					1 => Permill::one(),
					_ => Permill::from_percent(self.rng.below(60) as u32),
				};
				one(
					"set_commission",
					&self.owner_of(pid),
					sp(S::set_commission { pid, commission }),
				)
			},
			41 => {
				let cap = self.rng.chance(70).then(|| self.rng.amount());
				one("set_cap", &self.owner_of(pid), sp(S::set_cap { pid, cap }))
			},
			42 => {
				let member = self.cast.anyone(&mut self.rng).id.clone();
				let call = if self.rng.chance(30) {
					S::add_to_whitelist { pid, who: member }
				} else {
					S::remove_from_whitelist { pid, who: member }
				};
				one("whitelist", &self.owner_of(pid), sp(call))
			},
			43 => {
				let len = *self.rng.pick(&[0usize, 1, 255, 256, 257, 4096]);
				let call = S::set_description { pid, description: vec![b'x'; len] };
				one("set_description", &self.owner_of(pid), sp(call))
			},
			44 => {
				let max_increase = Permill::from_percent(self.rng.below(101) as u32);
				let min_delay = self.rng.below(3 * DAYS as u64) as u32;
				let call = S::set_commission_change_rate { pid, max_increase, min_delay };
				one("set_commission_change_rate", &self.owner_of(pid), sp(call))
			},
			45 => {
				let payee = self.rng.chance(50).then(|| self.cast.anyone(&mut self.rng).id.clone());
				one(
					"set_commission_payee",
					&self.owner_of(pid),
					sp(S::set_commission_payee { pid, payee }),
				)
			},
			46 => {
				let state = *self.rng.pick(&[
					PoolState::Open,
					PoolState::Open,
					PoolState::Blocked,
					PoolState::Open,
					PoolState::Blocked,
					PoolState::Destroying,
				]);
				one("set_pool_state", &self.owner_of(pid), sp(S::set_pool_state { pid, state }))
			},
			47 => {
				if self.rng.chance(50) || stake_pool::Pools::<Runtime>::iter_keys().count() > 12 {
					one("close_pool", &self.owner_of(pid), sp(S::close_pool { pid }))
				} else {
					one("create_pool", &who, sp(S::create_pool {}))
				}
			},
			48..=49 => {
				let add = self.rng.chance(70);
				let worker = if add { self.free_worker_for(pid) } else { self.worker_of(pid) };
				let call = if add {
					S::add_worker { pid, worker }
				} else {
					S::remove_worker { pid, worker }
				};
				one("add_or_remove_worker", &self.owner_of(pid), sp(call))
			},
			50..=52 => {
				let worker = self.worker_of(pid);
				let free = stake_pool::Pools::<Runtime>::get(pid).map(|p| p.free).unwrap_or(0);
				let stake = match self.rng.below(4) {
					0 => self.rng.amount(),
					1 => free,
					_ => (1_000 + self.rng.below(4_000) as u128) * UNIT,
				};
				one("start_mining", &self.owner_of(pid), sp(S::start_mining { pid, worker, stake }))
			},
			53 => {
				let worker = self.worker_of(pid);
				one("stop_mining", &self.owner_of(pid), sp(S::stop_mining { pid, worker }))
			},
			54..=55 => {
				let worker = self.worker_of(pid);
				let stake = (1_000 + self.rng.below(5_000) as u128) * UNIT;
				one(
					"restart_mining",
					&self.owner_of(pid),
					sp(S::restart_mining { pid, worker, stake }),
				)
			},
			56 => {
				// A worker names an operator: one of the pool owners, or anyone.
				let worker = self.rng.pick(&self.cast.workers).clone();
				let operator = self.owner_of(pid).id;
				one("authorize_operator", &worker, sp(S::authorize_operator { operator }))
			},
			57 => {
				let worker = self.rng.pick(&self.cast.workers).id.clone();
				let benchmark = Benchmark {
					score: *self.rng.pick(&[0u32, 1, 100, 400, 900, 1600, 2500, u32::MAX]),
					confidence_level: self.rng.below(7) as u8,
				};
				let root = self.cast.sudo.clone();
				one(
					"register_worker (sudo)",
					&root,
					sudo_call(S::register_worker { worker, benchmark }),
				)
			},
			58 => {
				let worker = self.worker_of(pid);
				let amount = self.rng.amount();
				let root = self.cast.sudo.clone();
				one("slash_worker (sudo)", &root, sudo_call(S::slash_worker { worker, amount }))
			},
			59 => {
				let worker = self.worker_of(pid);
				let call = if self.rng.chance(50) {
					S::report_unresponsive { worker }
				} else {
					S::report_recovered { worker }
				};
				let root = self.cast.sudo.clone();
				one("report_worker (sudo)", &root, sudo_call(call))
			},
			60 => {
				// Rarely: a new reward budget (0 stops rewards for a while).
				let amount = *self.rng.pick(&[0, UNIT / 3, UNIT, 7 * UNIT + 3]);
				let root = self.cast.sudo.clone();
				one(
					"set_reward_per_block (sudo)",
					&root,
					sudo_call(S::set_reward_per_block { amount }),
				)
			},
			61 => {
				// An owner's call signed by someone else: always refused.
				let call = S::set_commission { pid, commission: Permill::from_percent(1) };
				let stranger = self.cast.poor[0].clone();
				one("set_commission (not owner)", &stranger, sp(call))
			},
			62..=69 => self.flood(pid),
			70..=84 => self.election_action(),
			// Calls of other pallets that move balances (transfers make accounts appear and
			// die, so dust and reaping are exercised too).
			_ => {
				let to = self.cast.anyone(&mut self.rng).id.clone();
				let value = match self.rng.below(3) {
					0 => self.rng.amount(),
					1 => UNIT / 100,
					_ => UNIT / 200,
				};
				let call = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
					dest: MultiAddress::Id(to),
					value,
				});
				one("transfer", &who, call)
			},
		}
	}

	/// A queue flood: many small withdrawals (and delegations to get more positions) into one
	/// pool in one block.
	fn flood(&mut self, pid: u64) -> Vec<Tx> {
		let count = 4 + self.rng.below(12);
		(0..count)
			.map(|_| {
				let who = self.cast.anyone(&mut self.rng).clone();
				if self.rng.chance(60) {
					let value = UNIT + self.rng.below(3 * UNIT as u64) as u128;
					("withdraw (flood)", by(&who, sp(stake_pool::Call::withdraw { pid, value })))
				} else {
					let amount = UNIT + self.rng.below(3 * UNIT as u64) as u128;
					("delegate (flood)", by(&who, sp(stake_pool::Call::delegate { pid, amount })))
				}
			})
			.collect()
	}

	fn election_action(&mut self) -> Vec<Tx> {
		use election::Call as E;
		let who = self.cast.anyone(&mut self.rng).clone();
		let phase = election::CurrentPhase::<Runtime>::get();
		let choice = self.rng.below(100);
		match (phase, choice) {
			(Phase::Unsigned { .. }, 0..=29) => {
				// The honest unsigned solution (the first one per round is accepted, the same
				// again is refused as not better), or a corrupted one (refused).
				let Some(mut raw) = self.unsigned_solution() else { return vec![] };
				let witness = election::SnapshotSize::<Runtime>::get().unwrap_or_default();
				let name = if self.rng.chance(50) {
					"submit_unsigned (honest)"
				} else {
					raw.score.minimal_stake = raw.score.minimal_stake.saturating_add(1);
					"submit_unsigned (wrong score)"
				};
				let call = el(E::submit_unsigned { raw_solution: raw, witness });
				vec![(name, (Via::Authorized, call))]
			},
			(_, 0..=9) => {
				// An unsigned submission for another round: refused in every phase.
				let raw = election::RawSolution {
					solution: Default::default(),
					score: Default::default(),
					round: u32::MAX,
				};
				let witness = election::SnapshotMetadata { voters: u32::MAX, targets: 0 };
				let call = el(E::submit_unsigned { raw_solution: Box::new(raw), witness });
				let via = if self.rng.chance(50) { Via::Bare } else { Via::Authorized };
				vec![("submit_unsigned (garbage)", (via, call))]
			},
			(phase, 10..=59) => {
				if !phase.is_signed() && self.rng.chance(90) {
					return vec![];
				}
				let Some(mined) = self.mined() else {
					// No snapshot: the claim is refused.
					let call =
						E::register { score: Default::default(), fingerprint: Default::default() };
					return vec![("register (no round)", by(&who, el(call)))];
				};
				let (fingerprint, mut score, mut pages) =
					(mined.fingerprint, mined.score, mined.pages.clone());
				let kind = self.rng.below(6);
				let name = match kind {
					0 | 1 => "claim (honest)",
					2 => {
						score.sum_stake = score.sum_stake.saturating_add(1);
						"claim (inflated score)"
					},
					3 => {
						if pages.len() > 1 {
							let (a, b) = (pages[0].1.clone(), pages[1].1.clone());
							pages[0].1 = b;
							pages[1].1 = a;
						}
						"claim (pages swapped)"
					},
					4 => {
						pages.pop();
						"claim (page missing)"
					},
					_ => {
						pages.clear();
						"claim (score only)"
					},
				};
				let mut xts = vec![(name, by(&who, el(E::register { score, fingerprint })))];
				for (page, solution) in pages {
					let call = E::submit_page { page, solution: Some(Box::new(solution)) };
					xts.push(("submit_page", by(&who, el(call))));
				}
				xts
			},
			(_, 60..=79) => {
				let page = *self.rng.pick(&[0u32, 1, 6, 7, u32::MAX]);
				vec![("submit_page (alone)", by(&who, el(E::submit_page { page, solution: None })))]
			},
			(_, 80..=93) => {
				// Mostly someone with a claim in the queue.
				let queued: Vec<AccountId> = election::Pallet::<Runtime>::signed_queue()
					.into_iter()
					.map(|(who, _)| who)
					.collect();
				let bailer = match queued.is_empty() || self.rng.chance(30) {
					true => who,
					false => {
						let id = self.rng.pick(&queued).clone();
						self.cast
							.users
							.iter()
							.chain(&self.cast.poor)
							.find(|a| a.id == id)
							.cloned()
							.unwrap_or(who)
					},
				};
				vec![("bail", by(&bailer, el(E::bail {})))]
			},
			(_, 94..=96) => {
				let score = self.rng.chance(50).then(|| sp_npos_elections::ElectionScore {
					minimal_stake: self.rng.below(10) as u128 * UNIT,
					sum_stake: 0,
					sum_stake_squared: 0,
				});
				let root = self.cast.sudo.clone();
				vec![(
					"set_minimum_untrusted_score (sudo)",
					by(&root, sudo(el(E::set_minimum_untrusted_score { score }))),
				)]
			},
			_ => {
				let root = self.cast.sudo.clone();
				vec![("governance_fallback (sudo)", by(&root, sudo(el(E::governance_fallback {}))))]
			},
		}
	}

	/// The earliest block any task on the stake pools' agenda is due.
	fn earliest_due() -> Option<u64> {
		stake_pool::Agenda::<Runtime>::iter_keys().map(|(_, due, _)| due.block()).min()
	}

	/// Where the next block may be: usually the next number; now and then further, to reach
	/// deadlines days away, but never past a task's due block and only from and into the quiet
	/// part of an era (no election round under way).
	fn next_number(&mut self) -> u32 {
		let now = System::block_number();
		let next = now + 1;
		if !self.rng.chance(4) || !election::CurrentPhase::<Runtime>::get().is_off() {
			return next;
		}
		let era = <Runtime as stake_pool::Config>::EraLength::get();
		let quiet = era / 4;
		let step = *self.rng.pick(&[10, era, 3 * era, DAYS, 7 * DAYS, 7 * DAYS + 1, 14 * DAYS]);
		let mut target = now + step;
		if let Some(due) = Self::earliest_due() {
			target = target.min(due.saturating_sub(1).min(u32::MAX as u64) as u32);
		}
		// Into the first quarter of its era (not on the boundary itself).
		let offset = target % era;
		if offset == 0 {
			target = target.saturating_sub(era - quiet);
		} else if offset > quiet {
			target -= offset - quiet;
		}
		if target <= next || now.is_multiple_of(era) || now % era > quiet {
			return next;
		}
		self.jumps += 1;
		target
	}

	fn apply(
		&mut self,
		name: &'static str,
		(via, call): (Via, RuntimeCall),
	) -> ApplyExtrinsicResult {
		let line = format!("{name}: {call:?}");
		let xt =
			match via {
				Via::Signed(actor) => sign(&actor, call),
				Via::Authorized => {
					UncheckedExtrinsic::new_transaction(
						call,
						<Runtime as frame_system::offchain::CreateAuthorizedTransaction<
							RuntimeCall,
						>>::create_extension(),
					)
				},
				Via::Bare => UncheckedExtrinsic::new_bare(call),
			};
		// A block builder drops a refused extrinsic with whatever its checks wrote (a nonce
		// bumped before the weight check refused it): so does this.
		let result = frame_support::storage::with_transaction(|| {
			let result = Executive::apply_extrinsic(xt);
			let outcome = if result.is_err() {
				frame_support::storage::TransactionOutcome::Rollback
			} else {
				frame_support::storage::TransactionOutcome::Commit
			};
			outcome(Ok::<_, sp_runtime::DispatchError>(result))
		})
		.unwrap_or_else(|e| self.fail(format!("storage layer: {e:?}")));
		let tally = self.tally.entry(name).or_default();
		let reason = match &result {
			Ok(Ok(())) => {
				tally.ok += 1;
				None
			},
			Ok(Err(sp_runtime::DispatchError::Module(e))) => {
				tally.failed += 1;
				Some(e.message.unwrap_or("module error").to_string())
			},
			Ok(Err(e)) => {
				tally.failed += 1;
				Some(format!("{e:?}"))
			},
			Err(e) => {
				tally.refused += 1;
				Some(format!("refused: {e:?}"))
			},
		};
		if let Some(reason) = reason {
			*self.reasons.entry((name, reason)).or_default() += 1;
		}
		self.calls += 1;
		self.block_log
			.push(format!("{} -> {result:?}", line.chars().take(200).collect::<String>()));
		result
	}

	fn block(&mut self) {
		let number = self.next_number();
		let header = Header::new(
			number,
			Default::default(),
			Default::default(),
			self.parent,
			Default::default(),
		);
		self.block_log.clear();
		self.previous_number = System::block_number();
		self.budget_at_start = stake_pool::RewardPerBlock::<Runtime>::get();
		// A jump: the blocks in between are skipped (nothing was due in them).
		System::set_block_number(number - 1);
		let issuance_before = pallet_balances::TotalIssuance::<Runtime>::get();
		let totals_before = (
			stake_pool::Rewards::<Runtime>::get().paid,
			stake_pool::Slashes::<Runtime>::get().settled,
		);
		Executive::initialize_block(&header);
		let now = pallet_timestamp::Call::<Runtime>::set { now: number as u64 * 3_000 };
		Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(now.into())).unwrap().unwrap();
		let actions = match self.rng.below(10) {
			0..=2 => 0,
			_ => 1 + self.rng.below(12),
		};
		for _ in 0..actions {
			for (name, tx) in self.action() {
				let result = self.apply(name, tx);
				// The unsigned path: only the honest solution, and only once a round, gets in.
				if name.starts_with("submit_unsigned") && matches!(result, Ok(Ok(()))) {
					let round = election::Round::<Runtime>::get();
					if name != "submit_unsigned (honest)"
						|| self.unsigned_accepted_in.replace(round) == Some(round)
					{
						self.fail(format!("{name} was accepted in round {round}"));
					}
				}
			}
		}
		self.parent = Executive::finalize_block().hash();
		self.blocks += 1;
		let events: Vec<RuntimeEvent> =
			System::events().into_iter().map(|record| record.event).collect();
		for event in &events {
			match event {
				RuntimeEvent::Election(election::Event::ElectionFinalized { compute, .. }) => {
					let name = match compute {
						election::ElectionCompute::Signed => "rounds won by a signed claim",
						election::ElectionCompute::Unsigned => "rounds won by an unsigned solution",
						_ => "rounds decided by the fallback",
					};
					*self.rounds.entry(name).or_default() += 1;
				},
				RuntimeEvent::Election(election::Event::ElectionFailed { .. }) => {
					*self.rounds.entry("rounds failed (emergency)").or_default() += 1
				},
				RuntimeEvent::Election(election::Event::Slashed { .. }) => {
					*self.rounds.entry("signed claims slashed").or_default() += 1
				},
				RuntimeEvent::StakePool(stake_pool::Event::ActiveSetElected { .. }) => {
					*self.rounds.entry("active sets elected").or_default() += 1
				},
				RuntimeEvent::StakePool(stake_pool::Event::WithdrawalPaid { .. }) => {
					*self.rounds.entry("queued withdrawals paid").or_default() += 1
				},
				RuntimeEvent::StakePool(stake_pool::Event::PoolForcedToStop { .. }) => {
					*self.rounds.entry("pools forced to stop").or_default() += 1
				},
				RuntimeEvent::StakePool(stake_pool::Event::WorkerSlashed { .. }) => {
					*self.rounds.entry("workers slashed").or_default() += 1
				},
				RuntimeEvent::StakePool(stake_pool::Event::DeadlineTaskFailed { .. }) => {
					*self.rounds.entry("deadline tasks failed (retried)").or_default() += 1
				},
				_ => {},
			}
		}
		self.check(&events, issuance_before, totals_before);
	}

	fn check(
		&mut self,
		events: &[RuntimeEvent],
		issuance_before: Balance,
		totals_before: (Balance, Balance),
	) {
		let now = System::block_number();
		if let Err(error) = AllPalletsWithSystem::try_state(now, TryStateSelect::All) {
			// The aggregate only logs which pallet failed: name the failure.
			let detail = [
				("StakePool", stake_pool::Pallet::<Runtime>::do_try_state()),
				("Election", election::Pallet::<Runtime>::do_try_state()),
			]
			.into_iter()
			.filter_map(|(pallet, result)| result.err().map(|e| format!("{pallet}: {e:?}")))
			.collect::<Vec<_>>();
			let agenda: Vec<String> = stake_pool::Agenda::<Runtime>::iter_keys()
				.map(|(kind, due, task)| format!("{kind:?} at {} {task:?}", due.block()))
				.collect();
			self.fail(format!(
				"try_state: {error:?} {detail:?}; the stake pools' agenda: {agenda:?}"
			));
		}
		let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
		let held: Balance = frame_system::Account::<Runtime>::iter_values()
			.map(|info| info.data.free + info.data.reserved)
			.sum();
		if held != issuance {
			self.fail(format!("total issuance {issuance} != the sum of all balances {held}"));
		}
		let Moved { minted, burned, pool_rewards, pool_slashes } = issuance_delta(events);
		if issuance + burned != issuance_before + minted {
			self.fail(format!(
				"issuance moved from {issuance_before} to {issuance}, but {minted} was minted and {burned} burned"
			));
		}
		// The stake pools' running totals moved by what their events say was paid and burned.
		let rewards = stake_pool::Rewards::<Runtime>::get();
		let slashes = stake_pool::Slashes::<Runtime>::get().settled;
		if rewards.paid - totals_before.0 != pool_rewards
			|| slashes - totals_before.1 != pool_slashes
		{
			self.fail(format!(
				"the stake pools counted {} paid and {} burned, their events {pool_rewards} and {pool_slashes}",
				rewards.paid - totals_before.0,
				slashes - totals_before.1
			));
		}
		// No more released than the budget allowed block by block (releases are settled lazily,
		// so the bound is on the running total).
		let budget = stake_pool::RewardPerBlock::<Runtime>::get().max(self.budget_at_start);
		self.release_bound = self
			.release_bound
			.saturating_add(budget.saturating_mul((now - self.previous_number) as u128));
		if rewards.released - self.released_at_genesis > self.release_bound {
			self.fail(format!(
				"released {} since genesis, more than the budget allowed, {}",
				rewards.released - self.released_at_genesis,
				self.release_bound
			));
		}
		for (pid, id, request) in stake_pool::WithdrawQueue::<Runtime>::iter() {
			self.withdrawals_checked += 1;
			let promised = stake_pool::Pallet::<Runtime>::payout_deadline(request.requested_at);
			if request.shares > 0 && promised <= now {
				self.fail(format!(
					"pool {pid}'s request {id} (requested at {}) is unpaid after its promised block {promised}",
					request.requested_at
				));
			}
		}
		self.checks += 1;
	}
}

fn sudo_call(call: stake_pool::Call<Runtime>) -> RuntimeCall {
	sudo(sp(call))
}

#[test]
fn soak_both_pallets_with_every_invariant_after_every_block() {
	let calls: u64 = std::env::var("SOAK_CALLS")
		.ok()
		.map(|v| v.replace('_', "").parse().expect("SOAK_CALLS: a number of calls"))
		.unwrap_or(DEFAULT_CALLS);
	let seed: u64 = std::env::var("SOAK_SEED")
		.ok()
		.map(|v| {
			let v = v.trim_start_matches("0x");
			u64::from_str_radix(v, 16).expect("SOAK_SEED: a hex number")
		})
		.unwrap_or(DEFAULT_SEED);
	println!("soak: seed {seed:#x}, {calls} calls (SOAK_SEED, SOAK_CALLS)");
	let mut soak = Soak::new(seed);
	let mut ext = genesis(&soak.cast);
	let started = Instant::now();
	let issuance_at_genesis = ext.execute_with(|| {
		soak.parent = System::block_hash(0);
		soak.released_at_genesis = stake_pool::Rewards::<Runtime>::get().released;
		pallet_balances::TotalIssuance::<Runtime>::get()
	});
	// Progress every tenth of the run (the long soak takes a while).
	let mut next_report = calls / 10;
	while soak.calls < calls {
		// The test externalities keep every change since genesis in their overlay, deleted keys
		// included, so iterating a map (as `try_state` does) would slow down with the run's
		// history: write the overlay to the backend every 500 blocks, as a node writes blocks.
		ext.commit_all().expect("the overlay commits");
		ext.execute_with(|| {
			let until = soak.blocks + 500;
			while soak.calls < calls && soak.blocks < until {
				// A panic in the runtime (a `defensive!` in a debug build) or here: say how to replay
				// it before it ends the test.
				if let Err(panic) =
					std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| soak.block()))
				{
					println!(
						"soak: panicked at block {} after {} calls; calls of that block:\n  {}\n\
					 reproduce: SOAK_SEED={:#x} SOAK_CALLS={} ./scripts/soak.sh",
						System::block_number(),
						soak.calls,
						soak.block_log.join("\n  "),
						soak.seed,
						soak.calls + 1
					);
					std::panic::resume_unwind(panic);
				}
				if calls >= 100_000 && soak.calls >= next_report {
					next_report += calls / 10;
					println!(
						"soak: {} calls, block {}, {:.0} calls/s so far",
						soak.calls,
						System::block_number(),
						soak.calls as f64 / started.elapsed().as_secs_f64()
					);
				}
			}
		});
	}
	ext.execute_with(|| {
		let seconds = started.elapsed().as_secs_f64();
		let now = System::block_number();
		println!(
			"soak: {} calls in {} blocks (clock at block {now}, {:.1} days; {} jumps), {:.1} s, {:.0} calls/s",
			soak.calls,
			soak.blocks,
			now as f64 / DAYS as f64,
			soak.jumps,
			seconds,
			soak.calls as f64 / seconds
		);
		println!(
			"soak: invariants checked after each of {} blocks: try_state of every pallet, issuance = sum of balances, \
			 issuance moved by minted - burned (the stake pools' part from their events and their totals alike), \
			 rewards released within the budget, no queued withdrawal past its promised block ({} request checks), \
			 one unsigned solution a round at most",
			soak.checks, soak.withdrawals_checked
		);
		println!(
			"soak: total issuance {} -> {}; stake pool rewards paid {}, slashes burned {}; era {}, election round {}",
			issuance_at_genesis,
			pallet_balances::TotalIssuance::<Runtime>::get(),
			stake_pool::Rewards::<Runtime>::get().paid,
			stake_pool::Slashes::<Runtime>::get().settled,
			stake_pool::CurrentEra::<Runtime>::get(),
			election::Round::<Runtime>::get(),
		);
		for (what, count) in &soak.rounds {
			println!("soak: {count:>8} {what}");
		}
		println!("soak: {:<36} {:>9} {:>9} {:>9}", "call", "ok", "failed", "refused");
		for (name, tally) in &soak.tally {
			println!("soak: {name:<36} {:>9} {:>9} {:>9}", tally.ok, tally.failed, tally.refused);
		}
		if std::env::var("SOAK_VERBOSE").is_ok() {
			for ((name, reason), count) in &soak.reasons {
				println!("soak: {count:>8} {name}: {reason}");
			}
		}
		// A generator whose calls all fail tests little: most kinds must succeed now and then.
		let ok: u64 = soak.tally.values().map(|t| t.ok).sum();
		assert!(ok * 5 > soak.calls, "only {ok} of {} calls succeeded (seed {seed:#x})", soak.calls);
		for kind in ["delegate", "withdraw", "claim (honest)", "start_mining", "stop_mining"] {
			if calls >= DEFAULT_CALLS {
				assert!(
					soak.tally.get(kind).is_some_and(|t| t.ok > 0),
					"no {kind} succeeded (seed {seed:#x})"
				);
			}
		}
	});
}
