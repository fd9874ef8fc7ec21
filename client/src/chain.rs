//! Typed queries of the stake-pool runtime over an [`Rpc`] connection.
//!
//! Storage keys are computed by the runtime's own storage types (`hashed_key`), values and
//! runtime-API results are decoded with the runtime's own types: with [`crate::compat`] saying
//! the chain's shapes match, what is read here is what the chain holds.

use crate::{compat, hex::decode, rpc::Rpc, AccountId, Balance, BlockNumber, Hash};
use codec::Encode;
use frame_metadata::v16::RuntimeMetadataV16;
use frame_support::weights::Weight;
use pallet_election_multi_phase::miner::VoterOf;
use pallet_election_multi_phase_runtime_api::{RoundInfo, SolutionLimits};
use pool_runtime::{Runtime, RuntimeEvent};
use sp_npos_elections::ElectionScore;

/// A block's events.
pub type Events = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;
/// A snapshot voter of this chain's election.
pub type Voter = VoterOf<pool_runtime::configs::ElectionMinerConfig>;
/// The account data of `System::Account`.
pub type AccountInfo =
	frame_system::AccountInfo<pool_runtime::Nonce, pallet_balances::AccountData<Balance>>;

/// The election's snapshot at one block.
#[derive(Debug, Clone)]
pub struct Snapshot {
	/// The voters: account, stake, votes; every page, page `Pages - 1` (the largest voters)
	/// first, as the chain's `snapshot_voters` lists them.
	pub voters: Vec<Voter>,
	/// The voter pages by index: `pages[p]` is voter page `p` (page 0 the smallest voters).
	pub pages: Vec<Vec<Voter>>,
	/// The targets.
	pub targets: Vec<AccountId>,
	/// How many winners to elect.
	pub desired_targets: u32,
	/// The fingerprint submissions name.
	pub fingerprint: Hash,
}

async fn api<T: codec::Decode>(
	rpc: &mut Rpc,
	method: &str,
	args: &[u8],
	at: Hash,
) -> Result<T, String> {
	let bytes = rpc.state_call(method, args, at).await?;
	decode(method, &bytes)
}

/// The election's round, phase, snapshot size, fingerprint and scores at `at`.
pub async fn round_info(rpc: &mut Rpc, at: Hash) -> Result<RoundInfo<BlockNumber>, String> {
	api(rpc, "ElectionApi_round_info", &[], at).await
}

/// The signed queue at `at`, best first.
pub async fn signed_queue(
	rpc: &mut Rpc,
	at: Hash,
) -> Result<Vec<(AccountId, ElectionScore)>, String> {
	api(rpc, "ElectionApi_signed_queue", &[], at).await
}

/// The limits a solution must respect at `at`.
pub async fn solution_limits(rpc: &mut Rpc, at: Hash) -> Result<SolutionLimits, String> {
	api(rpc, "ElectionApi_solution_limits", &[], at).await
}

/// The deposit a solution of `length` bytes and `weight` would hold if submitted at `at`.
pub async fn deposit_for(
	rpc: &mut Rpc,
	length: u32,
	weight: Weight,
	at: Hash,
) -> Result<Balance, String> {
	api(rpc, "ElectionApi_deposit_for", &(length, weight).encode(), at).await
}

