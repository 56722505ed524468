//! Mutual Exclusion by Lease (version 3): at any moment at most one client holds the lock
//! by its lease. A client holds it by lease when it has acquired the lock (its node was
//! the lowest and it acts as the holder), has not let it go (released, or lost its
//! session), and its lease ends later than its own clock reads at that moment; a paused
//! client's clock keeps running, so a pause ends a lease as it would in a real process.
//!
//! This is what a lease-based lock exists for: Gray and Cheriton ("Leases: An Efficient
//! Fault-Tolerant Mechanism for Distributed File Cache Consistency", SOSP 1989, §2) define
//! a lease as a grant of control for a limited time, and Chubby (Burrows, OSDI 2006, §2.1,
//! §2.8) gives a client its lock only while its session's lease lasts. It holds with
//! fencing on or off, and it is checked apart from the storage's properties (a write that
//! leaves just before a lease ends and lands after it is fencing's business, not this
//! property's). The argument that it holds is in `lease.rs`.
//!
//! Checked after every event at a client: the set of clients holding by lease grows only
//! at a client's own events (an acquisition, a renewed lease, a clock set back), so each
//! time the client of the event holds, no other may. Each overlapping pair of grants
//! (tokens) is reported once.

use super::{violation, LockChecker};
use crate::protocols::lock::{LockClient, LockLog, LockNode, Phase};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Mutual Exclusion by Lease";
pub const SOURCE: &str = "Gray and Cheriton, Leases (SOSP 1989) §2; Chubby (Burrows, OSDI 2006) §2.1, §2.8";

/// The lease `c` has left at its own clock reading `now_us`, if it holds the lock by it.
pub fn lease_held_us(c: &LockClient, now_us: u64) -> Option<u64> {
    let holding = c.phase == Phase::Holding && c.session.is_some() && c.my_node.is_some();
    (holding && c.lease_until_us > now_us).then(|| c.lease_until_us - now_us)
}

fn client_at<'a, R>(ctx: &'a CheckCtx<LockNode<R>>, id: usize) -> Option<&'a LockClient>
where
    R: LockLog,
{
    ctx.nodes.get(id)?.as_ref()?.as_client()
}

/// After an event at client `id`.
pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, id: usize, out: &mut Vec<Violation>) {
    let Some(me) = client_at(ctx, id) else { return };
    let Some(mine) = lease_held_us(me, ctx.local_now_us(me.id)) else { return };
    for other in (c.servers..c.servers + c.clients).filter(|o| *o != id) {
        let Some(them) = client_at(ctx, other) else { continue };
        let Some(theirs) = lease_held_us(them, ctx.local_now_us(them.id)) else { continue };
        let (a, b) = (me.token().unwrap_or(0), them.token().unwrap_or(0));
        if !c.overlaps.insert((a.min(b), a.max(b))) {
            continue;
        }
        out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!(
                "n{} (token {a}) and n{} (token {b}) both hold the lock by their leases: {} ms and {} ms left, each by its own clock",
                me.id,
                them.id,
                mine / 1000,
                theirs / 1000
            ),
        ));
    }
}
