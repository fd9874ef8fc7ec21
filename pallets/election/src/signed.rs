//! The signed phase: deposits, the bounded queue sorted by claimed score, and the verification
//! of the queue best first with reward, slash and refund.

use crate::{miner::Miner, pallet::*, types::*, MinerConfig};
use codec::Encode;
use frame_election_provider_support::NposSolution;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, Mutate, MutateHold},
		tokens::Precision,
		EstimateCallFee, OnUnbalanced,
	},
};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

/// What one validation step did, for its weight.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ValidationStep {
	/// Submissions taken from the queue.
	pub checked: u32,
	/// The sum of their weights ([`SignedSubmission::weight`]): what checking them cost.
	pub solutions: Weight,
	/// Submissions refunded unchecked behind a winner.
	pub refunded: u32,
}

impl<T: Config> Pallet<T> {
	/// The deposit for a solution of `length` bytes and `weight`, entering a queue that already
	/// holds `queue_len` submissions:
	/// `base * (1 + factor)^queue_len + length * per_byte + ms(weight) * per_ms +
	/// KiB(proof) * per_KiB` (weight and proof rounded up).
	pub fn deposit_for(queue_len: u32, length: u32, weight: Weight) -> BalanceOf<T> {
		let factor = T::SignedDepositIncreaseFactor::get();
		let mut base = T::SignedDepositBase::get();
		for _ in 0..queue_len.min(T::SignedMaxSubmissions::get()) {
			base = base.saturating_add(factor.mul_ceil(base));
		}
		let per_byte = T::SignedDepositByte::get().saturating_mul(length.into());
		let milliseconds = weight.ref_time().div_ceil(1_000_000_000);
		let kib = weight.proof_size().div_ceil(1024);
		let per_weight = T::SignedDepositPerMillisecond::get()
			.saturating_mul(sp_runtime::SaturatedConversion::saturated_into(milliseconds));
		let per_proof = T::SignedDepositPerProofKiB::get()
			.saturating_mul(sp_runtime::SaturatedConversion::saturated_into(kib));
		base.saturating_add(per_byte).saturating_add(per_weight).saturating_add(per_proof)
	}

	/// The weight of checking `raw` against the current snapshot.
	pub(crate) fn solution_weight_of(raw: &RawOf<T>, desired: u32) -> Weight {
		let size = SnapshotSize::<T>::get().unwrap_or_default();
		T::MinerConfig::solution_weight(
			size.voters,
			size.targets,
			raw.solution.voter_count() as u32,
			desired,
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

	/// Accept a signed submission after the cheap checks.
	pub(crate) fn do_submit(who: T::AccountId, raw: RawOf<T>, fingerprint: H256) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_signed(), Error::<T>::NotSignedPhase);
		let round = Round::<T>::get();
		ensure!(raw.round == round, Error::<T>::WrongRound);
		ensure!(SnapshotFingerprint::<T>::get() == Some(fingerprint), Error::<T>::WrongFingerprint);
		let desired = DesiredTargets::<T>::get().ok_or(Error::<T>::NoSnapshot)?;
		ensure!(desired > 0, Error::<T>::NothingToElect);
		ensure!(Self::winner_count(&raw) == desired, Error::<T>::WrongWinnerCount);
		ensure!(Self::plausible(&raw.score, desired), Error::<T>::ImplausibleScore);
		if let Some(minimum) = MinimumUntrustedScore::<T>::get() {
			ensure!(
				raw.score.strict_threshold_better(minimum, sp_runtime::Perbill::zero()),
				Error::<T>::ScoreTooLow
			);
		}
		let length = raw.encoded_size() as u32;
		ensure!(length <= <T::MinerConfig as MinerConfig>::MaxLength::get(), Error::<T>::TooLong);
		let weight = Self::solution_weight_of(&raw, desired);
		ensure!(
			weight.all_lte(<T::MinerConfig as MinerConfig>::MaxWeight::get()),
			Error::<T>::TooHeavy
		);

		let mut queue = SignedSubmissionIndices::<T>::get();
		ensure!(queue.iter().all(|entry| entry.who != who), Error::<T>::DuplicateSubmission);
		let mut prev_ejected = false;
		if queue.is_full() {
			let weakest = queue.first().cloned().ok_or(Error::<T>::QueueFull)?;
			ensure!(
				raw.score.strict_threshold_better(weakest.score, T::BetterSignedThreshold::get()),
				Error::<T>::QueueFull
			);
			queue.remove(0);
			if let Some(ejected) = SignedSubmissionsMap::<T>::take(weakest.index) {
				Self::refund(&ejected, false);
				Self::deposit_event(Event::SolutionEjected {
					round,
					who: ejected.who,
					deposit: ejected.deposit,
				});
			}
			prev_ejected = true;
		}

		let deposit = Self::deposit_for(queue.len() as u32, length, weight);
		T::Currency::hold(&HoldReason::SignedSubmission.into(), &who, deposit)
			.map_err(|_| Error::<T>::CannotPayDeposit)?;
		let score = raw.score;
		let call =
			Call::<T>::submit { raw_solution: alloc::boxed::Box::new(raw.clone()), fingerprint };
		let call_fee = T::EstimateCallFee::estimate_call_fee(&call, None::<Weight>.into());
		let index = SignedSubmissionNextIndex::<T>::get();
		SignedSubmissionNextIndex::<T>::put(index.wrapping_add(1));
		let spec_version = <T as frame_system::Config>::Version::get().spec_version;
		SignedSubmissionsMap::<T>::insert(
			index,
			SignedSubmission {
				who: who.clone(),
				deposit,
				raw_solution: raw,
				call_fee,
				weight,
				spec_version,
			},
		);
		// Before any equal score: among equals, the earlier submission is checked first.
		let position = queue.partition_point(|entry| entry.score < score);
		queue
			.try_insert(position, QueueEntry { score, who: who.clone(), index })
			.map_err(|_| Error::<T>::QueueFull)?;
		SignedSubmissionIndices::<T>::put(queue);
		Self::deposit_event(Event::SolutionStored {
			round,
			compute: ElectionCompute::Signed,
			origin: Some(who),
			prev_ejected,
		});
		Ok(())
	}

