//! The command line of `staking-miner`, with polkadot-staking-miner's names where it has one.

use crate::{monitor::Listen, portfolio::Algorithm, strategy::Strategy};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The off-chain election miner of the stake-pool chain.
#[derive(Parser, Debug)]
#[command(name = "staking-miner", version, about)]
pub struct Cli {
	/// The node's WebSocket URI; a comma-separated list fails over between endpoints in order.
	#[arg(long, env = "URI", default_value = "ws://127.0.0.1:9944", global = true)]
	pub uri: String,
	/// Serve Prometheus metrics on 127.0.0.1 at this port (`monitor` only; 0 turns them off).
	#[arg(long, default_value_t = 9999, global = true)]
	pub prometheus_port: u16,
	/// Log filter: a level (`info`, `debug`) or per-target directives
	/// (`staking_miner=debug,stake_client=info`).
	#[arg(long, default_value = "info", global = true)]
	pub log: String,
	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

/// How to mine.
#[derive(Args, Debug, Clone)]
pub struct Solver {
	/// `seq-phragmen`, `phragmms`, `phragmms-interleaved` (balancing after every round), or
	/// `race` (seq-phragmen and phragmms, each on its own thread; the best score wins).
	#[arg(long, default_value = "race")]
	pub algorithm: String,
	/// Balancing iterations after the solver (0: none); after every round for
	/// `phragmms-interleaved`.
	#[arg(long, default_value_t = 10)]
	pub balancing_iterations: usize,
}

impl Solver {
	/// The algorithms to run.
	pub fn algorithms(&self) -> Result<Vec<Algorithm>, String> {
		let iterations = self.balancing_iterations;
		if self.algorithm == "race" {
			return Ok(crate::portfolio::race_portfolio(iterations).to_vec());
		}
		let algorithm: Algorithm =
			self.algorithm.parse().map_err(|e: String| format!("{e} (or `race`)"))?;
		Ok(vec![algorithm.with_balancing(iterations)])
	}
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
	/// Follow the chain and submit a solution in every signed phase where the strategy says so.
	Monitor {
		/// The key: a secret URI (`//Alice`, a mnemonic, a 0x seed) or a file holding one.
		#[arg(long, env = "SEED")]
		seed_or_path: String,
		/// Follow new best heads or finalized heads.
		#[arg(long, value_enum, default_value = "head")]
		listen: Listen,
		/// When to submit: `always`, `if-leading`, `"percent-better N"`, `"no-worse-than N"`.
		#[arg(long, default_value = "if-leading")]
		submission_strategy: Strategy,
		/// Seconds to wait after mining before deciding and submitting (others may submit first).
		#[arg(long, default_value_t = 0)]
		delay: u64,
		/// Mine and decide, but never submit.
		#[arg(long)]
		dry_run: bool,
		/// How to mine.
		#[command(flatten)]
		solver: Solver,
		/// The journal of this miner's submissions (kept across restarts).
		#[arg(long, default_value = "staking-miner.journal")]
		journal: PathBuf,
	},
	/// Mine at a block and print the score, length, weight and deposit a submission would have.
	DryRun {
		/// The block number (the best block when omitted).
		#[arg(long)]
		at: Option<u32>,
		/// How to mine.
		#[command(flatten)]
		solver: Solver,
		/// Seconds the solvers may take.
		#[arg(long, default_value_t = 120)]
		budget: u64,
	},
	/// Mine the snapshot and write the supports and the encoded
	/// `Election::set_emergency_election_result` call for governance.
	EmergencySolution {
		/// The block number (the best block when omitted).
		#[arg(long)]
		at: Option<u32>,
		/// Elect this many winners instead of the snapshot's desired targets.
		#[arg(long)]
		force_winner_count: Option<u32>,
		/// Where to write the supports (JSON).
		#[arg(long, default_value = "emergency-solution.json")]
		output: PathBuf,
		/// How to mine.
		#[command(flatten)]
		solver: Solver,
		/// Seconds the solvers may take.
		#[arg(long, default_value_t = 600)]
		budget: u64,
	},
	/// The chain's runtime version and whether this miner's types match it (exit 1 if not).
	Info,
	/// Mine a synthetic snapshot (`polkadot`: 22,500 voters, 1,000 targets, 300 winners;
	/// `stake-pools`: 100,000 delegators in pages of 220, 1,000 pools, 300 winners) with
	/// polkadot-sdk's pipeline, each solver and the raced portfolio; report wall time, peak
	/// memory, score and (paged) the claim's pages.
	Bench {
		/// The snapshot's seed.
		#[arg(long, default_value_t = 2022)]
		seed: u64,
		/// Which snapshot.
		#[arg(long, value_enum, default_value_t = crate::bench::Scale::Polkadot)]
		scale: crate::bench::Scale,
		/// Run one configuration in this process and print it as JSON (used by `bench` for
		/// each child).
		#[arg(long, hide = true)]
		one: Option<String>,
	},
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::Perbill;

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("staking-miner").chain(args.iter().copied()))
	}

	#[test]
	fn monitor_takes_the_reference_flags() {
		let cli = parse(&[
			"--uri",
			"ws://a:1,ws://b:2",
			"monitor",
			"--seed-or-path",
			"//Alice",
			"--listen",
			"finalized",
			"--submission-strategy",
			"percent-better 5",
			"--delay",
			"3",
			"--dry-run",
			"--algorithm",
			"phragmms",
			"--balancing-iterations",
			"4",
			"--prometheus-port",
			"0",
		])
		.unwrap();
		assert_eq!(cli.uri, "ws://a:1,ws://b:2");
		assert_eq!(cli.prometheus_port, 0);
		let Command::Monitor { listen, submission_strategy, delay, dry_run, solver, .. } =
			cli.command
		else {
			panic!("monitor")
		};
		assert_eq!(listen, Listen::Finalized);
		assert_eq!(submission_strategy, Strategy::PercentBetter(Perbill::from_percent(5)));
		assert_eq!((delay, dry_run), (3, true));
		assert_eq!(solver.algorithms().unwrap(), vec![Algorithm::PhragMms { balancing: 4 }]);
	}

	#[test]
	fn defaults_match_the_reference_miner() {
		let cli = parse(&["monitor", "--seed-or-path", "//Bob"]).unwrap();
		assert_eq!(cli.uri, "ws://127.0.0.1:9944");
		assert_eq!(cli.prometheus_port, 9999);
		let Command::Monitor { listen, submission_strategy, delay, dry_run, solver, .. } =
			cli.command
		else {
			panic!("monitor")
		};
		assert_eq!(listen, Listen::Head);
		assert_eq!(submission_strategy, Strategy::IfLeading);
		assert_eq!((delay, dry_run), (0, false));
		assert_eq!(
			solver.algorithms().unwrap(),
			vec![Algorithm::SeqPhragmen { balancing: 10 }, Algorithm::PhragMms { balancing: 10 }]
		);
	}

	#[test]
	fn bad_input_is_named() {
		let error =
			parse(&["monitor", "--seed-or-path", "//A", "--submission-strategy", "sometimes"])
				.unwrap_err()
				.to_string();
		assert!(error.contains("sometimes"), "{error}");
		let error = parse(&["monitor", "--seed-or-path", "//A", "--listen", "tail"])
			.unwrap_err()
			.to_string();
		assert!(error.contains("tail"), "{error}");
		let cli = parse(&["dry-run", "--algorithm", "phragmen"]).unwrap();
		let Command::DryRun { solver, .. } = cli.command else { panic!("dry-run") };
		assert!(solver
			.algorithms()
			.unwrap_err()
			.contains("expected seq-phragmen, phragmms or phragmms-interleaved (or `race`)"));
		assert!(parse(&["emergency-solution", "--force-winner-count", "many"]).is_err());
	}

	#[test]
	fn other_subcommands_parse() {
		let cli = parse(&["emergency-solution", "--force-winner-count", "3", "--at", "7"]).unwrap();
		assert!(matches!(
			cli.command,
			Command::EmergencySolution { force_winner_count: Some(3), at: Some(7), .. }
		));
		assert!(matches!(parse(&["info"]).unwrap().command, Command::Info));
		assert!(matches!(
			parse(&["dry-run", "--at", "12"]).unwrap().command,
			Command::DryRun { at: Some(12), .. }
		));
	}
}
