//! Spark's messages (Zaharia et al., NSDI 2012, §5.1 and §5.3; Spark's scheduler and block
//! manager): the driver launches tasks of a stage on executors; executors heartbeat the
//! driver with what they run and the shuffle blocks they hold, and report a finished task
//! (a shuffle map task's `MapStatus`, a result task's output); a result task fetches its
//! block of every map partition from the executor that wrote it, and reports `FetchFailed`
//! when one cannot be had. Each carries the application it belongs to (a driver that
//! restarts runs the job again as a new application).

use crate::protocols::mapreduce::input::Pairs;
use crate::sim::NodeId;

/// Which stage a task belongs to: stage 0 computes `textFile` → `flatMap` → `map` and writes
/// the shuffle; stage 1 reads it and runs `reduceByKey`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    ShuffleMap,
    Result,
}

impl Stage {
    pub fn number(self) -> u32 {
        match self {
            Stage::ShuffleMap => 0,
            Stage::Result => 1,
        }
    }
}

/// One task: its stage, the partition it computes, its id (unique within the application),
/// the stage attempt it was launched in, and for a shuffle map task whether the partition
/// had been computed before (a recomputation from lineage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Task {
    pub stage: Stage,
    pub partition: u32,
    pub id: u32,
    pub stage_attempt: u32,
    pub recompute: bool,
}

impl Task {
    pub fn label(&self) -> String {
        format!("task {} (stage {}.{}, partition {})", self.id, self.stage.number(), self.stage_attempt, self.partition)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SparkMsg {
    /// Executor → driver, every heartbeat interval: this process's boot (a new one holds
    /// nothing), the task it runs, and the map partitions whose shuffle output it holds,
    /// with their block sizes.
    Heartbeat { app: u64, boot: u64, running: Option<Task>, blocks: Vec<(u32, Vec<u64>)> },
    /// Driver → executor: the application now running (an executor of an older one drops it).
    HeartbeatResponse { app: u64 },
    /// Driver → executor: run this task; a result task gets where each map output lies
    /// (`None`: not available, which it reports as a fetch failure).
    LaunchTask { app: u64, task: Task, reduce_partitions: u32, locations: Vec<Option<NodeId>> },
    /// Executor → driver: a shuffle map task wrote its R blocks (their sizes).
    MapStatus { app: u64, task: Task, sizes: Vec<u64> },
    /// Executor → driver: a result task's output, to commit.
    TaskResult { app: u64, task: Task, output: Pairs },
    /// Executor → driver: a result task could not fetch map partition `map`'s block from `from`.
    FetchFailed { app: u64, task: Task, map: u32, from: NodeId },
    /// Result task → executor holding map output: send me block (map, reduce).
    FetchBlock { app: u64, map: u32, reduce: u32 },
    /// The block, read from the executor's shuffle files.
    Block { app: u64, map: u32, reduce: u32, pairs: Pairs },
    /// No such block here (lost with an executor that restarted).
    NoBlock { app: u64, map: u32, reduce: u32 },
}

impl SparkMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            SparkMsg::Heartbeat { .. } => "Heartbeat",
            SparkMsg::HeartbeatResponse { .. } => "HeartbeatResponse",
            SparkMsg::LaunchTask { task, .. } if task.stage == Stage::ShuffleMap => "LaunchShuffleMapTask",
            SparkMsg::LaunchTask { .. } => "LaunchResultTask",
            SparkMsg::MapStatus { .. } => "MapStatus",
            SparkMsg::TaskResult { .. } => "TaskResult",
            SparkMsg::FetchFailed { .. } => "FetchFailed",
            SparkMsg::FetchBlock { .. } => "FetchBlock",
            SparkMsg::Block { .. } => "Block",
            SparkMsg::NoBlock { .. } => "NoBlock",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, SparkMsg::HeartbeatResponse { .. } | SparkMsg::MapStatus { .. } | SparkMsg::TaskResult { .. } | SparkMsg::FetchFailed { .. } | SparkMsg::Block { .. } | SparkMsg::NoBlock { .. })
    }
    pub fn summary(&self) -> String {
        match self {
            SparkMsg::Heartbeat { running: Some(t), blocks, .. } => format!("Heartbeat: running {}, {} shuffle outputs held", t.label(), blocks.len()),
            SparkMsg::Heartbeat { blocks, .. } => format!("Heartbeat: idle, {} shuffle outputs held", blocks.len()),
            SparkMsg::HeartbeatResponse { app } => format!("HeartbeatResponse (application {app})"),
            SparkMsg::LaunchTask { task, .. } if task.recompute => format!("LaunchTask {}: recomputed from lineage", task.label()),
            SparkMsg::LaunchTask { task, .. } => format!("LaunchTask {}", task.label()),
            SparkMsg::MapStatus { task, sizes, .. } => format!("MapStatus {}: {} bytes in {} blocks", task.label(), sizes.iter().sum::<u64>(), sizes.len()),
            SparkMsg::TaskResult { task, output, .. } => format!("TaskResult {}: {} words", task.label(), output.len()),
            SparkMsg::FetchFailed { task, map, from, .. } => format!("FetchFailed {}: map output {map} on n{from}", task.label()),
            SparkMsg::FetchBlock { map, reduce, .. } => format!("FetchBlock: shuffle block ({map}, {reduce})"),
            SparkMsg::Block { map, reduce, pairs, .. } => format!("Block ({map}, {reduce}): {} pairs", pairs.len()),
            SparkMsg::NoBlock { map, reduce, .. } => format!("NoBlock: block ({map}, {reduce}) is gone"),
        }
    }
}
