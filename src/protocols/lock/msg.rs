//! The lock service's messages: the log's messages between servers (wrapped), client
//! requests and their answers (ZooKeeper §2.2), keep-alives (Chubby §2.8 `KeepAlive`),
//! watch notifications (ZooKeeper §2.1), and fenced writes to the storage (Kleppmann 2016).

use super::tree::{LockOutput, SessionId, TreeOp, WatchEvent};
use super::ServerLog;
use crate::sim::{NodeId, Protocol};

/// The two writes of a critical section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WriteOp {
    Begin,
    End,
}

impl WriteOp {
    pub fn name(self) -> &'static str {
        match self {
            WriteOp::Begin => "begin",
            WriteOp::End => "end",
        }
    }
}

/// What a keep-alive learns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KeepAliveStatus {
    /// The session lives; `watches` are the paths it watches in the leader's tree, so a
    /// client can tell that a notification was lost (as ZooKeeper's `SetWatches`).
    Alive { watches: Vec<String> },
    Expired,
    NotLeader { hint: Option<NodeId> },
}

/// `M`: the messages of the servers' replicated log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockMsg<M = <ServerLog as Protocol>::Msg> {
    /// Between lock servers: a message of their log.
    Log(M),
    /// Client → server.
    Request { req: u64, op: TreeOp },
    /// Server → client: the applied result.
    Response { req: u64, output: LockOutput },
    /// Server → client: ask another server.
    NotLeader { req: u64, hint: Option<NodeId> },
    /// Client → server; `sent_at_us` is the client's clock, echoed back so the client
    /// counts its lease from the send (Chubby's conservative lease).
    KeepAlive { session: SessionId, sent_at_us: u64 },
    KeepAliveAck { session: SessionId, sent_at_us: u64, status: KeepAliveStatus },
    /// A one-shot watch fired (leader → client).
    Notify { session: SessionId, path: String, event: WatchEvent },
    /// Client → storage, carrying the fencing token.
    Write { token: u64, seq: u64, op: WriteOp },
    WriteAck { token: u64, seq: u64, accepted: bool },
}

impl<M> LockMsg<M> {
    /// The message's name; a log message is named by its log `R`.
    pub fn kind<R: Protocol<Msg = M>>(&self) -> &'static str {
        match self {
            LockMsg::Log(m) => R::msg_kind(m),
            LockMsg::Request { .. } => "Request",
            LockMsg::Response { .. } => "Response",
            LockMsg::NotLeader { .. } => "NotLeader",
            LockMsg::KeepAlive { .. } => "KeepAlive",
            LockMsg::KeepAliveAck { .. } => "KeepAliveAck",
            LockMsg::Notify { .. } => "Notify",
            LockMsg::Write { .. } => "Write",
            LockMsg::WriteAck { .. } => "WriteAck",
        }
    }

    pub fn is_reply<R: Protocol<Msg = M>>(&self) -> bool {
        match self {
            LockMsg::Log(m) => R::msg_is_reply(m),
            LockMsg::Response { .. } | LockMsg::NotLeader { .. } | LockMsg::KeepAliveAck { .. } | LockMsg::WriteAck { .. } => true,
            LockMsg::Request { .. } | LockMsg::KeepAlive { .. } | LockMsg::Notify { .. } | LockMsg::Write { .. } => false,
        }
    }
}
