//! The replication family's rows: an HDFS-style block store with pipelines, checksums and
//! re-replication (HdfsDesign.md; GFS, SOSP 2003; HDFS-265).

use super::*;
use crate::protocols::hdfs::Hdfs;

/// HDFS is built to keep data through every fault the simulator has: timeouts only decide
/// when to act (a DataNode wrongly declared dead costs a copy and later an excess
/// deletion), leases are judged by the NameNode's clock alone, a writer cut off from the
/// NameNode is fenced by generation stamps, messages travel with checksums and replicas
/// with checksums per chunk. So its row declares every fault, disk corruption included.
const HDFS_ASSUMES: Assumptions = Assumptions {
    faults: crate::sim::assume::EVERY_FAULT_KIND,
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: None,
    bounded_delay_us: None,
};

pub const HDFS: Row = Row {
    name: "hdfs",
    family: "replication",
    title: "An HDFS-style block store: pipelines, checksums, generation stamps, leases and rack-aware re-replication (HDFS; GFS 2003)",
    nodes: NodeRange { min: 3, max: 64, default: 8 },
    bugs: &[
        Bug { name: "ack_before_tail", source: "HdfsDesign.md, Replication Pipelining; HDFS-265: a packet is acknowledged only after every DataNode of the pipeline has it (the first DataNode acks at once instead)" },
        Bug { name: "ack_before_sync", source: "HDFS-265 and HDFS hsync (HDFS-744): a DataNode acknowledges an hsync'ed packet only once it is on disk (here it acks from the page cache)" },
        Bug { name: "stale_source", source: "HDFS-265 generation stamps; GFS (SOSP 2003) §4.5: a replica with an older stamp is stale and is neither counted nor copied" },
        Bug { name: "no_checksum_on_copy", source: "GFS (SOSP 2003) §5.2 and HdfsDesign.md, Data Integrity: a copy is verified against its checksums, so corruption does not spread" },
        Bug { name: "rack_unaware", source: "HdfsDesign.md, Replica Placement: one replica on another rack, so losing a rack loses no block (here targets are drawn ignoring racks)" },
    ],
    presets: crate::scenario::presets::hdfs::presets,
    lessons: &["hdfs-pipeline"],
    consistency: ConsistencyModel {
        model: Consistency::AcknowledgedDurable,
        checker: "Acknowledged on the whole pipeline, Acknowledged data survives, Same stamp same bytes, Checksums stop corruption spreading and Reads return what was written after every event; every block back to its replication factor on two racks after faults stop",
    },
    assumptions: HDFS_ASSUMES,
    sweep: SweepDefaults {
        config: r#"{"files":2,"heartbeat_us":50000,"recheck_us":200000,"block_report_us":1000000,"scan_us":150000,"replication_check_us":100000,"pending_timeout_us":800000,"lease_limit_us":2000000,"safemode_us":200000}"#,
        soak_seeds: 100_000,
        nodes: (7, 10),
        knobs: &[
            &["{}", r#"{"racks":3}"#],
            &["{}", r#"{"replication":2}"#],
            &["{}", r#"{"window":1}"#, r#"{"window":4}"#],
            &["{}", r#"{"blocks_per_file":1}"#, r#"{"blocks_per_file":3}"#],
        ],
        leave_down: LeaveDown::Never,
        liveness_bound_us: 20_000_000,
    },
    layout: Layout::Groups,
    check: check::<Hdfs>,
    build: build_any::<Hdfs>,
};
