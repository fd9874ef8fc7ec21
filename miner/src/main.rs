//! `staking-miner`: the off-chain election miner of the stake-pool chain. See `docs/miner.md`.

use clap::Parser;
use stake_client::{
	rpc::{Backoff, Rpc},
	signer::Signer,
};
use staking_miner::{
	bench,
	cli::{Cli, Command},
	commands,
	metrics::Metrics,
	monitor,
};
use std::{process::ExitCode, time::Duration};

async fn serve_metrics(port: u16) -> Result<Option<Metrics>, String> {
	if port == 0 {
		return Ok(None);
	}
	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = Metrics::register(&registry).map_err(|e| format!("metrics: {e}"))?;
	let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
	// Bind first so a port in use is reported now, not lost in a background task.
	std::net::TcpListener::bind(address)
		.map_err(|e| format!("cannot serve metrics on {address}: {e} (see --prometheus-port)"))?;
	tokio::spawn(async move {
		if let Err(e) = substrate_prometheus_endpoint::init_prometheus(address, registry).await {
			tracing::error!("the metrics endpoint stopped: {e}");
		}
	});
	tracing::info!("metrics at http://{address}/metrics");
	Ok(Some(metrics))
}

async fn run(cli: Cli) -> Result<(), String> {
	match cli.command {
		Command::Bench { seed, scale, one: Some(spec) } => bench::run_one(&spec, seed, scale),
		Command::Bench { seed, scale, one: None } => bench::run_all(seed, scale),
		Command::Info => {
			let mut rpc = Rpc::connect(&cli.uri, Backoff::once()).await?;
			commands::info(&mut rpc).await
		},
		Command::DryRun { at, solver, budget } => {
			let algorithms = solver.algorithms()?;
			let mut rpc = Rpc::connect(&cli.uri, Backoff::once()).await?;
			commands::dry_run(&mut rpc, at, &algorithms, Duration::from_secs(budget)).await
		},
		Command::EmergencySolution { at, force_winner_count, output, solver, budget } => {
			let algorithms = solver.algorithms()?;
			let mut rpc = Rpc::connect(&cli.uri, Backoff::once()).await?;
			commands::emergency_solution(
				&mut rpc,
				at,
				force_winner_count,
				&algorithms,
				Duration::from_secs(budget),
				&output,
			)
			.await
		},
		Command::Monitor {
			seed_or_path,
			listen,
			submission_strategy,
			delay,
			dry_run,
			solver,
			journal,
		} => {
			let algorithms = solver.algorithms()?;
			let signer = Signer::from_seed_or_path(&seed_or_path)?;
			let metrics = serve_metrics(cli.prometheus_port).await?;
			let mut rpc = Rpc::connect(&cli.uri, Backoff::forever()).await?;
			let options = monitor::Options {
				listen,
				strategy: submission_strategy,
				delay: Duration::from_secs(delay),
				dry_run,
				algorithms,
				journal,
			};
			monitor::run(&mut rpc, signer, options, metrics).await
		},
	}
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let filter = match tracing_subscriber::EnvFilter::try_new(&cli.log) {
		Ok(filter) => filter,
		Err(e) => {
			eprintln!("error: bad --log filter `{}`: {e}", cli.log);
			return ExitCode::FAILURE;
		},
	};
	// Colours only on a terminal: logs piped to a file or a journal stay plain text.
	let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr)
		.with_ansi(ansi)
		.init();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("error: cannot start the async runtime: {e}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
