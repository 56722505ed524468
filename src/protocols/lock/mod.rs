//! A Chubby/ZooKeeper-style lock service on a replicated log: Chubby (Burrows, "The Chubby
//! lock service for loosely-coupled distributed systems", OSDI 2006), ZooKeeper (Hunt et
//! al., ATC 2010) and its lock recipe, and fencing tokens from Kleppmann's "How to do
//! distributed locking" (2016).
//!
//! The cluster is heterogeneous. Node ids: servers `0..S` (one replicated-log group
//! replicating a [`LockTree`]), clients `S..S+C` (running the lock recipe with their own
//! lease), and the storage the lock protects, the last id. One message enum covers all
//! three. The servers reach their log only through the simulator's [`ReplicatedLog`]; which
//! log they run is chosen once, by [`ServerLog`]: the project's Raft. Why the clients'
//! leases give mutual exclusion (version 3: a margin for clock drift, jeopardy, the
//! servers' leader lease and fail-over grace) is argued in [`lease`].

pub mod client;
pub mod config;
pub mod invariants;
pub mod lease;
pub mod msg;
pub mod server;
pub mod storage;
pub mod tree;
mod view;

pub use client::{LockClient, Pending, Phase};
pub use config::LockConfig;
pub use msg::{KeepAliveStatus, LockMsg, WriteOp};
pub use server::LockServer;
pub use storage::{Storage, StorageDisk, WriteRecord};
pub use tree::{LockCommand, LockOutput, LockTree, SessionId, TreeError, TreeOp};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableState, NodeEnv, NodeId, Out, Present, Protocol, ReplicatedLog, RoleView, Tone, TimeUs, WriteOf};

/// The composition point, the one place the lock service names the logs it runs on: the
/// project's Raft, replicating the lock tree (the default)...
pub type ServerLog = crate::protocols::raft::Raft<LockTree>;
/// ...or Zab, as ZooKeeper runs its data tree on Zab (a configuration that names `zab`
/// instead of `raft`; the registry row reads which).
pub type ZabServerLog = crate::protocols::zab::Zab<LockTree>;

/// A replicated log of the lock tree's commands: what a lock server can run on.
pub trait LockLog: ReplicatedLog<LockTree> {}
impl<R: ReplicatedLog<LockTree>> LockLog for R {}

