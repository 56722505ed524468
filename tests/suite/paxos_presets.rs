//! Paxos presets as fixed-seed scenario tests: each asserts what the student is told to
//! watch, and pins the trace hash so a link to it replays forever.

use clusterlab::protocols::paxos::{Paxos, Phase, Value};
use clusterlab::scenario::presets;
use clusterlab::sim::{History, Protocol};

/// Build the preset as a typed run (so the test can look inside the nodes).
fn run(name: &str, until_us: u64) -> History<Paxos> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    clusterlab::scenario::registry::build_typed::<Paxos>(&s, false).expect("preset builds")
}

fn learned(h: &History<Paxos>, node: u32) -> Option<Value> {
    h.sim().node(node).and_then(|p| p.learned.get(&0).cloned())
}

fn pinned(name: &str, until_us: u64, hash: &str) {
    let h = run(name, until_us);
    assert_eq!(clusterlab::sim::hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed (links to it would replay differently)");
}

#[test]
fn clean_round_chooses_the_value_everywhere() {
    let h = run("paxos-clean-round", 1_000_000);
    for n in 0..5 {
        assert_eq!(learned(&h, n), Some(Value::Cmd("apple".into())), "n{n}");
    }
    assert!(h.sim().violations().is_empty());
}

// Paxos Made Simple §2.2: a later proposer must propose the value reported in the Promises.
#[test]
fn competing_proposer_keeps_the_already_accepted_value() {
    let h = run("paxos-competing-proposer", 2_000_000);
    assert!(h.sim().node(0).is_none(), "n0 crashed");
    for n in 1..5 {
        assert_eq!(learned(&h, n), Some(Value::Cmd("apple".into())), "n{n} learned apple, not banana");
    }
    assert!(h.sim().node(4).unwrap().ballot.round >= 2, "n4 used a higher ballot");
    assert!(h.sim().violations().is_empty());
}

#[test]
fn livelock_never_chooses_and_backoff_cures_it() {
    let h = run("paxos-livelock", 10_000_000);
    assert!((0..5).all(|n| learned(&h, n).is_none()), "nothing chosen in 10 s of dueling");
    let ballots = h.sim().node(0).unwrap().ballot.round + h.sim().node(4).unwrap().ballot.round;
    assert!(ballots > 500, "the proposers kept pre-empting each other ({ballots} rounds)");
    assert!(h.sim().violations().is_empty(), "a livelock is not a safety violation");
    let cured = run("paxos-livelock-cured", 10_000_000);
    let v = learned(&cured, 0);
    assert!(v.is_some() && (0..5).all(|n| learned(&cured, n) == v));
}

#[test]
fn acceptor_crash_and_recovery_keep_the_chosen_value() {
    let h = run("paxos-acceptor-crash", 2_000_000);
    for n in 0..5 {
        assert_eq!(learned(&h, n), Some(Value::Cmd("apple".into())), "n{n}");
    }
}

#[test]
fn multi_paxos_leader_change_fills_gaps_and_converges() {
    let h = run("paxos-multi-leader-change", 4_000_000);
    let nodes = h.sim().nodes();
    let leaders: Vec<&Paxos> = nodes.iter().flatten().filter(|p| p.phase == Phase::Leading).collect();
    assert_eq!(leaders.len(), 1);
    assert_ne!(leaders[0].id(), 0, "leadership moved off the crashed node");
    assert_eq!(Paxos::check_liveness(nodes), Ok(()));
    let kv = &leaders[0].kv;
    for k in ["k0", "k1", "k2", "k3", "k4"] {
        assert!(kv.contains_key(k), "{k} applied: {kv:?}");
    }
    assert!(h.sim().violations().is_empty());
}

#[test]
fn bug_presets_show_a_violation() {
    for name in ["paxos-bug-accept-below-promise", "paxos-bug-ignore-promise-values", "paxos-bug-small-quorum", "paxos-bug-forget-acceptor-state"] {
        let h = run(name, 12_000_000);
        assert!(!h.sim().violations().is_empty(), "{name} shows a violation");
    }
}

#[test]
fn preset_trace_hashes_are_pinned() {
    pinned("paxos-clean-round", 1_000_000, "9e0569f12a41b1b0");
    pinned("paxos-livelock", 1_000_000, "0743aabcb441a601");
    pinned("paxos-multi-leader-change", 3_000_000, "0064c10dd529ccf4");
}
