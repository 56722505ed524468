//! Zab: exact-effect handler tests for every message and timer, the presets' captions
//! checked through the simulator with their traces pinned, and the default sweep. Sources:
//! Junqueira, Reed, Serafini, "Zab: High-performance broadcast for primary-backup systems"
//! (DSN 2011), §III (the properties the checkers hold the runs to) and §IV (the phases:
//! election, discovery, synchronization, broadcast); ZooKeeper's Zab 1.0 as its servers run
//! it: Fast Leader Election, FOLLOWERINFO/LEADERINFO/ACKEPOCH (the paper's CEPOCH, NEWEPOCH,
//! ACK-E), DIFF/TRUNC/SNAP, NEWLEADER/ACK/UPTODATE (NEWLEADER, ACK-LD, COMMIT-LD) and
//! PROPOSAL/ACK/COMMIT, with the ZooKeeper issues the planted bugs come from
//! (ZOOKEEPER-3911, ZOOKEEPER-4643, ZOOKEEPER-3642).

use clusterlab::protocols::raft::kv::{KvCommand, KvOutput};
use clusterlab::protocols::zab::follower::FollowerState;
use clusterlab::protocols::zab::leader::LeaderState;
use clusterlab::protocols::zab::*;
use clusterlab::scenario::presets::Preset;
use clusterlab::scenario::registry::{build_typed, row};
use clusterlab::scenario::Scenario;
use clusterlab::sim::{hash_hex, Effect, EffectOf, History, NodeEnv, Out, Outcome, Protocol, TraceKind};
use std::rc::Rc;
use Effect::Write;
use ZabWrite::{AcceptedEpoch, Append, CurrentEpoch, Snapshot, TruncateFrom};

type E = EffectOf<Zab>;
type M = ZabMsg;
type T = ZabTimer;

/// The time every handler runs at, and the session n0 opened with its leader n2 as the
/// leader-side tests (S0) and the follower-side tests (FS) name it.
const NOW: u64 = 100_000;
const S0: u64 = 1_000;
const FS: u64 = 5_000;

fn config(bug: Option<&str>) -> ZabConfig {
    ZabConfig { bug: bug.map(String::from), ..ZabConfig::default() }
}

fn node(id: u32, config: &ZabConfig) -> Zab {
    Zab::new(NodeEnv { id, n: 3 }, config)
}

fn run(z: &mut Zab, f: impl FnOnce(&mut Zab, &mut Out<Zab>)) -> Vec<E> {
    let mut out = Out::new(NOW);
    f(z, &mut out);
    out.take_effects()
}

fn msg(z: &mut Zab, from: u32, m: M) -> Vec<E> {
    run(z, |z, out| z.on_message(from, m, out))
}

fn fire(z: &mut Zab, t: T) -> Vec<E> {
    run(z, |z, out| z.on_timer(t, out))
}

fn request(z: &mut Zab, request_id: u64, cmd: KvCommand) -> Vec<E> {
    run(z, |z, out| z.on_request(request_id, ZabRequest::new(cmd), out))
}

fn send(to: u32, msg: M) -> E {
    Effect::Send { to, msg }
}

fn timer(t: T, us: u64) -> E {
    Effect::SetTimer { timer: t, min_us: us, max_us: us }
}

fn flush() -> E {
    timer(T::Flush, 2_000)
}

fn cancel(t: T) -> E {
    Effect::CancelTimer { timer: t }
}

fn note(text: &str) -> E {
    Effect::Note(text.into())
}

fn done(request_id: u64, value: Option<&str>, zxid: Zxid) -> E {
    Effect::Reply { request_id, reply: node::done(KvOutput::Value(value.map(String::from)), zxid) }
}

fn stream(session: u64, seq: u64, m: M) -> M {
    M::Stream { session, seq, msg: Box::new(m) }
}

/// A follower's message to its leader n2, number `seq` of its session FS (version 4: both
/// directions of the connection are numbered).
fn up(seq: u64, m: M) -> E {
    send(2, stream(FS, seq, m))
}

fn zx(epoch: u64, counter: u64) -> Zxid {
    Zxid::new(epoch, counter)
}

fn put(key: &str, value: &str) -> KvCommand {
    KvCommand::Put { key: key.into(), value: value.into() }
}

fn txn(epoch: u64, counter: u64) -> Txn {
    Txn { zxid: zx(epoch, counter), cmd: put(&format!("k{epoch}.{counter}"), "v"), origin: None }
}

fn vote(leader: u32) -> Vote {
    Vote { leader, zxid: Zxid::ZERO, epoch: 0 }
}

fn looking(v: Vote, round: u64) -> M {
    M::Notification { vote: v, election_epoch: round, state: ServerState::Looking }
}

fn info(accepted_epoch: u64, last_zxid: Zxid, session: u64) -> M {
    M::FollowerInfo { accepted_epoch, last_zxid, session }
}

/// A server of three that started: round 1, voting for itself.
fn started(id: u32) -> Zab {
    let mut z = node(id, &config(None));
    run(&mut z, |z, out| z.on_start(out));
    z
}

// Fast Leader Election (the paper's phase 0, §IV): a server starts LOOKING, votes for itself
// (its id, last zxid and currentEpoch) in round 1 and tells every peer; the tick runs always.
#[test]
fn a_starting_server_votes_for_itself_and_tells_every_peer() {
    let mut z = node(0, &config(None));
    let e = run(&mut z, |z, out| z.on_start(out));
    let own = looking(vote(0), 1);
    assert_eq!(e, vec![timer(T::Tick, 50_000), send(1, own.clone()), send(2, own), cancel(T::Finalize), timer(T::Notify, 100_000)]);
    assert_eq!((z.phase(), z.election.round), (Phase::Election, 1));
}

// FLE's total order (FastLeaderElection.totalOrderPredicate): epoch, then zxid, then id.
#[test]
fn votes_are_ordered_by_epoch_then_zxid_then_id() {
    let v = |leader, zxid, epoch| Vote { leader, zxid, epoch };
    assert!(v(0, zx(1, 1), 2).beats(&v(2, zx(5, 9), 1)), "epoch first");
    assert!(v(0, zx(1, 2), 1).beats(&v(2, zx(1, 1), 1)), "then zxid");
    assert!(v(2, zx(1, 1), 1).beats(&v(1, zx(1, 1), 1)), "then id");
    assert!(!v(1, zx(1, 1), 1).beats(&v(1, zx(1, 1), 1)), "never itself");
}

