//! Mining with a portfolio of solvers: sequential Phragmén and PhragMMS, with or without
//! balancing, raced on their own threads within a time budget; the best score wins.
//!
//! Every candidate goes through the election pallet's own [`Miner`] (reduce, trim to the
//! chain's length and weight limits keeping one backer per winner, score), so whatever wins is
//! what the chain accepts.

use crate::solver;
use frame_election_provider_support::{NposSolver, PhragMMS, SequentialPhragmen};
use pallet_election_multi_phase::{
	miner::{RawSolutionOf, SolutionAccuracyOf, VoterOf},
	Miner, MinerConfig, MinerError, Trimmed,
};
use sp_npos_elections::{Assignment, BalancingConfig, ElectionScore};
use std::{
	fmt,
	str::FromStr,
	sync::mpsc,
	time::{Duration, Instant},
};

/// A solver and its balancing iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
	/// Sequential Phragmén, then `balancing` iterations of star balancing.
	SeqPhragmen {
		/// Balancing iterations (0: none).
		balancing: usize,
	},
	/// PhragMMS, then `balancing` iterations of star balancing.
	PhragMms {
		/// Balancing iterations (0: none).
		balancing: usize,
	},
	/// PhragMMS with `balancing` iterations of star balancing after every round, as in the
	/// PhragMMS paper and `sp_npos_elections::phragmms`: slower (every round rebalances the
	/// whole snapshot), sometimes a better score.
	PhragMmsInterleaved {
		/// Balancing iterations after each round (0: none, the same as `PhragMms`).
		balancing: usize,
	},
}

impl fmt::Display for Algorithm {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::SeqPhragmen { balancing } => write!(f, "seq-phragmen (balancing {balancing})"),
			Self::PhragMms { balancing } => write!(f, "phragmms (balancing {balancing})"),
			Self::PhragMmsInterleaved { balancing } => {
				write!(f, "phragmms (balancing {balancing} after every round)")
			},
		}
	}
}

impl FromStr for Algorithm {
	type Err = String;

	/// `seq-phragmen`, `phragmms` or `phragmms-interleaved`, balancing 0 (set it with
	/// [`Algorithm::with_balancing`]).
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s.trim() {
			"seq-phragmen" => Ok(Self::SeqPhragmen { balancing: 0 }),
			"phragmms" => Ok(Self::PhragMms { balancing: 0 }),
			"phragmms-interleaved" => Ok(Self::PhragMmsInterleaved { balancing: 0 }),
			other => Err(format!(
				"unknown algorithm {other:?}: expected seq-phragmen, phragmms or phragmms-interleaved"
			)),
		}
	}
}

impl Algorithm {
	/// The same solver with `iterations` balancing iterations.
	pub fn with_balancing(self, iterations: usize) -> Self {
		match self {
			Self::SeqPhragmen { .. } => Self::SeqPhragmen { balancing: iterations },
			Self::PhragMms { .. } => Self::PhragMms { balancing: iterations },
			Self::PhragMmsInterleaved { .. } => Self::PhragMmsInterleaved { balancing: iterations },
		}
	}
}

/// The portfolio `--algorithm race` runs: seq-phragmen and PhragMMS, each followed by
/// `balancing` iterations.
pub fn race_portfolio(balancing: usize) -> [Algorithm; 2] {
	[Algorithm::SeqPhragmen { balancing }, Algorithm::PhragMms { balancing }]
}

/// A mined solution.
pub struct Mined<T: MinerConfig> {
	/// The solver that found it.
	pub algorithm: Algorithm,
	/// The solution, trimmed to the limits.
	pub solution: RawSolutionOf<T>,
	/// What trimming did, its final length and weight.
	pub trimmed: Trimmed,
	/// How long the solver took.
	pub solve: Duration,
	/// How long reducing, trimming and checking took (the pallet's `Miner::prepare`).
	pub prepare: Duration,
}

impl<T: MinerConfig> Mined<T> {
	/// The solution's score.
	pub fn score(&self) -> ElectionScore {
		self.solution.score
	}
}

/// The balancing every solver of one run uses, set before the solver runs (the solvers take
/// it as a `Get`).
mod balancing {
	use super::BalancingConfig;
	use std::cell::Cell;

