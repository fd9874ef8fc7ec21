//! The configuration of every pallet of the runtime.
//!
//! Timing is tuned for a dev chain with 3-second blocks: an era (one election of the active
//! pools) every 100 blocks (5 minutes), with a 30-block signed phase, a 5-block validation window
//! and a 15-block unsigned phase. The stake pools' grace and cool-down periods are the real 7 days.

use crate::*;
// `generate_solution_type!` expands to `vec![..]`, which a no_std crate must import.
#[allow(unused_imports)]
use alloc::vec;
use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	generate_solution_type, onchain, SequentialPhragmen,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf, WithdrawReasons},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
	PalletId,
};
use frame_system::{limits, EnsureRoot};
use pallet_election_multi_phase::MinerConfig;
use pallet_transaction_payment::{FungibleAdapter, Multiplier};
use sp_npos_elections::BalancingConfig;
use sp_runtime::{
	traits::{ConvertInto, One},
	transaction_validity::TransactionPriority,
	PerU16, Perbill, Percent, Permill,
};

/// The most proof a parachain block may carry (the relay chain's `MAX_POV_SIZE`): 5 MiB.
pub const PARACHAIN_PROOF_BUDGET: u64 = 5 * 1024 * 1024;

/// Three quarters of a block are for normal transactions.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of compute per block. A solochain has no proof to ship, so no proof-size
	/// limit; the 5 MiB a parachain block may carry ([`PARACHAIN_PROOF_BUDGET`]) is asserted as a
	/// budget by the runtime's weight tests instead (`runtime/tests/weights.rs`).
	pub RuntimeBlockWeights: limits::BlockWeights = limits::BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// 5 MiB blocks.
	pub RuntimeBlockLength: limits::BlockLength =
		limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// The node stores state in ParityDb (`sc-cli` without RocksDB): storage is charged at
	/// ParityDb's figures (8 µs a read, 50 µs a write).
	type DbWeight = ParityDbWeight;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = ();
	// Manual and instant seal may produce blocks in quick succession.
	type MinimumPeriod = ConstU64<0>;
	type WeightInfo = ();
}

/// The existential deposit: a hundredth of a unit.
pub const EXISTENTIAL_DEPOSIT: Balance = UNIT / 100;

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = pallet_transaction_payment::ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const MinVestedTransfer: Balance = UNIT;
	pub UnvestedFundsAllowedWithdrawReasons: WithdrawReasons =
		WithdrawReasons::except(WithdrawReasons::TRANSFER | WithdrawReasons::RESERVE);
}

impl pallet_vesting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type BlockNumberToBalance = ConvertInto;
	type MinVestedTransfer = MinVestedTransfer;
	type WeightInfo = pallet_vesting::weights::SubstrateWeight<Runtime>;
	type UnvestedFundsAllowedWithdrawReasons = UnvestedFundsAllowedWithdrawReasons;
	type BlockNumberProvider = System;
	const MAX_VESTING_SCHEDULES: u32 = 28;
}

// ---------------------------------------------------------------------------------------------
// Stake pools.

/// Blocks per era: one election of the active pools every 5 minutes.
pub const ERA_LENGTH: BlockNumber = 100;
/// The most pools one account may back, and so the most votes per voter.
pub const MAX_POOLS_PER_DELEGATOR: u32 = 16;

parameter_types! {
	pub const StakePoolPalletId: PalletId = PalletId(*b"py/stkpl");
	/// An owner may run a pool for its own stake alone; delegators are protected by the delay
	/// of every increase (`CommissionChangeDelay`), not by a lower cap.
	pub const MaxCommission: Permill = Permill::from_percent(100);
}

/// Bags from 1 UNIT (the least delegation) up, each 10% above the one below: 200 bags reach
/// about 1.7 * 10^8 UNIT; larger scores share the last bag. Two entries of a bag differ by at
/// most 10%, and within a bag the list keeps insertion order.
pub static BAG_THRESHOLDS: [Balance; 200] =
	pallet_stake_pool::geometric_thresholds::<200>(UNIT, 11, 10);

parameter_types! {
	pub const BagThresholds: &'static [Balance] = &BAG_THRESHOLDS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
	type ScoreProvider = pallet_stake_pool::VoterScoreOf<Runtime>;
	type BagThresholds = BagThresholds;
	// The stake pool moves every voter whose score changes, in the same call: nothing is left
	// for `on_idle` to correct.
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
	type ScoreProvider = pallet_stake_pool::TargetScoreOf<Runtime>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ();
	type Score = Balance;
}

