//! Log Matching: if two logs contain an entry with the same index and term, the logs are
//! identical in all entries up through that index (Raft paper, Figure 3; §5.3). Checked with
//! prefix hashes: the first log seen with an (index, term) fixes the prefix hash every log
//! must have there, in any node and at any time. Only entries that changed since the node's
//! last check are hashed: appended ones, and those after the point its log was last cut.

use super::{entry_hash, violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, StateMachine};
use crate::sim::hash::stable_hash;
use crate::sim::Violation;

pub const NAME: &str = "Log Matching";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.3";

/// The first index (0-based) of `r`'s log that may differ from what the checker saw.
fn first_changed<S: StateMachine>(c: &RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>) -> usize {
    let i = r.id() as usize;
    let (seen, before) = (c.seen[i].len(), c.seen_truncations[i]);
    let first = if ctx.restarted || r.log_truncations < before || r.log_truncations > before + 1 {
        0
    } else if r.log_truncations == before + 1 {
        seen.min(r.log_truncated_to as usize)
    } else {
        seen
    };
    // A shorter log without a recorded cut would mean a change we did not see: rescan.
    if first > r.log.len() { 0 } else { first }
}

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    let first = first_changed(c, ctx, r);
    c.seen_truncations[i] = r.log_truncations;
    let seen = &mut c.seen[i];
    seen.truncate(first);
    for idx in first..r.log.len() {
        let index = idx as u64 + 1;
        let prev = if idx == 0 { 0 } else { seen[idx - 1].1 };
        let prefix = stable_hash(&(prev, entry_hash(r, index)));
        let term = r.log[idx].term;
        seen.push((term, prefix));
        match c.prefixes.get(&(index, term)) {
            Some(p) if *p != prefix => out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{} has an entry at index {index} of term {term} like another log, but the logs differ before it", r.id()),
            )),
            Some(_) => {}
            None => {
                c.prefixes.insert((index, term), prefix);
            }
        }
    }
}

/// The prefix hash of `node`'s log up to `len` entries, as last checked (0 for none).
pub fn prefix_at<S>(c: &RaftChecker<S>, node: usize, len: u64) -> u64 {
    if len == 0 { 0 } else { c.seen[node].get(len as usize - 1).map_or(0, |e| e.1) }
}
