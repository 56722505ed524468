//! The speed bench: RaftScope's own workload (Ongaro's raftscope, `raft.js`: 5 servers,
//! election timeout 100–200 ms, heartbeat 50 ms, 10–15 ms latency, one entry per
//! AppendEntries, a client request every 100 ms) as a fixed scenario, timed as DESIGN.md
//! "How we measure" says: the median of repeated runs, every checker on (linearizability
//! included), the trace kept as the page keeps it. Native only.

use crate::scenario::{self, Scenario};
use crate::sim::{ClientOp, Fault, NetConfig, TimeUs, TimedFault};
use serde::Serialize;
use std::time::Instant;

/// How long the workload runs, in simulated time.
pub const WORKLOAD_US: TimeUs = 240_000_000;
/// The early and late windows whose per-event cost is compared (flatness).
pub const EARLY: (TimeUs, TimeUs) = (30_000_000, 60_000_000);
pub const LATE: (TimeUs, TimeUs) = (210_000_000, 240_000_000);
/// Client requests, one every 100 ms as RaftScope's harness sends them.
pub const REQUEST_EVERY_US: TimeUs = 100_000;

/// RaftScope's workload for `until_us` of simulated time: a Put every 100 ms, sent to node 0
/// (redirected to the leader as any client is), keys k0–k4 in turn.
pub fn raftscope_workload(until_us: TimeUs) -> Scenario {
    let mut s = Scenario::current("raft", 5, 1);
    s.config = serde_json::json!({
        "election_timeout_us_min": 100_000, "election_timeout_us_max": 200_000,
        "heartbeat_interval_us": 50_000, "max_entries_per_append": 1,
    });
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 15_000, ..NetConfig::default() };
    let mut t = REQUEST_EVERY_US;
    let mut i = 0u64;
    while t < until_us {
        let op = ClientOp::Put { key: format!("k{}", i % 5), value: format!("v{i}") };
        s.faults.push(TimedFault { at_us: t, after_event: None, fault: Fault::Request { node: 0, op } });
        t += REQUEST_EVERY_US;
        i += 1;
    }
    s.playhead_us = until_us;
    s
}

/// One timed window of a run: the events that fell in it and the wall time they took.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Window {
    pub events: u64,
    pub seconds: f64,
}

impl Window {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(1e-12)
    }
}

/// One repetition's figures: the whole run and its two windows.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Repetition {
    /// How many times the workload ran (1 for one repetition; the count for a sum).
    pub repetitions: u32,
    pub whole: Window,
    pub early: Window,
    pub late: Window,
}

/// Run `s` from the start to its playhead, timing the whole run and the two windows
/// (each timed on its own, so the time outside them is not counted in them).
pub fn time_once(s: &Scenario) -> Result<Repetition, String> {
    let mut s0 = s.clone();
    s0.playhead_us = 0;
    let mut run = scenario::build(&s0, true)?;
    let mut rep = Repetition { repetitions: 1, ..Repetition::default() };
    let started = Instant::now();
    let mut stops: [TimeUs; 5] = [EARLY.0, EARLY.1, LATE.0, LATE.1, s.playhead_us];
    stops.sort_unstable();
    let mut stops = stops.to_vec();
    stops.dedup();
    for t in stops {
        let (before, at) = (run.event_count(), Instant::now());
        run.run_until(t.min(s.playhead_us));
        let w = Window { events: run.event_count() - before, seconds: at.elapsed().as_secs_f64() };
        if t == EARLY.1 {
            rep.early = w;
        } else if t == LATE.1 {
            rep.late = w;
        }
    }
    rep.whole = Window { events: run.event_count(), seconds: started.elapsed().as_secs_f64() };
    Ok(rep)
}

/// The median of `runs` runs, each repeating the workload until it has taken at least
/// `min_run_s` of wall time (windows summed over the repetitions of a run).
pub fn measure(s: &Scenario, runs: usize, min_run_s: f64) -> Result<Summary, String> {
    let mut per_run = Vec::new();
    for _ in 0..runs {
        let mut sum = Repetition::default();
        while sum.whole.seconds < min_run_s {
            let r = time_once(s)?;
            sum.repetitions += 1;
            for (a, b) in [(&mut sum.whole, r.whole), (&mut sum.early, r.early), (&mut sum.late, r.late)] {
                a.events += b.events;
                a.seconds += b.seconds;
            }
        }
        per_run.push(sum);
    }
    Ok(Summary::of(&per_run, s.playhead_us))
}

/// Medians over runs.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub runs: usize,
    pub events_per_run: u64,
    pub events_per_second: f64,
    pub early_events_per_second: f64,
    pub late_events_per_second: f64,
    /// Late window's rate over the early window's (≥ 0.9 is flat).
    pub flatness: f64,
    pub simulated_seconds_per_second: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Summary {
    fn of(per_run: &[Repetition], until_us: TimeUs) -> Summary {
        let eps = median(per_run.iter().map(|r| r.whole.events_per_second()).collect());
        let early = median(per_run.iter().map(|r| r.early.events_per_second()).collect());
        let late = median(per_run.iter().map(|r| r.late.events_per_second()).collect());
        // Every repetition runs the same events (the run is deterministic).
        let events_per_run = per_run.first().map_or(0, |r| r.whole.events / u64::from(r.repetitions.max(1)));
        let sim_per_wall = eps / events_per_run.max(1) as f64 * (until_us as f64 / 1e6);
        Summary {
            runs: per_run.len(),
            events_per_run,
            events_per_second: eps,
            early_events_per_second: early,
            late_events_per_second: late,
            flatness: late / early.max(1e-12),
            simulated_seconds_per_second: sim_per_wall,
        }
    }
}
