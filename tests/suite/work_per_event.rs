//! Deterministic stand-ins for the speed budget's flatness (DESIGN.md "Budgets"; timings
//! belong in `make bench`): on RaftScope's workload, the work the simulator does per event
//! (bytes its checksums and checkers hash, linearizability search steps, durable bytes
//! written) is no larger late in a 240-second run, with 2,400 log entries, than early on.

use clusterlab::bench::{raftscope_workload, EARLY, LATE, WORKLOAD_US};
use clusterlab::sim::work::{self, Work};
use clusterlab::sim::TimeUs;

/// Work per event in `[from, to)` of the run.
struct Rate {
    hashed: f64,
    steps: f64,
    durable: f64,
    writes: f64,
}

fn rate(w: Work, events: u64) -> Rate {
    let e = events.max(1) as f64;
    Rate { hashed: w.hashed_bytes as f64 / e, steps: w.search_steps as f64 / e, durable: w.durable_bytes as f64 / e, writes: w.durable_writes as f64 / e }
}

fn windows() -> (Rate, Rate, u64) {
    let mut s = raftscope_workload(WORKLOAD_US);
    s.playhead_us = 0;
    let mut run = clusterlab::scenario::build(&s, true).unwrap();
    let window = |run: &mut Box<dyn clusterlab::sim::AnyRun>, (from, to): (TimeUs, TimeUs)| {
        run.run_until(from);
        let before = run.event_count();
        work::start();
        run.run_until(to);
        rate(work::stop(), run.event_count() - before)
    };
    let early = window(&mut run, EARLY);
    let late = window(&mut run, LATE);
    let log_len = run.view().nodes.iter().filter_map(|n| n.log.as_ref().map(|l| l.entries.len() as u64)).max().unwrap_or(0);
    (early, late, log_len)
}

/// Late is within 10% of early (plus a little, for quantities near zero).
fn flat(what: &str, early: f64, late: f64) -> Result<(), String> {
    match late <= early * 1.1 + 0.5 {
        true => Ok(()),
        false => Err(format!("{what} per event grew from {early:.1} early to {late:.1} late")),
    }
}

#[test]
fn work_per_event_does_not_grow_with_the_log() {
    let (early, late, log_len) = windows();
    eprintln!("per event, early / late (log {log_len} entries): hashed bytes {:.1} / {:.1}, search steps {:.2} / {:.2}, durable bytes {:.1} / {:.1}, writes {:.3} / {:.3}", early.hashed, late.hashed, early.steps, late.steps, early.durable, late.durable, early.writes, late.writes);
    assert!(log_len >= 2_000, "the late window runs over a long log ({log_len} entries)");
    assert!(early.hashed > 0.0 && early.durable > 0.0 && early.writes > 0.0, "the counters count");
    let checks = [
        flat("bytes hashed (checksums and checkers)", early.hashed, late.hashed),
        flat("linearizability search steps", early.steps, late.steps),
        flat("durable bytes written", early.durable, late.durable),
        flat("durable writes", early.writes, late.writes),
    ];
    let failed: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
    assert!(failed.is_empty(), "{}", failed.join("; "));
}

/// The flatness rule itself fails on work that grows with the log (a whole-log scan or a
/// whole-log persist per event would show as this does).
#[test]
fn the_rule_catches_work_that_grows() {
    assert!(flat("x", 100.0, 105.0).is_ok());
    assert!(flat("x", 0.0, 0.4).is_ok());
    assert!(flat("x", 100.0, 160.0).is_err());
    // Hashing a growing log once per event: the counters see it grow.
    work::start();
    let mut log: Vec<u64> = Vec::new();
    let mut per_event = Vec::new();
    for i in 0..2_000u64 {
        log.push(i);
        work::take();
        clusterlab::sim::hash::stable_hash(&log);
        per_event.push(work::take().hashed_bytes as f64);
    }
    work::stop();
    assert!(flat("whole-log hash", per_event[100], per_event[1_999]).is_err());
}
