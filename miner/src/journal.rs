//! The submission journal: one JSON line per event of this miner's submissions, appended and
//! synced before the miner goes on, so that a restart (of the miner or of the node) in the
//! middle of a round never submits twice for the same round and snapshot.
//!
//! ```text
//! {"round":3,"fingerprint":"0x…","event":{"registered":{"block":56,"score":[…],"pages":[[6,"0x…"],…]}}}
//! {"round":3,"fingerprint":"0x…","event":{"submitted":{"block":57,"score":[…],"tx":"0x…"}}}
//! {"round":3,"fingerprint":"0x…","event":{"outcome":{"outcome":"rewarded","amount":"…"}}}
//! ```
//!
//! A line that cannot be read (a torn last write) is reported and skipped; the journal never
//! stops the miner from starting.

use serde::{Deserialize, Serialize};
use std::{
	fs::{File, OpenOptions},
	io::{BufRead, BufReader, Write},
	path::{Path, PathBuf},
};

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Externally tagged: serde cannot buffer the 128-bit scores that an internally tagged or
// flattened enum would need to.
#[serde(rename_all = "snake_case")]
pub enum Event {
	/// About to register a claim: its score and every page of its solution (SCALE, 0x-hex),
	/// written before the first transaction is sent, so that a restart completes the same
	/// claim's missing pages rather than mining another solution the claim does not match.
	Registered {
		/// The block the claim was sent at.
		block: u32,
		/// Its score: minimal stake, sum of stakes, sum of squares.
		score: [u128; 3],
		/// Each page and its encoded solution.
		pages: Vec<(u32, String)>,
	},
	/// A claim was registered and every page of its solution stored (`Registered` and a
	/// `PageStored` per page seen for this account).
	Submitted {
		/// The block the submission was made at.
		block: u32,
		/// Its score: minimal stake, sum of stakes, sum of squares.
		score: [u128; 3],
		/// The extrinsic's hash.
		tx: String,
	},
	/// The round closed for our submission.
	Outcome {
		/// `rewarded`, `slashed`, `refunded` or `ejected`.
		outcome: String,
		/// The amount rewarded, slashed or refunded (a decimal string of planck).
		amount: String,
	},
}

/// A line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
	/// The election round.
	pub round: u32,
	/// The snapshot's fingerprint, 0x-hex.
	pub fingerprint: String,
	/// What happened.
	pub event: Event,
}

/// The journal file and what it holds.
#[derive(Debug)]
pub struct Journal {
	path: PathBuf,
	entries: Vec<Entry>,
	/// Lines that could not be read, with their numbers (1-based).
	pub skipped: Vec<usize>,
}

impl Journal {
	/// Open (or start) the journal at `path`.
	pub fn open(path: &Path) -> Result<Self, String> {
		let mut entries = Vec::new();
		let mut skipped = Vec::new();
		match File::open(path) {
			Ok(file) => {
				for (i, line) in BufReader::new(file).lines().enumerate() {
					let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
					if line.trim().is_empty() {
						continue;
					}
					match serde_json::from_str::<Entry>(&line) {
						Ok(entry) => entries.push(entry),
						Err(_) => skipped.push(i.saturating_add(1)),
					}
				}
			},
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {},
			Err(e) => return Err(format!("cannot open {}: {e}", path.display())),
		}
		Ok(Self { path: path.to_path_buf(), entries, skipped })
	}

	/// Whether this miner already submitted for `round` with the snapshot `fingerprint`.
	pub fn submitted(&self, round: u32, fingerprint: &str) -> bool {
		self.entries.iter().any(|e| {
			e.round == round
				&& e.fingerprint == fingerprint
				&& matches!(e.event, Event::Submitted { .. })
		})
	}

	/// The score and the pages of the claim registered for `round` with the snapshot
	/// `fingerprint`, if one was (the first: a miner never registers a second claim for a
	/// round it journalled one for).
	pub fn registered(
		&self,
		round: u32,
		fingerprint: &str,
	) -> Option<([u128; 3], &[(u32, String)])> {
		self.entries.iter().find_map(|e| match &e.event {
			Event::Registered { score, pages, .. }
				if e.round == round && e.fingerprint == fingerprint =>
			{
				Some((*score, pages.as_slice()))
			},
			_ => None,
		})
	}

	/// Rounds with a claim or a submission but no outcome yet.
	pub fn open_rounds(&self) -> Vec<(u32, String)> {
		let mut open: Vec<(u32, String)> = Vec::new();
		for e in &self.entries {
			let key = (e.round, e.fingerprint.clone());
			match e.event {
				Event::Registered { .. } | Event::Submitted { .. } => {
					if !open.contains(&key) {
						open.push(key);
					}
				},
				Event::Outcome { .. } => open.retain(|k| *k != key),
			}
		}
		open
	}

	/// The earliest block a submission without an outcome yet was stored at: where a restarted
	/// miner starts reading events so that no outcome goes unreported.
	pub fn earliest_open_block(&self) -> Option<u32> {
		let open = self.open_rounds();
		self.entries
			.iter()
			.filter(|e| open.iter().any(|(r, f)| *r == e.round && *f == e.fingerprint))
			.filter_map(|e| match e.event {
				Event::Registered { block, .. } | Event::Submitted { block, .. } => Some(block),
				Event::Outcome { .. } => None,
			})
			.min()
	}

