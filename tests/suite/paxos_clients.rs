//! Paxos clients under version 2: fixed scenarios for the bugs fixed since version 1 (each
//! also run as version 1, which must keep its old behaviour: links live forever), handler
//! tests for Multi-Paxos client sessions (Ongaro's thesis §6.3), and how the simulated
//! client reads each reply.

use clusterlab::protocols::paxos::invariants::PaxosChecker;
use clusterlab::protocols::paxos::*;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::lin::OpResult;
use clusterlab::sim::{CheckCtx, Checker, ClientOp, Effect, EffectOf, Fault, History, NetConfig, NodeEnv, Out, Protocol, Session, TimedFault, TraceKind};
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

/// Every client reply in the trace: (node, request id, reply as the trace records it).
fn replies(h: &History<Paxos>) -> Vec<(u32, u64, String)> {
    h.trace()
        .iter()
        .filter_map(|r| match &r.kind {
            TraceKind::Reply { request_id, reply } => Some((r.node.unwrap_or(u32::MAX), *request_id, reply.clone())),
            _ => None,
        })
        .collect()
}

/// Each client call's outcome in the client history (version 2): (client, key, result).
fn outcomes(h: &History<Paxos>) -> Vec<(u64, String, OpResult)> {
    h.sim().client_history().iter().map(|o| (o.client, o.key.clone(), o.result.clone())).collect()
}

const OK: OpResult = OpResult::Ok { value: None };

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
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
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

// ---- 3a. requests queued while preparing are answered when the proposer steps down -------

/// Multi-Paxos, proposers 0 and 1, fixed 10 ms latency. Node 1 leads; node 0 is cut off
/// from nodes 2-4 and starts phase 1 (it can reach only node 1: no majority), a put reaches
/// it while it prepares, and node 1's higher ballot pre-empts it.
fn queued_while_preparing() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "multi", "proposers": [0, 1]});
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = vec![at(10_000, Fault::TimeoutNow { node: 1 })];
    for b in [2, 3, 4] {
        s.faults.push(at(1_000_000, Fault::Cut { a: 0, b }));
    }
    s.faults.push(at(1_010_000, Fault::TimeoutNow { node: 0 }));
    s.faults.push(put(1_050_000, 0, "a", "1"));
    s.faults.push(at(1_100_000, Fault::TimeoutNow { node: 1 }));
    s.faults.push(at(1_500_000, Fault::HealAll));
    s
}

#[test]
fn requests_queued_while_preparing_are_redirected_when_the_proposer_steps_down() {
    let h = run(&queued_while_preparing(), 3_000_000);
    let r = replies(&h);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0], (0, 0, "NotLeader { hint: Some(1) }".to_string()), "n0 answers at once, naming n1");
    assert_eq!((r[1].0, r[1].2.as_str()), (1, "Applied { slot: 0, output: None }"), "the client followed the hint");
    assert_eq!(outcomes(&h), vec![(1, "a".to_string(), OK)]);
    for n in 0..5 {
        assert_eq!(kv(&h, n), pairs(&[("a", "1")]), "n{n}");
    }
    assert!(h.sim().violations().is_empty(), "the redirected command counts as proposed: {:?}", h.sim().violations());
}

#[test]
fn v1_requests_queued_while_preparing_are_still_never_answered() {
    let h = run(&as_v1(&queued_while_preparing()), 3_000_000);
    assert!(replies(&h).is_empty(), "{:?}", replies(&h));
    assert!((0..5).all(|n| kv(&h, n).is_empty()));
}

// ---- 3b. a command chosen while its leader re-prepares is answered as applied -----------

/// Multi-Paxos, node 0 the only proposer: a put, and 1 ms later TimeoutNow at node 0 (it
/// starts phase 1 again while the Accepteds of the put are on their way).
fn reprepare_while_accepting() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "multi", "proposers": [0]});
    s.faults = vec![put(1_000_000, 0, "a", "1"), at(1_001_000, Fault::TimeoutNow { node: 0 })];
    s
}

#[test]
fn a_command_chosen_during_a_re_prepare_is_answered_applied() {
    let h = run(&reprepare_while_accepting(), 3_000_000);
    assert_eq!(replies(&h), vec![(0, 0, "Applied { slot: 0, output: None }".to_string())]);
    assert_eq!(outcomes(&h), vec![(1, "a".to_string(), OK)]);
    assert_eq!(kv(&h, 0), pairs(&[("a", "1")]));
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
}

