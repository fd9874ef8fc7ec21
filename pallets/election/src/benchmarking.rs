//! Benchmarks for `pallet-election-multi-phase`.
//!
//! Snapshots are synthetic: `v` voters, `t` targets, voter `i` votes for `MaxVotesPerVoter`
//! targets, as many of them winners as there are (`i % d`, `i % d + 1`, ... of the `d` winners),
//! and solutions spread each of the first `a` voters' stake over every winner it votes for: the
//! most edges, and so the most work, a voter can bring to the check. The feasibility check's
//! weight, `feasibility_check(v, t, a, d)`, is what a runtime's `MinerConfig::solution_weight`
//! returns.

// Benchmark set-up runs only in benchmarking builds: plain arithmetic and indexing on the
// synthetic data it builds are fine here.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use super::*;
use crate::miner::{RawSolutionOf, VoterOf};
use alloc::{boxed::Box, vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_election_provider_support::{ElectionProvider, NposSolution, PerThing};
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_npos_elections::{Assignment, Support};
use sp_runtime::traits::{Bounded, One, Saturating, Zero};

const SEED: u32 = 0;

type Accuracy<T> = crate::miner::SolutionAccuracyOf<<T as Config>::MinerConfig>;

/// A synthetic snapshot of `v` voters and `t` targets laid out for `d` winners.
fn synthetic_snapshot<T: Config>(
	v: u32,
	t: u32,
	d: u32,
) -> (Vec<VoterOf<T::MinerConfig>>, Vec<T::AccountId>) {
	let targets: Vec<T::AccountId> = (0..t).map(|i| account("target", i, SEED)).collect();
	let max_votes = <T::MinerConfig as MinerConfig>::MaxVotesPerVoter::get().max(1);
	let voters: Vec<VoterOf<T::MinerConfig>> = (0..v)
		.map(|i| {
			let d = d.max(1);
			let first = i % d;
			// Winners first (`first`, `first + 1`, ... modulo `d`), then other targets.
			let votes: Vec<T::AccountId> = (0..max_votes.min(t))
				.map(|k| {
					let index = if k < d { (first + k) % d } else { k % t.max(1) };
					targets[index as usize].clone()
				})
				.collect();
			let mut unique: Vec<T::AccountId> = Vec::new();
			for vote in votes {
				if !unique.contains(&vote) {
					unique.push(vote);
				}
			}
			(account("voter", i, SEED), 1_000 + i as u64, BoundedVec::truncate_from(unique))
		})
		.collect();
	(voters, targets)
}

/// A snapshot of `v` voters and `t` targets in storage, with `d` desired winners: the voters
/// in pages of `VoterSnapshotPerBlock` from page `Pages - 1` down, as the hook stores them.
fn put_snapshot<T: Config>(v: u32, t: u32, d: u32) {
	let (voters, targets) = synthetic_snapshot::<T>(v, t, d);
	Pallet::<T>::store_target_snapshot(targets, d);
	let per_page = T::VoterSnapshotPerBlock::get().max(1) as usize;
	let mut pages = voters.chunks(per_page).map(|page| page.to_vec());
	for page in (0..=Pallet::<T>::msp()).rev() {
		Pallet::<T>::store_voter_snapshot_page(page, pages.next().unwrap_or_default());
	}
}

/// A feasible solution over `voters` (the whole snapshot, or one voter page): the first `a`
/// of them each spread their stake evenly over every winner (one of the first `d` targets)
/// they vote for. Voter indices are positions in `voters`.
fn solution_over<T: Config>(
	voters: &[VoterOf<T::MinerConfig>],
	a: u32,
) -> (SolutionOf<T>, sp_npos_elections::ElectionScore) {
	let targets = SnapshotTargets::<T>::get().unwrap_or_default();
	let d = DesiredTargets::<T>::get().unwrap_or(1).max(1) as usize;
	let winners: Vec<T::AccountId> = targets.iter().take(d).cloned().collect();
	let assignments: Vec<Assignment<T::AccountId, Accuracy<T>>> = voters
		.iter()
		.take(a as usize)
		.map(|(who, _, votes)| {
			let backed: Vec<T::AccountId> =
				votes.iter().filter(|vote| winners.contains(vote)).cloned().collect();
			let share = Accuracy::<T>::from_rational(1u128, backed.len().max(1) as u128);
			let mut distribution: Vec<(T::AccountId, Accuracy<T>)> =
				backed.iter().map(|target| (target.clone(), share)).collect();
			// The last edge takes what rounding left, so the ratios add up to one.
			let rest = distribution
				.iter()
				.take(distribution.len().saturating_sub(1))
				.fold(Accuracy::<T>::one(), |left, (_, ratio)| left.saturating_sub(*ratio));
			if let Some(last) = distribution.last_mut() {
				last.1 = rest;
			}
			Assignment { who: who.clone(), distribution }
		})
		.collect();
	let voter_index = |who: &T::AccountId| {
		voters.iter().position(|(v, _, _)| v == who).and_then(|i| i.try_into().ok())
	};
	let target_index =
		|who: &T::AccountId| targets.iter().position(|t| t == who).and_then(|i| i.try_into().ok());
	let solution =
		<SolutionOf<T>>::from_assignment(&assignments, voter_index, target_index).expect("valid");
	let stake_of = |who: &T::AccountId| {
		voters.iter().find(|(v, _, _)| v == who).map(|(_, stake, _)| *stake).unwrap_or_default()
	};
	let score = solution
		.clone()
		.score(
			stake_of,
			|i| voters.get(i.try_into().ok()?).map(|(who, _, _)| who.clone()),
			|i| targets.get(i.try_into().ok()?).cloned(),
		)
		.expect("scored");
	(solution, score)
}

/// A feasible whole solution on the snapshot's voters (see [`solution_over`]).
fn solution<T: Config>(a: u32) -> RawSolutionOf<T::MinerConfig> {
	let (solution, score) = solution_over::<T>(&Pallet::<T>::on_chain_voters(), a);
	RawSolution { solution, score, round: Round::<T>::get() }
}

/// Register a claim of `score` for `who` and store `page_solution` as every one of its pages.
/// Removing a claim costs the same whatever its pages (they are deleted later by
/// `clear_stale_pages`), so the benchmarks of paths that remove claims use claims with one page
/// (the claim then marked stale, its page deposits kept where the path keeps them).
fn claim_with_pages<T: Config>(
	who: T::AccountId,
	score: sp_npos_elections::ElectionScore,
	page_solution: Option<&SolutionOf<T>>,
) -> Result<u32, BenchmarkError> {
	let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
	Pallet::<T>::do_register(who.clone(), score, fingerprint)
		.map_err(|_| BenchmarkError::Stop("register"))?;
	let index = SignedSubmissionIndices::<T>::get()
		.iter()
		.find(|entry| entry.who == who)
		.map(|entry| entry.index)
		.ok_or(BenchmarkError::Stop("registered"))?;
	if let Some(page_solution) = page_solution {
		store_pages::<T>(who, T::Pages::get(), page_solution)?;
	}
	Ok(index)
}

/// Register a claim of `score` for `who` with one small page stored: page `Pages - 1`, a
/// solution for one voter of that snapshot page (the page every benchmark snapshot fills).
fn claim_with_a_page<T: Config>(
	who: T::AccountId,
	score: sp_npos_elections::ElectionScore,
) -> Result<u32, BenchmarkError> {
	let index = claim_with_pages::<T>(who.clone(), score, None)?;
	let page = Pallet::<T>::msp();
	let small = solution_over::<T>(&Pallet::<T>::voter_page(page), 1).0;
	Pallet::<T>::do_submit_page(who, page, Some(small))
		.map_err(|_| BenchmarkError::Stop("submit a page"))?;
	Ok(index)
}

/// Store `page_solution` as pages `0..pages` of `who`'s claim.
fn store_pages<T: Config>(
	who: T::AccountId,
	pages: u32,
	page_solution: &SolutionOf<T>,
) -> Result<(), BenchmarkError> {
	for page in 0..pages {
		Pallet::<T>::do_submit_page(who.clone(), page, Some(page_solution.clone()))
			.map_err(|_| BenchmarkError::Stop("submit page"))?;
	}
	Ok(())
}

/// A score clearly below `score` (half its minimal stake, less `by`), still plausible.
fn weaker(score: sp_npos_elections::ElectionScore, by: u32) -> sp_npos_elections::ElectionScore {
	let mut weaker = score;
	weaker.minimal_stake = (weaker.minimal_stake / 2).saturating_sub(by.into());
	weaker
}

/// A snapshot with one full voter page (page `Pages - 1`, `VoterSnapshotPerBlock` voters with
/// the most votes), `MaxElectableTargets` targets and `MaxWinners` winners desired, and a
/// solution over every voter of that page: the largest page a claim can send.
fn full_page<T: Config>() -> (SolutionOf<T>, sp_npos_elections::ElectionScore) {
	let t = T::MaxElectableTargets::get();
	let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
	let v = T::VoterSnapshotPerBlock::get();
	put_snapshot::<T>(v, t, d);
	solution_over::<T>(&Pallet::<T>::voter_page(Pallet::<T>::msp()), v)
}

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, SEED);
	let deposit = Pallet::<T>::deposit_for(
		T::SignedMaxSubmissions::get(),
		<T::MinerConfig as MinerConfig>::MaxLength::get(),
		<T::MinerConfig as MinerConfig>::MaxWeight::get(),
	);
	T::Currency::set_balance(&who, deposit.saturating_mul(100u32.into()).max(1_000_000u32.into()));
	who
}

