//! Checksums stop corruption: a replica whose bytes fail their checksums got that way only
//! by damage to its own disk, never by a copy or a write from elsewhere, because every copy
//! is verified by the DataNode that sends it and the one that receives it (GFS §5.2: "each
//! chunkserver must independently verify the integrity of its own copy ... chunkservers
//! will not propagate corruptions to other machines"; HdfsDesign.md, "Data Integrity").

use super::{replicas_of, violation};
use crate::protocols::hdfs::data::ReplicaWrite;
use crate::protocols::hdfs::node::{DiskWrite, Hdfs};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Checksums stop corruption spreading";
pub const SOURCE: &str = "GFS (SOSP 2003) §5.2, Data Integrity; HDFS architecture guide (HdfsDesign.md), Data Integrity";

pub fn check(ctx: &CheckCtx<Hdfs>, n: NodeId, chunk_bytes: u32, out: &mut Vec<Violation>) {
    let Some(mine) = replicas_of(ctx, n) else { return };
    let damaged = |block| ctx.disks.get(n as usize).is_none_or(|d| d.corruptions().iter().any(|w| matches!(w, DiskWrite::Replica(ReplicaWrite::Damage { block: b, .. }) if *b == block)));
    for (&block, r) in mine {
        if let Some(chunk) = r.bad_chunk(chunk_bytes) {
            if !damaged(block) {
                let why = format!("n{n}'s replica of blk_{block} fails its checksum at chunk {chunk}, though n{n}'s disk was never damaged there: a bad copy came from elsewhere");
                return out.push(violation(ctx, NAME, SOURCE, why));
            }
        }
    }
}
