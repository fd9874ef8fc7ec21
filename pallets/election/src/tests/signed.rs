//! The signed phase with one page (the mock's default): a claim is registered and its one page
//! sent, as the whole solutions were before claims were paged. Checks at registration and at a
//! page, deposits, the queue, validation over blocks. Claims over several pages are tested in
//! `signed_paged`.

use crate::{mock::*, *};
use codec::Encode;
use frame_election_provider_support::ElectionProvider;
use frame_support::{assert_noop, assert_ok, traits::Hooks, weights::Weight};
use sp_npos_elections::ElectionScore;

/// Register `raw`'s claimed score and send its solution as page 0.
fn submit(who: AccountId, raw: RawSolution<TestSolution>) -> sp_runtime::DispatchResult {
	MultiPhase::register(RuntimeOrigin::signed(who), raw.score, fingerprint())?;
	MultiPhase::submit_page(RuntimeOrigin::signed(who), 0, Some(Box::new(raw.solution)))
}

/// Weight of a page in the mock: 1_000_000 per active voter + 1_000 * (5 + 3 + 2) ref time,
/// 64 bytes of proof per active voter and the page's own bytes.
fn mock_weight(raw: &RawSolution<TestSolution>) -> Weight {
	let active = voter_count(raw) as u64;
	Weight::from_parts(
		1_000_000 * active + 10_000,
		64 * active + raw.solution.encoded_size() as u64,
	)
}

#[test]
fn the_base_deposit_grows_geometrically_with_the_queue() {
	execute(|| {
		// 100, then +10% rounded up each time: 110, 121, 121 + ceil(12.1) = 134.
		let bases: Vec<Balance> =
			(0..4).map(|len| MultiPhase::deposit_for(len, 0, Weight::zero())).collect();
		assert_eq!(bases, vec![100, 110, 121, 134]);
		// Per byte 1, per started millisecond 10, per started KiB of proof 2.
		assert_eq!(
			MultiPhase::deposit_for(0, 50, Weight::from_parts(1_000_000_001, 1025)),
			100 + 50 + 20 + 4
		);
	});
}

#[test]
fn a_claim_holds_its_base_and_its_page_its_own_deposit() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		let length = raw.solution.encoded_size() as Balance;
		// Under a millisecond and under a KiB: base 100, the page length + 10 + 2.
		assert!(
			mock_weight(&raw).ref_time() < 1_000_000_000 && mock_weight(&raw).proof_size() < 1024
		);
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(1), raw.score, fingerprint()));
		assert_eq!(held(1), 100);
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(1),
			0,
			Some(Box::new(raw.solution.clone()))
		));
		assert_eq!(held(1), 112 + length);
		let evs = events();
		assert!(evs.contains(&Event::Registered {
			round: 1,
			who: 1,
			score: raw.score,
			prev_ejected: false
		}));
		assert!(evs.contains(&Event::PageStored {
			round: 1,
			who: 1,
			page: 0,
			deposit: 12 + length
		}));
		// Sending the page again replaces it: the same deposit, held once.
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(1),
			0,
			Some(Box::new(raw.solution.clone()))
		));
		assert_eq!(held(1), 112 + length);
		// The claim counts the fees of its register call and of the call that stored its page
		// (8 each in the mock), not of every replacement.
		assert_eq!(SignedSubmissionsMap::<Runtime>::get(0).unwrap().call_fee, 16);
		// Removing it returns its deposit; sending it again holds it again.
		assert_ok!(MultiPhase::submit_page(RuntimeOrigin::signed(1), 0, None));
		assert_eq!(SignedSubmissionsMap::<Runtime>::get(0).unwrap().call_fee, 8);
		assert_eq!(held(1), 100);
		assert!(events().contains(&Event::PageRemoved {
			round: 1,
			who: 1,
			page: 0,
			deposit: 12 + length
		}));
		assert_noop!(
			MultiPhase::submit_page(RuntimeOrigin::signed(1), 0, None),
			Error::<Runtime>::InvalidPage
		);
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(1),
			0,
			Some(Box::new(raw.solution.clone()))
		));
		assert_eq!(SignedSubmissionsMap::<Runtime>::get(0).unwrap().call_fee, 16);
		// The second pays the base of a queue of one: 110.
		assert_ok!(submit(2, raw));
		assert_eq!(held(2), 122 + length);
	});
}

