//! An executor (Zaharia et al., NSDI 2012, §5.1–5.3; Spark's executor and block manager):
//! one task at a time. A shuffle map task computes its partition through the lineage —
//! `textFile` reads split p, `flatMap` splits it into words, `map` pairs each with 1, and
//! `reduceByKey`'s map-side combine sums per word — and writes R shuffle blocks by the
//! shuffle's partitioner (kept in memory here, so a crash loses them, as an executor's local
//! shuffle files are lost to the job). A result task fetches block (p, its partition) from
//! every map output's executor, merges them by key and sends the output to the driver; a
//! block it cannot get (`NoBlock`, or no answer after a few asks) is reported as
//! `FetchFailed` and the task ends. The same cost model as MapReduce's.

use super::config::SparkConfig;
use super::msg::{SparkMsg, Stage, Task};
use super::node::{Spark, SparkTimer, DRIVER};
use crate::protocols::mapreduce::input::{self, Combiner, Input, Pairs};
use crate::protocols::mapreduce::worker::work_us;
use crate::sim::{NodeId, Out};
use crate::sim::sorted::SortedMap;
use std::collections::VecDeque;

/// A result task's shuffle read: where each map output lies, the blocks fetched, the asks
/// left for each.
#[derive(Clone, Debug)]
pub struct ShuffleRead {
    pub locations: Vec<Option<NodeId>>,
    pub blocks: Vec<Option<Pairs>>,
    pub asks: Vec<u32>,
    /// Executors a block came from since the last round of asks: alive and sending (a
    /// busy link answers one block at a time), so their blocks still queued are not failing.
    pub heard: Vec<NodeId>,
    /// Every block is here and `reduceByKey` is merging them.
    pub reducing: bool,
}

impl ShuffleRead {
    pub fn fetched(&self) -> usize {
        self.blocks.iter().filter(|b| b.is_some()).count()
    }
}

/// The task running: a shuffle map task's output (written when its work is done), or a
/// result task's shuffle read.
#[derive(Clone, Debug)]
pub struct Running {
    pub task: Task,
    pub output: Vec<Pairs>,
    pub read: Option<ShuffleRead>,
}

/// A shuffle map task's output held by this executor: R blocks.
#[derive(Clone, Debug)]
pub struct ShuffleOutput {
    pub task: Task,
    pub blocks: Vec<Pairs>,
}

#[derive(Clone, Debug, Default)]
pub struct Executor {
    pub app: u64,
    /// This process's boot time: the driver tells a restarted executor (holding nothing) by it.
    pub boot: u64,
    pub running: Option<Running>,
    /// Shuffle outputs by map partition.
    pub outputs: SortedMap<u32, ShuffleOutput>,
    /// Shuffle outputs written since boot (the one-partition checker reads new ones only).
    pub outputs_written: u64,
    /// Blocks waiting for the link: (result executor, map, reduce); the one being sent.
    pub queue: VecDeque<(NodeId, u32, u32)>,
    pub sending: Option<(NodeId, u32, u32)>,
}

impl Executor {
    pub fn start(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        self.boot = out.now() + 1;
        self.heartbeat(config, out);
    }

    pub fn heartbeat(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        let blocks = self.outputs.iter().map(|(p, o)| (*p, o.blocks.iter().map(|b| input::pairs_bytes(b)).collect())).collect();
        out.send(DRIVER, SparkMsg::Heartbeat { app: self.app, boot: self.boot, running: self.running.as_ref().map(|r| r.task), blocks });
        out.set_timer(SparkTimer::Heartbeat, config.heartbeat_interval_us, config.heartbeat_interval_us);
    }

    /// A newer application: everything of the old one is dropped.
    fn join_app(&mut self, app: u64, out: &mut Out<Spark>) -> bool {
        if app < self.app {
            return false;
        }
        if app > self.app {
            if self.app > 0 {
                out.note(format!("application {app} replaces application {}: its work dropped", self.app));
                self.stop_task(out);
                out.cancel_timer(SparkTimer::Send);
            }
            *self = Executor { app, boot: self.boot, outputs_written: self.outputs_written, ..Executor::default() };
        }
        true
    }

    fn stop_task(&mut self, out: &mut Out<Spark>) {
        if let Some(r) = self.running.take() {
            out.cancel_timer(SparkTimer::Work(r.task));
            out.cancel_timer(SparkTimer::FetchRetry);
        }
    }