// FLE: a better vote in the round is adopted and broadcast, and once a quorum (n0 and n1)
// holds the same vote finalizeWait starts; a worse vote is only recorded.
#[test]
fn a_looking_server_adopts_a_better_vote_and_ignores_a_worse_one() {
    let mut z = started(0);
    let e = msg(&mut z, 1, looking(vote(1), 1));
    assert_eq!(e, vec![send(1, looking(vote(1), 1)), send(2, looking(vote(1), 1)), timer(T::Finalize, 20_000)]);
    assert_eq!(z.election.vote, vote(1));
    let mut z = started(2);
    assert_eq!(msg(&mut z, 0, looking(vote(0), 1)), vec![]);
    assert_eq!((z.election.vote, z.election.received.get(&0)), (vote(2), Some(&vote(0))));
}

// FLE's logical clock: a notification from an older round is answered with the server's own
// vote; one from a newer round moves the server into that round with the better vote.
#[test]
fn an_older_round_is_answered_and_a_newer_one_joined() {
    let mut z = started(0);
    z.election.round = 3;
    assert_eq!(msg(&mut z, 1, looking(vote(1), 1)), vec![send(1, looking(vote(0), 3))]);
    let e = msg(&mut z, 2, looking(vote(2), 5));
    assert_eq!(e, vec![send(1, looking(vote(2), 5)), send(2, looking(vote(2), 5)), timer(T::Finalize, 20_000)]);
    assert_eq!((z.election.round, z.election.vote), (5, vote(2)));
}

// FLE: finalizeWait passes with the quorum still agreeing: a follower opens its session with
// FOLLOWERINFO (CEPOCH: acceptedEpoch, last zxid); the winner leads, in discovery.
#[test]
fn finalize_makes_a_follower_send_followerinfo_and_the_winner_lead() {
    let mut f = started(0);
    msg(&mut f, 1, looking(vote(1), 1));
    let e = fire(&mut f, T::Finalize);
    assert_eq!(e, vec![cancel(T::Notify), cancel(T::Finalize), send(1, info(0, Zxid::ZERO, NOW))]);
    assert!(matches!(&f.role, Role::Following(s) if s.leader == 1 && s.phase == Phase::Discovery && s.session == NOW));
    let mut l = started(1);
    assert_eq!(msg(&mut l, 0, looking(vote(1), 1)), vec![timer(T::Finalize, 20_000)]);
    assert_eq!(fire(&mut l, T::Finalize), vec![cancel(T::Notify), cancel(T::Finalize), note("n1 elected: LEADING")]);
    assert!(matches!(&l.role, Role::Leading(s) if s.phase == Phase::Discovery && s.epoch == 0));
}

// FLE: a server that has concluded answers a LOOKING one with its vote and state, and
// nobody else; a latecomer joins the leader once a quorum outside the election backs it and
// the leader itself says it leads (ZooKeeper's outofelection and checkLeader).
#[test]
fn a_non_looking_server_answers_with_its_state_and_a_latecomer_joins() {
    let mut l = started(1);
    msg(&mut l, 0, looking(vote(1), 1));
    fire(&mut l, T::Finalize);
    let leading = M::Notification { vote: vote(1), election_epoch: 1, state: ServerState::Leading };
    assert_eq!(msg(&mut l, 2, looking(vote(2), 1)), vec![send(2, leading.clone())]);
    let following = M::Notification { vote: vote(1), election_epoch: 1, state: ServerState::Following };
    assert_eq!(msg(&mut l, 0, following.clone()), vec![], "nobody to answer");
    let mut late = started(2);
    assert_eq!(msg(&mut late, 0, following.clone()), vec![], "a follower alone is no quorum, and no leader said it leads");
    let e = msg(&mut late, 1, leading);
    assert_eq!(e, vec![cancel(T::Notify), cancel(T::Finalize), send(1, info(0, Zxid::ZERO, NOW))]);
    assert_eq!(late.leader(), Some(1));
}

/// n2 (of three) elected leader, in discovery.
fn leader(config: &ZabConfig) -> Zab {
    let mut l = node(2, config);
    l.role = Role::Leading(LeaderState::default());
    l
}

// Discovery (§IV-A, Zab 1.0): n0's FOLLOWERINFO and the leader's own make a quorum: the new
// epoch is one above every acceptedEpoch, made the leader's acceptedEpoch on disk before
// LEADERINFO (NEWEPOCH) goes out, #0 of n0's session. A later follower gets it at once; a
// FOLLOWERINFO said again in its session is ignored.
#[test]
fn a_quorum_of_followerinfo_fixes_the_new_epoch() {
    let mut l = leader(&config(None));
    let e = msg(&mut l, 0, info(4, Zxid::ZERO, S0));
    assert_eq!(e, vec![Write(AcceptedEpoch(5)), Effect::Sync, send(0, stream(S0, 0, M::LeaderInfo { epoch: 5 }))]);
    assert!(l.accepted_epoch == 5 && matches!(&l.role, Role::Leading(s) if s.epoch == 5));
    assert_eq!(msg(&mut l, 1, info(0, Zxid::ZERO, 7)), vec![send(1, stream(7, 0, M::LeaderInfo { epoch: 5 }))]);
    assert_eq!(msg(&mut l, 1, info(0, Zxid::ZERO, 7)), vec![]);
}

/// n0 following n2 in discovery (session FS), holding `history` under epoch 1.
fn follower(config: &ZabConfig, history: Vec<Txn>) -> Zab {
    let mut f = node(0, config);
    (f.accepted_epoch, f.current_epoch, f.history) = (1, 1, history);
    f.role = Role::Following(FollowerState::new(2, FS));
    f
}

// Discovery, follower side (§IV-A): NEWEPOCH above its acceptedEpoch is on disk before ACK-E,
// which carries its currentEpoch and last zxid.
#[test]
fn a_follower_persists_the_new_epoch_before_ackepoch() {
    let mut f = follower(&config(None), vec![txn(1, 1)]);
    let e = msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    assert_eq!(e, vec![Write(AcceptedEpoch(3)), Effect::Sync, up(0, M::AckEpoch { epoch: 3, current_epoch: 1, last_zxid: zx(1, 1) })]);
    assert_eq!((f.accepted_epoch, f.phase()), (3, Phase::Synchronization));
}

// §IV-A: a follower never accepts an epoch below one it accepted; ZooKeeper's follower
// gives up on the leader and elects again (a new round, its own vote).
#[test]
fn a_leaderinfo_below_the_accepted_epoch_sends_the_follower_back_to_looking() {
    let mut f = follower(&config(None), vec![txn(1, 1)]);
    f.accepted_epoch = 5;
    let e = msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    let own = looking(Vote { leader: 0, zxid: zx(1, 1), epoch: 1 }, 1);
    let why = note("n0 back to LOOKING: LEADERINFO epoch 3 is below acceptedEpoch 5");
    assert_eq!(e, vec![why, send(1, own.clone()), send(2, own), cancel(T::Finalize), timer(T::Notify, 100_000)]);
    assert!(matches!(f.role, Role::Looking));
}

