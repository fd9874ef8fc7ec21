//! The configuration of every pallet of the runtime.
//!
//! The stake pools, their bags lists and the election are configured in `runtime-common`
//! ([`stake_suite_runtime_common::impl_staking_pallets!`]), shared with every runtime of the
//! suite, here at the [development scale](stake_suite_runtime_common::Development) for a dev
//! chain with 3-second blocks: an era (one election of the active pools) every 100 blocks (5
//! minutes), a round of 4 target pages, 7 voter pages, a 10-block signed phase, a 30-block
//! validation window and a 10-block unsigned phase. The stake pools' grace and cool-down periods
//! are the real 7 days.

use crate::*;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits;
use sp_runtime::Perbill;

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

stake_suite_runtime_common::impl_balances_and_fees! { runtime: Runtime }

stake_suite_runtime_common::impl_account_pallets! { runtime: Runtime, vesting_clock: System }

// ---------------------------------------------------------------------------------------------
// Stake pools and the election: shared with every runtime of the suite (`runtime-common`), at
// the development scale (7 voter pages, a 100-block era; `StakePoolsScale` is the target).

pub use stake_suite_runtime_common::{
	Development as ElectionScale, MinerMaxLength, MinerMaxWeight, NposSolution16, BAG_THRESHOLDS,
	MAX_ELECTABLE_TARGETS, MAX_ON_CHAIN_VOTERS, MAX_POOLS_PER_DELEGATOR, ON_CHAIN_PAGES,
	TARGETS_PER_PAGE, VOTERS_PER_PAGE,
};

stake_suite_runtime_common::impl_staking_pallets! {
	runtime: Runtime,
	scale: ElectionScale,
	// Deadlines run on this chain's own blocks.
	clock: System,
	days: DAYS,
	call_fee: TransactionPayment,
	fallback: onchain,
}

// ---------------------------------------------------------------------------------------------
// Off-chain transactions (the election's unsigned submissions).

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