/// The snapshot at `at`, or `None` when there is none (outside a round).
pub async fn snapshot(rpc: &mut Rpc, at: Hash) -> Result<Option<Snapshot>, String> {
	use pallet_election_multi_phase::{
		DesiredTargets, PagedVoterSnapshot, PagedVoterSnapshotHash, Round, SnapshotFingerprint,
		SnapshotTargets,
	};
	let key = |k: [u8; 32]| k.to_vec();
	// The fingerprint is set when the last page is taken: without it there is no complete
	// snapshot (outside a round, or while its pages are still being taken).
	let Some(fingerprint) =
		rpc.storage(&key(SnapshotFingerprint::<Runtime>::hashed_key()), at).await?
	else {
		return Ok(None);
	};
	let fingerprint: Hash = decode("Election::SnapshotFingerprint", &fingerprint)?;
	let targets = rpc
		.storage(&key(SnapshotTargets::<Runtime>::hashed_key()), at)
		.await?
		.ok_or("the snapshot has a fingerprint but no targets")?;
	let targets: Vec<AccountId> = decode("Election::SnapshotTargets", &targets)?;
	let desired = rpc
		.storage(&key(DesiredTargets::<Runtime>::hashed_key()), at)
		.await?
		.ok_or("the snapshot has no desired targets")?;
	let desired_targets: u32 = decode("Election::DesiredTargets", &desired)?;
	let round = rpc
		.storage(&key(Round::<Runtime>::hashed_key()), at)
		.await?
		.map(|bytes| decode::<u32>("Election::Round", &bytes))
		.transpose()?
		.unwrap_or(1);
	// Every page and its stored hash, fetched concurrently, largest voters first; each page is
	// checked against its hash and the fingerprint is recomputed from the hashes.
	type Election = pallet_election_multi_phase::Pallet<Runtime>;
	let pages: Vec<u32> = (0..Election::msp().saturating_add(1)).rev().collect();
	let mut keys: Vec<Vec<u8>> =
		pages.iter().map(PagedVoterSnapshotHash::<Runtime>::hashed_key_for).collect();
	keys.extend(pages.iter().map(PagedVoterSnapshot::<Runtime>::hashed_key_for));
	let values = rpc.storage_many(&keys, at).await?;
	let (stored_hashes, stored_pages) = values.split_at(pages.len());
	let mut voters = Vec::new();
	let mut by_index = Vec::new();
	let mut hashes = Vec::new();
	for ((page, stored), bytes) in pages.iter().zip(stored_hashes).zip(stored_pages) {
		let stored = stored
			.as_ref()
			.ok_or_else(|| format!("the snapshot has no hash for voter page {page}"))?;
		let stored: Hash = decode("Election::PagedVoterSnapshotHash", stored)?;
		let page_voters: Vec<Voter> = match bytes {
			Some(bytes) => decode("Election::PagedVoterSnapshot", bytes)?,
			None => Vec::new(),
		};
		let hash = Election::page_hash(&page_voters);
		if hash != stored {
			return Err(format!(
				"voter page {page} does not match its hash {stored:?} (read {hash:?})"
			));
		}
		hashes.push(hash);
		voters.extend(page_voters.iter().cloned());
		by_index.push(page_voters);
	}
	// Read from the highest page down; indexed from page 0 up.
	by_index.reverse();
	let expected = Election::fingerprint_of(round, desired_targets, &targets, &hashes);
	if expected != fingerprint {
		return Err(format!(
			"the snapshot's pages do not make its fingerprint {fingerprint:?} (computed {expected:?})"
		));
	}
	Ok(Some(Snapshot { voters, pages: by_index, targets, desired_targets, fingerprint }))
}

/// A signed claim of this chain's election: its key, the score it claims, and its solution
/// pages stored so far (`(page, encoded page)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
	/// Its key in `SignedSubmissionsMap`.
	pub index: u32,
	/// The score it claims.
	pub score: ElectionScore,
	/// The pages stored so far, each with its encoded solution.
	pub pages: Vec<(u32, Vec<u8>)>,
}

/// The claim `who` has in the signed queue at `at`, with the pages it stored (read
/// concurrently), or `None` when it has none.
pub async fn signed_claim(
	rpc: &mut Rpc,
	who: &AccountId,
	at: Hash,
) -> Result<Option<Claim>, String> {
	use pallet_election_multi_phase::{QueueEntry, SignedSubmissionIndices, SignedSubmissionPages};
	let Some(queue) = rpc.storage(&SignedSubmissionIndices::<Runtime>::hashed_key(), at).await?
	else {
		return Ok(None);
	};
	let queue: Vec<QueueEntry<AccountId>> = decode("Election::SignedSubmissionIndices", &queue)?;
	let Some(entry) = queue.into_iter().find(|entry| entry.who == *who) else {
		return Ok(None);
	};
	type Election = pallet_election_multi_phase::Pallet<Runtime>;
	let pages: Vec<u32> = (0..Election::msp().saturating_add(1)).collect();
	let keys: Vec<Vec<u8>> = pages
		.iter()
		.map(|page| SignedSubmissionPages::<Runtime>::hashed_key_for(entry.index, page))
		.collect();
	let values = rpc.storage_many(&keys, at).await?;
	let stored = pages
		.into_iter()
		.zip(values)
		.filter_map(|(page, value)| value.map(|bytes| (page, bytes)))
		.collect();
	Ok(Some(Claim { index: entry.index, score: entry.score, pages: stored }))
}

/// The events of block `at`.
pub async fn events(rpc: &mut Rpc, at: Hash) -> Result<Events, String> {
	// `System::Events` is private to frame-system: its key by name.
	let key = frame_support::storage::storage_prefix(b"System", b"Events");
	match rpc.storage(&key, at).await? {
		Some(bytes) => {
			let boxed: Vec<Box<frame_system::EventRecord<RuntimeEvent, Hash>>> =
				decode("System::Events", &bytes)?;
			Ok(boxed.into_iter().map(|e| *e).collect())
		},
		None => Ok(Vec::new()),
	}
}

/// The account data of `who` at `at` (the default for an account that does not exist).
pub async fn account(rpc: &mut Rpc, who: &AccountId, at: Hash) -> Result<AccountInfo, String> {
	let key = frame_system::Account::<Runtime>::hashed_key_for(who);
	match rpc.storage(&key, at).await? {
		Some(bytes) => decode("System::Account", &bytes),
		None => Ok(AccountInfo::default()),
	}
}

/// The chain's V16 metadata at `at`.
pub async fn metadata(rpc: &mut Rpc, at: Hash) -> Result<RuntimeMetadataV16, String> {
	let bytes = rpc
		.state_call("Metadata_metadata_at_version", &compat::METADATA_VERSION.encode(), at)
		.await?;
	compat::metadata_from_call(&bytes)
}
