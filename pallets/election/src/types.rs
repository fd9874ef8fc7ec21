//! Types of the election: phases, solutions, the snapshot and its metadata.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_election_provider_support::BoundedSupports;
use frame_support::{traits::Get, PalletError};
use scale_info::TypeInfo;
use sp_npos_elections::ElectionScore;

/// The phase of the election.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub enum Phase<BlockNumber> {
	/// Nothing is happening: no snapshot, no submissions.
	#[default]
	Off,
	/// Signed submissions are accepted, until the block given.
	Signed {
		/// The last block of the phase.
		until: BlockNumber,
	},
	/// The signed queue is verified, best first, a bounded number per block.
	SignedValidation {
		/// The last block of the window.
		until: BlockNumber,
	},
	/// Unsigned submissions (from off-chain workers) are accepted.
	Unsigned {
		/// The last block of the phase; the election happens right after it.
		until: BlockNumber,
	},
	/// `elect` failed and so did the fallback: only the admin origin can recover.
	Emergency,
	/// The snapshot is being taken, one voter page per block from the most significant page
	/// down to page 0 (the targets were taken before).
	Snapshot {
		/// The voter page taken in the next block.
		page: u32,
	},
	/// The snapshot's targets are being taken, one page per block from the highest page down
	/// to page 0 (the first was taken in the block that opened the round).
	TargetSnapshot {
		/// The target page taken in the next block.
		page: u32,
	},
}

impl<BlockNumber> Phase<BlockNumber> {
	/// Whether the signed phase is open.
	pub fn is_signed(&self) -> bool {
		matches!(self, Phase::Signed { .. })
	}

	/// Whether the unsigned phase is open.
	pub fn is_unsigned(&self) -> bool {
		matches!(self, Phase::Unsigned { .. })
	}

	/// Whether the election is stuck waiting for governance.
	pub fn is_emergency(&self) -> bool {
		matches!(self, Phase::Emergency)
	}

	/// Whether nothing is happening.
	pub fn is_off(&self) -> bool {
		matches!(self, Phase::Off)
	}

	/// Whether the snapshot is being taken (its targets or its voters).
	pub fn is_snapshot(&self) -> bool {
		matches!(self, Phase::Snapshot { .. } | Phase::TargetSnapshot { .. })
	}
}

/// How a result was computed.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ElectionCompute {
	/// A signed submission.
	Signed,
	/// An unsigned submission (an off-chain worker's).
	Unsigned,
	/// The on-chain fallback.
	Fallback,
	/// Set by the admin origin in an emergency.
	Emergency,
}

/// A solution as submitted: the compact solution, the score it claims, and the round it is for.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct RawSolution<S> {
	/// The compact solution: voter and target indices into the snapshot, and vote ratios.
	pub solution: S,
	/// The score the submitter claims; it must match the score recomputed on chain exactly.
	pub score: ElectionScore,
	/// The round the solution is for.
	pub round: u32,
}

/// A checked solution, ready to be the result of `elect`.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxWinners, MaxBackers))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct ReadySolution<AccountId, MaxWinners: Get<u32>, MaxBackers: Get<u32>> {
	/// The winners and their backing.
	pub supports: BoundedSupports<AccountId, MaxWinners, MaxBackers>,
	/// The score of the supports (recomputed, not claimed).
	pub score: ElectionScore,
	/// How it was computed.
	pub compute: ElectionCompute,
}

impl<AccountId: Clone, MaxWinners: Get<u32>, MaxBackers: Get<u32>> Clone
	for ReadySolution<AccountId, MaxWinners, MaxBackers>
{
	fn clone(&self) -> Self {
		Self { supports: self.supports.clone(), score: self.score, compute: self.compute }
	}
}

impl<AccountId: Debug, MaxWinners: Get<u32>, MaxBackers: Get<u32>> Debug
	for ReadySolution<AccountId, MaxWinners, MaxBackers>
{
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("ReadySolution")
			.field(
				"supports",
				&self
					.supports
					.0
					.iter()
					.map(|(winner, support)| (winner, support.total, support.voters.len()))
					.collect::<alloc::vec::Vec<_>>(),
			)
			.field("score", &self.score)
			.field("compute", &self.compute)
			.finish()
	}
}

impl<AccountId: PartialEq, MaxWinners: Get<u32>, MaxBackers: Get<u32>> PartialEq
	for ReadySolution<AccountId, MaxWinners, MaxBackers>
{
	fn eq(&self, other: &Self) -> bool {
		self.supports == other.supports
			&& self.score == other.score
			&& self.compute == other.compute
	}
}

/// The result `elect` returns, as it waits in storage: each winner with its total backing, the
/// score and how it was computed. Per-voter backing is not kept: the consumer of this election
/// (the stake pools) uses each winner's total, and a paged signed claim is verified as totals
/// summed page by page. At most `MaxWinners` entries (48 bytes each with 32-byte accounts).
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
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct QueuedResult<AccountId: Clone + PartialEq + Eq + Debug, MaxWinners: Get<u32>> {
	/// The winners, each with its total backing.
	pub winners:
		frame_support::BoundedVec<(AccountId, sp_npos_elections::ExtendedBalance), MaxWinners>,
	/// The score of the result (recomputed, not claimed).
	pub score: ElectionScore,
	/// How it was computed.
	pub compute: ElectionCompute,
}

impl<AccountId: Clone + PartialEq + Eq + Debug, MaxWinners: Get<u32>>
	QueuedResult<AccountId, MaxWinners>
{
	/// The winners' totals of `supports`, or `None` if there are more than `MaxWinners`.
	pub fn from_supports(
		supports: impl IntoIterator<Item = (AccountId, sp_npos_elections::ExtendedBalance)>,
		score: ElectionScore,
		compute: ElectionCompute,
	) -> Option<Self> {
		let winners: alloc::vec::Vec<_> = supports.into_iter().collect();
		Some(Self { winners: winners.try_into().ok()?, score, compute })
	}
}

/// The size of a snapshot: what every submission names so it cannot be checked against another
/// snapshot, and what the weight of checking it depends on.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Default,
)]
pub struct SnapshotMetadata {
	/// Number of voters.
	#[codec(compact)]
	pub voters: u32,
	/// Number of targets.
	#[codec(compact)]
	pub targets: u32,
}

/// Why a solution is not feasible. One variant per cause, checked in this order.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, PalletError,
)]
pub enum FeasibilityError {
	/// The solution is for another round.
	WrongRound,
	/// The solution names another snapshot (its fingerprint differs).
	WrongFingerprint,
	/// The number of winners is not the desired number of targets.
	WrongWinnerCount,
	/// More winners are desired than the pallet can return.
	TooManyDesiredTargets,
	/// The claimed score is below the minimum untrusted score.
	UntrustedScoreTooLow,
	/// A voter index is outside the snapshot.
	InvalidVoterIndex,
	/// A target index is outside the snapshot.
	InvalidTargetIndex,
	/// The same voter appears twice.
	DuplicateVoter,
	/// A voter gives stake to the same target twice.
	DuplicateTarget,
	/// A voter gives stake to a target it did not vote for.
	InvalidVote,
	/// The vote ratios of a voter do not add up.
	InvalidAssignment,
	/// The claimed score differs from the score the chain computes.
	InvalidScore,
	/// A winner has more backers than `MaxBackersPerWinner`.
	TooManyBackings,
	/// There is no snapshot to check against.
	SnapshotUnavailable,
	/// A page of a paged solution is beyond the snapshot's pages.
	InvalidPage,
	/// A page of a paged solution was given twice.
	DuplicatePage,
}
