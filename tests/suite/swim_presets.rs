//! SWIM presets as fixed-seed scenario tests: each asserts what its caption tells the
//! student to watch, and pins the trace hash so a link to it replays forever.

use clusterlab::scenario::presets::gossip::*;
use clusterlab::protocols::swim::{Status, Swim};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, History, Present, Protocol, TraceKind};

fn run(name: &str, until_us: u64) -> History<Swim> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<Swim>(&s, true).expect("preset builds")
}

fn views_of(h: &History<Swim>, m: u32) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for s in h.sim().nodes().iter().flatten().filter(|s| s.id() != m) {
        match s.member(m).status {
            Status::Alive => c.0 += 1,
            Status::Suspect => c.1 += 1,
            Status::Confirm => c.2 += 1,
        }
    }
    c
}

fn pinned(h: &History<Swim>, hash: &str) {
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
}

fn notes(h: &History<Swim>, needle: &str) -> usize {
    h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains(needle))).count()
}

// SWIM §3.1 and §4.2: a crash is suspected about e/(e−1)·T′ after it, then confirmed
// dead in every view once the suspicion timeout runs out (strong completeness).
#[test]
fn crash_is_suspected_then_confirmed_dead_in_all_999_views() {
    let early = run("swim-crash-detection", SWIM_CRASH_AT_US + 600_000);
    let (_, suspect, dead) = views_of(&early, SWIM_VICTIM);
    assert!(suspect > 0 && dead == 0, "suspected, not yet confirmed: {suspect} suspect, {dead} dead");
    let h = run("swim-crash-detection", 6_000_000);
    assert_eq!(views_of(&h, SWIM_VICTIM), (0, 0, 999));
    assert_eq!(Swim::check_liveness(h.sim().nodes()), Ok(()));
    let o = Swim::overlay(h.sim().nodes(), h.sim().now_us());
    let measured = &o.plots[0].series[0].points;
    assert_eq!(measured.len(), 1, "one crashed member on the detection plot");
    assert!(measured[0].0 == f64::from(SWIM_VICTIM) && measured[0].1 < 1.0, "{measured:?}");
    assert_eq!(o.highlight, vec![SWIM_VICTIM]);
    pinned(&h, "e02bdcfe32901610");
}

// SWIM §4.2: a suspected member that is alive refutes with a higher incarnation.
#[test]
fn slow_member_is_suspected_and_refutes_before_the_timeout() {
    let during = run("swim-false-suspicion", RESUME_AT_US - 150_000);
    assert!(views_of(&during, SLOW_NODE).1 > 0, "the paused member is suspected");
    let h = run("swim-false-suspicion", 4_000_000);
    assert_eq!(views_of(&h, SLOW_NODE), (7, 0, 0));
    assert_eq!(h.sim().node(SLOW_NODE).unwrap().incarnation, 1, "refuted with incarnation 1");
    assert_eq!(notes(&h, &format!("confirm n{SLOW_NODE}")), 0, "never confirmed dead");
    assert!(notes(&h, "refute") >= 1);
    let o = Swim::overlay(h.sim().nodes(), h.sim().now_us());
    let false_positives: u64 = o.tables[0].rows[0][1].parse().unwrap();
    assert!(false_positives >= 1, "the suspicion counts as a false positive");
    assert_eq!(Swim::check_liveness(h.sim().nodes()), Ok(()));
    pinned(&h, "13124a9f08655720");
}

#[test]
fn without_refutation_a_live_member_is_declared_dead() {
    let h = run("swim-no-refutation-bug", 4_000_000);
    assert_eq!(views_of(&h, SLOW_NODE), (0, 0, 7), "confirmed dead everywhere while it runs");
    let slow = h.sim().node(SLOW_NODE).unwrap();
    assert_eq!((slow.incarnation, slow.role_name()), (0, "dead-in-view"));
    let err = Swim::check_liveness(h.sim().nodes()).unwrap_err();
    assert!(err.contains(&format!("live n{SLOW_NODE}")) || err.contains(&format!("n{SLOW_NODE} heard")), "{err}");
    pinned(&h, "7e80ea564af3bf4c");
}

#[test]
fn partition_sides_confirm_each_other_dead_then_re_merge() {
    let split = run("swim-partition-heal", HEAL_AT_US - 100_000);
    let (n0, n5) = (split.sim().node(0).unwrap(), split.sim().node(5).unwrap());
    assert!((5..10).all(|m| n0.member(m).status == Status::Confirm), "n0 holds the other side dead");
    assert!((0..5).all(|m| n5.member(m).status == Status::Confirm), "n5 holds the other side dead");
    let h = run("swim-partition-heal", 10_000_000);
    assert_eq!(Swim::check_liveness(h.sim().nodes()), Ok(()), "every view shows all ten alive");
    assert!(h.sim().nodes().iter().flatten().all(|s| s.incarnation >= 1), "each member refuted its death");
    pinned(&h, "1acc189115b1905a");
}