impl pallet_stake_pool::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type RewardSource = pallet_stake_pool::MintRewards<Balances>;
	type OnSlash = ();
	type RegistrarOrigin = EnsureRoot<AccountId>;
	type OracleOrigin = EnsureRoot<AccountId>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type BlockNumberProvider = System;
	type PoolDeposit = ConstU128<{ 10 * UNIT }>;
	type MinDelegation = ConstU128<UNIT>;
	type MinStakePerSqrtScore = ConstU128<{ 100 * UNIT }>;
	type MaxStakePerWorker = ConstU128<{ 50_000 * UNIT }>;
	type MaxCommission = MaxCommission;
	// The longest exit (grace + cool-down, 14 days) and a day: a delegator who asks to leave when
	// an increase is announced is paid before it applies (checked by the pallet's integrity test).
	type CommissionChangeDelay = ConstU32<{ 15 * DAYS }>;
	type GracePeriod = ConstU32<{ 7 * DAYS }>;
	type CooldownPeriod = ConstU32<{ 7 * DAYS }>;
	// With `MaxTasksPerBlock` 4, the deadline hook's worst case (every lane full) stays within a
	// quarter of a parachain block: 16 workers per pool keep a forced stop and a release at about
	// 70 KiB of proof each (runtime/tests/weights.rs; docs/stake-pool.md, "Per-block budget").
	type MaxPoolWorkers = ConstU32<16>;
	type MaxPoolsPerDelegator = ConstU32<MAX_POOLS_PER_DELEGATOR>;
	type MaxWhitelist = ConstU32<256>;
	type MaxDescriptionLen = ConstU32<256>;
	type MaxQueuePayoutsPerCall = ConstU32<5>;
	// 4 due tasks per lane and block (20 one-request pay-outs): a queued withdrawal is charged
	// 1/20 of the normal class's ref-time (75 ms), a pool's first in a block 1/4 (375 ms), so
	// no block queues more than the hook serves when they fall due (docs/stake-pool.md,
	// "Deadlines"), and the hook's worst case fits a quarter of a block.
	type MaxTasksPerBlock = ConstU32<4>;
	// Delegators whose score changed while the voter list was locked for a paged snapshot are
	// moved to their place 16 per block after it.
	type MaxStaleRescoresPerBlock = ConstU32<16>;
	type MaxElectableTargets = ConstU32<MAX_ELECTABLE_TARGETS>;
	type MaxWithdrawalsPerDelegation = ConstU32<8>;
	type MaxSharesPerValue = ConstU32<10>;
	type VoterList = VoterList;
	type TargetList = TargetList;
	type ElectionProvider = Election;
	type PoolAccounts = pallet_stake_pool::PalletIdPoolAccounts<StakePoolPalletId>;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type EraLength = ConstU32<ERA_LENGTH>;
	type DesiredActivePools = ConstU32<4>;
	type OnNewActiveSet = ();
	type WeightInfo = pallet_stake_pool::weights::SubstrateWeight<Runtime>;
}

// ---------------------------------------------------------------------------------------------
// Election.

/// The pages the election takes its voter snapshot in, one per block: 7 pages of 220 voters,
/// 1,540 voters in all (a round then takes 4 target pages, 7 voter pages and 50 blocks of
/// phases: 60 of the era's 100 blocks, the last voter page in the signed phase's first block).
/// 100,000 voters would take 455 pages of 220 (see docs/election.md for the target scale).
pub const ELECTION_PAGES: u32 = 7;
/// The most voters (delegators) in one snapshot page.
///
/// 220: a voter is one list node and one `DelegatorPools` record (its positions' voting shares
/// and hold): 3,164 bytes of `MaxEncodedLen` proof and 15 µs per voter by the benchmark
/// `electing_voters(v)`; a page also reads the bags the list iterator may visit (up to 201,
/// 516,555 bytes), the candidates' share prices (one record) and the election's own part
/// (33 KB), 1,217 KiB in all at 220 voters: within a quarter of a parachain block's 5 MiB
/// (runtime/tests/weights.rs).
pub const VOTERS_PER_PAGE: u32 = 220;
/// The most voters (delegators) in a snapshot: `ELECTION_PAGES * VOTERS_PER_PAGE`.
pub const MAX_ELECTING_VOTERS: u32 = ELECTION_PAGES * VOTERS_PER_PAGE;
/// The most targets (pools) in a snapshot.
pub const MAX_ELECTABLE_TARGETS: u32 = 1_000;
/// The most targets (pools) taken per block: 1,000 targets in 4 pages.
///
/// 250: a target is one list node and one pool record, 2,929 bytes of `MaxEncodedLen` proof and
/// 8.4 µs per target by the benchmark `electable_targets(t)`; a page also reads the bags the list
/// iterator visits (the benchmark walks 151 of them, 388,305 bytes; all 201 would be 516,555) and
/// the election's own part (33 KB): 1,126 KiB in all at 250 targets, 1,251 KiB even if a page
/// walked every bag, within a quarter of a parachain block's 5 MiB (runtime/tests/weights.rs).
pub const TARGETS_PER_PAGE: u32 = 250;
/// The most pools in an active set.
pub const MAX_WINNERS: u32 = 100;

