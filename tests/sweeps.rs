//! Seed sweeps with chaos faults (crash/restart, partitions, loss, duplication, reordering,
//! corruption, pauses, clock drift), then a heal and a liveness phase; and each planted
//! teaching bug caught within a bounded number of seeds. A failure prints the seed and a
//! link that reproduces it (`clusterlab run '#s=…'`).

use clusterlab::sweep::{sweep, SweepSpec};
use serde_json::json;

fn assert_clean(spec: &SweepSpec, seeds: u64) {
    let report = sweep(spec, 0..seeds, false).expect("sweep runs");
    let mut msg = String::new();
    for f in report.failures.iter().take(5) {
        msg += &format!("\nseed {}: {:?} {:?}\n  clusterlab run '#s={}'", f.seed, f.violations.first(), f.liveness_failure, f.link.as_deref().or(f.link_refused.as_deref()).unwrap_or(""));
    }
    assert!(report.failures.is_empty(), "{} of {seeds} seeds failed:{msg}", report.failures.len());
    println!("{} {:?}: {seeds} seeds, {} events, zero violations", spec.protocol, spec.config, report.events);
}

fn seeds_to_catch(spec: &SweepSpec, bound: u64) -> u64 {
    let report = sweep(spec, 0..bound, true).expect("sweep runs");
    let seed = report.first_violation_seed.unwrap_or_else(|| panic!("bug {:?} not caught in {bound} seeds", spec.bug));
    println!("bug {:?} caught after {} seeds", spec.bug, seed + 1);
    seed + 1
}

#[test]
fn flood_sweep_is_clean_and_its_bug_is_caught() {
    assert_clean(&SweepSpec::new("flood"), 300);
    let spec = SweepSpec { bug: Some("forget_on_restart".into()), ..SweepSpec::new("flood") };
    assert!(seeds_to_catch(&spec, 1_000) <= 1_000);
}

#[test]
fn multi_paxos_sweep_2000_seeds_is_clean() {
    assert_clean(&SweepSpec::new("paxos"), 2_000);
}

#[test]
fn single_decree_paxos_sweep_2000_seeds_is_clean() {
    let spec = SweepSpec { config: json!({"mode": "single"}), ..SweepSpec::new("paxos") };
    assert_clean(&spec, 2_000);
}

#[test]
fn every_paxos_teaching_bug_is_caught_within_1000_seeds() {
    for mode in ["multi", "single"] {
        for bug in clusterlab::protocols::paxos::config::BUGS {
            // Sessions belong to Multi-Paxos's key-value store; single-decree has none.
            if mode == "single" && *bug == "no_sessions" {
                continue;
            }
            let spec = SweepSpec { bug: Some(bug.to_string()), config: json!({"mode": mode}), ..SweepSpec::new("paxos") };
            let n = seeds_to_catch(&spec, 1_000);
            println!("paxos {mode}: {bug} caught within {n} seeds");
        }
    }
}

#[test]
fn raft_sweep_2000_seeds_is_clean() {
    assert_clean(&SweepSpec::new("raft"), 2_000);
}

#[test]
fn raft_sweep_with_small_appends_and_fast_crashes_is_clean() {
    let spec = SweepSpec { config: json!({"max_entries_per_append": 1}), chaos_config: fast_crashes(), ..SweepSpec::new("raft") };
    assert_clean(&spec, 500);
}

/// Crashes every few ticks with restarts within 6-60 ms: a node can forget something
/// inside one election.
fn fast_crashes() -> clusterlab::sim::ChaosConfig {
    clusterlab::sim::ChaosConfig { max_downtime_us: 60_000, tick_us: 20_000, crash_ppm: 150_000, ..Default::default() }
}

// Each Raft teaching bug must be caught within 1,000 seeds. Sweeps use one entry per
// AppendEntries (so an old-term entry can reach a majority before the leader's no-op, the
// Figure 8 window); forget_voted_for needs a restart inside one election, so its sweep uses
// fast crashes; vote_before_sync also needs crashes that lose unsynced writes.
#[test]
fn every_raft_teaching_bug_is_caught_within_1000_seeds() {
    for bug in clusterlab::protocols::raft::config::BUGS {
        let mut spec = SweepSpec { bug: Some(bug.to_string()), config: json!({"max_entries_per_append": 1}), ..SweepSpec::new("raft") };
        if *bug == "forget_voted_for" {
            spec.chaos_config = fast_crashes();
        }
        if *bug == "vote_before_sync" {
            spec.chaos_config = clusterlab::sim::ChaosConfig { lose_unsynced_ppm: 1_000_000, ..fast_crashes() };
        }
        let n = seeds_to_catch(&spec, 1_000);
        println!("raft: {bug} caught within {n} seeds");
    }
}

