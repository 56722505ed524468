//! One Holder: in the applied tree of each server, at most one lock node holds the lock,
//! and it belongs to a live session.
//!
//! In ZooKeeper's lock recipe (Hunt et al., ATC 2010, §2.4) the holder is the owner of the
//! lowest sequential child of `/lock`: a node that has become the lowest has been granted
//! the lock (its owner may already have read the children and acted), and it holds until
//! it is deleted (released, or its session closed or expired). So the lock passes only when
//! the previous holder's node is gone: if the lowest child changes while the node that was
//! lowest before still exists, two clients hold the lock. And the holder's node must belong
//! to an open session (an expired session's ephemeral nodes go with it). Chubby (Burrows,
//! OSDI 2006, §2.1) states the same goal: at most one client holds an exclusive lock.

use super::{violation, LockChecker};
use crate::protocols::lock::{LockLog, LockNode, LockTree};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "One Holder";
pub const SOURCE: &str = "ZooKeeper (Hunt et al., ATC 2010) §2.4 lock recipe; Chubby §2.1";

/// Called when server `i`'s lowest child of `/lock` changed to `now`.
pub fn check<R: LockLog>(c: &LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, i: usize, tree: &LockTree, now: Option<&(String, u64)>, out: &mut Vec<Violation>) {
    if let (Some((old, _)), Some((new, _))) = (&c.holder[i], now) {
        if tree.nodes.contains_key(old) {
            out.push(violation(ctx, NAME, SOURCE, format!("on n{i}, {new} became the lowest lock node while {old}, which held the lock, still exists: two holders")));
        }
    }
    if let Some((new, _)) = now {
        let owner = tree.nodes.get(new).and_then(|n| n.ephemeral_owner);
        if !owner.is_some_and(|s| tree.sessions.contains_key(&s)) {
            out.push(violation(ctx, NAME, SOURCE, format!("on n{i}, {new} holds the lock but its session is closed or expired")));
        }
    }
}
