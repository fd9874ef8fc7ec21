//! # stake-parachain-runtime
//!
//! The stake pools and the multi-phase election in a cumulus parachain runtime, shaped like
//! polkadot-sdk's `templates/parachain` runtime at `polkadot-stable2609`: `System`,
//! `ParachainSystem` (with `register_validate_block!`), `Timestamp`, `ParachainInfo`, `Aura` and
//! `AuraExt` (the consensus hook's slots), `Balances`, `TransactionPayment`, `Sudo`, `Utility`,
//! `Vesting`, `StakePool`, `Election`, `VoterList`, `TargetList`.
//!
//! XCM is left out: the runtime runs without it (`ParachainSystem`'s message queues are `()`),
//! and nothing here sends or receives messages. The stake pools' deadlines run on the relay
//! chain's block numbers (`RelaychainDataProvider`); the election runs on this chain's own
//! blocks. The pallets' configuration is `runtime-common`'s, shared with `pool-runtime`.
#![cfg_attr(not(feature = "std"), no_std)]
// `impl_runtime_apis!` and the runtime macros expand to arithmetic the workspace lints flag.
#![allow(clippy::arithmetic_side_effects)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

mod apis;
pub mod configs;
pub mod genesis_config_presets;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiSignature,
};
use sp_version::RuntimeVersion;

pub use stake_suite_runtime_common::{Balance, MILLI_UNIT, UNIT};

/// A signature.
pub type Signature = MultiSignature;
/// An account: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A block number (of this chain).
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
>;

/// Types the node uses without knowing the extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// A block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// A block with opaque extrinsics.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

/// This chain's block time in milliseconds (async backing: one block every 6 seconds).
pub const MILLISECS_PER_BLOCK: u64 = 6_000;
/// The Aura slot: one block per slot.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
/// The relay chain's block time in milliseconds.
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6_000;
/// Relay chain blocks per day: the unit of the stake pools' deadlines.
pub const RELAY_DAYS: u32 = 24 * 60 * 60 * 1_000 / RELAY_CHAIN_SLOT_DURATION_MILLIS;
/// Parachain blocks the relay chain may have backed but not yet included.
pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;
/// Parachain blocks per relay chain block.
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// The development chain's parachain id.
pub const PARACHAIN_ID: u32 = 2_000;

/// The token symbol, decimals and SS58 prefix, for chain properties.
pub const TOKEN_SYMBOL: &str = "PHA";
/// Decimals of the token.
pub const TOKEN_DECIMALS: u32 = 12;
/// The SS58 address prefix (42: generic Substrate).
pub const SS58_PREFIX: u16 = 42;

impl_opaque_keys! {
	/// The collator's session keys: its Aura key.
	pub struct SessionKeys {
		/// The Aura key.
		pub aura: Aura,
	}
}

/// The runtime version.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("stake-parachain"),
	impl_name: alloc::borrow::Cow::Borrowed("stake-parachain"),
	authoring_version: 1,
	spec_version: 1,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
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

	/// The relay chain's validation data, the consensus hook, `validate_block`.
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;

	/// The time of each block.
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;

	/// This chain's parachain id.
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = staging_parachain_info;

	/// Balances, holds and freezes.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;

	/// Transaction fees.
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// A superuser for the development chain.
	#[runtime::pallet_index(15)]
	pub type Sudo = pallet_sudo;

	/// Block authoring slots.
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;

	/// Aura's parachain extension: the slots the consensus hook counts.
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	/// Batches.
	#[runtime::pallet_index(40)]
	pub type Utility = pallet_utility;

	/// Vesting schedules.
	#[runtime::pallet_index(41)]
	pub type Vesting = pallet_vesting;

	/// Workers, pools, delegation, rewards and withdrawals.
	#[runtime::pallet_index(50)]
	pub type StakePool = pallet_stake_pool;

	/// The multi-phase election of each era's active pools.
	#[runtime::pallet_index(51)]
	pub type Election = pallet_election_multi_phase;

	/// Delegators sorted by the value of their voting positions: the election's voters.
	#[runtime::pallet_index(52)]
	pub type VoterList = pallet_bags_list<Instance1>;

	/// Candidate pools sorted by value: the election's targets.
	#[runtime::pallet_index(53)]
	pub type TargetList = pallet_bags_list<Instance2>;
}

#[cfg(feature = "benchmark-api")]
mod benches {
	// `ParachainSystem` is left out, as its weights are (the template's `WeightInfo = ()`):
	// without XCM its message-queue benchmarks have nothing to enqueue into.
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

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
