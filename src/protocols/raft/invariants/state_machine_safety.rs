//! State Machine Safety: if a server has applied an entry at an index, no other server ever
//! applies a different entry at that index (Raft paper, Figure 3; §5.4.3).

use super::{entry_hash, violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, StateMachine};
use crate::sim::Violation;

pub const NAME: &str = "State Machine Safety";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.4.3";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    let applied = r.last_applied.min(r.last_log_index());
    for index in c.applied_seen[i] + 1..=applied {
        let h = entry_hash(r, index);
        match c.applied.get(&index) {
            Some(other) if *other != h => out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{} applied a different entry at index {index} than another server did", r.id()),
            )),
            Some(_) => {}
            None => {
                c.applied.insert(index, h);
            }
        }
    }
    c.applied_seen[i] = c.applied_seen[i].max(applied);
}
