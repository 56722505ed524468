//! The lock service's lease argument under version 3 (the derivation is in
//! `src/protocols/lock/lease.rs`). One fixed scenario per cause of the unsoundness version 2
//! had, each failing under version 2's semantics or with the cause's teaching bug and
//! passing under version 3: clocks that jumped when their drift changed, a client lease
//! with no margin for drift (Chubby §2.8), and a deposed leader answering KeepAlives
//! (Ongaro's thesis §6.4.1; Chubby §2.8-2.9). Then exact-effect handler tests of the
//! client's margin and jeopardy and the servers' leader lease and fail-over grace, and
//! Kleppmann's GC pause under version 3.

use clusterlab::protocols::lock::invariants::LockChecker;
use clusterlab::protocols::lock::*;
use clusterlab::protocols::raft::RaftTimer;
use clusterlab::scenario::registry::build_typed;
use clusterlab::scenario::{presets, Scenario};
use clusterlab::sim::{Effect, EffectOf, Fault, History, Out, ProtocolConfig, StateMachine, TimedFault, TraceKind};
use serde_json::json;

type E = EffectOf<LockNode>;

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn run(s: &Scenario) -> History<LockNode> {
    build_typed::<LockNode>(s, true).expect("builds")
}

fn as_version(s: &Scenario, version: u32) -> Scenario {
    Scenario { version, ..s.clone() }
}

fn with_bug(s: &Scenario, bug: &str) -> Scenario {
    let mut s = s.clone();
    s.config["bug"] = json!(bug);
    s
}

fn violated(h: &History<LockNode>) -> Vec<&str> {
    h.sim().violations().iter().map(|v| v.property.as_str()).collect()
}

fn notes_after<'a>(h: &'a History<LockNode>, from_us: u64, what: &'a str) -> impl Iterator<Item = (u64, Option<u32>)> + 'a {
    h.trace().iter().filter(move |r| r.time_us >= from_us && matches!(&r.kind, TraceKind::Note { text } if text.contains(what))).map(|r| (r.time_us, r.node))
}

fn leader_id(h: &History<LockNode>) -> u32 {
    h.sim().nodes().iter().flatten().filter_map(LockNode::as_server).find(|s| s.is_leader()).expect("a leader").id
}

// ---- cause 1: a clock jumped when its drift changed ------------------------------------------

/// The scenario: fencing off, nobody paused, the lock servers' leader's clock set
/// 5% fast about twenty seconds in.
fn leader_fast_at_20_s(seed: u64, version: u32) -> Scenario {
    let mut s = Scenario::current("lock", 7, seed);
    s.version = version;
    s.config = json!({"fencing": false});
    s.playhead_us = 20_000_000;
    let leader = leader_id(&run(&s));
    s.faults = vec![at(20_100_000, Fault::ClockDrift { node: leader, drift_ppm: 50_000 })];
    s.playhead_us = 24_000_000;
    s
}

/// Run to the first expiry the leader proposes after `from_us`: its time, and each client
/// with a session and the lease it had left then (by its own clock, µs, negative if over).
fn first_expiry(s: &Scenario, from_us: u64) -> Option<(u64, Vec<(u32, i64)>)> {
    let mut h = run(&Scenario { playhead_us: from_us, ..s.clone() });
    let mut seen = h.trace().len();
    while h.sim().now_us() < s.playhead_us && h.step() {
        let fresh = h.trace().iter_from(seen).any(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("proposing its expiry")));
        seen = h.trace().len();
        if fresh {
            let clients = h.sim().nodes().iter().flatten().filter_map(LockNode::as_client).filter(|c| c.session.is_some());
            let left = clients.map(|c| (c.id, c.lease_until_us as i64 - h.sim().local_now_us(c.id) as i64)).collect();
            return Some((h.sim().now_us(), left));
        }
    }
    None
}

