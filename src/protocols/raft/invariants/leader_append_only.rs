//! Leader Append-Only: a leader never overwrites or deletes entries in its log; it only
//! appends (Raft paper, Figure 3; §5.3).

use super::{violation, RaftChecker};
use crate::protocols::raft::{Raft, Role, StateMachine};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Leader Append-Only";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.3";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &CheckCtx<Raft<S>>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    if r.role != Role::Leader {
        c.leader_logs[i] = None;
        return;
    }
    let now = (r.current_term, r.last_log_index(), r.last_log_term());
    if let Some((term, len, last_term)) = c.leader_logs[i] {
        if term == r.current_term && (r.last_log_index() < len || r.term_at(len) != Some(last_term)) {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("leader n{} of term {term} had {len} entries ending in term {last_term}; its log was cut or overwritten", r.id()),
            ));
        }
    }
    c.leader_logs[i] = Some(now);
}