// What clients see (Ongaro's thesis §6.3-6.4; Herlihy and Wing): the default sweep —
// nothing but the bug flag — catches a duplicate apply, a stale read and a lost write
// through the linearizability of the clients' history.
#[test]
fn the_default_raft_sweep_catches_every_client_bug_by_linearizability() {
    for bug in ["no_sessions", "stale_read", "ack_before_commit"] {
        let spec = SweepSpec { bug: Some(bug.to_string()), ..SweepSpec::new("raft") };
        let report = sweep(&spec, 0..1_000, true).expect("sweep runs");
        let seed = report.first_violation_seed.unwrap_or_else(|| panic!("raft {bug} not caught in 1,000 seeds"));
        let caught = &report.failures.last().expect("the failing seed").violations[0];
        assert_eq!(caught.property, "Linearizability", "raft {bug}: {caught:?}");
        println!("raft: {bug} caught by Linearizability within {} seeds: {}", seed + 1, caught.explanation);
    }
}

#[test]
fn sweeps_drive_concurrent_clients_with_reads_and_check_their_history() {
    let o = clusterlab::sweep::run_seed(&SweepSpec::new("raft"), 3).expect("seed runs");
    assert!(o.client_ops >= 40, "only {} client operations", o.client_ops);
    assert!(o.ok(), "{o:?}");
    let s = clusterlab::sweep::sweep_scenario(&SweepSpec::new("raft"), 3);
    let run = clusterlab::scenario::build(&s, false).unwrap();
    let history = run.client_history();
    let reads = history.iter().filter(|o| o.kind == clusterlab::sim::lin::OpKind::Read).count();
    assert!(reads * 5 >= history.len(), "{reads} reads of {}", history.len());
    assert!(run.properties().iter().any(|(p, _)| *p == "Linearizability"));
    // Calls overlap: some call is invoked before an earlier one completes.
    let overlap = history.windows(2).any(|w| w[0].complete_us.is_none_or(|c| c > w[1].invoke_us));
    assert!(overlap, "the sweep's clients never overlap");
}

// ---- gossip and SWIM ------------------------------------------------------------------

/// Seeds until one fails, by a safety violation or by liveness after the heal.
fn seeds_to_fail(spec: &SweepSpec, bound: u64) -> (u64, String) {
    for seed in 0..bound {
        let o = clusterlab::sweep::run_seed(spec, seed).expect("seed runs");
        if let Some(v) = o.violations.first() {
            return (seed + 1, format!("{}: {}", v.property, v.explanation));
        }
        if let Some(l) = o.liveness_failure {
            return (seed + 1, format!("liveness: {l}"));
        }
    }
    panic!("bug {:?} not caught in {bound} seeds", spec.bug);
}

#[test]
fn gossip_sweeps_are_clean_in_every_mode() {
    for mode in ["push", "pull", "push_pull"] {
        assert_clean(&SweepSpec { config: json!({"mode": mode}), ..SweepSpec::new("gossip") }, 300);
    }
}

#[test]
fn swim_sweep_is_clean() {
    assert_clean(&SweepSpec::new("swim"), 400);
}

// Demers §1.3: anti-entropy must compare whole databases; §1.1: values come from clients.
// SWIM §4.2: refutation, incarnation order, Confirm's finality.
#[test]
fn every_gossip_and_swim_teaching_bug_is_caught_within_200_seeds() {
    for (protocol, bugs) in [("gossip", clusterlab::protocols::gossip::config::BUGS), ("swim", clusterlab::protocols::swim::config::BUGS)] {
        for bug in bugs {
            let spec = SweepSpec { bug: Some(bug.to_string()), ..SweepSpec::new(protocol) };
            let (n, why) = seeds_to_fail(&spec, 200);
            println!("{protocol}: {bug} caught within {n} seeds ({why})");
        }
    }
}

// ---- lock service ------------------------------------------------------------------------
// Three servers, three clients, one storage. Clients run three critical sections each (and
// again after a restart) so the log goes quiet and liveness can ask for equal logs.

