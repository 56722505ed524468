//! Two-phase commit's configuration: the transactions (how many, how far apart, over how
//! many keys), how each participant votes, the timeouts, presumed abort or presumed nothing
//! (Mohan, Lindsay, Obermarck, TODS 1986), and the planted teaching bug.

use crate::protocols::txn::workload::Workload;
use crate::sim::ProtocolConfig;
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &[
    "prepared_timeout_abort",
    "backup_abort_without_guard",
    "vote_before_force",
    "decide_before_force",
    "ack_before_force",
    "unilateral_abort_unforced",
];

/// What a coordinator presumes about a transaction it has no record of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presumption {
    /// Presumed abort: no record means abort; aborts are not forced nor acknowledged.
    #[default]
    Abort,
    /// Presumed nothing: the coordinator forces a begin record and every decision, and
    /// every decision is acknowledged.
    Nothing,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TwoPcConfig {
    /// Transactions the coordinator begins, one every `txn_interval_us`.
    pub transactions: u32,
    pub txn_interval_us: u64,
    /// Transaction t locks key `t % keys` at every participant: fewer keys, more waiting.
    pub keys: u32,
    /// Participants that vote no: (transaction, node) pairs.
    pub no_votes: Vec<(u32, u32)>,
    /// Beyond those, each vote is no with this chance in a thousand (drawn from the seed).
    pub no_vote_permille: u32,
    /// The coordinator aborts a transaction whose votes have not all come in by then.
    pub vote_timeout_us: u64,
    /// An uncertain participant asks for the decision (cooperative termination) after this.
    pub termination_timeout_us: u64,
    /// The coordinator resends a decision not yet acknowledged after this.
    pub resend_us: u64,
    pub presumed: Presumption,
    /// The planted bug, one of [`BUGS`]:
    /// `prepared_timeout_abort`: an uncertain participant aborts on its own at the timeout;
    /// `backup_abort_without_guard`: the backup coordinator aborts when a participant is
    /// aborted or does not answer, without checking that none committed;
    /// `vote_before_force`: a participant votes yes before its prepared record is forced;
    /// `decide_before_force`: the coordinator sends its decision before forcing it;
    /// `ack_before_force`: a participant acknowledges Commit before forcing its commit record;
    /// `unilateral_abort_unforced`: a participant that aborts before voting yes (a no vote,
    /// or asked by the termination protocol) tells others before its abort is forced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for TwoPcConfig {
    fn default() -> Self {
        TwoPcConfig {
            transactions: 4,
            txn_interval_us: 40_000,
            keys: 2,
            no_votes: Vec::new(),
            no_vote_permille: 0,
            vote_timeout_us: 300_000,
            termination_timeout_us: 300_000,
            resend_us: 200_000,
            presumed: Presumption::Abort,
            bug: None,
        }
    }
}

impl TwoPcConfig {
    pub fn has_bug(&self, bug: &str) -> bool {
        self.bug.as_deref() == Some(bug)
    }
}

impl ProtocolConfig for TwoPcConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if nodes < 4 {
            return Err("two-phase commit needs 4 nodes or more: a coordinator, its backup and two participants".into());
        }
        let workload = Workload { transactions: self.transactions, keys: self.keys, no_votes: &self.no_votes, no_vote_permille: self.no_vote_permille };
        let durations = [("txn_interval_us", self.txn_interval_us), ("vote_timeout_us", self.vote_timeout_us), ("termination_timeout_us", self.termination_timeout_us), ("resend_us", self.resend_us)];
        workload.validate(2, nodes, &durations)
    }
}

crate::json_unit_enum!(Presumption { Abort = "abort", Nothing = "nothing" });
crate::json_struct!(TwoPcConfig, "the 2PC configuration" { transactions, txn_interval_us, keys, no_votes, no_vote_permille, vote_timeout_us, termination_timeout_us, resend_us, presumed, bug });