/// Leader n2 (acceptedEpoch and currentEpoch 2) holding `history`, `delivered` of it delivered, after n0's
/// FOLLOWERINFO (epoch 3 proposed): n0's ACKEPOCH and its effects.
fn ack_epoch(config: &ZabConfig, history: Vec<Txn>, delivered: usize, current_epoch: u64, last: Zxid) -> (Zab, Vec<E>) {
    let mut l = leader(config);
    (l.history, l.delivered, l.current_epoch, l.accepted_epoch) = (history, delivered, 2, 2);
    msg(&mut l, 0, info(2, last, S0));
    let e = msg(&mut l, 0, M::AckEpoch { epoch: 3, current_epoch, last_zxid: last });
    (l, e)
}

/// A quorum acknowledged epoch 3: currentEpoch on disk, then n0's packet (#1) and NEWLEADER (#2).
fn synchronizing(packet: M, last_zxid: Zxid) -> Vec<E> {
    let newleader = M::NewLeader { epoch: 3, last_zxid };
    vec![Write(CurrentEpoch(3)), Effect::Sync, note("n2 epoch 3: synchronizing"), send(0, stream(S0, 1, packet)), send(0, stream(S0, 2, newleader))]
}

// Synchronization (§IV-B; LearnerHandler.syncFollower): a follower at or behind the leader's
// last zxid gets a DIFF of what follows its own.
#[test]
fn an_up_to_date_or_lagging_follower_gets_a_diff() {
    let h = vec![txn(1, 1), txn(1, 2)];
    assert_eq!(ack_epoch(&config(None), h.clone(), 2, 1, zx(1, 2)).1, synchronizing(M::Diff { epoch: 3, txns: vec![] }, zx(1, 2)));
    assert_eq!(ack_epoch(&config(None), h, 2, 1, zx(1, 1)).1, synchronizing(M::Diff { epoch: 3, txns: vec![txn(1, 2)] }, zx(1, 2)));
}

// syncFollower: a follower holding (1, 2), which the leader lacks, gets TRUNC back to the
// leader's last zxid before it, then the rest (the planted bug sends a DIFF instead); one
// further behind than the committed log reaches (2 here) gets SNAP: the delivered history
// as a snapshot, then the proposals not yet committed.
#[test]
fn a_diverged_follower_gets_a_trunc_and_a_distant_one_a_snap() {
    let h = vec![txn(1, 1), txn(2, 1)];
    let (_, e) = ack_epoch(&config(None), h.clone(), 2, 1, zx(1, 2));
    assert_eq!(e, synchronizing(M::Trunc { epoch: 3, to: zx(1, 1), txns: vec![txn(2, 1)] }, zx(2, 1)));
    let (_, e) = ack_epoch(&config(Some("diff_not_trunc")), h, 2, 1, zx(1, 2));
    assert_eq!(e, synchronizing(M::Diff { epoch: 3, txns: vec![txn(2, 1)] }, zx(2, 1)));
    let (_, e) = ack_epoch(&ZabConfig { committed_log: 2, ..config(None) }, vec![txn(1, 1), txn(1, 2), txn(1, 3)], 2, 0, Zxid::ZERO);
    assert_eq!(e, synchronizing(M::Snap { epoch: 3, txns: vec![txn(1, 1), txn(1, 2)], tail: vec![txn(1, 3)] }, zx(1, 3)));
}

// Zab 1.0: a follower ahead of the leader means the election chose wrongly: the leader
// steps down and elects again (new round, its own vote).
#[test]
fn a_follower_ahead_of_the_leader_makes_it_step_down() {
    let (l, e) = ack_epoch(&config(None), vec![txn(1, 1)], 1, 2, zx(2, 1));
    let own = looking(Vote { leader: 2, zxid: zx(1, 1), epoch: 2 }, 1);
    let why = note("n2 back to LOOKING: n0 is ahead of the leader (epoch 2, zxid (2, 1))");
    assert_eq!(e, vec![why, send(0, own.clone()), send(1, own), cancel(T::Finalize), timer(T::Notify, 100_000)]);
    assert!(matches!(l.role, Role::Looking));
}

// §IV-B/C: a quorum (n0 and the leader) acknowledged NEWLEADER: the initial history is
// committed; the leader delivers it, sends UPTODATE (COMMIT-LD) and broadcasts.
#[test]
fn a_quorum_of_newleader_acks_establishes_the_leader() {
    let (mut l, _) = ack_epoch(&config(None), vec![txn(1, 1), txn(1, 2)], 0, 1, zx(1, 2));
    assert_eq!(msg(&mut l, 0, M::AckNewLeader { epoch: 2 }), vec![], "another epoch's");
    let e = msg(&mut l, 0, M::AckNewLeader { epoch: 3 });
    let up_to_date = M::UpToDate { epoch: 3, committed: zx(1, 2) };
    assert_eq!(e, vec![note("n2 established as leader of epoch 3"), send(0, stream(S0, 3, up_to_date))]);
    assert!(l.is_established_leader());
    assert_eq!((l.delivered, l.phase()), (2, Phase::Broadcast));
    assert_eq!(l.sm.value("k1.2"), Some("v"));
}

// Broadcast (§IV-C): a write at the leader is logged and proposed to the followers; once a
// quorum holds it on disk (n0's ACK, then the leader's own after its fsync) it is committed,
// and the server the client reached answers.
#[test]
fn a_write_at_the_leader_is_proposed_acked_and_committed() {
    let (mut l, _) = ack_epoch(&config(None), vec![], 0, 1, Zxid::ZERO);
    msg(&mut l, 0, M::AckNewLeader { epoch: 3 });
    let t = Txn { zxid: zx(3, 1), cmd: put("a", "1"), origin: Some((2, 7)) };
    let e = request(&mut l, 7, put("a", "1"));
    assert_eq!(e, vec![Write(Append(t.clone())), send(0, stream(S0, 4, M::Proposal { txn: t })), flush()]);
    assert_eq!(msg(&mut l, 0, M::Ack { zxid: zx(3, 1) }), vec![], "one ACK of the two a quorum needs");
    let e = fire(&mut l, T::Flush);
    assert_eq!(e, vec![Effect::Sync, done(7, None, zx(3, 1)), send(0, stream(S0, 5, M::Commit { zxid: zx(3, 1) }))]);
}

