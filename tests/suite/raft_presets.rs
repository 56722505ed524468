//! Raft presets as fixed-seed scenario tests: each asserts what the caption tells the
//! student to watch, and the trace hashes are pinned so links replay forever.

use clusterlab::protocols::raft::{RaftKv, Role};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, History};

fn run(name: &str, until_us: u64) -> History<RaftKv> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<RaftKv>(&s, true).expect("preset builds")
}

fn leaders(h: &History<RaftKv>) -> Vec<(u32, u64)> {
    h.sim().nodes().iter().flatten().filter(|r| r.role == Role::Leader).map(|r| (r.id(), r.current_term)).collect()
}

#[test]
fn election_elects_one_leader_and_commits_puts() {
    let h = run("raft-election", 2_000_000);
    assert_eq!(leaders(&h).len(), 1);
    for r in h.sim().nodes().iter().flatten() {
        assert_eq!(r.sm.value("x"), Some("1"), "n{}", r.id());
        assert_eq!(r.sm.value("y"), Some("2"), "n{}", r.id());
    }
    assert!(h.sim().violations().is_empty());
}

// Raft §5.2: a leader crash leads to a new leader in a higher term.
#[test]
fn leader_crash_elects_a_new_leader_in_a_higher_term() {
    let before = run("raft-leader-crash", 900_000);
    assert_eq!(leaders(&before), vec![(clusterlab::scenario::presets::raft::LEADER_SEED_2, 1)], "the preset crashes the first leader");
    let after = run("raft-leader-crash", 2_000_000);
    let l = leaders(&after);
    assert_eq!(l.len(), 1);
    assert!(l[0].1 > 1 && l[0].0 != clusterlab::scenario::presets::raft::LEADER_SEED_2);
    let end = run("raft-leader-crash", 4_000_000);
    assert!(RaftKv::check(&end), "converged after the old leader restarts");
}

// Raft §5.2: split votes are resolved by randomized timeouts.
#[test]
fn split_vote_then_a_later_term_wins() {
    let h = run("raft-split-vote", 90_000);
    let candidates = h.sim().nodes().iter().flatten().filter(|r| r.role == Role::Candidate && r.votes.len() == 2).count();
    assert_eq!(candidates, 2, "two candidates with two votes each");
    assert!(leaders(&h).is_empty());
    let later = run("raft-split-vote", 2_000_000);
    let l = leaders(&later);
    assert_eq!(l.len(), 1);
    assert!(l[0].1 >= 2, "won in a later term");
}

// Raft §5.4: a leader in the minority cannot commit.
#[test]
fn minority_leader_cannot_commit_and_heals() {
    let h = run("raft-minority-partition", 2_000_000);
    let n0 = h.sim().node(0).unwrap();
    let i = n0.log.iter().position(|e| e.cmd.as_ref().is_some_and(|c| format!("{c:?}").contains("never commits"))).expect("appended");
    let old_term = n0.log[i].term;
    assert!(n0.commit_index <= i as u64, "the minority leader's entry stays uncommitted");
    let end = run("raft-minority-partition", 5_000_000);
    assert_ne!(end.sim().node(0).unwrap().log[i].term, old_term, "after the heal the entry is overwritten");
    for r in end.sim().nodes().iter().flatten() {
        assert_eq!(r.sm.value("kept"), Some("commits"));
    }
    assert!(RaftKv::check(&end));
}

// Raft Figure 7: the leader of term 8 brings every follower's log into line.
#[test]
fn figure_7_logs_are_brought_into_line() {
    let h = run("raft-figure-7", 3_000_000);
    let l = leaders(&h);
    assert_eq!(l, vec![(0, 8)]);
    let leader_log = &h.sim().node(0).unwrap().log;
    for r in h.sim().nodes().iter().flatten() {
        assert_eq!(&r.log, leader_log, "n{}", r.id());
    }
    assert!(h.sim().violations().is_empty());
}

// Raft Figure 8: safe in the correct variant, a violation with commit_old_term.
#[test]
fn figure_8_safe_and_with_the_bug() {
    let ok = run("raft-figure-8", 2_000_000);
    assert!(ok.sim().violations().is_empty(), "{:?}", ok.sim().violations());
    assert_eq!(leaders(&ok).first().map(|l| l.0), Some(4), "S5 (n4) wins and overwrites index 2, which was never committed");
    let bad = run("raft-figure-8-bug", 2_000_000);
    let v = bad.sim().violations();
    assert!(v.iter().any(|v| v.property == "Leader Completeness"), "{v:?}");
}

// Ongaro thesis §9.6: PreVote stops a rejoining node from disrupting a stable leader.
#[test]
fn rejoining_node_disrupts_without_prevote_and_not_with_it() {
    let without = run("raft-rejoin-disrupts", 4_000_000);
    let with = run("raft-rejoin-prevote", 4_000_000);
    let term = |h: &History<RaftKv>| h.sim().node(0).unwrap().current_term;
    assert!(term(&without) > 3, "term inflated to {}", term(&without));
    assert_eq!(leaders(&with), vec![(0, 1)], "the leader of term 1 is never disturbed");
    assert!(RaftKv::check(&without) && RaftKv::check(&with));
}

#[test]
fn preset_trace_hashes_are_pinned() {
    for (name, until, hash) in [
        ("raft-election", 2_000_000, "e3d0a22ae9b3f703"),
        ("raft-figure-7", 2_000_000, "600c8870951cf304"),
        ("raft-figure-8-bug", 2_000_000, "da043c56b7ba1bde"),
    ] {
        assert_eq!(hash_hex(run(name, until).sim().trace_hash()), hash, "{name}");
    }
}

trait Converged {
    fn check(h: &History<RaftKv>) -> bool;
}
impl Converged for RaftKv {
    fn check(h: &History<RaftKv>) -> bool {
        <RaftKv as clusterlab::sim::Protocol>::check_liveness(h.sim().nodes()).is_ok()
    }
}