fn set_phase<T: Config>(phase: Phase<BlockNumberFor<T>>) {
	CurrentPhase::<T>::put(phase);
}

/// The longest page solution `submit_page` accepts (see the `submit_page` benchmark), and its
/// score over the whole snapshot.
fn longest_page<T: Config>() -> (SolutionOf<T>, sp_npos_elections::ElectionScore) {
	let t = T::MaxElectableTargets::get();
	let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
	let v = Pallet::<T>::max_electing_voters();
	put_snapshot::<T>(v, t, d);
	let voters = Pallet::<T>::snapshot_voters();
	let max_length = <T::MinerConfig as MinerConfig>::MaxLength::get() as usize;
	// The most voters whose solution fits the length limit.
	let (mut low, mut high) = (1u32, v.max(1));
	while low < high {
		let middle = low + (high - low).div_ceil(2);
		if solution_over::<T>(&voters, middle).0.encoded_size() <= max_length {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	solution_over::<T>(&voters, low)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The feasibility check, by snapshot voters `v`, targets `t`, active voters `a` and desired
	/// targets `d`.
	#[benchmark]
	fn feasibility_check(
		v: Linear<50, { Pallet::<T>::max_electing_voters() }>,
		t: Linear<10, { T::MaxElectableTargets::get() }>,
		a: Linear<10, { Pallet::<T>::max_electing_voters() }>,
		d: Linear<2, { <T::MinerConfig as MinerConfig>::MaxWinners::get() }>,
	) -> Result<(), BenchmarkError> {
		// Every winner needs a backer: no more winners than voters.
		let d = d.min(t).min(v).min(<T::MinerConfig as MinerConfig>::MaxWinners::get());
		let a = a.max(d).min(v);
		put_snapshot::<T>(v, t, d);
		let raw = solution::<T>(a);
		let voters = Pallet::<T>::on_chain_voters();
		let targets = SnapshotTargets::<T>::get().unwrap_or_default();
		let round = Round::<T>::get();
		let result;
		#[block]
		{
			result = Miner::<T::MinerConfig>::feasibility_check(
				raw,
				ElectionCompute::Signed,
				d,
				&voters,
				&targets,
				round,
				None,
			);
		}
		assert!(result.is_ok(), "{:?}", result.err());
		Ok(())
	}

	/// `register` into a full queue, ejecting the weakest claim.
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn register() -> Result<(), BenchmarkError> {
		let (_, score) = full_page::<T>();
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		for i in 0..T::SignedMaxSubmissions::get() {
			claim_with_a_page::<T>(funded::<T>("weak", i), weaker(score, i))?;
		}
		let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), score, fingerprint);
		assert!(SignedSubmissionIndices::<T>::get().iter().any(|e| e.who == caller));
		Ok(())
	}

	/// `submit_page` replacing a page with the longest page solution the call accepts: the
	/// call does not check voter indices against the page (the verification does), so the
	/// longest is as many voters as the solution type allows (`MaxElectingVoters`), each
	/// spreading its stake over every winner it votes for, cut to `MinerMaxLength`.
	/// The page replaced is a one-voter page, so the call holds the difference (the dearer
	/// path than releasing one).
	#[benchmark]
	fn submit_page() -> Result<(), BenchmarkError> {
		let (page_solution, score) = longest_page::<T>();
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let caller = funded::<T>("caller", 0);
		let small = solution_over::<T>(&Pallet::<T>::voter_page(Pallet::<T>::msp()), 1).0;
		claim_with_pages::<T>(caller.clone(), score, Some(&small))?;
		let page = Pallet::<T>::msp();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), page, Some(Box::new(page_solution)));
		assert_eq!(SignedSubmissionPages::<T>::iter().count() as u32, page + 1);
		Ok(())
	}

	/// `bail` of a claim in a full queue.
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn bail() -> Result<(), BenchmarkError> {
		let (_, score) = full_page::<T>();
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		for i in 1..T::SignedMaxSubmissions::get() {
			claim_with_pages::<T>(funded::<T>("other", i), weaker(score, i), None)?;
		}
		let caller = funded::<T>("caller", 0);
		claim_with_a_page::<T>(caller.clone(), score)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(SignedSubmissionIndices::<T>::get().iter().all(|e| e.who != caller));
		// Its page waits for the clean-up, its deposit kept.
		assert_eq!(StaleClaimPages::<T>::iter().count(), 1);
		Ok(())
	}

	/// A validation step checking `c` pages, its bookkeeping at the worst per page: a full
	/// voter page read (`VoterSnapshotPerBlock` voters with the most votes), the verification
	/// state read at `MaxWinners` winners, and each page failing, which slashes its claim. The pages' own
	/// checks are charged by their stored weight on top.
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn on_initialize_validation_step(
		c: Linear<0, { T::SignedPagesPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let (_, score) = full_page::<T>();
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		// One voter of the page sending its stake to a target it did not vote for: decoded,
		// then refused (`InvalidVote`) after the page's index is built.
		let voters = Pallet::<T>::voter_page(Pallet::<T>::msp());
		let targets = SnapshotTargets::<T>::get().unwrap_or_default();
		let (who, _, votes) = voters.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let stranger = targets
			.iter()
			.take(DesiredTargets::<T>::get().unwrap_or_default() as usize)
			.find(|target| !votes.contains(target))
			.cloned()
			.unwrap_or_else(|| targets.last().cloned().unwrap_or_else(|| who.clone()));
		let bad = <SolutionOf<T>>::from_assignment(
			&[Assignment {
				who: who.clone(),
				distribution: vec![(stranger, Accuracy::<T>::one())],
			}],
			|_| 0usize.try_into().ok(),
			|t| targets.iter().position(|x| x == t).and_then(|i| i.try_into().ok()),
		)
		.map_err(|_| BenchmarkError::Stop("bad page"))?;
		let claims = c.max(1).min(T::SignedMaxSubmissions::get());
		let mut first = None;
		for i in 0..claims {
			let index = claim_with_pages::<T>(funded::<T>("invalid", i), weaker(score, i), None)?;
			let who: T::AccountId = account("invalid", i, SEED);
			Pallet::<T>::do_submit_page(who, Pallet::<T>::msp(), Some(bad.clone()))
				.map_err(|_| BenchmarkError::Stop("bad page"))?;
			first.get_or_insert(index);
		}
		set_phase::<T>(Phase::SignedValidation { until: BlockNumberFor::<T>::max_value() });
		// The best claim's verification already under way, at its largest.
		let winners = DesiredTargets::<T>::get().unwrap_or_default();
		if let Some(best) = SignedSubmissionIndices::<T>::get().last().cloned() {
			let mut queue = SignedSubmissionIndices::<T>::get();
			queue.pop();
			SignedSubmissionIndices::<T>::put(queue);
			SignedVerification::<T>::put(Verification {
				index: best.index,
				page: Pallet::<T>::msp(),
				backings: BoundedVec::truncate_from(
					(0..winners)
						.map(|target| crate::paged::WinnerBacking { target, total: 1, backers: 1 })
						.collect::<Vec<_>>(),
				),
			});
		}
		let _ = first;
		let step;
		#[block]
		{
			step = Pallet::<T>::validate_signed_pages(c);
		}
		assert_eq!(step.pages, c);
		Ok(())
	}

	/// A validation step checking `c` pages that carry claims on: each page a distinct full
	/// voter page (`VoterSnapshotPerBlock` voters with the most votes) read and indexed, a
	/// one-voter page solution checked and summed (its own weight is charged on top), the
	/// verification state written; a claim's last page concludes it false (slashed) and the next
	/// claim starts. The other worst case, every page failing at once, is
	/// `on_initialize_validation_step`; a step is charged the larger of the two.
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn on_initialize_validation_pages(
		c: Linear<0, { T::SignedPagesPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let pages = T::Pages::get().max(1);
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(pages * T::VoterSnapshotPerBlock::get(), t, d);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let page_solutions: Vec<(u32, SolutionOf<T>)> = (0..pages)
			.map(|page| (page, solution_over::<T>(&Pallet::<T>::voter_page(page), 1).0))
			.collect();
		let (_, score) = solution_over::<T>(&Pallet::<T>::snapshot_voters(), 50);
		let claims = c.div_ceil(pages).clamp(1, T::SignedMaxSubmissions::get());
		for i in 0..claims {
			let who = funded::<T>("claim", i);
			claim_with_pages::<T>(who.clone(), weaker(score, i), None)?;
			for (page, solution) in &page_solutions {
				Pallet::<T>::do_submit_page(who.clone(), *page, Some(solution.clone()))
					.map_err(|_| BenchmarkError::Stop("page"))?;
			}
		}
		set_phase::<T>(Phase::SignedValidation { until: BlockNumberFor::<T>::max_value() });
		let step;
		#[block]
		{
			step = Pallet::<T>::validate_signed_pages(c);
		}
		assert_eq!(step.pages, c);
		Ok(())
	}

	/// A claim concluded valid after its last page, at `MaxWinners` winners: the summed
	/// backing checked, the result queued, the claim's deposits released and its reward paid.
	#[benchmark]
	fn finalize_signed_winner() -> Result<(), BenchmarkError> {
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(d, t, d);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let backings: Vec<_> = (0..d)
			.map(|target| crate::paged::WinnerBacking { target, total: 1_000, backers: 1 })
			.collect();
		let score = crate::paged::score_of(&backings);
		let caller = funded::<T>("caller", 0);
		let index = claim_with_a_page::<T>(caller, score)?;
		let mut queue = SignedSubmissionIndices::<T>::get();
		queue.pop();
		SignedSubmissionIndices::<T>::put(queue);
		set_phase::<T>(Phase::SignedValidation { until: BlockNumberFor::<T>::max_value() });
		let claim = SignedSubmissionsMap::<T>::get(index).ok_or(BenchmarkError::Weightless)?;
		let sum =
			crate::paged::PagedSupports { pages: (0..=Pallet::<T>::msp()).collect(), backings };
		let targets = SnapshotTargets::<T>::get().unwrap_or_default();
		let won;
		#[block]
		{
			won = Pallet::<T>::conclude(index, &claim, &sum, &targets, d);
		}
		assert!(won);
		assert!(QueuedSolution::<T>::exists());
		Ok(())
	}

	/// The refunds behind a winner: `r` claims left unchecked given their deposits and their
	/// fees back (every one counts as one of the best `SignedMaxRefunds` here, the worst case
	/// per refund).
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn finalize_signed_refunds(
		r: Linear<0, { T::SignedMaxSubmissions::get() }>,
	) -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(50);
		for i in 0..r {
			claim_with_a_page::<T>(funded::<T>("runner-up", i), weaker(raw.score, i))?;
		}
		#[block]
		{
			Pallet::<T>::refund_all(r);
		}
		assert!(SignedSubmissionIndices::<T>::get().is_empty());
		assert_eq!(StaleClaimPages::<T>::iter().count() as u32, r);
		Ok(())
	}

	/// A block taking a page of `t` targets (reading them is weighed by the data provider):
	/// measured on page 0, the last, which appends to every target taken before it (up to
	/// `MaxElectableTargets` in all) and takes the desired targets.
	#[benchmark]
	fn on_initialize_snapshot_targets(
		t: Linear<1, { T::TargetSnapshotPerBlock::get().min(T::MaxElectableTargets::get()) }>,
	) {
		let max = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(max);
		let (_, mut targets) = synthetic_snapshot::<T>(1, max, d);
		let before = if Pallet::<T>::target_pages() > 1 { max.saturating_sub(t) } else { 0 };
		let page: Vec<T::AccountId> = targets.drain(before as usize..).take(t as usize).collect();
		targets.truncate(before as usize);
		if before > 0 {
			Pallet::<T>::store_target_snapshot_page(
				Pallet::<T>::target_pages().saturating_sub(1),
				targets,
				None,
			);
		}
		#[block]
		{
			Pallet::<T>::store_target_snapshot_page(0, page, Some(d));
			Pallet::<T>::set_phase(Phase::Snapshot { page: Pallet::<T>::msp() });
		}
		assert_eq!(
			SnapshotSize::<T>::get(),
			Some(SnapshotMetadata { voters: 0, targets: before.saturating_add(t) })
		);
		assert!(DesiredTargets::<T>::exists());
	}

	/// A block of the snapshot phase: storing a page of `v` voters (each with the most votes).
	/// Measured on page 0, the last, which also seals the snapshot: it reads every page hash and
	/// the targets (`MaxElectableTargets` of them) for the fingerprint and opens the signed
	/// phase.
	#[benchmark]
	fn on_initialize_snapshot_voters(v: Linear<0, { T::VoterSnapshotPerBlock::get() }>) {
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		let (voters, targets) = synthetic_snapshot::<T>(v, t, d);
		Pallet::<T>::store_target_snapshot(targets, d);
		for page in (1..=Pallet::<T>::msp()).rev() {
			Pallet::<T>::store_voter_snapshot_page(page, Vec::new());
		}
		#[block]
		{
			Pallet::<T>::store_voter_snapshot_page(0, voters);
			Pallet::<T>::set_phase(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		}
		assert_eq!(SnapshotSize::<T>::get(), Some(SnapshotMetadata { voters: v, targets: t }));
		assert!(SnapshotFingerprint::<T>::exists());
	}

	/// Opening the unsigned phase (refunding what is left in the signed queue).
	#[benchmark]
	fn on_initialize_open_unsigned() -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::SignedValidation { until: BlockNumberFor::<T>::max_value() });
		let next = T::DataProvider::next_election_prediction(Zero::zero());
		let open_at = next.saturating_sub(T::UnsignedPhase::get());
		frame_system::Pallet::<T>::set_block_number(open_at);
		#[block]
		{
			Pallet::<T>::on_initialize(open_at);
		}
		assert!(CurrentPhase::<T>::get().is_unsigned());
		Ok(())
	}

	/// The hook when nothing changes.
	#[benchmark]
	fn on_initialize_nothing() {
		let now: BlockNumberFor<T> = One::one();
		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
		assert!(CurrentPhase::<T>::get().is_off());
	}

	/// `elect` at its worst: a queued solution at the bounds (every snapshot voter spreading its
	/// stake over all the winners it votes for, `MaxWinners` winners), a full signed queue left
	/// to refund (the phases normally empty it before, but `elect` does not rely on that), and the
	/// snapshot to remove.
	#[benchmark(pov_mode = MaxEncodedLen { Election::SignedSubmissionPages: Measured })]
	fn elect() -> Result<(), BenchmarkError> {
		let v = Pallet::<T>::max_electing_voters();
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(v, t, d);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let small = solution::<T>(d);
		for i in 0..T::SignedMaxSubmissions::get() {
			claim_with_a_page::<T>(funded::<T>("queued", i), weaker(small.score, i))?;
		}
		let raw = solution::<T>(v);
		let voters = Pallet::<T>::on_chain_voters();
		let targets = SnapshotTargets::<T>::get().unwrap_or_default();
		let ready = Miner::<T::MinerConfig>::feasibility_check(
			raw,
			ElectionCompute::Signed,
			d,
			&voters,
			&targets,
			Round::<T>::get(),
			None,
		)
		.map_err(|_| BenchmarkError::Stop("feasible"))?;
		let queued = QueuedResult::from_supports(
			ready.supports.into_iter().map(|(winner, support)| (winner, support.total)),
			ready.score,
			ready.compute,
		)
		.ok_or(BenchmarkError::Stop("winners"))?;
		QueuedSolution::<T>::put(queued);
		set_phase::<T>(Phase::Unsigned { until: BlockNumberFor::<T>::max_value() });
		let result;
		#[block]
		{
			result = <Pallet<T> as ElectionProvider>::elect(0);
		}
		assert!(result.is_ok());
		assert!(SignedSubmissionIndices::<T>::get().is_empty());
		Ok(())
	}

	/// Reading what the fallback elects from: the top `OnChainPages` voter pages, full, and the
	/// targets (`MaxElectableTargets`). The election itself is charged by `FallbackWeight`.
	#[benchmark]
	fn fallback_input() -> Result<(), BenchmarkError> {
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(Pallet::<T>::on_chain_voter_bound(), t, d);
		let input;
		#[block]
		{
			input = Pallet::<T>::election_input();
		}
		let (voters, _, _) = input.map_err(|_| BenchmarkError::Stop("input"))?;
		assert_eq!(
			voters.len() as u32,
			Pallet::<T>::on_chain_voter_bound().min(Pallet::<T>::max_electing_voters())
		);
		Ok(())
	}

	/// `submit_unsigned` over full on-chain pages (reading and decoding them), with a small
	/// solution: its feasibility check is charged on top by `solution_weight`.
	#[benchmark]
	fn submit_unsigned() -> Result<(), BenchmarkError> {
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(Pallet::<T>::on_chain_voter_bound(), t, d);
		set_phase::<T>(Phase::Unsigned { until: BlockNumberFor::<T>::max_value() });
		// As few voters as back every winner.
		let raw = solution::<T>(d);
		let witness = SnapshotSize::<T>::get().ok_or(BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(RawOrigin::Authorized, Box::new(raw), witness);
		assert!(QueuedSolution::<T>::exists());
		Ok(())
	}

	/// The pool's authorisation of `submit_unsigned`.
	#[benchmark]
	fn authorize_submit_unsigned() -> Result<(), BenchmarkError> {
		use frame_support::pallet_prelude::{Authorize, TransactionSource};
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Unsigned { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(50);
		let witness = SnapshotSize::<T>::get().ok_or(BenchmarkError::Weightless)?;
		let call = Call::<T>::submit_unsigned { raw_solution: Box::new(raw), witness };
		#[block]
		{
			call.authorize(TransactionSource::Local)
				.ok_or("authorized")
				.map_err(|_| BenchmarkError::Stop("authorize"))?
				.map_err(|_| BenchmarkError::Stop("valid"))?;
		}
		Ok(())
	}

	/// Setting an emergency result of `w` winners.
	#[benchmark]
	fn set_emergency_election_result(
		w: Linear<1, { <T::MinerConfig as MinerConfig>::MaxWinners::get() }>,
	) -> Result<(), BenchmarkError> {
		set_phase::<T>(Phase::Emergency);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let supports: Vec<(T::AccountId, Support<T::AccountId>)> = (0..w)
			.map(|i| {
				let backer: T::AccountId = account("backer", i, SEED);
				(account("winner", i, SEED), Support { total: 100, voters: vec![(backer, 100)] })
			})
			.collect();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, supports);
		assert!(QueuedSolution::<T>::exists());
		Ok(())
	}

	/// Running the governance fallback on a snapshot.
	#[benchmark]
	fn governance_fallback() -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Emergency);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert!(QueuedSolution::<T>::exists());
		Ok(())
	}

	#[benchmark]
	fn set_minimum_untrusted_score() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let score = sp_npos_elections::ElectionScore { minimal_stake: 10, ..Default::default() };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Some(score));
		assert_eq!(MinimumUntrustedScore::<T>::get(), Some(score));
		Ok(())
	}

	/// `k` steps of deleting removed claims' pages, each claim with one page and its page
	/// deposits kept (withdrawn by `bail`): a page deleted, then the claim finished (its entry
	/// removed, its deposits released), the dearest mix of steps.
	#[benchmark(pov_mode = MaxEncodedLen {
		Election::SignedSubmissionPages: Measured,
		Election::SignedSubmissionPageRecords: Measured
	})]
	fn clear_stale_pages(k: Linear<0, { 2 * T::Pages::get() }>) -> Result<(), BenchmarkError> {
		let (_, score) = full_page::<T>();
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		for i in 0..k.div_ceil(2).saturating_add(1) {
			let who = funded::<T>("stale", i);
			claim_with_a_page::<T>(who.clone(), weaker(score, i))?;
			Pallet::<T>::do_bail(who).map_err(|_| BenchmarkError::Stop("bail"))?;
		}
		let steps;
		#[block]
		{
			steps = Pallet::<T>::clear_stale_pages(k);
		}
		assert_eq!(steps, k);
		Ok(())
	}

	/// Removing `p` full voter pages of the snapshot and their hashes.
	#[benchmark]
	fn clear_voter_pages(p: Linear<0, { T::Pages::get() }>) {
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(Pallet::<T>::max_electing_voters(), t, d);
		#[block]
		{
			Pallet::<T>::clear_voter_pages(p);
		}
		assert!(PagedVoterSnapshot::<T>::iter_keys().all(|page| page >= p));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Runtime);
}
