//! Acknowledged data survives: bytes acknowledged to the writer stay on some replica, up or
//! down, for as long as the system runs (HDFS-265: data acknowledged after hflush/hsync is
//! durable; pipeline recovery keeps it on the surviving stages, block recovery cuts
//! replicas to the shortest of the newest ones, never below what was acknowledged).

use super::{replicas_of, violation};
use crate::protocols::hdfs::data::BlockId;
use crate::protocols::hdfs::node::Hdfs;
use crate::sim::{CheckCtx, Violation};
use crate::sim::sorted::SortedMap;

pub const NAME: &str = "Acknowledged data survives";
pub const SOURCE: &str = "HDFS-265 (append/hflush design), pipeline and block recovery; GFS (SOSP 2003) §3.1";

pub fn check(ctx: &CheckCtx<Hdfs>, acked: &SortedMap<BlockId, u32>, out: &mut Vec<Violation>) {
    let n = ctx.nodes.len() as u32;
    for (&block, &len) in acked.iter().filter(|(_, l)| **l > 0) {
        let held = (0..n).filter_map(|d| replicas_of(ctx, d)).any(|r| r.get(&block).is_some_and(|r| r.len() >= len));
        if !held {
            let why = format!("blk_{block}: {len} bytes were acknowledged to the writer, and no DataNode, up or down, holds them any more");
            return out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
