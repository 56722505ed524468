//! Raft's row (Ongaro & Ousterhout 2014).

use super::*;
use crate::protocols::raft::RaftKv;

pub const ROW: Row = Row {
    name: "raft",
    family: "raft",
    title: "Raft (Ongaro & Ousterhout 2014, with PreVote and CheckQuorum)",
    nodes: NodeRange { min: 1, max: 64, default: 5 },
    bugs: &[
        Bug { name: "commit_old_term", source: "Raft paper §5.4.2, Figure 8: a leader commits an entry from an earlier term by counting replicas" },
        Bug { name: "vote_without_log_check", source: "Raft paper §5.4.1: the election restriction (grant only to an up-to-date log)" },
        Bug { name: "forget_voted_for", source: "Raft paper Figure 2: votedFor is persistent state" },
        Bug { name: "truncate_without_conflict", source: "Raft paper Figure 2, AppendEntries receiver rule 3: truncate only on a conflict" },
        Bug { name: "small_quorum", source: "Raft paper §5.2/§5.3: elections and commitment need a majority" },
        Bug { name: "vote_before_sync", source: "Raft paper Figure 2: persistent state is updated on stable storage before responding to RPCs" },
        Bug { name: "no_sessions", source: "Ongaro's thesis §6.3: without client sessions a retried command is applied twice" },
        Bug { name: "stale_read", source: "Ongaro's thesis §6.4: a leader must confirm it still leads before serving a read from its state" },
        Bug { name: "ack_before_commit", source: "Raft paper §8: a leader answers a client only once the command is committed and applied (otherwise an acknowledged write can be lost)" },
    ],
    presets: crate::scenario::presets::raft::presets,
    lessons: &["raft-election", "raft-log-replication", "raft-be-the-network"],
    consistency: ConsistencyModel { model: Consistency::Linearizable, checker: "State Machine Safety, Leader Completeness (Figure 3)" },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (3, 7),
        knobs: &[
            &["{}", r#"{"max_entries_per_append":1}"#, r#"{"max_entries_per_append":4}"#],
            &["{}", r#"{"read":"read_index"}"#],
            // Lease reads need PreVote and CheckQuorum (thesis §6.4.1).
            &[
                "{}",
                r#"{"pre_vote":true}"#,
                r#"{"check_quorum":true}"#,
                r#"{"pre_vote":true,"check_quorum":true}"#,
                r#"{"pre_vote":true,"check_quorum":true,"read":"lease"}"#,
            ],
            &[
                "{}",
                r#"{"election_timeout_us_min":100000,"election_timeout_us_max":200000,"heartbeat_interval_us":30000}"#,
                r#"{"election_timeout_us_min":300000,"election_timeout_us_max":600000,"heartbeat_interval_us":100000}"#,
            ],
        ],
        leave_down: LeaveDown::Minority,
        liveness_bound_us: 6_000_000,
    },
    layout: Layout::Ring,
    check: check::<RaftKv>,
    build: build_any::<RaftKv>,
};
