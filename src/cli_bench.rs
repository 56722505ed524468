//! `clusterlab bench`: RaftScope's workload timed as DESIGN.md "How we measure" says, each
//! protocol's chaos workload, and the bare event loop.

use crate::cli::{save, Args};
use clusterlab::scenario;
use clusterlab::sweep::{self, SweepSpec};
use serde_json::json;
use std::time::Instant;

/// RaftScope's workload (see `clusterlab::bench`) for 240 simulated seconds: events/s over
/// the run and in its early and late windows, medians of `--runs` runs of at least 0.5 s;
/// then each protocol's chaos workload, and the bare event loop. `--workload-file F` writes
/// the workload as a scenario file (the page's bench opens it) and does nothing else.
pub fn bench(a: &Args) -> Result<i32, String> {
    a.only(&["--json", "--runs", "--workload-file"])?;
    let workload = clusterlab::bench::raftscope_workload(clusterlab::bench::WORKLOAD_US);
    if let Some(path) = a.get("--workload-file") {
        save(&workload, path.as_ref())?;
        return Ok(0);
    }
    let runs = a.num("--runs", 11)?;
    if runs == 0 || runs > 1_000 {
        return Err(format!("--runs takes 1 to 1000 (got {runs})"));
    }
    let summary = clusterlab::bench::measure(&workload, runs as usize, 0.5)?;
    if !a.has("--json") {
        print_workload(&summary);
    }
    let mut rows = protocol_rows(a.has("--json"))?;
    rows.push(bench_event_loop(a.has("--json")));
    if a.has("--json") {
        println!("{}", json!({"workload": summary, "bench": rows}));
    }
    Ok(0)
}

fn print_workload(s: &clusterlab::bench::Summary) {
    println!("RaftScope's workload, 240 simulated seconds ({} events a run), median of {} runs, every checker on, trace kept:", s.events_per_run, s.runs);
    println!("  whole run : {:>10.0} events/s ({:.0} simulated seconds per second)", s.events_per_second, s.simulated_seconds_per_second);
    println!("  30-60 s   : {:>10.0} events/s", s.early_events_per_second);
    println!("  210-240 s : {:>10.0} events/s (late/early {:.2})", s.late_events_per_second, s.flatness);
}

/// Each protocol, 5 nodes, chaos on, 60 simulated seconds, trace off (as in a sweep) and
/// on (as in the page); one run each.
fn protocol_rows(quiet: bool) -> Result<Vec<serde_json::Value>, String> {
    let mut rows = Vec::new();
    for protocol in scenario::rows().iter().map(|r| r.name) {
        for keep_trace in [false, true] {
            let mut spec = SweepSpec::fixed(protocol);
            spec.chaos_until_us = 60_000_000;
            spec.liveness_bound_us = 0;
            let s = sweep::sweep_scenario(&spec, 1)?;
            let mut s0 = s.clone();
            s0.playhead_us = 0;
            let mut run = scenario::build(&s0, keep_trace)?;
            let started = Instant::now();
            run.run_until(s.playhead_us);
            let secs = started.elapsed().as_secs_f64();
            let eps = (run.event_count() as f64 / secs.max(1e-9)) as u64;
            rows.push(json!({"protocol": protocol, "trace": keep_trace, "events": run.event_count(), "seconds": secs, "events_per_second": eps}));
            if !quiet {
                let mode = if keep_trace { "trace kept" } else { "hash only " };
                println!("{protocol:<6} {mode}: {:>9} events in {secs:.3} s = {eps:>10} events/s", run.event_count());
            }
        }
    }
    Ok(rows)
}

/// The simulator's own cost: flood with empty payloads (anti-entropy every 1 ms, no
/// values), 5 nodes, 60 simulated seconds, hash only.
fn bench_event_loop(quiet: bool) -> serde_json::Value {
    use clusterlab::protocols::flood::{Flood, FloodConfig};
    use clusterlab::sim::{ChaosConfig, NetConfig, Sim};
    let cfg = FloodConfig { sync_interval_us: 1_000, bug: None };
    let mut sim = Sim::<Flood>::new(5, 1, cfg, NetConfig::default(), ChaosConfig::default());
    sim.record = false;
    let started = Instant::now();
    sim.run_until(60_000_000);
    let secs = started.elapsed().as_secs_f64();
    let eps = (sim.event_count() as f64 / secs.max(1e-9)) as u64;
    if !quiet {
        println!("event loop (empty flood payloads): {:>9} events in {secs:.3} s = {eps:>10} events/s", sim.event_count());
    }
    json!({"protocol": "event-loop", "trace": false, "events": sim.event_count(), "seconds": secs, "events_per_second": eps})
}
