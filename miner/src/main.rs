//! `staking-miner`: the off-chain election miner (in progress: `bench` so far).

use clap::{Parser, Subcommand};
use staking_miner::{
	bench::{self, BenchConfig},
	portfolio::{self, Algorithm},
};
use std::{
	process::{Command, ExitCode},
	time::{Duration, Instant},
};

#[derive(Parser, Debug)]
#[command(name = "staking-miner", version, about)]
struct Cli {
	#[command(subcommand)]
	command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
	/// Mine a synthetic Polkadot-2022-scale snapshot (22,500 voters, 1,000 targets, 300
	/// winners) with each solver and with the raced portfolio; report wall time, peak memory
	/// and score.
	Bench {
		/// The snapshot's seed.
		#[arg(long, default_value_t = 2022)]
		seed: u64,
		/// Run one configuration in this process and print it as JSON (used by `bench` for
		/// each child): `seq-phragmen:N`, `phragmms:N` or `race`.
		#[arg(long, hide = true)]
		one: Option<String>,
	},
}

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

/// The portfolio raced by `race`.
const RACE: [Algorithm; 2] =
	[Algorithm::SeqPhragmen { balancing: 2 }, Algorithm::PhragMms { balancing: 0 }];

fn run_one(spec: &str, seed: u64) -> Result<(), String> {
	let (voters, targets) = bench::snapshot(seed);
	let start = Instant::now();
	let parts;
	let (label, score) = if spec == "race" {
		let race = portfolio::race::<BenchConfig>(
			&RACE,
			voters,
			targets,
			bench::WINNERS,
			1,
			Duration::from_secs(600),
		);
		let best = race.best.and_then(|i| race.finished.get(i)).ok_or("no solver finished")?;
		parts = (best.solve.as_secs_f64(), best.prepare.as_secs_f64());
		(
			format!("race [{}] -> {}", RACE.map(|a| a.to_string()).join(", "), best.algorithm),
			best.score(),
		)
	} else {
		let (name, iterations) = spec.split_once(':').ok_or("expected ALGORITHM:ITERATIONS")?;
		let algorithm: Algorithm = name.parse()?;
		let algorithm = algorithm.with_balancing(iterations.parse().map_err(|_| "bad iterations")?);
		let mined = portfolio::mine::<BenchConfig>(algorithm, &voters, &targets, bench::WINNERS, 1)
			.map_err(|e| format!("{algorithm}: {e:?}"))?;
		parts = (mined.solve.as_secs_f64(), mined.prepare.as_secs_f64());
		(algorithm.to_string(), mined.score())
	};
	println!(
		"{}",
		serde_json::json!({
			"label": label,
			"seconds": start.elapsed().as_secs_f64(),
			"solve": parts.0,
			"prepare": parts.1,
			"peak_kib": peak_rss_kib(),
			"score": [score.minimal_stake.to_string(), score.sum_stake.to_string(), score.sum_stake_squared.to_string()],
		})
	);
	Ok(())
}

fn run_bench(seed: u64) -> Result<(), String> {
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	println!(
		"snapshot: {} voters (1 to {} votes), {} targets, {} winners, seed {seed}",
		bench::VOTERS,
		bench::MAX_VOTES,
		bench::TARGETS,
		bench::WINNERS
	);
	println!(
		"{:<70} {:>8} {:>9}  score (minimal stake, sum, sum of squares)",
		"solver", "wall s", "peak MiB"
	);
	for spec in ["seq-phragmen:0", "seq-phragmen:10", "phragmms:0", "race"] {
		let out = Command::new(&exe)
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
			"{:<64} {:>7.2} {:>7.2} {:>8.2} {:>9.1}  {}",
			v.get("label").and_then(|l| l.as_str()).unwrap_or_default(),
			num("seconds"),
			num("solve"),
			num("prepare"),
			v.get("peak_kib").and_then(|s| s.as_f64()).unwrap_or_default() / 1024.0,
			v.get("score").map(|s| s.to_string()).unwrap_or_default(),
		);
	}
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let result = match cli.command {
		Cmd::Bench { seed, one: Some(spec) } => run_one(&spec, seed),
		Cmd::Bench { seed, one: None } => run_bench(seed),
	};
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
