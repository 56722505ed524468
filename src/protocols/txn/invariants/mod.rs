//! The atomic-commitment conditions every commit protocol of the family must keep
//! (Bernstein et al. 1987, §7.2), one file per property, over what [`TxnNode`] shows; run
//! after every event on the node the event touched. AC4 and AC5 are liveness: AC5 (every
//! participant decides once failures are repaired) is [`liveness`], AC4 (no failures and
//! every vote yes: commit) a test of each protocol.

pub mod ac1_agreement;
pub mod ac2_no_reversal;
pub mod ac3_commit_needs_all_yes;

use super::{Decision, TxnId, TxnNode};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{CheckCtx, NodeId, Protocol, Violation};

pub(crate) fn violation<P: Protocol>(ctx: &CheckCtx<P>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// What the checkers remember across events (and across crashes, which wipe the nodes'
/// volatile state but not what they decided before).
#[derive(Clone, Debug, Default)]
pub struct AcChecker {
    /// The participants of every transaction.
    pub participants: Vec<NodeId>,
    /// Per transaction: the first decision anyone reached, and who.
    pub first: SortedMap<TxnId, (Decision, NodeId)>,
    /// Per node: every decision it ever reached.
    pub decided: Vec<SortedMap<TxnId, Decision>>,
    /// Per transaction: the participants seen to have voted yes.
    pub voted_yes: SortedMap<TxnId, SortedSet<NodeId>>,
}

impl AcChecker {
    pub fn new(n: u32, participants: Vec<NodeId>) -> Self {
        AcChecker { participants, decided: vec![SortedMap::new(); n as usize], ..Default::default() }
    }

    pub fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (ac1_agreement::NAME, ac1_agreement::SOURCE),
            (ac2_no_reversal::NAME, ac2_no_reversal::SOURCE),
            (ac3_commit_needs_all_yes::NAME, ac3_commit_needs_all_yes::SOURCE),
        ]
    }

    /// Check the node the event touched.
    pub fn check<P: Protocol + TxnNode>(&mut self, ctx: &CheckCtx<P>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes[id as usize].as_ref() else { return };
        let states = node.rm_states();
        for (txn, state) in &states {
            if state.voted_yes() {
                self.voted_yes.entry(*txn).or_default().insert(id);
            }
        }
        let decisions = states.iter().filter_map(|(t, s)| s.decision().map(|d| (*t, d))).chain(node.decisions());
        for (txn, d) in decisions {
            if self.decided[id as usize].get(&txn) == Some(&d) {
                continue; // checked when it was reached
            }
            ac2_no_reversal::check(self, ctx, id, txn, d, out);
            ac1_agreement::check(self, ctx, id, txn, d, out);
            if d == Decision::Commit {
                ac3_commit_needs_all_yes::check(self, ctx, id, txn, out);
            }
        }
    }
}

/// AC5 after the heal: no participant is still working on, or uncertain about, a
/// transaction it knows (every one decided), and no coordinator still waits for votes.
pub fn liveness<P: TxnNode>(nodes: &[Option<P>], undecided_at_coordinator: impl Fn(&P) -> Option<TxnId>) -> Result<(), String> {
    for (id, node) in nodes.iter().enumerate() {
        let Some(node) = node else { continue };
        if let Some((txn, s)) = node.rm_states().into_iter().find(|(_, s)| s.decision().is_none()) {
            return Err(format!("participant n{id} is still {} in t{txn}", s.label()));
        }
        if let Some(txn) = undecided_at_coordinator(node) {
            return Err(format!("n{id} has not finished t{txn}"));
        }
    }
    Ok(())
}

/// The label of a state for explanations.
pub(crate) fn said(d: Decision) -> &'static str {
    match d {
        Decision::Commit => "committed",
        Decision::Abort => "aborted",
    }
}

