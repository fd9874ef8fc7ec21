//! Is the chain's runtime the one this client was built against, as far as the client cares?
//!
//! The client decodes storage, events and runtime-API results and encodes calls with the types
//! of the `pool-runtime` crate it was compiled with. A runtime upgrade may change any of them; a
//! client that went on regardless would misread the chain or send calls it does not mean. So
//! the client compares, item by item, the *shape* of every type it depends on in the chain's
//! metadata (V16) with the same item in its own runtime's metadata: structs by field names and
//! shapes, enums by variant indices, names and fields, sequences, arrays, tuples, primitives,
//! compacts, all the way down. Type paths, ids and docs do not count, so a renamed Rust type or a
//! reordered registry is not a mismatch; a new field, a new variant index or a changed integer
//! width is. Items the client does not use may change freely.

use crate::hex::decode;
use frame_metadata::{
	v16::{RuntimeMetadataV16, StorageEntryType},
	RuntimeMetadata, RuntimeMetadataPrefixed,
};
use scale_info::{PortableRegistry, TypeDef};
use sp_crypto_hashing::blake2_256;
use std::collections::{BTreeMap, BTreeSet};

/// The metadata version compared.
pub const METADATA_VERSION: u32 = 16;

/// One item the client depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
	/// A call of a pallet (and the pallet's index in `RuntimeCall`).
	Call(&'static str, &'static str),
	/// A storage item (modifier, hashers, key and value types).
	Storage(&'static str, &'static str),
	/// A pallet constant's type.
	Constant(&'static str, &'static str),
	/// A runtime API method (inputs and output).
	RuntimeApi(&'static str, &'static str),
	/// The outer event enum (every pallet's events: a block's events decode as a whole).
	Events,
	/// The extrinsic format: address, call and signature types and the transaction extensions.
	Extrinsic,
}

impl std::fmt::Display for Item {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Item::Call(p, c) => write!(f, "call {p}::{c}"),
			Item::Storage(p, s) => write!(f, "storage {p}::{s}"),
			Item::Constant(p, c) => write!(f, "constant {p}::{c}"),
			Item::RuntimeApi(a, m) => write!(f, "runtime API {a}_{m}"),
			Item::Events => write!(f, "the runtime's events"),
			Item::Extrinsic => write!(f, "the extrinsic format and transaction extensions"),
		}
	}
}

/// How one item compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
	/// Same shape on both sides.
	Same,
	/// Present on both sides with different shapes.
	Differs,
	/// The chain does not have it.
	MissingOnChain,
	/// This client's own runtime does not have it (a bug in the item list).
	MissingHere,
}

/// The comparison of every item.
#[derive(Debug, Clone)]
pub struct Report {
	/// Each item with its verdict, in the order asked.
	pub items: Vec<(Item, Verdict)>,
}

impl Report {
	/// Whether every item has the same shape.
	pub fn compatible(&self) -> bool {
		self.items.iter().all(|(_, v)| *v == Verdict::Same)
	}

	/// The items that do not match, for an error message.
	pub fn mismatches(&self) -> Vec<String> {
		self.items
			.iter()
			.filter(|(_, v)| *v != Verdict::Same)
			.map(|(item, v)| match v {
				Verdict::Differs => format!("{item} has changed"),
				Verdict::MissingOnChain => format!("{item} is missing on the chain"),
				Verdict::MissingHere => format!("{item} is missing in this build"),
				Verdict::Same => String::new(),
			})
			.collect()
	}
}

/// V16 metadata from the bytes of a `Metadata_metadata_at_version` call (an
/// `Option<OpaqueMetadata>`).
pub fn metadata_from_call(bytes: &[u8]) -> Result<RuntimeMetadataV16, String> {
	let opaque: Option<Vec<u8>> = decode("Metadata_metadata_at_version", bytes)?;
	let opaque = opaque
		.ok_or_else(|| format!("the chain does not offer metadata version {METADATA_VERSION}"))?;
	metadata_from_prefixed(&opaque)
}

/// V16 metadata from encoded `RuntimeMetadataPrefixed`.
pub fn metadata_from_prefixed(bytes: &[u8]) -> Result<RuntimeMetadataV16, String> {
	let prefixed: RuntimeMetadataPrefixed = decode("the runtime metadata", bytes)?;
	match prefixed.1 {
		RuntimeMetadata::V16(metadata) => Ok(metadata),
		other => Err(format!(
			"expected metadata version {METADATA_VERSION}, got version {}",
			other.version()
		)),
	}
}

/// This build's own runtime metadata.
pub fn own_metadata() -> Result<RuntimeMetadataV16, String> {
	let opaque = pool_runtime::Runtime::metadata_at_version(METADATA_VERSION)
		.ok_or("this build's runtime does not offer metadata version 16")?;
	metadata_from_prefixed(&opaque)
}

