//! The protocol registry: one row per protocol, listed once (DESIGN.md, "The protocol
//! platform"). A row is plain data and constructors: name, family (the page module that
//! carries it), node range, teaching bugs with their sources, presets, lessons, declared
//! consistency model and fault assumptions, sweep defaults, view, and how to build a run.
//! Everything keyed by a protocol's name derives from its row; adding a protocol is its
//! folder plus one row in its family's file beside this one (`raft.rs`, `txn.rs`, ...) and
//! in `ROWS`. Rows are compiled in per family (Cargo features), so a page
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
    /// A batch job's output equals what a sequential execution of its program produces
    /// (MapReduce, OSDI 2004, §3.3, for deterministic map and reduce operators).
    SameAsSequential,
    /// Every byte acknowledged to a file's single writer is durable and every reader gets
    /// exactly the bytes written (a block store: HDFS's hflush/hsync contract, HDFS-265).
    AcknowledgedDurable,
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
    /// One circle at every size, in node order (Chord's identifier circle, even with a
    /// thousand nodes, where other rings become a sunflower).
    Circle,
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

/// The families whose protocols draw plots against theory (their overlays' `plots`): only
/// their page modules carry the plot chart (`ui::components::overlay_panel`).
pub const PLOT_FAMILIES: &[&str] = &["gossip", "hashring", "mapreduce", "replication"];

/// The families whose clusters may grow past 64 nodes (a row's `nodes.max`): only their
/// page modules carry the cluster canvas (`ui::components::cluster_canvas`), used above
/// `ui::app::CANVAS_ABOVE` nodes; the others draw their clusters as SVG.
pub const CANVAS_FAMILIES: &[&str] = &["gossip", "dht", "hashring"];

/// The family (page module) that carries `protocol`, whether or not this build has it:
/// the page's loader uses it to fetch the right module for a link.
pub fn family_of(protocol: &str) -> Option<&'static str> {
    FAMILIES.iter().find(|(p, _)| *p == protocol).map(|(_, f)| *f)
}

/// Every protocol and its family, compiled into every build (so a page module can tell
/// that a link belongs to another module rather than to no protocol at all).
pub const FAMILIES: &[(&str, &str)] =
    &[("raft", "raft"), ("paxos", "paxos"), ("lock", "lock"), ("gossip", "gossip"), ("swim", "gossip"), ("flood", "flood"), ("2pc", "txn"), ("3pc", "txn"), ("paxos-commit", "txn"), ("zab", "zab"), ("mapreduce", "mapreduce"), ("spark", "mapreduce"), ("chord", "dht"), ("hash-ring", "hashring"), ("cache", "hashring"), ("hdfs", "replication"), ("primary-backup", "failover")];

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
mod raft;

#[cfg(feature = "paxos")]
mod paxos;

#[cfg(feature = "lock")]
mod lock;
#[cfg(feature = "lock")]
pub use lock::lock_on;
#[cfg(feature = "failover")]
mod primary_backup;

#[cfg(feature = "gossip")]
mod gossip;

#[cfg(feature = "flood")]
mod flood;

#[cfg(feature = "txn")]
mod txn;

#[cfg(feature = "zab")]
mod zab;

#[cfg(feature = "mapreduce")]
mod mapreduce;

#[cfg(feature = "dht")]
mod dht;

#[cfg(feature = "hashring")]
mod hashring;

#[cfg(feature = "replication")]
mod replication;

static ROWS: &[Row] = &[
    #[cfg(feature = "raft")]
    raft::ROW,
    #[cfg(feature = "paxos")]
    paxos::ROW,
    #[cfg(feature = "lock")]
    lock::ROW,
    #[cfg(feature = "gossip")]
    gossip::GOSSIP,
    #[cfg(feature = "gossip")]
    gossip::SWIM,
    #[cfg(feature = "flood")]
    flood::ROW,
    #[cfg(feature = "txn")]
    txn::TWO_PC,
    #[cfg(feature = "txn")]
    txn::THREE_PC,
    #[cfg(feature = "txn")]
    txn::PAXOS_COMMIT,
    #[cfg(feature = "zab")]
    zab::ROW,
    #[cfg(feature = "mapreduce")]
    mapreduce::MAPREDUCE,
    #[cfg(feature = "mapreduce")]
    mapreduce::SPARK,
    #[cfg(feature = "dht")]
    dht::CHORD,
    #[cfg(feature = "hashring")]
    hashring::HASH_RING,
    #[cfg(feature = "hashring")]
    hashring::CACHE,
    #[cfg(feature = "replication")]
    replication::HDFS,
    #[cfg(feature = "failover")]
    primary_backup::ROW,
];

