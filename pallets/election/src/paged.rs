//! Paged solutions: one compact solution per voter page, checked page by page, their backing
//! summed over the pages, and the result checked once all pages are in.
//!
//! A page's solution names its voters by their index **within the page** and its winners by
//! their index in the target snapshot. A voter is in exactly one page of the snapshot (the data
//! provider reads each once, see `docs/election.md`), and [`Miner::add_page`] takes each page
//! once, so no voter can be counted twice across pages: duplicates can only occur within a
//! page, where decoding refuses them.
//!
//! The round, the minimum untrusted score and `desired_targets <= MaxWinners` are the caller's
//! to check (the pallet checks them when a claim is registered).
//!
//! Like [`crate::miner`], everything here is a pure function of a [`MinerConfig`] and the
//! snapshot: the chain's verifier and the `staking-miner` run the same code.

use crate::{
	miner::{Miner, MinerConfig, MinerError, SnapshotIndex, SolutionAccuracyOf, Trimmed, VoterOf},
	types::FeasibilityError,
};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_election_provider_support::{NposSolution, NposSolver, PageIndex};
use scale_info::TypeInfo;
use sp_npos_elections::{
	assignment_ratio_to_staked_normalized, assignment_staked_to_ratio_normalized, ElectionScore,
	ExtendedBalance, VoteWeight,
};

/// The backing a winner has from the pages checked so far.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct WinnerBacking {
	/// The winner's index in the target snapshot.
	pub target: u32,
	/// The stake backing it.
	pub total: ExtendedBalance,
	/// The number of voters backing it.
	pub backers: u32,
}

/// What the pages checked so far give: the pages added (each may be added once) and each
/// winner's backing, sorted by target index.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PagedSupports {
	/// The pages added so far.
	pub pages: alloc::collections::btree_set::BTreeSet<PageIndex>,
	/// Each winner's backing from them.
	pub backings: Vec<WinnerBacking>,
}

/// A solution in pages, as a miner produces it: the compact solution of every voter page with a
/// voter in the result (`(page, solution)`, highest page first), the score it claims and the
/// round.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PagedRawSolution<S> {
	/// The pages' solutions.
	pub pages: Vec<(PageIndex, S)>,
	/// The claimed score of all pages together.
	pub score: ElectionScore,
	/// The round it is for.
	pub round: u32,
}

/// The score of a result: minimal backing, sum, and sum of squares (saturating), as
/// `sp_npos_elections::evaluate_support` computes it.
pub fn score_of(backings: &[WinnerBacking]) -> ElectionScore {
	let mut score = ElectionScore { minimal_stake: ExtendedBalance::MAX, ..Default::default() };
	for backing in backings {
		score.sum_stake = score.sum_stake.saturating_add(backing.total);
		score.sum_stake_squared =
			score.sum_stake_squared.saturating_add(backing.total.saturating_mul(backing.total));
		score.minimal_stake = score.minimal_stake.min(backing.total);
	}
	score
}

impl<T: MinerConfig> Miner<T> {
	/// The weight of checking a page solution of `length` bytes with `active_voters` voters
	/// against a voter page of at most `page_voters`: the check
	/// ([`MinerConfig::solution_weight`]) and reading the page's `length` bytes. The chain
	/// charges this when it verifies the page; the miner sizes its pages by it.
	pub fn page_weight(
		page_voters: u32,
		targets: u32,
		active_voters: u32,
		desired_targets: u32,
		length: u32,
	) -> frame_support::weights::Weight {
		T::solution_weight(page_voters, targets, active_voters, desired_targets)
			.saturating_add(frame_support::weights::Weight::from_parts(0, u64::from(length)))
	}

	/// Whether a page solution fits the length limit and, by [`Miner::page_weight`], the
	/// weight limit.
	pub fn fits_page(
		solution: &T::Solution,
		page_voters: u32,
		targets: u32,
		desired_targets: u32,
	) -> bool {
		use frame_support::traits::Get;
		let length = solution.encoded_size() as u32;
		let weight = Self::page_weight(
			page_voters,
			targets,
			solution.voter_count() as u32,
			desired_targets,
			length,
		);
		length <= T::MaxLength::get() && weight.all_lte(T::MaxWeight::get())
	}

