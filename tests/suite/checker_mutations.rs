//! Checkers that can fail for more than their own bug (DESIGN.md, Checks): each hardened or
//! new checker is shown a mutation only it catches, and the other checkers of its protocol
//! stay quiet. The mutations are hand-made states fed to the checkers as the simulator
//! would after an event (a node under test that rewrites its log without a cut, declares a
//! member dead before its suspicion timeout, steps a timestamp back, or wakes two waiters
//! with one release), plus full runs where a run shows it better (a crashed member that
//! stays down, the lock service's herd).

use clusterlab::protocols::gossip::invariants::GossipChecker;
use clusterlab::protocols::gossip::{Gossip, GossipConfig, Rumor, Stamp, Update as GossipUpdate};
use clusterlab::protocols::lock::invariants::LockChecker;
use clusterlab::protocols::lock::{LockCommand, LockConfig, LockNode, LockServer, TreeOp};
use clusterlab::protocols::raft::invariants::log_matching::AUDIT_EVERY;
use clusterlab::protocols::raft::invariants::RaftChecker;
use clusterlab::protocols::raft::{Entry, Kv, KvCommand, RaftConfig, RaftDurable, RaftKv, RaftMsg, RaftWrite, Role};
use clusterlab::protocols::swim::invariants::{liveness as swim_liveness, SwimChecker};
use clusterlab::protocols::swim::{Status, Swim, SwimConfig, Update as SwimUpdate};
use clusterlab::scenario::registry::build_typed;
use clusterlab::scenario::{presets, Scenario};
use clusterlab::sim::{CheckCtx, Checker, Disk, Fault, NodeEnv, Out, Protocol, ProtocolConfig, StateMachine, Violation};
use clusterlab::sweep::{sweep_scenario, SweepSpec};

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

