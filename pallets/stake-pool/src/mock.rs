//! A mock runtime for the pallet's tests: 12-decimal balances (1 PHA = 10^12), one block per
//! hour of protocol time, so the 7-day grace and cool-down periods are 168 blocks each.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use crate::{self as pallet_stake_pool, *};
/// The deadline hook's (`on_poll`) meter, for the tests that drive the hooks.
pub use frame_support::weights::WeightMeter;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::InspectHold, Hooks},
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_runtime::{BuildStorage, Permill};

pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

/// One PHA.
pub const PHA: Balance = 1_000_000_000_000;
/// Blocks per protocol day in the mock.
pub const DAYS: BlockNumber = 24;

/// The account the oracle origin accepts.
pub const ORACLE: AccountId = 999;
/// Pool owners of the seed's figures.
pub const OWNER_A: AccountId = 100;
pub const OWNER_B: AccountId = 200;
/// Workers of the seed's figures.
pub const WORKER_A: AccountId = 11;
pub const WORKER_B: AccountId = 12;
pub const WORKER_C: AccountId = 13;
pub const WORKER_D: AccountId = 14;
/// Delegators.
pub const DELEGATORS: [AccountId; 5] = [1, 2, 3, 4, 5];
pub const RICH: AccountId = 6;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		StakePool: pallet_stake_pool,
		VoterList: pallet_bags_list::<Instance1>,
		TargetList: pallet_bags_list::<Instance2>,
	}
);

/// Bags from 1 PHA up, 10% apart (as in the runtime).
pub static BAG_THRESHOLDS: [Balance; 200] = geometric_thresholds::<200>(PHA, 11, 10);

parameter_types! {
	pub const BagThresholds: &'static [Balance] = &BAG_THRESHOLDS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type ScoreProvider = VoterScoreOf<Test>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance2> for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type ScoreProvider = TargetScoreOf<Test>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = PHA / 100;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
}

parameter_types! {
	pub const Oracle: AccountId = ORACLE;
	pub const PoolDeposit: Balance = 10 * PHA;
	pub const MinDelegation: Balance = PHA;
	pub const MinStakePerSqrtScore: Balance = 100 * PHA;
	pub const MaxStakePerWorker: Balance = 50_000 * PHA;
	pub static MaxCommission: Permill = Permill::from_percent(80);
	/// The longest exit (14 days) and a day.
	pub static CommissionChangeDelay: BlockNumber = 15 * DAYS;
	pub static GracePeriod: BlockNumber = 7 * DAYS;
	pub static CooldownPeriod: BlockNumber = 7 * DAYS;
	pub static MaxPoolWorkers: u32 = 8;
	pub static MaxQueuePayoutsPerCall: u32 = 3;
	pub static MaxTasksPerBlock: u32 = 4;
	pub static MaxWithdrawalsPerDelegation: u32 = 4;
}

frame_support::ord_parameter_types! {
	pub const OracleAccount: AccountId = ORACLE;
}

/// Pool `pid` is account `POOL_ACCOUNT_BASE + pid` in the election.
pub const POOL_ACCOUNT_BASE: AccountId = 1_000_000;

pub struct MockPoolAccounts;
impl PoolAccounts<AccountId> for MockPoolAccounts {
	fn account_of(pid: PoolId) -> AccountId {
		POOL_ACCOUNT_BASE + pid
	}
	fn pool_of(who: &AccountId) -> Option<PoolId> {
		who.checked_sub(POOL_ACCOUNT_BASE)
	}
}

parameter_types! {
	pub static DesiredActivePools: u32 = 2;
	pub static EraLength: BlockNumber = 50;
	pub ElectionBounds: frame_election_provider_support::bounds::ElectionBounds =
		frame_election_provider_support::bounds::ElectionBoundsBuilder::default().build();
}

/// An instant on-chain sequential Phragmén over the pools (the real runtime uses the
/// multi-phase election pallet).
pub struct OnChainElection;
impl frame_election_provider_support::onchain::Config for OnChainElection {
	type Sort = frame_support::traits::ConstBool<true>;
	type System = Test;
	type Solver =
		frame_election_provider_support::SequentialPhragmen<AccountId, sp_runtime::Perbill>;
	type DataProvider = StakePool;
	type WeightInfo = ();
	type MaxWinnersPerPage = frame_support::traits::ConstU32<16>;
	type MaxBackersPerWinner = frame_support::traits::ConstU32<256>;
	type Bounds = ElectionBounds;
}

