//! Exact-effect handler tests for the lock service: the replicated tree's apply (ZooKeeper,
//! Hunt et al. 2010, §2.1-2.2), the lock recipe's steps in a client (§2.4), the leader's
//! keep-alive handling (Chubby §2.8), and the storage's fencing check (Kleppmann 2016).
//! One input, the exact list of effects. Clients and the session tracker here run under
//! version 2's frozen semantics (the whole timeout as the lease, no jeopardy, no leader
//! lease); version 3's leases have their handler tests in `tests/suite/lock_leases.rs`.

use clusterlab::protocols::lock::tree::{Notification, WatchEvent, LOCK_DIR, LOCK_PREFIX};
use clusterlab::protocols::lock::*;
use clusterlab::sim::StateMachine;
use clusterlab::protocols::raft::Role;
use clusterlab::sim::{Disk, DurableState, Effect, EffectOf, NodeEnv, Out, Protocol, ProtocolConfig};

type E = EffectOf<LockNode>;

fn cmd(client: u32, req: u64, op: TreeOp) -> LockCommand {
    LockCommand::Client { client, req, op }
}

fn create(session: SessionId) -> TreeOp {
    TreeOp::Create { session, path: LOCK_PREFIX.into(), ephemeral: true, sequential: true }
}

/// A tree with sessions for clients 3 and 4 (ids 1 and 2) and their lock nodes.
fn tree_with_two_nodes() -> LockTree {
    let mut t = LockTree::default();
    assert_eq!(t.apply(&cmd(3, 1, TreeOp::CreateSession { timeout_us: 1_000_000 })), LockOutput::Session { session: 1 });
    assert_eq!(t.apply(&cmd(4, 1, TreeOp::CreateSession { timeout_us: 1_000_000 })), LockOutput::Session { session: 2 });
    assert_eq!(t.apply(&cmd(3, 2, create(1))), LockOutput::Created { path: "/lock/n-0000000000".into(), zxid: 3 });
    assert_eq!(t.apply(&cmd(4, 2, create(2))), LockOutput::Created { path: "/lock/n-0000000001".into(), zxid: 4 });
    t
}

// ZooKeeper §2.1: sequential nodes get the parent's counter; the creation zxid is the token.
#[test]
fn sequential_nodes_are_numbered_by_a_counter_that_never_goes_back() {
    let mut t = tree_with_two_nodes();
    assert_eq!(t.apply(&cmd(3, 3, TreeOp::Delete { session: 1, path: "/lock/n-0000000000".into() })), LockOutput::Deleted);
    assert_eq!(t.apply(&cmd(3, 4, create(1))), LockOutput::Created { path: "/lock/n-0000000002".into(), zxid: 6 });
    assert_eq!(t.children(LOCK_DIR), vec!["/lock/n-0000000001".to_string(), "/lock/n-0000000002".into()]);
}

// The teaching bug: numbering by the child count lets a newcomer sort before the holder.
#[test]
fn child_count_numbering_lets_a_newcomer_sort_first() {
    let mut t = tree_with_two_nodes();
    t.bug_child_count_sequence = true;
    t.apply(&cmd(3, 3, TreeOp::Delete { session: 1, path: "/lock/n-0000000000".into() }));
    let out = t.apply(&cmd(3, 4, create(1)));
    assert_eq!(out, LockOutput::Error(TreeError::NodeExists), "n-1 again: the name is taken");
    t.apply(&cmd(5, 1, TreeOp::CreateSession { timeout_us: 1_000_000 }));
    let out = t.apply(&cmd(5, 2, TreeOp::Create { session: 7, path: "/lock/x-".into(), ephemeral: true, sequential: true }));
    assert_eq!(out, LockOutput::Created { path: "/lock/x-0000000001".into(), zxid: 8 });
}

