//! Gossip's checkers, one file per property, run after every event, and the liveness
//! condition the sweeps check after faults heal.

pub mod stamps_monotonic;
pub mod validity;

use super::config::GossipConfig;
use super::msg::Stamp;
use super::node::Gossip;
use crate::sim::{CheckCtx, Checker, NodeId, Protocol, Violation};
use crate::sim::sorted::{SortedMap, SortedSet};

pub(crate) fn violation<P: Protocol>(ctx: &CheckCtx<P>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// Remembers every (key, value) a client injected, the invalid (node, key, value) already
/// reported (each is reported once), and per site the timestamp it last held for each key.
#[derive(Clone, Debug, Default)]
pub struct GossipChecker {
    pub injected: SortedSet<(String, String)>,
    pub reported: SortedSet<(NodeId, String, String)>,
    pub stamps: Vec<SortedMap<String, Stamp>>,
}

impl Checker<Gossip> for GossipChecker {
    const OBSERVES_MESSAGES: bool = true;
    fn new(_config: &GossipConfig, n: u32) -> Self {
        GossipChecker { stamps: vec![SortedMap::new(); n as usize], ..Default::default() }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![(validity::NAME, validity::SOURCE), (stamps_monotonic::NAME, stamps_monotonic::SOURCE)]
    }
    fn check(&mut self, ctx: &CheckCtx<Gossip>, out: &mut Vec<Violation>) {
        for (_, _, u) in ctx.requests {
            self.injected.insert((u.key.clone(), u.value.clone()));
        }
        let Some(id) = ctx.node else { return };
        if let Some(node) = ctx.nodes[id as usize].as_ref() {
            validity::check(self, ctx, id, node, out);
            stamps_monotonic::check(self, ctx, id, node, out);
        }
    }
}

/// After the heal: every live site holds the same database, so each knows the newest
/// injected update of every key (anti-entropy's guarantee, Demers §1.3).
pub fn liveness(nodes: &[Option<Gossip>]) -> Result<(), String> {
    let live: Vec<&Gossip> = nodes.iter().flatten().collect();
    let Some(first) = live.first() else { return Err("no node is up".into()) };
    let db = |g: &Gossip| g.db.iter().map(|(k, e)| (k.clone(), e.value.clone(), e.stamp)).collect::<Vec<_>>();
    let want = db(first);
    for g in &live {
        let have = db(g);
        if have != want {
            let missing: Vec<&String> = want.iter().filter(|w| !have.contains(w)).map(|w| &w.0).collect();
            let extra: Vec<&String> = have.iter().filter(|h| !want.contains(h)).map(|h| &h.0).collect();
            return Err(format!("n{} and n{} disagree: n{} lacks n{}'s entries for {missing:?} and holds other entries for {extra:?}", first.id(), g.id(), g.id(), first.id()));
        }
    }
    Ok(())
}
