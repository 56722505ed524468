//! The protocol registry: one row per protocol, listed once (DESIGN.md, "The protocol
//! platform"). A row is plain data and constructors: name, family (the page module that
//! carries it), node range, teaching bugs with their sources, presets, lessons, declared
//! consistency model and fault assumptions, sweep defaults, view, and how to build a run.
//! Everything keyed by a protocol's name derives from its row; adding a protocol is its
//! folder plus one row here. Rows are compiled in per family (Cargo features), so a page
//! module carries only its own family's protocols.

use super::model::Scenario;
use super::presets::Preset;
use crate::sim::{AnyRun, Assumptions, History, Present, Protocol, ProtocolConfig, Sim, TimedFault};
use serde::Serialize;

/// How many nodes a scenario of the protocol may have, and how many it gets by default.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct NodeRange {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

/// A planted teaching bug and where it comes from (paper section or real ticket).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Bug {
    pub name: &'static str,
    pub source: &'static str,
}

/// The consistency a protocol promises its clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    Linearizable,
    Sequential,
    Eventual,
    /// All-or-nothing outcomes (atomic commitment, Bernstein et al. 1987, §7.2): every
    /// participant of a transaction reaches the same decision.
    AtomicCommit,
}

/// A consistency model and the checkers that enforce it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ConsistencyModel {
    pub model: Consistency,
    pub checker: &'static str,
}

/// What a sweep of the protocol runs with when given no other flag, and the ranges a swarm
/// seed draws from (`scenario::swarm`).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SweepDefaults {
    /// Protocol configuration (a JSON object) every sweep seed starts from.
    pub config: &'static str,
    /// Seeds `make soak` sweeps.
    pub soak_seeds: u64,
    /// The cluster sizes a swarm seed draws from (inclusive).
    pub nodes: (u32, u32),
    /// Protocol knobs: a swarm seed picks one JSON object from each dimension and merges
    /// them over `config` (a `nodes` field sets the cluster size instead).
    pub knobs: &'static [&'static [&'static str]],
    /// How many members the heal may leave crashed for good.
    pub leave_down: LeaveDown,
    /// How long after the heal liveness must hold (the stated bound): long enough for the
    /// work the sweep gives the protocol to finish once faults stop.
    pub liveness_bound_us: u64,
}

/// How many members a swarm seed's heal may leave crashed: what the protocol must stay live
/// without (its liveness check looks at the live members only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveDown {
    /// None (the protocol's liveness needs every member back).
    Never,
    /// Fewer than half: a majority stays up.
    Minority,
}

/// How the page lays the protocol out.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One ring of peers.
    Ring,
    /// Groups of roles side by side (the protocol's overlay names them).
    Groups,
}

/// Builds a run of a row's protocol, already run to the scenario's playhead.
pub type BuildFn = fn(&Scenario, &Row, bool) -> Result<Box<dyn AnyRun>, String>;

/// One protocol's row.
pub struct Row {
    pub name: &'static str,
    /// The page module (and Cargo feature) that carries this protocol.
    pub family: &'static str,
    pub title: &'static str,
    pub nodes: NodeRange,
    pub bugs: &'static [Bug],
    pub presets: fn() -> Vec<Preset>,
    pub lessons: &'static [&'static str],
    pub consistency: ConsistencyModel,
    pub assumptions: Assumptions,
    pub sweep: SweepDefaults,
    pub layout: Layout,
    /// Check a scenario's configuration for this protocol.
    pub check: fn(&Scenario) -> Result<(), String>,
    /// Build a run, already run to the scenario's playhead.
    pub build: BuildFn,
}

/// Every protocol this build carries, in menu order.
pub fn rows() -> &'static [Row] {
    ROWS
}

/// The row of `protocol`, if this build carries it.
pub fn row(protocol: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.name == protocol)
}

/// The row of `protocol`, or a message saying which module carries it or naming the
/// protocols there are.
pub fn row_or_err(protocol: &str) -> Result<&'static Row, String> {
    row(protocol).ok_or_else(|| match family_of(protocol) {
        Some(family) => format!("{protocol} is in the page module {family:?}, which this build does not carry"),
        None => {
            let known: Vec<&str> = FAMILIES.iter().map(|(p, _)| *p).collect();
            format!("unknown protocol {protocol:?} (known: {})", known.join(", "))
        }
    })
}

/// The family (page module) that carries `protocol`, whether or not this build has it:
/// the page's loader uses it to fetch the right module for a link.
pub fn family_of(protocol: &str) -> Option<&'static str> {
    FAMILIES.iter().find(|(p, _)| *p == protocol).map(|(_, f)| *f)
}