impl Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type RewardSource = MintRewards<Balances>;
	type OnSlash = ();
	type RegistrarOrigin = EnsureRoot<AccountId>;
	type OracleOrigin = EnsureSignedBy<OracleAccount, AccountId>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type BlockNumberProvider = System;
	type PoolDeposit = PoolDeposit;
	type MinDelegation = MinDelegation;
	type MinStakePerSqrtScore = MinStakePerSqrtScore;
	type MaxStakePerWorker = MaxStakePerWorker;
	type MaxCommission = MaxCommission;
	type CommissionChangeDelay = CommissionChangeDelay;
	type GracePeriod = GracePeriod;
	type CooldownPeriod = CooldownPeriod;
	// A mock day is 24 blocks: an hour each.
	type BlockTimeMillis = frame_support::traits::ConstU64<3_600_000>;
	type MaxPoolWorkers = MaxPoolWorkers;
	type MaxPoolsPerDelegator = frame_support::traits::ConstU32<4>;
	type MaxWhitelist = frame_support::traits::ConstU32<8>;
	type MaxDescriptionLen = frame_support::traits::ConstU32<64>;
	type MaxQueuePayoutsPerCall = MaxQueuePayoutsPerCall;
	type MaxTasksPerBlock = MaxTasksPerBlock;
	type MaxStaleRescoresPerBlock = frame_support::traits::ConstU32<2>;
	type MaxElectableTargets = frame_support::traits::ConstU32<16>;
	type MaxWithdrawalsPerDelegation = MaxWithdrawalsPerDelegation;
	type MaxSharesPerValue = frame_support::traits::ConstU32<10>;
	type VoterList = VoterList;
	type TargetList = TargetList;
	type ElectionProvider =
		frame_election_provider_support::onchain::OnChainExecution<OnChainElection>;
	type PoolAccounts = MockPoolAccounts;
	type CurrencyToVote = sp_staking::currency_to_vote::SaturatingCurrencyToVote;
	type EraLength = EraLength;
	type DesiredActivePools = DesiredActivePools;
	type OnNewActiveSet = ();
	type WeightInfo = ();
}

/// Builds the test externalities.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	reward_per_block: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		let mut balances: Vec<(AccountId, Balance)> =
			(1..=20).map(|who| (who, 100_000 * PHA)).collect();
		balances.extend([OWNER_A, OWNER_B, ORACLE].map(|who| (who, 100_000 * PHA)));
		// Workers need a balance only to sign their own calls.
		balances.extend([WORKER_A, WORKER_B, WORKER_C, WORKER_D].map(|who| (who, PHA)));
		balances.sort();
		balances.dedup_by_key(|(who, _)| *who);
		Self { balances, reward_per_block: 0 }
	}
}

impl ExtBuilder {
	/// Set the per-block reward budget at genesis.
	pub fn reward_per_block(mut self, amount: Balance) -> Self {
		self.reward_per_block = amount;
		self
	}

	/// Give `who` exactly `amount`.
	pub fn balance(mut self, who: AccountId, amount: Balance) -> Self {
		self.balances.retain(|(account, _)| *account != who);
		self.balances.push((who, amount));
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		crate::GenesisConfig::<Test> {
			reward_per_block: self.reward_per_block,
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		// The genesis is written into the overlay, not the externalities' trie backend: the
		// invariants iterate every storage map after every call, and each `next_key` seeks the
		// backend's trie from its root while the overlay is a sorted map. With the genesis in
		// the backend the property tests spent more than half their time in those seeks. The
		// state the pallet sees is the same either way.
		let mut ext = sp_io::TestExternalities::new_empty();
		// Even an empty externalities' backend holds `:code`; with it gone the backend's trie is
		// empty and every seek ends at its root.
		ext.execute_with(|| sp_io::storage::clear(sp_core::storage::well_known_keys::CODE));
		ext.commit_all().expect("no transaction is open");
		ext.execute_with(|| {
			for (key, value) in &storage.top {
				sp_io::storage::set(key, value);
			}
			System::set_block_number(1);
			GENESIS_ISSUANCE.with(|issuance| issuance.set(Balances::total_issuance()));
		});
		ext
	}

	/// Run `test`, then check every invariant of the pallet.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			check_try_state();
		})
	}
}

