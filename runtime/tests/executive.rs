//! The runtime driven natively through `Executive` with signed extrinsics, from the
//! `development` preset through a whole era: delegating, mining, rewards, a queued withdrawal,
//! an election round won by a signed submission, and the active set the stake pools store.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use frame_election_provider_support::SequentialPhragmen;
use frame_support::traits::fungible::InspectHold;
use pallet_election_multi_phase::Miner;
use pool_runtime::{
	configs::ElectionMinerConfig, AccountId, Balance, Executive, Header, Runtime, RuntimeCall,
	RuntimeEvent, System, UncheckedExtrinsic, DAYS, UNIT,
};
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::{traits::Header as _, BuildStorage, PerU16};

#[path = "common/chain.rs"]
mod chain;

fn dev_ext() -> sp_io::TestExternalities {
	chain::development_config().build_storage().unwrap().into()
}

struct Chain {
	nonces: std::collections::BTreeMap<AccountId, u32>,
	parent: sp_core::H256,
}

impl Chain {
	fn new() -> Self {
		Self { nonces: Default::default(), parent: System::block_hash(0) }
	}

	fn sign(&mut self, signer: Sr25519Keyring, call: RuntimeCall) -> UncheckedExtrinsic {
		let who = signer.to_account_id();
		let nonce = self.nonces.entry(who.clone()).or_insert(0);
		let xt = chain::signed(call, who, *nonce, |bytes| signer.sign(bytes));
		*nonce += 1;
		xt
	}

	/// Produce the next block with a timestamp and `extrinsics`; each must succeed.
	fn block(&mut self, extrinsics: Vec<UncheckedExtrinsic>) {
		let number = System::block_number() + 1;
		let header = Header::new(
			number,
			Default::default(),
			Default::default(),
			self.parent,
			Default::default(),
		);
		Executive::initialize_block(&header);
		let now = pallet_timestamp::Call::<Runtime>::set { now: number as u64 * 3_000 };
		Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(now.into())).unwrap().unwrap();
		for xt in extrinsics {
			let call = format!("{:?}", xt.function);
			Executive::apply_extrinsic(xt)
				.unwrap_or_else(|e| panic!("{call} invalid: {e:?}"))
				.unwrap_or_else(|e| panic!("{call} failed: {e:?}"));
		}
		self.parent = Executive::finalize_block().hash();
	}

	fn run_to(&mut self, n: u32) {
		while System::block_number() < n {
			self.block(vec![]);
		}
	}
}

fn events() -> Vec<RuntimeEvent> {
	System::events().into_iter().map(|record| record.event).collect()
}

fn stake_pool_call(call: pallet_stake_pool::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::StakePool(call)
}

fn hold(who: Sr25519Keyring) -> Balance {
	pool_runtime::Balances::balance_on_hold(
		&pool_runtime::RuntimeHoldReason::StakePool(pallet_stake_pool::HoldReason::Delegation),
		&who.to_account_id(),
	)
}

#[test]
fn the_development_preset_seeds_mining_pools() {
	dev_ext().execute_with(|| {
		let pools: Vec<_> =
			(0..3).map(|pid| pallet_stake_pool::Pools::<Runtime>::get(pid).unwrap()).collect();
		// Pool 0: workers of score 400 and 900; pool 1: 1600; pool 2: 400.
		assert_eq!(pools.iter().map(|p| p.power).collect::<Vec<_>>(), vec![1300, 1600, 400]);
		assert_eq!(
			pools.iter().map(|p| p.staked).collect::<Vec<_>>(),
			vec![5_000 * UNIT, 4_000 * UNIT, 2_000 * UNIT]
		);
		assert_eq!(
			pools.iter().map(|p| p.total_value).collect::<Vec<_>>(),
			vec![7_000 * UNIT, 5_000 * UNIT, 4_500 * UNIT]
		);
		assert_eq!(pallet_stake_pool::RewardPerBlock::<Runtime>::get(), UNIT);
		assert_eq!(hold(Dave), 5_000 * UNIT);
		assert!(pallet_vesting::Vesting::<Runtime>::get(Ferdie.to_account_id()).is_some());
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Alice.to_account_id()));
	});
}

