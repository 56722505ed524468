//! A participant (resource manager) of two-phase commit (Bernstein et al. 1987, §7.3-7.4):
//! on Prepare it takes the transaction's lock (waiting behind the holder if need be), then
//! votes. A yes vote is sent only once its prepared record is forced; from then on it is
//! uncertain, holds its lock, and may not decide alone: at a timeout it runs the
//! cooperative termination protocol (asks the coordinator, the backup and the other
//! participants). A participant that has not voted may abort on its own; it forces that
//! abort before telling anyone, because a Prepare delayed or duplicated past a crash would
//! otherwise find it with no record and get a yes. After a crash it recovers from its log:
//! a prepared transaction is uncertain again, holds its lock again and asks at once.

use super::config::{Presumption, TwoPcConfig};
use super::msg::TwoPcMsg;
use super::node::{participants, TwoPc, TwoPcTimer, BACKUP, COORDINATOR};
use crate::protocols::txn::{workload, Decision, LockTable, Record, RmState, TxnId};
use crate::sim::sorted::SortedMap;
use crate::sim::{DurableLog, LogWrite, NodeEnv, NodeId, Out};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmTxn {
    pub state: RmState,
    pub key: u32,
    /// When it entered its state, on the node's clock (how long it has been blocked).
    pub since_us: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Participant {
    pub txns: SortedMap<TxnId, RmTxn>,
    pub locks: LockTable,
}

impl Participant {
    pub fn state(&self, txn: TxnId) -> Option<RmState> {
        self.txns.get(&txn).map(|t| t.state)
    }

    pub fn on_prepare(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        match self.state(txn) {
            Some(RmState::Prepared | RmState::PreCommitted) => out.send(COORDINATOR, TwoPcMsg::Prepared { txn }),
            Some(RmState::Aborted) => out.send(COORDINATOR, TwoPcMsg::Aborted { txn }),
            Some(RmState::Committed | RmState::Working) => {}
            None => {
                let key = txn % cfg.keys;
                self.txns.insert(txn, RmTxn { state: RmState::Working, key, since_us: out.now() });
                if votes_no(env, cfg, txn, out) {
                    self.abort_unilaterally(cfg, txn, out);
                    out.send(COORDINATOR, TwoPcMsg::Aborted { txn });
                } else if self.locks.acquire(key, txn) {
                    self.prepare(cfg, txn, out);
                }
            }
        }
    }

    /// Vote yes: force the prepared record, then send Prepared.
    fn prepare(&mut self, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        let t = self.txns.get_mut(&txn).expect("known");
        t.state = RmState::Prepared;
        t.since_us = out.now();
        out.write(LogWrite::Append(Record::Prepared { txn, key: t.key }));
        if !cfg.has_bug("vote_before_force") {
            out.sync();
        }
        out.send(COORDINATOR, TwoPcMsg::Prepared { txn });
        out.set_timer(TwoPcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
    }

    /// Reach decision `d`: log it (forced when `forced`), release the lock, and let the
    /// next transaction waiting for it prepare.
    fn finish(&mut self, cfg: &TwoPcConfig, txn: TxnId, d: Decision, forced: bool, out: &mut Out<TwoPc>) {
        let key = txn % cfg.keys;
        let t = self.txns.get_or_insert_with(txn, || RmTxn { state: RmState::Working, key, since_us: 0 });
        t.state = if d == Decision::Commit { RmState::Committed } else { RmState::Aborted };
        t.since_us = out.now();
        out.write(LogWrite::Append(if d == Decision::Commit { Record::Commit { txn } } else { Record::Abort { txn } }));
        if forced {
            out.sync();
        }
        out.cancel_timer(TwoPcTimer::Termination(txn));
        if let Some(next) = self.locks.release(key, txn) {
            if self.state(next) == Some(RmState::Working) {
                self.prepare(cfg, next, out);
            }
        }
    }

    /// Abort a transaction it has not voted yes on, forcing the record before anyone hears
    /// of it (with the planted bug `unilateral_abort_unforced`, not forced).
    fn abort_unilaterally(&mut self, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        self.finish(cfg, txn, Decision::Abort, !cfg.has_bug("unilateral_abort_unforced"), out);
    }

    /// A decision from the coordinator, the backup or another participant.
    pub fn on_decision(&mut self, cfg: &TwoPcConfig, txn: TxnId, d: Decision, out: &mut Out<TwoPc>) {
        // Every commit is forced and acknowledged (with the planted bug `ack_before_force`,
        // acknowledged unforced); an abort only when nothing is presumed.
        let ack = d == Decision::Commit || cfg.presumed == Presumption::Nothing;
        let forced = ack && !(d == Decision::Commit && cfg.has_bug("ack_before_force"));
        match (self.state(txn), d) {
            (Some(RmState::Committed), Decision::Commit) | (Some(RmState::Aborted), Decision::Abort) => {}
            // Decided the other way: nothing may change it (the checkers report it).
            (Some(RmState::Committed | RmState::Aborted), _) => return,
            (Some(RmState::Prepared | RmState::PreCommitted), _) => self.finish(cfg, txn, d, forced, out),
            // Asked to commit what it never prepared (its work is gone): it can only abort.
            (_, Decision::Commit) => {
                out.note(format!("t{txn}: told to commit, but it holds no prepared record"));
                self.finish(cfg, txn, Decision::Abort, true, out);
                return;
            }
            (_, Decision::Abort) => self.finish(cfg, txn, d, forced, out),
        }
        if ack {
            out.send(COORDINATOR, TwoPcMsg::Ack { txn });
        }
    }

    /// Another participant (cooperative termination) asks for the decision: a decided
    /// participant answers; one that has not voted aborts (forced) and answers Abort; an
    /// uncertain one cannot help.
    pub fn on_decision_req(&mut self, cfg: &TwoPcConfig, from: NodeId, txn: TxnId, out: &mut Out<TwoPc>) {
        match self.state(txn) {
            Some(RmState::Committed) => out.send(from, TwoPcMsg::Commit { txn }),
            Some(RmState::Aborted) => out.send(from, TwoPcMsg::Abort { txn }),
            Some(RmState::Prepared | RmState::PreCommitted) => {}
            Some(RmState::Working) | None => {
                self.abort_unilaterally(cfg, txn, out);
                out.send(from, TwoPcMsg::Abort { txn });
            }
        }
    }

    /// The backup asks for this participant's state; one that has not voted aborts first.
    pub fn on_state_req(&mut self, cfg: &TwoPcConfig, from: NodeId, txn: TxnId, out: &mut Out<TwoPc>) {
        if matches!(self.state(txn), Some(RmState::Working) | None) {
            self.abort_unilaterally(cfg, txn, out);
        }
        let state = self.state(txn).expect("known now");
        out.send(from, TwoPcMsg::State { txn, state });
    }

    /// Still uncertain at the timeout: ask everyone who might know (Bernstein et al. §7.4,
    /// the cooperative termination protocol).
    pub fn on_termination(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        if !self.state(txn).is_some_and(RmState::uncertain) {
            return;
        }
        if cfg.has_bug("prepared_timeout_abort") {
            out.note(format!("t{txn}: uncertain too long, abort on its own"));
            self.finish(cfg, txn, Decision::Abort, true, out);
            out.send(COORDINATOR, TwoPcMsg::Aborted { txn });
            return;
        }
        ask_everyone(env, txn, out);
        out.set_timer(TwoPcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
    }

    /// Boot from the log: decided transactions stay decided; a prepared one is uncertain,
    /// takes its lock again and asks for the decision at once.
    pub fn recover(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, log: DurableLog<Record>, out: &mut Out<TwoPc>) {
        let now = out.now();
        for r in log.entries() {
            let (txn, state) = match r {
                Record::Prepared { txn, .. } => (*txn, RmState::Prepared),
                Record::Commit { txn } => (*txn, RmState::Committed),
                Record::Abort { txn } => (*txn, RmState::Aborted),
                _ => continue,
            };
            self.txns.insert(txn, RmTxn { state, key: txn % cfg.keys, since_us: now });
        }
        let uncertain: Vec<TxnId> = self.txns.iter().filter(|(_, t)| t.state.uncertain()).map(|(id, _)| *id).collect();
        for txn in uncertain {
            self.locks.acquire(txn % cfg.keys, txn);
            ask_everyone(env, txn, out);
            out.set_timer(TwoPcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
        }
    }
}

/// DecisionReq to the coordinator, the backup and every other participant.
fn ask_everyone(env: &NodeEnv, txn: TxnId, out: &mut Out<TwoPc>) {
    for p in [COORDINATOR, BACKUP].into_iter().chain(participants(env.n)).filter(|p| *p != env.id) {
        out.send(p, TwoPcMsg::DecisionReq { txn });
    }
}

/// Does this participant vote no? Named in the scenario, or drawn.
fn votes_no(env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) -> bool {
    workload::votes_no(&cfg.no_votes, cfg.no_vote_permille, txn, env.id, out)
}
