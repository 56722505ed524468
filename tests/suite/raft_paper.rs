//! Raft paper and reference-implementation cases, each tagged with its source: exact-effect
//! handler tests on single nodes and small clusters driven through the simulator.

use clusterlab::protocols::raft::*;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{ClientOp, Effect, EffectOf, Fault, History, NodeEnv, Out, Protocol, TimedFault};
use serde_json::json;

type Msg = RaftMsg<KvCommand>;
type E = EffectOf<RaftKv>;

fn hard_state(term: u64, voted_for: Option<u32>) -> E {
    Effect::Write(RaftWrite::HardState { term, voted_for })
}

fn node(id: u32, n: u32) -> RaftKv {
    RaftKv::new(NodeEnv { id, n }, &RaftConfig::default())
}

fn effects(r: &mut RaftKv, f: impl FnOnce(&mut RaftKv, &mut Out<RaftKv>)) -> Vec<E> {
    let mut out = Out::new(0);
    f(r, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn put(k: &str) -> KvCommand {
    KvCommand::Put { key: k.into(), value: "v".into() }
}

fn entry(term: u64) -> Entry<KvCommand> {
    Entry { term, cmd: None }
}

fn cluster(n: u32, seed: u64, faults: Vec<(u64, Fault)>, config: serde_json::Value) -> History<RaftKv> {
    let mut s = Scenario::new("raft", n, seed);
    s.config = config;
    s.faults = faults.into_iter().map(|(at_us, fault)| TimedFault { at_us, after_event: None, fault }).collect();
    build_typed::<RaftKv>(&s, false).unwrap()
}

fn leaders(h: &History<RaftKv>) -> Vec<u32> {
    h.sim().nodes().iter().flatten().filter(|r| r.role == Role::Leader).map(|r| r.id()).collect()
}

// Raft Figure 2 (Rules for Servers, Followers): on election timeout a follower becomes a
// candidate: increments currentTerm, votes for itself, writes both and syncs them before
// sending RequestVote to all.
#[test]
fn election_timeout_starts_an_election_exactly() {
    let mut r = node(0, 3);
    let e = effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    let rv = Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 };
    assert_eq!(
        e,
        vec![
            hard_state(1, Some(0)),
            Effect::Sync,
            Effect::Send { to: 1, msg: rv.clone() },
            Effect::Send { to: 2, msg: rv },
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
        ]
    );
    assert_eq!((r.role, r.current_term, r.voted_for), (Role::Candidate, 1, Some(0)));
}

// Raft §5.4.1 (raft-rs test_vote_request / test_leader_election_with_stale_log): a
// candidate whose log is less up-to-date is refused; the higher term it brought is on
// stable storage before the refusal goes out (Figure 2).
#[test]
fn candidate_with_a_stale_log_loses_the_vote() {
    let mut r = node(1, 3);
    r.log = vec![entry(1), entry(2)];
    r.current_term = 2;
    let e = effects(&mut r, |r, out| r.on_message(0, Msg::RequestVote { term: 3, last_log_index: 5, last_log_term: 1 }, out));
    assert_eq!(e, vec![hard_state(3, None), Effect::Sync, Effect::Send { to: 0, msg: Msg::RequestVoteResponse { term: 3, vote_granted: false } }]);
    assert_eq!(r.voted_for, None, "stepped to term 3 but did not vote");
}

// Figure 2 RequestVote receiver rule 2: one vote per term.
#[test]
fn one_vote_per_term() {
    let mut r = node(2, 3);
    effects(&mut r, |r, out| r.on_message(0, Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 }, out));
    let e = effects(&mut r, |r, out| r.on_message(1, Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 }, out));
    assert_eq!(e, vec![Effect::Send { to: 1, msg: Msg::RequestVoteResponse { term: 1, vote_granted: false } }]);
}

// Figure 2 AppendEntries receiver rule 1 (raft-rs test_handle_msg_append, old messages
// ignored): a stale term is refused.
#[test]
fn old_term_append_entries_is_refused() {
    let mut r = node(1, 3);
    r.current_term = 5;
    let e = effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 4, prev_log_index: 0, prev_log_term: 0, entries: vec![entry(4)], leader_commit: 1, read_seq: Default::default() }, out)
    });
    assert_eq!(e, vec![Effect::Send { to: 0, msg: Msg::AppendEntriesResponse { term: 5, success: false, match_index: 0, read_seq: Default::default() } }]);
    assert!(r.log.is_empty());
}

