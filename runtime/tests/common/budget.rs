//! Every hook and call of both pallets at a runtime's bounds, against its share of a block: at
//! most a quarter of 2 s of ref-time and of the 5 MiB of proof a parachain block may carry
//! (`DESIGN.md`, "Scale and honest weights"). Shared by `weights.rs` (the development runtime)
//! and `round.rs` (the stake pools' target scale).

use frame_support::{
	dispatch::GetDispatchInfo,
	traits::Get,
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
};
use pallet_election_multi_phase::{FallbackWeight, MinerConfig, WeightInfo as _};
use pallet_stake_pool::WeightInfo as _;
use sp_runtime::{traits::Bounded, Permill};

/// A quarter of a parachain block: 0.5 s of ref-time, 1.25 MiB of proof.
pub fn budget() -> Weight {
	Weight::from_parts(
		2 * WEIGHT_REF_TIME_PER_SECOND / 4,
		pool_runtime::configs::PARACHAIN_PROOF_BUDGET / 4,
	)
}

/// A runtime with both pallets, the stake pools feeding the election.
pub trait Both:
	pallet_stake_pool::Config
	+ pallet_election_multi_phase::Config
	+ frame_system::Config<AccountId = pool_runtime::AccountId>
{
}
impl<R> Both for R where
	R: pallet_stake_pool::Config
		+ pallet_election_multi_phase::Config
		+ frame_system::Config<AccountId = pool_runtime::AccountId>
{
}

