//! Phase transitions, elect, fallback and emergency.

use crate::{mock::*, *};
use frame_election_provider_support::ElectionProvider;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn phases_follow_the_election_prediction() {
	execute(|| {
		roll_to(11);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert!(MultiPhase::snapshot_voters().is_empty());
		// 18 blocks before the election at 30, the targets: the snapshot's one page (`Pages`
		// 1) is taken 17 blocks before, the first block of signed (10) + validation (2) +
		// unsigned (5).
		roll_to(12);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 0 });
		assert_eq!(SnapshotSize::<Runtime>::get().map(|s| (s.voters, s.targets)), Some((0, 3)));
		assert!(SnapshotFingerprint::<Runtime>::get().is_none());
		roll_to(13);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Signed { until: 23 });
		let size = SnapshotSize::<Runtime>::get().unwrap();
		assert_eq!((size.voters, size.targets), (5, 3));
		assert_eq!(DesiredTargets::<Runtime>::get(), Some(2));
		let evs = events();
		assert!(evs.contains(&Event::PhaseTransitioned {
			round: 1,
			from: Phase::Snapshot { page: 0 },
			to: Phase::Signed { until: 23 }
		}));
		assert!(evs.iter().any(|e| matches!(
			e,
			Event::SnapshotCreated { round: 1, voters: 5, targets: 3, desired_targets: 2, .. }
		)));
		roll_to(23);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::SignedValidation { until: 25 });
		roll_to(25);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Unsigned { until: 30 });
		roll_to(30);
		assert_ok!(MultiPhase::elect(0));
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert_eq!(Round::<Runtime>::get(), 2);
		assert!(SnapshotFingerprint::<Runtime>::get().is_none());
		// The next round opens 18 blocks before block 60; signed 17 before.
		roll_to(42);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 0 });
		roll_to(43);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Signed { until: 53 });
	});
}

#[test]
fn the_fingerprint_is_the_hash_of_round_desired_targets_and_page_hashes() {
	execute(|| {
		roll_to(13);
		let voters = MultiPhase::voter_page(0);
		let targets = SnapshotTargets::<Runtime>::get().unwrap();
		let page = sp_core::H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&voters)));
		assert_eq!(PagedVoterSnapshotHash::<Runtime>::get(0), Some(page));
		let expected = sp_core::H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(
			1u32,
			2u32,
			&targets[..],
			&[page][..],
		))));
		assert_eq!(fingerprint(), expected);
	});
}

#[test]
fn desired_targets_are_capped_by_the_targets_and_max_winners() {
	Desired::set(7);
	execute(|| {
		roll_to(13);
		assert_eq!(DesiredTargets::<Runtime>::get(), Some(3));
	});
	Desired::set(2);
}

#[test]
fn without_a_queued_solution_the_fallback_elects() {
	execute(|| {
		roll_to(30);
		let supports = MultiPhase::elect(0).unwrap();
		assert_eq!(supports.0.len(), 2);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized { round: 1, compute: ElectionCompute::Fallback, .. }
		)));
	});
}

#[test]
fn only_page_zero_exists() {
	execute(|| {
		roll_to(30);
		assert_eq!(MultiPhase::elect(1).unwrap_err(), ElectionError::WrongPage);
	});
}

#[test]
fn a_failing_fallback_enters_the_emergency_phase_and_governance_recovers() {
	FallbackEnabled::set(false);
	execute(|| {
		roll_to(30);
		assert_eq!(MultiPhase::elect(0).unwrap_err(), ElectionError::Fallback);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Emergency);
		assert!(events().contains(&Event::ElectionFailed { round: 1 }));
		// The phase machine waits for governance.
		roll_to(45);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Emergency);
		assert_eq!(MultiPhase::elect(0).unwrap_err(), ElectionError::NoEmergencyResult);
		assert_noop!(
			MultiPhase::governance_fallback(RuntimeOrigin::signed(1)),
			DispatchError::BadOrigin
		);
		assert_ok!(MultiPhase::governance_fallback(RuntimeOrigin::root()));
		assert_eq!(QueuedSolution::<Runtime>::get().unwrap().compute, ElectionCompute::Fallback);
		assert_ok!(MultiPhase::elect(0));
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert_eq!(Round::<Runtime>::get(), 2);
	});
	FallbackEnabled::set(true);
}

