//! The slow-node fault: a node whose timers take `factor` times as long (an overloaded
//! machine). Timers armed at it stretch, timers already armed keep the part of their time
//! that has run, a crash keeps the factor and the heal resets it; chaos and the swarm draw
//! it only where asked, so every run made before it replays exactly; the assumptions say
//! when a slowdown is beyond what a protocol tolerates.

use clusterlab::protocols::flood::{Flood, FloodConfig};
use clusterlab::scenario::{self, swarm};
use clusterlab::sim::any::validate_fault;
use clusterlab::sim::assume::{ALL_FAULTS, CHAOS_DRIFT_PPM};
use clusterlab::sim::validate::validate_chaos;
use clusterlab::sim::*;
use clusterlab::sweep::{sweep, sweep_scenario, Stop, SweepSpec};

fn net() -> NetConfig {
    NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() }
}

/// One flood node (its anti-entropy timer is 1..1.5 s of its own clock).
fn one_node() -> Sim<Flood> {
    Sim::<Flood>::new(1, 7, FloodConfig { sync_interval_us: 1_000_000, bug: None }, net(), ChaosConfig::default())
}

/// When each timer fired (global time), in order.
fn timer_times(records: &[TraceRecord]) -> Vec<TimeUs> {
    records.iter().filter(|r| matches!(r.kind, TraceKind::Timer { .. })).map(|r| r.time_us).collect()
}

fn labels(records: &[TraceRecord]) -> Vec<String> {
    records
        .iter()
        .filter_map(|r| match &r.kind {
            TraceKind::Fault { label, .. } => Some(label.clone()),
            _ => None,
        })
        .collect()
}

/// The first timer of a node slowed `factor` times from time 0 (factor 1: a fault with no
/// effect, so both runs have the same events and the same draws).
fn first_timer(factor: u32) -> TimeUs {
    let mut s = one_node();
    s.apply_now(0, Fault::Slow { node: 0, factor });
    s.run_until(60_000_000);
    timer_times(&s.drain_records())[0]
}

#[test]
fn a_timer_on_a_slow_node_takes_factor_times_as_long() {
    let normal = first_timer(1);
    assert!((1_000_000..=1_500_000).contains(&normal), "{normal}");
    assert_eq!(first_timer(4), 4 * normal);
    assert_eq!(first_timer(10), 10 * normal);
}

#[test]
fn changing_the_factor_rescales_the_time_a_timer_has_left() {
    let normal = first_timer(1);
    let t0 = 250_000;
    let mut s = one_node();
    s.run_until(t0);
    // Slowed 4 times with `normal - t0` left: what is left takes 4 times as long.
    s.apply_now(t0, Fault::Slow { node: 0, factor: 4 });
    let slowed = t0 + (normal - t0) * 4;
    // Back to full speed a while later: a quarter of what is left then, rounded up.
    let t1 = t0 + 1_234_567;
    s.run_until(t1);
    assert!(timer_times(&s.drain_records()).is_empty(), "the timer did not fire at its old deadline");
    s.apply_now(t1, Fault::Slow { node: 0, factor: 1 });
    let expected = t1 + (slowed - t1).div_ceil(4);
    s.run_until(expected + 5_000_000);
    let records = s.drain_records();
    let fired = timer_times(&records);
    assert_eq!(fired[0], expected, "the rest of the timer at full speed again");
    assert_eq!(labels(&records), vec!["n0 back to full speed".to_string()]);
    // The next timer (armed at full speed) is a plain 1..1.5 s one.
    assert!((1_000_000..=1_500_000).contains(&(fired[1] - fired[0])), "{fired:?}");
}