// ZooKeeper §2.1: a data watch fires once, on deletion, to the watching client.
#[test]
fn a_delete_watch_fires_once() {
    let mut t = tree_with_two_nodes();
    let watch = TreeOp::Exists { session: 2, path: "/lock/n-0000000000".into(), watch: true };
    assert_eq!(t.apply(&cmd(4, 3, watch)), LockOutput::Exists { exists: true });
    assert_eq!(t.watches_of(2), vec!["/lock/n-0000000000".to_string()]);
    t.apply(&cmd(3, 3, TreeOp::Delete { session: 1, path: "/lock/n-0000000000".into() }));
    let fired = vec![Notification { client: 4, session: 2, path: "/lock/n-0000000000".into(), event: WatchEvent::NodeDeleted }];
    assert_eq!(t.take_fired(), fired);
    assert!(t.watches_of(2).is_empty(), "one-shot");
    assert_eq!(t.notifications_total, 1);
}

// ZooKeeper §2.1: a session's end deletes its ephemeral nodes (firing watches) and drops
// its own watches; later commands of the session fail.
#[test]
fn expiring_a_session_deletes_its_ephemeral_nodes() {
    let mut t = tree_with_two_nodes();
    t.apply(&cmd(4, 3, TreeOp::Exists { session: 2, path: "/lock/n-0000000000".into(), watch: true }));
    assert_eq!(t.apply(&LockCommand::ExpireSession { session: 1 }), LockOutput::Expired);
    assert_eq!(t.children(LOCK_DIR), vec!["/lock/n-0000000001".to_string()]);
    assert_eq!(t.take_fired().len(), 1);
    assert_eq!(t.apply(&cmd(3, 3, create(1))), LockOutput::Error(TreeError::SessionExpired));
    assert_eq!(t.apply(&LockCommand::ExpireSession { session: 1 }), LockOutput::Error(TreeError::SessionExpired));
}

// Raft dissertation §6.3: a retried command is answered from the client's last reply, not
// run twice; an older request id is stale.
#[test]
fn a_retried_create_is_answered_not_run_twice() {
    let mut t = tree_with_two_nodes();
    let again = t.apply(&cmd(4, 2, create(2)));
    assert_eq!(again, LockOutput::Created { path: "/lock/n-0000000001".into(), zxid: 4 });
    assert_eq!(t.children(LOCK_DIR).len(), 2);
    assert_eq!(t.apply(&cmd(4, 1, TreeOp::CreateSession { timeout_us: 5 })), LockOutput::Error(TreeError::Stale));
}

// ---- clients ------------------------------------------------------------------------------

/// A configuration under version 2's semantics.
fn v2(mut config: LockConfig) -> LockConfig {
    config.set_version(2);
    config
}

fn client() -> LockClient {
    LockClient::new(3, &v2(<LockConfig>::default()))
}

