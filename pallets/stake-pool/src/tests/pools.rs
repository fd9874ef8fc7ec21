//! Pool creation, workers, commission, cap, whitelist, description and closing.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::{BuildStorage, DispatchError, Permill};

#[test]
fn create_pool_holds_the_deposit_and_assigns_ids_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_eq!(pool(0).owner, OWNER_A);
		assert_eq!(pool(1).owner, OWNER_B);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::PoolDeposit.into(), &OWNER_A),
			PoolDeposit::get()
		);
		assert_eq!(NextPoolId::<Test>::get(), 2);
	});
}

#[test]
fn create_pool_needs_the_deposit() {
	ExtBuilder::default().balance(50, 5 * PHA).build_and_execute(|| {
		assert_noop!(
			StakePool::create_pool(RuntimeOrigin::signed(50)),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn add_and_remove_worker_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 9, WORKER_A),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), pid, WORKER_A),
			Error::<Test>::NotPoolOwner
		);
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid, 77),
			Error::<Test>::WorkerNotRegistered
		);
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A),
			Error::<Test>::WorkerAlreadyInPool
		);
		// A second pool of the same owner cannot take a bound worker either.
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid + 1, WORKER_A),
			Error::<Test>::WorkerAlreadyInPool
		);
		assert_noop!(
			StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid + 1, WORKER_A),
			Error::<Test>::WorkerNotInPool
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_noop!(
			StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A),
			Error::<Test>::WorkerNotReady
		);
		assert_ok!(StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, WORKER_B));
		assert_eq!(worker(WORKER_B).pool, None);
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid + 1, WORKER_B));
	});
}

#[test]
fn a_pool_binds_at_most_max_pool_workers() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
		let max = MaxPoolWorkers::get() as u64;
		for w in 0..=max {
			setup_worker(300 + w, 100, OWNER_A);
		}
		for w in 0..max {
			assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 0, 300 + w));
		}
		assert_noop!(
			StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 0, 300 + max),
			Error::<Test>::TooManyWorkers
		);
	});
}

#[test]
fn commission_decreases_apply_at_once_and_increases_after_the_delay() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(50)
		));
		assert_eq!(pool(pid).commission, Permill::from_percent(50));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// Once the pool exists, an increase waits fifteen days.
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(70)
		));
		let effective_at = System::block_number() + CommissionChangeDelay::get();
		assert_eq!(
			pool(pid).pending_commission,
			Some(PendingCommission { commission: Permill::from_percent(70), effective_at })
		);
		run_to_block(effective_at - 1);
		assert_eq!(pool(pid).commission, Permill::from_percent(50));
		// 359 blocks at 50% of 10 PHA: 1795 PHA each side.
		assert_eq!(StakePool::pending_rewards(&1, pid), 1795 * PHA);
		run_to_block(effective_at);
		// The hook applied it without anyone calling; the block before used the old rate.
		assert_eq!(pool(pid).commission, Permill::from_percent(70));
		assert_eq!(pool(pid).pending_commission, None);
		assert_eq!(StakePool::pending_rewards(&1, pid), 1800 * PHA);
		run_blocks(1);
		assert_eq!(StakePool::pending_rewards(&1, pid), 1803 * PHA);
		// A decrease applies at once and cancels nothing pending.
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(10)
		));
		assert_eq!(pool(pid).commission, Permill::from_percent(10));
	});
}

#[test]
fn a_decrease_cancels_a_pending_increase() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(70)
		));
		assert!(pool(pid).pending_commission.is_some());
		assert_ok!(StakePool::set_commission(RuntimeOrigin::signed(OWNER_A), pid, Permill::zero()));
		assert_eq!(pool(pid).pending_commission, None);
		run_blocks(CommissionChangeDelay::get());
		assert_eq!(pool(pid).commission, Permill::zero());
	});
}

