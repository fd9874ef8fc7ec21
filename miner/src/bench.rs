//! Synthetic snapshots for `staking-miner bench`, from a fixed seed so every run mines the same
//! election, at two scales ([`Scale`]): Polkadot-2022 (22,500 voters with 1 to 16 votes each,
//! 1,000 targets, 300 winners) and the stake pools' target (100,000 delegators with 1 to 16
//! votes, 1,000 pools, 300 winners, in voter pages of 220 as the chain takes them). Stakes follow
//! a skewed (Pareto-like) distribution.

use frame_election_provider_support::generate_solution_type;
use frame_support::{
	traits::{ConstU32, Get},
	weights::Weight,
	BoundedVec,
};
use pallet_election_multi_phase::{miner::VoterOf, MinerConfig};
use sp_runtime::PerU16;

/// Voters in the Polkadot-2022 snapshot.
pub const VOTERS: u32 = 22_500;
/// Voters (delegators) at the stake pools' target scale.
pub const POOL_VOTERS: u32 = 100_000;
/// Targets in the synthetic snapshot.
pub const TARGETS: u32 = 1_000;
/// Winners wanted.
pub const WINNERS: u32 = 300;
/// The most votes per voter.
pub const MAX_VOTES: u32 = 16;
/// Voters per page at the stake pools' scale (the runtime's `VOTERS_PER_PAGE`).
pub const PAGE_VOTERS: u32 = 220;
/// A claim page's length limit (the runtime's `MinerMaxLength`, 64 KiB).
pub const PAGE_LENGTH: u32 = 64 * 1024;

/// Which synthetic snapshot to mine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
	/// Polkadot in 2022: 22,500 voters, 1,000 targets, 300 winners, one 1 MiB solution.
	Polkadot,
	/// The stake pools' target: 100,000 delegators, 1,000 pools, 300 winners, 455 voter
	/// pages of 220 (each page of the claim within 64 KiB).
	StakePools,
}

impl Scale {
	/// Voters in the snapshot.
	pub fn voters(self) -> u32 {
		match self {
			Scale::Polkadot => VOTERS,
			Scale::StakePools => POOL_VOTERS,
		}
	}

	/// Voters per page, when the chain takes the snapshot in pages.
	pub fn page_voters(self) -> Option<u32> {
		match self {
			Scale::Polkadot => None,
			Scale::StakePools => Some(PAGE_VOTERS),
		}
	}

	/// The whole solution's length limit: 1 MiB, or every page's limit together.
	pub fn length_limit(self) -> u32 {
		match self.page_voters() {
			None => 1024 * 1024,
			Some(per_page) => PAGE_LENGTH.saturating_mul(self.voters().div_ceil(per_page)),
		}
	}

	/// The name `--scale` takes.
	pub fn name(self) -> &'static str {
		match self {
			Scale::Polkadot => "polkadot",
			Scale::StakePools => "stake-pools",
		}
	}
}

static LENGTH_LIMIT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1024 * 1024);

generate_solution_type!(
	#[compact]
	pub struct BenchSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<POOL_VOTERS>,
	>(16)
);

/// The whole solution's length limit of the scale being mined ([`Scale::length_limit`]).
pub struct ChainLength;

impl Get<u32> for ChainLength {
	fn get() -> u32 {
		LENGTH_LIMIT.load(std::sync::atomic::Ordering::SeqCst)
	}
}

/// No weight limit: the bench measures the solvers, not the weight formula.
pub struct Unlimited;

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
	type MaxLength = ChainLength;
	type MaxWeight = Unlimited;
	type MaxWinners = ConstU32<WINNERS>;
	type MaxBackersPerWinner = ConstU32<POOL_VOTERS>;

	fn solution_weight(_voters: u32, _targets: u32, _active: u32, _desired: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
}

