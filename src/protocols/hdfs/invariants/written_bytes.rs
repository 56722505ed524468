//! Replicas hold what the writer wrote: every replica is a prefix of the bytes written to
//! its block, so replicas being written are prefixes of one another, and finalized replicas
//! with the same generation stamp are the same length and bytes (HDFS-265; GFS §4.5 chunk
//! versions). The one exception is a chunk a damaged disk flipped, which its checksum
//! catches (that is the next property's business).

use super::{replicas_of, violation};
use crate::protocols::hdfs::data::{byte_at, crc32c};
use crate::protocols::hdfs::node::Hdfs;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Same stamp, same bytes";
pub const SOURCE: &str = "HDFS-265 (append/hflush design), generation stamps; GFS (SOSP 2003) §4.5, stale replica detection";

pub fn check(ctx: &CheckCtx<Hdfs>, n: NodeId, chunk_bytes: u32, out: &mut Vec<Violation>) {
    let Some(mine) = replicas_of(ctx, n) else { return };
    let cb = chunk_bytes.max(1) as usize;
    for (&block, r) in mine {
        let wrong = r.data.chunks(cb).zip(&r.sums).enumerate().find(|(i, (chunk, sum))| crc32c(chunk) == **sum && chunk.iter().enumerate().any(|(j, b)| *b != byte_at(block, (i * cb + j) as u32)));
        if let Some((i, _)) = wrong {
            let why = format!("n{n}'s replica of blk_{block} (gs {}) holds bytes at chunk {i} the writer never wrote, and its checksum passes", r.gs);
            return out.push(violation(ctx, NAME, SOURCE, why));
        }
        if !r.finalized() {
            continue;
        }
        for d in (0..ctx.nodes.len() as u32).filter(|&d| d != n) {
            let Some(other) = replicas_of(ctx, d).and_then(|x| x.get(&block)) else { continue };
            if other.finalized() && other.gs == r.gs && other.len() != r.len() {
                let why = format!("blk_{block} gs {}: n{n}'s finalized replica has {} bytes, n{d}'s has {}", r.gs, r.len(), other.len());
                return out.push(violation(ctx, NAME, SOURCE, why));
            }
        }
    }
}
