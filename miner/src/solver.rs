//! The miner's own NPoS solvers: sequential Phragmén, PhragMMS and star balancing over a flat
//! graph, in floating point.
//!
//! They implement the same rules as `sp_npos_elections` (`seq_phragmen`, `phragmms`,
//! `balancing::balance`), the solvers polkadot-sdk's miners run, but on the shape a miner
//! wants: the voter–target edges in flat arrays indexed both ways (no reference-counted nodes,
//! no 128-bit rationals), and sequential Phragmén's per-candidate score sums kept up to date
//! incrementally. Electing a winner touches only the voters who voted for it and their other
//! edges, instead of rescoring every edge of the snapshot every round: at Polkadot scale
//! (22,500 voters with ~190,000 votes, 1,000 targets, 300 winners) that is a few million edge
//! updates in all instead of some 57 million rescorings, and sequential Phragmén drops from
//! over a second to a few hundredths (figures in `docs/miner.md`).
//!
//! Nothing here has to match the chain bit for bit: the chain never runs a solver on a signed
//! solution, it checks the submitted assignments (feasibility, score). Floating point only
//! decides which winners are picked and how each voter splits its stake; the result goes
//! through the election pallet's own `Miner::prepare` (exact integer arithmetic: reduce, trim,
//! score) like any other solver's output, and is scored exactly from there.

use sp_npos_elections::{IdentifierT, StakedAssignment, VoteWeight};
use std::{collections::BTreeMap, ops::Range};

/// Voters, targets and the edges between them, in flat arrays.
///
/// Edges are numbered voter by voter (voter `v`'s edges are `voter_start[v]..voter_start[v +
/// 1]`), and listed again target by target in `target_edges`. Voters with no stake or no known
/// target are left out (they can back nobody).
pub struct Graph<A> {
	/// The voters kept, with their stakes.
	voters: Vec<(A, VoteWeight)>,
	/// Each voter's stake, as a float.
	budget: Vec<f64>,
	/// Where each voter's edges start in the edge arrays (one more entry than voters).
	voter_start: Vec<usize>,
	/// The target index of each edge.
	edge_target: Vec<u32>,
	/// The voter index of each edge.
	edge_voter: Vec<u32>,
	/// Where each target's edges start in `target_edges` (one more entry than targets).
	target_start: Vec<usize>,
	/// Edge indices grouped by target.
	target_edges: Vec<u32>,
	/// The targets.
	targets: Vec<A>,
	/// The summed stake of each target's voters.
	approval: Vec<f64>,
}

impl<A: IdentifierT> Graph<A> {
	/// Build the graph of `voters` (account, stake, votes) over `targets`. Votes for accounts
	/// that are not targets, and repeated votes, are ignored.
	pub fn new<'a, V>(
		voters: impl IntoIterator<Item = (&'a A, VoteWeight, V)>,
		targets: &[A],
	) -> Self
	where
		A: 'a,
		V: IntoIterator<Item = &'a A>,
	{
		let index: BTreeMap<&A, u32> =
			targets.iter().enumerate().map(|(i, t)| (t, i as u32)).collect();
		let mut graph = Graph {
			voters: Vec::new(),
			budget: Vec::new(),
			voter_start: vec![0],
			edge_target: Vec::new(),
			edge_voter: Vec::new(),
			target_start: Vec::new(),
			target_edges: Vec::new(),
			targets: targets.to_vec(),
			approval: vec![0.0; targets.len()],
		};
		let mut degree = vec![0usize; targets.len()];
		for (who, stake, votes) in voters {
			if stake == 0 {
				continue;
			}
			let first = graph.edge_target.len();
			let voter = graph.voters.len() as u32;
			for vote in votes {
				let Some(&t) = index.get(vote) else { continue };
				if graph.edge_target.get(first..).is_some_and(|mine| mine.contains(&t)) {
					continue;
				}
				graph.edge_target.push(t);
				graph.edge_voter.push(voter);
				if let Some(d) = degree.get_mut(t as usize) {
					*d = d.saturating_add(1);
				}
				if let Some(a) = graph.approval.get_mut(t as usize) {
					*a += stake as f64;
				}
			}
			if graph.edge_target.len() == first {
				continue;
			}
			graph.voters.push((who.clone(), stake));
			graph.budget.push(stake as f64);
			graph.voter_start.push(graph.edge_target.len());
		}
		// Counting sort of the edges by target.
		let mut start = 0usize;
		graph.target_start = degree
			.iter()
			.map(|d| {
				let s = start;
				start = start.saturating_add(*d);
				s
			})
			.collect();
		graph.target_start.push(start);
		let mut next = graph.target_start.clone();
		graph.target_edges = vec![0; graph.edge_target.len()];
		for (e, t) in graph.edge_target.iter().enumerate() {
			if let Some(slot) = next.get_mut(*t as usize) {
				if let Some(edge) = graph.target_edges.get_mut(*slot) {
					*edge = e as u32;
				}
				*slot = slot.saturating_add(1);
			}
		}
		graph
	}
}

