//! Leader Completeness: an entry committed in a term is present in the logs of the leaders
//! of all higher terms (Raft paper, Figure 3; §5.4). Also records what commits: two
//! different entries committed at one index is reported here too.

use super::{entry_hash, violation, RaftChecker};
use crate::protocols::raft::{Raft, Role, StateMachine};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Leader Completeness";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.4";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &CheckCtx<Raft<S>>, r: &Raft<S>, out: &mut Vec<Violation>) {
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
            }
        }
    }
    c.commit_seen[i] = c.commit_seen[i].max(commit);
    // Checked once per leader and term, when it is first seen leading.
    if r.role != Role::Leader || !c.completeness_checked.insert((r.current_term, r.id())) {
        return;
    }
    // A leader must hold every entry committed in an earlier term.
    for (index, (term, h, commit_term)) in &c.committed {
        if *commit_term >= r.current_term {
            continue;
        }
        let has = r.term_at(*index) == Some(*term) && entry_hash(r, *index) == *h;
        if !has {
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
