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
pub mod lease;
pub mod msg;
pub mod node;
pub mod sync;
pub mod view;

pub use config::{ReadMode, ZabConfig, BUGS};
pub use invariants::ZabChecker;
pub use msg::{ServerState, Txn, Vote, ZabMsg, Zxid};
pub use node::{Phase, Role, Zab, ZabDurable, ZabReply, ZabRequest, ZabTimer, ZabWrite};

mod rsm;

use crate::sim::{ClientOp, ClientResult, FromClientOp, NodeEnv, NodeId, NodeView, Out, Outcome, Present, Protocol, RoleView, Session, StateMachine, TableView};

impl<S: StateMachine> Protocol for Zab<S> {
    type Config = ZabConfig;
    type Msg = ZabMsg<S::Command>;
    type Timer = ZabTimer;
    type Request = ZabRequest<S::Command>;
    type Reply = Outcome<S::Output>;
    type Durable = ZabDurable<S::Command>;
    type Checker = ZabChecker<S>;
    const NAME: &'static str = "zab";

    fn new(env: NodeEnv, config: &ZabConfig) -> Self {
        Zab::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        out.set_timer(ZabTimer::Tick, self.config.tick_us, self.config.tick_us);
        if !self.guard_at_boot(out.now()) {
            self.start_election(out);
        }
    }
    fn on_recover(&mut self, durable: ZabDurable<S::Command>, out: &mut Out<Self>) {
        self.recover(durable);
        self.on_start(out);
    }
    fn on_message(&mut self, from: NodeId, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        match msg {
            ZabMsg::Notification { .. } if self.boot_guard_until_us.is_some() => {}
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
    fn on_request(&mut self, request_id: u64, req: ZabRequest<S::Command>, out: &mut Out<Self>) {
        self.handle_client(request_id, req, out);
    }
    /// "Time out now": a follower gives up on its leader, a leader on its followers.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        match self.role {
            Role::Looking if self.boot_guard_until_us.is_some() => {}
            Role::Looking => self.on_notify_timeout(out),
            _ => self.go_looking("timed out from the page", out),
        }
    }
    fn request_from_op(op: &ClientOp) -> Option<ZabRequest<S::Command>> {
        S::Command::from_op(op).map(ZabRequest::new)
    }
    const CLIENT_SESSIONS: bool = S::SESSIONS;
    fn request_in_session(op: &ClientOp, session: Session) -> Option<ZabRequest<S::Command>> {
        S::Command::in_session(op, session).map(ZabRequest::new)
    }
    /// The zxid a client was answered at is what it has seen.
    fn reply_token(reply: &Outcome<S::Output>) -> Option<u64> {
        match reply {
            Outcome::Applied { index, .. } => Some(*index),
            _ => None,
        }
    }
    fn request_with_token(req: ZabRequest<S::Command>, token: u64) -> ZabRequest<S::Command> {
        ZabRequest { last_zxid_seen: Zxid::unpack(token), ..req }
    }
    /// A server that is not serving gives no hint the client follows: it tries the next.
    fn reply_result(reply: &Outcome<S::Output>) -> ClientResult {
        match reply {
            Outcome::Applied { output, .. } => S::client_result(output),
            Outcome::NotLeader { .. } => ClientResult::Redirect(None),
            Outcome::Unknown { .. } => ClientResult::Unknown,
        }
    }
    fn reply_summary(reply: &Outcome<S::Output>) -> String {
        node::reply_summary(reply)
    }
    fn msg_kind(msg: &ZabMsg<S::Command>) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &ZabMsg<S::Command>) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &ZabTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl<S: StateMachine> Present for Zab<S> {
    const TERM_NAME: &'static str = "epoch";
    fn msg_summary(msg: &ZabMsg<S::Command>) -> String {
        msg.summary(S::label)
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
