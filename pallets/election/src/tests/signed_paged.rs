//! Signed claims over several pages: registered with a score, their pages sent one by one,
//! verified a bounded number of pages per block, best claim first; every fraud within a page
//! and across pages slashed, an honest claim never.
//!
//! The snapshot here has three pages of two voters (the mock's five voters: page 2 holds
//! voters 1 (stake 10, votes 10, 20) and 2 (20; 10, 30), page 1 voters 3 (30; 20) and 4 (40;
//! 30), page 0 voter 5 (50; 10, 20, 30)); targets 10, 20, 30 (indices 0, 1, 2); two winners.

use crate::{mock::*, paged::WinnerBacking, *};
use codec::Encode;
use frame_election_provider_support::ElectionProvider;
use frame_support::{assert_noop, assert_ok};
use frame_support::{traits::Hooks, weights::Weight};
use sp_npos_elections::ElectionScore;

fn three_pages_of_two() {
	SnapshotPages::set(3);
	VotersPerPage::set(2);
}

/// A claim chosen by hand: 20 and 30 win. Page 2: voter 1 backs 20, voter 2 backs 30; page
/// 1: voter 3 backs 20, voter 4 backs 30; page 0: voter 5 backs 20. Backing: 20 has
/// 10 + 30 + 50 = 90 from voters 1, 3 and 5; 30 has 20 + 40 = 60 from voters 2 and 4.
fn by_hand() -> Vec<(u32, TestSolution)> {
	vec![
		(2, TestSolution { votes1: vec![(0, 1), (1, 2)], ..Default::default() }),
		(1, TestSolution { votes1: vec![(0, 1), (1, 2)], ..Default::default() }),
		(0, TestSolution { votes1: vec![(0, 1)], ..Default::default() }),
	]
}

/// The score of [`by_hand`]: (60, 90 + 60, 90^2 + 60^2).
const BY_HAND: ElectionScore =
	ElectionScore { minimal_stake: 60, sum_stake: 150, sum_stake_squared: 8_100 + 3_600 };

fn register(who: AccountId, score: ElectionScore) -> sp_runtime::DispatchResult {
	MultiPhase::register(RuntimeOrigin::signed(who), score, fingerprint())
}

fn page(who: AccountId, page: u32, solution: TestSolution) -> sp_runtime::DispatchResult {
	MultiPhase::submit_page(RuntimeOrigin::signed(who), page, Some(Box::new(solution)))
}

fn claim(who: AccountId, score: ElectionScore, pages: Vec<(u32, TestSolution)>) {
	assert_ok!(register(who, score));
	for (index, solution) in pages {
		assert_ok!(page(who, index, solution));
	}
}

fn slashed(events: &[Event<Runtime>]) -> Vec<(AccountId, FeasibilityError)> {
	events
		.iter()
		.filter_map(|event| match event {
			Event::Slashed { who, error, .. } => Some((*who, *error)),
			_ => None,
		})
		.collect()
}

#[test]
fn a_claim_is_verified_page_by_page_over_blocks_and_wins() {
	three_pages_of_two();
	execute(|| {
		roll_to(13);
		claim(1, BY_HAND, by_hand());
		// Base 100, and per page its length + 10 (a started millisecond) + 2 (a started KiB).
		let pages: Balance = by_hand().iter().map(|(_, s)| s.encoded_size() as Balance + 12).sum();
		assert_eq!(held(1), 100 + pages);
		let free = Balances::free_balance(1);
		events();
		roll_to(23);
		// Two pages per block: pages 2 and 1 in the window's first block. 20 (index 1) has
		// 10 + 30 from voters 1 and 3, 30 (index 2) 20 + 40 from voters 2 and 4.
		assert_eq!(
			SignedVerification::<Runtime>::get(),
			Some(Verification {
				index: 0,
				page: 0,
				backings: frame_support::BoundedVec::truncate_from(vec![
					WinnerBacking { target: 1, total: 40, backers: 2 },
					WinnerBacking { target: 2, total: 60, backers: 2 },
				]),
			})
		);
		assert!(QueuedSolution::<Runtime>::get().is_none());
		assert_noop!(page(1, 0, by_hand()[2].1.clone()), Error::<Runtime>::NotSignedPhase);
		roll_to(24);
		// Page 0 adds voter 5's 50 to 20, and the claim is concluded.
		let evs = events();
		// The reward, 7, and the fees of its four calls (register and three pages), 8 each.
		assert!(evs.contains(&Event::Rewarded { round: 1, who: 1, reward: 7 + 32 }));
		assert_eq!((held(1), Balances::free_balance(1)), (0, free + 100 + pages + 39));
		let queued = QueuedSolution::<Runtime>::get().unwrap();
		assert_eq!(queued.score, BY_HAND);
		assert!(SignedVerification::<Runtime>::get().is_none());
		roll_to(30);
		let supports = MultiPhase::elect(0).unwrap();
		let totals: Vec<(AccountId, u128)> =
			supports.into_iter().map(|(who, support)| (who, support.total)).collect();
		assert_eq!(totals, vec![(20, 90), (30, 60)]);
	});
}

