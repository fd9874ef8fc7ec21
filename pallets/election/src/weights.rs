//! Weights for `pallet_election_multi_phase`.
//!
//! PROVISIONAL: conservative hand estimates until the benchmarks are run by the node's
//! `benchmark pallet` (see docs/election.md).
#![allow(unused_parens, unused_imports, missing_docs)]

use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_election_multi_phase`.
pub trait WeightInfo {
	fn submit() -> Weight;
	fn set_emergency_election_result(w: u32) -> Weight;
	fn governance_fallback() -> Weight;
	fn set_minimum_untrusted_score() -> Weight;
	fn on_initialize_nothing() -> Weight;
	fn on_initialize_open_signed() -> Weight;
	fn create_snapshot_internal(v: u32, t: u32) -> Weight;
	fn on_initialize_open_unsigned() -> Weight;
	fn on_initialize_validation_step(checked: u32) -> Weight;
	fn elect() -> Weight;
	fn submit_unsigned() -> Weight;
	fn authorize_submit_unsigned() -> Weight;
	fn feasibility_check(v: u32, t: u32, a: u32, d: u32) -> Weight;
}

fn cost(ref_time: u64, reads: u64, writes: u64) -> Weight {
	Weight::from_parts(ref_time, 4096u64.saturating_mul(reads.saturating_add(writes)))
		.saturating_add(RocksDbWeight::get().reads_writes(reads, writes))
}

impl WeightInfo for () {
	fn submit() -> Weight {
		cost(150_000_000, 8, 6)
	}
	fn set_emergency_election_result(w: u32) -> Weight {
		cost(20_000_000, 1, 2)
			.saturating_add(Weight::from_parts(50_000, 64).saturating_mul(w.into()))
	}
	fn governance_fallback() -> Weight {
		cost(2_000_000_000, 6, 2)
	}
	fn set_minimum_untrusted_score() -> Weight {
		cost(10_000_000, 0, 1)
	}
	fn on_initialize_nothing() -> Weight {
		cost(10_000_000, 2, 0)
	}
	fn on_initialize_open_signed() -> Weight {
		cost(1_500_000_000, 10, 8)
	}
	fn create_snapshot_internal(v: u32, t: u32) -> Weight {
		cost(10_000_000, 1, 5)
			.saturating_add(Weight::from_parts(200_000, 120).saturating_mul(v.into()))
			.saturating_add(Weight::from_parts(20_000, 32).saturating_mul(t.into()))
	}
	fn on_initialize_open_unsigned() -> Weight {
		cost(100_000_000, 6, 4)
	}
	fn on_initialize_validation_step(checked: u32) -> Weight {
		cost(20_000_000, 4, 2)
			.saturating_add(cost(2_000_000_000, 6, 5).saturating_mul(checked.into()))
	}
	fn elect() -> Weight {
		cost(500_000_000, 8, 10)
	}
	fn submit_unsigned() -> Weight {
		cost(50_000_000, 7, 2)
	}
	fn authorize_submit_unsigned() -> Weight {
		cost(40_000_000, 7, 0)
	}
	fn feasibility_check(v: u32, t: u32, a: u32, d: u32) -> Weight {
		cost(50_000_000, 4, 0)
			.saturating_add(Weight::from_parts(100_000, 0).saturating_mul(v.into()))
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(a.into()))
			.saturating_add(Weight::from_parts(500_000, 0).saturating_mul(d.into()))
	}
}
