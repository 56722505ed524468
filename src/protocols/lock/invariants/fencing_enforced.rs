//! Fencing Enforced (only with `fencing` on): the storage never accepts a write whose token
//! is lower than a token it accepted before, across its own crashes (Kleppmann, "How to do
//! distributed locking", 2016: "the storage server remembers that it has already processed
//! a write with a higher token number, and so it rejects the request").
//!
//! This checks the storage's own rule, against the checker's record of every write the
//! storage accepted; the user-facing consequence is "No Interleaving".

use super::{violation, LockChecker};
use crate::protocols::lock::{LockLog, LockNode, WriteRecord};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Fencing Enforced";
pub const SOURCE: &str = "Kleppmann 2016, \"Making the lock safe with fencing\"";

pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, w: &WriteRecord, out: &mut Vec<Violation>) {
    if !w.accepted {
        return;
    }
    if w.token < c.fenced_max {
        out.push(violation(ctx, NAME, SOURCE, format!("with fencing on, the storage accepted n{}'s token {} after it had accepted token {}", w.client, w.token, c.fenced_max)));
    }
    c.fenced_max = c.fenced_max.max(w.token);
}
