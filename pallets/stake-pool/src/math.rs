//! Exact arithmetic with an explicit rounding direction.
//!
//! Every conversion between shares and balance, and every reward-counter step, goes through
//! a named helper here so the direction of rounding is visible at the call site:
//! the pool never promises more than it holds, and never pays more than it was credited.

use crate::{pallet::*, types::*};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Zero, ArithmeticError, Rounding,
	SaturatedConversion,
};

/// A balance as `u128`; every supported balance type fits.
pub(crate) fn to_u128<T: Config>(value: BalanceOf<T>) -> u128 {
	value.saturated_into()
}

/// A `u128` as a balance, or an overflow error.
pub(crate) fn from_u128<T: Config>(value: u128) -> Result<BalanceOf<T>, ArithmeticError> {
	value.try_into().map_err(|_| ArithmeticError::Overflow)
}

/// `a * b / c` with the given rounding, in 256-bit intermediate precision.
pub(crate) fn mul_div<T: Config>(
	a: BalanceOf<T>,
	b: BalanceOf<T>,
	c: BalanceOf<T>,
	rounding: Rounding,
) -> Result<BalanceOf<T>, ArithmeticError> {
	if c.is_zero() {
		return Err(ArithmeticError::DivisionByZero);
	}
	let result = multiply_by_rational_with_rounding(
		to_u128::<T>(a),
		to_u128::<T>(b),
		to_u128::<T>(c),
		rounding,
	)
	.ok_or(ArithmeticError::Overflow)?;
	from_u128::<T>(result)
}

/// Shares minted for a delegation of `amount`, rounded down (the newcomer never dilutes the
/// others). `None` when the pool has shares but no value left.
pub(crate) fn shares_for_delegation<T: Config>(
	pool: &PoolOf<T>,
	amount: BalanceOf<T>,
) -> Result<Option<BalanceOf<T>>, ArithmeticError> {
	if pool.total_shares.is_zero() {
		// First delegation (or every share has left): shares are minted one to one. Any value
		// left over by rounding goes to the newcomer.
		return Ok(Some(amount));
	}
	if pool.total_value.is_zero() {
		return Ok(None);
	}
	mul_div::<T>(amount, pool.total_shares, pool.total_value, Rounding::Down).map(Some)
}

/// The value of `shares`, rounded down (the pool never owes more than it has).
pub(crate) fn value_of_shares<T: Config>(pool: &PoolOf<T>, shares: BalanceOf<T>) -> BalanceOf<T> {
	value_at_price::<T>(shares, pool.total_value, pool.total_shares)
}

/// The value of `shares` in a pool of `total_value` over `total_shares`, rounded down.
pub(crate) fn value_at_price<T: Config>(
	shares: BalanceOf<T>,
	total_value: BalanceOf<T>,
	total_shares: BalanceOf<T>,
) -> BalanceOf<T> {
	if total_shares.is_zero() {
		return Zero::zero();
	}
	mul_div::<T>(shares, total_value, total_shares, Rounding::Down)
		.unwrap_or_else(|_| total_value.min(shares))
}

/// The value of `shares` rounded up: what a delegator's hold may keep when a slash is settled,
/// so the burn never exceeds the slash.
pub(crate) fn value_of_shares_up<T: Config>(
	pool: &PoolOf<T>,
	shares: BalanceOf<T>,
) -> BalanceOf<T> {
	if pool.total_shares.is_zero() {
		return Zero::zero();
	}
	mul_div::<T>(shares, pool.total_value, pool.total_shares, Rounding::Up)
		.unwrap_or(pool.total_value)
}

/// Shares to burn for paying out `value`, rounded up (the leaver never takes more than their
/// shares are worth). Capped by the caller at the shares available.
pub(crate) fn shares_for_value_up<T: Config>(
	pool: &PoolOf<T>,
	value: BalanceOf<T>,
) -> BalanceOf<T> {
	if pool.total_value.is_zero() {
		return pool.total_shares;
	}
	mul_div::<T>(value, pool.total_shares, pool.total_value, Rounding::Up)
		.unwrap_or(pool.total_shares)
}

/// Share price in parts per billion (10^9 = one unit of balance per share).
pub(crate) fn share_price_ppb<T: Config>(pool: &PoolOf<T>) -> u128 {
	if pool.total_shares.is_zero() {
		return 1_000_000_000;
	}
	multiply_by_rational_with_rounding(
		to_u128::<T>(pool.total_value),
		1_000_000_000,
		to_u128::<T>(pool.total_shares),
		Rounding::Down,
	)
	.unwrap_or(u128::MAX)
}

/// One step of a reward counter: `amount / units` in counter scale, rounded up.
///
/// Rounding up makes the seed's examples exact (4 PHA over 7000 shares pays 0.8 PHA per 1400);
/// [`counter_payout`] floors each payee and the pool or global total caps every payment, so the
/// sum paid never exceeds the amount stepped (the excess of one step is `units / 10^36` planck).
pub(crate) fn counter_step(amount: u128, units: u128) -> Option<RewardCounter> {
	if units == 0 {
		return None;
	}
	let numerator = U256::from(amount).checked_mul(reward_counter_scale())?;
	let units = U256::from(units);
	let quotient = numerator.checked_div(units)?;
	let remainder = numerator.checked_rem(units)?;
	if remainder.is_zero() {
		Some(quotient)
	} else {
		quotient.checked_add(U256::one())
	}
}

/// What `units` earned while a counter moved by `delta`, rounded down.
pub(crate) fn counter_payout(units: u128, delta: RewardCounter) -> u128 {
	U256::from(units)
		.checked_mul(delta)
		.and_then(|product| product.checked_div(reward_counter_scale()))
		.map(|amount| u128::try_from(amount).unwrap_or(u128::MAX))
		.unwrap_or(u128::MAX)
}

/// `floor(sqrt(x))` for a worker score.
pub(crate) fn integer_sqrt(x: u32) -> u32 {
	use sp_runtime::traits::IntegerSquareRoot;
	x.integer_sqrt()
}
