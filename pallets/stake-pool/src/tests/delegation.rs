//! Delegating: holds, shares, limits.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

#[test]
fn delegation_holds_funds_in_the_delegators_account_without_a_transfer() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		let before = Balances::total_balance(&1);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 1400 * PHA));
		assert_eq!(Balances::total_balance(&1), before);
		assert_eq!(delegation_hold(1), 1400 * PHA);
		let d = delegation(pid, 1).unwrap();
		assert_eq!((d.shares, d.held), (1400 * PHA, 1400 * PHA));
		let p = pool(pid);
		assert_eq!(
			(p.total_value, p.free, p.total_shares, p.delegators),
			(1400 * PHA, 1400 * PHA, 1400 * PHA, 1)
		);
		// The position as the election reads it: 1400 voting shares, 1400 PHA held.
		assert_eq!(
			DelegatorPools::<Test>::get(1).to_vec(),
			vec![VotingPosition { pid, shares: 1400 * PHA, held: 1400 * PHA }]
		);
		assert!(pool_events().contains(&Event::Delegated {
			pid,
			delegator: 1,
			amount: 1400 * PHA,
			shares: 1400 * PHA,
			total_value: 1400 * PHA,
			free: 1400 * PHA
		}));
	});
}

#[test]
fn delegate_rejects_bad_amounts_and_changes_nothing() {
	ExtBuilder::default().balance(50, 3 * PHA).build_and_execute(|| {
		let pid = seed_pool();
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(1), 9, PHA),
			Error::<Test>::PoolNotFound
		);
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(1), pid, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(1), pid, PHA - 1),
			Error::<Test>::DelegationTooSmall
		);
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(1), pid, u128::MAX),
			Error::<Test>::InsufficientBalance
		);
		// The existential deposit must stay free.
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(50), pid, 3 * PHA),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(StakePool::delegate(
			RuntimeOrigin::signed(50),
			pid,
			3 * PHA - ExistentialDeposit::get()
		));
	});
}

#[test]
fn a_delegator_backs_at_most_max_pools_per_delegator() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..5 {
			assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
		}
		for pid in 0..4 {
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, PHA));
		}
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(1), 4, PHA),
			Error::<Test>::TooManyPools
		);
		// More into a pool already backed is fine.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 0, PHA));
		// Leaving one frees a slot.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), 3, u128::MAX));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 4, PHA));
		let positions = StakePool::delegator_positions(&1);
		assert_eq!(positions.iter().map(|p| p.pid).collect::<Vec<_>>(), vec![0, 1, 2, 4]);
	});
}

#[test]
fn shares_are_minted_at_the_share_price() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 4000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		// Slash 1000 of the 4000: a share is now worth 0.75.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1000 * PHA));
		assert_eq!(StakePool::pool_summary(pid).unwrap().share_price_ppb, 750_000_000);
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 300 * PHA));
		// 300 / 0.75 = 400 shares.
		assert_eq!(delegation(pid, 2).unwrap().shares, 400 * PHA);
		assert_eq!(pool(pid).total_value, 3300 * PHA);
	});
}

#[test]
fn a_fully_slashed_pool_takes_no_new_delegation() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 2000 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 2000 * PHA));
		assert_noop!(
			StakePool::delegate(RuntimeOrigin::signed(2), pid, PHA),
			Error::<Test>::PoolValueDepleted
		);
	});
}
