//! Storage migrations.

use crate::{migrations::v3, mock::*, *};
use frame_support::{
	assert_ok,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	BoundedVec,
};

#[test]
fn v3_gives_each_listed_pool_its_voting_shares_and_hold() {
	ExtBuilder::default().build_and_execute(|| {
		let pid = seed_pool();
		assert_ok!(StakePool::create_pool(RuntimeOrigin::signed(OWNER_B)));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), pid, 1500 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(1), 1, 600 * PHA));
		assert_ok!(StakePool::delegate(RuntimeOrigin::signed(2), pid, 500 * PHA));
		// All of pool 0 is staked; account 2 queues 200 PHA of shares to leave: they no longer
		// vote.
		assert_ok!(StakePool::start_mining(
			RuntimeOrigin::signed(OWNER_A),
			pid,
			WORKER_A,
			2000 * PHA
		));
		assert_ok!(StakePool::withdraw(RuntimeOrigin::signed(2), pid, 200 * PHA));
		let expected: Vec<_> = DelegatorPools::<Test>::iter().collect();
		assert_eq!(
			DelegatorPools::<Test>::get(2).to_vec(),
			vec![VotingPosition { pid, shares: 300 * PHA, held: 500 * PHA }]
		);
		// The state as version 2 stored it: pool ids alone.
		for (who, positions) in expected.iter() {
			let pids: Vec<PoolId> = positions.iter().map(|p| p.pid).collect();
			v3::old::DelegatorPools::<Test>::insert(who, BoundedVec::truncate_from(pids));
		}
		StorageVersion::new(2).put::<StakePool>();

		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		let mut migrated: Vec<_> = DelegatorPools::<Test>::iter().collect();
		let mut expected = expected;
		migrated.sort_by_key(|(who, _)| *who);
		expected.sort_by_key(|(who, _)| *who);
		assert_eq!(migrated, expected);
		assert_eq!(StakePool::on_chain_storage_version(), StorageVersion::new(3));
		// Run again: the version guard skips it (it would read these bytes as version 2's and
		// rewrite them).
		let before = DelegatorPools::<Test>::get(1);
		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(DelegatorPools::<Test>::get(1), before);
	});
}
