//! The fault vocabulary, one enum shared by the page's panel, scenario schedules, the CLI
//! and the tests (in the manner of turmoil's partition/repair/hold/release/crash/bounce).

use super::protocol::{ClientOp, NodeId, TimeUs};
use serde::Serialize;

/// Network behaviour. Probabilities are in parts per million so that no float ever
/// takes part in a decision (replay stays exact on every platform). Read by hand, every
/// field optional ([`super::fault_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetConfig {
    pub latency_min_us: TimeUs,
    pub latency_max_us: TimeUs,
    pub loss_ppm: u32,
    pub duplicate_ppm: u32,
    /// Chance that a message is held back by up to `reorder_extra_us` more, so that
    /// later messages overtake it.
    pub reorder_ppm: u32,
    pub reorder_extra_us: TimeUs,
    pub corrupt_ppm: u32,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_min_us: 10_000,
            latency_max_us: 20_000,
            loss_ppm: 0,
            duplicate_ppm: 0,
            reorder_ppm: 0,
            reorder_extra_us: 50_000,
            corrupt_ppm: 0,
        }
    }
}

/// Chaos mode: random faults drawn from the seed. Rates are chances per tick, in ppm.
/// Read by hand, every field optional ([`super::fault_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChaosConfig {
    pub tick_us: TimeUs,
    pub crash_ppm: u32,
    pub partition_ppm: u32,
    pub pause_ppm: u32,
    pub skew_ppm: u32,
    /// Chance that a crash chaos draws loses the node's unsynced writes (a plain crash
    /// keeps them). 0 draws nothing, so links made before this field replay exactly.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lose_unsynced_ppm: u32,
    /// How long a crashed node stays down / a partition lasts / a pause lasts, at most.
    pub max_downtime_us: TimeUs,
    /// When set, how long a crashed node stays down at most, drawn apart from the other
    /// faults' `max_downtime_us` (a restart inside one election). Absent in links made
    /// before it existed, which draw nothing for it and replay exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_restart_delay_us: Option<TimeUs>,
    /// Chance that a handler which wrote durable state is followed at once by a crash of
    /// its node (a crash point at a durable write, as crash-consistency testing places
    /// them: the handler's messages are out, its unsynced writes may be lost). 0 draws
    /// nothing, so links made before this field replay exactly.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub crash_after_write_ppm: u32,
    /// Chance that a tick slows a node down (its timers take `factor` times as long),
    /// undone like the other faults. 0 draws nothing, so links made before this field
    /// replay exactly.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub slow_ppm: u32,
    /// The largest slowdown factor chaos draws (from 2); 0 means 10.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub slow_factor_max: u32,
    /// Chance that a tick flips bytes in one durable record of a node's disk (nothing to
    /// undo: the damage stays until the protocol repairs it). 0 draws nothing, so links
    /// made before this field replay exactly.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disk_corrupt_ppm: u32,
    /// Network faults while chaos is on.
    pub net: NetConfig,
}

