//! The pallet's tests. Every test runs through `ExtBuilder::build_and_execute`, which checks
//! the pallet's `try_state` invariants when the test ends.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod deadlines;
mod delegation;
mod election;
mod exit;
mod migrations;
mod mining;
mod pools;
mod properties;
mod regressions;
mod rewards;
mod seed;
mod slashing;
mod states;
mod withdrawals;
mod workers;
