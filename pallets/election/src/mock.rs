//! A mock runtime for the election pallet: an election every 30 blocks; signed phase of 10
//! blocks (opens at block 13), validation window of 2 blocks (block 23), unsigned phase of 5
//! blocks (block 25), election at block 30.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use crate::{self as multi_phase, *};
use frame_election_provider_support::{
	bounds::{DataProviderBounds, ElectionBounds, ElectionBoundsBuilder},
	data_provider, generate_solution_type, onchain, BoundedSupportsOf, ElectionDataProvider,
	ElectionProvider, InstantElectionProvider, NposSolution, PageIndex, SequentialPhragmen,
	VoterOf as DataVoterOf,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Hooks},
	weights::Weight,
	BoundedVec,
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, PerU16, Perbill, Percent};

pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

/// Blocks between elections.
pub const ELECTION_PERIOD: BlockNumber = 30;

type Block = frame_system::mocking::MockBlock<Runtime>;

frame_support::construct_runtime!(
	pub enum Runtime {
		System: frame_system,
		Balances: pallet_balances,
		MultiPhase: multi_phase,
	}
);

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
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
	type AccountStore = System;
}

generate_solution_type!(
	#[compact]
	pub struct TestSolution::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<1_000>,
	>(4)
);

parameter_types! {
	/// Any block may delete stale pages in the mock.
	pub CleanupBudget: Weight = Weight::MAX;
}

parameter_types! {
	pub static Voters: Vec<(AccountId, u64, Vec<AccountId>)> = vec![
		(1, 10, vec![10, 20]),
		(2, 20, vec![10, 30]),
		(3, 30, vec![20]),
		(4, 40, vec![30]),
		(5, 50, vec![10, 20, 30]),
	];
	pub static Targets: Vec<AccountId> = vec![10, 20, 30];
	/// The snapshot's pages and voters per page (tests of paging lower them).
	pub static SnapshotPages: u32 = 1;
	pub static VotersPerPage: u32 = 100;
	pub static TargetsPerPage: u32 = 50;
	pub static MaxTargets: u32 = 50;
	/// Where the paged read of [`Targets`] stands: the next target's index.
	pub static TargetCursor: usize = 0;
	/// Where the paged read of [`Voters`] stands: the next voter's index.
	pub static VoterCursor: usize = 0;
	/// Makes the data provider's voter reads fail.
	pub static VotersFail: bool = false;
	/// Makes the data provider's target reads fail.
	pub static TargetsFail: bool = false;
	pub static Desired: u32 = 2;
	pub static MinerMaxLength: u32 = 10_000;
	pub static MinerMaxWeight: Weight = Weight::from_parts(u64::MAX / 2, u64::MAX / 2);
	pub static MaxWinners: u32 = 10;
	pub static MaxBackers: u32 = 100;
	pub static FallbackEnabled: bool = true;
	pub static MaxSubmissions: u32 = 4;
	/// Signed claim pages verified per block.
	pub static PagesPerBlock: u32 = 2;
	/// The pages unsigned solutions and the fallback read (capped at the pages).
	pub static OnChainPagesBound: u32 = 100;
}

pub struct TestMinerConfig;
impl MinerConfig for TestMinerConfig {
	type AccountId = AccountId;
	type Solution = TestSolution;
	type MaxVotesPerVoter = ConstU32<4>;
	type MaxLength = MinerMaxLength;
	type MaxWeight = MinerMaxWeight;
	type MaxWinners = MaxWinners;
	type MaxBackersPerWinner = MaxBackers;
	fn solution_weight(voters: u32, targets: u32, active: u32, desired: u32) -> Weight {
		// A simple linear model, easy to reason about in tests.
		Weight::from_parts(
			1_000_000 * active as u64 + 1_000 * (voters + targets + desired) as u64,
			64 * active as u64,
		)
	}
}

/// A data provider reading the statics above.
pub struct MockData;
impl ElectionDataProvider for MockData {
	type AccountId = AccountId;
	type BlockNumber = BlockNumber;
	type MaxVotesPerVoter = ConstU32<4>;

