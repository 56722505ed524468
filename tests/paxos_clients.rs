//! Paxos clients under version 2: fixed scenarios for the bugs fixed since version 1 (each
//! also run as version 1, which must keep its old behaviour: links live forever), handler
//! tests for Multi-Paxos client sessions (Ongaro's thesis §6.3), and how the simulated
//! client reads each reply.

use clusterlab::protocols::paxos::invariants::PaxosChecker;
use clusterlab::protocols::paxos::*;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{CheckCtx, Checker, ClientOp, Effect, EffectOf, Fault, History, NodeEnv, Out, Protocol, TimedFault};
use serde_json::json;

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn put(at_us: u64, node: u32, key: &str, value: &str) -> TimedFault {
    at(at_us, Fault::Request { node, op: ClientOp::Put { key: key.into(), value: value.into() } })
}

/// The same scenario under version 1 (frozen semantics).
fn as_v1(s: &Scenario) -> Scenario {
    Scenario { version: 1, ..s.clone() }
}

fn run(s: &Scenario, until_us: u64) -> History<Paxos> {
    let mut s = s.clone();
    s.playhead_us = until_us;
    build_typed::<Paxos>(&s, true).expect("scenario builds")
}

fn kv(h: &History<Paxos>, node: u32) -> Vec<(String, String)> {
    h.sim().node(node).expect("node is up").kv.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// ---- 1. a restarted node applies its durable learned prefix again ----------------------

/// Multi-Paxos, 5 nodes, node 0 the only proposer: two puts are chosen, then node 3 crashes
/// and restarts. No new slot is learned afterwards.
fn restart_after_two_puts() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "multi", "proposers": [0]});
    s.faults = vec![
        put(1_000_000, 0, "a", "1"),
        put(1_100_000, 0, "b", "2"),
        at(1_500_000, Fault::Crash { node: 3 }),
        at(1_600_000, Fault::Restart { node: 3 }),
    ];
    s
}

#[test]
fn restarted_node_reapplies_its_learned_prefix() {
    let h = run(&restart_after_two_puts(), 1_700_000);
    let n3 = h.sim().node(3).expect("n3 restarted");
    assert_eq!((n3.learned_upto, n3.applied_upto), (2, 2));
    assert_eq!(kv(&h, 3), pairs(&[("a", "1"), ("b", "2")]));
    assert_eq!(Paxos::check_liveness(h.sim().nodes()), Ok(()));
}

#[test]
fn v1_restarted_node_still_applies_nothing_until_a_new_slot() {
    let h = run(&as_v1(&restart_after_two_puts()), 1_700_000);
    let n3 = h.sim().node(3).expect("n3 restarted");
    assert_eq!((n3.learned_upto, n3.applied_upto), (2, 0));
    assert!(kv(&h, 3).is_empty());
    assert_eq!(Paxos::check_liveness(h.sim().nodes()), Err("n3 learned 2 and applied 0 slots; leader n0 learned 2".into()));
}

// ---- 2. single-decree: a proposer with no value never proposes a no-op -------------------

/// Single-decree, 5 nodes: TimeoutNow at node 1 at 10 ms (it has no client value), then
/// "apple" proposed at node 0 at 500 ms.
fn timeout_now_before_any_value() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "single"});
    s.faults = vec![
        at(10_000, Fault::TimeoutNow { node: 1 }),
        at(500_000, Fault::Request { node: 0, op: ClientOp::Propose { value: "apple".into() } }),
    ];
    s
}

fn learned_labels(h: &History<Paxos>) -> Vec<Option<String>> {
    (0..5).map(|n| h.sim().node(n).and_then(|p| p.learned.get(&0)).map(|v| v.to_string())).collect()
}

#[test]
fn single_decree_timeout_now_without_a_value_proposes_nothing() {
    let s = timeout_now_before_any_value();
    let early = run(&s, 400_000);
    assert_eq!(learned_labels(&early), vec![None; 5], "nothing is chosen before a client proposes");
    assert!(early.sim().nodes().iter().flatten().all(|p| p.acceptor.accepted.is_empty()), "no Accept was sent");
    let h = run(&s, 2_000_000);
    for (n, v) in learned_labels(&h).iter().enumerate() {
        assert!(v.as_deref().is_some_and(|v| v.starts_with("apple")), "n{n} learned {v:?}, not apple");
    }
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
}

#[test]
fn v1_single_decree_timeout_now_still_chooses_a_no_op_unflagged() {
    let h = run(&as_v1(&timeout_now_before_any_value()), 2_000_000);
    assert_eq!(learned_labels(&h), vec![Some("no-op".to_string()); 5]);
    assert!(h.sim().violations().is_empty(), "version 1's Validity exempts the no-op");
}

