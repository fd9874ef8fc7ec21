//! A signing key, and signed extrinsics of the stake-pool runtime.
//!
//! The key comes from a secret URI (`//Alice`, a mnemonic with an optional derivation path, or a
//! `0x` seed) or from a file holding one, as polkadot-staking-miner's `--seed-or-path` takes it.
//! The secret is never printed: errors name the file or say that the URI is malformed.

use crate::{AccountId, Hash};
use codec::Encode;
use pool_runtime::{RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};
use sp_core::{crypto::Pair as _, sr25519};
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};
use std::path::Path;

/// An sr25519 key and its account.
pub struct Signer {
	pair: sr25519::Pair,
	account: AccountId,
}

/// What a signed extrinsic commits to besides its call and nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mortality {
	/// The block the era starts at (its hash is signed).
	pub checkpoint: Hash,
	/// That block's number.
	pub checkpoint_number: u32,
	/// How many blocks the transaction stays valid for (rounded up by the era encoding to a
	/// power of two, at least 4).
	pub period: u64,
}

/// The chain facts a signature commits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainFacts {
	/// The genesis hash.
	pub genesis: Hash,
	/// The runtime's `spec_version`.
	pub spec_version: u32,
	/// The runtime's `transaction_version`.
	pub transaction_version: u32,
}

impl Signer {
	/// A key from a secret URI, or from a file whose content is one (surrounding whitespace
	/// ignored).
	///
	/// An argument that looks like a path (`/…` but not `//…`, `./…`, `../…`, `~…`) must name a
	/// file: a mistyped path is an error, never a soft derivation of the development phrase
	/// (which is what `/no/such/file` means as a secret URI).
	pub fn from_seed_or_path(seed_or_path: &str) -> Result<Self, String> {
		let path = Path::new(seed_or_path);
		let looks_like_path = (seed_or_path.starts_with('/') && !seed_or_path.starts_with("//"))
			|| ["./", "../", "~"].iter().any(|p| seed_or_path.starts_with(p));
		if looks_like_path && !path.is_file() {
			return Err(format!(
				"the seed file {} does not exist or is not a file",
				path.display()
			));
		}
		let secret = if !seed_or_path.starts_with("//") && path.is_file() {
			std::fs::read_to_string(path)
				.map_err(|e| format!("cannot read the seed file {}: {e}", path.display()))?
				.trim()
				.to_string()
		} else {
			seed_or_path.to_string()
		};
		let pair = sr25519::Pair::from_string(&secret, None).map_err(|e| {
			if secret == seed_or_path {
				format!("the seed is neither a readable file nor a valid secret URI ({e:?})")
			} else {
				format!("the seed file {} does not hold a valid secret URI ({e:?})", path.display())
			}
		})?;
		let account = AccountId::from(pair.public());
		Ok(Self { pair, account })
	}

	/// The account this key signs for.
	pub fn account(&self) -> &AccountId {
		&self.account
	}

	/// `call` signed with `nonce`, valid from `mortality.checkpoint` for `mortality.period`
	/// blocks, with no tip.
	pub fn sign(
		&self,
		call: RuntimeCall,
		nonce: u32,
		mortality: Mortality,
		facts: ChainFacts,
	) -> UncheckedExtrinsic {
		let era = Era::mortal(mortality.period, mortality.checkpoint_number.into());
		let tx_ext: TxExtension = (
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(era),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_system::WeightReclaim::new(),
		);
		let implicit = (
			(),
			(),
			facts.spec_version,
			facts.transaction_version,
			facts.genesis,
			mortality.checkpoint,
			(),
			(),
			(),
			(),
		);
		let payload = SignedPayload::from_raw(call.clone(), tx_ext.clone(), implicit);
		let signature = payload.using_encoded(|bytes| self.pair.sign(bytes));
		UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(self.account.clone()),
			MultiSignature::Sr25519(signature),
			tx_ext,
		)
	}
}

/// The encoded form of an extrinsic, as `author_submitExtrinsic` takes it.
pub fn encode(extrinsic: &UncheckedExtrinsic) -> Vec<u8> {
	extrinsic.encode()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::crypto::Ss58Codec;
	use sp_runtime::traits::Verify;

	#[test]
	fn keys_from_a_uri_or_a_file() {
		let alice = Signer::from_seed_or_path("//Alice").unwrap();
		assert_eq!(
			alice.account().to_ss58check(),
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
		);
		let dir = std::env::temp_dir().join(format!("stake-client-seed-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let file = dir.join("seed");
		std::fs::write(&file, "//Alice\n").unwrap();
		let from_file = Signer::from_seed_or_path(file.to_str().unwrap()).unwrap();
		assert_eq!(from_file.account(), alice.account());
		std::fs::write(&file, "0x1234").unwrap();
		let error = Signer::from_seed_or_path(file.to_str().unwrap()).err().unwrap();
		assert!(error.contains("does not hold a valid secret URI"), "{error}");
		assert!(!error.contains("1234"), "the secret must not be printed: {error}");
		let error = Signer::from_seed_or_path("/no/such/file").err().unwrap();
		assert!(error.contains("the seed file /no/such/file does not exist"), "{error}");
		let error = Signer::from_seed_or_path("0x12").err().unwrap();
		assert!(error.contains("neither a readable file nor a valid secret URI"), "{error}");
		std::fs::remove_dir_all(dir).unwrap();
	}

	#[test]
	fn the_signature_covers_the_implicit_chain_facts() {
		let alice = Signer::from_seed_or_path("//Alice").unwrap();
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![1, 2, 3] });
		let mortality =
			Mortality { checkpoint: Hash::repeat_byte(7), checkpoint_number: 100, period: 64 };
		let facts =
			ChainFacts { genesis: Hash::repeat_byte(1), spec_version: 3, transaction_version: 2 };
		let xt = alice.sign(call.clone(), 5, mortality, facts);
		let (address, signature, tx_ext) = match &xt.preamble {
			sp_runtime::generic::Preamble::Signed(a, s, e) => (a.clone(), s.clone(), e.clone()),
			_ => panic!("signed"),
		};
		assert_eq!(address, MultiAddress::Id(alice.account().clone()));
		let implicit =
			((), (), 3u32, 2u32, Hash::repeat_byte(1), Hash::repeat_byte(7), (), (), (), ());
		let payload = SignedPayload::from_raw(call.clone(), tx_ext.clone(), implicit);
		assert!(payload.using_encoded(|b| signature.verify(b, alice.account())));
		// Another genesis: the same signature no longer verifies.
		let other =
			((), (), 3u32, 2u32, Hash::repeat_byte(2), Hash::repeat_byte(7), (), (), (), ());
		let payload = SignedPayload::from_raw(call, tx_ext, other);
		assert!(!payload.using_encoded(|b| signature.verify(b, alice.account())));
	}
}
