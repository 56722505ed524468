//! Two-phase commit's messages, in Gray & Lamport's words (TODS 2006, §3: Prepare,
//! Prepared, Commit, Abort) with Bernstein et al.'s for the rest (1987, §7.4: a NO vote,
//! the acknowledgement, DECISION-REQ of the cooperative termination protocol), and the
//! backup coordinator's survey of the participants' states (as 2PCwithBTM.tla reads them).

use crate::protocols::txn::{RmState, TxnId};

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum TwoPcMsg {
    /// Coordinator to participant: do the transaction's work on `key` and vote.
    Prepare { txn: TxnId, key: u32 },
    /// A yes vote: the participant forced its prepared record.
    Prepared { txn: TxnId },
    /// A no vote: the participant aborted.
    Aborted { txn: TxnId },
    Commit { txn: TxnId },
    Abort { txn: TxnId },
    /// A participant acknowledges a decision (every commit; aborts under presumed nothing).
    Ack { txn: TxnId },
    /// An uncertain participant asks the coordinator, the backup and the other participants.
    DecisionReq { txn: TxnId },
    /// The backup coordinator asks a participant for its state.
    StateReq { txn: TxnId },
    State { txn: TxnId, state: RmState },
}

impl TwoPcMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            TwoPcMsg::Prepare { .. } => "Prepare",
            TwoPcMsg::Prepared { .. } => "Prepared",
            TwoPcMsg::Aborted { .. } => "Aborted",
            TwoPcMsg::Commit { .. } => "Commit",
            TwoPcMsg::Abort { .. } => "Abort",
            TwoPcMsg::Ack { .. } => "Ack",
            TwoPcMsg::DecisionReq { .. } => "DecisionReq",
            TwoPcMsg::StateReq { .. } => "StateReq",
            TwoPcMsg::State { .. } => "State",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, TwoPcMsg::Prepared { .. } | TwoPcMsg::Aborted { .. } | TwoPcMsg::Ack { .. } | TwoPcMsg::State { .. })
    }
    pub fn txn(&self) -> TxnId {
        match self {
            TwoPcMsg::Prepare { txn, .. }
            | TwoPcMsg::Prepared { txn }
            | TwoPcMsg::Aborted { txn }
            | TwoPcMsg::Commit { txn }
            | TwoPcMsg::Abort { txn }
            | TwoPcMsg::Ack { txn }
            | TwoPcMsg::DecisionReq { txn }
            | TwoPcMsg::StateReq { txn }
            | TwoPcMsg::State { txn, .. } => *txn,
        }
    }
    pub fn summary(&self) -> String {
        match self {
            TwoPcMsg::Prepare { txn, key } => format!("Prepare t{txn} (lock k{key})"),
            TwoPcMsg::State { txn, state } => format!("State t{txn}: {}", state.label()),
            m => format!("{} t{}", m.kind(), m.txn()),
        }
    }
}
