//! End to end in one runtime with both pallets: the stake pools provide the election's data,
//! a miner's signed submission wins the round, and the stake pools store the active set.

use crate::{self as multi_phase, *};
use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	generate_solution_type, onchain, SequentialPhragmen,
};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use pallet_stake_pool::{PoolAccounts, PoolId};
use sp_runtime::{BuildStorage, PerU16, Perbill, Percent, Permill};

type AccountId = u64;
type Balance = u128;
const PHA: Balance = 1_000_000_000_000;
const POOL_ACCOUNT_BASE: AccountId = 1_000_000;

type Block = frame_system::mocking::MockBlock<Runtime>;

frame_support::construct_runtime!(
	pub enum Runtime {
		System: frame_system,
		Balances: pallet_balances,
		StakePool: pallet_stake_pool,
		MultiPhase: multi_phase,
		VoterList: pallet_bags_list::<Instance1>,
		TargetList: pallet_bags_list::<Instance2>,
	}
);

static BAG_THRESHOLDS: [Balance; 100] = pallet_stake_pool::geometric_thresholds::<100>(PHA, 6, 5);

parameter_types! {
	pub CleanupBudget: Weight = Weight::MAX;
}

parameter_types! {
	pub const BagThresholds: &'static [Balance] = &BAG_THRESHOLDS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type ScoreProvider = pallet_stake_pool::VoterScoreOf<Runtime>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type ScoreProvider = pallet_stake_pool::TargetScoreOf<Runtime>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Runtime>;

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() {}
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Runtime {
	type Balance = Balance;
	type ExistentialDeposit = frame_support::traits::ConstU128<{ PHA / 100 }>;
	type AccountStore = System;
}

pub struct Accounts;
impl PoolAccounts<AccountId> for Accounts {
	fn account_of(pid: PoolId) -> AccountId {
		POOL_ACCOUNT_BASE + pid
	}
	fn pool_of(who: &AccountId) -> Option<PoolId> {
		who.checked_sub(POOL_ACCOUNT_BASE)
	}
}

parameter_types! {
	pub const Commission: Permill = Permill::from_percent(50);
}

impl pallet_stake_pool::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type RewardSource = pallet_stake_pool::MintRewards<Balances>;
	type OnSlash = ();
	type RegistrarOrigin = frame_system::EnsureRoot<AccountId>;
	type OracleOrigin = frame_system::EnsureRoot<AccountId>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type BlockNumberProvider = System;
	type PoolDeposit = frame_support::traits::ConstU128<{ 10 * PHA }>;
	type MinDelegation = frame_support::traits::ConstU128<PHA>;
	type MinStakePerSqrtScore = frame_support::traits::ConstU128<{ 100 * PHA }>;
	type MaxStakePerWorker = frame_support::traits::ConstU128<{ 50_000 * PHA }>;
	type MaxCommission = Commission;
	// Longer than the longest exit (grace + cool-down), as the pallet requires.
	type CommissionChangeDelay = ConstU64<201>;
	type GracePeriod = ConstU64<100>;
	type CooldownPeriod = ConstU64<100>;
	type BlockTimeMillis = frame_support::traits::ConstU64<6_000>;
	type MaxPoolWorkers = ConstU32<8>;
	type MaxPoolsPerDelegator = ConstU32<4>;
	type MaxWhitelist = ConstU32<8>;
	type MaxDescriptionLen = ConstU32<64>;
	type MaxQueuePayoutsPerCall = ConstU32<4>;
	type MaxTasksPerBlock = ConstU32<4>;
	type MaxStaleRescoresPerBlock = ConstU32<4>;
	type MaxElectableTargets = ConstU32<50>;
	type MaxWithdrawalsPerDelegation = ConstU32<4>;
	type MaxSharesPerValue = ConstU32<10>;
	type VoterList = VoterList;
	type TargetList = TargetList;
	type ElectionProvider = MultiPhase;
	type PoolAccounts = Accounts;
	type CurrencyToVote = sp_staking::currency_to_vote::SaturatingCurrencyToVote;
	type EraLength = ConstU64<30>;
	type DesiredActivePools = ConstU32<2>;
	type OnNewActiveSet = ();
	type WeightInfo = ();
}

