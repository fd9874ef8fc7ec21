//! The reduction on random staked solutions: every voter's total and every target's support
//! unchanged, no edge left empty, no cycle left; and on hand-made cycles.

use crate::reduce::reduce;
use proptest::prelude::*;
use sp_npos_elections::{to_supports, StakedAssignment};
use std::collections::BTreeMap;

/// Whether the edges of `assignments` form a forest (union-find over voters and targets; voters
/// are numbered below 1000, targets from 1000).
fn is_forest(assignments: &[StakedAssignment<u64>]) -> bool {
	let mut parent: BTreeMap<u64, u64> = BTreeMap::new();
	fn find(parent: &mut BTreeMap<u64, u64>, x: u64) -> u64 {
		let p = *parent.entry(x).or_insert(x);
		if p == x {
			return x;
		}
		let root = find(parent, p);
		parent.insert(x, root);
		root
	}
	for a in assignments {
		for (t, _) in &a.distribution {
			let (x, y) = (find(&mut parent, a.who), find(&mut parent, *t));
			if x == y {
				return false;
			}
			parent.insert(x, y);
		}
	}
	true
}

fn totals(assignments: &[StakedAssignment<u64>]) -> Vec<(u64, u128)> {
	assignments.iter().map(|a| (a.who, a.distribution.iter().map(|(_, w)| *w).sum())).collect()
}

fn supports(assignments: &[StakedAssignment<u64>]) -> Vec<(u64, u128)> {
	let mut s: Vec<(u64, u128)> =
		to_supports(assignments).into_iter().map(|(t, s)| (t, s.total)).collect();
	s.sort();
	s
}

fn staked(edges: &[(u64, &[(u64, u128)])]) -> Vec<StakedAssignment<u64>> {
	edges.iter().map(|(who, d)| StakedAssignment { who: *who, distribution: d.to_vec() }).collect()
}

#[test]
fn a_four_cycle_with_unequal_weights_loses_one_edge() {
	// 1 -> 10: 3, 1 -> 20: 7, 2 -> 10: 6, 2 -> 20: 4. The cycle 1-10-2-20 moves 3 (the smallest
	// edge, 1 -> 10): 1 -> 20 becomes 10, 2 -> 10 becomes 9, 2 -> 20 becomes 1.
	let mut a = staked(&[(1, &[(10, 3), (20, 7)]), (2, &[(10, 6), (20, 4)])]);
	assert_eq!(reduce(&mut a), 1);
	assert_eq!(a, staked(&[(1, &[(20, 10)]), (2, &[(10, 9), (20, 1)])]));
}

#[test]
fn a_six_cycle_through_three_voters_is_broken() {
	// 1: 10, 20; 2: 20, 30; 3: 30, 10, all edges 5 except 3 -> 10 with 2: the smallest edge
	// (3 -> 10) empties; every voter keeps 10 and every target its support.
	let mut a =
		staked(&[(1, &[(10, 5), (20, 5)]), (2, &[(20, 5), (30, 5)]), (3, &[(30, 8), (10, 2)])]);
	let before = (totals(&a), supports(&a));
	assert_eq!(reduce(&mut a), 1);
	assert_eq!((totals(&a), supports(&a)), before);
	assert!(is_forest(&a));
	assert_eq!(a.iter().map(|x| x.distribution.len()).sum::<usize>(), 5);
}

#[test]
fn a_forest_is_left_alone_and_empty_edges_go() {
	let mut a = staked(&[(1, &[(10, 5), (20, 0)]), (2, &[(20, 5)])]);
	assert_eq!(reduce(&mut a), 1);
	assert_eq!(a, staked(&[(1, &[(10, 5)]), (2, &[(20, 5)])]));
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(400))]

	#[test]
	fn reducing_keeps_every_sum_and_leaves_a_forest(
		voters in prop::collection::vec(
			prop::collection::btree_map(1000u64..1012, 0u128..1_000_000, 1..6),
			1..50,
		),
	) {
		let mut a: Vec<StakedAssignment<u64>> = voters
			.into_iter()
			.enumerate()
			.map(|(i, d)| StakedAssignment { who: i as u64, distribution: d.into_iter().collect() })
			.collect();
		let edges_before: usize = a.iter().map(|x| x.distribution.len()).sum();
		let before = (totals(&a), supports(&a));
		let removed = reduce(&mut a) as usize;
		let edges_after: usize = a.iter().map(|x| x.distribution.len()).sum();
		prop_assert_eq!(edges_before - removed, edges_after);
		prop_assert_eq!((totals(&a), supports(&a)), before);
		prop_assert!(a.iter().all(|x| x.distribution.iter().all(|(_, w)| *w > 0)));
		prop_assert!(is_forest(&a));
	}
}
