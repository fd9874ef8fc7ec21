//! The stake pools as the election's data provider, and the active set of each era.

use crate::{mock::*, *};
use frame_election_provider_support::{
	bounds::DataProviderBounds, ElectionDataProvider, SortedListProvider,
};
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
		// A voter read values positions at the share prices of the target read it follows
		// (the election takes its targets the block before its first voter page): one taken
		// before the slash, in this block, still counts account 1's 2000 PHA.
		let voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		let one = voters.iter().find(|(who, _, _)| *who == 1).unwrap();
		assert_eq!(one.1, (2500 * PHA) as u64);
		// With a target read after the slash, 2000 * 2000 / 3000 PHA.
		let _ = StakePool::electable_targets(DataProviderBounds::default(), 0).unwrap();
		let voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		let one = voters.iter().find(|(who, _, _)| *who == 1).unwrap();
		assert_eq!(one.1, 1_333_333_333_333_333 + (500 * PHA) as u64);
		// And a read starting two blocks after the last target read takes its own prices.
		let _ = StakePool::electable_targets(DataProviderBounds::default(), 0).unwrap();
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 500 * PHA));
		System::set_block_number(System::block_number() + 2);
		let voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		let one = voters.iter().find(|(who, _, _)| *who == 1).unwrap();
		// The slash left worker A below its 2000 PHA minimum: it stopped mining (no stake, no
		// power), pool 0 is no candidate, and account 1 votes its 500 PHA in pool 1 alone.
		assert_eq!((one.1, one.2.to_vec()), ((500 * PHA) as u64, vec![POOL_ACCOUNT_BASE + 1]));
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

/// The weight the data provider registered for the block (mandatory class).
fn registered_weight() -> frame_support::weights::Weight {
	*frame_system::Pallet::<Test>::block_weight()
		.get(frame_support::dispatch::DispatchClass::Mandatory)
}

#[test]
fn the_largest_voters_are_taken_whatever_their_addresses() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		// Accounts 1..=6 back pool 0 with 100..=600 PHA: account `n` with `n * 100`.
		for who in 1..=6u64 {
			assert_ok!(StakePool::delegate(
				RuntimeOrigin::signed(who),
				pid,
				who as u128 * 100 * PHA
			));
		}
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2100 * PHA
		));
		// The rule this replaced took delegators in account-hash order, which anyone can grind:
		// here it would have taken these three.
		let hash_order: Vec<AccountId> = DelegatorPools::<Test>::iter_keys().take(3).collect();
		let mut hash_order_sorted = hash_order.clone();
		hash_order_sorted.sort();
		assert_ne!(
			hash_order_sorted,
			vec![4, 5, 6],
			"the hash order happens to be the stake order"
		);
		// Now: the three largest, reading three (after the target read whose prices they use).
		let _ = StakePool::electable_targets(DataProviderBounds::default(), 0).unwrap();
		let before = registered_weight();
		let bounded = DataProviderBounds { count: Some(3.into()), size: None };
		let voters = StakePool::electing_voters(bounded, 0).unwrap();
		let taken: Vec<(AccountId, u64)> =
			voters.iter().map(|(who, stake, _)| (*who, *stake)).collect();
		assert_eq!(
			taken,
			vec![(6, (600 * PHA) as u64), (5, (500 * PHA) as u64), (4, (400 * PHA) as u64)]
		);
		assert_eq!(
			registered_weight() - before,
			<() as crate::weights::WeightInfo>::electing_voters(3)
		);
	});
}

#[test]
fn a_voter_moves_with_every_change_of_its_positions() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 1300 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 800 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		let first = || {
			let bounded = DataProviderBounds { count: Some(1.into()), size: None };
			StakePool::electing_voters(bounded, 0).unwrap()[0].0
		};
		assert_eq!(first(), 1);
		// 1 withdraws 600: the 100 free are paid at once, 500 queued (queued shares do not
		// vote): 700 < 800.
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(1), pid, 600 * PHA));
		assert_eq!(VoterScores::<Test>::get(1), 700 * PHA);
		assert_eq!(first(), 2);
		// It cancels: 1200.
		assert_ok!(StakePool::cancel_withdrawal(RuntimeOrigin::signed(1), pid, 0));
		assert_eq!(VoterScores::<Test>::get(1), 1200 * PHA);
		assert_eq!(first(), 1);
		// 2 adds 500: 1300.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 500 * PHA));
		assert_eq!(VoterScores::<Test>::get(2), 1300 * PHA);
		assert_eq!(first(), 2);
		// A voter who leaves leaves the list.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(3), pid, 50 * PHA));
		assert!(VoterList::contains(&3));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(3), pid, u128::MAX));
		assert!(!VoterList::contains(&3));
		assert_eq!(VoterScores::<Test>::get(3), 0);
	});
}

