//! Primary/backup configuration: the coordinators (a lock service on Raft), the session
//! timing the replicas' lock sessions run with (Chubby §2.8), how long a silent backup stays
//! in the primary's view, how often unanswered messages are sent again, and the planted
//! teaching bugs (MIT 6.824 primary/backup; HBase region failover).

use crate::protocols::lock::LockConfig;
use crate::protocols::raft::RaftConfig;
use crate::sim::{LogConfig, NodeId};
use serde::Serialize;

/// - `no_fencing`: neither the storage nor the backups compare epochs, so a deposed
///   primary that has not noticed (a zombie) still logs, forwards and acknowledges writes.
/// - `backup_accepts_old_epoch`: a backup applies what a primary of an older epoch forwards
///   (the storage still fences).
/// - `serve_before_replay`: a new primary answers clients as soon as it holds the lock,
///   before it has replayed the write-ahead log.
/// - `ack_before_backups_apply`: the primary acknowledges a write once the log has it,
///   without waiting for its backups.
/// - `ack_before_sync`: the storage acknowledges appended records before they are on disk
///   (the required sync removed); a fence still syncs.
pub const BUGS: &[&str] = &["no_fencing", "backup_accepts_old_epoch", "serve_before_replay", "ack_before_backups_apply", "ack_before_sync"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PbConfig {
    /// Coordinators: the lock service's servers, ids `0..coords`. The replicas follow, then
    /// the storage holding the write-ahead log (the last id).
    pub coords: u32,
    /// The replicas' lock sessions (ZooKeeper sessions: ephemeral nodes live as long).
    pub session_timeout_us: u64,
    pub keepalive_interval_us: u64,
    pub grace_period_us: u64,
    /// A backup that has not answered the primary for this long leaves its view.
    pub backup_timeout_us: u64,
    /// Unanswered appends, forwards and fences go again after this long.
    pub resend_us: u64,
    /// The coordinators' Raft.
    pub raft: RaftConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    #[serde(skip)]
    pub version: u32,
}

impl Default for PbConfig {
    fn default() -> Self {
        PbConfig {
            coords: 3,
            session_timeout_us: 1_000_000,
            keepalive_interval_us: 200_000,
            grace_period_us: 500_000,
            backup_timeout_us: 400_000,
            resend_us: 100_000,
            raft: RaftConfig::default().with_leases(),
            bug: None,
            version: crate::sim::CURRENT_VERSION,
        }
    }
}

impl crate::sim::ProtocolConfig for PbConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(1..=7).contains(&self.coords) {
            return Err("primary-backup: 1 to 7 coordinators".into());
        }
        let replicas = nodes.saturating_sub(self.coords + 1);
        if !(2..=12).contains(&replicas) {
            return Err(format!("primary-backup: {} coordinators + 2 to 12 replicas + 1 storage: {} to {} nodes, the scenario has {nodes}", self.coords, self.coords + 3, self.coords + 13));
        }
        let in_range = |v: u64| (1_000..=60_000_000).contains(&v);
        let timings = [self.session_timeout_us, self.keepalive_interval_us, self.grace_period_us, self.backup_timeout_us, self.resend_us];
        if !timings.iter().all(|v| in_range(*v)) {
            return Err("primary-backup: every timing must lie within 1 ms..60 s".into());
        }
        if self.keepalive_interval_us >= self.session_timeout_us {
            return Err("primary-backup: keepalive_interval_us must be shorter than session_timeout_us".into());
        }
        self.raft.validate(self.coords).map_err(|e| format!("primary-backup: {e}"))
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
        self.raft.set_version(version);
    }
}

impl PbConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// The lock service the coordinators and the replicas' sessions run: the replicas are
    /// its clients, holding the lock they win (the primary's) until their session ends.
    pub fn lock_config(&self, n: u32) -> LockConfig {
        LockConfig {
            servers: self.coords,
            clients: Self::replicas_in(self.coords, n),
            session_timeout_us: self.session_timeout_us,
            keepalive_interval_us: self.keepalive_interval_us,
            grace_period_us: self.grace_period_us,
            log: self.raft.clone(),
            version: self.version,
            holds: true,
            ..LockConfig::default()
        }
    }
    pub fn replicas_in(coords: u32, n: u32) -> u32 {
        n.saturating_sub(coords + 1)
    }
    pub fn storage_id(&self, n: u32) -> NodeId {
        n - 1
    }
}

crate::json_struct!(PbConfig, "the primary/backup configuration" { coords, session_timeout_us, keepalive_interval_us, grace_period_us, backup_timeout_us, resend_us, raft, bug } skip { version });
