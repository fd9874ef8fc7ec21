//! The exit guarantee: every amount a delegator asks to withdraw is paid by `requested_at +
//! GracePeriod + CooldownPeriod`, the `expected_payout_by` the runtime API shows, whatever else
//! is pending and whatever the owner and other accounts do.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::Get, weights::Weight,
};

/// Seed pool 0 (workers A-D of `OWNER_A`) with `amount` from account 1, all of it staked for
/// worker D (score 900, minimum 3000 PHA): nothing is free.
fn fully_staked_pool(amount: Balance) -> PoolId {
	let pid = seed_pool();
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, amount));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_D, amount));
	pid
}

/// The promise the runtime API makes for each of `who`'s queued requests in `pid`.
fn promises(who: AccountId, pid: PoolId) -> Vec<(RequestId, u64)> {
	StakePool::delegator_positions(&who)
		.into_iter()
		.filter(|position| position.pid == pid)
		.flat_map(|position| position.queued_withdrawals)
		.map(|queued| (queued.request, queued.expected_payout_by))
		.collect()
}

#[test]
fn a_second_request_gets_its_own_deadline() {
	// The old 28-day exit: a small request pending blocked the rest until it was paid, and the
	// owner restaked what came back.
	ExtBuilder::default().build_and_execute(|| {
		let pid = fully_staked_pool(3000 * PHA);
		let first = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 100 * PHA));
		run_blocks(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		let promise = |at: u64| at + GracePeriod::get() + CooldownPeriod::get();
		assert_eq!(promises(1, pid), vec![(0, promise(first)), (1, promise(first + 1))]);
		// A newcomer's 100 PHA pays the small request at once; the owner cannot stake anything
		// while the rest is owed.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 100 * PHA));
		assert_eq!(delegation_hold(1), 2900 * PHA);
		assert_noop!(
			StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA),
			Error::<Test>::InsufficientFreeDelegation
		);
		// The second request now heads the queue and keeps its own deadline.
		assert_eq!(pool(pid).grace_due, Some(first + 1 + GracePeriod::get()));
		run_to_block(promise(first + 1) - 1);
		assert_eq!(delegation_hold(1), 2900 * PHA);
		run_to_block(promise(first + 1));
		assert_eq!(delegation_hold(1), 0);
		assert!(delegation(pid, 1).is_none());
	});
}

#[test]
fn requests_beyond_one_call_are_paid_by_their_promise() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		// Twelve delegators of 1000 PHA (accounts 11 to 14 are the workers), all staked for D.
		let delegators: Vec<AccountId> = (1..=10).chain([15, 16]).collect();
		for who in &delegators {
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(*who), pid, 1000 * PHA));
		}
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_D,
			12_000 * PHA
		));
		let asked = System::block_number();
		for who in &delegators {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(*who), pid, u128::MAX));
		}
		let promise = asked + GracePeriod::get() + CooldownPeriod::get();
		for (request, who) in delegators.iter().enumerate() {
			assert_eq!(promises(*who, pid), vec![(request as u64, promise)]);
		}
		run_to_block(promise - 1);
		assert!(delegators.iter().all(|who| delegation_hold(*who) == 1000 * PHA));
		// One call pays three; the release pays three and the Payout lane's four tasks the other
		// nine, all in the promised block.
		run_to_block(promise);
		assert!(delegators.iter().all(|who| delegation_hold(*who) == 0));
		assert_eq!(pool(pid).queue_head, 12);
	});
}

