//! Phase transitions, `elect`, and recovery from an emergency.

use crate::{pallet::*, types::*, weights::WeightInfo, MinerConfig};
use alloc::vec::Vec;
use frame_election_provider_support::{
	BoundedSupports, BoundedSupportsOf, ElectionDataProvider, ElectionProvider,
	InstantElectionProvider, PageIndex,
};
use frame_support::{pallet_prelude::*, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_npos_elections::{EvaluateSupport, Supports};
use sp_runtime::traits::{One, Saturating};

/// Why `elect` failed.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum ElectionError {
	/// The page is not one of the election's (`page >= Pages`).
	WrongPage,
	/// The data provider failed.
	DataProvider(&'static str),
	/// Nothing was queued and the fallback failed.
	Fallback,
	/// In the emergency phase, and no result was set yet.
	NoEmergencyResult,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn set_phase(to: Phase<BlockNumberFor<T>>) {
		let from = CurrentPhase::<T>::get();
		CurrentPhase::<T>::put(to);
		Self::deposit_event(Event::PhaseTransitioned { round: Round::<T>::get(), from, to });
	}

	/// The weight of a validation step: its bookkeeping per page checked (reading the voter
	/// page, ending a claim that fails), the checks themselves at each page's own weight (known
	/// from its submission), the conclusion of a winner, and the refunds behind it.
	fn validation_weight(step: crate::signed::ValidationStep) -> Weight {
		let winner =
			if step.won { T::WeightInfo::finalize_signed_winner() } else { Weight::zero() };
		// The larger of the two worst cases per page: pages that fail at once (their claims
		// slashed, their other pages removed) and pages that carry claims on (distinct voter
		// pages read, the verification state written).
		T::WeightInfo::on_initialize_validation_step(step.pages)
			.max(T::WeightInfo::on_initialize_validation_pages(step.pages))
			.saturating_add(step.solutions)
			.saturating_add(winner)
			.saturating_add(Self::refunds_weight(step.refunded))
	}

	/// Refunding `refunded` claims (their pages are cleared later: [`StaleClaimPages`]).
	fn refunds_weight(refunded: u32) -> Weight {
		T::WeightInfo::finalize_signed_refunds(refunded)
	}

	/// Move through the phases as the election approaches. Called every block.
	///
	/// A round opens before the signed phase with one block per target page and one per voter
	/// page, the last voter page taken in the signed phase's first block. A round that cannot take its snapshot before the election
	/// (the chain started inside the window) does not open: `elect` then runs the fallback on
	/// the data provider's top page.
	pub(crate) fn advance_phase(now: BlockNumberFor<T>) -> Weight {
		let phase = CurrentPhase::<T>::get();
		if phase.is_emergency() {
			return T::WeightInfo::on_initialize_nothing();
		}
		let next = T::DataProvider::next_election_prediction(now);
		let remaining = next.saturating_sub(now);
		let unsigned = T::UnsignedPhase::get();
		let validation = unsigned.saturating_add(T::SignedValidationPhase::get());
		let signed = validation.saturating_add(T::SignedPhase::get());
		// The target pages and the voter pages but the last come before the signed phase; the
		// last voter page is taken in its first block.
		let blocks: BlockNumberFor<T> =
			Self::target_pages().saturating_add(Self::msp()).saturating_add(1).into();
		let before_signed = blocks.saturating_sub(One::one());
		let open = signed.saturating_add(before_signed);

		match phase {
			Phase::Off if remaining <= open && remaining > before_signed => {
				Self::take_target_page(Self::target_pages().saturating_sub(1))
			},
			Phase::TargetSnapshot { page } => Self::take_target_page(page),
			Phase::Snapshot { page } => {
				let voters = match Self::create_voter_snapshot_page(page) {
					Ok(voters) => voters,
					Err(error) => {
						log::error!(target: crate::LOG_TARGET, "snapshot page {page}: {:?}", error);
						return Self::abandon_snapshot();
					},
				};
				let weight = T::WeightInfo::on_initialize_nothing()
					.saturating_add(T::WeightInfo::on_initialize_snapshot_voters(voters));
				match page.checked_sub(1) {
					Some(next_page) => Self::set_phase(Phase::Snapshot { page: next_page }),
					None if remaining > validation => {
						Self::set_phase(Phase::Signed { until: next.saturating_sub(validation) })
					},
					None => Self::set_phase(Phase::Unsigned { until: next }),
				}
				weight
			},
			Phase::Signed { .. } if remaining <= validation => {
				Self::set_phase(Phase::SignedValidation { until: next.saturating_sub(unsigned) });
				Self::validation_weight(Self::validate_signed_step())
			},
			Phase::SignedValidation { .. } if remaining <= unsigned && remaining > zero() => {
				// The window is over: whatever was not checked is refunded.
				let refunded = Self::refund_all(0);
				Self::set_phase(Phase::Unsigned { until: next });
				T::WeightInfo::on_initialize_open_unsigned()
					.saturating_add(Self::refunds_weight(refunded))
			},
			Phase::SignedValidation { .. } => Self::validation_weight(Self::validate_signed_step()),
			_ => T::WeightInfo::on_initialize_nothing(),
		}
	}

	/// Take target page `page`, then move to the next target page, or to the voter pages after
	/// page 0.
	fn take_target_page(page: u32) -> Weight {
		let targets = match Self::create_target_snapshot_page(page) {
			Ok(targets) => targets,
			Err(error) => {
				log::error!(target: crate::LOG_TARGET, "target page {page}: {:?}", error);
				return Self::abandon_snapshot();
			},
		};
		match page.checked_sub(1) {
			Some(next_page) => Self::set_phase(Phase::TargetSnapshot { page: next_page }),
			None => Self::set_phase(Phase::Snapshot { page: Self::msp() }),
		}
		T::WeightInfo::on_initialize_nothing()
			.saturating_add(T::WeightInfo::on_initialize_snapshot_targets(targets))
	}

	/// A page could not be taken: without all its pages the round cannot run. The snapshot is
	/// removed and the phase is off; the election falls back.
	fn abandon_snapshot() -> Weight {
		Self::kill_snapshot();
		Self::set_phase(Phase::Off);
		T::WeightInfo::on_initialize_snapshot_voters(0)
			.saturating_add(Self::snapshot_removal_weight())
	}

	/// The voters, targets and desired targets to elect with: the snapshot's top
	/// [`Config::OnChainPages`] voter pages, or fresh from the data provider's top pages (one of
	/// targets, one of voters) when there is none.
	pub(crate) fn election_input(
	) -> Result<(Vec<SnapshotVoterOf<T>>, Vec<T::AccountId>, u32), ElectionError> {
		if let Some(snapshot) = Self::snapshot() {
			return Ok(snapshot);
		}
		// Targets first: the stake pools value the voters at the prices of the target read.
		let targets = T::DataProvider::electable_targets(
			crate::snapshot::count_bound(T::TargetSnapshotPerBlock::get()),
			0,
		)
		.map_err(ElectionError::DataProvider)?;
		let voters = T::DataProvider::electing_voters(
			crate::snapshot::count_bound(T::VoterSnapshotPerBlock::get()),
			0,
		)
		.map_err(ElectionError::DataProvider)?;
		let desired = T::DataProvider::desired_targets()
			.map_err(ElectionError::DataProvider)?
			.min(targets.len() as u32)
			.min(<T::MinerConfig as MinerConfig>::MaxWinners::get());
		Ok((voters, targets, desired))
	}

	/// The result of this round: the queued solution, else the fallback's.
	fn compute_result() -> Result<
		(BoundedSupportsOf<Self>, ElectionCompute, sp_npos_elections::ElectionScore),
		ElectionError,
	> {
		if let Some(queued) = QueuedSolution::<T>::take() {
			// The winners with their totals; the stake pools use the totals only.
			let supports = queued
				.winners
				.into_iter()
				.map(|(winner, total)| {
					let support = frame_election_provider_support::BoundedSupport {
						total,
						voters: Default::default(),
					};
					(winner, support)
				})
				.collect::<Vec<_>>();
			let supports =
				BoundedSupports(supports.try_into().map_err(|_| ElectionError::Fallback)?);
			return Ok((supports, queued.compute, queued.score));
		}
		if CurrentPhase::<T>::get().is_emergency() {
			return Err(ElectionError::NoEmergencyResult);
		}
		if !T::Fallback::bother() {
			// No on-chain fallback (a runtime at a scale no fallback fits a block): the
			// emergency phase takes the result from governance.
			return Err(ElectionError::Fallback);
		}
		let (voters, targets, desired) = Self::election_input()?;
		if desired == 0 {
			// Nothing stands: the result is empty, not a failure (no solution was accepted).
			return Ok((
				BoundedSupports(Default::default()),
				ElectionCompute::Fallback,
				Default::default(),
			));
		}
		let supports = T::Fallback::instant_elect(voters, targets, desired)
			.map_err(|_| ElectionError::Fallback)?;
		let score = supports.evaluate();
		Ok((supports, ElectionCompute::Fallback, score))
	}

	/// Close the round: snapshot and queue gone, round + 1, phase off.
	fn finalize(compute: ElectionCompute, score: sp_npos_elections::ElectionScore) {
		let round = Round::<T>::get();
		Self::refund_all(0);
		Self::kill_snapshot();
		Round::<T>::put(round.saturating_add(1));
		Self::set_phase(Phase::Off);
		Self::deposit_event(Event::ElectionFinalized { round, compute, score });
	}

	/// Set the result in an emergency.
	pub(crate) fn do_set_emergency_result(supports: Supports<T::AccountId>) -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_emergency(), Error::<T>::NotEmergency);
		let mut winners: Vec<&T::AccountId> = supports.iter().map(|(winner, _)| winner).collect();
		winners.sort();
		winners.dedup();
		ensure!(winners.len() == supports.len(), Error::<T>::DuplicateWinner);
		let score = supports.evaluate();
		let result = QueuedResult::from_supports(
			supports.into_iter().map(|(winner, support)| (winner, support.total)),
			score,
			ElectionCompute::Emergency,
		)
		.ok_or(Error::<T>::TooManyWinners)?;
		QueuedSolution::<T>::put(result);
		Self::deposit_event(Event::SolutionStored {
			round: Round::<T>::get(),
			compute: ElectionCompute::Emergency,
			origin: None,
			prev_ejected: false,
		});
		Ok(())
	}

	/// Compute the result with the governance fallback in an emergency.
	pub(crate) fn do_governance_fallback() -> DispatchResult {
		ensure!(CurrentPhase::<T>::get().is_emergency(), Error::<T>::NotEmergency);
		ensure!(T::GovernanceFallback::bother(), Error::<T>::FallbackFailed);
		let (voters, targets, desired) =
			Self::election_input().map_err(|_| Error::<T>::FallbackFailed)?;
		let supports = T::GovernanceFallback::instant_elect(voters, targets, desired)
			.map_err(|_| Error::<T>::FallbackFailed)?;
		let score = supports.evaluate();
		let result = QueuedResult::from_supports(
			supports.into_iter().map(|(winner, support)| (winner, support.total)),
			score,
			ElectionCompute::Fallback,
		)
		.ok_or(Error::<T>::FallbackFailed)?;
		QueuedSolution::<T>::put(result);
		Self::deposit_event(Event::SolutionStored {
			round: Round::<T>::get(),
			compute: ElectionCompute::Fallback,
			origin: None,
			prev_ejected: false,
		});
		Ok(())
	}
}

