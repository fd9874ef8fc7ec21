//! Tests of the miner and the feasibility check.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod miner;
mod miner_properties;
