//! What Raft's clients see (version 2): client sessions (Ongaro's thesis §6.3) apply a
//! retried command once, ReadIndex (§6.4) never serves a read from a deposed leader, lease
//! reads need PreVote and CheckQuorum, and the planted bugs `no_sessions` and `stale_read`
//! show up in the client history, which the linearizability checker reads.

use clusterlab::protocols::raft::{Kv, KvCommand, KvOutput, RaftConfig, RaftKv, Role};
use clusterlab::scenario::{presets, registry::build_typed, Scenario};
use clusterlab::sim::lin::{OpKind, OpResult, Operation};
use clusterlab::sim::{ClientOp, Fault, NodeId, Session, StateMachine, TimedFault};

fn session(client: u64, serial: u64, cmd: KvCommand) -> KvCommand {
    KvCommand::Client { session: Session { client, serial }, cmd: std::rc::Rc::new(cmd) }
}

fn put(key: &str, value: &str) -> KvCommand {
    KvCommand::Put { key: key.into(), value: value.into() }
}

#[test]
fn a_retried_command_applies_once_and_is_answered_from_the_session_table() {
    let mut kv = Kv::default();
    assert_eq!(kv.apply(&session(1, 1, put("x", "1"))), KvOutput::Value(None));
    assert_eq!(kv.apply(&session(2, 1, put("x", "2"))), KvOutput::Value(Some("1".into())));
    // Client 1's retry of serial 1 after client 2's write: answered, not applied again.
    assert_eq!(kv.apply(&session(1, 1, put("x", "1"))), KvOutput::Value(None));
    assert_eq!(kv.value("x"), Some("2"));
    assert_eq!(kv.duplicates_answered, 1);
}

#[test]
fn sessions_expire_least_recently_used_first_and_an_expired_client_is_not_applied() {
    let mut kv = Kv::default();
    let max = clusterlab::protocols::raft::kv::MAX_SESSIONS as u64;
    for c in 1..=max + 1 {
        kv.apply(&session(c, 1, put("k", &c.to_string())));
    }
    assert_eq!(kv.sessions.len() as u64, max);
    assert!(!kv.sessions.contains_key(&1), "the least recently used session expires");
    assert_eq!(kv.expired_up_to, 1);
    // Client 1's late retry: its session is gone, so it is not applied.
    assert_eq!(kv.apply(&session(1, 1, put("k", "late"))), KvOutput::SessionExpired);
    assert_eq!(kv.value("k"), Some(&*(max + 1).to_string()));
}

#[test]
fn the_no_sessions_bug_strips_the_session_so_a_retry_applies_twice() {
    use clusterlab::sim::FromClientOp;
    let cmd = session(1, 1, put("x", "1"));
    assert_eq!(cmd.clone().without_session(), put("x", "1"));
    let mut kv = Kv::default();
    kv.apply(&put("x", "1"));
    kv.apply(&put("x", "2"));
    kv.apply(&session(1, 1, put("x", "1")).without_session());
    assert_eq!(kv.value("x"), Some("1"));
}

#[test]
fn lease_reads_need_pre_vote_and_check_quorum() {
    let lease: RaftConfig = serde_json::from_value(serde_json::json!({"read": "lease"})).unwrap();
    assert!(lease.validate(3).unwrap_err().contains("pre_vote"));
    let ok: RaftConfig = serde_json::from_value(serde_json::json!({"read": "lease", "pre_vote": true, "check_quorum": true})).unwrap();
    assert!(ok.validate(3).is_ok());
}

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn scenario(config: serde_json::Value, faults: Vec<TimedFault>, until_us: u64) -> Scenario {
    let mut s = Scenario::current("raft", 3, 7);
    s.config = config;
    s.faults = faults;
    s.playhead_us = until_us;
    s
}

fn leader_at(config: &serde_json::Value, t: u64) -> NodeId {
    let run = build_typed::<RaftKv>(&scenario(config.clone(), vec![], t), false).unwrap();
    let nodes = run.sim().nodes();
    (0..3).find(|i| nodes[*i as usize].as_ref().is_some_and(|n| n.role == Role::Leader)).expect("a leader by then")
}

/// Put x=1, cut the leader off, put x=2 through the new leader, then read x at the old
/// leader: the read's answer as the client's history records it.
fn read_at_deposed_leader(config: serde_json::Value) -> (Operation, Vec<String>) {
    assert_eq!(leader_at(&config, 1_000_000), presets::raft::LEADER_READS_SEED_7, "the presets' leader");
    let mut s = presets::raft::read_at_deposed_leader(config);
    s.playhead_us = 6_000_000;
    let run = build_typed::<RaftKv>(&s, false).unwrap();
    let read = run.sim().client_history().iter().find(|o| o.kind == OpKind::Read).cloned().expect("the read is in the history");
    let violations = run.sim().violations().iter().map(|v| v.property.clone()).collect();
    (read, violations)
}

