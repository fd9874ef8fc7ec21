//! The parachain runtime driven natively through `Executive` as a collator would: each block
//! carries an Aura slot, a timestamp and the relay chain's validation data
//! (`set_validation_data` with a relay state proof built by cumulus' test sproof builder), the
//! relay parent one relay block further each time and the previous block included.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use codec::Encode;
use cumulus_primitives_core::PersistedValidationData;
use cumulus_primitives_parachain_inherent::ParachainInherentData;
use cumulus_test_relay_sproof_builder::RelayStateSproofBuilder;
use frame_support::inherent::ProvideInherent;
use sp_runtime::{
	generic::{Digest, DigestItem},
	traits::{BlockNumberProvider, Header as _},
	BuildStorage,
};
use stake_parachain_runtime::{
	genesis_config_presets, Executive, Header, ParachainSystem, Runtime, RuntimeGenesisConfig,
	System, Timestamp, UncheckedExtrinsic, PARACHAIN_ID, SLOT_DURATION,
};

/// Merge a preset patch onto a JSON value (objects merged key by key, anything else replaced).
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

fn dev_ext() -> sp_io::TestExternalities {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	let preset = genesis_config_presets::get_preset(&sp_genesis_builder::DEV_RUNTIME_PRESET.into())
		.expect("the development preset");
	merge(&mut config, serde_json::from_slice(&preset).unwrap());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	config.build_storage().unwrap().into()
}

/// What a collator knows between blocks: the parent, the relay chain's position, the head the
/// relay chain has included.
struct Collator {
	parent: sp_core::H256,
	relay_number: u32,
	relay_slot: u64,
	included_head: Option<Vec<u8>>,
}

impl Collator {
	fn new() -> Self {
		Self {
			parent: System::block_hash(0),
			relay_number: 1_000,
			relay_slot: 100_000,
			// The relay chain has included the genesis block.
			included_head: Some(
				Header::new(
					0,
					Default::default(),
					Default::default(),
					Default::default(),
					Default::default(),
				)
				.encode(),
			),
		}
	}

	/// Build the next block, `relay_blocks` relay blocks after the last (one a block at
	/// 6-second blocks; more to move the relay clock on).
	fn block(&mut self, relay_blocks: u32) {
		self.relay_number += relay_blocks;
		self.relay_slot += u64::from(relay_blocks);
		let number = System::block_number() + 1;
		// Aura: one parachain slot per relay slot (both 6 seconds).
		let slot = sp_consensus_aura::Slot::from(self.relay_slot);
		let digest = Digest {
			logs: vec![DigestItem::PreRuntime(sp_consensus_aura::AURA_ENGINE_ID, slot.encode())],
		};
		let header =
			Header::new(number, Default::default(), Default::default(), self.parent, digest);
		Executive::initialize_block(&header);

		let mut sproof = RelayStateSproofBuilder {
			para_id: PARACHAIN_ID.into(),
			current_slot: slot,
			included_para_head: self.included_head.clone().map(Into::into),
			..Default::default()
		};
		sproof.host_config.max_code_size = 3 * 1024 * 1024;
		let (relay_parent_storage_root, relay_chain_state) = sproof.into_state_root_and_proof();
		let inherent = ParachainInherentData {
			validation_data: PersistedValidationData {
				parent_head: Default::default(),
				relay_parent_number: self.relay_number,
				relay_parent_storage_root,
				max_pov_size: 10 * 1024 * 1024,
			},
			relay_chain_state,
			downward_messages: Default::default(),
			horizontal_messages: Default::default(),
			relay_parent_descendants: Default::default(),
			collator_peer_id: None,
		};
		let mut data = sp_inherents::InherentData::new();
		data.put_data(cumulus_primitives_parachain_inherent::INHERENT_IDENTIFIER, &inherent)
			.unwrap();
		data.put_data(sp_timestamp::INHERENT_IDENTIFIER, &(u64::from(slot) * SLOT_DURATION))
			.unwrap();
		for call in [
			<ParachainSystem as ProvideInherent>::create_inherent(&data).map(Into::into),
			<Timestamp as ProvideInherent>::create_inherent(&data).map(Into::into),
		] {
			let call = call.expect("an inherent");
			Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(call)).unwrap().unwrap();
		}
		let header = Executive::finalize_block();
		self.parent = header.hash();
		// The relay chain includes each block at once: the next block's proof carries it.
		self.included_head = Some(header.encode());
	}
}