#[test]
fn a_queued_withdrawal_is_charged_its_share_of_the_hooks_capacity() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = fully_staked_pool(3000 * PHA);
		// Paid at once from a free pool: the plain weight.
		let free_pool = {
			assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
			NextPoolId::<Test>::get() - 1
		};
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), free_pool, 100 * PHA));
		let paid = StakePool::withdraw(RuntimeOrigin::signed(2), free_pool, 50 * PHA).unwrap();
		let weights: frame_system::limits::BlockWeights =
			<Test as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(frame_support::dispatch::DispatchClass::Normal).max_total.unwrap();
		// The pool's first request in this block: a quarter of the normal class's ref-time (the
		// Release lane's 4 slots), which is also what the call declares before it runs. The
		// share is of ref-time only (which alone bounds the count per block); the proof charged
		// is the call's own.
		let first = StakePool::withdraw(RuntimeOrigin::signed(1), pid, 50 * PHA).unwrap();
		let first_share = StakePool::first_queued_withdrawal_weight();
		assert_eq!(first_share, Weight::from_parts(normal.ref_time() / 4, 0));
		let own = paid.actual_weight.unwrap();
		assert_eq!(first.actual_weight, Some(first_share.max(own)));
		assert_eq!(first.actual_weight.unwrap().ref_time(), normal.ref_time() / 4);
		let declared = crate::Call::<Test>::withdraw { pid, value: 50 * PHA }.get_dispatch_info();
		assert_eq!(declared.call_weight.ref_time(), normal.ref_time() / 4);
		// A second request into the same pool in the same block: the normal class over the
		// 4 x 3 requests the Payout lane pays per block.
		let second = StakePool::withdraw(RuntimeOrigin::signed(1), pid, 50 * PHA).unwrap();
		let share = StakePool::queued_withdrawal_weight();
		assert_eq!(share.ref_time(), normal.ref_time() / 12);
		// It visited the unpayable head first (one pay-out's worth, for its reads).
		let visited = own.saturating_add(StakePool::queue_payout_weight(1));
		assert_eq!(second.actual_weight, Some(share.max(visited)));
		assert!(paid.actual_weight.unwrap().ref_time() < share.ref_time());
		// Next block, the first again.
		run_blocks(1);
		let next = StakePool::withdraw(RuntimeOrigin::signed(1), pid, 50 * PHA).unwrap();
		assert_eq!(next.actual_weight, Some(first_share.max(visited)));
	});
}

#[test]
fn releases_falling_due_together_are_charged_to_fit_the_release_lane() {
	// Before: an account leaving more pools in one block than the Release lane has slots made
	// some pools' releases (and the pay-outs they carry) late for their promise. Now the pools'
	// first requests in a block cost a slot's share of the block each, so a block holds at most
	// as many as the lane serves: with 2 slots, the third pool's request goes in the next block.
	let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
	MaxTasksPerBlock::set(2);
	ExtBuilder::default().build_and_execute(|| {
		let weights: frame_system::limits::BlockWeights =
			<Test as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(frame_support::dispatch::DispatchClass::Normal).max_total.unwrap();
		let first = StakePool::first_queued_withdrawal_weight();
		assert!(first.saturating_mul(2).all_lte(normal));
		assert!(first.saturating_mul(3).any_gt(normal));
		// Three pools, each one worker staked by account 1 with all it delegated.
		let mut pools = Vec::new();
		for (i, owner) in [OWNER_A, OWNER_B, 17].into_iter().enumerate() {
			let worker = 30 + i as AccountId;
			setup_worker(worker, 400, owner);
			assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(owner)));
			let pid = NextPoolId::<Test>::get() - 1;
			assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(owner), pid, worker));
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
			assert_ok!(StakePool::start_mining(
				RuntimeOrigin::signed(owner),
				pid,
				worker,
				2000 * PHA
			));
			pools.push(pid);
		}
		// The block author fits two of the three requests in block `b`, the third in `b + 1`.
		let b = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pools[0], u128::MAX));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pools[1], u128::MAX));
		run_blocks(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pools[2], u128::MAX));
		let promise = b + GracePeriod::get() + CooldownPeriod::get();
		run_to_block(promise - 1);
		assert_eq!(delegation_hold(1), 6000 * PHA);
		// Both releases due at the promise run in it (two slots), the third one block later.
		run_to_block(promise);
		assert_eq!(delegation_hold(1), 2000 * PHA);
		run_to_block(promise + 1);
		assert_eq!(delegation_hold(1), 0);
	});
}

#[test]
fn a_cancelled_request_returns_its_shares_and_moves_the_grace_period() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = fully_staked_pool(3000 * PHA);
		let first = System::block_number();
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 1000 * PHA));
		run_blocks(2);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 500 * PHA));
		assert_eq!(pool(pid).grace_due, Some(first + GracePeriod::get()));
		assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, 0));
		assert!(pool_events().contains(&Event::WithdrawalCancelled {
			pid,
			delegator: 1,
			request: 0,
			shares: 1000 * PHA
		}));
		// The cancelled head is gone; the grace period follows the second request.
		assert_eq!(pool(pid).queue_head, 1);
		assert_eq!(pool(pid).queued_shares, 500 * PHA);
		assert_eq!(pool(pid).grace_due, Some(first + 2 + GracePeriod::get()));
		let record = delegation(pid, 1).unwrap();
		assert_eq!((record.queued_shares, record.withdrawals.to_vec()), (500 * PHA, vec![1]));
		run_to_block(first + GracePeriod::get());
		assert_eq!(worker(WORKER_D).state, WorkerState::Mining);
	});
}