#[test]
fn a_mined_paged_claim_is_never_slashed() {
	three_pages_of_two();
	PagesPerBlock::set(3);
	execute(|| {
		roll_to(13);
		let paged = mine_paged();
		assert_ok!(register(1, paged.score));
		for (index, solution) in paged.pages.clone() {
			assert_ok!(page(1, index, solution));
		}
		events();
		roll_to(23);
		let evs = events();
		assert!(slashed(&evs).is_empty());
		assert!(evs.iter().any(|e| matches!(e, Event::Rewarded { who: 1, .. })));
		assert_eq!(QueuedSolution::<Runtime>::get().unwrap().score, paged.score);
	});
}

#[test]
fn a_claim_without_its_pages_is_slashed_when_checked() {
	three_pages_of_two();
	PagesPerBlock::set(3);
	execute(|| {
		roll_to(13);
		// 2 registers and never sends a page; 3 sends all but page 0 (voter 5's 50 missing
		// from 20: the pages give (40, 100, 40^2 + 60^2), not the claim).
		assert_ok!(register(2, BY_HAND));
		claim(3, BY_HAND, by_hand().into_iter().take(2).collect());
		// The base of an empty queue (100), of a queue of one (110) and the pages' deposits.
		assert_eq!(held(2), 100);
		let pages: Balance =
			by_hand().iter().take(2).map(|(_, s)| s.encoded_size() as Balance + 12).sum();
		assert_eq!(held(3), 110 + pages);
		let (free_2, free_3) = (Balances::free_balance(2), Balances::free_balance(3));
		events();
		// Three pages per block: claim 2 (equal scores: the earlier first) in the window's
		// first block, claim 3 in the second.
		roll_to(24);
		assert_eq!(
			slashed(&events()),
			vec![(2, FeasibilityError::WrongWinnerCount), (3, FeasibilityError::InvalidScore)]
		);
		assert_eq!((held(2), Balances::free_balance(2)), (0, free_2));
		assert_eq!((held(3), Balances::free_balance(3)), (0, free_3));
		assert!(QueuedSolution::<Runtime>::get().is_none());
	});
}