#[test]
fn v1_a_command_chosen_during_a_re_prepare_is_still_answered_lost() {
    let h = run(&as_v1(&reprepare_while_accepting()), 3_000_000);
    assert_eq!(replies(&h), vec![(0, 0, "Lost { slot: 0 }".to_string())]);
    assert_eq!(h.sim().node(0).unwrap().learned.get(&0), Some(&Value::Cmd("a=1".into())), "yet a=1 was chosen");
}

// ---- 3c. two clients proposing the same string are told apart --------------------------

/// Multi-Paxos, proposers 0 and 1. Node 0 leads, is partitioned alone and takes a put of
/// a=1 that can never be chosen; node 1 takes over the majority side and chooses another
/// client's identical put of a=1 in the same slot; then the partition heals.
fn same_string_two_clients() -> Scenario {
    let mut s = Scenario::current("paxos", 5, 1);
    s.config = json!({"mode": "multi", "proposers": [0, 1]});
    s.faults = vec![
        at(10_000, Fault::TimeoutNow { node: 0 }),
        at(1_000_000, Fault::Partition { groups: vec![vec![0]] }),
        put(1_050_000, 0, "a", "1"),
        put(1_800_000, 1, "a", "1"),
        at(2_000_000, Fault::HealAll),
    ];
    s
}

// Node 0's attempt is answered unknown (it stepped down not knowing slot 0 holds another
// client's put), not "applied at slot 0" as version 1 answered both. The client retries in
// its session at node 1 — twice, as its timeout fires during the backoff of the first
// retry — and its put is applied once: the second copy is answered from the session table.
#[test]
fn two_clients_with_the_same_string_are_told_apart() {
    let h = run(&same_string_two_clients(), 3_000_000);
    let r = replies(&h);
    let first = |id: u64| r.iter().find(|(_, i, _)| *i == id).map(|(n, _, reply)| (*n, reply.clone()));
    assert_eq!(first(0), Some((0, "Unknown { reason: SteppedDown }".to_string())), "{r:?}");
    assert_eq!(first(1), Some((1, "Applied { slot: 0, output: None }".to_string())), "{r:?}");
    let slot0 = h.sim().node(0).unwrap().learned.get(&0).cloned();
    assert!(matches!(slot0, Some(Value::Op(Command { origin: Origin::Session { client: 2, serial: 1 }, .. }))), "{slot0:?}");
    let retries: Vec<&(u32, u64, String)> = r.iter().filter(|(_, id, _)| *id >= 2).collect();
    assert!(!retries.is_empty() && retries.iter().all(|(n, _, reply)| *n == 1 && reply.starts_with("Applied")), "{r:?}");
    let n1 = h.sim().node(1).unwrap();
    let copies = n1.learned.values().filter(|v| matches!(v, Value::Op(Command { origin: Origin::Session { client: 1, .. }, .. }))).count();
    assert_eq!(copies, retries.len(), "each retry is a copy in the log");
    assert_eq!(n1.sessions.table.get(&1).map(|e| e.serial), Some(1));
    assert_eq!(outcomes(&h), vec![(1, "a".to_string(), OK), (2, "a".to_string(), OK)]);
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
}

#[test]
fn v1_two_clients_with_the_same_string_are_still_both_told_chosen() {
    let h = run(&as_v1(&same_string_two_clients()), 3_000_000);
    let mut r = replies(&h);
    r.sort_by_key(|(_, id, _)| *id);
    let chosen = "Chosen { slot: 0, value: Cmd(\"a=1\") }".to_string();
    assert_eq!(r, vec![(0, 0, chosen.clone()), (1, 1, chosen)]);
}

/// The Validity checker fed Accepted messages for `value` in slot 0 from a majority of 3.
fn validity_violations(mode: Mode, version: u32, value: Value) -> Vec<String> {
    let config = PaxosConfig { mode, version, ..PaxosConfig::default() };
    let mut checker = <PaxosChecker as Checker<Paxos>>::new(&config, 3);
    let ballot = Ballot { round: 1, node: 1 };
    let sent: Vec<(u32, u32, PaxosMsg)> = (0..2).map(|a| (a, 1, PaxosMsg::Accepted { ballot, slot: 0, value: value.clone() })).collect();
    let nodes: Vec<Option<Paxos>> = vec![None, None, None];
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes: &nodes, clocks: &[], disks: &[], sent: &sent, replies: &[], requests: &[], node: None, restarted: false };
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

