//! Zab's messages as ZooKeeper sends them ("Zab 1.0": Fast Leader Election notifications,
//! FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF/TRUNC/SNAP, NEWLEADER, ACK, UPTODATE, PROPOSAL,
//! ACK, COMMIT, PING), each summarised with the name Junqueira, Reed and Serafini give it in
//! "Zab: High-performance broadcast for primary-backup systems" (DSN 2011), §IV: CEPOCH,
//! NEWEPOCH, ACK-E, NEWLEADER, ACK-LD, COMMIT-LD, PROPOSE, ACK, COMMIT.

use crate::protocols::raft::kv::KvCommand;
use crate::sim::NodeId;
use std::fmt;

/// A transaction id: the epoch of the leader that proposed it and its counter within that
/// epoch (the paper's ⟨e, c⟩; ZooKeeper packs the two into one 64-bit number). Ordered by
/// epoch, then counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Zxid {
    pub epoch: u64,
    pub counter: u64,
}

impl Zxid {
    pub const ZERO: Zxid = Zxid { epoch: 0, counter: 0 };
    pub fn new(epoch: u64, counter: u64) -> Self {
        Zxid { epoch, counter }
    }
    /// The zxid as one 64-bit number, epoch in the high 32 bits (as ZooKeeper packs it).
    pub fn packed(self) -> u64 {
        (self.epoch << 32) | (self.counter & 0xffff_ffff)
    }
    pub fn unpack(z: u64) -> Self {
        Zxid { epoch: z >> 32, counter: z & 0xffff_ffff }
    }
}

impl fmt::Display for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.epoch, self.counter)
    }
}

/// A transaction (the paper's ⟨v, z⟩): a state change, its zxid, and the server and request
/// a client sent it through (so that server answers the client once it delivers it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Txn<C = KvCommand> {
    pub zxid: Zxid,
    pub cmd: C,
    pub origin: Option<(NodeId, u64)>,
}

/// A server's state as Fast Leader Election reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServerState {
    Looking,
    Following,
    Leading,
}

/// A vote: the proposed leader, its last zxid and its current epoch (ZooKeeper's
/// `proposedLeader`, `proposedZxid`, `proposedEpoch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vote {
    pub leader: NodeId,
    pub zxid: Zxid,
    pub epoch: u64,
}

impl Vote {
    /// Fast Leader Election's total order: higher epoch, then higher zxid, then higher id.
    pub fn beats(&self, other: &Vote) -> bool {
        (self.epoch, self.zxid, self.leader) > (other.epoch, other.zxid, other.leader)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ZabMsg<C = KvCommand> {
    /// Fast Leader Election: the sender's vote, its election round and its state.
    Notification { vote: Vote, election_epoch: u64, state: ServerState },
    /// Paper CEPOCH: a follower's acceptedEpoch and last zxid, opening a session (the
    /// follower's name for it, standing for the TCP connection ZooKeeper opens).
    FollowerInfo { accepted_epoch: u64, last_zxid: Zxid, session: u64 },
    /// Paper NEWEPOCH: the epoch the new leader proposes.
    LeaderInfo { epoch: u64 },
    /// Paper ACK-E: the follower's currentEpoch and last zxid.
    AckEpoch { epoch: u64, current_epoch: u64, last_zxid: Zxid },
    /// Synchronization: the transactions the follower lacks, after its last zxid.
    Diff { epoch: u64, txns: Vec<Txn<C>> },
    /// Synchronization: drop everything after `to`, then append `txns`.
    Trunc { epoch: u64, to: Zxid, txns: Vec<Txn<C>> },
    /// Synchronization: a snapshot of the leader's delivered (committed) history in place
    /// of the follower's, then the leader's transactions not yet committed.
    Snap { epoch: u64, txns: Vec<Txn<C>>, tail: Vec<Txn<C>> },
    /// Paper NEWLEADER: the synchronized history is the new epoch's initial history.
    NewLeader { epoch: u64, last_zxid: Zxid },
    /// Paper ACK-LD: the follower holds that history on stable storage.
    AckNewLeader { epoch: u64 },
    /// Paper COMMIT-LD: deliver the initial history (up to `committed`) and serve clients.
    UpToDate { epoch: u64, committed: Zxid },
    /// Paper PROPOSE.
    Proposal { txn: Txn<C> },
    /// Paper ACK: the proposal is on stable storage.
    Ack { zxid: Zxid },
    /// Paper COMMIT: deliver everything up to `zxid`.
    Commit { zxid: Zxid },
    /// The leader's heartbeat (and the follower's answer): ZooKeeper's PING.
    Ping { epoch: u64 },
    PingAck { epoch: u64 },
    /// A client's write, forwarded by the server it reached to the leader.
    Request { request_id: u64, cmd: C },
    /// A leader's message to one follower, numbered within their session: ZooKeeper runs
    /// each session over one TCP connection, so the follower takes them in order, once.
    Stream { session: u64, seq: u64, msg: Box<ZabMsg<C>> },
    /// ZooKeeper's sync: the follower asks the leader to flush the channel between them; the
    /// leader answers once every proposal it made before has committed.
    Sync { request_id: u64 },
    SyncReply { request_id: u64 },
    /// PING numbered by round, sent instead of PING when the leader keeps a leader lease
    /// (a service built on Zab asks for one), and a follower in broadcast answering it.
    LeasePing { epoch: u64, round: u64 },
    LeasePingAck { epoch: u64, round: u64 },
}

impl<C> ZabMsg<C> {
    /// ZooKeeper's name for the message.
    pub fn kind(&self) -> &'static str {
        match self {
            ZabMsg::Stream { msg, .. } => msg.kind(),
            ZabMsg::Notification { .. } => "NOTIFICATION",
            ZabMsg::FollowerInfo { .. } => "FOLLOWERINFO",
            ZabMsg::LeaderInfo { .. } => "LEADERINFO",
            ZabMsg::AckEpoch { .. } => "ACKEPOCH",
            ZabMsg::Diff { .. } => "DIFF",
            ZabMsg::Trunc { .. } => "TRUNC",
            ZabMsg::Snap { .. } => "SNAP",
            ZabMsg::NewLeader { .. } => "NEWLEADER",
            ZabMsg::AckNewLeader { .. } => "ACK(NEWLEADER)",
            ZabMsg::UpToDate { .. } => "UPTODATE",
            ZabMsg::Proposal { .. } => "PROPOSAL",
            ZabMsg::Ack { .. } => "ACK",
            ZabMsg::Commit { .. } => "COMMIT",
            ZabMsg::Ping { .. } | ZabMsg::LeasePing { .. } => "PING",
            ZabMsg::PingAck { .. } | ZabMsg::LeasePingAck { .. } => "PING(reply)",
            ZabMsg::Request { .. } => "REQUEST",
            ZabMsg::Sync { .. } => "SYNC",
            ZabMsg::SyncReply { .. } => "SYNC(reply)",
        }
    }

    /// The paper's name for the message, where it has one.
    pub fn paper_name(&self) -> Option<&'static str> {
        Some(match self {
            ZabMsg::Stream { msg, .. } => return msg.paper_name(),
            ZabMsg::FollowerInfo { .. } => "CEPOCH",
            ZabMsg::LeaderInfo { .. } => "NEWEPOCH",
            ZabMsg::AckEpoch { .. } => "ACK-E",
            ZabMsg::NewLeader { .. } => "NEWLEADER",
            ZabMsg::AckNewLeader { .. } => "ACK-LD",
            ZabMsg::UpToDate { .. } => "COMMIT-LD",
            ZabMsg::Proposal { .. } => "PROPOSE",
            ZabMsg::Ack { .. } => "ACK",
            ZabMsg::Commit { .. } => "COMMIT",
            _ => return None,
        })
    }

