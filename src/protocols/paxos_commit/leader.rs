//! A Paxos Commit leader (Gray & Lamport, TODS 2006, §4): it learns each participant's
//! instance from F + 1 phase 2b messages of one ballot, commits when every instance chose
//! Prepared and aborts as soon as one chose Aborted. When it has not learned every instance
//! in time, a leader (the coordinator, or an acceptor a participant asked) runs phase 1 with
//! a higher ballot for the transaction and proposes, for each instance, the value accepted
//! with the highest ballot among F + 1 answers, or Aborted where none was: the coordinator
//! is replaceable, so Paxos Commit does not block while F + 1 acceptors are up.

use super::config::PaxosCommitConfig;
use super::msg::{Accepted, Ballot, PcMsg, Vote};
use super::node::{PaxosCommit, PcTimer, COORDINATOR};
use crate::protocols::txn::{Decision, TxnId};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{NodeEnv, NodeId, Out};

/// A ballot this leader runs for a transaction, and the phase 1b answers it has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Leading {
    pub ballot: Ballot,
    /// Phase 1b answers by acceptor; `None` once phase 2 began.
    pub promises: Option<SortedMap<NodeId, Vec<Accepted>>>,
}

/// What one transaction's leader has learned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Learning {
    /// Per (instance, ballot, vote): the acceptors that sent phase 2b.
    pub tally: SortedMap<(NodeId, Ballot, Vote), SortedSet<NodeId>>,
    /// Per instance: the vote learned chosen.
    pub chosen: SortedMap<NodeId, Vote>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Leader {
    pub learning: SortedMap<TxnId, Learning>,
    pub leading: SortedMap<TxnId, Leading>,
    pub decided: SortedMap<TxnId, Decision>,
    /// The highest ballot seen per transaction (from Nacks), so the next one is higher.
    pub seen: SortedMap<TxnId, Ballot>,
    /// Transactions a participant asked about, whose take-over timer is armed.
    pub waiting: SortedSet<TxnId>,
}

/// The leader a ballot belongs to (ballot 0: the coordinator).
pub fn leader_of(ballot: Ballot, n: u32) -> NodeId {
    (ballot % u64::from(n.max(1))) as NodeId
}

fn decision_msg(txn: TxnId, d: Decision) -> PcMsg {
    match d {
        Decision::Commit => PcMsg::Commit { txn },
        Decision::Abort => PcMsg::Abort { txn },
    }
}

impl Leader {
    /// Phase 2b from an acceptor: count it; F + 1 of one ballot and vote choose the vote.
    pub fn on_phase2b(&mut self, env: &NodeEnv, cfg: &PaxosCommitConfig, from: NodeId, txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote, out: &mut Out<PaxosCommit>) {
        if self.decided.contains_key(&txn) {
            return;
        }
        let l = self.learning.entry(txn).or_default();
        let voters = l.tally.entry((rm, ballot, vote)).or_default();
        voters.insert(from);
        if voters.len() >= cfg.quorum() {
            l.chosen.insert(rm, vote);
        }
        let prepared = l.chosen.values().filter(|v| **v == Vote::Prepared).count();
        let everyone = cfg.participants(env.n).len();
        let decision = if l.chosen.values().any(|v| *v == Vote::Aborted) {
            Some(Decision::Abort)
        } else if prepared == everyone || (cfg.has_bug("commit_on_majority") && 2 * prepared > everyone) {
            Some(Decision::Commit)
        } else {
            None
        };
        if let Some(d) = decision {
            self.decide(env, cfg, txn, d, out);
        }
    }

    /// Tell every participant and acceptor (and the coordinator) the outcome.
    pub fn decide(&mut self, env: &NodeEnv, cfg: &PaxosCommitConfig, txn: TxnId, d: Decision, out: &mut Out<PaxosCommit>) {
        self.decided.insert(txn, d);
        self.leading.remove(&txn);
        out.cancel_timer(PcTimer::LeaderTimeout(txn));
        for p in std::iter::once(COORDINATOR).chain(cfg.acceptors()).chain(cfg.participants(env.n)).filter(|p| *p != env.id) {
            out.send(p, decision_msg(txn, d));
        }
    }

    /// Take over `txn` with a ballot higher than any seen: phase 1a to every acceptor (with
    /// the planted bug `abort_without_phase1`, Aborted proposed at once for every instance
    /// not learned).
    pub fn take_over(&mut self, env: &NodeEnv, cfg: &PaxosCommitConfig, txn: TxnId, out: &mut Out<PaxosCommit>) {
        if self.decided.contains_key(&txn) {
            return;
        }
        let n = u64::from(env.n);
        let floor = self.seen.get(&txn).copied().unwrap_or(0).max(self.leading.get(&txn).map_or(0, |l| l.ballot));
        let ballot = (floor / n + 1) * n + u64::from(env.id);
        self.seen.insert(txn, ballot);
        out.set_timer(PcTimer::LeaderTimeout(txn), cfg.leader_timeout_us, cfg.leader_timeout_us + cfg.leader_timeout_us / 2);
        if cfg.has_bug("abort_without_phase1") {
            self.leading.insert(txn, Leading { ballot, promises: None });
            let chosen = self.learning.get(&txn).map(|l| l.chosen.clone()).unwrap_or_default();
            for rm in cfg.participants(env.n).filter(|rm| !chosen.contains_key(rm)) {
                propose(cfg, txn, rm, ballot, Vote::Aborted, out);
            }
            return;
        }
        self.leading.insert(txn, Leading { ballot, promises: Some(SortedMap::new()) });
        out.note(format!("t{txn}: take over with ballot {ballot}"));
        for a in cfg.acceptors() {
            out.send(a, PcMsg::Phase1a { txn, ballot });
        }
    }

    /// Phase 1b: with F + 1 promises, propose for each instance the value accepted with the
    /// highest ballot, or Aborted where no acceptor of the quorum accepted one.
    pub fn on_phase1b(&mut self, env: &NodeEnv, cfg: &PaxosCommitConfig, from: NodeId, txn: TxnId, ballot: Ballot, accepted: Vec<Accepted>, out: &mut Out<PaxosCommit>) {
        let Some(lead) = self.leading.get_mut(&txn) else { return };
        if lead.ballot != ballot {
            return;
        }
        let Some(promises) = lead.promises.as_mut() else { return };
        promises.insert(from, accepted);
        if promises.len() < cfg.quorum() {
            return;
        }
        let all: Vec<Accepted> = promises.values().flatten().copied().collect();
        lead.promises = None;
        for rm in cfg.participants(env.n) {
            let vote = all.iter().filter(|(r, _, _)| *r == rm).max_by_key(|(_, b, _)| *b).map_or(Vote::Aborted, |(_, _, v)| *v);
            propose(cfg, txn, rm, ballot, vote, out);
        }
    }

    /// An acceptor promised a higher ballot: remember it, and try again after the timeout.
    pub fn on_nack(&mut self, txn: TxnId, promised: Ballot) {
        let seen = self.seen.entry(txn).or_default();
        *seen = (*seen).max(promised);
    }
}

/// Phase 2a for one instance to every acceptor.
fn propose(cfg: &PaxosCommitConfig, txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote, out: &mut Out<PaxosCommit>) {
    for a in cfg.acceptors() {
        out.send(a, PcMsg::Phase2a { txn, rm, ballot, vote });
    }
}
