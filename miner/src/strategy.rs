//! Submission strategies, with polkadot-staking-miner's names and meaning:
//!
//! | strategy | submits when |
//! |---|---|
//! | `always` | always |
//! | `if-leading` | the queue is empty or our score is strictly better than its best |
//! | `percent-better N` | our score beats the best by more than N% |
//! | `no-worse-than N` | the best does not beat our score by more than N% |
//!
//! Scores compare as NPoS scores do (`ElectionScore::strict_threshold_better`): minimal stake
//! first (higher is better), then the sum of stakes (higher), then the sum of squares (lower).
//! An equal score is never "leading": the chain keeps the earlier of two equal solutions, so
//! submitting it would only cost a deposit.

use core::{fmt, str::FromStr};
use sp_npos_elections::ElectionScore;
use sp_runtime::Perbill;

/// When to submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
	/// Always.
	Always,
	/// Only strictly better than the best queued solution.
	IfLeading,
	/// Only better than the best queued solution by more than this.
	PercentBetter(Perbill),
	/// Unless the best queued solution is better than ours by more than this.
	NoWorseThan(Perbill),
}

/// Why a strategy does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrategyError(String);

impl fmt::Display for StrategyError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(
			f,
			"invalid submission strategy {:?}: expected always, if-leading, \"percent-better N\" or \
			 \"no-worse-than N\" with N a whole percentage from 0 to 100",
			self.0
		)
	}
}

impl std::error::Error for StrategyError {}

fn percent(text: &str, whole: &str) -> Result<Perbill, StrategyError> {
	let n: u32 = text.trim().parse().map_err(|_| StrategyError(whole.to_string()))?;
	if n > 100 {
		return Err(StrategyError(whole.to_string()));
	}
	Ok(Perbill::from_percent(n))
}

impl FromStr for Strategy {
	type Err = StrategyError;

	fn from_str(s: &str) -> Result<Self, Self::Err> {
		let text = s.trim();
		let words: Vec<&str> = text.split_whitespace().collect();
		match words.as_slice() {
			["always"] => Ok(Self::Always),
			["if-leading"] => Ok(Self::IfLeading),
			["percent-better", n] => percent(n, s).map(Self::PercentBetter),
			["no-worse-than", n] => percent(n, s).map(Self::NoWorseThan),
			_ => Err(StrategyError(s.to_string())),
		}
	}
}

impl fmt::Display for Strategy {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Always => write!(f, "always"),
			Self::IfLeading => write!(f, "if-leading"),
			Self::PercentBetter(p) => write!(f, "percent-better {}", p.deconstruct() / 10_000_000),
			Self::NoWorseThan(p) => write!(f, "no-worse-than {}", p.deconstruct() / 10_000_000),
		}
	}
}

impl Strategy {
	/// Whether to submit `ours` when the best queued score is `best` (`None`: empty queue).
	pub fn should_submit(&self, ours: ElectionScore, best: Option<ElectionScore>) -> bool {
		let Some(best) = best else {
			return true;
		};
		match self {
			Self::Always => true,
			Self::IfLeading => ours.strict_threshold_better(best, Perbill::zero()),
			Self::PercentBetter(margin) => ours.strict_threshold_better(best, *margin),
			Self::NoWorseThan(margin) => !best.strict_threshold_better(ours, *margin),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn score(minimal_stake: u128, sum_stake: u128, sum_stake_squared: u128) -> ElectionScore {
		ElectionScore { minimal_stake, sum_stake, sum_stake_squared }
	}

	#[test]
	fn parses_the_reference_names() {
		assert_eq!("always".parse(), Ok(Strategy::Always));
		assert_eq!("if-leading".parse(), Ok(Strategy::IfLeading));
		assert_eq!(
			"percent-better 5".parse(),
			Ok(Strategy::PercentBetter(Perbill::from_percent(5)))
		);
		assert_eq!(
			" no-worse-than  10 ".parse(),
			Ok(Strategy::NoWorseThan(Perbill::from_percent(10)))
		);
		for bad in [
			"",
			"sometimes",
			"percent-better",
			"percent-better x",
			"percent-better 101",
			"no-worse-than -1",
		] {
			let error = bad.parse::<Strategy>().unwrap_err().to_string();
			assert!(error.contains("invalid submission strategy"), "{bad}: {error}");
		}
		assert_eq!(
			Strategy::PercentBetter(Perbill::from_percent(5)).to_string(),
			"percent-better 5"
		);
	}

	#[test]
	fn an_empty_queue_always_gets_a_submission() {
		for s in ["always", "if-leading", "percent-better 50", "no-worse-than 0"] {
			assert!(s.parse::<Strategy>().unwrap().should_submit(score(1, 1, 1), None), "{s}");
		}
	}

	#[test]
	fn an_equal_score_is_not_leading() {
		let s = score(100, 1_000, 10_000);
		assert!(!Strategy::IfLeading.should_submit(s, Some(s)));
		assert!(Strategy::Always.should_submit(s, Some(s)));
		assert!(Strategy::NoWorseThan(Perbill::zero()).should_submit(s, Some(s)));
	}

	#[test]
	fn leading_goes_by_significance() {
		let best = score(100, 1_000, 10_000);
		// A higher minimal stake wins whatever follows.
		assert!(Strategy::IfLeading.should_submit(score(101, 1, u128::MAX), Some(best)));
		// Same minimal stake: a higher sum wins.
		assert!(Strategy::IfLeading.should_submit(score(100, 1_001, 10_000), Some(best)));
		// Same minimal stake and sum: a lower sum of squares wins, a higher one loses.
		assert!(Strategy::IfLeading.should_submit(score(100, 1_000, 9_999), Some(best)));
		assert!(!Strategy::IfLeading.should_submit(score(100, 1_000, 10_001), Some(best)));
		assert!(!Strategy::IfLeading.should_submit(score(99, u128::MAX, 0), Some(best)));
	}

	#[test]
	fn margins() {
		let best = score(1_000, 10_000, 100_000);
		// 10% better in minimal stake means more than 1_100.
		let ten = Strategy::PercentBetter(Perbill::from_percent(10));
		assert!(!ten.should_submit(score(1_100, 10_000, 100_000), Some(best)));
		assert!(ten.should_submit(score(1_101, 10_000, 100_000), Some(best)));
		// No worse than 10% (of our score): the best, 1_000, beats 900 by more than 90 but
		// not 910 by more than 91.
		let nwt = Strategy::NoWorseThan(Perbill::from_percent(10));
		assert!(nwt.should_submit(score(910, 10_000, 100_000), Some(best)));
		assert!(!nwt.should_submit(score(900, 10_000, 100_000), Some(best)));
	}
}
