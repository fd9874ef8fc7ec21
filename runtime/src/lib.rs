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
use sp_api::impl_runtime_apis;
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

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}

		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}

		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_stake_pool_runtime_api::StakePoolApi<Block, AccountId, Balance> for Runtime {
		fn pool_summary(pid: PoolId) -> Option<pallet_stake_pool::PoolSummary<AccountId, Balance>> {
			StakePool::pool_summary(pid)
		}

		fn delegator_positions(delegator: AccountId) -> Vec<pallet_stake_pool::DelegatorPosition<Balance>> {
			StakePool::delegator_positions(&delegator)
		}

		fn pending_rewards(delegator: AccountId, pid: PoolId) -> Balance {
			StakePool::pending_rewards(&delegator, pid)
		}
	}

	impl pallet_election_multi_phase_runtime_api::ElectionApi<Block, AccountId, Balance, BlockNumber>
		for Runtime
	{
		fn round_info() -> pallet_election_multi_phase_runtime_api::RoundInfo<BlockNumber> {
			configs::election_round_info()
		}

		fn signed_queue() -> Vec<(AccountId, sp_npos_elections::ElectionScore)> {
			Election::signed_queue()
		}

		fn deposit_for(length: u32, weight: Weight) -> Balance {
			Election::deposit_now(length, weight)
		}

		fn solution_weight(active_voters: u32) -> Weight {
			Election::solution_weight_now(active_voters)
		}

		fn solution_limits() -> pallet_election_multi_phase_runtime_api::SolutionLimits {
			configs::election_solution_limits()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, self::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			self::genesis_config_presets::preset_names()
		}
	}

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

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		// A failed check must fail the try-runtime run: reporting weight 0 would read as a pass.
		// These run only under `try-runtime`, never in a block.
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let upgrade = Executive::try_runtime_upgrade(checks);
			let weight = upgrade.unwrap_or_else(|e| panic!("upgrade checks failed: {e:?}")); // allow-panic: try-runtime
			(weight, configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			let executed = Executive::try_execute_block(block, state_root_check, signature_check, select);
			executed.unwrap_or_else(|e| panic!("block checks failed: {e:?}")) // allow-panic: try-runtime
		}
	}
}