	thread_local! {
		static ITERATIONS: Cell<usize> = const { Cell::new(0) };
	}

	pub fn set(iterations: usize) {
		ITERATIONS.with(|c| c.set(iterations));
	}

	/// `Get<Option<BalancingConfig>>` reading this thread's setting.
	pub struct ThreadBalancing;

	impl frame_support::traits::Get<Option<BalancingConfig>> for ThreadBalancing {
		fn get() -> Option<BalancingConfig> {
			let iterations = ITERATIONS.with(|c| c.get());
			(iterations > 0).then_some(BalancingConfig { iterations, tolerance: 0 })
		}
	}
}

/// Run `sp_npos_elections` solver `S` on the snapshot.
fn solve<T, S>(
	voters: &[VoterOf<T>],
	targets: &[T::AccountId],
	desired_targets: u32,
) -> Result<Vec<Assignment<T::AccountId, S::Accuracy>>, MinerError>
where
	T: MinerConfig,
	S: NposSolver<AccountId = T::AccountId>,
{
	let input = voters
		.iter()
		.map(|(who, stake, votes)| (who.clone(), *stake, votes.clone().into_inner()))
		.collect();
	S::solve(desired_targets as usize, targets.to_vec(), input)
		.map(|result| result.assignments)
		.map_err(|_| MinerError::Solver)
}

/// Mine with one algorithm, with the miner's own solvers ([`crate::solver`]).
pub fn mine<T>(
	algorithm: Algorithm,
	voters: &[VoterOf<T>],
	targets: &[T::AccountId],
	desired_targets: u32,
	round: u32,
) -> Result<Mined<T>, MinerError>
where
	T: MinerConfig,
{
	let start = Instant::now();
	let graph = solver::Graph::new(
		voters.iter().map(|(who, stake, votes)| (who, *stake, votes.iter())),
		targets,
	);
	let to_elect = desired_targets as usize;
	let solved = match algorithm {
		Algorithm::SeqPhragmen { balancing } => {
			let mut solved = solver::seq_phragmen(&graph, to_elect);
			solver::balance(&graph, &mut solved, balancing);
			solved
		},
		Algorithm::PhragMms { balancing } => {
			let mut solved = solver::phragmms(&graph, to_elect, 0);
			solver::balance(&graph, &mut solved, balancing);
			solved
		},
		Algorithm::PhragMmsInterleaved { balancing } => {
			solver::phragmms(&graph, to_elect, balancing)
		},
	};
	let staked = solved.staked_assignments(&graph);
	let solve = start.elapsed();
	let start = Instant::now();
	let (solution, trimmed) =
		Miner::<T>::prepare_staked(staked, voters, targets, desired_targets, round)?;
	Ok(Mined { algorithm, solution, trimmed, solve, prepare: start.elapsed() })
}

/// Mine with one algorithm as `sp_npos_elections` implements it (the solvers polkadot-sdk's
/// miners and polkadot-staking-miner run), then the same reduce and trim: the baseline
/// `staking-miner bench` measures [`mine`] against, and a cross-check in the tests.
///
/// `sp_npos_elections::phragmms` balances after every round only, so `PhragMms` and
/// `PhragMmsInterleaved` are both that here.
pub fn mine_reference<T>(
	algorithm: Algorithm,
	voters: &[VoterOf<T>],
	targets: &[T::AccountId],
	desired_targets: u32,
	round: u32,
) -> Result<Mined<T>, MinerError>
where
	T: MinerConfig,
{
	let start = Instant::now();
	let assignments = match algorithm {
		Algorithm::SeqPhragmen { balancing: iterations } => {
			balancing::set(iterations);
			solve::<
				T,
				SequentialPhragmen<T::AccountId, SolutionAccuracyOf<T>, balancing::ThreadBalancing>,
			>(voters, targets, desired_targets)?
		},
		Algorithm::PhragMms { balancing: iterations }
		| Algorithm::PhragMmsInterleaved { balancing: iterations } => {
			balancing::set(iterations);
			solve::<T, PhragMMS<T::AccountId, SolutionAccuracyOf<T>, balancing::ThreadBalancing>>(
				voters,
				targets,
				desired_targets,
			)?
		},
	};
	let solve = start.elapsed();
	let start = Instant::now();
	let (solution, trimmed) =
		Miner::<T>::prepare(assignments, voters, targets, desired_targets, round)?;
	Ok(Mined { algorithm, solution, trimmed, solve, prepare: start.elapsed() })
}

