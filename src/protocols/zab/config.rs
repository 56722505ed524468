//! Zab's configuration: ZooKeeper's tickTime, initLimit and syncLimit (scaled to the
//! simulation's milliseconds), Fast Leader Election's notification timeout and finalize
//! wait, the leader's in-memory committed log (past it a follower gets SNAP), the time an
//! fsync takes, and the planted teaching bugs.

use serde::Serialize;

/// How a server answers a read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// From its own delivered state at once (ZooKeeper's reads: sequentially consistent).
    #[default]
    Local,
    /// After a `sync` through the leader (ZooKeeper's sync, then read): current as of the
    /// leader's view, yet not linearizable while a deposed leader does not know it yet.
    Sync,
}

impl ReadMode {
    fn is_local(&self) -> bool {
        *self == ReadMode::Local
    }
}

pub const BUGS: &[&str] = &["skip_sync", "diff_not_trunc", "ack_newleader_before_sync", "epoch_before_txns", "snap_not_persisted", "ack_before_fsync", "no_last_zxid_check"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZabConfig {
    /// ZooKeeper's tickTime: the leader pings and every server checks its limits each tick.
    pub tick_us: u64,
    /// initLimit: ticks a leader and its followers have for discovery and synchronization.
    pub init_limit: u64,
    /// syncLimit: ticks a follower may go unheard (by the leader, or the leader by it).
    pub sync_limit: u64,
    /// Fast Leader Election resends its notification after this long without an answer.
    pub notify_timeout_us: u64,
    /// finalizeWait: how long an election waits for a better vote once a quorum agrees.
    pub finalize_wait_us: u64,
    /// How many of its latest transactions the leader keeps in memory: a follower whose
    /// last zxid is older is synchronized by SNAP (ZooKeeper's committed log, 500 there).
    pub committed_log: u64,
    /// How long an fsync takes: ACKs wait for it.
    pub fsync_us: u64,
    /// How reads are answered: locally (the default) or after a sync through the leader.
    #[serde(skip_serializing_if = "ReadMode::is_local")]
    pub reads: ReadMode,
    /// A leader lease for a service built on Zab (the lock service asks for one): the
    /// leader numbers its PINGs and holds a lease from the last round a quorum in
    /// broadcast answered, sound for clocks whose rates differ by at most this bound
    /// (parts per million); a server that boots stays out of elections for syncLimit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_drift_bound_ppm: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The scenario's semantics version (from the scenario, not the JSON). Version 4: a
    /// follower's messages to its leader are numbered within their session as the
    /// leader's are (both directions of ZooKeeper's TCP connection), the leader drops a
    /// follower it has not heard in order for syncLimit, and a follower's NEWLEADER
    /// acknowledgement counts as its ACK of the proposals it was synchronized with.
    #[serde(skip)]
    pub version: u32,
}

impl Default for ZabConfig {
    fn default() -> Self {
        ZabConfig {
            tick_us: 50_000,
            init_limit: 10,
            sync_limit: 5,
            notify_timeout_us: 100_000,
            finalize_wait_us: 20_000,
            committed_log: 8,
            fsync_us: 2_000,
            reads: ReadMode::Local,
            lease_drift_bound_ppm: None,
            bug: None,
            version: crate::sim::CURRENT_VERSION,
        }
    }
}

impl crate::sim::ProtocolConfig for ZabConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
    }
    fn validate(&self, _nodes: u32) -> Result<(), String> {
        let ms = 1_000..=60_000_000;
        if !ms.contains(&self.tick_us) || !ms.contains(&self.notify_timeout_us) {
            return Err("zab: tick_us and notify_timeout_us must lie within 1 ms..60 s".into());
        }
        if !(1..=1_000).contains(&self.init_limit) || !(1..=1_000).contains(&self.sync_limit) {
            return Err("zab: init_limit and sync_limit are counts of ticks, 1..1000".into());
        }
        if self.finalize_wait_us > 10_000_000 || self.fsync_us > 10_000_000 {
            return Err("zab: finalize_wait_us and fsync_us must be at most 10 s".into());
        }
        if self.lease_drift_bound_ppm.is_some_and(|p| p >= 1_000_000) {
            return Err("zab: lease_drift_bound_ppm must be below 1,000,000".into());
        }
        if !(1..=1_000_000).contains(&self.committed_log) {
            return Err("zab: committed_log must lie within 1..1000000".into());
        }
        Ok(())
    }
}

impl ZabConfig {
    pub fn bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// Version 4's sessions (see `version`).
    pub fn v4(&self) -> bool {
        self.version >= 4
    }
    pub fn init_limit_us(&self) -> u64 {
        self.tick_us * self.init_limit
    }
    pub fn sync_limit_us(&self) -> u64 {
        self.tick_us * self.sync_limit
    }
}

crate::json_unit_enum!(ReadMode { Local = "local", Sync = "sync" });
crate::json_struct!(ZabConfig, "the Zab configuration" { tick_us, init_limit, sync_limit, notify_timeout_us, finalize_wait_us, committed_log, fsync_us, reads, lease_drift_bound_ppm, bug } skip { version });
