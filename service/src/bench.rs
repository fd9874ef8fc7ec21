//! `staking-service bench`: wall time and peak memory of `payouts plan` and `unlock` on a
//! generated Mina-format ledger (250,000 accounts by default).
//!
//! The ledger and blocks files are generated into a temporary directory; each command then runs
//! as a child process of this binary, exactly as a user would run it, and reports its own peak
//! resident memory (`VmHWM`) when `STAKING_SERVICE_REPORT_PEAK` is set.

use clap::Args;
use std::{
	path::Path,
	process::{Command, Stdio},
	time::Instant,
};

/// The environment variable that makes a command print its peak memory to stderr.
pub const REPORT_PEAK: &str = "STAKING_SERVICE_REPORT_PEAK";

/// Options of `bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
	/// Accounts in the generated ledger.
	#[arg(long, default_value_t = 250_000)]
	accounts: u32,
	/// Blocks won in the generated blocks file.
	#[arg(long, default_value_t = 30)]
	blocks: u32,
}

/// This process's peak resident memory in KiB, from /proc.
pub fn peak_rss_kib() -> Option<u64> {
	let status = std::fs::read_to_string("/proc/self/status").ok()?;
	let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
	line.split_whitespace().nth(1)?.parse().ok()
}

/// A deterministic generator (splitmix64), so every run benchmarks the same ledger.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	fn below(&mut self, n: u64) -> u64 {
		self.next().checked_rem(n).unwrap_or_default()
	}
}

fn generate(dir: &Path, accounts: u32, blocks: u32) -> Result<(), String> {
	let mut rng = Rng(2026);
	let mut ledger = String::with_capacity((accounts as usize).saturating_mul(260));
	ledger.push('[');
	for i in 0..accounts {
		if i > 0 {
			ledger.push(',');
		}
		// Nine in ten delegate to the benchmarked key; a fifth are timed.
		let delegate = if rng.below(10) < 9 {
			"B62qbenchdelegate".to_string()
		} else {
			format!("B62qother{}", rng.below(100))
		};
		let balance = format!("{}.{:09}", rng.below(2_000_000), rng.below(1_000_000_000));
		ledger.push_str(&format!(
			r#"{{"pk":"B62qbench{i:08}","balance":"{balance}","delegate":"{delegate}""#
		));
		if rng.below(5) == 0 {
			ledger.push_str(&format!(
				r#","timing":{{"initial_minimum_balance":"{}","cliff_time":"{}","cliff_amount":"{}","vesting_period":"{}","vesting_increment":"{}"}}"#,
				rng.below(100_000),
				rng.below(200_000),
				rng.below(10_000),
				rng.below(10).saturating_add(1),
				rng.below(50),
			));
		}
		ledger.push('}');
	}
	ledger.push(']');
	let mut list = String::from("[");
	for b in 0..blocks {
		if b > 0 {
			list.push(',');
		}
		let coinbase = if rng.below(2) == 0 { "720" } else { "1440" };
		list.push_str(&format!(
			r#"{{"height":{},"slot":{},"state_hash":"3Nbench{b}","coinbase":"{coinbase} MINA","fees":"0.{:09} MINA"}}"#,
			100_000u32.saturating_add(b),
			150_000u32.saturating_add(b.saturating_mul(7)),
			rng.below(1_000_000_000)
		));
	}
	list.push(']');
	std::fs::write(dir.join("ledger.json"), ledger).map_err(|e| e.to_string())?;
	std::fs::write(dir.join("blocks.json"), list).map_err(|e| e.to_string())
}

fn timed(name: &str, args: &[&str]) -> Result<(f64, u64), String> {
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	let start = Instant::now();
	let output = Command::new(exe)
		.args(args)
		.env(REPORT_PEAK, "1")
		.stdout(Stdio::null())
		.stderr(Stdio::piped())
		.output()
		.map_err(|e| format!("{name}: {e}"))?;
	let seconds = start.elapsed().as_secs_f64();
	let stderr = String::from_utf8_lossy(&output.stderr);
	if !output.status.success() {
		return Err(format!("{name} failed: {stderr}"));
	}
	let peak = stderr
		.lines()
		.find_map(|l| l.strip_prefix("peak_rss_kib "))
		.and_then(|v| v.trim().parse().ok())
		.unwrap_or_default();
	Ok((seconds, peak))
}

/// Run the benchmark and print its figures.
pub fn run(args: BenchArgs) -> Result<(), String> {
	let dir = std::env::temp_dir().join(format!("staking-service-bench-{}", std::process::id()));
	std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
	let result = (|| {
		generate(&dir, args.accounts, args.blocks)?;
		let p = |f: &str| dir.join(f).display().to_string();
		let size = std::fs::metadata(dir.join("ledger.json")).map(|m| m.len()).unwrap_or_default();
		println!(
			"ledger: {} accounts ({:.1} MiB), {} blocks won",
			args.accounts,
			size as f64 / 1_048_576.0,
			args.blocks
		);
		let (ledger, blocks, plan, csv, carry) =
			(p("ledger.json"), p("blocks.json"), p("plan.json"), p("plan.csv"), p("carry.json"));
		let plan_args = [
			"payouts",
			"plan",
			"--ledger",
			&ledger,
			"--delegate",
			"B62qbenchdelegate",
			"--blocks",
			&blocks,
			"--commission",
			"5%",
			"--min-payout",
			"0.1",
			"--supercharge-base",
			"720",
			"--out",
			&plan,
			"--csv",
			&csv,
			"--carry-out",
			&carry,
		];
		let (t, m) = timed("payouts plan", &plan_args)?;
		println!("payouts plan: {t:.3} s, peak memory {:.1} MiB", m as f64 / 1024.0);
		let (t, m) = timed("unlock", &["unlock", "--ledger", &ledger, "--format", "json"])?;
		println!("unlock:       {t:.3} s, peak memory {:.1} MiB", m as f64 / 1024.0);
		Ok(())
	})();
	let _ = std::fs::remove_dir_all(&dir);
	result
}