#[test]
fn commission_above_the_maximum_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_noop!(
			StakePool::set_commission(
				RuntimeOrigin::signed(OWNER_A),
				pid,
				Permill::from_percent(81)
			),
			Error::<Test>::CommissionTooHigh
		);
		assert_noop!(
			StakePool::set_commission(RuntimeOrigin::signed(OWNER_B), pid, Permill::zero()),
			Error::<Test>::NotPoolOwner
		);
	});
}

#[test]
fn cap_limits_delegation_and_cannot_fall_below_it() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_cap(RuntimeOrigin::signed(OWNER_A), pid, Some(5000 * PHA)));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 3000 * PHA));
		assert_eq!(StakePool::pool_summary(pid).unwrap().cap_gap, Some(2000 * PHA));
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(2), pid, 2000 * PHA + 1),
			Error::<Test>::CapExceeded
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 2000 * PHA));
		assert_noop!(
			StakePool::set_cap(RuntimeOrigin::signed(OWNER_A), pid, Some(5000 * PHA - 1)),
			Error::<Test>::CapBelowDelegation
		);
		assert_ok!(StakePool::set_cap(RuntimeOrigin::signed(OWNER_A), pid, None));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), pid, 10_000 * PHA));
	});
}

#[test]
fn whitelist_restricts_new_delegators_but_not_the_owner() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::add_to_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 1));
		assert_noop!(
			StakePool::add_to_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 1),
			Error::<Test>::AlreadyWhitelisted
		);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 10 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(OWNER_A), pid, 10 * PHA));
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(2), pid, 10 * PHA),
			Error::<Test>::NotInWhitelist
		);
		assert_ok!(StakePool::remove_from_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 1));
		assert_noop!(
			StakePool::remove_from_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 1),
			Error::<Test>::NotWhitelisted
		);
		// An empty whitelist means open to all.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 10 * PHA));
		for who in 1..=8 {
			assert_ok!(StakePool::add_to_whitelist(RuntimeOrigin::signed(OWNER_A), pid, who));
		}
		assert_noop!(
			StakePool::add_to_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 9),
			Error::<Test>::WhitelistFull
		);
	});
}

#[test]
fn description_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_description(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			b"fast TEE pool".to_vec()
		));
		assert_eq!(PoolDescriptions::<Test>::get(pid).unwrap().to_vec(), b"fast TEE pool".to_vec());
		assert_noop!(
			StakePool::set_description(RuntimeOrigin::signed(OWNER_A), pid, vec![b'x'; 65]),
			Error::<Test>::DescriptionTooLong
		);
		assert_ok!(StakePool::set_description(RuntimeOrigin::signed(OWNER_A), pid, vec![]));
		assert!(PoolDescriptions::<Test>::get(pid).is_none());
	});
}

#[test]
fn closing_needs_an_empty_pool_and_returns_the_deposit_and_commission() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(50)
		));
		assert_ok!(StakePool::add_to_whitelist(RuntimeOrigin::signed(OWNER_A), pid, 1));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(1);
		assert_noop!(
			StakePool::close_pool(RuntimeOrigin::signed(OWNER_A), pid),
			Error::<Test>::PoolNotEmpty
		);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		run_blocks(CooldownPeriod::get());
		// Leaving pays the delegator's unclaimed rewards too: no record is left to block closing.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		assert!(delegation(pid, 1).is_none());
		for w in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
			assert_ok!(StakePool::remove_worker(RuntimeOrigin::signed(OWNER_A), pid, w));
		}
		assert_noop!(
			StakePool::close_pool(RuntimeOrigin::signed(OWNER_B), pid),
			Error::<Test>::NotPoolOwner
		);
		let before = free_balance(OWNER_A);
		assert_ok!(StakePool::close_pool(RuntimeOrigin::signed(OWNER_A), pid));
		// Deposit back plus the unclaimed 50% of one 10 PHA block.
		assert_eq!(free_balance(OWNER_A) - before, PoolDeposit::get() + 5 * PHA);
		assert!(Pools::<Test>::get(pid).is_none());
		assert!(PoolWhitelist::<Test>::iter_prefix(pid).next().is_none());
		assert_noop!(
			StakePool::close_pool(RuntimeOrigin::signed(OWNER_A), pid),
			Error::<Test>::PoolNotFound
		);
	});
}

