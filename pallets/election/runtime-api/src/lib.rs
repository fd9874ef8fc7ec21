//! Runtime API of `pallet-election-multi-phase`: what a miner or a UI needs to follow a round
//! without decoding storage: the phase and round, the signed queue's claimed scores, the
//! snapshot's size and fingerprint, the deposit a solution would cost, and the solution limits.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use frame_support::weights::Weight;
pub use pallet_election_multi_phase::{Phase, SnapshotMetadata};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_npos_elections::ElectionScore;

/// The state of the current round.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct RoundInfo<BlockNumber> {
	/// The round.
	pub round: u32,
	/// The phase.
	pub phase: Phase<BlockNumber>,
	/// The snapshot's size, while there is one.
	pub snapshot: Option<SnapshotMetadata>,
	/// The snapshot's fingerprint, which `submit` must name.
	pub fingerprint: Option<H256>,
	/// The number of winners asked for.
	pub desired_targets: Option<u32>,
	/// The score of the queued (checked) solution, if any.
	pub queued_score: Option<ElectionScore>,
	/// The minimum score a solution must claim, if set.
	pub minimum_untrusted_score: Option<ElectionScore>,
}

/// The limits a solution must respect.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct SolutionLimits {
	/// Longest encoded solution, in bytes.
	pub max_length: u32,
	/// Heaviest solution.
	pub max_weight: Weight,
	/// Most votes per voter.
	pub max_votes_per_voter: u32,
	/// Most winners.
	pub max_winners: u32,
	/// Most backers per winner.
	pub max_backers_per_winner: u32,
	/// Most queued signed submissions.
	pub max_signed_submissions: u32,
}

sp_api::decl_runtime_apis! {
	/// Queries of the multi-phase election.
	pub trait ElectionApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The round, phase, snapshot size and fingerprint, queued score and minimum score.
		fn round_info() -> RoundInfo<BlockNumber>;

		/// The signed queue, best first: each submitter with its claimed score.
		fn signed_queue() -> Vec<(AccountId, ElectionScore)>;

		/// The deposit a solution of `length` bytes and `weight` would hold if submitted now
		/// (with the queue as it is).
		fn deposit_for(length: u32, weight: Weight) -> Balance;

		/// The weight of a solution with `active_voters` voters on the current snapshot.
		fn solution_weight(active_voters: u32) -> Weight;

		/// The limits a solution must respect.
		fn solution_limits() -> SolutionLimits;
	}
}
