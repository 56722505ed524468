//! The master (Dean & Ghemawat, OSDI 2004, §3.2–3.3, §3.6): for each task its state (idle,
//! in-progress, completed) and the workers running it; for each completed map the location
//! and sizes of its R output files, pushed to reduce workers. It pings every worker; one
//! silent past the timeout is marked failed, its in-progress tasks and its completed map
//! tasks reset to idle (their output is on its disk), completed reduce tasks kept (their
//! output is in the global store). A completion for a completed task is ignored; a reduce's
//! output is committed once, by an atomic rename. Near the end of each phase it schedules
//! backup executions of the tasks still running. A master that restarts runs the job again
//! under a new number, as a client would retry it (the paper's master aborts the job).

use super::config::MapReduceConfig;
use super::input::{Input, Pairs};
use super::msg::{Attempt, Kind, MrMsg};
use super::node::{MapReduce, Record, MrTimer};
use crate::sim::{DurableLog, LogWrite, NodeId, Out, TimeUs};

/// A task's state (§3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Idle,
    InProgress,
    Completed,
}

impl TaskState {
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Idle => "idle",
            TaskState::InProgress => "in-progress",
            TaskState::Completed => "completed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Task {
    pub state: TaskState,
    /// Executions running now: (attempt, worker, the ping after which it was assigned).
    pub running: Vec<(u32, NodeId, u64)>,
    /// Executions started so far.
    pub attempts: u32,
    /// Who completed it: (worker, attempt), and the ping after which that was recorded.
    pub done_by: Option<(NodeId, u32, u64)>,
    /// A completed map's R file sizes.
    pub sizes: Vec<u64>,
}

impl Task {
    fn new() -> Self {
        Task { state: TaskState::Idle, running: Vec::new(), attempts: 0, done_by: None, sizes: Vec::new() }
    }
    fn drop_run(&mut self, attempt: u32) {
        self.running.retain(|r| r.0 != attempt);
        if self.state == TaskState::InProgress && self.running.is_empty() {
            self.state = TaskState::Idle;
        }
    }
}

/// What the master knows of a worker.
#[derive(Clone, Debug, Default)]
pub struct WorkerInfo {
    pub failed: bool,
    pub last_heard_us: TimeUs,
    /// The execution the master gave each of its slots: map, reduce.
    pub slots: [Option<Attempt>; 2],
}

#[derive(Clone, Debug)]
pub struct Master {
    pub job: u64,
    pub maps: Vec<Task>,
    pub reduces: Vec<Task>,
    pub workers: Vec<WorkerInfo>,
    next_attempt: u32,
    /// Pings sent so far in this job.
    pub ping_seq: u64,
    /// Every commit record on this master's disk (and made since it booted): (job, partition, output).
    pub commits: Vec<(u64, u32, Pairs)>,
    /// The job's start and end on the master's clock.
    pub started_us: TimeUs,
    pub finished_us: Option<TimeUs>,
    /// (time, input bytes of the completed maps, output bytes committed) at each change, for
    /// the data-rate plot (a completed map lost with its worker takes its input back).
    pub progress: Vec<(TimeUs, u64, u64)>,
    /// Maps re-executed because their worker failed or lost them; backup executions.
    pub reexecuted: u32,
    pub backups: u32,
    /// Each split's size (what its map reads), for the data-rate plot.
    pub split_bytes: Vec<u64>,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Map => 0,
        Kind::Reduce => 1,
    }
}

impl Master {
    pub fn new(n: u32, config: &MapReduceConfig, input: &Input) -> Self {
        Master {
            job: 1,
            maps: (0..config.map_tasks).map(|_| Task::new()).collect(),
            reduces: (0..config.reduce_tasks).map(|_| Task::new()).collect(),
            workers: vec![WorkerInfo::default(); n as usize],
            next_attempt: 0,
            ping_seq: 0,
            commits: Vec::new(),
            started_us: 0,
            finished_us: None,
            progress: Vec::new(),
            reexecuted: 0,
            backups: 0,
            split_bytes: input.splits.iter().map(|s| s.bytes).collect(),
        }
    }

