//! The configuration of every pallet of the parachain runtime.
//!
//! Block limits are async backing's: 2 s of ref-time and the relay chain's proof-size limit
//! (`MAX_POV_SIZE`) per block, three quarters of them for normal transactions. The stake pools,
//! their bags lists and the election are configured by `runtime-common`, as in `pool-runtime`,
//! with the stake pools' clock on the relay chain's block numbers.

use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstBool, ConstU32, ConstU64},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::Perbill;

/// Three quarters of a block are for normal transactions.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The most a block may use: 2 s of ref-time, the relay chain's proof-size limit.
pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
	WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
	cumulus_primitives_core::relay_chain::MAX_POV_SIZE as u64,
);

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	/// Async backing's block: 2 s of ref-time, `MAX_POV_SIZE` of proof.
	pub RuntimeBlockWeights: limits::BlockWeights = limits::BlockWeights::with_sensible_defaults(
		MAXIMUM_BLOCK_WEIGHT,
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

#[derive_impl(frame_system::config_preludes::ParaChainDefaultConfig)]
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
	/// Collators store state in ParityDb.
	type DbWeight = ParityDbWeight;
	type OnSetCode = cumulus_pallet_parachain_system::ParachainSetCode<Self>;
}

/// The consensus hook of async backing: at most `UNINCLUDED_SEGMENT_CAPACITY` blocks unincluded,
/// `BLOCK_PROCESSING_VELOCITY` per relay block.
pub type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
	Runtime,
	RELAY_CHAIN_SLOT_DURATION_MILLIS,
	BLOCK_PROCESSING_VELOCITY,
	UNINCLUDED_SEGMENT_CAPACITY,
>;

impl cumulus_pallet_parachain_system::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type OnSystemEvent = StartRewardClock;
	type SelfParaId = staging_parachain_info::Pallet<Runtime>;
	// No XCM: no messages out, none handled in.
	type OutboundXcmpMessageSource = ();
	type DmpQueue = ();
	type ReservedDmpWeight = ();
	type XcmpMessageHandler = ();
	type ReservedXcmpWeight = ();
	type CheckAssociatedRelayNumber =
		cumulus_pallet_parachain_system::RelayNumberMonotonicallyIncreases;
	type ConsensusHook = ConsensusHook;
	type RelayParentOffset = ConstU32<0>;
	type SchedulingSignatureVerifier = ();
}

/// Starts the stake pools' reward clock at the first block's relay parent: the relay chain's
/// block number is unknown at genesis (0), and rewards are per relay block, so without this the
/// first settlement would release the budget of every relay block since the relay chain's
/// genesis (`pallet_stake_pool::Pallet::start_reward_clock`). It runs in `set_validation_data`,
/// after the new relay parent is stored; once the clock runs it is one read per block, charged
/// to the inherent.
pub struct StartRewardClock;

impl cumulus_pallet_parachain_system::OnSystemEvent for StartRewardClock {
	fn on_validation_data(_data: &cumulus_primitives_core::PersistedValidationData) {}

	fn on_validation_code_applied() {}

	fn on_relay_state_proof(
		_proof: &cumulus_pallet_parachain_system::RelayChainStateProof,
	) -> Weight {
		StakePool::start_reward_clock()
	}
}

impl staging_parachain_info::Config for Runtime {}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<0>;
	type WeightInfo = ();
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<100>;
	type AllowMultipleBlocksPerSlot = ConstBool<true>;
	type SlotDuration = ConstU64<SLOT_DURATION>;
}

impl cumulus_pallet_aura_ext::Config for Runtime {}

stake_suite_runtime_common::impl_balances_and_fees! { runtime: Runtime }

// Vesting schedules run on this chain's blocks.
stake_suite_runtime_common::impl_account_pallets! { runtime: Runtime, vesting_clock: System }

// ---------------------------------------------------------------------------------------------
// Stake pools and the election: `runtime-common`'s, at the development scale; the stake pools'
// deadlines (grace, cool-down, commission delay) in relay chain blocks.

pub use stake_suite_runtime_common::{
	Development as ElectionScale, MinerMaxLength, MinerMaxWeight, NposSolution16, BAG_THRESHOLDS,
	MAX_ELECTABLE_TARGETS, MAX_ON_CHAIN_VOTERS, MAX_POOLS_PER_DELEGATOR, ON_CHAIN_PAGES,
	TARGETS_PER_PAGE, VOTERS_PER_PAGE,
};

stake_suite_runtime_common::impl_staking_pallets! {
	runtime: Runtime,
	scale: ElectionScale,
	// Deadlines run on the relay chain's block numbers.
	clock: cumulus_pallet_parachain_system::RelaychainDataProvider<Runtime>,
	days: RELAY_DAYS,
	call_fee: TransactionPayment,
	fallback: onchain,
}

stake_suite_runtime_common::impl_offchain_transactions! {
	runtime: Runtime,
	extrinsic: UncheckedExtrinsic,
	extension: TxExtension,
	authorized_extension: (
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
	),
}
