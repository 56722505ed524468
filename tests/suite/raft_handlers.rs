//! Exact-effect handler tests for Raft: feed one input to one node through `Out::new(now)`
//! and assert the exact list of effects (Figure 2 of the Raft paper, §8 client rules,
//! Ongaro's thesis §9.6), plus the checkers on hand-made states.

use clusterlab::protocols::raft::*;
use clusterlab::sim::{CheckCtx, Checker, Effect, EffectOf, NodeEnv, Out, Protocol, Violation};

type Msg = RaftMsg<KvCommand>;
type E = EffectOf<RaftKv>;

fn node_with(id: u32, n: u32, config: RaftConfig) -> RaftKv {
    RaftKv::new(NodeEnv { id, n }, &config)
}

fn node(id: u32, n: u32) -> RaftKv {
    node_with(id, n, RaftConfig::default())
}

fn effects_at(now: u64, r: &mut RaftKv, f: impl FnOnce(&mut RaftKv, &mut Out<RaftKv>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(r, &mut out);
    out.take_effects().into_iter().filter(|e| !matches!(e, Effect::Note(_))).collect()
}

fn effects(r: &mut RaftKv, f: impl FnOnce(&mut RaftKv, &mut Out<RaftKv>)) -> Vec<E> {
    effects_at(0, r, f)
}

fn noop(term: u64) -> Entry<KvCommand> {
    Entry { term, cmd: None }
}

fn put(k: &str, v: &str) -> KvCommand {
    KvCommand::Put { key: k.into(), value: v.into() }
}

/// Node 0 of 3 elected in term 1 (its own vote plus node 1's).
fn leader_of_3() -> RaftKv {
    leader_of_3_with(RaftConfig::default())
}

fn leader_of_3_with(config: RaftConfig) -> RaftKv {
    let mut r = node_with(0, 3, config);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 1, vote_granted: true }, out));
    r
}

/// Version 2's Raft: nextIndex moves only on answers (version 3 pipelines).
fn v2() -> RaftConfig {
    RaftConfig { version: 2, ..RaftConfig::default() }
}

// Raft Figure 2 (Candidates: votes from a majority → leader; Leaders: initial empty
// AppendEntries) and §8 (a new leader appends a no-op of its term). Version 2.
#[test]
fn winning_the_vote_appends_a_no_op_and_sends_append_entries() {
    let mut r = node_with(0, 3, v2());
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    let e = effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 1, vote_granted: true }, out));
    let ae = Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![noop(1)], leader_commit: 0, read_seq: Default::default() };
    assert_eq!(
        e,
        vec![
            Effect::CancelTimer { timer: RaftTimer::Election },
            Effect::Write(RaftWrite::Append(noop(1))),
            Effect::Sync,
            Effect::Send { to: 1, msg: ae.clone() },
            Effect::Send { to: 2, msg: ae },
            Effect::SetTimer { timer: RaftTimer::Heartbeat, min_us: 50_000, max_us: 50_000 },
        ]
    );
    assert_eq!((r.role, r.log.clone(), r.next_index.clone()), (Role::Leader, vec![noop(1)], vec![1, 1, 1]), "nextIndex = last log index + 1, taken before the no-op");
}

// Raft Figure 2 (Leaders: heartbeats during idle periods) and §5.3 (nextIndex). Version 2.
#[test]
fn heartbeat_timer_sends_append_entries_from_next_index_and_rearms() {
    let mut r = leader_of_3_with(v2());
    effects(&mut r, |r, out| r.on_message(1, Msg::AppendEntriesResponse { term: 1, success: true, match_index: 1, read_seq: Default::default() }, out));
    assert_eq!(r.commit_index, 1, "the no-op is on 2 of 3 servers");
    let e = effects(&mut r, |r, out| r.on_timer(RaftTimer::Heartbeat, out));
    assert_eq!(
        e,
        vec![
            Effect::Send { to: 1, msg: Msg::AppendEntries { term: 1, prev_log_index: 1, prev_log_term: 1, entries: vec![], leader_commit: 1, read_seq: Default::default() } },
            Effect::Send { to: 2, msg: Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![noop(1)], leader_commit: 1, read_seq: Default::default() } },
            Effect::SetTimer { timer: RaftTimer::Heartbeat, min_us: 50_000, max_us: 50_000 },
        ]
    );
}

