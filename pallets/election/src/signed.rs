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

	/// Accept a signed submission after the cheap checks.
	pub(crate) fn do_submit(who: T::AccountId, raw: RawOf<T>, fingerprint: H256) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_signed(), Error::<T>::NotSignedPhase);
		let round = Round::<T>::get();
		ensure!(raw.round == round, Error::<T>::WrongRound);
		ensure!(SnapshotFingerprint::<T>::get() == Some(fingerprint), Error::<T>::WrongFingerprint);
		let desired = DesiredTargets::<T>::get().ok_or(Error::<T>::NoSnapshot)?;
		ensure!(Self::winner_count(&raw) == desired, Error::<T>::WrongWinnerCount);
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
				Self::refund(&ejected);
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
		SignedSubmissionsMap::<T>::insert(
			index,
			SignedSubmission { who: who.clone(), deposit, raw_solution: raw, call_fee },
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
	/// is queued and rewarded and every other submission refunded; invalid ones are slashed.
	/// Returns how many were checked.
	pub(crate) fn validate_signed_step() -> u32 {
		let mut checked = 0;
		let mut queue = SignedSubmissionIndices::<T>::get();
		if queue.is_empty() {
			return 0;
		}
		let (Some(voters), Some(targets), Some(desired)) =
			(SnapshotVoters::<T>::get(), SnapshotTargets::<T>::get(), DesiredTargets::<T>::get())
		else {
			frame_support::defensive!("signed validation without a snapshot");
			return 0;
		};
		let round = Round::<T>::get();
		let minimum = MinimumUntrustedScore::<T>::get();
		while checked < T::SignedValidationsPerBlock::get() {
			let Some(best) = queue.pop() else { break };
			checked = checked.saturating_add(1);
			let Some(submission) = SignedSubmissionsMap::<T>::take(best.index) else { continue };
			let outcome = Miner::<T::MinerConfig>::feasibility_check(
				submission.raw_solution.clone(),
				ElectionCompute::Signed,
				desired,
				&voters,
				&targets,
				round,
				minimum,
			);
			match outcome {
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
					Self::refund_all();
					return checked;
				},
				Err(error) => Self::slash(&submission, error),
			}
		}
		SignedSubmissionIndices::<T>::put(queue);
		checked
	}

	/// Return every queued deposit unchecked and empty the queue.
	pub(crate) fn refund_all() {
		let queue = SignedSubmissionIndices::<T>::take();
		for entry in queue {
			if let Some(submission) = SignedSubmissionsMap::<T>::take(entry.index) {
				Self::refund(&submission);
			}
		}
	}

	fn refund(submission: &SignedSubmissionOf<T>) {
		let released = T::Currency::release(
			&HoldReason::SignedSubmission.into(),
			&submission.who,
			submission.deposit,
			Precision::BestEffort,
		);
		if released.is_err() {
			frame_support::defensive!("signed deposit could not be released");
		}
		Self::deposit_event(Event::Refunded {
			round: Round::<T>::get(),
			who: submission.who.clone(),
			deposit: submission.deposit,
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
