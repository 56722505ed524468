//! A three-phase-commit participant (Skeen 1981; Bernstein et al. 1987, §7.5): on CanCommit
//! it takes the transaction's lock (a lock wait that times out aborts, as it may before
//! voting), forces its prepared record and votes yes, or aborts and votes no. PreCommit
//! moves it to the committable state, which it acknowledges; DoCommit or Abort ends it. A
//! participant that times out while uncertain or committable runs the termination protocol
//! (`termination`). After a crash it recovers from its log; uncertain or committable there,
//! it may not decide on its own nor take part in the termination protocol: it asks the
//! others until one knows the outcome (Bernstein et al.'s recovery protocol).

use super::config::ThreePcConfig;
use super::coordinator::decision_msg;
use super::msg::ThreePcMsg;
use super::node::{participants, Outbox, ThreePc, ThreePcTimer, COORDINATOR};
use crate::protocols::txn::{workload, Decision, LockTable, Record, RmState, TxnId};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{DurableLog, LogWrite, NodeId, Out};

/// Where a participant is in the termination protocol for one transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Term {
    /// Waiting for the coordinator, or for the participant running the protocol.
    #[default]
    Waiting,
    /// Asked every lower-numbered participant whether it is up.
    Electing,
    /// Running the protocol: the states reported so far.
    Surveying(SortedMap<NodeId, RmState>),
    /// Running the protocol, rule TR4: PreCommit sent to these, not yet acknowledged.
    PreCommitting(SortedSet<NodeId>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmTxn {
    pub state: RmState,
    /// When it entered its state, on the node's clock.
    pub since_us: u64,
    /// Back from a crash uncertain or committable: it asks, and takes no part in the
    /// termination protocol.
    pub recovering: bool,
    pub term: Term,
}

impl RmTxn {
    fn new(state: RmState, now_us: u64) -> Self {
        RmTxn { state, since_us: now_us, recovering: false, term: Term::Waiting }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Participant {
    pub id: NodeId,
    /// Nodes in the cluster (participants are n1 onwards).
    pub n: u32,
    pub txns: SortedMap<TxnId, RmTxn>,
    pub locks: LockTable,
}

impl Participant {
    pub fn new(id: NodeId, n: u32) -> Self {
        Participant { id, n, ..Default::default() }
    }
    pub fn state(&self, txn: TxnId) -> Option<RmState> {
        self.txns.get(&txn).map(|t| t.state)
    }
    /// Every other participant.
    pub fn others(&self) -> impl Iterator<Item = NodeId> + Clone + '_ {
        participants(self.n).filter(move |p| *p != self.id)
    }
    pub fn recovering(&self, txn: TxnId) -> bool {
        self.txns.get(&txn).is_some_and(|t| t.recovering)
    }

    pub fn on_can_commit(&mut self, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        match self.state(txn) {
            Some(RmState::Prepared | RmState::PreCommitted) => out.send(COORDINATOR, ThreePcMsg::Yes { txn }),
            Some(RmState::Aborted) => out.send(COORDINATOR, ThreePcMsg::No { txn }),
            Some(RmState::Committed | RmState::Working) => {}
            None => {
                self.txns.insert(txn, RmTxn::new(RmState::Working, out.now()));
                if workload::votes_no(&cfg.no_votes, cfg.no_vote_permille, txn, self.id, out) {
                    self.abort_unilaterally(cfg, txn, out);
                } else if self.locks.acquire(txn % cfg.keys, txn) {
                    self.prepare(cfg, txn, out);
                } else {
                    // The lock wait times out like any wait before the vote: abort.
                    out.set_timer(ThreePcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
                }
            }
        }
    }

    /// Vote yes: force the prepared record, then Yes; uncertain from now on.
    fn prepare(&mut self, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        let t = self.txns.get_mut(&txn).expect("known");
        t.state = RmState::Prepared;
        t.since_us = out.now();
        out.write(LogWrite::Append(Record::Prepared { txn, key: txn % cfg.keys }));
        if !cfg.has_bug("yes_before_force") {
            out.sync();
        }
        out.send(COORDINATOR, ThreePcMsg::Yes { txn });
        out.set_timer(ThreePcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
    }

    /// Abort before voting yes (a no vote, a lock wait that timed out, or asked by the
    /// termination protocol): forced before anyone hears of it, then No to the coordinator.
    pub(super) fn abort_unilaterally(&mut self, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        self.finish(cfg, txn, Decision::Abort, true, out);
        out.send(COORDINATOR, ThreePcMsg::No { txn });
    }

    /// Reach decision `d`: log it, forced when `forced`, release the lock and let the next
    /// transaction waiting for it prepare; the termination protocol is over for it.
    pub(super) fn finish(&mut self, cfg: &ThreePcConfig, txn: TxnId, d: Decision, forced: bool, out: &mut Out<ThreePc>) {
        let t = self.txns.get_or_insert_with(txn, || RmTxn::new(RmState::Working, 0));
        t.state = if d == Decision::Commit { RmState::Committed } else { RmState::Aborted };
        t.since_us = out.now();
        t.recovering = false;
        t.term = Term::Waiting;
        out.write(LogWrite::Append(if d == Decision::Commit { Record::Commit { txn } } else { Record::Abort { txn } }));
        if forced {
            out.sync();
        }
        for timer in [ThreePcTimer::Termination(txn), ThreePcTimer::Window(txn), ThreePcTimer::Ask(txn)] {
            out.cancel_timer(timer);
        }
        if let Some(next) = self.locks.release(txn % cfg.keys, txn) {
            if self.state(next) == Some(RmState::Working) {
                self.prepare(cfg, next, out);
            }
        }
    }

    /// PreCommit, from the coordinator or from the participant running the termination
    /// protocol: committable now; acknowledge.
    pub fn on_pre_commit(&mut self, cfg: &ThreePcConfig, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        let Some(t) = self.txns.get_mut(&txn) else { return };
        if t.recovering || !t.state.uncertain() {
            return;
        }
        if t.state == RmState::Prepared {
            t.state = RmState::PreCommitted;
            t.since_us = out.now();
            out.write(LogWrite::Append(Record::PreCommit { txn }));
        }
        out.send(from, ThreePcMsg::Ack { txn });
        out.set_timer(ThreePcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
    }

    /// DoCommit or Abort, from the coordinator, a participant that ran the termination
    /// protocol, or one answering this one's question.
    pub fn on_decision(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, d: Decision, out: &mut Out<ThreePc>) {
        match (self.state(txn), d) {
            (Some(RmState::Committed | RmState::Aborted), _) => return,
            (Some(RmState::Prepared | RmState::PreCommitted), _) => self.finish(cfg, txn, d, d == Decision::Commit, out),
            (_, Decision::Commit) => {
                out.note(format!("t{txn}: told to commit, but it holds no prepared record"));
                self.finish(cfg, txn, Decision::Abort, true, out);
            }
            (_, Decision::Abort) => self.finish(cfg, txn, d, false, out),
        }
        outbox.cancel(txn, &ThreePcMsg::StateReq { txn }, out);
        outbox.cancel(txn, &ThreePcMsg::Elect { txn }, out);
    }

    /// A recovering node asks for the outcome: a decided participant answers.
    pub fn on_decision_req(&self, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        if let Some(d) = self.state(txn).and_then(RmState::decision) {
            out.send(from, decision_msg(txn, d));
        }
    }

    /// Boot from the log. Decided transactions stay decided; an uncertain or committable
    /// one takes its lock again and asks everyone (the recovery protocol). With the planted
    /// bug `recovered_decides_alone` it decides by itself instead: abort if uncertain,
    /// commit if committable.
    pub fn recover(&mut self, cfg: &ThreePcConfig, log: &DurableLog<Record>, out: &mut Out<ThreePc>) {
        let now = out.now();
        for r in log.entries() {
            let state = match r {
                Record::Prepared { .. } => RmState::Prepared,
                Record::PreCommit { .. } => RmState::PreCommitted,
                Record::Commit { .. } => RmState::Committed,
                Record::Abort { .. } => RmState::Aborted,
                _ => continue,
            };
            self.txns.insert(r.txn(), RmTxn::new(state, now));
        }
        let open: Vec<(TxnId, RmState)> = self.txns.iter().filter(|(_, t)| t.state.uncertain()).map(|(id, t)| (*id, t.state)).collect();
        for (txn, state) in open {
            self.locks.acquire(txn % cfg.keys, txn);
            if cfg.has_bug("recovered_decides_alone") {
                let d = if state == RmState::PreCommitted { Decision::Commit } else { Decision::Abort };
                out.note(format!("t{txn}: back from a crash {}, decides {} on its own", state.label(), d.label()));
                self.finish(cfg, txn, d, true, out);
                continue;
            }
            self.txns.get_mut(&txn).expect("known").recovering = true;
            self.ask(cfg, txn, out);
        }
    }

    /// Recovery protocol: DecisionReq to the coordinator and every other participant.
    pub fn ask(&self, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        if !self.recovering(txn) {
            return;
        }
        for p in std::iter::once(COORDINATOR).chain(self.others()) {
            out.send(p, ThreePcMsg::DecisionReq { txn });
        }
        out.set_timer(ThreePcTimer::Ask(txn), cfg.reply_window_us, cfg.reply_window_us);
    }
}
