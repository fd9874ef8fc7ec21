//! Paged solutions, pure: mined in pages, checked page by page, summed and finalized; every
//! fraud class within a page and across pages is caught; on random paged snapshots every mined
//! solution is accepted and its score is the one-page solution's.

use super::miner::{MaxBackers, TestMiner, TestSolution};
use crate::{miner::*, paged::*, types::*};
use frame_election_provider_support::{NposSolution, SequentialPhragmen};
use frame_support::BoundedVec;
use proptest::prelude::*;
use sp_npos_elections::ElectionScore;
use sp_runtime::PerU16;

type Phragmen = SequentialPhragmen<u64, PerU16>;

fn voter(who: u64, stake: u64, votes: &[u64]) -> VoterOf<TestMiner> {
	(who, stake, BoundedVec::try_from(votes.to_vec()).unwrap())
}

/// Targets 10, 20, 30; page 1 (the largest voters) holds 5 and 4, page 0 holds 3, 2 and 1.
fn two_pages() -> (Vec<Vec<VoterOf<TestMiner>>>, Vec<u64>) {
	let page0 = vec![voter(3, 30, &[20]), voter(2, 20, &[10, 30]), voter(1, 10, &[10, 20])];
	let page1 = vec![voter(5, 50, &[10, 20, 30]), voter(4, 40, &[30])];
	(vec![page0, page1], vec![10, 20, 30])
}

/// Check every page of `raw` and finalize against its claim.
fn verify(
	raw: &PagedRawSolution<TestSolution>,
	pages: &[Vec<VoterOf<TestMiner>>],
	targets: &[u64],
	desired: u32,
) -> Result<(Vec<(u64, u128)>, ElectionScore), FeasibilityError> {
	let mut sum = PagedSupports::default();
	for (page, solution) in &raw.pages {
		let voters = pages.get(*page as usize).ok_or(FeasibilityError::InvalidPage)?;
		let backing = Miner::<TestMiner>::check_page(solution.clone(), voters, targets, desired)?;
		Miner::<TestMiner>::add_page(&mut sum, *page, &backing, pages.len() as u32, desired)?;
	}
	Miner::<TestMiner>::finalize_pages(&sum, targets, desired, Some(raw.score))
}

#[test]
fn a_paged_solution_is_accepted_and_scores_as_the_one_page_solution() {
	let (pages, targets) = two_pages();
	let (raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, 2, 7).unwrap();
	assert_eq!(raw.round, 7);
	// Pages in descending order, page 1 first.
	let order: Vec<u32> = raw.pages.iter().map(|(page, _)| *page).collect();
	assert_eq!(order, vec![1, 0]);
	let (winners, score) = verify(&raw, &pages, &targets, 2).unwrap();
	assert_eq!(score, raw.score);
	// The same snapshot in one page, the largest first: the same score.
	let all: Vec<_> = pages.iter().rev().flatten().cloned().collect();
	let (one, _) = Miner::<TestMiner>::mine::<Phragmen>(&all, &targets, 2, 7).unwrap();
	assert_eq!(one.score, raw.score);
	// Every unit of stake that backs a winner is counted once: all 150 here (every voter
	// votes for at least one winner).
	assert_eq!(winners.len(), 2);
	assert_eq!(score.sum_stake, winners.iter().map(|(_, total)| total).sum::<u128>());
}

#[test]
fn a_whole_solution_over_a_voter_outside_the_snapshot_cannot_be_split() {
	let (pages, targets) = two_pages();
	// Voter index 5 of a snapshot of five.
	let solution = TestSolution { votes1: vec![(5, 0)], ..Default::default() };
	assert_eq!(
		Miner::<TestMiner>::paginate(solution, &pages, &targets, 2, 7),
		Err(MinerError::Feasibility(FeasibilityError::InvalidVoterIndex))
	);
}

#[test]
fn a_page_submitted_as_another_page_is_caught() {
	let (pages, targets) = two_pages();
	let (raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, 2, 7).unwrap();
	assert!(verify(&raw, &pages, &targets, 2).is_ok());
	// The two pages' solutions swapped: each names voters by index within the other page, so
	// it reads other voters (other votes, other stakes) and cannot make the claim.
	let mut swapped = raw.clone();
	swapped.pages[0].0 = 0;
	swapped.pages[1].0 = 1;
	assert!(verify(&swapped, &pages, &targets, 2).is_err());
}