#[test]
fn submissions_are_checked_at_once() {
	execute(|| {
		// Not in the signed phase.
		roll_to(5);
		assert_noop!(
			MultiPhase::register(RuntimeOrigin::signed(1), Default::default(), Default::default()),
			Error::<Runtime>::NotSignedPhase
		);
		assert_noop!(
			MultiPhase::submit_page(RuntimeOrigin::signed(1), 0, None),
			Error::<Runtime>::NotSignedPhase
		);
		assert_noop!(MultiPhase::bail(RuntimeOrigin::signed(1)), Error::<Runtime>::NotSignedPhase);
		roll_to(13);
		let raw = mine();
		assert_noop!(
			MultiPhase::register(RuntimeOrigin::signed(1), raw.score, Default::default()),
			Error::<Runtime>::WrongFingerprint
		);
		let page = |who: AccountId, page: u32, solution: TestSolution| {
			MultiPhase::submit_page(RuntimeOrigin::signed(who), page, Some(Box::new(solution)))
		};
		// Pages need a claim.
		assert_noop!(page(1, 0, raw.solution.clone()), Error::<Runtime>::NotRegistered);
		assert_noop!(MultiPhase::bail(RuntimeOrigin::signed(1)), Error::<Runtime>::NotRegistered);
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(1), raw.score, fingerprint()));
		// One page (page 0) in the mock.
		assert_noop!(page(1, 1, raw.solution.clone()), Error::<Runtime>::InvalidPage);
		// A page with three winners where two are desired, and one with none.
		let three = TestSolution { votes1: vec![(0, 0), (2, 1), (3, 2)], ..Default::default() };
		assert_noop!(page(1, 0, three), Error::<Runtime>::PageWinnerCount);
		assert_noop!(page(1, 0, TestSolution::default()), Error::<Runtime>::PageWinnerCount);
		MinerMaxLength::set(raw.solution.encoded_size() as u32 - 1);
		assert_noop!(page(1, 0, raw.solution.clone()), Error::<Runtime>::TooLong);
		MinerMaxLength::set(10_000);
		MinerMaxWeight::set(Weight::from_parts(1_000, u64::MAX));
		assert_noop!(page(1, 0, raw.solution.clone()), Error::<Runtime>::TooHeavy);
		MinerMaxWeight::set(Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
		// Account 1 cannot pay a page deposit once its free balance is gone (the existential
		// deposit of 1 stays).
		let free = Balances::free_balance(1);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(1), 99, free - 2));
		assert_noop!(page(1, 0, raw.solution.clone()), Error::<Runtime>::CannotPayDeposit);
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(99), 1, free - 2));
		assert_ok!(MultiPhase::bail(RuntimeOrigin::signed(1)));
		assert_ok!(MultiPhase::set_minimum_untrusted_score(
			RuntimeOrigin::root(),
			Some(ElectionScore {
				minimal_stake: raw.score.minimal_stake + 1,
				..Default::default()
			})
		));
		assert_noop!(submit(2, raw.clone()), Error::<Runtime>::ScoreTooLow);
		assert_ok!(MultiPhase::set_minimum_untrusted_score(RuntimeOrigin::root(), None));
		// Account 77 has no funds.
		assert_noop!(submit(77, raw.clone()), Error::<Runtime>::CannotPayDeposit);
		assert_ok!(submit(2, raw.clone()));
		assert_noop!(submit(2, raw), Error::<Runtime>::DuplicateSubmission);
	});
}

