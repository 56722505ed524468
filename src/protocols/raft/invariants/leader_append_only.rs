//! Leader Append-Only: a leader never overwrites or deletes entries in its log; it only
//! appends (Raft paper, Figure 3; §5.3). While a node leads a term, the prefix hash of its
//! log at the length last seen must not change and the log must not get shorter. The
//! hashes are the checker's own record of the log (kept by Log Matching from the entries
//! themselves), so a leader that rewrites entries is caught whatever it says it did.

use super::log_matching::prefix_at;
use super::{violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, Role, StateMachine};
use crate::sim::Violation;

pub const NAME: &str = "Leader Append-Only";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.3";

/// Runs after Log Matching, which has brought this node's prefix hashes up to date.
pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    if r.role != Role::Leader {
        c.leader_logs[i] = None;
        return;
    }
    if let Some((term, len, prefix)) = c.leader_logs[i] {
        if term == r.current_term && (r.last_log_index() < len || prefix_at(c, i, len) != prefix) {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("leader n{} of term {term} had {len} entries; some of them were deleted or overwritten", r.id()),
            ));
        }
    }
    let len = r.last_log_index();
    c.leader_logs[i] = Some((r.current_term, len, prefix_at(c, i, len)));
}
