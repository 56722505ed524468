//! Liveness after faults stop: one replica is primary, has replayed the log and holds the
//! lock; every other replica is a backup of its epoch, in its view, with its log; no write
//! is left waiting.

use crate::protocols::primary_backup::{PbNode, Role};

pub fn check(nodes: &[Option<PbNode>]) -> Result<(), String> {
    let replicas: Vec<_> = nodes.iter().flatten().filter_map(PbNode::as_replica).collect();
    let primaries: Vec<_> = replicas.iter().filter(|r| matches!(r.role, Role::Primary { .. }) && r.replayed.is_some()).collect();
    let [p] = primaries.as_slice() else {
        return Err(format!("{} replicas act as primary, not one", primaries.len()));
    };
    let Role::Primary { epoch } = p.role else { return Err("no primary".into()) };
    if p.lock.token() != Some(epoch) {
        return Err(format!("n{} is primary of epoch {epoch} without its lock", p.id));
    }
    if p.batch.is_some() || !p.queue.is_empty() {
        return Err(format!("n{} still has writes waiting", p.id));
    }
    let view = p.view();
    for b in replicas.iter().filter(|r| r.id != p.id) {
        if b.epoch != epoch || !view.contains(&b.id) {
            return Err(format!("n{} is not a backup in n{}'s view of epoch {epoch}", b.id, p.id));
        }
        if b.store.log != p.store.log {
            return Err(format!("n{} has applied {} records, its primary n{} {}", b.id, b.store.applied(), p.id, p.store.applied()));
        }
    }
    Ok(())
}
