//! Messages on the simulated network: sending (latency, reordering, loss, corruption with
//! a checksum, cut and held links), delivery or the reason a message is dropped, and links
//! cut, held, released and healed.

use super::Sim;
use crate::sim::hash::version_hash;
use crate::sim::network::{Flight, LinkState};
use crate::sim::protocol::{Checker, NodeId, Protocol};
use crate::sim::queue::Ev;
use crate::sim::trace::{DropReason, TraceKind};

impl<P: Protocol> Sim<P> {

    pub(super) fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        if to >= self.n {
            self.trace(Some(from), TraceKind::Note { text: format!("send to unknown node {to} ignored") }, 0);
            return;
        }
        if P::Checker::OBSERVES_MESSAGES {
            self.sent.push((from, to, msg.clone()));
        }
        if self.rng.chance_ppm(self.net().duplicate_ppm) {
            self.send_copy(from, to, msg.clone());
        }
        self.send_copy(from, to, msg);
    }

    /// A message's checksum, folded into the trace with its send: FNV-1a up to link
    /// version 6, whole words from version 7.
    pub(super) fn msg_hash(&self, msg: &P::Msg) -> u64 {
        version_hash(self.version, msg)
    }

    pub(super) fn send_copy(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let net = self.net().clone();
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        let mut latency = self.rng.range(net.latency_min_us, net.latency_max_us);
        if self.rng.chance_ppm(net.reorder_ppm) {
            latency += self.rng.range(1, net.reorder_extra_us.max(1));
        }
        let lost = self.rng.chance_ppm(net.loss_ppm);
        let corrupted = self.rng.chance_ppm(net.corrupt_ppm);
        let msg_hash = self.msg_hash(&msg);
        let checksum = (net.corrupt_ppm > 0).then(|| {
            if corrupted {
                msg_hash ^ (1u64 << self.rng.below(64))
            } else {
                msg_hash
            }
        });
        let arrives_at_us = self.now_us + latency;
        let kind = P::msg_kind(&msg);
        let is_reply = P::msg_is_reply(&msg);
        self.trace(Some(from), TraceKind::Send { msg_id, to, kind, is_reply, arrives_at_us }, msg_hash);
        let link = self.links.get(from, to);
        if link == LinkState::Cut {
            self.trace(Some(from), TraceKind::Drop { msg_id, from, to, kind, reason: DropReason::LinkCut }, 0);
            return;
        }
        let held = link == LinkState::Held;
        let flight = Flight { from, to, msg, sent_at_us: self.now_us, arrives_at_us, lost, checksum, corrupted, held };
        self.flights.insert(msg_id, flight);
        if !held {
            self.push_ev(arrives_at_us, Ev::Deliver { msg_id });
        }
    }

    pub(super) fn deliver(&mut self, msg_id: u64) -> (Option<NodeId>, bool) {
        let Some(f) = self.flights.remove(&msg_id) else { return (None, false) };
        let kind = P::msg_kind(&f.msg);
        let (from, to) = (f.from, f.to);
        let reason = if f.lost {
            Some(DropReason::Lost)
        } else if self.links.get(from, to) == LinkState::Cut {
            Some(DropReason::LinkCut)
        } else if self.states[to as usize].is_none() {
            Some(DropReason::NodeDown)
        } else if f.checksum.is_some_and(|c| c != self.msg_hash(&f.msg)) {
            Some(DropReason::Corrupted)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.trace(Some(to), TraceKind::Drop { msg_id, from, to, kind, reason }, 0);
            return (Some(to), false);
        }
        self.trace(Some(to), TraceKind::Deliver { msg_id, from, kind }, 0);
        let msg = f.msg;
        self.with_node(to, |p, out| p.on_message(from, msg, out));
        (Some(to), false)
    }

    pub(super) fn release(&mut self, from: NodeId, to: NodeId) {
        let ids: Vec<u64> =
            self.flights.iter().filter(|(_, f)| f.held && f.from == from && f.to == to).map(|(id, _)| *id).collect();
        for id in ids {
            let now = self.now_us;
            if let Some(f) = self.flights.get_mut(&id) {
                f.held = false;
                let latency = f.arrives_at_us.saturating_sub(f.sent_at_us);
                f.arrives_at_us = now + latency;
                self.push_ev(now + latency, Ev::Deliver { msg_id: id });
            }
        }
    }

    pub(super) fn set_link(&mut self, from: NodeId, to: NodeId, state: LinkState) {
        let was_held = self.links.get(from, to) == LinkState::Held;
        self.links.set(from, to, state);
        if was_held && state != LinkState::Held {
            self.release(from, to);
        }
    }

    pub(super) fn heal_all(&mut self) {
        for a in 0..self.n {
            for b in 0..self.n {
                self.set_link(a, b, LinkState::Open);
            }
        }
    }
}
