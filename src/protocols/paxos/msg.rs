//! Paxos messages and ballots, named as in Lamport's "Paxos Made Simple" (Prepare, Promise,
//! Accept, Accepted) plus the Nack that tells a proposer to retry higher, and Multi-Paxos's
//! leader Heartbeat and the Decide that lets a lagging learner catch up.

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};

/// A proposal number: unique per proposer because the proposer's id breaks ties
/// ("Paxos Made Simple" §2.2: each proposer picks numbers from a disjoint set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ballot {
    pub round: u64,
    pub node: NodeId,
}

impl Ballot {
    pub const ZERO: Ballot = Ballot { round: 0, node: 0 };
    pub fn is_zero(&self) -> bool {
        self.round == 0
    }
}

impl std::fmt::Display for Ballot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            write!(f, "⊥")
        } else {
            write!(f, "{}.{}", self.round, self.node)
        }
    }
}

/// A value in one slot of the log: a client command, or the no-op a new leader writes
/// into a gap.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Value {
    Noop,
    /// Version 1's client value: a plain string (`key=value` for a put).
    Cmd(String),
    /// Version 2: a client command that says which request it is, so that two clients
    /// proposing the same string are told apart and a retry is applied once.
    Op(Command),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Noop => write!(f, "no-op"),
            Value::Cmd(c) => write!(f, "{c}"),
            Value::Op(c) => write!(f, "{c}"),
        }
    }
}

/// The key a proposed value is written to in Multi-Paxos (a `Propose` is a put of it).
pub const PROPOSE_KEY: &str = "x";

/// Where a version-2 command comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// A client session (Ongaro's thesis §6.3): its id and the request's serial number. A
    /// retry carries the same pair.
    Session { client: u64, serial: u64 },
    /// A request without a session: the node it reached and its request id there. Never
    /// retried, so never deduplicated.
    Request { node: NodeId, request: u64 },
}

/// A version-2 state-machine operation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Op {
    /// The value of single-decree Paxos; in Multi-Paxos a put of [`PROPOSE_KEY`].
    Propose { value: String },
    Put { key: String, value: String },
    /// A read through the log, so that it is linearizable.
    Get { key: String },
}

/// A version-2 client command: what to do and which request asked for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Command {
    pub origin: Origin,
    pub op: Op,
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Propose { value } => write!(f, "{value}"),
            Op::Put { key, value } => write!(f, "{key}={value}"),
            Op::Get { key } => write!(f, "get {key}"),
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.origin {
            Origin::Session { client, serial } => write!(f, "{} (c{client} #{serial})", self.op),
            Origin::Request { node, request } => write!(f, "{} (r{request} at n{node})", self.op),
        }
    }
}

impl Command {
    /// The session's (client, serial), if the command has one.
    pub fn session(&self) -> Option<(u64, u64)> {
        match self.origin {
            Origin::Session { client, serial } => Some((client, serial)),
            Origin::Request { .. } => None,
        }
    }
}

/// The version-2 command for a client request that reached `node` as `request_id` (the
/// checkers use it too, to know which commands were proposed). A request made within a
/// session already is one; a plain string becomes a command of that request: in Multi-Paxos
/// `key=value` is a put and anything else a proposed value, in single-decree Paxos it is
/// the proposed value. `None` for a request that is no client command (a no-op).
pub fn client_command(multi: bool, node: NodeId, request_id: u64, request: &Value) -> Option<Command> {
    let op = match request {
        Value::Op(c) => return Some(c.clone()),
        Value::Noop => return None,
        Value::Cmd(s) => match s.split_once('=') {
            Some((key, value)) if multi => Op::Put { key: key.into(), value: value.into() },
            _ => Op::Propose { value: s.clone() },
        },
    };
    Some(Command { origin: Origin::Request { node, request: request_id }, op })
}

/// What an acceptor has accepted in one slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AcceptedSlot {
    pub slot: u64,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PaxosMsg {
    /// Phase 1a: promise me nothing below `ballot`, for every slot from `from_slot` on.
    Prepare { ballot: Ballot, from_slot: u64 },
    /// Phase 1b: the promise, with everything accepted from `from_slot` on.
    Promise { ballot: Ballot, accepted: Vec<AcceptedSlot> },
    /// The acceptor has promised a higher ballot.
    Nack { ballot: Ballot, promised: Ballot },
    /// Phase 2a.
    Accept { ballot: Ballot, slot: u64, value: Value },
    /// Phase 2b, sent to every learner.
    Accepted { ballot: Ballot, slot: u64, value: Value },
    /// Multi-Paxos: the leader is alive; `learned_upto` is its contiguous chosen prefix.
    Heartbeat { ballot: Ballot, learned_upto: u64 },
    /// A follower's answer: how far its own chosen prefix reaches.
    HeartbeatAck { ballot: Ballot, learned_upto: u64 },
    /// A chosen value, sent to learners that missed it.
    Decide { slot: u64, value: Value },
}

impl PaxosMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            PaxosMsg::Prepare { .. } => "Prepare",
            PaxosMsg::Promise { .. } => "Promise",
            PaxosMsg::Nack { .. } => "Nack",
            PaxosMsg::Accept { .. } => "Accept",
            PaxosMsg::Accepted { .. } => "Accepted",
            PaxosMsg::Heartbeat { .. } => "Heartbeat",
            PaxosMsg::HeartbeatAck { .. } => "HeartbeatAck",
            PaxosMsg::Decide { .. } => "Decide",
        }
    }

    pub fn is_reply(&self) -> bool {
        matches!(self, PaxosMsg::Promise { .. } | PaxosMsg::Nack { .. } | PaxosMsg::Accepted { .. } | PaxosMsg::HeartbeatAck { .. })
    }

    pub fn summary(&self) -> String {
        match self {
            PaxosMsg::Prepare { ballot, from_slot } => format!("Prepare b={ballot} from slot {from_slot}"),
            PaxosMsg::Promise { ballot, accepted } => {
                let acc: Vec<String> = accepted.iter().map(|a| format!("{}:{}@{}", a.slot, a.value, a.ballot)).collect();
                format!("Promise b={ballot} accepted=[{}]", acc.join(", "))
            }
            PaxosMsg::Nack { ballot, promised } => format!("Nack b={ballot} promised={promised}"),
            PaxosMsg::Accept { ballot, slot, value } => format!("Accept b={ballot} slot {slot} = {value}"),
            PaxosMsg::Accepted { ballot, slot, value } => format!("Accepted b={ballot} slot {slot} = {value}"),
            PaxosMsg::Heartbeat { ballot, learned_upto } => format!("Heartbeat b={ballot} chosen<{learned_upto}"),
            PaxosMsg::HeartbeatAck { ballot, learned_upto } => format!("HeartbeatAck b={ballot} chosen<{learned_upto}"),
            PaxosMsg::Decide { slot, value } => format!("Decide slot {slot} = {value}"),
        }
    }
}
