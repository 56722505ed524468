//! What the block store promises (HdfsDesign.md; GFS §5.2; HDFS-265): every byte
//! acknowledged to the writer is on every stage of its pipeline and survives while a
//! replica of it does; finalized replicas with one generation stamp hold the same bytes and
//! every replica holds what the writer wrote, except where a damaged disk flipped bytes
//! that its checksums now catch; damage never spreads to another replica; a read returns
//! what was written. After faults stop: every file closed, every block back to its
//! replication factor on more than one rack, the writer done.

pub mod acked_on_pipeline;
pub mod acked_survives;
pub mod liveness;
pub mod no_spread;
pub mod reads;
pub mod written_bytes;

use super::config::{HdfsConfig, CLIENT};
use super::data::{BlockId, Replicas};
use super::node::Hdfs;
use crate::sim::{CheckCtx, Checker, NodeId, Violation};
use crate::sim::sorted::{SortedMap, SortedSet};

#[derive(Clone, Debug)]
pub struct HdfsChecker {
    chunk_bytes: u32,
    /// The most each block was ever acknowledged to the writer (survives its crashes).
    acked: SortedMap<BlockId, u32>,
    reads_seen: u64,
    /// Each violation is reported once per property and block, not again at every later
    /// event while it stands.
    reported: SortedSet<String>,
}

pub(crate) fn violation(ctx: &CheckCtx<Hdfs>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// The block a violation's explanation names ("blk_3"), or the whole explanation.
fn block_named(explanation: &str) -> &str {
    let Some(at) = explanation.find("blk_") else { return explanation };
    let digits = explanation[at + 4..].find(|c: char| !c.is_ascii_digit()).map_or(explanation.len(), |d| at + 4 + d);
    &explanation[at..digits]
}

/// Node `n`'s replicas: in memory while it runs, else what its disk will boot from.
pub(crate) fn replicas_of<'a>(ctx: &'a CheckCtx<Hdfs>, n: NodeId) -> Option<&'a Replicas> {
    match ctx.nodes.get(n as usize)? {
        Some(h) => h.as_datanode().map(|d| &d.replicas),
        None => ctx.disks.get(n as usize).map(|d| &d.synced().replicas),
    }
}

impl Checker<Hdfs> for HdfsChecker {
    fn new(config: &HdfsConfig, _n: u32) -> Self {
        HdfsChecker { chunk_bytes: config.chunk_bytes, acked: SortedMap::new(), reads_seen: 0, reported: SortedSet::new() }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (acked_on_pipeline::NAME, acked_on_pipeline::SOURCE),
            (acked_survives::NAME, acked_survives::SOURCE),
            (written_bytes::NAME, written_bytes::SOURCE),
            (no_spread::NAME, no_spread::SOURCE),
            (reads::NAME, reads::SOURCE),
        ]
    }
    fn check(&mut self, ctx: &CheckCtx<Hdfs>, out: &mut Vec<Violation>) {
        let mut found = Vec::new();
        self.check_all(ctx, &mut found);
        for v in found {
            if self.reported.insert(format!("{} {}", v.property, block_named(&v.explanation))) {
                out.push(v);
            }
        }
    }
}

impl HdfsChecker {
    fn check_all(&mut self, ctx: &CheckCtx<Hdfs>, out: &mut Vec<Violation>) {
        let client = ctx.nodes.get(CLIENT as usize).and_then(Option::as_ref).and_then(Hdfs::as_client);
        if let Some(w) = client.and_then(|c| c.writing()) {
            acked_on_pipeline::check(ctx, w, out);
            let a = self.acked.entry(w.block).or_insert(0);
            *a = (*a).max(w.acked_len);
        }
        acked_survives::check(ctx, &self.acked, out);
        if let Some(n) = ctx.node.filter(|&n| HdfsConfig::is_datanode(n)) {
            written_bytes::check(ctx, n, self.chunk_bytes, out);
            no_spread::check(ctx, n, self.chunk_bytes, out);
        }
        if let Some(c) = client.filter(|c| c.reads_total > self.reads_seen) {
            self.reads_seen = c.reads_total;
            reads::check(ctx, c, out);
        }
    }
}

pub fn liveness(nodes: &[Option<Hdfs>]) -> Result<(), String> {
    liveness::check(nodes)
}
