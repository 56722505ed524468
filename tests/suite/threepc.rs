//! Three-phase commit: exact-effect handler tests, textbook cases and pinned presets, each
//! tagged with its source: Skeen, "Nonblocking commit protocols" (SIGMOD 1981); Bernstein,
//! Hadzilacos, Goodman 1987, §7.5 (the protocol, its timeouts, the termination protocol's
//! rules TR1-TR4, recovery); Keidar & Dolev 1995 (why partitions are beyond it).

use clusterlab::protocols::threepc::participant::Term;
use clusterlab::protocols::threepc::*;
use clusterlab::protocols::txn::{Record, RmState};
use clusterlab::scenario::registry::build_typed;
use clusterlab::scenario::{presets, Scenario};
use clusterlab::sim::{hash_hex, DurableLog, DurableState, Effect, EffectOf, Fault, History, LogWrite, NetConfig, NodeEnv, Out, Present, Protocol, ProtocolConfig, TimedFault};
use serde_json::json;

type E = EffectOf<ThreePc>;
type M = ThreePcMsg;
type T = ThreePcTimer;

fn node(id: u32, config: &ThreePcConfig) -> ThreePc {
    ThreePc::new(NodeEnv { id, n: 4 }, config)
}

fn run(s: &mut ThreePc, now: u64, f: impl FnOnce(&mut ThreePc, &mut Out<ThreePc>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(s, &mut out);
    out.take_effects()
}

fn msg(s: &mut ThreePc, from: u32, m: M) -> Vec<E> {
    run(s, 100_000, |s, out| s.on_message(from, m, out))
}

fn fire(s: &mut ThreePc, t: T) -> Vec<E> {
    run(s, 100_000, |s, out| s.on_timer(t, out))
}

fn send(to: u32, msg: M) -> E {
    Effect::Send { to, msg }
}

fn append(r: Record) -> E {
    Effect::Write(LogWrite::Append(r))
}

fn timer(t: T, us: u64) -> E {
    Effect::SetTimer { timer: t, min_us: us, max_us: us }
}

fn sends(e: &[E]) -> Vec<(u32, M)> {
    e.iter().filter_map(|e| if let Effect::Send { to, msg } = e { Some((*to, msg.clone())) } else { None }).collect()
}

/// What a handler sends, its broadcasts included: each broadcast's messages go out one per
/// `SendNext` timer, fired here in turn.
fn sends_all(s: &mut ThreePc, e: &[E]) -> Vec<(u32, M)> {
    let mut out = sends(e);
    let mut pending: Vec<T> = e.iter().filter_map(|e| if let Effect::SetTimer { timer: t @ T::SendNext(..), .. } = e { Some(t.clone()) } else { None }).collect();
    while let Some(t) = pending.pop() {
        let more = fire(s, t);
        out.extend(sends(&more));
        pending.extend(more.iter().filter_map(|e| if let Effect::SetTimer { timer: t @ T::SendNext(..), .. } = e { Some(t.clone()) } else { None }));
    }
    out
}

fn state(s: &ThreePc, txn: u32) -> Option<RmState> {
    s.as_participant()?.state(txn)
}

/// A participant that voted yes on t0.
fn prepared(id: u32, cfg: &ThreePcConfig) -> ThreePc {
    let mut p = node(id, cfg);
    msg(&mut p, 0, M::CanCommit { txn: 0, key: 0 });
    assert_eq!(state(&p, 0), Some(RmState::Prepared));
    p
}

// Skeen 1981: a site sends one message at a time, so a crash may fall between two sends
// (or between a forced record and the first send).
#[test]
fn the_coordinator_sends_can_commit_one_participant_at_a_time() {
    let cfg = ThreePcConfig::default();
    let mut c = node(0, &cfg);
    let e = fire(&mut c, T::Begin);
    assert_eq!(e, vec![timer(T::SendNext(0, 0), 4_000), timer(T::VoteTimeout(0), 300_000), timer(T::Begin, 40_000)]);
    assert_eq!(fire(&mut c, T::SendNext(0, 0)), vec![send(1, M::CanCommit { txn: 0, key: 0 }), timer(T::SendNext(0, 0), 4_000)]);
    assert_eq!(fire(&mut c, T::SendNext(0, 0)), vec![send(2, M::CanCommit { txn: 0, key: 0 }), timer(T::SendNext(0, 0), 4_000)]);
    assert_eq!(fire(&mut c, T::SendNext(0, 0)), vec![send(3, M::CanCommit { txn: 0, key: 0 })]);
    assert!(fire(&mut c, T::SendNext(0, 0)).is_empty(), "done");
    let all_at_once = ThreePcConfig { send_gap_us: 0, ..ThreePcConfig::default() };
    let mut c = node(0, &all_at_once);
    assert_eq!(sends(&fire(&mut c, T::Begin)).len(), 3);
}

// §7.5: a participant forces its prepared record before it votes yes, then waits with its
// timeout armed.
#[test]
fn a_participant_forces_prepared_before_voting_yes() {
    let cfg = ThreePcConfig::default();
    let mut p = node(1, &cfg);
    let e = msg(&mut p, 0, M::CanCommit { txn: 0, key: 0 });
    assert_eq!(e, vec![append(Record::Prepared { txn: 0, key: 0 }), Effect::Sync, send(0, M::Yes { txn: 0 }), timer(T::Termination(0), 1_000_000)]);
}

/// A coordinator with every yes vote in for t0 (PreCommit on its way).
fn pre_committing(cfg: &ThreePcConfig) -> (ThreePc, Vec<E>) {
    let mut c = node(0, cfg);
    fire(&mut c, T::Begin);
    msg(&mut c, 1, M::Yes { txn: 0 });
    msg(&mut c, 2, M::Yes { txn: 0 });
    let e = msg(&mut c, 3, M::Yes { txn: 0 });
    (c, e)
}

// §7.5: with every yes in, the coordinator forces its pre-commit record (so that after a
// crash it knows it may not presume abort), then sends PreCommit.
#[test]
fn every_yes_forces_a_pre_commit_record_then_pre_commit() {
    let (_, e) = pre_committing(&ThreePcConfig::default());
    assert_eq!(
        e,
        vec![
            Effect::CancelTimer { timer: T::VoteTimeout(0) },
            append(Record::PreCommit { txn: 0 }),
            Effect::Sync,
            timer(T::SendNext(0, 1), 4_000),
            timer(T::Window(0), 250_000),
        ]
    );
}

// §7.5: DoCommit only when every participant acknowledged PreCommit, the commit record
// forced first.
#[test]
fn do_commit_waits_for_every_acknowledgement() {
    let (mut c, _) = pre_committing(&ThreePcConfig::default());
    assert!(msg(&mut c, 1, M::Ack { txn: 0 }).is_empty());
    assert!(msg(&mut c, 2, M::Ack { txn: 0 }).is_empty());
    let e = msg(&mut c, 3, M::Ack { txn: 0 });
    let forced = e.iter().position(|e| *e == append(Record::Commit { txn: 0 })).expect("commit record");
    assert_eq!(e[forced + 1], Effect::Sync);
    assert!(sends(&e).is_empty(), "nothing before the record is forced; DoCommit follows one at a time");
    assert_eq!(sends_all(&mut c, &e), vec![(1, M::DoCommit { txn: 0 }), (2, M::DoCommit { txn: 0 }), (3, M::DoCommit { txn: 0 })]);
}

// With accurate failure detection, a participant silent for the whole reply window has
// failed: the coordinator commits without it (it will learn the outcome on recovery).
#[test]
fn a_silent_participant_has_failed_and_the_coordinator_commits() {
    let (mut c, _) = pre_committing(&ThreePcConfig::default());
    msg(&mut c, 1, M::Ack { txn: 0 });
    let e = fire(&mut c, T::Window(0));
    assert!(e.contains(&append(Record::Commit { txn: 0 })));
    assert_eq!(sends_all(&mut c, &e).len(), 3, "DoCommit to every participant");
}

// The planted bug: DoCommit to the first participant that acknowledges, while others may
// not even have been sent PreCommit yet.
#[test]
fn the_planted_bug_commits_at_the_first_acknowledgement() {
    let cfg = ThreePcConfig { bug: Some("docommit_before_all_acks".into()), ..ThreePcConfig::default() };
    let (mut c, _) = pre_committing(&cfg);
    let e = msg(&mut c, 1, M::Ack { txn: 0 });
    assert_eq!(e, vec![append(Record::Commit { txn: 0 }), Effect::Sync, send(1, M::DoCommit { txn: 0 })]);
}

// §7.5: a no vote (or missing votes at the timeout) aborts; presumed abort forces nothing.
#[test]
fn a_no_vote_aborts_without_forcing() {
    let cfg = ThreePcConfig::default();
    let mut c = node(0, &cfg);
    fire(&mut c, T::Begin);
    let e = msg(&mut c, 2, M::No { txn: 0 });
    assert!(!e.contains(&Effect::Sync));
    assert_eq!(sends_all(&mut c, &e), vec![(1, M::Abort { txn: 0 }), (2, M::Abort { txn: 0 }), (3, M::Abort { txn: 0 })]);
}

// Termination protocol, election: the lowest-numbered participant has nobody to ask and
// surveys at once (STATE-REQ to every other participant, one at a time).
#[test]
fn the_lowest_participant_surveys_at_its_timeout() {
    let cfg = ThreePcConfig::default();
    let mut p = prepared(1, &cfg);
    let e = fire(&mut p, T::Termination(0));
    assert!(e.contains(&timer(T::Window(0), 250_000)));
    assert_eq!(sends_all(&mut p, &e), vec![(2, M::StateReq { txn: 0 }), (3, M::StateReq { txn: 0 })]);
}

// A higher-numbered participant asks the lower ones first; one that is up answers Alive
// and takes over, and the asker waits for it.
#[test]
fn a_higher_participant_defers_to_a_lower_one_that_is_up() {
    let cfg = ThreePcConfig::default();
    let mut p3 = prepared(3, &cfg);
    let e = fire(&mut p3, T::Termination(0));
    assert_eq!(sends_all(&mut p3, &e), vec![(1, M::Elect { txn: 0 }), (2, M::Elect { txn: 0 })]);
    let mut p1 = prepared(1, &cfg);
    let e = msg(&mut p1, 3, M::Elect { txn: 0 });
    assert_eq!(sends_all(&mut p1, &e), vec![(3, M::Alive { txn: 0 }), (2, M::StateReq { txn: 0 }), (3, M::StateReq { txn: 0 })]);
    let e = msg(&mut p3, 1, M::Alive { txn: 0 });
    assert!(e.contains(&Effect::CancelTimer { timer: T::Window(0) }));
    assert!(e.contains(&timer(T::Termination(0), 1_000_000)));
    assert_eq!(p3.as_participant().unwrap().txns[&0].term, Term::Waiting);
}

/// Participant n1 surveying t0, then the states of n2 and n3 arrive: what it sends.
fn survey(cfg: &ThreePcConfig, own: RmState, s2: RmState, s3: RmState) -> (ThreePc, Vec<E>, Vec<(u32, M)>) {
    let mut p = prepared(1, cfg);
    if own == RmState::PreCommitted {
        msg(&mut p, 0, M::PreCommit { txn: 0 });
    }
    fire(&mut p, T::Termination(0));
    let mut e = msg(&mut p, 2, M::State { txn: 0, state: s2 });
    e.extend(msg(&mut p, 3, M::State { txn: 0, state: s3 }));
    let sent = sends_all(&mut p, &e);
    (p, e, sent)
}

// TR3: every operational participant uncertain: nobody can have committed, abort.
#[test]
fn tr3_all_uncertain_aborts() {
    let (p, _, sent) = survey(&ThreePcConfig::default(), RmState::Prepared, RmState::Prepared, RmState::Prepared);
    assert_eq!(state(&p, 0), Some(RmState::Aborted));
    assert_eq!(sent, vec![(2, M::Abort { txn: 0 }), (3, M::Abort { txn: 0 })]);
}

// TR4: some committable, none committed: PreCommit to the uncertain ones, then, once they
// acknowledge, commit (forced) and DoCommit.
#[test]
fn tr4_some_committable_pre_commits_the_uncertain_then_commits() {
    let cfg = ThreePcConfig::default();
    let (mut p, e, sent) = survey(&cfg, RmState::Prepared, RmState::PreCommitted, RmState::Prepared);
    assert!(e.contains(&append(Record::PreCommit { txn: 0 })), "it becomes committable itself");
    assert_eq!(sent, vec![(3, M::PreCommit { txn: 0 })]);
    assert_eq!(state(&p, 0), Some(RmState::PreCommitted));
    let e = msg(&mut p, 3, M::Ack { txn: 0 });
    assert_eq!(state(&p, 0), Some(RmState::Committed));
    assert!(e.windows(2).any(|w| w == [append(Record::Commit { txn: 0 }), Effect::Sync]));
    assert_eq!(sends_all(&mut p, &e), vec![(2, M::DoCommit { txn: 0 }), (3, M::DoCommit { txn: 0 })]);
}

// TR1 and TR2: a decided participant settles it as soon as its state arrives.
#[test]
fn tr1_and_tr2_follow_a_decided_participant() {
    let cfg = ThreePcConfig::default();
    let mut p = prepared(1, &cfg);
    fire(&mut p, T::Termination(0));
    msg(&mut p, 2, M::State { txn: 0, state: RmState::Committed });
    assert_eq!(state(&p, 0), Some(RmState::Committed));
    let mut p = prepared(1, &cfg);
    fire(&mut p, T::Termination(0));
    msg(&mut p, 3, M::State { txn: 0, state: RmState::Aborted });
    assert_eq!(state(&p, 0), Some(RmState::Aborted));
}

// The planted bug drops TR4: committable, yet it aborts.
#[test]
fn the_planted_termination_bug_aborts_a_committable_transaction() {
    let cfg = ThreePcConfig { bug: Some("termination_ignores_precommit".into()), ..ThreePcConfig::default() };
    let (p, _, _) = survey(&cfg, RmState::PreCommitted, RmState::PreCommitted, RmState::Prepared);
    assert_eq!(state(&p, 0), Some(RmState::Aborted));
}

// A participant asked before it voted may abort, and says so (TR1 follows).
#[test]
fn a_participant_that_has_not_voted_aborts_when_surveyed() {
    let cfg = ThreePcConfig::default();
    let mut p = node(2, &cfg);
    let e = msg(&mut p, 1, M::StateReq { txn: 5 });
    assert!(e.windows(2).any(|w| w == [append(Record::Abort { txn: 5 }), Effect::Sync]), "forced before it answers");
    assert!(sends(&e).contains(&(1, M::State { txn: 5, state: RmState::Aborted })));
}

// §7.5 recovery: a participant back from a crash uncertain may not decide alone nor take
// part in the termination protocol; it asks until someone knows.
#[test]
fn a_recovering_participant_asks_and_stays_out_of_termination() {
    let cfg = ThreePcConfig::default();
    let mut log = DurableLog::default();
    log.apply(LogWrite::Append(Record::Prepared { txn: 0, key: 0 }));
    let mut p = node(2, &cfg);
    let e = run(&mut p, 100_000, |p, out| p.on_recover(log.clone(), out));
    assert_eq!(sends(&e), vec![(0, M::DecisionReq { txn: 0 }), (1, M::DecisionReq { txn: 0 }), (3, M::DecisionReq { txn: 0 })]);
    for m in [M::StateReq { txn: 0 }, M::Elect { txn: 0 }, M::PreCommit { txn: 0 }] {
        assert!(msg(&mut p, 1, m.clone()).is_empty(), "{m:?}");
    }
    assert!(fire(&mut p, T::Termination(0)).is_empty());
    msg(&mut p, 3, M::DoCommit { txn: 0 });
    assert_eq!(state(&p, 0), Some(RmState::Committed));
    // The planted bug decides on the spot.
    let bad = ThreePcConfig { bug: Some("recovered_decides_alone".into()), ..ThreePcConfig::default() };
    let mut p = node(2, &bad);
    run(&mut p, 100_000, |p, out| p.on_recover(log, out));
    assert_eq!(state(&p, 0), Some(RmState::Aborted));
}

// The coordinator back with a pre-commit record and no decision may not presume abort
// (the participants may have committed by TR4): it asks; with no record at all it answers
// Abort.
#[test]
fn a_recovering_coordinator_presumes_abort_only_without_a_pre_commit_record() {
    let cfg = ThreePcConfig::default();
    let mut log = DurableLog::default();
    log.apply(LogWrite::Append(Record::PreCommit { txn: 1 }));
    let mut c = node(0, &cfg);
    let e = run(&mut c, 200_000, |c, out| c.on_recover(log, out));
    assert_eq!(sends(&e).len(), 3, "DecisionReq to every participant");
    assert!(msg(&mut c, 2, M::DecisionReq { txn: 1 }).is_empty(), "it does not know t1");
    assert_eq!(sends(&msg(&mut c, 2, M::DecisionReq { txn: 0 })), vec![(2, M::Abort { txn: 0 })], "t0 never reached pre-commit");
}

// The timeouts decide safety, so a configuration whose timeouts do not cover the assumed
// delay bound is refused.
#[test]
fn timeouts_shorter_than_the_delay_bound_allows_are_refused() {
    let short = ThreePcConfig { reply_window_us: 100_000, ..ThreePcConfig::default() };
    assert!(short.validate(4).unwrap_err().contains("round trip"));
    let impatient = ThreePcConfig { termination_timeout_us: 500_000, ..ThreePcConfig::default() };
    assert!(impatient.validate(4).unwrap_err().contains("termination_timeout_us"));
    assert_eq!(ThreePcConfig::default().validate(12), Ok(()));
}

fn preset(name: &str, until_us: u64) -> History<ThreePc> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<ThreePc>(&s, true).expect("preset builds")
}

