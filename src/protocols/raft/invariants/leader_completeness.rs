//! Leader Completeness: if an entry is committed in a given term, it is present in the logs
//! of the leaders of all higher terms (Raft paper, Figure 3; §5.4, proof in §5.4.3).
//!
//! Every entry is recorded when a node first counts it committed, with the node's term
//! then (at least the term it was committed in). It is then checked against
//! - every leader of a higher term: when the leader is first seen leading, and, for leaders
//!   already leading, when the entry is recorded;
//! - every server that could win an election now: a server that lacks the entry although
//!   its log is at least as up-to-date (§5.4.1) as the logs of a majority of the cluster
//!   (itself included) would get their votes in a fresh term and lead without the entry.
//!   From version 3 a crashed server counts too, with the log on its disk: it restarts with
//!   that log, votes with it (§5.2, §5.4.1) and may stand with it. In a correct Raft the
//!   proof of §5.4.3 rules this out; the Figure 8 trap (counting replicas of an old-term
//!   entry) is caught here at the moment of the unsafe commit, even while the servers
//!   that would elect the entry's loser are down.
//!
//! Two different entries counted committed at one index are reported here too.

use super::{entry_hash, violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Entry, Raft, Role, StateMachine};
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
                check_new_commit(c, ctx, index, term, r.current_term, out);
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

/// A log an election would count: a live server's, or, for a crashed server, the log on
/// its disk (what it votes and stands with once it restarts).
struct VoterLog<'a, C> {
    id: usize,
    log: &'a [Entry<C>],
    /// The term it leads, if it is a live leader.
    leads: Option<u64>,
}

impl<C> VoterLog<'_, C> {
    /// (lastLogTerm, lastLogIndex), compared as §5.4.1 compares logs.
    fn last(&self) -> (u64, u64) {
        (self.log.last().map_or(0, |e| e.term), self.log.len() as u64)
    }
    fn has(&self, index: u64, term: u64) -> bool {
        self.log.get(index as usize - 1).is_some_and(|e| e.term == term)
    }
}

/// Every live server's log, and from version 3 every crashed server's log on disk.
fn voter_logs<'a, S: StateMachine>(c: &RaftChecker<S>, ctx: &RaftCtx<'a, S>) -> Vec<VoterLog<'a, S::Command>> {
    let group = ctx.group;
    (0..group.size())
        .filter_map(|id| match group.replica(id) {
            Some(r) => Some(VoterLog { id, log: &r.log, leads: (r.role == Role::Leader).then_some(r.current_term) }),
            None if c.crashed_voters => group.crashed_image(id).map(|d| VoterLog { id, log: &d.log, leads: None }),
            None => None,
        })
        .collect()
}

/// A newly committed entry (index, term), committed in term `commit_term` or earlier.
fn check_new_commit<S: StateMachine>(c: &RaftChecker<S>, ctx: &RaftCtx<S>, index: u64, term: u64, commit_term: u64, out: &mut Vec<Violation>) {
    let voters = voter_logs(c, ctx);
    let majority = ctx.group.size() / 2 + 1;
    for x in voters.iter().filter(|x| !x.has(index, term)) {
        if let Some(t) = x.leads.filter(|t| *t > commit_term) {
            let why = format!("n{} leads term {t} but lacks the term-{term} entry just committed at index {index}", x.id);
            out.push(violation(ctx, NAME, SOURCE, why));
            return;
        }
        let electors: Vec<String> = voters.iter().filter(|v| x.last() >= v.last()).map(|v| format!("n{}", v.id)).collect();
        if electors.len() >= majority {
            out.push(violation(ctx, NAME, SOURCE, could_win(x.id, index, term, &electors)));
            return;
        }
    }
}

fn could_win(id: usize, index: u64, term: u64, electors: &[String]) -> String {
    format!(
        "the term-{term} entry at index {index} was counted committed, but n{id} lacks it and its log is at least as \
         up-to-date as those of {}: they would elect it, and it would overwrite the entry (Figure 8)",
        electors.join(", ")
    )
}
