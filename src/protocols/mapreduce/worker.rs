//! A worker (Dean & Ghemawat, OSDI 2004, §3.1): a map slot and a reduce slot. A map task
//! reads its split, runs the map function and the combiner, and writes R partition files to
//! its local disk (lost if the worker dies); a reduce task fetches its partition of every
//! map's output from the map workers (the shuffle; fetching overlaps the map phase), and
//! only once it holds all M pieces sorts and reduces them and sends the output to be
//! committed. The cost model: a task's work takes (bytes read + bytes written) / speed; a
//! worker's link sends one piece at a time at its bandwidth. Files live in memory here, so a
//! crash loses them as a dead machine's disk is lost to the job.

use super::config::MapReduceConfig;
use super::input::{self, Combiner, Input, Pairs};
use super::msg::{Attempt, Kind, MrMsg};
use super::node::{MapReduce, MrTimer, MASTER};
use crate::sim::{NodeId, Out, TimeUs};
use crate::sim::sorted::SortedMap;
use std::collections::VecDeque;

/// A map task running: its output, written when its work is done.
#[derive(Clone, Debug)]
pub struct MapRun {
    pub run: Attempt,
    pub output: Vec<Pairs>,
    pub started_us: TimeUs,
}

/// A reduce task running: where each map's output lies and the pieces fetched so far.
#[derive(Clone, Debug)]
pub struct ReduceRun {
    pub run: Attempt,
    pub locations: Vec<Option<NodeId>>,
    pub pieces: Vec<Option<Pairs>>,
    /// All M pieces are here and the reduce function is running.
    pub reducing: bool,
    pub started_us: TimeUs,
}

impl ReduceRun {
    pub fn fetched(&self) -> usize {
        self.pieces.iter().filter(|p| p.is_some()).count()
    }
}

/// A completed map's output on this worker's disk, one file per partition.
#[derive(Clone, Debug)]
pub struct MapFile {
    pub run: Attempt,
    pub parts: Vec<Pairs>,
}

#[derive(Clone, Debug, Default)]
pub struct Worker {
    pub job: u64,
    pub map: Option<MapRun>,
    pub reduce: Option<ReduceRun>,
    pub files: SortedMap<u32, MapFile>,
    /// Map outputs written since boot (the one-partition checker reads new files only).
    pub files_written: u64,
    /// Pieces waiting for the link: (reduce worker, map, partition); the one being sent.
    pub queue: VecDeque<(NodeId, u32, u32)>,
    pub sending: Option<(NodeId, u32, u32)>,
    /// This process's hash salt (used only by the salted-partitioner teaching bug).
    pub salt: u64,
    /// (time, bytes) of each piece received, for the shuffle's progress curve.
    pub shuffled: Vec<(TimeUs, u64)>,
}

impl Worker {
    pub fn start(&mut self, out: &mut Out<MapReduce>) {
        self.salt = out.random_below(u64::MAX);
        // Tell the master this worker is up (and holds nothing), as a Pong to no ping.
        out.send(MASTER, MrMsg::Pong { job: 0, seq: 0, running: Vec::new(), files: Vec::new() });
    }

    pub fn running(&self) -> Vec<Attempt> {
        self.map.iter().map(|m| m.run).chain(self.reduce.iter().map(|r| r.run)).collect()
    }

    /// A newer job: everything of the old one is dropped.
    fn join_job(&mut self, job: u64, out: &mut Out<MapReduce>) -> bool {
        if job < self.job {
            return false;
        }
        if job > self.job {
            if self.job > 0 {
                out.note(format!("job {job} replaces job {}: its work dropped", self.job));
                for run in self.running() {
                    out.cancel_timer(MrTimer::Work(run));
                }
                out.cancel_timer(MrTimer::Send);
                out.cancel_timer(MrTimer::FetchRetry);
            }
            *self = Worker { job, salt: self.salt, files_written: self.files_written, shuffled: std::mem::take(&mut self.shuffled), ..Worker::default() };
        }
        true
    }