fn multi_v2(id: u32) -> Paxos {
    node_with(id, PaxosConfig { mode: Mode::Multi, ..PaxosConfig::default() })
}

/// The reply effects among `effects`.
fn replies_in(effects: &[E]) -> Vec<(u64, PaxosReply)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Reply { request_id, reply } => Some((*request_id, reply.clone())),
            _ => None,
        })
        .collect()
}

/// A version-2 command as the node makes it from a plain request.
fn request_cmd(node: u32, request: u64, op: Op) -> Value {
    Value::Op(Command { origin: Origin::Request { node, request }, op })
}

fn put_op(key: &str, value: &str) -> Op {
    Op::Put { key: key.into(), value: value.into() }
}

/// Node 0 of three leads with ballot 1.0 (both promises empty).
fn leader_v2(config: PaxosConfig) -> Paxos {
    let mut l = node_with(0, config);
    handle(&mut l, |l, out| l.on_timeout_now(out));
    promise(&mut l, 0, b(1, 0), vec![]);
    promise(&mut l, 1, b(1, 0), vec![]);
    assert_eq!(l.phase, Phase::Leading);
    l
}

fn accepted(p: &mut Paxos, from: u32, ballot: Ballot, slot: u64, value: &Value) -> Vec<E> {
    handle(p, |p, out| p.on_message(from, PaxosMsg::Accepted { ballot, slot, value: value.clone() }, out))
}

// Version 2 of the learner test in paxos_handlers.rs: the reply says whether the value
// chosen is this request's (a plain request becomes a command naming it).
#[test]
fn single_decree_v2_reply_says_whose_value_was_chosen() {
    let mut p = single_v2(0);
    handle(&mut p, |p, out| p.on_request(7, Value::Cmd("v".into()), out));
    let mine = request_cmd(0, 7, Op::Propose { value: "v".into() });
    accepted(&mut p, 1, b(1, 0), 0, &mine);
    let e = accepted(&mut p, 2, b(1, 0), 0, &mine);
    assert_eq!(replies_in(&e), vec![(7, PaxosReply::Decided { value: mine.clone(), yours: true })]);
    // A later request, another value: the decision stands, and it is not this one's.
    let e = handle(&mut p, |p, out| p.on_request(8, Value::Cmd("w".into()), out));
    assert_eq!(replies_in(&e), vec![(8, PaxosReply::Decided { value: mine, yours: false })]);
}

// Version 2 of the ignore_promise_values test: the bug proposes the request's own command.
#[test]
fn bug_ignore_promise_values_v2_proposes_its_own_command() {
    let config = PaxosConfig { mode: Mode::Single, bug: Some("ignore_promise_values".into()), ..PaxosConfig::default() };
    let mut p = node_with(0, config);
    handle(&mut p, |p, out| p.on_request(7, Value::Cmd("mine".into()), out));
    let acc = msg::AcceptedSlot { slot: 0, ballot: b(0, 1), value: Value::Cmd("old".into()) };
    promise(&mut p, 1, b(1, 0), vec![acc.clone()]);
    let e = promise(&mut p, 2, b(1, 0), vec![acc]);
    assert_eq!(accepts(&e), vec![(b(1, 0), 0, request_cmd(0, 7, Op::Propose { value: "mine".into() }))]);
}

// 3a: a request queued during phase 1 is answered when a higher ballot pre-empts it, with
// the node of that ballot as the hint (it was never proposed).
#[test]
fn queued_request_is_redirected_on_step_down() {
    let mut p = multi_v2(0);
    handle(&mut p, |p, out| p.on_timeout_now(out));
    let e = handle(&mut p, |p, out| p.on_request(4, Value::Cmd("a=1".into()), out));
    assert!(replies_in(&e).is_empty(), "queued while preparing");
    let e = handle(&mut p, |p, out| p.on_message(2, PaxosMsg::Nack { ballot: b(1, 0), promised: b(3, 2) }, out));
    assert_eq!(replies_in(&e), vec![(4, PaxosReply::NotLeader { hint: Some(2) })]);
    assert!(p.pending.is_empty());
}