/// n0 (holding `history`) after LEADERINFO of epoch 3 and `packet`: NEWLEADER's effects.
fn newleader(bug: Option<&str>, history: Vec<Txn>, packet: M, last_zxid: Zxid) -> (Zab, Vec<E>) {
    let mut f = follower(&config(bug), history);
    msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    assert_eq!(msg(&mut f, 2, stream(FS, 1, packet)), vec![], "kept in memory until NEWLEADER");
    let e = msg(&mut f, 2, stream(FS, 2, M::NewLeader { epoch: 3, last_zxid }));
    (f, e)
}

fn diff() -> M {
    M::Diff { epoch: 3, txns: vec![txn(1, 2), txn(1, 3)] }
}

fn appends() -> Vec<E> {
    vec![Write(Append(txn(1, 2))), Write(Append(txn(1, 3)))]
}

// Learner.syncWithLeader after ZOOKEEPER-3911 and -4643: at NEWLEADER the packet's
// transactions are logged; once their fsync completes currentEpoch is written and synced,
// then NEWLEADER acknowledged (ACK-LD).
#[test]
fn newleader_logs_the_diff_then_after_the_fsync_sets_the_epoch_and_acks() {
    let (mut f, e) = newleader(None, vec![txn(1, 1)], diff(), zx(1, 3));
    assert_eq!(e, [appends(), vec![flush()]].concat());
    assert_eq!(f.current_epoch, 1, "not before the fsync");
    assert_eq!(fire(&mut f, T::Flush), vec![Effect::Sync, Write(CurrentEpoch(3)), Effect::Sync, up(1, M::AckNewLeader { epoch: 3 })]);
    assert_eq!(f.current_epoch, 3);
}

// The orders ZooKeeper once used. ZOOKEEPER-4643 (bug epoch_before_txns): currentEpoch
// reaches the disk before the history. ZOOKEEPER-3911 (bug ack_newleader_before_sync):
// NEWLEADER is acknowledged before any fsync.
#[test]
fn the_planted_bugs_write_the_epoch_first_or_ack_before_the_fsync() {
    let (mut f, e) = newleader(Some("epoch_before_txns"), vec![txn(1, 1)], diff(), zx(1, 3));
    assert_eq!(e, [vec![Write(CurrentEpoch(3)), Effect::Sync], appends(), vec![flush()]].concat());
    assert_eq!(fire(&mut f, T::Flush), vec![Effect::Sync, up(1, M::AckNewLeader { epoch: 3 })]);
    let (mut f, e) = newleader(Some("ack_newleader_before_sync"), vec![txn(1, 1)], diff(), zx(1, 3));
    assert_eq!(e, [appends(), vec![Write(CurrentEpoch(3)), up(1, M::AckNewLeader { epoch: 3 }), flush()]].concat());
    assert_eq!(fire(&mut f, T::Flush), vec![Effect::Sync]);
}

// TRUNC: the follower cuts its log after `to`, then logs the leader's transactions.
#[test]
fn newleader_after_trunc_cuts_the_log_then_appends() {
    let trunc = M::Trunc { epoch: 3, to: zx(1, 1), txns: vec![txn(2, 1)] };
    let (f, e) = newleader(None, vec![txn(1, 1), txn(1, 2)], trunc, zx(2, 1));
    assert_eq!(e, vec![Write(TruncateFrom(1)), Write(Append(txn(2, 1))), flush()]);
    assert_eq!(f.history, vec![txn(1, 1), txn(2, 1)]);
}

// SNAP: the snapshot replaces the follower's history on disk and the uncommitted tail is
// logged after it; ZOOKEEPER-3642 (bug snap_not_persisted): the snapshot is never written.
#[test]
fn newleader_after_snap_writes_the_snapshot_unless_the_bug_keeps_it_in_memory() {
    let snap = || M::Snap { epoch: 3, txns: vec![txn(1, 1), txn(1, 2)], tail: vec![txn(1, 3)] };
    let (f, e) = newleader(None, vec![], snap(), zx(1, 3));
    assert_eq!(e, vec![Write(Snapshot(Rc::new(vec![txn(1, 1), txn(1, 2)]))), Write(Append(txn(1, 3))), flush()]);
    assert_eq!((f.history.len(), f.disk_base), (3, 2));
    let (f, e) = newleader(Some("snap_not_persisted"), vec![], snap(), zx(1, 3));
    assert_eq!(e, vec![Write(Append(txn(1, 3))), flush()]);
    assert_eq!((f.history.len(), f.disk_base), (3, 0));
}

/// n0 synchronized by an empty DIFF and told UPTODATE: broadcasting in epoch 3.
fn serving() -> Zab {
    let (mut f, _) = newleader(None, vec![], M::Diff { epoch: 3, txns: vec![] }, Zxid::ZERO);
    fire(&mut f, T::Flush);
    assert_eq!(msg(&mut f, 2, stream(FS, 3, M::UpToDate { epoch: 3, committed: Zxid::ZERO })), vec![]);
    assert_eq!(f.phase(), Phase::Broadcast);
    f
}

// Broadcast, follower side (§IV-C): a write is forwarded to the leader; PROPOSAL is logged
// and ACKed once its fsync completes; COMMIT delivers it and the server the client reached
// answers. A read is answered at once from the server's own state (ZooKeeper's local reads).
#[test]
fn a_follower_forwards_logs_acks_and_delivers_on_commit() {
    let mut f = serving();
    assert_eq!(request(&mut f, 9, put("a", "1")), vec![up(2, M::Request { request_id: 9, cmd: put("a", "1") })]);
    let t = Txn { zxid: zx(3, 1), cmd: put("a", "1"), origin: Some((0, 9)) };
    assert_eq!(msg(&mut f, 2, stream(FS, 4, M::Proposal { txn: t.clone() })), vec![Write(Append(t)), flush()]);
    assert_eq!(fire(&mut f, T::Flush), vec![Effect::Sync, up(3, M::Ack { zxid: zx(3, 1) })]);
    assert_eq!(msg(&mut f, 2, stream(FS, 5, M::Commit { zxid: zx(3, 1) })), vec![done(9, None, zx(3, 1))]);
    assert_eq!(request(&mut f, 10, KvCommand::Get { key: "a".into() }), vec![done(10, Some("1"), zx(3, 1))]);
}

// The planted bug ack_before_fsync removes the proposal's fsync from the ACK's path: the ACK
// goes out with the log write, before the fsync that follows it.
#[test]
fn with_ack_before_fsync_a_proposal_is_acked_before_its_fsync() {
    let mut f = serving();
    f.config.bug = Some("ack_before_fsync".into());
    let t = Txn { zxid: zx(3, 1), cmd: put("a", "1"), origin: None };
    let e = msg(&mut f, 2, stream(FS, 4, M::Proposal { txn: t.clone() }));
    assert_eq!(e, vec![Write(Append(t)), up(2, M::Ack { zxid: zx(3, 1) }), flush()]);
    assert_eq!(fire(&mut f, T::Flush), vec![Effect::Sync]);
}

