//! Three-phase commit's configuration (Skeen, "Nonblocking commit protocols", SIGMOD 1981;
//! Bernstein et al. 1987, §7.5): the transactions and votes (as two-phase commit's), the
//! timeouts, how long a node takes to send each message of a broadcast, and the planted
//! teaching bug. The timeouts decide safety here, so they are checked against the delay
//! bound the protocol assumes ([`DELAY_BOUND_US`]).

use crate::protocols::txn::workload::Workload;
use crate::sim::{ProtocolConfig, TimeUs};
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["docommit_before_all_acks", "termination_ignores_precommit", "recovered_decides_alone", "yes_before_force", "pre_commit_before_force"];

/// The longest a message may take that three-phase commit's timeouts allow for (Δ); the
/// registry row declares it, and a network slower than this is "assumption exceeded".
pub const DELAY_BOUND_US: TimeUs = 80_000;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreePcConfig {
    /// Transactions the coordinator begins, one every `txn_interval_us`.
    pub transactions: u32,
    pub txn_interval_us: u64,
    /// Transaction t locks key `t % keys` at every participant.
    pub keys: u32,
    /// Participants that vote no: (transaction, node) pairs.
    pub no_votes: Vec<(u32, u32)>,
    /// Beyond those, each vote is no with this chance in a thousand (drawn from the seed).
    pub no_vote_permille: u32,
    /// The coordinator aborts a transaction whose votes have not all come in by then.
    pub vote_timeout_us: u64,
    /// How long a node waits for the answers to a broadcast (acknowledgements of
    /// PreCommit, the election, the state survey), counted from the broadcast's start: at
    /// least a round trip at the delay bound plus the broadcast's own sending time.
    pub reply_window_us: u64,
    /// How long an uncertain or pre-committed participant waits for the next message of
    /// the coordinator (or of the participant running the termination protocol) before it
    /// concludes that it failed and runs the termination protocol.
    pub termination_timeout_us: u64,
    /// A node sends a broadcast one message at a time, this far apart, so that a crash
    /// may fall between two sends (Skeen's sites fail in the middle of a transition).
    pub send_gap_us: u64,
    /// The planted bug, one of [`BUGS`]:
    /// `docommit_before_all_acks`: the coordinator commits at the first acknowledgement of
    /// PreCommit and sends DoCommit to each participant as its acknowledgement arrives;
    /// `termination_ignores_precommit`: the termination protocol aborts unless some
    /// participant has committed, although a reachable participant is pre-committed;
    /// `recovered_decides_alone`: a participant recovering in the uncertain state aborts
    /// (in the pre-committed state, commits) on its own instead of asking;
    /// `yes_before_force`: a participant votes yes before its prepared record is forced;
    /// `pre_commit_before_force`: the coordinator sends PreCommit before its pre-commit
    /// record is forced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for ThreePcConfig {
    fn default() -> Self {
        ThreePcConfig {
            transactions: 4,
            txn_interval_us: 40_000,
            keys: 2,
            no_votes: Vec::new(),
            no_vote_permille: 0,
            vote_timeout_us: 300_000,
            reply_window_us: 250_000,
            termination_timeout_us: 1_000_000,
            send_gap_us: 4_000,
            bug: None,
        }
    }
}

impl ThreePcConfig {
    pub fn has_bug(&self, bug: &str) -> bool {
        self.bug.as_deref() == Some(bug)
    }

    /// The timing the safety argument needs, for `participants` participants: every answer
    /// to a broadcast arrives within the reply window, and a participant hears the next
    /// step of a live coordinator (original, or running the termination protocol after an
    /// election and a survey) before its termination timeout.
    fn check_timing(&self, participants: u64) -> Result<(), String> {
        let sending = participants * self.send_gap_us;
        let round_trip = 2 * DELAY_BOUND_US + sending;
        if self.reply_window_us < round_trip {
            return Err(format!(
                "reply_window_us must be at least {round_trip} µs: a round trip at the assumed delay bound ({DELAY_BOUND_US} µs each way) plus {participants} sends {} µs apart",
                self.send_gap_us
            ));
        }
        let next_step = self.vote_timeout_us.max(3 * self.reply_window_us) + sending + DELAY_BOUND_US;
        if self.termination_timeout_us < next_step {
            return Err(format!(
                "termination_timeout_us must be at least {next_step} µs: the longest a live coordinator may take (the vote timeout, or an election, a survey and a PreCommit round) plus its sends and one delay"
            ));
        }
        Ok(())
    }
}

impl ProtocolConfig for ThreePcConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if nodes < 3 {
            return Err("three-phase commit needs 3 nodes or more: a coordinator and two participants".into());
        }
        if self.send_gap_us > 50_000 {
            return Err("send_gap_us is at most 50 ms".into());
        }
        let workload = Workload { transactions: self.transactions, keys: self.keys, no_votes: &self.no_votes, no_vote_permille: self.no_vote_permille };
        let durations = [("txn_interval_us", self.txn_interval_us), ("vote_timeout_us", self.vote_timeout_us), ("reply_window_us", self.reply_window_us), ("termination_timeout_us", self.termination_timeout_us)];
        workload.validate(1, nodes, &durations)?;
        self.check_timing(u64::from(nodes - 1))
    }
}

crate::json_struct!(ThreePcConfig, "the 3PC configuration" { transactions, txn_interval_us, keys, no_votes, no_vote_permille, vote_timeout_us, reply_window_us, termination_timeout_us, send_gap_us, bug });
