//! Lock service configuration: how many servers and clients, fencing at the storage, the
//! session timeout, keep-alive interval and the client's grace period (Chubby §2.8,
//! ZooKeeper §4.1), the drift bound ρ the leases assume, the clients' critical-section
//! timing, the servers' log options (with leader leases, Chubby §2.9), and the planted
//! teaching bugs.

use super::ServerLog;
use crate::sim::{LogConfig, NodeId, Protocol};
use serde::Serialize;

/// - `herd_effect`: every waiter watches the children of `/lock` instead of its predecessor,
///   so every change wakes every waiter (the herd effect ZooKeeper's recipe avoids; the
///   cost property No Herd Effect catches it from version 3).
/// - `client_ignores_lease`: a client keeps writing after its own lease has run out.
/// - `sequence_from_child_count`: a sequential node's suffix is the parent's current number
///   of children instead of a counter that never goes back (ZooKeeper uses the parent's
///   `cversion`), so a newcomer can sort before the current holder.
/// - `no_drift_margin` (version 3): the client counts its lease as the whole session
///   timeout from the KeepAlive's send, with no margin for the drift ρ allows (Chubby §2.8).
/// - `no_leader_lease` (version 3): a server answers KeepAlives whenever it believes it
///   leads, with no leader lease (Ongaro's thesis §6.4.1), so a deposed leader can extend
///   a session its successor is about to expire.
pub const BUGS: &[&str] = &["herd_effect", "client_ignores_lease", "sequence_from_child_count", "no_drift_margin", "no_leader_lease"];

/// The clock drift bound ρ the lock service's leases assume, in ppm (10%): every clock
/// runs at a rate within [1 − ρ, 1 + ρ] of real time. The registry row declares it; a
/// run that drifts a clock further is labelled "assumption exceeded".
pub const DRIFT_BOUND_PPM: u32 = crate::sim::assume::CHAOS_DRIFT_PPM;

/// `C`: the configuration of the servers' replicated log.
/// Read by hand ([`crate::json_struct`]): every field optional, unknown ones refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LockConfig<C = <ServerLog as Protocol>::Config> {
    /// Lock servers (one replicated-log group), ids `0..servers`.
    pub servers: u32,
    /// Clients, ids `servers..servers + clients`; the storage is the last id.
    pub clients: u32,
    /// The storage rejects writes whose token is lower than one it accepted (Kleppmann).
    pub fencing: bool,
    pub session_timeout_us: u64,
    pub keepalive_interval_us: u64,
    /// Version 3, Chubby §2.8: after its lease runs out a client's session is in jeopardy
    /// for this long; a KeepAlive answered in time saves it, otherwise the client takes
    /// the session as expired.
    pub grace_period_us: u64,
    /// How often the leader looks for sessions whose timeout has passed.
    pub session_check_us: u64,
    /// A client's wait for an answer before it retries (range; the simulator draws).
    pub request_timeout_us_min: u64,
    pub request_timeout_us_max: u64,
    /// The work between a critical section's `begin` and `end` writes.
    pub cs_work_us_min: u64,
    pub cs_work_us_max: u64,
    /// From the lease check to the write leaving the client (preparing the data): a pause
    /// in this window is Kleppmann's scenario.
    pub write_prep_us: u64,
    /// After a release, how long a client waits before competing again.
    pub rest_us_min: u64,
    pub rest_us_max: u64,
    /// Critical sections each client runs before it stays idle (0: forever). Sweeps set it
    /// so the log goes quiet and the liveness check can ask for equal logs.
    pub rounds: u32,
    /// The servers' log, named in links after the log the servers run: `raft` (the
    /// default) or `zab`. The registry row reads which one the JSON names and builds the
    /// service on that log, under the key `raft` here (see `lock_on`).
    #[serde(rename = "raft")]
    pub log: C,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The scenario's semantics version (not in the configuration's JSON: it comes from
    /// the scenario); the servers' log gets it too.
    #[serde(skip)]
    pub version: u32,
    /// Clients hold the lock they acquire until their session ends, with no critical
    /// section (not in the configuration's JSON): set by a service that uses the lock to
    /// elect its primary (primary/backup).
    #[serde(skip)]
    pub holds: bool,
}

