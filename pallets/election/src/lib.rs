//! # Multi-phase election
//!
//! An NPoS [`ElectionProvider`](frame_election_provider_support::ElectionProvider) with a signed
//! phase, an unsigned phase, an on-chain fallback and emergency recovery. This crate currently
//! holds the part every path shares: the [`miner`] (mining, reduction, trimming to the chain's
//! length and weight limits) and its single feasibility check, used alike by signed and
//! unsigned submissions and by the off-chain `staking-miner`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod miner;
pub mod types;

pub use miner::{Miner, MinerConfig, MinerError, Trimmed};
pub use types::*;

#[cfg(test)]
mod tests;