/// Every protocol and its family, compiled into every build (so a page module can tell
/// that a link belongs to another module rather than to no protocol at all).
pub const FAMILIES: &[(&str, &str)] =
    &[("raft", "raft"), ("paxos", "paxos"), ("lock", "lock"), ("gossip", "gossip"), ("swim", "gossip"), ("flood", "flood"), ("2pc", "txn"), ("3pc", "txn"), ("paxos-commit", "txn")];

/// The names of the teaching bugs a protocol offers.
pub fn bug_names(protocol: &str) -> Vec<&'static str> {
    row(protocol).map(|r| r.bugs.iter().map(|b| b.name).collect()).unwrap_or_default()
}

/// Check that the scenario's configuration parses and validates for its protocol.
pub fn check_config(s: &Scenario) -> Result<(), String> {
    (row_or_err(&s.protocol)?.check)(s)
}

/// Build a run of the scenario's protocol, already run to its playhead.
pub fn build(s: &Scenario, keep_trace: bool) -> Result<Box<dyn AnyRun>, String> {
    s.validate()?;
    let row = row_or_err(&s.protocol)?;
    (row.check)(s)?;
    (row.build)(s, row, keep_trace)
}

/// The protocol's configuration from a scenario (its default when absent), with the bug
/// name checked against the row.
pub fn config_of<P: Protocol>(s: &Scenario) -> Result<P::Config, String> {
    let mut config: P::Config = if s.config.is_null() {
        P::Config::default()
    } else {
        serde_json::from_value(s.config.clone()).map_err(|e| format!("{} configuration: {e}", P::NAME))?
    };
    config.set_version(s.version);
    if let Some(bug) = config.bug() {
        let known = bug_names(P::NAME);
        if !known.contains(&bug) {
            return Err(format!("{} has no teaching bug {bug:?} (known: {})", P::NAME, known.join(", ")));
        }
    }
    Ok(config)
}

/// Build a typed run of protocol `P` (tests use it to look inside the nodes).
pub fn build_typed<P: Protocol>(s: &Scenario, keep_trace: bool) -> Result<History<P>, String> {
    s.validate()?;
    let config = config_of::<P>(s)?;
    let mut sim = Sim::<P>::new(s.nodes, s.seed, config, s.net.clone(), s.chaos.clone());
    sim.set_version(s.version);
    if let Some(row) = row(P::NAME) {
        sim.assume(row.assumptions.clone());
        sim.check_linearizability(s.version >= 2 && row.consistency.model == Consistency::Linearizable);
    }
    if s.chaos_on {
        sim.schedule(0, crate::sim::Fault::SetChaos { on: true });
    }
    let (timed, recorded): (Vec<TimedFault>, Vec<TimedFault>) =
        s.faults.iter().cloned().partition(|f| f.after_event.is_none());
    for f in timed {
        sim.schedule(f.at_us, f.fault);
    }
    let mut run = History::new(sim, recorded, keep_trace);
    match s.playhead_event {
        Some(k) => {
            while run.sim().event_count() < k && run.step() {}
            run.sim_mut().advance_to(s.playhead_us);
        }
        None => run.run_until(s.playhead_us),
    }
    Ok(run)
}

fn build_any<P: Present>(s: &Scenario, _row: &Row, keep_trace: bool) -> Result<Box<dyn AnyRun>, String> {
    Ok(Box::new(build_typed::<P>(s, keep_trace)?))
}

/// The configuration parses, names a known bug, and validates for the node count.
fn check<P: Protocol>(s: &Scenario) -> Result<(), String> {
    config_of::<P>(s)?.validate(s.nodes)
}

/// Safety that does not depend on clocks or delays: every fault kind, any drift.
const ASYNCHRONOUS: Assumptions = Assumptions {
    faults: crate::sim::assume::ALL_FAULTS,
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: None,
    bounded_delay_us: None,
};

#[cfg(feature = "raft")]
mod raft_row {
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
}

#[cfg(feature = "paxos")]
mod paxos_row {
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
}

#[cfg(feature = "lock")]
mod lock_row {
    use super::*;
    use crate::protocols::lock::LockNode;

