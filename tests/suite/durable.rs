#![cfg(not(target_arch = "wasm32"))]
//! Durable writes and syncs (src/sim/durable.rs): the `Disk` the simulator keeps per node,
//! the crash that loses unsynced writes, and what it catches. The Raft paper's Figure 2
//! keeps persistent state "updated on stable storage before responding to RPCs"; a server
//! that answers RequestVote before its vote is synced can vote twice in one term after
//! such a crash (planted bug `vote_before_sync`), which Election Safety reports.

use clusterlab::protocols::raft::{Entry, KvCommand, RaftConfig, RaftDurable, RaftKv, RaftWrite};
use clusterlab::scenario::{self, Scenario};
use clusterlab::sim::{ChaosConfig, ClientOp, Disk, DurableLog, DurableState, Fault, LogWrite, NetConfig, Register, Sim, TimedFault};
use clusterlab::sweep::{sweep, Stop, SweepSpec};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

// ---- the disk ---------------------------------------------------------------------------

#[test]
fn a_crash_that_loses_unsynced_writes_recovers_only_what_was_synced() {
    let mut d = Disk::<Register<u64>>::new();
    d.write(1);
    d.sync();
    d.write(2);
    d.write(3);
    assert_eq!(d.unsynced(), &[2, 3]);
    d.crash(true);
    assert_eq!(d.recovery_image(), Some(Register(1)), "writes after the last sync are gone");
    assert!(d.unsynced().is_empty());

    let mut never_synced = Disk::<Register<u64>>::new();
    never_synced.write(7);
    never_synced.crash(true);
    assert_eq!(never_synced.recovery_image(), None, "nothing ever reached the disk: the node boots afresh");
}

#[test]
fn a_plain_crash_keeps_every_write() {
    let mut d = Disk::<BTreeSet<&str>>::new();
    assert_eq!(d.recovery_image(), None, "a disk never written");
    d.write("a");
    d.sync();
    d.write("b");
    d.crash(false);
    assert_eq!(d.recovery_image(), Some(BTreeSet::from(["a", "b"])));
}

#[test]
fn writes_apply_in_order_at_the_sync() {
    let mut d = Disk::<BTreeMap<&str, u32>>::new();
    d.write(("x", 1));
    d.write(("x", 2));
    assert_eq!(d.synced(), &BTreeMap::new(), "not durable before the sync");
    d.sync();
    assert_eq!(d.synced(), &BTreeMap::from([("x", 2)]));
    assert!(d.ever_written());
}

#[test]
fn a_log_appends_and_truncates_from_a_position() {
    let mut log = DurableLog::default();
    for e in ["a", "b", "c"] {
        log.apply(LogWrite::Append(e));
    }
    log.apply(LogWrite::TruncateFrom(1));
    log.apply(LogWrite::Append("d"));
    assert_eq!(log.entries(), &["a", "d"]);
    log.apply(LogWrite::TruncateFrom(5));
    assert_eq!(log.len(), 2, "truncating past the end removes nothing");
}

// Raft's persistent state (Figure 2): currentTerm and votedFor written together, entries
// appended, and a conflicting suffix cut from a 1-based index (rule 3).
#[test]
fn raft_writes_rebuild_its_persistent_state() {
    let noop = |term| Entry::<KvCommand> { term, cmd: None };
    let mut d = RaftDurable::default();
    d.apply(RaftWrite::HardState { term: 2, voted_for: Some(1) });
    for t in [1, 1, 2] {
        d.apply(RaftWrite::Append(noop(t)));
    }
    d.apply(RaftWrite::TruncateFrom(2));
    d.apply(RaftWrite::Append(noop(2)));
    assert_eq!(d, RaftDurable { current_term: 2, voted_for: Some(1), log: vec![noop(1), noop(2)] });
}

thread_local! {
    static CLONES: Cell<u64> = const { Cell::new(0) };
}

/// An entry that counts its clones.
#[derive(Debug, PartialEq)]
struct Counted(u64);

impl Clone for Counted {
    fn clone(&self) -> Self {
        CLONES.with(|c| c.set(c.get() + 1));
        Counted(self.0)
    }
}

// A write costs O(1): 100,000 appends, each synced at once, never copy the log; only the
// recovery image (taken at a restart) does, once.
#[test]
fn writes_and_syncs_never_copy_the_state() {
    let mut d = Disk::<DurableLog<Counted>>::new();
    for i in 0..100_000 {
        d.write(LogWrite::Append(Counted(i)));
        d.sync();
    }
    assert_eq!(CLONES.with(Cell::get), 0);
    let image = d.recovery_image().expect("written");
    assert_eq!(image.len(), 100_000);
    assert_eq!(CLONES.with(Cell::get), 100_000, "one copy, at recovery");
}

