//! Lease-Guarded Writes: a client writes only after checking, on its own clock, that its
//! lease has not run out (Chubby, Burrows 2006, §2.8: when its lease expires a client must
//! assume its locks are lost; Kleppmann 2016). Checked at each write a client sends: the
//! lease check that preceded it must have passed. A pause between a passed check and the
//! write is allowed here (no process can check and write atomically; that gap is what
//! fencing is for); a client that writes after a failed check is not.

use super::violation;
use crate::protocols::lock::{LockClient, LockLog, LockNode};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Lease-Guarded Writes";
pub const SOURCE: &str = "Chubby (Burrows, OSDI 2006) §2.8; Kleppmann 2016";

pub fn check<R: LockLog>(ctx: &CheckCtx<LockNode<R>>, c: &LockClient, out: &mut Vec<Violation>) {
    match c.last_check {
        Some((at, until)) if at < until => {}
        Some((at, until)) => out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!("n{} wrote with token {} although its lease had run out {} ms before its check, by its own clock", c.id, c.token().unwrap_or(0), (at - until) / 1000),
        )),
        None => out.push(violation(ctx, NAME, SOURCE, format!("n{} wrote without checking its lease", c.id))),
    }
}
