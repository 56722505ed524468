//! The driver (Zaharia et al., NSDI 2012, §5.1 and §5.3; Spark's DAG scheduler, task
//! scheduler and map-output tracker): the job `textFile(M) → flatMap → map → reduceByKey(R)`
//! runs as two stages split at the shuffle. Stage 0 (a shuffle map stage) computes each of
//! the M partitions, pipelined, and registers where each shuffle output lies; only when all
//! M are available is stage 1 (the result stage) submitted, whose R tasks read the shuffle.
//! An executor silent past the timeout is lost and its shuffle outputs unregistered; a
//! result task that reports `FetchFailed` fails its stage, and after a short delay the driver
//! resubmits the map stage for the missing partitions only — recomputed from lineage, from
//! `textFile`'s split — and then the result stage for the partitions not yet committed. The
//! first output of each result partition is committed, durably. A driver that restarts runs
//! the job again as a new application.

use super::config::SparkConfig;
use super::msg::{SparkMsg, Stage, Task};
use super::node::{Record, Spark, SparkTimer};
use crate::protocols::mapreduce::input::{Input, Pairs};
use crate::sim::{DurableLog, LogWrite, NodeId, Out, TimeUs};

/// A partition of the shuffle map stage: where its output lies (executor, block sizes),
/// whether it was ever computed (so the next computation is a recomputation), and the
/// tasks computing it now.
#[derive(Clone, Debug, Default)]
pub struct MapPartition {
    pub output: Option<(NodeId, Vec<u64>)>,
    pub computed_before: bool,
    pub running: Vec<(u32, NodeId)>,
}

/// A partition of the result stage: committed by (executor, task id), and tasks running.
#[derive(Clone, Debug, Default)]
pub struct ResultPartition {
    pub committed: Option<(NodeId, u32)>,
    pub running: Vec<(u32, NodeId)>,
}

/// What the driver knows of an executor: registered, lost, its boot, when last heard, and
/// the task it gave it (when launched; whether a heartbeat has shown it running).
#[derive(Clone, Debug, Default)]
pub struct ExecutorInfo {
    pub registered: bool,
    pub lost: bool,
    pub boot: u64,
    pub last_heard_us: TimeUs,
    pub task: Option<(Task, TimeUs, bool)>,
}