    pub fn done(&self) -> bool {
        self.finished_us.is_some()
    }

    fn tasks(&mut self, kind: Kind) -> &mut Vec<Task> {
        match kind {
            Kind::Map => &mut self.maps,
            Kind::Reduce => &mut self.reduces,
        }
    }

    /// Start (or, after a restart, start again) the job: its number on stable storage first.
    pub fn start(&mut self, n: &MapReduceConfig, out: &mut Out<MapReduce>) {
        self.started_us = out.now();
        for w in self.workers.iter_mut() {
            w.last_heard_us = out.now();
        }
        out.write(LogWrite::Append(Record::Job(self.job)));
        out.sync();
        out.note(format!("job {} starts: {} map tasks, {} reduce tasks", self.job, n.map_tasks, n.reduce_tasks));
        self.progress.push((out.now(), 0, 0));
        self.ping(n, out);
    }

    /// Boot after a crash: the job that was running is lost; run it again as the next job.
    pub fn recover(&mut self, config: &MapReduceConfig, log: DurableLog<Record>, out: &mut Out<MapReduce>) {
        for r in log.entries() {
            match r {
                Record::Job(j) => self.job = self.job.max(j + 1),
                Record::Commit { job, partition, output } => self.commits.push((*job, *partition, output.clone())),
            }
        }
        out.note(format!("the master restarted: job {} was lost, run again as job {}", self.job - 1, self.job));
        self.start(config, out);
    }

    /// The ping tick: mark silent workers failed (§3.3), ping every worker, assign tasks.
    pub fn ping(&mut self, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        let now = out.now();
        for w in 1..self.workers.len() as NodeId {
            let info = &self.workers[w as usize];
            if !info.failed && now.saturating_sub(info.last_heard_us) > config.worker_timeout_us {
                self.fail_worker(config, w, out);
            }
        }
        self.ping_seq += 1;
        let locations = self.locations();
        for w in 1..self.workers.len() as NodeId {
            let reducing = self.workers[w as usize].slots[1].is_some();
            let locations = if reducing { locations.clone() } else { Vec::new() };
            out.send(w, MrMsg::Ping { job: self.job, seq: self.ping_seq, locations });
        }
        self.assign(config, out);
        out.set_timer(MrTimer::Ping, config.ping_interval_us, config.ping_interval_us);
    }

    /// Where each completed map's output lies.
    pub fn locations(&self) -> Vec<(u32, NodeId)> {
        self.maps.iter().enumerate().filter_map(|(i, t)| t.done_by.map(|(w, _, _)| (i as u32, w))).collect()
    }

    /// A worker is failed (§3.3): its running tasks go back to idle, and so do the map tasks
    /// it completed, unless every reduce has its output already.
    fn fail_worker(&mut self, config: &MapReduceConfig, w: NodeId, out: &mut Out<MapReduce>) {
        out.note(format!("n{w} marked failed: no answer for {} ms", config.worker_timeout_us / 1000));
        let info = &mut self.workers[w as usize];
        info.failed = true;
        let runs: Vec<Attempt> = info.slots.iter_mut().filter_map(Option::take).collect();
        for run in runs {
            let task = &mut self.tasks(run.kind)[run.task as usize];
            task.drop_run(run.attempt);
        }
        let lost: Vec<u32> = (0..self.maps.len() as u32).filter(|m| matches!(self.maps[*m as usize].done_by, Some((x, _, _)) if x == w)).collect();
        self.lose_maps(config, &lost, out);
    }

    /// Completed maps whose output is gone with its worker's disk: idle again (§3.3), unless
    /// the teaching bug keeps them completed or no reduce needs them any more.
    fn lose_maps(&mut self, config: &MapReduceConfig, lost: &[u32], out: &mut Out<MapReduce>) {
        if lost.is_empty() || self.reduces.iter().all(|t| t.state == TaskState::Completed) || config.has_bug("no_reexecute_completed_maps") {
            return;
        }
        for m in lost {
            let t = &mut self.maps[*m as usize];
            t.state = if t.running.is_empty() { TaskState::Idle } else { TaskState::InProgress };
            t.done_by = None;
            self.reexecuted += 1;
        }
        let names: Vec<String> = lost.iter().map(|m| format!("m{m}")).collect();
        out.note(format!("completed map output lost: {} to be executed again", names.join(", ")));
        self.record_progress(out.now());
    }

