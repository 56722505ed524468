//! No Interleaving: no two clients' critical sections interleave at the storage.
//!
//! Exact definition. Take the writes the storage ACCEPTED, in the order it accepted them
//! (rejected writes change nothing). A critical section is the writes carrying one token
//! (one grant of the lock). The property: once a write carrying token t has been accepted,
//! no write carrying a token lower than t is ever accepted. Equivalently, the accepted
//! tokens never decrease. A delayed write of an old holder landing after the new holder's
//! writes is exactly the corruption of Kleppmann's figure ("How to do distributed
//! locking", 2016): it is violated when fencing is off and a holder pauses past its lease
//! while another client takes the lock; with fencing on the storage refuses that write.

use super::{violation, LockChecker};
use crate::protocols::lock::{LockLog, LockNode, WriteRecord};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "No Interleaving";
pub const SOURCE: &str = "Kleppmann 2016, \"Protecting a resource with a lock\"; Chubby §2.4";

pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, w: &WriteRecord, out: &mut Vec<Violation>) {
    if !w.accepted {
        return;
    }
    if let Some((max, by)) = c.accepted_max {
        if w.token < max {
            out.push(violation(
                ctx,
                NAME,
                SOURCE,
                format!("the storage accepted n{}'s {} write with token {} after n{by}'s write with the newer token {max}: their critical sections interleave", w.client, w.op.name(), w.token),
            ));
            return;
        }
    }
    c.accepted_max = Some((w.token, w.client));
}
