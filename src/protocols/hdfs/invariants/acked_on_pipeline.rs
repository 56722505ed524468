//! Acknowledged on the whole pipeline: a packet is acknowledged to the writer only once
//! every DataNode of the pipeline has it (HdfsDesign.md, "Replication Pipelining"; HDFS-265:
//! the last DataNode acks first and each stage passes the ack up), so every stage holds
//! every acknowledged byte, and holds it on disk (hsync) so a crash does not take it back,
//! for as long as the writer is writing the block.

use super::{replicas_of, violation};
use crate::protocols::hdfs::node::client::Writing;
use crate::protocols::hdfs::node::Hdfs;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Acknowledged on the whole pipeline";
pub const SOURCE: &str = "HDFS architecture guide (HdfsDesign.md), Replication Pipelining; HDFS-265 (append/hflush design), packet acks";

pub fn check(ctx: &CheckCtx<Hdfs>, w: &Writing, out: &mut Vec<Violation>) {
    if w.acked_len == 0 {
        return;
    }
    // Once block recovery has taken the block past the writer's stamp (its lease was
    // recovered while it still wrote), its pipeline is history: what was acknowledged is the
    // next property's business.
    let n = ctx.nodes.len() as u32;
    if (0..n).filter_map(|d| replicas_of(ctx, d)).any(|r| r.get(&w.block).is_some_and(|r| r.gs > w.gs)) {
        return;
    }
    for &n in &w.pipeline {
        let Some(replicas) = replicas_of(ctx, n) else { continue };
        let held = replicas.get(&w.block).filter(|r| r.gs >= w.acked_gs).map_or(0, |r| r.len());
        if held < w.acked_len {
            let up = if ctx.nodes[n as usize].is_some() { "holds" } else { "is down and its disk holds" };
            let why = format!("blk_{}: {} bytes acknowledged to the writer, but pipeline stage n{n} {up} {held}", w.block, w.acked_len);
            return out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
