//! The miner and the feasibility check: one implementation for the signed path, the unsigned
//! path and the off-chain `staking-miner`, so whatever a miner built from this crate submits is
//! checked by exactly the code it was mined with.
//!
//! Everything here is a pure function of a [`MinerConfig`] and the snapshot; nothing reads
//! storage. The pallet's `Config::MinerConfig` and the `staking-miner`'s own config implement the
//! same trait with the chain's constants.

use crate::types::*;
use alloc::{collections::btree_map::BTreeMap, collections::btree_set::BTreeSet, vec::Vec};
use codec::{Codec, Encode, MaxEncodedLen};
use core::{cell::Cell, fmt::Debug, marker::PhantomData};
use frame_election_provider_support::{
	BoundedSupport, BoundedSupports, IdentifierT, NposSolution, NposSolver, Voter,
};
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use scale_info::TypeInfo;
use sp_npos_elections::{
	assignment_ratio_to_staked_normalized, assignment_staked_to_ratio_normalized, to_supports,
	Assignment, ElectionScore, EvaluateSupport, ExtendedBalance, StakedAssignment, VoteWeight,
};

/// What the miner and the feasibility check need to know about a chain.
pub trait MinerConfig {
	/// The account identifier.
	type AccountId: IdentifierT + Codec + MaxEncodedLen + TypeInfo + Debug;
	/// The compact solution type (from `generate_solution_type!`).
	type Solution: NposSolution
		+ Codec
		+ codec::EncodeLike
		+ Clone
		+ PartialEq
		+ Debug
		+ TypeInfo
		+ MaxEncodedLen;
	/// The most targets one voter may vote for.
	type MaxVotesPerVoter: Get<u32>;
	/// The longest encoded solution accepted.
	type MaxLength: Get<u32>;
	/// The heaviest solution accepted (by [`MinerConfig::solution_weight`]).
	type MaxWeight: Get<Weight>;
	/// The most winners an election returns.
	type MaxWinners: Get<u32>;
	/// The most backers one winner may have in a result.
	type MaxBackersPerWinner: Get<u32>;

	/// The weight of checking a solution: from the pallet's benchmarks.
	fn solution_weight(
		voters: u32,
		targets: u32,
		active_voters: u32,
		desired_targets: u32,
	) -> Weight;
}

/// A voter as the snapshot holds it: account, stake, and the targets it votes for.
pub type VoterOf<T> = Voter<<T as MinerConfig>::AccountId, <T as MinerConfig>::MaxVotesPerVoter>;
/// The accuracy of a solution's vote ratios.
pub type SolutionAccuracyOf<T> = <<T as MinerConfig>::Solution as NposSolution>::Accuracy;
/// A checked solution for a [`MinerConfig`].
pub type ReadySolutionOf<T> = ReadySolution<
	<T as MinerConfig>::AccountId,
	<T as MinerConfig>::MaxWinners,
	<T as MinerConfig>::MaxBackersPerWinner,
>;
/// A raw solution for a [`MinerConfig`].
pub type RawSolutionOf<T> = RawSolution<<T as MinerConfig>::Solution>;

/// Why mining failed.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum MinerError {
	/// The solver failed.
	Solver,
	/// Converting between assignments and the compact solution failed.
	NposElections(sp_npos_elections::Error),
	/// Even without every voter that can go (keeping one backer per winner) the solution is
	/// longer or heavier than allowed.
	TooBig,
	/// The mined solution does not pass the feasibility check (a bug, or a bad snapshot).
	Feasibility(FeasibilityError),
}

impl From<sp_npos_elections::Error> for MinerError {
	fn from(error: sp_npos_elections::Error) -> Self {
		MinerError::NposElections(error)
	}
}

/// What trimming removed from a mined solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trimmed {
	/// Voters removed (weakest first) to fit the length and weight limits.
	pub voters: u32,
	/// Edges removed (each over-backed winner's weakest) to fit `MaxBackersPerWinner`.
	pub backings: u32,
	/// Encoded length of the final solution.
	pub length: u32,
	/// Weight of the final solution.
	pub weight: Weight,
}