#[test]
fn a_cancelled_request_behind_the_head_is_swept_when_its_turn_comes() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = fully_staked_pool(3000 * PHA);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 10 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), pid, 10 * PHA));
		// 10 PHA free paid account 2 at once; account 1's three requests wait.
		for amount in [100, 200, 300] {
			assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, amount * PHA));
		}
		assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, 1));
		assert_eq!(WithdrawQueue::<Test>::get(pid, 1).unwrap().shares, 0);
		// 400 PHA arrives: 100 for request 0, nothing for the cancelled 1, 300 for request 2.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), pid, 400 * PHA));
		assert_eq!(pool(pid).queue_head, 3);
		assert_eq!(delegation_hold(1), 2600 * PHA);
		assert!(WithdrawQueue::<Test>::get(pid, 1).is_none());
	});
}

#[test]
fn cancel_errors_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = fully_staked_pool(3000 * PHA);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 100 * PHA));
		// 100 PHA of it is paid at once from account 2's free delegation, 900 queued.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 1000 * PHA));
		let request = pool(pid).queue_tail - 1;
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), 9, request),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(4), pid, request),
			Error::<Test>::NoDelegation
		);
		// Someone else's request, or one that does not exist.
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(2), pid, request),
			Error::<Test>::RequestNotFound
		);
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, request + 1),
			Error::<Test>::RequestNotFound
		);
		// Once its grace period is over the pool is stopping for it: too late to cancel.
		run_blocks(GracePeriod::get());
		assert_noop!(
			StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, request),
			Error::<Test>::WithdrawalOverdue
		);
	});
}

/// The exit guarantee as a property, against an adversary: random honest calls mixed with an
/// attacker who leaves stale tasks (withdraw, then pay it by delegating), floods queues with
/// small requests, makes everyone queue at once and cancels requests, an owner who restakes everything the moment it is allowed,
/// stops and restarts workers and raises commission, and an oracle that slashes and reports.
/// Calls are packed into blocks by their declared weight against the normal class's limit, as a
/// block author would. After every block's hook, no request is still queued past its
/// `requested_at + GracePeriod + CooldownPeriod`, and the runtime API promises exactly that block.
mod adversarial {
	use super::*;
	use frame_support::{
		dispatch::{DispatchClass, GetDispatchInfo},
		traits::Hooks,
		weights::Weight,
	};
	use proptest::prelude::*;
	use sp_runtime::{traits::Dispatchable, Permill};

	const OWNERS: [AccountId; 3] = [100, 200, 17];
	const WORKERS: [AccountId; 6] = [11, 12, 13, 14, 15, 16];
	const SCORES: [u32; 6] = [400, 900, 400, 1600, 900, 100];
	const HONEST: [AccountId; 4] = [1, 2, 3, 4];
	const ATTACKERS: [AccountId; 4] = [7, 8, 9, 10];

	#[derive(Debug, Clone)]
	enum Action {
		Delegate { who: AccountId, pid: u64, amount: Balance },
		Withdraw { who: AccountId, pid: u64, amount: Balance },
		Cancel { who: AccountId, pid: u64, nth: usize },
		StaleCycle { attacker: usize, pid: u64 },
		Flood { attacker: usize, pid: u64, count: u32 },
		Burst { pid: u64 },
		EveryPoolAtOnce,
		Restake { pid: u64 },
		Stop { worker: usize },
		Slash { worker: usize, amount: Balance },
		Unresponsive { worker: usize },
		Recovered { worker: usize },
		SetCommission { pid: u64, percent: u32 },
		Claim { who: AccountId, pid: u64 },
		SetState { pid: u64, state: u8 },
		WithdrawOther { attacker: usize, who: AccountId, pid: u64 },
		Advance { blocks: u64 },
	}

	fn amount() -> impl Strategy<Value = Balance> {
		prop_oneof![
			4 => (1u128..3_000).prop_map(|x| x * PHA),
			1 => 1u128..10_000_000_000_000,
			1 => Just(u128::MAX),
		]
	}

