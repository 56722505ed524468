//! A primary/backup key-value service whose failover is decided by the project's lock
//! service (MIT 6.824's primary/backup lab: one primary per view, forwarding to its backups;
//! the Apache HBase reference guide on region failover: the server's ZooKeeper session
//! expires, its write-ahead log is fenced, split and replayed before the region reopens).
//!
//! Node ids: coordinators `0..coords` (the lock service's servers on Raft), replicas
//! `coords..n-1` (each the lock service's client: the replica holding the lock is the
//! primary, its lock node's creation zxid, the fencing token, its epoch), and the storage
//! holding the write-ahead log, the last id. The composite runs the lock service's own
//! server and client code with their own `Out`, its effects mapped into ours (DESIGN.md,
//! "Protocols on protocols"). Fencing by epoch happens twice: the storage seals older log
//! files when a new primary fences them, and a backup refuses an older epoch's forwards.

pub mod config;
pub mod coord;
pub mod data;
pub mod invariants;
pub mod msg;
pub mod replica;
pub mod storage;
mod view;

pub use config::PbConfig;
pub use data::{Rec, Store};
pub use msg::PbMsg;
pub use replica::{Replica, Role};
pub use storage::{Storage, WalDisk, WalWrite};

use crate::protocols::lock::{LockDurable, LockNode, LockTimer, LockWrite};
use crate::sim::view::Overlay;
use crate::sim::{ClientOp, ClientResult, DurableState, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Session, TimeUs};

