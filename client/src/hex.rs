//! `0x` hex as JSON-RPC carries bytes, and SCALE decoding with errors that say what failed.

use codec::Decode;

/// `bytes` as `0x`-prefixed lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
	let mut out = String::with_capacity(bytes.len().saturating_mul(2).saturating_add(2));
	out.push_str("0x");
	for b in bytes {
		out.push_str(&format!("{b:02x}"));
	}
	out
}

/// Bytes from hex, with or without the `0x` prefix.
pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	if !digits.len().is_multiple_of(2) {
		return Err(format!("odd-length hex from the node: {text}"));
	}
	(0..digits.len())
		.step_by(2)
		.map(|i| {
			digits
				.get(i..i.saturating_add(2))
				.and_then(|b| u8::from_str_radix(b, 16).ok())
				.ok_or_else(|| format!("bad hex from the node: {text}"))
		})
		.collect()
}

/// Decode all of `bytes` as a `T`; `what` names the item in the error.
pub fn decode<T: Decode>(what: &str, bytes: &[u8]) -> Result<T, String> {
	let mut input = bytes;
	let value =
		T::decode(&mut input).map_err(|e| {
			format!("cannot decode {what}: {e} (does this chain run this version's runtime? see `info`)")
		})?;
	if !input.is_empty() {
		return Err(format!(
			"cannot decode {what}: {} bytes left over (does this chain run this version's runtime? see `info`)",
			input.len()
		));
	}
	Ok(value)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hex_round_trips_and_names_bad_input() {
		assert_eq!(hex(&[0, 1, 0xab, 0xff]), "0x0001abff");
		assert_eq!(unhex("0x0001abff").unwrap(), vec![0, 1, 0xab, 0xff]);
		assert_eq!(unhex("0001ABFF").unwrap(), vec![0, 1, 0xab, 0xff]);
		assert_eq!(unhex("0x").unwrap(), Vec::<u8>::new());
		assert!(unhex("0x123").unwrap_err().contains("odd-length"));
		assert!(unhex("0xzz").unwrap_err().contains("bad hex"));
	}

	#[test]
	fn decode_refuses_trailing_bytes() {
		assert_eq!(decode::<u16>("a u16", &[1, 2]).unwrap(), 0x0201);
		assert!(decode::<u16>("a u16", &[1, 2, 3]).unwrap_err().contains("1 bytes left over"));
		assert!(decode::<u32>("a u32", &[1]).unwrap_err().contains("cannot decode a u32"));
	}
}