	fn anyone() -> impl Strategy<Value = AccountId> {
		prop_oneof![3 => proptest::sample::select(HONEST.to_vec()), 1 => proptest::sample::select(ATTACKERS.to_vec())]
	}

	fn action() -> impl Strategy<Value = Action> {
		let pid = 0u64..3;
		let worker = 0..WORKERS.len();
		let attacker = 0..ATTACKERS.len();
		prop_oneof![
			6 => (anyone(), pid.clone(), amount())
				.prop_map(|(who, pid, amount)| Action::Delegate { who, pid, amount }),
			5 => (anyone(), pid.clone(), amount())
				.prop_map(|(who, pid, amount)| Action::Withdraw { who, pid, amount }),
			1 => (anyone(), pid.clone(), 0usize..4)
				.prop_map(|(who, pid, nth)| Action::Cancel { who, pid, nth }),
			2 => (attacker.clone(), pid.clone())
				.prop_map(|(attacker, pid)| Action::StaleCycle { attacker, pid }),
			1 => (attacker.clone(), pid.clone(), 1u32..8)
				.prop_map(|(attacker, pid, count)| Action::Flood { attacker, pid, count }),
			1 => (pid.clone(), prop_oneof![12 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8)])
				.prop_map(|(pid, state)| Action::SetState { pid, state }),
			1 => (attacker, anyone(), pid.clone())
				.prop_map(|(attacker, who, pid)| Action::WithdrawOther { attacker, who, pid }),
			1 => pid.clone().prop_map(|pid| Action::Burst { pid }),
			1 => Just(Action::EveryPoolAtOnce),
			3 => pid.clone().prop_map(|pid| Action::Restake { pid }),
			1 => worker.clone().prop_map(|worker| Action::Stop { worker }),
			1 => (worker.clone(), amount()).prop_map(|(worker, amount)| Action::Slash { worker, amount }),
			1 => worker.clone().prop_map(|worker| Action::Unresponsive { worker }),
			1 => worker.prop_map(|worker| Action::Recovered { worker }),
			1 => (pid.clone(), 0u32..=80).prop_map(|(pid, percent)| Action::SetCommission { pid, percent }),
			1 => (anyone(), pid).prop_map(|(who, pid)| Action::Claim { who, pid }),
			4 => prop_oneof![3 => 1u64..5, 1 => 20u64..200].prop_map(|blocks| Action::Advance { blocks }),
		]
	}

	/// Three pools; each owner operates two workers bound to its pool.
	fn setup() {
		for (i, owner) in OWNERS.iter().enumerate() {
			assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(*owner)));
			for w in [2 * i, 2 * i + 1] {
				setup_worker(WORKERS[w], SCORES[w], *owner);
				assert_ok!(StakePool::add_worker(
					RuntimeOrigin::signed(*owner),
					i as u64,
					WORKERS[w]
				));
			}
		}
	}

	/// Packs calls into blocks by weight and checks the promise after every block's hook.
	struct Chain {
		used: Weight,
		limit: Weight,
		/// Withdrawals queued, cancelled and paid, and forced stops, over the blocks so far
		/// (each block's events are counted, then cleared as a new block clears them).
		tally: [usize; 4],
	}

	impl Chain {
		fn new() -> Self {
			let weights: frame_system::limits::BlockWeights =
				<Test as frame_system::Config>::BlockWeights::get();
			let limit =
				weights.get(DispatchClass::Normal).max_total.expect("the normal class has a limit");
			Self { used: Weight::zero(), limit, tally: [0; 4] }
		}

		/// Count this block's events, then clear them as `frame_system` does at a new block:
		/// kept, they would grow with every call, and every state root taken after a call hashes
		/// all of them again (most of this test's time before).
		fn close_block_events(&mut self) {
			for record in System::events() {
				if let RuntimeEvent::StakePool(event) = record.event {
					let slot = match event {
						Event::WithdrawalQueued { .. } => 0,
						Event::WithdrawalCancelled { .. } => 1,
						Event::WithdrawalPaid { .. } => 2,
						Event::PoolForcedToStop { .. } => 3,
						_ => continue,
					};
					self.tally[slot] += 1;
				}
			}
			System::reset_events();
		}

		fn next_block(&mut self) -> Result<(), TestCaseError> {
			self.close_block_events();
			let next = System::block_number() + 1;
			System::set_block_number(next);
			if let Ok(watch) = std::env::var("STAKE_POOL_DEBUG_POOL") {
				let pid: u64 = watch.parse().unwrap_or(0);
				if let Some(p) = Pools::<Test>::get(pid) {
					let workers: Vec<_> = PoolWorkers::<Test>::iter_key_prefix(pid)
						.map(|w| (w, Workers::<Test>::get(w).map(|i| (i.state, i.stake))))
						.collect();
					println!(
						"#{next} q[{}..{}) free {} staked {} releasing {} value {} queued {} grace {:?} release {:?} payout {:?} workers {:?}",
						p.queue_head, p.queue_tail, p.free, p.staked, p.releasing, p.total_value,
						p.queued_shares, p.grace_due, p.release_due, p.payout_due, workers
					);
				}
			}
			StakePool::on_initialize(next);
			StakePool::on_poll(next, &mut WeightMeter::new());
			self.used = Weight::zero();
			if let Err(e) = StakePool::do_try_state() {
				if std::env::var("STAKE_POOL_DEBUG_POOL").is_ok() {
					for (pid, p) in Pools::<Test>::iter() {
						println!(
							"failed at #{next}, pool {pid}: q[{}..{}) grace {:?} release {:?} payout {:?}",
							p.queue_head, p.queue_tail, p.grace_due, p.release_due, p.payout_due
						);
						for (id, r) in WithdrawQueue::<Test>::iter_prefix(pid) {
							println!("   req {id}: {r:?}");
						}
					}
				}
				return Err(TestCaseError::fail(format!("{e:?}")));
			}
			check_promises()
		}

		/// Include `call` from `who` in the current block, or in the next if it does not fit.
		fn submit(
			&mut self,
			who: AccountId,
			call: crate::Call<Test>,
		) -> Result<bool, TestCaseError> {
			let call = RuntimeCall::StakePool(call);
			let info = call.get_dispatch_info();
			let described = format!("{call:?}");
			if self.used.saturating_add(info.call_weight).any_gt(self.limit) {
				self.next_block()?;
			}
			let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
			let outcome = call.dispatch(RuntimeOrigin::signed(who));
			let post = match outcome {
				Ok(post) => post,
				Err(e) => e.post_info,
			};
			self.used = self.used.saturating_add(post.calc_actual_weight(&info));
			if outcome.is_err() && sp_io::storage::root(sp_runtime::StateVersion::V1) != root {
				return Err(TestCaseError::fail(format!("{described} failed but changed state")));
			}
			Ok(outcome.is_ok())
		}
	}

	/// After a block's hook: nothing queued is past its promise, and the API promises it.
	fn check_promises() -> Result<(), TestCaseError> {
		let now = System::block_number();
		for (pid, id, request) in WithdrawQueue::<Test>::iter() {
			let promise = request.requested_at + GracePeriod::get() + CooldownPeriod::get();
			if request.shares != 0 && promise <= now {
				return Err(TestCaseError::fail(format!(
					"block {now}: request {id} of pool {pid} ({request:?}) is unpaid after its promise {promise}"
				)));
			}
		}
		for who in HONEST.iter().chain(ATTACKERS.iter()) {
			for position in StakePool::delegator_positions(who) {
				for queued in position.queued_withdrawals {
					let expected = queued.requested_at + GracePeriod::get() + CooldownPeriod::get();
					prop_assert_eq!(queued.expected_payout_by, expected);
				}
			}
		}
		Ok(())
	}

	/// The owner stakes everything it may, starting or raising each of its workers.
	fn restake(
		chain: &mut Chain,
		pid: u64,
		submit: &mut impl FnMut(&mut Chain, AccountId, crate::Call<Test>) -> Result<(), TestCaseError>,
	) -> Result<(), TestCaseError> {
		use crate::Call as C;
		let owner = OWNERS[pid as usize];
		for w in [2 * pid as usize, 2 * pid as usize + 1] {
			let Some(p) = Pools::<Test>::get(pid) else { continue };
			let stake = StakePool::stakeable_free(&p).min(MaxStakePerWorker::get());
			let Some(info) = Workers::<Test>::get(WORKERS[w]) else { continue };
			let call = match info.state {
				WorkerState::Ready => C::start_mining { pid, worker: WORKERS[w], stake },
				WorkerState::Mining => C::restart_mining {
					pid,
					worker: WORKERS[w],
					stake: (info.stake + stake).min(MaxStakePerWorker::get()),
				},
				_ => continue,
			};
			submit(chain, owner, call)?;
		}
		Ok(())
	}

	fn apply(chain: &mut Chain, action: &Action) -> Result<u32, TestCaseError> {
		use crate::Call as C;
		let mut ok = 0u32;
		let mut submit =
			|chain: &mut Chain, who: AccountId, call: C<Test>| -> Result<(), TestCaseError> {
				ok += u32::from(chain.submit(who, call)?);
				Ok(())
			};
		match action.clone() {
			Action::Delegate { who, pid, amount } => {
				submit(chain, who, C::delegate { pid, amount })?
			},
			Action::Withdraw { who, pid, amount } => {
				submit(chain, who, C::withdraw { pid, value: amount })?
			},
			Action::Cancel { who, pid, nth } => {
				let request = delegation(pid, who)
					.and_then(|d| d.withdrawals.get(nth).copied())
					.unwrap_or(u64::MAX);
				submit(chain, who, C::cancel_withdrawal { pid, request })?
			},
			Action::StaleCycle { attacker, pid } => {
				let (a, b) = (ATTACKERS[attacker], ATTACKERS[(attacker + 1) % ATTACKERS.len()]);
				submit(chain, a, C::delegate { pid, amount: 10 * PHA })?;
				submit(chain, a, C::withdraw { pid, value: PHA })?;
				submit(chain, b, C::delegate { pid, amount: PHA })?;
			},
			Action::Flood { attacker, pid, count } => {
				let who = ATTACKERS[attacker];
				submit(chain, who, C::delegate { pid, amount: 50 * PHA })?;
				for _ in 0..count {
					submit(chain, who, C::withdraw { pid, value: PHA })?;
				}
			},
			Action::Burst { pid } => {
				// Everyone backs the pool, the owner stakes it all, and everyone queues twice at
				// once: more than a block may queue, so the block author has to spread the
				// requests over blocks by their weight.
				for who in HONEST.iter().chain(ATTACKERS.iter()) {
					submit(chain, *who, C::delegate { pid, amount: 10 * PHA })?;
				}
				restake(chain, pid, &mut submit)?;
				for _ in 0..2 {
					for who in HONEST.iter().chain(ATTACKERS.iter()) {
						submit(chain, *who, C::withdraw { pid, value: 2 * PHA })?;
					}
				}
			},
			Action::EveryPoolAtOnce => {
				// An attacker backs every pool, the owners stake it all, and the attacker leaves
				// every pool in one block: every pool's forced stop, and the release of its stake,
				// fall due in the same block.
				for pid in 0..OWNERS.len() as u64 {
					submit(chain, ATTACKERS[0], C::delegate { pid, amount: 3000 * PHA })?;
					restake(chain, pid, &mut submit)?;
				}
				for pid in 0..OWNERS.len() as u64 {
					submit(chain, ATTACKERS[0], C::withdraw { pid, value: u128::MAX })?;
				}
			},
			Action::Restake { pid } => restake(chain, pid, &mut submit)?,
			Action::Stop { worker } => {
				let pid = (worker / 2) as u64;
				submit(chain, OWNERS[worker / 2], C::stop_mining { pid, worker: WORKERS[worker] })?
			},
			Action::Slash { worker, amount } => {
				submit(chain, ORACLE, C::slash_worker { worker: WORKERS[worker], amount })?
			},
			Action::Unresponsive { worker } => {
				submit(chain, ORACLE, C::report_unresponsive { worker: WORKERS[worker] })?
			},
			Action::Recovered { worker } => {
				submit(chain, ORACLE, C::report_recovered { worker: WORKERS[worker] })?
			},
			Action::SetCommission { pid, percent } => submit(
				chain,
				OWNERS[pid as usize],
				C::set_commission { pid, commission: Permill::from_percent(percent) },
			)?,
			Action::Claim { who, pid } => {
				submit(chain, who, C::claim_rewards { pid, restake: false })?
			},
			Action::SetState { pid, state } => {
				let state = [PoolState::Open, PoolState::Blocked, PoolState::Destroying]
					[usize::from(state)];
				submit(chain, OWNERS[pid as usize], C::set_pool_state { pid, state })?
			},
			Action::WithdrawOther { attacker, who, pid } => {
				submit(chain, ATTACKERS[attacker], C::withdraw_other { pid, delegator: who })?
			},
			Action::Advance { blocks } => {
				for _ in 0..blocks {
					chain.next_block()?;
				}
			},
		}
		Ok(ok)
	}

	/// Run `actions` with `MaxTasksPerBlock` at `tasks`: with 2, the three pools' releases (and
	/// grace expiries) can fall due in one block beyond the lane's slots.
	fn run(actions: Vec<Action>, tasks: u32) -> Result<(), TestCaseError> {
		let mut result = Ok(());
		let _restore = Restore(Box::new(|| MaxTasksPerBlock::set(4)));
		MaxTasksPerBlock::set(tasks);
		ExtBuilder::default().reward_per_block(3 * PHA + 7).build_and_execute(|| {
			setup();
			let issuance = Balances::total_issuance();
			let mut chain = Chain::new();
			let mut succeeded = 0u32;
			for action in &actions {
				match apply(&mut chain, action) {
					Ok(ok) => succeeded += ok,
					Err(e) => {
						result = Err(e);
						return;
					},
				}
				let expected =
					issuance + Rewards::<Test>::get().paid - Slashes::<Test>::get().settled;
				if Balances::total_issuance() != expected {
					result = Err(TestCaseError::fail(format!("after {action:?}: issuance moved")));
					return;
				}
			}
			// Run out the clock: every request still queued reaches its promise.
			for _ in 0..(GracePeriod::get() + CooldownPeriod::get() + 1) {
				if let Err(e) = chain.next_block() {
					result = Err(e);
					return;
				}
			}
			if WithdrawQueue::<Test>::iter_values().any(|request| request.shares != 0) {
				result = Err(TestCaseError::fail("requests left after every promise passed"));
			}
			if std::env::var("STAKE_POOL_PROPTEST_VERBOSE").is_ok() {
				chain.close_block_events();
				let [queued, cancelled, paid, stops] = chain.tally;
				println!(
					"{succeeded} calls ok, {} blocks; queued {queued}, cancelled {cancelled}, paid {paid}, forced stops {stops}",
					System::block_number(),
				);
			}
			if succeeded < 20 {
				result = Err(TestCaseError::fail(format!("only {succeeded} calls succeeded")));
			}
		});
		result
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 1000, ..ProptestConfig::default() })]

		#[test]
		fn every_request_is_paid_by_its_promised_block(actions in proptest::collection::vec(action(), 150..400)) {
			run(actions, 4)?;
		}

		#[test]
		fn every_request_is_paid_by_its_promised_block_with_fewer_slots_than_pools(actions in proptest::collection::vec(action(), 150..400)) {
			run(actions, 2)?;
		}
	}
}

