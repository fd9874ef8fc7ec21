//! # Multi-phase election
//!
//! An NPoS [`ElectionProvider`](frame_election_provider_support::ElectionProvider) with a paged
//! snapshot, a **signed phase** in which anyone registers a claim against a deposit and sends
//! its solution page by page, a validation window in which the claims are verified best first a
//! bounded number of pages per block, an unsigned phase, an on-chain fallback, and an emergency
//! phase from which an admin origin recovers.
//!
//! ## Overview
//!
//! Each round runs, timed from the data provider's
//! [`next_election_prediction`](ElectionDataProvider::next_election_prediction):
//!
//! ```text
//!   Off ──▶ TargetSnapshot ──▶ Snapshot ──▶ Signed ──▶ SignedValidation ──▶ Unsigned ──▶ elect() ──▶ Off
//!          |<- target pages + voter pages ->|<- SignedPhase ->|<- SignedValidationPhase ->|<- UnsignedPhase ->|
//!                                          elect() fails and the fallback fails ──▶ Emergency
//! ```
//!
//! - Before the signed phase the pallet takes a **snapshot**, one page per block: the target
//!   pages (the desired number of winners with the last), then the voter pages, largest voters
//!   first, each voter page a storage value of its own with its hash. The last voter page (taken
//!   in the signed phase's first block) seals it with a [`SnapshotMetadata`] and a
//!   **fingerprint** (a hash of the round, the targets and the page hashes) that every claim
//!   must name.
//! - **Signed phase.** [`Pallet::register`] holds a base deposit (growing geometrically with the
//!   queue, see [`Pallet::base_deposit`]) and enters the claimed score in a bounded queue sorted
//!   by score; [`Pallet::submit_page`] stores one voter page's solution (voters indexed within
//!   the page) against a deposit per byte and per unit of weight ([`Pallet::page_deposit`]);
//!   [`Pallet::bail`] withdraws a claim, forfeiting its base deposit. When the queue is full a
//!   newcomer ejects the weakest only if it is better by [`Config::BetterSignedThreshold`].
//!   Cheap checks happen at once (phase, fingerprint, a plausible score, the minimum score, one
//!   claim per account; per page: its index, its winner count, length, weight).
//! - **Validation.** After the signed phase, [`Config::SignedPagesPerBlock`] pages are checked
//!   per block, best claim first, its pages from `Pages - 1` down to 0 (a page never sent
//!   counts as empty), with the [`paged`] checks; after its last page the claim's winner count,
//!   backers and score are checked. The first valid claim is queued and rewarded
//!   ([`Config::SignedRewardBase`] plus its transaction fees); invalid ones checked before it
//!   lose their deposits to [`Config::SlashHandler`]; the rest are refunded.
//! - **elect.** Returns the queued solution, or the [`Config::Fallback`]'s result computed on the
//!   snapshot. If both fail the pallet enters **Emergency**: [`Pallet::set_emergency_election_result`]
//!   or [`Pallet::governance_fallback`] (from [`Config::AdminOrigin`]) provide the result.
//!
//! ## Terminology
//!
//! - **Score**: `(minimal_stake, sum_stake, sum_stake_squared)` of a result; higher minimal and
//!   sum stake and lower squared sum are better.
//! - **Round**: the election counter; every submission names its round.
//! - **Fingerprint**: the blake2-256 hash of the encoded `(round, desired targets, targets,
//!   page hashes)` of the snapshot, each page hash the blake2-256 of the encoded voter page
//!   (see [`Pallet::fingerprint_of`]).
//! - **Page**: the snapshot's voters are taken in [`Config::Pages`] pages of at most
//!   [`Config::VoterSnapshotPerBlock`], one per block, page `Pages - 1` (the largest voters)
//!   first.
//!
//! ## Low Level / Implementation Details
//!
//! The feasibility check lives in [`miner`], a pure module shared by the signed path, the unsigned
//! path and the off-chain `staking-miner`: what a miner built from this crate submits is checked by
//! the code it was mined with. Per-block work is bounded: phase transitions are O(1) apart from
//! the snapshot (one page of at most [`Config::VoterSnapshotPerBlock`] voters per block, the
//! targets bounded by [`Config::MaxElectableTargets`]),
//! and validation checks at most [`Config::SignedPagesPerBlock`] claim pages per block.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod migrations;
pub mod miner;
pub mod paged;
mod phase;
pub mod reduce;
mod signed;
mod snapshot;
pub mod types;
pub mod unsigned;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use miner::{Miner, MinerConfig, MinerError, Trimmed};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The weight of a runtime's fallback election (e.g. the on-chain sequential Phragmén's
/// benchmarked `phragmen(v, t, d)`).
pub trait FallbackWeight {
	/// The weight of electing `desired` of `targets` with `voters`.
	fn fallback_weight(voters: u32, targets: u32, desired: u32) -> frame_support::weights::Weight;
}

use frame_election_provider_support::ElectionDataProvider;
use frame_support::traits::Get;
pub use phase::ElectionError;
pub use snapshot::SnapshotError;
pub use unsigned::OffchainMinerError;

