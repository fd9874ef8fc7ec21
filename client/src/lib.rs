//! The chain client shared by `staking-miner` and `staking-service`.
//!
//! Everything a tool needs to talk to a stake-pool chain over its JSON-RPC (WebSocket) API,
//! typed with the runtime's own types so that what is decoded and what is signed is exactly what
//! the chain uses:
//!
//! - [`rpc`]: a connection over a list of endpoints that fails over between them and reconnects
//!   with back-off when a node goes away; plain JSON-RPC methods (blocks, storage, runtime calls,
//!   subscriptions, transactions);
//! - [`chain`]: typed queries of the runtime: the election's round, snapshot, queue and limits,
//!   events at a block, accounts and nonces, the runtime version and metadata;
//! - [`signer`]: a key from a secret URI or a file holding one, and signed extrinsics of the
//!   runtime with an explicit mortality;
//! - [`compat`]: whether the chain's calls, storage, events, runtime APIs and transaction
//!   extensions this client depends on have the shapes this build was compiled with;
//! - [`hex`]: `0x` hex and storage-key helpers.
//!
//! Errors are plain `String`s that name what failed (method, item, endpoint): both binaries print
//! them to the user.

pub mod chain;
pub mod compat;
pub mod hex;
pub mod rpc;
pub mod signer;

pub use pool_runtime::{AccountId, Balance, BlockNumber, Hash, Header, Nonce};
