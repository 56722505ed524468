//! A Spark node: the driver (n0), which runs the DAG and task schedulers and the map-output
//! tracker, or an executor (Zaharia et al., NSDI 2012, §5.1); their timers, and the records
//! the driver keeps on stable storage (the application's number and each result partition
//! committed).

use super::config::SparkConfig;
use super::driver::Driver;
use super::executor::Executor;
use super::msg::Task;
use crate::protocols::mapreduce::input::{Input, Pairs};
use crate::sim::NodeEnv;
use std::sync::Arc;

/// The driver is node 0; every other node is an executor.
pub const DRIVER: u32 = 0;

/// What the driver writes to stable storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// The application this driver runs (a driver that restarts runs the job as the next).
    App(u64),
    /// Result partition `partition` of application `app` committed (the output committer's
    /// rename).
    Commit { app: u64, partition: u32, output: Pairs },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SparkTimer {
    /// Driver: check heartbeats, resubmit failed stages, launch tasks.
    Tick,
    /// Executor: send a heartbeat.
    Heartbeat,
    /// Executor: this task's work (reading, computing, writing) is done.
    Work(Task),
    /// Executor: the block on its link has been sent.
    Send,
    /// Executor: ask again for blocks not received.
    FetchRetry,
}

impl SparkTimer {
    pub fn name(&self) -> &'static str {
        match self {
            SparkTimer::Tick => "scheduler tick",
            SparkTimer::Heartbeat => "heartbeat",
            SparkTimer::Work(t) if t.stage == super::msg::Stage::ShuffleMap => "shuffle map task done",
            SparkTimer::Work(_) => "result task done",
            SparkTimer::Send => "block sent",
            SparkTimer::FetchRetry => "fetch again",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Driver(Box<Driver>),
    Executor(Box<Executor>),
}

#[derive(Clone, Debug)]
pub struct Spark {
    pub env: NodeEnv,
    pub config: SparkConfig,
    pub input: Arc<Input>,
    pub role: Role,
}

impl Spark {
    pub fn create(env: NodeEnv, config: &SparkConfig) -> Self {
        let input = config.input();
        let role = if env.id == DRIVER { Role::Driver(Box::new(Driver::new(env.n, config, &input))) } else { Role::Executor(Box::default()) };
        Spark { env, config: config.clone(), input, role }
    }
    pub fn as_driver(&self) -> Option<&Driver> {
        match &self.role {
            Role::Driver(d) => Some(d),
            Role::Executor(_) => None,
        }
    }
    pub fn as_executor(&self) -> Option<&Executor> {
        match &self.role {
            Role::Executor(e) => Some(e),
            Role::Driver(_) => None,
        }
    }
}
