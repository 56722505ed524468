//! Reduce after the whole shuffle read: `reduceByKey`'s merge runs only once the task holds
//! its block of every one of the M map outputs (Zaharia et al., NSDI 2012, §5.1: a stage
//! boundary at each wide dependency).

use super::violation;
use crate::protocols::spark::executor::Executor;
use crate::protocols::spark::Spark;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Reduce after all M blocks";
pub const SOURCE: &str = "RDDs (NSDI 2012) §5.1: a result task reads every map output of the shuffle before it reduces";

pub fn check(ctx: &CheckCtx<Spark>, id: NodeId, e: &Executor, m: usize, out: &mut Vec<Violation>) {
    let Some(r) = e.running.as_ref() else { return };
    let Some(read) = r.read.as_ref().filter(|read| read.reducing) else { return };
    if read.blocks.len() != m || read.fetched() < m {
        out.push(violation(ctx, NAME, SOURCE, format!("n{id} reduces partition {} with {} of {m} blocks", r.task.partition, read.fetched())));
    }
}
