//! Tests of the election pallet, its miner and its feasibility check.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod migrations;
mod miner;
mod miner_properties;
mod paged;
mod paged_miner;
mod phases;
mod reduce;
mod signed;
mod signed_paged;
mod unsigned;
mod with_pools;
