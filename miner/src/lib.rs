//! `staking-miner`: the off-chain miner of `pallet-election-multi-phase` (see `docs/miner.md`).
//!
//! - [`cli`]: the command line;
//! - [`monitor`]: follow the chain, mine once per round, submit when the strategy says so;
//! - [`commands`]: `info`, `dry-run`, `emergency-solution`;
//! - [`portfolio`]: mining with seq-phragmen and PhragMMS raced on threads, through the
//!   election pallet's own miner and feasibility check;
//! - [`solver`]: the miner's own sequential Phragmén, PhragMMS and balancing over a flat
//!   graph (the portfolio's solvers);
//! - [`chain_config`]: the live chain's miner configuration (its solution type and weight
//!   formula compiled in, its limits read from the chain);
//! - [`strategy`]: when a mined score is worth submitting against the best queued one;
//! - [`journal`]: a small file of this miner's submissions per round, so a restart never
//!   submits twice;
//! - [`metrics`]: Prometheus metrics;
//! - [`bench`](mod@bench): a synthetic snapshot at Polkadot-2022 scale for `staking-miner bench`.

pub mod bench;
pub mod chain_config;
pub mod cli;
pub mod commands;
pub mod journal;
pub mod metrics;
pub mod monitor;
pub mod portfolio;
pub mod solver;
pub mod strategy;