impl ExecutorInfo {
    /// Registered, not lost, and running nothing the driver gave it.
    fn is_free(&self) -> bool {
        self.registered && !self.lost && self.task.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct Driver {
    pub app: u64,
    pub maps: Vec<MapPartition>,
    pub results: Vec<ResultPartition>,
    /// The result stage's partition count (the shuffle's R, but for the teaching bug).
    pub result_partitions: u32,
    /// The stage running now; `None` between a failure and its resubmission, or when done.
    pub stage: Option<Stage>,
    pub resubmit_at: Option<TimeUs>,
    /// Attempts of stage 0 and stage 1 so far.
    pub stage_attempts: [u32; 2],
    pub executors: Vec<ExecutorInfo>,
    next_task: u32,
    /// Every commit record on this driver's disk (and made since it booted).
    pub commits: Vec<(u64, u32, Pairs)>,
    pub started_us: TimeUs,
    pub finished_us: Option<TimeUs>,
    /// Partitions recomputed from lineage; fetch failures reported.
    pub recomputed: u32,
    pub fetch_failures: u32,
}

impl Driver {
    pub fn new(n: u32, config: &SparkConfig, input: &Input) -> Self {
        Driver {
            app: 1,
            maps: vec![MapPartition::default(); input.splits.len()],
            results: vec![ResultPartition::default(); config.reduce_partitions as usize],
            result_partitions: config.reduce_partitions,
            stage: None,
            resubmit_at: None,
            stage_attempts: [0, 0],
            executors: vec![ExecutorInfo::default(); n as usize],
            next_task: 0,
            commits: Vec::new(),
            started_us: 0,
            finished_us: None,
            recomputed: 0,
            fetch_failures: 0,
        }
    }

    pub fn done(&self) -> bool {
        self.finished_us.is_some()
    }

    /// Start (or, after a restart, start again) the job: the application's number on stable
    /// storage first.
    pub fn start(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        self.started_us = out.now();
        out.write(LogWrite::Append(Record::App(self.app)));
        out.sync();
        out.note(format!("application {} starts: textFile({}) → flatMap → map → reduceByKey({})", self.app, self.maps.len(), config.reduce_partitions));
        self.schedule(config, out);
        out.set_timer(SparkTimer::Tick, config.heartbeat_interval_us, config.heartbeat_interval_us);
    }

    /// Boot after a crash: the application that was running is lost; run the job again.
    pub fn recover(&mut self, config: &SparkConfig, log: DurableLog<Record>, out: &mut Out<Spark>) {
        for r in log.entries() {
            match r {
                Record::App(a) => self.app = self.app.max(a + 1),
                Record::Commit { app, partition, output } => self.commits.push((*app, *partition, output.clone())),
            }
        }
        out.note(format!("the driver restarted: application {} was lost, the job runs again as application {}", self.app - 1, self.app));
        self.start(config, out);
    }

    /// The scheduler's beat: lose silent executors, give up on launches never seen running,
    /// resubmit failed stages when due, launch tasks.
    pub fn tick(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        let now = out.now();
        for e in 1..self.executors.len() as NodeId {
            let info = &self.executors[e as usize];
            if info.registered && !info.lost && now.saturating_sub(info.last_heard_us) > config.executor_timeout_us {
                self.lose_executor(config, e, "no heartbeat", out);
            }
            if let Some((task, launched, false)) = self.executors[e as usize].task {
                if now.saturating_sub(launched) > config.executor_timeout_us {
                    self.drop_task(e, task);
                }
            }
        }
        self.schedule(config, out);
        out.set_timer(SparkTimer::Tick, config.heartbeat_interval_us, config.heartbeat_interval_us);
    }

    /// An executor is lost: its task is given up and its shuffle outputs unregistered (they
    /// were on its local disk), unless the teaching bug keeps them.
    fn lose_executor(&mut self, config: &SparkConfig, e: NodeId, why: &str, out: &mut Out<Spark>) {
        out.note(format!("executor n{e} lost ({why})"));
        self.executors[e as usize].lost = true;
        if let Some((task, _, _)) = self.executors[e as usize].task {
            self.drop_task(e, task);
        }
        self.unregister_outputs(config, e, out);
    }

    fn unregister_outputs(&mut self, config: &SparkConfig, e: NodeId, out: &mut Out<Spark>) {
        if config.has_bug("no_recompute_lost_shuffle") {
            return;
        }
        let lost: Vec<String> = (0..self.maps.len()).filter(|p| self.maps[*p].output.as_ref().is_some_and(|o| o.0 == e)).map(|p| p.to_string()).collect();
        if lost.is_empty() {
            return;
        }
        for m in self.maps.iter_mut().filter(|m| m.output.as_ref().is_some_and(|o| o.0 == e)) {
            m.output = None;
        }
        out.note(format!("map outputs of partitions {} unregistered: lost with n{e}", lost.join(", ")));
    }

    fn drop_task(&mut self, e: NodeId, task: Task) {
        let info = &mut self.executors[e as usize];
        if info.task.is_some_and(|t| t.0 == task) {
            info.task = None;
        }
        let running = match task.stage {
            Stage::ShuffleMap => self.maps.get_mut(task.partition as usize).map(|m| &mut m.running),
            Stage::Result => self.results.get_mut(task.partition as usize).map(|r| &mut r.running),
        };
        if let Some(running) = running {
            running.retain(|r| r.0 != task.id);
        }
    }

    fn maps_available(&self) -> bool {
        self.maps.iter().all(|m| m.output.is_some())
    }

    /// Submit the next stage when due, and launch the running stage's missing partitions on
    /// free executors, lowest first.
    pub fn schedule(&mut self, config: &SparkConfig, out: &mut Out<Spark>) {
        if self.done() {
            return;
        }
        if self.stage.is_none() && self.resubmit_at.is_none_or(|t| out.now() >= t) {
            self.resubmit_at = None;
            let next = if self.maps_available() { Stage::Result } else { Stage::ShuffleMap };
            self.submit(config, next, out);
        }
        if self.stage == Some(Stage::ShuffleMap) && self.maps_available() {
            self.submit(config, Stage::Result, out);
        }
        let Some(stage) = self.stage else { return };
        let free: Vec<NodeId> = (1..self.executors.len() as NodeId).filter(|e| self.executors[*e as usize].is_free()).collect();
        for (partition, e) in self.missing(stage).into_iter().zip(free) {
            self.launch(config, stage, partition, e, out);
        }
    }

    /// The stage's partitions with no output and no task computing them.
    pub fn missing(&self, stage: Stage) -> Vec<u32> {
        match stage {
            Stage::ShuffleMap => (0..self.maps.len()).filter(|p| self.maps[*p].output.is_none() && self.maps[*p].running.is_empty()).map(|p| p as u32).collect(),
            Stage::Result => (0..self.result_partitions as usize).filter(|p| self.results[*p].committed.is_none() && self.results[*p].running.is_empty()).map(|p| p as u32).collect(),
        }
    }

    fn submit(&mut self, config: &SparkConfig, stage: Stage, out: &mut Out<Spark>) {
        self.stage_attempts[stage.number() as usize] += 1;
        self.stage = Some(stage);
        if stage == Stage::Result {
            // The teaching bug: the result stage takes the default parallelism (one partition
            // per live executor) instead of the shuffle's partitioner.
            self.result_partitions = match config.has_bug("stage_partitioner_mismatch") {
                true => (self.executors.iter().filter(|e| e.registered && !e.lost).count() as u32).max(1),
                false => config.reduce_partitions,
            };
            if self.results.len() < self.result_partitions as usize {
                self.results.resize(self.result_partitions as usize, ResultPartition::default());
            }
        }
        let missing: Vec<String> = self.missing(stage).iter().map(u32::to_string).collect();
        let what = if stage == Stage::ShuffleMap { "shuffle map stage" } else { "result stage" };
        out.note(format!("stage {} ({what}) attempt {} submitted: partitions {}", stage.number(), self.stage_attempts[stage.number() as usize], missing.join(", ")));
    }

    fn launch(&mut self, config: &SparkConfig, stage: Stage, partition: u32, e: NodeId, out: &mut Out<Spark>) {
        let recompute = stage == Stage::ShuffleMap && self.maps[partition as usize].computed_before;
        let task = Task { stage, partition, id: self.next_task, stage_attempt: self.stage_attempts[stage.number() as usize], recompute };
        self.next_task += 1;
        if recompute {
            self.recomputed += 1;
        }
        match stage {
            Stage::ShuffleMap => self.maps[partition as usize].running.push((task.id, e)),
            Stage::Result => self.results[partition as usize].running.push((task.id, e)),
        }
        self.executors[e as usize].task = Some((task, out.now(), false));
        let locations = match stage {
            Stage::ShuffleMap => Vec::new(),
            Stage::Result => self.maps.iter().map(|m| m.output.as_ref().map(|o| o.0)).collect(),
        };
        out.send(e, SparkMsg::LaunchTask { app: self.app, task, reduce_partitions: config.reduce_partitions, locations });
    }

    /// An executor's heartbeat: it registers (again, if it restarted: a new process holds
    /// no shuffle output), and the task the driver gave it is confirmed running, or found
    /// finished (a map output it holds) or gone.
    pub fn on_heartbeat(&mut self, config: &SparkConfig, e: NodeId, app: u64, boot: u64, running: Option<Task>, blocks: &[(u32, Vec<u64>)], out: &mut Out<Spark>) {
        let info = &self.executors[e as usize];
        // A heartbeat from an earlier process, delayed past its successor's: nothing to learn.
        if info.registered && boot < info.boot {
            return;
        }
        if info.registered && !info.lost && info.boot != boot {
            self.lose_executor(config, e, "it restarted", out);
        }
        let info = &mut self.executors[e as usize];
        if !info.registered || info.lost || info.boot != boot {
            *info = ExecutorInfo { registered: true, lost: false, boot, last_heard_us: out.now(), task: None };
            out.note(format!("executor n{e} registered"));
        }
        info.last_heard_us = out.now();
        if app == self.app {
            self.reconcile(e, running, blocks);
        }
        out.send(e, SparkMsg::HeartbeatResponse { app: self.app });
        self.schedule(config, out);
    }

    fn reconcile(&mut self, e: NodeId, running: Option<Task>, blocks: &[(u32, Vec<u64>)]) {
        let Some((task, _, confirmed)) = self.executors[e as usize].task else { return };
        if running == Some(task) {
            if let Some(t) = self.executors[e as usize].task.as_mut() {
                t.2 = true;
            }
            return;
        }
        if !confirmed {
            return;
        }
        // It ran the task and no longer does: its report was lost, or it gave it up.
        let held = blocks.iter().find(|(p, _)| *p == task.partition && task.stage == Stage::ShuffleMap);
        match held {
            Some((_, sizes)) => self.register_output(e, task, sizes.clone()),
            None => self.drop_task(e, task),
        }
    }

    fn register_output(&mut self, e: NodeId, task: Task, sizes: Vec<u64>) {
        self.drop_task(e, task);
        let m = &mut self.maps[task.partition as usize];
        m.computed_before = true;
        if m.output.is_none() {
            m.output = Some((e, sizes));
        }
    }

    /// A shuffle map task finished: the first available output of a partition is
    /// registered (an output from an executor since lost is not).
    pub fn on_map_status(&mut self, config: &SparkConfig, e: NodeId, app: u64, task: Task, sizes: Vec<u64>, out: &mut Out<Spark>) {
        if app != self.app {
            return;
        }
        if self.executors[e as usize].lost {
            self.drop_task(e, task);
        } else {
            self.register_output(e, task, sizes);
        }
        self.schedule(config, out);
    }

    /// A result task finished: its partition is committed once, durably, before it counts;
    /// the job is done when every partition of the result stage is.
    pub fn on_task_result(&mut self, config: &SparkConfig, e: NodeId, app: u64, task: Task, output: Pairs, out: &mut Out<Spark>) {
        if app != self.app {
            return;
        }
        self.drop_task(e, task);
        let p = task.partition;
        if self.results.get(p as usize).is_none_or(|r| r.committed.is_some()) {
            self.schedule(config, out);
            return;
        }
        out.write(LogWrite::Append(Record::Commit { app, partition: p, output: output.clone() }));
        if !config.has_bug("commit_not_synced") {
            out.sync();
        }
        self.results[p as usize].committed = Some((e, task.id));
        self.commits.push((app, p, output));
        if (0..self.result_partitions as usize).all(|q| self.results[q].committed.is_some()) {
            self.finished_us = Some(out.now());
            self.stage = None;
            out.note(format!("application {} done in {} ms", self.app, (out.now() - self.started_us) / 1000));
        }
        self.schedule(config, out);
    }

    /// A result task could not fetch a map output: its stage fails, the output is
    /// unregistered with every other on that executor, and both stages are resubmitted
    /// after the delay.
    pub fn on_fetch_failed(&mut self, config: &SparkConfig, e: NodeId, app: u64, task: Task, map: u32, from: NodeId, out: &mut Out<Spark>) {
        if app != self.app {
            return;
        }
        self.drop_task(e, task);
        self.fetch_failures += 1;
        if from != super::node::DRIVER {
            self.unregister_outputs(config, from, out);
        }
        if self.stage == Some(Stage::Result) {
            out.note(format!("stage 1 failed: {} could not fetch map output {map}; resubmitting in {} ms", task.label(), config.resubmit_delay_us / 1000));
            self.stage = None;
            self.resubmit_at = Some(out.now() + config.resubmit_delay_us);
        }
        self.schedule(config, out);
    }

    /// The committed output of this application, partition by partition (None where not yet).
    pub fn output(&self) -> Vec<Option<&Pairs>> {
        let mut parts = vec![None; self.results.len()];
        for (app, p, o) in &self.commits {
            if *app == self.app && (*p as usize) < parts.len() {
                parts[*p as usize] = Some(o);
            }
        }
        parts
    }
}
