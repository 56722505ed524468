//! Conservative Lease (version 3): the service expires a session only after its client's
//! lease has run out by the client's own clock.
//!
//! Chubby (Burrows, OSDI 2006, §2.8): the client's local lease timeout "is a conservative
//! approximation of the master's lease timeout", allowing for the time a KeepAlive spends
//! in flight and for the master's clock running faster. If the master's timeout passes
//! first, the lock node goes while its owner still trusts its lease, and the next client
//! can take the lock while it does (breaking Mutual Exclusion by Lease as soon as it
//! acquires). Checked when a server's tree applies an `ExpireSession`, against the client
//! whose session it ends, at that moment; it fails for a client lease with no margin for
//! drift, for a clock that jumps, and for a deposed leader that renews a lease its
//! successor does not know of.

use super::violation;
use crate::protocols::lock::{LockLog, LockNode, LockTree, SessionId};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Conservative Lease";
pub const SOURCE: &str = "Chubby (Burrows, OSDI 2006) §2.8: the client's lease timeout is a conservative approximation of the master's";

/// Server `i` applies the expiry of `session`; `tree` is its tree just before.
pub fn check<R: LockLog>(ctx: &CheckCtx<LockNode<R>>, i: usize, tree: &LockTree, session: SessionId, out: &mut Vec<Violation>) {
    let Some(owner) = tree.sessions.get(&session).map(|s| s.client) else { return };
    let client = ctx.nodes.get(owner as usize).and_then(|n| n.as_ref()).and_then(LockNode::as_client);
    let Some(c) = client.filter(|c| c.session == Some(session)) else { return };
    let now = ctx.local_now_us(owner);
    if c.lease_until_us > now {
        let left = (c.lease_until_us - now) / 1000;
        out.push(violation(ctx, NAME, SOURCE, format!("n{i} applied the expiry of n{owner}'s session s{session} while n{owner}'s lease had {left} ms left by its own clock")));
    }
}
