//! One partition per key: every block a shuffle map task writes holds only the words the
//! shuffle's partitioner (`hash(word) mod R`) sends to that reduce partition, so each key
//! reaches exactly one result task (Zaharia et al., NSDI 2012, §4: a wide dependency's
//! partitioner).

use super::{violation, SparkChecker};
use crate::protocols::mapreduce::input::partition;
use crate::protocols::spark::executor::Executor;
use crate::protocols::spark::Spark;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "One partition per key";
pub const SOURCE: &str = "RDDs (NSDI 2012) §4: a shuffle dependency's partitioner sends each key to one partition";

pub fn check(c: &mut SparkChecker, ctx: &CheckCtx<Spark>, id: NodeId, e: &Executor, out: &mut Vec<Violation>) {
    let seen = &mut c.outputs_written_seen[id as usize];
    if ctx.restarted || e.outputs_written < *seen {
        *seen = 0;
    }
    if e.outputs_written == *seen {
        return;
    }
    *seen = e.outputs_written;
    // The newest output is the one just written (a task's blocks are written whole).
    let Some(o) = e.outputs.values().max_by_key(|o| o.task.id) else { return };
    for (p, pairs) in o.blocks.iter().enumerate() {
        if let Some((word, _)) = pairs.iter().find(|(word, _)| partition(word, c.reduce_partitions) != p as u32) {
            let right = partition(word, c.reduce_partitions);
            out.push(violation(ctx, NAME, SOURCE, format!("n{id} wrote \"{word}\" to block ({}, {p}), but the partitioner sends it to {right}", o.task.partition)));
            return;
        }
    }
}