/// The outcome of a race.
pub struct Race<T: MinerConfig> {
	/// The index in `finished` of the best solution found in time, if any (the earliest of
	/// equal scores).
	pub best: Option<usize>,
	/// Every candidate that finished in time, in finishing order.
	pub finished: Vec<Mined<T>>,
	/// Candidates that failed, with why.
	pub failed: Vec<(Algorithm, MinerError)>,
	/// Candidates still running when the budget ran out (their threads are left to finish
	/// and their results dropped).
	pub late: Vec<Algorithm>,
}

/// Race `algorithms`, each on its own thread, and keep the best score among those finished
/// within `budget`.
pub fn race<T>(
	algorithms: &[Algorithm],
	voters: Vec<VoterOf<T>>,
	targets: Vec<T::AccountId>,
	desired_targets: u32,
	round: u32,
	budget: Duration,
) -> Race<T>
where
	T: MinerConfig + 'static,
	T::AccountId: Send + Sync + 'static,
	RawSolutionOf<T>: Send,
	VoterOf<T>: Send + Sync,
{
	let voters = std::sync::Arc::new(voters);
	let targets = std::sync::Arc::new(targets);
	let (tx, rx) = mpsc::channel();
	for algorithm in algorithms {
		let (tx, voters, targets, algorithm) =
			(tx.clone(), voters.clone(), targets.clone(), *algorithm);
		std::thread::spawn(move || {
			let result = mine::<T>(algorithm, &voters, &targets, desired_targets, round);
			// The receiver is gone once the budget ran out: nothing to do then.
			let _ = tx.send((algorithm, result));
		});
	}
	drop(tx);
	let deadline = Instant::now().checked_add(budget);
	let mut race =
		Race { best: None, finished: Vec::new(), failed: Vec::new(), late: algorithms.to_vec() };
	loop {
		let left = deadline.map(|d| d.saturating_duration_since(Instant::now())).unwrap_or(budget);
		match rx.recv_timeout(left) {
			Ok((algorithm, result)) => {
				race.late.retain(|a| *a != algorithm);
				match result {
					Ok(mined) => race.finished.push(mined),
					Err(e) => race.failed.push((algorithm, e)),
				}
			},
			Err(_) => break,
		}
	}
	for (i, m) in race.finished.iter().enumerate() {
		let better = match race.best.and_then(|b| race.finished.get(b)) {
			Some(b) => m.score().strict_threshold_better(b.score(), sp_runtime::Perbill::zero()),
			None => true,
		};
		if better {
			race.best = Some(i);
		}
	}
	race
}

