//! Slot-lottery odds: Ouroboros' threshold `phi(alpha) = 1 - (1 - f)^alpha`.
//!
//! An account holding the fraction `alpha` of the staking ledger wins each slot with
//! probability `phi(alpha)`; over an epoch of `n` slots the blocks it wins follow a binomial
//! distribution `B(n, phi)`, whose mean is `n * phi` and whose 5%-95% band is reported as the
//! smallest `k` with `P(X <= k) >= 0.05` and the smallest `k` with `P(X <= k) >= 0.95`.
//!
//! These are probabilities, so floating point is the right tool here (amounts never are): the
//! stake ratio is formed from integer amounts, `phi` is computed as `-expm1(alpha * ln(1 - f))`
//! to keep small stakes exact to the last digit, and the binomial terms are summed in log space
//! so that no term underflows even for large stakes and long epochs.

use serde::Serialize;

/// Mina's active slot coefficient.
pub const MINA_F: f64 = 0.75;
/// Mina's slots per epoch.
pub const MINA_SLOTS_PER_EPOCH: u64 = 7140;

/// Why odds cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum OddsError {
	/// `f` must be in `(0, 1)`.
	BadCoefficient(f64),
	/// The total stake is zero.
	NoStake,
	/// The stake is larger than the total.
	StakeAboveTotal,
	/// An epoch of zero slots wins nothing and has no odds.
	NoSlots,
}

impl core::fmt::Display for OddsError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::BadCoefficient(c) => {
				write!(f, "--f must be strictly between 0 and 1 (got {c})")
			},
			Self::NoStake => write!(f, "the total stake is zero"),
			Self::StakeAboveTotal => write!(f, "the stake is larger than the total stake"),
			Self::NoSlots => write!(f, "--slots must be at least 1 (Mina's epoch has 7140)"),
		}
	}
}

impl std::error::Error for OddsError {}

/// The odds of one stake.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Odds {
	/// The stake ratio `alpha`.
	pub alpha: f64,
	/// The probability of winning one slot.
	pub per_slot: f64,
	/// The mean number of blocks won in an epoch.
	pub expected_blocks: f64,
	/// The 5% quantile of blocks won in an epoch.
	pub p05_blocks: u64,
	/// The 95% quantile of blocks won in an epoch.
	pub p95_blocks: u64,
}

/// `phi(alpha) = 1 - (1 - f)^alpha`.
pub fn phi(alpha: f64, f: f64) -> f64 {
	-(alpha * (1.0 - f).ln()).exp_m1()
}

/// The smallest `k` with `P(X <= k) >= q` for each `q` in `quantiles` (ascending), for
/// `X ~ B(n, p)`.
pub fn binomial_quantiles(n: u64, p: f64, quantiles: &[f64]) -> Vec<u64> {
	if p <= 0.0 {
		return quantiles.iter().map(|_| 0).collect();
	}
	if p >= 1.0 {
		return quantiles.iter().map(|_| n).collect();
	}
	// ln P(X = k), from ln P(X = 0) = n ln(1 - p) by the ratio of successive terms.
	let ln_q = (-p).ln_1p();
	let ln_odds = p.ln() - ln_q;
	let mut terms = Vec::with_capacity(usize::try_from(n).unwrap_or(0).saturating_add(1));
	let mut term = (n as f64) * ln_q;
	terms.push(term);
	for k in 0..n {
		term += (n.saturating_sub(k) as f64).ln() - (k.saturating_add(1) as f64).ln() + ln_odds;
		terms.push(term);
	}
	let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
	let total: f64 = terms.iter().map(|t| (t - max).exp()).sum();
	let mut out = Vec::with_capacity(quantiles.len());
	let mut wanted = quantiles.iter().peekable();
	let mut cumulative = 0.0;
	for (k, t) in terms.iter().enumerate() {
		cumulative += (t - max).exp() / total;
		while let Some(q) = wanted.peek() {
			// A hair of tolerance for the rounding of the running sum.
			if cumulative + 1e-12 >= **q {
				out.push(k as u64);
				wanted.next();
			} else {
				break;
			}
		}
		if wanted.peek().is_none() {
			break;
		}
	}
	out.resize(quantiles.len(), n);
	out
}

/// The odds of `stake` out of `total` with coefficient `f` over `slots` slots.
pub fn odds(stake: u128, total: u128, f: f64, slots: u64) -> Result<Odds, OddsError> {
	if !(f > 0.0 && f < 1.0) {
		return Err(OddsError::BadCoefficient(f));
	}
	if total == 0 {
		return Err(OddsError::NoStake);
	}
	if stake > total {
		return Err(OddsError::StakeAboveTotal);
	}
	if slots == 0 {
		return Err(OddsError::NoSlots);
	}
	let alpha = stake as f64 / total as f64;
	let per_slot = phi(alpha, f);
	let band = binomial_quantiles(slots, per_slot, &[0.05, 0.95]);
	Ok(Odds {
		alpha,
		per_slot,
		expected_blocks: per_slot * slots as f64,
		p05_blocks: band.first().copied().unwrap_or_default(),
		p95_blocks: band.get(1).copied().unwrap_or_default(),
	})
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn the_guide_example() {
		// 1e6 of 8e8 MINA: 0.0017313674 per slot, about 12.36 blocks in 7140 slots.
		let o = odds(1_000_000, 800_000_000, MINA_F, MINA_SLOTS_PER_EPOCH).unwrap();
		assert_eq!(format!("{:.10}", o.per_slot), "0.0017313674");
		assert_eq!(format!("{:.2}", o.expected_blocks), "12.36");
		// B(7140, 0.0017313674): P(X <= 6) = 0.0373 < 0.05 <= P(X <= 7) = 0.0747, and
		// P(X <= 17) = 0.9223 < 0.95 <= P(X <= 18) = 0.9526 (summed exactly, with binomial
		// coefficients in integers, outside this code).
		assert_eq!((o.p05_blocks, o.p95_blocks), (7, 18));
	}

	#[test]
	fn the_whole_stake_wins_f_of_the_slots() {
		let o = odds(5, 5, MINA_F, 100).unwrap();
		assert!((o.per_slot - 0.75).abs() < 1e-15);
		assert!((o.expected_blocks - 75.0).abs() < 1e-9);
	}

	#[test]
	fn no_stake_wins_nothing() {
		let o = odds(0, 5, MINA_F, 7140).unwrap();
		assert_eq!((o.per_slot, o.p05_blocks, o.p95_blocks), (0.0, 0, 0));
	}

	#[test]
	fn large_stakes_do_not_underflow() {
		// p = 0.5 over 7140 slots: (1 - p)^n underflows f64, the log-space sum does not.
		// Exact quantiles from sum(C(7140, i)) / 2^7140 in integers: 3501, 3570 and 3639.
		let band = binomial_quantiles(7140, 0.5, &[0.05, 0.5, 0.95]);
		assert_eq!(band, vec![3501, 3570, 3639]);
	}

	#[test]
	fn refuses_bad_input() {
		assert_eq!(odds(1, 2, 1.0, 10), Err(OddsError::BadCoefficient(1.0)));
		assert_eq!(odds(1, 2, 0.0, 10), Err(OddsError::BadCoefficient(0.0)));
		assert_eq!(odds(1, 0, 0.5, 10), Err(OddsError::NoStake));
		assert_eq!(odds(3, 2, 0.5, 10), Err(OddsError::StakeAboveTotal));
	}
}