/// The Validity checker fed Accepted messages for `value` in slot 0 from a majority of 3.
fn validity_violations(mode: Mode, version: u32, value: Value) -> Vec<String> {
    let config = PaxosConfig { mode, version, ..PaxosConfig::default() };
    let mut checker = <PaxosChecker as Checker<Paxos>>::new(&config, 3);
    let ballot = Ballot { round: 1, node: 1 };
    let sent: Vec<(u32, u32, PaxosMsg)> = (0..2).map(|a| (a, 1, PaxosMsg::Accepted { ballot, slot: 0, value: value.clone() })).collect();
    let nodes: Vec<Option<Paxos>> = vec![None, None, None];
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes: &nodes, sent: &sent, replies: &[], requests: &[], node: None, restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out.into_iter().map(|v| format!("{}: {}", v.property, v.explanation)).collect()
}

// Paxos Made Simple §2.1: only a proposed value may be chosen. The no-op is exempt only
// where a Multi-Paxos leader fills a gap with it (§3), and in version 1.
#[test]
fn validity_flags_a_no_op_chosen_in_single_decree_from_version_2() {
    assert_eq!(validity_violations(Mode::Single, 2, Value::Noop), vec!["Validity: slot 0: no-op was chosen but no client proposed it".to_string()]);
    assert!(validity_violations(Mode::Multi, 2, Value::Noop).is_empty(), "Multi-Paxos gap filling");
    assert!(validity_violations(Mode::Single, 1, Value::Noop).is_empty(), "version 1 is frozen");
    assert_eq!(validity_violations(Mode::Multi, 2, Value::Cmd("k=v".into())).len(), 1, "a value nobody proposed is flagged");
}

// ---- handler tests ---------------------------------------------------------------------

type E = EffectOf<Paxos>;

fn node_with(id: u32, config: PaxosConfig) -> Paxos {
    Paxos::new(NodeEnv { id, n: 3 }, &config)
}

fn single_v2(id: u32) -> Paxos {
    node_with(id, PaxosConfig { mode: Mode::Single, ..PaxosConfig::default() })
}

fn b(round: u64, node: u32) -> Ballot {
    Ballot { round, node }
}

fn handle(p: &mut Paxos, f: impl FnOnce(&mut Paxos, &mut Out<Paxos>)) -> Vec<E> {
    let mut out = Out::new(0);
    f(p, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn accepts(effects: &[E]) -> Vec<(Ballot, u64, Value)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to: 0, msg: PaxosMsg::Accept { ballot, slot, value } } => Some((*ballot, *slot, value.clone())),
            _ => None,
        })
        .collect()
}

fn promise(p: &mut Paxos, from: u32, ballot: Ballot, accepted: Vec<msg::AcceptedSlot>) -> Vec<E> {
    handle(p, |p, out| p.on_message(from, PaxosMsg::Promise { ballot, accepted }, out))
}

// Paxos Made Simple §2.2: a proposer proposes a value only if it has one or one is
// reported. With phase 1 done and nothing reported it waits; the client value that comes
// next goes out in the same ballot.
#[test]
fn single_decree_proposer_without_a_value_waits_then_proposes_the_client_value() {
    let mut p = single_v2(0);
    handle(&mut p, |p, out| p.on_timeout_now(out));
    promise(&mut p, 0, b(1, 0), vec![]);
    let e = promise(&mut p, 1, b(1, 0), vec![]);
    assert!(accepts(&e).is_empty(), "no Accept without a value: {e:?}");
    assert_eq!(p.phase, Phase::Preparing);
    let e = handle(&mut p, |p, out| p.on_request(7, Value::Cmd("v".into()), out));
    let proposed = accepts(&e);
    assert_eq!(proposed.len(), 1, "{e:?}");
    assert_eq!((proposed[0].0, proposed[0].1, proposed[0].2.to_string().starts_with('v')), (b(1, 0), 0, true));
    assert_eq!(p.phase, Phase::Accepting);
}

// ... and with a value reported in the Promises it adopts that one (P2c).
#[test]
fn single_decree_proposer_without_a_value_adopts_a_reported_one() {
    let mut p = single_v2(0);
    handle(&mut p, |p, out| p.on_timeout_now(out));
    let acc = msg::AcceptedSlot { slot: 0, ballot: b(0, 2), value: Value::Cmd("old".into()) };
    promise(&mut p, 0, b(1, 0), vec![]);
    let e = promise(&mut p, 2, b(1, 0), vec![acc]);
    assert_eq!(accepts(&e), vec![(b(1, 0), 0, Value::Cmd("old".into()))]);
}

// Version 1 is frozen: the same proposer proposes a no-op.
#[test]
fn v1_single_decree_proposer_without_a_value_still_proposes_a_no_op() {
    let mut p = node_with(0, PaxosConfig { mode: Mode::Single, version: 1, ..PaxosConfig::default() });
    handle(&mut p, |p, out| p.on_timeout_now(out));
    promise(&mut p, 0, b(1, 0), vec![]);
    let e = promise(&mut p, 1, b(1, 0), vec![]);
    assert_eq!(accepts(&e), vec![(b(1, 0), 0, Value::Noop)]);
}