fn states(h: &History<ThreePc>, txn: u32) -> Vec<Option<RmState>> {
    h.sim().nodes().iter().skip(1).map(|n| n.as_ref().and_then(|n| state(n, txn))).collect()
}

fn pinned(h: &History<ThreePc>, hash: &str) {
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
}

fn clean(h: &History<ThreePc>) {
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
    assert_eq!(ThreePc::check_liveness(h.sim().nodes()), Ok(()));
}

const C: Option<RmState> = Some(RmState::Committed);
const A: Option<RmState> = Some(RmState::Aborted);
const P: Option<RmState> = Some(RmState::Prepared);

#[test]
fn every_yes_commits_in_three_phases() {
    let h = preset("3pc-commit", 2_000_000);
    assert_eq!(states(&h, 0), vec![C, C, C]);
    let kinds: Vec<&str> = h.trace().iter().filter_map(|r| if let clusterlab::sim::TraceKind::Send { kind, .. } = r.kind { Some(kind) } else { None }).collect();
    for (kind, count) in [("CanCommit", 3), ("Yes", 3), ("PreCommit", 3), ("Ack", 3), ("DoCommit", 3)] {
        assert_eq!(kinds.iter().filter(|k| **k == kind).count(), count, "{kind}");
    }
    clean(&h);
    pinned(&h, "260d51761661eb81");
}

