//! Three-phase commit's checkers: AC1-AC3 (Bernstein et al. 1987, §7.2; one file each in
//! `protocols::txn::invariants`) and Skeen's nonblocking condition (`nonblocking`) after
//! every event, and AC5 after faults heal: every participant has decided, except where 3PC
//! may block: every participant that voted yes failed and came back uncertain (a total
//! failure), and no node knows the outcome.

pub mod nonblocking;

use super::config::ThreePcConfig;
use super::coordinator::TmPhase;
use super::node::{participants, Role, ThreePc};
use crate::protocols::txn::invariants::AcChecker;
use crate::protocols::txn::{RmState, TxnId};
use crate::sim::sorted::SortedSet;
use crate::sim::{CheckCtx, Checker, NodeId, Violation};

#[derive(Clone, Debug, Default)]
pub struct ThreePcChecker {
    pub ac: AcChecker,
    /// The commits `nonblocking` has checked.
    pub commits_seen: SortedSet<(TxnId, NodeId)>,
}

impl Checker<ThreePc> for ThreePcChecker {
    fn new(_config: &ThreePcConfig, n: u32) -> Self {
        ThreePcChecker { ac: AcChecker::new(n, participants(n).collect()), commits_seen: SortedSet::new() }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        let mut p = AcChecker::properties();
        p.push((nonblocking::NAME, nonblocking::SOURCE));
        p
    }
    fn check(&mut self, ctx: &CheckCtx<ThreePc>, out: &mut Vec<Violation>) {
        self.ac.check(ctx, out);
        nonblocking::check(&mut self.commits_seen, ctx, out);
    }
}

/// Does some node that is up know the outcome of `txn`?
fn known(nodes: &[Option<ThreePc>], txn: TxnId) -> bool {
    nodes.iter().flatten().any(|n| match &n.role {
        Role::Coordinator(c) => c.decision(txn).is_some(),
        Role::Participant(p) => p.state(txn).is_some_and(|s| s.decision().is_some()),
    })
}

/// AC5: after the heal every participant has decided what it knows and the coordinator
/// has begun and finished every transaction, unless the transaction is blocked by a total
/// failure (nobody knows its outcome and every undecided participant is recovering).
pub fn liveness(nodes: &[Option<ThreePc>]) -> Result<(), String> {
    for (id, node) in nodes.iter().enumerate() {
        let Some(node) = node else { continue };
        match &node.role {
            Role::Coordinator(c) => {
                if let Some(txn) = c.unfinished(&node.config) {
                    return Err(format!("coordinator n{id} has not finished t{txn}"));
                }
                if let Some(txn) = c.txns.iter().find(|(t, p)| **p == TmPhase::Recovering && known(nodes, **t)).map(|(t, _)| *t) {
                    return Err(format!("coordinator n{id} has not learned the outcome of t{txn}, which others know"));
                }
            }
            Role::Participant(p) => {
                for (txn, t) in p.txns.iter().filter(|(_, t)| t.state.decision().is_none()) {
                    if !t.recovering {
                        return Err(format!("participant n{id} is still {} in t{txn}", t.state.label()));
                    }
                    if known(nodes, *txn) {
                        return Err(format!("participant n{id}, back from a crash, has not learned the outcome of t{txn}, which others know"));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Transactions blocked as 3PC may block: some participant recovering and undecided,
/// and no node that is up knows the outcome (for the page's gauge).
pub fn blocked(nodes: &[Option<ThreePc>]) -> Vec<TxnId> {
    let mut out: Vec<TxnId> = nodes
        .iter()
        .flatten()
        .filter_map(ThreePc::as_participant)
        .flat_map(|p| p.txns.iter().filter(|(_, t)| t.recovering && t.state != RmState::Committed).map(|(x, _)| *x))
        .filter(|t| !known(nodes, *t))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
