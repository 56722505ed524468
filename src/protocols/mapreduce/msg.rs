//! MapReduce's messages (Dean & Ghemawat, OSDI 2004, §3.1–3.3): the master assigns tasks,
//! pings workers and tells reduce workers where map output lies; workers report completion;
//! reduce workers fetch their partition of each map's output from the map worker's disk
//! (the shuffle). Each carries the job it belongs to (a master that restarts runs the job
//! again under a new number) and a task's attempt (one execution of it).

use super::input::Pairs;
use crate::sim::NodeId;

/// Which kind of task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Map,
    Reduce,
}

impl Kind {
    pub fn letter(self) -> char {
        match self {
            Kind::Map => 'm',
            Kind::Reduce => 'r',
        }
    }
}

/// One execution of a task: the task, the master's attempt number (unique within the job)
/// and whether it is the task's first execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Attempt {
    pub kind: Kind,
    pub task: u32,
    pub attempt: u32,
    pub first: bool,
}

impl Attempt {
    pub fn label(&self) -> String {
        format!("{}{} #{}", self.kind.letter(), self.task, self.attempt)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MrMsg {
    /// Master → worker: liveness (§3.3), numbered, with the locations of every completed map
    /// when the worker runs a reduce of this job (a reduce worker that missed one learns it).
    Ping { job: u64, seq: u64, locations: Vec<(u32, NodeId)> },
    /// Worker → master: the answer to Ping `seq`: what its two slots run and the map outputs
    /// its disk holds (a restarted worker holds none: the master re-executes them).
    Pong { job: u64, seq: u64, running: Vec<Attempt>, files: Vec<u32> },
    /// Master → worker: run this task; a reduce gets the locations of the maps done so far.
    Assign { job: u64, run: Attempt, locations: Vec<(u32, NodeId)> },
    /// Master → reduce workers: map `map`'s output is on `worker` (§3.1 step 4).
    Location { job: u64, map: u32, worker: NodeId },
    /// Worker → master: the map finished; the sizes of its R partition files (§3.1 step 4).
    MapDone { job: u64, run: Attempt, sizes: Vec<u64> },
    /// Worker → master: the reduce finished; its output, to commit by atomic rename.
    ReduceDone { job: u64, run: Attempt, output: Pairs },
    /// Reduce worker → map worker: send me partition `partition` of map `map`'s output.
    Fetch { job: u64, map: u32, partition: u32 },
    /// Map worker → reduce worker: the piece, read from local disk.
    Piece { job: u64, map: u32, partition: u32, pairs: Pairs },
    /// Map worker → reduce worker: I hold no such output (lost in a crash).
    NoPiece { job: u64, map: u32, partition: u32 },
}

impl MrMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            MrMsg::Ping { .. } => "Ping",
            MrMsg::Pong { .. } => "Pong",
            MrMsg::Assign { run, .. } if run.kind == Kind::Map => "AssignMap",
            MrMsg::Assign { .. } => "AssignReduce",
            MrMsg::Location { .. } => "Location",
            MrMsg::MapDone { .. } => "MapDone",
            MrMsg::ReduceDone { .. } => "ReduceDone",
            MrMsg::Fetch { .. } => "Fetch",
            MrMsg::Piece { .. } => "Piece",
            MrMsg::NoPiece { .. } => "NoPiece",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, MrMsg::Pong { .. } | MrMsg::MapDone { .. } | MrMsg::ReduceDone { .. } | MrMsg::Piece { .. } | MrMsg::NoPiece { .. })
    }
    pub fn summary(&self) -> String {
        match self {
            MrMsg::Ping { job, locations, .. } if locations.is_empty() => format!("Ping (job {job})"),
            MrMsg::Ping { job, locations, .. } => format!("Ping (job {job}), {} map outputs located", locations.len()),
            MrMsg::Pong { running, .. } if running.is_empty() => "Pong: idle".into(),
            MrMsg::Pong { running, .. } => format!("Pong: running {}", running.iter().map(Attempt::label).collect::<Vec<_>>().join(", ")),
            MrMsg::Assign { job, run, .. } => format!("Assign {} (job {job}){}", run.label(), if run.first { "" } else { ", a re-execution" }),
            MrMsg::Location { map, worker, .. } => format!("Location: m{map}'s output is on n{worker}"),
            MrMsg::MapDone { run, sizes, .. } => format!("MapDone {}: {} bytes in {} partitions", run.label(), sizes.iter().sum::<u64>(), sizes.len()),
            MrMsg::ReduceDone { run, output, .. } => format!("ReduceDone {}: {} words", run.label(), output.len()),
            MrMsg::Fetch { map, partition, .. } => format!("Fetch partition {partition} of m{map}"),
            MrMsg::Piece { map, partition, pairs, .. } => format!("Piece: partition {partition} of m{map}, {} pairs", pairs.len()),
            MrMsg::NoPiece { map, partition, .. } => format!("NoPiece: partition {partition} of m{map} is gone"),
        }
    }
}
