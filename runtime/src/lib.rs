//! # pool-runtime
//!
//! The runtime of the stake-pool chain: `System`, `Timestamp`, `Balances`, `TransactionPayment`,
//! `Sudo`, `Utility`, `Vesting`, `StakePool` (pallet-stake-pool) and `Election`
//! (pallet-election-multi-phase, fed by the stake pools).
//!
//! Accounts are `AccountId32` with `MultiSignature`; block numbers are `u32`; balances are `u128`
//! with 12 decimals (`UNIT = 10^12`). Blocks are 3 seconds apart. Pallet configurations are in
//! [`configs`], genesis presets (`development`, `local_testnet`) in [`genesis_config_presets`].
#![cfg_attr(not(feature = "std"), no_std)]
// `impl_runtime_apis!` and `construct_runtime` expand to arithmetic the workspace lints flag.
#![allow(clippy::arithmetic_side_effects)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod configs;
pub mod genesis_config_presets;

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, Block as BlockT, IdentifyAccount, Verify},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use pallet_election_multi_phase::{self as election, Phase};
pub use pallet_stake_pool::{self as stake_pool, PoolId};

/// A signature.
pub type Signature = MultiSignature;
/// An account: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub use stake_suite_runtime_common::{Balance, MILLI_UNIT, UNIT};
/// A block number.
pub type BlockNumber = u32;
/// A transaction index.
pub type Nonce = u32;
/// A hash.
pub type Hash = sp_core::H256;
/// The address format of transactions.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// A block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// A block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The extensions every transaction carries.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);
/// An extrinsic as it arrives.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
/// Dispatches extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// The storage migrations run at the next runtime upgrade (each guarded by its pallet's
/// storage version, so a migration already applied is skipped).
pub type Migrations = (
	pallet_stake_pool::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_election_multi_phase::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_election_multi_phase::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_election_multi_phase::migrations::v3::MigrateV2ToV3<Runtime>,
);

/// Types the node uses without knowing the extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// A block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// A block with opaque extrinsics.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

/// Block time in milliseconds.
pub const MILLISECS_PER_BLOCK: u64 = 3_000;
/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// The token symbol, decimals and SS58 prefix, for chain properties.
pub const TOKEN_SYMBOL: &str = "PHA";
/// Decimals of the token.
pub const TOKEN_DECIMALS: u32 = 12;
/// The SS58 address prefix (42: generic Substrate).
pub const SS58_PREFIX: u16 = 42;

impl_opaque_keys! {
	/// The chain has no session keys (manual seal), but the node's `author_rotateKeys` expects
	/// the type.
	pub struct SessionKeys {}
}

/// The runtime version.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("pool-runtime"),
	impl_name: alloc::borrow::Cow::Borrowed("pool-runtime"),
	authoring_version: 1,
	spec_version: 7,
	impl_version: 1,
	apis: RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks, events.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	/// The time of each block.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Balances, holds and freezes.
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;

	/// Transaction fees.
	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// A superuser for the dev chain.
	#[runtime::pallet_index(4)]
	pub type Sudo = pallet_sudo;

	/// Batches and proxy-less dispatch helpers.
	#[runtime::pallet_index(5)]
	pub type Utility = pallet_utility;

	/// Vesting schedules.
	#[runtime::pallet_index(6)]
	pub type Vesting = pallet_vesting;

	/// Workers, pools, delegation, rewards and withdrawals.
	#[runtime::pallet_index(10)]
	pub type StakePool = pallet_stake_pool;

	/// The multi-phase election of each era's active pools.
	#[runtime::pallet_index(11)]
	pub type Election = pallet_election_multi_phase;

	/// Delegators sorted by the value of their voting positions: the election's voters.
	#[runtime::pallet_index(12)]
	pub type VoterList = pallet_bags_list<Instance1>;

	/// Candidate pools sorted by value: the election's targets.
	#[runtime::pallet_index(13)]
	pub type TargetList = pallet_bags_list<Instance2>;
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
	frame_benchmarking::define_benchmarks!(
		[frame_system, SystemBench::<Runtime>]
		[pallet_balances, Balances]
		[pallet_timestamp, Timestamp]
		[pallet_utility, Utility]
		[pallet_vesting, Vesting]
		[pallet_sudo, Sudo]
		[pallet_stake_pool, StakePool]
		[pallet_election_multi_phase, Election]
		[pallet_bags_list, VoterList]
	);
	pub use frame_system_benchmarking::Pallet as SystemBench;
}

stake_suite_runtime_common::impl_runtime_apis_with_staking! {
	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use benches::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::{TrackedStorageKey, WhitelistedStorageKeys};
			use benches::*;

			// `set_code` is benchmarked with the default sample runtime.
			impl frame_system_benchmarking::Config for Runtime {}

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}
