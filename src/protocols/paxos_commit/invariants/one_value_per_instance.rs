//! Consistency of each participant's instance: at most one vote is ever chosen for it,
//! chosen meaning accepted by F + 1 acceptors in one ballot (Gray & Lamport, TODS 2006,
//! §4; PaxosCommit.tla, the Paxos consistency of each instance). The checker remembers
//! every acceptance it saw, so an acceptor that forgets one after a crash does not hide
//! a value chosen before.

use super::super::node::PaxosCommit;
use crate::protocols::paxos_commit::msg::{Ballot, Vote};
use crate::protocols::txn::TxnId;
use crate::protocols::txn::invariants::violation;
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "One vote chosen per instance";
pub const SOURCE: &str = "Gray & Lamport 2006, §4 (each instance is a Paxos consensus); PaxosCommit.tla";

#[derive(Clone, Debug, Default)]
pub struct Instances {
    quorum: usize,
    /// Per (transaction, instance, ballot, vote): the acceptors that accepted it.
    accepted: SortedMap<(TxnId, NodeId, Ballot, Vote), SortedSet<NodeId>>,
    /// Per (transaction, instance): the vote chosen, and in which ballot.
    chosen: SortedMap<(TxnId, NodeId), (Vote, Ballot)>,
}

impl Instances {
    pub fn new(quorum: usize) -> Self {
        Instances { quorum, ..Default::default() }
    }
}

pub fn check(c: &mut Instances, ctx: &CheckCtx<PaxosCommit>, out: &mut Vec<Violation>) {
    let Some(id) = ctx.node else { return };
    let Some(Some(node)) = ctx.nodes.get(id as usize) else { return };
    let Some((txn, rm, ballot, vote)) = node.as_acceptor().and_then(|a| a.last_accept) else { return };
    let by = c.accepted.entry((txn, rm, ballot, vote)).or_default();
    by.insert(id);
    if by.len() < c.quorum {
        return;
    }
    match c.chosen.get(&(txn, rm)) {
        None => {
            c.chosen.insert((txn, rm), (vote, ballot));
        }
        Some((v, b)) if *v != vote => {
            let text = format!("t{txn}'s instance n{rm} chose {v:?} in ballot {b} and {vote:?} in ballot {ballot}");
            out.push(violation(ctx, NAME, SOURCE, text));
        }
        Some(_) => {}
    }
}
