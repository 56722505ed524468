//! Raft configuration: timeouts, PreVote and CheckQuorum (thesis §9.6), planted bugs, and
//! optional starting logs for the paper's figures.

use serde::Serialize;

pub const BUGS: &[&str] =
    &["commit_old_term", "vote_without_log_check", "forget_voted_for", "truncate_without_conflict", "small_quorum", "vote_before_sync", "no_sessions", "stale_read", "ack_before_commit"];

/// How a leader answers a read (Ongaro's thesis §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// Append the read to the log and answer when it applies.
    #[default]
    Log,
    /// §6.4: note the commit index, confirm leadership with a heartbeat round, answer once
    /// the state machine has applied that index.
    ReadIndex,
    /// §6.4.1: answer from local state while a lease from the last confirmed heartbeat
    /// round lasts (the election timeout shrunk by the drift bound); ReadIndex otherwise.
    Lease,
}

impl ReadMode {
    fn is_log(&self) -> bool {
        *self == ReadMode::Log
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftConfig {
    pub election_timeout_us_min: u64,
    pub election_timeout_us_max: u64,
    pub heartbeat_interval_us: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Most entries one AppendEntries carries.
    pub max_entries_per_append: u64,
    /// Starting logs (the term of each entry, no-op commands) and current terms, to set up
    /// the paper's figures. Empty: every node starts empty at term 0.
    pub initial_logs: Vec<Vec<u64>>,
    pub initial_terms: Vec<u64>,
    /// How the leader serves reads (thesis §6.4): through the log (the default), by
    /// ReadIndex, or under a leader lease.
    #[serde(skip_serializing_if = "ReadMode::is_log")]
    pub read: ReadMode,
    /// The clock drift bound ρ (ppm) lease reads assume (the registry row's).
    pub lease_drift_bound_ppm: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The scenario's semantics version (not part of the configuration's JSON: it comes
    /// from the scenario); behaviour changed since version 1 checks it.
    #[serde(skip)]
    pub version: u32,
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            election_timeout_us_min: 150_000,
            election_timeout_us_max: 300_000,
            heartbeat_interval_us: 50_000,
            pre_vote: false,
            check_quorum: false,
            max_entries_per_append: 64,
            initial_logs: Vec::new(),
            initial_terms: Vec::new(),
            read: ReadMode::Log,
            lease_drift_bound_ppm: 500_000,
            bug: None,
            version: crate::sim::CURRENT_VERSION,
        }
    }
}

impl crate::sim::ProtocolConfig for RaftConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        RaftConfig::validate(self, nodes)
    }
}

impl RaftConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
}

impl RaftConfig {
    /// Semantic checks for configurations that come from links and files: timeouts that
    /// let time advance, and well-formed starting logs (terms never decrease along a log).
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        let (min, max) = (self.election_timeout_us_min, self.election_timeout_us_max);
        if !(1_000..=60_000_000).contains(&min) || max < min || max > 60_000_000 {
            return Err(format!("raft: election timeout {min}..{max} µs must lie within 1 ms..60 s, min ≤ max"));
        }
        if !(1_000..=60_000_000).contains(&self.heartbeat_interval_us) {
            return Err("raft: heartbeat_interval_us must lie within 1 ms..60 s".into());
        }
        if self.read == ReadMode::Lease && !(self.pre_vote && self.check_quorum) {
            return Err("raft: lease reads need pre_vote and check_quorum (a leader must not be deposed within the lease, thesis §6.4.1)".into());
        }
        if self.lease_drift_bound_ppm >= 1_000_000 {
            return Err("raft: lease_drift_bound_ppm must be below 1,000,000".into());
        }
        if self.initial_logs.len() > nodes as usize || self.initial_terms.len() > nodes as usize {
            return Err(format!("raft: initial_logs/initial_terms name more than the {nodes} nodes"));
        }
        for (i, log) in self.initial_logs.iter().enumerate() {
            if log.len() > 1_000 || log.contains(&0) || log.windows(2).any(|w| w[0] > w[1]) {
                return Err(format!("raft: initial log of n{i} must hold at most 1000 terms ≥ 1 that never decrease"));
            }
        }
        Ok(())
    }
}

crate::json_unit_enum!(ReadMode { Log = "log", ReadIndex = "read_index", Lease = "lease" });
crate::json_struct!(RaftConfig, "the Raft configuration" { election_timeout_us_min, election_timeout_us_max, heartbeat_interval_us, pre_vote, check_quorum, max_entries_per_append, initial_logs, initial_terms, read, lease_drift_bound_ppm, bug } skip { version });
