//! Simulator semantics, one test per fault kind, driven with the flood test protocol.

use clusterlab::protocols::flood::{Flood, FloodConfig};
use clusterlab::sim::*;

fn net() -> NetConfig {
    NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() }
}

fn sim(n: u32, net: NetConfig) -> History<Flood> {
    let s = Sim::<Flood>::new(n, 1, FloodConfig { sync_interval_us: 1_000_000, bug: None }, net, ChaosConfig::default());
    History::new(s, Vec::new(), true)
}

fn propose(node: NodeId, v: &str) -> Fault {
    Fault::Request { node, op: ClientOp::Propose { value: v.into() } }
}

fn count(h: &History<Flood>, f: impl Fn(&TraceKind, Option<NodeId>) -> bool) -> usize {
    h.trace().iter().filter(|r| f(&r.kind, r.node)).count()
}

#[test]
fn crashed_node_receives_nothing_and_loses_volatile_state() {
    let mut h = sim(3, net());
    h.run_until(1_000);
    h.inject(propose(1, "a"));
    h.run_until(100_000);
    assert!(h.sim().node(2).unwrap().known().contains("a"));
    assert!(h.sim().node(1).unwrap().acks() == 2, "volatile ack counter counts both peers");
    h.inject(Fault::Crash { node: 1 });
    assert!(h.sim().node(1).is_none());
    h.inject(propose(0, "b"));
    h.run_until(200_000);
    let dropped = count(&h, |k, _| matches!(k, TraceKind::Drop { to: 1, reason: DropReason::NodeDown, .. }));
    assert!(dropped >= 1, "messages to a crashed node are dropped as node down");
    h.inject(Fault::Restart { node: 1 });
    let n1 = h.sim().node(1).unwrap();
    assert_eq!(n1.acks(), 0, "volatile state is lost");
    assert!(n1.known().contains("a") && !n1.known().contains("b"), "durable state is kept, nothing new arrived");
}

#[test]
fn paused_node_timers_fire_late_and_messages_wait() {
    let mut h = sim(2, net());
    h.run_until(1_000);
    let due = h.sim().nodes()[0].as_ref().map(|_| ()).and(Some(()));
    assert!(due.is_some());
    h.inject(Fault::Pause { node: 0 });
    h.inject(propose(1, "x"));
    h.run_until(3_000_000);
    assert!(!h.sim().node(0).unwrap().known().contains("x"), "a paused node handles nothing");
    let timers_n0 = count(&h, |k, n| matches!(k, TraceKind::Timer { .. }) && n == Some(0));
    assert_eq!(timers_n0, 0, "no timer fires while paused");
    h.inject(Fault::Resume { node: 0 });
    h.run_until(3_000_000);
    assert!(h.sim().node(0).unwrap().known().contains("x"), "the held message is delivered on resume");
    let late = h.trace().iter().find(|r| matches!(r.kind, TraceKind::Timer { .. }) && r.node == Some(0)).unwrap();
    assert_eq!(late.time_us, 3_000_000, "the overdue timer fires at the resume time");
}

#[test]
fn one_way_cut_passes_traffic_one_way() {
    let mut h = sim(2, net());
    h.run_until(1_000);
    h.inject(Fault::CutOneWay { from: 0, to: 1 });
    h.inject(propose(0, "from0"));
    h.inject(propose(1, "from1"));
    h.run_until(50_000);
    assert!(!h.sim().node(1).unwrap().known().contains("from0"));
    assert!(h.sim().node(0).unwrap().known().contains("from1"));
    assert!(count(&h, |k, _| matches!(k, TraceKind::Drop { from: 0, to: 1, reason: DropReason::LinkCut, .. })) >= 1);
}

#[test]
fn duplicates_arrive_twice() {
    let mut h = sim(2, NetConfig { duplicate_ppm: 1_000_000, ..net() });
    h.run_until(1_000);
    h.inject(propose(0, "d"));
    h.run_until(15_000);
    let floods = count(&h, |k, _| matches!(k, TraceKind::Deliver { kind: "Flood", from: 0, .. }));
    assert_eq!(floods, 2, "one Flood sent, delivered twice");
}

#[test]
fn corrupted_message_is_dropped_and_recorded() {
    let mut h = sim(2, NetConfig { corrupt_ppm: 1_000_000, ..net() });
    h.run_until(1_000);
    h.inject(propose(0, "c"));
    h.run_until(15_000);
    assert!(!h.sim().node(1).unwrap().known().contains("c"));
    assert_eq!(count(&h, |k, _| matches!(k, TraceKind::Drop { reason: DropReason::Corrupted, .. })), 1);
    assert_eq!(count(&h, |k, _| matches!(k, TraceKind::Deliver { .. })), 0);
}