fn run(c: &mut LockClient, now_us: u64, f: impl FnOnce(&mut LockClient, &mut Out<LockNode>)) -> Vec<E> {
    let mut out = Out::new(now_us);
    f(c, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn retry() -> E {
    Effect::SetTimer { timer: LockTimer::Retry, min_us: 150_000, max_us: 250_000 }
}

/// A client with session 7 and lock node n-5 (token 40), whose request was just answered.
fn client_with_node() -> LockClient {
    let mut c = client();
    c.incarnation = 1;
    c.session = Some(7);
    c.lease_until_us = 2_000_000;
    c.my_node = Some(("/lock/n-0000000005".into(), 40));
    c
}

#[test]
fn a_client_boots_by_opening_a_session_at_its_guess() {
    let mut c = client();
    let effects = run(&mut c, 0, |c, out| c.boot(0, out));
    let req = 1 << 32 | 1;
    assert_eq!(
        effects,
        vec![
            Effect::Write(LockWrite::Incarnation(1)),
            Effect::Sync,
            Effect::SetTimer { timer: LockTimer::KeepAlive, min_us: 200_000, max_us: 200_000 },
            Effect::Send { to: 0, msg: LockMsg::Request { req, op: TreeOp::CreateSession { timeout_us: 1_000_000 } } },
            retry(),
        ]
    );
    assert_eq!(c.phase, Phase::NoSession);
}

// Chubby §2.8: the lease counts from the FIRST send of the request that opened the session.
#[test]
fn a_new_session_leases_from_the_first_send_and_creates_a_lock_node() {
    let mut c = client();
    run(&mut c, 100_000, |c, out| c.boot(0, out));
    let req = c.pending.as_ref().unwrap().req;
    let effects = run(&mut c, 450_000, |c, out| c.on_message(0, LockMsg::Response { req, output: LockOutput::Session { session: 9 } }, out));
    assert_eq!(
        effects,
        vec![
            Effect::CancelTimer { timer: LockTimer::Retry },
            Effect::SetTimer { timer: LockTimer::Lease, min_us: 650_000, max_us: 650_000 },
            Effect::Send { to: 0, msg: LockMsg::Request { req: req + 1, op: create(9) } },
            retry(),
        ]
    );
    assert_eq!((c.session, c.lease_until_us, c.phase.clone()), (Some(9), 1_100_000, Phase::Creating));
}

// ZooKeeper §2.4, steps 2-3: not the lowest → watch only the predecessor.
#[test]
fn a_waiter_watches_only_its_predecessor() {
    let mut c = client_with_node();
    c.pending = Some(Pending { req: 5, op: TreeOp::GetChildren { session: 7, path: LOCK_DIR.into(), watch: false }, first_sent_us: 0, redirected: false, sent_to: 0 });
    let paths = ["/lock/n-0000000002", "/lock/n-0000000004", "/lock/n-0000000005", "/lock/n-0000000009"].map(String::from).to_vec();
    let effects = run(&mut c, 1_000_000, |c, out| c.on_message(0, LockMsg::Response { req: 5, output: LockOutput::Children { paths } }, out));
    let watch = TreeOp::Exists { session: 7, path: "/lock/n-0000000004".into(), watch: true };
    assert_eq!(
        effects,
        vec![Effect::CancelTimer { timer: LockTimer::Retry }, Effect::Send { to: 0, msg: LockMsg::Request { req: 1 << 32 | 1, op: watch } }, retry()]
    );
    assert_eq!(c.phase, Phase::Waiting { pred: "/lock/n-0000000004".into() });
}

// ZooKeeper §2.4: the lowest node holds the lock; the critical section starts with a lease
// check and the `begin` write leaves `write_prep_us` later with the fencing token.
#[test]
fn the_lowest_node_holds_and_writes_with_its_token() {
    let mut c = client_with_node();
    c.pending = Some(Pending { req: 5, op: TreeOp::GetChildren { session: 7, path: LOCK_DIR.into(), watch: false }, first_sent_us: 0, redirected: false, sent_to: 0 });
    let paths = vec!["/lock/n-0000000005".to_string(), "/lock/n-0000000009".into()];
    let effects = run(&mut c, 1_000_000, |c, out| c.on_message(0, LockMsg::Response { req: 5, output: LockOutput::Children { paths } }, out));
    assert_eq!(effects, vec![Effect::CancelTimer { timer: LockTimer::Retry }, Effect::SetTimer { timer: LockTimer::Write, min_us: 20_000, max_us: 20_000 }]);
    assert_eq!((c.phase.clone(), c.last_check), (Phase::Holding, Some((1_000_000, 2_000_000))));
    let effects = run(&mut c, 1_020_000, |c, out| c.on_timer(LockTimer::Write, out));
    assert_eq!(
        effects,
        vec![
            Effect::Send { to: 6, msg: LockMsg::Write { token: 40, seq: 1, op: WriteOp::Begin } },
            Effect::SetTimer { timer: LockTimer::Work, min_us: 150_000, max_us: 250_000 },
        ]
    );
}

// Chubby §2.8: when its own lease has run out the client writes nothing and gives up
// (version 3: the session goes into jeopardy first).
#[test]
fn an_expired_lease_stops_the_end_write() {
    let mut c = client_with_node();
    c.phase = Phase::Holding;
    c.step = WriteOp::End;
    let effects = run(&mut c, 2_000_000, |c, out| c.on_timer(LockTimer::Work, out));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Send { msg: LockMsg::Write { .. }, .. } | Effect::SetTimer { timer: LockTimer::Write, .. })), "{effects:?}");
    assert_eq!((c.phase.clone(), c.session), (Phase::LeaseExpired, None));
}

