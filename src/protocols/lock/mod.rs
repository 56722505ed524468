//! A Chubby/ZooKeeper-style lock service on the project's own Raft: Chubby (Burrows,
//! "The Chubby lock service for loosely-coupled distributed systems", OSDI 2006), ZooKeeper
//! (Hunt et al., ATC 2010) and its lock recipe, and fencing tokens from Kleppmann's "How to
//! do distributed locking" (2016).
//!
//! The cluster is heterogeneous. Node ids: servers `0..S` (one Raft group replicating a
//! [`LockTree`]), clients `S..S+C` (running the lock recipe with their own lease), and the
//! storage the lock protects, the last id. One message enum covers all three.

pub mod client;
pub mod config;
pub mod invariants;
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

use crate::protocols::raft::{RaftDurable, RaftTimer, RaftWrite};
use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableState, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Tone, TimeUs};

#[derive(Clone, Debug)]
pub enum LockNode {
    Server(LockServer),
    Client(LockClient),
    Storage(Storage),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockTimer {
    /// A timer of the server's Raft.
    Raft(RaftTimer),
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

/// What survives a crash: a server's Raft state, a client's incarnation number (so its
/// request ids stay fresh), the storage's disk. A node's kind never changes, so its first
/// write sets the variant (the default is a server's empty Raft state).
#[derive(Clone, Debug, PartialEq)]
pub enum LockDurable {
    Server(RaftDurable<LockCommand>),
    Client { incarnation: u64 },
    Storage(StorageDisk),
}

impl Default for LockDurable {
    fn default() -> Self {
        LockDurable::Server(RaftDurable::default())
    }
}

/// One change to a lock-service node's durable state.
#[derive(Clone, Debug, PartialEq)]
pub enum LockWrite {
    /// A write of the server's Raft.
    Raft(RaftWrite<LockCommand>),
    /// The client's incarnation number.
    Incarnation(u64),
    /// A write the storage received (accepted or not).
    Storage(WriteRecord),
}

impl DurableState for LockDurable {
    type Write = LockWrite;
    fn apply(&mut self, write: LockWrite) {
        match (self, write) {
            (LockDurable::Server(d), LockWrite::Raft(w)) => d.apply(w),
            (LockDurable::Client { incarnation }, LockWrite::Incarnation(i)) => *incarnation = i,
            (LockDurable::Storage(d), LockWrite::Storage(r)) => d.apply(r),
            (me, w) => {
                *me = match &w {
                    LockWrite::Raft(_) => LockDurable::Server(RaftDurable::default()),
                    LockWrite::Incarnation(_) => LockDurable::Client { incarnation: 0 },
                    LockWrite::Storage(_) => LockDurable::Storage(StorageDisk::default()),
                };
                me.apply(w);
            }
        }
    }
}

impl LockNode {
    pub fn as_server(&self) -> Option<&LockServer> {
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

impl Protocol for LockNode {
    type Config = LockConfig;
    type Msg = LockMsg;
    type Timer = LockTimer;
    type Request = ();
    type Reply = ();
    type Durable = LockDurable;
    type Checker = invariants::LockChecker;
    const NAME: &'static str = "lock";

    fn new(env: NodeEnv, config: &LockConfig) -> Self {
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
    fn on_recover(&mut self, durable: LockDurable, out: &mut Out<Self>) {
        match (self, durable) {
            (LockNode::Server(s), LockDurable::Server(d)) => s.on_recover(d, out),
            (LockNode::Client(c), LockDurable::Client { incarnation }) => c.boot(incarnation, out),
            (LockNode::Storage(s), LockDurable::Storage(d)) => s.restore(d),
            (node, _) => node.on_start(out),
        }
    }
    fn on_message(&mut self, from: NodeId, msg: LockMsg, out: &mut Out<Self>) {
        match self {
            LockNode::Server(s) => s.on_message(from, msg, out),
            LockNode::Client(c) => c.on_message(from, msg, out),
            LockNode::Storage(s) => s.on_message(from, msg, out),
        }
    }
    fn on_timer(&mut self, timer: LockTimer, out: &mut Out<Self>) {
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
    fn msg_kind(msg: &LockMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &LockMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &LockTimer) -> &'static str {
        match timer {
            LockTimer::Raft(t) => LockServer::timer_name(t),
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

impl Present for LockNode {
    fn msg_summary(msg: &LockMsg) -> String {
        view::summary(msg)
    }
    fn role(&self) -> RoleView {
        match self {
            LockNode::Server(s) => s.raft.role(),
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
