//! The distributed-transactions family's rows: two-phase commit, three-phase commit and Paxos Commit (Bernstein et al. 1987, ch. 7; Skeen 1981; Gray & Lamport 2006).

use super::*;
use crate::protocols::paxos_commit::PaxosCommit;
use crate::protocols::threepc::ThreePc;
use crate::protocols::twopc::TwoPc;
use crate::sim::assume::FaultClass;

pub const TWO_PC: Row = Row {
    name: "2pc",
    family: "txn",
    title: "Two-phase commit with a backup coordinator and cooperative termination (Gray 1978; Bernstein et al. 1987, ch. 7)",
    nodes: NodeRange { min: 4, max: 12, default: 5 },
    bugs: &[
        Bug { name: "prepared_timeout_abort", source: "Bernstein et al. 1987, §7.4: a participant that voted yes is uncertain and may not abort on its own at a timeout" },
        Bug { name: "backup_abort_without_guard", source: "2PCwithBTM.tla (tlaplus/Examples, transaction_commit): canAbort's guard that no RM has committed, \"inconsistent if commented\"" },
        Bug { name: "vote_before_force", source: "Gray 1978; Bernstein et al. 1987, §7.3: a participant forces its prepared record before it votes yes" },
        Bug { name: "decide_before_force", source: "Gray 1978; Bernstein et al. 1987, §7.3: the coordinator forces its commit record before it sends the decision" },
        Bug { name: "ack_before_force", source: "Mohan, Lindsay, Obermarck 1986, §2: a subordinate forces its commit record before acknowledging, or the coordinator forgets a commit the subordinate may lose" },
        Bug { name: "unilateral_abort_unforced", source: "Bernstein et al. 1987, §7.4: a participant that has not voted may abort, and that decision must survive its crash before others act on it" },
    ],
    presets: crate::scenario::presets::txn::two_pc_presets,
    lessons: &["2pc-blocking"],
    consistency: ConsistencyModel { model: Consistency::AtomicCommit, checker: "AC1 Agreement, AC2 No reversal, AC3 Commit needs every yes (Bernstein et al. §7.2); AC5 after faults stop" },
    // Safe under every fault (it may block while the coordinator is down).
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        // Transactions through the whole chaos window (3-6 s), not only its start.
        config: r#"{"transactions":40,"txn_interval_us":100000}"#,
        soak_seeds: 100_000,
        nodes: (4, 7),
        knobs: &[
            &["{}", r#"{"presumed":"nothing"}"#],
            &["{}", r#"{"no_vote_permille":100}"#, r#"{"no_vote_permille":300}"#],
            &["{}", r#"{"keys":1}"#, r#"{"keys":4,"txn_interval_us":40000}"#],
            &["{}", r#"{"vote_timeout_us":100000}"#, r#"{"vote_timeout_us":1000000}"#],
            &["{}", r#"{"termination_timeout_us":100000,"resend_us":100000}"#],
        ],
        // The coordinator must be back for every transaction to finish (2PC blocks).
        leave_down: LeaveDown::Never,
        liveness_bound_us: 5_000_000,
    },
    layout: Layout::Groups,
    check: check::<TwoPc>,
    build: build_any::<TwoPc>,
};

/// Three-phase commit's safety rests on its timeouts: crash failures only (a node may
/// come back, with what it forced to stable storage, and run the recovery protocol),
/// detected accurately because no message takes longer than the bound its timeouts are
/// checked against; no partitions, pauses, held, lost, duplicated or reordered messages,
/// and clocks that keep time.
const THREE_PC_ASSUMES: Assumptions = Assumptions {
    faults: &[FaultClass::Crash, FaultClass::LoseUnsynced],
    drift_bound_ppm: 0,
    max_adjacent_failures: None,
    bounded_delay_us: Some(crate::protocols::threepc::DELAY_BOUND_US),
};

pub const THREE_PC: Row = Row {
    name: "3pc",
    family: "txn",
    title: "Three-phase commit with the termination and recovery protocols (Skeen 1981; Bernstein et al. 1987, §7.5)",
    nodes: NodeRange { min: 3, max: 12, default: 4 },
    bugs: &[
        Bug { name: "docommit_before_all_acks", source: "Skeen 1981; Bernstein et al. 1987, §7.5: the coordinator commits only once every operational participant acknowledged PreCommit (no committed site beside an uncertain one)" },
        Bug { name: "termination_ignores_precommit", source: "Bernstein et al. 1987, §7.5, termination rule TR4: if some participant is committable, the backup commits" },
        Bug { name: "recovered_decides_alone", source: "Bernstein et al. 1987, §7.5: a participant that fails uncertain or committable may not decide independently on recovery; it asks the others" },
        Bug { name: "yes_before_force", source: "Bernstein et al. 1987, §7.5 (as §7.3): a participant forces its prepared record before it votes yes" },
        Bug { name: "pre_commit_before_force", source: "Skeen 1981; Bernstein et al. 1987, §7.5: the coordinator's pre-commit record is on stable storage before any PreCommit, or after a crash it presumes abort for what the participants may commit" },
    ],
    presets: crate::scenario::presets::txn::three_pc_presets,
    lessons: &["3pc-nonblocking"],
    consistency: ConsistencyModel { model: Consistency::AtomicCommit, checker: "AC1 Agreement, AC2 No reversal, AC3 Commit needs every yes (Bernstein et al. §7.2); AC5 after faults stop (a total failure may block)" },
    assumptions: THREE_PC_ASSUMES,
    sweep: SweepDefaults {
        config: r#"{"transactions":40,"txn_interval_us":100000}"#,
        soak_seeds: 100_000,
        nodes: (3, 6),
        knobs: &[
            &["{}", r#"{"no_vote_permille":100}"#, r#"{"no_vote_permille":300}"#],
            &["{}", r#"{"keys":1}"#, r#"{"keys":4,"txn_interval_us":40000}"#],
            // Timeouts: the defaults, the shortest the delay bound allows for six nodes, or
            // long ones (before the send gap, whose slow choice sets the timeouts it needs).
            &[
                "{}",
                r#"{"vote_timeout_us":200000,"reply_window_us":200000,"termination_timeout_us":720000}"#,
                r#"{"vote_timeout_us":1000000,"termination_timeout_us":1500000}"#,
            ],
            &["{}", r#"{"send_gap_us":0}"#, r#"{"send_gap_us":20000,"reply_window_us":300000,"termination_timeout_us":1300000}"#],
        ],
        // Crashed participants come back for the heal; one that comes back uncertain
        // after a total failure may stay blocked (allowed, see the liveness check).
        leave_down: LeaveDown::Never,
        liveness_bound_us: 10_000_000,
    },
    layout: Layout::Groups,
    check: check::<ThreePc>,
    build: build_any::<ThreePc>,
};

pub const PAXOS_COMMIT: Row = Row {
    name: "paxos-commit",
    family: "txn",
    title: "Paxos Commit (Gray & Lamport, Consensus on Transaction Commit, 2006)",
    nodes: NodeRange { min: 4, max: 12, default: 7 },
    bugs: &[
        Bug { name: "abort_without_phase1", source: "Gray & Lamport 2006, §4: a new leader learns each instance in phase 1 before it may propose Aborted for it" },
        Bug { name: "commit_on_majority", source: "Gray & Lamport 2006, §4: commit only when every participant's instance chose Prepared" },
        Bug { name: "accept_below_promise", source: "Paxos Made Simple §2.2, P1a, as PaxosCommit.tla's acceptor: accept only at or above the ballot promised" },
        Bug { name: "accept_before_durable", source: "Gray & Lamport 2006, §4: an acceptor's vote is written to stable storage before its phase 2b message is sent" },
    ],
    presets: crate::scenario::presets::txn::paxos_commit_presets,
    lessons: &["paxos-commit-takeover"],
    consistency: ConsistencyModel { model: Consistency::AtomicCommit, checker: "AC1 Agreement, AC2 No reversal, AC3 Commit needs every yes, One vote chosen per instance; AC5 after faults stop" },
    // Safe under every fault; live while F + 1 acceptors and the participants are up.
    assumptions: ASYNCHRONOUS,
    sweep: SweepDefaults {
        config: r#"{"transactions":40,"txn_interval_us":100000}"#,
        soak_seeds: 100_000,
        nodes: (6, 8),
        knobs: &[
            &["{}", r#"{"f":0,"nodes":5}"#, r#"{"f":2,"nodes":9}"#],
            &["{}", r#"{"no_vote_permille":100}"#, r#"{"no_vote_permille":300}"#],
            &["{}", r#"{"keys":1}"#, r#"{"keys":4,"txn_interval_us":40000}"#],
            &["{}", r#"{"leader_timeout_us":100000}"#, r#"{"decision_timeout_us":100000}"#],
        ],
        leave_down: LeaveDown::Never,
        // A participant may have a queue of transactions behind one lock that everyone
        // else decided while it was away and the deciders have since forgotten (leaders
        // keep nothing on disk): each needs a take-over, about half a second, once faults
        // stop.
        liveness_bound_us: 20_000_000,
    },
    layout: Layout::Groups,
    check: check::<PaxosCommit>,
    build: build_any::<PaxosCommit>,
};
