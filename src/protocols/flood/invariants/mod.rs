//! Flood's checkers, one file per property, run after every event on the node the event
//! touched, and the liveness condition the sweeps check after faults heal.

pub mod durable_knowledge;

use super::config::FloodConfig;
use super::node::Flood;
use crate::sim::{CheckCtx, Checker, Protocol, Violation};

pub(crate) fn violation<P: Protocol>(ctx: &CheckCtx<P>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// Per node: how many values it knew after its last event.
#[derive(Clone, Debug, Default)]
pub struct FloodChecker {
    pub known: Vec<usize>,
}

impl Checker<Flood> for FloodChecker {
    fn new(_config: &FloodConfig, n: u32) -> Self {
        FloodChecker { known: vec![0; n as usize] }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![(durable_knowledge::NAME, durable_knowledge::SOURCE)]
    }
    fn check(&mut self, ctx: &CheckCtx<Flood>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes[id as usize].as_ref() else { return };
        durable_knowledge::check(self, ctx, id, node, out);
    }
}

/// After the heal: every live node knows the same values (anti-entropy's guarantee).
pub fn liveness(nodes: &[Option<Flood>]) -> Result<(), String> {
    let live: Vec<&Flood> = nodes.iter().flatten().collect();
    let Some(first) = live.first() else { return Err("no node is up".into()) };
    match live.iter().find(|n| n.known != first.known) {
        Some(n) => Err(format!("node {} knows {:?} but node {} knows {:?}", first.env.id, first.known, n.env.id, n.known)),
        None => Ok(()),
    }
}
