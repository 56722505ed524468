//! Exact-effect handler tests and textbook cases for two-phase commit, each tagged with its
//! source: Bernstein, Hadzilacos, Goodman 1987, ch. 7 (§7.3 the protocol, §7.4 timeouts
//! and the cooperative termination protocol, recovery); Gray & Lamport 2006, §3; Mohan,
//! Lindsay, Obermarck 1986 (presumed abort); 2PCwithBTM.tla (the backup coordinator).

use clusterlab::protocols::twopc::*;
use clusterlab::protocols::txn::{Record, RmState};
use clusterlab::scenario::presets;
use clusterlab::scenario::registry::build_typed;
use clusterlab::sim::{CheckCtx, Checker, DurableLog, Effect, EffectOf, LogWrite, NodeEnv, Out, Protocol};

type E = EffectOf<TwoPc>;

fn node(id: u32, config: &TwoPcConfig) -> TwoPc {
    TwoPc::new(NodeEnv { id, n: 5 }, config)
}

fn run(s: &mut TwoPc, now: u64, f: impl FnOnce(&mut TwoPc, &mut Out<TwoPc>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(s, &mut out);
    out.take_effects()
}

fn send(to: u32, msg: TwoPcMsg) -> E {
    Effect::Send { to, msg }
}

fn append(r: Record) -> E {
    Effect::Write(LogWrite::Append(r))
}

fn timer(t: TwoPcTimer, us: u64) -> E {
    Effect::SetTimer { timer: t, min_us: us, max_us: us }
}

// §7.3: the coordinator begins a transaction by asking every participant to prepare;
// presumed abort forces nothing at the start.
#[test]
fn the_coordinator_begins_with_prepare_to_every_participant() {
    let cfg = TwoPcConfig::default();
    let mut c = node(0, &cfg);
    let e = run(&mut c, 40_000, |c, out| c.on_timer(TwoPcTimer::Begin, out));
    assert_eq!(
        e,
        vec![
            send(2, TwoPcMsg::Prepare { txn: 0, key: 0 }),
            send(3, TwoPcMsg::Prepare { txn: 0, key: 0 }),
            send(4, TwoPcMsg::Prepare { txn: 0, key: 0 }),
            timer(TwoPcTimer::VoteTimeout(0), 300_000),
            timer(TwoPcTimer::Begin, 40_000),
        ]
    );
}

// Mohan et al. 1986: presumed nothing forces a begin record before the first message.
#[test]
fn presumed_nothing_forces_a_begin_record_first() {
    let cfg = TwoPcConfig { presumed: Presumption::Nothing, ..TwoPcConfig::default() };
    let mut c = node(0, &cfg);
    let e = run(&mut c, 40_000, |c, out| c.on_timer(TwoPcTimer::Begin, out));
    assert_eq!(&e[..2], &[append(Record::Begin { txn: 0 }), Effect::Sync]);
}

// §7.3 and Gray 1978: a participant forces its prepared record before it votes yes, and
// then waits, uncertain, with the termination timer armed.
#[test]
fn a_participant_forces_prepared_before_voting_yes() {
    let cfg = TwoPcConfig::default();
    let mut p = node(2, &cfg);
    let e = run(&mut p, 50_000, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    assert_eq!(
        e,
        vec![
            append(Record::Prepared { txn: 0, key: 0 }),
            Effect::Sync,
            send(0, TwoPcMsg::Prepared { txn: 0 }),
            timer(TwoPcTimer::Termination(0), 300_000),
        ]
    );
    assert_eq!(p.as_participant().unwrap().state(0), Some(RmState::Prepared));
}

// With the planted bug the vote goes out with the record unforced.
#[test]
fn vote_before_force_skips_the_sync() {
    let cfg = TwoPcConfig { bug: Some("vote_before_force".into()), ..TwoPcConfig::default() };
    let mut p = node(2, &cfg);
    let e = run(&mut p, 50_000, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    assert!(!e.contains(&Effect::Sync), "{e:?}");
    assert!(e.contains(&send(0, TwoPcMsg::Prepared { txn: 0 })));
}

// §7.3: a no vote is a unilateral abort, forced, and sent as Aborted.
#[test]
fn a_no_vote_aborts_at_once() {
    let cfg = TwoPcConfig { no_votes: vec![(0, 3)], ..TwoPcConfig::default() };
    let mut p = node(3, &cfg);
    let e = run(&mut p, 50_000, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    assert_eq!(
        e,
        vec![
            append(Record::Abort { txn: 0 }),
            Effect::Sync,
            Effect::CancelTimer { timer: TwoPcTimer::Termination(0) },
            send(0, TwoPcMsg::Aborted { txn: 0 }),
        ]
    );
}

// Locks: a transaction that needs a key a prepared one holds waits, and prepares when the
// holder's decision frees it (Bernstein et al. ch. 7: locks are held until the decision).
#[test]
fn a_waiting_transaction_prepares_when_the_lock_is_released() {
    let cfg = TwoPcConfig { keys: 1, ..TwoPcConfig::default() };
    let mut p = node(2, &cfg);
    run(&mut p, 0, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    let e = run(&mut p, 1, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 1, key: 0 }, out));
    assert!(e.is_empty(), "t1 waits for t0's lock: {e:?}");
    assert_eq!(p.as_participant().unwrap().state(1), Some(RmState::Working));
    let e = run(&mut p, 2, |p, out| p.on_message(0, TwoPcMsg::Commit { txn: 0 }, out));
    assert_eq!(
        e,
        vec![
            append(Record::Commit { txn: 0 }),
            Effect::Sync,
            Effect::CancelTimer { timer: TwoPcTimer::Termination(0) },
            append(Record::Prepared { txn: 1, key: 0 }),
            Effect::Sync,
            send(0, TwoPcMsg::Prepared { txn: 1 }),
            timer(TwoPcTimer::Termination(1), 300_000),
            send(0, TwoPcMsg::Ack { txn: 0 }),
        ]
    );
}

// Gray & Lamport §3: the coordinator commits when every participant is prepared, forcing
// its commit record before sending Commit.
#[test]
fn every_yes_commits_forced_before_sent() {
    let cfg = TwoPcConfig::default();
    let mut c = node(0, &cfg);
    run(&mut c, 40_000, |c, out| c.on_timer(TwoPcTimer::Begin, out));
    run(&mut c, 60_000, |c, out| c.on_message(2, TwoPcMsg::Prepared { txn: 0 }, out));
    run(&mut c, 60_000, |c, out| c.on_message(3, TwoPcMsg::Prepared { txn: 0 }, out));
    let e = run(&mut c, 61_000, |c, out| c.on_message(4, TwoPcMsg::Prepared { txn: 0 }, out));
    assert_eq!(
        e,
        vec![
            append(Record::Commit { txn: 0 }),
            Effect::Sync,
            Effect::CancelTimer { timer: TwoPcTimer::VoteTimeout(0) },
            send(2, TwoPcMsg::Commit { txn: 0 }),
            send(3, TwoPcMsg::Commit { txn: 0 }),
            send(4, TwoPcMsg::Commit { txn: 0 }),
            timer(TwoPcTimer::Resend(0), 200_000),
        ]
    );
    // Every acknowledgement in: an end record (not forced), and the transaction forgotten.
    run(&mut c, 70_000, |c, out| c.on_message(2, TwoPcMsg::Ack { txn: 0 }, out));
    run(&mut c, 70_000, |c, out| c.on_message(3, TwoPcMsg::Ack { txn: 0 }, out));
    let e = run(&mut c, 70_000, |c, out| c.on_message(4, TwoPcMsg::Ack { txn: 0 }, out));
    assert_eq!(e, vec![append(Record::End { txn: 0 }), Effect::CancelTimer { timer: TwoPcTimer::Resend(0) }]);
    // Presumed abort: asked later about a transaction it forgot, it answers Abort.
    let e = run(&mut c, 80_000, |c, out| c.on_message(3, TwoPcMsg::DecisionReq { txn: 0 }, out));
    assert_eq!(e, vec![send(3, TwoPcMsg::Abort { txn: 0 })]);
}

// Mohan et al.: under presumed abort an abort is neither forced nor acknowledged.
#[test]
fn a_presumed_abort_is_not_forced() {
    let cfg = TwoPcConfig::default();
    let mut c = node(0, &cfg);
    run(&mut c, 40_000, |c, out| c.on_timer(TwoPcTimer::Begin, out));
    let e = run(&mut c, 60_000, |c, out| c.on_message(3, TwoPcMsg::Aborted { txn: 0 }, out));
    assert!(!e.iter().any(|e| matches!(e, Effect::Write(_) | Effect::Sync)), "{e:?}");
    let mut p = node(2, &cfg);
    run(&mut p, 50_000, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    let e = run(&mut p, 70_000, |p, out| p.on_message(0, TwoPcMsg::Abort { txn: 0 }, out));
    assert_eq!(e, vec![append(Record::Abort { txn: 0 }), Effect::CancelTimer { timer: TwoPcTimer::Termination(0) }]);
}

// §7.4, the cooperative termination protocol: an uncertain participant asks the
// coordinator, the backup and every other participant.
#[test]
fn an_uncertain_participant_asks_everyone_at_the_timeout() {
    let cfg = TwoPcConfig::default();
    let mut p = node(2, &cfg);
    run(&mut p, 50_000, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    let e = run(&mut p, 350_000, |p, out| p.on_timer(TwoPcTimer::Termination(0), out));
    assert_eq!(
        e,
        vec![
            send(0, TwoPcMsg::DecisionReq { txn: 0 }),
            send(1, TwoPcMsg::DecisionReq { txn: 0 }),
            send(3, TwoPcMsg::DecisionReq { txn: 0 }),
            send(4, TwoPcMsg::DecisionReq { txn: 0 }),
            timer(TwoPcTimer::Termination(0), 300_000),
        ]
    );
}

// §7.4: a participant that has not voted, asked for the decision, aborts (forced) and
// answers Abort; an uncertain one cannot help and stays silent.
#[test]
fn asked_participants_answer_by_what_they_know() {
    let cfg = TwoPcConfig::default();
    let mut fresh = node(3, &cfg);
    let e = run(&mut fresh, 0, |p, out| p.on_message(2, TwoPcMsg::DecisionReq { txn: 0 }, out));
    assert_eq!(
        e,
        vec![
            append(Record::Abort { txn: 0 }),
            Effect::Sync,
            Effect::CancelTimer { timer: TwoPcTimer::Termination(0) },
            send(2, TwoPcMsg::Abort { txn: 0 }),
        ]
    );
    let mut uncertain = node(4, &cfg);
    run(&mut uncertain, 0, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
    let e = run(&mut uncertain, 1, |p, out| p.on_message(2, TwoPcMsg::DecisionReq { txn: 0 }, out));
    assert!(e.is_empty());
}

// 2PCwithBTM.tla: the backup commits if a participant committed, aborts if one aborted,
// and with every participant uncertain decides nothing (two-phase commit blocks).
#[test]
fn the_backup_finishes_only_from_what_participants_hold() {
    let cfg = TwoPcConfig::default();
    let mut b = node(1, &cfg);
    let e = run(&mut b, 0, |b, out| b.on_message(2, TwoPcMsg::DecisionReq { txn: 0 }, out));
    assert_eq!(
        e,
        vec![
            send(2, TwoPcMsg::StateReq { txn: 0 }),
            send(3, TwoPcMsg::StateReq { txn: 0 }),
            send(4, TwoPcMsg::StateReq { txn: 0 }),
            timer(TwoPcTimer::Survey(0), 300_000),
        ]
    );
    for p in [2, 3, 4] {
        let e = run(&mut b, 10, |b, out| b.on_message(p, TwoPcMsg::State { txn: 0, state: RmState::Prepared }, out));
        assert!(e.is_empty());
    }
    let e = run(&mut b, 300_000, |b, out| b.on_timer(TwoPcTimer::Survey(0), out));
    assert!(matches!(&e[0], Effect::Note(n) if n.contains("blocked")), "{e:?}");
    assert!(!e.iter().any(|e| matches!(e, Effect::Send { msg: TwoPcMsg::Abort { .. } | TwoPcMsg::Commit { .. }, .. })));
    let e = run(&mut b, 300_010, |b, out| b.on_message(3, TwoPcMsg::State { txn: 0, state: RmState::Committed }, out));
    assert!(e.contains(&send(2, TwoPcMsg::Commit { txn: 0 })) && e.contains(&send(4, TwoPcMsg::Commit { txn: 0 })));
}

// Recovery (§7.3): a prepared participant boots uncertain, takes its lock again and asks.
#[test]
fn a_recovered_prepared_participant_asks_at_once() {
    let cfg = TwoPcConfig::default();
    let mut p = node(2, &cfg);
    let mut log = DurableLog::default();
    use clusterlab::sim::DurableState;
    log.apply(LogWrite::Append(Record::Prepared { txn: 5, key: 1 }));
    let e = run(&mut p, 900_000, |p, out| p.on_recover(log, out));
    assert_eq!(e[0], send(0, TwoPcMsg::DecisionReq { txn: 5 }));
    assert_eq!(p.as_participant().unwrap().locks.holder(1), Some(5));
}

// AC4 (§7.2): with no failures and every vote yes, every transaction commits.
#[test]
fn ac4_no_failures_and_every_yes_commit_everything() {
    let s = (presets::find("2pc-commit").unwrap().build)();
    let mut run = build_typed::<TwoPc>(&s, false).unwrap();
    run.run_until(2_000_000);
    let nodes = run.sim().nodes();
    for p in nodes.iter().flatten().filter_map(|n| n.as_participant()) {
        assert_eq!(p.txns.len(), 4);
        assert!(p.txns.values().all(|t| t.state == RmState::Committed), "{:?}", p.txns);
    }
    assert!(run.sim().violations().is_empty());
}

// The checkers fail for more than their planted bugs (hand-made runs fed to them as the
// simulator would): a coordinator that counts a vote never cast (AC3 alone), and a
// participant that forgets a commit and then aborts (AC2 and AC1).
fn check_at(checker: &mut TwoPcChecker, nodes: &[Option<TwoPc>], node: u32) -> Vec<String> {
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(node), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out.into_iter().map(|v| v.property).collect()
}

#[test]
fn ac3_reports_a_commit_counted_from_a_vote_never_cast() {
    let cfg = TwoPcConfig::default();
    let mut nodes: Vec<Option<TwoPc>> = (0..5).map(|i| Some(node(i, &cfg))).collect();
    let mut checker = <TwoPcChecker as Checker<TwoPc>>::new(&cfg, 5);
    for id in [2, 3] {
        run(nodes[id].as_mut().unwrap(), 1, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
        assert!(check_at(&mut checker, &nodes, id as u32).is_empty());
    }
    let c = nodes[0].as_mut().unwrap();
    run(c, 0, |c, out| c.on_timer(TwoPcTimer::Begin, out));
    for from in [2, 3, 4] {
        run(c, 2, |c, out| c.on_message(from, TwoPcMsg::Prepared { txn: 0 }, out));
    }
    assert_eq!(check_at(&mut checker, &nodes, 0), vec!["AC3 Commit needs every yes"]);
    assert!(check_at(&mut checker, &nodes, 0).is_empty(), "reported once, when reached");
}

#[test]
fn ac1_and_ac2_report_a_participant_that_forgets_its_commit() {
    let cfg = TwoPcConfig::default();
    let mut nodes: Vec<Option<TwoPc>> = (0..5).map(|i| Some(node(i, &cfg))).collect();
    let mut checker = <TwoPcChecker as Checker<TwoPc>>::new(&cfg, 5);
    for id in [2, 3, 4] {
        run(nodes[id].as_mut().unwrap(), 1, |p, out| p.on_message(0, TwoPcMsg::Prepare { txn: 0, key: 0 }, out));
        assert!(check_at(&mut checker, &nodes, id as u32).is_empty());
    }
    run(nodes[2].as_mut().unwrap(), 2, |p, out| p.on_message(0, TwoPcMsg::Commit { txn: 0 }, out));
    assert!(check_at(&mut checker, &nodes, 2).is_empty());
    // A disk that lost everything: the node boots empty and, asked, aborts.
    nodes[2] = Some(node(2, &cfg));
    run(nodes[2].as_mut().unwrap(), 3, |p, out| p.on_message(3, TwoPcMsg::DecisionReq { txn: 0 }, out));
    assert_eq!(check_at(&mut checker, &nodes, 2), vec!["AC2 No reversal", "AC1 Agreement"]);
}
