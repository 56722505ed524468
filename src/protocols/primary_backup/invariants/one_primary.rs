//! At most one primary per epoch: the epoch is the fencing token of the lock the primary
//! holds, so no two replicas ever act as primary under one epoch (MIT 6.824: at most one
//! primary per view; ZooKeeper's lock recipe: one holder per lock node).

use super::violation;
use crate::protocols::primary_backup::{PbNode, Replica, Role};
use crate::sim::sorted::SortedMap;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "One primary per epoch";
pub const SOURCE: &str = "MIT 6.824 primary/backup (at most one primary per view); ZooKeeper recipes, Locks (one holder per lock node, its zxid the fencing token)";

pub fn check(ctx: &CheckCtx<PbNode>, r: &Replica, seen: &mut SortedMap<u64, NodeId>, out: &mut Vec<Violation>) {
    let (Role::Primary { epoch } | Role::Recovering { epoch }) = r.role else { return };
    match seen.get(&epoch) {
        Some(&other) if other != r.id => {
            let why = format!("n{} acts as primary of epoch {epoch}, which n{other} was primary of", r.id);
            out.push(violation(ctx, NAME, SOURCE, why));
        }
        Some(_) => {}
        None => {
            seen.insert(epoch, r.id);
        }
    }
}
