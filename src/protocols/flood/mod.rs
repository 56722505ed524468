//! Flood: a small broadcast protocol used to exercise the simulator (not from a paper).
//! A value proposed at any node is flooded to every peer once; each receiver acks and
//! floods what it had not seen; a periodic anti-entropy `Sync` to the next peer in turn
//! repairs what loss and partitions dropped. Known values are durable.

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod view;

pub use config::{FloodConfig, BUGS};
pub use invariants::FloodChecker;
pub use msg::FloodMsg;
pub use node::{Flood, FloodTimer};

use crate::sim::view::NodeView;
use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, RoleView};
use crate::sim::sorted::SortedSet;

impl Protocol for Flood {
    type Config = FloodConfig;
    type Msg = FloodMsg;
    type Timer = FloodTimer;
    type Request = String;
    type Reply = String;
    type Durable = SortedSet<String>;
    type Checker = FloodChecker;
    const NAME: &'static str = "flood";

    fn new(env: NodeEnv, config: &FloodConfig) -> Self {
        Flood::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.arm(out);
    }
    fn on_recover(&mut self, durable: SortedSet<String>, out: &mut Out<Self>) {
        self.recover(durable);
        self.arm(out);
    }
    fn on_message(&mut self, from: NodeId, msg: FloodMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, _timer: FloodTimer, out: &mut Out<Self>) {
        self.handle_timer(out);
    }
    fn on_request(&mut self, request_id: u64, value: String, out: &mut Out<Self>) {
        self.handle_request(request_id, value, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.handle_timer(out);
    }
    fn request_from_op(op: &ClientOp) -> Option<String> {
        match op {
            ClientOp::Propose { value } | ClientOp::Put { value, .. } => Some(value.clone()),
            ClientOp::Get { .. } => None,
        }
    }
    fn msg_kind(msg: &FloodMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &FloodMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(_timer: &FloodTimer) -> &'static str {
        "anti-entropy"
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Flood {
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
}