// Through the simulator: a 20,000-entry Raft log on three servers, one client Put every
// 5 ms over 1 ms links, built without any per-write copy of the log (a whole-log copy per
// persist made this quadratic: about 600 million entry copies).
#[test]
fn a_20000_entry_raft_log_builds_quickly() {
    let net = NetConfig { latency_min_us: 1_000, latency_max_us: 1_000, ..NetConfig::default() };
    let mut sim = Sim::<RaftKv>::new(3, 1, RaftConfig::default(), net, ChaosConfig::default());
    sim.record = false;
    for i in 0..20_000u64 {
        sim.schedule(500_000 + i * 5_000, Fault::Request { node: 0, op: ClientOp::Put { key: "k".into(), value: i.to_string() } });
    }
    let started = std::time::Instant::now();
    sim.run_until(101_000_000);
    let len = sim.nodes().iter().flatten().map(|r| r.log.len()).min().unwrap_or(0);
    println!("20,000 puts: {} events in {:.2} s, shortest log {len}", sim.event_count(), started.elapsed().as_secs_f64());
    assert!(len >= 20_000, "every log holds every put (shortest {len})");
    assert!(sim.violations().is_empty());
}

// ---- the crash that loses unsynced writes -------------------------------------------------

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

/// Three servers whose election timers never fire on their own (5-6 s); links n0-n2 cut,
/// every message takes exactly 10 ms. n0 times out at 10 ms and asks n1 for its vote; n1
/// grants it at 20 ms and replies; n1 crashes at 21 ms (with `crash`) and restarts at 22
/// ms; n2, which has heard nothing, times out at 25 ms in the same term 1 and asks n1.
fn double_vote_scenario(bug: Option<&str>, crash: Fault) -> Scenario {
    let mut s = Scenario::new("raft", 3, 1);
    let mut config = serde_json::json!({"election_timeout_us_min": 5_000_000, "election_timeout_us_max": 6_000_000});
    if let Some(b) = bug {
        config["bug"] = b.into();
    }
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = vec![
        at(0, Fault::Cut { a: 0, b: 2 }),
        at(10_000, Fault::TimeoutNow { node: 0 }),
        at(21_000, crash),
        at(22_000, Fault::Restart { node: 1 }),
        at(25_000, Fault::TimeoutNow { node: 2 }),
    ];
    s.playhead_us = 1_000_000;
    s
}

fn violations(bug: Option<&str>, crash: Fault) -> Vec<String> {
    let run = scenario::build(&double_vote_scenario(bug, crash), false).expect("scenario builds");
    run.violations().iter().map(|v| format!("{}: {}", v.property, v.explanation)).collect()
}

// Raft paper Figure 2 ("updated on stable storage before responding to RPCs") and Figure 3
// (Election Safety). With vote_before_sync, n1's vote for n0 is not on its disk when the
// crash drops unsynced writes: restarted in term 0, it votes for n2 in term 1 too, and
// both lead term 1. Syncing before the reply, or a crash that keeps the writes, saves it.
#[test]
fn answering_request_vote_before_syncing_is_caught_once_crashes_lose_unsynced_writes() {
    let lose = Fault::CrashLoseUnsynced { node: 1 };
    let keep = Fault::Crash { node: 1 };
    let caught = violations(Some("vote_before_sync"), lose.clone());
    assert_eq!(caught.first().map(String::as_str), Some("Election Safety: n2 became leader of term 1, which n0 already led"));
    assert!(caught.iter().all(|v| v.starts_with("Election Safety")), "{caught:?}");
    assert_eq!(violations(None, lose), Vec::<String>::new(), "synced before the reply: n1 remembers its vote");
    assert_eq!(violations(Some("vote_before_sync"), keep.clone()), Vec::<String>::new(), "a plain crash keeps the unsynced vote");
    assert_eq!(violations(None, keep), Vec::<String>::new());
}

// The fault itself: its label, its JSON tag and its validation.
#[test]
fn the_crash_lose_unsynced_fault_is_a_scenario_fault() {
    let f = Fault::CrashLoseUnsynced { node: 2 };
    assert_eq!(f.label(), "crash n2, unsynced writes lost");
    assert_eq!(serde_json::to_value(&f).unwrap(), serde_json::json!({"kind": "crash_lose_unsynced", "node": 2}));
    let mut s = Scenario::new("raft", 3, 1);
    s.faults = vec![at(0, Fault::CrashLoseUnsynced { node: 3 })];
    assert!(s.validate().unwrap_err().contains("node 3 does not exist"));
}

// A chaos configuration without the new rate serializes as before (links stay byte-equal)
// and the rate is validated like every other.
#[test]
fn lose_unsynced_chaos_rate_defaults_to_zero_and_is_validated() {
    let c = ChaosConfig::default();
    assert_eq!(c.lose_unsynced_ppm, 0);
    assert!(!serde_json::to_string(&c).unwrap().contains("lose_unsynced"));
    let back: ChaosConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(back, c);
    let bad = ChaosConfig { lose_unsynced_ppm: 1_000_001, ..ChaosConfig::default() };
    assert!(clusterlab::sim::validate::validate_chaos(&bad).is_err());
}

