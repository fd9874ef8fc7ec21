//! Command-line interface.

/// How blocks are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consensus {
	/// A block every `n` milliseconds (and on `engine_createBlock`).
	ManualSeal(u64),
	/// A block for every transaction that enters the pool (and on `engine_createBlock`).
	InstantSeal,
}

impl std::str::FromStr for Consensus {
	type Err = String;

	fn from_str(s: &str) -> Result<Self, Self::Err> {
		if s == "instant-seal" {
			return Ok(Consensus::InstantSeal);
		}
		let millis =
			s.strip_prefix("manual-seal-").ok_or_else(|| {
				format!("unknown consensus `{s}`: expected `instant-seal` or `manual-seal-<milliseconds>`")
			})?;
		match millis.parse::<u64>() {
			Ok(0) => Err("manual-seal block time must be at least 1 millisecond".into()),
			Ok(ms) => Ok(Consensus::ManualSeal(ms)),
			Err(_) => Err(format!("`{millis}` is not a block time in milliseconds")),
		}
	}
}

/// The pool node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; none runs the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Block production: `manual-seal-<ms>` (a block every `<ms>` milliseconds) or
	/// `instant-seal` (a block per transaction). Both also seal on `engine_createBlock`.
	#[arg(long, default_value = "manual-seal-3000")]
	pub consensus: Consensus,

	/// Keep the runtime as wasmtime compiled it in this directory (wasmtime's cache): a node
	/// started again with the same runtime loads it instead of compiling it again, which is most
	/// of a start's time. Entries are keyed by the runtime's code, the compiler's settings and
	/// wasmtime's version, so a changed runtime is compiled afresh; several nodes may share the
	/// directory. With it the built-in `dev` and `local` chains' genesis is built with the cached
	/// runtime too (the same storage; `export-chain-spec` then writes it as raw storage). Off
	/// unless given.
	#[arg(long, value_name = "DIR")]
	pub wasm_cache_dir: Option<std::path::PathBuf>,

	/// The node's options.
	#[command(flatten)]
	pub run: sc_cli::RunCmd,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
	/// Key management utilities.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export the chain specification (`--chain dev`, `--chain local` or a file).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Write the parachain runtime's chain specification (raw by default), made from its wasm:
	/// what chopsticks and collators start the parachain from.
	ParachainSpec(crate::parachain_spec::ParachainSpecCmd),
}

#[cfg(test)]
mod tests {
	use super::Consensus;

	#[test]
	fn consensus_parses_both_modes_and_names_bad_input() {
		assert_eq!("instant-seal".parse::<Consensus>(), Ok(Consensus::InstantSeal));
		assert_eq!("manual-seal-3000".parse::<Consensus>(), Ok(Consensus::ManualSeal(3000)));
		assert!("manual-seal-0".parse::<Consensus>().unwrap_err().contains("at least 1"));
		assert!("manual-seal-abc".parse::<Consensus>().unwrap_err().contains("`abc`"));
		assert!("aura".parse::<Consensus>().unwrap_err().contains("unknown consensus `aura`"));
	}
}