/// Race `algorithms` (each candidate reduced and trimmed) within `budget` and return the best,
/// or why there is none.
pub fn race_best<T>(
	algorithms: &[Algorithm],
	voters: Vec<VoterOf<T>>,
	targets: Vec<T::AccountId>,
	desired_targets: u32,
	round: u32,
	budget: Duration,
) -> Result<Mined<T>, String>
where
	T: MinerConfig + 'static,
	T::AccountId: Send + Sync + 'static,
	RawSolutionOf<T>: Send,
	VoterOf<T>: Send + Sync,
{
	let mut race = race::<T>(algorithms, voters, targets, desired_targets, round, budget);
	let Some(index) = race.best else {
		let failed: Vec<String> =
			race.failed.iter().map(|(a, e)| format!("{a} failed: {e:?}")).collect();
		let late: Vec<String> = race.late.iter().map(|a| format!("{a} ran out of time")).collect();
		return Err(format!("no solution: {}", [failed, late].concat().join("; ")));
	};
	Ok(race.finished.swap_remove(index))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use crate::bench::BenchConfig;
	use frame_election_provider_support::NposSolution;
	use frame_support::BoundedVec;
	use pallet_election_multi_phase::ElectionCompute;

	/// 60 voters over 12 targets, voter `v` voting for targets `v % 12`, `(v * 5) % 12` and
	/// `(v * 7 + 3) % 12`, with stakes 10..=600.
	fn small() -> (Vec<VoterOf<BenchConfig>>, Vec<u64>) {
		let targets: Vec<u64> = (100..112).collect();
		let voters = (0..60u64)
			.map(|v| {
				let mut votes = vec![100 + v % 12];
				for t in [100 + (v * 5) % 12, 100 + (v * 7 + 3) % 12] {
					if !votes.contains(&t) {
						votes.push(t);
					}
				}
				(v, 10 * (v + 1), BoundedVec::truncate_from(votes))
			})
			.collect();
		(voters, targets)
	}

	#[test]
	fn every_algorithm_mines_what_the_chain_accepts() {
		let (voters, targets) = small();
		for algorithm in [
			Algorithm::SeqPhragmen { balancing: 0 },
			Algorithm::SeqPhragmen { balancing: 10 },
			Algorithm::PhragMms { balancing: 0 },
			Algorithm::PhragMms { balancing: 5 },
			Algorithm::PhragMmsInterleaved { balancing: 3 },
		] {
			let mined = mine::<BenchConfig>(algorithm, &voters, &targets, 4, 7).unwrap();
			let ready = Miner::<BenchConfig>::feasibility_check(
				mined.solution,
				ElectionCompute::Signed,
				4,
				&voters,
				&targets,
				7,
				None,
			);
			assert!(ready.is_ok(), "{algorithm}: {ready:?}");
		}
	}

	#[test]
	fn the_own_solvers_match_sp_npos_elections() {
		// Same rules, so the same winners; the split of stake differs only by rounding (the
		// reference rounds every voter's split to `PerU16` twice, these once), well under a
		// thousandth of the weakest winner's backing once stakes are large enough for rounding
		// to whole units not to matter (as real stakes are: planck).
		let (mut voters, targets) = small();
		voters.iter_mut().for_each(|(_, stake, _)| *stake *= 1_000_000_000);
		for algorithm in
			[Algorithm::SeqPhragmen { balancing: 0 }, Algorithm::SeqPhragmen { balancing: 10 }]
		{
			let ours = mine::<BenchConfig>(algorithm, &voters, &targets, 4, 1).unwrap();
			let reference =
				mine_reference::<BenchConfig>(algorithm, &voters, &targets, 4, 1).unwrap();
			assert_eq!(
				ours.solution.solution.unique_targets(),
				reference.solution.solution.unique_targets()
			);
			let (a, b) = (ours.score().minimal_stake, reference.score().minimal_stake);
			assert!(a.abs_diff(b) * 1000 < b, "{algorithm}: {a} vs {b}");
		}
	}

	#[test]
	fn the_race_keeps_the_best_score_of_those_finished() {
		let (voters, targets) = small();
		let algorithms =
			[Algorithm::SeqPhragmen { balancing: 0 }, Algorithm::SeqPhragmen { balancing: 10 }];
		let race =
			race::<BenchConfig>(&algorithms, voters, targets, 4, 1, Duration::from_secs(120));
		assert!(race.late.is_empty() && race.failed.is_empty());
		assert_eq!(race.finished.len(), 2);
		let best = race.finished[race.best.unwrap()].score();
		for m in &race.finished {
			assert!(!m.score().strict_threshold_better(best, sp_runtime::Perbill::zero()));
		}
	}

	#[test]
	fn algorithm_names() {
		assert_eq!(
			"phragmms-interleaved".parse::<Algorithm>().map(|a| a.with_balancing(2)),
			Ok(Algorithm::PhragMmsInterleaved { balancing: 2 })
		);
		assert_eq!("seq-phragmen".parse(), Ok(Algorithm::SeqPhragmen { balancing: 0 }));
		assert_eq!(
			"phragmms".parse::<Algorithm>().map(|a| a.with_balancing(3)),
			Ok(Algorithm::PhragMms { balancing: 3 })
		);
		assert!("phragmen".parse::<Algorithm>().unwrap_err().contains("unknown algorithm"));
	}
}