#[test]
fn a_full_queue_ejects_the_weakest_only_for_a_clearly_better_solution() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		for who in 1..=4 {
			assert_ok!(submit(who, raw.clone()));
		}
		// Equal: refused (ties do not favour the newcomer).
		assert_noop!(submit(5, raw.clone()), Error::<Runtime>::QueueFull);
		// Better, but by less than 10%: refused.
		let mut slightly = raw.clone();
		slightly.score.minimal_stake += raw.score.minimal_stake / 20;
		assert_noop!(submit(5, slightly), Error::<Runtime>::QueueFull);
		// Better by more than 10%: the weakest goes. Among equals the latest is the weakest.
		let mut better = raw.clone();
		better.score.minimal_stake += raw.score.minimal_stake / 5 + 1;
		let deposit_4 = held(4);
		let index_4 = SignedSubmissionIndices::<Runtime>::get()
			.iter()
			.find(|e| e.who == 4)
			.map(|e| e.index)
			.unwrap();
		let page_deposit_4: Balance = SignedSubmissionPageRecords::<Runtime>::iter_prefix(index_4)
			.map(|(_, record)| record.deposit)
			.sum();
		assert!(page_deposit_4 > 0);
		let before = Balances::free_balance(4);
		assert_ok!(submit(5, better));
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::SolutionEjected { round: 1, who: 4, .. })));
		// The base deposit comes back at once; the page's stays held until the page is deleted.
		assert_eq!(held(4), page_deposit_4);
		assert_eq!(Balances::free_balance(4), before + deposit_4 - page_deposit_4);
		roll_to(System::block_number() + 1);
		assert_eq!(held(4), 0);
		assert_eq!(Balances::free_balance(4), before + deposit_4);
		assert!(events().contains(&Event::PagesDeleted {
			index: index_4,
			who: 4,
			released: page_deposit_4
		}));
		let queue: Vec<AccountId> =
			SignedSubmissionIndices::<Runtime>::get().iter().map(|e| e.who).collect();
		// Weakest first: 3, 2, 1 (equal scores, latest weakest), then the newcomer.
		assert_eq!(queue, vec![3, 2, 1, 5]);
	});
}

#[test]
fn validation_slashes_invalid_rewards_the_first_valid_and_refunds_the_rest() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		// Account 1: valid. Account 2: claims a higher score than its solution has.
		let mut inflated = raw.clone();
		inflated.score.minimal_stake += 1;
		// Account 3: valid but a weaker claim cannot exist for the same solution, so it submits
		// the same valid solution later (equal score, checked after 1).
		assert_ok!(submit(1, raw.clone()));
		assert_ok!(submit(2, inflated));
		assert_ok!(submit(3, raw.clone()));
		let (deposit_2, deposit_3) = (held(2), held(3));
		let (free_1, free_2, free_3) =
			(Balances::free_balance(1), Balances::free_balance(2), Balances::free_balance(3));
		events();
		roll_to(23);
		// Two checks in the first block of the window: 2 (invalid) then 1 (valid).
		let evs = events();
		assert!(evs.contains(&Event::Slashed {
			round: 1,
			who: 2,
			amount: deposit_2,
			error: FeasibilityError::InvalidScore
		}));
		// The reward, 7, and the fees of its two calls (register and page), 8 each.
		assert!(evs.contains(&Event::Rewarded { round: 1, who: 1, reward: 7 + 16 }));
		// The runner-up left unchecked gets its deposit and its fees (16) back.
		assert!(evs.contains(&Event::Refunded { round: 1, who: 3, deposit: deposit_3, fee: 16 }));
		assert_eq!(Balances::free_balance(1), free_1 + held_before(&raw, 0) + 23);
		assert_eq!(Balances::free_balance(2), free_2);
		assert_eq!(Balances::free_balance(3), free_3 + deposit_3 + 16);
		assert_eq!(held(1) + held(2) + held(3), 0);
		assert_eq!(QueuedSolution::<Runtime>::get().unwrap().score, raw.score);
		roll_to(30);
		assert_ok!(MultiPhase::elect(0));
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized { round: 1, compute: ElectionCompute::Signed, .. }
		)));
	});
}

/// The deposit account 1 paid when it entered a queue of `len`.
fn held_before(raw: &RawSolution<TestSolution>, len: u32) -> Balance {
	MultiPhase::deposit_for(len, raw.solution.encoded_size() as u32, mock_weight(raw))
}

