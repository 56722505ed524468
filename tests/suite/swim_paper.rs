//! SWIM paper scenarios at scale, tagged with their sections: indirect probing against
//! message loss (§3.1), and a crashed member that restarts and rejoins (§4.2).

use clusterlab::protocols::swim::overlay::false_positive_theory;
use clusterlab::protocols::swim::{Status, Swim};
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{Fault, NetConfig, Protocol, TimedFault};
use serde_json::json;

/// (suspicions per probe, false positives, refutations) with message loss `loss_ppm` and
/// k indirect probes; no member ever fails, so every suspicion is false.
fn lossy(k: u32, loss_ppm: u32, seed: u64) -> (f64, u64, u64) {
    let mut s = Scenario::new("swim", 50, seed);
    s.config = json!({"indirect_probes": k});
    s.net = NetConfig { loss_ppm, ..NetConfig::default() };
    s.playhead_us = 20_000_000;
    let h = build_typed::<Swim>(&s, false).expect("builds");
    assert!(h.sim().violations().is_empty());
    let live: Vec<&Swim> = h.sim().nodes().iter().flatten().collect();
    let sum = |f: fn(&Swim) -> u64| live.iter().map(|s| f(s)).sum::<u64>();
    let probes = sum(|s| s.stats.probes_acked) + sum(|s| s.stats.suspicions);
    (sum(|s| s.stats.suspicions) as f64 / probes as f64, sum(|s| s.stats.false_positives), sum(|s| s.stats.refutations))
}

// §3.1: a probe of a live member fails only if the direct Ping or Ack is lost and every one
// of the k indirect paths (4 messages each) loses a message:
// P = (1 − (1 − q)²)·(1 − (1 − q)⁴)^k. With q = 10%: 0.19 for k = 0, 0.0077 for k = 3.
// We require the measured rate within a factor of 2 of it (±50% for k = 0), over 50
// members and 100 periods.
#[test]
fn indirect_probes_cut_false_suspicions_as_section_3_1_predicts() {
    let q = 0.10;
    let (rate0, _, _) = lossy(0, 100_000, 1);
    let (rate3, fp3, refut3) = lossy(3, 100_000, 1);
    let (t0, t3) = (false_positive_theory(q, 0), false_positive_theory(q, 3));
    println!("k=0: measured {rate0:.4} theory {t0:.4}; k=3: measured {rate3:.4} theory {t3:.4} ({fp3} false positives, {refut3} refutations)");
    assert!((rate0 - t0).abs() <= 0.5 * t0, "k = 0: {rate0} vs {t0}");
    assert!(rate3 <= 2.0 * t3 && rate3 >= t3 / 2.0, "k = 3: {rate3} vs {t3}");
    assert!(refut3 > 0, "falsely suspected members refuted");
}

// §4.2: a crashed member confirmed dead restarts with a higher incarnation and every view
// takes it back.
#[test]
fn crashed_member_restarts_and_rejoins() {
    let mut s = Scenario::new("swim", 100, 4);
    let at = |at_us, fault| TimedFault { at_us, after_event: None, fault };
    s.faults = vec![at(1_000_000, Fault::Crash { node: 42 }), at(5_000_000, Fault::Restart { node: 42 })];
    s.playhead_us = 4_900_000;
    let h = build_typed::<Swim>(&s, false).expect("builds");
    assert!(h.sim().nodes().iter().flatten().all(|s| s.member(42).status == Status::Confirm), "confirmed dead everywhere");
    s.playhead_us = 9_000_000;
    let h = build_typed::<Swim>(&s, false).expect("builds");
    assert_eq!(h.sim().node(42).unwrap().incarnation, 1);
    assert_eq!(Swim::check_liveness(h.sim().nodes()), Ok(()));
    assert!(h.sim().violations().is_empty());
}