generate_solution_type!(
	#[compact]
	pub struct NposSolution16::<
		VoterIndex = u32,
		TargetIndex = u16,
		Accuracy = PerU16,
		MaxVoters = ConstU32::<MAX_ELECTING_VOTERS>,
	>(16)
);

parameter_types! {
	/// Checking a signed page (or an unsigned solution) may take at most 20 ms and 64 KiB of
	/// proof (the page's own bytes: see `MinerMaxLength`). A full page, 220 voters each
	/// spreading its stake over 16 winners, takes 1.1 ms by the measured `feasibility_check`;
	/// an unsigned solution over the whole snapshot (1,540 voters) 6.5 ms.
	pub MinerMaxWeight: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND / 50, 64 * 1024);
	/// A solution page may be at most 64 KiB long: a full page of 220 voters with 16 edges each
	/// encodes in about 15 KiB (compact indices), so four pages per validation block add at
	/// most 256 KiB of proof.
	pub MinerMaxLength: u32 = 64 * 1024;
	/// 0.5%.
	pub const BetterSignedThreshold: Perbill = Perbill::from_parts(5_000_000);
	pub const SignedDepositIncreaseFactor: Percent = Percent::from_percent(10);
	pub OffchainBalancing: Option<BalancingConfig> =
		Some(BalancingConfig { iterations: 10, tolerance: 0 });
	pub OnChainBounds: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(MAX_ELECTING_VOTERS.into())
		.targets_count(MAX_ELECTABLE_TARGETS.into())
		.build();
	pub const MinerTxPriority: TransactionPriority = TransactionPriority::MAX / 2;
}

/// What the miner (on chain and off) knows of this chain.
pub struct ElectionMinerConfig;

impl MinerConfig for ElectionMinerConfig {
	type AccountId = AccountId;
	type Solution = NposSolution16;
	type MaxVotesPerVoter = ConstU32<MAX_POOLS_PER_DELEGATOR>;
	type MaxLength = MinerMaxLength;
	type MaxWeight = MinerMaxWeight;
	type MaxWinners = ConstU32<MAX_WINNERS>;
	type MaxBackersPerWinner = ConstU32<MAX_ELECTING_VOTERS>;

	fn solution_weight(voters: u32, targets: u32, active_voters: u32, desired: u32) -> Weight {
		<pallet_election_multi_phase::weights::SubstrateWeight<Runtime> as pallet_election_multi_phase::WeightInfo>::feasibility_check(
			voters,
			targets,
			active_voters,
			desired,
		)
	}
}

/// The fallback's weight: the on-chain sequential Phragmén's benchmarked `phragmen(v, t, d)`.
pub struct OnChainSeqPhragmenWeight;

impl pallet_election_multi_phase::FallbackWeight for OnChainSeqPhragmenWeight {
	fn fallback_weight(voters: u32, targets: u32, desired: u32) -> Weight {
		<frame_election_provider_support::weights::SubstrateWeight<Runtime> as frame_election_provider_support::WeightInfo>::phragmen(voters, targets, desired)
	}
}

/// The bounded on-chain sequential Phragmén, for the fallback and governance.
pub struct OnChainSeqPhragmen;