impl<A> Graph<A> {
	/// The number of targets.
	pub fn target_count(&self) -> usize {
		self.targets.len()
	}

	/// The number of edges.
	pub fn edge_count(&self) -> usize {
		self.edge_target.len()
	}

	/// Voter `v`'s edges.
	fn voter_edges(&self, v: usize) -> Range<usize> {
		let start = self.voter_start.get(v).copied().unwrap_or_default();
		let end = self.voter_start.get(v.saturating_add(1)).copied().unwrap_or(start);
		start..end
	}

	/// Target `t`'s edges (indices into the edge arrays).
	fn target_edges(&self, t: usize) -> &[u32] {
		let start = self.target_start.get(t).copied().unwrap_or_default();
		let end = self.target_start.get(t.saturating_add(1)).copied().unwrap_or(start);
		self.target_edges.get(start..end).unwrap_or_default()
	}

	fn target_of(&self, e: usize) -> usize {
		self.edge_target.get(e).copied().unwrap_or_default() as usize
	}

	fn voter_of(&self, e: usize) -> usize {
		self.edge_voter.get(e).copied().unwrap_or_default() as usize
	}

	fn budget_of(&self, v: usize) -> f64 {
		self.budget.get(v).copied().unwrap_or_default()
	}

	fn approval_of(&self, t: usize) -> f64 {
		self.approval.get(t).copied().unwrap_or_default()
	}
}

/// A solver's result: the winners and how every voter splits its stake.
pub struct Solved {
	/// Whether each target was elected.
	pub elected: Vec<bool>,
	/// The winners, in the round they were elected.
	pub winners: Vec<u32>,
	/// The stake on each edge (zero on edges to targets not elected).
	pub weight: Vec<f64>,
}

impl Solved {
	fn is_elected(&self, t: usize) -> bool {
		self.elected.get(t).copied().unwrap_or(false)
	}

	/// Each target's backing: the sum of its edges' weights.
	pub fn supports<A>(&self, graph: &Graph<A>) -> Vec<f64> {
		let mut support = vec![0.0; graph.target_count()];
		for (e, w) in self.weight.iter().enumerate() {
			if let Some(s) = support.get_mut(graph.target_of(e)) {
				*s += *w;
			}
		}
		support
	}

	/// The voters' stake distributions, in the stake units of the snapshot: every voter that
	/// backs a winner, each of its stake-carrying edges rounded to a whole unit.
	pub fn staked_assignments<A: IdentifierT>(&self, graph: &Graph<A>) -> Vec<StakedAssignment<A>> {
		let mut out = Vec::with_capacity(graph.voters.len());
		for (v, (who, _)) in graph.voters.iter().enumerate() {
			let distribution: Vec<(A, u128)> = graph
				.voter_edges(v)
				.filter_map(|e| {
					let t = graph.target_of(e);
					let w = self.weight.get(e).copied().unwrap_or_default();
					// `as` saturates and maps NaN to zero.
					let w = w.round() as u128;
					(self.is_elected(t) && w > 0)
						.then(|| graph.targets.get(t).map(|target| (target.clone(), w)))
						.flatten()
				})
				.collect();
			if !distribution.is_empty() {
				out.push(StakedAssignment { who: who.clone(), distribution });
			}
		}
		out
	}
}

