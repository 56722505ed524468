//! Plain data views of the simulation for the UI, the CLI and the page API.

use super::protocol::{NodeId, TimeUs};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Up,
    Crashed,
    Paused,
}

/// One entry of a replicated log, as drawn in the inspector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntryView {
    pub index: u64,
    pub term: u64,
    pub label: String,
}

/// A log; entries with `index <= commit_index` are committed (indices start at 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct LogView {
    pub entries: Vec<LogEntryView>,
    pub commit_index: u64,
    pub last_applied: u64,
}

/// A position in one node's log that the cluster state table marks (the leader's
/// nextIndex and matchIndex for each follower, Raft paper Figure 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogMark {
    pub node: NodeId,
    pub index: u64,
    /// The paper's name for the mark ("nextIndex", "matchIndex").
    pub label: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct TableView {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What a protocol says about one node; the simulator fills in `id`, `status` and timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct NodeView {
    pub id: NodeId,
    pub status: Option<NodeStatus>,
    /// Role or state name ("leader", "follower", "candidate", "informed", …).
    pub role: String,
    /// What the role means for the eye; the page colours nodes by it.
    pub tone: Tone,
    /// The headline number: what `ClusterView::term_name` names (Raft's term, the ballot a
    /// Paxos node leads with or has promised, a SWIM incarnation).
    pub term: Option<u64>,
    /// Key facts as (label, value) pairs, in display order.
    pub fields: Vec<(String, String)>,
    pub log: Option<LogView>,
    pub tables: Vec<TableView>,
    pub timers: Vec<TimerView>,
    /// The node's clock offset and drift as the simulator applies them.
    pub clock_skew_us: i64,
    pub clock_drift_ppm: i64,
    /// How many times as long the node's timers take (a slow node); 1 is full speed (0
    /// where no simulator filled it in). Left out of the JSON at full speed.
    #[serde(skip_serializing_if = "full_speed")]
    pub slow_factor: u32,
}

fn full_speed(factor: &u32) -> bool {
    *factor <= 1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimerView {
    pub name: String,
    pub set_at_us: TimeUs,
    pub fires_at_us: TimeUs,
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub is_reply: bool,
    /// Empty in per-frame views; see `AnyRun::message_summary`.
    pub summary: String,
    pub sent_at_us: TimeUs,
    pub arrives_at_us: TimeUs,
    pub corrupted: bool,
    /// Held on a link (hold/release) or waiting at a paused node.
    pub held: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterView {
    pub protocol: &'static str,
    /// What each node's headline number `term` counts (`Present::TERM_NAME`).
    pub term_name: &'static str,
    pub now_us: TimeUs,
    pub event_count: u64,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    pub trace_hash: String,
    pub violations: Vec<super::protocol::Violation>,
    /// Moments the run went beyond its protocol's declared fault assumptions: violations
    /// after one are labelled "assumption exceeded".
    pub exceeded: Vec<super::assume::Exceeded>,
    /// Links currently cut: (from, to) one-way pairs.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// Links whose messages are held until released: (from, to).
    pub held_links: Vec<(NodeId, NodeId)>,
}

/// What a protocol draws beside and over its nodes, beyond messages: layout groups, dashed
/// arrows (watches), per-node bars (leases left), tables (a lock tree) and plots (measured
/// against theory). Plain data; empty for protocols that need none.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Overlay {
    /// Layout group per node id ("server", "client", "storage"); empty: one ring.
    pub groups: Vec<String>,
    /// A title for a group where the default does not fit: (group, title).
    pub group_titles: Vec<(String, String)>,
    pub arrows: Vec<OverlayArrow>,
    pub bars: Vec<OverlayBar>,
    pub tables: Vec<TableView>,
    pub plots: Vec<Plot>,
    /// Nodes to highlight (the current lock holder).
    pub highlight: Vec<NodeId>,
    /// A lineage graph (Spark's RDDs), drawn beside the tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Lineage>,
    /// Arcs of a hash circle, each owned by a node, drawn as a ring around the nodes (the
    /// hash ring's virtual nodes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arcs: Vec<OverlayArc>,
}

/// One arc of a hash circle, from `start` to `end` clockwise as fractions of 2³² of the
/// circle, and the node that owns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverlayArc {
    pub start: u32,
    pub end: u32,
    pub node: NodeId,
}

/// A lineage graph: datasets left to right, each with its partitions stacked, each joined to
/// the one before by a narrow (partition to partition) or a shuffle (all to all) dependency,
/// and cut into stages (RDDs, NSDI 2012, Figure 5). Plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Lineage {
    pub title: String,
    pub datasets: Vec<Dataset>,
    /// Each stage: its label and the first and last dataset it spans.
    pub stages: Vec<(String, usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Dataset {
    pub name: String,
    /// "narrow" or "shuffle": how it depends on the dataset before it ("" for the first).
    pub dependency: String,
    pub partitions: Vec<PartitionView>,
}

/// One partition: its state, a CSS-friendly word ("stored", "pipelined", "materialized",
/// "computing", "lost", "missing", "committed"), and a short label (where it lies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct PartitionView {
    pub state: String,
    pub label: String,
}

/// A relation between two nodes that is not a message in flight (a watch), drawn dashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverlayArrow {
    pub from: NodeId,
    pub to: NodeId,
    pub label: String,
    /// A CSS-friendly kind ("watch").
    pub kind: String,
}

/// A bar under a node: `permille` of 1000 left (a session lease draining).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverlayBar {
    pub node: NodeId,
    pub label: String,
    pub permille: u32,
}

/// A small line plot: measured series against theory.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Plot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Series {
    pub name: String,
    /// A CSS-friendly class ("measured", "theory").
    pub class: String,
    pub points: Vec<(f64, f64)>,
}

/// What a role means for the eye, so that the page colours nodes without knowing any
/// protocol's role names. Each tone has one colour (`tone-…` classes in the stylesheet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Following, accepting, waiting or idle: the common state.
    #[default]
    Neutral,
    /// Leads the cluster (a Raft or Multi-Paxos leader).
    Leading,
    /// Trying to lead or to get a value chosen (a candidate, a proposer in its phases).
    Contending,
    /// Holds the outcome (learned, informed, holds the lock, alive).
    Settled,
    /// In doubt or winding down (suspected; a gossip site that lost interest).
    Warning,
    /// Lost its standing (its lease expired, confirmed dead).
    Failed,
    /// A resource the protocol guards rather than a participant (the fenced storage).
    Storage,
    /// Passing through a short step (releasing a lock).
    Transient,
}

impl Tone {
    /// Every tone, in declaration order.
    pub const ALL: [Tone; 8] =
        [Tone::Neutral, Tone::Leading, Tone::Contending, Tone::Settled, Tone::Warning, Tone::Failed, Tone::Storage, Tone::Transient];

    /// The snake_case name, as serialized and as used in `tone-…` classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Leading => "leading",
            Tone::Contending => "contending",
            Tone::Settled => "settled",
            Tone::Warning => "warning",
            Tone::Failed => "failed",
            Tone::Storage => "storage",
            Tone::Transient => "transient",
        }
    }
}