/// The hooks' worst cases and the heaviest form of every call, by name, at `R`'s bounds.
pub fn table<R: Both>() -> Vec<(&'static str, Weight)> {
	type Pool<R> = pallet_stake_pool::weights::SubstrateWeight<R>;
	type Ele<R> = pallet_election_multi_phase::weights::SubstrateWeight<R>;
	type StakePool<R> = pallet_stake_pool::Pallet<R>;
	type Election<R> = pallet_election_multi_phase::Pallet<R>;
	let who = pool_runtime::AccountId::new([1; 32]);
	let pool_call = |call: pallet_stake_pool::Call<R>| call.get_dispatch_info().call_weight;
	let election_call =
		|call: pallet_election_multi_phase::Call<R>| call.get_dispatch_info().call_weight;
	let max_pools_workers: u32 = <R as pallet_stake_pool::Config>::MaxPoolWorkers::get();
	let max_description: u32 = <R as pallet_stake_pool::Config>::MaxDescriptionLen::get();
	let pages_per_block: u32 =
		<R as pallet_election_multi_phase::Config>::SignedPagesPerBlock::get();
	let max_submissions: u32 =
		<R as pallet_election_multi_phase::Config>::SignedMaxSubmissions::get();
	let max_winners: u32 =
		<<R as pallet_election_multi_phase::Config>::MinerConfig as MinerConfig>::MaxWinners::get();
	let voters_per_page: u32 =
		<R as pallet_election_multi_phase::Config>::VoterSnapshotPerBlock::get();
	let targets_per_page: u32 =
		<R as pallet_election_multi_phase::Config>::TargetSnapshotPerBlock::get();
	let max_targets: u32 = <R as pallet_election_multi_phase::Config>::MaxElectableTargets::get();
	let miner_max_weight =
		<<R as pallet_election_multi_phase::Config>::MinerConfig as MinerConfig>::MaxWeight::get();
	// The on-chain fallback over the top pages at the bounds.
	let fallback = <R as pallet_election_multi_phase::Config>::FallbackWeight::fallback_weight(
		Election::<R>::on_chain_voter_bound(),
		max_targets,
		max_winners,
	);
	// The clean-up of removed claims' pages (`on_idle`, only where it fits the budget).
	let cleanup = Ele::<R>::clear_stale_pages(
		<R as pallet_election_multi_phase::Config>::ClearPagesPerBlock::get(),
	);
	vec![
		// Stake pool: the deadline hook with every lane's slots full, and an era boundary.
		("stake-pool hook, every deadline lane full", StakePool::<R>::max_deadline_weight()),
		(
			"stake-pool hook, era boundary (new active set + elect)",
			// At worst nothing was queued and `elect` runs the fallback, early (the whole queue
			// refunded).
			Pool::<R>::on_initialize_new_era(max_winners)
				.saturating_add(Election::<R>::elect_weight())
				.saturating_add(Ele::<R>::finalize_signed_refunds(max_submissions))
				.saturating_add(Ele::<R>::fallback_input())
				.saturating_add(fallback),
		),
		(
			"delegate",
			pool_call(pallet_stake_pool::Call::delegate { pid: 0, amount: Bounded::max_value() }),
		),
		(
			"withdraw",
			pool_call(pallet_stake_pool::Call::withdraw { pid: 0, value: Bounded::max_value() }),
		),
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
		("on_initialize_grace(MaxPoolWorkers)", Pool::<R>::on_initialize_grace(max_pools_workers)),
		// Election: opening a round takes the targets, then one voter page per block (the stake
		// pools' reads included).
		(
			"election hook, a target page (a full page of pools)",
			Ele::<R>::on_initialize_nothing()
				.saturating_add(Ele::<R>::on_initialize_snapshot_targets(targets_per_page))
				.saturating_add(Pool::<R>::electable_targets(targets_per_page)),
		),
		(
			"election hook, a snapshot page (a full page of voters)",
			Ele::<R>::on_initialize_nothing()
				.saturating_add(Ele::<R>::on_initialize_snapshot_voters(voters_per_page))
				.saturating_add(Pool::<R>::electing_voters(voters_per_page)),
		),
		(
			"stake-pool hook, moving the voters and pools a snapshot left stale",
			Pool::<R>::rescore_stale_voters(
				<R as pallet_stake_pool::Config>::MaxStaleRescoresPerBlock::get(),
			)
			.saturating_add(Pool::<R>::rescore_stale_targets(
				<R as pallet_stake_pool::Config>::MaxStaleRescoresPerBlock::get(),
			)),
		),
		(
			"election hook, a validation step (pages at MinerMaxWeight, a winner, full refunds)",
			Ele::<R>::on_initialize_validation_step(pages_per_block)
				.max(Ele::<R>::on_initialize_validation_pages(pages_per_block))
				.saturating_add(miner_max_weight.saturating_mul(pages_per_block.into()))
				.saturating_add(Ele::<R>::finalize_signed_winner())
				.saturating_add(Ele::<R>::finalize_signed_refunds(max_submissions)),
		),
		("election on_idle, deleting removed claims' pages (ClearPagesPerBlock steps)", cleanup),
		(
			"election register (ejecting a claim with every page)",
			election_call(pallet_election_multi_phase::Call::register {
				score: Default::default(),
				fingerprint: Default::default(),
			}),
		),
		("election submit_page (the longest page)", Ele::<R>::submit_page()),
		(
			"election bail (a claim with every page)",
			election_call(pallet_election_multi_phase::Call::bail {}),
		),
		(
			"election submit_unsigned (a solution at MinerMaxWeight)",
			Ele::<R>::submit_unsigned().saturating_add(miner_max_weight),
		),
		("election elect (claims refunded, snapshot removed)", Election::<R>::elect_weight()),
		(
			"election governance_fallback (the fallback over the on-chain pages at the bounds)",
			Election::<R>::governance_fallback_weight(),
		),
		(
			"election set_emergency_election_result (MaxWinners winners)",
			Ele::<R>::set_emergency_election_result(max_winners),
		),
		(
			"election authorize_submit_unsigned (the pool's check)",
			Ele::<R>::authorize_submit_unsigned(),
		),
		(
			"election elect with nothing queued (the on-chain fallback at the bounds, early: the queue refunded)",
			Election::<R>::elect_weight()
				.saturating_add(Ele::<R>::finalize_signed_refunds(max_submissions))
				.saturating_add(Ele::<R>::fallback_input())
				.saturating_add(fallback),
		),
	]
}

/// Print `R`'s table under `label` and assert every row within [`budget`].
pub fn check<R: Both>(label: &str) {
	let budget = budget();
	let mut over = Vec::new();
	println!("{:<92} {:>11} {:>11}", format!("hook or call ({label})"), "ref-time ms", "proof KiB");
	for (name, weight) in table::<R>() {
		let ms = weight.ref_time() as f64 / 1e9;
		let kib = weight.proof_size() as f64 / 1024.0;
		println!("{name:<92} {ms:>11.3} {kib:>11.1}");
		if weight.any_gt(budget) {
			over.push(format!("{name}: {ms:.3} ms, {kib:.1} KiB"));
		}
	}
	println!("deadline lanes (task weight x slots):");
	for kind in pallet_stake_pool::TaskKind::ALL {
		let task = pallet_stake_pool::Pallet::<R>::task_weight(kind);
		println!(
			"  {:<12} {:>8.3} ms {:>9.1} KiB x {}",
			format!("{kind:?}"),
			task.ref_time() as f64 / 1e9,
			task.proof_size() as f64 / 1024.0,
			pallet_stake_pool::Pallet::<R>::lane_slots(kind)
		);
	}
	assert!(
		over.is_empty(),
		"{label}: over a quarter of a block (500 ms, 1280 KiB):\n{}",
		over.join("\n")
	);
}
