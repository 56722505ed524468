//! Three-phase commit's coordinator (Skeen 1981; Bernstein et al. 1987, §7.5): CanCommit
//! to every participant; on every yes it forces a pre-commit record and sends PreCommit;
//! when every participant has acknowledged (or the reply window closes: with accurate
//! failure detection a silent participant has failed) it forces its commit record and
//! sends DoCommit. A no vote or the vote timeout aborts (presumed abort: not forced). It
//! takes no part in the termination protocol; after a crash it recovers from its log, and
//! with a pre-commit record but no decision it asks the participants, like any recovering
//! site, for the outcome the termination protocol reached.

use super::config::ThreePcConfig;
use super::msg::ThreePcMsg;
use super::node::{participants, Outbox, ThreePc, ThreePcTimer};
use crate::protocols::txn::{workload, Decision, Record, TxnId};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{DurableLog, LogWrite, NodeEnv, NodeId, Out, TimeUs};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TmPhase {
    /// Waiting for votes; the yes votes so far.
    Collecting(SortedSet<NodeId>),
    /// PreCommit sent; the acknowledgements so far (and, with the planted bug
    /// `docommit_before_all_acks`, already committed).
    PreCommitting { acks: SortedSet<NodeId>, committed: bool },
    Decided(Decision),
    /// Back from a crash with a pre-commit record and no decision: asking.
    Recovering,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coordinator {
    pub next_txn: TxnId,
    pub txns: SortedMap<TxnId, TmPhase>,
}

fn due(cfg: &ThreePcConfig, now_us: TimeUs) -> TxnId {
    workload::due(cfg.txn_interval_us, cfg.transactions, now_us)
}

pub fn decision_msg(txn: TxnId, d: Decision) -> ThreePcMsg {
    match d {
        Decision::Commit => ThreePcMsg::DoCommit { txn },
        Decision::Abort => ThreePcMsg::Abort { txn },
    }
}

impl Coordinator {
    pub fn start(&mut self, cfg: &ThreePcConfig, out: &mut Out<ThreePc>) {
        self.next_txn = due(cfg, out.now());
        if self.next_txn < cfg.transactions {
            out.set_timer(ThreePcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    pub fn phase(&self, txn: TxnId) -> Option<&TmPhase> {
        self.txns.get(&txn)
    }

    pub fn decision(&self, txn: TxnId) -> Option<Decision> {
        match self.txns.get(&txn) {
            Some(TmPhase::Decided(d)) => Some(*d),
            Some(TmPhase::PreCommitting { committed: true, .. }) => Some(Decision::Commit),
            _ => None,
        }
    }

    /// Begin the next transaction: CanCommit to every participant, one at a time.
    pub fn begin(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, out: &mut Out<ThreePc>) {
        let txn = self.next_txn;
        if txn >= cfg.transactions {
            return;
        }
        self.next_txn += 1;
        self.txns.insert(txn, TmPhase::Collecting(SortedSet::new()));
        outbox.broadcast(cfg, ThreePcMsg::CanCommit { txn, key: txn % cfg.keys }, participants(env.n).collect(), out);
        out.set_timer(ThreePcTimer::VoteTimeout(txn), cfg.vote_timeout_us, cfg.vote_timeout_us);
        if self.next_txn < cfg.transactions {
            out.set_timer(ThreePcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    pub fn on_vote(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, yes: bool, out: &mut Out<ThreePc>) {
        match self.txns.get_mut(&txn) {
            Some(TmPhase::Collecting(votes)) => {
                if !yes {
                    return self.decide(env, cfg, outbox, txn, Decision::Abort, out);
                }
                votes.insert(from);
                if votes.len() == participants(env.n).count() {
                    self.pre_commit(env, cfg, outbox, txn, out);
                }
            }
            Some(TmPhase::Decided(d)) if yes => out.send(from, decision_msg(txn, *d)),
            Some(_) => {}
            None if txn < self.next_txn => out.send(from, ThreePcMsg::Abort { txn }),
            None => {}
        }
    }

    /// Every vote was yes: force the pre-commit record, then PreCommit to every participant.
    fn pre_commit(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        out.cancel_timer(ThreePcTimer::VoteTimeout(txn));
        out.write(LogWrite::Append(Record::PreCommit { txn }));
        if !cfg.has_bug("pre_commit_before_force") {
            out.sync();
        }
        self.txns.insert(txn, TmPhase::PreCommitting { acks: SortedSet::new(), committed: false });
        outbox.broadcast(cfg, ThreePcMsg::PreCommit { txn }, participants(env.n).collect(), out);
        out.set_timer(ThreePcTimer::Window(txn), cfg.reply_window_us, cfg.reply_window_us);
    }

    pub fn on_ack(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        let Some(TmPhase::PreCommitting { acks, committed }) = self.txns.get_mut(&txn) else { return };
        acks.insert(from);
        if cfg.has_bug("docommit_before_all_acks") {
            if !*committed {
                *committed = true;
                out.write(LogWrite::Append(Record::Commit { txn }));
                out.sync();
            }
            out.send(from, ThreePcMsg::DoCommit { txn });
            if acks.len() == participants(env.n).count() {
                out.cancel_timer(ThreePcTimer::Window(txn));
                self.txns.insert(txn, TmPhase::Decided(Decision::Commit));
            }
            return;
        }
        if acks.len() == participants(env.n).count() {
            self.decide(env, cfg, outbox, txn, Decision::Commit, out);
        }
    }

    /// The reply window closed: a participant that has not acknowledged has failed (the
    /// protocol assumes accurate failure detection), so commit.
    pub fn on_window(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        let Some(TmPhase::PreCommitting { acks, committed }) = self.txns.get(&txn) else { return };
        if *committed {
            // The planted bug's coordinator: DoCommit to those it has not told yet.
            let rest: Vec<NodeId> = participants(env.n).filter(|p| !acks.contains(p)).collect();
            self.txns.insert(txn, TmPhase::Decided(Decision::Commit));
            outbox.broadcast(cfg, ThreePcMsg::DoCommit { txn }, rest, out);
            return;
        }
        out.note(format!("t{txn}: not every participant acknowledged PreCommit; the silent ones have failed, commit"));
        self.decide(env, cfg, outbox, txn, Decision::Commit, out);
    }

    pub fn on_vote_timeout(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        if matches!(self.txns.get(&txn), Some(TmPhase::Collecting(_))) {
            out.note(format!("t{txn}: votes missing at the timeout, abort"));
            self.decide(env, cfg, outbox, txn, Decision::Abort, out);
        }
    }

    /// Decide: a commit is forced before DoCommit goes out; an abort is not (presumed
    /// abort: with no record the coordinator answers Abort).
    fn decide(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, d: Decision, out: &mut Out<ThreePc>) {
        out.cancel_timer(ThreePcTimer::VoteTimeout(txn));
        out.cancel_timer(ThreePcTimer::Window(txn));
        if d == Decision::Commit {
            out.write(LogWrite::Append(Record::Commit { txn }));
            out.sync();
        } else {
            out.write(LogWrite::Append(Record::Abort { txn }));
        }
        self.txns.insert(txn, TmPhase::Decided(d));
        outbox.cancel(txn, &ThreePcMsg::CanCommit { txn, key: 0 }, out);
        outbox.broadcast(cfg, decision_msg(txn, d), participants(env.n).collect(), out);
    }

    /// A recovering participant asks: answer a decision; with no record at all the
    /// transaction never reached pre-commit, so nobody can have committed it: Abort.
    pub fn on_decision_req(&self, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        match self.txns.get(&txn) {
            None if txn < self.next_txn => out.send(from, ThreePcMsg::Abort { txn }),
            _ => {
                if let Some(d) = self.decision(txn) {
                    out.send(from, decision_msg(txn, d));
                }
            }
        }
    }

    /// A participant answered its question while recovering.
    pub fn on_decision(&mut self, txn: TxnId, d: Decision, out: &mut Out<ThreePc>) {
        if self.txns.get(&txn) == Some(&TmPhase::Recovering) {
            self.txns.insert(txn, TmPhase::Decided(d));
            out.cancel_timer(ThreePcTimer::Ask(txn));
            if d == Decision::Commit {
                out.write(LogWrite::Append(Record::Commit { txn }));
            }
        }
    }

    /// Boot from the log: a decision stands (a commit is sent again); a pre-commit record
    /// without one means the participants may have decided either way by the termination
    /// protocol, so it asks them; anything else never reached pre-commit and is aborted
    /// by presumption (the participants' termination protocol aborts it too).
    pub fn recover(&mut self, env: &NodeEnv, cfg: &ThreePcConfig, outbox: &mut Outbox, log: &DurableLog<Record>, out: &mut Out<ThreePc>) {
        let mut last = None;
        for r in log.entries() {
            let txn = r.txn();
            last = last.max(Some(txn));
            match r {
                Record::PreCommit { .. } => {
                    self.txns.get_or_insert_with(txn, || TmPhase::Recovering);
                }
                Record::Commit { .. } => {
                    self.txns.insert(txn, TmPhase::Decided(Decision::Commit));
                }
                Record::Abort { .. } => {
                    self.txns.insert(txn, TmPhase::Decided(Decision::Abort));
                }
                _ => {}
            }
        }
        self.next_txn = last.map_or(0, |t| t + 1).max(due(cfg, out.now()));
        let txns: Vec<(TxnId, TmPhase)> = self.txns.iter().map(|(t, p)| (*t, p.clone())).collect();
        for (txn, phase) in txns {
            match phase {
                TmPhase::Decided(Decision::Commit) => outbox.broadcast(cfg, ThreePcMsg::DoCommit { txn }, participants(env.n).collect(), out),
                TmPhase::Recovering => ask(env, cfg, txn, out),
                _ => {}
            }
        }
        if self.next_txn < cfg.transactions {
            out.set_timer(ThreePcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    pub fn on_ask(&self, env: &NodeEnv, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        if self.txns.get(&txn) == Some(&TmPhase::Recovering) {
            ask(env, cfg, txn, out);
        }
    }

    /// The first transaction not yet begun, or still collecting votes or acknowledgements
    /// (liveness; a recovering one may be blocked, see `invariants`).
    pub fn unfinished(&self, cfg: &ThreePcConfig) -> Option<TxnId> {
        if self.next_txn < cfg.transactions {
            return Some(self.next_txn);
        }
        self.txns.iter().find(|(_, p)| matches!(p, TmPhase::Collecting(_) | TmPhase::PreCommitting { .. })).map(|(t, _)| *t)
    }
}

/// DecisionReq to every participant, and the timer to ask again.
fn ask(env: &NodeEnv, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
    for p in participants(env.n) {
        out.send(p, ThreePcMsg::DecisionReq { txn });
    }
    out.set_timer(ThreePcTimer::Ask(txn), cfg.reply_window_us, cfg.reply_window_us);
}