// The teaching bug `client_ignores_lease`: the same check, ignored.
#[test]
fn the_lease_ignoring_client_writes_anyway() {
    let config = v2(LockConfig { bug: Some("client_ignores_lease".into()), ..<LockConfig>::default() });
    let mut c = LockClient::new(3, &config);
    c.session = Some(7);
    c.lease_until_us = 2_000_000;
    c.my_node = Some(("/lock/n-0000000005".into(), 40));
    c.phase = Phase::Holding;
    c.step = WriteOp::End;
    let effects = run(&mut c, 2_500_000, |c, out| c.on_timer(LockTimer::Work, out));
    assert_eq!(effects, vec![Effect::SetTimer { timer: LockTimer::Write, min_us: 20_000, max_us: 20_000 }]);
    assert_eq!(c.last_check, Some((2_500_000, 2_000_000)));
}

// Chubby §2.8: a keep-alive answer extends the lease from when it was SENT.
#[test]
fn a_keepalive_ack_extends_the_lease_from_its_send() {
    let mut c = client_with_node();
    let status = KeepAliveStatus::Alive { watches: vec![] };
    let effects = run(&mut c, 1_500_000, |c, out| c.on_message(0, LockMsg::KeepAliveAck { session: 7, sent_at_us: 1_400_000, status }, out));
    assert_eq!(effects, vec![Effect::SetTimer { timer: LockTimer::Lease, min_us: 900_000, max_us: 900_000 }]);
    assert_eq!(c.lease_until_us, 2_400_000);
}

// ---- the leader's session tracker ----------------------------------------------------------

fn leader_with_session() -> LockServer {
    let mut s = <LockServer>::new(0, &v2(LockConfig { servers: 1, ..<LockConfig>::default() }));
    let mut out = Out::new(0);
    s.on_timeout_now(&mut out);
    assert_eq!(s.log.role, Role::Leader);
    s.log.sm.apply(&cmd(3, 1, TreeOp::CreateSession { timeout_us: 1_000_000 }));
    s
}

#[test]
fn the_leader_answers_a_keepalive_with_the_sessions_watches() {
    let mut s = leader_with_session();
    let sess = s.log.sm.zxid;
    let mut out = Out::new(500_000);
    s.on_message(3, LockMsg::KeepAlive { session: sess, sent_at_us: 490_000 }, &mut out);
    let ack = LockMsg::KeepAliveAck { session: sess, sent_at_us: 490_000, status: KeepAliveStatus::Alive { watches: vec![] } };
    assert_eq!(out.take_effects(), vec![Effect::Send { to: 3, msg: ack }]);
    assert_eq!(s.deadlines.get(&sess), Some(&1_500_000));
}

#[test]
fn a_follower_points_a_keepalive_at_the_leader() {
    let mut s = <LockServer>::new(1, &<LockConfig>::default());
    s.log.leader_id = Some(2);
    let mut out = Out::new(0);
    s.on_message(3, LockMsg::KeepAlive { session: 4, sent_at_us: 0 }, &mut out);
    let ack = LockMsg::KeepAliveAck { session: 4, sent_at_us: 0, status: KeepAliveStatus::NotLeader { hint: Some(2) } };
    assert_eq!(out.take_effects(), vec![Effect::Send { to: 3, msg: ack }]);
}

// ZooKeeper's session tracker: past its deadline, the leader proposes ExpireSession.
#[test]
fn the_leader_proposes_the_expiry_of_a_silent_session() {
    let mut s = leader_with_session();
    let sess = s.log.sm.zxid;
    s.deadlines.insert(sess, 1_000_000);
    let mut out = Out::new(1_000_000);
    s.on_timer(LockTimer::SessionCheck, &mut out);
    let last = s.log.log.last().unwrap();
    assert_eq!(last.cmd, Some(LockCommand::ExpireSession { session: sess }));
    assert!(s.expiring.contains(&sess));
    // A session whose expiry is in the log gets no more keep-alives.
    let mut out = Out::new(1_010_000);
    s.on_message(3, LockMsg::KeepAlive { session: sess, sent_at_us: 1_000_000 }, &mut out);
    let ack = LockMsg::KeepAliveAck { session: sess, sent_at_us: 1_000_000, status: KeepAliveStatus::Expired };
    assert_eq!(out.take_effects(), vec![Effect::Send { to: 3, msg: ack }]);
}