// A server electing or synchronizing serves nobody: the client is told to try again,
// with the leader as a hint where there is one.
#[test]
fn a_server_not_broadcasting_is_not_ready() {
    let get = || KvCommand::Get { key: "a".into() };
    let not_ready = |request_id, hint| Effect::Reply { request_id, reply: Outcome::NotLeader { hint } };
    assert_eq!(request(&mut started(0), 1, get()), vec![not_ready(1, None)]);
    assert_eq!(request(&mut follower(&config(None), vec![]), 2, get()), vec![not_ready(2, Some(2))]);
}

// A session stands for one TCP connection: the follower takes its leader's messages in
// order, once, and only those of its own session.
#[test]
fn the_follower_takes_its_sessions_messages_in_order_once() {
    let mut f = follower(&config(None), vec![]);
    let ping = M::Ping { epoch: 3 };
    assert_eq!(msg(&mut f, 2, stream(FS, 1, ping.clone())), vec![], "held until #0 comes");
    let e = msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    let ack_epoch = M::AckEpoch { epoch: 3, current_epoch: 1, last_zxid: Zxid::ZERO };
    assert_eq!(e, vec![Write(AcceptedEpoch(3)), Effect::Sync, up(0, ack_epoch), up(1, M::PingAck { epoch: 3 })]);
    assert_eq!(msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 })), vec![], "a duplicate");
    assert_eq!(msg(&mut f, 2, stream(FS + 1, 2, ping.clone())), vec![], "another session");
    assert_eq!(msg(&mut f, 1, stream(FS, 2, ping.clone())), vec![], "not from its leader");
    assert_eq!(msg(&mut f, 2, stream(FS, 2, ping)), vec![up(2, M::PingAck { epoch: 3 })]);
}

/// Leader n2 established in epoch 3 with n0 synchronized (session S0, UPTODATE was #3).
fn established() -> Zab {
    let (mut l, _) = ack_epoch(&config(None), vec![], 0, 1, Zxid::ZERO);
    msg(&mut l, 0, M::AckNewLeader { epoch: 3 });
    assert!(l.is_established_leader());
    l
}

/// n0's message number `seq` to the leader in session S0.
fn from_n0(seq: u64, m: M) -> M {
    stream(S0, seq, m)
}

// Version 4: the follower's direction of the connection is numbered too; the leader takes a
// session's messages in order, once: one ahead of a gap waits, a duplicate or another
// session's is dropped (a lost ACK can no longer leave a proposal waiting for ever).
#[test]
fn the_leader_takes_a_followers_session_in_order_once() {
    let mut l = established();
    let t = Txn { zxid: zx(3, 1), cmd: put("a", "1"), origin: Some((2, 7)) };
    request(&mut l, 7, put("a", "1"));
    fire(&mut l, T::Flush);
    assert_eq!(msg(&mut l, 0, from_n0(1, M::Ack { zxid: t.zxid })), vec![], "held until #0 comes");
    assert_eq!(msg(&mut l, 0, stream(S0 + 1, 0, M::PingAck { epoch: 3 })), vec![], "another session");
    let e = msg(&mut l, 0, from_n0(0, M::PingAck { epoch: 3 }));
    assert_eq!(e, vec![done(7, None, t.zxid), send(0, stream(S0, 5, M::Commit { zxid: t.zxid }))]);
    assert_eq!(msg(&mut l, 0, from_n0(1, M::Ack { zxid: t.zxid })), vec![], "a duplicate");
}

// Version 4 (ZooKeeper's LearnerHandler read timeout): a follower unheard past syncLimit is
// dropped and gets nothing more; n0 was the leader's only follower, so the same tick finds
// the quorum gone and the leader steps down.
#[test]
fn a_silent_follower_is_dropped_and_a_lost_quorum_ends_the_leadership() {
    let mut l = established();
    let mut out = Out::new(NOW + 300_001);
    l.on_timer(T::Tick, &mut out);
    let e = out.take_effects();
    assert!(e.contains(&note("leader drops n0: its session has been silent too long")), "{e:?}");
    assert!(e.contains(&note("n2 back to LOOKING: a quorum of followers unheard for syncLimit")), "{e:?}");
    assert!(!e.iter().any(|x| matches!(x, Effect::Send { to: 0, msg: M::Stream { .. } })), "nothing more on n0's session: {e:?}");
}

// Version 4: a follower that joins during broadcast has, once it acknowledges NEWLEADER,
// every proposal of its synchronization on disk; that counts as its ACK of those still
// outstanding (ZooKeeper's follower ACKs the proposals it logs at NEWLEADER), so a proposal
// whose ACKs were lost with a dropped follower commits when the follower rejoins.
#[test]
fn a_newleader_ack_in_broadcast_acknowledges_the_synchronized_proposals() {
    let mut l = established();
    request(&mut l, 7, put("a", "1"));
    fire(&mut l, T::Flush);
    assert_eq!(l.delivered, 0, "the leader's own ACK is one of the two a quorum needs");
    msg(&mut l, 1, info(2, Zxid::ZERO, 9));
    msg(&mut l, 1, stream(9, 0, M::AckEpoch { epoch: 3, current_epoch: 2, last_zxid: Zxid::ZERO }));
    let e = msg(&mut l, 1, stream(9, 1, M::AckNewLeader { epoch: 3 }));
    let t = zx(3, 1);
    assert!(e.contains(&done(7, None, t)), "{e:?}");
    assert_eq!(l.delivered, 1);
}

