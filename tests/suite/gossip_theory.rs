//! Convergence against theory: one rumor injected at one of n = 1,000 sites, with sites
//! infective until everyone knows (k = 0) and anti-entropy off, so the measured spread is
//! rumor mongering alone.

use clusterlab::protocols::gossip::{Gossip, Mode};
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{ClientOp, Fault, TimedFault};
use serde_json::json;

const N: u32 = 1_000;
const INTERVAL_US: u64 = 100_000;
const INJECT_US: u64 = 50_000;

/// Rounds (gossip intervals) from injection until every site knows the rumor, and the
/// number of events it took.
fn rounds_to_full_spread(mode: &str, fanout: u32, seed: u64) -> (f64, u64) {
    let mut s = Scenario::new("gossip", N, seed);
    s.config = json!({"mode": mode, "fanout": fanout, "k": 0, "anti_entropy_interval_us": 0, "gossip_interval_us": INTERVAL_US});
    s.faults = vec![TimedFault { at_us: INJECT_US, after_event: None, fault: Fault::Request { node: 0, op: ClientOp::Propose { value: "r".into() } } }];
    let mut h = build_typed::<Gossip>(&s, false).expect("builds");
    let mut t = INJECT_US;
    loop {
        t += INTERVAL_US / 10;
        h.run_until(t);
        if h.sim().nodes().iter().flatten().all(|g| g.db.contains_key("r")) {
            break;
        }
        assert!(t < 10_000_000, "{mode} f={fanout} seed {seed}: no full spread in 10 s");
    }
    let last = h.sim().nodes().iter().flatten().map(|g| g.db["r"].learned_us).max().unwrap();
    assert!(h.sim().violations().is_empty());
    ((last - INJECT_US) as f64 / INTERVAL_US as f64, h.sim().event_count())
}

fn mean_rounds(mode: &str, fanout: u32, seeds: u64) -> f64 {
    let v: Vec<f64> = (1..=seeds).map(|s| rounds_to_full_spread(mode, fanout, s).0).collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    println!("{mode} fanout {fanout}: rounds to full spread {v:.2?}, mean {mean:.2}");
    mean
}

/// Rounds until the mean-field recurrence leaves fewer than half a site uninformed
/// (n·s_r < 1/2), the synchronous-round theory: push s' = s·e^(−f·i), pull s' = s·s^f,
/// push-pull s' = s·s^f·e^(−f·i), with i = 1 − s and s₀ = 1 − 1/n.
fn theory_rounds(mode: Mode, fanout: u32) -> f64 {
    let curve = clusterlab::protocols::gossip::overlay::informed_theory(mode, fanout, N, 100);
    curve.iter().position(|i| f64::from(N) * (1.0 - i) < 0.5).expect("converges") as f64
}

// Tolerance: asynchronous rounds (each site ticks every 100 ms at its own random phase, so a
// newly informed site gossips after a uniform fraction of a round, not a whole one) make
// the measured spread faster than the synchronous theory T; we require
// T − 4.5 ≤ mean over 8 seeds ≤ T + 1. The closed forms agree: push fanout 1,
// log2 n + ln n = 16.9 (Pittel 1987); push-pull, log3 n + O(log log n) = 6.3 + O(2)
// (Karp et al. 2000); pull, log2 n + O(log log n).
fn assert_near_theory(mode_name: &str, mode: Mode, fanout: u32) -> f64 {
    let t = theory_rounds(mode, fanout);
    let m = mean_rounds(mode_name, fanout, 8);
    assert!(m >= t - 4.5 && m <= t + 1.0, "{mode_name} fanout {fanout}: measured {m:.2} rounds, theory {t}");
    m
}

#[test]
fn push_fanout_1_matches_pittel() {
    let m = assert_near_theory("push", Mode::Push, 1);
    let pittel = (f64::from(N)).log2() + (f64::from(N)).ln();
    assert!((m - pittel).abs() <= 3.5, "push: {m:.2} rounds vs log2 n + ln n = {pittel:.2}");
}

#[test]
fn pull_and_push_pull_match_their_recurrences_and_push_pull_is_fastest() {
    let pull = assert_near_theory("pull", Mode::Pull, 1);
    let push_pull = assert_near_theory("push_pull", Mode::PushPull, 1);
    let karp = (f64::from(N)).ln() / 3f64.ln() + (f64::from(N)).ln().ln();
    assert!(push_pull <= karp + 1.0, "push-pull {push_pull:.2} rounds vs log3 n + ln ln n = {karp:.2}");
    assert!(push_pull < pull);
}

#[test]
fn push_fanout_3_matches_its_recurrence() {
    assert_near_theory("push", Mode::Push, 3);
}

/// Budget: one rumor to full spread over 1,000 nodes simulates well under a second natively.
#[test]
fn one_rumor_over_1000_nodes_simulates_in_well_under_a_second() {
    for mode in ["push", "pull", "push_pull"] {
        let t0 = std::time::Instant::now();
        let (rounds, events) = rounds_to_full_spread(mode, 1, 1);
        let wall = t0.elapsed();
        println!("{mode}: {rounds:.1} rounds, {events} events, {wall:?} ({:.0} events/s)", events as f64 / wall.as_secs_f64());
        assert!(wall.as_millis() < 500, "{mode}: {wall:?}");
    }
}
