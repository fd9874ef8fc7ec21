//! Removing cycles from a staked solution: the same result as `sp_npos_elections::reduce` (no
//! cycle left, every voter's total and every target's support unchanged), an order of magnitude
//! faster.
//!
//! The voters and targets are the nodes of a bipartite graph whose edges carry stake. The edges
//! are added one by one to a spanning forest kept as flat parent arrays. An edge between two
//! trees links them (re-rooting the smaller side's path). An edge inside one tree closes a cycle
//! with the tree path between its ends; stake is moved around the cycle (each edge alternately
//! gains and loses the same amount, so every node's sum is unchanged) until its smallest edge
//! in the losing direction is empty; empty edges leave the forest and the graph. At the end the
//! graph is a forest: at most `nodes - 1` edges, usually far fewer than the solver produced.
//!
//! `sp_npos_elections::reduce` does the same walk with reference-counted nodes and ordered
//! maps; this keeps nodes in vectors indexed by position, which is what makes it fast (see
//! docs/miner.md for the figures). Pure code, no allocation per edge beyond the two path
//! buffers reused throughout.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use sp_npos_elections::{ExtendedBalance, IdentifierT, StakedAssignment};

const NONE: u32 = u32::MAX;

/// An edge: assignment index and position in its distribution.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Edge {
	voter: u32,
	slot: u32,
}

struct Forest {
	parent: Vec<u32>,
	/// The edge to the parent (meaningless at a root).
	up: Vec<Edge>,
}

impl Forest {
	/// The path from `node` to its root, `node` first.
	fn path(&self, node: u32, out: &mut Vec<u32>) {
		out.clear();
		let mut at = node;
		while at != NONE {
			out.push(at);
			at = self.parent.get(at as usize).copied().unwrap_or(NONE);
		}
	}

	/// Make `node` the root of its tree by reversing the parent links on its path.
	fn reroot(&mut self, node: u32) {
		let (mut previous, mut previous_edge) = (NONE, Edge { voter: NONE, slot: NONE });
		let mut at = node;
		while at != NONE {
			let i = at as usize;
			let (Some(parent), Some(up)) = (self.parent.get(i).copied(), self.up.get(i).copied())
			else {
				return;
			};
			if let (Some(p), Some(u)) = (self.parent.get_mut(i), self.up.get_mut(i)) {
				*p = previous;
				*u = previous_edge;
			}
			previous = at;
			previous_edge = up;
			at = parent;
		}
	}

	/// Hang `child`'s tree (re-rooted at `child`) under `parent` through `edge`.
	fn link(&mut self, child: u32, parent: u32, edge: Edge) {
		self.reroot(child);
		if let (Some(p), Some(u)) =
			(self.parent.get_mut(child as usize), self.up.get_mut(child as usize))
		{
			*p = parent;
			*u = edge;
		}
	}

	/// Cut `node` from its parent.
	fn cut(&mut self, node: u32) {
		if let Some(p) = self.parent.get_mut(node as usize) {
			*p = NONE;
		}
	}
}

fn weight<A>(assignments: &[StakedAssignment<A>], edge: Edge) -> ExtendedBalance {
	assignments
		.get(edge.voter as usize)
		.and_then(|a| a.distribution.get(edge.slot as usize))
		.map(|(_, w)| *w)
		.unwrap_or(0)
}

fn adjust<A>(
	assignments: &mut [StakedAssignment<A>],
	edge: Edge,
	delta: ExtendedBalance,
	up: bool,
) {
	if let Some((_, w)) = assignments
		.get_mut(edge.voter as usize)
		.and_then(|a| a.distribution.get_mut(edge.slot as usize))
	{
		*w = if up { w.saturating_add(delta) } else { w.saturating_sub(delta) };
	}
}