impl<C: LogConfig> Default for LockConfig<C> {
    fn default() -> Self {
        LockConfig {
            servers: 3,
            clients: 3,
            fencing: true,
            session_timeout_us: 1_000_000,
            keepalive_interval_us: 200_000,
            grace_period_us: 1_000_000,
            session_check_us: 50_000,
            request_timeout_us_min: 150_000,
            request_timeout_us_max: 250_000,
            cs_work_us_min: 150_000,
            cs_work_us_max: 250_000,
            write_prep_us: 20_000,
            rest_us_min: 200_000,
            rest_us_max: 400_000,
            rounds: 0,
            log: C::default().with_leases(),
            bug: None,
            version: crate::sim::CURRENT_VERSION,
            holds: false,
        }
    }
}

impl<C: LogConfig> crate::sim::ProtocolConfig for LockConfig<C> {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        LockConfig::validate(self, nodes)
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
        self.log.set_version(version);
    }
}

impl<C> LockConfig<C> {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// The storage node's id (the last one).
    pub fn storage_id(&self) -> NodeId {
        self.servers + self.clients
    }
}

impl<C: LogConfig> LockConfig<C> {
    /// Chubby's grace period (§2.9): a new leader gives every session a fresh timeout plus
    /// the most a deposed leader may have extended a lease after the new one was elected,
    /// as the log bounds it ([`LogConfig::lease_grace_us`]).
    pub fn failover_grace_us(&self) -> u64 {
        self.log.lease_grace_us()
    }

    /// Semantic checks for configurations from links and files: the node count matches,
    /// and the timings let time advance and keep a session alive.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if self.servers == 0 || self.servers > 9 || self.clients == 0 || self.clients > 16 {
            return Err("lock: 1 to 9 servers and 1 to 16 clients".into());
        }
        let want = self.servers + self.clients + 1;
        if nodes != want {
            return Err(format!(
                "lock: {} servers + {} clients + 1 storage need {want} nodes, the scenario has {nodes}",
                self.servers, self.clients
            ));
        }
        let in_range = |v: u64| (1_000..=60_000_000).contains(&v);
        let timings = [
            self.session_timeout_us,
            self.keepalive_interval_us,
            self.grace_period_us,
            self.session_check_us,
            self.request_timeout_us_min,
            self.cs_work_us_min,
            self.rest_us_min,
        ];
        if !timings.iter().all(|v| in_range(*v)) || self.write_prep_us > 60_000_000 {
            return Err("lock: every timing must lie within 1 ms..60 s".into());
        }
        let ranges = [
            (self.request_timeout_us_min, self.request_timeout_us_max),
            (self.cs_work_us_min, self.cs_work_us_max),
            (self.rest_us_min, self.rest_us_max),
        ];
        if ranges.iter().any(|(min, max)| max < min || *max > 60_000_000) {
            return Err("lock: each range needs min ≤ max ≤ 60 s".into());
        }
        if self.keepalive_interval_us >= self.session_timeout_us {
            return Err("lock: keepalive_interval_us must be shorter than session_timeout_us".into());
        }
        self.log.validate(self.servers).map_err(|e| format!("lock: {e}"))
    }
}

crate::json_struct!(LockConfig<C: LogConfig>, "the lock service configuration" { servers, clients, fencing, session_timeout_us, keepalive_interval_us, grace_period_us, session_check_us, request_timeout_us_min, request_timeout_us_max, cs_work_us_min, cs_work_us_max, write_prep_us, rest_us_min, rest_us_max, rounds, log = "raft", bug } skip { version, holds });