// Skeen's nonblocking condition as a checker: with every acknowledgement awaited it never
// fails in a run within the assumptions (the sweeps), and the planted bug that commits at
// the first acknowledgement breaks it at once, with no second failure needed.
#[test]
fn committing_before_every_acknowledgement_leaves_an_uncertain_participant_beside_a_commit() {
    let s = |bug: Option<&str>| {
        let mut s = scenario(json!({"transactions": 1, "send_gap_us": 20_000, "reply_window_us": 300_000, "termination_timeout_us": 1_300_000, "bug": bug}), vec![], 2_000_000);
        s.playhead_us = 2_000_000;
        s
    };
    let bad = build_typed::<ThreePc>(&s(Some("docommit_before_all_acks")), false).unwrap();
    let v = bad.sim().violations();
    assert_eq!(v.first().map(|v| v.property.as_str()), Some("No uncertain participant beside a commit"), "{v:?}");
    assert_eq!(states(&bad, 0), vec![C, C, C], "without failures everyone still commits");
    let good = build_typed::<ThreePc>(&s(None), false).unwrap();
    clean(&good);
}

// Skeen 1981: the coordinator fails mid-broadcast; the participants terminate without it,
// by TR4 (n1 is committable), and nobody waits for it to come back.
#[test]
fn a_coordinator_crash_does_not_block_three_phase_commit() {
    let h = preset("3pc-coordinator-crash", 3_000_000);
    assert!(h.sim().nodes()[0].is_none(), "the coordinator stays down");
    assert_eq!(states(&h, 0), vec![C, C, C]);
    for p in h.sim().nodes().iter().skip(1).flatten().filter_map(|n| n.as_participant()) {
        assert_eq!(p.locks.holder(0), None, "locks released");
    }
    clean(&h);
    pinned(&h, "2a2a6d55c44717ca");
}