/// Sequential Phragmén: elect `to_elect` targets one by one, each round the one with the
/// lowest score `(1 + Σ load(v) · stake(v)) / approval`, over its voters `v`, then raise its
/// voters' loads to that score. Stops early when no target with any approval is left.
///
/// The score sums are kept per target and updated only for the voters of each new winner.
pub fn seq_phragmen<A>(graph: &Graph<A>, to_elect: usize) -> Solved {
	let targets = graph.target_count();
	let mut elected = vec![false; targets];
	let mut winners = Vec::with_capacity(to_elect.min(targets));
	// Σ load(v) · stake(v) over each target's voters.
	let mut sum = vec![0.0f64; targets];
	let mut load = vec![0.0f64; graph.voters.len()];
	let mut edge_load = vec![0.0f64; graph.edge_count()];
	for _ in 0..to_elect.min(targets) {
		let mut best: Option<(usize, f64)> = None;
		for (t, (s, is_elected)) in sum.iter().zip(&elected).enumerate() {
			let approval = graph.approval_of(t);
			if *is_elected || approval <= 0.0 {
				continue;
			}
			let score = (1.0 + s) / approval;
			if best.is_none_or(|(_, b)| score < b) {
				best = Some((t, score));
			}
		}
		let Some((winner, score)) = best else { break };
		if let Some(flag) = elected.get_mut(winner) {
			*flag = true;
		}
		winners.push(winner as u32);
		for &e in graph.target_edges(winner) {
			let v = graph.voter_of(e as usize);
			let Some(l) = load.get_mut(v) else { continue };
			let delta = score - *l;
			*l = score;
			if let Some(el) = edge_load.get_mut(e as usize) {
				*el = delta;
			}
			let raise = delta * graph.budget_of(v);
			for other in graph.voter_edges(v) {
				let t = graph.target_of(other);
				if !elected.get(t).copied().unwrap_or(true) {
					if let Some(s) = sum.get_mut(t) {
						*s += raise;
					}
				}
			}
		}
	}
	// Each voter splits its stake in proportion to its edges' loads.
	let mut weight = vec![0.0f64; graph.edge_count()];
	for (v, l) in load.iter().enumerate() {
		if *l <= 0.0 {
			continue;
		}
		let per_load = graph.budget_of(v) / l;
		for e in graph.voter_edges(v) {
			if elected.get(graph.target_of(e)).copied().unwrap_or(false) {
				if let (Some(w), Some(el)) = (weight.get_mut(e), edge_load.get(e)) {
					*w = el * per_load;
				}
			}
		}
	}
	Solved { elected, winners, weight }
}