#[test]
fn blocks_carry_increasing_relay_parents_and_the_stake_pools_clock_follows_the_relay_chain() {
	dev_ext().execute_with(|| {
		// The development preset's demo pools (runtime-common's, as on the solochain).
		assert_eq!(pallet_stake_pool::Pools::<Runtime>::iter().count(), 3);
		let dave = sp_keyring::Sr25519Keyring::Dave.to_account_id();
		let mut collator = Collator::new();
		for _ in 0..5 {
			collator.block(1);
		}
		// Rewards flow to the delegators of the mining pools.
		assert!(stake_parachain_runtime::StakePool::pending_rewards(&dave, 0) > 0);
		assert_eq!(System::block_number(), 5);
		assert_eq!(
			cumulus_pallet_parachain_system::LastRelayChainBlockNumber::<Runtime>::get(),
			1_005
		);
		// Relay time jumps: the stake pools' clock (the relay chain's block number) follows.
		collator.block(14_400);
		assert_eq!(
			cumulus_pallet_parachain_system::LastRelayChainBlockNumber::<Runtime>::get(),
			15_405
		);
		assert_eq!(
			cumulus_pallet_parachain_system::RelaychainDataProvider::<Runtime>::current_block_number(),
			15_405
		);
		assert_eq!(System::block_number(), 6);
	});
}

/// The storage migrations (none pending: genesis writes each pallet's current storage version)
/// and every pallet's `try_state` pass on the development chain after some blocks, as
/// `try-runtime on-runtime-upgrade` would check them before an upgrade.
#[cfg(feature = "try-runtime")]
#[test]
fn the_runtime_upgrade_checks_and_every_pallets_try_state_pass_on_the_development_chain() {
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	dev_ext().execute_with(|| {
		let mut collator = Collator::new();
		for _ in 0..3 {
			collator.block(1);
		}
		assert_eq!(
			stake_parachain_runtime::StakePool::on_chain_storage_version(),
			StorageVersion::new(3)
		);
		assert_eq!(
			stake_parachain_runtime::Election::on_chain_storage_version(),
			StorageVersion::new(3)
		);
		Executive::try_runtime_upgrade(frame_try_runtime::UpgradeCheckSelect::All)
			.expect("the upgrade checks and try_state pass");
	});
}

/// The relay chain's block number is unknown at genesis (0): the stake pools' reward clock
/// starts at the first block's relay parent, so the first settlement releases the relay blocks
/// since then, not every relay block since the relay chain's genesis.
#[test]
fn the_reward_clock_starts_at_the_first_relay_parent() {
	use pallet_stake_pool::Rewards;
	dev_ext().execute_with(|| {
		assert_eq!(Rewards::<Runtime>::get().last_update, 0);
		let mut collator = Collator::new();
		collator.block(1);
		let state = Rewards::<Runtime>::get();
		assert_eq!((state.last_update, state.released), (1_001, 0));
		collator.block(3);
		// A settlement at relay block 1,004 releases 3 relay blocks of the preset's 1 PHA.
		let dave = sp_keyring::Sr25519Keyring::Dave.to_account_id();
		stake_parachain_runtime::StakePool::claim_rewards(
			stake_parachain_runtime::RuntimeOrigin::signed(dave),
			0,
			false,
		)
		.unwrap();
		let state = Rewards::<Runtime>::get();
		assert_eq!((state.last_update, state.released), (1_004, 3 * stake_parachain_runtime::UNIT));
	});
}