// A leader pre-empted with a slot open cannot know whether it will be chosen.
#[test]
fn open_slot_is_answered_unknown_on_step_down() {
    let mut l = leader_v2(PaxosConfig::default());
    handle(&mut l, |l, out| l.on_request(5, Value::Cmd("a=1".into()), out));
    let e = handle(&mut l, |l, out| l.on_message(1, PaxosMsg::Heartbeat { ballot: b(2, 1), learned_upto: 0 }, out));
    assert_eq!(replies_in(&e), vec![(5, PaxosReply::Unknown { reason: Uncertain::SteppedDown })]);
}

// 3b: the leader starts phase 1 again (its proposals cleared) and learns its command in
// the old ballot meanwhile: applied, not lost.
#[test]
fn command_learned_during_a_re_prepare_is_applied() {
    let mut l = leader_v2(PaxosConfig::default());
    handle(&mut l, |l, out| l.on_request(5, Value::Cmd("a=1".into()), out));
    handle(&mut l, |l, out| l.on_timeout_now(out));
    assert_eq!(l.phase, Phase::Preparing);
    let cmd = request_cmd(0, 5, put_op("a", "1"));
    accepted(&mut l, 1, b(1, 0), 0, &cmd);
    let e = accepted(&mut l, 2, b(1, 0), 0, &cmd);
    assert_eq!(replies_in(&e), vec![(5, PaxosReply::Applied { slot: 0, output: None })]);
}

// 3c: the slot went to another client's command with the same string (re-proposed by this
// very leader, as phase 1 reported it): this request is not told it was applied.
#[test]
fn same_string_from_another_request_is_not_this_requests_command() {
    let mut l = leader_v2(PaxosConfig::default());
    handle(&mut l, |l, out| l.on_request(5, Value::Cmd("a=1".into()), out));
    handle(&mut l, |l, out| l.on_timeout_now(out));
    let theirs = request_cmd(1, 9, put_op("a", "1"));
    let acc = vec![msg::AcceptedSlot { slot: 0, ballot: b(1, 1), value: theirs.clone() }];
    promise(&mut l, 0, b(2, 0), vec![]);
    let e = promise(&mut l, 1, b(2, 0), acc);
    assert_eq!(accepts(&e), vec![(b(2, 0), 0, theirs.clone())], "P2c: the reported value");
    accepted(&mut l, 1, b(2, 0), 0, &theirs);
    let e = accepted(&mut l, 2, b(2, 0), 0, &theirs);
    assert_eq!(replies_in(&e), vec![(5, PaxosReply::Unknown { reason: Uncertain::SlotTaken { slot: 0 } })]);
    assert_eq!(l.kv.get("a").map(String::as_str), Some("1"), "the other client's put is applied");
}

// ---- 4. Multi-Paxos key-value store with client sessions (Ongaro's thesis §6.3) ---------

fn in_session(client: u64, serial: u64, op: ClientOp) -> Value {
    Paxos::request_in_session(&op, Session { client, serial }).expect("every operation has a request")
}

fn put_in(client: u64, serial: u64, key: &str, value: &str) -> Value {
    in_session(client, serial, ClientOp::Put { key: key.into(), value: value.into() })
}

fn get_in(client: u64, serial: u64, key: &str) -> Value {
    in_session(client, serial, ClientOp::Get { key: key.into() })
}

/// Have the leader (node 0 of three, ballot 1.0) propose `value` for request `request_id`
/// and learn it from a majority; the replies it gives.
fn commit(l: &mut Paxos, request_id: u64, value: Value) -> Vec<(u64, PaxosReply)> {
    let slot = l.next_slot;
    let mut e = handle(l, |l, out| l.on_request(request_id, value.clone(), out));
    assert_eq!(accepts(&e), vec![(b(1, 0), slot, value.clone())], "proposed in the next slot");
    e.extend(accepted(l, 1, b(1, 0), slot, &value));
    e.extend(accepted(l, 2, b(1, 0), slot, &value));
    replies_in(&e)
}

fn applied(slot: u64, output: Option<&str>) -> PaxosReply {
    PaxosReply::Applied { slot, output: output.map(String::from) }
}

#[test]
fn request_in_session_carries_the_session_for_every_operation() {
    let s = Session { client: 3, serial: 9 };
    let origin = Origin::Session { client: 3, serial: 9 };
    let cases = [
        (ClientOp::Put { key: "k".into(), value: "v".into() }, Op::Put { key: "k".into(), value: "v".into() }),
        (ClientOp::Get { key: "k".into() }, Op::Get { key: "k".into() }),
        (ClientOp::Propose { value: "apple".into() }, Op::Propose { value: "apple".into() }),
    ];
    for (op, expect) in cases {
        assert_eq!(Paxos::request_in_session(&op, s), Some(Value::Op(Command { origin, op: expect })));
    }
    const { assert!(Paxos::CLIENT_SESSIONS, "retries in a session are safe") };
}