/// Compare `items` between `ours` and the `chain`'s metadata.
pub fn compare(ours: &RuntimeMetadataV16, chain: &RuntimeMetadataV16, items: &[Item]) -> Report {
	let mut our_shapes = Shapes::new(&ours.types);
	let mut chain_shapes = Shapes::new(&chain.types);
	let items = items
		.iter()
		.map(|item| {
			let here = fingerprint(ours, &mut our_shapes, item);
			let there = fingerprint(chain, &mut chain_shapes, item);
			let verdict = match (here, there) {
				(None, _) => Verdict::MissingHere,
				(Some(_), None) => Verdict::MissingOnChain,
				(Some(a), Some(b)) if a == b => Verdict::Same,
				_ => Verdict::Differs,
			};
			(*item, verdict)
		})
		.collect();
	Report { items }
}

/// The value of constant `pallet::name`, decoded as `T`.
pub fn constant<T: codec::Decode>(
	metadata: &RuntimeMetadataV16,
	pallet: &str,
	name: &str,
) -> Result<T, String> {
	let value = metadata
		.pallets
		.iter()
		.find(|p| p.name == pallet)
		.and_then(|p| p.constants.iter().find(|c| c.name == name))
		.ok_or_else(|| format!("the chain has no constant {pallet}::{name}"))?;
	decode(&format!("constant {pallet}::{name}"), &value.value)
}

fn fingerprint(
	metadata: &RuntimeMetadataV16,
	shapes: &mut Shapes<'_>,
	item: &Item,
) -> Option<[u8; 32]> {
	let pallet = |name: &str| metadata.pallets.iter().find(|p| p.name == name);
	let mut bytes = Vec::new();
	match item {
		Item::Call(p, call) => {
			let pallet = pallet(p)?;
			let ty = pallet.calls.as_ref()?.ty.id;
			bytes.push(pallet.index);
			bytes.extend(shapes.variant(ty, call)?);
		},
		Item::Storage(p, name) => {
			let entry = pallet(p)?.storage.as_ref()?.entries.iter().find(|e| e.name == *name)?;
			bytes.extend(format!("{:?}", entry.modifier).as_bytes());
			match &entry.ty {
				StorageEntryType::Plain(ty) => {
					bytes.push(0);
					bytes.extend(shapes.shape(ty.id));
				},
				StorageEntryType::Map { hashers, key, value } => {
					bytes.push(1);
					bytes.extend(format!("{hashers:?}").as_bytes());
					bytes.extend(shapes.shape(key.id));
					bytes.extend(shapes.shape(value.id));
				},
			}
		},
		Item::Constant(p, name) => {
			let constant = pallet(p)?.constants.iter().find(|c| c.name == *name)?;
			bytes.extend(shapes.shape(constant.ty.id));
		},
		Item::RuntimeApi(api, method) => {
			let method = metadata
				.apis
				.iter()
				.find(|a| a.name == *api)?
				.methods
				.iter()
				.find(|m| m.name == *method)?;
			for input in &method.inputs {
				bytes.extend(input.name.as_bytes());
				bytes.extend(shapes.shape(input.ty.id));
			}
			bytes.push(0xff);
			bytes.extend(shapes.shape(method.output.id));
		},
		Item::Events => bytes.extend(shapes.shape(metadata.outer_enums.event_enum_ty.id)),
		Item::Extrinsic => {
			let extrinsic = &metadata.extrinsic;
			bytes.extend(&extrinsic.versions);
			bytes.extend(shapes.shape(extrinsic.address_ty.id));
			bytes.extend(shapes.shape(extrinsic.signature_ty.id));
			for extension in &extrinsic.transaction_extensions {
				bytes.extend(extension.identifier.as_bytes());
				bytes.extend(shapes.shape(extension.ty.id));
				bytes.extend(shapes.shape(extension.implicit.id));
			}
			bytes.extend(format!("{:?}", extrinsic.transaction_extensions_by_version).as_bytes());
		},
	}
	Some(blake2_256(&bytes))
}

/// Structural hashes of the types of one registry.
struct Shapes<'a> {
	registry: &'a PortableRegistry,
	done: BTreeMap<u32, [u8; 32]>,
	visiting: BTreeSet<u32>,
}

impl<'a> Shapes<'a> {
	fn new(registry: &'a PortableRegistry) -> Self {
		Self { registry, done: BTreeMap::new(), visiting: BTreeSet::new() }
	}

	/// The shape of one variant of enum `id`, by name (its index, name and fields).
	fn variant(&mut self, id: u32, name: &str) -> Option<Vec<u8>> {
		let ty = self.registry.resolve(id)?;
		let TypeDef::Variant(def) = &ty.type_def else { return None };
		let variant = def.variants.iter().find(|v| v.name == name)?;
		let mut bytes = vec![variant.index];
		bytes.extend(variant.name.as_bytes());
		for field in &variant.fields {
			bytes.extend(field.name.as_deref().unwrap_or("").as_bytes());
			bytes.extend(self.shape(field.ty.id));
		}
		Some(bytes)
	}

