//! Property test: random sequences of calls from every role, with the invariants checked after
//! every call and every block, failed calls changing nothing, and total issuance moving by
//! exactly rewards paid minus slashes burned.

use crate::{mock::*, *};
use frame_election_provider_support::{bounds::DataProviderBounds, ElectionDataProvider};
use frame_support::traits::Hooks;
use proptest::prelude::*;
use sp_runtime::{DispatchResult, Permill};

const OWNERS: [AccountId; 3] = [100, 200, 17];
const WORKERS: [AccountId; 6] = [11, 12, 13, 14, 15, 16];
const SCORES: [u32; 6] = [400, 900, 400, 1600, 900, 100];
const WHO: [AccountId; 6] = [1, 2, 3, 4, 5, 6];

#[derive(Debug, Clone)]
enum Action {
	Delegate {
		who: usize,
		pid: u64,
		amount: Balance,
	},
	Withdraw {
		who: usize,
		pid: u64,
		amount: Balance,
	},
	Claim {
		who: usize,
		pid: u64,
		restake: bool,
	},
	ClaimCommission {
		pid: u64,
	},
	Start {
		worker: usize,
		extra: Balance,
	},
	Restart {
		worker: usize,
		extra: Balance,
	},
	Stop {
		worker: usize,
	},
	Reclaim {
		worker: usize,
	},
	Unresponsive {
		worker: usize,
	},
	Recovered {
		worker: usize,
	},
	Slash {
		worker: usize,
		amount: Balance,
	},
	SetCommission {
		pid: u64,
		percent: u32,
	},
	SetCap {
		pid: u64,
		cap: Option<Balance>,
	},
	ForceStop {
		pid: u64,
	},
	Process {
		pid: u64,
	},
	SettleSlash {
		who: usize,
		pid: u64,
	},
	SetState {
		pid: u64,
		state: u8,
		by: usize,
	},
	WithdrawOther {
		who: usize,
		pid: u64,
	},
	Advance {
		blocks: u64,
	},
	/// The election reading a page of the target list (`targets`) or the voter list: pages
	/// below the one read last continue a read, which locks the list until page 0.
	ReadPage {
		targets: bool,
		page: u32,
		count: u32,
	},
}

/// Amounts from dust to far beyond any balance, weighted towards the interesting middle.
fn amount() -> impl Strategy<Value = Balance> {
	prop_oneof![
		3 => (1u128..5_000).prop_map(|x| x * PHA),
		2 => 1u128..10_000_000_000_000_000,
		1 => Just(u128::MAX),
		1 => Just(0u128),
	]
}

fn action() -> impl Strategy<Value = Action> {
	let who = 0..WHO.len();
	let pid = 0u64..4;
	let worker = 0..WORKERS.len();
	prop_oneof![
		6 => (who.clone(), pid.clone(), amount())
			.prop_map(|(who, pid, amount)| Action::Delegate { who, pid, amount }),
		4 => (who.clone(), pid.clone(), amount())
			.prop_map(|(who, pid, amount)| Action::Withdraw { who, pid, amount }),
		2 => (who.clone(), pid.clone(), any::<bool>())
			.prop_map(|(who, pid, restake)| Action::Claim { who, pid, restake }),
		1 => pid.clone().prop_map(|pid| Action::ClaimCommission { pid }),
		4 => (worker.clone(), 0u128..3000).prop_map(|(worker, x)| Action::Start { worker, extra: x * PHA }),
		1 => (worker.clone(), 1u128..3000).prop_map(|(worker, x)| Action::Restart { worker, extra: x * PHA }),
		2 => worker.clone().prop_map(|worker| Action::Stop { worker }),
		1 => worker.clone().prop_map(|worker| Action::Reclaim { worker }),
		1 => worker.clone().prop_map(|worker| Action::Unresponsive { worker }),
		1 => worker.clone().prop_map(|worker| Action::Recovered { worker }),
		1 => (worker.clone(), amount()).prop_map(|(worker, amount)| Action::Slash { worker, amount }),
		1 => (pid.clone(), 0u32..=100).prop_map(|(pid, percent)| Action::SetCommission { pid, percent }),
		1 => (pid.clone(), proptest::option::of(amount()))
			.prop_map(|(pid, cap)| Action::SetCap { pid, cap }),
		1 => pid.clone().prop_map(|pid| Action::ForceStop { pid }),
		1 => pid.clone().prop_map(|pid| Action::Process { pid }),
		1 => (who.clone(), pid.clone()).prop_map(|(who, pid)| Action::SettleSlash { who, pid }),
		1 => (pid.clone(), prop_oneof![3 => 0u8..2, 1 => Just(2u8)], 0..3usize)
			.prop_map(|(pid, state, by)| Action::SetState { pid, state, by }),
		1 => (who, pid.clone()).prop_map(|(who, pid)| Action::WithdrawOther { who, pid }),
		4 => prop_oneof![3 => 1u64..5, 1 => 20u64..200].prop_map(|blocks| Action::Advance { blocks }),
		3 => (any::<bool>(), 0u32..4, 1u32..4)
			.prop_map(|(targets, page, count)| Action::ReadPage { targets, page, count }),
	]
}