// Figure 2 AppendEntries receiver rules 2-5 (raft-rs test_follower_append_entries): the
// consistency check, conflict truncation, and commit = min(leaderCommit, last new). The
// truncation and the new entries are written and synced before the success reply.
#[test]
fn append_entries_consistency_check_truncation_and_commit() {
    let mut r = node(1, 3);
    r.log = vec![entry(1), entry(1), entry(2)];
    r.current_term = 3;
    let miss = effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 3, prev_log_index: 3, prev_log_term: 3, entries: vec![], leader_commit: 0, read_seq: Default::default() }, out)
    });
    assert_eq!(
        miss,
        vec![
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
            Effect::Send { to: 0, msg: Msg::AppendEntriesResponse { term: 3, success: false, match_index: 2, read_seq: Default::default() } },
        ],
        "nothing written, nothing to sync"
    );
    let e = effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 3, prev_log_index: 2, prev_log_term: 1, entries: vec![entry(3), entry(3)], leader_commit: 9, read_seq: Default::default() }, out)
    });
    assert_eq!(r.log, vec![entry(1), entry(1), entry(3), entry(3)], "the conflicting term-2 entry was replaced");
    assert_eq!(r.commit_index, 4, "min(leaderCommit 9, last new 4)");
    assert_eq!(
        e,
        vec![
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
            Effect::Write(RaftWrite::TruncateFrom(3)),
            Effect::Write(RaftWrite::Append(entry(3))),
            Effect::Write(RaftWrite::Append(entry(3))),
            Effect::Sync,
            Effect::Send { to: 0, msg: Msg::AppendEntriesResponse { term: 3, success: true, match_index: 4, read_seq: Default::default() } },
        ]
    );
}

// Figure 2 rule 3: entries that already match are not truncated (an old, shorter
// AppendEntries arriving late must not cut the log).
#[test]
fn a_late_shorter_append_does_not_truncate_matching_entries() {
    let mut r = node(1, 3);
    r.current_term = 1;
    r.log = vec![entry(1), entry(1), entry(1)];
    effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![entry(1)], leader_commit: 0, read_seq: Default::default() }, out)
    });
    assert_eq!(r.log.len(), 3);
}

// raft-rs test_leader_append_response reordering: matchIndex never moves backwards.
#[test]
fn reordered_append_responses_never_move_match_index_backwards() {
    let mut r = node(0, 3);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 1, vote_granted: true }, out));
    assert_eq!(r.role, Role::Leader);
    effects(&mut r, |r, out| r.on_request(1, put("a"), out));
    effects(&mut r, |r, out| r.on_message(1, Msg::AppendEntriesResponse { term: 1, success: true, match_index: 2, read_seq: Default::default() }, out));
    effects(&mut r, |r, out| r.on_message(1, Msg::AppendEntriesResponse { term: 1, success: true, match_index: 1, read_seq: Default::default() }, out));
    assert_eq!(r.match_index[1], 2);
    assert_eq!(r.commit_index, 2);
}

// Raft §5.2 / raft-rs test_leader_election: 3-, 4- and 5-node clusters elect a leader
// even with a minority of nodes dead, and cannot without a majority.
#[test]
fn leader_election_with_dead_nodes() {
    for (n, dead, expect) in [(3, vec![2], true), (4, vec![3], true), (5, vec![3, 4], true), (3, vec![1, 2], false), (4, vec![2, 3], false), (5, vec![2, 3, 4], false)] {
        let faults = dead.iter().map(|d| (0, Fault::Crash { node: *d })).collect();
        let mut h = cluster(n, 11, faults, serde_json::Value::Null);
        h.run_until(3_000_000);
        assert_eq!(leaders(&h).len() == 1, expect, "n={n} dead={dead:?}");
    }
}

// raft-rs test_dueling_candidates / test_candidate_concede: a candidate that rejoins with
// a higher term forces an election, and only an up-to-date node can win.
#[test]
fn dueling_candidates_and_a_candidate_concedes_after_rejoining() {
    let mut h = cluster(3, 12, vec![(0, Fault::Partition { groups: vec![vec![2]] }), (10_000, Fault::TimeoutNow { node: 0 })], serde_json::Value::Null);
    h.run_until(500_000);
    assert_eq!(leaders(&h), vec![0]);
    assert_eq!(h.sim().node(2).unwrap().role, Role::Candidate, "the isolated node keeps campaigning");
    h.inject(Fault::Request { node: 0, op: ClientOp::Put { key: "a".into(), value: "1".into() } });
    h.run_until(800_000);
    h.inject(Fault::HealAll);
    h.run_until(3_000_000);
    let l = leaders(&h);
    assert_eq!(l.len(), 1);
    assert_ne!(l[0], 2, "n2's log is behind: it cannot win");
    assert_eq!(h.sim().node(2).unwrap().sm.value("a"), Some("1"), "n2 conceded and caught up");
}