#[test]
fn pool_calls_need_a_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(StakePool::create_pool(RuntimeOrigin::none()), DispatchError::BadOrigin);
		assert_noop!(StakePool::set_cap(RuntimeOrigin::root(), 0, None), DispatchError::BadOrigin);
	});
}

#[test]
fn genesis_can_seed_workers_pools_delegations_and_mining() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(1, 10_000 * PHA), (2, 10_000 * PHA), (OWNER_A, 1000 * PHA)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		reward_per_block: 10 * PHA,
		workers: vec![(WORKER_A, 400, 1, OWNER_A), (WORKER_B, 900, 4, OWNER_A)],
		pools: vec![(
			OWNER_A,
			Permill::from_percent(60),
			Some(8000 * PHA),
			vec![WORKER_A, WORKER_B],
		)],
		delegations: vec![(1, 0, 2000 * PHA), (2, 0, 3000 * PHA)],
		mining: vec![(0, WORKER_A, 2000 * PHA), (0, WORKER_B, 3000 * PHA)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		let p = pool(0);
		assert_eq!(p.commission, Permill::from_percent(60));
		assert_eq!((p.staked, p.free, p.cap), (5000 * PHA, 0, Some(8000 * PHA)));
		// Worker B's confidence level 4 counts 80% of its score.
		assert_eq!(p.power, 400 + 720);
		assert_eq!(delegation_hold(2), 3000 * PHA);
		StakePool::do_try_state().unwrap();
		// Rewards flow from the first block: one block of 10 PHA, 40% to delegators pro rata.
		System::set_block_number(1);
		assert_eq!(StakePool::pending_rewards(&1, 0), 1_600_000_000_000);
		assert_eq!(StakePool::pending_rewards(&2, 0), 2_400_000_000_000);
	});
}

#[test]
#[should_panic(expected = "stake-pool genesis: start_mining failed")]
fn genesis_refuses_an_impossible_entry() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(1, 10_000 * PHA), (OWNER_A, 1000 * PHA)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		reward_per_block: 0,
		workers: vec![(WORKER_A, 400, 1, OWNER_A)],
		pools: vec![(OWNER_A, Permill::zero(), None, vec![WORKER_A])],
		delegations: vec![(1, 0, 1000 * PHA)],
		// Needs 2000 PHA of free delegation; only 1000 delegated.
		mining: vec![(0, WORKER_A, 2000 * PHA)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
}

#[test]
fn the_view_functions_report_pools_and_claimable_rewards() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(2);
		let summary = StakePool::summary_of_pool(pid).unwrap();
		assert_eq!((summary.staked, summary.power), (2000 * PHA, 400));
		// Two blocks of 10 PHA, no commission, one delegator.
		assert_eq!(StakePool::claimable_rewards(1, pid), 20 * PHA);
		assert!(StakePool::summary_of_pool(99).is_none());
		// The mock's clock is `frame_system`'s: block 1 plus the two run.
		assert_eq!(StakePool::clock_now(), 3);
		assert_eq!(StakePool::clock_now(), System::block_number());
	});
}

#[test]
fn a_delegator_who_leaves_at_the_announcement_never_pays_the_new_rate() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(20)
		));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(1);
		// Block 2: the owner announces 80%, and in the same block the delegator asks for
		// everything (nothing is free, so all of it is queued).
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(80)
		));
		let before = free_balance(1);
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, u128::MAX));
		let effective_at = 2 + CommissionChangeDelay::get();
		let paid_by = 2 + GracePeriod::get() + CooldownPeriod::get();
		assert!(paid_by < effective_at);
		run_to_block(paid_by);
		assert_eq!(delegation_hold(1), 0);
		assert_eq!(pool(pid).commission, Permill::from_percent(20));
		// Paid out with the delegation: worker A mined from block 1 until its forced stop at
		// block 2 + 7 days, 169 blocks each paying the delegator 80% of 10 PHA. Nothing at 80%.
		assert_eq!(free_balance(1) - before, 2000 * PHA + 169 * 8 * PHA);
		assert!(delegation(pid, 1).is_none());
		run_to_block(effective_at);
		assert_eq!(pool(pid).commission, Permill::from_percent(80));
	});
}

