//! Properties of the miner on random snapshots: whatever it produces passes the feasibility
//! check, under any length and weight limits it can meet; and breaking a feasible solution in
//! any single way gets it rejected.

use super::miner::{MaxLength, MaxWeight, TestMiner, TestSolution};
use crate::{miner::*, types::*};
use codec::Encode;
use frame_election_provider_support::{NposSolution, PhragMMS, SequentialPhragmen};
use frame_support::{weights::Weight, BoundedVec};
use proptest::prelude::*;
use sp_runtime::PerU16;

/// Up to 60 voters with 1 to 4 distinct votes among up to 10 targets (`MaxWinners`); stakes either all equal or
/// random.
fn snapshot() -> impl Strategy<Value = (Vec<VoterOf<TestMiner>>, Vec<u64>, u32)> {
	(2usize..=10, 1usize..60, any::<bool>()).prop_flat_map(|(targets, voters, equal)| {
		let votes = proptest::collection::btree_set(0..targets as u64, 1..=4.min(targets));
		let stake = if equal { Just(1_000u64).boxed() } else { (1u64..1_000_000).boxed() };
		(proptest::collection::vec((stake, votes), voters), Just(targets), 1..=targets as u32)
			.prop_map(|(voters, targets, desired)| {
				let voters = voters
					.into_iter()
					.enumerate()
					.map(|(i, (stake, votes))| {
						let votes: Vec<u64> = votes.into_iter().map(|t| 1000 + t).collect();
						(i as u64, stake, BoundedVec::try_from(votes).unwrap())
					})
					.collect();
				(voters, (0..targets as u64).map(|t| 1000 + t).collect(), desired)
			})
	})
}

fn feasible(
	raw: RawSolution<TestSolution>,
	voters: &[VoterOf<TestMiner>],
	targets: &[u64],
	desired: u32,
) -> Result<ReadySolutionOf<TestMiner>, FeasibilityError> {
	Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Unsigned,
		desired,
		voters,
		targets,
		7,
		None,
	)
}

/// Winners without any backer make a solution infeasible by design (the winner count is
/// checked): a snapshot where fewer targets than desired have voters cannot be solved.
fn solvable(voters: &[VoterOf<TestMiner>], desired: u32) -> bool {
	let voted: std::collections::BTreeSet<u64> =
		voters.iter().flat_map(|(_, _, votes)| votes.iter().copied()).collect();
	voted.len() >= desired as usize
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

	#[test]
	fn mined_solutions_are_feasible((voters, targets, desired) in snapshot(), phragmms in any::<bool>()) {
		prop_assume!(solvable(&voters, desired));
		let mined = if phragmms {
			Miner::<TestMiner>::mine::<PhragMMS<u64, PerU16>>(&voters, &targets, desired, 7)
		} else {
			Miner::<TestMiner>::mine::<SequentialPhragmen<u64, PerU16>>(&voters, &targets, desired, 7)
		};
		let (raw, _) = mined.unwrap();
		let claimed = raw.score;
		let ready = feasible(raw, &voters, &targets, desired);
		prop_assert!(ready.is_ok(), "{:?}", ready);
		prop_assert_eq!(ready.unwrap().score, claimed);
	}

	#[test]
	fn trimmed_solutions_are_feasible_and_within_limits(
		(voters, targets, desired) in snapshot(),
		length_fraction in 1u32..100,
		weight_fraction in 1u64..100,
	) {
		prop_assume!(solvable(&voters, desired));
		let (full, _) =
			Miner::<TestMiner>::mine::<SequentialPhragmen<u64, PerU16>>(&voters, &targets, desired, 7).unwrap();
		let length = full.solution.encoded_size() as u32 * length_fraction / 100;
		let active = full.solution.voter_count() as u64;
		MaxLength::set(length.max(1));
		MaxWeight::set(Weight::from_parts((1000 * active * weight_fraction / 100).max(1), u64::MAX));
		let result =
			Miner::<TestMiner>::mine::<SequentialPhragmen<u64, PerU16>>(&voters, &targets, desired, 7);
		let (max_length, max_weight) = (MaxLength::get(), MaxWeight::get());
		MaxLength::set(10_000);
		MaxWeight::set(Weight::from_parts(u64::MAX, u64::MAX));
		match result {
			Ok((raw, trimmed)) => {
				prop_assert!(trimmed.length <= max_length);
				prop_assert!(trimmed.weight.all_lte(max_weight));
				let ready = feasible(raw, &voters, &targets, desired);
				prop_assert!(ready.is_ok(), "{:?}", ready);
			},
			// Fine only when the limits are below what one backer per winner needs.
			Err(error) => prop_assert_eq!(error, MinerError::TooBig),
		}
	}

	#[test]
	fn any_single_corruption_is_rejected(
		(voters, targets, desired) in snapshot(),
		corruption in 0u8..5,
	) {
		prop_assume!(solvable(&voters, desired));
		let (mut raw, _) =
			Miner::<TestMiner>::mine::<SequentialPhragmen<u64, PerU16>>(&voters, &targets, desired, 7).unwrap();
		let expected = match corruption {
			0 => { raw.round += 1; FeasibilityError::WrongRound },
			1 => { raw.score.minimal_stake += 1; FeasibilityError::InvalidScore },
			2 => { raw.score.sum_stake_squared -= 1; FeasibilityError::InvalidScore },
			3 => {
				// A voter index beyond the snapshot, voting for an existing winner.
				let winner = raw.solution.unique_targets()[0];
				raw.solution.votes1.push((voters.len() as u32 + 5, winner));
				FeasibilityError::InvalidVoterIndex
			},
			_ => {
				// The first single-vote voter repeated.
				match raw.solution.votes1.first().copied() {
					Some(entry) => { raw.solution.votes1.push(entry); FeasibilityError::DuplicateVoter },
					None => { raw.round += 1; FeasibilityError::WrongRound },
				}
			},
		};
		prop_assert_eq!(feasible(raw, &voters, &targets, desired).unwrap_err(), expected);
	}
}
