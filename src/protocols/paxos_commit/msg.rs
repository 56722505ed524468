//! Paxos Commit's messages (Gray & Lamport, TODS 2006, §4, and PaxosCommit.tla): the
//! leader's Prepare to the participants, phase 1a/1b and 2a/2b of one Paxos instance per
//! participant (instance = the participant's number; ballot 0 is the participant's own),
//! the decision, and an uncertain participant's question.

use crate::protocols::txn::TxnId;
use crate::sim::NodeId;

/// A participant's vote, the value its instance chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vote {
    Prepared,
    Aborted,
}

/// A ballot number: 0 is the participant's own; leader l's k-th ballot is k·n + l.
pub type Ballot = u64;

/// What an acceptor reports in phase 1b for one instance: (instance, ballot, value).
pub type Accepted = (NodeId, Ballot, Vote);

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum PcMsg {
    /// The leader asks every participant to prepare (do its work on `key` and vote).
    Prepare { txn: TxnId, key: u32 },
    Phase1a { txn: TxnId, ballot: Ballot },
    Phase1b { txn: TxnId, ballot: Ballot, accepted: Vec<Accepted> },
    /// An acceptor has promised a higher ballot than the one it was sent.
    Nack { txn: TxnId, promised: Ballot },
    Phase2a { txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote },
    Phase2b { txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote },
    Commit { txn: TxnId },
    Abort { txn: TxnId },
    /// An uncertain participant asks the leader and the acceptors.
    DecisionReq { txn: TxnId },
}

impl PcMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            PcMsg::Prepare { .. } => "Prepare",
            PcMsg::Phase1a { .. } => "Phase1a",
            PcMsg::Phase1b { .. } => "Phase1b",
            PcMsg::Nack { .. } => "Nack",
            PcMsg::Phase2a { .. } => "Phase2a",
            PcMsg::Phase2b { .. } => "Phase2b",
            PcMsg::Commit { .. } => "Commit",
            PcMsg::Abort { .. } => "Abort",
            PcMsg::DecisionReq { .. } => "DecisionReq",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, PcMsg::Phase1b { .. } | PcMsg::Phase2b { .. } | PcMsg::Nack { .. })
    }
    pub fn txn(&self) -> TxnId {
        match self {
            PcMsg::Prepare { txn, .. }
            | PcMsg::Phase1a { txn, .. }
            | PcMsg::Phase1b { txn, .. }
            | PcMsg::Nack { txn, .. }
            | PcMsg::Phase2a { txn, .. }
            | PcMsg::Phase2b { txn, .. }
            | PcMsg::Commit { txn }
            | PcMsg::Abort { txn }
            | PcMsg::DecisionReq { txn } => *txn,
        }
    }
    pub fn summary(&self) -> String {
        match self {
            PcMsg::Prepare { txn, key } => format!("Prepare t{txn} (lock k{key})"),
            PcMsg::Phase1a { txn, ballot } => format!("Phase1a t{txn} ballot {ballot}"),
            PcMsg::Phase1b { txn, ballot, accepted } => format!("Phase1b t{txn} ballot {ballot}, {} accepted", accepted.len()),
            PcMsg::Nack { txn, promised } => format!("Nack t{txn}: promised {promised}"),
            PcMsg::Phase2a { txn, rm, ballot, vote } | PcMsg::Phase2b { txn, rm, ballot, vote } => {
                format!("{} t{txn} instance n{rm} ballot {ballot}: {vote:?}", self.kind())
            }
            m => format!("{} t{}", m.kind(), m.txn()),
        }
    }
}