#[test]
fn a_slashed_voter_keeps_its_place_until_anyone_settles_it() {
	ExtBuilder::default().build_and_execute(|| {
		// Pool 0: account 1 with 600 and the owner with 3400, all staked for worker A
		// (minimum 2000).
		let pid = seed_pool();
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 600 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(OWNER_A), pid, 3400 * PHA));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			4000 * PHA
		));
		// Pool 1: account 2 with 400.
		setup_worker(21, 400, OWNER_B);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_B), 1, 21));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), 1, 2000 * PHA));
		assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_B), 1, 21, 2000 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), 1, 1600 * PHA));
		assert_eq!(VoterScores::<Test>::get(2), 400 * PHA);
		// Half of pool 0 is slashed (A keeps its 2000 minimum and mines on): account 1's
		// position is worth 300, its score still 600.
		assert_ok!(StakePool::slash_worker(RuntimeOrigin::signed(ORACLE), WORKER_A, 2000 * PHA));
		let by_score = |n: u32| {
			let bounded = DataProviderBounds { count: Some(n.into()), size: None };
			StakePool::electing_voters(bounded, 0)
				.unwrap()
				.into_iter()
				.map(|(who, stake, _)| (who, stake))
				.collect::<Vec<_>>()
		};
		// The owner (3400, now 1700) first; then 1 at its stale score, voting its fresh 300.
		assert_eq!(by_score(2), vec![(OWNER_A, (1700 * PHA) as u64), (1, (300 * PHA) as u64)]);
		// Anyone settles 1's slash: it is rescored and 2's 400 comes first.
		assert_ok!(StakePool::settle_slash(RuntimeOrigin::signed(9), pid, 1));
		assert_eq!(VoterScores::<Test>::get(1), 300 * PHA);
		assert_eq!(by_score(2), vec![(OWNER_A, (1700 * PHA) as u64), (2, (400 * PHA) as u64)]);
	});
}

#[test]
fn the_largest_candidate_pools_are_the_targets() {
	ExtBuilder::default().build_and_execute(|| {
		// Pools 0, 1, 2 with one worker each; values 2000, 5000 and 3000; pool 3 holds 9000
		// but mines nothing.
		let owners = [OWNER_A, OWNER_B, 17];
		for (i, (owner, value)) in owners.iter().zip([2000, 5000, 3000]).enumerate() {
			let worker = 30 + i as AccountId;
			setup_worker(worker, 400, *owner);
			assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(*owner)));
			assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(*owner), i as u64, worker));
			assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), i as u64, value * PHA));
			assert_ok!(StakePool::start_mining(
				RuntimeOrigin::signed(*owner),
				i as u64,
				worker,
				2000 * PHA
			));
		}
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(18)));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), 3, 9000 * PHA));
		let before = registered_weight();
		let bounded = DataProviderBounds { count: Some(2.into()), size: None };
		assert_eq!(
			StakePool::electable_targets(bounded, 0).unwrap(),
			vec![POOL_ACCOUNT_BASE + 1, POOL_ACCOUNT_BASE + 2]
		);
		assert_eq!(
			registered_weight() - before,
			<() as crate::weights::WeightInfo>::electable_targets(2)
		);
		// Pool 1 stops mining: it leaves the list and pool 0 comes in.
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_B), 1, 31));
		assert!(!TargetList::contains(&(POOL_ACCOUNT_BASE + 1)));
		assert_eq!(
			StakePool::electable_targets(bounded, 0).unwrap(),
			vec![POOL_ACCOUNT_BASE + 2, POOL_ACCOUNT_BASE]
		);
	});
}

/// Five delegators of pool 0 with 1000, 2000, 3000, 4000 and 5000 PHA (accounts 1 to 5), the
/// election reading three pages of two.
fn five_voters_three_pages() -> DataProviderBounds {
	let pid = seed_pool();
	for (i, who) in (1..=5).enumerate() {
		assert_ok!(StakePool::delegate(
			RuntimeOrigin::signed(who),
			pid,
			(i as u128 + 1) * 1000 * PHA
		));
	}
	assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), pid, WORKER_A, 2000 * PHA));
	DataProviderBounds { count: Some(2.into()), size: None }
}