#[test]
fn read_index_does_not_serve_a_read_at_a_deposed_leader() {
    let (read, violations) = read_at_deposed_leader(serde_json::json!({"read": "read_index"}));
    assert_eq!(read.result, OpResult::Ok { value: Some("2".into()) }, "{read:?}");
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn the_stale_read_bug_answers_from_a_deposed_leader_and_the_history_is_not_linearizable() {
    let (read, violations) = read_at_deposed_leader(serde_json::json!({"read": "read_index", "bug": "stale_read"}));
    assert_eq!(read.result, OpResult::Ok { value: Some("1".into()) }, "{read:?}");
    assert!(violations.iter().any(|v| v == "Linearizability"), "{violations:?}");
}

#[test]
fn reads_through_the_log_are_linearizable_in_the_same_scenario() {
    let (read, violations) = read_at_deposed_leader(serde_json::json!({}));
    assert_eq!(read.result, OpResult::Ok { value: Some("2".into()) }, "{read:?}");
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn version_1_scenarios_keep_version_1_clients() {
    let mut s = scenario(serde_json::json!({}), vec![at(1_000_000, Fault::Request { node: 0, op: ClientOp::Get { key: "x".into() } })], 2_000_000);
    s.version = 1;
    let run = build_typed::<RaftKv>(&s, false).unwrap();
    assert!(run.sim().client_history().is_empty(), "version 1 records no client history");
    assert!(!run.sim().checks_linearizability(), "nor checks one");
}


fn sweep_clean(config: serde_json::Value, seeds: u64) {
    use clusterlab::sweep::{sweep, Stop, SweepSpec};
    let spec = SweepSpec { config, ..SweepSpec::new("raft") };
    let report = sweep(&spec, 0..seeds, Stop::Never).expect("sweep runs");
    let first = report.failures.first().map(|f| (f.seed, f.violations.first().cloned(), f.liveness_failure.clone(), f.inconclusive.clone()));
    assert!(report.failures.is_empty(), "{:?}: {} of {seeds} seeds failed, first {first:?}", spec.config, report.failures.len());
}

// Thesis §6.4: ReadIndex keeps reads linearizable under every fault the sweep draws.
#[test]
fn read_index_sweep_is_linearizable() {
    sweep_clean(serde_json::json!({"read": "read_index"}), 500);
}

// Thesis §6.4.1: lease reads with PreVote and CheckQuorum, clocks within the drift bound.
#[test]
fn lease_read_sweep_is_linearizable() {
    sweep_clean(serde_json::json!({"read": "lease", "pre_vote": true, "check_quorum": true}), 500);
}

/// The leader's answer to a read: in the same event as the request (served from its own
/// state) or later (after a round of heartbeats).
fn read_answered_at_once(config: serde_json::Value) -> bool {
    let leader = leader_at(&config, 1_000_000);
    let mut s = scenario(config, vec![at(1_000_000, Fault::Request { node: leader, op: ClientOp::Get { key: "x".into() } })], 1_500_000);
    s.nodes = 3;
    let run = build_typed::<RaftKv>(&s, true).unwrap();
    let read = run.sim().client_history()[0].clone();
    assert!(matches!(read.result, OpResult::Ok { .. }), "{read:?}");
    read.complete_us == Some(read.invoke_us)
}

#[test]
fn a_lease_answers_from_local_state_and_read_index_waits_for_a_round() {
    assert!(read_answered_at_once(serde_json::json!({"read": "lease", "pre_vote": true, "check_quorum": true})));
    assert!(!read_answered_at_once(serde_json::json!({"read": "read_index"})));
}

// Thesis §6.3, as the default sweep of version 2 found it: at seed 419 a client retries
// put k2=v16, whose first attempt did take effect (a read saw v16); without sessions the
// retry is applied again after put k2=v24 and a later read sees v16. With sessions the
// same seed is linearizable.
#[test]
fn a_retried_put_applied_twice_breaks_linearizability_only_without_sessions() {
    use clusterlab::scenario::build;
    use clusterlab::scenario::chaos::{sweep_scenario_of, SweepSpec};
    let run = |spec: &SweepSpec| build(&sweep_scenario_of(spec, 419, 2), false).unwrap();
    let buggy = run(&SweepSpec { bug: Some("no_sessions".into()), ..SweepSpec::new("raft") });
    let v = buggy.violations().first().expect("no_sessions: a violation at seed 419");
    assert_eq!(v.property, "Linearizability", "{v:?}");
    let clean = run(&SweepSpec::new("raft"));
    assert!(clean.violations().is_empty() && clean.check_liveness().is_ok() && clean.inconclusive().is_none());
}

#[test]
fn the_inspector_shows_the_session_table() {
    let mut kv = Kv::default();
    kv.apply(&session(3, 1, put("x", "1")));
    let tables = kv.tables();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].title, "client sessions");
    assert_eq!(tables[0].rows, vec![vec!["c3".to_string(), "1".into(), "ok".into(), "1".into()]]);
    assert!(Kv::default().tables().is_empty());
}
