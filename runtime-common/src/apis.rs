//! The runtime APIs every runtime of the suite implements the same way.

/// `sp_api::impl_runtime_apis!` with the APIs every runtime of the suite implements alike (core,
/// metadata, view functions, block building, the transaction pool, off-chain workers, session
/// keys, nonces, fees, the stake pools' and the election's APIs, genesis presets, and
/// `TryRuntime` under the runtime's `try-runtime` feature), followed by the runtime's own
/// (`$extra`: consensus APIs, `Benchmark`).
///
/// The expansion names the runtime's items, resolved where it is invoked: `Runtime`, `Block`,
/// `Executive`, `VERSION`, `RuntimeVersion`, `RuntimeGenesisConfig`, `SessionKeys`, `AccountId`,
/// `Balance`, `Nonce`, `BlockNumber`, `RuntimeCall`, `configs::RuntimeBlockWeights`, the
/// `genesis_config_presets` module, the pallets `System`, `TransactionPayment`, `StakePool`,
/// `Election`, the helpers `election_round_info()` / `election_solution_limits()` of
/// [`impl_staking_pallets!`](crate::impl_staking_pallets), and the imports the APIs' signatures
/// use (see `parachain-runtime/src/apis.rs`).
// `crate::genesis_config_presets` is the invoking runtime's module, on purpose.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! impl_runtime_apis_with_staking {
	($($extra:tt)*) => {
		sp_api::impl_runtime_apis! {
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
					get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
				}

				fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
					crate::genesis_config_presets::preset_names()
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

			$($extra)*
		}
	};
}