// Thesis §10.2.1 (pipelining), version 3: nextIndex moves past the entries just sent, so
// the next AppendEntries (a heartbeat here) carries what follows without waiting for an
// answer; a rejection backs nextIndex off to the follower's hint (§5.3) and resends.
#[test]
fn version_3_pipelines_append_entries_and_backs_off_on_a_rejection() {
    let mut r = leader_of_3();
    assert_eq!(r.next_index, vec![1, 2, 2], "past the no-op just sent");
    let e = effects(&mut r, |r, out| r.on_request(7, put("x", "1"), out));
    let put_entry = Entry { term: 1, cmd: Some(put("x", "1")) };
    let ae = Msg::AppendEntries { term: 1, prev_log_index: 1, prev_log_term: 1, entries: vec![put_entry.clone()], leader_commit: 0, read_seq: Default::default() };
    assert!(e.contains(&Effect::Send { to: 1, msg: ae.clone() }) && e.contains(&Effect::Send { to: 2, msg: ae }), "{e:?}");
    assert_eq!(r.next_index, vec![1, 3, 3]);
    let e = effects(&mut r, |r, out| r.on_timer(RaftTimer::Heartbeat, out));
    let empty = Msg::AppendEntries { term: 1, prev_log_index: 2, prev_log_term: 1, entries: vec![], leader_commit: 0, read_seq: Default::default() };
    assert_eq!(e[0], Effect::Send { to: 1, msg: empty });
    // Follower 2 lost both: it rejects with its last index 0; the leader resends from 1.
    let e = effects(&mut r, |r, out| r.on_message(2, Msg::AppendEntriesResponse { term: 1, success: false, match_index: 0, read_seq: Default::default() }, out));
    let resend = Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![noop(1), put_entry], leader_commit: 0, read_seq: Default::default() };
    assert_eq!(e, vec![Effect::Send { to: 2, msg: resend }]);
    assert_eq!(r.next_index[2], 3);
}

// Raft §8 (client interaction): a follower refuses with the leader it knows; the
// simulated client follows the hint (Protocol::reply_redirect).
#[test]
fn a_follower_answers_not_leader_with_a_hint() {
    let mut r = node(2, 3);
    effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![], leader_commit: 0, read_seq: Default::default() }, out)
    });
    let e = effects(&mut r, |r, out| r.on_request(7, put("x", "1"), out));
    assert_eq!(e, vec![Effect::Reply { request_id: 7, reply: RaftReply::NotLeader { hint: Some(0) } }]);
    assert_eq!(RaftKv::reply_redirect(&RaftReply::NotLeader { hint: Some(0) }), Some(0));
}

// Raft §8 and Figure 2 (Leaders: respond after the entry is applied): the reply carries
// the state machine's result and comes only once the entry commits and applies.
#[test]
fn the_leader_replies_once_the_entry_applies() {
    let mut r = leader_of_3();
    let e = effects(&mut r, |r, out| r.on_request(9, put("x", "1"), out));
    let entry = Entry { term: 1, cmd: Some(put("x", "1")) };
    assert_eq!(e[..2], [Effect::Write(RaftWrite::Append(entry)), Effect::Sync], "synced before it counts toward a commit");
    assert!(!e.iter().any(|e| matches!(e, Effect::Reply { .. })), "not yet committed");
    let e = effects(&mut r, |r, out| r.on_message(2, Msg::AppendEntriesResponse { term: 1, success: true, match_index: 2, read_seq: Default::default() }, out));
    assert_eq!(e, vec![Effect::Reply { request_id: 9, reply: RaftReply::Applied { index: 2, output: clusterlab::protocols::raft::KvOutput::Value(None) } }]);
    assert_eq!(r.sm.value("x"), Some("1"));
}

// raft-rs test_single_node_commit: a one-node cluster elects itself and commits its no-op
// at once, so the liveness condition holds with no client at all.
#[test]
fn a_single_node_elects_itself_and_commits_alone() {
    let mut r = node(0, 1);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    assert_eq!((r.role, r.commit_index, r.last_applied), (Role::Leader, 1, 1));
    assert_eq!(RaftKv::check_liveness(&[Some(r)]), Ok(()));
}