// Version 2 applied drift from time 0: setting the leader 5% fast at 20.1 s moved its clock
// a second ahead at once, and it expired every session within one session check while
// every client's lease had most of a second left. Version 3's clock goes on from where it
// stood: no session expires.
#[test]
fn a_leader_clock_set_fast_mid_run_no_longer_jumps_and_expires_live_sessions() {
    for seed in 1..=4 {
        let (t, left) = first_expiry(&leader_fast_at_20_s(seed, 2), 20_000_000).expect("version 2 expires sessions");
        assert!(t < 20_160_000, "seed {seed}: at {t}");
        assert!(left.len() == 3 && left.iter().all(|(_, l)| *l > 500_000), "seed {seed}: every client still trusts its lease: {left:?}");
        let s = leader_fast_at_20_s(seed, 3);
        assert_eq!(first_expiry(&s, 20_000_000), None, "seed {seed}");
        let h = run(&s);
        assert!(h.sim().violations().is_empty(), "seed {seed}: {:?}", h.sim().violations());
        assert!(h.sim().exceeded().is_empty(), "5% is within the bound");
    }
    // The clock itself: continuous at the change, 5% fast after it.
    let s = leader_fast_at_20_s(1, 3);
    let leader = match s.faults[0].fault {
        Fault::ClockDrift { node, .. } => node,
        _ => unreachable!(),
    };
    let reading = |t| run(&Scenario { playhead_us: t, ..s.clone() }).sim().local_now_us(leader);
    assert_eq!((reading(20_100_000), reading(21_100_000)), (20_100_000, 21_150_000));
}

/// A client in the middle of a 3 s critical section has its clock set 10% slow at 20 s
/// (version 2: two seconds back) and is cut off from the servers (not the storage).
fn holder_slow_at_20_s(version: u32) -> Scenario {
    let mut s = Scenario::current("lock", 7, 2);
    s.version = version;
    s.config = json!({"fencing": false, "cs_work_us_min": 3_000_000, "cs_work_us_max": 3_000_000});
    s.faults = vec![at(20_000_000, Fault::ClockDrift { node: 3, drift_ppm: -100_000 })];
    for server in 0..3 {
        s.faults.push(at(20_000_000, Fault::Cut { a: 3, b: server }));
        s.faults.push(at(24_000_000, Fault::Heal { a: 3, b: server }));
    }
    s.playhead_us = 26_000_000;
    s
}

// Version 2: n3's clock jumped two seconds back, its lease seemed two seconds longer, and its
// `end` write landed after the next holder's `begin`. Version 3: within the drift bound, its
// lease runs out first and nothing is violated.
#[test]
fn a_holders_clock_set_slow_mid_run_no_longer_outlives_its_session() {
    let before = run(&Scenario { playhead_us: 20_000_000, ..holder_slow_at_20_s(3) });
    assert_eq!(before.sim().node(3).and_then(LockNode::as_client).map(|c| c.phase.clone()), Some(Phase::Holding), "n3 holds at 20 s");
    let v2 = run(&holder_slow_at_20_s(2));
    assert_eq!(violated(&v2), vec!["No Interleaving"]);
    assert!(v2.sim().violations()[0].explanation.contains("n3's end write"), "{}", v2.sim().violations()[0].explanation);
    let v3 = run(&holder_slow_at_20_s(3));
    assert!(v3.sim().violations().is_empty(), "{:?}", v3.sim().violations());
    assert!(notes_after(&v3, 20_000_000, "in jeopardy").any(|(_, n)| n == Some(3)), "n3 noticed its lease ran out");
}

// ---- cause 2: the client's lease had no margin for drift ------------------------------------

/// Every server's clock 10% fast and client n3's 10% slow (both at the bound); at 2 s, while
/// n3 holds the lock in a 3 s critical section, it is cut off from the servers for 4 s.
fn clocks_at_the_bound(fencing: bool) -> Scenario {
    let mut s = Scenario::current("lock", 7, 1);
    s.config = json!({"fencing": fencing, "cs_work_us_min": 3_000_000, "cs_work_us_max": 3_000_000});
    s.faults = vec![at(0, Fault::ClockDrift { node: 3, drift_ppm: -100_000 })];
    for server in 0..3 {
        s.faults.push(at(0, Fault::ClockDrift { node: server, drift_ppm: 100_000 }));
        s.faults.push(at(2_000_000, Fault::Cut { a: 3, b: server }));
        s.faults.push(at(6_000_000, Fault::Heal { a: 3, b: server }));
    }
    s.playhead_us = 8_000_000;
    s
}

