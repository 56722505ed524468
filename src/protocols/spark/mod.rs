//! Spark word count: the same job as MapReduce's in Spark's form, `textFile` → `flatMap` →
//! `map` → `reduceByKey`, after Zaharia et al., "Resilient Distributed Datasets: A
//! Fault-Tolerant Abstraction for In-Memory Cluster Computing" (NSDI 2012): §2.1 and §2.3
//! lineage, §4 narrow and wide dependencies and partitioners, §5.1 the job scheduler (stages
//! split at shuffles, a stage submitted when its parents' outputs are available), §5.3
//! recovering a lost partition by recomputing it from lineage; and Spark's scheduler for what
//! the paper leaves open (heartbeats, `FetchFailed` and stage resubmission, the output
//! committer). `reduceByKey` combines on the map side, as MapReduce's combiner does.

pub mod config;
pub mod driver;
pub mod executor;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod view;

pub use config::{SparkConfig, BUGS};
pub use invariants::SparkChecker;
pub use msg::{SparkMsg, Stage, Task};
pub use node::{Record, Role, Spark, SparkTimer, DRIVER};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableLog, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TimeUs};

impl Protocol for Spark {
    type Config = SparkConfig;
    type Msg = SparkMsg;
    type Timer = SparkTimer;
    type Request = ();
    type Reply = ();
    type Durable = DurableLog<Record>;
    type Checker = SparkChecker;
    const NAME: &'static str = "spark";

    fn new(env: NodeEnv, config: &SparkConfig) -> Self {
        Spark::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        let Spark { config, role, .. } = self;
        match role {
            Role::Driver(d) => d.start(config, out),
            Role::Executor(e) => e.start(config, out),
        }
    }
    fn on_recover(&mut self, log: DurableLog<Record>, out: &mut Out<Self>) {
        let Spark { config, role, .. } = self;
        match role {
            Role::Driver(d) => d.recover(config, log, out),
            Role::Executor(e) => e.start(config, out),
        }
    }
    fn on_message(&mut self, from: NodeId, msg: SparkMsg, out: &mut Out<Self>) {
        let Spark { config, input, role, .. } = self;
        match (role, msg) {
            (Role::Driver(d), SparkMsg::Heartbeat { app, boot, running, blocks }) => d.on_heartbeat(config, from, app, boot, running, &blocks, out),
            (Role::Driver(d), SparkMsg::MapStatus { app, task, sizes }) => d.on_map_status(config, from, app, task, sizes, out),
            (Role::Driver(d), SparkMsg::TaskResult { app, task, output }) => d.on_task_result(config, from, app, task, output, out),
            (Role::Driver(d), SparkMsg::FetchFailed { app, task, map, from: holder }) => d.on_fetch_failed(config, from, app, task, map, holder, out),
            (Role::Executor(e), SparkMsg::HeartbeatResponse { app }) => e.on_heartbeat_response(app, out),
            (Role::Executor(e), SparkMsg::LaunchTask { app, task, reduce_partitions, locations }) => e.on_launch(app, task, reduce_partitions, locations, config, input, out),
            (Role::Executor(e), SparkMsg::FetchBlock { app, map, reduce }) => e.on_fetch(from, app, map, reduce, config, out),
            (Role::Executor(e), SparkMsg::Block { app, map, reduce, pairs }) => e.on_block(app, map, reduce, pairs, config, out),
            (Role::Executor(e), SparkMsg::NoBlock { app, map, reduce }) => e.on_no_block(from, app, map, reduce, out),
            _ => {}
        }
    }
    fn on_timer(&mut self, timer: SparkTimer, out: &mut Out<Self>) {
        let Spark { config, role, .. } = self;
        match (role, timer) {
            (Role::Driver(d), SparkTimer::Tick) => d.tick(config, out),
            (Role::Executor(e), SparkTimer::Heartbeat) => e.heartbeat(config, out),
            (Role::Executor(e), SparkTimer::Work(task)) => e.on_work(task, out),
            (Role::Executor(e), SparkTimer::Send) => e.on_sent(config, out),
            (Role::Executor(e), SparkTimer::FetchRetry) => e.on_fetch_retry(config, out),
            _ => {}
        }
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    /// "Time out now" at the driver: run the scheduler's checks at once.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        let Spark { config, role, .. } = self;
        if let Role::Driver(d) = role {
            d.tick(config, out);
        }
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &SparkMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &SparkMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &SparkTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Spark {
    const TERM_NAME: &'static str = "application";
    fn msg_summary(msg: &SparkMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