// Ongaro thesis §9.6 (etcd raft): a PreVote is granted without changing any term; a
// refusal carries the refuser's own term, which a stale pre-candidate adopts.
#[test]
fn pre_vote_grants_echo_the_term_and_refusals_carry_the_real_one() {
    let cfg = RaftConfig { pre_vote: true, ..RaftConfig::default() };
    let mut v = node_with(1, 3, cfg.clone());
    let e = effects(&mut v, |r, out| r.on_message(0, Msg::PreVote { term: 1, last_log_index: 0, last_log_term: 0 }, out));
    assert_eq!(e, vec![Effect::Send { to: 0, msg: Msg::PreVoteResponse { term: 1, vote_granted: true } }]);
    assert_eq!((v.current_term, v.voted_for), (0, None), "a pre-vote changes nothing");

    let mut c = node_with(0, 3, cfg);
    let e = effects(&mut c, |r, out| r.on_timer(RaftTimer::Election, out));
    assert!(e.contains(&Effect::Send { to: 1, msg: Msg::PreVote { term: 1, last_log_index: 0, last_log_term: 0 } }));
    assert_eq!((c.role, c.current_term), (Role::PreCandidate, 0));
    effects(&mut c, |r, out| r.on_message(2, Msg::PreVoteResponse { term: 4, vote_granted: false }, out));
    assert_eq!((c.role, c.current_term), (Role::Follower, 4));
}

// Raft Figure 2 (all servers) and raft-rs test_candidate_fallback: a candidate that hears
// AppendEntries from a leader of its own term steps down.
#[test]
fn a_candidate_steps_down_on_append_entries_of_its_term() {
    let mut r = node(2, 3);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    let e = effects(&mut r, |r, out| {
        r.on_message(0, Msg::AppendEntries { term: 1, prev_log_index: 0, prev_log_term: 0, entries: vec![noop(1)], leader_commit: 0, read_seq: Default::default() }, out)
    });
    // Stepping down re-arms the election timer, and so does hearing a leader (re-arming
    // replaces the timer, so the first is redundant but harmless).
    assert_eq!(
        e,
        vec![
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
            Effect::Write(RaftWrite::Append(noop(1))),
            Effect::Sync,
            Effect::Send { to: 0, msg: Msg::AppendEntriesResponse { term: 1, success: true, match_index: 1, read_seq: Default::default() } },
        ]
    );
    assert_eq!((r.role, r.leader_id), (Role::Follower, Some(0)));
}

fn hard_state(term: u64, voted_for: Option<u32>) -> E {
    Effect::Write(RaftWrite::HardState { term, voted_for })
}

fn request_vote_at_follower(config: RaftConfig) -> Vec<E> {
    let mut r = node_with(1, 3, config);
    effects(&mut r, |r, out| r.on_message(0, Msg::RequestVote { term: 1, last_log_index: 0, last_log_term: 0 }, out))
}

// Raft Figure 2 ("Persistent state on all servers: updated on stable storage before
// responding to RPCs"): the new term and the vote are written, then synced, then the
// reply goes out.
#[test]
fn a_granted_vote_is_written_and_synced_before_the_reply() {
    let granted = Effect::Send { to: 0, msg: Msg::RequestVoteResponse { term: 1, vote_granted: true } };
    let timer = Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 };
    assert_eq!(
        request_vote_at_follower(RaftConfig::default()),
        vec![hard_state(1, None), hard_state(1, Some(0)), timer.clone(), Effect::Sync, granted.clone()]
    );
    // The planted bug vote_before_sync answers with the vote still unsynced.
    let bug = |b: &str| RaftConfig { bug: Some(b.into()), ..RaftConfig::default() };
    assert_eq!(
        request_vote_at_follower(bug("vote_before_sync")),
        vec![hard_state(1, None), hard_state(1, Some(0)), timer.clone(), granted.clone()]
    );
    // The planted bug forget_voted_for never makes the vote durable.
    assert_eq!(
        request_vote_at_follower(bug("forget_voted_for")),
        vec![hard_state(1, None), hard_state(1, None), timer, Effect::Sync, granted]
    );
}

// Raft Figure 2 (all servers: a higher term in any message → follower): the term is
// written at once, but only an RPC reply waits for a sync; the next reply carries it.
#[test]
fn a_higher_term_from_a_response_is_synced_with_the_next_reply() {
    let mut r = node(0, 3);
    effects(&mut r, |r, out| r.on_timer(RaftTimer::Election, out));
    let e = effects(&mut r, |r, out| r.on_message(1, Msg::RequestVoteResponse { term: 5, vote_granted: false }, out));
    assert_eq!(e, vec![hard_state(5, None), Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 }]);
    let e = effects(&mut r, |r, out| {
        r.on_message(2, Msg::AppendEntries { term: 5, prev_log_index: 0, prev_log_term: 0, entries: vec![], leader_commit: 0, read_seq: Default::default() }, out)
    });
    assert_eq!(
        e,
        vec![
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
            Effect::Sync,
            Effect::Send { to: 2, msg: Msg::AppendEntriesResponse { term: 5, success: true, match_index: 0, read_seq: Default::default() } },
        ]
    );
    let again = effects(&mut r, |r, out| {
        r.on_message(2, Msg::AppendEntries { term: 5, prev_log_index: 0, prev_log_term: 0, entries: vec![], leader_commit: 0, read_seq: Default::default() }, out)
    });
    assert!(!again.contains(&Effect::Sync), "nothing new to sync");
}

