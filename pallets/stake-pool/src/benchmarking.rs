//! Benchmarks for `pallet-stake-pool`, one per call and one per kind of deadline task, each at
//! its worst case. Components: `q` queued requests paid, `w` workers stopped, `l` description
//! bytes, `n` mining workers and delegations in storage (to show the idle hook does not depend
//! on it).

// Benchmark set-up code runs only in benchmarking builds, never on-chain: indexing the workers it
// just created and plain arithmetic on its own amounts are fine here.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use super::*;
use crate::Benchmark as WorkerBenchmark;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_election_provider_support::{
	bounds::DataProviderBounds, ElectionDataProvider, SortedListProvider,
};
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{BlockNumberProvider, Saturating, Zero},
	SaturatedConversion,
};

const SEED: u32 = 0;

/// A benchmark worker's score: 1, so its minimum stake is `MinStakePerSqrtScore`.
const SCORE: u32 = 1;

fn stake<T: Config>() -> BalanceOf<T> {
	Pallet::<T>::minimum_stake(&WorkerBenchmark { score: SCORE, confidence_level: 1 })
		.max(T::MinDelegation::get())
}

/// An account with plenty of funds.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	let plenty = T::MaxStakePerWorker::get()
		.saturating_add(T::PoolDeposit::get())
		.saturating_add(stake::<T>())
		.saturating_mul(1000u32.into());
	T::Currency::set_balance(&who, plenty);
	who
}

/// Register worker `name`/`i` with the benchmark score, have it authorise `owner` and bind it
/// to `owner`'s pool `pid` (`Ready`).
fn bound_worker<T: Config>(
	name: &'static str,
	i: u32,
	owner: &T::AccountId,
	pid: PoolId,
) -> T::AccountId {
	let worker: T::AccountId = account(name, i, SEED);
	Pallet::<T>::do_register_worker(
		worker.clone(),
		WorkerBenchmark { score: SCORE, confidence_level: 1 },
	)
	.expect("registered");
	Pallet::<T>::do_authorize_operator(worker.clone(), owner.clone()).expect("authorised");
	Pallet::<T>::do_add_worker(owner.clone(), pid, worker.clone()).expect("bound");
	worker
}

/// A pool owned by a funded owner, with `workers` workers bound (registered, operated by the
/// owner, `Ready`).
fn pool_with_workers<T: Config>(workers: u32) -> (PoolId, T::AccountId, Vec<T::AccountId>) {
	let owner = funded::<T>("owner", 0);
	let pid = Pallet::<T>::do_create_pool(owner.clone()).expect("pool created");
	let bound = (0..workers).map(|i| bound_worker::<T>("worker", i, &owner, pid)).collect();
	(pid, owner, bound)
}

fn delegate_from<T: Config>(who: &T::AccountId, pid: PoolId, amount: BalanceOf<T>) {
	Pallet::<T>::do_delegate(who.clone(), pid, amount, false).expect("delegated");
}

/// Every bound worker mining with the minimum stake, funded by one delegator.
fn mining_pool<T: Config>(workers: u32) -> (PoolId, T::AccountId, Vec<T::AccountId>) {
	let (pid, owner, bound) = pool_with_workers::<T>(workers);
	let backer = funded::<T>("backer", 0);
	delegate_from::<T>(&backer, pid, stake::<T>().saturating_mul(workers.max(1).into()));
	for worker in &bound {
		Pallet::<T>::do_start_mining(owner.clone(), pid, worker.clone(), stake::<T>())
			.expect("mining");
	}
	(pid, owner, bound)
}

/// `q` delegators with a queued withdrawal each, in a pool whose whole value is staked.
fn queued_pool<T: Config>(q: u32) -> (PoolId, T::AccountId, Vec<T::AccountId>) {
	let (pid, owner, bound) = pool_with_workers::<T>(1);
	let per = stake::<T>();
	let delegators: Vec<T::AccountId> = (0..q.max(1))
		.map(|i| {
			let who = funded::<T>("delegator", i);
			delegate_from::<T>(&who, pid, per);
			who
		})
		.collect();
	let total = per.saturating_mul(q.max(1).into());
	let worker = bound.first().cloned().expect("one worker");
	Pallet::<T>::do_start_mining(
		owner.clone(),
		pid,
		worker,
		total.min(T::MaxStakePerWorker::get()),
	)
	.expect("mining");
	// Rewards accrue, so each request's pay-out also pays its leaver's rewards (the worst case).
	RewardPerBlock::<T>::put(T::MinDelegation::get());
	set_now::<T>(now::<T>().saturating_add(10u32.into()));
	for who in delegators.iter().take(q as usize) {
		Pallet::<T>::do_withdraw(who.clone(), pid, per).expect("queued");
	}
	(pid, owner, bound)
}

