//! The stake pools as the election's data provider, and the active set of each era.

use crate::{mock::*, *};
use frame_election_provider_support::{bounds::DataProviderBounds, ElectionDataProvider};
use frame_support::{assert_ok, PalletId};

/// Pool 0 (OWNER_A, worker A mining 2000) and pool 1 (OWNER_B, worker 21 mining 2000).
/// Account 1 delegates 2000 to pool 0 and 500 to pool 1; account 2 delegates 3000 to pool 1;
/// account 3 delegates 1000 to pool 2, which has no mining worker.
fn two_mining_pools() {
	let pool_0 = seed_pool();
	setup_worker(21, 400, OWNER_B);
	assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
	assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), 1, 21));
	assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pool_0, 2000 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 1, 500 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), 1, 3000 * PHA));
	assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), 2, 1000 * PHA));
	assert_ok!(StakePool::start_mining(
		RuntimeOrigin::signed(OWNER_A),
		pool_0,
		WORKER_A,
		2000 * PHA
	));
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_B), 1, 21, 2000 * PHA));
}

#[test]
fn targets_are_pools_with_a_mining_worker() {
	ExtBuilder::default().build_and_execute(|| {
		two_mining_pools();
		let mut targets = StakePool::electable_targets(DataProviderBounds::default(), 0).unwrap();
		targets.sort();
		assert_eq!(targets, vec![POOL_ACCOUNT_BASE, POOL_ACCOUNT_BASE + 1]);
		// An unresponsive worker is not mining: its pool drops out.
		assert_ok!(StakePool::report_unresponsive(RuntimeOrigin::signed(ORACLE), WORKER_A));
		let targets = StakePool::electable_targets(DataProviderBounds::default(), 0).unwrap();
		assert_eq!(targets, vec![POOL_ACCOUNT_BASE + 1]);
	});
}

#[test]
fn voters_are_delegators_weighted_by_their_value_in_candidate_pools() {
	ExtBuilder::default().build_and_execute(|| {
		two_mining_pools();
		let mut voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		voters.sort_by_key(|(who, _, _)| *who);
		let voters: Vec<(AccountId, u64, Vec<AccountId>)> = voters
			.into_iter()
			.map(|(who, stake, votes)| (who, stake, votes.into_inner()))
			.collect();
		// Account 3 backs only pool 2, which does not stand: it does not vote.
		assert_eq!(
			voters,
			vec![
				(1, (2500 * PHA) as u64, vec![POOL_ACCOUNT_BASE, POOL_ACCOUNT_BASE + 1]),
				(2, (3000 * PHA) as u64, vec![POOL_ACCOUNT_BASE + 1]),
			]
		);
		// Bounds are honoured.
		let bounded = DataProviderBounds { count: Some(1.into()), size: None };
		assert_eq!(StakePool::electing_voters(bounded, 0).unwrap().len(), 1);
		// A slash lowers the vote to the value after the slash. Account 4 brings pool 0 to 3000
		// PHA, all staked for worker A; a slash of 1000 leaves A at its 2000 minimum (still a
		// candidate) and account 1's 2000 shares of 3000 worth 2000 * 2000 / 3000 PHA.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(4), 0, 1000 * PHA));
		assert_ok!(StakePool::restart_mining(
			RuntimeOrigin::signed(OWNER_A),
			0,
			WORKER_A,
			3000 * PHA
		));
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 1000 * PHA));
		let voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		let one = voters.iter().find(|(who, _, _)| *who == 1).unwrap();
		assert_eq!(one.1, 1_333_333_333_333_333 + (500 * PHA) as u64);
	});
}

#[test]
fn the_next_election_is_at_the_end_of_the_era() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(StakePool::next_election_prediction(1), 50);
		assert_eq!(StakePool::next_election_prediction(49), 50);
		assert_eq!(StakePool::next_election_prediction(50), 100);
		assert_eq!(StakePool::desired_targets().unwrap(), 2);
	});
}

#[test]
fn each_era_elects_an_active_set_with_its_backing() {
	DesiredActivePools::set(1);
	ExtBuilder::default().build_and_execute(|| {
		two_mining_pools();
		run_to_block(49);
		assert_eq!(CurrentEra::<Test>::get(), 0);
		run_to_block(50);
		// Sequential Phragmen picks pool 1 first: its approval is 2500 + 3000 = 5500 against
		// pool 0's 2500, and both voters back it with all their stake.
		assert_eq!(CurrentEra::<Test>::get(), 1);
		assert_eq!(ActivePools::<Test>::get().into_inner(), vec![(1, 5500 * PHA)]);
		assert!(pool_events()
			.contains(&Event::ActiveSetElected { era: 1, pools: vec![(1, 5500 * PHA)] }));
	});
	DesiredActivePools::set(2);
}

#[test]
fn two_seats_elect_both_pools_with_all_the_stake() {
	ExtBuilder::default().build_and_execute(|| {
		two_mining_pools();
		run_to_block(50);
		let set = ActivePools::<Test>::get();
		let mut pools: Vec<PoolId> = set.iter().map(|(pid, _)| *pid).collect();
		pools.sort();
		assert_eq!(pools, vec![0, 1]);
		// However Phragmen splits account 1's stake, all 5500 back the two pools.
		assert_eq!(set.iter().map(|(_, backing)| backing).sum::<u128>(), 5500 * PHA);
		run_to_block(100);
		assert_eq!(CurrentEra::<Test>::get(), 2);
	});
}

#[test]
fn pallet_id_pool_accounts_round_trip() {
	frame_support::parameter_types! { pub const Id: PalletId = PalletId(*b"py/stkpl"); }
	type Accounts = PalletIdPoolAccounts<Id>;
	for pid in [0u64, 1, 42, u64::MAX] {
		let account: sp_runtime::AccountId32 = <Accounts as PoolAccounts<_>>::account_of(pid);
		assert_eq!(<Accounts as PoolAccounts<_>>::pool_of(&account), Some(pid));
	}
	let stranger = sp_runtime::AccountId32::new([7u8; 32]);
	assert_eq!(<Accounts as PoolAccounts<sp_runtime::AccountId32>>::pool_of(&stranger), None);
}

#[test]
fn shares_waiting_in_the_exit_queue_do_not_vote() {
	ExtBuilder::default().build_and_execute(|| {
		two_mining_pools();
		let weight_of = |who: AccountId| {
			StakePool::electing_voters(DataProviderBounds::default(), 0)
				.unwrap()
				.into_iter()
				.find(|(voter, _, _)| *voter == who)
				.map(|(_, weight, _)| weight)
		};
		// Account 1: 2000 PHA in pool 0 and 500 in pool 1.
		assert_eq!(weight_of(1), Some(2500 * PHA as u64));
		// Pool 0 has nothing free: 500 PHA of account 1's withdrawal waits in its queue and no
		// longer votes.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), 0, 500 * PHA));
		assert_eq!(pool(0).queued_shares, 500 * PHA);
		assert_eq!(weight_of(1), Some(2000 * PHA as u64));
	});
}