/// splitmix64: the bench's and the tests' reproducible randomness.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
	pub(crate) fn next(&mut self) -> u64 {
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

/// The synthetic snapshot for `seed` at the Polkadot scale: voters (account, stake, votes) and
/// targets.
pub fn snapshot(seed: u64) -> (Vec<VoterOf<BenchConfig>>, Vec<u64>) {
	snapshot_of(Scale::Polkadot, seed)
}

/// The synthetic snapshot for `seed` at `scale`, the voters largest first when the scale is
/// paged (as the chain's data provider hands them out).
pub fn snapshot_of(scale: Scale, seed: u64) -> (Vec<VoterOf<BenchConfig>>, Vec<u64>) {
	let mut rng = Rng(seed);
	let targets: Vec<u64> =
		(0..u64::from(TARGETS)).map(|t| 1_000_000u64.saturating_add(t)).collect();
	let mut voters: Vec<VoterOf<BenchConfig>> = (0..u64::from(scale.voters()))
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
	if scale.page_voters().is_some() {
		voters.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
	}
	(voters, targets)
}

/// The voter pages of a paged snapshot, `pages[p]` being page `p`: the first `page_voters` of
/// `voters` (the largest) are the last page, as the chain takes them.
pub fn pages_of(
	voters: &[VoterOf<BenchConfig>],
	page_voters: u32,
) -> Vec<Vec<VoterOf<BenchConfig>>> {
	let mut pages: Vec<Vec<VoterOf<BenchConfig>>> =
		voters.chunks(page_voters.max(1) as usize).map(|page| page.to_vec()).collect();
	pages.reverse();
	pages
}

/// polkadot-sdk's miner pipeline: `sp_npos_elections`' sequential Phragmén with 10 balancing
/// iterations, `sp_npos_elections::reduce`, then the same trimming and compact encoding as every
/// other row (the reduction already done, the miner's own finds nothing more to cut).
fn mine_sdk(
	voters: &[VoterOf<BenchConfig>],
	targets: &[u64],
) -> Result<crate::portfolio::Mined<BenchConfig>, String> {
	use frame_election_provider_support::{NposSolver, SequentialPhragmen};
	use sp_npos_elections::{assignment_ratio_to_staked_normalized, BalancingConfig};
	use std::time::Instant;
	struct TenIterations;
	impl Get<Option<BalancingConfig>> for TenIterations {
		fn get() -> Option<BalancingConfig> {
			Some(BalancingConfig { iterations: 10, tolerance: 0 })
		}
	}
	let start = Instant::now();
	let input: Vec<(u64, u64, Vec<u64>)> = voters
		.iter()
		.map(|(who, stake, votes)| (*who, *stake, votes.clone().into_inner()))
		.collect();
	let result = SequentialPhragmen::<u64, PerU16, TenIterations>::solve(
		WINNERS as usize,
		targets.to_vec(),
		input,
	)
	.map_err(|e| format!("{e:?}"))?;
	let stakes: std::collections::HashMap<u64, u64> =
		voters.iter().map(|(who, stake, _)| (*who, *stake)).collect();
	let mut staked = assignment_ratio_to_staked_normalized(result.assignments, |who| {
		stakes.get(who).copied().unwrap_or_default()
	})
	.map_err(|e| format!("{e:?}"))?;
	let solve = start.elapsed();
	let start = Instant::now();
	sp_npos_elections::reduce(&mut staked);
	let (solution, trimmed) = pallet_election_multi_phase::Miner::<BenchConfig>::prepare_staked(
		staked, voters, targets, WINNERS, 1,
	)
	.map_err(|e| format!("{e:?}"))?;
	Ok(crate::portfolio::Mined {
		algorithm: crate::portfolio::Algorithm::SeqPhragmen { balancing: 10 },
		solution,
		trimmed,
		solve,
		prepare: start.elapsed(),
	})
}

/// The configurations `staking-miner bench` compares, each run in a child process: the
/// baseline (`sp:`, the `sp_npos_elections` solvers polkadot-sdk's miners run), the miner's own
/// solvers, and the raced portfolio `monitor` runs.
pub const SPECS: [&str; 10] = [
	"sdk",
	"sp:seq-phragmen:0",
	"sp:seq-phragmen:10",
	"sp:phragmms:0",
	"seq-phragmen:0",
	"seq-phragmen:10",
	"phragmms:0",
	"phragmms:10",
	"phragmms-interleaved:10",
	"race",
];

fn peak_rss_kib() -> u64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("VmHWM:"))
				.and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
		})
		.unwrap_or_default()
}

/// Run one configuration of [`SPECS`] in this process and print it as one JSON line.
pub fn run_one(spec: &str, seed: u64, scale: Scale) -> Result<(), String> {
	use crate::portfolio::{self, Algorithm};
	use std::time::{Duration, Instant};
	LENGTH_LIMIT.store(scale.length_limit(), std::sync::atomic::Ordering::SeqCst);
	let (voters, targets) = snapshot_of(scale, seed);
	// The race takes its input by value; copied before the clock starts.
	let (race_voters, race_targets) = (voters.clone(), targets.clone());
	let start = Instant::now();
	let mined = match spec {
		"sdk" => mine_sdk(&voters, &targets)?,
		"race" => portfolio::race_best::<BenchConfig>(
			// `monitor`'s default: `--algorithm race --balancing-iterations 10`.
			&portfolio::race_portfolio(10),
			race_voters,
			race_targets,
			WINNERS,
			1,
			Duration::from_secs(600),
		)?,
		_ => {
			let (reference, spec) = match spec.strip_prefix("sp:") {
				Some(rest) => (true, rest),
				None => (false, spec),
			};
			let mut parts = spec.split(':');
			let algorithm: Algorithm = parts.next().unwrap_or_default().parse()?;
			let iterations =
				parts.next().and_then(|i| i.parse().ok()).ok_or("expected ALGORITHM:ITERATIONS")?;
			let algorithm = algorithm.with_balancing(iterations);
			let mine = if reference {
				portfolio::mine_reference::<BenchConfig>
			} else {
				portfolio::mine::<BenchConfig>
			};
			mine(algorithm, &voters, &targets, WINNERS, 1)
				.map_err(|e| format!("{algorithm}: {e:?}"))?
		},
	};
	let seconds = start.elapsed().as_secs_f64();
	let score = mined.score();
	// At a paged scale: the claim's pages, each checked as the chain checks a page.
	let pages = match scale.page_voters() {
		Some(per_page) => {
			LENGTH_LIMIT.store(PAGE_LENGTH, std::sync::atomic::Ordering::SeqCst);
			let pages = pages_of(&voters, per_page);
			let paged = pallet_election_multi_phase::Miner::<BenchConfig>::paginate(
				mined.solution.solution.clone(),
				&pages,
				&targets,
				WINNERS,
				1,
			)
			.map_err(|e| format!("{spec}: the solution cannot be split into pages: {e:?}"))?;
			if paged.score != score {
				return Err(format!("{spec}: the pages do not score as the whole solution"));
			}
			let longest = paged
				.pages
				.iter()
				.map(|(_, solution)| codec::Encode::encoded_size(solution))
				.max()
				.unwrap_or_default();
			serde_json::json!([paged.pages.len(), longest])
		},
		None => serde_json::Value::Null,
	};
	println!(
		"{}",
		serde_json::json!({
			"label": format!("{spec} -> {}", mined.algorithm),
			"pages": pages,
			"seconds": seconds,
			"solve": mined.solve.as_secs_f64(),
			"prepare": mined.prepare.as_secs_f64(),
			"length": mined.trimmed.length,
			"peak_kib": peak_rss_kib(),
			"score": [score.minimal_stake.to_string(), score.sum_stake.to_string(), score.sum_stake_squared.to_string()],
		})
	);
	Ok(())
}

