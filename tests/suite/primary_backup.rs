//! Primary/backup with failover by the lock service (MIT 6.824 primary/backup; HBase region
//! failover): exact-effect handler tests of the storage's log files and fence, a backup's
//! epoch rules, the primary's write path and takeover; each check fed a state that breaks
//! it in more than one way; the presets run with their trace hashes pinned and their
//! stories checked.

use crate::common::effects::{replies, sends, writes};
use clusterlab::protocols::lock::{LockMsg, Phase};
use clusterlab::protocols::primary_backup::invariants::PbChecker;
use clusterlab::protocols::primary_backup::replica::BackupState;
use clusterlab::protocols::primary_backup::storage::LogFile;
use clusterlab::protocols::primary_backup::{PbConfig, PbMsg, PbNode, PbReply, PbRequest, PbTimer, PbWrite, Rec, Replica, Role, Storage, WalDisk, WalWrite};
use clusterlab::scenario::presets::primary_backup::{FIRST_PRIMARY, LONE, OTHER_BACKUP};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, CheckCtx, Checker, Effect, History, NodeEnv, Out, Protocol};

const N: u32 = 7;
const STORAGE: u32 = 6;

fn config(bug: Option<&str>) -> PbConfig {
    PbConfig { bug: bug.map(String::from), ..PbConfig::default() }
}

fn rec(seq: u64, epoch: u64, key: &str, value: &str) -> Rec {
    Rec { seq, epoch, client: seq, serial: 1, key: key.into(), value: value.into() }
}

fn storage(bug: Option<&str>) -> PbNode {
    PbNode::new(NodeEnv { id: STORAGE, n: N }, &config(bug))
}

fn replica_of(n: &PbNode) -> &Replica {
    n.as_replica().expect("a replica")
}

fn replica_mut(n: &mut PbNode) -> &mut Replica {
    match n {
        PbNode::Replica(r) => r,
        _ => panic!("not a replica"),
    }
}

/// Replica `id`, holding the lock with token `epoch` and a lease to 10 s, primary of that
/// epoch with its log replayed and backups n3 and n4 in its view.
fn primary(id: u32, epoch: u64, bug: Option<&str>) -> PbNode {
    let mut n = PbNode::new(NodeEnv { id, n: N }, &config(bug));
    let r = replica_mut(&mut n);
    r.lock.phase = Phase::Holding;
    r.lock.my_node = Some(("/lock/n-0000000000".into(), epoch));
    r.lock.lease_until_us = 10_000_000;
    r.role = Role::Primary { epoch };
    r.epoch = epoch;
    r.replayed = Some(0);
    for b in [3, 4] {
        r.backups.insert(b, BackupState { applied: 0, heard_us: 0, boot: 1, in_view: true });
    }
    n
}

fn backup(id: u32, epoch: u64, bug: Option<&str>) -> PbNode {
    let mut n = PbNode::new(NodeEnv { id, n: N }, &config(bug));
    let r = replica_mut(&mut n);
    r.epoch = epoch;
    r.lock.incarnation = 1;
    n
}

fn put(key: &str, value: &str) -> PbRequest {
    PbRequest::Put { client: 9, serial: 1, key: key.into(), value: value.into() }
}