/// The on-chain sequential Phragmén's published weight.
pub struct OnChainWeight;
impl FallbackWeight for OnChainWeight {
	fn fallback_weight(voters: u32, targets: u32, desired: u32) -> Weight {
		<frame_election_provider_support::weights::SubstrateWeight<Runtime> as frame_election_provider_support::WeightInfo>::phragmen(voters, targets, desired)
	}
}

generate_solution_type!(
	#[compact]
	pub struct PoolSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<1_000>,
	>(4)
);

pub struct PoolMinerConfig;
impl MinerConfig for PoolMinerConfig {
	type AccountId = AccountId;
	type Solution = PoolSolution;
	type MaxVotesPerVoter = ConstU32<4>;
	type MaxLength = ConstU32<10_000>;
	type MaxWeight = MaxMinerWeight;
	type MaxWinners = ConstU32<8>;
	type MaxBackersPerWinner = ConstU32<100>;
	fn solution_weight(_voters: u32, _targets: u32, active: u32, _desired: u32) -> Weight {
		Weight::from_parts(1_000_000 * active as u64, 64 * active as u64)
	}
}

parameter_types! {
	pub MaxMinerWeight: Weight = Weight::from_parts(u64::MAX / 2, u64::MAX / 2);
	pub Bounds: ElectionBounds = ElectionBoundsBuilder::default().build();
	pub const Threshold: Perbill = Perbill::from_percent(10);
	pub const Factor: Percent = Percent::from_percent(10);
}

pub struct OnChain;
impl onchain::Config for OnChain {
	type Sort = frame_support::traits::ConstBool<true>;
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type MaxBackersPerWinner = ConstU32<100>;
	type MaxWinnersPerPage = ConstU32<8>;
	type DataProvider = StakePool;
	type WeightInfo = ();
	type Bounds = Bounds;
}

impl multi_phase::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DataProvider = StakePool;
	type MinerConfig = PoolMinerConfig;
	type Fallback = onchain::OnChainExecution<OnChain>;
	type FallbackWeight = OnChainWeight;
	type GovernanceFallback = onchain::OnChainExecution<OnChain>;
	type Solver = SequentialPhragmen<AccountId, PerU16>;
	type MinerTxPriority = ConstU64<100>;
	type OffchainRepeat = ConstU64<3>;
	type EstimateCallFee = ConstU32<1_000>;
	type SlashHandler = ();
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type SignedPhase = ConstU64<10>;
	type SignedValidationPhase = ConstU64<2>;
	type UnsignedPhase = ConstU64<5>;
	type SignedMaxSubmissions = ConstU32<4>;
	type SignedPagesPerBlock = ConstU32<2>;
	type ClearPagesPerBlock = ConstU32<32>;
	type CleanupBudget = CleanupBudget;
	type BetterSignedThreshold = Threshold;
	type SignedDepositBase = frame_support::traits::ConstU128<{ PHA }>;
	type SignedDepositIncreaseFactor = Factor;
	type SignedDepositByte = frame_support::traits::ConstU128<1_000_000>;
	type SignedDepositPerMillisecond = frame_support::traits::ConstU128<1_000_000>;
	type SignedDepositPerProofKiB = frame_support::traits::ConstU128<1_000_000>;
	type SignedRewardBase = frame_support::traits::ConstU128<{ PHA / 10 }>;
	type SignedMaxRefunds = frame_support::traits::ConstU32<2>;
	type Pages = ConstU32<1>;
	type VoterSnapshotPerBlock = ConstU32<100>;
	type OnChainPages = ConstU32<1>;
	type TargetSnapshotPerBlock = ConstU32<50>;
	type MaxElectableTargets = ConstU32<50>;
	type WeightInfo = ();
}

