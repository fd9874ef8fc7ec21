//! When a timed account's tokens are all unlocked, by Mina's rule, in integer arithmetic.
//!
//! A timed account must keep a minimum balance. Before `cliff_time` it is the
//! `initial_minimum_balance`; from `cliff_time` on it is
//!
//! ```text
//! max(0, (initial_minimum_balance - cliff_amount)
//!        - floor((slot - cliff_time) / vesting_period) * vesting_increment)
//! ```
//!
//! (saturating: a `cliff_amount` above the initial minimum releases everything at the cliff).
//! The unlock slot is the first slot at which that minimum is zero.
//!
//! The formula printed in Mina's staking-service guide,
//! `cliff_time + (initial - cliff_amount) * ceil(vesting_period / vesting_increment)`, is wrong:
//! it multiplies an amount by a ratio of slots to amount, divides by zero when the increment
//! is zero, and rounds in the wrong place. Here the number of vesting periods is
//! `ceil((initial - cliff_amount) / vesting_increment)`, and the unlock slot is the cliff plus
//! that many periods.
//!
//! Our chain's `pallet-vesting` schedules (`locked`, `per_block`, `starting_block`) are the
//! special case `cliff_time = starting_block`, `cliff_amount = 0`, `vesting_period = 1`,
//! `vesting_increment = per_block`; see [`Timing::from_vesting_schedule`].

use crate::amount::Amount;
use serde::{Deserialize, Serialize};

/// A Mina-style timing: how an account's locked tokens are released, slot by slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
	/// The minimum balance before the cliff.
	pub initial_minimum_balance: Amount,
	/// The first slot of vesting.
	pub cliff_time: u64,
	/// Released at `cliff_time`.
	pub cliff_amount: Amount,
	/// Slots per vesting step (never zero).
	pub vesting_period: u64,
	/// Released at every vesting step.
	pub vesting_increment: Amount,
}

/// When an account holds no locked tokens any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlock {
	/// From this slot (or block) on, nothing is locked.
	At(u128),
	/// Something stays locked forever (a zero increment after the cliff).
	Never,
}

impl Timing {
	/// The pallet-vesting schedule `locked` tokens, `per_block` released every block after
	/// `starting_block`, as a timing (`per_block` of zero never unlocks, as on chain).
	pub fn from_vesting_schedule(locked: Amount, per_block: Amount, starting_block: u64) -> Self {
		Self {
			initial_minimum_balance: locked,
			cliff_time: starting_block,
			cliff_amount: 0,
			vesting_period: 1,
			vesting_increment: per_block,
		}
	}

	/// The minimum balance at `slot`. A zero `vesting_period` is treated as one (input is
	/// checked for it before it gets here).
	pub fn min_balance(&self, slot: u128) -> Amount {
		let cliff = u128::from(self.cliff_time);
		if slot < cliff {
			return self.initial_minimum_balance;
		}
		let after_cliff = self.initial_minimum_balance.saturating_sub(self.cliff_amount);
		let periods = slot
			.saturating_sub(cliff)
			.checked_div(u128::from(self.vesting_period.max(1)))
			.unwrap_or_default();
		after_cliff.saturating_sub(periods.saturating_mul(self.vesting_increment))
	}