#[test]
fn lost_messages_never_arrive() {
    let mut h = sim(2, NetConfig { loss_ppm: 1_000_000, ..net() });
    h.run_until(1_000);
    h.inject(propose(0, "l"));
    h.run_until(15_000);
    assert_eq!(count(&h, |k, _| matches!(k, TraceKind::Drop { reason: DropReason::Lost, .. })), 1);
    assert!(!h.sim().node(1).unwrap().known().contains("l"));
}

#[test]
fn reordering_lets_a_later_message_overtake() {
    let mut h = sim(2, NetConfig { reorder_ppm: 500_000, reorder_extra_us: 100_000, ..net() });
    h.run_until(1_000);
    for i in 0..20 {
        h.inject(propose(0, &format!("m{i:02}")));
    }
    h.run_until(500_000);
    let sent: Vec<u64> = h
        .trace()
        .iter()
        .filter_map(|r| match r.kind {
            TraceKind::Deliver { msg_id, kind: "Flood", .. } => Some(msg_id),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 20);
    assert!(sent.windows(2).any(|w| w[0] > w[1]), "some message arrived before an earlier one");
}

#[test]
fn hold_and_release() {
    let mut h = sim(2, net());
    h.run_until(1_000);
    h.inject(Fault::Hold { from: 0, to: 1 });
    h.inject(propose(0, "h"));
    h.run_until(500_000);
    assert!(!h.sim().node(1).unwrap().known().contains("h"), "held on the link");
    h.inject(Fault::Release { from: 0, to: 1 });
    h.run_until(520_000);
    assert!(h.sim().node(1).unwrap().known().contains("h"), "delivered after release");
}

#[test]
fn partition_splits_groups_and_heal_all_repairs() {
    let mut h = sim(4, net());
    h.run_until(1_000);
    h.inject(Fault::Partition { groups: vec![vec![0, 1]] });
    h.inject(propose(0, "p"));
    h.run_until(100_000);
    assert!(h.sim().node(1).unwrap().known().contains("p"));
    assert!(!h.sim().node(2).unwrap().known().contains("p") && !h.sim().node(3).unwrap().known().contains("p"));
    h.inject(Fault::HealAll);
    h.run_until(4_000_000);
    assert!(h.sim().node(3).unwrap().known().contains("p"), "anti-entropy repairs after the heal");
}

#[test]
fn clock_drift_changes_timer_firing_in_global_time_and_skew_shows_in_now() {
    // Timers are 1 s..1.5 s of the node's own clock; a clock running 50% fast fires them
    // after 0.67..1 s of global time.
    let fires = |drift_ppm: i64| {
        let mut h = sim(1, net());
        h.inject(Fault::ClockDrift { node: 0, drift_ppm });
        h.run_until(10_000_000);
        h.trace().iter().filter(|r| matches!(r.kind, TraceKind::Timer { .. })).count()
    };
    let normal = fires(0);
    let fast = fires(500_000);
    assert!(fast as f64 > normal as f64 * 1.3, "fast clock fires timers sooner: {fast} vs {normal}");
    let mut s = Sim::<Flood>::new(1, 1, FloodConfig::default(), net(), ChaosConfig::default());
    s.apply_now(0, Fault::ClockSkew { node: 0, skew_us: 5_000_000 });
    s.run_until(1_000);
    let mut clock = clusterlab::sim::Clock::new(true);
    clock.skew_us = 5_000_000;
    assert_eq!(clock.local_time(1_000), 5_001_000, "out.now() = global time + skew");
}

#[test]
fn chaos_mode_draws_faults_from_the_seed() {
    let run = |seed| {
        let mut s = Sim::<Flood>::new(5, seed, FloodConfig::default(), net(), ChaosConfig::default());
        s.schedule(0, Fault::SetChaos { on: true });
        let mut h = History::new(s, Vec::new(), true);
        h.run_until(10_000_000);
        let chaos = h.trace().iter().filter(|r| matches!(r.kind, TraceKind::Fault { chaos: true, .. })).count();
        (chaos, h.sim().trace_hash())
    };
    let (a, ha) = run(3);
    let (b, hb) = run(3);
    let (_, hc) = run(4);
    assert!(a > 5, "chaos drew {a} faults");
    assert_eq!((a, ha), (b, hb), "same seed, same faults");
    assert_ne!(ha, hc, "another seed, another run");
}

#[test]
fn invariant_violation_is_reported_as_data() {
    let cfg = FloodConfig { sync_interval_us: 1_000_000, bug: Some("forget_on_restart".into()) };
    let s = Sim::<Flood>::new(2, 1, cfg, net(), ChaosConfig::default());
    let mut h = History::new(s, Vec::new(), true);
    h.run_until(1_000);
    h.inject(propose(0, "v"));
    // Version 2 clients send through the event queue: let the request land first.
    h.run_until(1_000);
    h.inject(Fault::Crash { node: 0 });
    h.inject(Fault::Restart { node: 0 });
    let v = h.sim().violations();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].property, "Durable knowledge");
    assert_eq!(v[0].event_index, h.sim().event_count());
}
