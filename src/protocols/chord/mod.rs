//! Chord, the distributed hash table of Stoica et al., "Chord: A Scalable Peer-to-peer
//! Lookup Service for Internet Applications" (SIGCOMM 2001) §4-5: identifiers on a circle,
//! finger tables, find_successor, join, stabilize, notify, fix_fingers, successor lists and
//! keys at their successor; with the ring maintenance Zave corrected ("Reasoning about
//! identifier spaces: how to make Chord correct", IEEE TSE 2017), the original being a
//! teaching bug.

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod ring;
pub mod view;

#[cfg(test)]
mod assumption_tests;

pub use config::{ChordConfig, BUGS};
pub use invariants::ChordChecker;
pub use msg::ChordMsg;
pub use node::{Chord, ChordReply, ChordRequest, ChordTimer};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, ClientResult, NodeEnv, NodeId, NodeView, Out, Present, Protocol, Register, RoleView, TimeUs};

impl Protocol for Chord {
    type Config = ChordConfig;
    type Msg = ChordMsg;
    type Timer = ChordTimer;
    type Request = ChordRequest;
    type Reply = ChordReply;
    /// How many times the node has booted: its one durable record, so that a node that
    /// restarts knows to join rather than to start a ring.
    type Durable = Register<u32>;
    type Checker = ChordChecker;
    const NAME: &'static str = "chord";

    fn new(env: NodeEnv, config: &ChordConfig) -> Self {
        Chord::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.start(out);
    }
    fn on_recover(&mut self, durable: Register<u32>, out: &mut Out<Self>) {
        self.recover(durable.0, out);
    }
    fn on_message(&mut self, from: NodeId, msg: ChordMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: ChordTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: ChordRequest, out: &mut Out<Self>) {
        self.request(request_id, req, out);
    }
    /// "Time out now": stabilize at once.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.handle_timer(ChordTimer::Stabilize, out);
    }
    fn request_from_op(op: &ClientOp) -> Option<ChordRequest> {
        match op {
            ClientOp::Put { key, value } => Some(ChordRequest::Put { key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(ChordRequest::Get { key: key.clone() }),
            ClientOp::Propose { .. } => None,
        }
    }
    fn reply_result(reply: &ChordReply) -> ClientResult {
        match reply {
            ChordReply::Stored { .. } => ClientResult::Ok(None),
            ChordReply::Value { value, .. } => ClientResult::Ok(value.clone()),
            ChordReply::Failed { .. } => ClientResult::Fail,
        }
    }
    fn msg_kind(msg: &ChordMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &ChordMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &ChordTimer) -> &'static str {
        timer.name()
    }
    /// A node serves the ring once it has joined it.
    fn in_service(&self) -> bool {
        self.member
    }
    /// Its successor list: Zave's assumption keeps one of them alive.
    fn relies_on(&self) -> &[NodeId] {
        &self.successors
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Chord {
    const TERM_NAME: &'static str = "identifier";
    fn msg_summary(msg: &ChordMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
