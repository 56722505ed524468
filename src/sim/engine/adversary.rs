//! Adversary mode, as in DSLabs' visual debugger: the user is the network. Messages in
//! flight and armed timers wait in a pool instead of running; the user delivers, drops or
//! duplicates a message, or fires a timer, and time moves to that event's drawn time (so
//! no timer fires before its deadline). Pauses, holds and cut links still apply, and the
//! checkers run after every choice as after any event.

use super::Sim;
use crate::sim::fault::Fault;
use crate::sim::network::Flight;
use crate::sim::protocol::{NodeId, Protocol, TimeUs};
use crate::sim::queue::{Ev, Queued};
use crate::sim::trace::{DropReason, TraceKind};
use serde::Serialize;

/// One event the user may pick next: a message to deliver (or drop, or duplicate) or a
/// timer to fire, with the time it was drawn for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// "deliver" (a message; it may also be dropped or duplicated) or "fire" (a timer).
    pub kind: &'static str,
    /// The message's id, or the timer's.
    pub id: u64,
    /// The node it happens at: the message's receiver, or the timer's node.
    pub node: NodeId,
    /// The message's sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeId>,
    /// The message's kind or the timer's name.
    pub what: &'static str,
    /// When the network drew it to arrive, or when the timer is due.
    pub at_us: TimeUs,
}

impl<P: Protocol> Sim<P> {
    pub fn adversary(&self) -> bool {
        self.adversary
    }

    /// Queue an event; in adversary mode a message or a timer waits in the pool instead.
    pub(super) fn push_ev(&mut self, time_us: TimeUs, ev: Ev) {
        let q = self.queue.stamp(time_us, ev);
        self.push_stamped(q);
    }

    /// Queue an event already numbered; in adversary mode a message or a timer waits in
    /// the pool instead.
    pub(super) fn push_stamped(&mut self, q: Queued) {
        if self.adversary && waits_for_choice(&q.ev) {
            self.pool_push(q);
        } else {
            self.queue.push_stamped(q);
        }
    }

    /// Put an event in the pool, kept in (time, sequence) order; events that can no longer
    /// happen (a timer reset or cancelled, a message gone) leave it.
    fn pool_push(&mut self, q: Queued) {
        let pool = std::mem::take(&mut self.pool);
        self.pool = pool.into_iter().filter(|p| self.choice(&p.ev, p.time_us, true).is_some()).collect();
        let at = self.pool.partition_point(|p| (p.time_us, p.seq) < (q.time_us, q.seq));
        self.pool.insert(at, q);
    }

    /// Turn adversary mode on or off; off puts every waiting event back on the queue (late
    /// ones run at once, in the order they were drawn).
    pub(super) fn set_adversary(&mut self, on: bool) -> bool {
        if self.adversary == on {
            return false;
        }
        self.adversary = on;
        if on {
            // Each timer's own entry, in place of an earlier setting's standing for it (the
            // pool holds the timers' own generations, which the user fires).
            for node in 0..self.n {
                self.unmove_timers(node);
            }
            for q in self.queue.take_where(waits_for_choice) {
                self.pool_push(q);
            }
        } else {
            for q in std::mem::take(&mut self.pool) {
                self.queue.push(q.time_us, q.ev);
            }
        }
        true
    }

    /// Every choice open now, earliest first: waiting messages (whose receiver is not
    /// paused) and armed timers (of nodes that are up and not paused).
    pub fn choices(&self) -> Vec<Choice> {
        self.pool.iter().filter_map(|q| self.choice(&q.ev, q.time_us, false)).collect()
    }

    /// The choice a pooled event offers; `even_paused`: also one held by a pause now.
    fn choice(&self, ev: &Ev, at_us: TimeUs, even_paused: bool) -> Option<Choice> {
        match *ev {
            Ev::Deliver { msg_id } => {
                let f = self.flights.get(&msg_id)?;
                let kind = P::msg_kind(&f.msg);
                (even_paused || !self.slots[f.to as usize].paused).then_some(Choice { kind: "deliver", id: msg_id, node: f.to, from: Some(f.from), what: kind, at_us })
            }
            Ev::Timer { node, generation } => {
                let slot = &self.slots[node as usize];
                let t = slot.timers.iter().find(|t| t.generation == generation)?;
                let name = P::timer_name(&t.timer);
                (even_paused || !slot.paused).then_some(Choice { kind: "fire", id: generation, node, from: None, what: name, at_us })
            }
            _ => None,
        }
    }