fn accounts(voters: Vec<frame_election_provider_support::VoterOf<StakePool>>) -> Vec<AccountId> {
	voters.into_iter().map(|(who, _, _)| who).collect()
}

#[test]
fn voters_are_read_page_by_page_largest_first() {
	ExtBuilder::default().build_and_execute(|| {
		let page = five_voters_three_pages();
		assert_eq!(accounts(StakePool::electing_voters(page, 2).unwrap()), vec![5, 4]);
		assert!(StakePool::voter_list_locked());
		assert_eq!(accounts(StakePool::electing_voters(page, 1).unwrap()), vec![3, 2]);
		assert_eq!(accounts(StakePool::electing_voters(page, 0).unwrap()), vec![1]);
		assert!(!StakePool::voter_list_locked());
		// A new read starts at the top again.
		assert_eq!(accounts(StakePool::electing_voters(page, 2).unwrap()), vec![5, 4]);
		let _ = StakePool::electing_voters(page, 1).unwrap();
		let _ = StakePool::electing_voters(page, 0).unwrap();
	});
}

#[test]
fn an_exhausted_list_leaves_the_later_pages_empty() {
	ExtBuilder::default().build_and_execute(|| {
		let _ = five_voters_three_pages();
		let large = DataProviderBounds { count: Some(10.into()), size: None };
		assert_eq!(StakePool::electing_voters(large, 2).unwrap().len(), 5);
		assert_eq!(VoterSnapshotStatus::<Test>::get(), SnapshotStatus::Consumed { page: 2 });
		assert!(StakePool::electing_voters(large, 1).unwrap().is_empty());
		assert!(StakePool::electing_voters(large, 0).unwrap().is_empty());
		assert!(!StakePool::voter_list_locked());
	});
}

/// The attack a locked list stops: between two pages a voter read on a later page grows past
/// the cursor (or one read already shrinks below it). Unlocked, the first would be read twice
/// and the second never; locked, every voter is read exactly once, and the list catches up
/// after the snapshot, `MaxStaleRescoresPerBlock` (2) per block.
#[test]
fn nobody_moves_between_pages_of_a_snapshot() {
	ExtBuilder::default().build_and_execute(|| {
		let page = five_voters_three_pages();
		let first = accounts(StakePool::electing_voters(page, 2).unwrap());
		assert_eq!(first, vec![5, 4]);
		// Account 2 (2000) grows to 12000, above everyone already read; account 5 (5000)
		// withdraws to 500, below everyone not yet read; account 7 joins with 2500.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), 0, 10_000 * PHA));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(5), 0, 4500 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(7), 0, 2500 * PHA));
		// Nobody can move a node by hand either.
		assert!(VoterList::rebag(RuntimeOrigin::signed(1), 2).is_err());
		check_try_state();
		let second = accounts(StakePool::electing_voters(page, 1).unwrap());
		let third = accounts(StakePool::electing_voters(page, 0).unwrap());
		let mut all: Vec<AccountId> = first.into_iter().chain(second).chain(third).collect();
		all.sort();
		all.dedup();
		assert_eq!(all, vec![1, 2, 3, 4, 5], "every listed voter read exactly once");
		assert_eq!(StaleVoters::<Test>::count(), 3);
		// Unlocked, the hook moves two per block.
		run_blocks(1);
		assert_eq!(StaleVoters::<Test>::count(), 1);
		run_blocks(1);
		assert_eq!(StaleVoters::<Test>::count(), 0);
		let order: Vec<AccountId> = VoterList::iter().take(2).collect();
		assert_eq!(order, vec![2, 4]);
		assert!(VoterList::contains(&7));
	});
}

#[test]
fn a_snapshot_that_never_finished_is_unlocked_at_the_era_boundary() {
	ExtBuilder::default().build_and_execute(|| {
		let page = five_voters_three_pages();
		let _ = StakePool::electing_voters(page, 2).unwrap();
		assert!(StakePool::voter_list_locked());
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 0, 100 * PHA));
		assert_eq!(StaleVoters::<Test>::count(), 1);
		run_to_block(EraLength::get());
		assert!(!StakePool::voter_list_locked());
		run_blocks(1);
		assert_eq!(StaleVoters::<Test>::count(), 0);
	});
}

