//! Paxos clients under version 2: fixed scenarios for the bugs fixed since version 1 (each
//! also run as version 1, which must keep its old behaviour: links live forever), handler
//! tests for Multi-Paxos client sessions (Ongaro's thesis §6.3), and how the simulated
//! client reads each reply.

use clusterlab::protocols::paxos::Paxos;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{ClientOp, Fault, History, Protocol, TimedFault};
use serde_json::json;

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn put(at_us: u64, node: u32, key: &str, value: &str) -> TimedFault {
    at(at_us, Fault::Request { node, op: ClientOp::Put { key: key.into(), value: value.into() } })
}

/// The same scenario under version 1 (frozen semantics).
fn as_v1(s: &Scenario) -> Scenario {
    Scenario { version: 1, ..s.clone() }
}

fn run(s: &Scenario, until_us: u64) -> History<Paxos> {
    let mut s = s.clone();
    s.playhead_us = until_us;
    build_typed::<Paxos>(&s, true).expect("scenario builds")
}

fn kv(h: &History<Paxos>, node: u32) -> Vec<(String, String)> {
    h.sim().node(node).expect("node is up").kv.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// ---- 1. a restarted node applies its durable learned prefix again ----------------------

/// Multi-Paxos, 5 nodes, node 0 the only proposer: two puts are chosen, then node 3 crashes
/// and restarts. No new slot is learned afterwards.
fn restart_after_two_puts() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "multi", "proposers": [0]});
    s.faults = vec![
        put(1_000_000, 0, "a", "1"),
        put(1_100_000, 0, "b", "2"),
        at(1_500_000, Fault::Crash { node: 3 }),
        at(1_600_000, Fault::Restart { node: 3 }),
    ];
    s
}

#[test]
fn restarted_node_reapplies_its_learned_prefix() {
    let h = run(&restart_after_two_puts(), 1_700_000);
    let n3 = h.sim().node(3).expect("n3 restarted");
    assert_eq!((n3.learned_upto, n3.applied_upto), (2, 2));
    assert_eq!(kv(&h, 3), pairs(&[("a", "1"), ("b", "2")]));
    assert_eq!(Paxos::check_liveness(h.sim().nodes()), Ok(()));
}

#[test]
fn v1_restarted_node_still_applies_nothing_until_a_new_slot() {
    let h = run(&as_v1(&restart_after_two_puts()), 1_700_000);
    let n3 = h.sim().node(3).expect("n3 restarted");
    assert_eq!((n3.learned_upto, n3.applied_upto), (2, 0));
    assert!(kv(&h, 3).is_empty());
    assert_eq!(Paxos::check_liveness(h.sim().nodes()), Err("n3 learned 2 and applied 0 slots; leader n0 learned 2".into()));
}