// The leader lease of a service built on Zab: numbered PINGs; a round answered by a quorum
// (the leader and one follower of three) gives a lease of syncLimit·(1 − ρ)/(1 + ρ) from the
// round's start; a follower in broadcast answers, one still synchronizing does not.
#[test]
fn a_quorum_answering_a_ping_round_gives_the_leader_a_lease() {
    let lease = ZabConfig { lease_drift_bound_ppm: Some(100_000), ..config(None) };
    let (mut l, _) = ack_epoch(&lease, vec![], 0, 1, Zxid::ZERO);
    msg(&mut l, 0, M::AckNewLeader { epoch: 3 });
    assert!(!l.holds_lease_at(NOW));
    let e = fire(&mut l, T::Tick);
    assert!(e.contains(&send(0, stream(S0, 4, M::LeasePing { epoch: 3, round: 1 }))), "{e:?}");
    msg(&mut l, 0, M::LeasePingAck { epoch: 3, round: 1 });
    let until = NOW + 250_000 * 900_000 / 1_100_000;
    assert!(l.holds_lease_at(until - 1) && !l.holds_lease_at(until));
    let mut f = serving();
    f.config.lease_drift_bound_ppm = Some(100_000);
    assert_eq!(msg(&mut f, 2, stream(FS, 4, M::LeasePing { epoch: 3, round: 1 })), vec![up(2, M::LeasePingAck { epoch: 3, round: 1 })]);
    let mut syncing = follower(&lease, vec![]);
    msg(&mut syncing, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    assert_eq!(msg(&mut syncing, 2, stream(FS, 1, M::LeasePing { epoch: 3, round: 1 })), vec![]);
}

// With leases, a server that boots may have answered a round before it crashed: it stays
// out of elections for syncLimit (ignoring notifications), then elects as usual.
#[test]
fn with_leases_a_booting_server_stays_out_of_elections_for_sync_limit() {
    let mut z = node(0, &ZabConfig { lease_drift_bound_ppm: Some(100_000), ..config(None) });
    assert_eq!(run(&mut z, |z, out| z.on_start(out)), vec![timer(T::Tick, 50_000)]);
    assert_eq!(msg(&mut z, 1, looking(vote(1), 1)), vec![]);
    assert_eq!(z.election.round, 0);
    let mut out = Out::new(NOW + 250_000);
    z.on_timer(T::Tick, &mut out);
    assert!(out.take_effects().contains(&send(1, looking(vote(0), 1))));
}

// Version 3 links replay as they did: the follower's messages go unnumbered.
#[test]
fn under_version_3_a_follower_sends_unnumbered() {
    let mut v3 = config(None);
    v3.version = 3;
    let mut f = follower(&v3, vec![txn(1, 1)]);
    let e = msg(&mut f, 2, stream(FS, 0, M::LeaderInfo { epoch: 3 }));
    assert_eq!(e.last(), Some(&send(2, M::AckEpoch { epoch: 3, current_epoch: 1, last_zxid: zx(1, 1) })));
}

// Version 4 (ZooKeeper's session check): a request carries the newest zxid its client has
// seen; a server whose state is older refuses it ("try another server"), whatever the
// operation; the planted bug answers anyway; under version 3 the zxid is not looked at.
#[test]
fn a_server_behind_its_client_refuses_it() {
    let seen = ZabRequest { cmd: KvCommand::Get { key: "a".into() }, last_zxid_seen: zx(3, 1) };
    let mut f = serving();
    let e = run(&mut f, |z, out| z.on_request(10, seen.clone(), out));
    let refuse = Effect::Reply { request_id: 10, reply: Outcome::NotLeader { hint: None } };
    assert_eq!(e, vec![note("n0: the client has seen zxid (3, 1), this server only (0, 0): try another server"), refuse]);
    f.config.bug = Some("no_last_zxid_check".into());
    assert_eq!(run(&mut f, |z, out| z.on_request(11, seen.clone(), out)), vec![done(11, None, Zxid::ZERO)]);
    let (mut f, mut v3) = (serving(), config(None));
    v3.version = 3;
    f.config = v3;
    assert_eq!(run(&mut f, |z, out| z.on_request(12, seen, out)), vec![done(12, None, Zxid::ZERO)]);
}

// The client's newest zxid is what the simulator hands the next request of the client
// attached to the same server (the token is the packed zxid a reply was answered at).
#[test]
fn a_reply_tells_its_client_the_zxid_it_was_answered_at() {
    let reply = node::done(KvOutput::Value(None), zx(3, 2));
    let token = <Zab as Protocol>::reply_token(&reply).expect("a done reply has a zxid");
    let req = <Zab as Protocol>::request_with_token(ZabRequest::new(put("a", "1")), token);
    assert_eq!(req.last_zxid_seen, zx(3, 2));
    assert_eq!(<Zab as Protocol>::reply_token(&Outcome::Unknown { hint: None }), None);
}

// ---- the presets, through the simulator ----------------------------------------------------

const UNTIL_US: u64 = 3_000_000;

fn zab_presets() -> Vec<Preset> {
    (row("zab").expect("the zab row").presets)()
}

fn scenario(name: &str, until_us: u64) -> Scenario {
    let p = zab_presets().into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no preset {name}"));
    let mut s = (p.build)();
    s.playhead_us = until_us;
    s
}

fn play(s: &Scenario) -> History<Zab> {
    build_typed::<Zab>(s, true).expect("the scenario builds")
}

fn preset(name: &str) -> History<Zab> {
    play(&scenario(name, UNTIL_US))
}

fn live(h: &History<Zab>) -> Vec<&Zab> {
    h.sim().nodes().iter().flatten().collect()
}

/// The one established leader.
fn leader_of(h: &History<Zab>) -> &Zab {
    let leaders: Vec<&Zab> = live(h).into_iter().filter(|z| z.is_established_leader()).collect();
    assert_eq!(leaders.len(), 1, "one established leader");
    leaders[0]
}

/// The history every server delivered (checked to be the same everywhere; all five up).
fn common_history(h: &History<Zab>) -> Vec<Zxid> {
    let all: Vec<Vec<Zxid>> = live(h).iter().map(|z| z.history[..z.delivered].iter().map(|t| t.zxid).collect()).collect();
    assert_eq!(all.len(), 5, "every server is up");
    assert!(all.windows(2).all(|w| w[0] == w[1]), "{all:?}");
    all[0].clone()
}

fn key_of(cmd: &KvCommand) -> &str {
    match cmd {
        KvCommand::Put { key, .. } | KvCommand::Get { key } => key,
        KvCommand::Client { cmd, .. } => key_of(cmd),
    }
}

/// How the leader synchronized follower `id` ("DIFF", "TRUNC", "SNAP").
fn synced_by(l: &Zab, id: u32) -> &'static str {
    let Role::Leading(s) = &l.role else { unreachable!("n{} leads", l.env.id) };
    s.learners.get(&id).expect("a learner").sync
}

/// The servers `from` sent a message of `kind` to.
fn sent(h: &History<Zab>, from: u32, kind: &str) -> Vec<u32> {
    h.trace().iter().filter_map(|r| match &r.kind { TraceKind::Send { to, kind: k, .. } if *k == kind && r.node == Some(from) => Some(*to), _ => None }).collect()
}

fn properties(h: &History<Zab>) -> Vec<&str> {
    h.sim().violations().iter().map(|v| v.property.as_str()).collect()
}

fn clean(h: &History<Zab>) {
    assert_eq!(properties(h), Vec::<&str>::new());
    assert_eq!(Zab::check_liveness(h.sim().nodes()), Ok(()));
}

