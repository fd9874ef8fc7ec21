//! What the native runtime tests that drive `pool-runtime` through `Executive` share: the
//! `development` preset as a genesis config, and signed extrinsics built as a wallet builds them.

use codec::Encode;
use pool_runtime::{
	genesis_config_presets, AccountId, Nonce, RuntimeCall, RuntimeGenesisConfig, SignedPayload,
	TxExtension, UncheckedExtrinsic,
};
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

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

/// The runtime's `development` preset (the dev chain's genesis: funded dev accounts, Alice sudo,
/// the three demo pools) as a genesis config.
pub fn development_config() -> RuntimeGenesisConfig {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, genesis_config_presets::development_config_genesis());
	serde_json::from_value(config).unwrap()
}

/// `call` signed by `who` with `nonce`, immortal, no tip: `sign` signs the payload's bytes.
pub fn signed(
	call: RuntimeCall,
	who: AccountId,
	nonce: Nonce,
	sign: impl Fn(&[u8]) -> sp_core::sr25519::Signature,
) -> UncheckedExtrinsic {
	let tx_ext: TxExtension = (
		frame_system::AuthorizeCall::new(),
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_system::WeightReclaim::new(),
	);
	let payload = SignedPayload::new(call.clone(), tx_ext.clone()).unwrap();
	let signature = payload.using_encoded(|bytes| sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(who),
		MultiSignature::Sr25519(signature),
		tx_ext,
	)
}