/// Found by the soak (`runtime/tests/soak.rs`, seed 0x1): a forced stop armed the pool's release
/// for its cool-down even when every worker was already cooling down on its owner's stop (whose
/// own tasks return the stake first). The pool could then be emptied, its workers removed and
/// the pool closed with the Release task still on the agenda, due for a pool that no longer
/// exists. A forced stop now arms a release only when a stake depends on it, and closing a pool
/// takes every task the pool's record names off the agenda; `try_state` (run at the end of
/// every test) checks the agenda holds no task without its record.
#[test]
fn closing_a_pool_leaves_no_task_on_the_agenda() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// Everything is staked: the withdrawal queues, its grace period runs to block 1 + 7 days.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		let requested_at = System::block_number();
		// The owner stops the worker a block later; its own cool-down task returns the stake.
		run_blocks(1);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		let own_end = System::block_number() + CooldownPeriod::get();
		// The grace period ends: the forced stop finds no mining worker, and the cool-down under
		// way ends before `deadline + CooldownPeriod` on its own task: no release is armed.
		run_to_block(requested_at + GracePeriod::get());
		let release_at = requested_at + GracePeriod::get() + CooldownPeriod::get();
		assert_eq!(pool(pid).release_due, None);
		// The worker's own cool-down returns the stake and pays the request, well before then.
		run_to_block(own_end);
		assert!(own_end < release_at);
		assert_eq!(delegation(pid, 1), None);
		assert_eq!(pool(pid).queue_head, pool(pid).queue_tail);
		// The owner empties and closes the pool before the release falls due.
		for worker in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
			assert_ok!(StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, worker));
		}
		assert_ok!(StakePool::close_pool(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!(Agenda::<Test>::iter_keys().count(), 0, "no task outlives its pool");
		// And the block the release was due in passes quietly.
		run_to_block(release_at + 1);
	});
}
