//! SWIM's checkers, one file per property, run after every event, and the liveness
//! condition the sweeps check after faults heal (strong completeness, SWIM §2).

pub mod confirm_after_suspicion;
pub mod confirm_final;
pub mod incarnation_monotonic;

use super::config::SwimConfig;
use super::msg::Status;
use super::node::{Member, Swim, ALIVE_0};
use crate::sim::{CheckCtx, Checker, NodeId, Protocol, TimeUs, Violation};
use crate::sim::sorted::{SortedMap, SortedSet};

pub(crate) fn violation<P: Protocol>(ctx: &CheckCtx<P>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// Per observer and member, the last view entry seen; per node, the highest own
/// incarnation seen (kept across restarts); per observer and member, when (by the
/// observer's clock) the Suspect it holds began; every (member, incarnation) some view
/// has held confirmed dead; and the configured suspicion timeout.
#[derive(Clone, Debug, Default)]
pub struct SwimChecker {
    pub own: Vec<u32>,
    pub seen: SortedMap<(NodeId, NodeId), Member>,
    pub suspected_since: SortedMap<(NodeId, NodeId), TimeUs>,
    pub confirms: SortedSet<(NodeId, u32)>,
    pub suspicion_timeout_us: u64,
}

impl Checker<Swim> for SwimChecker {
    fn new(config: &SwimConfig, n: u32) -> Self {
        SwimChecker { own: vec![0; n as usize], suspicion_timeout_us: config.suspicion_timeout_us, ..Default::default() }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (incarnation_monotonic::NAME, incarnation_monotonic::SOURCE),
            (confirm_final::NAME, confirm_final::SOURCE),
            (confirm_after_suspicion::NAME, confirm_after_suspicion::SOURCE),
        ]
    }
    fn check(&mut self, ctx: &CheckCtx<Swim>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(node) = ctx.nodes[id as usize].as_ref() else { return };
        if ctx.restarted {
            // A restarted member's view starts afresh; only its own incarnation is durable.
            forget_observer(&mut self.seen, id);
            forget_observer(&mut self.suspected_since, id);
        }
        incarnation_monotonic::check_own(self, ctx, node, out);
        // Entries in the view, and entries that vanished from it (back to Alive at 0).
        let mut entries: SortedMap<NodeId, Member> = node.members.clone();
        for ((_, m), _) in self.seen.range((id, 0)..=(id, NodeId::MAX)) {
            entries.entry(*m).or_insert(ALIVE_0);
        }
        for (m, now) in entries {
            let before = self.seen.get(&(id, m)).copied().unwrap_or(ALIVE_0);
            if before == now {
                continue;
            }
            incarnation_monotonic::check_member(ctx, id, m, before, now, out);
            confirm_final::check(ctx, id, m, before, now, out);
            confirm_after_suspicion::check(self, ctx, id, m, before, now, out);
            self.seen.insert((id, m), now);
        }
    }
}

/// Drop every (observer, member) row of `observer`.
fn forget_observer<V>(rows: &mut SortedMap<(NodeId, NodeId), V>, observer: NodeId) {
    let keys: Vec<(NodeId, NodeId)> = rows.range((observer, 0)..=(observer, NodeId::MAX)).map(|(k, _)| *k).collect();
    for k in keys {
        rows.remove(&k);
    }
}

/// After the heal: each live member holds every live member Alive and every crashed one
/// dead (strong completeness, SWIM §2), and nobody holds itself suspected.
pub fn liveness(nodes: &[Option<Swim>]) -> Result<(), String> {
    let live: Vec<&Swim> = nodes.iter().flatten().collect();
    if live.is_empty() {
        return Err("no node is up".into());
    }
    for s in &live {
        if s.self_status != Status::Alive {
            return Err(format!("n{} heard it is {:?} and did not refute", s.id(), s.self_status));
        }
        for (m, slot) in nodes.iter().enumerate() {
            let m = m as NodeId;
            if m == s.id() {
                continue;
            }
            let e = s.member(m);
            match (slot.is_some(), e.status) {
                (true, Status::Alive) | (false, Status::Confirm) => {}
                (true, st) => return Err(format!("n{} holds live n{m} as {st:?} (incarnation {})", s.id(), e.incarnation)),
                (false, st) => return Err(format!("n{} holds crashed n{m} as {st:?}, not dead", s.id())),
            }
        }
    }
    Ok(())
}