    pub fn is_reply(&self) -> bool {
        if let ZabMsg::Stream { msg, .. } = self {
            return msg.is_reply();
        }
        matches!(self, ZabMsg::AckEpoch { .. } | ZabMsg::AckNewLeader { .. } | ZabMsg::Ack { .. } | ZabMsg::PingAck { .. } | ZabMsg::SyncReply { .. } | ZabMsg::LeasePingAck { .. })
    }

    /// One line for the inspector: ZooKeeper's name, the paper's beside it, the fields
    /// (`label` names a command).
    pub fn summary(&self, label: fn(&C) -> String) -> String {
        if let ZabMsg::Stream { seq, msg, .. } = self {
            return format!("{} · #{seq}", msg.summary(label));
        }
        let name = match self.paper_name() {
            Some(p) if p != self.kind() => format!("{} (paper: {p})", self.kind()),
            _ => self.kind().to_string(),
        };
        let txns = |t: &[Txn<C>]| match (t.first(), t.last()) {
            (Some(a), Some(b)) => format!("{} txns {}..{}", t.len(), a.zxid, b.zxid),
            _ => "no txns".to_string(),
        };
        let detail = match self {
            ZabMsg::Notification { vote, election_epoch, state } => {
                format!("vote n{} zxid {} epoch {}, round {election_epoch}, {state:?}", vote.leader, vote.zxid, vote.epoch)
            }
            ZabMsg::FollowerInfo { accepted_epoch, last_zxid, .. } => format!("acceptedEpoch {accepted_epoch}, last zxid {last_zxid}"),
            ZabMsg::LeaderInfo { epoch } => format!("epoch {epoch}"),
            ZabMsg::AckEpoch { current_epoch, last_zxid, .. } => format!("currentEpoch {current_epoch}, last zxid {last_zxid}"),
            ZabMsg::Diff { txns: t, .. } => txns(t),
            ZabMsg::Snap { txns: t, tail, .. } => format!("snapshot of {}, then {}", txns(t), txns(tail)),
            ZabMsg::Trunc { to, txns: t, .. } => format!("to {to}, then {}", txns(t)),
            ZabMsg::NewLeader { epoch, last_zxid } => format!("epoch {epoch}, history to {last_zxid}"),
            ZabMsg::AckNewLeader { epoch } | ZabMsg::Ping { epoch } | ZabMsg::PingAck { epoch } => format!("epoch {epoch}"),
            ZabMsg::UpToDate { committed, .. } => format!("committed to {committed}"),
            ZabMsg::Proposal { txn } => format!("{} {}", txn.zxid, label(&txn.cmd)),
            ZabMsg::Ack { zxid } | ZabMsg::Commit { zxid } => zxid.to_string(),
            ZabMsg::Request { cmd, .. } => label(cmd),
            ZabMsg::Sync { request_id } | ZabMsg::SyncReply { request_id } => format!("for read #{request_id}"),
            ZabMsg::LeasePing { epoch, round } | ZabMsg::LeasePingAck { epoch, round } => format!("epoch {epoch}, lease round {round}"),
            ZabMsg::Stream { .. } => String::new(),
        };
        format!("{name} {detail}")
    }
}
