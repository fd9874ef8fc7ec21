//! Property: whatever the miner returns for a random snapshot passes the election pallet's
//! feasibility check and respects the length and weight limits, for every algorithm, with many equal-stake voters and with tight limits. When it cannot fit a
//! solution it says so (`TooBig`) instead of returning one that does not fit.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use frame_election_provider_support::generate_solution_type;
use frame_support::{
	traits::{ConstU32, Get},
	weights::Weight,
	BoundedVec,
};
use pallet_election_multi_phase::{
	miner::VoterOf, ElectionCompute, FeasibilityError, Miner, MinerConfig, MinerError,
};
use proptest::prelude::*;
use sp_runtime::PerU16;
use staking_miner::portfolio::{mine, Algorithm};
use std::cell::Cell;

generate_solution_type!(
	#[compact]
	pub struct TestSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<1_000>,
	>(6)
);

thread_local! {
	static MAX_LENGTH: Cell<u32> = const { Cell::new(u32::MAX) };
	static MAX_ACTIVE: Cell<u64> = const { Cell::new(u64::MAX) };
}

struct Length;
impl Get<u32> for Length {
	fn get() -> u32 {
		MAX_LENGTH.with(Cell::get)
	}
}

/// The weight limit, in "active voters" (the test's weight formula is 1 per active voter).
struct MaxWeight;
impl Get<Weight> for MaxWeight {
	fn get() -> Weight {
		Weight::from_parts(MAX_ACTIVE.with(Cell::get), u64::MAX)
	}
}

struct TestConfig;
impl MinerConfig for TestConfig {
	type AccountId = u64;
	type Solution = TestSolution;
	type MaxVotesPerVoter = ConstU32<6>;
	type MaxLength = Length;
	type MaxWeight = MaxWeight;
	type MaxWinners = ConstU32<20>;
	type MaxBackersPerWinner = ConstU32<1_000>;

	fn solution_weight(_voters: u32, _targets: u32, active: u32, _desired: u32) -> Weight {
		Weight::from_parts(active.into(), 0)
	}
}

/// A snapshot: `targets` targets (ids 1000..), voters with 1 to 6 distinct votes each.
fn snapshot() -> impl Strategy<Value = (Vec<VoterOf<TestConfig>>, Vec<u64>, u32)> {
	(2usize..16, 1usize..80, any::<bool>()).prop_flat_map(|(targets, voters, equal)| {
		let voter =
			(prop::collection::btree_set(0..targets as u64, 1..=targets.min(6)), 1u64..1_000_000);
		(
			Just(targets),
			prop::collection::vec(voter, voters),
			Just(equal),
			1u32..=targets.min(20) as u32,
		)
			.prop_map(|(targets, voters, equal, desired)| {
				let target_ids: Vec<u64> = (0..targets as u64).map(|t| 1000 + t).collect();
				let voters = voters
					.into_iter()
					.enumerate()
					.map(|(i, (votes, stake))| {
						let votes: Vec<u64> = votes.into_iter().map(|t| 1000 + t).collect();
						// Equal stakes: every voter the same, the hard case for trimming order.
						let stake = if equal { 500 } else { stake };
						(i as u64, stake, BoundedVec::truncate_from(votes))
					})
					.collect();
				(voters, target_ids, desired)
			})
	})
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn whatever_is_mined_is_feasible_and_fits(
		(voters, targets, desired) in snapshot(),
		length_share in 5u32..=100,
		active_share in 5u64..=100,
		algorithm in prop_oneof![
			(0usize..4).prop_map(|b| Algorithm::SeqPhragmen { balancing: b }),
			(0usize..4).prop_map(|b| Algorithm::PhragMms { balancing: b }),
			(0usize..4).prop_map(|b| Algorithm::PhragMmsInterleaved { balancing: b }),
		],
	) {
		// Limits as a share of the unlimited solution: from very tight to no constraint.
		MAX_LENGTH.with(|c| c.set(u32::MAX));
		MAX_ACTIVE.with(|c| c.set(u64::MAX));
		let round = 3;
		let full = match mine::<TestConfig>(algorithm, &voters, &targets, desired, round) {
			Ok(full) => full,
			// Checked below with the limits in place.
			Err(MinerError::Feasibility(FeasibilityError::WrongWinnerCount)) => {
				let backed: std::collections::BTreeSet<u64> =
					voters.iter().flat_map(|(_, _, votes)| votes.iter().copied()).collect();
				prop_assert!((backed.len() as u32) < desired);
				return Ok(());
			},
			Err(e) => panic!("unlimited mining failed: {e:?}"),
		};
		let length = (full.trimmed.length * length_share / 100).max(1);
		let active = (full.trimmed.weight.ref_time() * active_share / 100).max(1);
		MAX_LENGTH.with(|c| c.set(length));
		MAX_ACTIVE.with(|c| c.set(active));

		match mine::<TestConfig>(algorithm, &voters, &targets, desired, round) {
			Ok(mined) => {
				prop_assert!(mined.trimmed.length <= length);
				prop_assert!(mined.trimmed.weight.ref_time() <= active);
				let checked = Miner::<TestConfig>::feasibility_check(
					mined.solution.clone(),
					ElectionCompute::Signed,
					desired,
					&voters,
					&targets,
					round,
					None,
				);
				prop_assert!(checked.is_ok(), "{:?}", checked);
				// Every winner keeps at least one backer.
				let ready = checked.unwrap();
				prop_assert_eq!(ready.supports.0.len() as u32, desired);
				prop_assert!(ready.supports.0.iter().all(|(_, s)| !s.voters.is_empty()));
			},
			Err(MinerError::Feasibility(FeasibilityError::WrongWinnerCount)) => {
				// Only when fewer targets than seats have any vote.
				let backed: std::collections::BTreeSet<u64> =
					voters.iter().flat_map(|(_, _, votes)| votes.iter().copied()).collect();
				prop_assert!((backed.len() as u32) < desired);
			},
			Err(MinerError::TooBig) => {
				// Only when the limits are tighter than the full solution.
				prop_assert!(length_share < 100 || active_share < 100);
			},
			Err(e) => prop_assert!(false, "mining failed: {:?}", e),
		}
	}
}
