//! `staking-miner`: the off-chain miner of `pallet-election-multi-phase`.
//!
//! This crate is being built in steps (see issue 5 and `docs/miner.md` once it lands). In place:
//!
//! - [`strategy`]: when a mined score is worth submitting against the best queued one;
//! - [`portfolio`]: mining with seq-phragmen and PhragMMS raced on threads, through the
//!   election pallet's own miner and feasibility check;
//! - [`bench`]: a synthetic snapshot at Polkadot-2022 scale for `staking-miner bench`;
//! - [`journal`]: a small file of this miner's submissions per round, so a restart never
//!   submits twice.

pub mod bench;
pub mod journal;
pub mod portfolio;
pub mod strategy;
