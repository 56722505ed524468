//! Master Lease (version 3): a server extends a session (answers a KeepAlive "alive") only
//! while no later leader has been elected.
//!
//! Chubby (Burrows, OSDI 2006, §2.9): the master holds a master lease, during which the
//! replicas promise not to elect another master, so only one master at a time extends
//! sessions; Ongaro's thesis §6.4.1 gives a Raft leader the same lease from heartbeats a
//! majority acknowledged. A deposed leader that still answers (one cut off from the
//! others, or one waking from a pause to a queue of KeepAlives) renews leases its
//! successor knows nothing of, and its successor may expire the session while its client
//! trusts the renewed lease. Checked at every event at a server: the newest term in which
//! any server has been seen leading is remembered, and a server that answered a KeepAlive
//! in this event must be leading in that term.

use super::{violation, LockChecker};
use crate::protocols::lock::{LockLog, LockNode, LockServer};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Master Lease";
pub const SOURCE: &str = "Chubby (Burrows, OSDI 2006) §2.9, master leases; Ongaro's thesis §6.4.1";

/// After an event at server `i`.
pub fn check<R: LockLog>(c: &mut LockChecker<R>, ctx: &CheckCtx<LockNode<R>>, i: usize, s: &LockServer<R>, out: &mut Vec<Violation>) {
    let term = s.log.term();
    if s.log.is_leader() {
        c.newest_leader_term = c.newest_leader_term.max(term);
    }
    if s.keepalives_answered > c.keepalives_seen[i] && term < c.newest_leader_term {
        out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!("n{i}, leader of term {term}, answered a KeepAlive after a leader of term {} was elected: it extended a session it no longer owns", c.newest_leader_term),
        ));
    }
    c.keepalives_seen[i] = s.keepalives_answered;
}