std::thread_local! {
	static GENESIS_ISSUANCE: core::cell::Cell<Balance> = const { core::cell::Cell::new(0) };
}

/// The pallet's `try_state`, and the total issuance: in the mock only this pallet mints
/// (rewards) and burns (settled slashes), so issuance moved by exactly `paid - settled`. A
/// runtime cannot check this (fees and other pallets move issuance too), which is why it lives
/// here and not in `try_state`.
pub fn check_try_state() {
	StakePool::do_try_state().expect("try_state invariants hold");
	#[cfg(feature = "try-runtime")]
	{
		VoterList::do_try_state().expect("the voter list is consistent");
		TargetList::do_try_state().expect("the target list is consistent");
	}
	let expected = GENESIS_ISSUANCE.with(|issuance| issuance.get()) + Rewards::<Test>::get().paid
		- Slashes::<Test>::get().settled;
	assert_eq!(Balances::total_issuance(), expected, "issuance moved by rewards minus slashes");
}

/// Restores a thread-local mock parameter (a `parameter_types!` static) when a test ends, even
/// if it panics, so the next test on the same thread sees the default.
pub struct Restore(pub Box<dyn Fn()>);

impl Drop for Restore {
	fn drop(&mut self) {
		(self.0)()
	}
}

/// Advance to block `n`, running the pallet's hook in every block (checking the invariants as
/// it goes).
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		StakePool::on_initialize(next);
		StakePool::on_poll(next, &mut WeightMeter::new());
		check_try_state();
	}
}

/// Advance by `blocks`.
pub fn run_blocks(blocks: BlockNumber) {
	run_to_block(System::block_number() + blocks);
}

/// The pallet's events since the last call, oldest first.
pub fn pool_events() -> Vec<Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::StakePool(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// The amount `who` holds for delegations.
pub fn delegation_hold(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Delegation.into(), &who)
}

/// The free balance of `who`.
pub fn free_balance(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// Register `worker` with `score` (confidence level 1) and authorise `operator`.
pub fn setup_worker(worker: AccountId, score: u32, operator: AccountId) {
	StakePool::register_worker(
		RuntimeOrigin::root(),
		worker,
		Benchmark { score, confidence_level: 1 },
	)
	.unwrap();
	StakePool::authorize_operator(RuntimeOrigin::signed(worker), operator).unwrap();
}

/// The seed's Figure 1-2 set-up: OWNER_A operates workers A, B (score 400, minimum stake 2000
/// PHA) and C, D (score 900, minimum 3000 PHA), and owns pool 0 with all four bound.
pub fn seed_pool() -> PoolId {
	setup_worker(WORKER_A, 400, OWNER_A);
	setup_worker(WORKER_B, 400, OWNER_A);
	setup_worker(WORKER_C, 900, OWNER_A);
	setup_worker(WORKER_D, 900, OWNER_A);
	StakePool::create_pool(RuntimeOrigin::signed(OWNER_A)).unwrap();
	let pid = NextPoolId::<Test>::get() - 1;
	for worker in [WORKER_A, WORKER_B, WORKER_C, WORKER_D] {
		StakePool::add_worker(RuntimeOrigin::signed(OWNER_A), pid, worker).unwrap();
	}
	pid
}

/// The pool's record.
pub fn pool(pid: PoolId) -> PoolOf<Test> {
	Pools::<Test>::get(pid).expect("pool exists")
}

/// A delegation record.
pub fn delegation(pid: PoolId, who: AccountId) -> Option<DelegationOf<Test>> {
	Delegations::<Test>::get(pid, who)
}

/// A worker's record.
pub fn worker(who: AccountId) -> WorkerOf<Test> {
	Workers::<Test>::get(who).expect("worker exists")
}