	/// [`Targets`] in their order, page by page like the voters.
	fn electable_targets(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<AccountId>> {
		if TargetsFail::get() {
			return Err("the mock's targets are unavailable");
		}
		let pages = MaxTargets::get().div_ceil(TargetsPerPage::get().max(1)).max(1);
		if page >= pages - 1 {
			TargetCursor::set(0);
		}
		let from = TargetCursor::get();
		let count = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		let targets: Vec<AccountId> = Targets::get().into_iter().skip(from).take(count).collect();
		TargetCursor::set(if page == 0 { 0 } else { from + targets.len() });
		Ok(targets)
	}

	/// [`Voters`] in their order, page by page as a paged provider hands them out: the most
	/// significant page starts at the top, each page continues where the one before stopped,
	/// and page 0 ends the read.
	fn electing_voters(
		bounds: DataProviderBounds,
		page: PageIndex,
	) -> data_provider::Result<Vec<DataVoterOf<Self>>> {
		if VotersFail::get() {
			return Err("the mock's voters are unavailable");
		}
		if page >= SnapshotPages::get().max(1) - 1 {
			VoterCursor::set(0);
		}
		let from = VoterCursor::get();
		let count = bounds.count.map(|count| count.0 as usize).unwrap_or(usize::MAX);
		let voters: Vec<DataVoterOf<Self>> = Voters::get()
			.into_iter()
			.skip(from)
			.take(count)
			.map(|(who, stake, votes)| (who, stake, BoundedVec::truncate_from(votes)))
			.collect();
		VoterCursor::set(if page == 0 { 0 } else { from + voters.len() });
		Ok(voters)
	}

	fn desired_targets() -> data_provider::Result<u32> {
		Ok(Desired::get())
	}

	fn next_election_prediction(now: BlockNumber) -> BlockNumber {
		(now / ELECTION_PERIOD + 1) * ELECTION_PERIOD
	}
}

parameter_types! {
	pub OnChainBounds: ElectionBounds = ElectionBoundsBuilder::default().build();
}

pub struct OnChainConfig;
impl onchain::Config for OnChainConfig {
	type Sort = frame_support::traits::ConstBool<true>;
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type MaxBackersPerWinner = MaxBackers;
	type MaxWinnersPerPage = MaxWinners;
	type DataProvider = MockData;
	type WeightInfo = ();
	type Bounds = OnChainBounds;
}

/// The on-chain fallback, which the tests can switch off to reach the emergency phase.
pub struct MockFallback;
impl ElectionProvider for MockFallback {
	type AccountId = AccountId;
	type BlockNumber = BlockNumber;
	type Error = &'static str;
	type MaxWinnersPerPage = MaxWinners;
	type MaxBackersPerWinner = MaxBackers;
	type MaxBackersPerWinnerFinal = MaxBackers;
	type Pages = ConstU32<1>;
	type DataProvider = MockData;

	fn elect(_page: PageIndex) -> Result<BoundedSupportsOf<Self>, Self::Error> {
		Err("use instant_elect")
	}
	fn duration() -> BlockNumber {
		0
	}
	fn start() -> Result<(), Self::Error> {
		Ok(())
	}
	fn status() -> Result<Option<Weight>, ()> {
		Ok(Some(Weight::zero()))
	}
}
impl InstantElectionProvider for MockFallback {
	fn instant_elect(
		voters: Vec<DataVoterOf<MockData>>,
		targets: Vec<AccountId>,
		desired_targets: u32,
	) -> Result<BoundedSupportsOf<Self>, Self::Error> {
		if !FallbackEnabled::get() {
			return Err("fallback disabled");
		}
		onchain::OnChainExecution::<OnChainConfig>::instant_elect(voters, targets, desired_targets)
			.map_err(|_| "on-chain election failed")
	}
	fn bother() -> bool {
		FallbackEnabled::get()
	}
}

impl Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DataProvider = MockData;
	type MinerConfig = TestMinerConfig;
	type Fallback = MockFallback;
	type FallbackWeight = MockFallbackWeight;
	type GovernanceFallback = onchain::OnChainExecution<OnChainConfig>;
	type Solver = SequentialPhragmen<AccountId, PerU16>;
	type MinerTxPriority = frame_support::traits::ConstU64<100>;
	type OffchainRepeat = frame_support::traits::ConstU64<3>;
	type EstimateCallFee = ConstU32<8>;
	type SlashHandler = ();
	type AdminOrigin = EnsureRoot<AccountId>;
	type SignedPhase = frame_support::traits::ConstU64<10>;
	type SignedValidationPhase = frame_support::traits::ConstU64<2>;
	type UnsignedPhase = frame_support::traits::ConstU64<5>;
	type SignedMaxSubmissions = MaxSubmissions;
	type SignedPagesPerBlock = PagesPerBlock;
	// Three steps per block: a claim's pages take blocks to delete.
	type ClearPagesPerBlock = ConstU32<3>;
	type CleanupBudget = CleanupBudget;
	type BetterSignedThreshold = BetterThreshold;
	type SignedDepositBase = frame_support::traits::ConstU128<100>;
	type SignedDepositIncreaseFactor = IncreaseFactor;
	type SignedDepositByte = frame_support::traits::ConstU128<1>;
	type SignedDepositPerMillisecond = frame_support::traits::ConstU128<10>;
	type SignedDepositPerProofKiB = frame_support::traits::ConstU128<2>;
	type SignedRewardBase = frame_support::traits::ConstU128<7>;
	type SignedMaxRefunds = frame_support::traits::ConstU32<2>;
	type Pages = SnapshotPages;
	type VoterSnapshotPerBlock = VotersPerPage;
	type OnChainPages = OnChainPagesBound;
	type MaxElectableTargets = MaxTargets;
	type TargetSnapshotPerBlock = TargetsPerPage;
	type WeightInfo = ();
}