/// HBase region failover: the new server recovers the lease on the old server's WAL files
/// before splitting them, so the old server can no longer add to them.
#[test]
fn a_fence_seals_the_older_files_and_hands_back_their_records() {
    let mut s = storage(None);
    s.on_message(5, PbMsg::Fence { epoch: 2 }, &mut Out::new(0));
    let mut out = Out::new(1_000);
    s.on_message(5, PbMsg::Append { epoch: 2, recs: vec![rec(1, 2, "k", "a"), rec(2, 2, "k", "b")] }, &mut out);
    assert_eq!(writes(&out), vec![PbWrite::Wal(WalWrite::Append { epoch: 2, rec: rec(1, 2, "k", "a") }), PbWrite::Wal(WalWrite::Append { epoch: 2, rec: rec(2, 2, "k", "b") })]);
    assert!(matches!(out.effects()[2], Effect::Sync), "synced before it is acknowledged: {:?}", out.effects());
    assert_eq!(sends(&out), vec![(5, PbMsg::AppendAck { epoch: 2, last: 2, ok: true })]);
    // A batch sent again is not written twice.
    let mut out = Out::new(2_000);
    s.on_message(5, PbMsg::Append { epoch: 2, recs: vec![rec(2, 2, "k", "b")] }, &mut out);
    assert!(writes(&out).is_empty());
    assert_eq!(sends(&out), vec![(5, PbMsg::AppendAck { epoch: 2, last: 2, ok: true })]);
    let mut out = Out::new(3_000);
    s.on_message(4, PbMsg::Fence { epoch: 6 }, &mut out);
    assert_eq!(writes(&out), vec![PbWrite::Wal(WalWrite::Fence { epoch: 6 })]);
    assert_eq!(sends(&out), vec![(4, PbMsg::FenceAck { epoch: 6, ok: true, log: vec![rec(1, 2, "k", "a"), rec(2, 2, "k", "b")] })]);
    let mut out = Out::new(4_000);
    s.on_message(5, PbMsg::Append { epoch: 2, recs: vec![rec(3, 2, "k", "zombie")] }, &mut out);
    assert!(writes(&out).is_empty(), "the sealed file takes nothing");
    assert_eq!(sends(&out), vec![(5, PbMsg::AppendAck { epoch: 2, last: 0, ok: false })]);
    let mut out = Out::new(5_000);
    s.on_message(3, PbMsg::Fence { epoch: 4 }, &mut out);
    assert_eq!(sends(&out), vec![(3, PbMsg::FenceAck { epoch: 4, ok: false, log: vec![] })], "an older epoch cannot fence a newer one");
    let st = s.as_storage().unwrap();
    assert_eq!(st.disk.files.get(&2).unwrap().sealed_at, Some(2));
    assert_eq!(st.fence(), 6);
}

#[test]
fn without_fencing_a_sealed_file_still_takes_appends() {
    let mut s = storage(Some("no_fencing"));
    s.on_message(5, PbMsg::Fence { epoch: 2 }, &mut Out::new(0));
    s.on_message(4, PbMsg::Fence { epoch: 6 }, &mut Out::new(1));
    let mut out = Out::new(2);
    s.on_message(5, PbMsg::Append { epoch: 2, recs: vec![rec(1, 2, "k", "zombie")] }, &mut out);
    assert_eq!(sends(&out), vec![(5, PbMsg::AppendAck { epoch: 2, last: 1, ok: true })]);
}

/// The planted bug ack_before_sync removes the append's sync: the records are written and
/// acknowledged, and nothing makes them durable until the next fence.
#[test]
fn with_ack_before_sync_an_append_is_acknowledged_unsynced() {
    let mut s = storage(Some("ack_before_sync"));
    s.on_message(5, PbMsg::Fence { epoch: 2 }, &mut Out::new(0));
    let mut out = Out::new(1_000);
    s.on_message(5, PbMsg::Append { epoch: 2, recs: vec![rec(1, 2, "k", "a")] }, &mut out);
    assert_eq!(writes(&out), vec![PbWrite::Wal(WalWrite::Append { epoch: 2, rec: rec(1, 2, "k", "a") })]);
    assert!(!out.effects().iter().any(|e| matches!(e, Effect::Sync)), "no sync: {:?}", out.effects());
    assert_eq!(sends(&out), vec![(5, PbMsg::AppendAck { epoch: 2, last: 1, ok: true })]);
    let mut out = Out::new(2_000);
    s.on_message(4, PbMsg::Fence { epoch: 6 }, &mut out);
    assert!(out.effects().iter().any(|e| matches!(e, Effect::Sync)), "a fence still syncs");
}