#[test]
fn validation_is_spread_over_the_window() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		// Three invalid claims above one valid solution: two checks per block.
		for (who, extra) in [(1u64, 3u128), (2, 2), (3, 1)] {
			let mut bad = raw.clone();
			bad.score.minimal_stake += extra;
			assert_ok!(submit(who, bad));
		}
		assert_ok!(submit(4, raw.clone()));
		events();
		roll_to(23);
		let slashed: Vec<AccountId> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::Slashed { who, .. } => Some(who),
				_ => None,
			})
			.collect();
		assert_eq!(slashed, vec![1, 2]);
		assert!(QueuedSolution::<Runtime>::get().is_none());
		roll_to(24);
		let evs = events();
		assert!(evs.iter().any(|e| matches!(e, Event::Slashed { who: 3, .. })));
		assert!(evs.iter().any(|e| matches!(e, Event::Rewarded { who: 4, .. })));
		assert!(QueuedSolution::<Runtime>::get().is_some());
	});
}

#[test]
fn with_no_valid_submission_all_are_slashed_and_the_fallback_elects() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		// Four invalid claims fill the queue; the window (2 blocks x 2 checks) checks them all.
		for (who, extra) in [(1u64, 4u128), (2, 3), (3, 2), (4, 1)] {
			let mut bad = raw.clone();
			bad.score.minimal_stake += extra;
			assert_ok!(submit(who, bad));
		}
		events();
		roll_to(25);
		let slashed: Vec<AccountId> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::Slashed { who, .. } => Some(who),
				_ => None,
			})
			.collect();
		assert_eq!(slashed, vec![1, 2, 3, 4]);
		assert!(SignedSubmissionIndices::<Runtime>::get().is_empty());
		assert!(QueuedSolution::<Runtime>::get().is_none());
		roll_to(30);
		assert_ok!(MultiPhase::elect(0));
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ElectionFinalized { round: 1, compute: ElectionCompute::Fallback, .. }
		)));
	});
}

/// Mine, then break the solution in one way that only the full check can see.
fn corrupted(kind: &str) -> RawSolution<TestSolution> {
	let mut raw = mine();
	match kind {
		"misreported score" => raw.score.minimal_stake -= 1,
		"voter index out of range" => {
			let winner =
				frame_election_provider_support::NposSolution::unique_targets(&raw.solution)[0];
			raw.solution.votes1.push((99, winner));
		},
		"duplicate voter" => {
			let entry = raw.solution.votes1.first().copied().expect("a single-vote voter");
			raw.solution.votes1.push(entry);
		},
		"vote outside the voter's list" => {
			// Voter 3 (index 2) voted only for 20 (index 1); give its stake to 30 (index 2),
			// a winner (the mined winners are 20 and 30 or 10 and 30; 30 always wins here).
			raw.solution.votes1.retain(|(v, _)| *v != 2);
			raw.solution.votes2.retain(|(v, _, _)| *v != 2);
			raw.solution.votes3.retain(|(v, _, _)| *v != 2);
			raw.solution.votes1.push((2, 2));
		},
		"duplicate target" => {
			// Voter 5 (index 4) voted for all three; split it over 30 (index 2) twice.
			raw.solution.votes1.retain(|(v, _)| *v != 4);
			raw.solution.votes2.retain(|(v, _, _)| *v != 4);
			raw.solution.votes3.retain(|(v, _, _)| *v != 4);
			raw.solution.votes2.push((4, [(2, sp_runtime::PerU16::from_percent(50))], 2));
		},
		_ => unreachable!(),
	}
	raw
}

#[test]
fn each_fraud_only_the_full_check_sees_is_slashed_in_validation() {
	for (kind, error) in [
		("misreported score", FeasibilityError::InvalidScore),
		("voter index out of range", FeasibilityError::InvalidVoterIndex),
		("duplicate voter", FeasibilityError::DuplicateVoter),
		("vote outside the voter's list", FeasibilityError::InvalidVote),
		("duplicate target", FeasibilityError::DuplicateTarget),
	] {
		execute(|| {
			roll_to(13);
			let raw = corrupted(kind);
			assert_ok!(submit(1, raw.clone()));
			let deposit = held(1);
			let before = Balances::free_balance(1);
			events();
			roll_to(23);
			assert!(
				events().contains(&Event::Slashed { round: 1, who: 1, amount: deposit, error }),
				"{kind} was not slashed with {error:?}"
			);
			assert_eq!(held(1), 0);
			assert_eq!(Balances::free_balance(1), before);
			assert!(QueuedSolution::<Runtime>::get().is_none());
		});
	}
}