	/// Verify up to `SignedValidationsPerBlock` queued solutions, best first. The first valid one
	/// is queued and rewarded and every other submission refunded (the best `SignedMaxRefunds`
	/// with their fee); invalid ones are slashed, and one that fails only a bound changed since
	/// it was submitted is discarded with its deposit returned. Returns what it did, for its
	/// weight.
	pub(crate) fn validate_signed_step() -> ValidationStep {
		let mut step = ValidationStep::default();
		let mut queue = SignedSubmissionIndices::<T>::get();
		if queue.is_empty() {
			return step;
		}
		let Some((voters, targets, desired)) = Self::snapshot() else {
			frame_support::defensive!("signed validation without a snapshot");
			return step;
		};
		let round = Round::<T>::get();
		let minimum = MinimumUntrustedScore::<T>::get();
		let spec_version = <T as frame_system::Config>::Version::get().spec_version;
		while step.checked < T::SignedValidationsPerBlock::get() {
			let Some(best) = queue.pop() else { break };
			step.checked = step.checked.saturating_add(1);
			let Some(submission) = SignedSubmissionsMap::<T>::take(best.index) else { continue };
			step.solutions = step.solutions.saturating_add(submission.weight);
			// Checked without the minimum score, which is compared after: a solution that met
			// the minimum when it was submitted and is valid was not wrong to be submitted.
			let outcome = Miner::<T::MinerConfig>::feasibility_check(
				submission.raw_solution.clone(),
				ElectionCompute::Signed,
				desired,
				&voters,
				&targets,
				round,
				None,
			);
			match outcome {
				Ok(ready)
					if minimum.is_some_and(|minimum| {
						!ready.score.strict_threshold_better(minimum, sp_runtime::Perbill::zero())
					}) =>
				{
					Self::discard(&submission, FeasibilityError::UntrustedScoreTooLow)
				},
				Ok(ready) => {
					QueuedSolution::<T>::put(ready);
					Self::reward(&submission);
					Self::deposit_event(Event::SolutionStored {
						round,
						compute: ElectionCompute::Signed,
						origin: Some(submission.who.clone()),
						prev_ejected: false,
					});
					SignedSubmissionIndices::<T>::put(queue);
					step.refunded = Self::refund_all(T::SignedMaxRefunds::get());
					return step;
				},
				Err(error) if Self::bound_changed(&submission, &error, spec_version) => {
					Self::discard(&submission, error)
				},
				Err(error) => Self::slash(&submission, error),
			}
		}
		SignedSubmissionIndices::<T>::put(queue);
		step
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
				FeasibilityError::TooManyBackings | FeasibilityError::TooManyDesiredTargets
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

	/// Return every queued deposit unchecked and empty the queue; the best `with_fee` of them
	/// get their transaction fee back too. Returns how many were refunded.
	pub(crate) fn refund_all(with_fee: u32) -> u32 {
		let queue = SignedSubmissionIndices::<T>::take();
		let mut refunded: u32 = 0;
		// The queue is sorted weakest first: the best come last.
		for entry in queue.into_iter().rev() {
			if let Some(submission) = SignedSubmissionsMap::<T>::take(entry.index) {
				Self::refund(&submission, refunded < with_fee);
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
		let _ = T::Currency::release(
			&HoldReason::SignedSubmission.into(),
			&submission.who,
			submission.deposit,
			Precision::BestEffort,
		);
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
