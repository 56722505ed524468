//! What primary/backup promises (MIT 6.824 primary/backup; HBase region failover): at most
//! one primary per epoch; no record enters a log file after a newer epoch fenced it, and no
//! backup applies what the primary of an epoch older than its own sends; a write is
//! acknowledged only once every backup in the primary's view has applied it; a
//! backup of an epoch holds a prefix of that epoch's primary's log. Client histories are
//! checked for linearizability by the simulator (the registry row says so). After faults
//! stop: one primary serving, every replica a backup in its view with its log.

pub mod acked_on_backups;
pub mod backups_follow;
pub mod fenced_backups;
pub mod fenced_log;
pub mod liveness;
pub mod one_primary;

use super::{PbConfig, PbNode, Replica};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{CheckCtx, Checker, NodeId, Violation};

#[derive(Clone, Debug, Default)]
pub struct PbChecker {
    /// Epoch → the replica seen as its primary.
    primaries: SortedMap<u64, NodeId>,
    /// Per primary, the writes it had acknowledged when last checked.
    acked: SortedMap<NodeId, u64>,
    /// Per backup, (epoch, records) already compared with its primary's log.
    compared: SortedMap<NodeId, (u64, usize)>,
    /// Each violation once per property and subject (the node or file it names first).
    reported: SortedSet<String>,
}

pub(crate) fn violation(ctx: &CheckCtx<PbNode>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

/// Every running replica.
pub(crate) fn replicas<'a>(ctx: &'a CheckCtx<PbNode>) -> impl Iterator<Item = &'a Replica> {
    ctx.nodes.iter().flatten().filter_map(PbNode::as_replica)
}

impl Checker<PbNode> for PbChecker {
    fn new(_config: &PbConfig, _n: u32) -> Self {
        PbChecker::default()
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (one_primary::NAME, one_primary::SOURCE),
            (fenced_log::NAME, fenced_log::SOURCE),
            (fenced_backups::NAME, fenced_backups::SOURCE),
            (acked_on_backups::NAME, acked_on_backups::SOURCE),
            (backups_follow::NAME, backups_follow::SOURCE),
        ]
    }
    fn check(&mut self, ctx: &CheckCtx<PbNode>, out: &mut Vec<Violation>) {
        let mut found = Vec::new();
        let Some(node) = ctx.node else { return };
        match ctx.nodes.get(node as usize).and_then(Option::as_ref) {
            Some(PbNode::Replica(r)) => {
                one_primary::check(ctx, r, &mut self.primaries, &mut found);
                acked_on_backups::check(ctx, r, &mut self.acked, &mut found);
                backups_follow::check(ctx, r, &mut self.compared, &mut found);
                fenced_backups::check(ctx, r, &mut found);
            }
            Some(PbNode::Storage(s)) => fenced_log::check(ctx, s, &mut found),
            _ => {}
        }
        for v in found {
            let subject: Vec<&str> = v.explanation.split(' ').take(2).collect();
            if self.reported.insert(format!("{}: {}", v.property, subject.join(" "))) {
                out.push(v);
            }
        }
    }
}