	/// The shape of type `id`. A type that (indirectly) contains itself hashes the inner
	/// occurrence as a marker; both sides meet it in the same place when they match.
	fn shape(&mut self, id: u32) -> [u8; 32] {
		if let Some(hash) = self.done.get(&id) {
			return *hash;
		}
		if !self.visiting.insert(id) {
			return blake2_256(b"recursive");
		}
		let mut bytes = Vec::new();
		match self.registry.resolve(id).map(|ty| &ty.type_def) {
			None => bytes.extend(b"missing"),
			Some(TypeDef::Composite(def)) => {
				bytes.push(b'C');
				for field in &def.fields {
					bytes.extend(field.name.as_deref().unwrap_or("").as_bytes());
					bytes.push(0);
					bytes.extend(self.shape(field.ty.id));
				}
			},
			Some(TypeDef::Variant(def)) => {
				bytes.push(b'V');
				for variant in &def.variants {
					bytes.push(variant.index);
					bytes.extend(variant.name.as_bytes());
					bytes.push(0);
					for field in &variant.fields {
						bytes.extend(field.name.as_deref().unwrap_or("").as_bytes());
						bytes.push(0);
						bytes.extend(self.shape(field.ty.id));
					}
					bytes.push(1);
				}
			},
			Some(TypeDef::Sequence(def)) => {
				bytes.push(b'S');
				bytes.extend(self.shape(def.type_param.id));
			},
			Some(TypeDef::Array(def)) => {
				bytes.push(b'A');
				bytes.extend(def.len.to_le_bytes());
				bytes.extend(self.shape(def.type_param.id));
			},
			Some(TypeDef::Tuple(def)) => {
				bytes.push(b'T');
				for field in &def.fields {
					bytes.extend(self.shape(field.id));
				}
			},
			Some(TypeDef::Primitive(primitive)) => {
				bytes.push(b'P');
				bytes.extend(format!("{primitive:?}").as_bytes());
			},
			Some(TypeDef::Compact(def)) => {
				bytes.push(b'c');
				bytes.extend(self.shape(def.type_param.id));
			},
			Some(TypeDef::BitSequence(def)) => {
				bytes.push(b'B');
				bytes.extend(self.shape(def.bit_store_type.id));
				bytes.extend(self.shape(def.bit_order_type.id));
			},
		}
		self.visiting.remove(&id);
		let hash = blake2_256(&bytes);
		self.done.insert(id, hash);
		hash
	}
}

/// Rename, in `metadata`, the first field of `pallet`'s call `call`: a shape change for tests.
#[cfg(test)]
fn change_call_shape(metadata: &mut RuntimeMetadataV16, pallet: &str, call: &str) {
	let ty = metadata
		.pallets
		.iter()
		.find(|p| p.name == pallet)
		.and_then(|p| p.calls.as_ref())
		.map(|c| c.ty.id)
		.unwrap();
	let entry = metadata.types.types.iter_mut().find(|t| t.id == ty).unwrap();
	let TypeDef::Variant(def) = &mut entry.ty.type_def else { panic!("a call enum") };
	let variant = def.variants.iter_mut().find(|v| v.name == call).unwrap();
	variant.fields.first_mut().unwrap().name = Some("changed".into());
}

#[cfg(test)]
mod tests {
	use super::*;

	fn items() -> Vec<Item> {
		vec![
			Item::Call("Election", "register"),
			Item::Storage("Election", "CurrentPhase"),
			Item::Storage("System", "Account"),
			Item::Constant("Election", "MinerMaxLength"),
			Item::RuntimeApi("ElectionApi", "round_info"),
			Item::Events,
			Item::Extrinsic,
		]
	}

	#[test]
	fn the_own_runtime_matches_itself() {
		let ours = own_metadata().unwrap();
		let report = compare(&ours, &ours, &items());
		assert!(report.compatible(), "{:?}", report.mismatches());
		assert_eq!(report.items.len(), 7);
	}

	#[test]
	fn a_changed_or_missing_item_is_named() {
		let ours = own_metadata().unwrap();
		let mut chain = ours.clone();
		change_call_shape(&mut chain, "Election", "register");
		chain.apis.retain(|a| a.name != "ElectionApi");
		let report = compare(&ours, &chain, &items());
		assert!(!report.compatible());
		assert_eq!(
			report.mismatches(),
			vec![
				"call Election::register has changed".to_string(),
				"runtime API ElectionApi_round_info is missing on the chain".to_string(),
			]
		);
		// The events do not include calls: still the same.
		assert!(report.items.iter().any(|(i, v)| *i == Item::Events && *v == Verdict::Same));
	}

	#[test]
	fn constants_decode_from_the_metadata() {
		let ours = own_metadata().unwrap();
		let length: u32 = constant(&ours, "Election", "MinerMaxLength").unwrap();
		assert_eq!(length, 64 * 1024);
		assert!(constant::<u32>(&ours, "Election", "NoSuchThing")
			.unwrap_err()
			.contains("no constant Election::NoSuchThing"));
	}

	#[test]
	fn the_metadata_of_a_call_result_decodes() {
		use codec::Encode;
		let opaque = pool_runtime::Runtime::metadata_at_version(METADATA_VERSION).unwrap();
		let call_result = Some(opaque.to_vec()).encode();
		assert!(metadata_from_call(&call_result).is_ok());
		assert!(metadata_from_call(&None::<Vec<u8>>.encode())
			.unwrap_err()
			.contains("does not offer metadata version 16"));
	}
}
