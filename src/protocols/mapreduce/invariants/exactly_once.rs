//! Exactly-once commit: each output partition of a job is committed once; the atomic rename
//! leaves one execution's output (Dean & Ghemawat, OSDI 2004, §3.3).

use super::{violation, MapReduceChecker};
use crate::protocols::mapreduce::master::Master;
use crate::protocols::mapreduce::MapReduce;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Each partition committed once";
pub const SOURCE: &str = "MapReduce (OSDI 2004) §3.3: the atomic rename keeps one execution's output";

/// Runs before the correctness check, which advances `outputs_seen`: each commit record
/// not yet seen is compared with every earlier one.
pub fn check(c: &MapReduceChecker, ctx: &CheckCtx<MapReduce>, m: &Master, out: &mut Vec<Violation>) {
    let from = if m.commits.len() < c.outputs_seen { 0 } else { c.outputs_seen };
    for i in from..m.commits.len() {
        let (job, p, _) = &m.commits[i];
        if m.commits[..i].iter().any(|(j, q, _)| j == job && q == p) {
            out.push(violation(ctx, NAME, SOURCE, format!("partition {p} of job {job} committed a second time")));
        }
    }
}