// Chubby §2.8: with the margin T·(1−ρ)/(1+ρ), n3's lease (818 ms of its slow clock after its
// last answered KeepAlive) runs out before the fast leader's deadline passes; without it
// (`no_drift_margin`) n3 still trusts its lease when the leader expires its session, and
// the next holder takes the lock while n3 holds it by lease, with fencing on or off.
#[test]
fn the_client_lease_keeps_a_margin_for_drift() {
    for fencing in [false, true] {
        let s = clocks_at_the_bound(fencing);
        let before = run(&Scenario { playhead_us: 2_000_000, ..s.clone() });
        assert_eq!(before.sim().node(3).and_then(LockNode::as_client).map(|c| c.phase.clone()), Some(Phase::Holding), "n3 holds at 2 s");
        let good = run(&s);
        assert!(good.sim().violations().is_empty(), "fencing {fencing}: {:?}", good.sim().violations());
        assert!(good.sim().exceeded().is_empty(), "10% is the bound itself");
        let jeopardy = notes_after(&good, 2_000_000, "in jeopardy").find(|(_, n)| *n == Some(3)).expect("n3 in jeopardy").0;
        let expiry = notes_after(&good, 2_000_000, "proposing its expiry").next().expect("the leader expires n3's session").0;
        assert!(jeopardy < expiry, "n3 lets go ({jeopardy}) before the leader expires it ({expiry})");
        let bad = run(&with_bug(&s, "no_drift_margin"));
        let props = violated(&bad);
        assert_eq!(props.first(), Some(&"Conservative Lease"), "fencing {fencing}: {props:?}");
        assert!(props.contains(&"Mutual Exclusion by Lease"), "fencing {fencing}: {props:?}");
    }
}

// ---- cause 3: a deposed leader answered KeepAlives ------------------------------------------

/// Seed 2 with a 3 s session timeout: n0 leads. At `PARTITION_US` (140 ms after one of its
/// CheckQuorum checks, so the next check still counts the followers it heard from) n0 and
/// every client are cut off from the other two servers, and n0 is paused 1 ms later for
/// 2 s. The other two elect a leader; the clients' KeepAlives queue up at n0.
const PARTITION_US: u64 = 5_165_501;

fn deposed_leader_paused(version: u32) -> Scenario {
    let mut s = Scenario::current("lock", 7, 2);
    s.version = version;
    s.config = json!({"fencing": false, "session_timeout_us": 3_000_000});
    let p = PARTITION_US;
    s.faults = vec![
        at(p, Fault::Partition { groups: vec![vec![0, 3, 4, 5, 6]] }),
        at(p + 1_000, Fault::Pause { node: 0 }),
        at(p + 2_000_000, Fault::Resume { node: 0 }),
        at(p + 4_000_000, Fault::HealAll),
    ];
    s.playhead_us = p + 8_000_000;
    s
}

/// KeepAlives n0 answered "alive" from its resume on.
fn answered_after_resume(s: &Scenario) -> u64 {
    let answered = |t| run(&Scenario { playhead_us: t, ..s.clone() }).sim().node(0).and_then(LockNode::as_server).unwrap().keepalives_answered;
    answered(s.playhead_us) - answered(PARTITION_US + 2_000_000 - 1)
}

