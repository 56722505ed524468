//! Log Matching: if two logs contain an entry with the same index and term, the logs are
//! identical in all entries up through that index (Raft paper, Figure 3; §5.3). Checked with
//! prefix hashes: the first log seen with an (index, term) fixes the prefix hash every log
//! must have there, in any node and at any time.
//!
//! The checker keeps its own record of every node's log, (term, prefix hash) per index
//! computed from the entries it saw, and a copy of the log's last entry; it finds what
//! changed from the log itself, never from the node's bookkeeping. If the last entry it
//! saw is no longer there as it was, it walks back from the end while the recorded hashes
//! no longer match (a cut suffix, the only change rule 3 of Figure 2 makes, is found at
//! once); and every `AUDIT_EVERY` events at a node it re-hashes one older entry, in turn
//! (any other change is found within that many passes over the log). Per event that is a
//! comparison and O(changed entries) hashes, never a whole-log scan.

use super::{entry_hash, violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, StateMachine};
use crate::sim::hash::word_hash;
use crate::sim::Violation;

pub const NAME: &str = "Log Matching";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.3";

/// The prefix hash of entry `idx` (0-based) of `r`'s log, chained on the one before it.
fn prefix_hash<S: StateMachine>(before: u64, r: &Raft<S>, idx: usize) -> u64 {
    word_hash(&(before, entry_hash(r, idx as u64 + 1)))
}

/// Does entry `idx` of `r`'s log still hash to what the checker recorded for it?
fn unchanged<S: StateMachine>(seen: &[(u64, u64)], r: &Raft<S>, idx: usize) -> bool {
    let before = if idx == 0 { 0 } else { seen[idx - 1].1 };
    seen[idx] == (r.log[idx].term, prefix_hash(before, r, idx))
}

/// One older entry is re-hashed every this many events at a node.
pub const AUDIT_EVERY: u64 = 8;

/// The first index (0-based) of `r`'s log that differs from the checker's record.
fn first_changed<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>) -> usize {
    let i = r.id() as usize;
    if ctx.restarted {
        return 0;
    }
    let seen = &c.seen[i];
    let mut first = seen.len().min(r.log.len());
    let last_kept = first == seen.len() && first > 0 && c.last[i].as_ref() == Some(&r.log[first - 1]);
    while !last_kept && first > 0 && !unchanged(seen, r, first - 1) {
        first -= 1;
    }
    c.audit[i] += 1;
    if first > 0 && c.audit[i].is_multiple_of(AUDIT_EVERY) {
        let at = (c.audit[i] / AUDIT_EVERY) as usize % first;
        if !unchanged(seen, r, at) {
            first = at;
        }
    }
    first
}

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    let first = first_changed(c, ctx, r);
    if first < r.log.len() || first < c.seen[i].len() {
        c.last[i] = r.log.last().cloned();
    }
    let seen = &mut c.seen[i];
    seen.truncate(first);
    for idx in first..r.log.len() {
        let index = idx as u64 + 1;
        let before = if idx == 0 { 0 } else { seen[idx - 1].1 };
        let prefix = prefix_hash(before, r, idx);
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
pub fn prefix_at<S: StateMachine>(c: &RaftChecker<S>, node: usize, len: u64) -> u64 {
    if len == 0 { 0 } else { c.seen[node].get(len as usize - 1).map_or(0, |e| e.1) }
}
