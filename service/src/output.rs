//! Output files written all or nothing: every file goes to a temporary name next to its target
//! first, and only when all are written are they renamed into place. A failure leaves no
//! partial output behind.

use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

fn temporary(path: &Path) -> PathBuf {
	let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
	name.push(format!(".tmp-{}", std::process::id()));
	path.with_file_name(name)
}

/// Write every `(path, contents)`, all or nothing. The files are written and synced to disk
/// side by side (syncing is mostly waiting for the disk), then renamed into place.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
	let temporaries: Vec<PathBuf> = files.iter().map(|(path, _)| temporary(path)).collect();
	let cleanup = || {
		for t in &temporaries {
			let _ = fs::remove_file(t);
		}
	};
	let results: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
		let handles: Vec<_> = files
			.iter()
			.zip(&temporaries)
			.map(|((_, contents), tmp)| {
				scope.spawn(move || {
					fs::File::create(tmp)
						.and_then(|mut f| f.write_all(contents).and_then(|_| f.sync_all()))
				})
			})
			.collect();
		handles
			.into_iter()
			.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
			.collect()
	});
	for ((path, _), result) in files.iter().zip(results) {
		if let Err(e) = result {
			cleanup();
			return Err(format!("cannot write {}: {e}", path.display()));
		}
	}
	for ((path, _), tmp) in files.iter().zip(&temporaries) {
		if let Err(e) = fs::rename(tmp, path) {
			cleanup();
			return Err(format!("cannot write {}: {e}", path.display()));
		}
	}
	Ok(())
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn writes_nothing_when_one_file_fails() {
		let dir = std::env::temp_dir().join(format!("ss-output-{}", std::process::id()));
		fs::create_dir_all(&dir).unwrap();
		let good = dir.join("plan.json");
		let bad = dir.join("missing-dir").join("plan.csv");
		let err = write_all(&[(good.clone(), b"{}".to_vec()), (bad, b"x".to_vec())]).unwrap_err();
		assert!(err.contains("plan.csv"), "{err}");
		assert!(!good.exists());
		assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
		write_all(&[(good.clone(), b"{}".to_vec())]).unwrap();
		assert_eq!(fs::read(&good).unwrap(), b"{}");
		fs::remove_dir_all(&dir).unwrap();
	}
}
