//! The coordinator (transaction manager) of two-phase commit (Bernstein et al. 1987, §7.3,
//! with the timeouts of §7.4; Gray & Lamport 2006, §3): it begins each transaction by
//! sending Prepare, commits when every participant is prepared and aborts on a no vote or a
//! vote timeout, forces its decision before sending it, resends it until acknowledged, and
//! after a crash answers from its log. Presumed abort (Mohan et al. 1986): with no record of
//! a transaction it answers Abort, so it neither forces an abort nor waits for its acks.

use super::config::{Presumption, TwoPcConfig};
use super::msg::TwoPcMsg;
use super::node::{participants, TwoPc, TwoPcTimer};
use crate::protocols::txn::{workload, Decision, Record, TxnId};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{DurableLog, LogWrite, NodeEnv, NodeId, Out, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TmPhase {
    /// Waiting for votes.
    Collecting,
    /// Decided and waiting for acknowledgements (then forgotten, see `Coordinator::ended`).
    Decided(Decision),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TmTxn {
    pub phase: TmPhase,
    pub yes: SortedSet<NodeId>,
    pub acks: SortedSet<NodeId>,
}

impl TmTxn {
    fn new(phase: TmPhase) -> Self {
        TmTxn { phase, yes: SortedSet::new(), acks: SortedSet::new() }
    }
    pub fn decision(&self) -> Option<Decision> {
        match self.phase {
            TmPhase::Collecting => None,
            TmPhase::Decided(d) => Some(d),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coordinator {
    /// The next transaction to begin.
    pub next_txn: TxnId,
    /// Transactions it still remembers: collecting votes, or decided and not yet ended.
    pub txns: SortedMap<TxnId, TmTxn>,
    /// Transactions it has ended and forgotten since it booted, with their outcome: shown
    /// on the page, never consulted (an inquiry about one gets the presumption).
    pub ended: SortedMap<TxnId, Decision>,
}

fn due(cfg: &TwoPcConfig, now_us: TimeUs) -> TxnId {
    workload::due(cfg.txn_interval_us, cfg.transactions, now_us)
}

/// The message that carries a decision.
pub fn decision_msg(txn: TxnId, d: Decision) -> TwoPcMsg {
    match d {
        Decision::Commit => TwoPcMsg::Commit { txn },
        Decision::Abort => TwoPcMsg::Abort { txn },
    }
}

impl Coordinator {
    /// First boot, or a restart with nothing on disk: transactions whose time to begin has
    /// passed may have begun before the crash, so their ids stay used (presumed aborted).
    pub fn start(&mut self, cfg: &TwoPcConfig, out: &mut Out<TwoPc>) {
        self.next_txn = due(cfg, out.now());
        if self.next_txn < cfg.transactions {
            out.set_timer(TwoPcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    /// Begin the next transaction: Prepare to every participant (presumed nothing forces a
    /// begin record first).
    pub fn begin(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, out: &mut Out<TwoPc>) {
        let txn = self.next_txn;
        if txn >= cfg.transactions {
            return;
        }
        self.next_txn += 1;
        if cfg.presumed == Presumption::Nothing {
            out.write(LogWrite::Append(Record::Begin { txn }));
            out.sync();
        }
        for p in participants(env.n) {
            out.send(p, TwoPcMsg::Prepare { txn, key: txn % cfg.keys });
        }
        self.txns.insert(txn, TmTxn::new(TmPhase::Collecting));
        out.set_timer(TwoPcTimer::VoteTimeout(txn), cfg.vote_timeout_us, cfg.vote_timeout_us);
        if self.next_txn < cfg.transactions {
            out.set_timer(TwoPcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    pub fn on_vote(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, from: NodeId, txn: TxnId, yes: bool, out: &mut Out<TwoPc>) {
        match self.txns.get_mut(&txn) {
            Some(t) if t.phase == TmPhase::Collecting => {
                if !yes {
                    return self.decide(env, cfg, txn, Decision::Abort, out);
                }
                t.yes.insert(from);
                if t.yes.len() == participants(env.n).count() {
                    self.decide(env, cfg, txn, Decision::Commit, out);
                }
            }
            Some(t) => {
                let d = t.decision().expect("decided");
                if yes {
                    out.send(from, decision_msg(txn, d));
                }
            }
            // No record: presumed abort (or, presuming nothing, a transaction never begun).
            None => out.send(from, TwoPcMsg::Abort { txn }),
        }
    }

    /// Decide, force the decision (a commit always; an abort only when nothing is presumed),
    /// then tell every participant.
    pub fn decide(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, d: Decision, out: &mut Out<TwoPc>) {
        let forced = d == Decision::Commit || cfg.presumed == Presumption::Nothing;
        if forced {
            let record = if d == Decision::Commit { Record::Commit { txn } } else { Record::Abort { txn } };
            out.write(LogWrite::Append(record));
            if !cfg.has_bug("decide_before_force") {
                out.sync();
            }
        }
        out.cancel_timer(TwoPcTimer::VoteTimeout(txn));
        for p in participants(env.n) {
            out.send(p, decision_msg(txn, d));
        }
        if forced {
            self.txns.get_or_insert_with(txn, || TmTxn::new(TmPhase::Collecting)).phase = TmPhase::Decided(d);
            out.set_timer(TwoPcTimer::Resend(txn), cfg.resend_us, cfg.resend_us);
        } else {
            self.forget(txn, d);
        }
    }

    /// Presumed abort forgets an abort at once, and any transaction once every participant
    /// acknowledged its decision (Mohan et al. 1986): from then on an inquiry gets Abort.
    fn forget(&mut self, txn: TxnId, d: Decision) {
        self.txns.remove(&txn);
        self.ended.insert(txn, d);
    }

    pub fn on_ack(&mut self, env: &NodeEnv, from: NodeId, txn: TxnId, out: &mut Out<TwoPc>) {
        let Some(t) = self.txns.get_mut(&txn) else { return };
        let TmPhase::Decided(d) = t.phase else { return };
        t.acks.insert(from);
        if t.acks.len() == participants(env.n).count() {
            out.write(LogWrite::Append(Record::End { txn }));
            out.cancel_timer(TwoPcTimer::Resend(txn));
            self.forget(txn, d);
        }
    }

    pub fn on_vote_timeout(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        if self.txns.get(&txn).is_some_and(|t| t.phase == TmPhase::Collecting) {
            out.note(format!("t{txn}: votes missing at the timeout, abort"));
            self.decide(env, cfg, txn, Decision::Abort, out);
        }
    }

    pub fn on_resend(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        let Some(t) = self.txns.get(&txn) else { return };
        let TmPhase::Decided(d) = t.phase else { return };
        for p in participants(env.n).filter(|p| !t.acks.contains(p)) {
            out.send(p, decision_msg(txn, d));
        }
        out.set_timer(TwoPcTimer::Resend(txn), cfg.resend_us, cfg.resend_us);
    }

    /// A participant asks for the decision: answer it if known; a transaction it does not
    /// remember was aborted (presumed abort), never begun, or ended with every participant's
    /// acknowledgement (so no participant should still be asking).
    pub fn on_decision_req(&self, from: NodeId, txn: TxnId, out: &mut Out<TwoPc>) {
        match self.txns.get(&txn).map(|t| t.decision()) {
            Some(Some(d)) => out.send(from, decision_msg(txn, d)),
            Some(None) => {} // still collecting votes
            None => out.send(from, TwoPcMsg::Abort { txn }),
        }
    }

    /// Boot from the log: resend every decision not yet acknowledged; presuming nothing,
    /// abort every transaction begun but undecided. Transactions whose time to begin has
    /// passed are never begun again (their ids stay used).
    pub fn recover(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, log: DurableLog<Record>, now_us: TimeUs, out: &mut Out<TwoPc>) {
        let mut last = None;
        for r in log.entries() {
            let txn = r.txn();
            last = last.max(Some(txn));
            if let Record::End { .. } = r {
                self.txns.remove(&txn);
                continue;
            }
            let t = self.txns.get_or_insert_with(txn, || TmTxn::new(TmPhase::Collecting));
            match r {
                Record::Commit { .. } => t.phase = TmPhase::Decided(Decision::Commit),
                Record::Abort { .. } => t.phase = TmPhase::Decided(Decision::Abort),
                _ => {}
            }
        }
        self.next_txn = last.map_or(0, |t| t + 1).max(due(cfg, now_us));
        let pending: Vec<(TxnId, TmPhase)> = self.txns.iter().map(|(t, x)| (*t, x.phase)).collect();
        for (txn, phase) in pending {
            match phase {
                TmPhase::Collecting => self.decide(env, cfg, txn, Decision::Abort, out),
                TmPhase::Decided(_) => self.on_resend(env, cfg, txn, out),
            }
        }
        if self.next_txn < cfg.transactions {
            out.set_timer(TwoPcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    /// The first transaction still waiting for votes or acknowledgements (liveness).
    pub fn unfinished(&self, cfg: &TwoPcConfig) -> Option<TxnId> {
        if self.next_txn < cfg.transactions {
            return Some(self.next_txn);
        }
        self.txns.keys().next().copied()
    }
}