#[test]
fn a_slowdown_outlives_a_crash_and_the_heal_resets_it() {
    let mut s = one_node();
    s.run_until(1_000);
    s.apply_now(1_000, Fault::Slow { node: 0, factor: 10 });
    assert_eq!(s.slow_factor(0), 10);
    s.apply_now(2_000, Fault::Crash { node: 0 });
    s.apply_now(3_000, Fault::Restart { node: 0 });
    assert_eq!(s.slow_factor(0), 10, "the machine, not the process");
    s.run_until(9_000_000);
    assert!(timer_times(&s.drain_records()).is_empty(), "a timer armed at restart takes at least 10 s");
    s.heal_everything();
    assert_eq!(s.slow_factor(0), 1);
    assert!(labels(&s.drain_records()).contains(&"n0 back to full speed".to_string()));
    // A heal with every node at full speed adds no slow fault (existing traces unchanged).
    let mut plain = one_node();
    plain.run_until(1_000);
    plain.heal_everything();
    assert!(labels(&plain.drain_records()).iter().all(|l| !l.contains("speed")));
}

#[test]
fn labels_nodes_and_the_json_form() {
    assert_eq!(Fault::Slow { node: 3, factor: 10 }.label(), "slow n3 ×10");
    assert_eq!(Fault::Slow { node: 3, factor: 1 }.label(), "n3 back to full speed");
    assert_eq!(Fault::Slow { node: 3, factor: 2 }.nodes(), vec![3]);
    assert_eq!(Fault::Slow { node: 3, factor: 2 }.map_nodes(|n| Some(n + 1)), Some(Fault::Slow { node: 4, factor: 2 }));
    assert_eq!(Fault::Slow { node: 3, factor: 2 }.map_nodes(|_| None), None);
    let json = serde_json::to_string(&Fault::Slow { node: 2, factor: 4 }).unwrap();
    assert_eq!(json, r#"{"kind":"slow","node":2,"factor":4}"#);
    assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), Fault::Slow { node: 2, factor: 4 });
}

#[test]
fn factors_outside_1_to_100_are_refused_with_a_message() {
    assert_eq!(validate_fault(&Fault::Slow { node: 0, factor: 1 }, 3), Ok(()));
    assert_eq!(validate_fault(&Fault::Slow { node: 2, factor: 100 }, 3), Ok(()));
    for factor in [0, 101, u32::MAX] {
        let e = validate_fault(&Fault::Slow { node: 0, factor }, 3).unwrap_err();
        assert!(e.contains(&format!("slow factor {factor}")) && e.contains("1 to 100"), "{e}");
    }
    assert!(validate_fault(&Fault::Slow { node: 3, factor: 2 }, 3).unwrap_err().contains("node 3 does not exist"));
    // A scenario (a link, a file) with a slow fault is read, and one with a bad factor refused.
    let mut s = scenario::Scenario::new("flood", 3, 1);
    s.faults = vec![TimedFault { at_us: 1_000, after_event: None, fault: Fault::Slow { node: 1, factor: 4 } }];
    s.validate().expect("a valid slow fault");
    let link = scenario::encode_link(&s).expect("a link");
    assert_eq!(scenario::decode_link(&link).as_ref(), Ok(&s));
    s.faults[0].fault = Fault::Slow { node: 1, factor: 0 };
    assert!(s.validate().unwrap_err().contains("slow factor 0"));
}

#[test]
fn assumptions_asynchronous_rows_tolerate_any_slowness_bounded_ones_do_not() {
    let slow = |factor| Fault::Slow { node: 1, factor };
    assert!(!ALL_FAULTS.contains(&FaultClass::Slow), "rows made before it draw what they drew");
    let asynchronous = Assumptions::default();
    for factor in [1, 2, 10, 100] {
        assert_eq!(asynchronous.check_fault(&slow(factor)), None, "factor {factor}");
    }
    let bounded = Assumptions { bounded_delay_us: Some(100_000), ..Assumptions::default() };
    assert!(bounded.check_fault(&slow(2)).unwrap().contains("delay bound"));
    assert_eq!(bounded.check_fault(&slow(1)), None, "full speed again is never beyond");
    let leases = Assumptions { drift_bound_ppm: CHAOS_DRIFT_PPM, ..Assumptions::default() };
    let e = leases.check_fault(&slow(2)).unwrap();
    assert!(e.contains("slow n1 ×2") && e.contains("50% slow") && e.contains("ρ = 10%"), "{e}");
    assert_eq!(leases.check_fault(&slow(1)), None);
}