impl Default for ChaosConfig {
    fn default() -> Self {
        ChaosConfig {
            tick_us: 100_000,
            crash_ppm: 60_000,
            partition_ppm: 40_000,
            pause_ppm: 40_000,
            skew_ppm: 20_000,
            lose_unsynced_ppm: 0,
            max_downtime_us: 1_500_000,
            max_restart_delay_us: None,
            crash_after_write_ppm: 0,
            slow_ppm: 0,
            slow_factor_max: 0,
            disk_corrupt_ppm: 0,
            net: NetConfig {
                latency_min_us: 5_000,
                latency_max_us: 40_000,
                loss_ppm: 50_000,
                duplicate_ppm: 30_000,
                reorder_ppm: 50_000,
                reorder_extra_us: 60_000,
                corrupt_ppm: 10_000,
            },
        }
    }
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// Every fault and user action the simulator knows. Written by serde's derive as
/// `{"kind": "crash", "node": 1}`; read by hand in the same form ([`super::fault_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// The process dies: volatile state lost, durable state kept (every write, synced or
    /// not, as if the operating system flushed its page cache), timers gone.
    Crash { node: NodeId },
    /// The process and the machine die: like `Crash`, but the writes made since the
    /// node's last sync are lost (the fault behind "acknowledged before fsync" bugs such
    /// as ZOOKEEPER-4646).
    CrashLoseUnsynced { node: NodeId },
    /// A crashed node boots again from its durable state.
    Restart { node: NodeId },
    /// The process freezes (a GC pause): timers and incoming messages wait.
    Pause { node: NodeId },
    Resume { node: NodeId },
    /// Fire the node's main timer now (Raft: election timeout).
    TimeoutNow { node: NodeId },
    /// Offset of the node's clock from global time.
    ClockSkew { node: NodeId, skew_us: i64 },
    /// Rate error of the node's clock, parts per million (positive runs fast).
    ClockDrift { node: NodeId, drift_ppm: i64 },
    /// Cut both directions between two nodes.
    Cut { a: NodeId, b: NodeId },
    /// Cut only messages from `from` to `to`.
    CutOneWay { from: NodeId, to: NodeId },
    /// Heal both directions between two nodes.
    Heal { a: NodeId, b: NodeId },
    /// Hold messages from `from` to `to` until released.
    Hold { from: NodeId, to: NodeId },
    Release { from: NodeId, to: NodeId },
    /// Split the cluster into groups; nodes in no group form one more group.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Heal every link and release every hold.
    HealAll,
    SetNetwork { net: NetConfig },
    SetChaos { on: bool },
    /// A client request delivered to a node.
    Request { node: NodeId, op: ClientOp },
    /// Adversary mode on or off: the user becomes the network. Messages in flight and
    /// armed timers wait until the user picks one (the four choices below).
    Adversary { on: bool },
    /// Adversary mode: deliver message `id` (time moves to its drawn arrival if later).
    Deliver { id: u64 },
    /// Adversary mode: the network loses message `id`.
    Drop { id: u64 },
    /// Adversary mode: the network sends message `id` twice (the copy gets a new id).
    Duplicate { id: u64 },
    /// Adversary mode: fire timer `id` (time moves to its drawn deadline if later).
    Fire { id: u64 },
    /// A slow machine: the node's timers take `factor` times as long (1 is full speed,
    /// at most [`MAX_SLOW_FACTOR`]). Timers already armed keep the part of their time
    /// that has run and take the rest at the new speed. A crash keeps it (it is the
    /// machine, not the process).
    Slow { node: NodeId, factor: u32 },
    /// Disk corruption: bytes flipped in one durable record of the node's disk, the record
    /// and the bytes drawn from the seed (a bad sector, a torn or misdirected write). Up or
    /// down, the node's disk keeps the damage; a protocol whose running node reads that
    /// record from disk (a DataNode's block files) sees it at once. A protocol whose disk
    /// holds nothing it can damage notes "no effect".
    CorruptDisk { node: NodeId },
}

/// The largest slowdown a `Fault::Slow` may set.
pub const MAX_SLOW_FACTOR: u32 = 100;

impl Fault {
    /// One of adversary mode's choices (deliver, drop, duplicate, fire).
    pub fn is_choice(&self) -> bool {
        matches!(self, Fault::Deliver { .. } | Fault::Drop { .. } | Fault::Duplicate { .. } | Fault::Fire { .. })
    }

    /// Every node id the fault names, for validation.
    pub fn nodes(&self) -> Vec<NodeId> {
        use Fault::*;
        match self {
            Crash { node } | CrashLoseUnsynced { node } | Restart { node } | Pause { node } | Resume { node } | TimeoutNow { node } => vec![*node],
            ClockSkew { node, .. } | ClockDrift { node, .. } | Request { node, .. } | Slow { node, .. } | CorruptDisk { node } => vec![*node],
            Cut { a, b } | Heal { a, b } => vec![*a, *b],
            CutOneWay { from, to } | Hold { from, to } | Release { from, to } => vec![*from, *to],
            Partition { groups } => groups.iter().flatten().copied().collect(),
            HealAll | SetNetwork { .. } | SetChaos { .. } | Adversary { .. } => vec![],
            Deliver { .. } | Drop { .. } | Duplicate { .. } | Fire { .. } => vec![],
        }
    }