    pub fn on_heartbeat_response(&mut self, app: u64, out: &mut Out<Spark>) {
        self.join_app(app, out);
    }

    pub fn on_launch(&mut self, app: u64, task: Task, reduce_partitions: u32, locations: Vec<Option<NodeId>>, config: &SparkConfig, input: &Input, out: &mut Out<Spark>) {
        if !self.join_app(app, out) || self.running.as_ref().is_some_and(|r| r.task == task) {
            return;
        }
        self.stop_task(out);
        match task.stage {
            Stage::ShuffleMap => self.start_map(task, reduce_partitions, config, input, out),
            Stage::Result => self.start_result(task, locations, config, out),
        }
    }

    /// Compute partition p through the lineage, pipelined: textFile → flatMap → map, with
    /// the map-side combine, bucketed by the shuffle's partitioner.
    fn start_map(&mut self, task: Task, r: u32, config: &SparkConfig, input: &Input, out: &mut Out<Spark>) {
        let m = input.splits.len() as u32;
        // The teaching bug: a recomputation reads the wrong parent partition.
        let parent = if task.recompute && config.has_bug("recompute_wrong_parent") { (task.partition + 1) % m } else { task.partition };
        let split = &input.splits[parent as usize];
        let mut words: &[String] = &split.words;
        // The teaching bug: flatMap reads a live source whose last line (twelve words) is gone
        // by the time of a recomputation.
        if task.recompute && config.has_bug("nondeterministic_flatmap") {
            words = &words[..words.len().saturating_sub(12)];
        }
        let combiner = if config.map_side_combine { Combiner::Sum } else { Combiner::None };
        let output = input::map_split(words, r, combiner, None);
        let written: u64 = output.iter().map(|p| input::pairs_bytes(p)).sum();
        let work = work_us(split.bytes + written, config.executor_bytes_per_ms);
        out.set_timer(SparkTimer::Work(task), work, work);
        self.running = Some(Running { task, output, read: None });
    }

    fn start_result(&mut self, task: Task, locations: Vec<Option<NodeId>>, config: &SparkConfig, out: &mut Out<Spark>) {
        let m = locations.len();
        let read = ShuffleRead { locations, blocks: vec![None; m], asks: vec![0; m], heard: Vec::new(), reducing: false };
        self.running = Some(Running { task, output: Vec::new(), read: Some(read) });
        if m == 0 {
            self.reduce_if_complete(config, out);
            return;
        }
        self.fetch_missing(config, out);
    }

    /// Ask for every block not yet here; a block with no location, or asked for too often
    /// of an executor that sent nothing since, fails the task.
    fn fetch_missing(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        let app = self.app;
        let Some(r) = self.running.as_mut() else { return };
        let (task, Some(read)) = (r.task, r.read.as_mut()) else { return };
        for map in 0..read.blocks.len() {
            if read.blocks[map].is_some() {
                continue;
            }
            let from = read.locations[map];
            if from.is_some_and(|f| read.heard.contains(&f)) {
                read.asks[map] = 0;
            }
            match from {
                Some(from) if read.asks[map] < config.max_fetch_retries => {
                    read.asks[map] += 1;
                    out.send(from, SparkMsg::FetchBlock { app, map: map as u32, reduce: task.partition });
                }
                _ => return self.fetch_failed(map as u32, from.unwrap_or(DRIVER), out),
            }
        }
        read.heard.clear();
        out.set_timer(SparkTimer::FetchRetry, config.fetch_retry_us, config.fetch_retry_us);
    }

    fn fetch_failed(&mut self, map: u32, from: NodeId, out: &mut Out<Spark>) {
        let Some(r) = self.running.take() else { return };
        out.cancel_timer(SparkTimer::FetchRetry);
        out.send(DRIVER, SparkMsg::FetchFailed { app: self.app, task: r.task, map, from });
    }

    pub fn on_fetch_retry(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        self.fetch_missing(config, out);
    }

