//! Determinism: the same scenario gives the same trace hash; seek(k) then run equals running
//! straight; recorded faults replay exactly through a link.

use clusterlab::scenario::{self, LiveRun, Scenario};
use clusterlab::sim::*;

fn chaos_scenario(seed: u64) -> Scenario {
    let mut s = Scenario::new("flood", 5, seed);
    s.chaos_on = true;
    s.faults.push(TimedFault { at_us: 50_000, after_event: None, fault: Fault::Request { node: 2, op: ClientOp::Propose { value: "z".into() } } });
    s.playhead_us = 8_000_000;
    s
}

#[test]
fn same_scenario_same_hash() {
    let a = scenario::build(&chaos_scenario(9), false).unwrap();
    let b = scenario::build(&chaos_scenario(9), true).unwrap();
    assert_eq!(a.trace_hash(), b.trace_hash(), "keeping the trace does not change the hash");
    assert_eq!(a.event_count(), b.event_count());
    let c = scenario::build(&chaos_scenario(10), false).unwrap();
    assert_ne!(a.trace_hash(), c.trace_hash());
}

#[test]
fn seek_then_run_equals_running_straight() {
    let mut s = chaos_scenario(5);
    s.playhead_us = 0;
    for i in 0..600u64 {
        let op = ClientOp::Propose { value: format!("r{i}") };
        s.faults.push(TimedFault { at_us: 10_000 * i, after_event: None, fault: Fault::Request { node: (i % 5) as u32, op } });
    }
    let mut straight = scenario::build(&s, true).unwrap();
    straight.run_until(6_000_000);
    let total = straight.event_count();
    s.playhead_event = Some(0);
    assert!(total > 10_000, "long enough to cross checkpoints: {total}");
    let end_hash = straight.trace_hash();
    let mid = straight.view();
    let _ = mid;
    for k in [0, 1, 77, 8_192, 8_193, total / 2, total - 1] {
        straight.seek(k);
        assert_eq!(straight.event_count(), k);
        let mut fresh = scenario::build(&s, false).unwrap();
        while fresh.event_count() < k {
            fresh.step();
        }
        assert_eq!(straight.trace_hash(), fresh.trace_hash(), "state after {k} events");
        assert_eq!(straight.view().nodes, fresh.view().nodes);
    }
    straight.seek(total);
    assert_eq!(straight.trace_hash(), end_hash);
}

#[test]
fn recorded_faults_replay_exactly_through_a_link() {
    let mut s = chaos_scenario(2);
    s.playhead_us = 0;
    let mut live = LiveRun::open(&s).unwrap();
    live.run.run_until(700_000);
    live.inject(Fault::Crash { node: 1 }).unwrap();
    live.run.step();
    live.run.step();
    live.inject(Fault::Partition { groups: vec![vec![0, 2]] }).unwrap();
    live.run.run_until(1_500_000);
    live.inject(Fault::Request { node: 3, op: ClientOp::Propose { value: "by hand".into() } }).unwrap();
    live.run.run_until(2_000_000);
    live.run.step();
    let link = live.link().unwrap();
    let decoded = scenario::decode_link(&link).unwrap();
    let replay = scenario::build(&decoded, false).unwrap();
    assert_eq!(replay.now_us(), live.run.now_us());
    assert_eq!(replay.event_count(), live.run.event_count());
    assert_eq!(replay.trace_hash(), live.run.trace_hash());
}

#[test]
fn acting_in_the_past_forks_the_run() {
    let mut s = chaos_scenario(3);
    s.playhead_us = 0;
    let mut live = LiveRun::open(&s).unwrap();
    live.run.run_until(2_000_000);
    let end = live.run.event_count();
    live.run.seek(end / 2);
    live.inject(Fault::Crash { node: 0 }).unwrap();
    assert_eq!(live.run.frontier(), end / 2 + 1, "the old future is gone");
    assert_eq!(live.run.trace().last().unwrap().event, end / 2 + 1);
    let replay = scenario::build(&scenario::decode_link(&live.link().unwrap()).unwrap(), false).unwrap();
    assert_eq!(replay.trace_hash(), live.run.trace_hash());
}

/// Links replay forever: `Out::random_below`'s draws for a given entropy seed are pinned.
#[test]
fn random_below_is_pinned_and_in_range() {
    use clusterlab::protocols::flood::Flood;
    use clusterlab::sim::Out;
    const PINNED: [u64; 6] = [741, 159, 278, 344, 38, 868];
    let mut out = Out::<Flood>::with_entropy(0, 42);
    let draws: Vec<u64> = (0..6).map(|_| out.random_below(1000)).collect();
    let mut again = Out::<Flood>::with_entropy(0, 42);
    assert_eq!(draws, (0..6).map(|_| again.random_below(1000)).collect::<Vec<_>>());
    assert!(draws.iter().all(|d| *d < 1000));
    assert_eq!(out.random_below(0), 0);
    let mut other = Out::<Flood>::with_entropy(0, 43);
    assert_ne!(draws, (0..6).map(|_| other.random_below(1000)).collect::<Vec<_>>());
    assert_eq!(draws, PINNED);
}
