//! Correct output: each committed result partition holds exactly the sequential word count
//! of the input for the words the shuffle's partitioner sends there (Zaharia et al., NSDI
//! 2012, §2.1: an RDD's partitions are a deterministic function of their parents, so a
//! recomputed partition is the one it replaces and the output is a sequential execution's).

use super::{violation, SparkChecker};
use crate::protocols::mapreduce::invariants::correct_output::first_difference;
use crate::protocols::spark::driver::Driver;
use crate::protocols::spark::Spark;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Correct output";
pub const SOURCE: &str = "RDDs (NSDI 2012) §2.1: a partition recomputed from lineage equals the lost one, so the output is a sequential execution's";

pub fn check(c: &mut SparkChecker, ctx: &CheckCtx<Spark>, d: &Driver, out: &mut Vec<Violation>) {
    if d.commits.len() < c.outputs_seen {
        c.outputs_seen = 0;
    }
    for (app, p, output) in &d.commits[c.outputs_seen..] {
        let empty = Vec::new();
        let want = c.expected.get(*p as usize).unwrap_or(&empty);
        if output != want {
            out.push(violation(ctx, NAME, SOURCE, format!("application {app}, partition {p}: {}", first_difference(output, want))));
        }
    }
    c.outputs_seen = d.commits.len();
}
