//! Acknowledged on every backup: when the primary acknowledges a write, every backup in its
//! view has applied it (MIT 6.824 primary/backup: the primary forwards each operation to
//! the backup and replies only once the backup has it, so the backup can take over with
//! everything acknowledged).

use super::violation;
use crate::protocols::primary_backup::{PbNode, Replica, Role};
use crate::sim::sorted::SortedMap;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Acknowledged on every backup";
pub const SOURCE: &str = "MIT 6.824 primary/backup: the primary replies to a client only after the backup has applied the operation";

pub fn check(ctx: &CheckCtx<PbNode>, p: &Replica, acked: &mut SortedMap<NodeId, u64>, out: &mut Vec<Violation>) {
    let before = acked.insert(p.id, p.acked_writes).unwrap_or(0);
    let (Role::Primary { epoch }, Some((seq, view))) = (p.role, &p.last_ack) else { return };
    if p.acked_writes <= before {
        return;
    }
    let Some(mine) = p.store.log.get(*seq as usize - 1) else { return };
    for &(b, boot) in view {
        let Some(backup) = ctx.nodes.get(b as usize).and_then(Option::as_ref).and_then(PbNode::as_replica) else { continue };
        // A backup that has restarted since it answered lost what it held (it is in memory).
        if backup.epoch != epoch || backup.lock.incarnation != boot {
            continue;
        }
        if backup.store.log.get(*seq as usize - 1) != Some(mine) {
            let had = if backup.store.applied() < *seq { format!("had applied only {}", backup.store.applied()) } else { "holds another record there".to_string() };
            let why = format!("n{} acknowledged record #{seq} of epoch {epoch} while n{b}, a backup in its view, {had}", p.id);
            out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