/// MIT 6.824: a backup accepts operations only from the current view's primary.
#[test]
fn a_backup_refuses_an_older_epoch_and_starts_over_for_a_newer_one() {
    let mut b = backup(3, 6, None);
    let mut out = Out::new(0);
    b.on_message(5, PbMsg::Forward { epoch: 2, from: 1, recs: vec![rec(1, 2, "k", "old")] }, &mut out);
    assert_eq!(sends(&out), vec![(5, PbMsg::ForwardAck { epoch: 6, applied: 0, boot: 1, ok: false })]);
    assert_eq!(replica_of(&b).store.applied(), 0);
    let mut out = Out::new(1);
    b.on_message(4, PbMsg::Forward { epoch: 6, from: 1, recs: vec![rec(1, 2, "k", "a"), rec(2, 6, "k", "b")] }, &mut out);
    assert_eq!(sends(&out), vec![(4, PbMsg::ForwardAck { epoch: 6, applied: 2, boot: 1, ok: true })]);
    assert_eq!(replica_of(&b).store.kv.get("k").map(String::as_str), Some("b"));
    // A gap: it says how far it got.
    let mut out = Out::new(2);
    b.on_message(4, PbMsg::Forward { epoch: 6, from: 5, recs: vec![rec(5, 6, "k", "e")] }, &mut out);
    assert_eq!(sends(&out), vec![(4, PbMsg::ForwardAck { epoch: 6, applied: 2, boot: 1, ok: true })]);
    // A newer epoch replaces all it held: its records may never have reached the log.
    let mut out = Out::new(3);
    b.on_message(5, PbMsg::Forward { epoch: 9, from: 3, recs: vec![] }, &mut out);
    assert_eq!(sends(&out), vec![(5, PbMsg::ForwardAck { epoch: 9, applied: 0, boot: 1, ok: true })]);
    assert_eq!(replica_of(&b).epoch, 9);
    // The planted bug applies the old primary's forward.
    let mut b = backup(3, 6, Some("backup_accepts_old_epoch"));
    let mut out = Out::new(0);
    b.on_message(5, PbMsg::Forward { epoch: 2, from: 1, recs: vec![rec(1, 2, "k", "old")] }, &mut out);
    assert_eq!(sends(&out), vec![(5, PbMsg::ForwardAck { epoch: 2, applied: 1, boot: 1, ok: true })]);
}

/// MIT 6.824: the primary replies only once the backup has the operation; HBase: the edit
/// is in the WAL first.
#[test]
fn a_write_is_acknowledged_once_logged_and_applied_by_every_backup_in_the_view() {
    let mut p = primary(5, 2, None);
    let mut out = Out::new(1_000);
    p.on_request(77, put("k", "v"), &mut out);
    let r = Rec { seq: 1, epoch: 2, client: 9, serial: 1, key: "k".into(), value: "v".into() };
    assert_eq!(
        sends(&out),
        vec![(STORAGE, PbMsg::Append { epoch: 2, recs: vec![r.clone()] }), (3, PbMsg::Forward { epoch: 2, from: 1, recs: vec![r.clone()] }), (4, PbMsg::Forward { epoch: 2, from: 1, recs: vec![r.clone()] })]
    );
    assert!(replies(&out).is_empty());
    let mut out = Out::new(2_000);
    p.on_message(STORAGE, PbMsg::AppendAck { epoch: 2, last: 1, ok: true }, &mut out);
    p.on_message(3, PbMsg::ForwardAck { epoch: 2, applied: 1, boot: 1, ok: true }, &mut out);
    assert!(replies(&out).is_empty(), "n4 has not applied it");
    p.on_message(4, PbMsg::ForwardAck { epoch: 2, applied: 1, boot: 1, ok: true }, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Ok(None)]);
    assert_eq!(replica_of(&p).store.kv.get("k").map(String::as_str), Some("v"));
    // A retry of the same call is answered from the session, not applied again.
    let mut out = Out::new(3_000);
    p.on_request(78, put("k", "v"), &mut out);
    assert_eq!((replies(&out), sends(&out)), (vec![PbReply::Ok(None)], vec![]));
    // The planted bug answers once the log has it.
    let mut p = primary(5, 2, Some("ack_before_backups_apply"));
    p.on_request(77, put("k", "v"), &mut Out::new(1_000));
    let mut out = Out::new(2_000);
    p.on_message(STORAGE, PbMsg::AppendAck { epoch: 2, last: 1, ok: true }, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Ok(None)]);
}

#[test]
fn a_silent_backup_leaves_the_view_and_a_restarted_one_rejoins_once_caught_up() {
    let mut p = primary(5, 2, None);
    p.on_request(77, put("k", "v"), &mut Out::new(1_000));
    p.on_message(STORAGE, PbMsg::AppendAck { epoch: 2, last: 1, ok: true }, &mut Out::new(2_000));
    p.on_message(3, PbMsg::ForwardAck { epoch: 2, applied: 1, boot: 1, ok: true }, &mut Out::new(300_000));
    let mut out = Out::new(500_000);
    p.on_timer(PbTimer::Resend, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Ok(None)], "n4, silent past backup_timeout_us, left the view");
    assert_eq!(replica_of(&p).view(), vec![3]);
    // n3 restarted (boot 2) with nothing: out of the view, sent the whole log.
    let mut out = Out::new(510_000);
    p.on_message(3, PbMsg::ForwardAck { epoch: 2, applied: 0, boot: 2, ok: true }, &mut out);
    assert_eq!(replica_of(&p).view(), Vec::<u32>::new());
    assert_eq!(sends(&out), vec![(3, PbMsg::Forward { epoch: 2, from: 1, recs: replica_of(&p).store.log.clone() })]);
    p.on_message(3, PbMsg::ForwardAck { epoch: 2, applied: 1, boot: 2, ok: true }, &mut Out::new(520_000));
    assert_eq!(replica_of(&p).view(), vec![3]);
}