#[test]
fn every_fraud_within_a_page_is_caught() {
	let (pages, targets) = two_pages();
	let (raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, 2, 7).unwrap();
	let page0 = raw.pages.iter().find(|(page, _)| *page == 0).unwrap().1.clone();
	let check = |solution: TestSolution| {
		Miner::<TestMiner>::check_page(solution, &pages[0], &targets, 2).unwrap_err()
	};
	// The honest page passes.
	assert!(Miner::<TestMiner>::check_page(page0, &pages[0], &targets, 2).is_ok());
	// A voter index beyond the page (page 0 has three voters).
	let mut beyond = TestSolution::default();
	beyond.votes1.push((3, 1));
	assert_eq!(check(beyond), FeasibilityError::InvalidVoterIndex);
	// A target index beyond the targets.
	let mut no_target = TestSolution::default();
	no_target.votes1.push((0, 9));
	assert_eq!(check(no_target), FeasibilityError::InvalidTargetIndex);
	// A voter twice within the page.
	let mut twice = TestSolution::default();
	twice.votes1.push((0, 1));
	twice.votes1.push((0, 1));
	assert_eq!(check(twice), FeasibilityError::DuplicateVoter);
	// Voter 3 (index 0 of page 0) voted for 20 only: stake to 10 is not its vote.
	let mut not_voted = TestSolution::default();
	not_voted.votes1.push((0, 0));
	assert_eq!(check(not_voted), FeasibilityError::InvalidVote);
	// Three winners in one page, two desired.
	let mut three = TestSolution::default();
	three.votes1.push((0, 1));
	three.votes1.push((1, 0));
	three.votes1.push((1, 2));
	assert_eq!(
		Miner::<TestMiner>::check_page(three, &pages[0], &targets, 2).unwrap_err(),
		FeasibilityError::WrongWinnerCount
	);
}

#[test]
fn every_fraud_across_pages_is_caught() {
	let (pages, targets) = two_pages();
	let (raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, 2, 7).unwrap();
	// A claimed score one unit off.
	let mut claim = raw.clone();
	claim.score.minimal_stake += 1;
	assert_eq!(verify(&claim, &pages, &targets, 2).unwrap_err(), FeasibilityError::InvalidScore);
	// A page left out: its stake is missing from the sum, so the claim cannot hold.
	let mut missing = raw.clone();
	missing.pages.pop();
	assert!(verify(&missing, &pages, &targets, 2).is_err());
	// The same page twice, with the claim made for its stake counted twice (found by review:
	// without the page check the doubled stake made its own consistent claim).
	let mut doubled = raw.clone();
	doubled.pages.push(raw.pages[0].clone());
	let mut cheat: std::collections::BTreeMap<u32, WinnerBacking> = Default::default();
	for (page, solution) in &doubled.pages {
		let backing =
			Miner::<TestMiner>::check_page(solution.clone(), &pages[*page as usize], &targets, 2)
				.unwrap();
		for b in backing {
			let entry = cheat
				.entry(b.target)
				.or_insert(WinnerBacking { target: b.target, ..Default::default() });
			entry.total += b.total;
			entry.backers += b.backers;
		}
	}
	doubled.score = score_of(&cheat.into_values().collect::<Vec<_>>());
	assert_ne!(doubled.score, raw.score);
	assert_eq!(verify(&doubled, &pages, &targets, 2).unwrap_err(), FeasibilityError::DuplicatePage);
	// A page beyond the snapshot's two.
	let mut beyond = raw.clone();
	beyond.pages[0].0 = 2;
	assert_eq!(verify(&beyond, &pages, &targets, 2).unwrap_err(), FeasibilityError::InvalidPage);
	// Each page names two winners, but different ones: three in all.
	let mut page1 = TestSolution::default();
	page1.votes1.push((1, 2)); // voter 4 -> 30
	page1.votes1.push((0, 0)); // voter 5 -> 10
	let mut page0 = TestSolution::default();
	page0.votes1.push((0, 1)); // voter 3 -> 20
	let spread =
		PagedRawSolution { pages: vec![(1, page1), (0, page0)], score: raw.score, round: 7 };
	assert_eq!(
		verify(&spread, &pages, &targets, 2).unwrap_err(),
		FeasibilityError::WrongWinnerCount
	);
	// One winner in all for two seats.
	let mut lone = TestSolution::default();
	lone.votes1.push((1, 2));
	let lone = PagedRawSolution { pages: vec![(1, lone)], score: raw.score, round: 7 };
	assert_eq!(verify(&lone, &pages, &targets, 2).unwrap_err(), FeasibilityError::WrongWinnerCount);
}

#[test]
fn backers_are_counted_over_all_pages() {
	// Winner 10 is backed by voter 5 (page 1) and voters 2 and 1 (page 0): three backers, each
	// page within the bound of two, the sum above it.
	let (pages, targets) = two_pages();
	let mut page1 = TestSolution::default();
	page1.votes1.push((0, 0)); // 5 -> 10
	page1.votes1.push((1, 2)); // 4 -> 30
	let mut page0 = TestSolution::default();
	page0.votes1.push((1, 0)); // 2 -> 10
	page0.votes1.push((2, 0)); // 1 -> 10
	let backing = |solution: TestSolution, page: usize| {
		Miner::<TestMiner>::check_page(solution, &pages[page], &targets, 2).unwrap()
	};
	let mut sum = PagedSupports::default();
	Miner::<TestMiner>::add_page(&mut sum, 1, &backing(page1, 1), 2, 2).unwrap();
	Miner::<TestMiner>::add_page(&mut sum, 0, &backing(page0, 0), 2, 2).unwrap();
	assert_eq!(
		sum.backings,
		vec![
			WinnerBacking { target: 0, total: 80, backers: 3 },
			WinnerBacking { target: 2, total: 40, backers: 1 },
		]
	);
	let score = score_of(&sum.backings);
	assert_eq!(score, ElectionScore { minimal_stake: 40, sum_stake: 120, sum_stake_squared: 8000 });
	MaxBackers::set(2);
	let result = Miner::<TestMiner>::finalize_pages(&sum, &targets, 2, Some(score));
	MaxBackers::set(100);
	assert_eq!(result.unwrap_err(), FeasibilityError::TooManyBackings);
	assert_eq!(
		Miner::<TestMiner>::finalize_pages(&sum, &targets, 2, Some(score)).unwrap(),
		(vec![(10, 80), (30, 40)], score)
	);
}

