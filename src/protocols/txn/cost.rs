//! What each transaction costs, counted by the nodes that pay it (volatile, for the page
//! and the cost tests; a crash loses the crashed node's counts): messages sent, forced log
//! writes, when the transaction began and when each participant decided, and how long
//! participants were uncertain. Counted the way Gray & Lamport (TODS 2006, §6) compare
//! commit protocols: messages and stable-storage writes per transaction, and the delay
//! until every participant knows the outcome.

use super::TxnId;
use crate::sim::sorted::SortedMap;
use crate::sim::TimeUs;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub messages: u32,
    pub forced_writes: u32,
    /// When this node first heard of the transaction (the coordinator: when it began it).
    pub began_us: Option<TimeUs>,
    /// When this node (a participant) decided.
    pub decided_us: Option<TimeUs>,
    /// How long this participant was uncertain, up to its decision (or until now).
    pub uncertain_us: TimeUs,
    /// When its current uncertain spell began, if it is uncertain now.
    pub uncertain_since_us: Option<TimeUs>,
}

/// Per transaction, what this node paid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Costs {
    pub txns: SortedMap<TxnId, Cost>,
}

impl Costs {
    pub fn of(&mut self, txn: TxnId) -> &mut Cost {
        self.txns.get_or_insert_with(txn, Cost::default)
    }
    pub fn sent(&mut self, txn: TxnId) {
        self.of(txn).messages += 1;
    }
    pub fn forced(&mut self, txn: TxnId) {
        self.of(txn).forced_writes += 1;
    }
    pub fn heard(&mut self, txn: TxnId, now_us: TimeUs) {
        self.of(txn).began_us.get_or_insert(now_us);
    }
    /// A coordinator has heard of each of `txns` (by now, if not before).
    pub fn heard_all(&mut self, txns: impl Iterator<Item = TxnId>, now_us: TimeUs) {
        for t in txns {
            self.heard(t, now_us);
        }
    }
    pub fn uncertain(&mut self, txn: TxnId, now_us: TimeUs) {
        self.of(txn).uncertain_since_us.get_or_insert(now_us);
    }
    pub fn decided(&mut self, txn: TxnId, now_us: TimeUs) {
        let c = self.of(txn);
        if let Some(since) = c.uncertain_since_us.take() {
            c.uncertain_us += now_us.saturating_sub(since);
        }
        c.decided_us.get_or_insert(now_us);
    }
}

/// One row of the side-by-side table: a transaction's totals over every node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub messages: u32,
    pub forced_writes: u32,
    /// From the coordinator's begin to the last participant's decision, if all decided.
    pub decided_after_us: Option<TimeUs>,
    /// Participants' uncertain time, summed (still-uncertain ones counted up to now).
    pub blocked_us: TimeUs,
}

/// Totals per transaction over the nodes' counts; `participants` are the nodes whose
/// decisions count, `now_us` closes the spells still open.
pub fn totals<'a>(nodes: impl Iterator<Item = (&'a Costs, bool)> + Clone, txn: TxnId, now_us: TimeUs) -> Totals {
    let mut t = Totals::default();
    let mut began: Option<TimeUs> = None;
    let mut last_decided: Option<TimeUs> = Some(0);
    for (costs, participant) in nodes {
        let Some(c) = costs.txns.get(&txn) else {
            if participant {
                last_decided = None;
            }
            continue;
        };
        t.messages += c.messages;
        t.forced_writes += c.forced_writes;
        if let Some(b) = c.began_us {
            began = Some(began.map_or(b, |x| x.min(b)));
        }
        if participant {
            t.blocked_us += c.uncertain_us + c.uncertain_since_us.map_or(0, |s| now_us.saturating_sub(s));
            last_decided = match (last_decided, c.decided_us) {
                (Some(l), Some(d)) => Some(l.max(d)),
                _ => None,
            };
        }
    }
    t.decided_after_us = match (began, last_decided) {
        (Some(b), Some(d)) => Some(d.saturating_sub(b)),
        _ => None,
    };
    t
}

/// Count what a handler did, from its effects: every message sent (`msg_txn` names its
/// transaction), every sync as a forced write of the record written last, and the log
/// records written, copied into `log` for the page (forced ones marked).
pub fn account_effects<M, T, R, Rec: Clone>(
    costs: &mut Costs,
    log: &mut Vec<(Rec, bool)>,
    effects: &[crate::sim::Effect<M, T, R, crate::sim::LogWrite<Rec>>],
    msg_txn: impl Fn(&M) -> TxnId,
    rec_txn: impl Fn(&Rec) -> TxnId,
) {
    use crate::sim::{Effect, LogWrite};
    let mut last_written = None;
    for e in effects {
        match e {
            Effect::Send { msg, .. } => costs.sent(msg_txn(msg)),
            Effect::Write(LogWrite::Append(r)) => {
                last_written = Some(rec_txn(r));
                log.push((r.clone(), false));
            }
            Effect::Sync => {
                if let Some(t) = last_written.take() {
                    costs.forced(t);
                    if let Some(last) = log.last_mut() {
                        last.1 = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// A node of the family that counts what each of its handlers costs (see [`counted`]).
pub trait Counting: crate::sim::Protocol + super::TxnNode {
    /// Count what the handler did, its effects from `from` on: messages, forced writes and
    /// log records ([`account_effects`]); a coordinator's transactions heard of, or a
    /// participant's changes of state since `before` ([`account_states`]).
    fn account(&mut self, before: &[(TxnId, super::RmState)], from: usize, out: &crate::sim::Out<Self>);
    /// Clear what a node keeps for one handler only (nothing, unless it says so).
    fn before_handler(&mut self) {}
}

/// Run `handler` on `node` and count what it cost.
pub fn counted<P: Counting>(node: &mut P, out: &mut crate::sim::Out<P>, handler: impl FnOnce(&mut P, &mut crate::sim::Out<P>)) {
    node.before_handler();
    let before = node.rm_states();
    let from = out.effects().len();
    handler(node, out);
    node.account(&before, from, out);
}

/// Count a participant's changes of state between two snapshots: when it first heard of a
/// transaction, when it became uncertain, when it decided.
pub fn account_states(costs: &mut Costs, before: &[(TxnId, super::RmState)], after: &[(TxnId, super::RmState)], now_us: TimeUs) {
    for (t, state) in after {
        if before.iter().any(|(b, s)| b == t && s == state) {
            continue;
        }
        costs.heard(*t, now_us);
        if state.uncertain() {
            costs.uncertain(*t, now_us);
        } else if state.decision().is_some() {
            costs.decided(*t, now_us);
        }
    }
}