// zab-broadcast (§IV; Zab 1.0): the votes tie, so n4 (highest id) leads epoch 1; every
// server delivers (1, 1)..(1, 3) in zxid order; the read at n0 is answered from n0's copy.
#[test]
fn zab_broadcast_elects_n4_and_every_server_delivers_the_same_history() {
    let h = preset("zab-broadcast");
    assert_eq!((leader_of(&h).env.id, leader_of(&h).current_epoch), (4, 1));
    assert_eq!(common_history(&h), vec![zx(1, 1), zx(1, 2), zx(1, 3)]);
    let read = h.trace().iter().find_map(|r| match &r.kind { TraceKind::Reply { request_id: 3, reply } if r.node == Some(0) => Some(reply.as_str()), _ => None });
    assert_eq!(read, Some(r#"Done { output: Some("3"), zxid: Zxid { epoch: 1, counter: 3 } }"#));
    clean(&h);
}

// zab-client-failover (ZooKeeper's single system image): the client attached to n1 saw k = 2
// done at (1, 2); its read fails over from the crashed n1 to n2, cut off and behind at
// (1, 1), which refuses it; n3 answers k = 2. With the planted bug n2 answers k = 1.
#[test]
fn a_client_that_fails_over_never_reads_older_than_it_has_seen() {
    let replies = |h: &History<Zab>| -> Vec<(Option<u32>, String)> {
        h.trace().iter().filter_map(|r| match &r.kind { TraceKind::Reply { request_id: 2.., reply } => Some((r.node, reply.clone())), _ => None }).collect()
    };
    let h = preset("zab-client-failover");
    clean(&h);
    let got = replies(&h);
    assert_eq!(got[1], (Some(2), "NotReady { hint: None }".to_string()), "{got:?}");
    assert_eq!(got[2], (Some(3), r#"Done { output: Some("2"), zxid: Zxid { epoch: 1, counter: 2 } }"#.to_string()), "{got:?}");
    let h = preset("zab-bug-no-last-zxid-check");
    assert_eq!(properties(&h), ["SingleSystemImage"]);
    assert_eq!(replies(&h)[1], (Some(2), r#"Done { output: Some("1"), zxid: Zxid { epoch: 1, counter: 1 } }"#.to_string()));
}

// zab-leader-crash (§III: a transaction delivered nowhere may survive a leader change):
// n3 holds the highest zxid, leads epoch 2, and y, which only it held, is committed. The
// client of y, never answered, retries in its session: (2, 1) is that retry, answered from
// the session table, not applied twice.
#[test]
fn zab_leader_crash_n3_wins_and_y_survives() {
    let h = preset("zab-leader-crash");
    assert_eq!((leader_of(&h).env.id, leader_of(&h).current_epoch), (3, 2));
    assert_eq!(common_history(&h), vec![zx(1, 1), zx(1, 2), zx(2, 1)]);
    for z in live(&h) {
        assert_eq!(z.history.iter().map(|t| key_of(&t.cmd)).collect::<Vec<_>>(), ["x", "y", "y"]);
        assert_eq!(z.sm.value("y"), Some("2"));
    }
    clean(&h);
}

// zab-trunc (syncFollower's TRUNC): the returning n4 holds (1, 2), which nobody delivered;
// the leader n3 truncates it back to (1, 1) and n4 ends with the others' history.
#[test]
fn zab_trunc_cuts_the_returning_old_leader_back() {
    let h = preset("zab-trunc");
    assert_eq!(leader_of(&h).env.id, 3);
    assert_eq!(synced_by(leader_of(&h), 4), "TRUNC");
    assert_eq!(sent(&h, 3, "TRUNC"), vec![4]);
    assert_eq!(common_history(&h), vec![zx(1, 1), zx(2, 1), zx(2, 2)]);
    clean(&h);
}

// zab-snap (syncFollower's SNAP): n0 is behind more than the committed log (4) reaches.
#[test]
fn zab_snap_synchronizes_the_lagging_n0_by_snap() {
    let h = preset("zab-snap");
    assert_eq!(synced_by(leader_of(&h), 0), "SNAP");
    assert_eq!(sent(&h, 4, "SNAP"), vec![0]);
    assert_eq!(common_history(&h), (1..=10).map(|c| zx(1, c)).collect::<Vec<_>>());
    clean(&h);
}

// zab-same-faults-as-raft (§IV-A: a new epoch needs a quorum): through the partition
// (1.2 s to 2 s) every live server is electing and no acceptedEpoch passes 2; after the heal
// n3 leads epoch 3. The caption says the returning n4 gets a DIFF: it gets a SNAP, since
// the leader then holds 11 transactions, 9 past n4's (1, 2), beyond committed_log (8).
#[test]
fn zab_same_faults_as_raft_proposes_no_epoch_without_a_quorum() {
    let partitioned = play(&scenario("zab-same-faults-as-raft", 1_990_000));
    assert!(live(&partitioned).iter().all(|z| z.phase() == Phase::Election && z.accepted_epoch == 2));
    let h = preset("zab-same-faults-as-raft");
    assert_eq!((leader_of(&h).env.id, leader_of(&h).current_epoch), (3, 3));
    assert_eq!(synced_by(leader_of(&h), 4), "SNAP");
    assert_eq!(common_history(&h).len(), 14);
    clean(&h);
}

/// The preset with its planted bug removed.
fn without_bug(name: &str) -> History<Zab> {
    let mut s = scenario(name, UNTIL_US);
    s.config["bug"] = serde_json::Value::Null;
    play(&s)
}

// Each planted bug breaks the property its caption names; the same scenario without the
// bug breaks nothing and is live. In full: skip_sync (§IV-C): n3 broadcasts in epoch 2
// before delivering x; diff_not_trunc: n4 keeps (1, 2) and delivers it where the others
// delivered (2, 1); epoch_before_txns (ZOOKEEPER-4643): n0's disk has epoch 1 and none of
// x, y; snap_not_persisted (ZOOKEEPER-3642): n0's disk has epoch 1 and no snapshot.
#[test]
fn every_bug_preset_breaks_its_property_and_is_clean_without_the_bug() {
    let caught_by = [
        ("zab-bug-skip-sync", "PrimaryIntegrity"),
        ("zab-bug-diff-not-trunc", "Agreement"),
        ("zab-bug-ack-newleader-before-sync", "DurableCommit"),
        ("zab-bug-ack-before-fsync", "DurableCommit"),
        ("zab-bug-no-last-zxid-check", "SingleSystemImage"),
        ("zab-bug-epoch-before-txns", "DurableEpoch"),
        ("zab-bug-snap-not-persisted", "DurableEpoch"),
    ];
    let bugs: Vec<&str> = zab_presets().iter().map(|p| p.name).filter(|n| n.starts_with("zab-bug-")).collect();
    assert_eq!(bugs, caught_by.map(|(name, _)| name));
    for (name, property) in caught_by {
        let h = preset(name);
        assert_eq!(properties(&h).first(), Some(&property), "{name}");
        clean(&without_bug(name));
    }
    assert_eq!(properties(&preset("zab-bug-skip-sync")), ["PrimaryIntegrity"]);
    let diverged = preset("zab-bug-diff-not-trunc");
    assert_eq!(properties(&diverged), ["Agreement", "PrefixConsistency", "Agreement", "TotalOrder", "PrefixConsistency"]);
    assert!(diverged.sim().nodes()[4].as_ref().unwrap().history.iter().any(|t| t.zxid == zx(1, 2)));
    let early = preset("zab-bug-epoch-before-txns");
    assert_eq!(early.sim().violations().iter().map(|v| v.explanation.as_str()).collect::<Vec<_>>(), ["n0's disk says currentEpoch 1 but holds 0 transactions of the 2 NEWLEADER established (to (1, 2))"]);
    let lost = preset("zab-bug-snap-not-persisted");
    let first = &lost.sim().violations()[0].explanation;
    assert_eq!(first, "n0's disk says currentEpoch 1 but holds 0 transactions of the 10 NEWLEADER established (to (1, 10))");
    assert!(lost.sim().violations().iter().all(|v| v.explanation == *first));
    // Without their bugs, two of them are the clean presets exactly.
    assert_eq!(without_bug("zab-bug-diff-not-trunc").sim().trace_hash(), preset("zab-trunc").sim().trace_hash());
    assert_eq!(without_bug("zab-bug-snap-not-persisted").sim().trace_hash(), preset("zab-snap").sim().trace_hash());
}

/// Every zab preset's trace hash at 3 s, as the preset opens now (link version 4) and as its
/// link of version 3 replays (presets made with version 4 had no such link): a link to a
/// preset must replay as it did.
const PINNED: &[(&str, &str, Option<&str>)] = &[
    ("zab-broadcast", "084a941912aba470", Some("5246229b965998ed")),
    ("zab-leader-crash", "882ee629ff83d03e", Some("834c953a7e02f6d5")),
    ("zab-trunc", "783e4db8a827f9f0", Some("965fcf8b8d6f3c5f")),
    ("zab-snap", "01e2d4563b2ecc94", Some("c7441e7c34433a23")),
    ("zab-same-faults-as-raft", "844e171912f2ac6a", Some("62c508407e477a67")),
    ("zab-sync-deposed-leader", "9be15b6522a0b29a", Some("dfa92985affa69d3")),
    ("zab-client-failover", "00222cf1773b2c76", None),
    ("zab-bug-skip-sync", "3155f78519cc7dbb", Some("edb7fe77f22e9a7b")),
    ("zab-bug-diff-not-trunc", "4ded7f276f5f1719", Some("43633bf179f8c101")),
    ("zab-bug-ack-newleader-before-sync", "7d7d2624437b8347", Some("f574a8c5c8c947c9")),
    ("zab-bug-ack-before-fsync", "07a771660acce9cb", Some("55b497e40340c5aa")),
    ("zab-bug-no-last-zxid-check", "81e1e3d00ffbc9d2", None),
    ("zab-bug-epoch-before-txns", "a73916b8a256f7bb", Some("9df7cd68a19c991f")),
    ("zab-bug-snap-not-persisted", "e8f5f77607cde70a", Some("f9586eb47c31c18e")),
];

#[test]
fn every_zab_preset_trace_is_pinned_at_3_s() {
    let names: Vec<&str> = zab_presets().iter().map(|p| p.name).collect();
    assert_eq!(names, PINNED.iter().map(|(name, _, _)| *name).collect::<Vec<_>>(), "a new preset needs its hash pinned");
    for (name, hash, v3_hash) in PINNED {
        assert_eq!(hash_hex(preset(name).sim().trace_hash()), *hash, "{name}: trace hash changed (links to it would replay differently)");
        let Some(v3_hash) = v3_hash else { continue };
        let mut v3 = scenario(name, UNTIL_US);
        v3.version = 3;
        assert_eq!(hash_hex(play(&v3).sim().trace_hash()), *v3_hash, "{name} under link version 3 no longer replays as it did");
    }
}

// The default sweep's 2,000 clean seeds for zab are `tests/suite/sweeps.rs`'s, with every other
// protocol's (every_protocols_default_sweep_is_clean_over_2000_seeds).

// ZooKeeper's sync (Programmer's Guide, "Consistency Guarantees"): the leader answers a
// follower's SYNC only once every proposal it made before has committed, after that COMMIT
// on the same session, so the follower then reads at least what the leader had.
#[test]
fn a_sync_waits_for_the_proposals_before_it_to_commit() {
    let cfg = ZabConfig { reads: ReadMode::Sync, ..config(None) };
    let (mut l, _) = ack_epoch(&cfg, vec![], 0, 1, Zxid::ZERO);
    msg(&mut l, 0, M::AckNewLeader { epoch: 3 });
    request(&mut l, 7, put("a", "1"));
    assert_eq!(msg(&mut l, 0, M::Sync { request_id: 9 }), vec![], "waits for (3, 1)");
    msg(&mut l, 0, M::Ack { zxid: zx(3, 1) });
    let e = fire(&mut l, T::Flush);
    let reply = send(0, stream(S0, 6, M::SyncReply { request_id: 9 }));
    assert_eq!(e, vec![Effect::Sync, done(7, None, zx(3, 1)), send(0, stream(S0, 5, M::Commit { zxid: zx(3, 1) })), reply]);
    assert_eq!(msg(&mut l, 0, M::Sync { request_id: 10 }), vec![send(0, stream(S0, 7, M::SyncReply { request_id: 10 }))], "nothing outstanding: at once");
}

// Sync, then read, is not a linearizable read: n4, cut off with n0 and slow to notice it
// lost its quorum, answers n0's SYNC after the majority committed x=2, and n0 reads x=1.
// The servers deliver one order (no checker fires); the clients' history is not linearizable.
#[test]
fn a_sync_through_a_deposed_leader_reads_a_stale_value() {
    use clusterlab::sim::lin::{check, Limits, OpKind, OpResult, Verdict};
    let h = preset("zab-sync-deposed-leader");
    clean(&h);
    let ops = h.sim().client_history();
    let read = ops.iter().find(|o| o.kind == OpKind::Read).expect("the read");
    assert_eq!(read.result, OpResult::Ok { value: Some("1".into()) });
    let second = ops.iter().find(|o| o.kind == OpKind::Write { value: "2".into() }).expect("x=2");
    assert!(second.complete_us.is_some_and(|t| t < read.invoke_us), "x=2 was acknowledged before the read began");
    assert!(matches!(check(ops, Limits::default()), Verdict::NotLinearizable { .. }));
}