/// Up to 4 pages of up to 15 voters with 1 to 4 votes among up to 10 targets.
fn paged_snapshot() -> impl Strategy<Value = (Vec<Vec<VoterOf<TestMiner>>>, Vec<u64>, u32)> {
	(2usize..=10, 1usize..=4).prop_flat_map(|(targets, pages)| {
		let votes = proptest::collection::btree_set(0..targets as u64, 1..=4.min(targets));
		let page = proptest::collection::vec((1u64..1_000_000, votes), 0..15);
		(proptest::collection::vec(page, pages), Just(targets), 1..=targets as u32).prop_map(
			|(pages, targets, desired)| {
				let mut next = 0u64;
				let pages = pages
					.into_iter()
					.map(|page| {
						page.into_iter()
							.map(|(stake, votes)| {
								next += 1;
								let votes: Vec<u64> = votes.into_iter().map(|t| 1000 + t).collect();
								(next, stake, BoundedVec::try_from(votes).unwrap())
							})
							.collect()
					})
					.collect();
				(pages, (0..targets as u64).map(|t| 1000 + t).collect(), desired)
			},
		)
	})
}

fn solvable(pages: &[Vec<VoterOf<TestMiner>>], desired: u32) -> bool {
	let voted: std::collections::BTreeSet<u64> =
		pages.iter().flatten().flat_map(|(_, _, votes)| votes.iter().copied()).collect();
	voted.len() >= desired as usize
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

	#[test]
	fn mined_paged_solutions_are_accepted((pages, targets, desired) in paged_snapshot()) {
		prop_assume!(solvable(&pages, desired));
		let (raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, desired, 7).unwrap();
		let verified = verify(&raw, &pages, &targets, desired);
		prop_assert!(verified.is_ok(), "{:?}", verified);
		// The same voters in one page score the same.
		let all: Vec<_> = pages.iter().rev().flatten().cloned().collect();
		let (one, _) = Miner::<TestMiner>::mine::<Phragmen>(&all, &targets, desired, 7).unwrap();
		prop_assert_eq!(one.score, raw.score);
	}

	/// What the `staking-miner` does: mine over the whole snapshot, then split by page.
	#[test]
	fn a_whole_solution_split_into_pages_is_accepted_with_its_score(
		(pages, targets, desired) in paged_snapshot()
	) {
		prop_assume!(solvable(&pages, desired));
		let all: Vec<_> = pages.iter().rev().flatten().cloned().collect();
		let (one, _) = Miner::<TestMiner>::mine::<Phragmen>(&all, &targets, desired, 7).unwrap();
		let paged = Miner::<TestMiner>::paginate(one.solution, &pages, &targets, desired, 7).unwrap();
		prop_assert_eq!(paged.score, one.score);
		prop_assert_eq!(paged.round, 7);
		let verified = verify(&paged, &pages, &targets, desired);
		prop_assert!(verified.is_ok(), "{:?}", verified);
		// Pages in descending order, each at most once.
		prop_assert!(paged.pages.windows(2).all(|pair| pair[0].0 > pair[1].0));
	}

	#[test]
	fn any_single_corruption_of_a_paged_solution_is_rejected(
		(pages, targets, desired) in paged_snapshot(),
		corruption in 0u8..4,
	) {
		prop_assume!(solvable(&pages, desired));
		let (mut raw, _) = Miner::<TestMiner>::mine_paged::<Phragmen>(&pages, &targets, desired, 7).unwrap();
		match corruption {
			0 => raw.score.sum_stake += 1,
			1 => { raw.pages.pop(); },
			2 => { let first = raw.pages[0].clone(); raw.pages.push(first); },
			_ => {
				// A voter index beyond its page.
				let (page, solution) = &mut raw.pages[0];
				let winner = solution.unique_targets()[0];
				let beyond = pages[*page as usize].len() as u32 + 1;
				solution.votes1.push((beyond, winner));
			},
		}
		// An empty solution is what is left when the only page was popped: its claim fails.
		prop_assert!(verify(&raw, &pages, &targets, desired).is_err());
	}
}
