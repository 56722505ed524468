//! Durable epoch: once a follower's currentEpoch e is on stable storage, so is the history
//! NEWLEADER of epoch e established — otherwise a crash leaves a server whose epoch wins
//! elections with a history missing committed transactions (ZOOKEEPER-4643; the fix
//! persists the history, then currentEpoch, then acknowledges; ZOOKEEPER-3642 loses a SNAP
//! the same way). Checked on the follower's synced disk image after each of its events.

use super::{violation, Observed, ZabCtx};
use crate::protocols::zab::node::{Role, Zab};
use crate::sim::{NodeId, StateMachine, Violation};

pub const NAME: &str = "DurableEpoch";
pub const SOURCE: &str = "ZOOKEEPER-4643 and ZOOKEEPER-3642: history on disk before currentEpoch (Zab 1.0 synchronization)";

/// Reported once per server and epoch (the disk stays wrong until its next fsync, or for ever).
pub fn check<S: StateMachine>(obs: &mut Observed<S::Command>, ctx: &ZabCtx<S>, id: NodeId, node: &Zab<S>, out: &mut Vec<Violation>) {
    let Role::Following(f) = &node.role else { return };
    let (Some(last), Some(synced)) = (f.newleader_last, ctx.group.disk(id as usize)) else { return };
    if !f.epoch_written || synced.current_epoch != f.epoch {
        return;
    }
    let need = node.history.partition_point(|t| t.zxid <= last);
    let held = synced.snapshot.len() + synced.log.len();
    let last_held = synced.log.last().or(synced.snapshot.last()).map(|t| t.zxid);
    let wrong = held < need || last_held.is_some_and(|z| z < last);
    if wrong && obs.epoch_flagged.insert((id, f.epoch), ()).is_none() {
        out.push(violation(
            ctx,
            (NAME, SOURCE),
            format!("n{id}'s disk says currentEpoch {} but holds {held} transactions of the {need} NEWLEADER established (to {last})", f.epoch),
        ));
    }
}