    /// Give idle tasks to free slots of live workers, lowest worker first; then backups.
    pub fn assign(&mut self, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        if self.done() {
            return;
        }
        for kind in [Kind::Map, Kind::Reduce] {
            for w in 1..self.workers.len() as NodeId {
                if self.workers[w as usize].failed || self.workers[w as usize].slots[slot(kind)].is_some() {
                    continue;
                }
                let Some(task) = self.tasks(kind).iter().position(|t| t.state == TaskState::Idle) else { break };
                self.start_run(kind, task as u32, w, out);
            }
            if config.backup_tasks {
                self.backups(config, kind, out);
            }
        }
    }

    /// §3.6: when a phase is close to completion (every task started, few left running),
    /// each task with a single execution that has run for two ping intervals or more gets a
    /// backup on another free worker.
    fn backups(&mut self, config: &MapReduceConfig, kind: Kind, out: &mut Out<MapReduce>) {
        if kind == Kind::Reduce && self.maps.iter().any(|t| t.state != TaskState::Completed) {
            return;
        }
        let tasks = self.tasks(kind);
        let left = tasks.iter().filter(|t| t.state != TaskState::Completed).count();
        let limit = (tasks.len() * config.backup_when_left_pct as usize / 100).max(1);
        if left == 0 || left > limit || tasks.iter().any(|t| t.state == TaskState::Idle) {
            return;
        }
        let count = tasks.len();
        let seq = self.ping_seq;
        for task in 0..count {
            let t = &self.tasks(kind)[task];
            if t.state != TaskState::InProgress || t.running.len() != 1 || t.running[0].2 + 2 > seq {
                continue;
            }
            let busy = t.running[0].1;
            let free = (1..self.workers.len() as NodeId).find(|w| *w != busy && !self.workers[*w as usize].failed && self.workers[*w as usize].slots[slot(kind)].is_none());
            let Some(w) = free else { return };
            self.backups += 1;
            out.note(format!("backup execution of {}{task} on n{w} (§3.6)", kind.letter()));
            self.start_run(kind, task as u32, w, out);
        }
    }

    fn start_run(&mut self, kind: Kind, task: u32, w: NodeId, out: &mut Out<MapReduce>) {
        let attempt = self.next_attempt;
        self.next_attempt += 1;
        let seq = self.ping_seq;
        let t = &mut self.tasks(kind)[task as usize];
        let run = Attempt { kind, task, attempt, first: t.attempts == 0 };
        t.attempts += 1;
        t.running.push((attempt, w, seq));
        if t.state == TaskState::Idle {
            t.state = TaskState::InProgress;
        }
        self.workers[w as usize].slots[slot(kind)] = Some(run);
        let locations = if kind == Kind::Reduce { self.locations() } else { Vec::new() };
        out.send(w, MrMsg::Assign { job: self.job, run, locations });
    }

    /// A worker answered ping `seq`. It is alive (back from failed, it is a fresh worker);
    /// an execution the master gave it before that ping and that it no longer runs is lost,
    /// and so is the output of a map it completed before that ping but no longer holds.
    pub fn on_pong(&mut self, config: &MapReduceConfig, w: NodeId, job: u64, seq: u64, running: &[Attempt], files: &[u32], out: &mut Out<MapReduce>) {
        let info = &mut self.workers[w as usize];
        info.last_heard_us = out.now();
        if info.failed {
            info.failed = false;
            out.note(format!("n{w} answers again: a worker once more"));
        }
        if job != self.job || seq > self.ping_seq {
            self.assign(config, out);
            return;
        }
        for k in 0..2 {
            let Some(run) = self.workers[w as usize].slots[k] else { continue };
            let t = &self.tasks(run.kind)[run.task as usize];
            let assigned_before = t.running.iter().any(|r| r.0 == run.attempt && r.2 < seq);
            if assigned_before && !running.contains(&run) {
                self.workers[w as usize].slots[k] = None;
                self.tasks(run.kind)[run.task as usize].drop_run(run.attempt);
            }
        }
        let lost: Vec<u32> = (0..self.maps.len() as u32)
            .filter(|m| matches!(self.maps[*m as usize].done_by, Some((x, _, at)) if x == w && at < seq && !files.contains(m)))
            .collect();
        self.lose_maps(config, &lost, out);
        self.assign(config, out);
    }