/// Remove every cycle from `assignments`, keeping each voter's total and each target's support.
/// Returns the number of edges removed. Voters must be distinct, and a voter's distribution must
/// not name a target twice (as every solver's output and every snapshot guarantee).
pub fn reduce<A: IdentifierT>(assignments: &mut [StakedAssignment<A>]) -> u32 {
	let voters = assignments.len();
	let mut target_index: BTreeMap<A, u32> = BTreeMap::new();
	for assignment in assignments.iter() {
		for (target, _) in &assignment.distribution {
			let next = target_index.len() as u32;
			target_index.entry(target.clone()).or_insert(next);
		}
	}
	let nodes = voters.saturating_add(target_index.len());
	if voters >= NONE as usize || nodes >= NONE as usize {
		// Beyond u32 indices: leave the solution as it is (it stays valid, only longer).
		return 0;
	}
	let voter_node = |i: usize| i as u32;
	let target_node = |t: &A| target_index.get(t).map(|i| (voters as u32).saturating_add(*i));
	let mut forest = Forest {
		parent: alloc::vec![NONE; nodes],
		up: alloc::vec![Edge { voter: NONE, slot: NONE }; nodes],
	};
	let (mut from_voter, mut from_target) = (Vec::new(), Vec::new());
	let mut cycle: Vec<(Edge, bool)> = Vec::new();

	for i in 0..voters {
		let slots = assignments.get(i).map(|a| a.distribution.len()).unwrap_or(0);
		for j in 0..slots {
			let edge = Edge { voter: i as u32, slot: j as u32 };
			let Some(target) = assignments
				.get(i)
				.and_then(|a| a.distribution.get(j))
				.and_then(|(t, _)| target_node(t))
			else {
				continue;
			};
			let voter = voter_node(i);
			if weight(assignments, edge) == 0 {
				continue;
			}
			forest.path(voter, &mut from_voter);
			forest.path(target, &mut from_target);
			if from_voter.last() != from_target.last() {
				// Two trees: re-root the shorter side and hang it under the other end.
				if from_voter.len() <= from_target.len() {
					forest.link(voter, target, edge);
				} else {
					forest.link(target, voter, edge);
				}
				continue;
			}
			// One tree: drop the common part of the two root paths; what is left, with the new
			// edge, is the cycle voter -> target -> ... -> lca <- ... <- voter.
			while from_voter.len() > 1
				&& from_target.len() > 1
				&& from_voter.get(from_voter.len().saturating_sub(2))
					== from_target.get(from_target.len().saturating_sub(2))
			{
				from_voter.pop();
				from_target.pop();
			}
			// Orientation: the new edge gains; along each path the first edge loses, the next
			// gains, and so on (each node on the cycle has one gaining and one losing edge).
			cycle.clear();
			cycle.push((edge, true));
			for path in [&from_voter, &from_target] {
				for (k, node) in path.iter().take(path.len().saturating_sub(1)).enumerate() {
					let up = forest.up.get(*node as usize).copied().unwrap_or(edge);
					cycle.push((up, k % 2 == 1));
				}
			}
			// Move the smallest edge's weight against its direction: it empties, every edge of
			// its direction loses as much, every edge of the other gains it.
			let Some(&(min_edge, min_gains)) =
				cycle.iter().min_by_key(|(e, _)| weight(assignments, *e))
			else {
				continue;
			};
			let delta = weight(assignments, min_edge);
			for &(e, gains) in cycle.iter() {
				adjust(assignments, e, delta, gains != min_gains);
			}
			// Empty tree edges leave the forest; a non-empty new edge then joins the pieces.
			let mut cut_any = false;
			for path in [&from_voter, &from_target] {
				for node in path.iter().take(path.len().saturating_sub(1)) {
					let up = forest.up.get(*node as usize).copied().unwrap_or(edge);
					if weight(assignments, up) == 0 {
						forest.cut(*node);
						cut_any = true;
					}
				}
			}
			if cut_any && weight(assignments, edge) > 0 {
				forest.path(voter, &mut from_voter);
				forest.path(target, &mut from_target);
				if from_voter.len() <= from_target.len() {
					forest.link(voter, target, edge);
				} else {
					forest.link(target, voter, edge);
				}
			}
		}
	}

	let mut removed = 0u32;
	for assignment in assignments.iter_mut() {
		let before = assignment.distribution.len();
		assignment.distribution.retain(|(_, w)| *w > 0);
		removed =
			removed.saturating_add(before.saturating_sub(assignment.distribution.len()) as u32);
	}
	removed
}
