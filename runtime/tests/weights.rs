//! Every hook and call of both pallets, at the development runtime's bounds, against its share
//! of a block: at most a quarter of 2 s of ref-time and of the 5 MiB of proof a parachain block
//! may carry (`DESIGN.md`, "Scale and honest weights"). A change that makes any of them heavier
//! than that fails here. The same table at the stake pools' target scale is checked by
//! `round.rs` (`every_hook_and_call_fits_at_the_target_scale`).
//!
//! `cargo test -p pool-runtime --test weights -- --nocapture` prints the table that
//! docs/stake-pool.md and docs/election.md quote.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use frame_support::traits::Get;
use pool_runtime::Runtime;

#[path = "common/budget.rs"]
mod budget;

#[test]
fn every_hook_and_call_fits_its_share_of_a_block_at_the_bounds() {
	budget::check::<Runtime>("the development runtime's bounds");
}

/// The stake pools keep the share prices of every target the election may take: with fewer,
/// the voters of the last target pages would lose their votes in those pools.
#[test]
fn the_stake_pools_keep_the_price_of_every_target() {
	let kept: u32 = <Runtime as pallet_stake_pool::Config>::MaxElectableTargets::get();
	let taken: u32 = <Runtime as pallet_election_multi_phase::Config>::MaxElectableTargets::get();
	assert!(kept >= taken, "the stake pools keep {kept} prices for {taken} targets");
}
