//! Primary/backup's row (MIT 6.824 primary/backup; HBase region failover), the failover
//! family's: its module carries the lock service and the Raft it runs on, a composite
//! budgeted as one module (DESIGN.md, "Protocols on protocols").

use super::*;
use crate::protocols::primary_backup::PbNode;

pub const ROW: Row = Row {
    name: "primary-backup",
    family: "failover",
    title: "Primary/backup with failover by the lock service, a fenced write-ahead log replayed before serving (MIT 6.824; HBase region failover)",
    nodes: NodeRange { min: 5, max: 20, default: 7 },
    bugs: &[
        Bug { name: "no_fencing", source: "Kleppmann, How to do distributed locking (2016): without fencing tokens a paused lock holder (a zombie primary) writes after its lease ended; HBase recovers the lease on the old server's WAL for the same reason" },
        Bug { name: "backup_accepts_old_epoch", source: "MIT 6.824 primary/backup: a backup accepts operations only from the primary of the current view" },
        Bug { name: "serve_before_replay", source: "Apache HBase reference guide, region failover: the WAL is split and replayed before the region reopens on another server" },
        Bug { name: "ack_before_backups_apply", source: "MIT 6.824 primary/backup: the primary replies to the client only after the backup has applied the operation" },
        Bug { name: "ack_before_sync", source: "Apache HBase reference guide, write-ahead log: an edit is acknowledged once the WAL has it durably (hsync/hflush); here the storage answers before its sync" },
    ],
    presets: crate::scenario::presets::primary_backup::presets,
    lessons: &["primary-backup-failover"],
    consistency: ConsistencyModel {
        model: Consistency::Linearizable,
        checker: "Linearizability of clients' reads and writes (Herlihy and Wing 1990); One primary per epoch, Log files fenced, Acknowledged on every backup, Backups follow their primary after every event",
    },
    // Reads are served under the primary's lock lease, sound for drift within the lock
    // service's bound; writes are fenced at the storage, so pauses are inside.
    assumptions: Assumptions { drift_bound_ppm: crate::protocols::lock::config::DRIFT_BOUND_PPM, ..ASYNCHRONOUS },
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (6, 9),
        knobs: &[
            &["{}", r#"{"session_timeout_us":500000,"keepalive_interval_us":100000,"grace_period_us":250000}"#, r#"{"session_timeout_us":2000000,"keepalive_interval_us":400000}"#],
            &["{}", r#"{"backup_timeout_us":150000}"#, r#"{"backup_timeout_us":1500000}"#],
            &["{}", r#"{"resend_us":30000}"#],
        ],
        leave_down: LeaveDown::Never,
        liveness_bound_us: 12_000_000,
    },
    layout: Layout::Groups,
    check: check::<PbNode>,
    build: build_any::<PbNode>,
};
