//! The block store's configuration (Apache Hadoop, HdfsDesign.md): replication factor,
//! racks, block and checksum-chunk sizes, the DataNodes' heartbeat, block-report and
//! block-scanner periods, the NameNode's dead-node timeout (2 × recheck + 10 × heartbeat),
//! replication monitor, pending-replication timeout, lease limit and safe-mode extension,
//! the writer's files and timeouts, and the planted teaching bugs.

use crate::sim::{NodeId, ProtocolConfig, TimeUs};
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["ack_before_tail", "ack_before_sync", "stale_source", "no_checksum_on_copy", "rack_unaware"];

/// Node 0 is the NameNode, node 1 the writer; DataNodes are nodes 2 and up.
pub const NAMENODE: NodeId = 0;
pub const CLIENT: NodeId = 1;
pub const FIRST_DATANODE: NodeId = 2;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HdfsConfig {
    /// Replicas per block (`dfs.replication`).
    pub replication: u32,
    /// DataNode `FIRST_DATANODE + i` is on rack `i % racks` (the scenario assigns racks).
    pub racks: u32,
    /// Bytes per checksum chunk (`dfs.bytes-per-checksum`, 512 in HDFS); one chunk a packet.
    pub chunk_bytes: u32,
    /// Chunks per block (a block of `chunk_bytes × block_chunks` bytes).
    pub block_chunks: u32,
    /// Files the writer writes, one after another, each read back once closed.
    pub files: u32,
    pub blocks_per_file: u32,
    /// Packets the writer may have in flight on a pipeline (HDFS's ack queue).
    pub window: u32,
    /// DataNode heartbeat (`dfs.heartbeat.interval`, 3 s).
    pub heartbeat_us: TimeUs,
    /// NameNode's dead-node recheck (`dfs.namenode.heartbeat.recheck-interval`, 5 min): a
    /// DataNode silent for 2 × recheck + 10 × heartbeat is dead.
    pub recheck_us: TimeUs,
    /// Full block report (`dfs.blockreport.intervalMsec`, 6 h).
    pub block_report_us: TimeUs,
    /// The block scanner verifies one replica this often.
    pub scan_us: TimeUs,
    /// NameNode's replication monitor (`dfs.namenode.replication.interval`, 3 s).
    pub replication_check_us: TimeUs,
    /// A scheduled copy not reported within this is scheduled again (5 min in HDFS).
    pub pending_timeout_us: TimeUs,
    /// The lease's hard limit: a writer that has not renewed for this long loses its files
    /// to lease recovery (1 h in HDFS); the writer renews every third of it.
    pub lease_limit_us: TimeUs,
    /// Safe mode lasts at least this long after the NameNode boots (`dfs.namenode.safemode.extension`, 30 s).
    pub safemode_us: TimeUs,
    /// A pipeline stage waits this long for its downstream's ack before it names it bad.
    pub ack_timeout_us: TimeUs,
    /// Client calls to the NameNode and reads from a DataNode are retried after this.
    pub rpc_timeout_us: TimeUs,
    /// A block recovery's primary waits this long for its replicas' answers.
    pub recovery_wait_us: TimeUs,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The scenario's semantics version (from the scenario, not the JSON). Version 5: the
    /// NameNode remembers each replica it told a DataNode to delete until the DataNode says
    /// it did (`blockDeleted`) or a full report leaves it out (HDFS's invalidate and excess
    /// sets), so a report sent before the deletion does not count the replica again; a block
    /// under recovery is completed only by `commitBlockSynchronization`, not by a report of
    /// its old stamp; and a committed block keeps replicas of any stamp as candidates for
    /// its recovery, a restarted NameNode leaving safe mode once each has one.
    #[serde(skip)]
    pub version: u32,
}

impl Default for HdfsConfig {
    fn default() -> Self {
        HdfsConfig {
            replication: 3,
            racks: 2,
            chunk_bytes: 8,
            block_chunks: 4,
            files: 3,
            blocks_per_file: 2,
            window: 2,
            heartbeat_us: 100_000,
            recheck_us: 500_000,
            block_report_us: 2_000_000,
            scan_us: 300_000,
            replication_check_us: 200_000,
            pending_timeout_us: 1_500_000,
            lease_limit_us: 3_000_000,
            safemode_us: 300_000,
            ack_timeout_us: 250_000,
            rpc_timeout_us: 300_000,
            recovery_wait_us: 300_000,
            bug: None,
            version: crate::sim::CURRENT_VERSION,
        }
    }
}

impl HdfsConfig {
    pub fn has_bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// The dead-node timeout HDFS derives: 2 × recheck + 10 × heartbeat.
    pub fn dead_after_us(&self) -> TimeUs {
        2 * self.recheck_us + 10 * self.heartbeat_us
    }
    pub fn block_bytes(&self) -> u32 {
        self.chunk_bytes * self.block_chunks
    }
    pub fn is_datanode(id: NodeId) -> bool {
        id >= FIRST_DATANODE
    }
    /// The rack of DataNode `id`, from 0.
    pub fn rack_of(&self, id: NodeId) -> u32 {
        id.saturating_sub(FIRST_DATANODE) % self.racks.max(1)
    }
}

impl ProtocolConfig for HdfsConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn set_version(&mut self, version: u32) {
        self.version = version;
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        let datanodes = nodes.saturating_sub(FIRST_DATANODE);
        if datanodes < 1 {
            return Err(format!("hdfs: node 0 is the NameNode and node 1 the writer, so at least 3 nodes, not {nodes}"));
        }
        if !(1..=datanodes).contains(&self.replication) {
            return Err(format!("hdfs: replication must be 1 to the {datanodes} DataNodes, not {}", self.replication));
        }
        if !(1..=datanodes).contains(&self.racks) {
            return Err(format!("hdfs: racks must be 1 to the {datanodes} DataNodes, not {}", self.racks));
        }
        for (name, v, max) in [("chunk_bytes", self.chunk_bytes, 512), ("block_chunks", self.block_chunks, 64), ("files", self.files, 100), ("blocks_per_file", self.blocks_per_file, 16), ("window", self.window, 64)] {
            if !(1..=max).contains(&v) {
                return Err(format!("hdfs: {name} must be 1 to {max}, not {v}"));
            }
        }
        let times = [
            ("heartbeat_us", self.heartbeat_us),
            ("recheck_us", self.recheck_us),
            ("block_report_us", self.block_report_us),
            ("scan_us", self.scan_us),
            ("replication_check_us", self.replication_check_us),
            ("pending_timeout_us", self.pending_timeout_us),
            ("lease_limit_us", self.lease_limit_us),
            ("safemode_us", self.safemode_us),
            ("ack_timeout_us", self.ack_timeout_us),
            ("rpc_timeout_us", self.rpc_timeout_us),
            ("recovery_wait_us", self.recovery_wait_us),
        ];
        for (name, v) in times {
            if !(1_000..=3_600_000_000).contains(&v) {
                return Err(format!("hdfs: {name} must be 1 ms to 1 h, not {v} µs"));
            }
        }
        Ok(())
    }
}

crate::json_struct!(HdfsConfig, "the HDFS configuration" { replication, racks, chunk_bytes, block_chunks, files, blocks_per_file, window, heartbeat_us, recheck_us, block_report_us, scan_us, replication_check_us, pending_timeout_us, lease_limit_us, safemode_us, ack_timeout_us, rpc_timeout_us, recovery_wait_us, bug } skip { version });
