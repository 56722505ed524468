//! Chord's simulation results (Stoica et al., SIGCOMM 2001, §6), reproduced with the
//! protocol's own identifier and key hashing: the load per node with and without virtual
//! nodes (§6.2, Figures 8 and 9) and the mean lookup path against ½ log₂ N (§6.3,
//! Figure 10), through the simulated ring's own lookups; and lookups after a fraction of
//! the nodes fail at once (§6.4), with and without replication on the successor list.

use clusterlab::protocols::chord::ring::{key_id, node_ids};
use clusterlab::protocols::chord::Chord;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{ClientOp, Fault, TimedFault, TraceKind};

/// Keys per node for `n` nodes with `v` virtual nodes each and `keys` keys, as multiples of
/// the mean: (99th percentile, largest).
fn load(n: u32, v: u32, keys: u32) -> (f64, f64) {
    let ids = node_ids(n * v, 32, 7);
    // Each identifier's owner: a deterministic shuffle of v copies of every node.
    let mut owner: Vec<u32> = (0..n * v).map(|j| j % n).collect();
    let mut state = 11u64;
    for i in (1..owner.len()).rev() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        owner.swap(i, (state >> 33) as usize % (i + 1));
    }
    let mut per = vec![0u32; n as usize];
    for k in 0..keys {
        let x = key_id(&format!("key{k}"), 32);
        let at = ids.partition_point(|&id| id < x) % ids.len();
        per[owner[at] as usize] += 1;
    }
    per.sort_unstable();
    let mean = f64::from(keys) / f64::from(n);
    (f64::from(per[(per.len() * 99) / 100]) / mean, f64::from(per[per.len() - 1]) / mean)
}

#[test]
fn section_6_2_load_is_uneven_and_virtual_nodes_even_it() {
    // 10⁴ nodes, 5 × 10⁵ keys: the paper's 99th percentile is ≈ 4.6 × the mean.
    let (p99, max) = load(10_000, 1, 500_000);
    println!("10^4 nodes, 5x10^5 keys: 99th percentile {p99:.2} x mean, largest {max:.2} x mean");
    assert!((3.9..=5.3).contains(&p99), "99th percentile {p99:.2} x the mean, the paper ≈ 4.6");
    assert!(max > 7.0, "the most loaded node {max:.2} x the mean (the paper: ≈ 9)");
    // 10⁶ keys over 10⁴ nodes: the 99th percentile falls from ≈ 4.8 to ≈ 1.6 x the mean with
    // 20 virtual nodes per node (spread ∝ 1/√v).
    let (one, _) = load(10_000, 1, 1_000_000);
    let (twenty, _) = load(10_000, 20, 1_000_000);
    println!("10^6 keys: 99th percentile {one:.2} x mean with 1 virtual node, {twenty:.2} x with 20");
    assert!((4.0..=5.6).contains(&one), "{one:.2}, the paper ≈ 4.8");
    assert!((1.35..=1.9).contains(&twenty), "{twenty:.2}, the paper ≈ 1.6");
}

/// The mean path of client lookups on a ring of `n` nodes, after its fingers are fixed.
fn mean_path(n: u32) -> f64 {
    let mut s = Scenario::current("chord", n, 1);
    s.config = serde_json::json!({ "m_bits": 24, "keys": 0, "replicate": false, "stabilize_us": 1_000_000, "fix_fingers_us": 1_000_000 });
    s.faults = (0..300u64)
        .map(|i| {
            let node = ((i * 7919) % u64::from(n)) as u32;
            TimedFault { at_us: 100_000 + i * 1_000, after_event: None, fault: Fault::Request { node, op: ClientOp::Get { key: format!("key{i}") } } }
        })
        .collect();
    s.playhead_us = 2_000_000;
    let h = build_typed::<Chord>(&s, false).expect("builds");
    let (lookups, hops) = h.sim().nodes().iter().flatten().fold((0, 0), |(l, p), c| (l + c.lookups, p + c.hops));
    assert_eq!(lookups, 300, "every lookup answered");
    hops as f64 / lookups as f64
}

#[test]
fn section_6_3_the_mean_lookup_path_is_about_half_log2_n() {
    for k in [4u32, 6, 8] {
        let n = 1u32 << k;
        let mean = mean_path(n);
        println!("N = 2^{k}: mean path {mean:.2} hops, ½ log₂ N = {:.1}", f64::from(k) / 2.0);
        assert!((mean - f64::from(k) / 2.0).abs() <= 0.6, "N = 2^{k}: {mean:.2} hops against {}", f64::from(k) / 2.0);
    }
}

/// The share of 400 lookups for stored keys that find no value after a fifth of 200 nodes
/// failed at once and the ring stabilized.
fn failed_lookups(replicate: bool) -> f64 {
    let n = 200u32;
    let mut s = Scenario::current("chord", n, 1);
    s.config = serde_json::json!({ "m_bits": 24, "keys": 400, "replicate": replicate });
    s.faults = (0..n).filter(|i| i % 5 == 2).map(|node| TimedFault { at_us: 500_000, after_event: None, fault: Fault::Crash { node } }).collect();
    s.faults.extend((0..400u64).map(|i| {
        let node = ((i * 7919) % u64::from(n)) as u32;
        let node = if node % 5 == 2 { node + 1 } else { node };
        TimedFault { at_us: 6_000_000 + i * 2_000, after_event: None, fault: Fault::Request { node, op: ClientOp::Get { key: format!("k{i}") } } }
    }));
    s.playhead_us = 9_000_000;
    let h = build_typed::<Chord>(&s, true).expect("builds");
    let replies: Vec<String> = h.trace().iter().filter_map(|r| match &r.kind {
        TraceKind::Reply { reply, .. } => Some(reply.clone()),
        _ => None,
    }).collect();
    assert_eq!(replies.len(), 400, "every lookup answered");
    replies.iter().filter(|r| !r.contains("value: Some")).count() as f64 / 400.0
}

#[test]
fn section_6_4_after_a_fifth_of_the_nodes_fail_a_fifth_of_the_lookups_fail_unless_keys_are_replicated() {
    let without = failed_lookups(false);
    let with = failed_lookups(true);
    println!("p = 0.2 of 200 nodes failed: {:.1}% of lookups fail without replicas, {:.1}% with", without * 100.0, with * 100.0);
    assert!((0.13..=0.27).contains(&without), "{without:.3}, the paper ≈ p = 0.2");
    assert!(with <= 0.01, "{with:.3}: with replication on the successor list none should fail");
}
