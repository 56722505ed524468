//! The commit protocols' failure-free costs against Gray & Lamport's comparison ("Consensus
//! on Transaction Commit", TODS 2006, §6), and the three protocols side by side on one
//! scenario (`clusterlab compare`, the page's table).
//!
//! Gray & Lamport count one transaction of N resource managers (RMs) this way, and the
//! tests restate each convention where they apply it to what our runs measure:
//! - the transaction is begun by one RM that has already prepared: it sends BeginCommit to
//!   the transaction manager (TM, Paxos Commit's initial leader), which stands in for that
//!   RM's Prepare and its vote; our coordinator begins transactions itself instead;
//! - a message delay is one hop on the longest chain from BeginCommit to the last RM
//!   learning the outcome; messages after that (acknowledgements, an acceptor learning the
//!   outcome) are not counted, and neither are the RMs' commit records, written after the
//!   outcome is known;
//! - two-phase commit's TM has a node of its own; in Paxos Commit the leader shares a node
//!   with one acceptor, and in the normal case each RM sends its phase 2a message to F + 1
//!   acceptors only (that one among them), each of which bundles its phase 2b messages for
//!   every instance into one message and its acceptances into one stable-storage write.
//!
//! Under these conventions their table gives two-phase commit 4 message delays, 3N - 1
//! messages, 2 stable-storage write delays and N + 1 writes; Paxos Commit 5 delays,
//! (N + 1)(F + 3) - 4 messages, 2 write delays and N + F + 1 writes (F = 0 is two-phase
//! commit).

use clusterlab::protocols::paxos_commit::PaxosCommit;
use clusterlab::protocols::twopc::TwoPc;
use clusterlab::protocols::txn::cost::totals;
use clusterlab::protocols::txn::TxnNode;
use clusterlab::scenario::compare::side_by_side;
use clusterlab::scenario::registry::build_typed;
use clusterlab::scenario::{presets, Scenario};
use clusterlab::sim::{History, NetConfig, Protocol, TraceKind};
use serde_json::json;

const LATENCY_US: u64 = 10_000;

fn one_transaction<P: Protocol + TxnNode>(protocol: &str, nodes: u32, config: serde_json::Value) -> History<P> {
    let mut s = Scenario::new(protocol, nodes, 5);
    s.config = config;
    s.net = NetConfig { latency_min_us: LATENCY_US, latency_max_us: LATENCY_US, ..NetConfig::default() };
    s.playhead_us = 2_000_000;
    let h = build_typed::<P>(&s, true).unwrap();
    assert!(h.sim().violations().is_empty());
    h
}

/// Messages sent, by kind.
fn sent<P: Protocol>(h: &History<P>, kind: &str) -> u64 {
    h.trace().iter().filter(|r| matches!(r.kind, TraceKind::Send { kind: k, .. } if k == kind)).count() as u64
}

/// (forced writes, message delays until every participant decided) of t0.
fn measured<P: Protocol + TxnNode>(h: &History<P>) -> (u64, u64) {
    let nodes = h.sim().nodes().iter().flatten().map(|n| (n.costs(), n.is_participant()));
    let t = totals(nodes, 0, h.sim().now_us());
    let after = t.decided_after_us.expect("every participant decided");
    assert_eq!(after % LATENCY_US, 0, "whole hops on fixed links");
    (u64::from(t.forced_writes), after / LATENCY_US)
}

#[test]
fn two_phase_commit_matches_gray_and_lamports_counts() {
    for n in [2u64, 3, 5, 8] {
        let h = one_transaction::<TwoPc>("2pc", n as u32 + 2, json!({"transactions": 1}));
        let (prepare, prepared, commit, ack) = (sent(&h, "Prepare"), sent(&h, "Prepared"), sent(&h, "Commit"), sent(&h, "Ack"));
        assert_eq!((prepare, prepared, commit, ack), (n, n, n, n), "what our coordinator sends and hears");
        // The initiating RM's Prepare and vote become one BeginCommit; acks are not counted.
        let messages = (prepare - 1) + (prepared - 1) + 1 + commit;
        assert_eq!(messages, 3 * n - 1, "N = {n}");
        let (forced, delays) = measured(&h);
        // Our 2N + 1 forced writes less the RMs' commit records.
        assert_eq!(forced - n, n + 1, "N = {n}");
        // Prepare, Prepared, Commit, and BeginCommit before them.
        assert_eq!(delays + 1, 4, "N = {n}");
    }
}

