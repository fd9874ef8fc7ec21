//! The miner and every class of infeasible solution, on small snapshots worked out by hand.

use crate::{miner::*, types::*};
use frame_election_provider_support::{
	generate_solution_type, NposSolution, PhragMMS, SequentialPhragmen,
};
use frame_support::{parameter_types, traits::ConstU32, weights::Weight, BoundedVec};
use sp_npos_elections::ElectionScore;
use sp_runtime::PerU16;

generate_solution_type!(
	#[compact]
	pub struct TestSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<1_000>,
	>(4)
);

parameter_types! {
	pub static MaxLength: u32 = 10_000;
	pub static MaxWeight: Weight = Weight::from_parts(u64::MAX, u64::MAX);
	pub static MaxWinners: u32 = 10;
	pub static MaxBackers: u32 = 100;
}

pub struct TestMiner;
impl MinerConfig for TestMiner {
	type AccountId = u64;
	type Solution = TestSolution;
	type MaxVotesPerVoter = ConstU32<4>;
	type MaxLength = MaxLength;
	type MaxWeight = MaxWeight;
	type MaxWinners = MaxWinners;
	type MaxBackersPerWinner = MaxBackers;
	fn solution_weight(_voters: u32, _targets: u32, active: u32, _desired: u32) -> Weight {
		// 1000 per active voter: easy to reason about in the trimming tests.
		Weight::from_parts(1000 * active as u64, 0)
	}
}

type Seq = SequentialPhragmen<u64, PerU16>;

fn voter(who: u64, stake: u64, votes: &[u64]) -> VoterOf<TestMiner> {
	(who, stake, BoundedVec::try_from(votes.to_vec()).unwrap())
}

/// Targets 10, 20, 30; voters 1 (stake 10: 10, 20), 2 (20: 10, 30), 3 (30: 20), 4 (40: 30).
fn snapshot() -> (Vec<VoterOf<TestMiner>>, Vec<u64>) {
	(
		vec![
			voter(1, 10, &[10, 20]),
			voter(2, 20, &[10, 30]),
			voter(3, 30, &[20]),
			voter(4, 40, &[30]),
		],
		vec![10, 20, 30],
	)
}

fn check(
	raw: RawSolution<TestSolution>,
	desired: u32,
) -> Result<ReadySolutionOf<TestMiner>, FeasibilityError> {
	let (voters, targets) = snapshot();
	Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		desired,
		&voters,
		&targets,
		1,
		None,
	)
}

fn mined(desired: u32) -> RawSolution<TestSolution> {
	let (voters, targets) = snapshot();
	Miner::<TestMiner>::mine::<Seq>(&voters, &targets, desired, 1).unwrap().0
}

#[test]
fn a_mined_solution_is_feasible_and_scored_exactly() {
	let raw = mined(2);
	let ready = check(raw.clone(), 2).unwrap();
	assert_eq!(ready.score, raw.score);
	// Two winners; all 100 of stake can back them, and seq-Phragmén elects 30 (40 + 20 of
	// voter 2 = 60 approval) then 20 (10 + 30 = 40).
	let winners: Vec<u64> = ready.supports.0.iter().map(|(w, _)| *w).collect();
	assert_eq!(winners.len(), 2);
	assert!(winners.contains(&30) && winners.contains(&20));
	assert_eq!(raw.score.sum_stake, 100);
}

#[test]
fn phragmms_solutions_are_feasible_too() {
	let (voters, targets) = snapshot();
	let raw = Miner::<TestMiner>::mine::<PhragMMS<u64, PerU16>>(&voters, &targets, 2, 1).unwrap().0;
	assert!(check(raw, 2).is_ok());
}

#[test]
fn wrong_round_is_rejected() {
	let mut raw = mined(2);
	raw.round = 2;
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::WrongRound);
}

#[test]
fn wrong_winner_count_is_rejected() {
	let raw = mined(2);
	assert_eq!(check(raw, 3).unwrap_err(), FeasibilityError::WrongWinnerCount);
}

#[test]
fn too_many_desired_targets_is_rejected() {
	MaxWinners::set(1);
	let raw = mined(2);
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::TooManyDesiredTargets);
	MaxWinners::set(10);
}

#[test]
fn an_inflated_score_is_rejected() {
	let mut raw = mined(2);
	raw.score.minimal_stake += 1;
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::InvalidScore);
}

#[test]
fn a_score_below_the_minimum_untrusted_score_is_rejected() {
	let raw = mined(2);
	let (voters, targets) = snapshot();
	let minimum =
		ElectionScore { minimal_stake: raw.score.minimal_stake + 1, ..Default::default() };
	let result = Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		Some(minimum),
	);
	assert_eq!(result.unwrap_err(), FeasibilityError::UntrustedScoreTooLow);
}

#[test]
fn an_out_of_range_voter_index_is_rejected() {
	let mut raw = mined(2);
	// Index 99 is beyond the four voters; it backs 30 (index 2), already a winner.
	raw.solution.votes1.push((99, 2));
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::InvalidVoterIndex);
}

