//! The paged snapshot: voters taken page by page over several blocks, sealed by a fingerprint
//! over the pages.

use crate::{mock::*, *};
use frame_election_provider_support::ElectionProvider;
use frame_support::assert_ok;

/// Three pages of two voters: the mock's five voters fill pages 2 and 1 and half of page 0.
fn three_pages_of_two() {
	SnapshotPages::set(3);
	VotersPerPage::set(2);
}

fn accounts(page: u32) -> Vec<AccountId> {
	MultiPhase::voter_page(page).into_iter().map(|(who, _, _)| who).collect()
}

#[test]
fn voters_are_taken_one_page_per_block_largest_page_first() {
	three_pages_of_two();
	execute(|| {
		// The round opens `Pages` (3) blocks before the signed phase's first block (13): the
		// targets at 10, page 2 at 11, page 1 at 12, page 0 with the signed phase at 13.
		roll_to(9);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		// From the round's first block (10) to the election (30): 20 blocks.
		assert_eq!(<MultiPhase as ElectionProvider>::duration(), 20);
		roll_to(10);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 2 });
		assert_eq!(
			SnapshotSize::<Runtime>::get(),
			Some(SnapshotMetadata { voters: 0, targets: 3 })
		);
		roll_to(11);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 1 });
		assert_eq!(accounts(2), vec![1, 2]);
		assert_eq!(SnapshotSize::<Runtime>::get().map(|s| s.voters), Some(2));
		assert!(SnapshotFingerprint::<Runtime>::get().is_none());
		roll_to(12);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 0 });
		assert_eq!(accounts(1), vec![3, 4]);
		let _ = events();
		roll_to(13);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Signed { until: 23 });
		assert_eq!(accounts(0), vec![5]);
		// The whole snapshot, in the provider's order; stake 10 + 20 + 30 + 40 + 50.
		let all: Vec<AccountId> = MultiPhase::snapshot_voters().iter().map(|v| v.0).collect();
		assert_eq!(all, vec![1, 2, 3, 4, 5]);
		assert_eq!(SnapshotTotalStake::<Runtime>::get(), Some(150));
		// The fingerprint commits to each page's hash, page 2 first.
		let hash = |page: u32| {
			sp_core::H256(sp_io::hashing::blake2_256(&codec::Encode::encode(
				&MultiPhase::voter_page(page),
			)))
		};
		let targets = SnapshotTargets::<Runtime>::get().unwrap();
		let expected = sp_core::H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(
			1u32,
			2u32,
			&targets[..],
			&[hash(2), hash(1), hash(0)][..],
		))));
		assert_eq!(fingerprint(), expected);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::SnapshotCreated { round: 1, voters: 5, targets: 3, desired_targets: 2, .. }
		)));
	});
}

#[test]
fn a_round_on_a_paged_snapshot_elects_from_every_page() {
	three_pages_of_two();
	execute(|| {
		roll_to(13);
		roll_to(25);
		let raw = mine();
		let witness = SnapshotSize::<Runtime>::get().unwrap();
		assert_ok!(MultiPhase::submit_unsigned(
			frame_system::RawOrigin::Authorized.into(),
			Box::new(raw.clone()),
			witness
		));
		assert_eq!(QueuedSolution::<Runtime>::get().map(|q| q.score), Some(raw.score));
		roll_to(30);
		let supports = MultiPhase::elect(0).unwrap();
		// Sequential Phragmén elects 30 (approval 110) then 20 (score (1 + 50/110) / 90 against
		// 10's (1 + 70/110) / 80); every voter votes for one of them, so the winners' totals
		// hold all 150 of the snapshot's stake: voter 5's 50 from page 0 and voter 1's 10 from
		// page 2 included. The result is the winners' totals (no per-voter backing).
		let mut winners: Vec<AccountId> = supports.0.iter().map(|(who, _)| *who).collect();
		winners.sort();
		assert_eq!(winners, vec![20, 30]);
		assert_eq!(supports.0.iter().map(|(_, s)| s.total).sum::<u128>(), 150);
		assert!(supports.0.iter().all(|(_, s)| s.voters.is_empty()));
		// Every page is gone with the round.
		assert!(MultiPhase::snapshot_voters().is_empty());
		assert_eq!(PagedVoterSnapshotHash::<Runtime>::iter().count(), 0);
	});
}

#[test]
fn the_snapshot_takes_at_most_pages_times_the_page_size() {
	SnapshotPages::set(2);
	VotersPerPage::set(2);
	execute(|| {
		roll_to(13);
		assert_eq!(MultiPhase::max_electing_voters(), 4);
		// The largest four (the provider's first four); voter 5 does not fit.
		let all: Vec<AccountId> = MultiPhase::snapshot_voters().iter().map(|v| v.0).collect();
		assert_eq!(all, vec![1, 2, 3, 4]);
	});
}

#[test]
fn an_empty_page_is_absent_but_hashed() {
	SnapshotPages::set(4);
	VotersPerPage::set(2);
	execute(|| {
		roll_to(13);
		// Five voters fill pages 3, 2 and half of 1; page 0 is empty.
		assert_eq!(accounts(1), vec![5]);
		assert!(PagedVoterSnapshot::<Runtime>::get(0).is_none());
		let empty: Vec<SnapshotVoterOf<Runtime>> = Vec::new();
		assert_eq!(
			PagedVoterSnapshotHash::<Runtime>::get(0),
			Some(sp_core::H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&empty))))
		);
	});
}

