//! The signed phase: claims registered with a deposit in a bounded queue sorted by claimed
//! score, their solutions sent page by page, and the verification of the best claim a bounded
//! number of pages per block, with reward, slash and refund.

use crate::{miner::Miner, paged::PagedSupports, pallet::*, types::*, MinerConfig};
use codec::Encode;
use frame_election_provider_support::{NposSolution, PageIndex};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, Mutate, MutateHold},
		tokens::Precision,
		EstimateCallFee, OnUnbalanced,
	},
};
use sp_core::H256;
use sp_npos_elections::ElectionScore;
use sp_runtime::traits::{Saturating, Zero};

/// What one validation step did, for its weight.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ValidationStep {
	/// Pages checked (a page never submitted counts too: its absence is read).
	pub pages: u32,
	/// The sum of the checked pages' weights ([`SignedPage::weight`]): what checking them
	/// cost.
	pub solutions: Weight,
	/// Whether a claim was verified valid and its result queued this step.
	pub won: bool,
	/// Claims refunded unchecked behind a winner.
	pub refunded: u32,
}

impl<T: Config> Pallet<T> {
	/// The base deposit of a claim entering a queue that already holds `queue_len` claims:
	/// `base * (1 + factor)^queue_len` (each step rounded up).
	pub fn base_deposit(queue_len: u32) -> BalanceOf<T> {
		let factor = T::SignedDepositIncreaseFactor::get();
		let mut base = T::SignedDepositBase::get();
		for _ in 0..queue_len.min(T::SignedMaxSubmissions::get()) {
			base = base.saturating_add(factor.mul_ceil(base));
		}
		base
	}

	/// The deposit of a solution page of `length` bytes and `weight`:
	/// `length * per_byte + ms(weight) * per_ms + KiB(proof) * per_KiB` (weight and proof
	/// rounded up).
	pub fn page_deposit(length: u32, weight: Weight) -> BalanceOf<T> {
		let per_byte = T::SignedDepositByte::get().saturating_mul(length.into());
		let milliseconds = weight.ref_time().div_ceil(1_000_000_000);
		let kib = weight.proof_size().div_ceil(1024);
		let per_weight = T::SignedDepositPerMillisecond::get()
			.saturating_mul(sp_runtime::SaturatedConversion::saturated_into(milliseconds));
		let per_proof = T::SignedDepositPerProofKiB::get()
			.saturating_mul(sp_runtime::SaturatedConversion::saturated_into(kib));
		per_byte.saturating_add(per_weight).saturating_add(per_proof)
	}

	/// The base deposit of a claim entering a queue of `queue_len` plus the deposit of one
	/// page of `length` bytes and `weight` ([`Pallet::base_deposit`],
	/// [`Pallet::page_deposit`]).
	pub fn deposit_for(queue_len: u32, length: u32, weight: Weight) -> BalanceOf<T> {
		Self::base_deposit(queue_len).saturating_add(Self::page_deposit(length, weight))
	}

	/// The weight of checking a page solution of `length` bytes with `active_voters` voters:
	/// the check over a full voter page (`VoterSnapshotPerBlock`, or fewer when the whole
	/// snapshot is smaller), and reading the page's `length` bytes.
	pub fn page_weight(length: u32, active_voters: u32) -> Weight {
		let size = SnapshotSize::<T>::get().unwrap_or_default();
		let desired = DesiredTargets::<T>::get().unwrap_or_default();
		let page_voters = T::VoterSnapshotPerBlock::get().min(size.voters);
		Miner::<T::MinerConfig>::page_weight(
			page_voters,
			size.targets,
			active_voters,
			desired,
			length,
		)
	}

	/// Whether a claimed score can be true of the current snapshot, for `desired` winners. Every
	/// score of a real solution meets these: the least-backed winner has at most the average
	/// backing, all backing together is at most the snapshot's stake, and the sum of squares lies
	/// between `sum^2 / desired` (all equal) and `sum^2` (one winner holds everything).
	///
	/// `sum_stake_squared` saturates at `u128::MAX` in `sp-npos-elections`; a saturated value
	/// says nothing about its lower bound, which is then not checked. Without a recorded total
	/// (a snapshot taken before the total was recorded) the total is not checked either.
	pub(crate) fn plausible(score: &sp_npos_elections::ElectionScore, desired: u32) -> bool {
		let desired = u128::from(desired.max(1));
		let sum = score.sum_stake;
		let square = |x: u128| sp_core::U256::from(x).saturating_mul(sp_core::U256::from(x));
		let squares = sp_core::U256::from(score.sum_stake_squared);
		let within_total = SnapshotTotalStake::<T>::get().is_none_or(|total| sum <= total);
		let saturated = score.sum_stake_squared == u128::MAX;
		score.minimal_stake <= sum.checked_div(desired).unwrap_or_default()
			&& within_total
			&& squares <= square(sum)
			&& (saturated || squares.saturating_mul(sp_core::U256::from(desired)) >= square(sum))
	}