#[test]
fn an_out_of_range_target_index_is_rejected() {
	let mut raw = mined(2);
	// Voter 3 (index 2) gives its vote to target index 7.
	raw.solution.votes1.retain(|(v, _)| *v != 2);
	raw.solution.votes2.retain(|(v, _, _)| *v != 2);
	raw.solution.votes1.push((2, 7));
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::InvalidTargetIndex);
}

#[test]
fn a_duplicate_voter_is_rejected() {
	let mut raw = mined(2);
	// Voter 4 (index 3, votes only for 30 = target index 2) appears a second time.
	raw.solution.votes1.push((3, 2));
	assert_eq!(check(raw, 2).unwrap_err(), FeasibilityError::DuplicateVoter);
}

#[test]
fn a_duplicate_target_within_a_voter_is_rejected() {
	let (voters, targets) = snapshot();
	// Voter 1 (index 0) splits its stake over target 10 (index 0) twice; winners 10 and 30.
	let solution = TestSolution {
		votes1: vec![(1, 2), (3, 2)],
		votes2: vec![(0, [(0, PerU16::from_percent(50))], 0)],
		..Default::default()
	};
	let raw = RawSolution { solution, score: Default::default(), round: 1 };
	let result = Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	);
	assert_eq!(result.unwrap_err(), FeasibilityError::DuplicateTarget);
}

#[test]
fn a_vote_outside_the_voters_list_is_rejected() {
	let (voters, targets) = snapshot();
	// Voter 3 (index 2) only voted for 20, but the solution gives its stake to 10 (index 0);
	// voter 4 backs 30: two winners, 10 and 30.
	let solution = TestSolution { votes1: vec![(2, 0), (3, 2)], ..Default::default() };
	let raw = RawSolution { solution, score: Default::default(), round: 1 };
	let result = Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	);
	assert_eq!(result.unwrap_err(), FeasibilityError::InvalidVote);
}

#[test]
fn too_many_backers_for_a_winner_is_rejected() {
	MaxBackers::set(1);
	let (voters, targets) = snapshot();
	// Voters 2 and 4 both back 30; voter 3 backs 20.
	let solution = TestSolution { votes1: vec![(1, 2), (2, 1), (3, 2)], ..Default::default() };
	let score =
		ElectionScore { minimal_stake: 30, sum_stake: 90, sum_stake_squared: 30 * 30 + 60 * 60 };
	let raw = RawSolution { solution, score, round: 1 };
	let result = Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	);
	MaxBackers::set(100);
	assert_eq!(result.unwrap_err(), FeasibilityError::TooManyBackings);
}

#[test]
fn a_hand_made_solution_scores_as_worked_out() {
	let (voters, targets) = snapshot();
	// As above: 30 backed by voters 2 and 4 (60), 20 by voter 3 (30).
	let solution = TestSolution { votes1: vec![(1, 2), (2, 1), (3, 2)], ..Default::default() };
	let score = ElectionScore { minimal_stake: 30, sum_stake: 90, sum_stake_squared: 900 + 3600 };
	let raw = RawSolution { solution, score, round: 1 };
	let ready = Miner::<TestMiner>::feasibility_check(
		raw,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	)
	.unwrap();
	assert_eq!(ready.score, score);
}

#[test]
fn trimming_removes_the_weakest_voters_but_keeps_a_backer_per_winner() {
	let (voters, targets) = snapshot();
	let (full, _) = Miner::<TestMiner>::mine::<Seq>(&voters, &targets, 2, 1).unwrap();
	let active = full.solution.voter_count() as u64;
	// Allow one voter fewer than the untrimmed solution has.
	MaxWeight::set(Weight::from_parts(1000 * (active - 1), u64::MAX));
	let (raw, trimmed) = Miner::<TestMiner>::mine::<Seq>(&voters, &targets, 2, 1).unwrap();
	MaxWeight::set(Weight::from_parts(u64::MAX, u64::MAX));
	assert_eq!(trimmed.voters, 1);
	assert_eq!(raw.solution.voter_count() as u64, active - 1);
	// Still two winners, and the (lower) score is checked exactly.
	assert!(check(raw, 2).is_ok());
}

#[test]
fn a_solution_that_cannot_fit_is_an_error() {
	MaxLength::set(1);
	let (voters, targets) = snapshot();
	let result = Miner::<TestMiner>::mine::<Seq>(&voters, &targets, 2, 1);
	MaxLength::set(10_000);
	assert_eq!(result.unwrap_err(), MinerError::TooBig);
}