// Raft §5.4.2 / raft-rs test_commit_without_new_term_entry and test_single_node_commit.
#[test]
fn proposals_commit_only_with_a_live_quorum_and_a_single_node_commits_alone() {
    let mut one = cluster(1, 13, vec![(400_000, Fault::Request { node: 0, op: ClientOp::Put { key: "k".into(), value: "v".into() } })], serde_json::Value::Null);
    one.run_until(600_000);
    assert_eq!(one.sim().node(0).unwrap().sm.value("k"), Some("v"));
    let mut h = cluster(3, 14, vec![(10_000, Fault::TimeoutNow { node: 0 })], serde_json::Value::Null);
    h.run_until(300_000);
    h.inject(Fault::Crash { node: 1 });
    h.inject(Fault::Crash { node: 2 });
    h.inject(Fault::Request { node: 0, op: ClientOp::Put { key: "k".into(), value: "v".into() } });
    h.run_until(1_000_000);
    let l = h.sim().node(0).unwrap();
    assert!(l.commit_index < l.last_log_index(), "no quorum, no commit");
    h.inject(Fault::Restart { node: 1 });
    h.run_until(2_000_000);
    assert_eq!(h.sim().node(0).unwrap().sm.value("k"), Some("v"), "a quorum again: it commits");
}

// Raft §5.4.2 (Figure 8): a new leader cannot commit old-term entries by counting replicas
// until an entry of its own term replicates; then both commit.
#[test]
fn new_leader_commits_old_entries_only_with_one_of_its_own_term() {
    let mut r = node(0, 3);
    r.log = vec![entry(1), entry(2)];
    r.current_term = 2;
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 3, vote_granted: true }, out));
    assert_eq!(r.role, Role::Leader);
    assert_eq!(r.log.last().map(|e| e.term), Some(3), "a no-op of term 3 was appended");
    effects(&mut r, |r, out| r.on_message(1, Msg::AppendEntriesResponse { term: 3, success: true, match_index: 2, read_seq: Default::default() }, out));
    assert_eq!(r.commit_index, 0, "index 2 is on a majority but from term 2");
    effects(&mut r, |r, out| r.on_message(1, Msg::AppendEntriesResponse { term: 3, success: true, match_index: 3, read_seq: Default::default() }, out));
    assert_eq!(r.commit_index, 3, "the term-3 entry commits, and everything before it");
}

// Raft Figure 2 (all servers): a higher term in any message turns a leader into a follower.
#[test]
fn higher_term_in_a_response_makes_the_leader_step_down() {
    let mut r = node(0, 3);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 1, vote_granted: true }, out));
    effects(&mut r, |r, out| r.on_message(2, Msg::AppendEntriesResponse { term: 7, success: false, match_index: 0, read_seq: Default::default() }, out));
    assert_eq!((r.role, r.current_term), (Role::Follower, 7));
}

// Raft §5.3: logs overwritten by a later leader (Figure 7 (d)/(f) entries disappear).
#[test]
fn uncommitted_entries_are_overwritten_by_a_later_leader() {
    let config = json!({"initial_logs": [[1, 1], [1, 1], [1, 2, 2, 2]], "initial_terms": [3, 3, 3]});
    let mut h = cluster(3, 15, vec![(0, Fault::Partition { groups: vec![vec![2]] }), (10_000, Fault::TimeoutNow { node: 0 }), (400_000, Fault::HealAll)], config);
    h.run_until(2_000_000);
    let n2 = h.sim().node(2).unwrap();
    assert_eq!(n2.log, h.sim().node(0).unwrap().log);
    assert!(n2.log.iter().all(|e| e.term != 2), "the term-2 entries were never committed and are gone");
}

// Ongaro thesis §9.6: with PreVote an isolated node does not raise its term.
#[test]
fn pre_vote_keeps_an_isolated_node_from_raising_its_term() {
    let mut h = cluster(3, 16, vec![(0, Fault::Partition { groups: vec![vec![2]] })], json!({"pre_vote": true}));
    h.run_until(3_000_000);
    assert_eq!(h.sim().node(2).unwrap().current_term, 0);
    assert_eq!(h.sim().node(2).unwrap().role, Role::PreCandidate);
}

// Ongaro thesis §6.2 / CheckQuorum: a leader that cannot reach a majority steps down.
#[test]
fn check_quorum_makes_a_cut_off_leader_step_down() {
    let mut h = cluster(3, 17, vec![(10_000, Fault::TimeoutNow { node: 0 })], json!({"check_quorum": true}));
    h.run_until(300_000);
    assert_eq!(leaders(&h), vec![0]);
    h.inject(Fault::Partition { groups: vec![vec![0]] });
    h.run_until(1_000_000);
    assert_ne!(h.sim().node(0).unwrap().role, Role::Leader);
}
