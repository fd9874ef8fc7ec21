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

/// The length limit of the stake-pool chain (`MinerMaxLength`, 1 MiB).
pub struct ChainLength;

impl Get<u32> for ChainLength {
	fn get() -> u32 {
		1024 * 1024
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
	type MaxBackersPerWinner = ConstU32<VOTERS>;

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

/// The configurations `staking-miner bench` compares, each run in a child process: the
/// baseline (`sp:`, the `sp_npos_elections` solvers polkadot-sdk's miners run), the miner's own
/// solvers, and the raced portfolio `monitor` runs.
pub const SPECS: [&str; 9] = [
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
pub fn run_one(spec: &str, seed: u64) -> Result<(), String> {
	use crate::portfolio::{self, Algorithm};
	use std::time::{Duration, Instant};
	let (voters, targets) = snapshot(seed);
	let start = Instant::now();
	let mined = match spec {
		"race" => portfolio::race_best::<BenchConfig>(
			// `monitor`'s default: `--algorithm race --balancing-iterations 10`.
			&portfolio::race_portfolio(10),
			voters,
			targets,
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
	let score = mined.score();
	println!(
		"{}",
		serde_json::json!({
			"label": format!("{spec} -> {}", mined.algorithm),
			"seconds": start.elapsed().as_secs_f64(),
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
pub fn run_all(seed: u64) -> Result<(), String> {
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	println!(
		"snapshot: {VOTERS} voters (1 to {MAX_VOTES} votes), {TARGETS} targets, {WINNERS} winners, seed {seed}"
	);
	println!(
		"{:<70} {:>7} {:>7} {:>8} {:>9} {:>9}  score (minimal stake, sum, sum of squares)",
		"configuration -> winner", "wall s", "solve", "prepare", "bytes", "peak MiB"
	);
	for spec in SPECS {
		let out = std::process::Command::new(&exe)
			.args(["bench", "--seed", &seed.to_string(), "--one", spec])
			.output()
			.map_err(|e| e.to_string())?;
		if !out.status.success() {
			return Err(format!("{spec}: {}", String::from_utf8_lossy(&out.stderr)));
		}
		let v: serde_json::Value =
			serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
		let num = |k: &str| v.get(k).and_then(|s| s.as_f64()).unwrap_or_default();
		println!(
			"{:<70} {:>7.2} {:>7.2} {:>8.2} {:>9} {:>9.1}  {}",
			v.get("label").and_then(|l| l.as_str()).unwrap_or_default(),
			num("seconds"),
			num("solve"),
			num("prepare"),
			v.get("length").and_then(|s| s.as_u64()).unwrap_or_default(),
			num("peak_kib") / 1024.0,
			v.get("score").map(|s| s.to_string()).unwrap_or_default(),
		);
	}
	Ok(())
}
