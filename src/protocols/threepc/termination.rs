//! Three-phase commit's termination protocol (Skeen 1981; Bernstein et al. 1987, §7.5),
//! run by the participants when the coordinator has failed. The operational participants
//! elect the lowest-numbered one among them (each that times out asks the lower-numbered
//! ones whether they are up; one that is answers Alive and takes over). The elected one asks
//! every participant for its state (STATE-REQ) and applies the rules: TR1, some aborted:
//! abort; TR2, some committed: commit; TR3, all uncertain: abort; TR4, some committable:
//! PreCommit to the uncertain ones, then, acknowledged or failed, commit. A participant
//! back from a crash takes no part (it runs the recovery protocol instead). Safe only under
//! the protocol's assumptions: crash failures, detected accurately (timeouts longer than
//! the largest delay), and no partitions.

use super::config::ThreePcConfig;
use super::coordinator::decision_msg;
use super::msg::ThreePcMsg;
use super::node::{Outbox, ThreePc, ThreePcTimer};
use super::participant::{Participant, Term};
use crate::protocols::txn::{Decision, Record, RmState, TxnId};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{LogWrite, NodeId, Out};

impl Participant {
    fn term_mut(&mut self, txn: TxnId) -> Option<&mut Term> {
        self.txns.get_mut(&txn).map(|t| &mut t.term)
    }

