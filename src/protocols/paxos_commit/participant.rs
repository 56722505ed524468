//! A Paxos Commit participant (Gray & Lamport, TODS 2006, §4): on Prepare it takes the
//! transaction's lock (waiting behind the holder if need be), forces its vote, and sends
//! it as phase 2a with ballot 0 of its own instance to every acceptor. Voting yes leaves it
//! uncertain, holding its lock, until the decision arrives; at a timeout it asks the
//! coordinator and the acceptors, any of which can take over as leader. After a crash it
//! recovers from its log: a prepared transaction is uncertain again and asks at once.

use super::config::PaxosCommitConfig;
use super::msg::{PcMsg, Vote};
use super::node::{PaxosCommit, PcRecord, PcTimer, COORDINATOR};
use crate::protocols::txn::{workload, Decision, LockTable, Record, RmState, TxnId};
use crate::sim::sorted::SortedMap;
use crate::sim::{DurableLog, LogWrite, NodeId, Out};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmTxn {
    pub state: RmState,
    pub since_us: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Participant {
    /// Its own number: the instance it proposes in.
    pub id: NodeId,
    pub txns: SortedMap<TxnId, RmTxn>,
    pub locks: LockTable,
}

impl Participant {
    pub fn new(id: NodeId) -> Self {
        Participant { id, ..Default::default() }
    }
    pub fn state(&self, txn: TxnId) -> Option<RmState> {
        self.txns.get(&txn).map(|t| t.state)
    }

    pub fn on_prepare(&mut self, cfg: &PaxosCommitConfig, txn: TxnId, out: &mut Out<PaxosCommit>) {
        if self.state(txn).is_some() {
            return;
        }
        self.txns.insert(txn, RmTxn { state: RmState::Working, since_us: out.now() });
        if workload::votes_no(&cfg.no_votes, cfg.no_vote_permille, txn, self.id, out) {
            // Its vote is its instance's ballot-0 value: forced before it goes out.
            self.finish(cfg, txn, Decision::Abort, true, out);
            self.vote(cfg, txn, Vote::Aborted, out);
        } else if self.locks.acquire(txn % cfg.keys, txn) {
            self.prepare(cfg, txn, out);
        }
    }

    /// Vote yes: force the prepared record, then phase 2a at ballot 0 to every acceptor.
    fn prepare(&mut self, cfg: &PaxosCommitConfig, txn: TxnId, out: &mut Out<PaxosCommit>) {
        let t = self.txns.get_mut(&txn).expect("known");
        t.state = RmState::Prepared;
        t.since_us = out.now();
        out.write(LogWrite::Append(PcRecord::Rm(Record::Prepared { txn, key: txn % cfg.keys })));
        out.sync();
        self.vote(cfg, txn, Vote::Prepared, out);
        out.set_timer(PcTimer::DecisionTimeout(txn), cfg.decision_timeout_us, cfg.decision_timeout_us);
    }

    /// Phase 2a at ballot 0 of its own instance, to every acceptor.
    fn vote(&self, cfg: &PaxosCommitConfig, txn: TxnId, vote: Vote, out: &mut Out<PaxosCommit>) {
        for a in cfg.acceptors() {
            out.send(a, PcMsg::Phase2a { txn, rm: self.id, ballot: 0, vote });
        }
    }

    /// Reach `d`: log it (forced when `forced`), release the lock, let a waiter prepare.
    fn finish(&mut self, cfg: &PaxosCommitConfig, txn: TxnId, d: Decision, forced: bool, out: &mut Out<PaxosCommit>) {
        let t = self.txns.get_or_insert_with(txn, || RmTxn { state: RmState::Working, since_us: 0 });
        t.state = if d == Decision::Commit { RmState::Committed } else { RmState::Aborted };
        t.since_us = out.now();
        let record = if d == Decision::Commit { Record::Commit { txn } } else { Record::Abort { txn } };
        out.write(LogWrite::Append(PcRecord::Rm(record)));
        if forced {
            out.sync();
        }
        out.cancel_timer(PcTimer::DecisionTimeout(txn));
        if let Some(next) = self.locks.release(txn % cfg.keys, txn) {
            if self.state(next) == Some(RmState::Working) {
                self.prepare(cfg, next, out);
            }
        }
    }

    /// The decision, from the leader or an acceptor. A commit is forced (an abort need not
    /// be: a participant that forgets one asks again, or never voted yes).
    pub fn on_decision(&mut self, cfg: &PaxosCommitConfig, txn: TxnId, d: Decision, out: &mut Out<PaxosCommit>) {
        match (self.state(txn), d) {
            (Some(RmState::Committed | RmState::Aborted), _) => {}
            (Some(RmState::Prepared | RmState::PreCommitted), _) => self.finish(cfg, txn, d, d == Decision::Commit, out),
            (_, Decision::Commit) => {
                out.note(format!("t{txn}: told to commit, but it holds no prepared record"));
                self.finish(cfg, txn, Decision::Abort, true, out);
            }
            (_, Decision::Abort) => self.finish(cfg, txn, d, false, out),
        }
    }

    /// Still uncertain: ask the coordinator and every acceptor.
    pub fn on_decision_timeout(&mut self, cfg: &PaxosCommitConfig, txn: TxnId, out: &mut Out<PaxosCommit>) {
        if !self.state(txn).is_some_and(RmState::uncertain) {
            return;
        }
        ask(cfg, txn, out);
        out.set_timer(PcTimer::DecisionTimeout(txn), cfg.decision_timeout_us, cfg.decision_timeout_us);
    }

    /// Boot from the log: a prepared transaction is uncertain, holds its lock, asks at once.
    pub fn recover(&mut self, cfg: &PaxosCommitConfig, log: &DurableLog<PcRecord>, out: &mut Out<PaxosCommit>) {
        let now = out.now();
        for r in log.entries() {
            let (txn, state) = match r {
                PcRecord::Rm(Record::Prepared { txn, .. }) => (*txn, RmState::Prepared),
                PcRecord::Rm(Record::Commit { txn }) => (*txn, RmState::Committed),
                PcRecord::Rm(Record::Abort { txn }) => (*txn, RmState::Aborted),
                _ => continue,
            };
            self.txns.insert(txn, RmTxn { state, since_us: now });
        }
        let uncertain: Vec<TxnId> = self.txns.iter().filter(|(_, t)| t.state.uncertain()).map(|(id, _)| *id).collect();
        for txn in uncertain {
            self.locks.acquire(txn % cfg.keys, txn);
            ask(cfg, txn, out);
            out.set_timer(PcTimer::DecisionTimeout(txn), cfg.decision_timeout_us, cfg.decision_timeout_us);
        }
    }
}

/// DecisionReq to the coordinator and every acceptor.
fn ask(cfg: &PaxosCommitConfig, txn: TxnId, out: &mut Out<PaxosCommit>) {
    for p in std::iter::once(COORDINATOR).chain(cfg.acceptors()) {
        out.send(p, PcMsg::DecisionReq { txn });
    }
}
