//! Weights for `pallet_stake_pool`: placeholder until generated, see docs/benchmarks.md.
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
	fn delegate(q: u32) -> Weight;
	fn withdraw(q: u32) -> Weight;
	fn claim_rewards(q: u32) -> Weight;
	fn claim_commission() -> Weight;
	fn start_mining() -> Weight;
	fn stop_mining() -> Weight;
	fn restart_mining() -> Weight;
	fn reclaim_worker(q: u32) -> Weight;
	fn force_stop_overdue(w: u32) -> Weight;
	fn process_withdrawals(q: u32) -> Weight;
	fn settle_slash() -> Weight;
	fn report_unresponsive() -> Weight;
	fn report_recovered() -> Weight;
	fn slash_worker() -> Weight;
	fn set_reward_per_block() -> Weight;
	fn on_initialize_idle() -> Weight;
	fn on_initialize_cooldown(q: u32) -> Weight;
	fn on_initialize_payout(q: u32) -> Weight;
	fn on_initialize_commission() -> Weight;
	fn on_initialize_grace(w: u32) -> Weight;
}

macro_rules! w {
	($t:expr, $r:expr, $w:expr) => {
		Weight::from_parts($t, 4000).saturating_add(RocksDbWeight::get().reads_writes($r, $w))
	};
}

impl WeightInfo for () {
	fn register_worker() -> Weight {
		w!(20_000_000, 1, 1)
	}
	fn authorize_operator() -> Weight {
		w!(25_000_000, 3, 3)
	}
	fn create_pool() -> Weight {
		w!(40_000_000, 4, 4)
	}
	fn add_worker() -> Weight {
		w!(25_000_000, 3, 3)
	}
	fn remove_worker() -> Weight {
		w!(25_000_000, 3, 3)
	}
	fn set_commission() -> Weight {
		w!(30_000_000, 4, 4)
	}
	fn set_cap() -> Weight {
		w!(15_000_000, 1, 1)
	}
	fn add_to_whitelist() -> Weight {
		w!(18_000_000, 2, 2)
	}
	fn remove_from_whitelist() -> Weight {
		w!(18_000_000, 2, 2)
	}
	fn set_description(l: u32) -> Weight {
		w!(15_000_000, 1, 1).saturating_add(Weight::from_parts(1_000, 0).saturating_mul(l.into()))
	}
	fn close_pool(w: u32) -> Weight {
		w!(60_000_000, 5, 5).saturating_add(RocksDbWeight::get().writes(w.into()))
	}
	fn delegate(q: u32) -> Weight {
		w!(80_000_000, 8, 6).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn withdraw(q: u32) -> Weight {
		w!(90_000_000, 8, 7).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn claim_rewards(q: u32) -> Weight {
		w!(150_000_000, 10, 8).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn claim_commission() -> Weight {
		w!(50_000_000, 4, 4)
	}
	fn start_mining() -> Weight {
		w!(45_000_000, 4, 3)
	}
	fn stop_mining() -> Weight {
		w!(50_000_000, 5, 5)
	}
	fn restart_mining() -> Weight {
		w!(45_000_000, 4, 3)
	}
	fn reclaim_worker(q: u32) -> Weight {
		w!(50_000_000, 4, 4).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn force_stop_overdue(w: u32) -> Weight {
		w!(40_000_000, 4, 2).saturating_add(w!(30_000_000, 2, 3).saturating_mul(w.into()))
	}
	fn process_withdrawals(q: u32) -> Weight {
		w!(40_000_000, 3, 2).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn settle_slash() -> Weight {
		w!(60_000_000, 5, 5)
	}
	fn report_unresponsive() -> Weight {
		w!(40_000_000, 3, 3)
	}
	fn report_recovered() -> Weight {
		w!(40_000_000, 3, 3)
	}
	fn slash_worker() -> Weight {
		w!(45_000_000, 4, 4)
	}
	fn set_reward_per_block() -> Weight {
		w!(15_000_000, 1, 2)
	}
	fn on_initialize_idle() -> Weight {
		w!(5_000_000, 4, 0)
	}
	fn on_initialize_cooldown(q: u32) -> Weight {
		w!(60_000_000, 6, 6).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn on_initialize_payout(q: u32) -> Weight {
		w!(40_000_000, 4, 3).saturating_add(w!(60_000_000, 4, 4).saturating_mul(q.into()))
	}
	fn on_initialize_commission() -> Weight {
		w!(30_000_000, 4, 3)
	}
	fn on_initialize_grace(w: u32) -> Weight {
		w!(40_000_000, 5, 3).saturating_add(w!(30_000_000, 2, 3).saturating_mul(w.into()))
	}
}
