//! The [`MinerConfig`] of the live chain: the runtime's solution type and weight formula, with
//! the length, weight, winner and backer limits the chain reports.
//!
//! The solution type and the benchmark formula (`feasibility_check`'s weight) are compiled in from
//! `pool-runtime`, the very code the chain runs; the metadata check of `stake_client::compat`
//! makes sure the chain still has the same shapes. The *values* of the limits may still differ
//! from the build (a runtime upgrade can change a `parameter_types!` value without changing a
//! type), so they are read from the chain's `ElectionApi_solution_limits` once per round and set
//! here with [`set_limits`] before mining: trimming then works against the chain's numbers
//! without asking the node for a weight per try.

use frame_support::{traits::Get, weights::Weight};
use pallet_election_multi_phase::MinerConfig;
use pallet_election_multi_phase_runtime_api::SolutionLimits;
use pool_runtime::configs::ElectionMinerConfig;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

static MAX_LENGTH: AtomicU32 = AtomicU32::new(0);
static MAX_REF_TIME: AtomicU64 = AtomicU64::new(0);
static MAX_PROOF_SIZE: AtomicU64 = AtomicU64::new(0);
static MAX_WINNERS: AtomicU32 = AtomicU32::new(0);
static MAX_BACKERS: AtomicU32 = AtomicU32::new(0);
static PAGES: AtomicU32 = AtomicU32::new(1);

/// Use the chain's limits from now on.
pub fn set_limits(limits: &SolutionLimits) {
	MAX_LENGTH.store(limits.max_length, Ordering::SeqCst);
	MAX_REF_TIME.store(limits.max_weight.ref_time(), Ordering::SeqCst);
	MAX_PROOF_SIZE.store(limits.max_weight.proof_size(), Ordering::SeqCst);
	MAX_WINNERS.store(limits.max_winners, Ordering::SeqCst);
	MAX_BACKERS.store(limits.max_backers_per_winner, Ordering::SeqCst);
}

/// The number of voter pages of the snapshot being mined: a whole solution is trimmed to this
/// many pages' limits ([`ClaimConfig`]), each page is then held to one page's.
pub fn set_pages(pages: u32) {
	PAGES.store(pages.max(1), Ordering::SeqCst);
}

/// The limits in use, as the chain reported them (all zero before [`set_limits`]).
pub fn limits() -> (u32, Weight) {
	(ChainMaxLength::get(), ChainMaxWeight::get())
}

/// Whether the chain's solution type can carry its votes: the compiled-in solution type holds
/// at most `MaxVotesPerVoter` votes per voter.
pub fn check_votes_per_voter(limits: &SolutionLimits) -> Result<(), String> {
	let ours = <<ElectionMinerConfig as MinerConfig>::MaxVotesPerVoter as Get<u32>>::get();
	if limits.max_votes_per_voter != ours {
		return Err(format!(
			"the chain allows {} votes per voter, this build's solution type {ours}: upgrade the miner",
			limits.max_votes_per_voter
		));
	}
	Ok(())
}

/// `MaxLength` as the chain reports it.
pub struct ChainMaxLength;
impl Get<u32> for ChainMaxLength {
	fn get() -> u32 {
		MAX_LENGTH.load(Ordering::SeqCst)
	}
}

/// `MaxWeight` as the chain reports it.
pub struct ChainMaxWeight;
impl Get<Weight> for ChainMaxWeight {
	fn get() -> Weight {
		Weight::from_parts(
			MAX_REF_TIME.load(Ordering::SeqCst),
			MAX_PROOF_SIZE.load(Ordering::SeqCst),
		)
	}
}

/// `MaxWinners` as the chain reports it.
pub struct ChainMaxWinners;
impl Get<u32> for ChainMaxWinners {
	fn get() -> u32 {
		MAX_WINNERS.load(Ordering::SeqCst)
	}
}

/// `MaxBackersPerWinner` as the chain reports it.
pub struct ChainMaxBackers;
impl Get<u32> for ChainMaxBackers {
	fn get() -> u32 {
		MAX_BACKERS.load(Ordering::SeqCst)
	}
}

/// The live chain's miner configuration with the length and weight limits `L` and `W`: the
/// runtime's solution type and weight formula, the chain's winner and backer limits.
pub struct LiveConfig<L, W>(core::marker::PhantomData<(L, W)>);

impl<L: Get<u32>, W: Get<Weight>> MinerConfig for LiveConfig<L, W> {
	type AccountId = <ElectionMinerConfig as MinerConfig>::AccountId;
	type Solution = <ElectionMinerConfig as MinerConfig>::Solution;
	type MaxVotesPerVoter = <ElectionMinerConfig as MinerConfig>::MaxVotesPerVoter;
	type MaxLength = L;
	type MaxWeight = W;
	type MaxWinners = ChainMaxWinners;
	type MaxBackersPerWinner = ChainMaxBackers;

	fn solution_weight(voters: u32, targets: u32, active_voters: u32, desired: u32) -> Weight {
		ElectionMinerConfig::solution_weight(voters, targets, active_voters, desired)
	}
}

/// The live chain's miner configuration: one page's (or an unsigned solution's) limits.
pub type ChainConfig = LiveConfig<ChainMaxLength, ChainMaxWeight>;

/// `MaxLength` for a whole solution of a claim: one page's limit times the pages.
pub struct ClaimMaxLength;
impl Get<u32> for ClaimMaxLength {
	fn get() -> u32 {
		ChainMaxLength::get().saturating_mul(PAGES.load(Ordering::SeqCst))
	}
}

/// `MaxWeight` for a whole solution of a claim: one page's limit times the pages.
pub struct ClaimMaxWeight;
impl Get<Weight> for ClaimMaxWeight {
	fn get() -> Weight {
		ChainMaxWeight::get().saturating_mul(u64::from(PAGES.load(Ordering::SeqCst)))
	}
}

/// The miner configuration a whole solution is mined and trimmed with before it is split into
/// a claim's pages: the chain's, with the length and weight limits of all pages together (a
/// claim's limits are per page; the chain's own `ChainConfig` checks each page after the split,
/// `Miner::paginate`). Trimming the whole solution to one page's limit would throw away most of
/// a large snapshot's voters.
pub type ClaimConfig = LiveConfig<ClaimMaxLength, ClaimMaxWeight>;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn limits_follow_the_chain_and_the_weight_is_the_runtimes() {
		let chain = SolutionLimits {
			max_length: 1000,
			max_weight: Weight::from_parts(5, 6),
			max_votes_per_voter: 16,
			max_winners: 7,
			max_backers_per_winner: 9,
			max_signed_submissions: 3,
		};
		set_limits(&chain);
		assert_eq!(limits(), (1000, Weight::from_parts(5, 6)));
		assert_eq!((ChainMaxWinners::get(), ChainMaxBackers::get()), (7, 9));
		assert_eq!(
			ChainConfig::solution_weight(100, 10, 50, 3),
			ElectionMinerConfig::solution_weight(100, 10, 50, 3)
		);
		assert!(check_votes_per_voter(&chain).is_ok());
		// A claim's whole solution may use every page's limits.
		set_pages(7);
		assert_eq!(ClaimMaxLength::get(), 7_000);
		assert_eq!(ClaimMaxWeight::get(), Weight::from_parts(35, 42));
		set_pages(1);
		let error = check_votes_per_voter(&SolutionLimits { max_votes_per_voter: 24, ..chain })
			.unwrap_err();
		assert!(
			error.contains("the chain allows 24 votes per voter, this build's solution type 16")
		);
	}
}