fn lock_spec(config: serde_json::Value) -> SweepSpec {
    let mut merged = json!({"rounds": 3});
    if let (Some(m), serde_json::Value::Object(extra)) = (merged.as_object_mut(), config) {
        m.extend(extra);
    }
    SweepSpec { nodes: 7, config: merged, ..SweepSpec::new("lock") }
}

/// Pauses every few ticks lasting up to 3 s, a shorter session and a 100 ms gap between a
/// client's lease check and its write: Kleppmann's GC pause, many times per sweep.
fn gc_pauses(fencing: bool) -> SweepSpec {
    let config = json!({"fencing": fencing, "write_prep_us": 100_000, "session_timeout_us": 500_000, "keepalive_interval_us": 100_000});
    let chaos = clusterlab::sim::ChaosConfig { pause_ppm: 300_000, max_downtime_us: 3_000_000, crash_ppm: 20_000, partition_ppm: 10_000, ..Default::default() };
    SweepSpec { chaos_config: chaos, ..lock_spec(config) }
}

// Every Raft property, One Holder, Token Order, Fencing Enforced, No Interleaving,
// Lease-Guarded Writes and the lease properties (Mutual Exclusion by Lease, Conservative
// Lease, Master Lease) hold over 500 chaos seeds with fencing on, and liveness after heal.
#[test]
fn lock_sweep_500_seeds_with_fencing_is_clean() {
    assert_clean(&lock_spec(json!({})), 500);
}

// Version 3's leases make the lock safe without fencing as long as no pause falls between
// a lease check and its write (the default sweep's pauses rarely do: `make soak` runs
// 2,000 seeds each way).
#[test]
fn lock_sweep_500_seeds_without_fencing_is_clean() {
    assert_clean(&lock_spec(json!({"fencing": false})), 500);
}

// Kleppmann 2016: GC pauses break No Interleaving without fencing, never with it.
#[test]
fn lock_gc_pauses_interleave_without_fencing_and_never_with_it() {
    let spec = gc_pauses(false);
    let report = sweep(&spec, 0..300, true).expect("sweep runs");
    let seed = report.first_violation_seed.expect("the unfenced GC pause is caught within 300 seeds");
    let v = &report.failures.iter().find(|f| f.seed == seed).unwrap().violations[0];
    assert_eq!(v.property, "No Interleaving", "{v:?}");
    println!("lock: unfenced GC pause caught after {} seeds", seed + 1);
    let fenced = sweep(&gc_pauses(true), 0..300, false).expect("sweep runs");
    let violated: Vec<_> = fenced.failures.iter().filter(|f| !f.violations.is_empty()).map(|f| (f.seed, f.violations[0].clone())).collect();
    assert!(violated.is_empty(), "with fencing: {violated:?}");
}

// The teaching bugs that break a property are caught within 100 seeds, with fencing on and
// off (the lease properties do not depend on it); the herd effect is only load, so its
// sweep stays clean. Version 3's lease bugs are caught by the lease properties: a client
// lease with no drift margin outlives its session (Conservative Lease), a leader without
// a leader lease answers after its successor was elected (Master Lease).
#[test]
fn every_lock_teaching_bug_that_breaks_safety_is_caught_within_100_seeds() {
    let caught_by = [
        ("sequence_from_child_count", "One Holder"),
        ("client_ignores_lease", "Lease-Guarded Writes"),
        ("no_drift_margin", "Conservative Lease"),
        ("no_leader_lease", "Master Lease"),
    ];
    for ((bug, property), fencing) in caught_by.into_iter().flat_map(|b| [(b, true), (b, false)]) {
        let spec = SweepSpec { bug: Some(bug.into()), ..lock_spec(json!({"fencing": fencing})) };
        let report = sweep(&spec, 0..100, true).expect("sweep runs");
        let seed = report.first_violation_seed.unwrap_or_else(|| panic!("{bug} not caught in 100 seeds"));
        let first = &report.failures.iter().find(|f| f.seed == seed).unwrap().violations[0];
        assert_eq!(first.property, property, "{bug}: {first:?}");
        println!("lock (fencing {fencing}): {bug} caught after {} seeds ({property})", seed + 1);
    }
    assert_clean(&SweepSpec { bug: Some("herd_effect".into()), ..lock_spec(json!({})) }, 100);
}
