//! Paxos Commit (Gray & Lamport, "Consensus on Transaction Commit", TODS 2006, §4; the
//! PaxosCommit TLA+ specification): exact-effect handler tests, the presets with pinned
//! trace hashes, and its failure-free cost beside two-phase commit's on the same workload.

use clusterlab::protocols::paxos_commit::acceptor::Acceptor;
use clusterlab::protocols::paxos_commit::*;
use clusterlab::protocols::twopc::TwoPc;
use clusterlab::protocols::txn::{Record, RmState};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, Effect, EffectOf, History, LogWrite, NodeEnv, Out, Present, Protocol};

type E = EffectOf<PaxosCommit>;

fn node(id: u32) -> PaxosCommit {
    PaxosCommit::new(NodeEnv { id, n: 7 }, &PaxosCommitConfig::default())
}

fn run(s: &mut PaxosCommit, now: u64, f: impl FnOnce(&mut PaxosCommit, &mut Out<PaxosCommit>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(s, &mut out);
    out.take_effects()
}

fn send(to: u32, msg: PcMsg) -> E {
    Effect::Send { to, msg }
}

// §4: a participant forces its vote and sends it as phase 2a, ballot 0 of its own
// instance, to every acceptor.
#[test]
fn a_participant_votes_at_ballot_0_to_every_acceptor_after_forcing() {
    let mut p = node(4);
    let e = run(&mut p, 50_000, |p, out| p.on_message(0, PcMsg::Prepare { txn: 0, key: 0 }, out));
    let v = |a| send(a, PcMsg::Phase2a { txn: 0, rm: 4, ballot: 0, vote: Vote::Prepared });
    assert_eq!(
        e,
        vec![
            Effect::Write(LogWrite::Append(PcRecord::Rm(Record::Prepared { txn: 0, key: 0 }))),
            Effect::Sync,
            v(1),
            v(2),
            v(3),
            Effect::SetTimer { timer: PcTimer::DecisionTimeout(0), min_us: 300_000, max_us: 300_000 },
        ]
    );
}

// Paxos Made Simple §2.2 as the acceptor of each instance: a promise covers every instance
// of the transaction, answers what each accepted, and refuses lower ballots after it.
#[test]
fn an_acceptor_keeps_its_promise_across_the_transactions_instances() {
    let mut a = Acceptor::default();
    assert_eq!(a.phase2(0, 4, 0, Vote::Prepared, false), Ok(()));
    assert_eq!(a.phase1(0, 8), Ok(vec![(4, 0, Vote::Prepared)]));
    assert_eq!(a.phase2(0, 5, 0, Vote::Prepared, false), Err(8), "ballot 0 is below the promise");
    assert_eq!(a.phase1(0, 7), Err(8));
    assert_eq!(a.phase2(0, 5, 8, Vote::Aborted, false), Ok(()));
    assert_eq!(a.phase2(1, 5, 0, Vote::Prepared, false), Ok(()), "another transaction is not promised");
    assert_eq!(a.phase2(0, 6, 0, Vote::Prepared, true), Ok(()), "the planted bug ignores the promise");
}

// The acceptor forces an acceptance before its phase 2b goes to the ballot's leader.
#[test]
fn an_acceptor_forces_its_acceptance_before_answering() {
    let mut a = node(2);
    let e = run(&mut a, 60_000, |a, out| a.on_message(4, PcMsg::Phase2a { txn: 0, rm: 4, ballot: 0, vote: Vote::Prepared }, out));
    assert_eq!(
        e,
        vec![
            Effect::Write(LogWrite::Append(PcRecord::Accept { txn: 0, rm: 4, ballot: 0, vote: Vote::Prepared })),
            Effect::Sync,
            send(0, PcMsg::Phase2b { txn: 0, rm: 4, ballot: 0, vote: Vote::Prepared }),
        ]
    );
}

// §4: the leader commits only when every instance chose Prepared (F + 1 = 2 phase 2b of
// one ballot each), and sends the outcome to everyone.
#[test]
fn the_leader_commits_when_every_instance_chose_prepared() {
    let mut c = node(0);
    for rm in [4, 5, 6] {
        for acc in [1, 2] {
            let e = run(&mut c, 70_000, |c, out| c.on_message(acc, PcMsg::Phase2b { txn: 0, rm, ballot: 0, vote: Vote::Prepared }, out));
            let last = rm == 6 && acc == 2;
            assert_eq!(e.iter().any(|e| matches!(e, Effect::Send { msg: PcMsg::Commit { .. }, .. })), last, "rm {rm} acc {acc}: {e:?}");
        }
    }
}

// §4: a new leader proposes, per instance, the value accepted with the highest ballot
// among F + 1 phase 1b answers, and Aborted where none was accepted.
#[test]
fn a_new_leader_proposes_what_phase_1_found_or_aborted() {
    let mut a = node(1);
    run(&mut a, 0, |a, out| a.on_timeout_now(out)); // nothing to take over yet
    let e = run(&mut a, 0, |a, out| a.on_message(4, PcMsg::DecisionReq { txn: 0 }, out));
    assert!(matches!(e[..], [Effect::SetTimer { timer: PcTimer::LeaderTimeout(0), .. }]), "{e:?}");
    let e = run(&mut a, 200_000, |a, out| a.on_timer(PcTimer::LeaderTimeout(0), out));
    assert!(e.contains(&send(2, PcMsg::Phase1a { txn: 0, ballot: 8 })), "{e:?}");
    run(&mut a, 210_000, |a, out| a.on_message(2, PcMsg::Phase1b { txn: 0, ballot: 8, accepted: vec![(4, 0, Vote::Prepared)] }, out));
    let e = run(&mut a, 211_000, |a, out| {
        a.on_message(3, PcMsg::Phase1b { txn: 0, ballot: 8, accepted: vec![(4, 0, Vote::Prepared), (5, 0, Vote::Aborted)] }, out)
    });
    for (rm, vote) in [(4, Vote::Prepared), (5, Vote::Aborted), (6, Vote::Aborted)] {
        assert!(e.contains(&send(2, PcMsg::Phase2a { txn: 0, rm, ballot: 8, vote })), "n{rm}: {e:?}");
    }
}

fn preset(name: &str, until_us: u64) -> History<PaxosCommit> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<PaxosCommit>(&s, true).unwrap()
}

