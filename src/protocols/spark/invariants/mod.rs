//! Spark word count's checkers, one per property (Zaharia et al., NSDI 2012, §2.1 and §5:
//! a partition recomputed from lineage is the partition it replaces, so the job's output is
//! a sequential execution's; Spark's output committer keeps one task's output per
//! partition), run after every event on the node it touched; and liveness after faults stop.

pub mod commit_durable;
pub mod correct_output;
pub mod exactly_once;
pub mod fetch_before_reduce;
pub mod one_partition;

use super::{Spark, SparkConfig, DRIVER};
use crate::protocols::mapreduce::input::{self, Pairs};
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug)]
pub struct SparkChecker {
    /// The sequential word count, per partition of the shuffle's partitioner.
    pub expected: std::sync::Arc<Vec<Pairs>>,
    pub reduce_partitions: u32,
    /// M: the map outputs a result task reads.
    pub partitions: usize,
    /// Commit records of the driver already checked.
    pub outputs_seen: usize,
    /// Per executor, the shuffle outputs it had written when last checked.
    pub outputs_written_seen: Vec<u64>,
    /// The application whose completion was last checked.
    pub done_checked: Option<u64>,
}

pub(crate) fn violation(ctx: &CheckCtx<Spark>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

impl Checker<Spark> for SparkChecker {
    fn new(config: &SparkConfig, n: u32) -> Self {
        let inp = config.input();
        SparkChecker {
            expected: std::sync::Arc::new(input::expected(&inp, config.reduce_partitions)),
            partitions: inp.splits.len(),
            reduce_partitions: config.reduce_partitions,
            outputs_seen: 0,
            outputs_written_seen: vec![0; n as usize],
            done_checked: None,
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
    fn check(&mut self, ctx: &CheckCtx<Spark>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes.get(id as usize).and_then(Option::as_ref) else { return };
        if id == DRIVER {
            if let Some(d) = node.as_driver() {
                exactly_once::check(self, ctx, d, out);
                correct_output::check(self, ctx, d, out);
                if d.done() && self.done_checked != Some(d.app) {
                    self.done_checked = Some(d.app);
                    exactly_once::check_all_committed(self, ctx, d, out);
                    commit_durable::check(ctx, d, out);
                }
            }
        } else if let Some(e) = node.as_executor() {
            one_partition::check(self, ctx, id, e, out);
            fetch_before_reduce::check(ctx, id, e, self.partitions, out);
        }
    }
}

/// After faults stop, with the driver and at least one executor alive: the job is done.
pub fn liveness(nodes: &[Option<Spark>]) -> Result<(), String> {
    let Some(Some(driver)) = nodes.first() else { return Err("the driver is down".into()) };
    let Some(d) = driver.as_driver() else { return Err("node 0 is not the driver".into()) };
    if nodes.iter().skip(1).all(Option::is_none) {
        return Err("no executor is up".into());
    }
    if d.done() {
        return Ok(());
    }
    let maps = d.maps.iter().filter(|m| m.output.is_some()).count();
    let results = d.results.iter().filter(|r| r.committed.is_some()).count();
    Err(format!(
        "application {} not done: {maps} of {} map outputs available, {results} of {} result partitions committed, stage attempts {} and {}",
        d.app,
        d.maps.len(),
        d.result_partitions,
        d.stage_attempts[0],
        d.stage_attempts[1]
    ))
}