/// Voters 1 and 2 (stake 10 each) both split their stake 5/5 between targets 10 and 20: the four
/// edges form a cycle (1-10-2-20-1). Reducing moves 5 around the cycle (its smallest edge), which
/// empties two alternate edges at once: voter 1 backs one target with 10, voter 2 the other, and
/// both targets keep a support of 10.
fn cyclic() -> (Vec<VoterOf<TestMiner>>, Vec<u64>, Vec<sp_npos_elections::Assignment<u64, PerU16>>)
{
	let half = PerU16::from_percent(50);
	let split =
		|who| sp_npos_elections::Assignment { who, distribution: vec![(10, half), (20, half)] };
	(vec![voter(1, 10, &[10, 20]), voter(2, 10, &[10, 20])], vec![10, 20], vec![split(1), split(2)])
}

#[test]
fn preparing_reduces_the_cycle_and_keeps_the_supports() {
	let (voters, targets, assignments) = cyclic();
	let (reduced, trimmed) =
		Miner::<TestMiner>::prepare(assignments, &voters, &targets, 2, 1).unwrap();
	assert_eq!(reduced.solution.edge_count(), 2);
	assert_eq!(trimmed.voters, 0);
	// Each target backed by one voter with all of its 10: minimal 10, sum 20, squares 200.
	assert_eq!(
		reduced.score,
		ElectionScore { minimal_stake: 10, sum_stake: 20, sum_stake_squared: 200 }
	);
	let ready = Miner::<TestMiner>::feasibility_check(
		reduced,
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	);
	assert!(ready.is_ok());
}

#[test]
fn fewer_backed_targets_than_seats_is_refused_by_the_miner() {
	// Three targets, but every vote goes to 10: no solution can name two winners.
	let voters = vec![voter(1, 10, &[10]), voter(2, 20, &[10])];
	let result = Miner::<TestMiner>::mine::<Seq>(&voters, &[10, 20, 30], 2, 1);
	assert_eq!(result.unwrap_err(), MinerError::Feasibility(FeasibilityError::WrongWinnerCount));
}

#[test]
fn prepare_staked_takes_stake_amounts_and_evens_out_rounding() {
	let (voters, targets) = snapshot();
	// Winners 20 and 30: voter 1 gives its 10 to 20, voter 3 its 30; voter 2 gives 30 its
	// 20 but reports 19 (a solver's rounding: made up to the stake), voter 4 its 40. Backing:
	// 20 has 40, 30 has 60; the score is (40, 100, 40² + 60² = 5200).
	let staked = vec![
		sp_npos_elections::StakedAssignment { who: 1, distribution: vec![(20, 10)] },
		sp_npos_elections::StakedAssignment { who: 2, distribution: vec![(30, 19)] },
		sp_npos_elections::StakedAssignment { who: 3, distribution: vec![(20, 30)] },
		sp_npos_elections::StakedAssignment { who: 4, distribution: vec![(30, 40)] },
	];
	let (raw, trimmed) =
		Miner::<TestMiner>::prepare_staked(staked, &voters, &targets, 2, 1).unwrap();
	let expected = ElectionScore { minimal_stake: 40, sum_stake: 100, sum_stake_squared: 5200 };
	assert_eq!(raw.score, expected);
	assert_eq!(trimmed.voters, 0);
	assert_eq!(check(raw, 2).unwrap().score, expected);

	// A voter the snapshot does not have is refused, not dropped.
	let stranger =
		vec![sp_npos_elections::StakedAssignment { who: 9, distribution: vec![(20, 5)] }];
	assert!(matches!(
		Miner::<TestMiner>::prepare_staked(stranger, &voters, &targets, 2, 1),
		Err(MinerError::NposElections(sp_npos_elections::Error::SolutionInvalidIndex))
	));
}

#[test]
fn the_miner_trims_each_winner_to_max_backers() {
	// Before: the miner ignored `MaxBackersPerWinner`, so its solutions failed the chain's check
	// (`TooManyBackings`) whenever a winner had more backers than that.
	let (voters, targets) = snapshot();
	let mine = || Miner::<TestMiner>::mine::<Seq>(&voters, &targets, 2, 1).unwrap();
	let (untrimmed, _) = mine();
	let backers_of = |raw: &RawSolution<TestSolution>| {
		let assignments = raw
			.solution
			.clone()
			.into_assignment(
				|i| voters.get(i as usize).map(|v| v.0),
				|i| targets.get(i as usize).copied(),
			)
			.unwrap();
		let mut count: std::collections::BTreeMap<u64, u32> = Default::default();
		for assignment in assignments {
			for (target, _) in assignment.distribution {
				*count.entry(target).or_default() += 1;
			}
		}
		count
	};
	assert!(
		backers_of(&untrimmed).values().any(|n| *n > 1),
		"the snapshot must over-back a winner"
	);
	MaxBackers::set(1);
	let (raw, trimmed) = mine();
	let check = Miner::<TestMiner>::feasibility_check(
		raw.clone(),
		ElectionCompute::Signed,
		2,
		&voters,
		&targets,
		1,
		None,
	);
	MaxBackers::set(100);
	assert!(trimmed.backings > 0);
	assert!(backers_of(&raw).values().all(|n| *n == 1), "{:?}", backers_of(&raw));
	assert_eq!(check.map(|ready| ready.score), Ok(raw.score));
}