#[test]
fn a_deposed_primary_steps_down_when_the_log_or_a_backup_says_so() {
    let mut p = primary(5, 2, None);
    p.on_request(77, put("k", "v"), &mut Out::new(1_000));
    let mut out = Out::new(2_000);
    p.on_message(STORAGE, PbMsg::AppendAck { epoch: 2, last: 0, ok: false }, &mut out);
    assert_eq!(replica_of(&p).role, Role::Backup);
    assert!(replies(&out).is_empty(), "the write is not acknowledged");
    let mut out = Out::new(3_000);
    p.on_request(78, PbRequest::Get { key: "k".into() }, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Redirect(None)], "it no longer serves");
    let mut p = primary(5, 2, None);
    p.on_message(4, PbMsg::ForwardAck { epoch: 6, applied: 0, boot: 1, ok: false }, &mut Out::new(1_000));
    assert_eq!(replica_of(&p).role, Role::Backup);
    assert_eq!(replica_of(&p).fenced, Some(2), "it does not take epoch 2 up again");
}

#[test]
fn a_primary_serves_reads_only_while_its_lease_runs() {
    let mut p = primary(5, 2, None);
    let mut out = Out::new(9_000_000);
    p.on_request(1, PbRequest::Get { key: "k".into() }, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Ok(None)]);
    let mut out = Out::new(10_000_000);
    p.on_request(2, PbRequest::Get { key: "k".into() }, &mut out);
    assert_eq!(replies(&out), vec![PbReply::Redirect(None)], "its lease has run out");
}

/// Holding the lock: fence, replay, then serve (HBase: the region reopens only after its
/// WAL is replayed); the planted bug serves at once.
#[test]
fn the_lock_holder_fences_and_replays_before_it_serves() {
    for bug in [None, Some("serve_before_replay")] {
        let mut n = backup(3, 2, bug);
        let r = replica_mut(&mut n);
        r.lock.phase = Phase::Holding;
        r.lock.my_node = Some(("/lock/n-0000000004".into(), 7));
        r.lock.lease_until_us = 10_000_000;
        let mut out = Out::new(1_000);
        // Any lock-service message runs the holder's check.
        n.on_message(1, PbMsg::Lock(LockMsg::WriteAck { token: 0, seq: 0, accepted: true }), &mut out);
        assert_eq!(sends(&out), vec![(STORAGE, PbMsg::Fence { epoch: 7 })]);
        let mut out = Out::new(2_000);
        n.on_request(5, PbRequest::Get { key: "k".into() }, &mut out);
        let early = if bug.is_some() { PbReply::Ok(None) } else { PbReply::Redirect(None) };
        assert_eq!(replies(&out), vec![early], "{bug:?}");
        let mut out = Out::new(3_000);
        n.on_message(STORAGE, PbMsg::FenceAck { epoch: 7, ok: true, log: vec![rec(1, 2, "k", "a"), rec(2, 2, "k", "b")] }, &mut out);
        let r = replica_of(&n);
        assert_eq!((r.role, r.replayed, r.store.kv.get("k").map(String::as_str)), (Role::Primary { epoch: 7 }, Some(2), Some("b")));
        let mut out = Out::new(4_000);
        n.on_request(6, PbRequest::Get { key: "k".into() }, &mut out);
        assert_eq!(replies(&out), vec![PbReply::Ok(Some("b".into()))]);
    }
}

// ---- the checks, each fed states that break it ------------------------------------------

fn cluster(replicas: Vec<(u32, PbNode)>, st: Option<WalDisk>) -> Vec<Option<PbNode>> {
    let mut nodes: Vec<Option<PbNode>> = (0..N).map(|_| None).collect();
    for (id, n) in replicas {
        nodes[id as usize] = Some(n);
    }
    if let Some(d) = st {
        let mut s = Storage::new(false, false);
        s.restore(d);
        nodes[STORAGE as usize] = Some(PbNode::Storage(s));
    }
    nodes
}

