//! MapReduce word count as the paper runs it: Dean & Ghemawat, "MapReduce: Simplified Data
//! Processing on Large Clusters" (OSDI 2004): §3.1 execution (M splits and map tasks, R
//! reduce tasks, intermediate pairs partitioned by hash(key) mod R on the map worker's local
//! disk, reduce workers fetching their partition from every map worker, sorting, reducing and
//! committing atomically), §3.2 the master's data structures, §3.3 fault tolerance (pings;
//! a failed worker's completed maps re-executed, completed reduces not; a completion for a
//! completed task ignored; the atomic rename), §3.6 backup tasks, §4.1 the partitioner, §4.3
//! the combiner. The coordinator/worker shape follows MIT 6.5840's lab; a worker is judged failed by the master's pings (§3.3).

pub mod config;
pub mod input;
pub mod invariants;
pub mod master;
pub mod msg;
pub mod node;
pub mod view;
pub mod worker;

pub use config::{Language, MapReduceConfig, BUGS};
pub use invariants::MapReduceChecker;
pub use msg::{Attempt, Kind, MrMsg};
pub use node::{MapReduce, MrTimer, Record, Role, MASTER};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableLog, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TimeUs};

impl Protocol for MapReduce {
    type Config = MapReduceConfig;
    type Msg = MrMsg;
    type Timer = MrTimer;
    type Request = ();
    type Reply = ();
    type Durable = DurableLog<Record>;
    type Checker = MapReduceChecker;
    const NAME: &'static str = "mapreduce";

    fn new(env: NodeEnv, config: &MapReduceConfig) -> Self {
        MapReduce::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        match &mut self.role {
            Role::Master(m) => m.start(&self.config, out),
            Role::Worker(w) => w.start(out),
        }
    }
    fn on_recover(&mut self, log: DurableLog<Record>, out: &mut Out<Self>) {
        match &mut self.role {
            Role::Master(m) => m.recover(&self.config, log, out),
            Role::Worker(w) => w.start(out),
        }
    }
    fn on_message(&mut self, from: NodeId, msg: MrMsg, out: &mut Out<Self>) {
        let MapReduce { config, input, role, .. } = self;
        match (role, msg) {
            (Role::Master(m), MrMsg::Pong { job, seq, running, files }) => m.on_pong(config, from, job, seq, &running, &files, out),
            (Role::Master(m), MrMsg::MapDone { job, run, sizes }) => m.on_map_done(config, from, job, run, sizes, out),
            (Role::Master(m), MrMsg::ReduceDone { job, run, output }) => m.on_reduce_done(config, from, job, run, output, out),
            (Role::Worker(w), MrMsg::Ping { job, seq, locations }) => w.on_ping(job, seq, &locations, config, out),
            (Role::Worker(w), MrMsg::Assign { job, run, locations }) => w.on_assign(job, run, &locations, config, input, out),
            (Role::Worker(w), MrMsg::Location { job, map, worker }) if job == w.job => w.learn_locations(&[(map, worker)], config, out),
            (Role::Worker(w), MrMsg::Fetch { job, map, partition }) => w.on_fetch(from, job, map, partition, config, out),
            (Role::Worker(w), MrMsg::Piece { job, map, partition, pairs }) => w.on_piece(job, map, partition, pairs, config, out),
            (Role::Worker(w), MrMsg::NoPiece { job, map, .. }) => w.on_no_piece(from, job, map),
            _ => {}
        }
    }
    fn on_timer(&mut self, timer: MrTimer, out: &mut Out<Self>) {
        let MapReduce { config, role, .. } = self;
        match (role, timer) {
            (Role::Master(m), MrTimer::Ping) => m.ping(config, out),
            (Role::Worker(w), MrTimer::Work(run)) => w.on_work(run, out),
            (Role::Worker(w), MrTimer::Send) => w.on_sent(config, out),
            (Role::Worker(w), MrTimer::FetchRetry) => w.on_fetch_retry(config, out),
            _ => {}
        }
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    /// "Time out now" at the master: ping (and judge every worker) at once.
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        let MapReduce { config, role, .. } = self;
        if let Role::Master(m) = role {
            m.ping(config, out);
        }
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &MrMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &MrMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &MrTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for MapReduce {
    const TERM_NAME: &'static str = "job";
    fn msg_summary(msg: &MrMsg) -> String {
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