    /// Another executor asks for a block: queue it for the link, or say it is gone.
    pub fn on_fetch(&mut self, from: NodeId, app: u64, map: u32, reduce: u32, config: &SparkConfig, out: &mut Out<Spark>) {
        if app != self.app {
            return;
        }
        if !self.outputs.contains_key(&map) {
            out.send(from, SparkMsg::NoBlock { app, map, reduce });
            return;
        }
        let want = (from, map, reduce);
        if self.sending != Some(want) && !self.queue.contains(&want) {
            self.queue.push_back(want);
        }
        self.send_next(config, out);
    }

    /// Block (map, reduce), if this executor holds map's output; a reduce partition the
    /// shuffle never wrote reads as empty, as Spark's does.
    fn block(&self, map: u32, reduce: u32) -> Option<&[(String, u64)]> {
        self.outputs.get(&map).map(|o| o.blocks.get(reduce as usize).map_or(&[][..], Vec::as_slice))
    }

    fn send_next(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        while self.sending.is_none() {
            let Some((to, map, reduce)) = self.queue.pop_front() else { return };
            let Some(block) = self.block(map, reduce) else { continue };
            let send = work_us(input::pairs_bytes(block), config.net_bytes_per_ms);
            self.sending = Some((to, map, reduce));
            out.set_timer(SparkTimer::Send, send, send);
        }
    }

    pub fn on_sent(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        if let Some((to, map, reduce)) = self.sending.take() {
            if let Some(pairs) = self.block(map, reduce) {
                out.send(to, SparkMsg::Block { app: self.app, map, reduce, pairs: pairs.to_vec() });
            }
        }
        self.send_next(config, out);
    }

    /// A block arrived: keep it; with every block here, `reduceByKey` merges them.
    pub fn on_block(&mut self, app: u64, map: u32, reduce: u32, pairs: Pairs, config: &SparkConfig, out: &mut Out<Spark>) {
        let Some(r) = self.running.as_mut().filter(|r| app == self.app && r.task.stage == Stage::Result && r.task.partition == reduce) else { return };
        let Some(read) = r.read.as_mut().filter(|read| !read.reducing) else { return };
        let Some(slot) = read.blocks.get_mut(map as usize).filter(|b| b.is_none()) else { return };
        *slot = Some(pairs);
        if let Some(from) = read.locations[map as usize].filter(|f| !read.heard.contains(f)) {
            read.heard.push(from);
        }
        self.reduce_if_complete(config, out);
    }

    fn reduce_if_complete(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        let Some(r) = self.running.as_mut() else { return };
        let task = r.task;
        let Some(read) = r.read.as_mut().filter(|read| read.fetched() == read.blocks.len()) else { return };
        read.reducing = true;
        out.cancel_timer(SparkTimer::FetchRetry);
        let bytes: u64 = read.blocks.iter().flatten().map(|b| input::pairs_bytes(b)).sum();
        let work = work_us(bytes * 2, config.executor_bytes_per_ms);
        out.set_timer(SparkTimer::Work(task), work, work);
    }

    /// The holder of a block has lost it: the task fails with a fetch failure.
    pub fn on_no_block(&mut self, from: NodeId, app: u64, map: u32, reduce: u32, out: &mut Out<Spark>) {
        let waiting = self.running.as_ref().is_some_and(|r| {
            app == self.app && r.task.stage == Stage::Result && r.task.partition == reduce && r.read.as_ref().is_some_and(|read| !read.reducing && read.locations.get(map as usize) == Some(&Some(from)))
        });
        if waiting {
            self.fetch_failed(map, from, out);
        }
    }

    /// A task's work is done: a shuffle map task keeps its blocks and reports its
    /// `MapStatus`; a result task sends its output.
    pub fn on_work(&mut self, task: Task, out: &mut Out<Spark>) {
        let Some(r) = self.running.take_if(|r| r.task == task) else { return };
        let app = self.app;
        match task.stage {
            Stage::ShuffleMap => {
                let sizes = r.output.iter().map(|b| input::pairs_bytes(b)).collect();
                self.outputs.insert(task.partition, ShuffleOutput { task, blocks: r.output });
                self.outputs_written += 1;
                out.send(DRIVER, SparkMsg::MapStatus { app, task, sizes });
            }
            Stage::Result => {
                let Some(read) = r.read.filter(|read| read.reducing) else { return };
                let blocks: Vec<Pairs> = read.blocks.into_iter().flatten().collect();
                out.send(DRIVER, SparkMsg::TaskResult { app, task, output: input::reduce(&blocks) });
            }
        }
    }
}