    pub fn on_ping(&mut self, job: u64, seq: u64, locations: &[(u32, NodeId)], config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        if !self.join_job(job, out) {
            return;
        }
        self.learn_locations(locations, config, out);
        let files = self.files.keys().copied().collect();
        out.send(MASTER, MrMsg::Pong { job, seq, running: self.running(), files });
    }

    pub fn on_assign(&mut self, job: u64, run: Attempt, locations: &[(u32, NodeId)], config: &MapReduceConfig, input: &Input, out: &mut Out<MapReduce>) {
        if !self.join_job(job, out) || self.running().contains(&run) {
            return;
        }
        match run.kind {
            Kind::Map => self.start_map(run, config, input, out),
            Kind::Reduce => self.start_reduce(run, locations, config, out),
        }
    }

    fn start_map(&mut self, run: Attempt, config: &MapReduceConfig, input: &Input, out: &mut Out<MapReduce>) {
        if let Some(old) = self.map.take() {
            out.cancel_timer(MrTimer::Work(old.run));
        }
        let split = &input.splits[run.task as usize];
        let mut words: &[String] = &split.words;
        // The teaching bug: the map reads a live source, which has changed since the job
        // started (its last line, twelve words, is gone): a re-execution reads that.
        if config.has_bug("nondeterministic_map") && !run.first {
            words = &words[..words.len().saturating_sub(12)];
        }
        let combiner = match (config.combiner, config.has_bug("averaging_combiner")) {
            (false, _) => Combiner::None,
            (true, false) => Combiner::Sum,
            (true, true) => Combiner::Average,
        };
        let salt = config.has_bug("salted_partitioner").then_some(self.salt);
        let output = input::map_split(words, config.reduce_tasks, combiner, salt);
        let written: u64 = output.iter().map(|p| input::pairs_bytes(p)).sum();
        let work_us = work_us(split.bytes + written, config.worker_bytes_per_ms);
        out.set_timer(MrTimer::Work(run), work_us, work_us);
        self.map = Some(MapRun { run, output, started_us: out.now() });
    }

    fn start_reduce(&mut self, run: Attempt, locations: &[(u32, NodeId)], config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        if let Some(old) = self.reduce.take() {
            out.cancel_timer(MrTimer::Work(old.run));
        }
        let m = config.map_tasks as usize;
        self.reduce = Some(ReduceRun { run, locations: vec![None; m], pieces: vec![None; m], reducing: false, started_us: out.now() });
        self.learn_locations(locations, config, out);
        out.set_timer(MrTimer::FetchRetry, config.fetch_retry_us, config.fetch_retry_us);
    }

    /// Map outputs located: fetch each piece not yet here from where it now lies.
    pub fn learn_locations(&mut self, locations: &[(u32, NodeId)], _config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        let job = self.job;
        let Some(r) = self.reduce.as_mut().filter(|r| !r.reducing) else { return };
        for (map, w) in locations {
            let m = *map as usize;
            if m < r.pieces.len() && r.pieces[m].is_none() && r.locations[m] != Some(*w) {
                r.locations[m] = Some(*w);
                out.send(*w, MrMsg::Fetch { job, map: *map, partition: r.run.task });
            }
        }
    }

    pub fn on_fetch_retry(&mut self, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        let job = self.job;
        let Some(r) = self.reduce.as_ref().filter(|r| !r.reducing) else { return };
        for (m, w) in r.locations.iter().enumerate() {
            if let (Some(w), None) = (w, &r.pieces[m]) {
                out.send(*w, MrMsg::Fetch { job, map: m as u32, partition: r.run.task });
            }
        }
        out.set_timer(MrTimer::FetchRetry, config.fetch_retry_us, config.fetch_retry_us);
    }

