//! Raft, faithful to "In Search of an Understandable Consensus Algorithm" (Ongaro and
//! Ousterhout, 2014): Figure 2 and sections 5-6, with PreVote and CheckQuorum from Ongaro's
//! thesis §9.6, the five safety properties of Figure 3 checked live, and teaching bugs.
//! It is also the simulator's replicated log (`rsm.rs`), which the lock service runs on.

pub mod config;
mod election;
pub mod invariants;
pub mod kv;
mod log;
pub mod read;
pub mod msg;
pub mod node;
mod rsm;
pub mod view;

pub use config::{RaftConfig, ReadMode};
pub use msg::{Entry, RaftMsg};
pub use node::{Raft, RaftDurable, RaftReply, RaftTimer, RaftWrite, Role};
pub use kv::{Kv, KvCommand, KvOutput};
pub use crate::sim::{FromClientOp, StateMachine};

use crate::sim::view::NodeView;
use crate::sim::{ClientOp, ClientResult, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Session};

/// Raft over the key-value store: what the page and the sweeps run.
pub type RaftKv = Raft<Kv>;

impl<S: StateMachine> Protocol for Raft<S> {
    type Config = RaftConfig;
    type Msg = RaftMsg<S::Command>;
    type Timer = RaftTimer;
    type Request = S::Command;
    type Reply = RaftReply<S::Output>;
    type Durable = RaftDurable<S::Command>;
    type Checker = invariants::RaftChecker<S>;
    const NAME: &'static str = "raft";

    fn new(env: NodeEnv, config: &RaftConfig) -> Self {
        Raft::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.write_initial_state(out);
        self.guard_leases_at_boot(out);
        self.reset_election_timer(out);
    }
    fn on_recover(&mut self, durable: Self::Durable, out: &mut Out<Self>) {
        self.recover(durable);
        self.guard_leases_at_boot(out);
        self.reset_election_timer(out);
    }
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: RaftTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: S::Command, out: &mut Out<Self>) {
        self.handle_client(request_id, req, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        if self.role != Role::Leader {
            self.campaign(out);
        }
    }
    fn request_from_op(op: &ClientOp) -> Option<S::Command> {
        S::Command::from_op(op)
    }
    const CLIENT_SESSIONS: bool = S::SESSIONS;
    fn request_in_session(op: &ClientOp, session: Session) -> Option<S::Command> {
        S::Command::in_session(op, session)
    }
    fn reply_redirect(reply: &Self::Reply) -> Option<NodeId> {
        match reply {
            RaftReply::NotLeader { hint } | RaftReply::Unknown { hint } => *hint,
            RaftReply::Applied { .. } => None,
        }
    }
    fn reply_result(reply: &Self::Reply) -> ClientResult {
        match reply {
            RaftReply::Applied { output, .. } => S::client_result(output),
            RaftReply::NotLeader { hint } => ClientResult::Redirect(*hint),
            RaftReply::Unknown { .. } => ClientResult::Unknown,
        }
    }
    fn msg_kind(msg: &Self::Msg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &Self::Msg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &RaftTimer) -> &'static str {
        match timer {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
            RaftTimer::CheckQuorum => "check quorum",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl<S: StateMachine> Present for Raft<S> {
    fn msg_summary(msg: &Self::Msg) -> String {
        view::summary::<S>(msg)
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
    fn log_marks(nodes: &[Option<Self>]) -> Vec<crate::sim::LogMark> {
        view::log_marks(nodes)
    }
}
