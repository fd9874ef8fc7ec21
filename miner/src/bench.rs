//! A synthetic snapshot at Polkadot-2022 scale for `staking-miner bench`: 22,500 voters with
//! 1 to 16 votes each, 1,000 targets, 300 winners, stakes from a skewed (Pareto-like)
//! distribution, all from a fixed seed so every run mines the same election.

use frame_election_provider_support::generate_solution_type;
use frame_support::{
	traits::{ConstU32, Get},
	weights::Weight,
	BoundedVec,
};
use pallet_election_multi_phase::{miner::VoterOf, MinerConfig};
use sp_runtime::PerU16;

/// Voters in the synthetic snapshot.
pub const VOTERS: u32 = 22_500;
/// Targets in the synthetic snapshot.
pub const TARGETS: u32 = 1_000;
/// Winners wanted.
pub const WINNERS: u32 = 300;
/// The most votes per voter.
pub const MAX_VOTES: u32 = 16;

generate_solution_type!(
	#[compact]
	pub struct BenchSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<VOTERS>,
	>(16)
);

/// No length or weight limit: the bench measures the solvers, not trimming.
pub struct Unlimited;

impl Get<u32> for Unlimited {
	fn get() -> u32 {
		u32::MAX
	}
}

impl Get<Weight> for Unlimited {
	fn get() -> Weight {
		Weight::MAX
	}
}

/// The miner configuration of the bench: u64 accounts, Polkadot's 16 votes.
pub struct BenchConfig;

impl MinerConfig for BenchConfig {
	type AccountId = u64;
	type Solution = BenchSolution;
	type MaxVotesPerVoter = ConstU32<MAX_VOTES>;
	type MaxLength = Unlimited;
	type MaxWeight = Unlimited;
	type MaxWinners = ConstU32<WINNERS>;
	type MaxBackersPerWinner = ConstU32<VOTERS>;

	fn solution_weight(_voters: u32, _targets: u32, _active: u32, _desired: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
}

/// splitmix64.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in `[0, 1)`.
	fn unit(&mut self) -> f64 {
		(self.next() >> 11) as f64 / (1u64 << 53) as f64
	}
}

/// The synthetic snapshot for `seed`: voters (account, stake, votes) and targets.
pub fn snapshot(seed: u64) -> (Vec<VoterOf<BenchConfig>>, Vec<u64>) {
	let mut rng = Rng(seed);
	let targets: Vec<u64> =
		(0..u64::from(TARGETS)).map(|t| 1_000_000u64.saturating_add(t)).collect();
	let voters = (0..u64::from(VOTERS))
		.map(|v| {
			// Pareto(alpha = 1.16, the "80/20" shape) from 10 DOT up, capped at 10M DOT, in
			// planck (10 decimals).
			let u = rng.unit().max(1e-12);
			let dot = (10.0 * u.powf(-1.0 / 1.16)).min(10_000_000.0);
			let stake = (dot * 1e10) as u64;
			let count =
				rng.next().checked_rem(u64::from(MAX_VOTES)).unwrap_or_default().saturating_add(1);
			let mut votes: Vec<u64> = Vec::with_capacity(count as usize);
			while (votes.len() as u64) < count {
				// Popular targets are voted for more: square the uniform draw.
				let r = rng.unit();
				let t = ((r * r) * f64::from(TARGETS)) as usize;
				let target = targets.get(t).copied().unwrap_or_default();
				if !votes.contains(&target) {
					votes.push(target);
				}
			}
			(v, stake, BoundedVec::truncate_from(votes))
		})
		.collect();
	(voters, targets)
}