/// PhragMMS as `sp_npos_elections::phragmms` computes it: each round elect the target with the
/// highest score `approval / (1 + Σ_v Σ_{w elected} weight(v, w) / support(w))`, then have its
/// voters move to it their unused stake and, from every winner backed above that score, the
/// share above it; with `balancing` iterations of [`balance`] after every round.
pub fn phragmms<A>(graph: &Graph<A>, to_elect: usize, balancing: usize) -> Solved {
	let targets = graph.target_count();
	let mut solved = Solved {
		elected: vec![false; targets],
		winners: Vec::with_capacity(to_elect.min(targets)),
		weight: vec![0.0; graph.edge_count()],
	};
	let mut balancer = Balancer::new(graph, vec![0.0f64; targets]);
	// Targets whose backing the round's insertion changed: where balancing starts.
	let mut changed: Vec<usize> = Vec::new();
	let mut inverse = vec![0.0f64; targets];
	let mut denominator = vec![0.0f64; targets];
	for _ in 0..to_elect.min(targets) {
		for (((inv, s), d), is_elected) in inverse
			.iter_mut()
			.zip(&balancer.support)
			.zip(denominator.iter_mut())
			.zip(&solved.elected)
		{
			*inv = if *is_elected && *s > 0.0 { 1.0 / s } else { 0.0 };
			*d = 1.0;
		}
		for v in 0..graph.voters.len() {
			let edges = graph.voter_edges(v);
			let contribution: f64 = edges
				.clone()
				.map(|e| {
					let w = solved.weight.get(e).copied().unwrap_or_default();
					w * inverse.get(graph.target_of(e)).copied().unwrap_or_default()
				})
				.sum();
			if contribution == 0.0 {
				continue;
			}
			for e in edges {
				let t = graph.target_of(e);
				if !solved.is_elected(t) {
					if let Some(d) = denominator.get_mut(t) {
						*d += contribution;
					}
				}
			}
		}
		let mut best: Option<(usize, f64)> = None;
		for (t, d) in denominator.iter().enumerate() {
			let approval = graph.approval_of(t);
			if solved.is_elected(t) || approval <= 0.0 {
				continue;
			}
			let score = approval / d;
			if best.is_none_or(|(_, b)| score > b) {
				best = Some((t, score));
			}
		}
		let Some((winner, cutoff)) = best else { break };
		changed.clear();
		changed.push(winner);
		let mut winner_support = 0.0;
		for &e in graph.target_edges(winner) {
			let (e, v) = (e as usize, graph.voter_of(e as usize));
			let edges = graph.voter_edges(v);
			let used: f64 = solved.weight.get(edges.clone()).unwrap_or_default().iter().sum();
			let mut new_weight = (graph.budget_of(v) - used).max(0.0);
			for other in edges.filter(|o| *o != e) {
				let t = graph.target_of(other);
				let (Some(w), Some(s)) =
					(solved.weight.get_mut(other), balancer.support.get_mut(t))
				else {
					continue;
				};
				if *w > 0.0 && *s > cutoff {
					let take = *w * cutoff / *s;
					*w -= take;
					*s -= take;
					new_weight += take;
					if balancing > 0 && changed.last() != Some(&t) {
						changed.push(t);
					}
				}
			}
			if let Some(w) = solved.weight.get_mut(e) {
				*w = new_weight;
			}
			winner_support += new_weight;
		}
		if let Some(s) = balancer.support.get_mut(winner) {
			*s = winner_support;
		}
		if let Some(flag) = solved.elected.get_mut(winner) {
			*flag = true;
		}
		solved.winners.push(winner as u32);
		if balancing > 0 {
			changed.sort_unstable();
			changed.dedup();
			balancer.run(graph, &mut solved, balancing, Some(&changed));
		}
	}
	solved
}

/// Star balancing (as `sp_npos_elections::balancing::balance`), `iterations` passes at most:
/// each voter in turn spreads its stake over the winners it backs so as to raise the least
/// backed of them as far as it can (water-filling), given everybody else's stake. Returns the
/// passes made.
///
/// The first pass visits every voter; each later pass only the voters of winners whose
/// backing moved in the pass before by more than [`TOLERANCE`] of itself (nobody else's best
/// split can have changed), and balancing stops when there are none left.
pub fn balance<A>(graph: &Graph<A>, solved: &mut Solved, iterations: usize) -> usize {
	let support = solved.supports(graph);
	let mut balancer = Balancer::new(graph, support);
	balancer.run(graph, solved, iterations, None)
}

/// The change in a winner's backing, relative to the backing, that balancing still follows
/// up: a billionth, far below what a solution's vote ratios can express (a `PerU16` ratio moves
/// stake in steps of 1/65,535) and above floating-point noise.
pub const TOLERANCE: f64 = 1e-9;

