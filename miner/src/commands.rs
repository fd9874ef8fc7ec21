//! The one-shot commands: `info`, `dry-run` and `emergency-solution`.

use crate::{
	chain_config::{self, ChainConfig},
	monitor::DEPENDENCIES,
	portfolio::{self, Algorithm},
};
use codec::Encode;
use pallet_election_multi_phase::{ElectionCompute, Miner};
use pool_runtime::RuntimeCall;
use sp_core::crypto::Ss58Codec;
use sp_npos_elections::ElectionScore;
use stake_client::{chain, compat, hex::hex, rpc::Rpc, Hash};
use std::{path::Path, time::Duration};

fn score_text(score: &ElectionScore) -> String {
	format!(
		"minimal stake {}, sum of stakes {}, sum of squares {}",
		score.minimal_stake, score.sum_stake, score.sum_stake_squared
	)
}

async fn block_at(rpc: &mut Rpc, at: Option<u32>) -> Result<(Hash, u32), String> {
	let hash = rpc.block_hash(at).await?.ok_or_else(|| match at {
		Some(n) => format!("block {n} does not exist on {}", rpc.endpoint()),
		None => format!("{} has no best block", rpc.endpoint()),
	})?;
	let header = rpc.header(Some(hash)).await?;
	Ok((hash, header.number))
}

/// Compare the chain's types at `at` with this build's; `Err` names every mismatch.
async fn ensure_compatible(rpc: &mut Rpc, at: Hash) -> Result<compat::Report, String> {
	let own = compat::own_metadata()?;
	let chain_metadata = chain::metadata(rpc, at).await?;
	let report = compat::compare(&own, &chain_metadata, DEPENDENCIES);
	if report.compatible() {
		Ok(report)
	} else {
		Err(format!(
			"the chain's types do not match this miner ({}): use a staking-miner built for this runtime",
			report.mismatches().join("; ")
		))
	}
}

/// `info`: the chain's runtime version and whether this miner's types match it.
pub async fn info(rpc: &mut Rpc) -> Result<(), String> {
	let (hash, number) = block_at(rpc, None).await?;
	let chain_name = rpc.system_chain().await?;
	let version = rpc.runtime_version(hash).await?;
	let ours = &pool_runtime::VERSION;
	println!("endpoint:         {}", rpc.endpoint());
	println!("chain:            {chain_name} (best block {number})");
	println!(
		"chain runtime:    {} spec_version {} transaction_version {}",
		version.spec_name, version.spec_version, version.transaction_version
	);
	println!(
		"miner built for:  {} spec_version {} transaction_version {}",
		ours.spec_name, ours.spec_version, ours.transaction_version
	);
	let own = compat::own_metadata()?;
	let chain_metadata = chain::metadata(rpc, hash).await?;
	let report = compat::compare(&own, &chain_metadata, DEPENDENCIES);
	for (item, verdict) in &report.items {
		let verdict = match verdict {
			compat::Verdict::Same => "ok",
			compat::Verdict::Differs => "DIFFERS",
			compat::Verdict::MissingOnChain => "MISSING ON CHAIN",
			compat::Verdict::MissingHere => "MISSING IN THIS BUILD",
		};
		println!("  {verdict:<22} {item}");
	}
	if report.compatible() {
		println!("compatible:       yes");
		Ok(())
	} else {
		Err(format!(
			"the chain's types do not match this miner: {}",
			report.mismatches().join("; ")
		))
	}
}