#[test]
fn every_fraud_across_pages_is_slashed() {
	type Case = (&'static str, ElectionScore, Vec<(u32, TestSolution)>, FeasibilityError);
	let mut claim_by_hand = by_hand();
	// The whole snapshot's voter indices used in a page: voter 5 is index 4 of the snapshot,
	// but page 0 has one voter.
	claim_by_hand[2].1 = TestSolution { votes1: vec![(4, 1)], ..Default::default() };
	let global_index = claim_by_hand;
	// Each page within the desired two winners, but 10, 20 and 30 over the pages.
	let three_winners = vec![
		(2, TestSolution { votes1: vec![(0, 0), (1, 0)], ..Default::default() }),
		(1, TestSolution { votes1: vec![(0, 1), (1, 2)], ..Default::default() }),
	];
	// Page 1's solution sent as page 2: voter indices 0 and 1 of page 2 are voters 1 and 2,
	// and voter 2 did not vote for 20.
	let mut swapped = by_hand();
	swapped[0].1 = TestSolution { votes1: vec![(0, 2), (1, 1)], ..Default::default() };
	let cases: Vec<Case> = vec![
		(
			"claimed score above the pages'",
			ElectionScore { minimal_stake: 61, ..BY_HAND },
			by_hand(),
			FeasibilityError::InvalidScore,
		),
		(
			"a page indexed over the whole snapshot",
			BY_HAND,
			global_index,
			FeasibilityError::InvalidVoterIndex,
		),
		(
			"more winners over the pages than desired",
			BY_HAND,
			three_winners,
			FeasibilityError::WrongWinnerCount,
		),
		("a vote outside the voter's list", BY_HAND, swapped, FeasibilityError::InvalidVote),
	];
	for (case, score, pages, error) in cases {
		three_pages_of_two();
		PagesPerBlock::set(3);
		execute(|| {
			roll_to(13);
			claim(1, score, pages);
			let deposit = held(1);
			events();
			roll_to(23);
			let evs = events();
			assert!(
				evs.contains(&Event::Slashed { round: 1, who: 1, amount: deposit, error }),
				"{case}: {evs:?}"
			);
			assert_eq!(held(1), 0);
		});
	}
}

#[test]
fn backers_are_bounded_over_all_pages() {
	// 20 has three backers, one per page; two are allowed.
	three_pages_of_two();
	PagesPerBlock::set(3);
	MaxBackers::set(2);
	execute(|| {
		roll_to(13);
		claim(1, BY_HAND, by_hand());
		events();
		roll_to(23);
		assert_eq!(slashed(&events()), vec![(1, FeasibilityError::TooManyBackings)]);
	});
}

#[test]
fn the_best_claim_is_verified_first_and_the_rest_refunded() {
	three_pages_of_two();
	PagesPerBlock::set(3);
	execute(|| {
		roll_to(13);
		// 1: the true claim. 2: a higher claim with the same pages. 3: a lower claim.
		claim(1, BY_HAND, by_hand());
		claim(2, ElectionScore { minimal_stake: 70, ..BY_HAND }, by_hand());
		assert_ok!(register(3, ElectionScore { minimal_stake: 50, ..BY_HAND }));
		let (deposit_2, deposit_3) = (held(2), held(3));
		events();
		roll_to(23);
		let evs = events();
		assert_eq!(slashed(&evs), vec![(2, FeasibilityError::InvalidScore)]);
		assert!(!evs.iter().any(|e| matches!(e, Event::Rewarded { .. })));
		assert_eq!(held(2), 0);
		let _ = deposit_2;
		roll_to(24);
		let evs = events();
		assert!(evs.contains(&Event::Rewarded { round: 1, who: 1, reward: 7 + 32 }));
		// 3 is refunded with its one call's fee (it is among the best two left).
		assert!(evs.contains(&Event::Refunded { round: 1, who: 3, deposit: deposit_3, fee: 8 }));
	});
}

#[test]
fn bailing_forfeits_the_base_deposit_and_returns_the_pages() {
	three_pages_of_two();
	execute(|| {
		roll_to(13);
		claim(2, BY_HAND, vec![]);
		claim(1, ElectionScore { minimal_stake: 59, ..BY_HAND }, by_hand());
		// 1 entered a queue of one: base 110.
		let pages: Balance = by_hand().iter().map(|(_, s)| s.encoded_size() as Balance + 12).sum();
		assert_eq!(held(1), 110 + pages);
		let free = Balances::free_balance(1);
		events();
		assert_ok!(MultiPhase::bail(RuntimeOrigin::signed(1)));
		// The base is forfeited at once; the pages' deposits stay held while the pages are
		// stored, so whoever fills storage pays for it as long as it lasts.
		assert!(events().contains(&Event::Bailed {
			round: 1,
			who: 1,
			forfeited: 110,
			returned: 0
		}));
		assert_eq!((held(1), Balances::free_balance(1)), (pages, free));
		// The claim is gone at once; its three pages wait for the clean-up in `on_idle`,
		// `ClearPagesPerBlock` (3) steps a block, charged what it did: the three pages in the
		// first block, the claim finished (its deposits released) in the second.
		assert_eq!(SignedSubmissionPages::<Runtime>::iter().count(), 3);
		assert_eq!(StaleClaimPages::<Runtime>::iter().count(), 1);
		let next = System::block_number() + 1;
		System::set_block_number(next);
		let charged = MultiPhase::on_idle(next, Weight::MAX);
		assert_eq!(charged, <() as crate::WeightInfo>::clear_stale_pages(3));
		assert_eq!(SignedSubmissionPages::<Runtime>::iter().count(), 0);
		assert_eq!(SignedSubmissionPageRecords::<Runtime>::iter().count(), 0);
		assert_eq!(held(1), pages);
		assert_eq!(
			MultiPhase::on_idle(next + 1, Weight::MAX),
			<() as crate::WeightInfo>::clear_stale_pages(1)
		);
		assert_eq!(StaleClaimPages::<Runtime>::iter().count(), 0);
		assert_eq!((held(1), Balances::free_balance(1)), (0, free + pages));
		assert!(events().contains(&Event::PagesDeleted { index: 1, who: 1, released: pages }));
		// No room in the block: nothing deleted, nothing charged.
		assert_eq!(MultiPhase::on_idle(next + 1, Weight::zero()), Weight::zero());
		let queue: Vec<AccountId> =
			SignedSubmissionIndices::<Runtime>::get().iter().map(|e| e.who).collect();
		assert_eq!(queue, vec![2]);
		assert_noop!(MultiPhase::bail(RuntimeOrigin::signed(1)), Error::<Runtime>::NotRegistered);
		// It may register again, into a queue of one.
		assert_ok!(register(1, BY_HAND));
		assert_eq!(held(1), 110);
	});
}

#[test]
fn a_claim_still_being_verified_when_the_window_ends_is_refunded() {
	// One page per block cannot check three pages in a window of two blocks (a runtime's
	// `integrity_test` refuses this; a runtime upgrade could still shorten a window): the claim
	// left half-checked is not the submitter's fault.
	three_pages_of_two();
	PagesPerBlock::set(1);
	execute(|| {
		roll_to(13);
		claim(1, BY_HAND, by_hand());
		let deposit = held(1);
		events();
		roll_to(24);
		assert_eq!(SignedVerification::<Runtime>::get().map(|v| v.page), Some(0));
		roll_to(25);
		let evs = events();
		assert!(evs.contains(&Event::Refunded { round: 1, who: 1, deposit, fee: 0 }));
		assert!(slashed(&evs).is_empty());
		assert_eq!(held(1), 0);
		assert!(SignedVerification::<Runtime>::get().is_none());
	});
}

#[test]
fn the_window_can_check_every_page_of_a_full_queue() {
	three_pages_of_two();
	// Four claims of three pages in a window of two blocks: six pages per block are needed.
	PagesPerBlock::set(5);
	let refused = std::panic::catch_unwind(|| {
		new_test_ext().execute_with(|| {
			<MultiPhase as frame_support::traits::Hooks<BlockNumber>>::integrity_test()
		})
	});
	assert!(refused.is_err());
	PagesPerBlock::set(6);
	new_test_ext().execute_with(|| {
		<MultiPhase as frame_support::traits::Hooks<BlockNumber>>::integrity_test()
	});
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	/// 2 to 12 voters (accounts from 1,000) with 1 to 4 votes among 3 to 6 targets (from
	/// 2,000), stakes 1 to 1,000; 1 to 4 pages; 1 to 3 winners.
	fn round(
	) -> impl Strategy<Value = (Vec<(AccountId, u64, Vec<AccountId>)>, Vec<AccountId>, u32, u32)> {
		(3u64..=6, 2usize..=12, 1u32..=4, 1u32..=3).prop_flat_map(
			|(targets, voters, pages, desired)| {
				let votes =
					proptest::collection::btree_set(0..targets, 1..=4usize.min(targets as usize));
				(
					proptest::collection::vec((1u64..=1_000, votes), voters),
					Just(targets),
					Just(pages),
					Just(desired),
				)
					.prop_map(|(voters, targets, pages, desired)| {
						let voters = voters
							.into_iter()
							.enumerate()
							.map(|(i, (stake, votes))| {
								(
									1_000 + i as u64,
									stake,
									votes.into_iter().map(|t| 2_000 + t).collect(),
								)
							})
							.collect();
						(voters, (0..targets).map(|t| 2_000 + t).collect(), pages, desired)
					})
			},
		)
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

		/// On random paged snapshots: three frauds (a claim above what its pages give, a
		/// claim missing its largest page, a page naming a voter beyond its page) registered
		/// ahead of an honest mined claim are all reached and slashed; the honest claim is
		/// never slashed and wins.
		#[test]
		fn every_fraud_is_slashed_and_the_honest_claim_never_is(
			(voters, targets, pages, desired) in round()
		) {
			let voted: std::collections::BTreeSet<AccountId> =
				voters.iter().flat_map(|(_, _, votes)| votes.iter().copied()).collect();
			prop_assume!(voted.len() >= desired as usize);
			let per_page = (voters.len() as u32).div_ceil(pages);
			Voters::set(voters);
			Targets::set(targets);
			Desired::set(desired);
			SnapshotPages::set(pages);
			VotersPerPage::set(per_page);
			// Four claims of up to four pages in a window of two blocks.
			PagesPerBlock::set(8);
			new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
				roll_to(13);
				let honest = mine_paged();
				let fingerprint = fingerprint();
				let mut frauds: Vec<(AccountId, ElectionScore, Vec<(u32, TestSolution)>)> = Vec::new();
				// 2: a higher claim than the pages give (still plausible: one more unit of
				// total and the squares it allows).
				let mut inflated = honest.score;
				inflated.sum_stake += 1;
				inflated.sum_stake_squared = inflated.sum_stake_squared.max(
					(inflated.sum_stake * inflated.sum_stake).div_ceil(desired as u128),
				);
				frauds.push((2, inflated, honest.pages.clone()));
				// 3: the honest claim without its largest page.
				frauds.push((3, honest.score, honest.pages.iter().skip(1).cloned().collect()));
				// 4: the honest pages, the first naming a voter one past the end of its page.
				let mut beyond = honest.pages.clone();
				let (page, solution) = &mut beyond[0];
				let winner = frame_election_provider_support::NposSolution::unique_targets(solution)[0];
				solution.votes1.push((MultiPhase::voter_page(*page).len() as u32, winner));
				frauds.push((4, honest.score, beyond));
				let mut entered = Vec::new();
				for (who, score, claim_pages) in frauds.into_iter().chain([(1, honest.score, honest.pages.clone())]) {
					if MultiPhase::register(RuntimeOrigin::signed(who), score, fingerprint).is_err() {
						// Refused before any deposit (an implausible score): nothing to slash.
						prop_assert!(who != 1, "the honest claim was refused");
						continue;
					}
					for (page, solution) in claim_pages {
						prop_assert!(
							MultiPhase::submit_page(RuntimeOrigin::signed(who), page, Some(Box::new(solution))).is_ok(),
							"a page of {} refused", who
						);
					}
					entered.push(who);
				}
				events();
				roll_to(25);
				let evs = events();
				let slashed: Vec<AccountId> = slashed(&evs).into_iter().map(|(who, _)| who).collect();
				let frauds: Vec<AccountId> = entered.iter().copied().filter(|who| *who != 1).collect();
				prop_assert_eq!(slashed, frauds);
				let rewarded = evs.iter().any(|e| matches!(e, Event::Rewarded { who: 1, .. }));
				prop_assert!(rewarded, "the honest claim was not rewarded");
				prop_assert_eq!(QueuedSolution::<Runtime>::get().map(|q| q.score), Some(honest.score));
				prop_assert!(MultiPhase::do_try_state().is_ok());
				Ok(())
			})?;
		}
	}
}
