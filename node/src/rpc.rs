//! The node's RPC extensions: `system_*` account queries, transaction-payment queries, and the
//! manual-seal engine (`engine_createBlock`, `engine_finalizeBlock`).
//!
//! The engine's methods do not check whether unsafe methods are allowed (`sc-consensus-manual-seal`
//! marks none of them unsafe), yet they let a caller seal and finalize blocks: they are offered
//! only where every RPC endpoint serves unsafe methods ([`unsafe_methods_everywhere`]), never on a
//! node that serves safe methods only (`--rpc-methods safe`, or `--rpc-external` with the default
//! `auto`).

use futures::channel::mpsc::Sender;
use jsonrpsee::RpcModule;
use pool_runtime::{opaque::Block, AccountId, Balance, Nonce};
use sc_consensus_manual_seal::{
	rpc::{ManualSeal, ManualSealApiServer},
	EngineCommand,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// Where `engine_*` commands go, or `None` to leave the engine's methods out.
	pub command_sink: Option<Sender<EngineCommand<sp_core::H256>>>,
}

/// All the node's RPC extensions.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let FullDeps { client, pool, command_sink } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	if let Some(command_sink) = command_sink {
		module.merge(ManualSeal::new(command_sink).into_rpc())?;
	}
	Ok(module)
}

/// Whether every RPC endpoint of `rpc` serves unsafe methods: `--rpc-methods unsafe`, or `auto`
/// (the default) on a loopback address, as `sc-rpc-server` decides per endpoint.
pub fn unsafe_methods_everywhere(rpc: &sc_service::config::RpcConfiguration) -> bool {
	use sc_service::config::RpcMethods;
	rpc.addr.iter().flatten().all(|endpoint| match endpoint.rpc_methods {
		RpcMethods::Unsafe => true,
		RpcMethods::Safe => false,
		RpcMethods::Auto => endpoint.listen_addr.ip().is_loopback(),
	})
}