/// Three pools, each with one mining worker; five delegators backing one to three pools.
fn ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Runtime> {
		balances: (1..=9).chain([100, 200, 300]).map(|who| (who, 100_000 * PHA)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_stake_pool::GenesisConfig::<Runtime> {
		reward_per_block: PHA,
		workers: vec![(11, 400, 1, 100), (12, 400, 1, 200), (13, 400, 1, 300)],
		pools: vec![
			(100, Permill::from_percent(10), None, vec![11]),
			(200, Permill::from_percent(10), None, vec![12]),
			(300, Permill::from_percent(10), None, vec![13]),
		],
		delegations: vec![
			(1, 0, 3000 * PHA),
			(2, 0, 1000 * PHA),
			(2, 1, 2000 * PHA),
			(3, 1, 2500 * PHA),
			(4, 2, 2000 * PHA),
			(5, 0, 500 * PHA),
			(5, 1, 500 * PHA),
			(5, 2, 500 * PHA),
		],
		mining: vec![(0, 11, 2000 * PHA), (1, 12, 2000 * PHA), (2, 13, 2000 * PHA)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn roll_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		StakePool::on_initialize(next);
		MultiPhase::on_initialize(next);
		MultiPhase::do_try_state().unwrap();
		StakePool::do_try_state().unwrap();
	}
}

#[test]
fn delegations_to_snapshot_to_signed_solution_to_active_set() {
	ext().execute_with(|| {
		roll_to(13);
		assert!(CurrentPhase::<Runtime>::get().is_signed());
		// Five delegators vote; three pools stand; two seats.
		let voters = MultiPhase::snapshot_voters();
		let targets = SnapshotTargets::<Runtime>::get().unwrap();
		assert_eq!(
			(voters.len(), targets.len(), DesiredTargets::<Runtime>::get()),
			(5, 3, Some(2))
		);
		let stake_of_5 = voters.iter().find(|(who, _, _)| *who == 5).unwrap();
		assert_eq!((stake_of_5.1, stake_of_5.2.len()), ((1500 * PHA) as u64, 3));

		// A miner mines on the snapshot with the pallet's own miner and submits.
		let (raw, _) = Miner::<PoolMinerConfig>::mine::<SequentialPhragmen<AccountId, PerU16>>(
			&voters,
			&targets,
			2,
			Round::<Runtime>::get(),
		)
		.unwrap();
		let fingerprint = SnapshotFingerprint::<Runtime>::get().unwrap();
		let before = Balances::free_balance(9);
		// One page: the claim and its page.
		assert_ok!(MultiPhase::register(RuntimeOrigin::signed(9), raw.score, fingerprint));
		assert_ok!(MultiPhase::submit_page(
			RuntimeOrigin::signed(9),
			0,
			Some(Box::new(raw.solution.clone()))
		));

		// Verified in the validation window: the deposits back, plus 0.1 PHA and the fees of
		// the two calls.
		roll_to(23);
		assert_eq!(Balances::free_balance(9), before + PHA / 10 + 2 * 1_000);
		let ready = QueuedSolution::<Runtime>::get().unwrap();
		assert_eq!(ready.compute, ElectionCompute::Signed);
		assert_eq!(ready.score, raw.score);
		let expected: Vec<(PoolId, u128)> = ready
			.winners
			.iter()
			.map(|(who, total)| (Accounts::pool_of(who).unwrap(), *total))
			.collect();

		// At the era boundary the stake pools call elect and store the signed result.
		roll_to(30);
		assert_eq!(pallet_stake_pool::CurrentEra::<Runtime>::get(), 1);
		assert_eq!(pallet_stake_pool::ActivePools::<Runtime>::get().into_inner(), expected);
		assert_eq!(expected.len(), 2);
		// All the stake of the voters of the two winners backs them.
		assert_eq!(Round::<Runtime>::get(), 2);
		assert_eq!(CurrentPhase::<Runtime>::get(), Phase::Off);
		let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
		assert!(events.iter().any(|e| matches!(
			e,
			RuntimeEvent::MultiPhase(Event::ElectionFinalized {
				round: 1,
				compute: ElectionCompute::Signed,
				..
			})
		)));
		assert!(events.iter().any(|e| matches!(
			e,
			RuntimeEvent::StakePool(pallet_stake_pool::Event::ActiveSetElected { era: 1, .. })
		)));

		// The next round runs on its own: without submissions the fallback elects at block 60.
		roll_to(60);
		assert_eq!(pallet_stake_pool::CurrentEra::<Runtime>::get(), 2);
		assert_eq!(pallet_stake_pool::ActivePools::<Runtime>::get().len(), 2);
	});
}