/// The state of star balancing kept between calls (PhragMMS balances after every round).
struct Balancer {
	/// Each target's backing.
	support: Vec<f64>,
	/// (backing without this voter, edge) of one voter's edges to winners.
	edges: Vec<(f64, usize)>,
	/// Targets whose backing moved in the current pass.
	moved: Vec<bool>,
	/// Voters already queued for the next pass.
	queued: Vec<bool>,
}

impl Balancer {
	fn new<A>(graph: &Graph<A>, support: Vec<f64>) -> Self {
		Balancer {
			support,
			edges: Vec::new(),
			moved: vec![false; graph.target_count()],
			queued: vec![false; graph.voters.len()],
		}
	}

	/// Up to `iterations` passes, the first over the voters of `seeds` (every voter if none).
	fn run<A>(
		&mut self,
		graph: &Graph<A>,
		solved: &mut Solved,
		iterations: usize,
		seeds: Option<&[usize]>,
	) -> usize {
		let mut active: Vec<usize> = match seeds {
			None => (0..graph.voters.len()).collect(),
			Some(targets) => {
				for t in targets {
					if let Some(m) = self.moved.get_mut(*t) {
						*m = true;
					}
				}
				self.next_pass(graph)
			},
		};
		let mut passes = 0;
		while passes < iterations && !active.is_empty() {
			passes = passes.saturating_add(1);
			for v in &active {
				self.balance_voter(graph, solved, *v);
			}
			active = self.next_pass(graph);
		}
		// Whatever is still marked was left for a pass that is not made.
		self.moved.iter_mut().for_each(|m| *m = false);
		passes
	}

	/// The voters of the targets marked moved, in voter order; clears the marks.
	fn next_pass<A>(&mut self, graph: &Graph<A>) -> Vec<usize> {
		let mut next = Vec::new();
		for (t, moved) in self.moved.iter_mut().enumerate() {
			if !std::mem::take(moved) {
				continue;
			}
			for e in graph.target_edges(t) {
				let v = graph.voter_of(*e as usize);
				if let Some(q) = self.queued.get_mut(v) {
					if !*q {
						*q = true;
						next.push(v);
					}
				}
			}
		}
		for v in &next {
			if let Some(q) = self.queued.get_mut(*v) {
				*q = false;
			}
		}
		next.sort_unstable();
		next
	}

	/// Water-fill voter `v`'s stake over the winners it backs.
	fn balance_voter<A>(&mut self, graph: &Graph<A>, solved: &mut Solved, v: usize) {
		self.edges.clear();
		for e in graph.voter_edges(v) {
			let t = graph.target_of(e);
			if !solved.is_elected(t) {
				continue;
			}
			let w = solved.weight.get(e).copied().unwrap_or_default();
			let s = self.support.get(t).copied().unwrap_or_default();
			self.edges.push((s - w, e));
		}
		if self.edges.len() <= 1 {
			return;
		}
		let budget = graph.budget_of(v);
		self.edges.sort_by(|a, b| a.0.total_cmp(&b.0));
		// Fill the least backed up to a common level, as far as the budget reaches.
		let mut filled = 0.0;
		let mut count = 0usize;
		for (s, _) in self.edges.iter() {
			if count > 0 && s * count as f64 - filled > budget {
				break;
			}
			filled += s;
			count = count.saturating_add(1);
		}
		let level = (budget + filled) / count as f64;
		for (i, (s, e)) in self.edges.iter().enumerate() {
			let new_weight = if i < count { (level - s).max(0.0) } else { 0.0 };
			let Some(w) = solved.weight.get_mut(*e) else { continue };
			let t = graph.target_of(*e);
			if (new_weight - *w).abs() > (s + new_weight) * TOLERANCE {
				if let Some(m) = self.moved.get_mut(t) {
					*m = true;
				}
			}
			*w = new_weight;
			if let Some(total) = self.support.get_mut(t) {
				*total = s + new_weight;
			}
		}
	}
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use sp_runtime::Perbill;

