//! The backup coordinator (as 2PCwithBTM.tla adds to Gray & Lamport's TwoPhase): asked by
//! an uncertain participant, it surveys every participant's state and finishes the
//! transaction from what they hold. It commits if one has committed; it aborts if one has
//! aborted (a participant that had not voted aborts when surveyed, so it will never vote
//! yes); if every participant it hears from is uncertain it can decide nothing and asks
//! again: the coordinator may have decided either way, so two-phase commit blocks. It
//! keeps no log: it never decides anything a participant has not already decided.

use super::config::TwoPcConfig;
use super::coordinator::decision_msg;
use super::msg::TwoPcMsg;
use super::node::{participants, TwoPc, TwoPcTimer};
use crate::protocols::txn::{Decision, RmState, TxnId};
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeEnv, NodeId, Out};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    pub replies: SortedMap<NodeId, RmState>,
    pub decided: Option<Decision>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backup {
    pub surveys: SortedMap<TxnId, Survey>,
}

impl Backup {
    pub fn on_decision_req(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, from: NodeId, txn: TxnId, out: &mut Out<TwoPc>) {
        match self.surveys.get(&txn) {
            Some(Survey { decided: Some(d), .. }) => out.send(from, decision_msg(txn, *d)),
            Some(_) => {}
            None => {
                self.surveys.insert(txn, Survey::default());
                ask(env, cfg, txn, out);
            }
        }
    }

    pub fn on_state(&mut self, env: &NodeEnv, from: NodeId, txn: TxnId, state: RmState, out: &mut Out<TwoPc>) {
        let Some(s) = self.surveys.get_mut(&txn) else { return };
        if s.decided.is_some() {
            return;
        }
        s.replies.insert(from, state);
        let found = if s.replies.values().any(|r| *r == RmState::Committed) {
            Some(Decision::Commit)
        } else if s.replies.values().any(|r| *r == RmState::Aborted) {
            Some(Decision::Abort)
        } else {
            None
        };
        if let Some(d) = found {
            self.decide(env, txn, d, out);
        }
    }

    fn decide(&mut self, env: &NodeEnv, txn: TxnId, d: Decision, out: &mut Out<TwoPc>) {
        if let Some(s) = self.surveys.get_mut(&txn) {
            s.decided = Some(d);
        }
        out.cancel_timer(TwoPcTimer::Survey(txn));
        for p in participants(env.n) {
            out.send(p, decision_msg(txn, d));
        }
    }

    /// No decision found yet: ask again. With the planted bug the backup aborts when a
    /// participant is missing, like 2PCwithBTM's canAbort without its guard that no
    /// participant has committed (the one that did may be the one that is down).
    pub fn on_survey(&mut self, env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
        let Some(s) = self.surveys.get(&txn) else { return };
        if s.decided.is_some() {
            return;
        }
        let all_prepared = participants(env.n).all(|p| s.replies.get(&p).is_some_and(|r| r.uncertain()));
        if cfg.has_bug("backup_abort_without_guard") && !all_prepared {
            out.note(format!("t{txn}: a participant does not answer, abort"));
            return self.decide(env, txn, Decision::Abort, out);
        }
        if all_prepared {
            out.note(format!("t{txn}: every participant is uncertain; blocked until the coordinator answers"));
        }
        ask(env, cfg, txn, out);
    }

    /// Every transaction a survey is still open for.
    pub fn open(&self) -> impl Iterator<Item = TxnId> + '_ {
        self.surveys.iter().filter(|(_, s)| s.decided.is_none()).map(|(t, _)| *t)
    }
}

/// StateReq to every participant, and the timer to ask again.
fn ask(env: &NodeEnv, cfg: &TwoPcConfig, txn: TxnId, out: &mut Out<TwoPc>) {
    for p in participants(env.n) {
        out.send(p, TwoPcMsg::StateReq { txn });
    }
    out.set_timer(TwoPcTimer::Survey(txn), cfg.termination_timeout_us, cfg.termination_timeout_us);
}