#[test]
fn chaos_without_slow_nodes_serializes_as_before() {
    let json = serde_json::to_string(&ChaosConfig::default()).unwrap();
    assert!(!json.contains("slow"), "{json}");
    assert_eq!(
        json,
        concat!(
            r#"{"tick_us":100000,"crash_ppm":60000,"partition_ppm":40000,"pause_ppm":40000,"skew_ppm":20000,"#,
            r#""max_downtime_us":1500000,"net":{"latency_min_us":5000,"latency_max_us":40000,"loss_ppm":50000,"#,
            r#""duplicate_ppm":30000,"reorder_ppm":50000,"reorder_extra_us":60000,"corrupt_ppm":10000}}"#
        )
    );
    let slow = ChaosConfig { slow_ppm: 50_000, slow_factor_max: 4, ..ChaosConfig::default() };
    let json = serde_json::to_string(&slow).unwrap();
    assert!(json.contains(r#""slow_ppm":50000"#) && json.contains(r#""slow_factor_max":4"#), "{json}");
    assert_eq!(serde_json::from_str::<ChaosConfig>(&json).unwrap(), slow);
    assert_eq!(validate_chaos(&slow), Ok(()));
    assert!(validate_chaos(&ChaosConfig { slow_factor_max: 1, ..slow.clone() }).unwrap_err().contains("slow factor"));
    assert!(validate_chaos(&ChaosConfig { slow_factor_max: 101, ..slow.clone() }).is_err());
    assert!(validate_chaos(&ChaosConfig { slow_ppm: 1_000_001, ..slow }).is_err());
}

/// Chaos that draws nothing but slow nodes, on five flood nodes.
fn slow_chaos(slow_factor_max: u32) -> Vec<TraceRecord> {
    let chaos = ChaosConfig { crash_ppm: 0, partition_ppm: 0, pause_ppm: 0, skew_ppm: 0, slow_ppm: 300_000, slow_factor_max, net: net(), ..ChaosConfig::default() };
    let mut s = Sim::<Flood>::new(5, 3, FloodConfig::default(), net(), chaos);
    s.schedule(0, Fault::SetChaos { on: true });
    s.run_until(20_000_000);
    s.drain_records()
}

#[test]
fn chaos_draws_slow_nodes_and_undoes_them() {
    for (max, bound) in [(0, 10), (4, 4)] {
        let records = slow_chaos(max);
        let chaos: Vec<String> = records
            .iter()
            .filter_map(|r| match &r.kind {
                TraceKind::Fault { label, chaos: true } => Some(label.clone()),
                _ => None,
            })
            .collect();
        let factors: Vec<u32> = chaos.iter().filter_map(|l| l.split('×').nth(1)).map(|f| f.parse().unwrap()).collect();
        assert!(factors.len() > 5, "chaos drew {} slowdowns", factors.len());
        assert!(factors.iter().all(|f| (2..=bound).contains(f)), "{factors:?}");
        assert!(factors.iter().any(|f| *f == bound) && factors.contains(&2), "{factors:?}");
        assert!(chaos.iter().any(|l| l.ends_with("back to full speed")));
        assert!(chaos.iter().all(|l| l.starts_with("slow ") || l.ends_with("back to full speed")), "{chaos:?}");
    }
}

/// A row that declares slow nodes draws everything a row without them draws, and then a
/// slow-node rate (on for some seeds) and the largest slowdown; a row without them (every
/// registry row today) draws none.
#[test]
fn the_swarm_draws_slow_nodes_only_for_rows_that_declare_them() {
    let plain = scenario::registry::row("raft").expect("raft is carried");
    let faults: Vec<FaultClass> = ALL_FAULTS.iter().copied().chain([FaultClass::Slow]).collect();
    let declares = scenario::registry::Row { assumptions: Assumptions { faults: faults.leak(), ..plain.assumptions.clone() }, ..*plain };
    let base = SweepSpec::new("raft");
    let mut on = 0;
    for seed in 0..100 {
        let a = swarm::draw(&base, plain, seed, swarm::SWARM_VERSION).unwrap();
        let b = swarm::draw(&base, &declares, seed, swarm::SWARM_VERSION).unwrap();
        assert_eq!((a.spec.chaos_config.slow_ppm, a.spec.chaos_config.slow_factor_max), (0, 0));
        let c = &b.spec.chaos_config;
        assert!([0, 20_000, 60_000].contains(&c.slow_ppm) && [4, 10].contains(&c.slow_factor_max), "{c:?}");
        on += usize::from(c.slow_ppm > 0);
        let without = ChaosConfig { slow_ppm: 0, slow_factor_max: 0, ..c.clone() };
        assert_eq!(without, a.spec.chaos_config, "seed {seed}: the earlier draws are unchanged");
        assert_eq!(format!("{:?}", (b.callers, b.reads_pct, b.keys, &b.left_down, &b.spec.config, b.spec.nodes)), format!("{:?}", (a.callers, a.reads_pct, a.keys, &a.left_down, &a.spec.config, a.spec.nodes)));
        // Version 2 is frozen: it draws no slow nodes even for such a row.
        let v2 = swarm::draw(&base, &declares, seed, 2).unwrap();
        assert_eq!(v2.spec.chaos_config.slow_ppm, 0);
    }
    assert!((20..=80).contains(&on), "slow nodes on for {on} of 100 seeds");
}

/// Raft is asynchronous for safety: slow nodes during chaos break nothing, and the heal
/// brings every node back to full speed so the cluster is live again.
#[test]
fn a_raft_sweep_with_slow_nodes_stays_safe_and_live() {
    let chaos = ChaosConfig { slow_ppm: 100_000, slow_factor_max: 10, ..ChaosConfig::default() };
    let spec = SweepSpec { chaos_config: chaos, ..SweepSpec::fixed("raft") };
    let s = sweep_scenario(&spec, 1).unwrap();
    assert_eq!(s.faults.iter().filter(|f| matches!(f.fault, Fault::Slow { factor: 1, .. })).count(), spec.nodes as usize, "the heal resets every node");
    let report = sweep(&spec, 0..20, Stop::Never).expect("sweep runs");
    let first = report.failures.first().map(|f| (f.seed, f.violations.first().cloned(), f.liveness_failure.clone()));
    assert!(report.failures.is_empty(), "{} of 20 seeds failed, first {first:?}", report.failures.len());
}

/// The lock service's leases assume clocks within ρ = 10%: a slowdown chaos draws there is
/// labelled beyond its assumptions; Raft (no bound) gets no such label.
#[test]
fn a_slowdown_is_beyond_the_lock_services_assumptions_and_not_raft_s() {
    let exceeded = |protocol: &str| {
        let chaos = ChaosConfig { crash_ppm: 0, partition_ppm: 0, pause_ppm: 0, skew_ppm: 0, slow_ppm: 200_000, net: NetConfig::default(), ..ChaosConfig::default() };
        let spec = SweepSpec { chaos_config: chaos, ..SweepSpec::fixed(protocol) };
        let run = scenario::build(&sweep_scenario(&spec, 1).unwrap(), false).unwrap();
        run.exceeded().iter().map(|e| e.what.clone()).collect::<Vec<_>>()
    };
    let lock = exceeded("lock");
    assert!(!lock.is_empty() && lock.iter().all(|w| w.starts_with("slow n") && w.contains("beyond the drift bound ρ = 10%")), "{lock:?}");
    assert_eq!(exceeded("raft"), Vec::<String>::new());
}