/// Three pools; each owner operates two workers bound to its pool.
fn setup() {
	for (i, owner) in OWNERS.iter().enumerate() {
		StakePool::create_pool(RuntimeOrigin::signed(*owner)).unwrap();
		for w in [2 * i, 2 * i + 1] {
			setup_worker(WORKERS[w], SCORES[w], *owner);
			StakePool::add_worker(RuntimeOrigin::signed(*owner), i as u64, WORKERS[w]).unwrap();
		}
	}
}

fn owner_of_worker(worker: usize) -> (AccountId, u64) {
	(OWNERS[worker / 2], (worker / 2) as u64)
}

fn apply(action: &Action) -> DispatchResult {
	let signed = RuntimeOrigin::signed;
	match *action {
		Action::Delegate { who, pid, amount } => {
			StakePool::delegate(signed(WHO[who]), pid, amount).map(|_| ()).map_err(|e| e.error)
		},
		Action::Withdraw { who, pid, amount } => {
			StakePool::withdraw(signed(WHO[who]), pid, amount).map(|_| ()).map_err(|e| e.error)
		},
		Action::Claim { who, pid, restake } => {
			StakePool::claim_rewards(signed(WHO[who]), pid, restake)
		},
		Action::ClaimCommission { pid } => match Pools::<Test>::get(pid) {
			Some(pool) => StakePool::claim_commission(signed(pool.owner), pid),
			None => StakePool::claim_commission(signed(OWNERS[0]), pid),
		},
		Action::Start { worker, extra } => {
			let (owner, pid) = owner_of_worker(worker);
			let min =
				StakePool::minimum_stake(&Benchmark { score: SCORES[worker], confidence_level: 1 });
			StakePool::start_mining(signed(owner), pid, WORKERS[worker], min + extra)
		},
		Action::Restart { worker, extra } => {
			let (owner, pid) = owner_of_worker(worker);
			let stake = Workers::<Test>::get(WORKERS[worker]).map(|w| w.stake).unwrap_or(0);
			StakePool::restart_mining(signed(owner), pid, WORKERS[worker], stake + extra)
		},
		Action::Stop { worker } => {
			let (owner, pid) = owner_of_worker(worker);
			StakePool::stop_mining(signed(owner), pid, WORKERS[worker])
		},
		Action::Reclaim { worker } => {
			StakePool::reclaim_worker(signed(1), WORKERS[worker]).map(|_| ()).map_err(|e| e.error)
		},
		Action::Unresponsive { worker } => {
			StakePool::report_unresponsive(signed(ORACLE), WORKERS[worker])
		},
		Action::Recovered { worker } => {
			StakePool::report_recovered(signed(ORACLE), WORKERS[worker])
		},
		Action::Slash { worker, amount } => {
			StakePool::slash_worker(signed(ORACLE), WORKERS[worker], amount)
		},
		Action::SetCommission { pid, percent } => {
			let owner = OWNERS[(pid as usize).min(2)];
			StakePool::set_commission(signed(owner), pid, Permill::from_percent(percent))
		},
		Action::SetCap { pid, cap } => {
			let owner = OWNERS[(pid as usize).min(2)];
			StakePool::set_cap(signed(owner), pid, cap)
		},
		Action::ForceStop { pid } => {
			StakePool::force_stop_overdue(signed(1), pid).map(|_| ()).map_err(|e| e.error)
		},
		Action::Process { pid } => {
			StakePool::process_withdrawals(signed(1), pid).map(|_| ()).map_err(|e| e.error)
		},
		Action::SettleSlash { who, pid } => StakePool::settle_slash(signed(1), pid, WHO[who]),
		Action::SetState { pid, state, by } => {
			let caller = if by == 0 { OWNERS[(pid as usize).min(2)] } else { WHO[by] };
			let state =
				[PoolState::Open, PoolState::Blocked, PoolState::Destroying][state as usize];
			StakePool::set_pool_state(signed(caller), pid, state)
		},
		Action::WithdrawOther { who, pid } => {
			StakePool::withdraw_other(signed(2), pid, WHO[who]).map(|_| ()).map_err(|e| e.error)
		},
		Action::ReadPage { .. } => Ok(()),
		Action::Advance { blocks } => {
			for _ in 0..blocks {
				// A new block clears the last one's events, as `frame_system` does.
				System::reset_events();
				let next = System::block_number() + 1;
				System::set_block_number(next);
				StakePool::on_initialize(next);
				StakePool::on_poll(next, &mut WeightMeter::new());
				check_invariants();
			}
			Ok(())
		},
	}
}

