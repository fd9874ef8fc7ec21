//! Every hook and call of both pallets, at the runtime's bounds, against its share of a block:
//! at most a quarter of 2 s of ref-time and of the 5 MiB of proof a parachain block may carry
//! (`DESIGN.md`, "Scale and honest weights"). A change that makes any of them heavier than that
//! fails here.
//!
//! `cargo test -p pool-runtime --test weights -- --nocapture` prints the table that
//! docs/stake-pool.md and docs/election.md quote.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use frame_support::{
	dispatch::GetDispatchInfo,
	traits::Get,
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
};
use pallet_election_multi_phase::WeightInfo as _;
use pallet_stake_pool::WeightInfo as _;
use pool_runtime::{
	configs::{
		MinerMaxWeight, MAX_ELECTABLE_TARGETS, MAX_ELECTING_VOTERS, MAX_WINNERS,
		PARACHAIN_PROOF_BUDGET, TARGETS_PER_PAGE, VOTERS_PER_PAGE,
	},
	AccountId, Runtime, RuntimeCall,
};
use sp_runtime::Permill;

type PoolWeights = pallet_stake_pool::weights::SubstrateWeight<Runtime>;
type ElectionWeights = pallet_election_multi_phase::weights::SubstrateWeight<Runtime>;
type StakePool = pallet_stake_pool::Pallet<Runtime>;

/// A quarter of a parachain block: 0.5 s of ref-time, 1.25 MiB of proof.
fn budget() -> Weight {
	Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND / 4, PARACHAIN_PROOF_BUDGET / 4)
}

/// The on-chain fallback election over a snapshot at the bounds.
fn fallback_at_the_bounds() -> Weight {
	use pallet_election_multi_phase::FallbackWeight;
	pool_runtime::configs::OnChainSeqPhragmenWeight::fallback_weight(
		MAX_ELECTING_VOTERS,
		MAX_ELECTABLE_TARGETS,
		MAX_WINNERS,
	)
}