/// The miner of a [`MinerConfig`].
pub struct Miner<T>(PhantomData<T>);

impl<T: MinerConfig> Miner<T> {
	/// Mine a solution with `Solver` (e.g. sequential Phragmén or PhragMMS with balancing),
	/// reduce it, and trim it to the length and weight limits.
	pub fn mine<Solver>(
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(RawSolutionOf<T>, Trimmed), MinerError>
	where
		Solver: NposSolver<AccountId = T::AccountId, Accuracy = SolutionAccuracyOf<T>>,
	{
		let input: Vec<(T::AccountId, VoteWeight, Vec<T::AccountId>)> = voters
			.iter()
			.map(|(who, stake, votes)| (who.clone(), *stake, votes.clone().into_inner()))
			.collect();
		let result = Solver::solve(desired_targets as usize, targets.to_vec(), input)
			.map_err(|_| MinerError::Solver)?;
		Self::prepare(result.assignments, voters, targets, desired_targets, round)
	}

	/// Turn a solver's assignments into a reduced, trimmed compact solution with its score.
	pub fn prepare(
		assignments: Vec<Assignment<T::AccountId, SolutionAccuracyOf<T>>>,
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(RawSolutionOf<T>, Trimmed), MinerError> {
		let index = SnapshotIndex::<T>::new(voters, targets);
		let staked = assignment_ratio_to_staked_normalized(assignments, |who| index.stake_of(who))?;
		Self::prepare_indexed(staked, &index, voters, targets, desired_targets, round)
	}

	/// [`Miner::prepare`] from stake distributions rather than ratios: for a solver that works
	/// in stake units, so that its split of each voter's stake is rounded to the solution's
	/// accuracy once (after reducing) instead of twice.
	///
	/// Each distribution should add up to its voter's stake in the snapshot up to rounding; the
	/// difference is spread over its edges (`StakedAssignment::try_normalize`). A voter that is
	/// not in the snapshot is an error (`SolutionInvalidIndex`).
	pub fn prepare_staked(
		mut staked: Vec<StakedAssignment<T::AccountId>>,
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(RawSolutionOf<T>, Trimmed), MinerError> {
		let index = SnapshotIndex::<T>::new(voters, targets);
		for assignment in staked.iter_mut() {
			if !index.voter_position.contains_key(&assignment.who) {
				return Err(MinerError::NposElections(
					sp_npos_elections::Error::SolutionInvalidIndex,
				));
			}
			let stake = ExtendedBalance::from(index.stake_of(&assignment.who));
			assignment.try_normalize(stake).map_err(|_| {
				MinerError::NposElections(sp_npos_elections::Error::ArithmeticError)
			})?;
		}
		Self::prepare_indexed(staked, &index, voters, targets, desired_targets, round)
	}

	fn prepare_indexed(
		mut staked: Vec<StakedAssignment<T::AccountId>>,
		index: &SnapshotIndex<T>,
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		desired_targets: u32,
		round: u32,
	) -> Result<(RawSolutionOf<T>, Trimmed), MinerError> {
		let stake_of = |who: &T::AccountId| index.stake_of(who);
		// Reduce the number of edges (same supports, fewer voters per winner), then order the
		// voters weakest first, the order in which trimming removes them.
		crate::reduce::reduce(&mut staked);
		let backings = Self::trim_backers(&mut staked, &stake_of)?;
		let mut assignments = assignment_staked_to_ratio_normalized(staked)?;
		assignments.sort_by_key(|assignment| index.stake_of(&assignment.who));

		let removable = Self::removable_voters(&assignments);
		let build = |remove: usize| -> Result<T::Solution, MinerError> {
			let skip: BTreeSet<usize> = removable.iter().take(remove).copied().collect();
			let kept: Vec<_> = assignments
				.iter()
				.enumerate()
				.filter(|(i, _)| !skip.contains(i))
				.map(|(_, a)| a.clone())
				.collect();
			Ok(T::Solution::from_assignment(
				&kept,
				|who| index.voter_index::<T::Solution>(who),
				|who| index.target_index::<T::Solution>(who),
			)?)
		};
		let fits = |solution: &T::Solution| {
			Self::fits(solution, voters.len() as u32, targets.len() as u32, desired_targets)
		};

		// The smallest number of removals that fits: binary search (fitting is monotone).
		let (mut low, mut high) = (0usize, removable.len());
		let mut best = build(0)?;
		if !fits(&best) {
			let last = build(high)?;
			if !fits(&last) {
				return Err(MinerError::TooBig);
			}
			best = last;
			while low.saturating_add(1) < high {
				let middle = low.saturating_add(high.saturating_sub(low) / 2);
				let candidate = build(middle)?;
				if fits(&candidate) {
					high = middle;
					best = candidate;
				} else {
					low = middle;
				}
			}
		} else {
			high = 0;
		}

		Self::ensure_winner_count(&best, desired_targets)?;
		let score = best.clone().score(
			stake_of,
			|i| index.voter_at::<T::Solution>(i),
			|i| index.target_at::<T::Solution>(i),
		)?;
		let trimmed = Trimmed {
			voters: high as u32,
			backings,
			length: best.encoded_size() as u32,
			weight: T::solution_weight(
				voters.len() as u32,
				targets.len() as u32,
				best.voter_count() as u32,
				desired_targets,
			),
		};
		Ok((RawSolution { solution: best, score, round }, trimmed))
	}

	/// Keep at most `MaxBackersPerWinner` backers per winner, as the feasibility check demands:
	/// a winner with more loses its weakest edges (by the stake on them); a voter that lost an
	/// edge gives that stake to the winners it still backs (its distribution is normalised back
	/// to its snapshot stake), or leaves the solution when it backs none. Returns the number of
	/// edges removed.
	pub(crate) fn trim_backers(
		staked: &mut Vec<StakedAssignment<T::AccountId>>,
		stake_of: &impl Fn(&T::AccountId) -> VoteWeight,
	) -> Result<u32, MinerError> {
		let max = T::MaxBackersPerWinner::get() as usize;
		let mut edges: BTreeMap<T::AccountId, Vec<(ExtendedBalance, usize)>> = BTreeMap::new();
		for (position, assignment) in staked.iter().enumerate() {
			for (target, stake) in &assignment.distribution {
				edges.entry(target.clone()).or_default().push((*stake, position));
			}
		}
		let mut dropped: BTreeSet<(usize, T::AccountId)> = BTreeSet::new();
		for (target, mut backers) in edges {
			if backers.len() <= max {
				continue;
			}
			// Weakest first; among equal stakes the later voter (a weaker one, as the caller's
			// order goes) goes first, so the result does not depend on map order.
			backers.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
			let excess = backers.len().saturating_sub(max);
			for (_, position) in backers.into_iter().take(excess) {
				dropped.insert((position, target.clone()));
			}
		}
		if dropped.is_empty() {
			return Ok(0);
		}
		for (position, assignment) in staked.iter_mut().enumerate() {
			let before = assignment.distribution.len();
			assignment
				.distribution
				.retain(|(target, _)| !dropped.contains(&(position, target.clone())));
			if assignment.distribution.len() != before && !assignment.distribution.is_empty() {
				let stake = ExtendedBalance::from(stake_of(&assignment.who));
				assignment.try_normalize(stake).map_err(|_| {
					MinerError::NposElections(sp_npos_elections::Error::ArithmeticError)
				})?;
			}
		}
		staked.retain(|assignment| !assignment.distribution.is_empty());
		Ok(dropped.len() as u32)
	}

	/// A solution names exactly `desired_targets` winners. It names fewer when fewer targets than
	/// that have any backing in the snapshot: no solution of this snapshot can then pass the
	/// feasibility check (the election falls back), and mining says so instead of returning one.
	fn ensure_winner_count(solution: &T::Solution, desired_targets: u32) -> Result<(), MinerError> {
		if solution.unique_targets().len() != desired_targets as usize {
			return Err(MinerError::Feasibility(FeasibilityError::WrongWinnerCount));
		}
		Ok(())
	}

	/// Whether a solution fits the length and weight limits.
	pub fn fits(solution: &T::Solution, voters: u32, targets: u32, desired_targets: u32) -> bool {
		let length_ok = solution.encoded_size() <= T::MaxLength::get() as usize;
		let weight =
			T::solution_weight(voters, targets, solution.voter_count() as u32, desired_targets);
		length_ok && weight.all_lte(T::MaxWeight::get())
	}

	/// Indices (into `assignments`, weakest first) of the voters that can be removed, in order,
	/// without leaving any target they back without a backer.
	fn removable_voters(
		assignments: &[Assignment<T::AccountId, SolutionAccuracyOf<T>>],
	) -> Vec<usize> {
		let mut backers: BTreeMap<&T::AccountId, u32> = BTreeMap::new();
		for assignment in assignments {
			for (target, _) in &assignment.distribution {
				let count = backers.entry(target).or_default();
				*count = count.saturating_add(1);
			}
		}
		let mut removable = Vec::new();
		for (i, assignment) in assignments.iter().enumerate() {
			let others_remain = assignment
				.distribution
				.iter()
				.all(|(target, _)| backers.get(target).copied().unwrap_or(0) > 1);
			if others_remain {
				for (target, _) in &assignment.distribution {
					if let Some(count) = backers.get_mut(target) {
						*count = count.saturating_sub(1);
					}
				}
				removable.push(i);
			}
		}
		removable
	}

	/// Decode a compact solution against a snapshot (or a voter page of it) and check what
	/// decoding can: every voter and target index is in the snapshot, no voter twice, no target
	/// twice within a voter (the generated solution code checks these two while decoding), and
	/// every edge goes to a target the voter voted for.
	pub(crate) fn checked_assignments(
		solution: T::Solution,
		index: &SnapshotIndex<'_, T>,
	) -> Result<Vec<Assignment<T::AccountId, SolutionAccuracyOf<T>>>, FeasibilityError> {
		let bad_voter = Cell::new(false);
		let bad_target = Cell::new(false);
		let assignments = solution
			.into_assignment(
				|i| {
					let who = index.voter_at::<T::Solution>(i);
					bad_voter.set(bad_voter.get() || who.is_none());
					who
				},
				|i| {
					let who = index.target_at::<T::Solution>(i);
					bad_target.set(bad_target.get() || who.is_none());
					who
				},
			)
			.map_err(|error| match error {
				sp_npos_elections::Error::DuplicateVoter => FeasibilityError::DuplicateVoter,
				sp_npos_elections::Error::DuplicateTarget => FeasibilityError::DuplicateTarget,
				_ if bad_voter.get() => FeasibilityError::InvalidVoterIndex,
				_ if bad_target.get() => FeasibilityError::InvalidTargetIndex,
				_ => FeasibilityError::InvalidAssignment,
			})?;
		for assignment in &assignments {
			let votes =
				index.votes_of(&assignment.who).ok_or(FeasibilityError::InvalidVoterIndex)?;
			if assignment.distribution.iter().any(|(target, _)| !votes.contains(target)) {
				return Err(FeasibilityError::InvalidVote);
			}
		}
		Ok(assignments)
	}

	/// Check a solution against the snapshot: the one feasibility check of the election.
	///
	/// In order: round; `desired_targets` fits `MaxWinners`; the claimed score reaches
	/// `minimum_untrusted_score`; every voter and target index is in the snapshot; no voter twice;
	/// no target twice within a voter; ratios add up; every edge goes to a target the voter voted
	/// for; the number of winners equals `desired_targets`; the score recomputed from the snapshot
	/// stakes equals the claim exactly; no winner has more than `MaxBackersPerWinner` backers.
	pub fn feasibility_check(
		raw: RawSolutionOf<T>,
		compute: ElectionCompute,
		desired_targets: u32,
		voters: &[VoterOf<T>],
		targets: &[T::AccountId],
		current_round: u32,
		minimum_untrusted_score: Option<ElectionScore>,
	) -> Result<ReadySolutionOf<T>, FeasibilityError> {
		let RawSolution { solution, score: claimed, round } = raw;
		if round != current_round {
			return Err(FeasibilityError::WrongRound);
		}
		if desired_targets > T::MaxWinners::get() {
			return Err(FeasibilityError::TooManyDesiredTargets);
		}
		if let Some(minimum) = minimum_untrusted_score {
			if !claimed.strict_threshold_better(minimum, sp_runtime::Perbill::zero()) {
				return Err(FeasibilityError::UntrustedScoreTooLow);
			}
		}

		let winners = solution.unique_targets().len();
		let index = SnapshotIndex::<T>::new(voters, targets);
		let assignments = Self::checked_assignments(solution, &index)?;
		if winners != desired_targets as usize {
			return Err(FeasibilityError::WrongWinnerCount);
		}

		let staked = assignment_ratio_to_staked_normalized(assignments, |who| index.stake_of(who))
			.map_err(|_| FeasibilityError::InvalidAssignment)?;
		let supports = to_supports(&staked);
		let score = supports.evaluate();
		if score != claimed {
			return Err(FeasibilityError::InvalidScore);
		}
		let bounded: Vec<_> = supports
			.into_iter()
			.map(|(winner, support)| {
				BoundedVec::try_from(support.voters)
					.map(|voters| (winner, BoundedSupport { total: support.total, voters }))
					.map_err(|_| FeasibilityError::TooManyBackings)
			})
			.collect::<Result<_, _>>()?;
		let supports = BoundedSupports(
			BoundedVec::try_from(bounded).map_err(|_| FeasibilityError::WrongWinnerCount)?,
		);
		Ok(ReadySolution { supports, score, compute })
	}
}

/// Look-ups into a snapshot (or one voter page of it) by index and by account.
pub(crate) struct SnapshotIndex<'a, T: MinerConfig> {
	voters: &'a [VoterOf<T>],
	targets: &'a [T::AccountId],
	voter_position: BTreeMap<&'a T::AccountId, usize>,
	target_position: BTreeMap<&'a T::AccountId, usize>,
}

impl<'a, T: MinerConfig> SnapshotIndex<'a, T> {
	pub(crate) fn new(voters: &'a [VoterOf<T>], targets: &'a [T::AccountId]) -> Self {
		let voter_position = voters.iter().enumerate().map(|(i, (who, _, _))| (who, i)).collect();
		let target_position = targets.iter().enumerate().map(|(i, who)| (who, i)).collect();
		Self { voters, targets, voter_position, target_position }
	}

	/// The index of target `who` in the targets.
	pub(crate) fn target_position_of(&self, who: &T::AccountId) -> Option<u32> {
		self.target_position.get(who).map(|i| *i as u32)
	}

	pub(crate) fn stake_of(&self, who: &T::AccountId) -> VoteWeight {
		self.voter_position
			.get(who)
			.and_then(|i| self.voters.get(*i))
			.map(|(_, stake, _)| *stake)
			.unwrap_or_default()
	}

	pub(crate) fn votes_of(
		&self,
		who: &T::AccountId,
	) -> Option<&BoundedVec<T::AccountId, T::MaxVotesPerVoter>> {
		self.voter_position.get(who).and_then(|i| self.voters.get(*i)).map(|(_, _, votes)| votes)
	}

	pub(crate) fn voter_at<S: NposSolution>(&self, i: S::VoterIndex) -> Option<T::AccountId> {
		let i: usize = sp_runtime::SaturatedConversion::saturated_into(i);
		self.voters.get(i).map(|(who, _, _)| who.clone())
	}

	pub(crate) fn target_at<S: NposSolution>(&self, i: S::TargetIndex) -> Option<T::AccountId> {
		let i: usize = sp_runtime::SaturatedConversion::saturated_into(i);
		self.targets.get(i).cloned()
	}

	pub(crate) fn voter_index<S: NposSolution>(&self, who: &T::AccountId) -> Option<S::VoterIndex> {
		self.voter_position.get(who).and_then(|i| S::VoterIndex::try_from(*i).ok())
	}

	pub(crate) fn target_index<S: NposSolution>(
		&self,
		who: &T::AccountId,
	) -> Option<S::TargetIndex> {
		self.target_position.get(who).and_then(|i| S::TargetIndex::try_from(*i).ok())
	}
}
