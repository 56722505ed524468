//! Zab, the atomic broadcast under ZooKeeper: Junqueira, Reed and Serafini, "Zab:
//! High-performance broadcast for primary-backup systems" (DSN 2011), run as ZooKeeper runs
//! it ("Zab 1.0": Fast Leader Election, FOLLOWERINFO/LEADERINFO/ACKEPOCH, DIFF/TRUNC/SNAP,
//! NEWLEADER/ACK/UPTODATE, PROPOSAL/ACK/COMMIT), each server labelled with the paper's phase
//! (election, discovery, synchronization, broadcast), over the key-value store, with the
//! properties of the paper (§III) and of ZooKeeper's TLA+ specifications checked live.

pub mod config;
pub mod election;
pub mod follower;
pub mod invariants;
pub mod leader;
pub mod msg;
pub mod node;
pub mod sync;
pub mod view;

pub use config::{ReadMode, ZabConfig, BUGS};
pub use invariants::ZabChecker;
pub use msg::{ServerState, Txn, Vote, ZabMsg, Zxid};
pub use node::{Phase, Role, Zab, ZabDurable, ZabReply, ZabTimer, ZabWrite};

use crate::protocols::raft::kv::{Kv, KvCommand};
use crate::sim::{ClientOp, ClientResult, FromClientOp, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, Session, StateMachine, TableView};

impl Protocol for Zab {
    type Config = ZabConfig;
    type Msg = ZabMsg;
    type Timer = ZabTimer;
    type Request = KvCommand;
    type Reply = ZabReply;
    type Durable = ZabDurable;
    type Checker = ZabChecker;
    const NAME: &'static str = "zab";

    fn new(env: NodeEnv, config: &ZabConfig) -> Self {
        Zab::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        out.set_timer(ZabTimer::Tick, self.config.tick_us, self.config.tick_us);
        self.start_election(out);
    }
    fn on_recover(&mut self, durable: ZabDurable, out: &mut Out<Self>) {
        self.recover(durable);
        self.on_start(out);
    }
    fn on_message(&mut self, from: NodeId, msg: ZabMsg, out: &mut Out<Self>) {
        match msg {
            ZabMsg::Notification { vote, election_epoch, state } => self.on_notification(from, vote, election_epoch, state, out),
            msg => match &self.role {
                Role::Leading(_) => self.leader_message(from, msg, out),
                Role::Following(f) if f.leader == from => {
                    if let ZabMsg::Stream { session, seq, msg } = msg {
                        self.follower_stream(session, seq, *msg, out);
                    }
                }
                _ => {}
            },
        }
    }
    fn on_timer(&mut self, timer: ZabTimer, out: &mut Out<Self>) {
        match timer {
            ZabTimer::Tick => self.on_tick(out),
            ZabTimer::Notify => self.on_notify_timeout(out),
            ZabTimer::Finalize => self.on_finalize(out),
            ZabTimer::Flush => self.on_flush(out),
        }
    }
    fn on_request(&mut self, request_id: u64, req: KvCommand, out: &mut Out<Self>) {
        self.handle_client(request_id, req, out);
    }
    /// "Time out now": a follower gives up on its leader, a leader on its followers.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        match self.role {
            Role::Looking => self.on_notify_timeout(out),
            _ => self.go_looking("timed out from the page", out),
        }
    }
    fn request_from_op(op: &ClientOp) -> Option<KvCommand> {
        KvCommand::from_op(op)
    }
    const CLIENT_SESSIONS: bool = true;
    fn request_in_session(op: &ClientOp, session: Session) -> Option<KvCommand> {
        KvCommand::in_session(op, session)
    }
    fn reply_result(reply: &ZabReply) -> ClientResult {
        match reply {
            ZabReply::Done { output, .. } => Kv::client_result(output),
            ZabReply::NotReady { .. } => ClientResult::Redirect(None),
            ZabReply::Unknown => ClientResult::Unknown,
        }
    }
    fn msg_kind(msg: &ZabMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &ZabMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &ZabTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Zab {
    const TERM_NAME: &'static str = "epoch";
    fn msg_summary(msg: &ZabMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn cluster_table(nodes: &[Option<Self>]) -> TableView {
        view::cluster_table(nodes)
    }
}