impl<T: Config> ElectionProvider for Pallet<T> {
	type AccountId = T::AccountId;
	type BlockNumber = BlockNumberFor<T>;
	type Error = ElectionError;
	type MaxWinnersPerPage = <T::MinerConfig as MinerConfig>::MaxWinners;
	type MaxBackersPerWinner = <T::MinerConfig as MinerConfig>::MaxBackersPerWinner;
	type MaxBackersPerWinnerFinal = <T::MinerConfig as MinerConfig>::MaxBackersPerWinner;
	/// The snapshot's pages: the data provider is asked for voter pages `Pages - 1` down to 0.
	/// The result is still returned whole by `elect(0)` (other pages return nothing), until the
	/// solution and the verifier are paged too.
	type Pages = T::Pages;
	type DataProvider = T::DataProvider;

	fn elect(page: PageIndex) -> Result<BoundedSupportsOf<Self>, Self::Error> {
		if page > Self::msp() {
			return Err(ElectionError::WrongPage);
		}
		if page != 0 {
			return Ok(BoundedSupports(Default::default()));
		}
		match Self::compute_result() {
			Ok((supports, compute, score)) => {
				Self::finalize(compute, score);
				Ok(supports)
			},
			Err(error) => {
				log::error!(target: crate::LOG_TARGET, "election failed: {:?}", error);
				// Claims still queued or half-checked (an election earlier than predicted) are
				// returned: the emergency takes its result from the admin, not from them.
				Self::refund_all(0);
				Self::deposit_event(Event::ElectionFailed { round: Round::<T>::get() });
				if !CurrentPhase::<T>::get().is_emergency() {
					Self::set_phase(Phase::Emergency);
				}
				Err(error)
			},
		}
	}