#[test]
fn a_round_too_late_to_take_its_pages_does_not_open_and_the_fallback_takes_the_top_page() {
	three_pages_of_two();
	execute(|| {
		// The chain starts 3 blocks before the election: too late for the targets and three
		// pages.
		System::set_block_number(27);
		roll_to(29);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		roll_to(30);
		let supports = MultiPhase::elect(0).unwrap();
		// The fallback elected from the top page only (voters 1 and 2).
		let backers: Vec<AccountId> =
			supports.0.iter().flat_map(|(_, s)| s.voters.iter().map(|(who, _)| *who)).collect();
		assert!(backers.iter().all(|who| [1, 2].contains(who)), "{backers:?}");
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized { round: 1, compute: ElectionCompute::Fallback, .. }
		)));
	});
}

#[test]
fn a_page_the_data_provider_fails_abandons_the_round() {
	three_pages_of_two();
	execute(|| {
		roll_to(11);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 1 });
		VotersFail::set(true);
		roll_to(12);
		// Nothing half-taken is left; the round does not run.
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert!(SnapshotSize::<Runtime>::get().is_none());
		assert_eq!(PagedVoterSnapshotHash::<Runtime>::iter().count(), 0);
		roll_to(20);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		VotersFail::set(false);
	});
}

#[test]
fn a_tampered_page_breaks_the_invariants() {
	three_pages_of_two();
	execute(|| {
		roll_to(13);
		PagedVoterSnapshot::<Runtime>::mutate(1, |page| {
			if let Some(page) = page {
				page[0].1 += 1;
			}
		});
		assert!(MultiPhase::do_try_state().is_err());
		// Put it back for the closing check.
		PagedVoterSnapshot::<Runtime>::mutate(1, |page| {
			if let Some(page) = page {
				page[0].1 -= 1;
			}
		});
	});
}

#[test]
fn targets_are_taken_page_by_page_before_the_voters() {
	// Two target pages of two (at most four targets), one voter page.
	MaxTargets::set(4);
	TargetsPerPage::set(2);
	execute(|| {
		assert_eq!(MultiPhase::target_pages(), 2);
		// Two target blocks and one voter block before the signed phase's first block (13):
		// target page 1 at 11, target page 0 at 12, voter page 0 with the signed phase at 13.
		roll_to(10);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		roll_to(11);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::TargetSnapshot { page: 0 });
		assert_eq!(SnapshotTargets::<Runtime>::get().unwrap().to_vec(), vec![10, 20]);
		assert!(DesiredTargets::<Runtime>::get().is_none());
		roll_to(12);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Snapshot { page: 0 });
		assert_eq!(SnapshotTargets::<Runtime>::get().unwrap().to_vec(), vec![10, 20, 30]);
		assert_eq!(
			SnapshotSize::<Runtime>::get(),
			Some(SnapshotMetadata { voters: 0, targets: 3 })
		);
		assert_eq!(DesiredTargets::<Runtime>::get(), Some(2));
		roll_to(13);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Signed { until: 23 });
		assert_eq!(
			SnapshotSize::<Runtime>::get(),
			Some(SnapshotMetadata { voters: 5, targets: 3 })
		);
	});
}

#[test]
fn a_target_page_the_data_provider_fails_abandons_the_round() {
	MaxTargets::set(4);
	TargetsPerPage::set(2);
	execute(|| {
		roll_to(11);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::TargetSnapshot { page: 0 });
		TargetsFail::set(true);
		roll_to(12);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert!(SnapshotTargets::<Runtime>::get().is_none());
		TargetsFail::set(false);
	});
}

/// With `OnChainPages` 1 of 3 pages, what is computed on chain reads only the top page (voters
/// 1 and 2, the largest page): an unsigned solution indexes those two, and the fallback elects
/// from them.
#[test]
fn unsigned_and_the_fallback_read_only_the_top_pages() {
	three_pages_of_two();
	OnChainPagesBound::set(1);
	execute(|| {
		roll_to(25);
		assert_eq!(MultiPhase::on_chain_pages(), 1);
		let top: Vec<AccountId> = MultiPhase::on_chain_voters().iter().map(|v| v.0).collect();
		assert_eq!(top, vec![1, 2]);
		// Index 2 would be voter 3 of the whole snapshot; on chain there are two voters.
		let witness = SnapshotSize::<Runtime>::get().unwrap();
		let beyond = RawSolution {
			solution: TestSolution { votes1: vec![(0, 0), (2, 1)], ..Default::default() },
			score: sp_npos_elections::ElectionScore {
				minimal_stake: 10,
				sum_stake: 40,
				sum_stake_squared: 1_000,
			},
			round: 1,
		};
		frame_support::assert_noop!(
			MultiPhase::submit_unsigned(
				frame_system::RawOrigin::Authorized.into(),
				Box::new(beyond),
				witness
			),
			Error::<Runtime>::Infeasible(FeasibilityError::InvalidVoterIndex)
		);
		// Nothing queued: the fallback elects from voters 1 (10; votes 10, 20) and 2 (20; 10,
		// 30). Sequential Phragmén takes 10 (approval 30), then 30 (score (1 + 20/30) / 20
		// against 20's (1 + 10/30) / 10); both voters back 10, so the totals hold their 30.
		roll_to(30);
		let supports = MultiPhase::elect(0).unwrap();
		let mut winners: Vec<AccountId> = supports.0.iter().map(|(who, _)| *who).collect();
		winners.sort();
		assert_eq!(winners, vec![10, 30]);
		assert_eq!(supports.0.iter().map(|(_, s)| s.total).sum::<u128>(), 30);
	});
}