parameter_types! {
	pub const BetterThreshold: Perbill = Perbill::from_percent(10);
	pub const IncreaseFactor: Percent = Percent::from_percent(10);
}

/// The mock fallback's weight: 1_000 per voter, 100 per target, 10_000 per winner.
pub struct MockFallbackWeight;
impl FallbackWeight for MockFallbackWeight {
	fn fallback_weight(voters: u32, targets: u32, desired: u32) -> Weight {
		Weight::from_parts(
			1_000 * u64::from(voters) + 100 * u64::from(targets) + 10_000 * u64::from(desired),
			0,
		)
	}
}

/// Builds test externalities: accounts 1..=9 and 99 hold 10_000 each.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Runtime> {
		balances: (1..=9).chain([99]).map(|who| (who, 10_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run a test, then check the pallet's invariants.
pub fn execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		MultiPhase::do_try_state().expect("invariants hold after the test");
	})
}

/// Advance to block `n`, running the hooks (`on_initialize`, then `on_idle` with the block's
/// room) and checking invariants every block.
pub fn roll_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		MultiPhase::on_initialize(next);
		MultiPhase::on_idle(next, Weight::MAX);
		MultiPhase::do_try_state().expect("invariants hold every block");
	}
}

/// The pallet's events since the last call.
pub fn events() -> Vec<Event<Runtime>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::MultiPhase(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// Mine a whole solution on the current snapshot's on-chain pages (what an unsigned solution
/// indexes; with one page, also a claim's page 0).
pub fn mine() -> RawSolution<TestSolution> {
	let voters = MultiPhase::on_chain_voters();
	let targets = SnapshotTargets::<Runtime>::get().unwrap();
	let desired = DesiredTargets::<Runtime>::get().unwrap();
	Miner::<TestMinerConfig>::mine::<SequentialPhragmen<AccountId, PerU16>>(
		&voters,
		&targets,
		desired,
		Round::<Runtime>::get(),
	)
	.unwrap()
	.0
}

/// Mine a paged solution on the current snapshot's pages.
pub fn mine_paged() -> crate::paged::PagedRawSolution<TestSolution> {
	let pages: Vec<_> = (0..=MultiPhase::msp()).map(MultiPhase::voter_page).collect();
	let targets = SnapshotTargets::<Runtime>::get().unwrap();
	let desired = DesiredTargets::<Runtime>::get().unwrap();
	Miner::<TestMinerConfig>::mine_paged::<SequentialPhragmen<AccountId, PerU16>>(
		&pages,
		&targets,
		desired,
		Round::<Runtime>::get(),
	)
	.unwrap()
	.0
}

/// The snapshot's fingerprint.
pub fn fingerprint() -> sp_core::H256 {
	SnapshotFingerprint::<Runtime>::get().unwrap()
}

/// The amount `who` holds for signed submissions.
pub fn held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::SignedSubmission.into(), &who)
}

/// Sum of a solution's edges (for readability in tests).
pub fn voter_count(raw: &RawSolution<TestSolution>) -> usize {
	raw.solution.voter_count()
}
