//! Acknowledged on the whole pipeline: a packet is acknowledged to the writer only once
//! every DataNode of the pipeline has it (HdfsDesign.md, "Replication Pipelining"; HDFS-265:
//! the last DataNode acks first and each stage passes the ack up), so every stage holds
//! every acknowledged byte, and holds it on disk (hsync) so a crash does not take it back.

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