/// The hooks' worst cases and the heaviest form of every call, by name.
fn table() -> Vec<(&'static str, Weight)> {
	let who = AccountId::new([1; 32]);
	let pool_call = |call: pallet_stake_pool::Call<Runtime>| {
		RuntimeCall::StakePool(call).get_dispatch_info().call_weight
	};
	let max_pools_workers: u32 = <Runtime as pallet_stake_pool::Config>::MaxPoolWorkers::get();
	let max_description: u32 = <Runtime as pallet_stake_pool::Config>::MaxDescriptionLen::get();
	let pages_per_block: u32 =
		<Runtime as pallet_election_multi_phase::Config>::SignedPagesPerBlock::get();
	let max_submissions: u32 =
		<Runtime as pallet_election_multi_phase::Config>::SignedMaxSubmissions::get();
	vec![
		// Stake pool: the deadline hook with every lane's slots full, and an era boundary.
		("stake-pool hook, every deadline lane full", StakePool::max_deadline_weight()),
		(
			"stake-pool hook, era boundary (new active set + elect)",
			// At worst nothing was queued and `elect` runs the fallback.
			PoolWeights::on_initialize_new_era(MAX_WINNERS)
				.saturating_add(ElectionWeights::elect())
				.saturating_add(ElectionWeights::fallback_input())
				.saturating_add(fallback_at_the_bounds()),
		),
		("delegate", pool_call(pallet_stake_pool::Call::delegate { pid: 0, amount: u128::MAX })),
		("withdraw", pool_call(pallet_stake_pool::Call::withdraw { pid: 0, value: u128::MAX })),
		(
			"withdraw_other",
			pool_call(pallet_stake_pool::Call::withdraw_other { pid: 0, delegator: who.clone() }),
		),
		(
			"claim_rewards",
			pool_call(pallet_stake_pool::Call::claim_rewards { pid: 0, restake: true }),
		),
		(
			"reclaim_worker",
			pool_call(pallet_stake_pool::Call::reclaim_worker { worker: who.clone() }),
		),
		("force_stop_overdue", pool_call(pallet_stake_pool::Call::force_stop_overdue { pid: 0 })),
		("process_withdrawals", pool_call(pallet_stake_pool::Call::process_withdrawals { pid: 0 })),
		("close_pool", pool_call(pallet_stake_pool::Call::close_pool { pid: 0 })),
		(
			"set_description",
			pool_call(pallet_stake_pool::Call::set_description {
				pid: 0,
				description: vec![0; max_description as usize],
			}),
		),
		(
			"set_commission",
			pool_call(pallet_stake_pool::Call::set_commission {
				pid: 0,
				commission: Permill::one(),
			}),
		),
		(
			"on_initialize_grace(MaxPoolWorkers)",
			PoolWeights::on_initialize_grace(max_pools_workers),
		),
		// Election: opening a round takes the targets, then one voter page per block (the stake
		// pools' reads included).
		(
			"election hook, a target page (a full page of pools)",
			ElectionWeights::on_initialize_nothing()
				.saturating_add(ElectionWeights::on_initialize_snapshot_targets(TARGETS_PER_PAGE))
				.saturating_add(PoolWeights::electable_targets(TARGETS_PER_PAGE)),
		),
		(
			"election hook, a snapshot page (a full page of voters)",
			ElectionWeights::on_initialize_nothing()
				.saturating_add(ElectionWeights::on_initialize_snapshot_voters(VOTERS_PER_PAGE))
				.saturating_add(PoolWeights::electing_voters(VOTERS_PER_PAGE)),
		),
		(
			"stake-pool hook, moving the voters and pools a snapshot left stale",
			PoolWeights::rescore_stale_voters(
				<Runtime as pallet_stake_pool::Config>::MaxStaleRescoresPerBlock::get(),
			)
			.saturating_add(PoolWeights::rescore_stale_targets(
				<Runtime as pallet_stake_pool::Config>::MaxStaleRescoresPerBlock::get(),
			)),
		),
		(
			"election hook, a validation step (every page at MinerMaxWeight, a winner, full refunds)",
			ElectionWeights::on_initialize_validation_step(pages_per_block)
				.saturating_add(MinerMaxWeight::get().saturating_mul(pages_per_block.into()))
				.saturating_add(ElectionWeights::finalize_signed_winner())
				.saturating_add(ElectionWeights::finalize_signed_refunds(max_submissions)),
		),
		("election register (ejecting a claim with every page)", ElectionWeights::register()),
		("election submit_page (the longest page)", ElectionWeights::submit_page()),
		("election bail (a claim with every page)", ElectionWeights::bail()),
		(
			"election submit_unsigned (a solution at MinerMaxWeight)",
			ElectionWeights::submit_unsigned().saturating_add(MinerMaxWeight::get()),
		),
		("election elect", ElectionWeights::elect()),
		(
			"election governance_fallback (the fallback over the on-chain pages at the bounds)",
			pallet_election_multi_phase::Pallet::<Runtime>::governance_fallback_weight(),
		),
		(
			"election set_emergency_election_result (MaxWinners winners)",
			ElectionWeights::set_emergency_election_result(MAX_WINNERS),
		),
		(
			"election authorize_submit_unsigned (the pool's check)",
			ElectionWeights::authorize_submit_unsigned(),
		),
		(
			"election elect with nothing queued (the on-chain fallback at the bounds)",
			ElectionWeights::elect()
				.saturating_add(ElectionWeights::fallback_input())
				.saturating_add(fallback_at_the_bounds()),
		),
	]
}

#[test]
fn every_hook_and_call_fits_its_share_of_a_block_at_the_bounds() {
	let budget = budget();
	let mut over = Vec::new();
	println!(
		"{:<80} {:>11} {:>11}",
		"hook or call (at the runtime's bounds)", "ref-time ms", "proof KiB"
	);
	for (name, weight) in table() {
		let ms = weight.ref_time() as f64 / 1e9;
		let kib = weight.proof_size() as f64 / 1024.0;
		println!("{name:<80} {ms:>11.3} {kib:>11.1}");
		if weight.any_gt(budget) {
			over.push(format!("{name}: {ms:.3} ms, {kib:.1} KiB"));
		}
	}
	println!("deadline lanes (task weight x slots):");
	for kind in pallet_stake_pool::TaskKind::ALL {
		let task = StakePool::task_weight(kind);
		println!(
			"  {:<12} {:>8.3} ms {:>9.1} KiB x {}",
			format!("{kind:?}"),
			task.ref_time() as f64 / 1e9,
			task.proof_size() as f64 / 1024.0,
			StakePool::lane_slots(kind)
		);
	}
	assert!(over.is_empty(), "over a quarter of a block (500 ms, 1280 KiB):\n{}", over.join("\n"));
}

/// The stake pools keep the share prices of every target the election may take: with fewer,
/// the voters of the last target pages would lose their votes in those pools.
#[test]
fn the_stake_pools_keep_the_price_of_every_target() {
	let kept: u32 = <Runtime as pallet_stake_pool::Config>::MaxElectableTargets::get();
	let taken: u32 = <Runtime as pallet_election_multi_phase::Config>::MaxElectableTargets::get();
	assert!(kept >= taken, "the stake pools keep {kept} prices for {taken} targets");
}