	/// Check one page's solution against its voter page and the targets: every index in range,
	/// no voter twice, no target twice within a voter, every edge to a target the voter voted
	/// for, the ratios adding up, and no more winners than `desired_targets`. Returns what the
	/// page gives each of its winners, sorted by target index.
	pub fn check_page(
		solution: T::Solution,
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		desired_targets: u32,
	) -> Result<Vec<WinnerBacking>, FeasibilityError> {
		if solution.unique_targets().len() > desired_targets as usize {
			return Err(FeasibilityError::WrongWinnerCount);
		}
		let index = SnapshotIndex::<T>::new(voters, targets);
		let assignments = Self::checked_assignments(solution, &index)?;
		let staked = assignment_ratio_to_staked_normalized(assignments, |who| index.stake_of(who))
			.map_err(|_| FeasibilityError::InvalidAssignment)?;
		let mut backing: BTreeMap<u32, (ExtendedBalance, u32)> = BTreeMap::new();
		for assignment in staked {
			for (target, stake) in assignment.distribution {
				let target = index
					.target_position_of(&target)
					.ok_or(FeasibilityError::InvalidTargetIndex)?;
				let entry = backing.entry(target).or_default();
				entry.0 = entry.0.saturating_add(stake);
				entry.1 = entry.1.saturating_add(1);
			}
		}
		Ok(backing
			.into_iter()
			.map(|(target, (total, backers))| WinnerBacking { target, total, backers })
			.collect())
	}

	/// Add page `page`'s checked backing to what the pages before gave. A page beyond the
	/// snapshot's `pages`, a page added twice, and more distinct winners than
	/// `desired_targets` are errors.
	pub fn add_page(
		sum: &mut PagedSupports,
		page: PageIndex,
		backing: &[WinnerBacking],
		pages: u32,
		desired_targets: u32,
	) -> Result<(), FeasibilityError> {
		if page >= pages {
			return Err(FeasibilityError::InvalidPage);
		}
		if !sum.pages.insert(page) {
			return Err(FeasibilityError::DuplicatePage);
		}
		let mut merged: BTreeMap<u32, WinnerBacking> =
			sum.backings.iter().map(|backing| (backing.target, *backing)).collect();
		for backing in backing {
			let entry = merged
				.entry(backing.target)
				.or_insert(WinnerBacking { target: backing.target, ..Default::default() });
			entry.total = entry.total.saturating_add(backing.total);
			entry.backers = entry.backers.saturating_add(backing.backers);
		}
		if merged.len() > desired_targets as usize {
			return Err(FeasibilityError::WrongWinnerCount);
		}
		sum.backings = merged.into_values().collect();
		Ok(())
	}

	/// Check the sum of all pages: exactly `desired_targets` winners, (when given) the claimed
	/// score equal to the score of the summed backing, and none with more than
	/// `MaxBackersPerWinner` backers. Returns the winners with their backing and the score.
	pub fn finalize_pages(
		sum: &PagedSupports,
		targets: &[T::AccountId],
		desired_targets: u32,
		claimed: Option<ElectionScore>,
	) -> Result<(Vec<(T::AccountId, ExtendedBalance)>, ElectionScore), FeasibilityError> {
		use frame_support::traits::Get;
		let sum = &sum.backings;
		if sum.len() != desired_targets as usize {
			return Err(FeasibilityError::WrongWinnerCount);
		}
		// The claim first: a false claim is slashed as false even when it also breaks a bound
		// (which a runtime upgrade may have changed, and is then forgiven).
		let score = score_of(sum);
		if claimed.is_some_and(|claimed| claimed != score) {
			return Err(FeasibilityError::InvalidScore);
		}
		if sum.iter().any(|backing| backing.backers > T::MaxBackersPerWinner::get()) {
			return Err(FeasibilityError::TooManyBackings);
		}
		let winners = sum
			.iter()
			.map(|backing| {
				targets
					.get(backing.target as usize)
					.cloned()
					.map(|winner| (winner, backing.total))
					.ok_or(FeasibilityError::InvalidTargetIndex)
			})
			.collect::<Result<Vec<_>, _>>()?;
		Ok((winners, score))
	}