impl onchain::Config for OnChainSeqPhragmen {
	type Sort = ConstBool<true>;
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = StakePool;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = ConstU32<MAX_WINNERS>;
	type MaxBackersPerWinner = ConstU32<MAX_ELECTING_VOTERS>;
	type Bounds = OnChainBounds;
}

impl pallet_election_multi_phase::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DataProvider = StakePool;
	type MinerConfig = ElectionMinerConfig;
	type Fallback = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type FallbackWeight = OnChainSeqPhragmenWeight;
	type GovernanceFallback = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type Solver = SequentialPhragmen<AccountId, PerU16, OffchainBalancing>;
	type MinerTxPriority = MinerTxPriority;
	type OffchainRepeat = ConstU32<5>;
	type EstimateCallFee = TransactionPayment;
	type SlashHandler = ();
	type AdminOrigin = EnsureRoot<AccountId>;
	// Ten blocks to register a claim and send its pages (one transaction each).
	type SignedPhase = ConstU32<10>;
	// Every page of a full queue (16 claims of 7 pages) at 4 pages per block takes 28 blocks;
	// two more to spare.
	type SignedValidationPhase = ConstU32<30>;
	type UnsignedPhase = ConstU32<10>;
	type SignedMaxSubmissions = ConstU32<16>;
	// Four pages per block: four voter pages (124 KB each) and four solution pages (at most
	// 64 KiB each) stay within a quarter of a block's proof (runtime/tests/weights.rs).
	type SignedPagesPerBlock = ConstU32<4>;
	type BetterSignedThreshold = BetterSignedThreshold;
	type SignedDepositBase = ConstU128<{ 10 * UNIT }>;
	type SignedDepositIncreaseFactor = SignedDepositIncreaseFactor;
	type SignedDepositByte = ConstU128<{ MILLI_UNIT }>;
	type SignedDepositPerMillisecond = ConstU128<{ UNIT }>;
	type SignedDepositPerProofKiB = ConstU128<{ 10 * MILLI_UNIT }>;
	type SignedRewardBase = ConstU128<UNIT>;
	// The best five unchecked runners-up behind a winner get their fee back.
	type SignedMaxRefunds = ConstU32<5>;
	type Pages = ConstU32<ELECTION_PAGES>;
	type VoterSnapshotPerBlock = ConstU32<VOTERS_PER_PAGE>;
	// Every page: reading the seven pages (124 KB each) fits a quarter of a block's proof
	// with the targets (runtime/tests/weights.rs, "elect with nothing queued").
	type OnChainPages = ConstU32<ELECTION_PAGES>;
	type MaxElectableTargets = ConstU32<MAX_ELECTABLE_TARGETS>;
	type TargetSnapshotPerBlock = ConstU32<TARGETS_PER_PAGE>;
	type WeightInfo = pallet_election_multi_phase::weights::SubstrateWeight<Runtime>;
}

// ---------------------------------------------------------------------------------------------
// Off-chain transactions (the election's unsigned submissions).

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() -> TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}

/// The election's round info for the runtime API.
pub fn election_round_info() -> pallet_election_multi_phase_runtime_api::RoundInfo<BlockNumber> {
	use pallet_election_multi_phase as e;
	pallet_election_multi_phase_runtime_api::RoundInfo {
		round: e::Round::<Runtime>::get(),
		phase: e::CurrentPhase::<Runtime>::get(),
		snapshot: e::SnapshotSize::<Runtime>::get(),
		fingerprint: e::SnapshotFingerprint::<Runtime>::get(),
		desired_targets: e::DesiredTargets::<Runtime>::get(),
		queued_score: e::QueuedSolution::<Runtime>::get().map(|ready| ready.score),
		minimum_untrusted_score: e::MinimumUntrustedScore::<Runtime>::get(),
	}
}

/// The election's solution limits for the runtime API.
pub fn election_solution_limits() -> pallet_election_multi_phase_runtime_api::SolutionLimits {
	use frame_support::traits::Get;
	pallet_election_multi_phase_runtime_api::SolutionLimits {
		max_length: MinerMaxLength::get(),
		max_weight: MinerMaxWeight::get(),
		max_votes_per_voter: MAX_POOLS_PER_DELEGATOR,
		max_winners: MAX_WINNERS,
		max_backers_per_winner: MAX_ELECTING_VOTERS,
		max_signed_submissions:
			<Runtime as pallet_election_multi_phase::Config>::SignedMaxSubmissions::get(),
	}
}
