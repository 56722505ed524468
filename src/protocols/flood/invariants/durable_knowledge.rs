//! Durable knowledge: a node never forgets a value it knew, across restarts too. Flood
//! follows no paper; this is the simulator's durable-state contract (`sim::durable`: what a
//! node writes and syncs survives a crash), which Flood relies on by syncing each value it
//! learns. Known sets only grow, so a smaller set means something was forgotten.

use super::{violation, FloodChecker};
use crate::protocols::flood::Flood;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Durable knowledge";
pub const SOURCE: &str = "simulator contract: durable state survives a crash";

pub fn check(c: &mut FloodChecker, ctx: &CheckCtx<Flood>, id: NodeId, node: &Flood, out: &mut Vec<Violation>) {
    let before = c.known[id as usize];
    if node.known.len() < before {
        out.push(violation(ctx, NAME, SOURCE, format!("node {id} knew {before} values and now knows only {}", node.known.len())));
    }
    c.known[id as usize] = node.known.len();
}