/// `dry-run`: mine at a block and print what a submission would be and cost.
pub async fn dry_run(
	rpc: &mut Rpc,
	at: Option<u32>,
	algorithms: &[Algorithm],
	budget: Duration,
) -> Result<(), String> {
	let (hash, number) = block_at(rpc, at).await?;
	ensure_compatible(rpc, hash).await?;
	let info = chain::round_info(rpc, hash).await?;
	let snapshot = chain::snapshot(rpc, hash).await?.ok_or_else(|| {
		format!(
			"no snapshot at block {number} (round {}, phase {:?}): dry-run needs a block of a round's signed phase or later",
			info.round, info.phase
		)
	})?;
	let limits = chain::solution_limits(rpc, hash).await?;
	chain_config::check_votes_per_voter(&limits)?;
	chain_config::set_limits(&limits);
	chain_config::set_pages(snapshot.pages.len() as u32);
	let (voters, targets, desired) =
		(snapshot.voters.clone(), snapshot.targets.clone(), snapshot.desired_targets);
	let round = info.round;
	let algorithms = algorithms.to_vec();
	let mined = tokio::task::spawn_blocking(move || {
		portfolio::race_best::<chain_config::ClaimConfig>(
			&algorithms,
			voters,
			targets,
			desired,
			round,
			budget,
		)
	})
	.await
	.map_err(|e| format!("the mining thread failed: {e}"))??;
	let check = Miner::<ChainConfig>::feasibility_check(
		mined.solution.clone(),
		ElectionCompute::Signed,
		snapshot.desired_targets,
		&snapshot.voters,
		&snapshot.targets,
		info.round,
		info.minimum_untrusted_score,
	);
	// The claim the monitor would send: the solution split into voter pages, each checked as
	// the chain checks a page, the score recomputed from the pages.
	let paged = Miner::<ChainConfig>::paginate(
		mined.solution.solution.clone(),
		&snapshot.pages,
		&snapshot.targets,
		snapshot.desired_targets,
		info.round,
	);
	// What the claim would hold: the base deposit for the queue as it is (a claim with one empty
	// page costs the base), and each page's deposit for its length and weight.
	let base = chain::deposit_for(rpc, 0, frame_support::weights::Weight::zero(), hash).await?;
	let mut deposit = base;
	if let Ok(paged) = &paged {
		let page_voters = snapshot.pages.iter().map(|page| page.len() as u32).max().unwrap_or(0);
		for (_, solution) in &paged.pages {
			let length = codec::Encode::encoded_size(solution) as u32;
			let weight = Miner::<ChainConfig>::page_weight(
				page_voters,
				snapshot.targets.len() as u32,
				frame_election_provider_support::NposSolution::voter_count(solution) as u32,
				snapshot.desired_targets,
				length,
			);
			let with_page = chain::deposit_for(rpc, length, weight, hash).await?;
			deposit = deposit.saturating_add(with_page.saturating_sub(base));
		}
	}
	let queue = chain::signed_queue(rpc, hash).await?;
	println!("block:            {number} ({})", hex(hash.as_bytes()));
	println!("round:            {} ({:?})", info.round, info.phase);
	println!(
		"snapshot:         {} voters, {} targets, {} winners, fingerprint {}",
		snapshot.voters.len(),
		snapshot.targets.len(),
		snapshot.desired_targets,
		hex(snapshot.fingerprint.as_bytes())
	);
	println!(
		"mined with:       {} in {:.2} s (solve {:.2} s, prepare {:.2} s)",
		mined.algorithm,
		mined.solve.saturating_add(mined.prepare).as_secs_f64(),
		mined.solve.as_secs_f64(),
		mined.prepare.as_secs_f64()
	);
	println!("score:            {}", score_text(&mined.score()));
	println!("length:           {} bytes (limit {})", mined.trimmed.length, limits.max_length);
	println!(
		"weight:           ref_time {} proof_size {} (limit {} / {})",
		mined.trimmed.weight.ref_time(),
		mined.trimmed.weight.proof_size(),
		limits.max_weight.ref_time(),
		limits.max_weight.proof_size()
	);
	println!("voters trimmed:   {}", mined.trimmed.voters);
	match &paged {
		Ok(paged) => println!(
			"claim pages:      {} of {} ({}), score {}",
			paged.pages.len(),
			snapshot.pages.len(),
			paged
				.pages
				.iter()
				.map(|(page, solution)| format!("page {page}: {} bytes", solution.encoded_size()))
				.collect::<Vec<_>>()
				.join(", "),
			if paged.score == mined.score() { "as the whole solution's" } else { "DIFFERENT" }
		),
		Err(e) => println!("claim pages:      cannot be split: {e:?}"),
	}
	println!(
		"deposit:          {deposit} (the base {base} and the claim's {} pages)",
		paged.as_ref().map(|paged| paged.pages.len()).unwrap_or_default()
	);
	match queue.first() {
		Some((who, best)) => println!(
			"best queued:      {} by {} ({} queued)",
			score_text(best),
			who.to_ss58check(),
			queue.len()
		),
		None => println!("best queued:      none (the queue is empty)"),
	}
	match (check, paged) {
		(Ok(_), Ok(paged)) if paged.score == mined.score() => {
			println!("feasibility:      passes the chain's check, whole and page by page");
			Ok(())
		},
		(Ok(_), Ok(_)) => Err("the pages do not score as the whole solution".into()),
		(Ok(_), Err(e)) => Err(format!("the mined solution cannot be split into pages: {e:?}")),
		(Err(e), _) => Err(format!("the mined solution fails the feasibility check: {e:?}")),
	}
}

