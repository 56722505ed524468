//! Links captured from main at a9d8a29 (the last released main before durable writes and
//! the protocol registry) must replay exactly: every preset at its playhead, chaos sweep
//! seeds with and without each teaching bug, faults recorded from the page (`after_event`),
//! hand-written fault and network schedules. Links live forever: each entry must give the
//! same trace hash, the same event count and the same number of violations. Never edit an
//! entry to make this pass.
//!
//! Each entry replays the way `clusterlab run LINK --until-us T` does: the playhead is
//! cleared, the scenario built without a trace, and the run taken to `until_us`.
//!
//! A second corpus holds version 2 links captured from main at c44cf93 (before version 3
//! made clocks continuous and the lock service's leases sound): every protocol's sweep
//! seeds with and without each teaching bug, the lock service unfenced and under many GC
//! pauses, the lock presets opened as version 2, and clock drift set mid-run (under
//! version 2 a node's clock still jumps when its drift changes). It replays the same way.
//!
//! A third holds version 6 links captured from main at baeffc3 (before version 7 changed
//! the trace hash and message checksums from FNV-1a over bytes to a hash of whole words):
//! every preset of version 6 at its playhead, and failing sweep seeds (swarm version 5)
//! of two teaching bugs of each protocol that had one within 40 seeds.

use clusterlab::scenario::{build, decode_link};
use clusterlab::sim::hash_hex;
use serde::Deserialize;
use std::time::Instant;

const CORPUS: &str = include_str!("../links/corpus_v1.json");
const CORPUS_V2: &str = include_str!("../links/corpus_v2.json");
const CORPUS_V6: &str = include_str!("../links/corpus_v6.json");

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

/// What one entry replays to now (or why it no longer replays); `version`, when given, is
/// the scenario version the link must hold.
fn replay(e: &Entry, version: Option<u32>) -> Result<(String, u64, usize), String> {
    let mut s = decode_link(&e.link).map_err(|err| format!("does not decode: {err}"))?;
    if version.is_some_and(|v| v != s.version) {
        return Err(format!("holds a version {} scenario", s.version));
    }
    s.playhead_us = 0;
    s.playhead_event = None;
    let mut run = build(&s, false).map_err(|err| format!("does not build: {err}"))?;
    run.run_until(e.until_us);
    Ok((hash_hex(run.trace_hash()), run.event_count(), run.violations().len()))
}

/// Every entry of `corpus` that no longer replays as captured.
fn mismatches(corpus: &[Entry], version: Option<u32>) -> Vec<String> {
    let mut out = Vec::new();
    for e in corpus {
        match replay(e, version) {
            Err(why) => out.push(format!("{}: {why}", e.name)),
            Ok((hash, events, violations)) => {
                if (hash.as_str(), events, violations) != (e.trace_hash.as_str(), e.events, e.violations) {
                    out.push(format!(
                        "{}: hash {hash} events {events} violations {violations}, recorded hash {} events {} violations {}",
                        e.name, e.trace_hash, e.events, e.violations
                    ));
                }
            }
        }
    }
    out
}

fn assert_replays(text: &str, name: &str, version: Option<u32>) {
    let corpus: Vec<Entry> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} parses: {e}"));
    assert!(corpus.len() >= 80, "{name} has {} entries", corpus.len());
    let started = Instant::now();
    let bad = mismatches(&corpus, version);
    eprintln!("{name}: {} links replayed in {:.2} s", corpus.len(), started.elapsed().as_secs_f64());
    assert!(bad.is_empty(), "{} of {} links no longer replay as captured:\n  {}", bad.len(), corpus.len(), bad.join("\n  "));
}

#[test]
fn corpus_v1_replays_exactly() {
    assert_replays(CORPUS, "tests/links/corpus_v1.json", None);
}

#[test]
fn corpus_v2_replays_exactly() {
    assert_replays(CORPUS_V2, "tests/links/corpus_v2.json", Some(2));
}

#[test]
fn corpus_v6_replays_exactly() {
    assert_replays(CORPUS_V6, "tests/links/corpus_v6.json", Some(6));
}
