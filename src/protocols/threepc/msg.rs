//! Three-phase commit's messages, by their common textbook names (CanCommit, PreCommit,
//! DoCommit) with the sources' terms beside them (Bernstein et al. 1987, §7.5: VOTE-REQ,
//! YES/NO, PRE-COMMIT, ACK, COMMIT, ABORT, STATE-REQ; Skeen 1981 for the election of a
//! backup coordinator and the recovery protocol's question).

use crate::protocols::txn::{RmState, TxnId};

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum ThreePcMsg {
    /// Coordinator to participant: do the work on `key` and vote (VOTE-REQ).
    CanCommit { txn: TxnId, key: u32 },
    /// A yes vote: the participant forced its prepared record (YES).
    Yes { txn: TxnId },
    /// A no vote: the participant aborted (NO).
    No { txn: TxnId },
    /// Every vote was yes: move to the committable state and acknowledge (PRE-COMMIT).
    PreCommit { txn: TxnId },
    Ack { txn: TxnId },
    /// The decision to commit (COMMIT).
    DoCommit { txn: TxnId },
    Abort { txn: TxnId },
    /// Termination protocol, election: a participant that timed out asks every
    /// lower-numbered one whether it is up (the lowest operational one takes over).
    Elect { txn: TxnId },
    /// "I am up and take over": the answer to Elect.
    Alive { txn: TxnId },
    /// The participant running the termination protocol asks for every state (STATE-REQ).
    StateReq { txn: TxnId },
    State { txn: TxnId, state: RmState },
    /// Recovery protocol: a participant back from a crash, uncertain, asks for the outcome.
    DecisionReq { txn: TxnId },
}

impl ThreePcMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            ThreePcMsg::CanCommit { .. } => "CanCommit",
            ThreePcMsg::Yes { .. } => "Yes",
            ThreePcMsg::No { .. } => "No",
            ThreePcMsg::PreCommit { .. } => "PreCommit",
            ThreePcMsg::Ack { .. } => "Ack",
            ThreePcMsg::DoCommit { .. } => "DoCommit",
            ThreePcMsg::Abort { .. } => "Abort",
            ThreePcMsg::Elect { .. } => "Elect",
            ThreePcMsg::Alive { .. } => "Alive",
            ThreePcMsg::StateReq { .. } => "StateReq",
            ThreePcMsg::State { .. } => "State",
            ThreePcMsg::DecisionReq { .. } => "DecisionReq",
        }
    }
    /// The sources' term where it differs from the textbook name.
    fn source_term(&self) -> Option<&'static str> {
        match self {
            ThreePcMsg::CanCommit { .. } => Some("VOTE-REQ"),
            ThreePcMsg::PreCommit { .. } => Some("PRE-COMMIT"),
            ThreePcMsg::DoCommit { .. } => Some("COMMIT"),
            ThreePcMsg::StateReq { .. } => Some("STATE-REQ"),
            _ => None,
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, ThreePcMsg::Yes { .. } | ThreePcMsg::No { .. } | ThreePcMsg::Ack { .. } | ThreePcMsg::Alive { .. } | ThreePcMsg::State { .. })
    }
    pub fn txn(&self) -> TxnId {
        match self {
            ThreePcMsg::CanCommit { txn, .. }
            | ThreePcMsg::Yes { txn }
            | ThreePcMsg::No { txn }
            | ThreePcMsg::PreCommit { txn }
            | ThreePcMsg::Ack { txn }
            | ThreePcMsg::DoCommit { txn }
            | ThreePcMsg::Abort { txn }
            | ThreePcMsg::Elect { txn }
            | ThreePcMsg::Alive { txn }
            | ThreePcMsg::StateReq { txn }
            | ThreePcMsg::State { txn, .. }
            | ThreePcMsg::DecisionReq { txn } => *txn,
        }
    }
    pub fn summary(&self) -> String {
        let base = match self {
            ThreePcMsg::CanCommit { txn, key } => format!("CanCommit t{txn} (lock k{key})"),
            ThreePcMsg::State { txn, state } => format!("State t{txn}: {}", state.label()),
            m => format!("{} t{}", m.kind(), m.txn()),
        };
        match self.source_term() {
            Some(term) => format!("{base} [{term}]"),
            None => base,
        }
    }
}