/// `emergency-solution`: mine the snapshot and write the supports and the encoded
/// `Election::set_emergency_election_result` call for governance.
pub async fn emergency_solution(
	rpc: &mut Rpc,
	at: Option<u32>,
	force_winner_count: Option<u32>,
	algorithms: &[Algorithm],
	budget: Duration,
	output: &Path,
) -> Result<(), String> {
	let (hash, number) = block_at(rpc, at).await?;
	ensure_compatible(rpc, hash).await?;
	let info = chain::round_info(rpc, hash).await?;
	let snapshot = chain::snapshot(rpc, hash).await?.ok_or_else(|| {
		format!("no snapshot at block {number} (phase {:?}): nothing to mine", info.phase)
	})?;
	let limits = chain::solution_limits(rpc, hash).await?;
	chain_config::check_votes_per_voter(&limits)?;
	chain_config::set_limits(&limits);
	let desired = force_winner_count.unwrap_or(snapshot.desired_targets);
	if desired == 0 || desired as usize > snapshot.targets.len() || desired > limits.max_winners {
		return Err(format!(
			"cannot elect {desired} winners: the snapshot has {} targets and the chain allows at most {}",
			snapshot.targets.len(),
			limits.max_winners
		));
	}
	// The emergency result is not a claim: it is held to no page's limits, only to the winners'
	// bound; it is mined over every page (the whole snapshot) with every page's limits.
	chain_config::set_pages(snapshot.pages.len() as u32);
	let (voters, targets, round) = (snapshot.voters.clone(), snapshot.targets.clone(), info.round);
	let algorithms = algorithms.to_vec();
	let mined = tokio::task::spawn_blocking(move || {
		portfolio::race_best::<chain_config::ClaimConfig>(
			&algorithms,
			voters,
			targets,
			desired,
			round,
			budget,
		)
	})
	.await
	.map_err(|e| format!("the mining thread failed: {e}"))??;
	let ready = Miner::<ChainConfig>::feasibility_check(
		mined.solution,
		ElectionCompute::Emergency,
		desired,
		&snapshot.voters,
		&snapshot.targets,
		info.round,
		None,
	)
	.map_err(|e| format!("the mined solution fails the feasibility check: {e:?}"))?;
	let supports: Vec<(
		stake_client::AccountId,
		sp_npos_elections::Support<stake_client::AccountId>,
	)> = ready
		.supports
		.0
		.into_iter()
		.map(|(winner, support)| {
			(
				winner,
				sp_npos_elections::Support {
					total: support.total,
					voters: support.voters.into_inner(),
				},
			)
		})
		.collect();
	let json = serde_json::json!({
		"block": number,
		"round": info.round,
		"winners": supports.len(),
		"score": {
			"minimal_stake": ready.score.minimal_stake.to_string(),
			"sum_stake": ready.score.sum_stake.to_string(),
			"sum_stake_squared": ready.score.sum_stake_squared.to_string(),
		},
		"supports": supports.iter().map(|(winner, support)| serde_json::json!({
			"winner": winner.to_ss58check(),
			"total": support.total.to_string(),
			"backers": support.voters.iter().map(|(who, stake)| serde_json::json!([who.to_ss58check(), stake.to_string()])).collect::<Vec<_>>(),
		})).collect::<Vec<_>>(),
	});
	let call =
		RuntimeCall::Election(pallet_election_multi_phase::Call::set_emergency_election_result {
			supports,
		});
	let encoded = call.encode();
	let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
	write_new(output, text.as_bytes())?;
	println!("supports:  {} ({} winners, {})", output.display(), desired, score_text(&ready.score));
	println!("call hash: {}", hex(&sp_crypto_hashing::blake2_256(&encoded)));
	println!("call:      {}", hex(&encoded));
	Ok(())
}

/// Write `bytes` to `path` atomically (a temporary file renamed into place).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
	let tmp = path.with_extension("tmp");
	std::fs::write(&tmp, bytes)
		.and_then(|_| std::fs::rename(&tmp, path))
		.map_err(|e| format!("cannot write {}: {e}", path.display()))
}