#[derive(Clone, Debug)]
pub enum PbNode {
    Coord(LockNode),
    Replica(Box<Replica>),
    Storage(Storage),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbTimer {
    /// A timer of the lock service (a coordinator's Raft and session check, a replica's
    /// keep-alive, retry and lease).
    Lock(LockTimer),
    /// The primary sends again what is unanswered (fence, append, forwards).
    Resend,
}

/// A client's call: a write carries its session (client id and serial number) so a retry
/// is applied once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbRequest {
    Put { client: u64, serial: u64, key: String, value: String },
    Get { key: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbReply {
    /// Done; a read's value.
    Ok(Option<String>),
    /// Not the serving primary: try the one named, or another.
    Redirect(Option<NodeId>),
}

/// What survives a crash: a coordinator's log state, a replica's lock-client incarnation,
/// the storage's log files. A replica keeps no data on disk: a new primary replays the log.
#[derive(Clone, Debug, PartialEq)]
pub enum PbDurable {
    Lock(LockDurable),
    Wal(WalDisk),
}

impl Default for PbDurable {
    fn default() -> Self {
        PbDurable::Lock(LockDurable::default())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PbWrite {
    Lock(LockWrite),
    Wal(WalWrite),
}

impl DurableState for PbDurable {
    type Write = PbWrite;
    fn apply(&mut self, write: PbWrite) {
        match (self, write) {
            (PbDurable::Lock(d), PbWrite::Lock(w)) => d.apply(w),
            (PbDurable::Wal(d), PbWrite::Wal(w)) => d.apply(w),
            (me, PbWrite::Wal(w)) => {
                let mut d = WalDisk::default();
                d.apply(w);
                *me = PbDurable::Wal(d);
            }
            (me, PbWrite::Lock(w)) => {
                let mut d = LockDurable::default();
                d.apply(w);
                *me = PbDurable::Lock(d);
            }
        }
    }
}

impl PbNode {
    pub fn as_replica(&self) -> Option<&Replica> {
        match self {
            PbNode::Replica(r) => Some(r),
            _ => None,
        }
    }
    pub fn as_storage(&self) -> Option<&Storage> {
        match self {
            PbNode::Storage(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_coord(&self) -> Option<&LockNode> {
        match self {
            PbNode::Coord(c) => Some(c),
            _ => None,
        }
    }
}

impl Protocol for PbNode {
    type Config = PbConfig;
    type Msg = PbMsg;
    type Timer = PbTimer;
    type Request = PbRequest;
    type Reply = PbReply;
    type Durable = PbDurable;
    type Checker = invariants::PbChecker;
    const NAME: &'static str = "primary-backup";
    const CLIENT_SESSIONS: bool = true;

    fn new(env: NodeEnv, config: &PbConfig) -> Self {
        if env.id < config.coords {
            let lock = config.lock_config(env.n);
            PbNode::Coord(LockNode::new(NodeEnv { id: env.id, n: env.n }, &lock))
        } else if env.id < config.storage_id(env.n) {
            PbNode::Replica(Box::new(Replica::new(env.id, env.n, config)))
        } else {
            PbNode::Storage(Storage::new(config.bug("no_fencing"), config.bug("ack_before_sync")))
        }
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        match self {
            PbNode::Coord(c) => coord::run(c, out, |c, lout| c.on_start(lout)),
            PbNode::Replica(r) => r.boot(0, out),
            PbNode::Storage(_) => {}
        }
    }
    fn on_recover(&mut self, durable: PbDurable, out: &mut Out<Self>) {
        match (self, durable) {
            (PbNode::Coord(c), PbDurable::Lock(d)) => coord::recover(c, d, out),
            (PbNode::Replica(r), PbDurable::Lock(LockDurable::Client { incarnation })) => r.boot(incarnation, out),
            (PbNode::Storage(s), PbDurable::Wal(d)) => s.restore(d),
            (node, _) => node.on_start(out),
        }
    }
    fn on_message(&mut self, from: NodeId, msg: PbMsg, out: &mut Out<Self>) {
        match (self, msg) {
            (PbNode::Coord(c), PbMsg::Lock(m)) => coord::run(c, out, |c, lout| c.on_message(from, m, lout)),
            (PbNode::Coord(_), _) => {}
            (PbNode::Replica(r), m) => r.on_message(from, m, out),
            (PbNode::Storage(s), m) => s.on_message(from, m, out),
        }
    }
    fn on_timer(&mut self, timer: PbTimer, out: &mut Out<Self>) {
        match (self, timer) {
            (PbNode::Coord(c), PbTimer::Lock(t)) => coord::run(c, out, |c, lout| c.on_timer(t, lout)),
            (PbNode::Replica(r), t) => r.on_timer(t, out),
            _ => {}
        }
    }
    fn on_request(&mut self, request_id: u64, req: PbRequest, out: &mut Out<Self>) {
        match self {
            PbNode::Replica(r) => r.on_request(request_id, req, out),
            _ => out.reply(request_id, PbReply::Redirect(None)),
        }
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        if let PbNode::Coord(c) = self {
            coord::run(c, out, |c, lout| c.on_timeout_now(lout));
        }
    }
    fn request_from_op(op: &ClientOp) -> Option<PbRequest> {
        Self::request_in_session(op, Session { client: 0, serial: 0 })
    }
    fn request_in_session(op: &ClientOp, session: Session) -> Option<PbRequest> {
        match op {
            ClientOp::Put { key, value } => Some(PbRequest::Put { client: session.client, serial: session.serial, key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(PbRequest::Get { key: key.clone() }),
            ClientOp::Propose { .. } => None,
        }
    }
    fn reply_result(reply: &PbReply) -> ClientResult {
        match reply {
            PbReply::Ok(v) => ClientResult::Ok(v.clone()),
            PbReply::Redirect(h) => ClientResult::Redirect(*h),
        }
    }
    fn reply_redirect(reply: &PbReply) -> Option<NodeId> {
        match reply {
            PbReply::Redirect(h) => *h,
            PbReply::Ok(_) => None,
        }
    }
    fn msg_kind(msg: &PbMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &PbMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &PbTimer) -> &'static str {
        match timer {
            PbTimer::Lock(t) => <LockNode as Protocol>::timer_name(t),
            PbTimer::Resend => "resend",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness::check(nodes)
    }
}

impl Present for PbNode {
    /// The epoch: a replica's (the fencing token of the primary it follows or is), a
    /// coordinator's Raft term.
    const TERM_NAME: &'static str = "epoch";
    fn msg_summary(msg: &PbMsg) -> String {
        view::summary(msg)
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> crate::sim::NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