	/// Register a claim after the cheap checks, ejecting the weakest of a full queue if the
	/// claim is better by the threshold.
	pub(crate) fn do_register(
		who: T::AccountId,
		score: ElectionScore,
		fingerprint: H256,
	) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_signed(), Error::<T>::NotSignedPhase);
		let round = Round::<T>::get();
		ensure!(SnapshotFingerprint::<T>::get() == Some(fingerprint), Error::<T>::WrongFingerprint);
		let desired = DesiredTargets::<T>::get().ok_or(Error::<T>::NoSnapshot)?;
		ensure!(desired > 0, Error::<T>::NothingToElect);
		ensure!(Self::plausible(&score, desired), Error::<T>::ImplausibleScore);
		if let Some(minimum) = MinimumUntrustedScore::<T>::get() {
			ensure!(
				score.strict_threshold_better(minimum, sp_runtime::Perbill::zero()),
				Error::<T>::ScoreTooLow
			);
		}
		let mut queue = SignedSubmissionIndices::<T>::get();
		ensure!(queue.iter().all(|entry| entry.who != who), Error::<T>::DuplicateSubmission);
		let mut ejected = None;
		if queue.is_full() {
			let weakest = queue.first().cloned().ok_or(Error::<T>::QueueFull)?;
			ensure!(
				score.strict_threshold_better(weakest.score, T::BetterSignedThreshold::get()),
				Error::<T>::QueueFull
			);
			queue.remove(0);
			ejected = Some(weakest.index);
		}
		let base_deposit = Self::base_deposit(queue.len() as u32);
		T::Currency::hold(&HoldReason::SignedSubmission.into(), &who, base_deposit)
			.map_err(|_| Error::<T>::CannotPayDeposit)?;
		// Only now that nothing can fail: the ejected claim leaves with its base deposit; its
		// pages' deposits stay held until its pages are deleted.
		let prev_ejected = ejected.is_some();
		if let Some(claim) = ejected.and_then(Self::remove_claim_keeping_page_deposits) {
			Self::refund(&claim, false);
			Self::deposit_event(Event::SolutionEjected {
				round,
				who: claim.who,
				deposit: claim.deposit,
			});
		}
		let call = Call::<T>::register { score, fingerprint };
		let call_fee = T::EstimateCallFee::estimate_call_fee(&call, None::<Weight>.into());
		let index = SignedSubmissionNextIndex::<T>::get();
		SignedSubmissionNextIndex::<T>::put(index.wrapping_add(1));
		let spec_version = <T as frame_system::Config>::Version::get().spec_version;
		SignedSubmissionsMap::<T>::insert(
			index,
			SignedSubmission {
				who: who.clone(),
				score,
				base_deposit,
				deposit: base_deposit,
				call_fee,
				pages: 0,
				spec_version,
			},
		);
		// Before any equal score: among equals, the earlier claim is checked first.
		let position = queue.partition_point(|entry| entry.score < score);
		queue
			.try_insert(position, QueueEntry { score, who: who.clone(), index })
			.map_err(|_| Error::<T>::QueueFull)?;
		SignedSubmissionIndices::<T>::put(queue);
		Self::deposit_event(Event::Registered { round, who, score, prev_ejected });
		Ok(())
	}

	/// The queue index of `who`'s claim.
	fn claim_of(who: &T::AccountId) -> Result<u32, Error<T>> {
		SignedSubmissionIndices::<T>::get()
			.iter()
			.find(|entry| entry.who == *who)
			.map(|entry| entry.index)
			.ok_or(Error::<T>::NotRegistered)
	}

	/// Store, replace or remove page `page` of `who`'s claim, adjusting its deposit.
	pub(crate) fn do_submit_page(
		who: T::AccountId,
		page: PageIndex,
		solution: Option<SolutionOf<T>>,
	) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_signed(), Error::<T>::NotSignedPhase);
		let index = Self::claim_of(&who)?;
		ensure!(page <= Self::msp(), Error::<T>::InvalidPage);
		let mut claim = SignedSubmissionsMap::<T>::get(index).ok_or(Error::<T>::NotRegistered)?;
		// The record only: the page it replaces is overwritten unread.
		let old = SignedSubmissionPageRecords::<T>::get(index, page);
		let old_deposit = old.as_ref().map(|old| old.deposit).unwrap_or_default();
		let old_fee = old.as_ref().map(|old| old.fee).unwrap_or_default();
		let round = Round::<T>::get();
		let reason = HoldReason::SignedSubmission.into();
		let Some(solution) = solution else {
			ensure!(old.is_some(), Error::<T>::InvalidPage);
			T::Currency::release(&reason, &who, old_deposit, Precision::BestEffort)
				.map_err(|_| Error::<T>::CannotPayDeposit)?;
			SignedSubmissionPages::<T>::remove(index, page);
			SignedSubmissionPageRecords::<T>::remove(index, page);
			claim.deposit = claim.deposit.saturating_sub(old_deposit);
			claim.call_fee = claim.call_fee.saturating_sub(old_fee);
			claim.pages = claim.pages.saturating_sub(1);
			SignedSubmissionsMap::<T>::insert(index, claim);
			Self::deposit_event(Event::PageRemoved { round, who, page, deposit: old_deposit });
			return Ok(());
		};
		let desired = DesiredTargets::<T>::get().ok_or(Error::<T>::NoSnapshot)?;
		let winners = solution.unique_targets().len() as u32;
		ensure!(winners > 0 && winners <= desired, Error::<T>::PageWinnerCount);
		let length = solution.encoded_size() as u32;
		ensure!(length <= <T::MinerConfig as MinerConfig>::MaxLength::get(), Error::<T>::TooLong);
		let weight = Self::page_weight(length, solution.voter_count() as u32);
		ensure!(
			weight.all_lte(<T::MinerConfig as MinerConfig>::MaxWeight::get()),
			Error::<T>::TooHeavy
		);
		let deposit = Self::page_deposit(length, weight);
		if deposit > old_deposit {
			T::Currency::hold(&reason, &who, deposit.saturating_sub(old_deposit))
				.map_err(|_| Error::<T>::CannotPayDeposit)?;
		} else {
			T::Currency::release(
				&reason,
				&who,
				old_deposit.saturating_sub(deposit),
				Precision::BestEffort,
			)
			.map_err(|_| Error::<T>::CannotPayDeposit)?;
		}
		let call = Call::<T>::submit_page {
			page,
			solution: Some(alloc::boxed::Box::new(solution.clone())),
		};
		let call_fee = T::EstimateCallFee::estimate_call_fee(&call, None::<Weight>.into());
		claim.deposit = claim.deposit.saturating_sub(old_deposit).saturating_add(deposit);
		claim.call_fee = claim.call_fee.saturating_sub(old_fee).saturating_add(call_fee);
		if old.is_none() {
			claim.pages = claim.pages.saturating_add(1);
		}
		SignedSubmissionsMap::<T>::insert(index, claim);
		SignedSubmissionPages::<T>::insert(index, page, solution);
		SignedSubmissionPageRecords::<T>::insert(
			index,
			page,
			SignedPage { deposit, fee: call_fee, weight },
		);
		Self::deposit_event(Event::PageStored { round, who, page, deposit });
		Ok(())
	}

	/// Withdraw `who`'s claim: base deposit forfeited, pages' deposits returned when its pages
	/// are deleted ([`StaleClaimPages`]).
	pub(crate) fn do_bail(who: T::AccountId) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_signed(), Error::<T>::NotSignedPhase);
		let index = Self::claim_of(&who)?;
		let mut queue = SignedSubmissionIndices::<T>::get();
		queue.retain(|entry| entry.index != index);
		SignedSubmissionIndices::<T>::put(queue);
		let claim =
			Self::remove_claim_keeping_page_deposits(index).ok_or(Error::<T>::NotRegistered)?;
		let reason = HoldReason::SignedSubmission.into();
		let (credit, missing) = T::Currency::slash(&reason, &who, claim.base_deposit);
		T::SlashHandler::on_unbalanced(credit);
		let returned = claim.deposit.saturating_sub(claim.base_deposit);
		if T::Currency::release(&reason, &who, returned, Precision::BestEffort).is_err() {
			frame_support::defensive!("page deposits could not be released");
		}
		Self::deposit_event(Event::Bailed {
			round: Round::<T>::get(),
			who,
			forfeited: claim.base_deposit.saturating_sub(missing),
			returned,
		});
		Ok(())
	}

	/// Remove claim `index` from storage (not from the queue); its deposits are still held and
	/// settled by the caller. Its pages, if any are left, are deleted later
	/// ([`StaleClaimPages`], [`Pallet::clear_stale_pages`]): removing a claim costs the same
	/// whatever its pages.
	pub(crate) fn remove_claim(index: u32) -> Option<SignedSubmissionOf<T>> {
		let claim = SignedSubmissionsMap::<T>::take(index)?;
		if SignedSubmissionPageRecords::<T>::iter_key_prefix(index).next().is_some() {
			StaleClaimPages::<T>::insert(index, (claim.who.clone(), BalanceOf::<T>::zero()));
		}
		Some(claim)
	}

	/// [`Pallet::remove_claim`] for the paths a submitter chooses in the signed phase (`bail`,
	/// an ejection by its own better claim): if pages are left, their deposits stay held until
	/// they are deleted, so whoever fills storage with pages pays for them as long as they are
	/// stored. Returns the claim with only what is settled now as its deposit.
	pub(crate) fn remove_claim_keeping_page_deposits(index: u32) -> Option<SignedSubmissionOf<T>> {
		let mut claim = SignedSubmissionsMap::<T>::take(index)?;
		if SignedSubmissionPageRecords::<T>::iter_key_prefix(index).next().is_some() {
			let kept = claim.deposit.saturating_sub(claim.base_deposit);
			StaleClaimPages::<T>::insert(index, (claim.who.clone(), kept));
			claim.deposit = claim.deposit.saturating_sub(kept);
		}
		Some(claim)
	}

	/// Delete removed claims' pages (a solution and its record each), claim by claim in storage
	/// order, in at most `limit` steps: a step deletes one page or finishes a claim (its entry
	/// removed and the page deposits it kept released). Returns the steps taken. Not limited
	/// by `Pages`: a claim keeps at most the pages it stored, even if an upgrade lowered
	/// `Pages` since.
	pub(crate) fn clear_stale_pages(limit: u32) -> u32 {
		let mut steps: u32 = 0;
		while steps < limit {
			let Some((index, (who, kept))) = StaleClaimPages::<T>::iter().next() else { break };
			let left = limit.saturating_sub(steps) as usize;
			let pages: alloc::vec::Vec<PageIndex> =
				SignedSubmissionPageRecords::<T>::iter_key_prefix(index).take(left).collect();
			for page in &pages {
				SignedSubmissionPages::<T>::remove(index, page);
				SignedSubmissionPageRecords::<T>::remove(index, page);
			}
			steps = steps.saturating_add(pages.len() as u32);
			if pages.len() >= left {
				// The budget is spent; the claim may have pages left.
				break;
			}
			// Fewer than asked for: the claim has none left.
			StaleClaimPages::<T>::remove(index);
			steps = steps.saturating_add(1);
			if !kept.is_zero() {
				let released = T::Currency::release(
					&HoldReason::SignedSubmission.into(),
					&who,
					kept,
					Precision::BestEffort,
				)
				.unwrap_or_default();
				Self::deposit_event(Event::PagesDeleted { index, who, released });
			}
		}
		steps
	}

	/// Verify up to `SignedPagesPerBlock` pages of the best claims, best claim first, its pages
	/// from `Pages - 1` down to 0 (a page never submitted counts as empty). A page that fails its
	/// check ends the claim at once: slashed (or, when it fails only a bound a runtime upgrade
	/// changed since it was registered, discarded with its deposits returned). After page 0 the
	/// pages together must have exactly the desired winners within their backer bound and the
	/// claimed score; a valid claim is queued and rewarded, and every other claim refunded (the
	/// best `SignedMaxRefunds` with their fees). Returns what it did, for its weight.
	pub(crate) fn validate_signed_step() -> ValidationStep {
		Self::validate_signed_pages(T::SignedPagesPerBlock::get())
	}

	/// [`Pallet::validate_signed_step`] with a budget of `budget` pages.
	pub(crate) fn validate_signed_pages(budget: u32) -> ValidationStep {
		let mut step = ValidationStep::default();
		let (Some(targets), Some(desired)) =
			(SnapshotTargets::<T>::get(), DesiredTargets::<T>::get())
		else {
			if SignedVerification::<T>::exists() || !SignedSubmissionIndices::<T>::get().is_empty()
			{
				frame_support::defensive!("signed validation without a snapshot");
			}
			return step;
		};
		let mut queue = SignedSubmissionIndices::<T>::get();
		let queue_len = queue.len();
		let msp = Self::msp();
		let pages = T::Pages::get().max(1);
		while step.pages < budget {
			let mut state = match SignedVerification::<T>::take() {
				Some(state) => state,
				None => match queue.pop() {
					Some(best) => {
						Verification { index: best.index, page: msp, backings: Default::default() }
					},
					None => break,
				},
			};
			let Some(claim) = SignedSubmissionsMap::<T>::get(state.index) else {
				frame_support::defensive!("a claim in verification without its record");
				continue;
			};
			step.pages = step.pages.saturating_add(1);
			let page = state.page;
			let mut sum = PagedSupports {
				pages: (page.saturating_add(1)..=msp).collect(),
				backings: state.backings.clone().into_inner(),
			};
			let record = SignedSubmissionPageRecords::<T>::take(state.index, page);
			let checked = match (record, SignedSubmissionPages::<T>::take(state.index, page)) {
				(Some(record), Some(solution)) => {
					step.solutions = step.solutions.saturating_add(record.weight);
					let voters = Self::voter_page(page);
					Miner::<T::MinerConfig>::check_page(solution, &voters, &targets, desired)
						.and_then(|backing| {
							Miner::<T::MinerConfig>::add_page(
								&mut sum, page, &backing, pages, desired,
							)
						})
				},
				// Never sent (a record without its page, or the reverse, cannot happen: both
				// are written and removed together).
				_ => Ok(()),
			};
			if let Err(error) = checked {
				Self::reject(state.index, error);
				continue;
			}
			let Some(next) = page.checked_sub(1) else {
				if Self::conclude(state.index, &claim, &sum, &targets, desired) {
					step.won = true;
					SignedSubmissionIndices::<T>::put(queue);
					step.refunded = Self::refund_all(T::SignedMaxRefunds::get());
					return step;
				}
				continue;
			};
			state.page = next;
			state.backings = BoundedVec::truncate_from(sum.backings);
			SignedVerification::<T>::put(state);
		}
		if queue.len() != queue_len {
			SignedSubmissionIndices::<T>::put(queue);
		}
		step
	}

	/// All pages of claim `index` are checked and summed in `sum`: check the whole (winner
	/// count, backers per winner, the claimed score, the minimum score) and queue its result.
	/// Returns whether it won; a claim that did not is slashed or discarded.
	pub(crate) fn conclude(
		index: u32,
		claim: &SignedSubmissionOf<T>,
		sum: &PagedSupports,
		targets: &[T::AccountId],
		desired: u32,
	) -> bool {
		let result =
			Miner::<T::MinerConfig>::finalize_pages(sum, targets, desired, Some(claim.score))
				.and_then(|(winners, score)| {
					// Checked without the minimum score at first, compared now: a claim that
					// met the minimum when registered and is valid was not wrong to be made.
					let minimum = MinimumUntrustedScore::<T>::get();
					if minimum.is_some_and(|minimum| {
						!score.strict_threshold_better(minimum, sp_runtime::Perbill::zero())
					}) {
						return Err(FeasibilityError::UntrustedScoreTooLow);
					}
					QueuedResult::from_supports(winners, score, ElectionCompute::Signed)
						.ok_or(FeasibilityError::TooManyDesiredTargets)
				});
		match result {
			Ok(ready) => {
				let round = Round::<T>::get();
				QueuedSolution::<T>::put(ready);
				if let Some(claim) = Self::remove_claim(index) {
					Self::reward(&claim);
					Self::deposit_event(Event::SolutionStored {
						round,
						compute: ElectionCompute::Signed,
						origin: Some(claim.who),
						prev_ejected: false,
					});
				}
				true
			},
			Err(error) => {
				Self::reject(index, error);
				false
			},
		}
	}

	/// Claim `index` failed its verification with `error`: slashed, or discarded with its
	/// deposits returned when the error comes from a minimum score raised after registration
	/// or from a bound a runtime upgrade changed.
	fn reject(index: u32, error: FeasibilityError) {
		let Some(claim) = Self::remove_claim(index) else { return };
		let spec_version = <T as frame_system::Config>::Version::get().spec_version;
		if error == FeasibilityError::UntrustedScoreTooLow
			|| Self::bound_changed(&claim, &error, spec_version)
		{
			Self::discard(&claim, error)
		} else {
			Self::slash(&claim, error)
		}
	}

	/// Whether `error` comes from a limit of the runtime that an upgrade changed after
	/// `submission` was made (the runtime's constants are otherwise fixed within a round).
	fn bound_changed(
		submission: &SignedSubmissionOf<T>,
		error: &FeasibilityError,
		spec_version: u32,
	) -> bool {
		submission.spec_version != spec_version
			&& matches!(
				error,
				FeasibilityError::TooManyBackings
					| FeasibilityError::TooManyDesiredTargets
					| FeasibilityError::InvalidPage
			)
	}

	/// Return a submission's deposit: it failed only a bound that changed after submission.
	fn discard(submission: &SignedSubmissionOf<T>, error: FeasibilityError) {
		Self::release_deposit(submission);
		Self::deposit_event(Event::Discarded {
			round: Round::<T>::get(),
			who: submission.who.clone(),
			deposit: submission.deposit,
			error,
		});
	}

	/// Return every claim's deposits unchecked (the one being verified first, then the queue
	/// best first) and empty the queue; the best `with_fee` of them get their transaction fees
	/// back too. Returns how many were refunded.
	pub(crate) fn refund_all(with_fee: u32) -> u32 {
		let verifying = SignedVerification::<T>::take().map(|state| state.index);
		let queue = SignedSubmissionIndices::<T>::take();
		let mut refunded: u32 = 0;
		// The queue is sorted weakest first: the best come last.
		for index in verifying.into_iter().chain(queue.into_iter().rev().map(|entry| entry.index)) {
			if let Some(claim) = Self::remove_claim(index) {
				Self::refund(&claim, refunded < with_fee);
				refunded = refunded.saturating_add(1);
			}
		}
		refunded
	}

	fn release_deposit(submission: &SignedSubmissionOf<T>) {
		let released = T::Currency::release(
			&HoldReason::SignedSubmission.into(),
			&submission.who,
			submission.deposit,
			Precision::BestEffort,
		);
		if released.is_err() {
			frame_support::defensive!("signed deposit could not be released");
		}
	}

	fn refund(submission: &SignedSubmissionOf<T>, with_fee: bool) {
		Self::release_deposit(submission);
		let fee = if with_fee && !submission.call_fee.is_zero() {
			match T::Currency::mint_into(&submission.who, submission.call_fee) {
				Ok(_) => submission.call_fee,
				Err(_) => Zero::zero(),
			}
		} else {
			Zero::zero()
		};
		Self::deposit_event(Event::Refunded {
			round: Round::<T>::get(),
			who: submission.who.clone(),
			deposit: submission.deposit,
			fee,
		});
	}

	fn reward(submission: &SignedSubmissionOf<T>) {
		Self::release_deposit(submission);
		let reward = T::SignedRewardBase::get().saturating_add(submission.call_fee);
		if !reward.is_zero() && T::Currency::mint_into(&submission.who, reward).is_err() {
			frame_support::defensive!("signed reward could not be minted");
		}
		Self::deposit_event(Event::Rewarded {
			round: Round::<T>::get(),
			who: submission.who.clone(),
			reward,
		});
	}

	fn slash(submission: &SignedSubmissionOf<T>, error: FeasibilityError) {
		let (credit, missing) = T::Currency::slash(
			&HoldReason::SignedSubmission.into(),
			&submission.who,
			submission.deposit,
		);
		T::SlashHandler::on_unbalanced(credit);
		Self::deposit_event(Event::Slashed {
			round: Round::<T>::get(),
			who: submission.who.clone(),
			amount: submission.deposit.saturating_sub(missing),
			error,
		});
	}
}
