//! Paxos as in Lamport's "Paxos Made Simple" (2001): single-decree (Basic) Paxos with
//! proposers, acceptors and learners, and Multi-Paxos with a distinguished leader (§3),
//! with live agreement checks and planted teaching bugs.

pub mod acceptor;
pub mod config;
pub mod invariants;
mod learner;
pub mod kv;
pub mod msg;
pub mod node;
mod proposer;
mod requests;
pub mod view;

pub use config::{Mode, PaxosConfig};
pub use msg::{Ballot, Command, Op, Origin, PaxosMsg, Value};
pub use kv::{SessionEntry, Sessions};
pub use node::{Paxos, PaxosDurable, PaxosReply, PaxosTimer, PaxosWrite, Phase, Uncertain};
pub use view::headline_ballot;

use crate::sim::view::NodeView;
use crate::sim::{ClientOp, ClientResult, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Session};

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
    /// Version 2: Multi-Paxos keeps a session table, so a retry with the same session is
    /// applied once (Ongaro's thesis §6.3).
    const CLIENT_SESSIONS: bool = true;
    /// A command carrying its session: Put, Get (through the log) and Propose (in
    /// Multi-Paxos a put of key "x"). Single-decree Paxos proposes a Propose or a Put as
    /// its one value and refuses a Get.
    fn request_in_session(op: &ClientOp, session: Session) -> Option<Value> {
        let op = match op {
            ClientOp::Propose { value } => Op::Propose { value: value.clone() },
            ClientOp::Put { key, value } => Op::Put { key: key.clone(), value: value.clone() },
            ClientOp::Get { key } => Op::Get { key: key.clone() },
        };
        Some(Value::Op(Command { origin: Origin::Session { client: session.client, serial: session.serial }, op }))
    }
    fn reply_result(reply: &PaxosReply) -> ClientResult {
        match reply {
            PaxosReply::Applied { output, .. } => ClientResult::Ok(output.clone()),
            PaxosReply::Decided { yours: true, .. } => ClientResult::Ok(None),
            // Another value is chosen: this one never can be.
            PaxosReply::Decided { yours: false, .. } | PaxosReply::Refused { .. } => ClientResult::Fail,
            PaxosReply::NotLeader { hint } => ClientResult::Redirect(*hint),
            // Version 1's replies say nothing certain about the request's own command.
            PaxosReply::Unknown { .. } | PaxosReply::Chosen { .. } | PaxosReply::Lost { .. } => ClientResult::Unknown,
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
    fn cluster_table(nodes: &[Option<Self>]) -> crate::sim::TableView {
        view::cluster_table(nodes)
    }
}
