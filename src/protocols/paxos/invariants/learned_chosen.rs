//! A learner never learns a value that was not chosen ("Paxos Made Simple" §2.1, safety
//! requirement 3: a process never learns that a value has been chosen unless it has been).

use super::{violation, PaxosChecker};
use crate::protocols::paxos::Paxos;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Learners learn only chosen values";
pub const SOURCE: &str = "Paxos Made Simple §2.1 (safety requirement 3)";

pub fn check(c: &mut PaxosChecker, ctx: &CheckCtx<Paxos>, id: NodeId, node: &Paxos, out: &mut Vec<Violation>) {
    if node.learned.len() == c.learned_seen[id as usize] {
        return;
    }
    c.learned_seen[id as usize] = node.learned.len();
    for (slot, value) in &node.learned {
        match c.chosen.get(slot) {
            Some(v) if v == value => {}
            Some(v) => out.push(violation(ctx, NAME, SOURCE, format!("n{id} learned {value} for slot {slot}, but {v} was chosen"))),
            None => out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{id} learned {value} for slot {slot}, but no majority of acceptors has accepted any value there"),
            )),
        }
    }
}