#[test]
fn a_whole_era_driven_by_signed_extrinsics() {
	dev_ext().execute_with(|| {
		let mut chain = Chain::new();

		// Block 1: Bob delegates 1000 to Alice's pool 0.
		let delegate = chain.sign(Bob, stake_pool_call(pallet_stake_pool::Call::delegate { pid: 0, amount: 1_000 * UNIT }));
		chain.block(vec![delegate]);
		assert_eq!(hold(Bob), 1_000 * UNIT);

		// Block 2: Eve claims her share of pool 2 for two blocks of the 1 UNIT budget: pool 2 has
		// 400 of the 3300 power, keeps 5% commission, and Eve holds 3000 of its 4500 shares.
		let claim = chain.sign(Eve, stake_pool_call(pallet_stake_pool::Call::claim_rewards { pid: 2, restake: false }));
		chain.block(vec![claim]);
		let claimed = events()
			.into_iter()
			.find_map(|e| match e {
				RuntimeEvent::StakePool(pallet_stake_pool::Event::RewardsClaimed { delegator, amount, .. })
					if delegator == Eve.to_account_id() => Some(amount),
				_ => None,
			})
			.unwrap();
		let pool_reward = 2 * UNIT * 400 / 3300;
		let to_delegators = pool_reward - pool_reward * 5 / 100;
		let expected = to_delegators * 3000 / 4500;
		assert!(claimed <= expected && expected - claimed <= 2, "claimed {claimed}, expected {expected}");

		// Block 3: sudo registers Dave as a worker, Dave authorises Alice, Alice binds and starts
		// it with 2000 of pool 0's free delegation (8000 delegated, 5000 staked).
		let register = chain.sign(
			Alice,
			RuntimeCall::Sudo(pallet_sudo::Call::sudo {
				call: Box::new(stake_pool_call(pallet_stake_pool::Call::register_worker {
					worker: Dave.to_account_id(),
					benchmark: pallet_stake_pool::Benchmark { score: 400, confidence_level: 1 },
				})),
			}),
		);
		let authorize = chain.sign(Dave, stake_pool_call(pallet_stake_pool::Call::authorize_operator { operator: Alice.to_account_id() }));
		let add = chain.sign(Alice, stake_pool_call(pallet_stake_pool::Call::add_worker { pid: 0, worker: Dave.to_account_id() }));
		let start = chain.sign(
			Alice,
			stake_pool_call(pallet_stake_pool::Call::start_mining { pid: 0, worker: Dave.to_account_id(), stake: 2_000 * UNIT }),
		);
		chain.block(vec![register, authorize, add, start]);
		let pool = pallet_stake_pool::Pools::<Runtime>::get(0).unwrap();
		assert_eq!((pool.staked, pool.free, pool.power), (7_000 * UNIT, 1_000 * UNIT, 1700));

		// Block 4: Ferdie withdraws all 3500 from Bob's pool 1, which has 1000 free: 1000 now,
		// 2500 queued, guaranteed by 14 days.
		let withdraw = chain.sign(Ferdie, stake_pool_call(pallet_stake_pool::Call::withdraw { pid: 1, value: 3_500 * UNIT }));
		chain.block(vec![withdraw]);
		assert_eq!(hold(Ferdie), 2_500 * UNIT);
		let positions = pallet_stake_pool::Pallet::<Runtime>::delegator_positions(&Ferdie.to_account_id());
		let queued = positions[0].queued_withdrawals[0].clone();
		assert_eq!((queued.value, queued.expected_payout_by), (2_500 * UNIT, 4 + 14 * DAYS as u64));

		// The signed phase opens 50 blocks before the era ends at block 100.
		chain.run_to(50);
		assert!(pallet_election_multi_phase::CurrentPhase::<Runtime>::get().is_signed());
		let voters = pallet_election_multi_phase::Pallet::<Runtime>::snapshot_voters();
		let targets = pallet_election_multi_phase::SnapshotTargets::<Runtime>::get().unwrap();
		let desired = pallet_election_multi_phase::DesiredTargets::<Runtime>::get().unwrap();
		// Three mining pools for four seats: all three.
		assert_eq!((targets.len(), desired), (3, 3));
		let round = pallet_election_multi_phase::Round::<Runtime>::get();
		let (raw, _) = Miner::<ElectionMinerConfig>::mine::<SequentialPhragmen<AccountId, PerU16>>(
			&voters, &targets, desired, round,
		)
		.unwrap();
		let fingerprint = pallet_election_multi_phase::SnapshotFingerprint::<Runtime>::get().unwrap();
		// The solution as a claim: its score registered, then one solution per voter page.
		let pages: Vec<_> = (0..=pallet_election_multi_phase::Pallet::<Runtime>::msp())
			.map(pallet_election_multi_phase::Pallet::<Runtime>::voter_page)
			.collect();
		let paged = Miner::<ElectionMinerConfig>::paginate(raw.solution.clone(), &pages, &targets, desired, round).unwrap();
		assert_eq!(paged.score, raw.score);
		let mut claim = vec![chain.sign(
			Alice,
			RuntimeCall::Election(pallet_election_multi_phase::Call::register { score: paged.score, fingerprint }),
		)];
		for (page, solution) in paged.pages {
			claim.push(chain.sign(
				Alice,
				RuntimeCall::Election(pallet_election_multi_phase::Call::submit_page { page, solution: Some(Box::new(solution)) }),
			));
		}
		chain.block(claim);

		// Verified page by page when the window opens at block 60 (four pages per block): rewarded
		// and queued by block 61.
		chain.run_to(61);
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Election(pallet_election_multi_phase::Event::Rewarded { who, .. }) if *who == Alice.to_account_id()
		)));
		let ready = pallet_election_multi_phase::QueuedSolution::<Runtime>::get().unwrap();
		assert_eq!(ready.score, raw.score);

		// Block 100 ends the era: the stake pools elect and store the active set.
		chain.run_to(100);
		let active = pallet_stake_pool::ActivePools::<Runtime>::get();
		assert_eq!(pallet_stake_pool::CurrentEra::<Runtime>::get(), 1);
		let mut pids: Vec<u64> = active.iter().map(|(pid, _)| *pid).collect();
		pids.sort();
		assert_eq!(pids, vec![0, 1, 2]);
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Election(pallet_election_multi_phase::Event::ElectionFinalized {
				compute: pallet_election_multi_phase::ElectionCompute::Signed,
				..
			})
		)));
		assert_eq!(pallet_election_multi_phase::Round::<Runtime>::get(), 2);

		// The state a whole era left (the next round's snapshot, the stake pools' agenda and
		// lists, the queued solution cleared): the runtime upgrade's migrations with their pre-
		// and post-checks, and every pallet's `try_state`, pass on it.
		#[cfg(feature = "try-runtime")]
		Executive::try_runtime_upgrade(frame_try_runtime::UpgradeCheckSelect::All)
			.expect("the upgrade checks and try_state pass on the chain's state");
	});
}
