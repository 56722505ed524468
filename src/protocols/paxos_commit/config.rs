//! Paxos Commit's configuration (Gray & Lamport, "Consensus on Transaction Commit", TODS
//! 2006, §4): F (2F + 1 acceptors), the transactions and votes (as two-phase commit's), the
//! timeouts after which a participant asks and an acceptor takes over as leader, and the
//! planted teaching bug.

use crate::protocols::txn::workload::Workload;
use crate::sim::ProtocolConfig;
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["abort_without_phase1", "commit_on_majority", "accept_below_promise", "accept_before_durable"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaxosCommitConfig {
    /// Faults tolerated: 2F + 1 acceptors (n1 to n(2F+1)); F = 0 is two-phase commit.
    pub f: u32,
    pub transactions: u32,
    pub txn_interval_us: u64,
    pub keys: u32,
    /// Participants that vote no: (transaction, node) pairs.
    pub no_votes: Vec<(u32, u32)>,
    pub no_vote_permille: u32,
    /// An uncertain participant asks the leader and the acceptors for the decision after this.
    pub decision_timeout_us: u64,
    /// A leader that has not learned every instance's value by then (the coordinator
    /// counting from the transaction's begin, an acceptor from a participant's question,
    /// plus its own number of steps) runs phase 1 with a higher ballot.
    pub leader_timeout_us: u64,
    /// The planted bug, one of [`BUGS`]:
    /// `abort_without_phase1`: a new leader proposes Aborted without running phase 1;
    /// `commit_on_majority`: the leader commits once a majority of instances chose Prepared;
    /// `accept_below_promise`: an acceptor accepts a ballot lower than its promise;
    /// `accept_before_durable`: an acceptor answers phase 2b before its vote is synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for PaxosCommitConfig {
    fn default() -> Self {
        PaxosCommitConfig {
            f: 1,
            transactions: 4,
            txn_interval_us: 40_000,
            keys: 2,
            no_votes: Vec::new(),
            no_vote_permille: 0,
            decision_timeout_us: 300_000,
            leader_timeout_us: 300_000,
            bug: None,
        }
    }
}

impl PaxosCommitConfig {
    pub fn has_bug(&self, bug: &str) -> bool {
        self.bug.as_deref() == Some(bug)
    }
    /// The acceptors' numbers: n1 to n(2F+1).
    pub fn acceptors(&self) -> std::ops::RangeInclusive<u32> {
        1..=2 * self.f + 1
    }
    /// The participants' numbers: every node after the acceptors.
    pub fn participants(&self, n: u32) -> std::ops::Range<u32> {
        2 * self.f + 2..n
    }
    /// F + 1: the acceptors that must accept a value for it to be chosen.
    pub fn quorum(&self) -> usize {
        self.f as usize + 1
    }
}

impl ProtocolConfig for PaxosCommitConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if self.f > 3 {
            return Err("f is at most 3 (7 acceptors)".into());
        }
        let min = 2 * self.f + 4;
        if nodes < min {
            return Err(format!("Paxos Commit with f = {} needs {min} nodes or more: a leader, {} acceptors and two participants", self.f, 2 * self.f + 1));
        }
        let workload = Workload { transactions: self.transactions, keys: self.keys, no_votes: &self.no_votes, no_vote_permille: self.no_vote_permille };
        let durations = [("txn_interval_us", self.txn_interval_us), ("decision_timeout_us", self.decision_timeout_us), ("leader_timeout_us", self.leader_timeout_us)];
        workload.validate(2 * self.f + 2, nodes, &durations)
    }
}

crate::json_struct!(PaxosCommitConfig, "the Paxos Commit configuration" { f, transactions, txn_interval_us, keys, no_votes, no_vote_permille, decision_timeout_us, leader_timeout_us, bug });