/// The three-participant scenario of the presets with its own faults.
fn scenario(config: serde_json::Value, faults: Vec<(u64, Fault)>, until_us: u64) -> Scenario {
    let mut s = Scenario::new("3pc", 4, 31);
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = faults.into_iter().map(|(at_us, fault)| TimedFault { at_us, after_event: None, fault }).collect();
    s.playhead_us = until_us;
    s
}

// Skeen 1981, TR3: the coordinator fails before any PreCommit: every operational
// participant is uncertain, so nobody can have committed; they abort and release the lock.
#[test]
fn a_coordinator_crash_before_pre_commit_aborts_by_tr3() {
    let s = scenario(json!({"transactions": 1}), vec![(65_000, Fault::Crash { node: 0 })], 600_000);
    let h = build_typed::<ThreePc>(&s, false).unwrap();
    assert_eq!(states(&h, 0), vec![P, P, P], "uncertain until the timeout");
    let s = scenario(json!({"transactions": 1}), vec![(65_000, Fault::Crash { node: 0 })], 3_000_000);
    let h = build_typed::<ThreePc>(&s, false).unwrap();
    assert_eq!(states(&h, 0), vec![A, A, A]);
    clean(&h);
}

// Bernstein et al. §7.5: a participant that fails after voting yes is left out; the
// coordinator commits once its reply window closes, and the participant, back, asks and
// learns the commit.
#[test]
fn a_participant_that_fails_after_voting_learns_the_outcome_on_recovery() {
    let s = scenario(json!({"transactions": 1}), vec![(55_000, Fault::Crash { node: 1 }), (1_500_000, Fault::Restart { node: 1 })], 3_000_000);
    let h = build_typed::<ThreePc>(&s, false).unwrap();
    assert_eq!(states(&h, 0), vec![C, C, C]);
    clean(&h);
}