    /// A reduce worker asks for a piece: queue it for the link, or say it is gone.
    pub fn on_fetch(&mut self, from: NodeId, job: u64, map: u32, partition: u32, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        if job != self.job {
            return;
        }
        if !self.files.contains_key(&map) {
            out.send(from, MrMsg::NoPiece { job, map, partition });
            return;
        }
        let want = (from, map, partition);
        if self.sending != Some(want) && !self.queue.contains(&want) {
            self.queue.push_back(want);
        }
        self.send_next(config, out);
    }

    fn send_next(&mut self, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        while self.sending.is_none() {
            let Some((to, map, partition)) = self.queue.pop_front() else { return };
            let Some(file) = self.files.get(&map) else { continue };
            let bytes = input::pairs_bytes(&file.parts[partition as usize]);
            let send_us = work_us(bytes, config.net_bytes_per_ms);
            self.sending = Some((to, map, partition));
            out.set_timer(MrTimer::Send, send_us, send_us);
        }
    }

    pub fn on_sent(&mut self, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        if let Some((to, map, partition)) = self.sending.take() {
            if let Some(file) = self.files.get(&map) {
                out.send(to, MrMsg::Piece { job: self.job, map, partition, pairs: file.parts[partition as usize].clone() });
            }
        }
        self.send_next(config, out);
    }

    /// A piece arrived: keep the first copy of each map's piece (from whichever execution
    /// of it); with all M here, the reduce function runs.
    pub fn on_piece(&mut self, job: u64, map: u32, partition: u32, pairs: Pairs, config: &MapReduceConfig, out: &mut Out<MapReduce>) {
        let Some(r) = self.reduce.as_mut().filter(|r| job == self.job && r.run.task == partition && !r.reducing) else { return };
        let Some(slot) = r.pieces.get_mut(map as usize).filter(|p| p.is_none()) else { return };
        self.shuffled.push((out.now(), input::pairs_bytes(&pairs)));
        *slot = Some(pairs);
        if r.fetched() == r.pieces.len() {
            r.reducing = true;
            out.cancel_timer(MrTimer::FetchRetry);
            let read: u64 = r.pieces.iter().flatten().map(|p| input::pairs_bytes(p)).sum();
            let work_us = work_us(read * 2, config.worker_bytes_per_ms);
            out.set_timer(MrTimer::Work(r.run), work_us, work_us);
        }
    }

    /// The map worker has lost that output: wait for the master to locate a new one.
    pub fn on_no_piece(&mut self, from: NodeId, job: u64, map: u32) {
        let Some(r) = self.reduce.as_mut().filter(|_| job == self.job) else { return };
        if let Some(loc) = r.locations.get_mut(map as usize).filter(|l| **l == Some(from)) {
            *loc = None;
        }
    }

    /// A task's work is done: a map writes its files and reports; a reduce reports its output.
    pub fn on_work(&mut self, run: Attempt, out: &mut Out<MapReduce>) {
        let job = self.job;
        match run.kind {
            Kind::Map => {
                let Some(m) = self.map.take_if(|m| m.run == run) else { return };
                let sizes = m.output.iter().map(|p| input::pairs_bytes(p)).collect();
                self.files.insert(run.task, MapFile { run, parts: m.output });
                self.files_written += 1;
                out.send(MASTER, MrMsg::MapDone { job, run, sizes });
            }
            Kind::Reduce => {
                let Some(r) = self.reduce.take_if(|r| r.run == run && r.reducing) else { return };
                let pieces: Vec<Pairs> = r.pieces.into_iter().flatten().collect();
                out.send(MASTER, MrMsg::ReduceDone { job, run, output: input::reduce(&pieces) });
            }
        }
    }
}

/// How long work on `bytes` takes at `bytes_per_ms` (at least 1 µs).
pub fn work_us(bytes: u64, bytes_per_ms: u64) -> TimeUs {
    (bytes.saturating_mul(1_000) / bytes_per_ms.max(1)).max(1)
}