#[test]
fn an_emergency_result_can_be_set_by_the_admin() {
	FallbackEnabled::set(false);
	execute(|| {
		roll_to(30);
		assert!(MultiPhase::elect(0).is_err());
		let supports = vec![
			(10, sp_npos_elections::Support { total: 60, voters: vec![(2, 20), (4, 40)] }),
			(20, sp_npos_elections::Support { total: 30, voters: vec![(3, 30)] }),
		];
		assert_noop!(
			MultiPhase::set_emergency_election_result(RuntimeOrigin::signed(1), supports.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(MultiPhase::set_emergency_election_result(RuntimeOrigin::root(), supports));
		let result = MultiPhase::elect(0).unwrap();
		assert_eq!(
			result.0.iter().map(|(w, s)| (*w, s.total)).collect::<Vec<_>>(),
			vec![(10, 60), (20, 30)]
		);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized {
				round: 1,
				compute: ElectionCompute::Emergency,
				score: sp_npos_elections::ElectionScore {
					minimal_stake: 30,
					sum_stake: 90,
					sum_stake_squared: 4500
				},
			}
		)));
	});
	FallbackEnabled::set(true);
}

#[test]
fn emergency_calls_outside_the_emergency_phase_are_refused() {
	execute(|| {
		assert_noop!(
			MultiPhase::set_emergency_election_result(RuntimeOrigin::root(), vec![]),
			Error::<Runtime>::NotEmergency
		);
		assert_noop!(
			MultiPhase::governance_fallback(RuntimeOrigin::root()),
			Error::<Runtime>::NotEmergency
		);
	});
}

#[test]
fn an_emergency_result_with_too_many_winners_is_refused() {
	FallbackEnabled::set(false);
	MaxWinners::set(1);
	execute(|| {
		roll_to(30);
		assert!(MultiPhase::elect(0).is_err());
		let supports = vec![
			(10, sp_npos_elections::Support { total: 60, voters: vec![(2, 20), (4, 40)] }),
			(20, sp_npos_elections::Support { total: 30, voters: vec![(3, 30)] }),
		];
		assert_noop!(
			MultiPhase::set_emergency_election_result(RuntimeOrigin::root(), supports),
			Error::<Runtime>::TooManyWinners
		);
	});
	MaxWinners::set(10);
	// One winner named twice: refused (the stake pools would store the pool twice).
	execute(|| {
		roll_to(30);
		assert!(MultiPhase::elect(0).is_err());
		let twice = vec![
			(10, sp_npos_elections::Support { total: 60, voters: vec![(2, 20), (4, 40)] }),
			(10, sp_npos_elections::Support { total: 30, voters: vec![(3, 30)] }),
		];
		assert_noop!(
			MultiPhase::set_emergency_election_result(RuntimeOrigin::root(), twice),
			Error::<Runtime>::DuplicateWinner
		);
	});
	FallbackEnabled::set(true);
}

#[test]
fn the_minimum_untrusted_score_is_set_by_the_admin() {
	execute(|| {
		let score = sp_npos_elections::ElectionScore { minimal_stake: 5, ..Default::default() };
		assert_noop!(
			MultiPhase::set_minimum_untrusted_score(RuntimeOrigin::signed(1), Some(score)),
			DispatchError::BadOrigin
		);
		assert_ok!(MultiPhase::set_minimum_untrusted_score(RuntimeOrigin::root(), Some(score)));
		assert_eq!(MinimumUntrustedScore::<Runtime>::get(), Some(score));
		assert_ok!(MultiPhase::set_minimum_untrusted_score(RuntimeOrigin::root(), None));
		assert_eq!(MinimumUntrustedScore::<Runtime>::get(), None);
	});
}

#[test]
fn the_view_functions_report_round_phase_and_deposits() {
	execute(|| {
		assert_eq!(MultiPhase::round_and_phase(), (1, Phase::Off));
		roll_to(13);
		assert_eq!(MultiPhase::round_and_phase(), (1, Phase::Signed { until: 23 }));
		// An empty queue: the base deposit plus 20 bytes, one started millisecond and one KiB.
		let weight = frame_support::weights::Weight::from_parts(1, 1);
		assert_eq!(MultiPhase::deposit_quote(20, weight), 100 + 20 + 10 + 2);
	});
}
