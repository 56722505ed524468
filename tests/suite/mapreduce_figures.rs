//! MapReduce's numbers beside the paper's (Dean & Ghemawat, OSDI 2004, §5.3 and Figure 3):
//! medians over 20 seeds of a 20-worker word count, with the cost model of the protocol's
//! configuration. Run `cargo test --release --test mapreduce_figures -- --nocapture` to
//! see them printed.

use clusterlab::protocols::mapreduce::MapReduce;
use clusterlab::scenario::registry::build_typed;
use clusterlab::scenario::Scenario;
use clusterlab::sim::{Fault, NetConfig, TimedFault};
use serde_json::json;

const WORKERS: u32 = 20;

fn job(seed: u64, backup_tasks: bool, faults: Vec<TimedFault>) -> u64 {
    let mut s = Scenario::current("mapreduce", WORKERS + 1, seed);
    s.config = json!({"words": 12000, "vocabulary": 400, "text_seed": seed, "map_tasks": 60, "reduce_tasks": 20, "backup_tasks": backup_tasks, "worker_bytes_per_ms": 1, "net_bytes_per_ms": 20});
    s.net = NetConfig { latency_min_us: 1_000, latency_max_us: 3_000, ..NetConfig::default() };
    s.faults = faults;
    s.playhead_us = 120_000_000;
    let h = build_typed::<MapReduce>(&s, false).expect("builds");
    assert!(h.sim().violations().is_empty(), "seed {seed}: {:?}", h.sim().violations().first());
    let m = h.sim().node(0).and_then(MapReduce::as_master).expect("master");
    m.finished_us.expect("the job finishes") - m.started_us
}

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// §3.6 and §5.3 (Figure 3b): one straggler, backup tasks on and off. The paper's sort took
/// 44% longer without backup tasks; here one worker of 20 runs at a tenth of its speed.
#[test]
fn backup_tasks_cut_the_completion_time_of_a_job_with_a_straggler_by_30_percent_or_more() {
    let slow = |seed: u64| vec![at(0, Fault::Slow { node: 1 + (seed as u32 % WORKERS), factor: 10 })];
    let with: Vec<u64> = (1..=20).map(|seed| job(seed, true, slow(seed))).collect();
    let without: Vec<u64> = (1..=20).map(|seed| job(seed, false, slow(seed))).collect();
    let (w, wo) = (median(with), median(without));
    let cut = 100 - w * 100 / wo;
    println!("straggler: median {} ms with backup tasks, {} ms without: {cut}% shorter (paper: sort 44% longer without, i.e. 31% shorter with)", w / 1000, wo / 1000);
    assert!(cut >= 30, "backup tasks cut only {cut}%");
}

/// §5.3 (Figure 3c): 200 of 1,746 worker processes killed mid-map cost 5%; the cluster
/// scheduler restarted new processes on those machines at once, and their completed map work
/// had to be redone. Here 2 of 20 (10%) are killed a quarter into the job and restarted
/// 100 ms later, with nothing on their disks.
#[test]
fn killing_a_tenth_of_the_workers_mid_map_costs_at_most_15_percent() {
    let base: Vec<u64> = (1..=20).map(|seed| job(seed, true, vec![])).collect();
    let mid = median(base.clone()) / 4;
    let killed: Vec<u64> = (1..=20)
        .map(|seed| {
            let a = 1 + (seed as u32 % WORKERS);
            let b = 1 + ((seed as u32 + 7) % WORKERS);
            job(seed, true, vec![at(mid, Fault::Crash { node: a }), at(mid, Fault::Crash { node: b }), at(mid + 100_000, Fault::Restart { node: a }), at(mid + 100_000, Fault::Restart { node: b })])
        })
        .collect();
    let (b, k) = (median(base), median(killed));
    let cost = k * 100 / b - 100;
    println!("dead workers: median {} ms with no failure, {} ms with 2 of 20 killed at {} ms: +{cost}% (paper: +5%)", b / 1000, k / 1000, mid / 1000);
    assert!(cost <= 15, "killing 10% of the workers cost {cost}%");
}
