//! Backups follow their primary: a backup of an epoch holds a prefix of that epoch's
//! primary's log, records from an older primary included in nothing (MIT 6.824
//! primary/backup: the backup's state mirrors the primary's; a backup rejects a primary
//! that is not the current view's).

use super::{replicas, violation};
use crate::protocols::primary_backup::{PbNode, Replica, Role};
use crate::sim::sorted::SortedMap;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Backups follow their primary";
pub const SOURCE: &str = "MIT 6.824 primary/backup: the backup holds the primary's state, and accepts operations only from the current view's primary";

/// Compared at each event of backup `b`: the records it applied since the last compare.
pub fn check(ctx: &CheckCtx<PbNode>, b: &Replica, compared: &mut SortedMap<NodeId, (u64, usize)>, out: &mut Vec<Violation>) {
    if b.role != Role::Backup || b.epoch == 0 {
        return;
    }
    let from = match compared.get(&b.id) {
        Some(&(e, n)) if e == b.epoch && n <= b.store.log.len() => n,
        _ => 0,
    };
    compared.insert(b.id, (b.epoch, b.store.log.len()));
    let Some(p) = replicas(ctx).find(|p| p.role == (Role::Primary { epoch: b.epoch }) && p.replayed.is_some()) else { return };
    let mut theirs = p.store.log.iter().chain(p.batch.iter().flat_map(|x| x.recs.iter())).skip(from);
    for rec in &b.store.log[from..] {
        if theirs.next() != Some(rec) {
            let why = format!("n{}, a backup of epoch {}, applied record #{} ({} = {}, epoch {}) that its primary n{} does not have there", b.id, b.epoch, rec.seq, rec.key, rec.value, rec.epoch, p.id);
            return out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