#[test]
fn frauds_the_cheap_checks_see_are_refused_before_any_deposit() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		let before = Balances::free_balance(1);
		assert_noop!(
			MultiPhase::register(
				RuntimeOrigin::signed(1),
				raw.score,
				sp_core::H256::repeat_byte(1)
			),
			Error::<Runtime>::WrongFingerprint
		);
		// Scores no solution of this snapshot can have: more backing than the snapshot's 150,
		// a least-backed winner above the average, squares beyond what the sum allows.
		assert_eq!(SnapshotTotalStake::<Runtime>::get(), Some(150));
		let mut beyond_total = raw.clone();
		beyond_total.score.sum_stake = 151;
		let mut minimum_above_average = raw.clone();
		minimum_above_average.score.minimal_stake = raw.score.sum_stake / 2 + 1;
		let mut squares_above_square = raw.clone();
		squares_above_square.score.sum_stake_squared = raw.score.sum_stake.pow(2) + 1;
		let mut squares_below_even = raw.clone();
		squares_below_even.score.sum_stake_squared = raw.score.sum_stake.pow(2) / 2 - 1;
		for implausible in
			[beyond_total, minimum_above_average, squares_above_square, squares_below_even]
		{
			assert_noop!(submit(1, implausible), Error::<Runtime>::ImplausibleScore);
		}
		assert_eq!((Balances::free_balance(1), held(1)), (before, 0));
	});
}

#[test]
fn the_runtime_api_helpers_report_the_queue_and_deposits() {
	execute(|| {
		roll_to(13);
		let raw = mine();
		let length = raw.solution.encoded_size() as u32;
		let weight = mock_weight(&raw);
		assert_eq!(
			MultiPhase::deposit_now(length, weight),
			MultiPhase::deposit_for(0, length, weight)
		);
		assert_eq!(MultiPhase::page_weight(length, voter_count(&raw) as u32), weight);
		assert_ok!(submit(1, raw.clone()));
		let mut better = raw.clone();
		better.score.minimal_stake += 1;
		assert_ok!(submit(2, better));
		// Best first.
		let queue: Vec<(AccountId, u128)> =
			MultiPhase::signed_queue().into_iter().map(|(who, s)| (who, s.minimal_stake)).collect();
		assert_eq!(queue, vec![(2, raw.score.minimal_stake + 1), (1, raw.score.minimal_stake)]);
		assert_eq!(
			MultiPhase::deposit_now(length, weight),
			MultiPhase::deposit_for(2, length, weight)
		);
		// A full queue: the newcomer would eject one, so it pays the base of three queued.
		assert_ok!(submit(3, raw.clone()));
		assert_ok!(submit(4, raw.clone()));
		assert_eq!(
			MultiPhase::deposit_now(length, weight),
			MultiPhase::deposit_for(3, length, weight)
		);
	});
}

#[test]
fn a_minimum_raised_after_submission_discards_without_slashing() {
	// Before: the honest submitter was slashed (`UntrustedScoreTooLow`) when the admin raised
	// the minimum between its submission and the check.
	execute(|| {
		roll_to(13);
		let raw = mine();
		let mut inflated = raw.clone();
		inflated.score.minimal_stake += 1;
		assert_ok!(submit(1, raw.clone()));
		assert_ok!(submit(2, inflated));
		let (deposit_1, deposit_2) = (held(1), held(2));
		let (free_1, free_2) = (Balances::free_balance(1), Balances::free_balance(2));
		let higher = ElectionScore { minimal_stake: raw.score.minimal_stake + 10, ..raw.score };
		assert_ok!(MultiPhase::set_minimum_untrusted_score(RuntimeOrigin::root(), Some(higher)));
		events();
		roll_to(23);
		let evs = events();
		// The false claim is still slashed for being false; the true one only discarded.
		assert!(evs.contains(&Event::Slashed {
			round: 1,
			who: 2,
			amount: deposit_2,
			error: FeasibilityError::InvalidScore
		}));
		assert!(evs.contains(&Event::Discarded {
			round: 1,
			who: 1,
			deposit: deposit_1,
			error: FeasibilityError::UntrustedScoreTooLow
		}));
		assert_eq!((held(1), Balances::free_balance(1)), (0, free_1 + deposit_1));
		assert_eq!((held(2), Balances::free_balance(2)), (0, free_2));
		// Nothing below the new minimum is queued.
		assert!(QueuedSolution::<Runtime>::get().is_none());
	});
}