fn violations(nodes: &[Option<PbNode>], at: u32, checker: &mut PbChecker) -> Vec<String> {
    let ctx = CheckCtx { event_index: 1, now_us: 1, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(at), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out.into_iter().map(|v| format!("{}: {}", v.property, v.explanation)).collect()
}

fn checker() -> PbChecker {
    PbChecker::new(&PbConfig::default(), N)
}

#[test]
fn one_primary_per_epoch_catches_two_primaries_of_one_epoch_at_once_or_in_turn() {
    let nodes = cluster(vec![(4, primary(4, 3, None)), (5, primary(5, 3, None))], None);
    let mut c = checker();
    assert!(violations(&nodes, 4, &mut c).is_empty());
    assert!(violations(&nodes, 5, &mut c)[0].starts_with("One primary per epoch: n5 acts as primary of epoch 3"));
    // One after the other: n4 led epoch 3 and crashed; n3 later claims epoch 3 too.
    let mut c = checker();
    violations(&cluster(vec![(4, primary(4, 3, None))], None), 4, &mut c);
    let later = cluster(vec![(3, primary(3, 3, None))], None);
    assert!(violations(&later, 3, &mut c)[0].starts_with("One primary per epoch"));
}

#[test]
fn log_files_fenced_catches_a_record_after_the_seal() {
    let mut d = WalDisk::default();
    d.files.insert(2, LogFile { recs: vec![rec(1, 2, "k", "a"), rec(2, 2, "k", "z")], sealed_at: Some(1) });
    d.files.insert(6, LogFile::default());
    let v = violations(&cluster(vec![], Some(d)), STORAGE, &mut checker());
    assert_eq!(v, vec!["Log files fenced: epoch 2's log file took 1 record(s) after epoch 6 fenced it at 1".to_string()]);
}

/// A primary that acknowledged #1 while backup n3 lacks it, or holds another record there.
#[test]
fn acknowledged_on_every_backup_catches_a_missing_or_a_different_record() {
    let mut p = primary(5, 2, None);
    let r = replica_mut(&mut p);
    r.store.apply(rec(1, 2, "k", "v"));
    r.acked_writes = 1;
    r.last_ack = Some((1, vec![(3, 1)]));
    let lacking = backup(3, 2, None);
    let mut other = backup(3, 2, None);
    replica_mut(&mut other).store.apply(rec(1, 2, "k", "other"));
    for (b, why) in [(lacking, "had applied only 0"), (other, "holds another record there")] {
        let v = violations(&cluster(vec![(3, b), (5, p.clone())], None), 5, &mut checker());
        assert!(v.len() == 1 && v[0].starts_with("Acknowledged on every backup") && v[0].ends_with(why), "{v:?}");
    }
    // A backup that restarted since it answered lost it honestly.
    let mut restarted = backup(3, 2, None);
    replica_mut(&mut restarted).lock.incarnation = 2;
    assert!(violations(&cluster(vec![(3, restarted), (5, p)], None), 5, &mut checker()).is_empty());
}

#[test]
fn backups_follow_their_primary_catches_a_foreign_record_or_a_longer_log() {
    let mut p = primary(5, 2, None);
    replica_mut(&mut p).store.apply(rec(1, 2, "k", "v"));
    let mut foreign = backup(3, 2, None);
    replica_mut(&mut foreign).store.apply(rec(1, 1, "k", "zombie"));
    let mut longer = backup(3, 2, None);
    replica_mut(&mut longer).store.apply(rec(1, 2, "k", "v"));
    replica_mut(&mut longer).store.apply(rec(2, 2, "k", "w"));
    for b in [foreign, longer] {
        let v = violations(&cluster(vec![(3, b), (5, p.clone())], None), 3, &mut checker());
        assert!(v.len() == 1 && v[0].starts_with("Backups follow their primary"), "{v:?}");
    }
}

#[test]
fn fenced_at_the_backups_catches_an_old_primary_obeyed() {
    let mut b = backup(3, 6, None);
    replica_mut(&mut b).served = (2, 6);
    let v = violations(&cluster(vec![(3, b)], None), 3, &mut checker());
    assert_eq!(v, vec!["Fenced at the backups: n3 followed epoch 6 but applied what epoch 2's primary forwarded".to_string()]);
}

#[test]
fn liveness_asks_for_one_primary_and_every_replica_in_its_view_with_its_log() {
    let lone = cluster(vec![(5, primary(5, 2, None))], None);
    assert_eq!(PbNode::check_liveness(&lone), Ok(()));
    let two = cluster(vec![(4, primary(4, 3, None)), (5, primary(5, 2, None))], None);
    assert!(PbNode::check_liveness(&two).unwrap_err().contains("2 replicas act as primary"));
    let outside = cluster(vec![(5, primary(5, 2, None)), (LONE, backup(LONE, 1, None))], None);
    assert!(PbNode::check_liveness(&outside).unwrap_err().contains("not a backup in n5's view"));
}

// ---- the presets ------------------------------------------------------------------------

fn run(name: &str, until_us: u64) -> History<PbNode> {
    let mut s = (presets::find(name).unwrap().build)();
    s.playhead_us = until_us;
    build_typed::<PbNode>(&s, false).unwrap()
}

fn role_of(h: &History<PbNode>, id: u32) -> Option<Role> {
    h.sim().nodes()[id as usize].as_ref().and_then(PbNode::as_replica).map(|r| r.role)
}

#[test]
fn the_presets_end_as_their_captions_say() {
    let expect = [
        ("primary-backup-steady", None, "c160c21f0e5ee092"),
        ("primary-backup-failover", None, "184c59bda94117f3"),
        ("primary-backup-replay", None, "a87c1f5785c07b0f"),
        ("primary-backup-zombie-fenced", None, "b0892b23a3c38496"),
        ("primary-backup-zombie-unfenced", Some("Log files fenced"), "7438a4856e4335bb"),
        ("primary-backup-bug-backup-accepts-old-epoch", Some("Fenced at the backups"), "e55815ef0fb63c7f"),
        ("primary-backup-bug-serve-before-replay", Some("Linearizability"), "c5ae4a4f1cdbfd7e"),
        ("primary-backup-bug-ack-before-backups-apply", Some("Acknowledged on every backup"), "b9bd1558698fe2f1"),
        ("primary-backup-storage-crash", None, "dfa072913dce6da4"),
        ("primary-backup-bug-ack-before-sync", Some("Linearizability"), "7bc4dc409f86bffc"),
    ];
    for (name, property, hash) in expect {
        let h = run(name, 6_000_000);
        assert_eq!(h.sim().violations().first().map(|v| v.property.as_str()), property, "{name}");
        if property.is_none() {
            assert_eq!(PbNode::check_liveness(h.sim().nodes()), Ok(()), "{name}");
        }
        assert_eq!(hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed (links to this preset would replay differently)");
    }
}

#[test]
fn the_first_primary_crashes_and_the_next_one_replays_the_log() {
    let before = run("primary-backup-failover", 1_100_000);
    assert!(matches!(role_of(&before, FIRST_PRIMARY), Some(Role::Primary { .. })), "n{FIRST_PRIMARY} is the first primary");
    let after = run("primary-backup-failover", 5_000_000);
    let Some(Role::Primary { epoch }) = role_of(&after, OTHER_BACKUP) else { panic!("n{OTHER_BACKUP} took over: {:?}", role_of(&after, OTHER_BACKUP)) };
    let p = after.sim().nodes()[OTHER_BACKUP as usize].as_ref().and_then(PbNode::as_replica).unwrap();
    assert!(p.replayed.unwrap() > 0 && epoch > 2, "it replayed the log under a higher epoch");
    assert_eq!(role_of(&after, FIRST_PRIMARY), Some(Role::Backup), "the restarted n5 is a backup");
}

#[test]
fn the_lone_survivor_serves_what_the_log_holds_and_the_zombie_is_fenced() {
    let h = run("primary-backup-replay", 5_000_000);
    let r = h.sim().nodes()[LONE as usize].as_ref().and_then(PbNode::as_replica).unwrap();
    assert!(matches!(r.role, Role::Primary { .. }) && r.replayed.unwrap() >= 10, "n3 replayed everything: {:?}", r.replayed);
    let h = run("primary-backup-zombie-fenced", 5_000_000);
    let z = h.sim().nodes()[FIRST_PRIMARY as usize].as_ref().and_then(PbNode::as_replica).unwrap();
    assert_eq!((z.role, z.fenced), (Role::Backup, Some(2)), "the zombie stepped down from epoch 2");
    let st = h.sim().nodes()[STORAGE as usize].as_ref().and_then(PbNode::as_storage).unwrap();
    let f = st.disk.files.get(&2).unwrap();
    assert_eq!(f.sealed_at, Some(f.recs.len()), "nothing entered the sealed file");
}