    /// The same fault on other nodes: `map` renames each node, `None` where a node has no
    /// counterpart. A fault on one node or one link with an unmapped end is dropped
    /// (`None`); a partition keeps its mapped members; faults naming messages are dropped.
    pub fn map_nodes(&self, map: impl Fn(NodeId) -> Option<NodeId>) -> Option<Fault> {
        use Fault::*;
        let two = |a: NodeId, b: NodeId| Some((map(a)?, map(b)?));
        Some(match self {
            Crash { node } => Crash { node: map(*node)? },
            CrashLoseUnsynced { node } => CrashLoseUnsynced { node: map(*node)? },
            Restart { node } => Restart { node: map(*node)? },
            Pause { node } => Pause { node: map(*node)? },
            Resume { node } => Resume { node: map(*node)? },
            TimeoutNow { node } => TimeoutNow { node: map(*node)? },
            ClockSkew { node, skew_us } => ClockSkew { node: map(*node)?, skew_us: *skew_us },
            ClockDrift { node, drift_ppm } => ClockDrift { node: map(*node)?, drift_ppm: *drift_ppm },
            Request { node, op } => Request { node: map(*node)?, op: op.clone() },
            Slow { node, factor } => Slow { node: map(*node)?, factor: *factor },
            CorruptDisk { node } => CorruptDisk { node: map(*node)? },
            Cut { a, b } => two(*a, *b).map(|(a, b)| Cut { a, b })?,
            Heal { a, b } => two(*a, *b).map(|(a, b)| Heal { a, b })?,
            CutOneWay { from, to } => two(*from, *to).map(|(from, to)| CutOneWay { from, to })?,
            Hold { from, to } => two(*from, *to).map(|(from, to)| Hold { from, to })?,
            Release { from, to } => two(*from, *to).map(|(from, to)| Release { from, to })?,
            Partition { groups } => Partition { groups: groups.iter().map(|g| g.iter().filter_map(|n| map(*n)).collect()).collect() },
            HealAll | SetNetwork { .. } | SetChaos { .. } | Adversary { .. } => self.clone(),
            Deliver { .. } | Drop { .. } | Duplicate { .. } | Fire { .. } => return None,
        })
    }

    /// Short label for logs and the timeline.
    pub fn label(&self) -> String {
        use Fault::*;
        match self {
            Crash { node } => format!("crash n{node}"),
            CrashLoseUnsynced { node } => format!("crash n{node}, unsynced writes lost"),
            Restart { node } => format!("restart n{node}"),
            Pause { node } => format!("pause n{node}"),
            Resume { node } => format!("resume n{node}"),
            TimeoutNow { node } => format!("timeout now n{node}"),
            ClockSkew { node, skew_us } => format!("clock skew n{node} {skew_us}us"),
            ClockDrift { node, drift_ppm } => format!("clock drift n{node} {drift_ppm}ppm"),
            Cut { a, b } => format!("cut n{a}<->n{b}"),
            CutOneWay { from, to } => format!("cut n{from}->n{to}"),
            Heal { a, b } => format!("heal n{a}<->n{b}"),
            Hold { from, to } => format!("hold n{from}->n{to}"),
            Release { from, to } => format!("release n{from}->n{to}"),
            Partition { groups } => format!("partition {groups:?}"),
            HealAll => "heal all".into(),
            SetNetwork { net } => format!(
                "network {}-{}us loss {}ppm dup {}ppm corrupt {}ppm",
                net.latency_min_us, net.latency_max_us, net.loss_ppm, net.duplicate_ppm, net.corrupt_ppm
            ),
            SetChaos { on } => format!("chaos {}", if *on { "on" } else { "off" }),
            Request { node, op } => format!("request n{node} {op:?}"),
            Adversary { on } => format!("adversary {}", if *on { "on" } else { "off" }),
            Deliver { id } => format!("deliver m{id}"),
            Drop { id } => format!("drop m{id}"),
            Duplicate { id } => format!("duplicate m{id}"),
            Fire { id } => format!("fire timer {id}"),
            Slow { node, factor: 1 } => format!("n{node} back to full speed"),
            Slow { node, factor } => format!("slow n{node} ×{factor}"),
            CorruptDisk { node } => format!("corrupt a record on n{node}'s disk"),
        }
    }
}

/// A fault placed in a scenario: either at a simulated time (hand-written schedules and
/// presets) or right after a given event (recorded from the page, so replay is exact).
/// Read by hand ([`super::fault_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedFault {
    pub at_us: TimeUs,
    /// When set, the fault is applied right after this many events have run, at `at_us`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_event: Option<u64>,
    pub fault: Fault,
}