    fn pooled(&self, fault: &Fault) -> Option<usize> {
        self.pool.iter().position(|q| match (&q.ev, fault) {
            (Ev::Deliver { msg_id }, Fault::Deliver { id } | Fault::Drop { id } | Fault::Duplicate { id }) => msg_id == id,
            (Ev::Timer { generation, .. }, Fault::Fire { id }) => generation == id,
            _ => false,
        })
    }

    /// The time a choice moves the clock to, or why it is not a choice now.
    pub fn choice_time(&self, fault: &Fault) -> Result<TimeUs, String> {
        if !self.adversary {
            return Err("adversary mode is off (inject {kind: \"adversary\", on: true} first)".into());
        }
        let what = if matches!(fault, Fault::Fire { .. }) { "timer" } else { "message" };
        let id = match fault {
            Fault::Deliver { id } | Fault::Drop { id } | Fault::Duplicate { id } | Fault::Fire { id } => *id,
            _ => return Err("not one of adversary mode's choices".into()),
        };
        let q = self.pooled(fault).map(|i| &self.pool[i]).ok_or_else(|| format!("no {what} {id} is waiting (see state().choices)"))?;
        let c = self.choice(&q.ev, q.time_us, false).ok_or_else(|| format!("{what} {id} cannot be chosen now (its node is paused, or it is gone)"))?;
        Ok(match fault {
            Fault::Deliver { .. } | Fault::Fire { .. } => c.at_us.max(self.now_us),
            _ => self.now_us,
        })
    }

    /// Carry out one choice (already checked by `choice_time`).
    pub(super) fn apply_choice(&mut self, fault: Fault) -> (Option<NodeId>, bool) {
        let Some(i) = self.pooled(&fault) else { return (None, false) };
        if let Fault::Duplicate { id } = fault {
            // The original keeps its place in the pool.
            return (self.duplicate(id), false);
        }
        let q = self.pool.remove(i);
        match (fault, q.ev) {
            (Fault::Deliver { .. }, Ev::Deliver { msg_id }) => self.deliver(msg_id),
            (Fault::Fire { .. }, Ev::Timer { node, generation }) => {
                self.fire_timer(node, generation);
                (Some(node), false)
            }
            (Fault::Drop { .. }, Ev::Deliver { msg_id }) => (self.drop_by_user(msg_id), false),
            _ => (None, false),
        }
    }

    fn drop_by_user(&mut self, msg_id: u64) -> Option<NodeId> {
        let f = self.flights.remove(&msg_id)?;
        let kind = P::msg_kind(&f.msg);
        self.trace(Some(f.to), TraceKind::Drop { msg_id, from: f.from, to: f.to, kind, reason: DropReason::Adversary }, 0);
        Some(f.to)
    }

    /// A second copy of a message in flight, drawn for the same arrival.
    fn duplicate(&mut self, msg_id: u64) -> Option<NodeId> {
        let f = self.flights.get(&msg_id)?;
        let copy = Flight { msg: f.msg.clone(), ..*f };
        let copy_id = self.next_msg_id;
        self.next_msg_id += 1;
        let (from, to, kind, is_reply) = (copy.from, copy.to, P::msg_kind(&copy.msg), P::msg_is_reply(&copy.msg));
        let arrives_at_us = copy.arrives_at_us;
        let msg_hash = self.msg_hash(&copy.msg);
        self.trace(Some(from), TraceKind::Send { msg_id: copy_id, to, kind, is_reply, arrives_at_us }, msg_hash);
        self.flights.insert(copy_id, copy);
        self.push_ev(arrives_at_us, Ev::Deliver { msg_id: copy_id });
        Some(to)
    }
}

/// The events adversary mode hands to the user.
fn waits_for_choice(ev: &Ev) -> bool {
    matches!(ev, Ev::Deliver { .. } | Ev::Timer { .. })
}
