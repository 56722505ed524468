//! Leader Completeness: if an entry is committed in a given term, it is present in the logs
//! of the leaders of all higher terms (Raft paper, Figure 3; §5.4, proof in §5.4.3).
//!
//! Every entry is recorded when a node first counts it committed, with the node's term
//! then (at least the term it was committed in). It is then checked against
//! - every leader of a higher term: when the leader is first seen leading, and, for leaders
//!   already leading, when the entry is recorded;
//! - every live node that could win an election now: a node that lacks the entry although
//!   its log is at least as up-to-date (§5.4.1) as the logs of a majority of the cluster
//!   (itself included) would get their votes in a fresh term and lead without the entry.
//!   In a correct Raft the proof of §5.4.3 rules this out; the Figure 8 trap (counting
//!   replicas of an old-term entry) is caught here at the moment of the unsafe commit.
//!
//! Two different entries counted committed at one index are reported here too.

use super::{entry_hash, violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, Role, StateMachine};
use crate::sim::Violation;

pub const NAME: &str = "Leader Completeness";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.4";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    let i = r.id() as usize;
    let commit = r.commit_index.min(r.last_log_index());
    for index in c.commit_seen[i] + 1..=commit {
        let (term, h) = (r.log[index as usize - 1].term, entry_hash(r, index));
        match c.committed.get(&index) {
            Some((t, eh, _)) if (*t, *eh) != (term, h) => out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{} committed a term-{term} entry at index {index}, where a term-{t} entry was already committed", r.id()),
            )),
            Some(_) => {}
            None => {
                c.committed.insert(index, (term, h, r.current_term));
                check_new_commit(ctx, index, term, r.current_term, out);
            }
        }
    }
    c.commit_seen[i] = c.commit_seen[i].max(commit);
    // Checked once per leader and term, when it is first seen leading.
    if r.role != Role::Leader || !c.completeness_checked.insert((r.current_term, r.id())) {
        return;
    }
    for (index, (term, h, commit_term)) in &c.committed {
        if *commit_term >= r.current_term {
            continue;
        }
        if r.term_at(*index) != Some(*term) || entry_hash(r, *index) != *h {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{} leads term {} but lacks the term-{term} entry committed at index {index}", r.id(), r.current_term),
            ));
            return;
        }
    }
}

/// A newly committed entry (index, term), committed in term `commit_term` or earlier.
fn check_new_commit<S: StateMachine>(ctx: &RaftCtx<S>, index: u64, term: u64, commit_term: u64, out: &mut Vec<Violation>) {
    let live: Vec<&Raft<S>> = ctx.live().collect();
    let majority = ctx.group.size() / 2 + 1;
    for x in &live {
        if x.term_at(index) == Some(term) {
            continue;
        }
        if x.role == Role::Leader && x.current_term > commit_term {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("n{} leads term {} but lacks the term-{term} entry just committed at index {index}", x.id(), x.current_term),
            ));
            return;
        }
        let at_least = |v: &&&Raft<S>| (x.last_log_term(), x.last_log_index()) >= (v.last_log_term(), v.last_log_index());
        let voters: Vec<String> = live.iter().filter(at_least).map(|v| format!("n{}", v.id())).collect();
        if voters.len() >= majority {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!(
                    "the term-{term} entry at index {index} was counted committed, but n{} lacks it and its log is at least as \
                     up-to-date as those of {}: they would elect it, and it would overwrite the entry (Figure 8)",
                    x.id(),
                    voters.join(", ")
                ),
            ));
            return;
        }
    }
}
