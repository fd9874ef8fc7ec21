//! Rewards: the per-block budget shared by power, claims, restaking, rounding.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Permill};

#[test]
fn the_budget_is_shared_among_pools_by_power() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// Pool 1 with a worker four times as powerful (score 1600, minimum 4000 PHA).
		setup_worker(21, 1600, OWNER_B);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), pid + 1, 21));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid + 1, 4000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_B),
			pid + 1,
			21,
			4000 * PHA
		));
		run_blocks(5);
		// 50 PHA over 400 : 1600.
		assert_eq!(StakePool::pending_rewards(&1, pid), 10 * PHA);
		assert_eq!(StakePool::pending_rewards(&2, pid + 1), 40 * PHA);
	});
}

#[test]
fn nothing_is_released_while_nobody_mines() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		run_blocks(10);
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(2);
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A));
		run_blocks(10);
		assert_eq!(StakePool::pending_rewards(&1, pid), 20 * PHA);
		let state = Rewards::<Test>::get();
		assert_eq!((state.released, state.accrued), (20 * PHA, 20 * PHA));
	});
}

#[test]
fn a_pool_gets_the_whole_budget_even_when_power_does_not_divide_it() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 7000 * PHA));
		for (w, stake) in [(WORKER_A, 2000), (WORKER_B, 2000), (WORKER_C, 3000)] {
			assert_ok!(StakePool::start_mining(
				RuntimeOrigin::signed(OWNER_A),
				pid,
				w,
				stake * PHA
			));
		}
		// Power 1700 does not divide 10 PHA; the counter rounds up per step and the pool is
		// capped at the released budget, so it receives exactly 7 * 10 PHA.
		run_blocks(7);
		assert_eq!(StakePool::pending_rewards(&1, pid), 70 * PHA);
	});
}

#[test]
fn claims_pay_rewards_and_restake_adds_them_to_the_position() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(20)
		));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_noop!(
			StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, false),
			Error::<Test>::NothingToClaim
		);
		run_blocks(1);
		// 10 PHA: 2 commission, 4 each.
		let issuance = Balances::total_issuance();
		assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, false));
		assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(2), pid, true));
		assert_eq!(delegation_hold(2), 2004 * PHA);
		assert_eq!(delegation(pid, 2).unwrap().shares, 2004 * PHA);
		assert_eq!(pool(pid).free, 2004 * PHA);
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!(Balances::total_issuance() - issuance, 10 * PHA);
		assert_noop!(
			StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(
			StakePool::claim_commission(RuntimeOrigin::signed(1), pid),
			Error::<Test>::NotPoolOwner
		);
		assert_noop!(
			StakePool::claim_rewards(RuntimeOrigin::signed(3), pid, false),
			Error::<Test>::NoDelegation
		);
	});
}

#[test]
fn a_restake_beyond_the_cap_fails_whole() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::set_cap(RuntimeOrigin::signed(OWNER_A), pid, Some(2000 * PHA)));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(1);
		let before = free_balance(1);
		assert_noop!(
			StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, true),
			Error::<Test>::CapExceeded
		);
		assert_eq!(free_balance(1), before);
		assert_ok!(StakePool::claim_rewards(RuntimeOrigin::signed(1), pid, false));
		assert_eq!(free_balance(1) - before, 10 * PHA);
	});
}

#[test]
fn the_budget_can_be_changed_by_the_admin_only() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(3);
		assert_noop!(
			StakePool::set_reward_per_block(RuntimeOrigin::signed(1), PHA),
			DispatchError::BadOrigin
		);
		assert_ok!(StakePool::set_reward_per_block(RuntimeOrigin::root(), PHA));
		run_blocks(2);
		// 3 blocks at 10, 2 at 1.
		assert_eq!(StakePool::pending_rewards(&1, pid), 32 * PHA);
	});
}

#[test]
fn an_empty_reward_pot_fails_the_claim_cleanly() {
	ExtBuilder::default().build_and_execute(|| {
		frame_support::parameter_types! { pub const Pot: AccountId = 4242; }
		let result =
			<PayFromAccount<Balances, Pot> as RewardSource<AccountId, Balance>>::pay(&1, PHA);
		assert!(result.is_err());
		assert_eq!(free_balance(4242), 0);
	});
}

#[test]
fn rewards_can_be_claimed_to_another_account() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(1);
		// One block, no commission: 10 PHA, paid to account 9.
		let (own, other) = (free_balance(1), free_balance(9));
		assert_ok!(StakePool::claim_rewards_to(RuntimeOrigin::signed(1), pid, 9));
		assert_eq!((free_balance(1) - own, free_balance(9) - other), (0, 10 * PHA));
		assert!(pool_events().contains(&Event::RewardsClaimed {
			pid,
			delegator: 1,
			beneficiary: 9,
			amount: 10 * PHA,
			restaked: false,
		}));
		assert_noop!(
			StakePool::claim_rewards_to(RuntimeOrigin::signed(1), pid, 9),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(
			StakePool::claim_rewards_to(RuntimeOrigin::signed(2), pid, 9),
			Error::<Test>::NoDelegation
		);
	});
}

#[test]
fn commission_goes_to_the_payee_the_owner_names() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::set_commission(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			Permill::from_percent(50)
		));
		assert_noop!(
			StakePool::set_commission_payee(RuntimeOrigin::signed(OWNER_B), pid, Some(9)),
			Error::<Test>::NotPoolOwner
		);
		assert_ok!(StakePool::set_commission_payee(RuntimeOrigin::signed(OWNER_A), pid, Some(9)));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		run_blocks(1);
		// Half of 10 PHA to the payee, nothing to the owner.
		let (owner, payee) = (free_balance(OWNER_A), free_balance(9));
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!((free_balance(OWNER_A) - owner, free_balance(9) - payee), (0, 5 * PHA));
		// Cleared, it goes to the owner again.
		assert_ok!(StakePool::set_commission_payee(RuntimeOrigin::signed(OWNER_A), pid, None));
		run_blocks(1);
		let owner = free_balance(OWNER_A);
		assert_ok!(StakePool::claim_commission(RuntimeOrigin::signed(OWNER_A), pid));
		assert_eq!(free_balance(OWNER_A) - owner, 5 * PHA);
	});
}

/// `start_reward_clock` (called by a parachain runtime when the relay chain's block number
/// first becomes known) starts a clock that has not run, and only then.
#[test]
fn the_reward_clock_starts_once_and_only_when_the_time_is_known() {
	ExtBuilder::default().reward_per_block(10 * PHA).build_and_execute(|| {
		// Genesis left the clock at 0 (the mock's provider is the block number, 0 at genesis).
		assert_eq!(Rewards::<Test>::get().last_update, 0);
		// A provider that still reads 0 (a parachain's first `on_initialize`): not started.
		System::set_block_number(0);
		StakePool::start_reward_clock();
		assert_eq!(Rewards::<Test>::get().last_update, 0);
		// The time becomes known: the clock starts there, nothing released for before.
		System::set_block_number(1_000);
		StakePool::start_reward_clock();
		let state = Rewards::<Test>::get();
		assert_eq!((state.last_update, state.released), (1_000, 0));
		// Started: later calls change nothing, and the budget flows from block 1,000 on.
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		System::set_block_number(1_003);
		StakePool::start_reward_clock();
		assert_eq!(Rewards::<Test>::get().last_update, 1_000);
		// Mining started at block 1,000: 3 blocks of 10 PHA.
		assert_eq!(StakePool::pending_rewards(&1, pid), 30 * PHA);
	});
}