	fn duration() -> Self::BlockNumber {
		// The snapshot's blocks before the signed phase (its last voter page is the signed
		// phase's first block).
		let snapshot: BlockNumberFor<T> = Self::target_pages().saturating_add(Self::msp()).into();
		snapshot
			.saturating_add(T::SignedPhase::get())
			.saturating_add(T::SignedValidationPhase::get())
			.saturating_add(T::UnsignedPhase::get())
	}

	fn start() -> Result<(), Self::Error> {
		// The phases follow `next_election_prediction`; nothing to start by hand.
		Ok(())
	}

	/// In the unsigned phase, the weight `elect` will use: its own, and the fallback's over the
	/// snapshot when nothing is queued.
	fn status() -> Result<Option<Weight>, ()> {
		match CurrentPhase::<T>::get() {
			Phase::Unsigned { .. } if !QueuedSolution::<T>::exists() && !T::Fallback::bother() => {
				Ok(Some(Self::elect_weight()))
			},
			Phase::Unsigned { .. } if !QueuedSolution::<T>::exists() => {
				let size = SnapshotSize::<T>::get().unwrap_or_default();
				let desired = DesiredTargets::<T>::get().unwrap_or_default();
				let fallback = <T::FallbackWeight as crate::FallbackWeight>::fallback_weight(
					size.voters.min(Self::on_chain_voter_bound()),
					size.targets,
					desired,
				);
				Ok(Some(
					Self::elect_weight()
						.saturating_add(T::WeightInfo::fallback_input())
						.saturating_add(fallback),
				))
			},
			Phase::Unsigned { .. } => Ok(Some(Self::elect_weight())),
			Phase::Emergency if QueuedSolution::<T>::exists() => Ok(Some(Self::elect_weight())),
			Phase::Emergency => Ok(None),
			// `elect` before the unsigned phase (the round could not open before the era's end,
			// or the era came early): it refunds every claim and, with nothing queued, runs the
			// fallback over whatever it can read, at most the bounds.
			_ => Ok(Some(Self::early_elect_weight())),
		}
	}
}

/// The zero block number.
fn zero<N: Default>() -> N {
	N::default()
}
