//! Checkers that can fail for more than their own bug (DESIGN.md, Checks): each hardened or
//! new checker is shown a mutation only it catches, and the other checkers of its protocol
//! stay quiet. The mutations are hand-made states fed to the checkers as the simulator
//! would after an event (here a Raft server that rewrites its log without a cut, and a
//! commit that servers now down would undo).

use clusterlab::protocols::raft::invariants::RaftChecker;
use clusterlab::protocols::raft::{Entry, Kv, KvCommand, RaftConfig, RaftDurable, RaftKv, RaftMsg, RaftWrite, Role};
use clusterlab::sim::{CheckCtx, Checker, Disk, NodeEnv, Out, Protocol, Violation};

/// The properties `checker` reports after an event at `node`, as the simulator calls it.
fn check_at<P: Protocol>(checker: &mut P::Checker, nodes: &[Option<P>], disks: &[Disk<P::Durable>], node: u32, now_us: u64) -> Vec<Violation> {
    let ctx = CheckCtx { event_index: 1, now_us, nodes, clocks: &[], disks, sent: &[], replies: &[], requests: &[], node: Some(node), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out
}

fn names(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|v| v.property.as_str()).collect()
}

// ---- Raft: Log Matching and Leader Append-Only keep their own hashes ----------------------

fn put(term: u64, value: &str) -> Entry<KvCommand> {
    Entry { term, cmd: Some(KvCommand::Put { key: "k".into(), value: value.into() }) }
}

/// `n` servers in `term`, each with `log`; n0 leads.
fn raft_cluster(n: u32, term: u64, log: &[Entry<KvCommand>], config: &RaftConfig) -> Vec<Option<RaftKv>> {
    (0..n)
        .map(|id| {
            let mut r = RaftKv::new(NodeEnv { id, n }, config);
            (r.current_term, r.log) = (term, log.to_vec());
            r.role = if id == 0 { Role::Leader } else { Role::Follower };
            Some(r)
        })
        .collect()
}

fn raft_check(c: &mut RaftChecker<Kv>, nodes: &[Option<RaftKv>], node: u32) -> Vec<Violation> {
    check_at::<RaftKv>(c, nodes, &[], node, 0)
}

fn seen_by_all(c: &mut RaftChecker<Kv>, nodes: &[Option<RaftKv>]) {
    for id in 0..nodes.len() as u32 {
        assert_eq!(raft_check(c, nodes, id), vec![], "n{id} before the mutation");
    }
}

// Raft §5.3: a follower changes the command of an entry it holds, in place: same index,
// same term, another entry than the leader's. No cut was made, so the old checker (which
// re-hashed only past the node's own record of its last cut) looked at nothing.
#[test]
fn log_matching_catches_an_entry_rewritten_in_place() {
    let config = RaftConfig::default();
    let mut nodes = raft_cluster(3, 2, &[put(1, "a"), put(2, "b")], &config);
    let mut c = RaftChecker::new(&config, 3);
    seen_by_all(&mut c, &nodes);
    nodes[1].as_mut().unwrap().log[1] = put(2, "c");
    let v = raft_check(&mut c, &nodes, 1);
    assert_eq!(names(&v), vec!["Log Matching"]);
    assert!(v[0].explanation.contains("index 2 of term 2"), "{}", v[0].explanation);
}

// The same rewrite deep in a log whose later entries are untouched: the walk back from the
// end stops at once, and the re-hash of one older entry per event finds it within one pass.
#[test]
fn log_matching_finds_a_rewrite_in_the_middle_within_one_pass() {
    let config = RaftConfig::default();
    let log: Vec<_> = (1..=6).map(|i| put(2, &format!("v{i}"))).collect();
    let mut nodes = raft_cluster(3, 2, &log, &config);
    let mut c = RaftChecker::new(&config, 3);
    seen_by_all(&mut c, &nodes);
    nodes[1].as_mut().unwrap().log[1] = put(2, "rewritten");
    let events: Vec<Vec<Violation>> = (0..log.len()).map(|_| raft_check(&mut c, &nodes, 1)).collect();
    let hit: Vec<&Vec<Violation>> = events.iter().filter(|v| !v.is_empty()).collect();
    assert_eq!(hit.len(), 1, "reported at exactly one event: {events:?}");
    assert!(hit[0].iter().all(|v| v.property == "Log Matching"), "{:?}", hit[0]);
    assert!(hit[0][0].explanation.contains("index 2 "), "{}", hit[0][0].explanation);
}