	type Snapshot = (Vec<(u64, u64, Vec<u64>)>, Vec<u64>);

	fn graph((voters, targets): &Snapshot) -> Graph<u64> {
		Graph::new(voters.iter().map(|(w, s, v)| (w, *s, v.iter())), targets)
	}

	/// `(voter, target) -> weight` of the edges carrying stake.
	fn weights(g: &Graph<u64>, solved: &Solved) -> Vec<(u64, u64, f64)> {
		let mut out = Vec::new();
		for (v, (who, _)) in g.voters.iter().enumerate() {
			for e in g.voter_edges(v) {
				if solved.weight[e] > 0.0 {
					out.push((*who, g.targets[g.target_of(e)], solved.weight[e]));
				}
			}
		}
		out
	}

	fn close(a: f64, b: f64) -> bool {
		(a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
	}

	fn assert_weights(g: &Graph<u64>, solved: &Solved, expected: &[(u64, u64, f64)]) {
		let got = weights(g, solved);
		assert_eq!(got.len(), expected.len(), "{got:?}");
		for ((v, t, w), (ev, et, ew)) in got.iter().zip(expected) {
			assert!(v == ev && t == et && close(*w, *ew), "{got:?} != {expected:?}");
		}
	}

	/// Three candidates, three voters: the example of `sp_npos_elections`' own tests.
	fn three() -> Snapshot {
		(vec![(10, 10, vec![1, 2]), (20, 20, vec![1, 3]), (30, 30, vec![2, 3])], vec![1, 2, 3])
	}

	#[test]
	fn seq_phragmen_by_hand() {
		// Approvals 30, 40, 50. Round 1 scores 1/30, 1/40, 1/50: 3 wins at 0.02; voters 20
		// and 30 go to load 0.02, which adds 0.02 * 20 = 0.4 to 1's sum and 0.02 * 30 = 0.6
		// to 2's. Round 2: 1 at 1.4 / 30 = 0.0467, 2 at 1.6 / 40 = 0.04: 2 wins; voter 10's
		// edge load 0.04 (of 0.04), voter 30's 0.02 (of 0.04). Stake in proportion to load:
		// 10 -> 2: 10; 20 -> 3: 20; 30 -> 2: 15 and 3: 15. Backing 2: 25, 3: 35.
		let snapshot = three();
		let g = graph(&snapshot);
		let solved = seq_phragmen(&g, 2);
		assert_eq!(solved.winners, vec![2, 1]);
		assert_eq!(solved.elected, vec![false, true, true]);
		assert_weights(&g, &solved, &[(10, 2, 10.0), (20, 3, 20.0), (30, 2, 15.0), (30, 3, 15.0)]);
		let support = solved.supports(&g);
		assert!(close(support[1], 25.0) && close(support[2], 35.0));
	}

	#[test]
	fn balancing_by_hand() {
		// Only voter 30 backs two winners. Without it 2 has 10 and 3 has 20; its 30 fills
		// both to (30 + 10 + 20) / 2 = 30: 20 to 2 and 10 to 3. The second pass visits the
		// voters of 2 and 3 again and moves nothing, so balancing stops there.
		let snapshot = three();
		let g = graph(&snapshot);
		let mut solved = seq_phragmen(&g, 2);
		assert_eq!(balance(&g, &mut solved, 10), 2);
		assert_weights(&g, &solved, &[(10, 2, 10.0), (20, 3, 20.0), (30, 2, 20.0), (30, 3, 10.0)]);
		// Zero iterations change nothing.
		let mut unbalanced = seq_phragmen(&g, 2);
		assert_eq!(balance(&g, &mut unbalanced, 0), 0);
		assert_weights(
			&g,
			&unbalanced,
			&[(10, 2, 10.0), (20, 3, 20.0), (30, 2, 15.0), (30, 3, 15.0)],
		);
	}

	#[test]
	fn balancing_a_budget_that_cannot_reach_the_second_winner() {
		// Voter 1 (stake 10) backs a (others give it 100) and b (others give it 0): all of it
		// goes to b, since filling b up to a's 100 would take 100.
		let snapshot =
			(vec![(1, 10, vec![100, 101]), (2, 100, vec![100]), (3, 5, vec![101])], vec![100, 101]);
		let g = graph(&snapshot);
		let mut solved = seq_phragmen(&g, 2);
		balance(&g, &mut solved, 10);
		assert_weights(&g, &solved, &[(1, 101, 10.0), (2, 100, 100.0), (3, 101, 5.0)]);
	}

	#[test]
	fn phragmms_by_hand() {
		// Round 1: nothing elected, scores are the approvals 30, 40, 50: 3 wins at 50 and
		// voters 20 and 30 give it their whole stake. Round 2: voter 20 puts 20 / 50 = 0.4 of
		// 3's backing on candidate 1's denominator, voter 30 0.6 on 2's: 1 scores
		// 30 / 1.4 = 21.4, 2 scores 40 / 1.6 = 25 and wins with cutoff 25. Voter 10 gives it
		// its unused 10; voter 30 takes 30 * 25 / 50 = 15 from 3 (backed 50 > 25) and gives
		// it 15. Backing 2: 25, 3: 35 (the `sp_npos_elections` test's figures).
		let snapshot = three();
		let g = graph(&snapshot);
		let solved = phragmms(&g, 2, 0);
		assert_eq!(solved.winners, vec![2, 1]);
		assert_weights(&g, &solved, &[(10, 2, 10.0), (20, 3, 20.0), (30, 2, 15.0), (30, 3, 15.0)]);
		// Balancing after every round: nothing to balance after round 1 (nobody backs two
		// winners), after round 2 voter 30 evens 2 and 3 out at 30 as above.
		let interleaved = phragmms(&g, 2, 10);
		assert_weights(
			&g,
			&interleaved,
			&[(10, 2, 10.0), (20, 3, 20.0), (30, 2, 20.0), (30, 3, 10.0)],
		);
	}

	#[test]
	fn the_graph_ignores_what_cannot_back_anybody() {
		// Voter 1 has no stake, voter 2 votes only for a non-target, voter 3 votes twice for
		// 100 and once for a non-target.
		let snapshot = (
			vec![(1, 0, vec![100]), (2, 50, vec![7]), (3, 40, vec![100, 100, 7, 101])],
			vec![100, 101],
		);
		let g = graph(&snapshot);
		assert_eq!(g.voters, vec![(3, 40)]);
		assert_eq!(g.edge_count(), 2);
		assert_eq!(g.approval, vec![40.0, 40.0]);
		// Nobody to elect beyond what has approval: a third seat stays empty.
		let (voters, _) = snapshot;
		let g = graph(&(voters, vec![100, 101, 102]));
		assert_eq!(seq_phragmen(&g, 3).winners, vec![0, 1]);
		assert_eq!(phragmms(&g, 3, 0).winners, vec![0, 1]);
	}

	use crate::bench::Rng;

	fn below(rng: &mut Rng, n: u64) -> u64 {
		rng.next() % n
	}

	/// A random snapshot: 3 to 20 targets, 1 to 60 voters with distinct random stakes and 1
	/// to 6 votes, and the seats to fill.
	fn random(seed: u64) -> (Snapshot, usize) {
		let mut rng = Rng(seed);
		let targets: Vec<u64> = (0..3 + below(&mut rng, 18)).map(|t| 1000 + t).collect();
		let voters = (0..1 + below(&mut rng, 60))
			.map(|v| {
				let mut votes = Vec::new();
				for _ in 0..1 + below(&mut rng, 6) {
					let t = targets[below(&mut rng, targets.len() as u64) as usize];
					if !votes.contains(&t) {
						votes.push(t);
					}
				}
				(v, 1_000_000 + below(&mut rng, 1_000_000_000_000), votes)
			})
			.collect();
		let seats = 1 + below(&mut rng, targets.len() as u64) as usize;
		((voters, targets), seats)
	}

	fn winners(g: &Graph<u64>, solved: &Solved) -> Vec<u64> {
		solved.winners.iter().map(|t| g.targets[*t as usize]).collect()
	}

	#[test]
	fn the_same_winners_as_sp_npos_elections() {
		// Random stakes leave no ties, so the exact solvers and these pick the same winners in
		// the same order; `sp_npos_elections` then fills the seats left with targets nobody
		// voted for, which these leave empty (such a winner can be in no solution).
		let mut compared = 0;
		for seed in 0..300 {
			let (snapshot, seats) = random(seed);
			let g = graph(&snapshot);
			let (voters, targets) = snapshot.clone();
			let approved = |t: &u64| voters.iter().any(|(_, _, votes)| votes.contains(t));
			let check = |name: &str, ours: Vec<u64>, reference: Vec<u64>| {
				let (backed, unbacked) = reference.split_at(ours.len().min(reference.len()));
				assert_eq!(ours, backed, "{name}, seed {seed}");
				assert!(!unbacked.iter().any(approved), "{name}, seed {seed}: {unbacked:?}");
			};
			let reference = sp_npos_elections::seq_phragmen::<u64, Perbill>(
				seats,
				targets.clone(),
				voters.clone(),
				None,
			)
			.unwrap();
			let ours = winners(&g, &seq_phragmen(&g, seats));
			compared += ours.len();
			check("seq-phragmen", ours, reference.winners.iter().map(|(w, _)| *w).collect());
			let reference =
				sp_npos_elections::phragmms::<u64, Perbill>(seats, targets, voters.clone(), None)
					.unwrap();
			let ours = winners(&g, &phragmms(&g, seats, 0));
			compared += ours.len();
			check("phragmms", ours, reference.winners.iter().map(|(w, _)| *w).collect());
		}
		assert!(compared > 1000, "{compared}");
	}

	fn min_and_squares(g: &Graph<u64>, solved: &Solved) -> (f64, f64) {
		let support = solved.supports(g);
		let winners = solved.winners.iter().map(|t| support[*t as usize]);
		(winners.clone().fold(f64::MAX, f64::min), winners.map(|s| s * s).sum())
	}

	#[test]
	fn every_voter_spends_its_stake_and_balancing_only_improves() {
		for seed in 0..300 {
			let (snapshot, seats) = random(seed);
			let g = graph(&snapshot);
			for mut solved in
				[seq_phragmen(&g, seats), phragmms(&g, seats, 0), phragmms(&g, seats, 3)]
			{
				let before = min_and_squares(&g, &solved);
				balance(&g, &mut solved, 5);
				let after = min_and_squares(&g, &solved);
				// Water-filling maximises the least backing among a voter's winners and
				// minimises their sum of squares, one voter at a time.
				assert!(
					after.0 >= before.0 * (1.0 - 1e-12),
					"seed {seed}: {before:?} -> {after:?}"
				);
				assert!(
					after.1 <= before.1 * (1.0 + 1e-12),
					"seed {seed}: {before:?} -> {after:?}"
				);
				for (v, (_, stake)) in g.voters.iter().enumerate() {
					let edges = g.voter_edges(v);
					let backs_a_winner = edges.clone().any(|e| solved.is_elected(g.target_of(e)));
					let spent: f64 = edges.clone().map(|e| solved.weight[e]).sum();
					assert!(edges.clone().all(|e| solved.weight[e] >= 0.0));
					assert!(edges
						.clone()
						.all(|e| solved.is_elected(g.target_of(e)) || solved.weight[e] == 0.0));
					let expected = if backs_a_winner { *stake as f64 } else { 0.0 };
					assert!(
						close(spent, expected),
						"seed {seed}: voter {v} spends {spent} of {stake}"
					);
				}
			}
		}
	}
}