	/// Whether an outcome is recorded for `round` (so a block whose events are read twice, after
	/// a re-organisation or a catch-up, records it once).
	pub fn has_outcome(&self, round: u32) -> bool {
		self.entries.iter().any(|e| e.round == round && matches!(e.event, Event::Outcome { .. }))
	}

	/// Everything recorded, oldest first.
	pub fn entries(&self) -> &[Entry] {
		&self.entries
	}

	/// Append `entry` and sync it to disk before returning.
	pub fn record(&mut self, entry: Entry) -> Result<(), String> {
		let mut line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
		line.push('\n');
		let mut file = OpenOptions::new()
			.create(true)
			.append(true)
			.open(&self.path)
			.map_err(|e| format!("cannot open {}: {e}", self.path.display()))?;
		file.write_all(line.as_bytes())
			.and_then(|_| file.sync_all())
			.map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
		self.entries.push(entry);
		Ok(())
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
	use super::*;

	fn temp(name: &str) -> PathBuf {
		let path =
			std::env::temp_dir().join(format!("miner-journal-{name}-{}", std::process::id()));
		let _ = std::fs::remove_file(&path);
		path
	}

	fn submitted(round: u32, fingerprint: &str) -> Entry {
		Entry {
			round,
			fingerprint: fingerprint.into(),
			event: Event::Submitted { block: 57, score: [1, 2, 3], tx: "0xab".into() },
		}
	}

	#[test]
	fn a_restart_remembers_what_was_submitted() {
		let path = temp("restart");
		let mut journal = Journal::open(&path).unwrap();
		assert!(!journal.submitted(3, "0x01"));
		journal.record(submitted(3, "0x01")).unwrap();
		drop(journal);

		let mut journal = Journal::open(&path).unwrap();
		assert!(journal.submitted(3, "0x01"));
		// Another round, or the same round with another snapshot, is not covered.
		assert!(!journal.submitted(4, "0x01"));
		assert!(!journal.submitted(3, "0x02"));
		assert_eq!(journal.open_rounds(), vec![(3, "0x01".to_string())]);
		journal
			.record(Entry {
				round: 3,
				fingerprint: "0x01".into(),
				event: Event::Outcome { outcome: "rewarded".into(), amount: "7".into() },
			})
			.unwrap();
		assert!(journal.open_rounds().is_empty());
		let text = std::fs::read_to_string(&path).unwrap();
		assert_eq!(text.lines().count(), 2);
		assert!(text.lines().next().unwrap().contains(r#""event":{"submitted":"#), "{text}");
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn where_a_restart_reads_events_from() {
		let path = temp("open-block");
		let mut journal = Journal::open(&path).unwrap();
		assert_eq!(journal.earliest_open_block(), None);
		let at = |round: u32, block: u32| Entry {
			round,
			fingerprint: format!("0x{round:02x}"),
			event: Event::Submitted { block, score: [1, 2, 3], tx: String::new() },
		};
		let outcome = |round: u32| Entry {
			round,
			fingerprint: format!("0x{round:02x}"),
			event: Event::Outcome { outcome: "refunded".into(), amount: "1".into() },
		};
		// Round 1 (block 40) closed; rounds 2 (block 140) and 3 (block 240) are open.
		for entry in [at(1, 40), outcome(1), at(2, 140), at(3, 240)] {
			journal.record(entry).unwrap();
		}
		assert_eq!(journal.earliest_open_block(), Some(140));
		assert!(journal.has_outcome(1) && !journal.has_outcome(2));
		journal.record(outcome(2)).unwrap();
		assert_eq!(journal.earliest_open_block(), Some(240));
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_registered_claim_keeps_its_pages_for_a_restart() {
		let path = temp("registered");
		let mut journal = Journal::open(&path).unwrap();
		let pages = vec![(2, "0x0102".to_string()), (0, "0x03".to_string())];
		journal
			.record(Entry {
				round: 4,
				fingerprint: "0x04".into(),
				event: Event::Registered { block: 90, score: [1, 2, 3], pages: pages.clone() },
			})
			.unwrap();
		drop(journal);
		let journal = Journal::open(&path).unwrap();
		assert_eq!(journal.registered(4, "0x04"), Some(([1, 2, 3], pages.as_slice())));
		assert_eq!(journal.registered(4, "0x05"), None);
		// Registered but not yet complete: not submitted, but open (its events are read).
		assert!(!journal.submitted(4, "0x04"));
		assert_eq!(journal.earliest_open_block(), Some(90));
		std::fs::remove_file(&path).unwrap();
	}

	#[test]
	fn a_torn_line_is_skipped_not_fatal() {
		let path = temp("torn");
		let good = serde_json::to_string(&submitted(5, "0x05")).unwrap();
		std::fs::write(&path, format!("{good}\n{{\"round\":6,\"finger")).unwrap();
		let journal = Journal::open(&path).unwrap();
		assert!(journal.submitted(5, "0x05"));
		assert_eq!(journal.skipped, vec![2]);
		std::fs::remove_file(&path).unwrap();
	}
}