/// `q` queued requests and free delegation for all of them, not yet paid: the worker's stake is
/// returned by hand, as a cool-down ending does just before it pays the queue.
fn queued_pool_with_free_delegation<T: Config>(q: u32) -> PoolId {
	let (pid, owner, bound) = queued_pool::<T>(q);
	let worker_id = bound.first().cloned().expect("one worker");
	Pallet::<T>::do_stop_mining(owner, pid, worker_id.clone()).expect("stopped");
	let mut worker = Workers::<T>::get(&worker_id).expect("worker");
	if let WorkerState::CoolingDown { until } = worker.state {
		Pallet::<T>::unschedule(until, &DeadlineTask::CooldownEnd { worker: worker_id.clone() });
	}
	let mut pool = Pools::<T>::get(pid).expect("pool");
	pool.releasing = pool.releasing.saturating_sub(worker.stake);
	pool.free = pool.free.saturating_add(worker.stake);
	worker.stake = Zero::zero();
	worker.state = WorkerState::Ready;
	Workers::<T>::insert(&worker_id, worker);
	Pools::<T>::insert(pid, pool);
	pid
}

/// `n` pools standing in the election, each with one worker mining with the minimum stake of
/// its own backer.
fn candidate_pools<T: Config>(n: u32) -> Vec<PoolId> {
	let owner = funded::<T>("owner", 0);
	(0..n)
		.map(|i| {
			// One backer per pool: an account backs at most `MaxPoolsPerDelegator` pools.
			let backer = funded::<T>("candidate-backer", i);
			let pid = Pallet::<T>::do_create_pool(owner.clone()).expect("pool created");
			let worker = bound_worker::<T>("candidate-worker", i, &owner, pid);
			delegate_from::<T>(&backer, pid, stake::<T>());
			Pallet::<T>::do_start_mining(owner.clone(), pid, worker, stake::<T>()).expect("mining");
			pid
		})
		.collect()
}

fn set_now<T: Config>(n: BlockNumberOf<T>) {
	T::BlockNumberProvider::set_block_number(n);
}

fn now<T: Config>() -> BlockNumberOf<T> {
	T::BlockNumberProvider::current_block_number()
}

