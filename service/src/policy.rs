//! Delegation-program policy from files: **share classes**, each a published address list with
//! its own commission (the Mina Foundation's and O(1) Labs' delegation programs, investors).
//!
//! `payouts plan --share-class NAME:RATE:FILE` (repeatable) gives every listed key that the
//! ledger holds the class's commission; a key's own `--account-commission` (a negotiated fee)
//! wins over its class. A key in two classes is refused: which commission applies would be a
//! guess.

use crate::ledger::InputError;

/// `NAME:RATE:FILE` as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFlag {
	/// The class's name (`foundation`, `o1labs`, ...).
	pub name: String,
	/// Its commission, parts per billion.
	pub rate: u128,
	/// Its address list.
	pub file: String,
}

/// Parse `NAME:RATE:FILE` (the file may itself contain `:`).
pub fn parse_class_flag(text: &str) -> Result<ClassFlag, String> {
	let mut parts = text.splitn(3, ':');
	let (Some(name), Some(rate), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
		return Err(format!(
			"--share-class {text:?}: expected NAME:RATE:FILE, e.g. foundation:8%:mf.csv"
		));
	};
	if name.is_empty() || file.is_empty() {
		return Err(format!(
			"--share-class {text:?}: expected NAME:RATE:FILE, e.g. foundation:8%:mf.csv"
		));
	}
	let rate =
		crate::payouts::parse_rate(rate).map_err(|e| format!("--share-class {name}: {e}"))?;
	Ok(ClassFlag { name: name.to_string(), rate, file: file.to_string() })
}

/// Whether `text` looks like a Mina public key (`B62...`, letters and digits).
fn is_key(text: &str) -> bool {
	text.starts_with("B62") && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Read an address list: one key per line (the first field of a CSV line), as the published
/// lists are written: a UTF-8 byte-order mark, CRLF line ends and blank lines allowed, and a
/// header on the first line. Any other line that is not a key is refused with its number.
pub fn parse_address_list(name: &str, bytes: &[u8]) -> Result<Vec<String>, InputError> {
	let text = core::str::from_utf8(bytes).map_err(|_| InputError::new(name, "not UTF-8 text"))?;
	let text = text.strip_prefix('\u{feff}').unwrap_or(text);
	let mut keys = Vec::new();
	for (i, line) in text.lines().enumerate() {
		let field = line.split([',', '|', ';', '\t']).next().unwrap_or_default();
		let field = field.trim().trim_matches('"');
		if field.is_empty() {
			continue;
		}
		if is_key(field) {
			keys.push(field.to_string());
		} else if i != 0 {
			return Err(InputError::new(
				format!("{name}: line {}", i.saturating_add(1)),
				format!("{field:?} is not a Mina public key"),
			));
		}
	}
	if keys.is_empty() {
		return Err(InputError::new(name, "lists no key"));
	}
	Ok(keys)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
	use super::*;

	#[test]
	fn reads_the_published_lists_as_they_are_written() {
		// As the Foundation's list: a byte-order mark and CRLF line ends.
		let bytes = "\u{feff}B62qjWrka3sHmyX\r\nB62qr11GnajdtFt\r\n\r\n".as_bytes();
		assert_eq!(
			parse_address_list("mf.csv", bytes).unwrap(),
			["B62qjWrka3sHmyX", "B62qr11GnajdtFt"]
		);
		// A header, more columns, quotes.
		let bytes = b"publicKey,note\n\"B62qA\",x\nB62qB|y\n";
		assert_eq!(parse_address_list("l.csv", bytes).unwrap(), ["B62qA", "B62qB"]);
		let e = parse_address_list("l.csv", b"B62qA\nnot a key\n").unwrap_err().to_string();
		assert!(e.contains("l.csv: line 2"), "{e}");
		assert!(e.contains("\"not a key\" is not a Mina public key"), "{e}");
		assert!(parse_address_list("l.csv", b"\n\n")
			.unwrap_err()
			.to_string()
			.contains("lists no key"));
	}

	#[test]
	fn class_flags() {
		assert_eq!(
			parse_class_flag("foundation:8%:/data/mf.csv").unwrap(),
			ClassFlag { name: "foundation".into(), rate: 80_000_000, file: "/data/mf.csv".into() }
		);
		assert!(parse_class_flag("foundation:8%").unwrap_err().contains("expected NAME:RATE:FILE"));
		assert!(parse_class_flag("x:eight:f").unwrap_err().contains("--share-class x: bad rate"));
	}
}