#[test]
fn no_increase_overtakes_a_first_delegator() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		run_blocks(1);
		// A block after its creation, an empty pool may already have been seen by someone whose
		// delegation is on its way: the increase waits like any other.
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(80)
		));
		assert_eq!(pool(pid).commission, Permill::zero());
		assert_eq!(
			pool(pid).pending_commission,
			Some(PendingCommission {
				commission: Permill::from_percent(80),
				effective_at: 2 + CommissionChangeDelay::get(),
			})
		);
		// In the block that creates a pool nobody can have seen it: the rate applies at once.
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		let fresh = NextPoolId::<Test>::get() - 1;
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_B),
			fresh,
			Permill::from_percent(30)
		));
		assert_eq!(pool(fresh).commission, Permill::from_percent(30));
	});
}

#[test]
#[should_panic(expected = "CommissionChangeDelay must exceed GracePeriod + CooldownPeriod")]
fn a_commission_delay_shorter_than_the_longest_exit_is_refused() {
	let _restore = Restore(Box::new(|| CommissionChangeDelay::set(15 * DAYS)));
	CommissionChangeDelay::set(GracePeriod::get() + CooldownPeriod::get());
	<StakePool as frame_support::traits::Hooks<BlockNumber>>::integrity_test();
}

#[test]
fn a_lower_max_commission_applies_at_once() {
	let _restore = Restore(Box::new(|| MaxCommission::set(Permill::from_percent(80))));
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(80)
		));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// A runtime upgrade lowers the cap to 50%: from then on (and for what the pool earned but
		// has not settled) the owner gets 50% at most.
		MaxCommission::set(Permill::from_percent(50));
		run_blocks(2);
		assert_eq!(StakePool::pending_rewards(&1, pid), 10 * PHA);
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!(pool(pid).commission, Permill::from_percent(50));
	});
}

#[test]
fn an_owner_may_limit_its_own_commission_increases() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		let set = |percent: u32| {
			StakePool::set_commission(
				RuntimeOrigin::signed(OWNER_A),
				pid,
				Permill::from_percent(percent),
			)
		};
		let limit = |who: AccountId, percent: u32, min_delay: BlockNumber| {
			StakePool::set_commission_change_rate(
				RuntimeOrigin::signed(who),
				pid,
				Permill::from_percent(percent),
				min_delay,
			)
		};
		assert_ok!(set(10));
		// At most 5 points per increase, one increase a day.
		assert_ok!(limit(OWNER_A, 5, DAYS));
		// Six points are more than the rate allows (and the 10% of block 1 was an increase a
		// moment ago).
		assert_noop!(set(16), Error::<Test>::CommissionChangeThrottled);
		// A day later, 10% -> 15% is within the rate; it waits CommissionChangeDelay to apply.
		run_blocks(DAYS);
		assert_ok!(set(15));
		assert_eq!(pool(pid).commission, Permill::from_percent(10));
		assert!(pool(pid).pending_commission.is_some());
		// Another increase within the day is refused, though small; a decrease never is.
		run_blocks(DAYS - 1);
		assert_noop!(set(14), Error::<Test>::CommissionChangeThrottled);
		assert_ok!(set(8));
		assert_eq!(pool(pid).pending_commission, None);
		run_blocks(1);
		assert_ok!(set(13));
		// The rate can be tightened, never loosened, and only by the owner.
		assert_noop!(limit(OWNER_A, 6, DAYS), Error::<Test>::CommissionChangeRateNotAllowed);
		assert_noop!(limit(OWNER_A, 5, DAYS - 1), Error::<Test>::CommissionChangeRateNotAllowed);
		assert_ok!(limit(OWNER_A, 2, 2 * DAYS));
		assert_noop!(limit(OWNER_B, 1, 3 * DAYS), Error::<Test>::NotPoolOwner);
	});
}