    pub const ROW: Row = Row {
        name: "lock",
        family: "lock",
        title: "Lock service with leases and fencing tokens (Chubby, ZooKeeper recipes) on Raft",
        nodes: NodeRange { min: 3, max: 64, default: 7 },
        bugs: &[
            Bug { name: "herd_effect", source: "ZooKeeper Recipes and Solutions, Locks: watch the predecessor, not the lock node (herd effect)" },
            Bug { name: "client_ignores_lease", source: "Burrows, The Chubby lock service (OSDI 2006) §2.8; Kleppmann, How to do distributed locking (2016)" },
            Bug { name: "sequence_from_child_count", source: "ZooKeeper Programmer's Guide, Sequence Nodes: the counter is the parent's, not the child count" },
            Bug { name: "no_drift_margin", source: "Burrows, The Chubby lock service (OSDI 2006) §2.8: the client's lease timeout is a conservative approximation of the master's, allowing for the rate the master's clock may run faster" },
            Bug { name: "no_leader_lease", source: "Ongaro's thesis §6.4.1: a leader answers from its own state only while it holds a lease from a heartbeat round a majority acknowledged; Chubby §2.9, master leases" },
        ],
        presets: crate::scenario::presets::lock::presets,
        lessons: &["lock-fencing"],
        consistency: ConsistencyModel { model: Consistency::Linearizable, checker: "Mutual Exclusion by Lease, Conservative Lease, Master Lease, One Holder, No Interleaving, Token Order, Fencing Enforced" },
        // Leases depend on clock rates: safety is argued for drift within ρ (the lock
        // service's own bound, which its leases are computed with).
        assumptions: Assumptions { drift_bound_ppm: crate::protocols::lock::config::DRIFT_BOUND_PPM, ..ASYNCHRONOUS },
        sweep: SweepDefaults {
            config: r#"{"rounds":3}"#,
            soak_seeds: 100_000,
            nodes: (7, 7),
            knobs: &[
                &["{}", r#"{"servers":5,"clients":3,"nodes":9}"#, r#"{"servers":3,"clients":5,"nodes":9}"#, r#"{"servers":3,"clients":2,"nodes":6}"#],
                &["{}", r#"{"session_timeout_us":500000,"keepalive_interval_us":100000}"#, r#"{"session_timeout_us":2000000,"keepalive_interval_us":400000}"#],
                &["{}", r#"{"write_prep_us":100000}"#],
            ],
            leave_down: LeaveDown::Never,
            // Up to five clients each run their three critical sections again after the
            // heal's restart, one at a time.
            liveness_bound_us: 15_000_000,
        },
        layout: Layout::Groups,
        check: check::<LockNode>,
        build: build_any::<LockNode>,
    };
}

#[cfg(feature = "gossip")]
mod gossip_rows {
    use super::*;
    use crate::protocols::gossip::Gossip;
    use crate::protocols::swim::Swim;

    pub const GOSSIP: Row = Row {
        name: "gossip",
        family: "gossip",
        title: "Epidemic dissemination: rumor mongering and anti-entropy (Demers et al. 1987)",
        nodes: NodeRange { min: 1, max: 2_000, default: 5 },
        bugs: &[
            Bug { name: "anti_entropy_hot_only", source: "Demers et al. 1987 §1.4: anti-entropy exchanges whole databases, the backup for rumors that die out" },
            Bug { name: "concat_on_conflict", source: "Demers et al. 1987 §1.1: the value with the newer timestamp wins" },
        ],
        presets: crate::scenario::presets::gossip::gossip_presets,
        lessons: &["gossip-spread"],
        consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Validity, Timestamps never decrease; convergence after faults stop (liveness)" },
        assumptions: ASYNCHRONOUS,
        sweep: SweepDefaults {
            config: "{}",
            soak_seeds: 100_000,
            nodes: (2, 12),
            knobs: &[
                &["{}", r#"{"mode":"push"}"#, r#"{"mode":"pull"}"#],
                &["{}", r#"{"fanout":2}"#, r#"{"fanout":3}"#],
                &["{}", r#"{"k":1}"#, r#"{"k":4}"#],
                &["{}", r#"{"anti_entropy_interval_us":300000}"#, r#"{"gossip_interval_us":50000}"#],
            ],
            leave_down: LeaveDown::Minority,
            // Convergence is probabilistic (each round picks its partner at random, some of
            // them down): the bound allows ten rounds at the slowest knob.
            liveness_bound_us: 10_000_000,
        },
        layout: Layout::Ring,
        check: check::<Gossip>,
        build: build_any::<Gossip>,
    };

    pub const SWIM: Row = Row {
        name: "swim",
        family: "gossip",
        title: "SWIM membership and failure detection (Das, Gupta, Motivala 2002)",
        nodes: NodeRange { min: 1, max: 2_000, default: 5 },
        bugs: &[
            Bug { name: "no_refutation", source: "SWIM §4.2: a suspected member refutes by raising its incarnation" },
            Bug { name: "accept_stale_incarnation", source: "SWIM §4.2: updates with a lower incarnation are ignored" },
            Bug { name: "alive_overrides_confirm", source: "SWIM §4.2: Confirm overrides every Alive and Suspect" },
        ],
        presets: crate::scenario::presets::gossip::swim_presets,
        lessons: &["swim-suspicion"],
        consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Incarnation monotonic, Confirm final, Confirm only after the suspicion timeout; after faults stop every live member seen alive and every crashed one dead" },
        assumptions: ASYNCHRONOUS,
        sweep: SweepDefaults {
            config: "{}",
            soak_seeds: 100_000,
            nodes: (3, 12),
            knobs: &[
                &["{}", r#"{"protocol_period_us":100000,"ping_timeout_us":30000}"#, r#"{"protocol_period_us":400000,"ping_timeout_us":100000}"#],
                &["{}", r#"{"suspicion_timeout_us":500000}"#, r#"{"suspicion_timeout_us":2000000}"#],
                &["{}", r#"{"indirect_probes":1}"#],
            ],
            leave_down: LeaveDown::Minority,
            // Strong completeness (§2): each crashed member is probed within a round-robin
            // pass of up to 12 members, then suspected for up to 2 s, then confirmed.
            liveness_bound_us: 12_000_000,
        },
        layout: Layout::Ring,
        check: check::<Swim>,
        build: build_any::<Swim>,
    };
}

#[cfg(feature = "flood")]
mod flood_row {
    use super::*;
    use crate::protocols::flood::Flood;

    pub const ROW: Row = Row {
        name: "flood",
        family: "flood",
        title: "Flooding with anti-entropy (a small protocol that exercises the simulator)",
        nodes: NodeRange { min: 1, max: 64, default: 5 },
        bugs: &[Bug { name: "forget_on_restart", source: "simulator contract: what a node knows must be durable to survive a crash" }],
        presets: crate::scenario::presets::flood_presets,
        lessons: &[],
        consistency: ConsistencyModel { model: Consistency::Eventual, checker: "Durable knowledge; every node knows every value after faults stop" },
        assumptions: ASYNCHRONOUS,
        sweep: SweepDefaults {
            config: "{}",
            soak_seeds: 100_000,
            nodes: (2, 9),
            knobs: &[&["{}", r#"{"sync_interval_us":100000}"#, r#"{"sync_interval_us":1000000}"#]],
            leave_down: LeaveDown::Minority,
            // Convergence is probabilistic (each round picks its partner at random, some of
            // them down): the bound allows ten rounds at the slowest knob.
            liveness_bound_us: 10_000_000,
        },
        layout: Layout::Ring,
        check: check::<Flood>,
        build: build_any::<Flood>,
    };
}

#[cfg(feature = "txn")]
mod txn_rows {
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
    /// come back and run the recovery protocol), detected accurately because no message
    /// takes longer than the bound its timeouts are checked against; no partitions, pauses,
    /// held, lost, duplicated or reordered messages, and clocks that keep time.
    const THREE_PC_ASSUMES: Assumptions = Assumptions {
        faults: &[FaultClass::Crash],
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
        ],
        presets: crate::scenario::presets::txn::three_pc_presets,
        lessons: &["3pc-partition"],
        consistency: ConsistencyModel { model: Consistency::AtomicCommit, checker: "AC1 Agreement, AC2 No reversal, AC3 Commit needs every yes (Bernstein et al. §7.2); AC5 after faults stop (a total failure may block)" },
        assumptions: THREE_PC_ASSUMES,
        sweep: SweepDefaults {
            config: r#"{"transactions":40,"txn_interval_us":100000}"#,
            soak_seeds: 100_000,
            nodes: (3, 6),
            knobs: &[
                &["{}", r#"{"no_vote_permille":100}"#, r#"{"no_vote_permille":300}"#],
                &["{}", r#"{"keys":1}"#, r#"{"keys":4,"txn_interval_us":40000}"#],
                &["{}", r#"{"send_gap_us":0}"#, r#"{"send_gap_us":20000,"reply_window_us":300000,"termination_timeout_us":1300000}"#],
                &["{}", r#"{"vote_timeout_us":1000000,"termination_timeout_us":1500000}"#],
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
}

static ROWS: &[Row] = &[
    #[cfg(feature = "raft")]
    raft_row::ROW,
    #[cfg(feature = "paxos")]
    paxos_row::ROW,
    #[cfg(feature = "lock")]
    lock_row::ROW,
    #[cfg(feature = "gossip")]
    gossip_rows::GOSSIP,
    #[cfg(feature = "gossip")]
    gossip_rows::SWIM,
    #[cfg(feature = "flood")]
    flood_row::ROW,
    #[cfg(feature = "txn")]
    txn_rows::TWO_PC,
    #[cfg(feature = "txn")]
    txn_rows::THREE_PC,
    #[cfg(feature = "txn")]
    txn_rows::PAXOS_COMMIT,
];

