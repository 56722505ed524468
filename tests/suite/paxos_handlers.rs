//! Exact-effect handler tests for each Paxos role: one input, the exact list of effects
//! ("Paxos Made Simple" §2.2 phases 1a/1b/2a/2b), durable writes and syncs included (§2.3:
//! an acceptor remembers what it promised and accepted even if it fails and restarts).

use clusterlab::protocols::paxos::*;
use clusterlab::sim::{node_view, Effect, EffectOf, NodeEnv, Out, Present, Protocol, Tone};

type E = EffectOf<Paxos>;

fn write(w: PaxosWrite) -> E {
    Effect::Write(w)
}

fn node(id: u32, mode: Mode) -> Paxos {
    let config = PaxosConfig { mode, ..PaxosConfig::default() };
    Paxos::new(NodeEnv { id, n: 3 }, &config)
}

fn b(round: u64, node: u32) -> Ballot {
    Ballot { round, node }
}

fn run(p: &mut Paxos, f: impl FnOnce(&mut Paxos, &mut Out<Paxos>)) -> Vec<E> {
    let mut out = Out::new(0);
    f(p, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn to_all(msg: PaxosMsg) -> Vec<E> {
    (0..3).map(|to| Effect::Send { to, msg: msg.clone() }).collect()
}

// Paxos Made Simple §2.2, phase 1b: an acceptor promises a higher ballot and reports what
// it accepted; the promise is synced before it is sent (and the higher round it saw is
// written with it).
#[test]
fn acceptor_promises_a_higher_ballot_with_its_accepted_value() {
    let mut a = node(1, Mode::Single);
    a.acceptor.accepted.insert(0, (b(1, 0), Value::Cmd("x".into())));
    a.acceptor.promised = b(1, 0);
    let effects = run(&mut a, |a, out| a.on_message(2, PaxosMsg::Prepare { ballot: b(2, 2), from_slot: 0 }, out));
    let accepted = vec![msg::AcceptedSlot { slot: 0, ballot: b(1, 0), value: Value::Cmd("x".into()) }];
    assert_eq!(
        effects,
        vec![
            write(PaxosWrite::Promised(b(2, 2))),
            write(PaxosWrite::MaxRound(2)),
            Effect::Sync,
            Effect::Send { to: 2, msg: PaxosMsg::Promise { ballot: b(2, 2), accepted } },
        ]
    );
    assert_eq!(a.acceptor.promised, b(2, 2));
}

// The planted bug forget_acceptor_state: the acceptor's memory never reaches the disk (it
// writes a fresh acceptor's promise).
#[test]
fn bug_forget_acceptor_state_writes_a_fresh_promise() {
    let config = PaxosConfig { mode: Mode::Single, bug: Some("forget_acceptor_state".into()), ..PaxosConfig::default() };
    let mut a = Paxos::new(NodeEnv { id: 1, n: 3 }, &config);
    a.max_round = 2;
    let effects = run(&mut a, |a, out| a.on_message(2, PaxosMsg::Prepare { ballot: b(2, 2), from_slot: 0 }, out));
    assert_eq!(
        effects,
        vec![
            write(PaxosWrite::Promised(Ballot::ZERO)),
            write(PaxosWrite::MaxRound(2)),
            Effect::Sync,
            Effect::Send { to: 2, msg: PaxosMsg::Promise { ballot: b(2, 2), accepted: vec![] } },
        ]
    );
}

// §2.2 P1a: an acceptor rejects a Prepare or Accept below its promise (our Nack).
#[test]
fn acceptor_nacks_below_its_promise() {
    let mut a = node(1, Mode::Single);
    a.acceptor.promised = b(5, 0);
    let e1 = run(&mut a, |a, out| a.on_message(2, PaxosMsg::Prepare { ballot: b(4, 2), from_slot: 0 }, out));
    assert_eq!(e1, vec![Effect::Send { to: 2, msg: PaxosMsg::Nack { ballot: b(4, 2), promised: b(5, 0) } }]);
    let e2 = run(&mut a, |a, out| a.on_message(2, PaxosMsg::Accept { ballot: b(4, 2), slot: 0, value: Value::Cmd("y".into()) }, out));
    assert_eq!(e2, vec![Effect::Send { to: 2, msg: PaxosMsg::Nack { ballot: b(4, 2), promised: b(5, 0) } }]);
    assert!(a.acceptor.accepted.is_empty());
}

// §2.2 phase 2b: an acceptor accepts at or above its promise, syncs what it accepted, and
// tells every learner.
#[test]
fn acceptor_accepts_and_tells_every_learner() {
    let mut a = node(1, Mode::Single);
    a.acceptor.promised = b(3, 0);
    let v = Value::Cmd("z".into());
    let effects = run(&mut a, |a, out| a.on_message(0, PaxosMsg::Accept { ballot: b(3, 0), slot: 0, value: v.clone() }, out));
    let mut expect = vec![write(PaxosWrite::Accepted { slot: 0, ballot: b(3, 0), value: v.clone() }), Effect::Sync];
    expect.extend(to_all(PaxosMsg::Accepted { ballot: b(3, 0), slot: 0, value: v.clone() }));
    assert_eq!(effects, expect);
    assert_eq!(a.acceptor.accepted.get(&0), Some(&(b(3, 0), v)));
}

// §2.2 phase 1a: a proposer with a client value sends Prepare with a fresh ballot to all,
// once the ballot's round is synced (so a restart never reuses it).
#[test]
fn proposer_starts_phase_one_on_a_client_request() {
    let mut p = node(0, Mode::Single);
    let effects = run(&mut p, |p, out| p.on_request(7, Value::Cmd("v".into()), out));
    let mut expect = vec![write(PaxosWrite::MaxRound(1)), Effect::Sync];
    expect.extend(to_all(PaxosMsg::Prepare { ballot: b(1, 0), from_slot: 0 }));
    expect.push(Effect::SetTimer { timer: PaxosTimer::Retry, min_us: 480_000, max_us: 720_000 });
    assert_eq!(effects, expect);
    assert_eq!(p.phase, Phase::Preparing);
}

// §2.2 phase 2a: with a majority of Promises, propose the highest-numbered accepted value
// reported, not one's own.
#[test]
fn proposer_adopts_the_highest_numbered_accepted_value() {
    let mut p = node(0, Mode::Single);
    run(&mut p, |p, out| p.on_request(7, Value::Cmd("mine".into()), out));
    let low = msg::AcceptedSlot { slot: 0, ballot: Ballot { round: 0, node: 1 }, value: Value::Cmd("old".into()) };
    let e1 = run(&mut p, |p, out| p.on_message(1, PaxosMsg::Promise { ballot: b(1, 0), accepted: vec![low] }, out));
    assert!(e1.is_empty(), "one promise is not a majority of three");
    let high = msg::AcceptedSlot { slot: 0, ballot: Ballot { round: 0, node: 2 }, value: Value::Cmd("newer".into()) };
    let e2 = run(&mut p, |p, out| p.on_message(2, PaxosMsg::Promise { ballot: b(1, 0), accepted: vec![high] }, out));
    assert_eq!(e2, to_all(PaxosMsg::Accept { ballot: b(1, 0), slot: 0, value: Value::Cmd("newer".into()) }));
}

// The planted bug ignore_promise_values proposes its own value regardless. (Version 1's
// exact effects: a plain client value; version 2's are in tests/suite/paxos_clients.rs.)
#[test]
fn bug_ignore_promise_values_proposes_its_own() {
    let config = PaxosConfig { mode: Mode::Single, bug: Some("ignore_promise_values".into()), version: 1, ..PaxosConfig::default() };
    let mut p = Paxos::new(NodeEnv { id: 0, n: 3 }, &config);
    run(&mut p, |p, out| p.on_request(7, Value::Cmd("mine".into()), out));
    let acc = msg::AcceptedSlot { slot: 0, ballot: b(0, 1), value: Value::Cmd("old".into()) };
    run(&mut p, |p, out| p.on_message(1, PaxosMsg::Promise { ballot: b(1, 0), accepted: vec![acc.clone()] }, out));
    let e = run(&mut p, |p, out| p.on_message(2, PaxosMsg::Promise { ballot: b(1, 0), accepted: vec![acc] }, out));
    assert_eq!(e, to_all(PaxosMsg::Accept { ballot: b(1, 0), slot: 0, value: Value::Cmd("mine".into()) }));
}

// §2.3 learning: a learner learns once a majority of acceptors accepted in one ballot, and
// answers the waiting client. (Version 1's exact effects: the reply names the value
// chosen; version 2's are in tests/suite/paxos_clients.rs.)
#[test]
fn learner_learns_on_a_majority_of_accepted_in_one_ballot() {
    let mut p = Paxos::new(NodeEnv { id: 0, n: 3 }, &PaxosConfig { mode: Mode::Single, version: 1, ..PaxosConfig::default() });
    run(&mut p, |p, out| p.on_request(7, Value::Cmd("v".into()), out));
    let v = Value::Cmd("v".into());
    let e1 = run(&mut p, |p, out| p.on_message(1, PaxosMsg::Accepted { ballot: b(1, 0), slot: 0, value: v.clone() }, out));
    assert!(e1.is_empty());
    let e2 = run(&mut p, |p, out| p.on_message(2, PaxosMsg::Accepted { ballot: b(2, 2), slot: 0, value: v.clone() }, out));
    assert!(e2.is_empty(), "votes from different ballots do not add up");
    let e3 = run(&mut p, |p, out| p.on_message(2, PaxosMsg::Accepted { ballot: b(1, 0), slot: 0, value: v.clone() }, out));
    let expect = vec![
        write(PaxosWrite::Learned { slot: 0, value: v.clone() }),
        Effect::CancelTimer { timer: PaxosTimer::Retry },
        Effect::Reply { request_id: 7, reply: PaxosReply::Chosen { slot: 0, value: v.clone() } },
        Effect::Send { to: 1, msg: PaxosMsg::Decide { slot: 0, value: v.clone() } },
        Effect::Send { to: 2, msg: PaxosMsg::Decide { slot: 0, value: v.clone() } },
    ];
    assert_eq!(e3, expect);
    assert_eq!(p.learned.get(&0), Some(&v));
}

// Multi-Paxos (§3): a non-leader redirects clients to the leader it knows.
#[test]
fn multi_paxos_follower_redirects_to_the_leader() {
    let mut f = node(1, Mode::Multi);
    run(&mut f, |f, out| f.on_message(2, PaxosMsg::Heartbeat { ballot: b(1, 2), learned_upto: 0 }, out));
    let e = run(&mut f, |f, out| f.on_request(3, Value::Cmd("k=v".into()), out));
    assert_eq!(e, vec![Effect::Reply { request_id: 3, reply: PaxosReply::NotLeader { hint: Some(2) } }]);
}

// Multi-Paxos (§3): a new leader re-proposes reported values and fills gaps with no-ops.
#[test]
fn multi_paxos_new_leader_recovers_open_slots_and_fills_gaps() {
    let mut l = node(0, Mode::Multi);
    run(&mut l, |l, out| l.start_prepare(out));
    let acc = vec![msg::AcceptedSlot { slot: 2, ballot: b(0, 1), value: Value::Cmd("a=1".into()) }];
    run(&mut l, |l, out| l.on_message(0, PaxosMsg::Promise { ballot: b(1, 0), accepted: vec![] }, out));
    let e = run(&mut l, |l, out| l.on_message(1, PaxosMsg::Promise { ballot: b(1, 0), accepted: acc }, out));
    let accepts: Vec<(u64, Value)> = e
        .iter()
        .filter_map(|x| match x {
            Effect::Send { to: 0, msg: PaxosMsg::Accept { slot, value, .. } } => Some((*slot, value.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(accepts, vec![(0, Value::Noop), (1, Value::Noop), (2, Value::Cmd("a=1".into()))]);
    assert_eq!(l.phase, Phase::Leading);
    assert_eq!(l.next_slot, 3);
}

// The headline number is the ballot that matters for the node's role: a node that is only
// accepting shows the highest ballot it promised (its own proposer ballot is ⊥), a
// proposer the ballot it runs its phases with.
#[test]
fn headline_ballot_is_the_promise_for_an_acceptor_and_the_own_ballot_for_a_proposer() {
    let mut a = node(1, Mode::Single);
    run(&mut a, |a, out| a.on_message(2, PaxosMsg::Prepare { ballot: b(4, 2), from_slot: 0 }, out));
    assert_eq!((a.phase, a.ballot), (Phase::Idle, Ballot::ZERO));
    let v = node_view(&a);
    assert_eq!((v.role.as_str(), v.tone, v.term), ("acceptor", Tone::Neutral, Some(4)));
    let mut p = node(0, Mode::Single);
    run(&mut p, |p, out| p.on_request(7, Value::Cmd("v".into()), out));
    let v = node_view(&p);
    assert_eq!((v.role.as_str(), v.tone, v.term), ("proposer: phase 1", Tone::Contending, Some(1)));
    assert_eq!(Paxos::TERM_NAME, "ballot");
}
