//! The distributed-transactions family's shared vocabulary (Bernstein, Hadzilacos, Goodman,
//! "Concurrency Control and Recovery in Database Systems", 1987, ch. 7; Gray & Lamport,
//! "Consensus on Transaction Commit", TODS 2006): transaction ids, a participant's states,
//! decisions, the log records that two-phase commit, three-phase commit and Paxos Commit
//! force, the per-key locks a prepared participant holds, and the atomic-commitment checkers
//! AC1-AC3 every protocol of the family registers.

pub mod cost;
pub mod invariants;
pub mod locks;
pub mod record;
pub mod view;
pub mod workload;

pub use cost::{Cost, Costs, Totals};
pub use locks::LockTable;
pub use record::Record;

/// A transaction's number: transactions are numbered from 0 in the order they begin.
pub type TxnId = u32;

/// The outcome of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    Commit,
    Abort,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Decision::Commit => "commit",
            Decision::Abort => "abort",
        }
    }
}

/// A participant's (resource manager's) state for one transaction, in Bernstein et al.'s
/// and Skeen's words. `Prepared` is "uncertain": it voted yes and may neither commit nor
/// abort on its own; `PreCommitted` is three-phase commit's committable state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RmState {
    /// Doing the transaction's work; it has not voted (it may be waiting for a lock).
    Working,
    Prepared,
    PreCommitted,
    Committed,
    Aborted,
}

impl RmState {
    /// The decision this state records, if it is final.
    pub fn decision(self) -> Option<Decision> {
        match self {
            RmState::Committed => Some(Decision::Commit),
            RmState::Aborted => Some(Decision::Abort),
            _ => None,
        }
    }
    /// Did the participant vote yes to reach this state?
    pub fn voted_yes(self) -> bool {
        matches!(self, RmState::Prepared | RmState::PreCommitted | RmState::Committed)
    }
    /// Holding its locks without being able to decide alone (the state that blocks).
    pub fn uncertain(self) -> bool {
        matches!(self, RmState::Prepared | RmState::PreCommitted)
    }
    pub fn label(self) -> &'static str {
        match self {
            RmState::Working => "working",
            RmState::Prepared => "prepared",
            RmState::PreCommitted => "pre-committed",
            RmState::Committed => "committed",
            RmState::Aborted => "aborted",
        }
    }
}

/// What the family's checkers read from a node: the decisions it has reached and, for a
/// participant, its state in each transaction it knows.
pub trait TxnNode {
    /// A participant's state per transaction it knows (empty for coordinators).
    fn rm_states(&self) -> Vec<(TxnId, RmState)>;
    /// The decisions this node reached as a coordinator (or backup, or leader).
    fn decisions(&self) -> Vec<(TxnId, Decision)>;
    /// Is this node a participant (resource manager)?
    fn is_participant(&self) -> bool;
    /// What each transaction cost this node (see [`cost`]).
    fn costs(&self) -> &Costs;
}
