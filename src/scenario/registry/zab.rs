//! Zab's row (Junqueira, Reed, Serafini, DSN 2011; ZooKeeper's Zab 1.0).

use super::*;
use crate::protocols::zab::Zab;

pub const ROW: Row = Row {
    name: "zab",
    family: "zab",
    title: "Zab, ZooKeeper's atomic broadcast (Junqueira, Reed & Serafini 2011; Zab 1.0)",
    nodes: NodeRange { min: 3, max: 64, default: 5 },
    bugs: &[
        Bug { name: "skip_sync", source: "Zab (DSN 2011) §IV-C: a new primary broadcasts only after a quorum acknowledged NEWLEADER (primary integrity)" },
        Bug { name: "diff_not_trunc", source: "ZooKeeper LearnerHandler.syncFollower: a follower holding a transaction the leader lacks must be truncated (TRUNC), not sent a DIFF" },
        Bug { name: "ack_newleader_before_sync", source: "ZOOKEEPER-3911 and ZOOKEEPER-4646: a follower acknowledged NEWLEADER before the synchronized transactions were on disk" },
        Bug { name: "epoch_before_txns", source: "ZOOKEEPER-4643: currentEpoch was updated before the synchronized transactions were persisted" },
        Bug { name: "snap_not_persisted", source: "ZOOKEEPER-3642: a follower did not persist the SNAP before NEWLEADER, then was synchronized by DIFF from its advanced zxid" },
        Bug { name: "ack_before_fsync", source: "Zab (DSN 2011) §IV-C: a follower acknowledges a proposal only once it is on stable storage (the fsync removed)" },
        Bug { name: "no_last_zxid_check", source: "ZooKeeper's server refuses a client that has seen a newer zxid than its own (\"client must try another server\"); Programmer's Guide, single system image" },
    ],
    presets: crate::scenario::presets::zab::presets,
    lessons: &["zab-recovery"],
    consistency: ConsistencyModel {
        model: Consistency::Sequential,
        checker: "Writes in one total order (Integrity, Agreement, TotalOrder, Local and Global primary order, PrimaryIntegrity, PrefixConsistency); reads answered from a server's delivered prefix never older than what the client has seen (SingleSystemImage), or after a sync through the leader (not linearizable under a deposed leader)",
    },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (3, 7),
        knobs: &[
            &["{}", r#"{"committed_log":2}"#, r#"{"committed_log":100}"#],
            &["{}", r#"{"fsync_us":10000}"#, r#"{"fsync_us":500}"#],
            &["{}", r#"{"tick_us":30000}"#, r#"{"tick_us":100000,"notify_timeout_us":200000}"#],
        ],
        leave_down: LeaveDown::Minority,
        liveness_bound_us: 6_000_000,
    },
    layout: Layout::Ring,
    check: check::<Zab>,
    build: build_any::<Zab>,
};