#[derive(Clone, Debug)]
pub enum LockNode<R = ServerLog> {
    Server(LockServer<R>),
    Client(LockClient),
    Storage(Storage),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockTimer<T = <ServerLog as Protocol>::Timer> {
    /// A timer of the server's log.
    Log(T),
    /// Leader: look for sessions whose timeout passed.
    SessionCheck,
    /// Client timers.
    KeepAlive,
    Retry,
    Lease,
    Write,
    Work,
    Rest,
}

/// What survives a crash: a server's log state, a client's incarnation number (so its
/// request ids stay fresh), the storage's disk. A node's kind never changes, so its first
/// write sets the variant (the default is a server's empty log state).
#[derive(Clone, Debug, PartialEq)]
pub enum LockDurable<D = <ServerLog as Protocol>::Durable> {
    Server(D),
    Client { incarnation: u64 },
    Storage(StorageDisk),
}

impl<D: Default> Default for LockDurable<D> {
    fn default() -> Self {
        LockDurable::Server(D::default())
    }
}

/// One change to a lock-service node's durable state.
#[derive(Clone, Debug, PartialEq)]
pub enum LockWrite<W = WriteOf<ServerLog>> {
    /// A write of the server's log.
    Log(W),
    /// The client's incarnation number.
    Incarnation(u64),
    /// A write the storage received (accepted or not).
    Storage(WriteRecord),
}

impl<D: DurableState> DurableState for LockDurable<D> {
    type Write = LockWrite<D::Write>;
    fn apply(&mut self, write: LockWrite<D::Write>) {
        match (self, write) {
            (LockDurable::Server(d), LockWrite::Log(w)) => d.apply(w),
            (LockDurable::Client { incarnation }, LockWrite::Incarnation(i)) => *incarnation = i,
            (LockDurable::Storage(d), LockWrite::Storage(r)) => d.apply(r),
            (me, w) => {
                *me = match &w {
                    LockWrite::Log(_) => LockDurable::Server(D::default()),
                    LockWrite::Incarnation(_) => LockDurable::Client { incarnation: 0 },
                    LockWrite::Storage(_) => LockDurable::Storage(StorageDisk::default()),
                };
                me.apply(w);
            }
        }
    }
}


impl<R> LockNode<R> {
    pub fn as_server(&self) -> Option<&LockServer<R>> {
        match self {
            LockNode::Server(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_client(&self) -> Option<&LockClient> {
        match self {
            LockNode::Client(c) => Some(c),
            _ => None,
        }
    }
    pub fn as_storage(&self) -> Option<&Storage> {
        match self {
            LockNode::Storage(s) => Some(s),
            _ => None,
        }
    }
    /// The (servers, clients) layout, as every node knows it.
    pub fn layout(&self) -> (u32, u32) {
        match self {
            LockNode::Server(s) => (s.servers, s.clients),
            LockNode::Client(c) => (c.servers(), c.clients()),
            LockNode::Storage(s) => (s.servers, s.clients),
        }
    }
}

impl<R: LockLog> Protocol for LockNode<R> {
    type Config = LockConfig<R::Config>;
    type Msg = LockMsg<R::Msg>;
    type Timer = LockTimer<R::Timer>;
    type Request = ();
    type Reply = ();
    type Durable = LockDurable<R::Durable>;
    type Checker = invariants::LockChecker<R>;
    const NAME: &'static str = "lock";

    fn new(env: NodeEnv, config: &Self::Config) -> Self {
        if env.id < config.servers {
            LockNode::Server(LockServer::new(env.id, config))
        } else if env.id < config.storage_id() {
            LockNode::Client(LockClient::new(env.id, config))
        } else {
            LockNode::Storage(Storage::new(config))
        }
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        match self {
            LockNode::Server(s) => s.on_start(out),
            LockNode::Client(c) => c.boot(0, out),
            LockNode::Storage(_) => {}
        }
    }
    fn on_recover(&mut self, durable: Self::Durable, out: &mut Out<Self>) {
        match (self, durable) {
            (LockNode::Server(s), LockDurable::Server(d)) => s.on_recover(d, out),
            (LockNode::Client(c), LockDurable::Client { incarnation }) => c.boot(incarnation, out),
            (LockNode::Storage(s), LockDurable::Storage(d)) => s.restore(d),
            (node, _) => node.on_start(out),
        }
    }
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, out: &mut Out<Self>) {
        match self {
            LockNode::Server(s) => s.on_message(from, msg, out),
            LockNode::Client(c) => c.on_message(from, msg, out),
            LockNode::Storage(s) => s.on_message(from, msg, out),
        }
    }
    fn on_timer(&mut self, timer: Self::Timer, out: &mut Out<Self>) {
        match self {
            LockNode::Server(s) => s.on_timer(timer, out),
            LockNode::Client(c) => c.on_timer(timer, out),
            LockNode::Storage(_) => {}
        }
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        if let LockNode::Server(s) = self {
            s.on_timeout_now(out);
        }
    }
    /// Lock clients are nodes that run the recipe on their own.
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &Self::Msg) -> &'static str {
        msg.kind::<R>()
    }
    fn msg_is_reply(msg: &Self::Msg) -> bool {
        msg.is_reply::<R>()
    }
    fn timer_name(timer: &Self::Timer) -> &'static str {
        match timer {
            LockTimer::Log(t) => R::timer_name(t),
            LockTimer::SessionCheck => "session check",
            LockTimer::KeepAlive => "keep-alive",
            LockTimer::Retry => "retry",
            LockTimer::Lease => "lease",
            LockTimer::Write => "write",
            LockTimer::Work => "work",
            LockTimer::Rest => "rest",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl<R: LockLog> Present for LockNode<R> {
    /// The servers' log's word for its term (Raft's term, Zab's epoch).
    const TERM_NAME: &'static str = R::TERM_NAME;
    fn msg_summary(msg: &Self::Msg) -> String {
        view::summary::<R>(msg)
    }
    fn role(&self) -> RoleView {
        match self {
            LockNode::Server(s) => s.log.role(),
            LockNode::Client(c) => view::client_role(c),
            LockNode::Storage(_) => RoleView::new("storage", Tone::Storage),
        }
    }
    fn view(&self) -> crate::sim::NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
