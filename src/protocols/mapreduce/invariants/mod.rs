//! MapReduce's checkers, one per property the sources state (Dean & Ghemawat, OSDI 2004,
//! §3.3), run after every event on the node it touched; and liveness after faults stop.

pub mod commit_durable;
pub mod correct_output;
pub mod exactly_once;
pub mod fetch_before_reduce;
pub mod one_partition;

use super::input::{self, Pairs};
use super::{MapReduce, MapReduceConfig, MASTER};
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug)]
pub struct MapReduceChecker {
    /// The sequential word count, per output partition.
    pub expected: std::sync::Arc<Vec<Pairs>>,
    pub reduce_tasks: u32,
    /// Commit records of the master already checked for correctness.
    pub outputs_seen: usize,
    /// Per worker, the map outputs it had written when last checked.
    pub files_seen: Vec<u64>,
    /// The job whose completion was last checked for durable output.
    pub durable_checked: Option<u64>,
}

pub(crate) fn violation(ctx: &CheckCtx<MapReduce>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

impl Checker<MapReduce> for MapReduceChecker {
    fn new(config: &MapReduceConfig, n: u32) -> Self {
        let inp = input::input(config);
        MapReduceChecker {
            expected: std::sync::Arc::new(input::expected(&inp, config.reduce_tasks)),
            reduce_tasks: config.reduce_tasks,
            outputs_seen: 0,
            files_seen: vec![0; n as usize],
            durable_checked: None,
        }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (correct_output::NAME, correct_output::SOURCE),
            (one_partition::NAME, one_partition::SOURCE),
            (exactly_once::NAME, exactly_once::SOURCE),
            (fetch_before_reduce::NAME, fetch_before_reduce::SOURCE),
            (commit_durable::NAME, commit_durable::SOURCE),
        ]
    }
    fn check(&mut self, ctx: &CheckCtx<MapReduce>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes.get(id as usize).and_then(Option::as_ref) else { return };
        if id == MASTER {
            if let Some(m) = node.as_master() {
                exactly_once::check(self, ctx, m, out);
                correct_output::check(self, ctx, m, out);
                commit_durable::check(self, ctx, m, out);
            }
        } else if let Some(w) = node.as_worker() {
            one_partition::check(self, ctx, id, w, out);
            fetch_before_reduce::check(ctx, id, w, node.config.map_tasks, out);
        }
    }
}

/// After faults stop, with the master and at least one worker alive: the job is done.
pub fn liveness(nodes: &[Option<MapReduce>]) -> Result<(), String> {
    let Some(Some(master)) = nodes.first() else { return Err("the master is down".into()) };
    let Some(m) = master.as_master() else { return Err("node 0 is not the master".into()) };
    if nodes.iter().skip(1).all(Option::is_none) {
        return Err("no worker is up".into());
    }
    if m.done() {
        return Ok(());
    }
    let maps = m.maps.iter().filter(|t| t.state == super::master::TaskState::Completed).count();
    let reduces = m.reduces.iter().filter(|t| t.state == super::master::TaskState::Completed).count();
    Err(format!("job {} not done: {maps} of {} maps and {reduces} of {} reduces completed", m.job, m.maps.len(), m.reduces.len()))
}
