//! Epidemic dissemination: rumor mongering and anti-entropy from Demers et al.,
//! "Epidemic Algorithms for Replicated Database Maintenance" (PODC 1987), §1.3-1.4. Built to
//! run at 1,000+ nodes: per-node state is sparse and per-event work is O(fanout). SWIM, the
//! other epidemic protocol, has its own folder and is built with this family.

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod overlay;
pub mod view;

pub use config::{GossipConfig, Mode};
pub use msg::{Digest, GossipMsg, Rumor, Stamp, Update};
pub use node::{Entry, Gossip, GossipDurable, GossipTimer};

use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, RoleView, TimeUs};
use crate::sim::sorted::SortedMap;

impl Protocol for Gossip {
    type Config = GossipConfig;
    type Msg = GossipMsg;
    type Timer = GossipTimer;
    type Request = Update;
    type Reply = String;
    type Durable = GossipDurable;
    type Checker = invariants::GossipChecker;
    const NAME: &'static str = "gossip";

    fn new(env: NodeEnv, config: &GossipConfig) -> Self {
        Gossip { env, config: config.clone(), db: SortedMap::new(), rounds: 0, sent_per_round: Vec::new() }
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.arm_round(true, out);
        self.arm_anti_entropy(out);
    }
    fn on_recover(&mut self, durable: GossipDurable, out: &mut Out<Self>) {
        self.db = durable
            .into_iter()
            .map(|(k, (value, stamp, learned_us))| (k, Entry { value, stamp, learned_us, hot: false, unnecessary: 0 }))
            .collect();
        self.on_start(out);
    }
    fn on_message(&mut self, from: NodeId, msg: GossipMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: GossipTimer, out: &mut Out<Self>) {
        match timer {
            GossipTimer::Round => self.handle_round(out),
            GossipTimer::AntiEntropy => self.handle_anti_entropy(out),
        }
    }
    fn on_request(&mut self, request_id: u64, req: Update, out: &mut Out<Self>) {
        self.handle_request(request_id, req, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.handle_anti_entropy(out);
    }
    fn request_from_op(op: &ClientOp) -> Option<Update> {
        match op {
            ClientOp::Put { key, value } => Some(Update { key: key.clone(), value: value.clone() }),
            ClientOp::Propose { value } => Some(Update { key: value.clone(), value: value.clone() }),
            ClientOp::Get { .. } => None,
        }
    }
    fn msg_kind(msg: &GossipMsg) -> &'static str {
        match msg {
            GossipMsg::Push { .. } => "Push",
            GossipMsg::Pull { .. } => "Pull",
            GossipMsg::PushPull { .. } => "PushPull",
            GossipMsg::Reply { rumors, .. } if rumors.is_empty() => "Feedback",
            GossipMsg::Reply { .. } => "Reply",
            GossipMsg::SyncRequest { .. } => "AntiEntropy",
            GossipMsg::SyncReply { .. } => "AntiEntropyReply",
        }
    }
    fn msg_is_reply(msg: &GossipMsg) -> bool {
        matches!(msg, GossipMsg::Reply { .. } | GossipMsg::SyncReply { .. })
    }
    fn timer_name(timer: &GossipTimer) -> &'static str {
        match timer {
            GossipTimer::Round => "gossip round",
            GossipTimer::AntiEntropy => "anti-entropy",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Gossip {
    fn msg_summary(msg: &GossipMsg) -> String {
        view::summary(msg)
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> crate::sim::NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> crate::sim::Overlay {
        overlay::overlay(nodes, now_us)
    }
}
