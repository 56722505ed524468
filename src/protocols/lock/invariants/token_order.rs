//! Token Order: fencing tokens strictly increase across grants. The token of a grant is the
//! creation zxid of the lock node that became the holder; in the applied tree of each
//! server, every new holder's token is greater than every earlier holder's.
//!
//! Chubby's sequencers carry a lock generation number (Burrows, OSDI 2006, §2.4);
//! Kleppmann ("How to do distributed locking", 2016) needs "a number that increases every
//! time a client acquires the lock" so that storage can refuse a delayed write. ZooKeeper's
//! zxid of the lock node's creation is such a number, as long as the lock is granted in
//! creation order.

use super::{violation, LockChecker};
use crate::protocols::lock::{LockLog, LockNode};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Token Order";
pub const SOURCE: &str = "Kleppmann 2016, fencing tokens; Chubby §2.4 sequencers";

/// Called when server `i`'s holder changed to `now`.
pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, i: usize, now: Option<&(String, u64)>, out: &mut Vec<Violation>) {
    let Some((path, token)) = now else { return };
    if *token <= c.max_granted[i] {
        out.push(violation(ctx, NAME, SOURCE, format!("on n{i}, {path} was granted the lock with token {token}, not above the earlier grant's {}", c.max_granted[i])));
    }
    c.max_granted[i] = c.max_granted[i].max(*token);
}