/// A slash on the pool's first worker, so the next touch of `who` settles it.
fn slash_first<T: Config>(bound: &[T::AccountId]) {
	let worker = bound.first().cloned().expect("one worker");
	Pallet::<T>::do_slash_worker(worker, stake::<T>() / 4u32.into()).expect("slashed");
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_worker() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let worker: T::AccountId = account("worker", 0, SEED);
		let benchmark = WorkerBenchmark { score: 100, confidence_level: 4 };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, worker.clone(), benchmark);
		assert_eq!(Workers::<T>::get(&worker).map(|w| w.benchmark), Some(benchmark));
		Ok(())
	}

	#[benchmark]
	fn authorize_operator() {
		// Worst case: the worker leaves its old operator's pool.
		let (pid, _, bound) = pool_with_workers::<T>(1);
		let worker = bound[0].clone();
		let new_operator: T::AccountId = account("operator", 1, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(worker.clone()), new_operator.clone());
		assert_eq!(Workers::<T>::get(&worker).and_then(|w| w.operator), Some(new_operator));
		assert_eq!(Pools::<T>::get(pid).map(|p| p.workers), Some(0));
	}

	#[benchmark]
	fn create_pool() {
		let owner = funded::<T>("owner", 0);
		let pid = NextPoolId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()));
		assert_eq!(Pools::<T>::get(pid).map(|p| p.owner), Some(owner));
	}

	#[benchmark]
	fn add_worker() {
		let (pid, owner, _) = pool_with_workers::<T>(T::MaxPoolWorkers::get().saturating_sub(1));
		let worker: T::AccountId = account("worker", 9999, SEED);
		Pallet::<T>::do_register_worker(
			worker.clone(),
			WorkerBenchmark { score: SCORE, confidence_level: 1 },
		)
		.expect("registered");
		Pallet::<T>::do_authorize_operator(worker.clone(), owner.clone()).expect("authorised");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, worker.clone());
		assert_eq!(Workers::<T>::get(&worker).and_then(|w| w.pool), Some(pid));
	}

	#[benchmark]
	fn remove_worker() {
		let (pid, owner, bound) = pool_with_workers::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, bound[0].clone());
		assert_eq!(Pools::<T>::get(pid).map(|p| p.workers), Some(0));
	}

	#[benchmark]
	fn set_commission() {
		// Worst case: an increase with delegators, settling rewards and scheduling the change.
		let (pid, owner, _) = mining_pool::<T>(1);
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		let rate = T::MaxCommission::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, rate);
		assert!(
			Pools::<T>::get(pid).and_then(|p| p.pending_commission).is_some() || rate.is_zero()
		);
	}

	#[benchmark]
	fn set_cap() {
		let (pid, owner, _) = pool_with_workers::<T>(0);
		let cap = Some(stake::<T>());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, cap);
		assert_eq!(Pools::<T>::get(pid).and_then(|p| p.cap), cap);
	}

	#[benchmark]
	fn add_to_whitelist() {
		let (pid, owner, _) = pool_with_workers::<T>(0);
		let who: T::AccountId = account("listed", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, who.clone());
		assert!(PoolWhitelist::<T>::contains_key(pid, &who));
	}

	#[benchmark]
	fn remove_from_whitelist() {
		let (pid, owner, _) = pool_with_workers::<T>(0);
		let who: T::AccountId = account("listed", 0, SEED);
		Pallet::<T>::do_add_to_whitelist(owner.clone(), pid, who.clone()).expect("listed");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, who.clone());
		assert!(!PoolWhitelist::<T>::contains_key(pid, &who));
	}

	#[benchmark]
	fn set_description(l: Linear<0, { T::MaxDescriptionLen::get() }>) {
		let (pid, owner, _) = pool_with_workers::<T>(0);
		let description = vec![b'x'; l as usize];
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, description);
		assert_eq!(PoolDescriptions::<T>::get(pid).map(|d| d.len() as u32).unwrap_or(0), l);
	}

	#[benchmark]
	fn close_pool(w: Linear<0, { T::MaxWhitelist::get() }>) {
		// Worst case: unclaimed commission to pay. The pool earned it with a worker and a
		// delegator who have both left since.
		let (pid, owner, bound) = pool_with_workers::<T>(1);
		let worker = bound[0].clone();
		Pallet::<T>::do_set_commission(owner.clone(), pid, T::MaxCommission::get())
			.expect("commission set in the creation block");
		let backer = funded::<T>("backer", 0);
		delegate_from::<T>(&backer, pid, stake::<T>());
		Pallet::<T>::do_start_mining(owner.clone(), pid, worker.clone(), stake::<T>())
			.expect("mining");
		// Enough commission to open the payee's account below (above the existential deposit
		// whatever the pool's share of the runtime's power).
		RewardPerBlock::<T>::put(T::MinDelegation::get().saturating_mul(1000u32.into()));
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		Pallet::<T>::do_stop_mining(owner.clone(), pid, worker.clone()).expect("stopped");
		set_now::<T>(now::<T>().saturating_add(T::CooldownPeriod::get()));
		Pallet::<T>::do_reclaim_worker(&worker).expect("reclaimed");
		Pallet::<T>::do_remove_worker(owner.clone(), pid, worker).expect("removed");
		Pallet::<T>::do_withdraw(
			backer.clone(),
			pid,
			<crate::pallet::BalanceOf<T> as sp_runtime::traits::Bounded>::max_value(),
		)
		.expect("withdrawn");
		if Delegations::<T>::contains_key(pid, &backer) {
			Pallet::<T>::do_claim_rewards(backer, pid, false).expect("claimed");
		}
		assert!(Pools::<T>::get(pid).is_some_and(|pool| !pool.owner_reward.is_zero()));
		for i in 0..w {
			Pallet::<T>::do_add_to_whitelist(owner.clone(), pid, account("listed", i, SEED))
				.expect("listed");
		}
		// Commission paid to a payee other than the owner, an account that does not exist yet.
		let payee: T::AccountId = account("payee", 0, SEED);
		Pallet::<T>::do_set_commission_payee(owner.clone(), pid, Some(payee.clone()))
			.expect("payee set");
		// Every task `do_close_pool` takes off the agenda: a pending commission increase, and
		// (should a record still name them) a release, a grace expiry and a pay-out.
		let later = now::<T>().saturating_add(T::CooldownPeriod::get());
		Pools::<T>::mutate(pid, |pool| {
			if let Some(pool) = pool {
				pool.pending_commission = Some(crate::PendingCommission {
					commission: T::MaxCommission::get(),
					effective_at: later,
				});
				pool.release_due = Some(later);
				pool.grace_due = Some(later);
				pool.payout_due = Some(later);
			}
		});
		for task in [
			DeadlineTask::CommissionChange { pid },
			DeadlineTask::Release { pid },
			DeadlineTask::GraceExpiry { pid },
			DeadlineTask::ContinuePayout { pid },
		] {
			Pallet::<T>::schedule(later, task);
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid);
		assert!(!Pools::<T>::contains_key(pid));
		assert_eq!(Agenda::<T>::iter_keys().count(), 0);
		assert!(!T::Currency::balance(&payee).is_zero());
	}

	#[benchmark]
	fn delegate() {
		// Worst case apart from queue pay-outs (charged per request on top): an existing
		// position with a slash to settle and rewards to settle.
		let (pid, _, bound) = mining_pool::<T>(1);
		let who = funded::<T>("backer", 0);
		slash_first::<T>(&bound);
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		let amount = T::MinDelegation::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), pid, amount);
		assert!(Delegations::<T>::contains_key(pid, &who));
	}

	#[benchmark]
	fn withdraw() {
		// Worst case apart from queue pay-outs: part paid now, the rest queued, slash settled.
		let (pid, _, bound) = mining_pool::<T>(1);
		let who = funded::<T>("backer", 0);
		delegate_from::<T>(&who, pid, T::MinDelegation::get());
		slash_first::<T>(&bound);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			pid,
			<crate::pallet::BalanceOf<T> as sp_runtime::traits::Bounded>::max_value(),
		);
		assert!(Delegations::<T>::get(pid, &who).is_some_and(|d| !d.withdrawals.is_empty()));
	}

	#[benchmark]
	fn claim_rewards() {
		// Worst case: a slash and rewards to settle, and restake, which delegates the reward
		// again.
		let (pid, _, bound) = mining_pool::<T>(1);
		let who = funded::<T>("backer", 0);
		RewardPerBlock::<T>::put(T::MinDelegation::get());
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		slash_first::<T>(&bound);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), pid, true);
		assert!(Delegations::<T>::get(pid, &who).map(|d| d.unclaimed.is_zero()).unwrap_or(false));
	}

	#[benchmark]
	fn claim_commission() {
		let (pid, owner, _) = mining_pool::<T>(1);
		Pallet::<T>::do_set_commission(owner.clone(), pid, T::MaxCommission::get()).ok();
		let mut pool = Pools::<T>::get(pid).expect("pool");
		pool.commission = T::MaxCommission::get();
		pool.pending_commission = None;
		Pools::<T>::insert(pid, pool);
		// Enough commission to open the payee's account below (above the existential deposit
		// whatever the pool's share of the runtime's power).
		RewardPerBlock::<T>::put(T::MinDelegation::get().saturating_mul(1000u32.into()));
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		// Paid to a payee other than the owner, an account that does not exist yet.
		let payee: T::AccountId = account("payee", 0, SEED);
		Pallet::<T>::do_set_commission_payee(owner.clone(), pid, Some(payee.clone()))
			.expect("payee set");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid);
		assert!(Pools::<T>::get(pid).map(|p| p.owner_reward.is_zero()).unwrap_or(false));
		assert!(!T::Currency::balance(&payee).is_zero());
	}

	#[benchmark]
	fn start_mining() {
		let (pid, owner, bound) = pool_with_workers::<T>(1);
		let backer = funded::<T>("backer", 0);
		delegate_from::<T>(&backer, pid, stake::<T>());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, bound[0].clone(), stake::<T>());
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.state), Some(WorkerState::Mining));
	}

	#[benchmark]
	fn stop_mining() {
		let (pid, owner, bound) = mining_pool::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, bound[0].clone());
		assert!(matches!(
			Workers::<T>::get(&bound[0]).map(|w| w.state),
			Some(WorkerState::CoolingDown { .. })
		));
	}

	#[benchmark]
	fn restart_mining() {
		let (pid, owner, bound) = mining_pool::<T>(1);
		let backer = funded::<T>("backer", 1);
		delegate_from::<T>(&backer, pid, T::MinDelegation::get());
		let higher = stake::<T>().saturating_add(T::MinDelegation::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pid, bound[0].clone(), higher);
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.stake), Some(higher));
	}

	#[benchmark]
	fn reclaim_worker() {
		// Apart from queue pay-outs (charged per request on top): rewards to settle, earned by
		// the pool's other worker during the cool-down.
		let (pid, owner, bound) = mining_pool::<T>(2);
		RewardPerBlock::<T>::put(T::MinDelegation::get());
		Pallet::<T>::do_stop_mining(owner, pid, bound[0].clone()).expect("stopped");
		set_now::<T>(now::<T>().saturating_add(T::CooldownPeriod::get()));
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), bound[0].clone());
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.state), Some(WorkerState::Ready));
	}

	#[benchmark]
	fn force_stop_overdue(w: Linear<1, { T::MaxPoolWorkers::get() }>) {
		let (pid, _, bound) = mining_pool::<T>(w);
		let who = funded::<T>("backer", 0);
		Pallet::<T>::do_withdraw(
			who,
			pid,
			<crate::pallet::BalanceOf<T> as sp_runtime::traits::Bounded>::max_value(),
		)
		.expect("queued");
		set_now::<T>(now::<T>().saturating_add(T::GracePeriod::get()));
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), pid);
		assert!(bound.iter().all(|worker| matches!(
			Workers::<T>::get(worker).map(|info| info.state),
			Some(WorkerState::CoolingDown { .. })
		)));
	}

	#[benchmark]
	fn process_withdrawals(q: Linear<1, { T::MaxQueuePayoutsPerCall::get() }>) {
		let pid = queued_pool_with_free_delegation::<T>(q);
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), pid);
		assert_eq!(Pools::<T>::get(pid).map(|p| p.queue_head), Some(q.into()));
	}

	#[benchmark]
	fn settle_slash() {
		let (pid, _, bound) = mining_pool::<T>(1);
		let who: T::AccountId = account("backer", 0, SEED);
		slash_first::<T>(&bound);
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), pid, who.clone());
		let settled = Slashes::<T>::get().settled;
		assert!(!settled.is_zero());
	}

	#[benchmark]
	fn report_unresponsive() -> Result<(), BenchmarkError> {
		let origin =
			T::OracleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, _, bound) = mining_pool::<T>(1);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bound[0].clone());
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.state), Some(WorkerState::Unresponsive));
		Ok(())
	}

	#[benchmark]
	fn report_recovered() -> Result<(), BenchmarkError> {
		let origin =
			T::OracleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, _, bound) = mining_pool::<T>(1);
		Pallet::<T>::do_set_responsive(bound[0].clone(), false).expect("unresponsive");
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bound[0].clone());
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.state), Some(WorkerState::Mining));
		Ok(())
	}

	#[benchmark]
	fn slash_worker() -> Result<(), BenchmarkError> {
		let origin =
			T::OracleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, _, bound) = mining_pool::<T>(1);
		let amount = stake::<T>() / 2u32.into();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bound[0].clone(), amount);
		assert_eq!(Slashes::<T>::get().slashed, amount);
		Ok(())
	}

	#[benchmark]
	fn set_reward_per_block() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let _ = mining_pool::<T>(1);
		set_now::<T>(now::<T>().saturating_add(10u32.into()));
		let amount = T::MinDelegation::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, amount);
		assert_eq!(RewardPerBlock::<T>::get(), amount);
		Ok(())
	}

	/// The hook with nothing due, with `n` mining workers and `n` delegations in storage: its
	/// cost must not depend on `n`.
	#[benchmark]
	fn on_initialize_idle(n: Linear<10, 100_000>) {
		let (pid, _, _) = mining_pool::<T>(1);
		let pool = Pools::<T>::get(pid).expect("pool");
		for i in 0..n {
			let worker: T::AccountId = account("idle-worker", i, SEED);
			Workers::<T>::insert(
				&worker,
				WorkerInfo {
					operator: Some(pool.owner.clone()),
					benchmark: WorkerBenchmark { score: SCORE, confidence_level: 1 },
					pool: Some(pid),
					state: WorkerState::Mining,
					stake: stake::<T>(),
					power: 1,
				},
			);
			let who: T::AccountId = account("idle-delegator", i, SEED);
			Delegations::<T>::insert(
				pid,
				&who,
				Delegation {
					shares: stake::<T>(),
					queued_shares: Zero::zero(),
					held: stake::<T>(),
					reward_per_share_settled: U256::zero(),
					unclaimed: Zero::zero(),
					withdrawals: Default::default(),
					vote_value: Zero::zero(),
				},
			);
		}
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		// The synthetic entries break the pool's bookkeeping on purpose; remove them again so
		// the benchmark test's state stays consistent.
		for i in 0..n {
			Workers::<T>::remove(account::<T::AccountId>("idle-worker", i, SEED));
			Delegations::<T>::remove(pid, account::<T::AccountId>("idle-delegator", i, SEED));
		}
	}

	/// The hook serving one cool-down end (queue pay-outs charged per request on top).
	#[benchmark]
	fn on_initialize_cooldown() {
		let (pid, owner, bound) = mining_pool::<T>(1);
		Pallet::<T>::do_stop_mining(owner, pid, bound[0].clone()).expect("stopped");
		set_now::<T>(now::<T>().saturating_add(T::CooldownPeriod::get()));
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		assert_eq!(Workers::<T>::get(&bound[0]).map(|w| w.state), Some(WorkerState::Ready));
	}

	/// The hook's Payout lane serving `q` continuation tasks of one request each (the weight of
	/// one task is the slope).
	#[benchmark]
	fn on_initialize_payout(q: Linear<1, { T::MaxQueuePayoutsPerCall::get() }>) {
		let pid = queued_pool_with_free_delegation::<T>(q);
		let mut pool = Pools::<T>::get(pid).expect("pool");
		// What a call paying the queue would leave: the continuation keyed by the head's deadline.
		Pallet::<T>::pay_queue_up_to(pid, &mut pool, 0).expect("continuation scheduled");
		Pools::<T>::insert(pid, pool);
		// Only the pay-out is due (the cool-down ends later).
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		assert_eq!(Pools::<T>::get(pid).map(|p| p.queue_head), Some(q.into()));
	}

	/// The hook applying one delayed commission increase.
	#[benchmark]
	fn on_initialize_commission() {
		let (pid, owner, _) = mining_pool::<T>(1);
		let rate = T::MaxCommission::get();
		Pallet::<T>::do_set_commission(owner, pid, rate).expect("scheduled");
		set_now::<T>(now::<T>().saturating_add(T::CommissionChangeDelay::get()));
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		assert_eq!(Pools::<T>::get(pid).map(|p| p.commission), Some(rate));
	}

	/// The hook forcing a pool of `w` mining workers to stop when a request's grace period ends.
	#[benchmark]
	fn on_initialize_grace(w: Linear<1, { T::MaxPoolWorkers::get() }>) {
		let (pid, _, bound) = mining_pool::<T>(w);
		let who: T::AccountId = account("backer", 0, SEED);
		Pallet::<T>::do_withdraw(
			who,
			pid,
			<crate::pallet::BalanceOf<T> as sp_runtime::traits::Bounded>::max_value(),
		)
		.expect("queued");
		set_now::<T>(now::<T>().saturating_add(T::GracePeriod::get()));
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		assert!(bound.iter().all(|worker| matches!(
			Workers::<T>::get(worker).map(|info| info.state),
			Some(WorkerState::CoolingDown { .. })
		)));
	}

	/// The hook releasing a pool whose `w` workers a forced stop cooled down: each returns its
	/// stake and has its cool-down task removed (queue pay-outs charged per request on top).
	#[benchmark]
	fn on_initialize_release(w: Linear<1, { T::MaxPoolWorkers::get() }>) {
		let (pid, _, bound) = mining_pool::<T>(w);
		let who: T::AccountId = account("backer", 0, SEED);
		Pallet::<T>::do_withdraw(
			who,
			pid,
			<crate::pallet::BalanceOf<T> as sp_runtime::traits::Bounded>::max_value(),
		)
		.expect("queued");
		set_now::<T>(now::<T>().saturating_add(T::GracePeriod::get()));
		Pallet::<T>::do_force_stop_overdue(pid).expect("forced to stop");
		set_now::<T>(now::<T>().saturating_add(T::CooldownPeriod::get()));
		let block: BlockNumberFor<T> = 2u32.into();
		#[block]
		{
			Pallet::<T>::on_poll(block, &mut frame_support::weights::WeightMeter::new());
		}
		assert!(bound.iter().all(|worker| {
			Workers::<T>::get(worker).map(|info| info.state) == Some(WorkerState::Ready)
		}));
	}

	/// Cancelling the queue's head: the cancelled entry completes at once and the pool's grace
	/// period moves to the next request (the caller's own second request).
	#[benchmark]
	fn cancel_withdrawal() {
		let (pid, _, _) = mining_pool::<T>(1);
		let who: T::AccountId = account("backer", 0, SEED);
		let half = stake::<T>() / 2u32.into();
		Pallet::<T>::do_withdraw(who.clone(), pid, half).expect("queued");
		set_now::<T>(now::<T>().saturating_add(1u32.into()));
		Pallet::<T>::do_withdraw(who.clone(), pid, half).expect("queued");
		let head = Pools::<T>::get(pid).map(|p| p.queue_head).unwrap_or_default();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), pid, head);
		assert_eq!(Pools::<T>::get(pid).map(|p| p.queue_head), Some(head + 1));
		assert_eq!(Delegations::<T>::get(pid, &who).map(|d| d.withdrawals.len()), Some(1));
	}

	/// A stranger sets a depleted pool to `Destroying`: the depletion check is the most this
	/// call does (the owner's path skips it).
	#[benchmark]
	fn set_pool_state() {
		let (pid, _, bound) = mining_pool::<T>(1);
		let worker = bound.first().cloned().expect("one worker");
		Pallet::<T>::do_slash_worker(worker, stake::<T>()).expect("slashed");
		let stranger = funded::<T>("stranger", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(stranger), pid, PoolState::Destroying);
		assert_eq!(Pools::<T>::get(pid).map(|p| p.state), Some(PoolState::Destroying));
	}

	/// `withdraw` on someone else's behalf in a destroying pool, at `withdraw`'s worst case
	/// apart from queue pay-outs: part paid now, the rest queued, a slash settled.
	#[benchmark]
	fn withdraw_other() {
		let (pid, owner, bound) = mining_pool::<T>(1);
		let who = funded::<T>("backer", 0);
		delegate_from::<T>(&who, pid, T::MinDelegation::get());
		slash_first::<T>(&bound);
		Pallet::<T>::do_set_pool_state(owner, pid, PoolState::Destroying).expect("destroying");
		let stranger = funded::<T>("stranger", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(stranger), pid, who.clone());
		assert!(Delegations::<T>::get(pid, &who).is_some_and(|d| !d.withdrawals.is_empty()));
	}

	/// The pallet's own part of an era boundary: storing an active set of `w` pools, the
	/// runtime's hook told and the event. The election's `elect` is weighed by the election
	/// provider (its `status()`), so it is not measured here, where the runtime's election would
	/// run its whole fallback.
	#[benchmark]
	fn on_initialize_new_era(w: Linear<1, { crate::election::MaxActivePoolsOf::<T>::get() }>) {
		let pools: Vec<(PoolId, u128)> = candidate_pools::<T>(w)
			.into_iter()
			.map(|pid| (pid, stake::<T>().saturated_into::<u128>()))
			.collect();
		#[block]
		{
			Pallet::<T>::store_active_set(1, pools);
		}
		assert_eq!(CurrentEra::<T>::get(), 1);
		assert_eq!(ActivePools::<T>::get().len() as u32, w);
	}

	/// The election reading a page of `v` voters, each backing the most pools it may
	/// (`MaxPoolsPerDelegator`, all candidates), after the target read whose share prices it
	/// uses, holding as many prices as it may (`MaxElectableTargets`): the worst case per page.
	/// Up to 2,000 voters, above the runtime's page size.
	#[benchmark]
	fn electing_voters(v: Linear<1, 2_000>) {
		let pools = candidate_pools::<T>(T::MaxPoolsPerDelegator::get());
		let mut expected = Vec::new();
		for i in 0..v {
			let who = funded::<T>("voter", i);
			for pid in &pools {
				delegate_from::<T>(&who, *pid, stake::<T>());
			}
			expected.push(who);
		}
		// The target read the page follows, filled up with made-up pools to the most prices it
		// may hold.
		let _ = Pallet::<T>::read_targets(usize::MAX);
		let (at, mut prices) = SnapshotPrices::<T>::get().expect("the target read kept prices");
		let mut made_up = PoolId::MAX;
		while prices
			.try_push(PoolPrice {
				pid: made_up,
				total_value: stake::<T>(),
				total_shares: stake::<T>(),
			})
			.is_ok()
		{
			made_up = made_up.saturating_sub(1);
		}
		SnapshotPrices::<T>::put((at, prices));
		let voters;
		#[block]
		{
			voters = <Pallet<T> as ElectionDataProvider>::electing_voters(
				DataProviderBounds::default(),
				0,
			)
			.expect("voters");
		}
		// Every voter set up here votes for all its pools (the chain's own voters vote too).
		for who in expected {
			let voter = voters.iter().find(|(voter, _, _)| *voter == who).expect("a voter");
			assert_eq!(voter.2.len() as u32, T::MaxPoolsPerDelegator::get());
		}
	}

	/// The election reading a page of `t` pools, all candidates, continuing a paged read (after
	/// the page before's last pool, in the highest bag, so the page walks every bag) whose kept
	/// prices fill the table but for this page's: reading and rewriting them is the worst case
	/// of a page.
	#[benchmark]
	fn electable_targets(t: Linear<1, 1_000>) {
		// The page before ended at the top pool; this page reads the `t` after it.
		let pools = candidate_pools::<T>(t.saturating_add(1));
		let top = T::PoolAccounts::account_of(pools[0]);
		delegate_from::<T>(
			&funded::<T>("top-backer", 0),
			pools[0],
			stake::<T>().saturating_mul(1_000u32.into()),
		);
		assert_eq!(T::TargetList::iter().next(), Some(top.clone()));
		// The cursor in the highest bag: the page walks every bag down to the pools it reads
		// (the list's worst case).
		T::TargetList::on_update(&top, <BalanceOf<T> as sp_runtime::traits::Bounded>::max_value())
			.expect("listed");
		let limit = T::TargetList::count().saturating_sub(1);
		TargetSnapshotStatus::<T>::put(SnapshotStatus::Ongoing { page: 1, last: top });
		T::TargetList::lock();
		let made_up: Vec<PoolPrice<BalanceOf<T>>> = (0..T::MaxElectableTargets::get()
			.saturating_sub(limit))
			.map(|i| PoolPrice {
				pid: PoolId::MAX.saturating_sub(i.into()),
				total_value: stake::<T>(),
				total_shares: stake::<T>(),
			})
			.collect();
		SnapshotPrices::<T>::put((
			frame_system::Pallet::<T>::block_number(),
			frame_support::BoundedVec::truncate_from(made_up),
		));
		let targets;
		#[block]
		{
			targets = <Pallet<T> as ElectionDataProvider>::electable_targets(
				DataProviderBounds { count: Some(limit.into()), size: None },
				0,
			)
			.expect("targets");
		}
		assert_eq!(targets.len() as u32, limit);
		assert!(!Pallet::<T>::target_list_locked());
	}

	/// The hook moving `n` delegators whose score changed while the voter list was locked to
	/// their new place: each one's score grew ten-fold, so each moves to another bag (the
	/// bags-list's worst case), up to `MaxStaleRescoresPerBlock`.
	#[benchmark]
	fn rescore_stale_voters(n: Linear<0, { T::MaxStaleRescoresPerBlock::get() }>) {
		let pools = candidate_pools::<T>(1);
		let pid = pools[0];
		let mut stale = Vec::new();
		for i in 0..n {
			let who = funded::<T>("stale", i);
			delegate_from::<T>(&who, pid, stake::<T>());
			stale.push(who);
		}
		// A paged read under way (as after a first page that read the whole list).
		VoterSnapshotStatus::<T>::put(SnapshotStatus::Consumed { page: 1 });
		T::VoterList::lock();
		for who in &stale {
			delegate_from::<T>(who, pid, stake::<T>().saturating_mul(9u32.into()));
		}
		Pallet::<T>::end_paged_reads();
		assert_eq!(StaleVoters::<T>::count(), n);
		#[block]
		{
			Pallet::<T>::rescore_stale();
		}
		assert_eq!(StaleVoters::<T>::count(), 0);
		for who in &stale {
			assert_eq!(T::VoterList::get_score(who).ok(), Some(VoterScores::<T>::get(who)));
		}
	}

	/// The hook moving `n` pools whose value changed while the target list was locked to their
	/// new place: each one's value grew ten-fold, so each moves to another bag, up to
	/// `MaxStaleRescoresPerBlock`.
	#[benchmark]
	fn rescore_stale_targets(n: Linear<0, { T::MaxStaleRescoresPerBlock::get() }>) {
		let pools = candidate_pools::<T>(n);
		TargetSnapshotStatus::<T>::put(SnapshotStatus::Consumed { page: 1 });
		T::TargetList::lock();
		for (i, pid) in pools.iter().enumerate() {
			let backer = funded::<T>("stale-target-backer", i as u32);
			delegate_from::<T>(&backer, *pid, stake::<T>().saturating_mul(9u32.into()));
		}
		Pallet::<T>::end_paged_reads();
		assert_eq!(StaleTargets::<T>::count(), n);
		#[block]
		{
			Pallet::<T>::rescore_stale();
		}
		assert_eq!(StaleTargets::<T>::count(), 0);
		for pid in &pools {
			let account = T::PoolAccounts::account_of(*pid);
			let score = Pools::<T>::get(pid).map(|pool| pool.target_score);
			assert_eq!(T::TargetList::get_score(&account).ok(), score);
		}
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
