//! Prometheus metrics of `staking-miner monitor`, served at `http://127.0.0.1:<port>/metrics`.
//!
//! | metric | type | meaning |
//! |---|---|---|
//! | `staking_miner_mining_duration_seconds` | histogram | wall time of mining one round (the race) |
//! | `staking_miner_snapshot_fetch_seconds` | histogram | time to read the snapshot |
//! | `staking_miner_submissions_started_total` | counter | submissions sent |
//! | `staking_miner_submissions_success_total` | counter | submissions stored in the queue |
//! | `staking_miner_score_minimal_stake` / `_sum_stake` / `_sum_stake_squared` | gauge | the last mined score |
//! | `staking_miner_solution_length_bytes` | gauge | encoded length of the last mined solution |
//! | `staking_miner_solution_weight_ref_time` / `_proof_size` | gauge | its weight |
//! | `staking_miner_balance_free` | gauge | the miner account's free balance (planck, as f64) |
//! | `staking_miner_round_outcome_total{outcome}` | counter | rewarded / slashed / refunded / ejected |
//! | `staking_miner_blocks_left_in_phase` | gauge | blocks left in the signed phase |
//! | `staking_miner_reconnects_total` | counter | connections re-established |
//! | `staking_miner_runtime_compatible` | gauge | 1 when the chain's types match this build, else 0 |

use sp_npos_elections::ElectionScore;
use substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts,
	PrometheusError, Registry, F64, U64,
};

/// Every metric of the miner.
#[derive(Clone)]
pub struct Metrics {
	/// Mining wall time.
	pub mining_duration: Histogram,
	/// Snapshot fetch time.
	pub snapshot_fetch: Histogram,
	/// Submissions sent.
	pub submissions_started: Counter<U64>,
	/// Submissions stored.
	pub submissions_success: Counter<U64>,
	/// Last score: minimal stake.
	pub score_minimal_stake: Gauge<F64>,
	/// Last score: sum of stakes.
	pub score_sum_stake: Gauge<F64>,
	/// Last score: sum of squared stakes.
	pub score_sum_stake_squared: Gauge<F64>,
	/// Last solution's length.
	pub solution_length: Gauge<U64>,
	/// Last solution's weight, `ref_time`.
	pub solution_ref_time: Gauge<U64>,
	/// Last solution's weight, `proof_size`.
	pub solution_proof_size: Gauge<U64>,
	/// The account's free balance.
	pub balance: Gauge<F64>,
	/// Outcomes of this miner's submissions.
	pub outcomes: CounterVec<U64>,
	/// Blocks left in the signed phase.
	pub blocks_left: Gauge<U64>,
	/// Reconnections.
	pub reconnects: Counter<U64>,
	/// Whether the chain's types match this build.
	pub compatible: Gauge<U64>,
}

impl Metrics {
	/// Register every metric in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let seconds = |name: &str, help: &str| -> Result<Histogram, PrometheusError> {
			register(
				Histogram::with_opts(
					HistogramOpts::new(name, help).buckets(exponential_buckets(0.01, 2.0, 14)?),
				)?,
				registry,
			)
		};
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		let gauge_f = |name: &str, help: &str| register(Gauge::<F64>::new(name, help)?, registry);
		let gauge_u = |name: &str, help: &str| register(Gauge::<U64>::new(name, help)?, registry);
		Ok(Self {
			mining_duration: seconds(
				"staking_miner_mining_duration_seconds",
				"Wall time of mining one round",
			)?,
			snapshot_fetch: seconds(
				"staking_miner_snapshot_fetch_seconds",
				"Time to read the election snapshot",
			)?,
			submissions_started: counter(
				"staking_miner_submissions_started_total",
				"Submissions sent",
			)?,
			submissions_success: counter(
				"staking_miner_submissions_success_total",
				"Submissions stored in the signed queue",
			)?,
			score_minimal_stake: gauge_f(
				"staking_miner_score_minimal_stake",
				"Minimal stake of the last mined score",
			)?,
			score_sum_stake: gauge_f(
				"staking_miner_score_sum_stake",
				"Sum of stakes of the last mined score",
			)?,
			score_sum_stake_squared: gauge_f(
				"staking_miner_score_sum_stake_squared",
				"Sum of squared stakes of the last mined score",
			)?,
			solution_length: gauge_u(
				"staking_miner_solution_length_bytes",
				"Encoded length of the last mined solution",
			)?,
			solution_ref_time: gauge_u(
				"staking_miner_solution_weight_ref_time",
				"ref_time weight of the last mined solution",
			)?,
			solution_proof_size: gauge_u(
				"staking_miner_solution_weight_proof_size",
				"proof_size weight of the last mined solution",
			)?,
			balance: gauge_f("staking_miner_balance_free", "Free balance of the miner's account")?,
			outcomes: register(
				CounterVec::new(
					Opts::new(
						"staking_miner_round_outcome_total",
						"Outcomes of this miner's submissions",
					),
					&["outcome"],
				)?,
				registry,
			)?,
			blocks_left: gauge_u(
				"staking_miner_blocks_left_in_phase",
				"Blocks left in the signed phase",
			)?,
			reconnects: counter(
				"staking_miner_reconnects_total",
				"Connections to the node re-established",
			)?,
			compatible: gauge_u(
				"staking_miner_runtime_compatible",
				"1 when the chain's types match this build",
			)?,
		})
	}

	/// Record a mined score.
	pub fn set_score(&self, score: &ElectionScore) {
		self.score_minimal_stake.set(score.minimal_stake as f64);
		self.score_sum_stake.set(score.sum_stake as f64);
		self.score_sum_stake_squared.set(score.sum_stake_squared as f64);
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use substrate_prometheus_endpoint::prometheus::{Encoder, TextEncoder};

	#[test]
	fn every_metric_is_exported_with_its_name() {
		let registry = Registry::new();
		let metrics = Metrics::register(&registry).unwrap();
		metrics.submissions_started.inc();
		metrics.outcomes.with_label_values(&["rewarded"]).inc();
		metrics.set_score(&ElectionScore { minimal_stake: 5, sum_stake: 7, sum_stake_squared: 9 });
		let mut text = Vec::new();
		TextEncoder::new().encode(&registry.gather(), &mut text).unwrap();
		let text = String::from_utf8(text).unwrap();
		assert!(text.contains("staking_miner_submissions_started_total 1"));
		assert!(text.contains("staking_miner_round_outcome_total{outcome=\"rewarded\"} 1"));
		assert!(text.contains("staking_miner_score_sum_stake 7"));
		for name in [
			"mining_duration_seconds",
			"snapshot_fetch_seconds",
			"submissions_success_total",
			"solution_length_bytes",
			"solution_weight_ref_time",
			"balance_free",
			"blocks_left_in_phase",
			"reconnects_total",
			"runtime_compatible",
		] {
			assert!(text.contains(&format!("staking_miner_{name}")), "{name} missing");
		}
	}
}
