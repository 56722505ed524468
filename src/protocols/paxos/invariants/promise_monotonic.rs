//! An acceptor's promised ballot never decreases, across restarts too (the acceptor's
//! promise is what phase 1 relies on; TLA+ Paxos: maxBal is monotonic; "Paxos Made Simple"
//! §2.3: an acceptor must remember its promise even if it fails and restarts).

use super::{violation, PaxosChecker};
use crate::protocols::paxos::Paxos;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Promises never decrease";
pub const SOURCE: &str = "Paxos Made Simple §2.3 (stable storage); TLA+ Paxos: maxBal monotonic";

pub fn check(c: &mut PaxosChecker, ctx: &CheckCtx<Paxos>, id: NodeId, node: &Paxos, out: &mut Vec<Violation>) {
    let before = c.max_promised[id as usize];
    let now = node.acceptor.promised;
    if now < before {
        let why = if ctx.restarted { " after a restart (its promise was not on stable storage)" } else { "" };
        out.push(violation(ctx, NAME, SOURCE, format!("n{id} had promised ballot {before} and now promises only {now}{why}")));
    }
    // Report each decrease once, then follow the acceptor from where it now stands.
    c.max_promised[id as usize] = now;
}