// Correct protocols tolerate losing unsynced writes: they sync before every answer that
// depends on them.
#[test]
fn raft_sweep_with_crashes_that_lose_unsynced_writes_is_clean() {
    for (config, seeds) in [(serde_json::Value::Null, 200), (serde_json::json!({"max_entries_per_append": 1}), 100)] {
        let mut spec = SweepSpec { config, ..SweepSpec::fixed("raft") };
        spec.chaos_config.lose_unsynced_ppm = 500_000;
        let report = sweep(&spec, 0..seeds, Stop::Never).expect("sweep runs");
        let first = report.failures.first().map(|f| (f.seed, f.violations.first().cloned(), f.liveness_failure.clone()));
        assert!(report.failures.is_empty(), "{} of {seeds} seeds failed, first {first:?}", report.failures.len());
    }
}

#[test]
fn paxos_and_lock_sweeps_with_crashes_that_lose_unsynced_writes_are_clean() {
    // Lock clients run three critical sections each so the log goes quiet for liveness.
    for (protocol, nodes, config, seeds) in [("paxos", 5, serde_json::Value::Null, 100), ("lock", 7, serde_json::json!({"rounds": 3}), 40)] {
        let mut spec = SweepSpec { nodes, config, ..SweepSpec::fixed(protocol) };
        spec.chaos_config.lose_unsynced_ppm = 500_000;
        let report = sweep(&spec, 0..seeds, Stop::Never).expect("sweep runs");
        let first = report.failures.first().map(|f| (f.seed, f.violations.first().cloned(), f.liveness_failure.clone()));
        assert!(report.failures.is_empty(), "{protocol}: {} of {seeds} seeds failed, first {first:?}", report.failures.len());
    }
}

// ---- crash points after durable writes --------------------------------------------------

/// Three Raft servers with chaos drawing nothing but crash points after durable writes.
fn crash_point_trace(chaos_on: bool, crash_after_write_ppm: u32) -> Vec<clusterlab::sim::TraceRecord> {
    let chaos = ChaosConfig {
        crash_ppm: 0,
        partition_ppm: 0,
        pause_ppm: 0,
        skew_ppm: 0,
        crash_after_write_ppm,
        max_restart_delay_us: Some(50_000),
        net: NetConfig::default(),
        ..ChaosConfig::default()
    };
    let mut sim = Sim::<RaftKv>::new(3, 5, RaftConfig::default(), NetConfig::default(), chaos);
    if chaos_on {
        sim.schedule(0, Fault::SetChaos { on: true });
    }
    sim.run_until(3_000_000);
    sim.drain_records()
}

fn chaos_crashes(trace: &[clusterlab::sim::TraceRecord]) -> Vec<&clusterlab::sim::TraceRecord> {
    use clusterlab::sim::trace::TraceKind;
    trace.iter().filter(|r| matches!(&r.kind, TraceKind::Fault { label, chaos: true } if label.starts_with("crash"))).collect()
}

// Every crash point follows, at the same instant, a handler of the node it crashes; none
// is drawn while chaos is off or at a rate of 0.
#[test]
fn crash_points_follow_a_handler_of_their_node_and_only_while_chaos_is_on() {
    let trace = crash_point_trace(true, 1_000_000);
    let crashes = chaos_crashes(&trace);
    assert!(crashes.len() >= 3, "a crash after every write: {} crashes", crashes.len());
    for c in &crashes {
        let before = trace.iter().take_while(|r| r.event < c.event);
        assert!(
            before.filter(|r| r.time_us == c.time_us && r.node == c.node).count() > 0,
            "crash at {} us of {:?} follows none of its handlers",
            c.time_us,
            c.node
        );
    }
    assert!(chaos_crashes(&crash_point_trace(false, 1_000_000)).is_empty(), "chaos off draws no crash point");
    assert!(chaos_crashes(&crash_point_trace(true, 0)).is_empty(), "a rate of 0 draws none");
}

#[test]
fn crash_point_rate_defaults_to_zero_and_is_validated() {
    let c = ChaosConfig::default();
    assert_eq!(c.crash_after_write_ppm, 0);
    assert!(!serde_json::to_string(&c).unwrap().contains("crash_after_write"));
    let bad = ChaosConfig { crash_after_write_ppm: 1_000_001, ..ChaosConfig::default() };
    let err = clusterlab::sim::validate::validate_chaos(&bad).unwrap_err();
    assert!(err.contains("crash after a durable write"), "{err}");
}

// Correct Raft survives crashes placed right after its durable writes, with and without
// losing unsynced writes: it syncs before every answer that depends on them.
#[test]
fn raft_sweep_with_crash_points_after_writes_is_clean() {
    let mut spec = SweepSpec::fixed("raft");
    spec.chaos_config.crash_after_write_ppm = 100_000;
    spec.chaos_config.lose_unsynced_ppm = 500_000;
    spec.chaos_config.max_restart_delay_us = Some(100_000);
    let report = sweep(&spec, 0..150, Stop::Never).expect("sweep runs");
    let first = report.failures.first().map(|f| (f.seed, f.violations.first().cloned(), f.liveness_failure.clone()));
    assert!(report.failures.is_empty(), "{} of 150 seeds failed, first {first:?}", report.failures.len());
}
