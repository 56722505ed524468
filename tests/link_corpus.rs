//! Links captured from main at a9d8a29 (the last released main before durable writes and
//! the protocol registry) must replay exactly: every preset at its playhead, chaos sweep
//! seeds with and without each teaching bug, faults recorded from the page (`after_event`),
//! hand-written fault and network schedules. Links live forever: each entry must give the
//! same trace hash, the same event count and the same number of violations. Never edit an
//! entry to make this pass.
//!
//! Each entry replays the way `clusterlab run LINK --until-us T` does: the playhead is
//! cleared, the scenario built without a trace, and the run taken to `until_us`.

use clusterlab::scenario::{build, decode_link};
use clusterlab::sim::hash_hex;
use serde::Deserialize;
use std::time::Instant;

const CORPUS: &str = include_str!("links/corpus_v1.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    link: String,
    until_us: u64,
    trace_hash: String,
    events: u64,
    violations: usize,
}

/// What one entry replays to now (or why it no longer replays).
fn replay(e: &Entry) -> Result<(String, u64, usize), String> {
    let mut s = decode_link(&e.link).map_err(|err| format!("does not decode: {err}"))?;
    s.playhead_us = 0;
    s.playhead_event = None;
    let mut run = build(&s, false).map_err(|err| format!("does not build: {err}"))?;
    run.run_until(e.until_us);
    Ok((hash_hex(run.trace_hash()), run.event_count(), run.violations().len()))
}

#[test]
fn corpus_v1_replays_exactly() {
    let corpus: Vec<Entry> = serde_json::from_str(CORPUS).expect("tests/links/corpus_v1.json parses");
    assert!(corpus.len() >= 80, "the corpus has {} entries", corpus.len());
    let started = Instant::now();
    let mut mismatches = Vec::new();
    for e in &corpus {
        match replay(e) {
            Err(why) => mismatches.push(format!("{}: {why}", e.name)),
            Ok((hash, events, violations)) => {
                if (hash.as_str(), events, violations) != (e.trace_hash.as_str(), e.events, e.violations) {
                    mismatches.push(format!(
                        "{}: hash {hash} events {events} violations {violations}, recorded hash {} events {} violations {}",
                        e.name, e.trace_hash, e.events, e.violations
                    ));
                }
            }
        }
    }
    eprintln!("{} links replayed in {:.2} s", corpus.len(), started.elapsed().as_secs_f64());
    assert!(
        mismatches.is_empty(),
        "{} of {} links no longer replay as captured:\n  {}",
        mismatches.len(),
        corpus.len(),
        mismatches.join("\n  ")
    );
}