// Bernstein et al. §7.5: after a total failure (the coordinator with a pre-commit record,
// every participant back uncertain) nobody may decide: 3PC blocks, which AC5 allows.
#[test]
fn a_total_failure_blocks_and_is_not_a_liveness_failure() {
    let crash_all = (0..4).map(|n| (80_000, Fault::Crash { node: n })).chain((0..4).map(|n| (200_000, Fault::Restart { node: n }))).collect();
    let s = scenario(json!({"transactions": 1}), crash_all, 3_000_000);
    let h = build_typed::<ThreePc>(&s, false).unwrap();
    let undecided: Vec<_> = states(&h, 0).into_iter().filter(|s| s.is_some_and(|s| s.decision().is_none())).collect();
    assert!(!undecided.is_empty(), "{:?}", states(&h, 0));
    clean(&h);
    let o = ThreePc::overlay(h.sim().nodes(), h.sim().now_us());
    let stuck = o.tables.iter().find(|t| t.title == "blocked by a total failure").expect("the page says why");
    assert_eq!(stuck.rows, vec![vec!["t0".to_string()]]);
}

// Beyond the assumptions (Keidar & Dolev 1995): a partition with a pre-committed
// participant on one side and uncertain ones on the other: one side commits, the other
// aborts. AC1 is violated and the run says the assumption was exceeded.
#[test]
fn a_partition_splits_the_decision_and_is_labelled_assumption_exceeded() {
    let h = preset("3pc-partition", 3_000_000);
    assert_eq!(states(&h, 0), vec![C, A, A]);
    // Skeen's condition fails first, the moment n1 commits beside uncertain n2 and n3;
    // AC1 when n2's side aborts.
    let v: Vec<&str> = h.sim().violations().iter().map(|v| v.property.as_str()).collect();
    assert_eq!(v, vec!["No uncertain participant beside a commit", "AC1 Agreement", "AC1 Agreement"]);
    let exceeded = h.sim().exceeded();
    assert!(exceeded.iter().any(|e| e.what.contains("partitions")), "{exceeded:?}");
    pinned(&h, "5de3bddc41b5c541");
}