    /// Wait (again) for whoever is deciding.
    fn wait(&mut self, cfg: &ThreePcConfig, txn: TxnId, out: &mut Out<ThreePc>) {
        if let Some(term) = self.term_mut(txn) {
            *term = Term::Waiting;
        }
        out.cancel_timer(ThreePcTimer::Window(txn));
        out.set_timer(ThreePcTimer::Termination(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
    }

    /// The wait timed out. Before voting (a lock wait), abort; uncertain or committable
    /// (and not recovering), the coordinator has failed: start an election.
    pub fn on_termination_timer(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        let Some(t) = self.txns.get(&txn) else { return };
        match t.state {
            RmState::Working => {
                out.note(format!("t{txn}: the lock wait timed out, abort"));
                self.abort_unilaterally(cfg, txn, out);
            }
            s if s.uncertain() && !t.recovering && t.term == Term::Waiting => self.elect(cfg, outbox, txn, out),
            _ => {}
        }
    }

    /// Ask every lower-numbered participant whether it is up; with none, take over now.
    fn elect(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        let lower: Vec<NodeId> = self.others().filter(|p| *p < self.id).collect();
        out.cancel_timer(ThreePcTimer::Termination(txn));
        if lower.is_empty() {
            return self.survey(cfg, outbox, txn, out);
        }
        *self.term_mut(txn).expect("known") = Term::Electing;
        outbox.broadcast(cfg, ThreePcMsg::Elect { txn }, lower, out);
        out.set_timer(ThreePcTimer::Window(txn), cfg.reply_window_us, cfg.reply_window_us);
    }

    /// Elected (no lower-numbered participant is up): ask everyone for its state.
    fn survey(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        out.note(format!("t{txn}: runs the termination protocol"));
        *self.term_mut(txn).expect("known") = Term::Surveying(SortedMap::new());
        outbox.broadcast(cfg, ThreePcMsg::StateReq { txn }, self.others().collect(), out);
        out.set_timer(ThreePcTimer::Window(txn), cfg.reply_window_us, cfg.reply_window_us);
    }

    /// A higher-numbered participant asks whether this one is up.
    pub fn on_elect(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        match self.txns.get(&txn) {
            Some(t) if t.recovering => {}
            Some(t) if t.state.uncertain() => {
                out.send(from, ThreePcMsg::Alive { txn });
                if t.term == Term::Waiting {
                    self.elect(cfg, outbox, txn, out);
                }
            }
            Some(t) if t.state.decision().is_some() => out.send(from, decision_msg(txn, t.state.decision().expect("decided"))),
            // It has not voted: it may abort, and that ends the protocol.
            _ => {
                self.abort_unilaterally(cfg, txn, out);
                out.send(from, ThreePcMsg::Abort { txn });
            }
        }
    }

    /// A lower-numbered participant is up and takes over: wait for it.
    pub fn on_alive(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        if self.txns.get(&txn).is_some_and(|t| t.term == Term::Electing) {
            outbox.cancel(txn, &ThreePcMsg::Elect { txn }, out);
            self.wait(cfg, txn, out);
        }
    }

    /// The elected participant asks for this one's state.
    pub fn on_state_req(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        match self.txns.get(&txn) {
            Some(t) if t.recovering => {}
            Some(t) if t.state.uncertain() => {
                out.send(from, ThreePcMsg::State { txn, state: t.state });
                outbox.cancel(txn, &ThreePcMsg::Elect { txn }, out);
                self.wait(cfg, txn, out);
            }
            Some(t) if t.state.decision().is_some() => out.send(from, ThreePcMsg::State { txn, state: t.state }),
            _ => {
                self.abort_unilaterally(cfg, txn, out);
                out.send(from, ThreePcMsg::State { txn, state: RmState::Aborted });
            }
        }
    }

    /// A state for the survey: a decided one settles it at once (TR1, TR2); with every
    /// participant's in, the rules apply without waiting for the window to close.
    pub fn on_state(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, state: RmState, out: &mut Out<ThreePc>) {
        let Some(Term::Surveying(states)) = self.term_mut(txn) else { return };
        states.insert(from, state);
        let complete = states.len() == self.others().count();
        if let Some(d) = state.decision() {
            self.decide(cfg, outbox, txn, d, out);
        } else if complete {
            let Some(Term::Surveying(states)) = self.txns.get(&txn).map(|t| t.term.clone()) else { return };
            out.cancel_timer(ThreePcTimer::Window(txn));
            self.apply_rules(cfg, outbox, txn, &states, out);
        }
    }

    /// The reply window closed: elected if nobody lower answered; the survey is complete;
    /// or the PreCommit round of TR4 is over (whoever did not acknowledge has failed).
    pub fn on_window(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, out: &mut Out<ThreePc>) {
        match self.txns.get(&txn).map(|t| t.term.clone()) {
            Some(Term::Electing) => self.survey(cfg, outbox, txn, out),
            Some(Term::Surveying(states)) => self.apply_rules(cfg, outbox, txn, &states, out),
            Some(Term::PreCommitting(_)) => self.decide(cfg, outbox, txn, Decision::Commit, out),
            _ => {}
        }
    }

    /// TR1-TR4 over the states reported and its own. With the planted bug
    /// `termination_ignores_precommit`, TR4 is gone: no commit unless someone committed.
    fn apply_rules(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, states: &SortedMap<NodeId, RmState>, out: &mut Out<ThreePc>) {
        let own = self.state(txn).expect("known");
        let all = || states.values().copied().chain(std::iter::once(own));
        if all().any(|s| s == RmState::Aborted) {
            return self.decide(cfg, outbox, txn, Decision::Abort, out);
        }
        if all().any(|s| s == RmState::Committed) {
            return self.decide(cfg, outbox, txn, Decision::Commit, out);
        }
        let committable = all().any(|s| s == RmState::PreCommitted);
        if !committable || cfg.has_bug("termination_ignores_precommit") {
            out.note(format!("t{txn}: {} abort", if committable { "nobody committed:" } else { "every participant is uncertain (TR3):" }));
            return self.decide(cfg, outbox, txn, Decision::Abort, out);
        }
        // TR4: make every operational participant committable, then commit.
        if own == RmState::Prepared {
            let t = self.txns.get_mut(&txn).expect("known");
            t.state = RmState::PreCommitted;
            t.since_us = out.now();
            out.write(LogWrite::Append(Record::PreCommit { txn }));
        }
        let uncertain: SortedSet<NodeId> = states.iter().filter(|(_, s)| **s == RmState::Prepared).map(|(p, _)| *p).collect();
        if uncertain.is_empty() {
            return self.decide(cfg, outbox, txn, Decision::Commit, out);
        }
        outbox.broadcast(cfg, ThreePcMsg::PreCommit { txn }, uncertain.iter().copied().collect(), out);
        *self.term_mut(txn).expect("known") = Term::PreCommitting(uncertain);
        out.set_timer(ThreePcTimer::Window(txn), cfg.reply_window_us, cfg.reply_window_us);
    }

    /// An acknowledgement of the termination protocol's PreCommit.
    pub fn on_ack(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, from: NodeId, txn: TxnId, out: &mut Out<ThreePc>) {
        let Some(Term::PreCommitting(waiting)) = self.term_mut(txn) else { return };
        waiting.remove(&from);
        if waiting.is_empty() {
            self.decide(cfg, outbox, txn, Decision::Commit, out);
        }
    }

    /// The termination protocol's decision: its own (a commit forced), then every other
    /// participant's, one at a time.
    fn decide(&mut self, cfg: &ThreePcConfig, outbox: &mut Outbox, txn: TxnId, d: Decision, out: &mut Out<ThreePc>) {
        outbox.cancel(txn, &ThreePcMsg::StateReq { txn }, out);
        outbox.cancel(txn, &ThreePcMsg::PreCommit { txn }, out);
        self.finish(cfg, txn, d, d == Decision::Commit, out);
        outbox.broadcast(cfg, decision_msg(txn, d), self.others().collect(), out);
    }
}