fn check_invariants() {
	StakePool::do_try_state().expect("try_state invariants hold");
}

fn run(actions: Vec<Action>) -> Result<(), TestCaseError> {
	let mut result = Ok(());
	ExtBuilder::default().reward_per_block(3 * PHA + 7).build_and_execute(|| {
		setup();
		let issuance = Balances::total_issuance();
		let mut succeeded = 0usize;
		// What each list's paged read under way returned so far: nobody may come twice.
		let mut seen_targets = std::collections::BTreeSet::new();
		let mut seen_voters = std::collections::BTreeSet::new();
		for action in &actions {
			if let Action::ReadPage { targets, page, count } = *action {
				let bounds = DataProviderBounds { count: Some(count.into()), size: None };
				let (continues, read, seen) = if targets {
					let continues = TargetSnapshotStatus::<Test>::get().continues(page);
					let read = StakePool::electable_targets(bounds, page).expect("targets");
					(continues, read, &mut seen_targets)
				} else {
					let continues = VoterSnapshotStatus::<Test>::get().continues(page);
					let read = StakePool::electing_voters(bounds, page).expect("voters");
					(continues, read.into_iter().map(|(who, _, _)| who).collect(), &mut seen_voters)
				};
				if !continues {
					seen.clear();
				}
				for who in read {
					if !seen.insert(who) {
						result = Err(TestCaseError::fail(format!(
							"{action:?}: {who} read twice in one paged read"
						)));
						return;
					}
				}
				check_invariants();
				continue;
			}
			// The events are not what this property checks, and kept they would grow with every
			// call: each state root below would hash all of them again (most of this test's time
			// before). Each call's events are cleared before the next call.
			System::reset_events();
			let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
			let outcome = apply(action);
			succeeded += usize::from(outcome.is_ok());
			if outcome.is_err() {
				let after = sp_io::storage::root(sp_runtime::StateVersion::V1);
				if after != root {
					result = Err(TestCaseError::fail(format!(
						"{action:?} failed with {outcome:?} but changed state"
					)));
					return;
				}
			}
			check_invariants();
			let rewards = Rewards::<Test>::get();
			let slashes = Slashes::<Test>::get();
			let expected = issuance + rewards.paid - slashes.settled;
			if Balances::total_issuance() != expected {
				result = Err(TestCaseError::fail(format!(
					"after {action:?}: issuance {} != {expected}",
					Balances::total_issuance()
				)));
				return;
			}
		}
		// Guard against a generator whose calls (nearly) all fail, which would test little. About
		// 40% succeed on average; a single case may fall well below that by chance.
		if succeeded * 10 < actions.len() {
			result = Err(TestCaseError::fail(format!(
				"only {succeeded} of {} calls succeeded",
				actions.len()
			)));
		}
		if std::env::var("STAKE_POOL_PROPTEST_VERBOSE").is_ok() {
			println!("{succeeded}/{} calls succeeded", actions.len());
		}
	});
	result
}

// Two properties of 100 cases each (so the two cores share them), 300 to 1000 calls per case: about
// 130,000 calls in all, plus the blocks that block advances run, with every invariant checked
// after every call. (160 cases each until the runtime soak joined the test command:
// `runtime/tests/soak.rs` drives both pallets with 20,000 more random calls, per block, and
// `scripts/soak.sh` with 1,000,000.)
proptest! {
	#![proptest_config(ProptestConfig { cases: 100, max_shrink_iters: 2000, ..ProptestConfig::default() })]

	#[test]
	fn random_call_sequences_keep_every_invariant(actions in proptest::collection::vec(action(), 300..1000)) {
		run(actions)?;
	}

	#[test]
	fn random_call_sequences_keep_every_invariant_second_half(actions in proptest::collection::vec(action(), 300..1000)) {
		run(actions)?;
	}
}
