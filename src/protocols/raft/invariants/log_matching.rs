//! Log Matching: if two logs contain an entry with the same index and term, the logs are
//! identical in all entries up through that index (Raft paper, Figure 3; §5.3). Checked with
//! prefix hashes: the first log seen with an (index, term) fixes the prefix every other log
//! must have there.

use super::{entry_hash, violation, RaftChecker};
use crate::protocols::raft::{Raft, StateMachine};
use crate::sim::hash::stable_hash;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Log Matching";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.3";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &CheckCtx<Raft<S>>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let seen = &mut c.seen[r.id() as usize];
    let len = r.log.len();
    // Unchanged since last time? (Same length, same last entry.)
    if seen.len() == len && len > 0 && seen[len - 1].1 == entry_hash(r, len as u64) || len == 0 && seen.is_empty() {
        return;
    }
    // First index whose entry differs from what we saw (logs change at the tail).
    let mut first = seen.len().min(len);
    while first > 0 && seen[first - 1].1 != entry_hash(r, first as u64) {
        first -= 1;
    }
    seen.truncate(first);
    for idx in first..len {
        let index = idx as u64 + 1;
        let h = entry_hash(r, index);
        let prev = if idx == 0 { 0 } else { seen[idx - 1].2 };
        let prefix = stable_hash(&(prev, h));
        let term = r.log[idx].term;
        seen.push((term, h, prefix));
        match c.prefixes.get(&(index, term)) {
            Some(p) if *p != prefix => {
                out.push(violation(
                    ctx,
                    NAME,
                    SOURCE,
                    format!("n{} has an entry at index {index} of term {term} like another log, but the logs differ before it", r.id()),
                ));
                return;
            }
            Some(_) => {}
            None => {
                c.prefixes.insert((index, term), prefix);
            }
        }
    }
}