#[test]
fn reply_result_classifies_every_reply() {
    use clusterlab::sim::ClientResult as R;
    let cmd = request_cmd(0, 1, Op::Propose { value: "v".into() });
    let cases = [
        (applied(2, Some("1")), R::Ok(Some("1".into()))),
        (applied(2, None), R::Ok(None)),
        (PaxosReply::Decided { value: cmd.clone(), yours: true }, R::Ok(None)),
        (PaxosReply::Decided { value: cmd.clone(), yours: false }, R::Fail),
        (PaxosReply::Refused { reason: "no" }, R::Fail),
        (PaxosReply::NotLeader { hint: Some(2) }, R::Redirect(Some(2))),
        (PaxosReply::NotLeader { hint: None }, R::Redirect(None)),
        (PaxosReply::Unknown { reason: Uncertain::SteppedDown }, R::Unknown),
        (PaxosReply::Unknown { reason: Uncertain::SessionExpired }, R::Unknown),
        (PaxosReply::Unknown { reason: Uncertain::SlotTaken { slot: 0 } }, R::Unknown),
        (PaxosReply::Chosen { slot: 0, value: cmd }, R::Unknown),
        (PaxosReply::Lost { slot: 0 }, R::Unknown),
    ];
    for (reply, expect) in cases {
        assert_eq!(Paxos::reply_result(&reply), expect, "{reply:?}");
    }
}

// Get goes through the log and answers the value at its place in the log.
#[test]
fn get_is_a_log_command_answered_with_the_value() {
    let mut l = leader_v2(PaxosConfig::default());
    assert_eq!(commit(&mut l, 1, get_in(1, 1, "a")), vec![(1, applied(0, None))], "absent key");
    assert_eq!(commit(&mut l, 2, put_in(1, 2, "a", "1")), vec![(2, applied(1, None))]);
    assert_eq!(commit(&mut l, 3, get_in(2, 1, "a")), vec![(3, applied(2, Some("1")))]);
    assert_eq!(commit(&mut l, 4, in_session(2, 2, ClientOp::Propose { value: "p".into() })), vec![(4, applied(3, None))]);
    assert_eq!(l.kv.get("x").map(String::as_str), Some("p"), "Propose is a put of x");
}

// §6.3: a retry (same client, same serial) is answered from the session table and not
// applied again, even when another client wrote in between.
#[test]
fn duplicate_serial_is_answered_from_the_table_without_reapplying() {
    let mut l = leader_v2(PaxosConfig::default());
    commit(&mut l, 1, put_in(1, 1, "a", "1"));
    commit(&mut l, 2, put_in(2, 1, "a", "2"));
    assert_eq!(commit(&mut l, 3, put_in(1, 1, "a", "1")), vec![(3, applied(2, None))], "the retry is answered...");
    assert_eq!(l.kv.get("a").map(String::as_str), Some("2"), "...and not applied again");
    assert_eq!(commit(&mut l, 4, get_in(1, 2, "a")), vec![(4, applied(3, Some("2")))]);
    commit(&mut l, 5, put_in(2, 2, "a", "3"));
    assert_eq!(commit(&mut l, 6, get_in(1, 2, "a")), vec![(6, applied(5, Some("2")))], "the table's reply, read at slot 3");
    assert_eq!(l.kv.get("a").map(String::as_str), Some("3"));
    assert_eq!(l.sessions.table.get(&1), Some(&SessionEntry { serial: 2, output: Some("2".into()), last_slot: 5 }));
    assert_eq!(l.applied_upto, 6);
}

#[test]
fn older_serial_than_the_last_is_not_applied_and_answered_unknown() {
    let mut l = leader_v2(PaxosConfig::default());
    commit(&mut l, 1, put_in(1, 2, "a", "new"));
    let r = commit(&mut l, 2, put_in(1, 1, "a", "old"));
    assert_eq!(r, vec![(2, PaxosReply::Unknown { reason: Uncertain::OlderSerial })]);
    assert_eq!(l.kv.get("a").map(String::as_str), Some("new"));
}