// Version 2 (and `no_leader_lease`): n0 wakes still believing it leads and answers the
// queued KeepAlives, renewing leases its successor knows nothing of; the successor expires
// those sessions while their clients trust the renewed leases. Version 3: n0's leader lease
// ran out during the pause, it answers none of them, and nothing is violated.
#[test]
fn a_deposed_leader_answers_no_keepalive_queued_during_its_pause() {
    let before = run(&Scenario { playhead_us: PARTITION_US, ..deposed_leader_paused(3) });
    assert_eq!(leader_id(&before), 0);
    let v2 = deposed_leader_paused(2);
    assert!(answered_after_resume(&v2) >= 10, "version 2's deposed leader answers");
    let v3 = deposed_leader_paused(3);
    assert_eq!(answered_after_resume(&v3), 0);
    let h = run(&v3);
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
    let bad = run(&with_bug(&v3, "no_leader_lease"));
    let props = violated(&bad);
    assert!(props.contains(&"Master Lease") && props.contains(&"Conservative Lease"), "{props:?}");
}

// ---- handler tests: the client ---------------------------------------------------------------

fn v3_config(bug: Option<&str>) -> LockConfig {
    LockConfig { bug: bug.map(String::from), ..<LockConfig>::default() }
}

fn effects<T>(node: &mut T, now_us: u64, f: impl FnOnce(&mut T, &mut Out<LockNode>)) -> Vec<E> {
    let mut out = Out::new(now_us);
    f(node, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn lease_timer(us: u64) -> E {
    Effect::SetTimer { timer: LockTimer::Lease, min_us: us, max_us: us }
}

// Chubby §2.8 with the margin of lease.rs: 1 s × 0.9/1.1 = 818,181 µs from the first send.
#[test]
fn a_new_session_leases_from_the_first_send_with_the_drift_margin() {
    for (bug, lease) in [(None, 818_181), (Some("no_drift_margin"), 1_000_000)] {
        let mut c = LockClient::new(3, &v3_config(bug));
        effects(&mut c, 100_000, |c, out| c.boot(0, out));
        let req = c.pending.as_ref().unwrap().req;
        let e = effects(&mut c, 450_000, |c, out| c.on_message(0, LockMsg::Response { req, output: LockOutput::Session { session: 9 } }, out));
        assert_eq!(e[1], lease_timer(100_000 + lease - 450_000), "{bug:?}");
        assert_eq!(c.lease_until_us, 100_000 + lease);
    }
}

/// A v3 client holding the lock with session 7 (lease until 2 s), about to write `end`.
fn v3_holder() -> LockClient {
    let mut c = LockClient::new(3, &v3_config(None));
    c.incarnation = 1;
    c.session = Some(7);
    c.lease_until_us = 2_000_000;
    c.my_node = Some(("/lock/n-0000000005".into(), 40));
    c.phase = Phase::Holding;
    c.step = WriteOp::End;
    c
}

// Chubby §2.8: a failed lease check puts the session in jeopardy for the grace period: no
// write leaves, the lock node is kept, and the grace period is counted from the lease's end.
#[test]
fn a_lapsed_lease_puts_the_session_in_jeopardy_instead_of_dropping_it() {
    let mut c = v3_holder();
    let e = effects(&mut c, 2_000_000, |c, out| c.on_timer(LockTimer::Work, out));
    assert_eq!(e, vec![Effect::CancelTimer { timer: LockTimer::Write }, Effect::CancelTimer { timer: LockTimer::Work }, lease_timer(1_000_000)]);
    assert_eq!((c.phase.clone(), c.session, c.jeopardy_until_us), (Phase::Holding, Some(7), Some(3_000_000)));
}

// A KeepAlive answered in time gives a new lease from its send; the holder leaves jeopardy
// and goes on with the write it was at.
#[test]
fn a_keepalive_answered_in_the_grace_period_ends_jeopardy_and_the_write_goes_on() {
    let mut c = v3_holder();
    effects(&mut c, 2_000_000, |c, out| c.on_timer(LockTimer::Work, out));
    let status = KeepAliveStatus::Alive { watches: vec![] };
    let e = effects(&mut c, 2_200_000, |c, out| c.on_message(0, LockMsg::KeepAliveAck { session: 7, sent_at_us: 2_100_000, status }, out));
    assert_eq!(e, vec![lease_timer(718_181), Effect::SetTimer { timer: LockTimer::Write, min_us: 20_000, max_us: 20_000 }]);
    assert_eq!((c.jeopardy_until_us, c.lease_until_us, c.last_check), (None, 2_918_181, Some((2_200_000, 2_918_181))));
}

// Chubby §2.8: no KeepAlive answered by the end of the grace period: the session is taken as
// expired, the lock as lost.
#[test]
fn the_end_of_the_grace_period_loses_the_lock() {
    let mut c = v3_holder();
    effects(&mut c, 2_000_000, |c, out| c.on_timer(LockTimer::Work, out));
    let e = effects(&mut c, 2_999_999, |c, out| c.on_timer(LockTimer::Lease, out));
    assert_eq!(e, vec![lease_timer(1)], "early (rounding): armed again for the rest");
    effects(&mut c, 3_000_000, |c, out| c.on_timer(LockTimer::Lease, out));
    assert_eq!((c.phase.clone(), c.session, c.jeopardy_until_us), (Phase::LeaseExpired, None, None));
}

// ---- handler tests: the servers --------------------------------------------------------------

/// A one-server group whose tree has client n3's session (id 1), elected at time 0.
fn elected_with_session(bug: Option<&str>, version: u32) -> (LockServer, SessionId) {
    let mut config = LockConfig { servers: 1, ..v3_config(bug) };
    config.set_version(version);
    let mut s = <LockServer>::new(0, &config);
    let create = LockCommand::Client { client: 3, req: 1, op: TreeOp::CreateSession { timeout_us: 1_000_000 } };
    assert_eq!(s.log.sm.apply(&create), LockOutput::Session { session: 1 });
    effects(&mut s, 0, |s, out| s.on_timeout_now(out));
    assert!(s.is_leader() && s.caught_up());
    (s, 1)
}

fn keepalive(s: &mut LockServer, now_us: u64, session: SessionId) -> Vec<E> {
    effects(s, now_us, |s, out| s.on_message(3, LockMsg::KeepAlive { session, sent_at_us: now_us - 10_000 }, out))
}

fn alive(session: SessionId, sent_at_us: u64) -> E {
    Effect::Send { to: 3, msg: LockMsg::KeepAliveAck { session, sent_at_us, status: KeepAliveStatus::Alive { watches: vec![] } } }
}

// Thesis §6.4.1: a leader without a leader lease holds a KeepAlive; its next heartbeat round
// (a one-server group confirms its own) gives it the lease and it answers. Chubby §2.8: the
// deadline the new leader gave the session (a fresh timeout plus the grace period) is not
// shortened by the KeepAlive.
#[test]
fn a_leader_answers_keepalives_only_under_its_lease_and_keeps_the_grace_deadline() {
    let (mut s, sess) = elected_with_session(None, 3);
    assert_eq!(s.deadlines.get(&sess), Some(&1_300_000), "fresh timeout plus 300 ms grace at takeover");
    assert_eq!(keepalive(&mut s, 100_000, sess), vec![], "no lease yet: held");
    assert_eq!(s.held_keepalives.len(), 1);
    let e = effects(&mut s, 110_000, |s, out| s.on_timer(LockTimer::Log(RaftTimer::Heartbeat), out));
    assert!(e.contains(&alive(sess, 90_000)), "{e:?}");
    assert_eq!(s.deadlines.get(&sess), Some(&1_300_000), "1.11 s would shorten the grace deadline");
    effects(&mut s, 1_195_000, |s, out| s.on_timer(LockTimer::Log(RaftTimer::Heartbeat), out));
    assert_eq!(keepalive(&mut s, 1_200_000, sess), vec![alive(sess, 1_190_000)]);
    assert_eq!(s.deadlines.get(&sess), Some(&2_200_000));
}

// The teaching bug, and version 2: answered at once, no lease asked for; version 2 also
// lets the KeepAlive set the deadline (there was no grace at takeover).
#[test]
fn without_a_leader_lease_a_keepalive_is_answered_at_once() {
    let (mut s, sess) = elected_with_session(Some("no_leader_lease"), 3);
    assert_eq!(keepalive(&mut s, 100_000, sess), vec![alive(sess, 90_000)]);
    assert_eq!(s.deadlines.get(&sess), Some(&1_300_000));
    let (mut s, sess) = elected_with_session(None, 2);
    assert_eq!(keepalive(&mut s, 100_000, sess), vec![alive(sess, 90_000)]);
    assert_eq!(s.deadlines.get(&sess), Some(&1_100_000));
}

// ---- Kleppmann under version 3 ---------------------------------------------------------------

// Kleppmann 2016: leases cannot stop a write that a pause holds between its lease check and
// its send. The GC-pause presets' scenario under version 3 (the pause placed, as in the
// presets, 50 ms into the 100 ms between the first holder's lease check and its write) ends
// as it always did: the late write interleaves without fencing and is refused with it, and
// no lease property fires (the paused client's lease ran out by its own clock meanwhile).
#[test]
fn kleppmanns_gc_pause_ends_the_same_under_version_3() {
    for (name, fenced) in [("lock-gc-pause-unfenced", false), ("lock-gc-pause-fenced", true)] {
        let mut s = as_version(&(presets::find(name).unwrap().build)(), 3);
        let quiet = run(&Scenario { faults: vec![], ..s.clone() });
        let (checked_at, holder) = notes_after(&quiet, 0, "holds the lock").next().expect("someone holds the lock");
        let holder = holder.unwrap();
        s.faults = vec![at(checked_at + 50_000, Fault::Pause { node: holder }), at(checked_at + 2_050_000, Fault::Resume { node: holder })];
        let h = run(&s);
        let storage = h.sim().nodes().iter().flatten().find_map(LockNode::as_storage).unwrap();
        if fenced {
            assert!(h.sim().violations().is_empty(), "{name}: {:?}", h.sim().violations());
            assert_eq!(storage.log.iter().filter(|w| !w.accepted).map(|w| w.client).collect::<Vec<_>>(), vec![holder], "{name}");
        } else {
            assert_eq!(violated(&h), vec!["No Interleaving"], "{name}");
            assert!(h.sim().violations()[0].explanation.contains(&format!("n{holder}'s begin write")), "{name}");
        }
    }
}

// ---- the checkers on hand-made states (mutations) ---------------------------------------------

/// One server (n0), two clients (n1, n2) and the storage (n3).
fn small_config(version: u32) -> LockConfig {
    let mut c = LockConfig { servers: 1, clients: 2, ..<LockConfig>::default() };
    c.set_version(version);
    c
}

fn check(checker: &mut LockChecker, nodes: &[Option<LockNode>], node: u32) -> Vec<String> {
    use clusterlab::sim::{CheckCtx, Checker};
    let ctx = CheckCtx { event_index: 1, now_us: 1_000_000, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(node), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out.into_iter().map(|v| v.property).collect()
}

fn checker(version: u32) -> LockChecker {
    <LockChecker as clusterlab::sim::Checker<LockNode>>::new(&small_config(version), 4)
}

/// n0 having applied `cmds` in one event (one batch of committed entries).
fn server_after(version: u32, cmds: &[LockCommand]) -> LockNode {
    let mut s = <LockServer>::new(0, &small_config(version));
    for cmd in cmds {
        s.log.log.push(clusterlab::protocols::raft::Entry { term: 1, cmd: Some(cmd.clone()) });
        s.log.sm.apply(cmd);
    }
    s.log.commit_index = cmds.len() as u64;
    s.log.last_applied = cmds.len() as u64;
    LockNode::Server(s)
}

fn client_op(client: u32, req: u64, op: TreeOp) -> LockCommand {
    LockCommand::Client { client, req, op }
}

// Per applied command (version 3), not per event: in one batch a node sorting before the
// holder's appears and goes again. Version 2's per-event look sees the same holder before
// and after; version 3 sees two holders, and the old holder's token coming back below the
// intermediate one's.
#[test]
fn one_holder_and_token_order_see_a_holder_inside_a_batch() {
    let mut cmds = vec![
        client_op(1, 1, TreeOp::CreateSession { timeout_us: 1_000_000 }),
        client_op(1, 2, TreeOp::Create { session: 1, path: tree::LOCK_PREFIX.into(), ephemeral: true, sequential: true }),
    ];
    let before = [server_after(3, &cmds)];
    cmds.extend([
        client_op(2, 1, TreeOp::CreateSession { timeout_us: 1_000_000 }),
        client_op(2, 2, TreeOp::Create { session: 3, path: "/lock/a".into(), ephemeral: true, sequential: false }),
        client_op(2, 3, TreeOp::Delete { session: 3, path: "/lock/a".into() }),
    ]);
    let after = [server_after(3, &cmds)];
    for (version, want) in [(2, vec![]), (3, vec!["One Holder", "Token Order"])] {
        let mut c = checker(version);
        let nodes = |n: &[LockNode; 1]| vec![Some(n[0].clone()), None, None, None];
        assert_eq!(check(&mut c, &nodes(&before), 0), Vec::<String>::new());
        assert_eq!(check(&mut c, &nodes(&after), 0), want, "version {version}");
    }
}

fn holding(id: u32, token: u64, lease_until_us: u64) -> Option<LockNode> {
    let mut c = LockClient::new(id, &small_config(3));
    (c.session, c.my_node, c.phase, c.lease_until_us) = (Some(u64::from(id)), Some((format!("/lock/n-{token:010}"), token)), Phase::Holding, lease_until_us);
    Some(LockNode::Client(c))
}

// Two clients holding by their leases at once is what the lease exists to prevent; a client
// whose lease has run out by its own clock (here 1 s) no longer holds by it.
#[test]
fn mutual_exclusion_by_lease_counts_only_leases_still_running() {
    let mut c = checker(3);
    let both = [None, holding(1, 4, 1_500_000), holding(2, 7, 1_200_000), None];
    assert_eq!(check(&mut c, &both, 2), vec!["Mutual Exclusion by Lease"]);
    assert_eq!(check(&mut c, &both, 1), Vec::<String>::new(), "the same two grants are reported once");
    let lapsed = [None, holding(1, 4, 1_000_000), holding(2, 9, 1_200_000), None];
    assert_eq!(check(&mut c, &lapsed, 2), Vec::<String>::new());
    assert_eq!(check(&mut checker(2), &both, 2), Vec::<String>::new(), "version 2 does not check leases");
}

// Chubby §2.8: applying the expiry of a session whose client still trusts its lease.
#[test]
fn conservative_lease_fires_when_an_expiry_beats_the_clients_lease() {
    let open = client_op(1, 1, TreeOp::CreateSession { timeout_us: 1_000_000 });
    let expired = [server_after(3, &[open.clone(), LockCommand::ExpireSession { session: 1 }])];
    for (lease_until_us, want) in [(1_100_000, vec!["Conservative Lease"]), (1_000_000, vec![])] {
        let nodes = [Some(expired[0].clone()), holding(1, 4, lease_until_us), None, None];
        assert_eq!(check(&mut checker(3), &nodes, 0), want, "lease until {lease_until_us}");
    }
}

// Chubby §2.9: a server that answers a KeepAlive after a later leader was seen.
#[test]
fn master_lease_fires_for_an_answer_after_a_later_leader() {
    let mut c = checker(3);
    let mut later = <LockServer>::new(0, &small_config(3));
    effects(&mut later, 0, |s, out| s.on_timeout_now(out));
    assert!(later.is_leader());
    let term = clusterlab::sim::ReplicatedLog::term(&later.log);
    assert_eq!(check(&mut c, &[Some(LockNode::Server(later)), None, None, None], 0), Vec::<String>::new());
    let mut old = <LockServer>::new(0, &small_config(3));
    old.log.current_term = term - 1;
    old.keepalives_answered = 1;
    assert_eq!(check(&mut c, &[Some(LockNode::Server(old)), None, None, None], 0), vec!["Master Lease"]);
}
