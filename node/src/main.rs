//! `pool-node`: a minimal node (manual or instant seal) serving the stake-pool runtime.
//!
//! `pool-node --dev` starts the development chain (demo pools, Alice as sudo) with a block every
//! 3 seconds; `--consensus instant-seal` seals a block per transaction instead. Both accept
//! `engine_createBlock` / `engine_finalizeBlock` over RPC. `pool-node parachain-spec` writes the
//! parachain runtime's chain specification, for chopsticks or a collator (docs/parachain.md).

// `sc_cli::Error` and `sc_service::Error` are large, and the `sc-cli` runner and `sc-service`
// builders this node plugs into return them by value: boxing them here would only convert back.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod parachain_spec;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