/// Pools 0 to 3 mining, worth 2000, 3000, 5000 and 8000 PHA (each in a bag of its own), backed
/// by accounts 1 to 4.
fn four_candidate_pools() {
	for pid in 0..4u32 {
		let owner = OWNER_A;
		let worker = 40 + pid as AccountId;
		setup_worker(worker, 400, owner);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(owner)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(owner), pid as PoolId, worker));
		let backer = 1 + pid as AccountId;
		let value = [2000, 3000, 5000, 8000][pid as usize] * PHA;
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(backer), pid as PoolId, value));
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(owner),
			pid as PoolId,
			worker,
			2000 * PHA
		));
	}
}

/// The target list is read like the voter list: page by page, locked in between, pools whose
/// value changes meanwhile moved after; the voter pages value positions at the prices of every
/// target page.
#[test]
fn targets_are_read_page_by_page_and_nobody_moves_between_pages() {
	ExtBuilder::default().build_and_execute(|| {
		four_candidate_pools();
		let page = DataProviderBounds { count: Some(2.into()), size: None };
		let first = StakePool::electable_targets(page, 1).unwrap();
		assert_eq!(first, vec![POOL_ACCOUNT_BASE + 3, POOL_ACCOUNT_BASE + 2]);
		assert!(StakePool::target_list_locked());
		// Pool 0 (read next) grows past everyone already read: not read twice.
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(9), 0, 10_000 * PHA));
		assert_eq!(StaleTargets::<Test>::count(), 1);
		check_try_state();
		let second = StakePool::electable_targets(page, 0).unwrap();
		assert_eq!(second, vec![POOL_ACCOUNT_BASE + 1, POOL_ACCOUNT_BASE]);
		assert!(!StakePool::target_list_locked());
		// Prices of both pages are kept: pool 0's at its value when read (12000 PHA over 12000
		// shares), pool 3's (8000 over 8000).
		let (_, prices) = SnapshotPrices::<Test>::get().unwrap();
		let pids: Vec<PoolId> = prices.iter().map(|price| price.pid).collect();
		assert_eq!(pids, vec![3, 2, 1, 0]);
		// Account 4 (pool 3's backer) and account 9 (pool 0) vote in the voter read that follows.
		let voters = StakePool::electing_voters(DataProviderBounds::default(), 0).unwrap();
		let stake_of = |who: AccountId| voters.iter().find(|v| v.0 == who).map(|v| v.1);
		assert_eq!(stake_of(4), Some((8000 * PHA) as u64));
		assert_eq!(stake_of(9), Some((10_000 * PHA) as u64));
		// The hook moves pool 0 to the top.
		run_blocks(1);
		assert_eq!(StaleTargets::<Test>::count(), 0);
		assert_eq!(TargetList::iter().next(), Some(POOL_ACCOUNT_BASE));
	});
}

/// A pool that stops mining while the target list is locked (its place waits, still listed)
/// and starts again right after the unlock, before the hook moved it: its new place must come
/// from the list, not from the score it had (found by review: the list was told to insert a
/// pool it still held).
#[test]
fn a_pool_changing_twice_around_a_paged_read_keeps_the_list_right() {
	ExtBuilder::default().build_and_execute(|| {
		four_candidate_pools();
		// Pool 4 is bound but does not mine: not listed.
		setup_worker(44, 400, OWNER_A);
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)));
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 4, 44));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(5), 4, 2000 * PHA));
		assert!(!TargetList::contains(&(POOL_ACCOUNT_BASE + 4)));
		let page = DataProviderBounds { count: Some(2.into()), size: None };
		let _ = StakePool::electable_targets(page, 1).unwrap();
		// Locked: pool 0 stops mining (listed, score now zero), pool 4 starts (unlisted).
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), 0, 40));
		assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), 4, 44, 2000 * PHA));
		assert_eq!(StaleTargets::<Test>::count(), 2);
		let _ = StakePool::electable_targets(page, 0).unwrap();
		assert!(!StakePool::target_list_locked());
		// Unlocked, same block: pool 0 cannot restart (its worker cools down), so a second
		// worker joins and mines; pool 4 stops.
		setup_worker(45, 400, OWNER_A);
		assert_ok!(StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), 0, 45));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(6), 0, 2000 * PHA));
		assert_ok!(StakePool::start_mining(RuntimeOrigin::signed(OWNER_A), 0, 45, 2000 * PHA));
		assert_ok!(StakePool::stop_mining(RuntimeOrigin::signed(OWNER_A), 4, 44));
		check_try_state();
		assert_eq!(TargetList::get_score(&POOL_ACCOUNT_BASE).ok(), Some(pool(0).target_score));
		assert!(!TargetList::contains(&(POOL_ACCOUNT_BASE + 4)));
		assert_eq!(StaleTargets::<Test>::count(), 0);
	});
}
