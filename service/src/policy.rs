//! Delegation-program policy from files: **share classes**, each a published address list with
//! its own commission (the Mina Foundation's and O(1) Labs' delegation programs, investors).
//!
//! `payouts plan --share-class NAME:RATE:FILE` (repeatable) gives every listed key that the
//! ledger holds the class's commission; a key's own `--account-commission` (a negotiated fee)
//! wins over its class. A key in two classes is refused: which commission applies would be a
//! guess.
//!
//! `payouts batch --pay-to FILE` (repeatable) reads **redirections**: a delegator's payout paid
//! to the address a delegation program names (`FROM|TO`), not paid at all (`FROM|EXCLUDE`), or
//! split with another key (`FROM|SPLIT|OTHER|SHARE`), the format of the public payout tool's
//! substitution files. A list may name keys that do not delegate to this pool (the programs
//! publish one list for all pools); a key with two rules is refused.

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

/// Where a delegator's payout goes, by a redirection file (`payouts batch --pay-to FILE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayTo {
	/// To another key (`FROM|TO`): a delegation program names where its payouts go.
	Redirect(String),
	/// Not paid (`FROM|EXCLUDE`): the operator keeps it.
	Exclude,
	/// Split (`FROM|SPLIT|OTHER|SHARE`): `FROM` keeps `ceil(payout * SHARE)`, `OTHER` gets the
	/// rest. The share in parts per billion.
	Split {
		/// Who gets the rest.
		other: String,
		/// What `FROM` keeps, parts per billion.
		keep: u128,
	},
}

/// Read a redirection file: one rule per line, `FROM|TO`, `FROM|EXCLUDE` or
/// `FROM|SPLIT|OTHER|SHARE` (SHARE `0.4` or `40%`: what FROM keeps), fields separated by `|`
/// or `,`, spaces around them ignored; blank lines and lines starting with `#` skipped. A key
/// given two rules, or a rule naming a key twice, is refused.
pub fn parse_pay_to(
	name: &str,
	bytes: &[u8],
	rules: &mut std::collections::BTreeMap<String, PayTo>,
) -> Result<(), InputError> {
	let text = core::str::from_utf8(bytes).map_err(|_| InputError::new(name, "not UTF-8 text"))?;
	let text = text.strip_prefix('\u{feff}').unwrap_or(text);
	for (i, line) in text.lines().enumerate() {
		let at = || format!("{name}: line {}", i.saturating_add(1));
		let line = line.trim();
		if line.is_empty() || line.starts_with('#') {
			continue;
		}
		let fields: Vec<&str> = line.split(['|', ',']).map(str::trim).collect();
		let key = |field: Option<&&str>| -> Result<String, InputError> {
			match field {
				Some(k) if is_key(k) => Ok((*k).to_string()),
				Some(k) => Err(InputError::new(at(), format!("{k:?} is not a Mina public key"))),
				None => Err(InputError::new(at(), "a key is missing")),
			}
		};
		let from = key(fields.first())?;
		let rule = match (fields.get(1).copied(), fields.len()) {
			(Some(word), 2) if word.eq_ignore_ascii_case("EXCLUDE") => PayTo::Exclude,
			(Some(word), 4) if word.eq_ignore_ascii_case("SPLIT") => {
				let other = key(fields.get(2))?;
				let keep = crate::payouts::parse_rate(fields.get(3).copied().unwrap_or_default())
					.map_err(|e| InputError::new(at(), e))?;
				if other == from {
					return Err(InputError::new(at(), "a split with itself"));
				}
				PayTo::Split { other, keep }
			},
			(Some(_), 2) => {
				let to = key(fields.get(1))?;
				if to == from {
					return Err(InputError::new(at(), "a redirection to itself"));
				}
				PayTo::Redirect(to)
			},
			_ => {
				return Err(InputError::new(
					at(),
					format!("{line:?}: expected FROM|TO, FROM|EXCLUDE or FROM|SPLIT|OTHER|SHARE"),
				))
			},
		};
		if rules.insert(from.clone(), rule).is_some() {
			return Err(InputError::new(
				at(),
				format!("{from} has another rule already: which one applies?"),
			));
		}
	}
	Ok(())
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

	#[test]
	fn redirection_files() {
		let mut rules = std::collections::BTreeMap::new();
		let text =
			"# the program's list\nB62qA|B62qPROGRAM\n\nB62qB | EXCLUDE\r\nB62qC,split,B62qD,40%\n";
		parse_pay_to("pay-to", text.as_bytes(), &mut rules).unwrap();
		assert_eq!(rules["B62qA"], PayTo::Redirect("B62qPROGRAM".into()));
		assert_eq!(rules["B62qB"], PayTo::Exclude);
		assert_eq!(rules["B62qC"], PayTo::Split { other: "B62qD".into(), keep: 400_000_000 });
		// The same key in a second file.
		let e = parse_pay_to("more", b"B62qA|EXCLUDE\n", &mut rules).unwrap_err().to_string();
		assert!(e.contains("more: line 1") && e.contains("B62qA has another rule already"), "{e}");
		let mut rules = std::collections::BTreeMap::new();
		for (text, message) in [
			("B62qA|nobody\n", "\"nobody\" is not a Mina public key"),
			("B62qA\n", "expected FROM|TO, FROM|EXCLUDE or FROM|SPLIT|OTHER|SHARE"),
			("B62qA|SPLIT|B62qB\n", "expected FROM|TO"),
			("B62qA|SPLIT|B62qB|150%\n", "above 100%"),
			("B62qA|B62qA\n", "a redirection to itself"),
		] {
			let e = parse_pay_to("f", text.as_bytes(), &mut rules).unwrap_err().to_string();
			assert!(e.contains(message), "{text:?}: {e}");
		}
	}
}
