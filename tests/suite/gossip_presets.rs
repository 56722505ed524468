//! Gossip presets as fixed-seed scenario tests: each asserts what its caption tells the
//! student to watch, and pins the trace hash so a link to it replays forever.

use clusterlab::scenario::presets::gossip::RUMOR_AT_US;
use clusterlab::protocols::gossip::Gossip;
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, History, Present, Protocol};

fn run(name: &str, until_us: u64) -> History<Gossip> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<Gossip>(&s, true).expect("preset builds")
}

fn informed(h: &History<Gossip>) -> usize {
    h.sim().nodes().iter().flatten().filter(|g| g.db.contains_key("rumor")).count()
}

/// Rounds (100 ms) from the injection until the last node learned the rumor.
fn rounds_to_all(h: &History<Gossip>) -> f64 {
    assert_eq!(informed(h), h.sim().n() as usize, "everyone knows the rumor");
    let last = h.sim().nodes().iter().flatten().map(|g| g.db["rumor"].learned_us).max().unwrap();
    (last - RUMOR_AT_US) as f64 / 100_000.0
}

fn pinned(h: &History<Gossip>, hash: &str) {
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
    assert_eq!(Gossip::check_liveness(h.sim().nodes()), Ok(()));
}

/// The overlay's measured curve reaches 1 and lies near the mean-field theory early on.
fn plot_reaches_everyone(h: &History<Gossip>) {
    let o = Gossip::overlay(h.sim().nodes(), h.sim().now_us());
    let p = &o.plots[0];
    assert!(p.title.starts_with("fraction informed per round"), "{}", p.title);
    let (measured, theory) = (&p.series[0].points, &p.series[1].points);
    assert_eq!(measured.last().map(|x| x.1), Some(1.0));
    assert_eq!(measured[0].1, 0.001, "one of 1,000 knows at round 0");
    assert!(theory.len() > 10 && (theory[0].1 - 0.001).abs() < 1e-9 && theory.last().unwrap().1 > 0.999);
    assert!(o.plots[1].series[0].points.iter().all(|p| p.1 >= 0.0));
}

// Demers §1.4, push: Pittel's log2 n + ln n ≈ 16.9 rounds for n = 1,000; asynchronous
// rounds (a newly informed node acts within a fraction of a round) come in a little under.
#[test]
fn push_reaches_all_1000_in_about_log2n_plus_ln_n_rounds() {
    let h = run("gossip-push-1000", 4_000_000);
    let r = rounds_to_all(&h);
    assert!((10.0..=20.0).contains(&r), "{r} rounds");
    plot_reaches_everyone(&h);
    pinned(&h, "c98aa621a1f55cf6");
}

#[test]
fn pull_finishes_fast_and_sends_every_round() {
    let h = run("gossip-pull-1000", 4_000_000);
    let r = rounds_to_all(&h);
    assert!((8.0..=16.0).contains(&r), "{r} rounds");
    plot_reaches_everyone(&h);
    // Pull: every node keeps asking each round, rumor or not (≥ 1 message per node per round).
    let o = Gossip::overlay(h.sim().nodes(), h.sim().now_us());
    assert!(o.plots[1].series[0].points.iter().skip(1).take(30).all(|p| p.1 >= 1.0));
    pinned(&h, "a05d923de19d037c");
}

// Karp et al. 2000: push-pull needs log3 n + O(log log n) rounds (≈ 6.3 + 1.9 for 1,000).
#[test]
fn push_pull_is_fastest() {
    let h = run("gossip-push-pull-1000", 4_000_000);
    let r = rounds_to_all(&h);
    assert!((5.0..=10.0).contains(&r), "{r} rounds");
    assert!(r < rounds_to_all(&run("gossip-push-1000", 4_000_000)));
    plot_reaches_everyone(&h);
    pinned(&h, "aee1a584e61a1e09");
}

#[test]
fn fanout_3_needs_under_half_the_rounds_of_fanout_1() {
    let h3 = run("gossip-fanout-3", 4_000_000);
    let h1 = run("gossip-push-1000", 4_000_000);
    let (r3, r1) = (rounds_to_all(&h3), rounds_to_all(&h1));
    assert!(r3 < r1 / 2.0, "fanout 3: {r3} rounds, fanout 1: {r1}");
    plot_reaches_everyone(&h3);
    pinned(&h3, "404bbb90aff5747d");
}

// Demers §1.4, feedback + counter with k = 1: residue s = e^(−2(1−s)) ≈ 0.20 (Table 1:
// 0.176); anti-entropy (§1.3) then repairs it.
#[test]
fn residue_is_near_demers_prediction_then_anti_entropy_repairs_it() {
    let before = run("gossip-residue", 2_900_000);
    assert!(before.sim().nodes().iter().flatten().all(|g| g.hot_count() == 0), "the rumor died out");
    let residue = 1.0 - informed(&before) as f64 / 200.0;
    assert!((0.08..=0.35).contains(&residue), "residue {residue}");
    assert!(Gossip::check_liveness(before.sim().nodes()).is_err(), "not converged before anti-entropy");
    let after = run("gossip-residue", 20_000_000);
    assert_eq!(informed(&after), 200);
    pinned(&after, "71a68e532ef54140");
}