/// Restores the mock's targets when a test ends.
struct RestoreTargets;
impl Drop for RestoreTargets {
	fn drop(&mut self) {
		Targets::set(vec![10, 20, 30]);
	}
}

#[test]
fn with_nothing_to_elect_no_solution_is_taken_or_rewarded() {
	// Before: with no candidate, an empty solution claiming (u128::MAX, 0, 0) was valid and won
	// the signed reward every round, risk-free.
	let _restore = RestoreTargets;
	Targets::set(vec![]);
	execute(|| {
		roll_to(13);
		assert_eq!(DesiredTargets::<Runtime>::get(), Some(0));
		let empty = RawSolution {
			solution: TestSolution::default(),
			score: ElectionScore { minimal_stake: u128::MAX, sum_stake: 0, sum_stake_squared: 0 },
			round: 1,
		};
		assert_noop!(submit(1, empty), Error::<Runtime>::NothingToElect);
		assert_noop!(
			MultiPhase::register(RuntimeOrigin::signed(1), Default::default(), fingerprint()),
			Error::<Runtime>::NothingToElect
		);
		roll_to(30);
		events();
		// `elect` returns the empty result it is: not a failure, no emergency.
		assert_eq!(MultiPhase::elect(0).map(|supports| supports.len()), Ok(0));
		let evs = events();
		assert!(evs.contains(&Event::ElectionFinalized {
			round: 1,
			compute: ElectionCompute::Fallback,
			score: ElectionScore::default()
		}));
		assert!(!evs.iter().any(|e| matches!(e, Event::Rewarded { .. })));
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
	});
}

#[test]
fn a_validation_step_is_charged_what_it_checks() {
	// Before: a flat fee per check, measured on a tiny solution, whatever the solutions weighed.
	execute(|| {
		roll_to(13);
		let raw = mine();
		let mut bad = raw.clone();
		bad.score.minimal_stake += 1;
		assert_ok!(submit(1, bad.clone()));
		assert_ok!(submit(2, raw.clone()));
		assert_ok!(submit(3, raw.clone()));
		roll_to(22);
		System::set_block_number(23);
		let charged = MultiPhase::on_initialize(23);
		// Two pages checked (1's, slashed, and 2's, which wins) at their own weight, 2
		// concluded, 3 refunded behind the winner (their pages are deleted later, outside the
		// validation blocks).
		let expected = <() as WeightInfo>::on_initialize_validation_step(2)
			.max(<() as WeightInfo>::on_initialize_validation_pages(2))
			.saturating_add(mock_weight(&bad))
			.saturating_add(mock_weight(&raw))
			.saturating_add(<() as WeightInfo>::finalize_signed_winner())
			.saturating_add(<() as WeightInfo>::finalize_signed_refunds(1));
		assert_eq!(charged, expected);
		assert!(QueuedSolution::<Runtime>::get().is_some());
	});
}

