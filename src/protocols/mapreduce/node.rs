//! A MapReduce node: the master (n0) or a worker (Dean & Ghemawat, OSDI 2004, §3.1–3.2),
//! its timers, and the records the master keeps on stable storage (the job's number, and
//! each output partition committed, the atomic rename of §3.3).

use super::config::MapReduceConfig;
use super::input::{self, Input, Pairs};
use super::master::Master;
use super::msg::Attempt;
use super::worker::Worker;
use crate::sim::NodeEnv;
use std::sync::Arc;

/// The master is node 0; every other node is a worker.
pub const MASTER: u32 = 0;

/// What the master writes to stable storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// The job this master runs (a master that restarts runs the job again as the next one).
    Job(u64),
    /// Output partition `partition` of job `job` committed: its file renamed into place.
    Commit { job: u64, partition: u32, output: Pairs },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MrTimer {
    /// Master: ping every worker, mark silent ones failed, assign tasks.
    Ping,
    /// Worker: this task's work (reading, computing, writing) is done.
    Work(Attempt),
    /// Worker: the piece on its link has been sent.
    Send,
    /// Reduce worker: ask again for pieces not received.
    FetchRetry,
}

impl MrTimer {
    pub fn name(&self) -> &'static str {
        match self {
            MrTimer::Ping => "ping workers",
            MrTimer::Work(a) if a.kind == super::msg::Kind::Map => "map work done",
            MrTimer::Work(_) => "reduce work done",
            MrTimer::Send => "piece sent",
            MrTimer::FetchRetry => "fetch again",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Master(Box<Master>),
    Worker(Box<Worker>),
}

#[derive(Clone, Debug)]
pub struct MapReduce {
    pub env: NodeEnv,
    pub config: MapReduceConfig,
    pub input: Arc<Input>,
    pub role: Role,
}

impl MapReduce {
    pub fn create(env: NodeEnv, config: &MapReduceConfig) -> Self {
        let input = input::input(config);
        let role = if env.id == MASTER { Role::Master(Box::new(Master::new(env.n, config, &input))) } else { Role::Worker(Box::default()) };
        MapReduce { env, config: config.clone(), input, role }
    }
    pub fn as_master(&self) -> Option<&Master> {
        match &self.role {
            Role::Master(m) => Some(m),
            Role::Worker(_) => None,
        }
    }
    pub fn as_worker(&self) -> Option<&Worker> {
        match &self.role {
            Role::Worker(w) => Some(w),
            Role::Master(_) => None,
        }
    }
}
