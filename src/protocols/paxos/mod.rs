//! Paxos as in Lamport's "Paxos Made Simple" (2001): single-decree (Basic) Paxos with
//! proposers, acceptors and learners, and Multi-Paxos with a distinguished leader (§3),
//! with live agreement checks and planted teaching bugs.

pub mod acceptor;
pub mod config;
pub mod invariants;
pub mod kv;
pub mod msg;
pub mod node;
pub mod view;

pub use config::{Mode, PaxosConfig};
pub use msg::{Ballot, Command, Op, Origin, PaxosMsg, Value};
pub use node::{Paxos, PaxosDurable, PaxosReply, PaxosTimer, PaxosWrite, Phase, Uncertain};
pub use view::headline_ballot;

use crate::sim::view::NodeView;
use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, RoleView};

impl Protocol for Paxos {
    type Config = PaxosConfig;
    type Msg = PaxosMsg;
    type Timer = PaxosTimer;
    type Request = Value;
    type Reply = PaxosReply;
    type Durable = PaxosDurable;
    type Checker = invariants::PaxosChecker;
    const NAME: &'static str = "paxos";

    fn new(env: NodeEnv, config: &PaxosConfig) -> Self {
        Paxos::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.arm_leader_timeout(out);
    }
    fn on_recover(&mut self, durable: PaxosDurable, out: &mut Out<Self>) {
        self.recover(durable, out);
        self.arm_leader_timeout(out);
    }
    fn on_message(&mut self, from: NodeId, msg: PaxosMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: PaxosTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: Value, out: &mut Out<Self>) {
        self.handle_request(request_id, req, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.start_prepare(out);
    }
    fn request_from_op(op: &ClientOp) -> Option<Value> {
        match op {
            ClientOp::Propose { value } => Some(Value::Cmd(value.clone())),
            ClientOp::Put { key, value } => Some(Value::Cmd(format!("{key}={value}"))),
            ClientOp::Get { .. } => None,
        }
    }
    fn reply_redirect(reply: &PaxosReply) -> Option<NodeId> {
        match reply {
            PaxosReply::NotLeader { hint } => *hint,
            _ => None,
        }
    }
    fn msg_kind(msg: &PaxosMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &PaxosMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &PaxosTimer) -> &'static str {
        match timer {
            PaxosTimer::Retry => "retry",
            PaxosTimer::LeaderTimeout => "leader timeout",
            PaxosTimer::Heartbeat => "heartbeat",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Paxos {
    const TERM_NAME: &'static str = "ballot";

    fn msg_summary(msg: &PaxosMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
}