#[test]
fn elect_is_charged_the_fallback_when_nothing_is_queued() {
	// Before: `status()` reported `elect`'s own weight only, and the fallback election it runs
	// when nothing was queued went uncharged.
	execute(|| {
		roll_to(25);
		assert!(CurrentPhase::<Runtime>::get().is_unsigned());
		assert!(QueuedSolution::<Runtime>::get().is_none());
		// The snapshot: 5 voters, 3 targets, 2 winners; the mock fallback costs 1_000 per
		// voter, 100 per target and 10_000 per winner.
		// Reading the on-chain pages (`fallback_input`) is charged too.
		let fallback = Weight::from_parts(5 * 1_000 + 3 * 100 + 2 * 10_000, 0);
		let expected = <() as WeightInfo>::elect()
			// The snapshot's pages removed.
			.saturating_add(<() as WeightInfo>::clear_voter_pages(
				<Runtime as crate::Config>::Pages::get(),
			))
			// Each page and its hash deleted: two keys a page, their trie nodes in the proof.
			.saturating_add(Weight::from_parts(
				0,
				2 * u64::from(<Runtime as crate::Config>::Pages::get()) * crate::DELETED_KEY_PROOF,
			))
			.saturating_add(<() as WeightInfo>::fallback_input())
			.saturating_add(fallback);
		assert_eq!(<MultiPhase as ElectionProvider>::status(), Ok(Some(expected)));
		let raw = mine();
		let witness = SnapshotSize::<Runtime>::get().unwrap();
		assert_ok!(MultiPhase::submit_unsigned(
			frame_system::RawOrigin::Authorized.into(),
			Box::new(raw),
			witness
		));
		// Queued: `elect` and its clean-up, no fallback.
		let fallback_part =
			<() as WeightInfo>::fallback_input().saturating_add(fallback).ref_time();
		match <MultiPhase as ElectionProvider>::status() {
			Ok(Some(weight)) => assert_eq!(weight.ref_time(), expected.ref_time() - fallback_part),
			other => panic!("status: {other:?}"),
		}
	});
}

#[test]
fn an_early_elect_is_charged_the_refunds_and_the_fallback_at_the_bounds() {
	// Before: `status()` reported nothing before the unsigned phase, so an `elect` called early
	// (a round that could not open before the era's end, an era that came early) ran the
	// fallback and refunded the queue uncharged.
	execute(|| {
		let pages: u32 = <Runtime as crate::Config>::Pages::get();
		// `elect`, the snapshot's pages and hashes deleted (their trie nodes in the proof), the
		// whole queue refunded.
		let base = <() as WeightInfo>::elect()
			.saturating_add(<() as WeightInfo>::clear_voter_pages(pages))
			.saturating_add(Weight::from_parts(0, 2 * u64::from(pages) * crate::DELETED_KEY_PROOF))
			.saturating_add(<() as WeightInfo>::finalize_signed_refunds(
				<Runtime as crate::Config>::SignedMaxSubmissions::get(),
			));
		// The mock fallback (1_000 per voter, 100 per target, 10_000 per winner) at the bounds:
		// the top pages' voters, every target, the most winners; reading them too.
		let voters = u64::from(MultiPhase::on_chain_voter_bound());
		let targets = u64::from(<Runtime as crate::Config>::MaxElectableTargets::get());
		let winners = u64::from(
			<<Runtime as crate::Config>::MinerConfig as crate::MinerConfig>::MaxWinners::get(),
		);
		let fallback = Weight::from_parts(1_000 * voters + 100 * targets + 10_000 * winners, 0)
			.saturating_add(<() as WeightInfo>::fallback_input());
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		assert_eq!(
			<MultiPhase as ElectionProvider>::status(),
			Ok(Some(base.saturating_add(fallback)))
		);
		roll_to(13);
		assert!(CurrentPhase::<Runtime>::get().is_signed());
		assert_eq!(
			<MultiPhase as ElectionProvider>::status(),
			Ok(Some(base.saturating_add(fallback)))
		);
		// A result already queued (an emergency's, or an unsigned one): no fallback to run.
		let raw = mine();
		let witness = SnapshotSize::<Runtime>::get().unwrap();
		CurrentPhase::<Runtime>::put(Phase::Unsigned { until: 100 });
		assert_ok!(MultiPhase::submit_unsigned(
			frame_system::RawOrigin::Authorized.into(),
			Box::new(raw),
			witness
		));
		CurrentPhase::<Runtime>::put(Phase::Signed { until: 100 });
		assert_eq!(<MultiPhase as ElectionProvider>::status(), Ok(Some(base)));
		// And `elect` then returns it.
		assert!(<MultiPhase as ElectionProvider>::elect(0).is_ok());
	});
}
