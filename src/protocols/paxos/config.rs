//! Paxos configuration: single-decree or Multi-Paxos, backoff, timings, and the planted
//! teaching bugs.

use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Basic Paxos: one value, every proposer runs both phases.
    Single,
    /// Multi-Paxos: a distinguished leader runs phase 1 once, then phase 2 per slot.
    #[default]
    Multi,
}

pub const BUGS: &[&str] = &["accept_below_promise", "ignore_promise_values", "small_quorum", "forget_acceptor_state", "no_sessions"];

/// How many client sessions the Multi-Paxos state machine keeps by default (version 2).
pub const DEFAULT_MAX_SESSIONS: u32 = 1_024;

fn is_default_max_sessions(n: &u32) -> bool {
    *n == DEFAULT_MAX_SESSIONS
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaxosConfig {
    pub mode: Mode,
    /// Randomized backoff before retrying after a Nack. Off: retry after exactly
    /// `retry_min_us`, which lets two proposers pre-empt each other forever.
    pub backoff: bool,
    /// Retry/phase timeout range.
    pub retry_min_us: u64,
    pub retry_max_us: u64,
    /// Multi-Paxos leader heartbeats and the followers' timeout before they try to lead.
    pub heartbeat_us: u64,
    pub leader_timeout_min_us: u64,
    pub leader_timeout_max_us: u64,
    /// Nodes that act as proposers (empty: all). Every node is an acceptor and a learner.
    pub proposers: Vec<u32>,
    /// Version 2, Multi-Paxos: the most client sessions the state machine keeps; adding
    /// one more evicts the least recently used (Ongaro's thesis §6.3).
    #[serde(skip_serializing_if = "is_default_max_sessions")]
    pub max_sessions: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The scenario's semantics version (not part of the configuration's JSON: it comes
    /// from the scenario); behaviour changed since version 1 checks it.
    #[serde(skip)]
    pub version: u32,
}

impl Default for PaxosConfig {
    fn default() -> Self {
        PaxosConfig {
            mode: Mode::Multi,
            backoff: true,
            retry_min_us: 60_000,
            retry_max_us: 240_000,
            heartbeat_us: 50_000,
            leader_timeout_min_us: 200_000,
            leader_timeout_max_us: 400_000,
            proposers: Vec::new(),
            max_sessions: DEFAULT_MAX_SESSIONS,
            bug: None,
            version: crate::sim::CURRENT_VERSION,
        }
    }
}

impl crate::sim::ProtocolConfig for PaxosConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
    }
    fn validate(&self, _nodes: u32) -> Result<(), String> {
        if self.max_sessions == 0 {
            return Err("max_sessions must be at least 1".into());
        }
        Ok(())
    }
}

impl PaxosConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// Version 2 semantics (client commands with their request, sessions, and the fixes
    /// made since version 1); version 1 replays exactly as it was.
    pub fn v2(&self) -> bool {
        self.version >= 2
    }
    pub fn is_proposer(&self, id: u32) -> bool {
        self.proposers.is_empty() || self.proposers.contains(&id)
    }
}

crate::json_unit_enum!(Mode { Single = "single", Multi = "multi" });
crate::json_struct!(PaxosConfig, "the Paxos configuration" { mode, backoff, retry_min_us, retry_max_us, heartbeat_us, leader_timeout_min_us, leader_timeout_max_us, proposers, max_sessions, bug } skip { version });
