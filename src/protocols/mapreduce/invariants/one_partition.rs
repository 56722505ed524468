//! One partition per key: every intermediate pair a map writes goes to the partition
//! `hash(word) mod R` names, the same on every worker, so each key reaches exactly one
//! reduce task (Dean & Ghemawat, OSDI 2004, §3.1 and §4.1).

use super::{violation, MapReduceChecker};
use crate::protocols::mapreduce::input::partition;
use crate::protocols::mapreduce::worker::Worker;
use crate::protocols::mapreduce::MapReduce;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "One partition per key";
pub const SOURCE: &str = "MapReduce (OSDI 2004) §3.1, §4.1: every worker partitions by hash(key) mod R";

pub fn check(c: &mut MapReduceChecker, ctx: &CheckCtx<MapReduce>, id: NodeId, w: &Worker, out: &mut Vec<Violation>) {
    let seen = &mut c.files_seen[id as usize];
    if ctx.restarted || w.files_written < *seen {
        *seen = 0;
    }
    if w.files_written == *seen {
        return;
    }
    *seen = w.files_written;
    // The newest file is the one just written (a map's output is written whole).
    let Some(file) = w.files.values().max_by_key(|f| f.run.attempt) else { return };
    for (p, pairs) in file.parts.iter().enumerate() {
        if let Some((word, _)) = pairs.iter().find(|(word, _)| partition(word, c.reduce_tasks) != p as u32) {
            let right = partition(word, c.reduce_tasks);
            out.push(violation(ctx, NAME, SOURCE, format!("n{id} wrote \"{word}\" to partition {p} of m{}, but hash mod R sends it to {right}", file.run.task)));
            return;
        }
    }
}