// Sessions expire through the log: with room for two, a third client evicts the least
// recently used, and that client's next command is not applied ("session expired").
#[test]
fn least_recently_used_session_expires_and_its_commands_are_not_applied() {
    let mut l = leader_v2(PaxosConfig { max_sessions: 2, ..PaxosConfig::default() });
    commit(&mut l, 1, put_in(1, 1, "a", "1"));
    commit(&mut l, 2, put_in(2, 1, "b", "1"));
    commit(&mut l, 3, put_in(1, 2, "a", "2")); // client 1 used again: client 2 is now the LRU
    commit(&mut l, 4, put_in(3, 1, "c", "1"));
    assert_eq!(l.sessions.table.keys().copied().collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(l.sessions.expired.iter().copied().collect::<Vec<_>>(), vec![2]);
    let r = commit(&mut l, 5, put_in(2, 2, "b", "2"));
    assert_eq!(r, vec![(5, PaxosReply::Unknown { reason: Uncertain::SessionExpired })]);
    assert_eq!(l.kv.get("b").map(String::as_str), Some("1"), "not applied");
    // A retry of the expired client's old command is not applied either.
    assert_eq!(commit(&mut l, 6, put_in(2, 1, "b", "1")), vec![(6, PaxosReply::Unknown { reason: Uncertain::SessionExpired })]);
}

// Every replica evicts the same session: it happens on apply, from the log alone. A
// follower learning the leader's log (by Decide), and a restarted node re-applying its
// durable prefix, end with the leader's table.
#[test]
fn session_table_is_the_same_on_every_replica_and_after_a_restart() {
    let config = PaxosConfig { max_sessions: 2, ..PaxosConfig::default() };
    let mut l = leader_v2(config.clone());
    let log = [put_in(1, 1, "a", "1"), put_in(2, 1, "b", "1"), put_in(1, 1, "a", "1"), put_in(3, 1, "c", "1"), get_in(2, 2, "b")];
    for (i, v) in log.iter().enumerate() {
        commit(&mut l, i as u64, v.clone());
    }
    let mut f = node_with(1, config.clone());
    let mut durable = PaxosDurable::default();
    for (slot, v) in log.iter().enumerate().rev() {
        // Out of order: nothing is applied past a gap.
        handle(&mut f, |f, out| f.on_message(0, PaxosMsg::Decide { slot: slot as u64, value: v.clone() }, out));
        durable.learned.insert(slot as u64, v.clone());
        if slot > 0 {
            assert_eq!(f.applied_upto, 0);
        }
    }
    assert_eq!((&f.kv, &f.sessions, f.applied_upto), (&l.kv, &l.sessions, 5));
    assert_eq!(l.sessions.expired.iter().copied().collect::<Vec<_>>(), vec![2]);
    let mut r = node_with(2, config);
    handle(&mut r, |r, out| r.on_recover(durable, out));
    assert_eq!((&r.kv, &r.sessions, r.applied_upto), (&l.kv, &l.sessions, 5));
}

// The planted bug no_sessions: the state machine ignores the table and applies the retry
// again, undoing the other client's later write.
#[test]
fn bug_no_sessions_applies_a_retry_again() {
    let mut l = leader_v2(PaxosConfig { bug: Some("no_sessions".into()), ..PaxosConfig::default() });
    commit(&mut l, 1, put_in(1, 1, "a", "1"));
    commit(&mut l, 2, put_in(2, 1, "a", "2"));
    assert_eq!(commit(&mut l, 3, put_in(1, 1, "a", "1")), vec![(3, applied(2, None))]);
    assert_eq!(l.kv.get("a").map(String::as_str), Some("1"), "the duplicate overwrote client 2's put");
    assert!(l.sessions.table.is_empty());
}

// Single-decree Paxos decides one proposed value: a put in a session proposes itself (the
// sweep's clients send puts), a get is refused before it is proposed (no store to read:
// it certainly had no effect).
#[test]
fn single_decree_proposes_a_put_and_refuses_a_get() {
    let mut p = single_v2(0);
    let e = handle(&mut p, |p, out| p.on_request(2, get_in(1, 1, "a"), out));
    assert!(matches!(replies_in(&e).as_slice(), [(2, PaxosReply::Refused { .. })]), "{e:?}");
    assert_eq!(Paxos::reply_result(&replies_in(&e)[0].1), clusterlab::sim::ClientResult::Fail);
    assert_eq!(p.phase, Phase::Idle, "nothing proposed");
    let e = handle(&mut p, |p, out| p.on_request(3, put_in(2, 1, "a", "1"), out));
    assert!(replies_in(&e).is_empty());
    assert_eq!(p.phase, Phase::Preparing);
    promise(&mut p, 0, b(1, 0), vec![]);
    let e = promise(&mut p, 1, b(1, 0), vec![]);
    assert_eq!(accepts(&e), vec![(b(1, 0), 0, put_in(2, 1, "a", "1"))]);
    assert_eq!(put_in(2, 1, "a", "1").to_string(), "a=1 (c2 #1)");
}

// The client of version 2 as the contract describes it: a request made in a session, the
// reply read with reply_result, an Unknown retried at another node with the same session.
// The first leader steps down with the put open; the put was accepted there after all, so
// the new leader re-proposes it in slot 0 and the retry lands in slot 1: applied once,
// the retry answered from the session table.
#[test]
fn unknown_retried_in_the_same_session_is_applied_once() {
    use clusterlab::sim::ClientResult as R;
    let request = Paxos::request_in_session(&ClientOp::Put { key: "a".into(), value: "1".into() }, Session { client: 7, serial: 1 }).unwrap();
    let mut old = leader_v2(PaxosConfig::default());
    handle(&mut old, |l, out| l.on_request(1, request.clone(), out));
    let e = handle(&mut old, |l, out| l.on_message(1, PaxosMsg::Heartbeat { ballot: b(2, 1), learned_upto: 0 }, out));
    let Ok([(1, reply)]) = <[_; 1]>::try_from(replies_in(&e)) else { panic!("{e:?}") };
    assert_eq!(Paxos::reply_result(&reply), R::Unknown, "{reply:?}");

    let mut new = node_with(1, PaxosConfig::default());
    handle(&mut new, |n, out| n.on_timeout_now(out));
    promise(&mut new, 1, b(1, 1), vec![]);
    let acc = vec![msg::AcceptedSlot { slot: 0, ballot: b(1, 0), value: request.clone() }];
    let e = promise(&mut new, 2, b(1, 1), acc);
    assert_eq!(accepts(&e), vec![(b(1, 1), 0, request.clone())], "P2c: slot 0 keeps the put");
    let e = handle(&mut new, |n, out| n.on_request(2, request.clone(), out));
    assert_eq!(accepts(&e), vec![(b(1, 1), 1, request.clone())], "the retry goes to slot 1");
    let mut e = Vec::new();
    for slot in [0, 1] {
        for from in [1, 2] {
            e.extend(handle(&mut new, |n, out| n.on_message(from, PaxosMsg::Accepted { ballot: b(1, 1), slot, value: request.clone() }, out)));
        }
    }
    let Ok([(2, reply)]) = <[_; 1]>::try_from(replies_in(&e)) else { panic!("{e:?}") };
    assert_eq!((Paxos::reply_result(&reply), reply), (R::Ok(None), applied(1, None)));
    assert_eq!(new.sessions.table.get(&7), Some(&SessionEntry { serial: 1, output: None, last_slot: 1 }));
    assert_eq!((new.kv.get("a").map(String::as_str), new.applied_upto), (Some("1"), 2));
}

// End to end, with the simulator's version-2 clients (sessions, retries on unknown, down
// or silent nodes) and the linearizability check of their history: seed 229 of the default
// Multi-Paxos sweep of version 2 with no_sessions applies a retried put again, and a later
// read sees the old value back; the same seed without the bug is clean.
#[test]
fn no_sessions_is_caught_by_linearizability_in_the_default_sweep() {
    use clusterlab::scenario::build;
    use clusterlab::scenario::chaos::{sweep_scenario_of, SweepSpec};
    let sweep_scenario = |spec: &SweepSpec, seed| sweep_scenario_of(spec, seed, 2);
    let buggy = SweepSpec { bug: Some("no_sessions".into()), ..SweepSpec::new("paxos") };
    let run = build(&sweep_scenario(&buggy, 229), false).unwrap();
    let first = run.violations().first().expect("caught");
    assert_eq!(first.property, "Linearizability");
    assert!(first.explanation.starts_with("a read of k0 returned v2"), "{}", first.explanation);
    let clean = build(&sweep_scenario(&SweepSpec::new("paxos"), 229), false).unwrap();
    assert!(clean.violations().is_empty(), "{:?}", clean.violations());
    assert_eq!(clean.check_liveness(), Ok(()));
    assert!(clean.client_history().len() >= 40, "the clients ran");
}
