//! No Herd Effect (a cost property): a release wakes at most one waiting client. ZooKeeper
//! (Hunt et al., ATC 2010) §2.4, "Simple Locks without Herd Effect": each waiter watches
//! only the node just before its own, so deleting a lock node notifies only the next in
//! line, where watching `/lock` itself would wake every waiter to read it again.
//!
//! Version 3, per applied command (the replay of `mod.rs`): a command that deletes lock
//! nodes (a release, or a closed or expired session's node) may fire at most one watch per
//! node it deletes. Every server applies the same commands, so each is checked once, at
//! the first server that applies it (by its zxid).

use super::{violation, LockChecker};
use crate::protocols::lock::tree::{Notification, LOCK_PREFIX};
use crate::protocols::lock::{LockCommand, LockLog, LockNode, LockTree, TreeOp};
use crate::sim::{CheckCtx, StateMachine, Violation};

pub const NAME: &str = "No Herd Effect";
pub const SOURCE: &str = "ZooKeeper (Hunt et al., ATC 2010) §2.4, Simple Locks without Herd Effect";

/// What one applied command released: the lock nodes it deleted and the watches it fired.
pub struct Release<'a> {
    pub cmd: &'a LockCommand,
    pub zxid: u64,
    pub deleted: usize,
    pub fired: &'a [Notification],
}

/// Lock nodes in `tree`, counted only before a command that can delete some.
pub fn lock_nodes_before(cmd: &LockCommand, tree: &LockTree) -> Option<usize> {
    let deletes = match cmd {
        LockCommand::ExpireSession { .. } => true,
        LockCommand::Client { op, .. } => matches!(op, TreeOp::Delete { .. } | TreeOp::CloseSession { .. }),
    };
    deletes.then(|| lock_nodes(tree))
}

fn lock_nodes(tree: &LockTree) -> usize {
    tree.nodes.range(LOCK_PREFIX.to_string()..).take_while(|(p, _)| p.starts_with(LOCK_PREFIX)).count()
}

/// `cmd`, applied to a tree that held `before` lock nodes and now is `tree`, if it
/// released any.
pub fn release<'a>(cmd: &'a LockCommand, before: Option<usize>, tree: &LockTree, fired: &'a [Notification]) -> Option<Release<'a>> {
    let deleted = before?.saturating_sub(lock_nodes(tree));
    (deleted > 0).then_some(Release { cmd, zxid: tree.zxid, deleted, fired })
}

/// Server `i` applied a release.
pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, i: usize, r: Release, out: &mut Vec<Violation>) {
    if r.zxid <= c.herd_checked_zxid {
        return;
    }
    c.herd_checked_zxid = r.zxid;
    if r.fired.len() <= r.deleted {
        return;
    }
    let woken: Vec<String> = r.fired.iter().map(|n| format!("n{}", n.client)).collect();
    let (what, deleted, fired) = (LockTree::label(r.cmd), r.deleted, r.fired.len());
    let why = format!("on n{i}, \"{what}\" released {deleted} lock node(s) and fired {fired} watches, waking {}", woken.join(", "));
    out.push(violation(ctx, NAME, SOURCE, why));
}
