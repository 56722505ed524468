//! Paxos's row (Lamport, "Paxos Made Simple").

use super::*;
use crate::protocols::paxos::Paxos;

pub const ROW: Row = Row {
    name: "paxos",
    family: "paxos",
    title: "Paxos and Multi-Paxos (Lamport, Paxos Made Simple, 2001)",
    nodes: NodeRange { min: 1, max: 64, default: 5 },
    bugs: &[
        Bug { name: "accept_below_promise", source: "Paxos Made Simple §2.2, P1a: accept only if no higher prepare was promised" },
        Bug { name: "ignore_promise_values", source: "Paxos Made Simple §2.2, P2c: propose the highest-numbered accepted value reported" },
        Bug { name: "small_quorum", source: "Paxos Made Simple §2.2: any two majorities intersect" },
        Bug { name: "forget_acceptor_state", source: "Paxos Made Simple §2.3: an acceptor remembers its promise and acceptance across restarts" },
        Bug { name: "no_sessions", source: "Ongaro's thesis §6.3: a state machine that keeps no client sessions applies a retried command again" },
    ],
    presets: crate::scenario::presets::paxos::presets,
    lessons: &["paxos-dueling-proposers"],
    consistency: ConsistencyModel { model: Consistency::Linearizable, checker: "Agreement, Validity, one value per ballot (Paxos Made Simple §2.1)" },
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: "{}",
        soak_seeds: 100_000,
        nodes: (3, 7),
        knobs: &[
            &["{}", r#"{"mode":"single"}"#],
            &["{}", r#"{"backoff":false}"#],
            &[
                "{}",
                r#"{"retry_min_us":30000,"retry_max_us":120000,"heartbeat_us":30000,"leader_timeout_min_us":100000,"leader_timeout_max_us":200000}"#,
            ],
        ],
        leave_down: LeaveDown::Minority,
        liveness_bound_us: 6_000_000,
    },
    layout: Layout::Ring,
    check: check::<Paxos>,
    build: build_any::<Paxos>,
};