	/// Mine a paged solution: solve over all the pages' voters with `Solver`, reduce, trim each
	/// winner to `MaxBackersPerWinner` backers, then split the assignments by voter page into
	/// one compact solution per page, each within the length and weight limits (checked per
	/// page). `pages[p]` is voter page `p`. The claimed score is the one the chain computes from
	/// the pages ([`Miner::check_page`], [`Miner::add_page`], [`Miner::finalize_pages`]).
	pub fn mine_paged<Solver>(
		pages: &[Vec<VoterOf<T>>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(PagedRawSolution<T::Solution>, Trimmed), MinerError>
	where
		Solver: NposSolver<AccountId = T::AccountId, Accuracy = SolutionAccuracyOf<T>>,
	{
		// Largest page first, as the snapshot lists them.
		let all: Vec<VoterOf<T>> = pages.iter().rev().flatten().cloned().collect();
		let input: Vec<(T::AccountId, VoteWeight, Vec<T::AccountId>)> = all
			.iter()
			.map(|(who, stake, votes)| (who.clone(), *stake, votes.clone().into_inner()))
			.collect();
		let result = Solver::solve(desired_targets as usize, targets.to_vec(), input)
			.map_err(|_| MinerError::Solver)?;
		let index = SnapshotIndex::<T>::new(&all, targets);
		let stake_of = |who: &T::AccountId| index.stake_of(who);
		let mut staked = assignment_ratio_to_staked_normalized(result.assignments, stake_of)?;
		crate::reduce::reduce(&mut staked);
		let backings = Self::trim_backers(&mut staked, &stake_of)?;
		let assignments = assignment_staked_to_ratio_normalized(staked)?;
		let (paged, length, weight) =
			Self::split_by_page(assignments, pages, targets, desired_targets, round)?;
		let trimmed = Trimmed { backings, length, weight, ..Default::default() };
		Ok((paged, trimmed))
	}

	/// Split a solution over the whole snapshot (its voters indexed in `pages` concatenated
	/// from page `Pages - 1` down to 0, as [`crate::Pallet::snapshot_voters`] lists them) into
	/// one solution per voter page, for a signed claim. The score is the one the chain computes
	/// from the pages; every page is checked as the chain checks it (and within the length and
	/// weight limits). `pages[p]` is voter page `p`.
	pub fn paginate(
		solution: T::Solution,
		pages: &[Vec<VoterOf<T>>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<PagedRawSolution<T::Solution>, MinerError> {
		let all: Vec<VoterOf<T>> = pages.iter().rev().flatten().cloned().collect();
		let index = SnapshotIndex::<T>::new(&all, targets);
		let assignments =
			Self::checked_assignments(solution, &index).map_err(MinerError::Feasibility)?;
		Self::split_by_page(assignments, pages, targets, desired_targets, round)
			.map(|(paged, _, _)| paged)
	}

	/// Group `assignments` by the voter page of their voter, encode each group as that page's
	/// solution (voters indexed within the page), check it and sum the pages as the chain
	/// does. Returns the paged solution, and its longest page's length and heaviest page's
	/// weight.
	fn split_by_page(
		assignments: Vec<sp_npos_elections::Assignment<T::AccountId, SolutionAccuracyOf<T>>>,
		pages: &[Vec<VoterOf<T>>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(PagedRawSolution<T::Solution>, u32, frame_support::weights::Weight), MinerError> {
		let mut page_of: BTreeMap<T::AccountId, PageIndex> = BTreeMap::new();
		for (page, voters) in pages.iter().enumerate() {
			for (who, _, _) in voters {
				page_of.insert(who.clone(), page as PageIndex);
			}
		}
		let all: Vec<VoterOf<T>> = pages.iter().rev().flatten().cloned().collect();
		let index = SnapshotIndex::<T>::new(&all, targets);
		let mut by_page: BTreeMap<PageIndex, Vec<_>> = BTreeMap::new();
		for assignment in assignments {
			let page = page_of
				.get(&assignment.who)
				.copied()
				.ok_or(MinerError::NposElections(sp_npos_elections::Error::SolutionInvalidIndex))?;
			by_page.entry(page).or_default().push(assignment);
		}
		let mut solutions = Vec::new();
		let mut sum = PagedSupports::default();
		let mut length = 0u32;
		let mut weight = frame_support::weights::Weight::zero();
		// The chain weighs a page against the fullest page (`VoterSnapshotPerBlock`, or the whole
		// snapshot when it is smaller: the data provider fills the top pages first).
		let page_voters = pages.iter().map(|page| page.len() as u32).max().unwrap_or_default();
		for (page, assignments) in by_page.into_iter().rev() {
			let voters = pages.get(page as usize).map(|v| v.as_slice()).unwrap_or_default();
			let local = SnapshotIndex::<T>::new(voters, targets);
			let solution = T::Solution::from_assignment(
				&assignments,
				|who| local.voter_index::<T::Solution>(who),
				|who| index.target_index::<T::Solution>(who),
			)?;
			if !Self::fits_page(&solution, page_voters, targets.len() as u32, desired_targets) {
				return Err(MinerError::TooBig);
			}
			let page_length = solution.encoded_size() as u32;
			length = length.max(page_length);
			weight = weight.max(Self::page_weight(
				page_voters,
				targets.len() as u32,
				solution.voter_count() as u32,
				desired_targets,
				page_length,
			));
			let backing = Self::check_page(solution.clone(), voters, targets, desired_targets)
				.map_err(MinerError::Feasibility)?;
			Self::add_page(&mut sum, page, &backing, pages.len() as u32, desired_targets)
				.map_err(MinerError::Feasibility)?;
			solutions.push((page, solution));
		}
		let (_, score) = Self::finalize_pages(&sum, targets, desired_targets, None)
			.map_err(MinerError::Feasibility)?;
		Ok((PagedRawSolution { pages: solutions, score, round }, length, weight))
	}
}