// The same rewrite deep in a log whose later entries are untouched: the last entry is as it
// was, and the re-hash of one older entry every AUDIT_EVERY events finds the rewrite within
// that many passes over the log.
#[test]
fn log_matching_finds_a_rewrite_in_the_middle_within_a_few_passes() {
    let config = RaftConfig::default();
    let log: Vec<_> = (1..=6).map(|i| put(2, &format!("v{i}"))).collect();
    let mut nodes = raft_cluster(3, 2, &log, &config);
    let mut c = RaftChecker::new(&config, 3);
    seen_by_all(&mut c, &nodes);
    nodes[1].as_mut().unwrap().log[1] = put(2, "rewritten");
    let passes = AUDIT_EVERY as usize * log.len();
    let events: Vec<Vec<Violation>> = (0..passes).map(|_| raft_check(&mut c, &nodes, 1)).collect();
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
    for down in nodes.iter_mut().take(4).skip(1) {
        *down = None;
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

// ---- SWIM: a Confirm only after the suspicion timeout -------------------------------------

fn swim_cluster(n: u32, config: &SwimConfig) -> Vec<Option<Swim>> {
    (0..n).map(|id| Some(Swim::new(NodeEnv { id, n }, config))).collect()
}

fn swim_check(c: &mut SwimChecker, nodes: &[Option<Swim>], node: u32, now_us: u64) -> Vec<Violation> {
    check_at::<Swim>(c, nodes, &[], node, now_us)
}

fn swim_update(member: u32, status: Status) -> SwimUpdate {
    SwimUpdate { member, incarnation: 0, status }
}

/// n0 suspects n1 at 1 s (the suspicion timeout is 1 s); `lie` sets n0's own record of
/// when the suspicion began back to time 0. Returns what the checkers say after n0's
/// protocol period at `period_us`, and whether n0 then holds n1 dead.
fn suspect_then_period(lie: bool, period_us: u64) -> (Vec<Violation>, bool) {
    let config = SwimConfig::default();
    let mut nodes = swim_cluster(3, &config);
    let mut c = SwimChecker::new(&config, 3);
    let n0 = nodes[0].as_mut().unwrap();
    n0.apply(swim_update(1, Status::Suspect), &mut Out::new(1_000_000));
    assert_eq!(swim_check(&mut c, &nodes, 0, 1_000_000), vec![]);
    let n0 = nodes[0].as_mut().unwrap();
    if lie {
        n0.suspect_since.insert(1, 0);
    }
    n0.handle_period(&mut Out::new(period_us));
    let dead = n0.member(1).status == Status::Confirm;
    (swim_check(&mut c, &nodes, 0, period_us), dead)
}

// SWIM §4.2: n0's record of when its suspicion of n1 began is wrong, so it confirms n1 dead
// 200 ms into a 1 s suspicion timeout. The checker times the suspicion itself.
#[test]
fn confirm_before_the_suspicion_timeout_is_caught() {
    let (v, dead) = suspect_then_period(true, 1_200_000);
    assert!(dead);
    assert_eq!(names(&v), vec!["Confirm only after the suspicion timeout"]);
    assert!(v[0].explanation.contains("after suspecting it for 200 ms of its 1000 ms"), "{}", v[0].explanation);
    let (v, dead) = suspect_then_period(false, 1_200_000);
    assert!(!dead && v.is_empty(), "{v:?}");
    let (v, dead) = suspect_then_period(false, 2_000_000);
    assert!(dead && v.is_empty(), "the timeout ran out: {v:?}");
}

// A member that declares a member dead straight from Alive (skipping the suspicion); a
// member that learns a Confirm some view already held is not declaring it.
#[test]
fn confirm_without_a_suspicion_is_caught_and_a_learned_confirm_is_not() {
    let config = SwimConfig::default();
    let mut nodes = swim_cluster(3, &config);
    let mut c = SwimChecker::new(&config, 3);
    nodes[0].as_mut().unwrap().apply(swim_update(1, Status::Confirm), &mut Out::new(500_000));
    let v = swim_check(&mut c, &nodes, 0, 500_000);
    assert_eq!(names(&v), vec!["Confirm only after the suspicion timeout"]);
    assert!(v[0].explanation.contains("without first suspecting it"), "{}", v[0].explanation);
    nodes[2].as_mut().unwrap().apply(swim_update(1, Status::Confirm), &mut Out::new(600_000));
    assert_eq!(swim_check(&mut c, &nodes, 2, 600_000), vec![]);
}

// SWIM §2, strong completeness: the default sweep's heal leaves some members down (crashed
// once chaos's last undo has run, never restarted); every live member confirms them before
// the liveness bound, and liveness asks nothing of the crashed members themselves. A live
// member still holding a crashed one Alive fails it.
#[test]
fn swim_liveness_asks_every_live_member_to_confirm_members_that_stay_down() {
    let spec = SweepSpec::new("swim");
    let mut seeds_with_members_down = 0;
    for seed in 0..100 {
        let s = sweep_scenario(&spec, seed).expect("a swim sweep seed");
        let down: Vec<u32> = s.faults.iter().filter_map(|f| if let Fault::Crash { node } = f.fault { Some(node) } else { None }).collect();
        let Some(&gone) = down.first() else { continue };
        seeds_with_members_down += 1;
        let h = build_typed::<Swim>(&s, false).expect("builds");
        let nodes = h.sim().nodes();
        assert!(down.iter().all(|d| nodes[*d as usize].is_none()), "seed {seed}: {down:?} stay down");
        assert_eq!(names(h.sim().violations()), Vec::<&str>::new(), "seed {seed}");
        assert_eq!(swim_liveness(nodes), Ok(()), "seed {seed}");
        let mut forgetful = nodes.to_vec();
        forgetful[0].as_mut().unwrap().members.remove(&gone);
        let e = swim_liveness(&forgetful).expect_err("n0 no longer holds the crashed member dead");
        assert!(e.contains(&format!("holds crashed n{gone} as Alive")), "seed {seed}: {e}");
    }
    assert!(seeds_with_members_down >= 20, "only {seeds_with_members_down} of 100 seeds leave a member down");
}

// ---- gossip: a site's timestamp per key never decreases -----------------------------------

fn gossip_check(c: &mut GossipChecker, nodes: &[Option<Gossip>], writes: &[(u32, u64, GossipUpdate)]) -> Vec<Violation> {
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: writes, node: Some(0), restarted: false };
    let mut out = Vec::new();
    c.check(&ctx, &mut out);
    out
}

// Demers §1.1: n0 holds x from a client write stamped 5 ms; then it takes another client's
// older value of x (stamped 3 ms), and later forgets x. Both values were written by clients,
// so Validity has nothing to say.
#[test]
fn a_site_stepping_a_timestamp_back_or_forgetting_a_key_is_caught() {
    let config = GossipConfig::default();
    let mut nodes = vec![Some(Gossip::new(NodeEnv { id: 0, n: 2 }, &config)), None];
    let mut c = GossipChecker::new(&config, 2);
    let write = |value: &str| GossipUpdate { key: "x".into(), value: value.into() };
    let n0 = nodes[0].as_mut().unwrap();
    n0.learn(Rumor { key: "x".into(), value: "new".into(), stamp: Stamp { time_us: 5_000, origin: 0 } }, &mut Out::new(5_000));
    assert_eq!(gossip_check(&mut c, &nodes, &[(0, 1, write("new")), (1, 2, write("old"))]), vec![]);
    let e = nodes[0].as_mut().unwrap().db.get_mut("x").unwrap();
    (e.value, e.stamp) = ("old".into(), Stamp { time_us: 3_000, origin: 1 });
    let v = gossip_check(&mut c, &nodes, &[]);
    assert_eq!(names(&v), vec!["Timestamps never decrease"]);
    assert!(v[0].explanation.contains("timestamp 5000 µs of n0") && v[0].explanation.contains("timestamp 3000 µs of n1"), "{}", v[0].explanation);
    assert_eq!(gossip_check(&mut c, &nodes, &[]), vec![], "each step back is reported once");
    nodes[0].as_mut().unwrap().db.clear();
    assert_eq!(names(&gossip_check(&mut c, &nodes, &[])), vec!["Timestamps never decrease"]);
}

// ---- lock service: No Herd Effect ----------------------------------------------------------

/// One server (n0), three clients (n1-n3), the storage (n4), version 3.
fn lock_config() -> LockConfig {
    let mut c = LockConfig { servers: 1, clients: 3, ..<LockConfig>::default() };
    c.set_version(3);
    c
}

/// n0 having applied `cmds` (committed and applied in one batch).
fn server_after(cmds: &[LockCommand]) -> Vec<Option<LockNode>> {
    let mut s = <LockServer>::new(0, &lock_config());
    for cmd in cmds {
        s.log.log.push(Entry { term: 1, cmd: Some(cmd.clone()) });
        s.log.sm.apply(cmd);
    }
    (s.log.commit_index, s.log.last_applied) = (cmds.len() as u64, cmds.len() as u64);
    vec![Some(LockNode::Server(s)), None, None, None, None]
}

fn op(client: u32, req: u64, op: TreeOp) -> LockCommand {
    LockCommand::Client { client, req, op }
}

fn node_of(client: u64) -> String {
    format!("/lock/n-{:010}", client - 1)
}

/// Sessions s1-s3 for n1-n3, each with a lock node (n1's lowest), n2 watching n1's node,
/// and n3 watching `n3_watches`.
fn queue_with(n3_watches: &str) -> Vec<LockCommand> {
    let mut cmds: Vec<LockCommand> = (1..=3).map(|c| op(c, 1, TreeOp::CreateSession { timeout_us: 1_000_000 })).collect();
    cmds.extend((1..=3).map(|c| op(c, 2, TreeOp::Create { session: u64::from(c), path: "/lock/n-".into(), ephemeral: true, sequential: true })));
    cmds.push(op(2, 3, TreeOp::Exists { session: 2, path: node_of(1), watch: true }));
    cmds.push(op(3, 3, TreeOp::Exists { session: 3, path: n3_watches.into(), watch: true }));
    cmds
}

// ZooKeeper §2.4: n3 watches the holder's node instead of the one just before its own (a
// mistake other than the planted `herd_effect`, which watches `/lock`), so n1's release
// wakes n2 and n3. Nothing is unsafe; only No Herd Effect reports it.
#[test]
fn no_herd_effect_catches_a_release_that_wakes_two_waiters() {
    for (n3_watches, want) in [(node_of(1), vec!["No Herd Effect"]), (node_of(2), vec![])] {
        let mut cmds = queue_with(&n3_watches);
        let mut c = LockChecker::new(&lock_config(), 5);
        assert_eq!(check_at::<LockNode>(&mut c, &server_after(&cmds), &[], 0, 0), vec![]);
        cmds.push(op(1, 3, TreeOp::Delete { session: 1, path: node_of(1) }));
        let v = check_at::<LockNode>(&mut c, &server_after(&cmds), &[], 0, 0);
        assert_eq!(names(&v), want, "n3 watching {n3_watches}");
        if let Some(v) = v.first() {
            assert!(v.explanation.contains("fired 2 watches, waking n2, n3"), "{}", v.explanation);
        }
    }
}

fn run_preset_as_v3(name: &str) -> Vec<String> {
    let s = (presets::find(name).expect("preset").build)();
    let h = build_typed::<LockNode>(&Scenario { version: 3, ..s }, false).expect("builds");
    h.sim().violations().iter().map(|v| v.property.clone()).collect()
}

// The planted bug, in the herd preset's run under version 3: only No Herd Effect fires, at
// releases; the recipe's run is clean. (The presets themselves are version 1 scenarios and
// replay as they always did.)
#[test]
fn the_herd_effect_bug_is_caught_by_no_herd_effect_alone() {
    let herd = run_preset_as_v3("lock-herd-effect");
    assert!(!herd.is_empty() && herd.iter().all(|p| p == "No Herd Effect"), "{herd:?}");
    assert_eq!(run_preset_as_v3("lock-recipe-no-herd"), Vec::<String>::new());
}