	/// The first slot at which [`Self::min_balance`] is zero.
	pub fn unlock(&self) -> Unlock {
		if self.initial_minimum_balance == 0 {
			return Unlock::At(0);
		}
		let cliff = u128::from(self.cliff_time);
		let after_cliff = self.initial_minimum_balance.saturating_sub(self.cliff_amount);
		if after_cliff == 0 {
			return Unlock::At(cliff);
		}
		if self.vesting_increment == 0 {
			return Unlock::Never;
		}
		// ceil(after_cliff / increment) periods, each `vesting_period` slots long.
		let periods = after_cliff.div_ceil(self.vesting_increment);
		match periods
			.checked_mul(u128::from(self.vesting_period.max(1)))
			.and_then(|slots| slots.checked_add(cliff))
		{
			Some(slot) => Unlock::At(slot),
			// Beyond any slot a u128 can name: as good as never.
			None => Unlock::Never,
		}
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	const NANO: Amount = 1_000_000_000;

	fn timing(imb: Amount, cliff: u64, cliff_amount: Amount, period: u64, inc: Amount) -> Timing {
		Timing {
			initial_minimum_balance: imb,
			cliff_time: cliff,
			cliff_amount,
			vesting_period: period,
			vesting_increment: inc,
		}
	}

	#[test]
	fn the_guide_example_releases_everything_at_the_cliff() {
		// initial_minimum_balance 230400, cliff 86400, cliff_amount 230400, period 1, increment
		// 0: all locked until slot 86400, nothing from then on. (The guide's formula gives
		// ceil(1 / 0): a division by zero.)
		let t = timing(230_400 * NANO, 86_400, 230_400 * NANO, 1, 0);
		assert_eq!(t.unlock(), Unlock::At(86_400));
		assert_eq!(t.min_balance(86_399), 230_400 * NANO);
		assert_eq!(t.min_balance(86_400), 0);
	}

	#[test]
	fn nothing_locked_is_unlocked_from_slot_zero() {
		assert_eq!(timing(0, 500, 0, 1, 0).unlock(), Unlock::At(0));
	}

	#[test]
	fn a_zero_increment_after_a_partial_cliff_never_unlocks() {
		let t = timing(1_000 * NANO, 10, 400 * NANO, 5, 0);
		assert_eq!(t.unlock(), Unlock::Never);
		assert_eq!(t.min_balance(1_000_000), 600 * NANO);
	}

	#[test]
	fn periods_longer_than_a_slot_with_a_remainder() {
		// 1000 locked, 100 released at the cliff (slot 50), then 250 every 7 slots:
		// ceil(900 / 250) = 4 periods = 28 slots after the cliff.
		let t = timing(1_000 * NANO, 50, 100 * NANO, 7, 250 * NANO);
		assert_eq!(t.unlock(), Unlock::At(78));
		// Slot 77: floor(27 / 7) = 3 periods released, 900 - 750 = 150 still locked.
		assert_eq!(t.min_balance(77), 150 * NANO);
		assert_eq!(t.min_balance(78), 0);
		// The guide's formula: 50 + 900 * ceil(7 / 250) = 950, far off.
	}

	#[test]
	fn a_cliff_amount_above_the_initial_minimum_releases_everything() {
		let t = timing(100 * NANO, 20, 150 * NANO, 3, 10 * NANO);
		assert_eq!(t.unlock(), Unlock::At(20));
		assert_eq!(t.min_balance(19), 100 * NANO);
		assert_eq!(t.min_balance(20), 0);
	}

	#[test]
	fn nine_decimal_balances_count_every_nanomina() {
		// 0.000000003 locked, 0.000000001 a slot from slot 0: unlocked at slot 3, not 2.
		let t = timing(3, 0, 0, 1, 1);
		assert_eq!(t.unlock(), Unlock::At(3));
		assert_eq!(t.min_balance(2), 1);
		// 1.000000001 MINA at 0.5 per slot: 3 periods, the last for a single nanomina.
		let t = timing(NANO + 1, 0, 0, 1, NANO / 2);
		assert_eq!(t.unlock(), Unlock::At(3));
		assert_eq!(t.min_balance(2), 1);
	}

	#[test]
	fn vesting_schedules_end_at_start_plus_locked_over_per_block() {
		// pallet-vesting: 900_000 locked, 2_000 a block from block 0 -> ends at block 450.
		let t = Timing::from_vesting_schedule(900_000, 2_000, 0);
		assert_eq!(t.unlock(), Unlock::At(450));
		// 500_000 at 10_000 a block from block 100 -> block 150.
		let t = Timing::from_vesting_schedule(500_000, 10_000, 100);
		assert_eq!(t.unlock(), Unlock::At(150));
		// 7 at 2 a block from block 1: ceil(7 / 2) = 4 blocks -> block 5.
		assert_eq!(Timing::from_vesting_schedule(7, 2, 1).unlock(), Unlock::At(5));
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod properties {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2000))]

		/// The unlock slot is the first with a zero minimum balance.
		#[test]
		fn unlock_is_the_first_slot_with_nothing_locked(
			imb in 0u128..10_000_000_000_000_000u128,
			cliff in 0u64..1_000_000,
			cliff_amount in 0u128..10_000_000_000_000_000u128,
			period in 1u64..10_000,
			inc in 0u128..1_000_000_000_000_000u128,
		) {
			let t = Timing {
				initial_minimum_balance: imb,
				cliff_time: cliff,
				cliff_amount,
				vesting_period: period,
				vesting_increment: inc,
			};
			match t.unlock() {
				Unlock::At(slot) => {
					prop_assert_eq!(t.min_balance(slot), 0);
					if slot > 0 {
						prop_assert!(t.min_balance(slot - 1) > 0);
					}
				},
				Unlock::Never => {
					prop_assert!(t.min_balance(u128::from(u64::MAX)) > 0);
				},
			}
		}
	}
}