#[test]
fn paxos_commit_matches_gray_and_lamports_counts() {
    for (n, f) in [(2u64, 1u64), (3, 1), (4, 1), (3, 2), (2, 3)] {
        let acceptors = 2 * f + 1;
        let h = one_transaction::<PaxosCommit>("paxos-commit", (n + 2 * f + 2) as u32, json!({"transactions": 1, "f": f}));
        let (prepare, p2a, p2b, commit) = (sent(&h, "Prepare"), sent(&h, "Phase2a"), sent(&h, "Phase2b"), sent(&h, "Commit"));
        assert_eq!((prepare, p2a, p2b, commit), (n, n * acceptors, n * acceptors, n + acceptors), "what our nodes send");
        // BeginCommit for the initiating RM's Prepare; phase 2a to F + 1 acceptors per RM, the
        // initiator's to the leader's own acceptor local; one bundled phase 2b from each of
        // the F + 1 acceptors, the leader's own local; the outcome to the RMs only.
        let begin_and_prepare = 1 + (prepare - 1);
        let phase2a = p2a / acceptors * (f + 1) - 1;
        let phase2b = (p2b / n) / acceptors * (f + 1) - 1;
        let outcome = commit - acceptors;
        assert_eq!(begin_and_prepare + phase2a + phase2b + outcome, (n + 1) * (f + 3) - 4, "N = {n}, F = {f}");
        let (forced, delays) = measured(&h);
        // Ours: N prepared records, N(2F + 1) acceptances, N commit records. Theirs: the
        // prepared records and one bundled write at each of F + 1 acceptors.
        let acceptances = forced - 2 * n;
        assert_eq!(acceptances, n * acceptors);
        assert_eq!(n + acceptances / n / acceptors * (f + 1), n + f + 1, "N = {n}, F = {f}");
        // Prepare, phase 2a, phase 2b, Commit, and BeginCommit before them.
        assert_eq!(delays + 1, 5, "N = {n}, F = {f}");
    }
}

fn compare(preset: &str) -> Vec<Vec<String>> {
    let mut s = (presets::find(preset).expect("preset").build)();
    s.playhead_us = 0;
    let t = side_by_side(&s).expect("a commit protocol's scenario");
    assert_eq!(t.headers.len(), 7);
    for label in t.headers.iter().chain([&t.title]) {
        assert!(clusterlab::i18n::has_translation(label), "no Chinese for {label:?}");
    }
    assert_eq!(t.rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), vec!["two-phase commit", "three-phase commit", "Paxos Commit"]);
    t.rows
}

// Failure-free, the side-by-side table shows each protocol's own counts (three
// participants, 10 ms links): 2PC 4N messages and 2N + 1 forced writes in 3 delays;
// 3PC 5N messages (CanCommit, Yes, PreCommit, Ack, DoCommit) and 2N + 2 forced writes
// (its pre-commit record besides 2PC's), in 5 delays plus its sends one at a time
// (each 4 ms after the one before, the first too: 3 × 4 ms for each of its three
// broadcasts); Paxos Commit (F = 1) 27
// messages and 15 forced writes in 4 delays.
#[test]
fn side_by_side_failure_free_counts() {
    let rows = compare("2pc-commit");
    let cells = |r: &Vec<String>| r[1..7].to_vec();
    assert_eq!(cells(&rows[0]), vec!["12.0", "7.0", "3.0", "30 ms", "60 ms", "0"]);
    assert_eq!(cells(&rows[1])[..2], ["15.0", "8.0"]);
    assert_eq!(rows[1][4], "86 ms", "50 ms of delays and 36 ms of sending");
    assert_eq!(cells(&rows[2])[..4], ["27.0", "15.0", "4.0", "40 ms"]);
}

// The same coordinator crash, by role: two-phase commit blocks until the coordinator is
// back (1.5 s), three-phase commit terminates at its timeout without it, Paxos Commit's
// acceptors take over sooner; every transaction ends decided in all three.
#[test]
fn side_by_side_coordinator_crash_shows_who_blocks() {
    let rows = compare("2pc-coordinator-crash");
    let ms = |c: &str| c.trim_end_matches(" ms").parse::<u64>().unwrap();
    let uncertain: Vec<u64> = rows.iter().map(|r| ms(&r[5])).collect();
    assert!(uncertain[0] > uncertain[1] && uncertain[1] > uncertain[2], "{rows:?}");
    assert!(rows.iter().all(|r| r[6] == "0"), "{rows:?}");
    // Left down for good (the Paxos Commit preset never restarts it), 2PC stays blocked.
    let rows = compare("paxos-commit-coordinator-crash");
    assert_eq!(rows[0][6], "1", "{rows:?}");
    assert_eq!((rows[1][6].as_str(), rows[2][6].as_str()), ("0", "0"));
}

#[test]
fn other_protocols_get_no_comparison() {
    let s = (presets::find("raft-election").unwrap().build)();
    assert!(side_by_side(&s).is_none());
}
