//! The hash ring's correctness. Safety, checked whenever a server's view of the members
//! changes: each key has exactly one owner, the one consistent hashing gives (Karger et al.,
//! STOC 1997, §4; servers with the same members agree on it); a preference list names N
//! distinct physical servers (Dynamo, SOSP 2007, §4.3); adding a server moves keys only
//! onto it, removing one only its keys (Karger's monotonicity; Lamping & Veach for jump
//! hash). Liveness, after faults stop: the servers agree on the members, and every key's
//! newest version sits on exactly its preference list (§4.9's handoff done). The
//! consistency model is Dynamo's eventual consistency, so client reads are not checked
//! for linearizability.

pub mod distinct_replicas;
pub mod keys_placed;
pub mod membership;
pub mod moves_only_to_new;
pub mod one_owner;

use super::config::HashRingConfig;
use super::node::HashRing;
use super::placement::{key_position, token, Placement};
use crate::sim::{CheckCtx, Checker, NodeId, Violation};

/// What the checker remembers of a server's view when it last looked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub boots: u32,
    pub epoch: u64,
    pub members: Vec<NodeId>,
    /// The owner of each stored-from-the-start key, by the server's own placement.
    pub owners: Vec<Option<NodeId>>,
}

#[derive(Clone, Debug)]
pub struct HashRingChecker {
    placement: Placement,
    vnodes: u32,
    universe: Vec<String>,
    seen: Vec<Option<Seen>>,
}

pub(crate) fn violation(ctx: &CheckCtx<HashRing>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// The owner of a key by the definition, written apart from the servers' code: the server of
/// the token at the key's position or the nearest after it, going round past the top of
/// the circle to the smallest token (Karger et al., §4).
pub fn reference_preference(members: &[NodeId], vnodes: u32, key: &str, n: usize) -> Vec<NodeId> {
    let pos = key_position(key, 0);
    let mut tokens: Vec<(u64, NodeId)> = members.iter().flat_map(|&s| (0..vnodes).map(move |v| (token(s, v), s))).collect();
    tokens.sort_unstable();
    let after: Vec<(u64, NodeId)> = tokens.iter().copied().filter(|&(p, _)| p >= pos).chain(tokens.iter().copied().filter(|&(p, _)| p < pos)).collect();
    let mut out: Vec<NodeId> = Vec::new();
    for (_, s) in after {
        if out.len() < n && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

impl HashRingChecker {
    fn look(&mut self, ctx: &CheckCtx<HashRing>, i: usize, out: &mut Vec<Violation>) {
        let Some(node) = ctx.nodes[i].as_ref() else {
            self.seen[i] = None;
            return;
        };
        let before = self.seen[i].take().filter(|s| s.boots == node.boots);
        if before.as_ref().is_some_and(|s| s.epoch == node.view_epoch) {
            self.seen[i] = before;
            return;
        }
        let now = Seen { boots: node.boots, epoch: node.view_epoch, members: node.layout.members.clone(), owners: self.universe.iter().map(|k| node.layout.owner(k)).collect() };
        one_owner::check(self, ctx, node, &now, out);
        distinct_replicas::check(self, ctx, node, out);
        if let Some(before) = &before {
            moves_only_to_new::check(self, ctx, node, before, &now, out);
        }
        self.seen[i] = Some(now);
    }
}

impl Checker<HashRing> for HashRingChecker {
    fn new(config: &HashRingConfig, n: u32) -> Self {
        HashRingChecker { placement: config.placement, vnodes: config.vnodes, universe: config.universe(), seen: vec![None; n as usize] }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![(one_owner::NAME, one_owner::SOURCE), (distinct_replicas::NAME, distinct_replicas::SOURCE), (moves_only_to_new::NAME, moves_only_to_new::SOURCE)]
    }
    fn check(&mut self, ctx: &CheckCtx<HashRing>, out: &mut Vec<Violation>) {
        for i in 0..ctx.nodes.len() {
            self.look(ctx, i, out);
        }
    }
}

/// After the heal: one membership, and every key's newest version on exactly its replicas.
pub fn liveness(nodes: &[Option<HashRing>]) -> Result<(), String> {
    membership::check(nodes)?;
    keys_placed::check(nodes)
}
