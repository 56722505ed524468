//! The log records of the commit protocols (Bernstein et al. 1987, §7.3-7.5; Mohan,
//! Lindsay, Obermarck, "Transaction Management in the R* Distributed Database Management
//! System", TODS 1986, for presumed abort and presumed nothing). Which of them a protocol
//! forces (writes and syncs before it sends anything that depends on them) is the
//! protocol's business; the simulator's durable log keeps them.

use super::TxnId;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Record {
    /// The coordinator began collecting votes (forced only when nothing is presumed).
    Begin { txn: TxnId },
    /// A participant voted yes and holds the lock on `key` until the decision.
    Prepared { txn: TxnId, key: u32 },
    /// Three-phase commit: the participant or coordinator reached the committable state.
    PreCommit { txn: TxnId },
    Commit { txn: TxnId },
    Abort { txn: TxnId },
    /// The coordinator heard every acknowledgement and may forget the transaction.
    End { txn: TxnId },
}

impl Record {
    pub fn txn(&self) -> TxnId {
        match self {
            Record::Begin { txn }
            | Record::Prepared { txn, .. }
            | Record::PreCommit { txn }
            | Record::Commit { txn }
            | Record::Abort { txn }
            | Record::End { txn } => *txn,
        }
    }
    pub fn label(&self) -> String {
        match self {
            Record::Begin { txn } => format!("begin t{txn}"),
            Record::Prepared { txn, key } => format!("prepared t{txn} (k{key})"),
            Record::PreCommit { txn } => format!("pre-commit t{txn}"),
            Record::Commit { txn } => format!("commit t{txn}"),
            Record::Abort { txn } => format!("abort t{txn}"),
            Record::End { txn } => format!("end t{txn}"),
        }
    }
}
