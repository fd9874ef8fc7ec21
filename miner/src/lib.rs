//! `staking-miner`: the off-chain miner of `pallet-election-multi-phase`.
//!
//! This crate is being built in steps (see issue 5 and `docs/miner.md` once it lands). In place:
//!
//! - [`strategy`]: when a mined score is worth submitting against the best queued one;
//! - [`journal`]: a small file of this miner's submissions per round, so a restart never
//!   submits twice.

pub mod journal;
pub mod strategy;
