//! Where the NameNode puts replicas: HDFS's default placement policy (HdfsDesign.md,
//! "Replica Placement: The First Baby Steps"). For a writer that is not a DataNode the
//! first replica goes to a random node, the second to a node on another rack, the third to
//! another node on the second's rack; further replicas go to random nodes with at most
//! (replicas − 1) / racks + 2 on one rack. Re-replication applies the same rules to the
//! replicas that remain. The bug `rack_unaware` draws every target at random.

use super::super::config::HdfsConfig;
use super::super::Hdfs;
use crate::sim::{NodeId, Out};

/// Up to `want` more targets for a block whose replicas are on `chosen`, drawn from
/// `candidates` (live DataNodes holding none of it).
pub fn choose_targets(want: usize, chosen: &[NodeId], candidates: &[NodeId], c: &HdfsConfig, out: &mut Out<Hdfs>) -> Vec<NodeId> {
    let mut all: Vec<NodeId> = chosen.to_vec();
    let mut left: Vec<NodeId> = candidates.iter().copied().filter(|n| !chosen.contains(n)).collect();
    let mut picked = Vec::new();
    while picked.len() < want && !left.is_empty() {
        let pool = if c.has_bug("rack_unaware") { left.clone() } else { preferred(&all, &left, c) };
        let pool = if pool.is_empty() { left.clone() } else { pool };
        let n = pool[out.random_below(pool.len() as u64) as usize];
        left.retain(|&x| x != n);
        all.push(n);
        picked.push(n);
    }
    picked
}

/// The candidates the policy prefers given the replicas placed so far.
fn preferred(placed: &[NodeId], left: &[NodeId], c: &HdfsConfig) -> Vec<NodeId> {
    let rack = |n: NodeId| c.rack_of(n);
    let on = |pred: &dyn Fn(u32) -> bool| left.iter().copied().filter(|&n| pred(rack(n))).collect::<Vec<_>>();
    match placed {
        [] => left.to_vec(),
        [first] => on(&|r| r != rack(*first)),
        [a, b] if rack(*a) == rack(*b) => on(&|r| r != rack(*a)),
        [_, second] => {
            let same = on(&|r| r == rack(*second));
            if same.is_empty() { on(&|_| true) } else { same }
        }
        _ => {
            let max_per_rack = (placed.len() as u32) / c.racks.max(1) + 2;
            on(&|r| (placed.iter().filter(|&&p| rack(p) == r).count() as u32) < max_per_rack)
        }
    }
}

/// Do `nodes` span more than one rack (or is there only one rack to use)?
pub fn spans_racks(nodes: &[NodeId], c: &HdfsConfig) -> bool {
    nodes.len() < 2 || c.racks < 2 || nodes.iter().any(|&n| c.rack_of(n) != c.rack_of(nodes[0]))
}
