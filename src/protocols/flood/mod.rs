//! Flood: a small broadcast protocol used to exercise the simulator (not from a paper).
//! A value proposed at any node is flooded to every peer once; each receiver acks and
//! floods what it had not seen; a periodic anti-entropy `Sync` to the next peer in turn
//! repairs what loss and partitions dropped. Known values are durable.

use crate::sim::view::NodeView;
use crate::sim::{CheckCtx, Checker, ClientOp, NodeEnv, NodeId, Out, Present, Protocol, ProtocolConfig, RoleView, Tone, Violation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["forget_on_restart"];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FloodConfig {
    pub sync_interval_us: u64,
    /// Planted bug `forget_on_restart`: known values are never written to disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl ProtocolConfig for FloodConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum FloodMsg {
    Flood { value: String },
    Ack { value: String },
    Sync { values: Vec<String> },
}

#[derive(Clone, Debug, PartialEq)]
pub enum FloodTimer {
    AntiEntropy,
}

#[derive(Clone, Debug)]
pub struct Flood {
    env: NodeEnv,
    config: FloodConfig,
    known: BTreeSet<String>,
    acks: u64,
    next_sync_peer: u32,
}

impl Flood {
    pub fn known(&self) -> &BTreeSet<String> {
        &self.known
    }
    /// Acks received since boot (volatile).
    pub fn acks(&self) -> u64 {
        self.acks
    }

    fn sync_interval(&self) -> u64 {
        if self.config.sync_interval_us == 0 { 300_000 } else { self.config.sync_interval_us }
    }

    fn arm(&self, out: &mut Out<Self>) {
        let base = self.sync_interval();
        out.set_timer(FloodTimer::AntiEntropy, base, base + base / 2);
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
}

impl Protocol for Flood {
    type Config = FloodConfig;
    type Msg = FloodMsg;
    type Timer = FloodTimer;
    type Request = String;
    type Reply = String;
    type Durable = BTreeSet<String>;
    type Checker = FloodChecker;
    const NAME: &'static str = "flood";

    fn new(env: NodeEnv, config: &FloodConfig) -> Self {
        let next_sync_peer = (env.id + 1) % env.n.max(1);
        Flood { env, config: config.clone(), known: BTreeSet::new(), acks: 0, next_sync_peer }
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.arm(out);
    }
    fn on_recover(&mut self, durable: BTreeSet<String>, out: &mut Out<Self>) {
        self.known = durable;
        self.arm(out);
    }
    fn on_message(&mut self, from: NodeId, msg: FloodMsg, out: &mut Out<Self>) {
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
    fn on_timer(&mut self, _timer: FloodTimer, out: &mut Out<Self>) {
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
    fn on_request(&mut self, request_id: u64, value: String, out: &mut Out<Self>) {
        self.learn(value.clone(), None, out);
        out.reply(request_id, format!("stored {value}"));
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.on_timer(FloodTimer::AntiEntropy, out);
    }
    fn request_from_op(op: &ClientOp) -> Option<String> {
        match op {
            ClientOp::Propose { value } | ClientOp::Put { value, .. } => Some(value.clone()),
            ClientOp::Get { .. } => None,
        }
    }
    fn msg_kind(msg: &FloodMsg) -> &'static str {
        match msg {
            FloodMsg::Flood { .. } => "Flood",
            FloodMsg::Ack { .. } => "Ack",
            FloodMsg::Sync { .. } => "Sync",
        }
    }
    fn msg_is_reply(msg: &FloodMsg) -> bool {
        matches!(msg, FloodMsg::Ack { .. })
    }
    fn timer_name(_timer: &FloodTimer) -> &'static str {
        "anti-entropy"
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        let live: Vec<&Flood> = nodes.iter().flatten().collect();
        let Some(first) = live.first() else { return Err("no node is up".into()) };
        match live.iter().find(|n| n.known != first.known) {
            Some(n) => Err(format!("node {} knows {:?} but node {} knows {:?}", first.env.id, first.known, n.env.id, n.known)),
            None => Ok(()),
        }
    }
}

impl Present for Flood {
    fn role(&self) -> RoleView {
        if self.known.is_empty() {
            RoleView::new("idle", Tone::Neutral)
        } else {
            RoleView::new("informed", Tone::Settled)
        }
    }
    fn view(&self) -> NodeView {
        NodeView {
            fields: vec![
                ("known".into(), self.known.iter().cloned().collect::<Vec<_>>().join(", ")),
                ("acks received".into(), self.acks.to_string()),
            ],
            ..Default::default()
        }
    }
}

/// Checks that a node never forgets a value it knew, across restarts too (the durable
/// state contract). Known sets only grow, so a smaller set means something was forgotten.
#[derive(Clone, Debug, Default)]
pub struct FloodChecker {
    known: Vec<usize>,
}

impl Checker<Flood> for FloodChecker {
    fn new(_config: &FloodConfig, n: u32) -> Self {
        FloodChecker { known: vec![0; n as usize] }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![("Durable knowledge", "simulator contract: durable state survives a crash")]
    }
    fn check(&mut self, ctx: &CheckCtx<Flood>, violations: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes[id as usize].as_ref() else { return };
        let before = self.known[id as usize];
        if node.known.len() < before {
            violations.push(Violation {
                property: "Durable knowledge".into(),
                source: "simulator contract: durable state survives a crash".into(),
                event_index: ctx.event_index,
                time_us: ctx.now_us,
                explanation: format!("node {id} knew {before} values and now knows only {}", node.known.len()),
            });
        }
        self.known[id as usize] = node.known.len();
    }
}