// A starting log and term from the configuration (the paper's figures) are the disk's
// first content: written and synced at first boot.
#[test]
fn a_configured_starting_log_is_written_at_first_boot() {
    let cfg = RaftConfig { initial_logs: vec![vec![1, 2]], initial_terms: vec![3], ..RaftConfig::default() };
    let mut r = node_with(0, 3, cfg);
    let e = effects(&mut r, |r, out| r.on_start(out));
    assert_eq!(
        e,
        vec![
            hard_state(3, None),
            Effect::Write(RaftWrite::Append(noop(1))),
            Effect::Write(RaftWrite::Append(noop(2))),
            Effect::Sync,
            Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 },
        ]
    );
    let mut empty = node(1, 3);
    assert_eq!(effects(&mut empty, |r, out| r.on_start(out)), vec![Effect::SetTimer { timer: RaftTimer::Election, min_us: 150_000, max_us: 300_000 }]);
}

fn check(checker: &mut invariants::RaftChecker<Kv>, nodes: &[Option<RaftKv>], node: u32) -> Vec<Violation> {
    let mut v = Vec::new();
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(node), restarted: false };
    checker.check(&ctx, &mut v);
    v
}

// Raft §5.4.2, Figure 8 (c): S1 leads term 4 and counts the term-2 entry at index 2 on
// S1-S3 as committed (the bug commit_old_term). S5 holds a term-3 entry there, and its log
// is at least as up-to-date as those of S2-S5: it can win and overwrite the entry. Leader
// Completeness reports it at the moment of the unsafe commit; the correct rule does not
// commit, and nothing is reported.
#[test]
fn figure_8_unsafe_commit_is_caught_when_it_happens() {
    for bug in [Some("commit_old_term"), None] {
        let cfg = RaftConfig { bug: bug.map(String::from), ..RaftConfig::default() };
        let logs: [&[u64]; 5] = [&[1, 2, 4], &[1, 2], &[1, 2], &[1], &[1, 3]];
        let mut nodes: Vec<Option<RaftKv>> = (0..5)
            .map(|i| {
                let mut r = node_with(i, 5, cfg.clone());
                r.log = logs[i as usize].iter().map(|t| noop(*t)).collect();
                r.current_term = 4;
                Some(r)
            })
            .collect();
        let mut checker = invariants::RaftChecker::<Kv>::new(&cfg, 5);
        let s1 = nodes[0].as_mut().unwrap();
        s1.role = Role::Leader;
        s1.match_index = vec![3, 2, 2, 0, 0];
        effects(s1, |r, out| r.on_message(2, Msg::AppendEntriesResponse { term: 4, success: true, match_index: 2, read_seq: Default::default() }, out));
        let v = check(&mut checker, &nodes, 0);
        if bug.is_some() {
            assert_eq!(nodes[0].as_ref().unwrap().commit_index, 2);
            assert_eq!(v.len(), 1, "{v:?}");
            assert_eq!(v[0].property, "Leader Completeness");
            assert!(v[0].explanation.contains("n4 lacks it"), "{}", v[0].explanation);
        } else {
            assert_eq!(nodes[0].as_ref().unwrap().commit_index, 0);
            assert!(v.is_empty(), "{v:?}");
        }
    }
}

// Untrusted links (DESIGN.md, Scenario links): a Raft configuration that would stop time
// (a zero heartbeat) or hold a malformed starting log is refused with a clear message.
#[test]
fn bad_raft_configurations_are_refused() {
    use clusterlab::scenario::{registry::check_config, Scenario};
    let mut s = Scenario::new("raft", 3, 1);
    s.config = serde_json::json!({"heartbeat_interval_us": 0});
    assert!(check_config(&s).unwrap_err().contains("heartbeat"));
    s.config = serde_json::json!({"initial_logs": [[1, 3, 2]]});
    assert!(check_config(&s).unwrap_err().contains("never decrease"));
    s.config = serde_json::json!({"bug": "no_such_bug"});
    assert!(check_config(&s).is_err());
    s.config = serde_json::json!({"pre_vote": true, "check_quorum": true, "bug": "commit_old_term"});
    assert_eq!(check_config(&s), Ok(()));
    for p in clusterlab::scenario::presets::all().into_iter().filter(|p| p.protocol == "raft") {
        assert_eq!(check_config(&(p.build)()), Ok(()), "preset {}", p.name);
    }
}