// Chubby §2.9: a new leader gives every session a fresh timeout plus the grace period.
#[test]
fn a_new_leader_gives_every_session_a_fresh_timeout_and_grace() {
    let mut s = leader_with_session();
    let sess = s.log.sm.zxid;
    let mut out = Out::new(5_000_000);
    s.on_timer(LockTimer::SessionCheck, &mut out);
    assert_eq!(s.deadlines.get(&sess), Some(&(5_000_000 + 1_000_000 + 300_000)));
    assert!(s.expiring.is_empty());
}

// ---- storage ------------------------------------------------------------------------------

fn storage(fencing: bool) -> LockNode {
    LockNode::new(NodeEnv { id: 6, n: 7 }, &LockConfig { fencing, ..<LockConfig>::default() })
}

fn write(st: &mut LockNode, from: u32, token: u64) -> Vec<E> {
    let mut out = Out::new(0);
    st.on_message(from, LockMsg::Write { token, seq: 1, op: WriteOp::Begin }, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn record(no: u64, client: u32, token: u64, accepted: bool) -> E {
    Effect::Write(LockWrite::Storage(WriteRecord { no, client, token, seq: 1, op: WriteOp::Begin, accepted }))
}

// Kleppmann 2016: with fencing the storage rejects a token lower than one it accepted. Each
// write it receives is on stable storage before the writer is answered.
#[test]
fn fenced_storage_rejects_an_older_token_and_says_so() {
    let mut st = storage(true);
    let first = write(&mut st, 4, 34);
    assert_eq!(first, vec![record(1, 4, 34, true), Effect::Sync, Effect::Send { to: 4, msg: LockMsg::WriteAck { token: 34, seq: 1, accepted: true } }]);
    let second = write(&mut st, 3, 33);
    assert_eq!(second, vec![record(2, 3, 33, false), Effect::Sync, Effect::Send { to: 3, msg: LockMsg::WriteAck { token: 33, seq: 1, accepted: false } }]);
    let s = st.as_storage().unwrap();
    assert_eq!((s.max_token, s.writes, s.rejected), (34, 2, 1));
    // The disk those writes built restores the same fencing state.
    let mut disk = Disk::<LockDurable>::new();
    for effect in first.into_iter().chain(second) {
        match effect {
            Effect::Write(w) => disk.write(w),
            Effect::Sync => disk.sync(),
            _ => {}
        }
    }
    let mut restarted = storage(true);
    restarted.on_recover(disk.recovery_image().expect("synced"), &mut Out::new(0));
    assert_eq!(restarted.as_storage(), st.as_storage());
}

// A lock-service disk takes the kind of its node's first write.
#[test]
fn lock_durable_state_takes_its_node_kind_from_the_first_write() {
    let mut d = <LockDurable>::default();
    d.apply(LockWrite::Incarnation(3));
    assert_eq!(d, LockDurable::Client { incarnation: 3 });
}

#[test]
fn unfenced_storage_accepts_anything() {
    let mut st = storage(false);
    write(&mut st, 4, 34);
    assert_eq!(write(&mut st, 3, 33), vec![record(2, 3, 33, true), Effect::Sync, Effect::Send { to: 3, msg: LockMsg::WriteAck { token: 33, seq: 1, accepted: true } }]);
}

#[test]
fn node_count_must_match_the_layout() {
    let err = <LockConfig>::default().validate(6).unwrap_err();
    assert!(err.contains("need 7 nodes") && err.contains("has 6"), "{err}");
    assert!(<LockConfig>::default().validate(7).is_ok());
}
