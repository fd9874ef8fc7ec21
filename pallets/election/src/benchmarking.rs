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

/// A feasible solution on the snapshot: the first `a` voters each spread their stake evenly
/// over every winner (one of the first `d` targets) they vote for.
fn solution<T: Config>(a: u32) -> RawSolutionOf<T::MinerConfig> {
	let voters = Pallet::<T>::snapshot_voters();
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
	RawSolution { solution, score, round: Round::<T>::get() }
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
		let voters = Pallet::<T>::snapshot_voters();
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

	/// `submit` into a full queue, ejecting the weakest.
	#[benchmark]
	fn submit() -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(20);
		let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
		for i in 0..T::SignedMaxSubmissions::get() {
			let mut weak = raw.clone();
			weak.score.minimal_stake = 1 + i as u128;
			Pallet::<T>::do_submit(funded::<T>("weak", i), weak, fingerprint)
				.map_err(|_| BenchmarkError::Stop("filling the queue"))?;
		}
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), Box::new(raw), fingerprint);
		assert!(SignedSubmissionIndices::<T>::get().iter().any(|e| e.who == caller));
		Ok(())
	}

	/// One validation step checking `c` solutions (the last one valid).
	#[benchmark]
	fn on_initialize_validation_step(
		c: Linear<1, { T::SignedValidationsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(50);
		let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
		Pallet::<T>::do_submit(funded::<T>("valid", 0), raw.clone(), fingerprint)
			.map_err(|_| BenchmarkError::Stop("valid submission"))?;
		for i in 1..c {
			// A better claim that is still plausible: more total backing (half the snapshot's
			// voters are unused), with the sum of squares raised to what that total needs.
			let mut inflated = raw.clone();
			let sum = inflated.score.sum_stake + i as u128;
			inflated.score.sum_stake = sum;
			inflated.score.sum_stake_squared =
				inflated.score.sum_stake_squared.max((sum * sum).div_ceil(5));
			Pallet::<T>::do_submit(funded::<T>("invalid", i), inflated, fingerprint)
				.map_err(|_| BenchmarkError::Stop("invalid submission"))?;
		}
		set_phase::<T>(Phase::SignedValidation { until: BlockNumberFor::<T>::max_value() });
		#[block]
		{
			Pallet::<T>::validate_signed_step();
		}
		assert!(QueuedSolution::<T>::exists());
		Ok(())
	}

	/// The refunds behind a winner: `r` submissions left unchecked, each given its deposit and
	/// its fee back (every one counts as one of the best `SignedMaxRefunds` here, the worst
	/// case per refund).
	#[benchmark]
	fn finalize_signed_refunds(
		r: Linear<0, { T::SignedMaxSubmissions::get() }>,
	) -> Result<(), BenchmarkError> {
		put_snapshot::<T>(100, 20, 5);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(50);
		let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
		for i in 0..r {
			let mut claimed = raw.clone();
			claimed.score.minimal_stake = claimed.score.minimal_stake.saturating_sub(i.into());
			Pallet::<T>::do_submit(funded::<T>("runner-up", i), claimed, fingerprint)
				.map_err(|_| BenchmarkError::Stop("runner-up submission"))?;
		}
		#[block]
		{
			Pallet::<T>::refund_all(r);
		}
		assert!(SignedSubmissionIndices::<T>::get().is_empty());
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
	#[benchmark]
	fn elect() -> Result<(), BenchmarkError> {
		let v = Pallet::<T>::max_electing_voters();
		let t = T::MaxElectableTargets::get();
		let d = <T::MinerConfig as MinerConfig>::MaxWinners::get().min(t);
		put_snapshot::<T>(v, t, d);
		set_phase::<T>(Phase::Signed { until: BlockNumberFor::<T>::max_value() });
		let fingerprint = SnapshotFingerprint::<T>::get().ok_or(BenchmarkError::Weightless)?;
		let small = solution::<T>(d);
		for i in 0..T::SignedMaxSubmissions::get() {
			let mut claim = small.clone();
			claim.score.minimal_stake = claim.score.minimal_stake.saturating_sub(i.into());
			Pallet::<T>::do_submit(funded::<T>("queued", i), claim, fingerprint)
				.map_err(|_| BenchmarkError::Stop("filling the queue"))?;
		}
		let raw = solution::<T>(v);
		let voters = Pallet::<T>::snapshot_voters();
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
		QueuedSolution::<T>::put(ready);
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

	/// `submit_unsigned` without its feasibility check (charged by `solution_weight`).
	#[benchmark]
	fn submit_unsigned() -> Result<(), BenchmarkError> {
		put_snapshot::<T>(50, 10, 2);
		set_phase::<T>(Phase::Unsigned { until: BlockNumberFor::<T>::max_value() });
		let raw = solution::<T>(2);
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

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Runtime);
}
