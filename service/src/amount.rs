//! Token amounts as integers of the smallest unit, parsed from and printed as decimal strings.
//!
//! Mina ledgers give balances as decimal strings in MINA with up to 9 decimals ("230400",
//! "0.000000001"); our chain has 12 decimals. Everything here works in the smallest unit
//! (nanomina, planck) as `u128`, so no amount ever passes through floating point.

use core::fmt;

/// An amount in the smallest unit of a token with `decimals` decimals.
pub type Amount = u128;

/// Why a decimal string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
	/// Nothing to parse.
	Empty,
	/// A minus sign: balances and amounts are never negative.
	Negative,
	/// A character other than digits and one decimal point.
	NotANumber,
	/// More fractional digits than the token has decimals.
	TooManyDecimals {
		/// The token's decimals.
		decimals: u32,
	},
	/// Larger than `u128::MAX` smallest units.
	Overflow,
}

impl fmt::Display for AmountError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Empty => write!(f, "empty amount"),
			Self::Negative => write!(f, "negative amount"),
			Self::NotANumber => write!(f, "not a decimal number"),
			Self::TooManyDecimals { decimals } => {
				write!(f, "more than {decimals} decimal places")
			},
			Self::Overflow => write!(f, "amount too large"),
		}
	}
}

impl std::error::Error for AmountError {}

/// `10^decimals`, or `None` when it does not fit.
pub fn unit(decimals: u32) -> Option<Amount> {
	10u128.checked_pow(decimals)
}

/// Parse a decimal string ("17000", "0.5", "1.000000001") into smallest units.
pub fn parse(text: &str, decimals: u32) -> Result<Amount, AmountError> {
	let text = text.trim();
	if text.is_empty() {
		return Err(AmountError::Empty);
	}
	if text.starts_with('-') {
		return Err(AmountError::Negative);
	}
	let text = text.strip_prefix('+').unwrap_or(text);
	let (whole, fraction) = match text.split_once('.') {
		Some((whole, fraction)) => (whole, fraction),
		None => (text, ""),
	};
	if (whole.is_empty() && fraction.is_empty())
		|| !whole.bytes().all(|b| b.is_ascii_digit())
		|| !fraction.bytes().all(|b| b.is_ascii_digit())
	{
		return Err(AmountError::NotANumber);
	}
	let fraction = fraction.trim_end_matches('0');
	if fraction.len() > decimals as usize {
		return Err(AmountError::TooManyDecimals { decimals });
	}
	let scale = unit(decimals).ok_or(AmountError::Overflow)?;
	let mut value: Amount = 0;
	for digit in whole.bytes() {
		value = value
			.checked_mul(10)
			.and_then(|v| v.checked_add(Amount::from(digit.wrapping_sub(b'0'))))
			.ok_or(AmountError::Overflow)?;
	}
	value = value.checked_mul(scale).ok_or(AmountError::Overflow)?;
	let mut fractional: Amount = 0;
	for digit in fraction.bytes() {
		fractional = fractional
			.checked_mul(10)
			.and_then(|v| v.checked_add(Amount::from(digit.wrapping_sub(b'0'))))
			.ok_or(AmountError::Overflow)?;
	}
	let missing = decimals.saturating_sub(fraction.len() as u32);
	let fractional =
		unit(missing).and_then(|m| fractional.checked_mul(m)).ok_or(AmountError::Overflow)?;
	value.checked_add(fractional).ok_or(AmountError::Overflow)
}

/// Print smallest units as a decimal string without trailing zeros ("17000", "0.5").
pub fn format(value: Amount, decimals: u32) -> String {
	let Some(scale) = unit(decimals) else {
		return value.to_string();
	};
	let whole = value.checked_div(scale).unwrap_or_default();
	let fraction = value.checked_rem(scale).unwrap_or_default();
	if fraction == 0 {
		return whole.to_string();
	}
	let mut digits = fraction.to_string();
	let width = decimals as usize;
	let mut out = String::with_capacity(width.saturating_add(24));
	out.push_str(&whole.to_string());
	out.push('.');
	for _ in digits.len()..width {
		out.push('0');
	}
	let kept = digits.trim_end_matches('0').len();
	digits.truncate(kept);
	out.push_str(&digits);
	out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn parses_mina_balances_in_nanomina() {
		assert_eq!(parse("17000", 9), Ok(17_000_000_000_000));
		assert_eq!(parse("230400", 9), Ok(230_400_000_000_000));
		assert_eq!(parse("0.000000001", 9), Ok(1));
		assert_eq!(parse("1.5", 9), Ok(1_500_000_000));
		assert_eq!(parse("1.500000000", 9), Ok(1_500_000_000));
		assert_eq!(parse(".5", 9), Ok(500_000_000));
		assert_eq!(parse("7.", 9), Ok(7_000_000_000));
		assert_eq!(parse("0", 12), Ok(0));
	}

	#[test]
	fn refuses_what_is_not_an_amount() {
		assert_eq!(parse("", 9), Err(AmountError::Empty));
		assert_eq!(parse("-1", 9), Err(AmountError::Negative));
		assert_eq!(parse("12a", 9), Err(AmountError::NotANumber));
		assert_eq!(parse("1.2.3", 9), Err(AmountError::NotANumber));
		assert_eq!(parse(".", 9), Err(AmountError::NotANumber));
		assert_eq!(parse("1e9", 9), Err(AmountError::NotANumber));
		assert_eq!(parse("0.0000000001", 9), Err(AmountError::TooManyDecimals { decimals: 9 }));
		assert_eq!(parse("340282366920938463463374607431768211456", 0), Err(AmountError::Overflow));
		assert_eq!(parse("340282366920938463463374607432", 9), Err(AmountError::Overflow));
	}

	#[test]
	fn prints_without_trailing_zeros() {
		assert_eq!(format(17_000_000_000_000, 9), "17000");
		assert_eq!(format(1, 9), "0.000000001");
		assert_eq!(format(1_500_000_000, 9), "1.5");
		assert_eq!(format(0, 12), "0");
	}

	#[test]
	fn round_trips() {
		for value in [0u128, 1, 999_999_999, 1_000_000_000, 123_456_789_012_345_678] {
			assert_eq!(parse(&format(value, 9), 9), Ok(value));
		}
	}
}
