//! One scenario and its trace hash, shared by the native and the wasm test: the same
//! scenario must give the same hash on both (links replay the same in every browser).

use clusterlab::scenario::{self, Scenario};
use clusterlab::sim::{ClientOp, Fault, TimedFault};

/// Computed natively and pinned; the wasm build must agree.
pub const PINNED_HASH: &str = "65ed5f08f14075f8";

pub fn scenario() -> Scenario {
    let mut s = Scenario::new("paxos", 5, 7);
    s.chaos_on = true;
    let at = |at_us, fault| TimedFault { at_us, after_event: None, fault };
    s.faults = vec![
        at(100_000, Fault::Request { node: 1, op: ClientOp::Put { key: "a".into(), value: "1".into() } }),
        at(400_000, Fault::Crash { node: 2 }),
        at(900_000, Fault::Restart { node: 2 }),
        at(1_200_000, Fault::Partition { groups: vec![vec![0, 1]] }),
        at(2_000_000, Fault::HealAll),
        at(2_100_000, Fault::Request { node: 3, op: ClientOp::Put { key: "b".into(), value: "2".into() } }),
    ];
    s.playhead_us = 3_000_000;
    s
}

pub fn hash() -> String {
    let run = scenario::build(&scenario(), false).expect("scenario builds");
    clusterlab::sim::hash_hex(run.trace_hash())
}

/// The same scenario as a version 7 link (the trace hash and message checksums hash whole
/// words), computed natively and pinned.
pub const PINNED_HASH_V7: &str = "887a7fba0891c4fe";

pub fn hash_v7() -> String {
    let s = Scenario { version: 7, ..scenario() };
    let run = scenario::build(&s, false).expect("scenario builds");
    clusterlab::sim::hash_hex(run.trace_hash())
}