// Raft §5.3 (Figure 3): a leader of term 3 replaces the uncommitted term-2 tail it was
// elected with by entries of its own term, in place. No other log holds those entries, so
// Log Matching has nothing to compare; the old checker re-hashed only the entry past the
// old length and so kept the old prefix. Leader Append-Only sees its own record change.
#[test]
fn leader_append_only_catches_a_leader_replacing_its_tail_in_place() {
    let config = RaftConfig::default();
    let mut nodes = raft_cluster(3, 3, &[put(1, "a"), put(2, "b"), put(2, "c")], &config);
    for follower in nodes.iter_mut().skip(1).flatten() {
        follower.log.truncate(1);
    }
    let mut c = RaftChecker::new(&config, 3);
    seen_by_all(&mut c, &nodes);
    nodes[0].as_mut().unwrap().log = vec![put(1, "a"), put(3, "x"), put(3, "y"), put(3, "z")];
    let v = raft_check(&mut c, &nodes, 0);
    assert_eq!(names(&v), vec!["Leader Append-Only"]);
    assert!(v[0].explanation.contains("leader n0 of term 3 had 3 entries"), "{}", v[0].explanation);
}

// ---- Raft: Leader Completeness counts crashed servers' logs -------------------------------

/// A disk holding `log`, synced (a crashed server's stable storage).
fn disk_with(log: &[Entry<KvCommand>]) -> Disk<RaftDurable<KvCommand>> {
    let mut d = Disk::new();
    for e in log {
        d.write(RaftWrite::Append(e.clone()));
    }
    d.sync();
    d
}

/// Figure 8 (c) of the Raft paper with S2-S4 down: S1 (n0) leads term 4 and, with the bug
/// `commit_old_term`, counts the term-2 entry at index 2 committed on S1-S3. S5 (n4), whose
/// log ends in term 3, lacks it; live, only S1 and S5 vote, and S1 would not elect S5. The
/// crashed S2-S4 restart with the logs on their disks, and S5's log is at least as
/// up-to-date as theirs: they would elect S5, which would overwrite the entry.
fn figure_8_with_three_down(config: &RaftConfig) -> (Vec<Option<RaftKv>>, Vec<Disk<RaftDurable<KvCommand>>>) {
    let noop = |term| Entry { term, cmd: None };
    let logs: [Vec<Entry<KvCommand>>; 5] = [vec![noop(1), noop(2), noop(4)], vec![noop(1), noop(2)], vec![noop(1), noop(2)], vec![noop(1)], vec![noop(1), noop(3)]];
    let mut nodes = raft_cluster(5, 4, &[], config);
    for (r, log) in nodes.iter_mut().flatten().zip(&logs) {
        r.log = log.clone();
    }
    let disks: Vec<_> = logs.iter().map(|l| disk_with(l)).collect();
    let s1 = nodes[0].as_mut().unwrap();
    s1.match_index = vec![3, 2, 2, 0, 0];
    let mut out = Out::new(0);
    s1.on_message(2, RaftMsg::AppendEntriesResponse { term: 4, success: true, match_index: 2, read_seq: Default::default() }, &mut out);
    for down in 1..4 {
        nodes[down] = None;
    }
    (nodes, disks)
}

#[test]
fn leader_completeness_counts_the_logs_of_crashed_servers_as_voters() {
    for (version, bug, want) in [(3, true, vec!["Leader Completeness"]), (2, true, vec![]), (3, false, vec![])] {
        let config = RaftConfig { version, bug: bug.then(|| "commit_old_term".into()), ..RaftConfig::default() };
        let (nodes, disks) = figure_8_with_three_down(&config);
        assert_eq!(nodes[0].as_ref().unwrap().commit_index, if bug { 2 } else { 0 });
        let mut c = RaftChecker::new(&config, 5);
        let v = check_at::<RaftKv>(&mut c, &nodes, &disks, 0, 0);
        assert_eq!(names(&v), want, "version {version}, bug {bug}");
        if let Some(v) = v.first() {
            assert!(v.explanation.contains("n4 lacks it") && v.explanation.contains("n1, n2, n3, n4"), "{}", v.explanation);
        }
        let without_disks = check_at::<RaftKv>(&mut RaftChecker::new(&config, 5), &nodes, &[], 0, 0);
        assert_eq!(names(&without_disks), Vec::<&str>::new(), "live servers alone would not elect n4");
    }
}
