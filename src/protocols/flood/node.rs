//! A flood node (no paper; the simulator's exercise): it learns a value from a client, a
//! flood or a sync, makes it durable, and floods what it had not seen to every peer; every
//! period it sends all it knows to the next peer in turn (anti-entropy, as Demers et al.,
//! PODC 1987), which repairs what loss and partitions dropped.

use super::config::FloodConfig;
use super::msg::FloodMsg;
use crate::sim::{NodeEnv, NodeId, Out};
use crate::sim::sorted::SortedSet;

#[derive(Clone, Debug, PartialEq)]
pub enum FloodTimer {
    AntiEntropy,
}

#[derive(Clone, Debug)]
pub struct Flood {
    pub(crate) env: NodeEnv,
    pub(crate) config: FloodConfig,
    pub(crate) known: SortedSet<String>,
    pub(crate) acks: u64,
    next_sync_peer: u32,
}

impl Flood {
    pub fn create(env: NodeEnv, config: &FloodConfig) -> Self {
        let next_sync_peer = (env.id + 1) % env.n.max(1);
        Flood { env, config: config.clone(), known: SortedSet::new(), acks: 0, next_sync_peer }
    }

    pub fn known(&self) -> &SortedSet<String> {
        &self.known
    }
    /// Acks received since boot (volatile).
    pub fn acks(&self) -> u64 {
        self.acks
    }

    fn sync_interval(&self) -> u64 {
        if self.config.sync_interval_us == 0 { 300_000 } else { self.config.sync_interval_us }
    }

    pub(crate) fn arm(&self, out: &mut Out<Self>) {
        let base = self.sync_interval();
        out.set_timer(FloodTimer::AntiEntropy, base, base + base / 2);
    }

    /// Boot after a crash with the values on disk.
    pub(crate) fn recover(&mut self, durable: SortedSet<String>) {
        self.known = durable;
    }

    /// Learn a value; flood it if it is new.
    fn learn(&mut self, value: String, skip: Option<NodeId>, out: &mut Out<Self>) {
        if !self.known.insert(value.clone()) {
            return;
        }
        if self.config.bug.as_deref() != Some("forget_on_restart") {
            out.write(value.clone());
            out.sync();
        }
        for p in self.env.peers().filter(|p| Some(*p) != skip) {
            out.send(p, FloodMsg::Flood { value: value.clone() });
        }
    }

    pub fn handle_message(&mut self, from: NodeId, msg: FloodMsg, out: &mut Out<Self>) {
        match msg {
            FloodMsg::Flood { value } => {
                out.send(from, FloodMsg::Ack { value: value.clone() });
                self.learn(value, Some(from), out);
            }
            FloodMsg::Ack { .. } => self.acks += 1,
            FloodMsg::Sync { values } => {
                for v in values {
                    self.learn(v, Some(from), out);
                }
            }
        }
    }

    /// Anti-entropy: everything known to the next peer in turn, then re-arm.
    pub fn handle_timer(&mut self, out: &mut Out<Self>) {
        if self.env.n > 1 {
            if self.next_sync_peer == self.env.id {
                self.next_sync_peer = (self.next_sync_peer + 1) % self.env.n;
            }
            let values = self.known.iter().cloned().collect();
            out.send(self.next_sync_peer, FloodMsg::Sync { values });
            self.next_sync_peer = (self.next_sync_peer + 1) % self.env.n;
        }
        self.arm(out);
    }

    pub fn handle_request(&mut self, request_id: u64, value: String, out: &mut Out<Self>) {
        self.learn(value.clone(), None, out);
        out.reply(request_id, format!("stored {value}"));
    }
}