/// The proof charged per storage key deleted without being read (a snapshot page or its hash):
/// the trie nodes a block must carry to delete it. A leaf of a map keyed by `Twox64Concat(u32)`
/// is about 50 bytes (its partial key and the hash of its value); the branch nodes above the
/// keys of one map (up to 16 child hashes each) are shared by up to 16 keys, about 35 bytes a
/// key; 128 leaves room for the levels above. `runtime/tests/round.rs` records the proof of
/// every block of a round at the target scale and asserts it within the charge (the elect
/// block deletes 910 such keys).
pub const DELETED_KEY_PROOF: u64 = 128;

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::election-multi-phase";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::miner::{RawSolutionOf, ReadySolutionOf, VoterOf};
	use alloc::boxed::Box;
	use frame_election_provider_support::{InstantElectionProvider, NposSolution, PageIndex};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, Credit},
			EstimateCallFee, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_npos_elections::{ElectionScore, Supports};
	use sp_runtime::{Perbill, Percent};

	/// The balance type of the deposit currency.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
	/// A credit of the deposit currency.
	pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
	/// The compact solution type.
	pub type SolutionOf<T> = <<T as Config>::MinerConfig as MinerConfig>::Solution;
	/// A voter of the snapshot.
	pub type SnapshotVoterOf<T> = VoterOf<<T as Config>::MinerConfig>;
	/// A checked solution.
	pub type ReadyOf<T> = ReadySolutionOf<<T as Config>::MinerConfig>;
	/// A raw solution.
	pub type RawOf<T> = RawSolutionOf<<T as Config>::MinerConfig>;
	/// The result waiting for `elect`.
	pub type QueuedResultOf<T> = QueuedResult<
		<T as frame_system::Config>::AccountId,
		<<T as Config>::MinerConfig as MinerConfig>::MaxWinners,
	>;
	/// A registered signed claim.
	pub type SignedSubmissionOf<T> =
		SignedSubmission<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// The record of a page of a signed claim (its solution is stored apart).
	pub type SignedPageOf<T> = SignedPage<BalanceOf<T>>;
	/// The verification of a signed claim in progress.
	pub type VerificationOf<T> =
		Verification<<<T as Config>::MinerConfig as MinerConfig>::MaxWinners>;

	/// A signed claim as stored from its registration until it is verified, refunded or
	/// bailed: the score claimed and the deposits held. Its solution's pages are stored
	/// apart, in [`SignedSubmissionPages`].
	#[derive(
		Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
	)]
	pub struct SignedSubmission<AccountId, Balance> {
		/// Who registered it.
		pub who: AccountId,
		/// The score it claims for all its pages together.
		pub score: ElectionScore,
		/// The base deposit held at registration (forfeited by [`Pallet::bail`]).
		pub base_deposit: Balance,
		/// Everything held for it: the base deposit and the deposit of every page stored.
		pub deposit: Balance,
		/// The transaction fees of its registration and of the calls that stored its pages (one
		/// per page, the latest), refunded to the winner (and to the best `SignedMaxRefunds`
		/// runners-up left unchecked): at most `1 + Pages` calls however often pages are
		/// replaced or removed.
		pub call_fee: Balance,
		/// The number of pages stored.
		pub pages: u32,
		/// The runtime's `spec_version` at registration: a bound a runtime upgrade changed since
		/// then is not the submitter's fault.
		pub spec_version: u32,
	}

	/// The record of one page of a signed claim: what it holds and what checking it costs. Kept
	/// apart from the page's solution ([`SignedSubmissionPages`]) so that storing or replacing a
	/// page reads these few bytes, never the (up to `MinerMaxLength`) solution it replaces.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
	)]
	pub struct SignedPage<Balance> {
		/// The deposit held for this page.
		pub deposit: Balance,
		/// The estimated fee of the call that stored it (part of the claim's `call_fee` while
		/// the page is stored).
		pub fee: Balance,
		/// The weight of checking it, computed when it was stored: what its verification is
		/// charged (the check, and reading the page itself).
		pub weight: Weight,
	}

	/// Where the verification of the best signed claim stands: the claim, the next page to
	/// check (pages are checked from `Pages - 1` down to 0, a page not submitted counting as
	/// empty), and the backing of each winner from the pages checked so far.
	#[derive(
		Encode,
		Decode,
		TypeInfo,
		MaxEncodedLen,
		frame_support::CloneNoBound,
		frame_support::PartialEqNoBound,
		frame_support::EqNoBound,
		frame_support::DebugNoBound,
	)]
	#[scale_info(skip_type_params(MaxWinners))]
	pub struct Verification<MaxWinners: Get<u32>> {
		/// The claim's key in [`SignedSubmissionsMap`].
		pub index: u32,
		/// The next page to check.
		pub page: PageIndex,
		/// The backing of each winner so far, sorted by target index.
		pub backings: BoundedVec<crate::paged::WinnerBacking, MaxWinners>,
	}

	/// A queue entry as the runtime API shows it.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
	)]
	pub struct QueueEntry<AccountId> {
		/// The claimed score.
		pub score: ElectionScore,
		/// Who submitted it.
		pub who: AccountId,
		/// Its key in [`SignedSubmissionsMap`].
		pub index: u32,
	}

	/// 1: the voter snapshot is paged ([`crate::migrations::v1`]); 2: signed submissions are
	/// claims with paged solutions ([`crate::migrations::v2`]); 3: the queued result keeps the
	/// winners' totals only ([`crate::migrations::v3`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a signed submission.
		#[codec(index = 0)]
		SignedSubmission,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// The currency deposits are held in and rewards paid in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;
		/// Where election data comes from.
		type DataProvider: ElectionDataProvider<
			AccountId = Self::AccountId,
			BlockNumber = BlockNumberFor<Self>,
		>;
		/// The miner's view of this chain: solution type and limits.
		type MinerConfig: MinerConfig<
			AccountId = Self::AccountId,
			MaxVotesPerVoter = <Self::DataProvider as ElectionDataProvider>::MaxVotesPerVoter,
		>;
		/// Computes the result when nothing valid was queued.
		type Fallback: InstantElectionProvider<
			AccountId = Self::AccountId,
			BlockNumber = BlockNumberFor<Self>,
			DataProvider = Self::DataProvider,
			MaxWinnersPerPage = <Self::MinerConfig as MinerConfig>::MaxWinners,
			MaxBackersPerWinner = <Self::MinerConfig as MinerConfig>::MaxBackersPerWinner,
		>;
		/// The weight of [`Config::Fallback`] over a snapshot of `voters`, `targets` and
		/// `desired` winners: `elect` is charged it (through `status()`) when nothing is queued.
		type FallbackWeight: FallbackWeight;
		/// What [`Pallet::governance_fallback`] runs in an emergency.
		type GovernanceFallback: InstantElectionProvider<
			AccountId = Self::AccountId,
			BlockNumber = BlockNumberFor<Self>,
			DataProvider = Self::DataProvider,
			MaxWinnersPerPage = <Self::MinerConfig as MinerConfig>::MaxWinners,
			MaxBackersPerWinner = <Self::MinerConfig as MinerConfig>::MaxBackersPerWinner,
		>;
		/// The solver of the off-chain worker (e.g. `SequentialPhragmen` with balancing).
		type Solver: frame_election_provider_support::NposSolver<
			AccountId = Self::AccountId,
			Accuracy = crate::miner::SolutionAccuracyOf<Self::MinerConfig>,
		>;
		/// The base priority of unsigned solutions in the pool (their score's minimal stake is
		/// added).
		#[pallet::constant]
		type MinerTxPriority: Get<sp_runtime::transaction_validity::TransactionPriority>;
		/// The off-chain worker mines at most once per this many blocks.
		#[pallet::constant]
		type OffchainRepeat: Get<BlockNumberFor<Self>>;
		/// Estimates the transaction fee of a submission (refunded to the rewarded submitter).
		type EstimateCallFee: EstimateCallFee<Call<Self>, BalanceOf<Self>>;
		/// Receives slashed deposits (dropping burns them).
		type SlashHandler: OnUnbalanced<CreditOf<Self>>;
		/// May set the minimum untrusted score and recover from an emergency.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Blocks of the signed phase.
		#[pallet::constant]
		type SignedPhase: Get<BlockNumberFor<Self>>;
		/// Blocks of the window in which the signed queue is verified.
		#[pallet::constant]
		type SignedValidationPhase: Get<BlockNumberFor<Self>>;
		/// Blocks of the unsigned phase.
		#[pallet::constant]
		type UnsignedPhase: Get<BlockNumberFor<Self>>;
		/// The most signed claims queued per round.
		#[pallet::constant]
		type SignedMaxSubmissions: Get<u32>;
		/// How many pages of signed claims are verified per block of the validation window
		/// (`integrity_test`: enough for every page of a full queue within the window).
		#[pallet::constant]
		type SignedPagesPerBlock: Get<u32>;
		/// How many steps of deleting removed claims' pages a block may take (a step deletes a
		/// page, a solution and its record, or finishes a claim). A removed claim (ejected,
		/// withdrawn, slashed, refunded, the winner) leaves at once; its pages are deleted
		/// afterwards in `on_idle` ([`StaleClaimPages`]), so that no block pays for deleting
		/// `Pages` pages of many claims at once.
		#[pallet::constant]
		type ClearPagesPerBlock: Get<u32>;
		/// The most weight a block may have used, the deletion of stale pages included, for
		/// `on_idle` to delete them (a quarter of a parachain block in the runtimes).
		#[pallet::constant]
		type CleanupBudget: Get<Weight>;
		/// How much better than the weakest a newcomer must be to eject it from a full queue.
		#[pallet::constant]
		type BetterSignedThreshold: Get<Perbill>;
		/// The base deposit of a claim registered into an empty queue.
		#[pallet::constant]
		type SignedDepositBase: Get<BalanceOf<Self>>;
		/// By how much the base deposit grows per claim already queued (geometric).
		#[pallet::constant]
		type SignedDepositIncreaseFactor: Get<Percent>;
		/// The deposit per byte of an encoded solution page.
		#[pallet::constant]
		type SignedDepositByte: Get<BalanceOf<Self>>;
		/// The deposit per millisecond (10^9 units of `ref_time`) of a solution page's weight.
		#[pallet::constant]
		type SignedDepositPerMillisecond: Get<BalanceOf<Self>>;
		/// The deposit per KiB of a solution page's proof size.
		#[pallet::constant]
		type SignedDepositPerProofKiB: Get<BalanceOf<Self>>;
		/// The reward of the best valid signed solution (its transaction fee is refunded on top).
		#[pallet::constant]
		type SignedRewardBase: Get<BalanceOf<Self>>;
		/// When a signed claim wins, the best this many claims left unchecked behind it get
		/// their transaction fees back with their deposits (the others only the deposits).
		#[pallet::constant]
		type SignedMaxRefunds: Get<u32>;
		/// The pages the voter snapshot is taken in, one per block (at least 1). Page
		/// `Pages - 1` holds the largest voters, page 0 the smallest.
		#[pallet::constant]
		type Pages: Get<u32>;
		/// The most voters one snapshot page holds: the snapshot takes at most
		/// `Pages * VoterSnapshotPerBlock` voters ([`Pallet::max_electing_voters`]).
		#[pallet::constant]
		type VoterSnapshotPerBlock: Get<u32>;
		/// The voter pages an election computed on chain reads at once: an unsigned solution is
		/// over the voters of the top `OnChainPages` pages (the largest voters, page `Pages - 1`
		/// down), and the fallback elects from them. Set so that reading them fits a block
		/// (capped at `Pages`; at least 1).
		#[pallet::constant]
		type OnChainPages: Get<u32>;
		/// The most targets the snapshot takes.
		#[pallet::constant]
		type MaxElectableTargets: Get<u32>;
		/// The most targets taken per block: the targets are taken in
		/// `ceil(MaxElectableTargets / TargetSnapshotPerBlock)` pages
		/// ([`Pallet::target_pages`]), before the voters.
		#[pallet::constant]
		type TargetSnapshotPerBlock: Get<u32>;
		/// Weights of calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The current round, from 1.
	#[pallet::storage]
	pub type Round<T: Config> = StorageValue<_, u32, ValueQuery, ConstU32<1>>;

	/// The current phase.
	#[pallet::storage]
	pub type CurrentPhase<T: Config> = StorageValue<_, Phase<BlockNumberFor<T>>, ValueQuery>;

	/// The snapshot's voters, page by page (present from the snapshot phase until `elect`).
	/// Page `Pages - 1` holds the largest voters; a page the data provider had no voters for is
	/// absent.
	#[pallet::storage]
	pub type PagedVoterSnapshot<T: Config> = StorageMap<
		_,
		Twox64Concat,
		PageIndex,
		BoundedVec<SnapshotVoterOf<T>, T::VoterSnapshotPerBlock>,
	>;

	/// The blake2-256 hash of each encoded voter page as taken (of an empty list for an empty
	/// page): the fingerprint commits to these, so a reader checks each page on its own.
	#[pallet::storage]
	pub type PagedVoterSnapshotHash<T: Config> = StorageMap<_, Twox64Concat, PageIndex, H256>;

	/// The snapshot's targets.
	#[pallet::storage]
	pub type SnapshotTargets<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxElectableTargets>>;

	/// The number of winners the snapshot asks for.
	#[pallet::storage]
	pub type DesiredTargets<T: Config> = StorageValue<_, u32>;

	/// The size of the snapshot (voters counted as the pages are taken).
	#[pallet::storage]
	pub type SnapshotSize<T: Config> = StorageValue<_, SnapshotMetadata>;

	/// The snapshot's fingerprint, which submissions name: set when its last page is taken
	/// (see [`Pallet::fingerprint_of`]).
	#[pallet::storage]
	pub type SnapshotFingerprint<T: Config> = StorageValue<_, H256>;

	/// The sum of the snapshot's voter stakes: no solution's total backing can exceed it.
	#[pallet::storage]
	pub type SnapshotTotalStake<T: Config> = StorageValue<_, u128>;

	/// The best checked solution so far, returned by the next `elect`.
	#[pallet::storage]
	pub type QueuedSolution<T: Config> = StorageValue<_, QueuedResultOf<T>>;

	/// Solutions must score at least this (set by the admin origin).
	#[pallet::storage]
	pub type MinimumUntrustedScore<T: Config> = StorageValue<_, ElectionScore>;

	/// The signed queue, sorted by claimed score, weakest first (the claim being verified has
	/// left it: see [`SignedVerification`]).
	#[pallet::storage]
	pub type SignedSubmissionIndices<T: Config> =
		StorageValue<_, BoundedVec<QueueEntry<T::AccountId>, T::SignedMaxSubmissions>, ValueQuery>;

	/// The signed claims by index.
	#[pallet::storage]
	pub type SignedSubmissionsMap<T: Config> =
		StorageMap<_, Twox64Concat, u32, SignedSubmissionOf<T>>;

	/// The solution pages of the signed claims: `(claim index, voter page)` to the compact
	/// solution of that voter page's voters, indexed within the page.
	#[pallet::storage]
	pub type SignedSubmissionPages<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Twox64Concat, PageIndex, SolutionOf<T>>;

	/// The records of the signed claims' pages (deposit, fee, weight), by the same keys as
	/// [`SignedSubmissionPages`].
	#[pallet::storage]
	pub type SignedSubmissionPageRecords<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Twox64Concat, PageIndex, SignedPageOf<T>>;

	/// Claims removed whose pages are still stored, with their submitter and the page deposits
	/// still held for them (after a `bail` or an ejection; zero otherwise): deleted
	/// [`Config::ClearPagesPerBlock`] steps per block in `on_idle`, in storage order. Claim indices are never reused, so a stale
	/// page is never mistaken for a live claim's.
	#[pallet::storage]
	pub type StaleClaimPages<T: Config> =
		StorageMap<_, Twox64Concat, u32, (T::AccountId, BalanceOf<T>)>;

	/// The claim being verified in the validation window, page by page.
	#[pallet::storage]
	pub type SignedVerification<T: Config> = StorageValue<_, VerificationOf<T>>;

	/// The index the next signed submission gets.
	#[pallet::storage]
	pub type SignedSubmissionNextIndex<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The phase changed.
		PhaseTransitioned {
			round: u32,
			from: Phase<BlockNumberFor<T>>,
			to: Phase<BlockNumberFor<T>>,
		},
		/// The snapshot was taken.
		SnapshotCreated {
			round: u32,
			voters: u32,
			targets: u32,
			desired_targets: u32,
			fingerprint: H256,
		},
		/// A solution was stored as the queued result (a signed claim verified, an unsigned
		/// solution, or an emergency result).
		SolutionStored {
			round: u32,
			compute: ElectionCompute,
			origin: Option<T::AccountId>,
			prev_ejected: bool,
		},
		/// A signed claim was registered in the queue (its base deposit held). `prev_ejected`:
		/// it ejected the weakest claim of a full queue.
		Registered { round: u32, who: T::AccountId, score: ElectionScore, prev_ejected: bool },
		/// A page of a signed claim's solution was stored (or replaced), its deposit held.
		PageStored { round: u32, who: T::AccountId, page: PageIndex, deposit: BalanceOf<T> },
		/// A page of a signed claim's solution was removed, its deposit returned.
		PageRemoved { round: u32, who: T::AccountId, page: PageIndex, deposit: BalanceOf<T> },
		/// A signed claim was withdrawn in the signed phase: its base deposit forfeited, its
		/// pages' deposits returned.
		Bailed { round: u32, who: T::AccountId, forfeited: BalanceOf<T>, returned: BalanceOf<T> },
		/// A full queue ejected its weakest claim (deposits returned).
		SolutionEjected { round: u32, who: T::AccountId, deposit: BalanceOf<T> },
		/// The pages of removed claim `index` are all deleted; `released` of `who`'s page
		/// deposits (kept since a `bail` or an ejection) returned.
		PagesDeleted { index: u32, who: T::AccountId, released: BalanceOf<T> },
		/// A signed claim was verified valid and its result queued.
		Rewarded { round: u32, who: T::AccountId, reward: BalanceOf<T> },
		/// A signed claim was invalid (a page, or the pages together) and its deposits slashed.
		Slashed { round: u32, who: T::AccountId, amount: BalanceOf<T>, error: FeasibilityError },
		/// A signed claim's deposits were returned unchecked (with its transaction fees,
		/// `fee`, for the best runners-up behind a winner).
		Refunded { round: u32, who: T::AccountId, deposit: BalanceOf<T>, fee: BalanceOf<T> },
		/// A signed claim failed only a bound that changed after it was registered (the
		/// minimum untrusted score was raised, or a runtime upgrade changed a limit): discarded
		/// and its deposit returned, never slashed.
		Discarded { round: u32, who: T::AccountId, deposit: BalanceOf<T>, error: FeasibilityError },
		/// The election finished.
		ElectionFinalized { round: u32, compute: ElectionCompute, score: ElectionScore },
		/// The election failed; the pallet is in the emergency phase.
		ElectionFailed { round: u32 },
		/// The minimum untrusted score changed.
		MinimumUntrustedScoreSet { score: Option<ElectionScore> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Submissions are accepted only in the signed phase.
		NotSignedPhase,
		/// The solution names another round.
		WrongRound,
		/// The solution names another snapshot.
		WrongFingerprint,
		/// The solution does not have the desired number of winners.
		WrongWinnerCount,
		/// The claimed score is below the minimum untrusted score.
		ScoreTooLow,
		/// The encoded solution is longer than `MinerConfig::MaxLength`.
		TooLong,
		/// The solution is heavier than `MinerConfig::MaxWeight`.
		TooHeavy,
		/// This account already has a claim in the queue.
		DuplicateSubmission,
		/// This account has no claim registered this round (or it is being verified).
		NotRegistered,
		/// The page is not one of the snapshot's voter pages (`page >= Pages`).
		InvalidPage,
		/// The page's solution names more distinct winners than the snapshot's desired
		/// targets, or none at all while the claim needs winners.
		PageWinnerCount,
		/// The queue is full and the solution is not better than the weakest by the threshold.
		QueueFull,
		/// The account cannot pay the deposit.
		CannotPayDeposit,
		/// There is no snapshot (the phase is off).
		NoSnapshot,
		/// Only in the emergency phase.
		NotEmergency,
		/// The emergency result has more winners or backers than allowed.
		TooManyWinners,
		/// The emergency result names a winner twice.
		DuplicateWinner,
		/// The fallback failed to produce a result.
		FallbackFailed,
		/// Unsigned submissions are accepted only in the unsigned phase.
		NotUnsignedPhase,
		/// The witness does not match the snapshot's size.
		WrongWitness,
		/// The solution is not strictly better than the one already queued.
		WeakSubmission,
		/// The solution failed the feasibility check.
		Infeasible(FeasibilityError),
		/// There is nothing to elect this round (no candidate target): no solution is accepted,
		/// and `elect` returns an empty result.
		NothingToElect,
		/// The claimed score cannot be true of this snapshot: its minimal stake is above the
		/// average winner's backing, or its total above all the snapshot's stake, or its sum of
		/// squares outside what that total allows.
		ImplausibleScore,
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The most voters a snapshot takes: `Pages * VoterSnapshotPerBlock`.
		#[pallet::constant_name(MaxElectingVoters)]
		fn max_electing_voters_constant() -> u32 {
			Self::max_electing_voters()
		}

		/// The longest encoded solution accepted, in bytes (`MinerConfig::MaxLength`).
		#[pallet::constant_name(MinerMaxLength)]
		fn miner_max_length() -> u32 {
			<T::MinerConfig as MinerConfig>::MaxLength::get()
		}

		/// The heaviest solution accepted (`MinerConfig::MaxWeight`).
		#[pallet::constant_name(MinerMaxWeight)]
		fn miner_max_weight() -> Weight {
			<T::MinerConfig as MinerConfig>::MaxWeight::get()
		}

		/// The most targets a voter votes for.
		#[pallet::constant_name(MinerMaxVotesPerVoter)]
		fn miner_max_votes_per_voter() -> u32 {
			<T::MinerConfig as MinerConfig>::MaxVotesPerVoter::get()
		}

		/// The most winners a result may have.
		#[pallet::constant_name(MinerMaxWinners)]
		fn miner_max_winners() -> u32 {
			<T::MinerConfig as MinerConfig>::MaxWinners::get()
		}

		/// The most backers a winner may have.
		#[pallet::constant_name(MinerMaxBackersPerWinner)]
		fn miner_max_backers_per_winner() -> u32 {
			<T::MinerConfig as MinerConfig>::MaxBackersPerWinner::get()
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The current round and phase.
		pub fn round_and_phase() -> (u32, Phase<BlockNumberFor<T>>) {
			(Round::<T>::get(), CurrentPhase::<T>::get())
		}

		/// The deposit a claim registered now would hold with one page of `length` bytes and
		/// `weight`.
		pub fn deposit_quote(length: u32, weight: Weight) -> BalanceOf<T> {
			Self::deposit_now(length, weight)
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::advance_phase(now)
		}

		/// Delete removed claims' pages, `ClearPagesPerBlock` steps at most, in a block whose
		/// weight so far leaves room for them within [`Config::CleanupBudget`] (and within what
		/// the block has left): never pushing a block that took a snapshot page, checked claims,
		/// elected or carried many transactions over its budget.
		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let step = T::WeightInfo::clear_stale_pages(T::ClearPagesPerBlock::get());
			let used = frame_system::Pallet::<T>::block_weight().total();
			if step.any_gt(remaining) || used.saturating_add(step).any_gt(T::CleanupBudget::get()) {
				return Weight::zero();
			}
			T::WeightInfo::clear_stale_pages(Self::clear_stale_pages(T::ClearPagesPerBlock::get()))
		}

		fn integrity_test() {
			assert!(T::Pages::get() > 0, "the snapshot needs a page");
			assert!(T::ClearPagesPerBlock::get() > 0, "removed claims' pages must be deleted");
			assert!(T::VoterSnapshotPerBlock::get() > 0, "a snapshot page needs room");
			assert!(T::TargetSnapshotPerBlock::get() > 0, "a target page needs room");
			let pages_per_block = T::SignedPagesPerBlock::get() as u64;
			let window: u64 =
				sp_runtime::SaturatedConversion::saturated_into(T::SignedValidationPhase::get());
			let queue_pages =
				(T::SignedMaxSubmissions::get() as u64).saturating_mul(T::Pages::get() as u64);
			assert!(
				pages_per_block.saturating_mul(window) >= queue_pages,
				"the validation window must be able to check every page of a full signed queue"
			);
			assert!(T::SignedMaxSubmissions::get() > 0, "the signed queue needs room");
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			if let Err(error) = Self::run_offchain_worker(now) {
				log::debug!(target: crate::LOG_TARGET, "off-chain worker did not submit: {:?}", error);
			}
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a signed claim in the signed phase: the score its solution will have, held
		/// against a base deposit that grows with the queue. Its pages follow with
		/// [`Pallet::submit_page`]; a page never sent counts as empty when the claim is verified.
		///
		/// Origin: signed. `fingerprint` must be the snapshot's ([`SnapshotFingerprint`]).
		///
		/// Errors: [`Error::NotSignedPhase`], [`Error::WrongFingerprint`],
		/// [`Error::NothingToElect`], [`Error::ImplausibleScore`], [`Error::ScoreTooLow`],
		/// [`Error::DuplicateSubmission`], [`Error::QueueFull`], [`Error::CannotPayDeposit`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			score: ElectionScore,
			fingerprint: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, score, fingerprint)
		}

		/// Store (or replace, or with `None` remove) page `page` of the caller's claim: the
		/// compact solution of the voters of voter page `page`, indexed within that page. A
		/// deposit per byte and per unit of the page's weight is held (the replaced page's is
		/// returned).
		///
		/// Origin: signed, with a claim registered this round.
		///
		/// Errors: [`Error::NotSignedPhase`], [`Error::NotRegistered`], [`Error::InvalidPage`],
		/// [`Error::PageWinnerCount`], [`Error::TooLong`], [`Error::TooHeavy`],
		/// [`Error::CannotPayDeposit`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_page())]
		pub fn submit_page(
			origin: OriginFor<T>,
			page: PageIndex,
			solution: Option<Box<SolutionOf<T>>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_page(who, page, solution.map(|solution| *solution))
		}

		/// Withdraw the caller's claim in the signed phase: its pages are removed and their
		/// deposits returned; the base deposit is forfeited (to [`Config::SlashHandler`]), so a
		/// claim that pushed others out of a full queue cannot leave for free.
		///
		/// Origin: signed, with a claim registered this round.
		///
		/// Errors: [`Error::NotSignedPhase`], [`Error::NotRegistered`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::bail())]
		pub fn bail(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bail(who)
		}

		/// Submit a solution in the unsigned phase (off-chain workers), over the voters of the top
		/// [`Config::OnChainPages`] pages ([`Pallet::on_chain_voters`], indexed in that order).
		///
		/// Origin: authorised by `Pallet::authorize_submit_unsigned` (only from the local node,
		/// priority by score). `witness` must be the snapshot's size ([`SnapshotSize`]). The
		/// solution must be strictly better than the queued one; it is checked in full.
		///
		/// Errors: [`Error::NotUnsignedPhase`], [`Error::WrongRound`], [`Error::WrongWitness`],
		/// [`Error::WrongWinnerCount`], [`Error::WeakSubmission`], [`Error::ScoreTooLow`],
		/// [`Error::TooLong`], [`Error::TooHeavy`], [`Error::Infeasible`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::submit_unsigned().saturating_add(
			<T::MinerConfig as MinerConfig>::solution_weight(
				witness.voters.min(Pallet::<T>::on_chain_voter_bound()),
				witness.targets,
				raw_solution.solution.voter_count() as u32,
				raw_solution.solution.unique_targets().len() as u32,
			)
		))]
		#[pallet::authorize(Pallet::<T>::authorize_submit_unsigned)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit_unsigned())]
		pub fn submit_unsigned(
			origin: OriginFor<T>,
			raw_solution: Box<RawOf<T>>,
			witness: SnapshotMetadata,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			Self::do_submit_unsigned(*raw_solution, witness)
		}

		/// Set the result in the emergency phase.
		///
		/// Origin: [`Config::AdminOrigin`].
		///
		/// Errors: [`Error::NotEmergency`], [`Error::TooManyWinners`],
		/// [`Error::DuplicateWinner`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_emergency_election_result(supports.len() as u32))]
		pub fn set_emergency_election_result(
			origin: OriginFor<T>,
			supports: Supports<T::AccountId>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_emergency_result(supports)
		}

		/// Compute the result with [`Config::GovernanceFallback`] in the emergency phase, over the
		/// top [`Config::OnChainPages`] voter pages (or the data provider's top page when there is
		/// no snapshot).
		///
		/// Origin: [`Config::AdminOrigin`].
		///
		/// Errors: [`Error::NotEmergency`], [`Error::FallbackFailed`].
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::governance_fallback_weight())]
		pub fn governance_fallback(origin: OriginFor<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_governance_fallback()
		}

		/// Set (or clear) the minimum score any solution must claim.
		///
		/// Origin: [`Config::AdminOrigin`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_minimum_untrusted_score())]
		pub fn set_minimum_untrusted_score(
			origin: OriginFor<T>,
			score: Option<ElectionScore>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			MinimumUntrustedScore::<T>::set(score);
			Self::deposit_event(Event::MinimumUntrustedScoreSet { score });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The number of winners of a solution.
		pub(crate) fn winner_count(raw: &RawOf<T>) -> u32 {
			raw.solution.unique_targets().len() as u32
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The signed queue, best first: submitter and claimed score (for the runtime API).
	pub fn signed_queue() -> alloc::vec::Vec<(T::AccountId, sp_npos_elections::ElectionScore)> {
		SignedSubmissionIndices::<T>::get().into_iter().rev().map(|e| (e.who, e.score)).collect()
	}

	/// The weight of `governance_fallback` at its worst: the call (its benchmark reads the
	/// on-chain pages, charged their `MaxEncodedLen` proof), the time of reading them full
	/// (`fallback_input`'s ref-time; its proof is the same reads, counted once), and the election
	/// over them at the bounds (`MaxElectableTargets` targets, `MaxWinners` winners).
	pub fn governance_fallback_weight() -> frame_support::weights::Weight {
		if !<T::GovernanceFallback as frame_election_provider_support::InstantElectionProvider>::bother() {
			return T::WeightInfo::governance_fallback();
		}
		let election = <T::FallbackWeight as FallbackWeight>::fallback_weight(
			Self::on_chain_voter_bound(),
			T::MaxElectableTargets::get(),
			<T::MinerConfig as MinerConfig>::MaxWinners::get(),
		);
		let reading = frame_support::weights::Weight::from_parts(
			T::WeightInfo::fallback_input().ref_time(),
			0,
		);
		T::WeightInfo::governance_fallback().saturating_add(reading).saturating_add(election)
	}

	/// What `who` still has held for removed claims' pages ([`StaleClaimPages`]).
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn kept_for_pages(who: &T::AccountId) -> BalanceOf<T> {
		StaleClaimPages::<T>::iter()
			.filter(|(_, (owner, _))| owner == who)
			.fold(<BalanceOf<T> as sp_runtime::traits::Zero>::zero(), |sum, (_, (_, kept))| {
				sp_runtime::Saturating::saturating_add(sum, kept)
			})
	}

	/// Removing the snapshot's `Pages` voter pages ([`WeightInfo::clear_voter_pages`]), charged
	/// by every path that ends a round, with the proof the deletions need: a benchmark counts
	/// the proof of reads only, but a parachain block that deletes a key must carry the trie
	/// nodes down to it to compute the new root ([`DELETED_KEY_PROOF`] per key).
	pub fn snapshot_removal_weight() -> frame_support::weights::Weight {
		let keys = u64::from(T::Pages::get()).saturating_mul(2);
		T::WeightInfo::clear_voter_pages(T::Pages::get()).saturating_add(
			frame_support::weights::Weight::from_parts(0, keys.saturating_mul(DELETED_KEY_PROOF)),
		)
	}

	/// What `elect` costs when called before the unsigned phase: the queue refunded in full and,
	/// with nothing queued, the fallback at the bounds (over the top pages it can read).
	pub fn early_elect_weight() -> frame_support::weights::Weight {
		let refunds = T::WeightInfo::finalize_signed_refunds(T::SignedMaxSubmissions::get());
		let base = Self::elect_weight().saturating_add(refunds);
		if QueuedSolution::<T>::exists()
			|| !<T::Fallback as frame_election_provider_support::InstantElectionProvider>::bother()
		{
			return base;
		}
		let fallback = <T::FallbackWeight as FallbackWeight>::fallback_weight(
			Self::on_chain_voter_bound(),
			T::MaxElectableTargets::get(),
			<T::MinerConfig as MinerConfig>::MaxWinners::get(),
		);
		base.saturating_add(T::WeightInfo::fallback_input()).saturating_add(fallback)
	}

	/// What `elect` costs at its worst besides the fallback: its benchmark and the snapshot's
	/// `Pages` voter pages removed (the benchmark's runtime cannot vary `Pages`).
	pub fn elect_weight() -> frame_support::weights::Weight {
		T::WeightInfo::elect().saturating_add(Self::snapshot_removal_weight())
	}

	/// The deposit a claim registered now would hold with one page of `length` bytes and
	/// `weight` ([`Pallet::base_deposit`] for the queue as it is, plus [`Pallet::page_deposit`]).
	pub fn deposit_now(length: u32, weight: frame_support::weights::Weight) -> BalanceOf<T> {
		let queued = SignedSubmissionIndices::<T>::decode_len().unwrap_or(0) as u32;
		// A full queue first ejects its weakest, so the newcomer pays the base of a full queue
		// less one.
		let len = queued.min(T::SignedMaxSubmissions::get().saturating_sub(1));
		Self::deposit_for(len, length, weight)
	}

	/// The weight of a solution with `active_voters` voters on the current snapshot.
	pub fn solution_weight_now(active_voters: u32) -> frame_support::weights::Weight {
		let size = SnapshotSize::<T>::get().unwrap_or_default();
		let desired = DesiredTargets::<T>::get().unwrap_or_default();
		<T::MinerConfig as MinerConfig>::solution_weight(
			size.voters,
			size.targets,
			active_voters,
			desired,
		)
	}

	/// Check the pallet's invariants: the snapshot's parts are present exactly as the phase
	/// says (none while off; targets, metadata and the pages taken so far while the snapshot is
	/// taken; everything, with a fingerprint that matches the pages, during a round), each
	/// page within its bound, the metadata counting the pages' voters; the signed queue is
	/// sorted, within bounds and matches its map.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		let msp = Self::msp();
		ensure!(
			PagedVoterSnapshotHash::<T>::iter_keys().all(|page| page <= msp),
			"a voter page beyond the last"
		);
		ensure!(
			PagedVoterSnapshot::<T>::iter_keys().all(PagedVoterSnapshotHash::<T>::contains_key),
			"a voter page without its hash"
		);
		// The targets, the metadata and the running total come with the first target page, the
		// desired targets with the last.
		let head = [
			SnapshotTargets::<T>::exists(),
			SnapshotSize::<T>::exists(),
			SnapshotTotalStake::<T>::exists(),
		];
		let head_present = head.iter().filter(|p| **p).count();
		ensure!(head_present == 0 || head_present == head.len(), "snapshot partly present");
		let targets_taken = head_present == head.len();
		let desired = DesiredTargets::<T>::exists();
		ensure!(!desired || targets_taken, "desired targets without targets");
		let head_present = targets_taken && desired;
		let pages_taken = PagedVoterSnapshotHash::<T>::iter_keys().count() as u32;
		let sealed = SnapshotFingerprint::<T>::exists();
		ensure!(
			SnapshotTargets::<T>::decode_len().unwrap_or_default() as u32
				== SnapshotSize::<T>::get().map(|size| size.targets).unwrap_or_default(),
			"the snapshot size does not count its targets"
		);
		match CurrentPhase::<T>::get() {
			Phase::Off => {
				ensure!(!targets_taken && pages_taken == 0 && !sealed, "snapshot present while off")
			},
			Phase::TargetSnapshot { .. } => {
				ensure!(
					targets_taken && !desired && pages_taken == 0 && !sealed,
					"target pages half-taken wrongly"
				);
			},
			Phase::Snapshot { page } => {
				ensure!(head_present && !sealed, "snapshot half-taken wrongly");
				ensure!(
					(0..=page).all(|p| !PagedVoterSnapshotHash::<T>::contains_key(p))
						&& pages_taken == msp.saturating_sub(page),
					"voter pages taken out of order"
				);
			},
			Phase::Signed { .. } | Phase::SignedValidation { .. } | Phase::Unsigned { .. } => {
				ensure!(
					head_present && sealed && pages_taken == msp.saturating_add(1),
					"snapshot missing during a round"
				)
			},
			Phase::Emergency => {},
		}
		if sealed {
			let targets = SnapshotTargets::<T>::get().unwrap_or_default();
			let desired = DesiredTargets::<T>::get().unwrap_or_default();
			let hashes: alloc::vec::Vec<_> = (0..=msp)
				.rev()
				.map(|page| {
					let voters = Self::voter_page(page);
					(Self::page_hash(&voters), PagedVoterSnapshotHash::<T>::get(page))
				})
				.collect();
			ensure!(
				hashes.iter().all(|(hash, stored)| Some(*hash) == *stored),
				"a voter page does not match its hash"
			);
			let hashes: alloc::vec::Vec<_> = hashes.into_iter().map(|(hash, _)| hash).collect();
			ensure!(
				SnapshotFingerprint::<T>::get()
					== Some(Self::fingerprint_of(Round::<T>::get(), desired, &targets, &hashes)),
				"the fingerprint does not match the snapshot"
			);
			let voters = Self::snapshot_voters();
			ensure!(
				SnapshotSize::<T>::get().map(|size| size.voters) == Some(voters.len() as u32),
				"the snapshot size does not count its voters"
			);
			let stake =
				voters.iter().fold(0u128, |total, (_, s, _)| total.saturating_add(u128::from(*s)));
			ensure!(SnapshotTotalStake::<T>::get() == Some(stake), "the total stake is wrong");
		}
		let queue = SignedSubmissionIndices::<T>::get();
		ensure!(
			queue.windows(2).all(|pair| match pair {
				[a, b] => a.score <= b.score,
				_ => true,
			}),
			"signed queue not sorted"
		);
		ensure!(
			queue.iter().all(|entry| SignedSubmissionsMap::<T>::get(entry.index)
				.map(|s| s.who == entry.who && s.score == entry.score)
				.unwrap_or(false)),
			"signed queue entry without a matching claim"
		);
		let mut whos: alloc::vec::Vec<_> = queue.iter().map(|entry| entry.who.clone()).collect();
		let mut indices: alloc::vec::Vec<u32> = queue.iter().map(|entry| entry.index).collect();
		whos.sort();
		whos.dedup();
		indices.sort();
		indices.dedup();
		ensure!(
			whos.len() == queue.len() && indices.len() == queue.len(),
			"an account or an index twice in the signed queue"
		);
		let verifying = SignedVerification::<T>::get();
		let claims_allowed = matches!(
			CurrentPhase::<T>::get(),
			Phase::Signed { .. } | Phase::SignedValidation { .. }
		);
		ensure!(
			claims_allowed
				|| (queue.is_empty()
					&& verifying.is_none()
					&& SignedSubmissionsMap::<T>::iter_keys().next().is_none()),
			"signed claims outside the signed phase and its validation window"
		);
		let next_index = SignedSubmissionNextIndex::<T>::get();
		for (index, _) in StaleClaimPages::<T>::iter() {
			ensure!(!SignedSubmissionsMap::<T>::contains_key(index), "a live claim marked stale");
			// Indices are never reused: a stale page is never a new claim's.
			ensure!(index < next_index, "a stale claim index not yet given out");
			let mut pages: alloc::vec::Vec<frame_election_provider_support::PageIndex> =
				SignedSubmissionPages::<T>::iter_key_prefix(index).collect();
			let mut records: alloc::vec::Vec<frame_election_provider_support::PageIndex> =
				SignedSubmissionPageRecords::<T>::iter_key_prefix(index).collect();
			pages.sort();
			records.sort();
			ensure!(
				pages == records,
				"a stale page without its record, or a record without its page"
			);
		}
		if let Some(queued) = QueuedSolution::<T>::get() {
			let mut winners: alloc::vec::Vec<_> =
				queued.winners.iter().map(|(winner, _)| winner.clone()).collect();
			winners.sort();
			winners.dedup();
			ensure!(winners.len() == queued.winners.len(), "a winner twice in the queued result");
		}
		if let Some(state) = &verifying {
			ensure!(
				matches!(CurrentPhase::<T>::get(), Phase::SignedValidation { .. }),
				"a claim in verification outside the validation window"
			);
			ensure!(
				SignedSubmissionsMap::<T>::contains_key(state.index)
					&& queue.iter().all(|entry| entry.index != state.index),
				"the claim in verification is missing or still queued"
			);
			ensure!(state.page <= msp, "verification beyond the last page");
			ensure!(
				state.backings.windows(2).all(|pair| match pair {
					[a, b] => a.target < b.target,
					_ => true,
				}) && state.backings.len() as u32 <= DesiredTargets::<T>::get().unwrap_or_default(),
				"verification backing unsorted or with too many winners"
			);
		}
		ensure!(
			SignedSubmissionsMap::<T>::iter().count()
				== queue.len().saturating_add(usize::from(verifying.is_some())),
			"stray signed claims"
		);
		for (index, claim) in SignedSubmissionsMap::<T>::iter() {
			let pages: alloc::vec::Vec<_> =
				SignedSubmissionPageRecords::<T>::iter_prefix(index).collect();
			ensure!(
				pages.iter().all(|(page, _)| SignedSubmissionPages::<T>::contains_key(index, page))
					&& SignedSubmissionPages::<T>::iter_prefix(index).count() == pages.len(),
				"a claim page without its record, or a record without its page"
			);
			ensure!(pages.iter().all(|(page, _)| *page <= msp), "a claim page beyond the last");
			let page_deposits = pages.iter().fold(BalanceOf::<T>::default(), |sum, (_, page)| {
				sp_runtime::Saturating::saturating_add(sum, page.deposit)
			});
			let stored = sp_runtime::Saturating::saturating_add(claim.base_deposit, page_deposits);
			ensure!(
				claim.base_deposit <= claim.deposit && claim.pages <= T::Pages::get().max(1),
				"a claim holds less than its base or more pages than the snapshot has"
			);
			match verifying.as_ref().filter(|state| state.index == index) {
				// The pages checked so far are gone; their deposits stay held until the end.
				Some(state) => {
					ensure!(
						pages.iter().all(|(page, _)| *page <= state.page)
							&& claim.pages >= pages.len() as u32
							&& claim.deposit >= stored,
						"the claim in verification kept a checked page or lost a deposit"
					);
				},
				None => {
					ensure!(claim.pages == pages.len() as u32, "a claim miscounts its pages");
					let page_fees =
						pages.iter().fold(BalanceOf::<T>::default(), |sum, (_, page)| {
							sp_runtime::Saturating::saturating_add(sum, page.fee)
						});
					ensure!(
						claim.call_fee >= page_fees,
						"a claim counts fewer fees than its pages'"
					);
					ensure!(
						claim.deposit == stored,
						"a claim's deposit is not its base and its pages'"
					);
				},
			}
			ensure!(
				<T::Currency as frame_support::traits::fungible::InspectHold<T::AccountId>>::balance_on_hold(
					&HoldReason::SignedSubmission.into(),
					&claim.who
				) == sp_runtime::Saturating::saturating_add(claim.deposit, Self::kept_for_pages(&claim.who)),
				"a claim's deposit is not what its submitter has on hold"
			);
		}
		// A submitter without a live claim holds exactly the page deposits kept for its removed
		// claims' pages.
		for (_, (who, _)) in StaleClaimPages::<T>::iter() {
			if queue.iter().all(|entry| entry.who != who)
				&& verifying
					.as_ref()
					.and_then(|state| SignedSubmissionsMap::<T>::get(state.index))
					.is_none_or(|claim| claim.who != who)
			{
				ensure!(
					<T::Currency as frame_support::traits::fungible::InspectHold<T::AccountId>>::balance_on_hold(
						&HoldReason::SignedSubmission.into(),
						&who
					) == Self::kept_for_pages(&who),
					"page deposits kept for deleted pages are not what the submitter has on hold"
				);
			}
		}
		ensure!(
			SignedSubmissionPages::<T>::iter_keys()
				.chain(SignedSubmissionPageRecords::<T>::iter_keys())
				.all(|(index, _)| SignedSubmissionsMap::<T>::contains_key(index)
					|| StaleClaimPages::<T>::contains_key(index)),
			"a page without its claim"
		);
		Ok(())
	}
}
