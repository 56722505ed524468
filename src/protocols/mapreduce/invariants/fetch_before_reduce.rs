//! Reduce after the whole partition: a reduce function runs only once all M pieces of its
//! partition are fetched (fetching may overlap the map phase; the reduce may not) (Dean &
//! Ghemawat, OSDI 2004, §3.1 steps 5–6).

use super::violation;
use crate::protocols::mapreduce::worker::Worker;
use crate::protocols::mapreduce::MapReduce;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Reduce after all M pieces";
pub const SOURCE: &str = "MapReduce (OSDI 2004) §3.1, steps 5 and 6";

pub fn check(ctx: &CheckCtx<MapReduce>, id: NodeId, w: &Worker, m: u32, out: &mut Vec<Violation>) {
    let Some(r) = w.reduce.as_ref().filter(|r| r.reducing) else { return };
    if r.pieces.len() != m as usize || r.fetched() < m as usize {
        out.push(violation(ctx, NAME, SOURCE, format!("n{id} reduces partition {} with {} of {m} pieces", r.run.task, r.fetched())));
    }
}
