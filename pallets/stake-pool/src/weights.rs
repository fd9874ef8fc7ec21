//! Weights for `pallet_stake_pool`.
//!
//! PROVISIONAL: these figures are conservative hand estimates (time in picoseconds plus
//! `RocksDbWeight` reads and writes per storage access of each code path), not yet the output
//! of a benchmark run. They are replaced by `pool-node benchmark pallet` output once the node
//! exists; see `docs/stake-pool.md` ("Weights"). The benchmarks themselves (`benchmarking.rs`)
//! already run as tests.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_stake_pool`.
pub trait WeightInfo {
	fn register_worker() -> Weight;
	fn authorize_operator() -> Weight;
	fn create_pool() -> Weight;
	fn add_worker() -> Weight;
	fn remove_worker() -> Weight;
	fn set_commission() -> Weight;
	fn set_cap() -> Weight;
	fn add_to_whitelist() -> Weight;
	fn remove_from_whitelist() -> Weight;
	fn set_description(l: u32) -> Weight;
	fn close_pool(w: u32) -> Weight;
	fn delegate() -> Weight;
	fn withdraw() -> Weight;
	fn claim_rewards() -> Weight;
	fn claim_commission() -> Weight;
	fn start_mining() -> Weight;
	fn stop_mining() -> Weight;
	fn restart_mining() -> Weight;
	fn reclaim_worker() -> Weight;
	fn force_stop_overdue(w: u32) -> Weight;
	fn process_withdrawals(q: u32) -> Weight;
	fn settle_slash() -> Weight;
	fn report_unresponsive() -> Weight;
	fn report_recovered() -> Weight;
	fn slash_worker() -> Weight;
	fn set_reward_per_block() -> Weight;
	fn on_initialize_idle(n: u32) -> Weight;
	fn on_initialize_cooldown() -> Weight;
	fn on_initialize_payout(q: u32) -> Weight;
	fn on_initialize_commission() -> Weight;
	fn on_initialize_grace(w: u32) -> Weight;
	fn on_initialize_new_era(w: u32) -> Weight;
	fn electing_voters(v: u32) -> Weight;
	fn electable_targets(t: u32) -> Weight;
}

/// `ref_time` picoseconds, 4 KiB of proof per access, and `reads`/`writes` database accesses.
fn cost(ref_time: u64, reads: u64, writes: u64) -> Weight {
	Weight::from_parts(ref_time, 4096u64.saturating_mul(reads.saturating_add(writes)))
		.saturating_add(RocksDbWeight::get().reads_writes(reads, writes))
}

impl WeightInfo for () {
	fn register_worker() -> Weight {
		cost(20_000_000, 1, 1)
	}
	fn authorize_operator() -> Weight {
		cost(25_000_000, 3, 3)
	}
	fn create_pool() -> Weight {
		cost(40_000_000, 4, 4)
	}
	fn add_worker() -> Weight {
		cost(25_000_000, 3, 3)
	}
	fn remove_worker() -> Weight {
		cost(25_000_000, 3, 3)
	}
	fn set_commission() -> Weight {
		cost(30_000_000, 4, 4)
	}
	fn set_cap() -> Weight {
		cost(15_000_000, 1, 1)
	}
	fn add_to_whitelist() -> Weight {
		cost(18_000_000, 2, 2)
	}
	fn remove_from_whitelist() -> Weight {
		cost(18_000_000, 2, 2)
	}
	fn set_description(l: u32) -> Weight {
		cost(15_000_000, 1, 1).saturating_add(Weight::from_parts(1_000, 1).saturating_mul(l.into()))
	}
	fn close_pool(w: u32) -> Weight {
		cost(60_000_000, 5, 5).saturating_add(cost(30_000_000, 2, 3).saturating_mul(w.into()))
	}
	fn delegate() -> Weight {
		cost(80_000_000, 8, 6)
	}
	fn withdraw() -> Weight {
		cost(90_000_000, 8, 7)
	}
	fn claim_rewards() -> Weight {
		cost(150_000_000, 10, 8)
	}
	fn claim_commission() -> Weight {
		cost(50_000_000, 4, 4)
	}
	fn start_mining() -> Weight {
		cost(45_000_000, 4, 3)
	}
	fn stop_mining() -> Weight {
		cost(50_000_000, 5, 5)
	}
	fn restart_mining() -> Weight {
		cost(45_000_000, 4, 3)
	}
	fn reclaim_worker() -> Weight {
		cost(50_000_000, 4, 4)
	}
	fn force_stop_overdue(w: u32) -> Weight {
		cost(40_000_000, 4, 2).saturating_add(cost(30_000_000, 2, 3).saturating_mul(w.into()))
	}
	fn process_withdrawals(q: u32) -> Weight {
		cost(40_000_000, 3, 2).saturating_add(cost(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn settle_slash() -> Weight {
		cost(60_000_000, 5, 5)
	}
	fn report_unresponsive() -> Weight {
		cost(40_000_000, 3, 3)
	}
	fn report_recovered() -> Weight {
		cost(40_000_000, 3, 3)
	}
	fn slash_worker() -> Weight {
		cost(45_000_000, 4, 4)
	}
	fn set_reward_per_block() -> Weight {
		cost(15_000_000, 1, 2)
	}
	fn on_initialize_idle(_n: u32) -> Weight {
		cost(5_000_000, 4, 0)
	}
	fn on_initialize_cooldown() -> Weight {
		cost(60_000_000, 6, 6)
	}
	fn on_initialize_payout(q: u32) -> Weight {
		cost(40_000_000, 4, 3).saturating_add(cost(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn on_initialize_commission() -> Weight {
		cost(30_000_000, 4, 3)
	}
	fn on_initialize_grace(w: u32) -> Weight {
		cost(40_000_000, 5, 3).saturating_add(cost(30_000_000, 2, 3).saturating_mul(w.into()))
	}
	fn on_initialize_new_era(w: u32) -> Weight {
		cost(20_000_000, 1, 2)
			.saturating_add(Weight::from_parts(200_000, 48).saturating_mul(w.into()))
	}
	fn electing_voters(v: u32) -> Weight {
		cost(5_000_000, 1, 0).saturating_add(cost(400_000, 33, 0).saturating_mul(v.into()))
	}
	fn electable_targets(t: u32) -> Weight {
		cost(5_000_000, 0, 0).saturating_add(cost(100_000, 1, 0).saturating_mul(t.into()))
	}
}