/// Run every configuration of [`SPECS`], each in a child process (so peak memory is its own),
/// and print the table.
pub fn run_all(seed: u64, scale: Scale) -> Result<(), String> {
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	println!(
		"snapshot ({}): {} voters (1 to {MAX_VOTES} votes), {TARGETS} targets, {WINNERS} winners, seed {seed}{}",
		scale.name(),
		scale.voters(),
		scale
			.page_voters()
			.map(|per_page| format!(", pages of {per_page} (each claim page within {PAGE_LENGTH} bytes)"))
			.unwrap_or_default()
	);
	println!(
		"{:<50} {:>7} {:>7} {:>8} {:>9} {:>9} {:>14}  score (minimal stake, sum, sum of squares)",
		"configuration -> winner",
		"wall s",
		"solve",
		"prepare",
		"bytes",
		"peak MiB",
		"pages/longest"
	);
	for spec in SPECS {
		let out = std::process::Command::new(&exe)
			.args(["bench", "--seed", &seed.to_string(), "--scale", scale.name(), "--one", spec])
			.output()
			.map_err(|e| e.to_string())?;
		if !out.status.success() {
			return Err(format!("{spec}: {}", String::from_utf8_lossy(&out.stderr)));
		}
		let v: serde_json::Value =
			serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
		let num = |k: &str| v.get(k).and_then(|s| s.as_f64()).unwrap_or_default();
		let pages = match v.get("pages").and_then(|p| p.as_array()) {
			Some(p) => format!(
				"{}/{}",
				p.first().and_then(|n| n.as_u64()).unwrap_or_default(),
				p.get(1).and_then(|n| n.as_u64()).unwrap_or_default()
			),
			None => "-".into(),
		};
		println!(
			"{:<50} {:>7.2} {:>7.2} {:>8.2} {:>9} {:>9.1} {:>14}  {}",
			v.get("label").and_then(|l| l.as_str()).unwrap_or_default(),
			num("seconds"),
			num("solve"),
			num("prepare"),
			v.get("length").and_then(|s| s.as_u64()).unwrap_or_default(),
			num("peak_kib") / 1024.0,
			pages,
			v.get("score").map(|s| s.to_string()).unwrap_or_default(),
		);
	}
	Ok(())
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn a_paged_scale_is_paged_as_the_chain_pages_it() {
		let voters: Vec<VoterOf<BenchConfig>> =
			(0..5u64).map(|i| (i, 100 - i, BoundedVec::truncate_from(vec![1_000_000]))).collect();
		let pages = pages_of(&voters, 2);
		// The first (largest) voters make the last page, page 0 holds the rest.
		let ids = |page: &Vec<VoterOf<BenchConfig>>| page.iter().map(|v| v.0).collect::<Vec<_>>();
		assert_eq!(
			pages.iter().map(ids).collect::<Vec<_>>(),
			vec![vec![4], vec![2, 3], vec![0, 1]]
		);
		// 100,000 delegators in pages of 220: 455 pages, each claim page within 64 KiB.
		assert_eq!(Scale::StakePools.voters().div_ceil(PAGE_VOTERS), 455);
		assert_eq!(Scale::StakePools.length_limit(), 455 * 64 * 1024);
		assert_eq!(Scale::Polkadot.length_limit(), 1024 * 1024);
	}

	#[test]
	fn the_stake_pool_snapshot_is_largest_first() {
		let (voters, targets) = snapshot_of(Scale::StakePools, 7);
		assert_eq!((voters.len(), targets.len()), (100_000, 1_000));
		assert!(voters.windows(2).all(|pair| pair[0].1 >= pair[1].1));
		assert!(voters.iter().all(|(_, _, votes)| (1..=16).contains(&votes.len())));
	}
}
