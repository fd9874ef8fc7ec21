//! `staking-service`: a pool operator's tool for the stake-pool chain and for Mina ledgers.
//!
//! - [`chain`]: `snapshot export`, the chain's staking state read over RPC at one block;
//! - [`ledger`]: one input model for Mina `mina ledger export` JSON and our chain snapshots;
//! - [`odds`]: slot-lottery odds, expected blocks and their 5%-95% band;
//! - [`unlock`]: when a timed account holds no locked tokens, by Mina's rule, in integers;
//! - [`blocks`]: the blocks won, from this tool's JSON (units named), archive-node rows (JSON
//!   or CSV), the payouts API or GraphQL, with the canonical, confirmation and epoch checks;
//! - [`payouts`]: payout plans with commission, carry-over of small payouts, dust and a hash;
//! - [`policy`]: delegation-program share classes from published address lists;
//! - [`payments`]: a plan paid on Mina: payment batches, the signed batch sent with a
//!   write-ahead journal, resends; [`graphql`]: the daemon's GraphQL API they use;
//! - [`amount`]: decimal strings to and from integer smallest units;
//! - [`output`]: writing several output files all or nothing.
//!
//! See `docs/staking-service.md` for a worked example of every command.

pub mod amount;
pub mod blocks;
pub mod chain;
pub mod graphql;
pub mod ledger;
pub mod odds;
pub mod output;
pub mod payments;
pub mod payouts;
pub mod policy;
pub mod unlock;