    /// A map finished. The first completion of a task counts (§3.3: the master ignores a
    /// completion for a completed map); reduce workers learn where its output lies.
    pub fn on_map_done(&mut self, config: &MapReduceConfig, w: NodeId, job: u64, run: Attempt, sizes: Vec<u64>, out: &mut Out<MapReduce>) {
        if job != self.job {
            return;
        }
        self.free_slot(w, run);
        let seq = self.ping_seq;
        let failed = self.workers[w as usize].failed;
        let t = &mut self.maps[run.task as usize];
        t.running.retain(|r| r.0 != run.attempt);
        if t.state == TaskState::Completed || failed {
            if t.state == TaskState::InProgress && t.running.is_empty() {
                t.state = TaskState::Idle;
            }
            self.assign(config, out);
            return;
        }
        t.state = TaskState::Completed;
        t.done_by = Some((w, run.attempt, seq));
        t.sizes = sizes;
        self.record_progress(out.now());
        for r in 1..self.workers.len() as NodeId {
            if self.workers[r as usize].slots[1].is_some() {
                out.send(r, MrMsg::Location { job, map: run.task, worker: w });
            }
        }
        self.assign(config, out);
    }

    /// A reduce finished: commit its output, once (§3.3's atomic rename), durable before the
    /// partition counts as done; the job is done when every partition is.
    pub fn on_reduce_done(&mut self, config: &MapReduceConfig, w: NodeId, job: u64, run: Attempt, output: Pairs, out: &mut Out<MapReduce>) {
        if job != self.job {
            return;
        }
        self.free_slot(w, run);
        let t = &mut self.reduces[run.task as usize];
        let given_up = !t.running.iter().any(|r| r.0 == run.attempt);
        t.running.retain(|r| r.0 != run.attempt);
        let late_commit = given_up && config.has_bug("commit_late_done");
        if t.state == TaskState::Completed && !late_commit {
            self.assign(config, out);
            return;
        }
        t.state = TaskState::Completed;
        t.done_by = Some((w, run.attempt, self.ping_seq));
        out.write(LogWrite::Append(Record::Commit { job, partition: run.task, output: output.clone() }));
        if !config.has_bug("commit_not_synced") {
            out.sync();
        }
        self.commits.push((job, run.task, output));
        self.record_progress(out.now());
        if self.reduces.iter().all(|t| t.state == TaskState::Completed) && self.finished_us.is_none() {
            self.finished_us = Some(out.now());
            out.note(format!("job {} done in {} ms", self.job, (out.now() - self.started_us) / 1000));
        }
        self.assign(config, out);
    }

    fn free_slot(&mut self, w: NodeId, run: Attempt) {
        let s = &mut self.workers[w as usize].slots[slot(run.kind)];
        if *s == Some(run) {
            *s = None;
        }
    }

    fn record_progress(&mut self, now: TimeUs) {
        let read = (0..self.maps.len()).filter(|m| self.maps[*m].state == TaskState::Completed).map(|m| self.split_bytes[m]).sum();
        let written = self.output().into_iter().flatten().map(|o| super::input::pairs_bytes(o)).sum();
        self.progress.push((now, read, written));
    }

    /// The committed output of this job, partition by partition (None where not yet).
    pub fn output(&self) -> Vec<Option<&Pairs>> {
        let mut parts = vec![None; self.reduces.len()];
        for (job, p, o) in &self.commits {
            if *job == self.job {
                parts[*p as usize] = Some(o);
            }
        }
        parts
    }
}