fn pinned(h: &History<PaxosCommit>, hash: &str) {
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
    assert_eq!(PaxosCommit::check_liveness(h.sim().nodes()), Ok(()));
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
}

fn states(h: &History<PaxosCommit>, txn: u32) -> Vec<Option<RmState>> {
    h.sim().nodes()[4..].iter().map(|n| n.as_ref().and_then(|n| n.as_participant()?.state(txn))).collect()
}

#[test]
fn every_vote_yes_commits_every_transaction() {
    let h = preset("paxos-commit-commit", 2_000_000);
    for t in 0..4 {
        assert_eq!(states(&h, t), vec![Some(RmState::Committed); 3], "t{t}");
    }
    pinned(&h, "f47125a414d10185");
}

// §4: the coordinator's crash does not block: an acceptor takes over and finishes.
#[test]
fn an_acceptor_finishes_what_the_crashed_coordinator_began() {
    let h = preset("paxos-commit-coordinator-crash", 3_000_000);
    assert!(h.sim().nodes()[0].is_none(), "the coordinator stays down");
    assert_eq!(states(&h, 0), vec![Some(RmState::Committed); 3]);
    assert!(h.sim().nodes()[1].as_ref().unwrap().leader().unwrap().decided.contains_key(&0), "n1 took over and decided");
    pinned(&h, "ca50de69b861e4a3");
}

/// (messages, forced writes, all decided after) of t0 from a run's cost table.
fn cost_row<P: Present>(nodes: &[Option<P>], now_us: u64) -> Vec<String> {
    let o = P::overlay(nodes, now_us);
    let t = o.tables.into_iter().find(|t| t.title == "cost per transaction").unwrap();
    t.rows.into_iter().find(|r| r[0] == "t0").unwrap()[1..4].to_vec()
}

// Gray & Lamport's abstract: in the fault-free case Paxos Commit needs one message delay
// more than two-phase commit (Prepare, phase 2a, phase 2b, Commit against Prepare,
// Prepared, Commit) and the same stable-storage write delay (a participant's prepared
// record, then one more forced write: the coordinator's commit record, or the acceptors'
// acceptances). Counted on the same workload (3 participants, 10 ms links, F = 1), with
// our conventions (the coordinator a node of its own, no BeginCommit message): Paxos
// Commit sends N Prepare, N(2F+1) phase 2a, N(2F+1) phase 2b and the outcome to the N
// participants and 2F+1 acceptors (27, no acknowledgements), and forces N prepared
// records, N(2F+1) acceptances and N commit records (15); two-phase commit 4N = 12
// messages and 2N + 1 = 7 forced writes.
#[test]
fn paxos_commit_costs_one_message_delay_more_than_two_phase_commit() {
    let pc = preset("paxos-commit-commit", 1_000_000);
    let mut s = (presets::find("2pc-commit").unwrap().build)();
    s.playhead_us = 1_000_000;
    let tp = build_typed::<TwoPc>(&s, false).unwrap();
    assert_eq!(cost_row(tp.sim().nodes(), tp.sim().now_us()), vec!["12", "7", "30 ms"]);
    assert_eq!(cost_row(pc.sim().nodes(), pc.sim().now_us()), vec!["27", "15", "40 ms"]);
}
