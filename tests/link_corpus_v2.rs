//! Version 2 links captured from main at c44cf93 (before version 3 made clocks continuous
//! and the lock service's leases sound) must replay exactly: every protocol's sweep seeds
//! with and without each teaching bug, the lock service unfenced and under many GC pauses,
//! the lock presets opened as version 2, and clock drift set mid-run (under version 2 a
//! node's clock still jumps when its drift changes). Each entry must give the same trace
//! hash, event count and number of violations. Never edit an entry to make this pass.
//!
//! Each entry replays as `tests/link_corpus.rs` replays version 1's: the playhead is
//! cleared, the scenario built without a trace, and the run taken to `until_us`.

use clusterlab::scenario::{build, decode_link};
use clusterlab::sim::hash_hex;
use serde::Deserialize;

const CORPUS: &str = include_str!("links/corpus_v2.json");

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

fn replay(e: &Entry) -> Result<(String, u64, usize), String> {
    let mut s = decode_link(&e.link).map_err(|err| format!("does not decode: {err}"))?;
    if s.version != 2 {
        return Err(format!("holds a version {} scenario", s.version));
    }
    s.playhead_us = 0;
    s.playhead_event = None;
    let mut run = build(&s, false).map_err(|err| format!("does not build: {err}"))?;
    run.run_until(e.until_us);
    Ok((hash_hex(run.trace_hash()), run.event_count(), run.violations().len()))
}

#[test]
fn corpus_v2_replays_exactly() {
    let corpus: Vec<Entry> = serde_json::from_str(CORPUS).expect("tests/links/corpus_v2.json parses");
    assert!(corpus.len() >= 80, "the corpus has {} entries", corpus.len());
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
    assert!(mismatches.is_empty(), "{} of {} links no longer replay as captured:\n  {}", mismatches.len(), corpus.len(), mismatches.join("\n  "));
}
