//! Each partition committed once: Spark's output commit coordinator lets one task attempt
//! commit each result partition, and the job is done only when every partition of the
//! shuffle's partitioner is committed.

use super::{violation, SparkChecker};
use crate::protocols::spark::driver::Driver;
use crate::protocols::spark::Spark;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Each partition committed once";
pub const SOURCE: &str = "Spark's OutputCommitCoordinator: one attempt commits each partition; the job ends with all R committed";

/// Runs before the correctness check, which advances `outputs_seen`.
pub fn check(c: &SparkChecker, ctx: &CheckCtx<Spark>, d: &Driver, out: &mut Vec<Violation>) {
    let from = if d.commits.len() < c.outputs_seen { 0 } else { c.outputs_seen };
    for i in from..d.commits.len() {
        let (app, p, _) = &d.commits[i];
        if d.commits[..i].iter().any(|(a, q, _)| a == app && q == p) {
            out.push(violation(ctx, NAME, SOURCE, format!("partition {p} of application {app} committed a second time")));
        }
    }
}

/// At the job's end: every one of the R partitions committed in this application.
pub fn check_all_committed(c: &SparkChecker, ctx: &CheckCtx<Spark>, d: &Driver, out: &mut Vec<Violation>) {
    let committed = |p: u32| d.commits.iter().any(|(a, q, _)| *a == d.app && *q == p);
    if let Some(p) = (0..c.reduce_partitions).find(|p| !committed(*p)) {
        out.push(violation(ctx, NAME, SOURCE, format!("application {} reported done, but partition {p} of {} was never committed", d.app, c.reduce_partitions)));
    }
}
