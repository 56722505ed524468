//! A member is declared dead only after the declaring member suspected it for the suspicion
//! timeout. SWIM (DSN 2002) §4.2: a member whose probe fails marks the target Suspect; "if
//! the suspected member is not refuted within a prespecified time-out, it is declared
//! faulty", and only then is a Confirm disseminated.
//!
//! The checker keeps its own record of when each member began to hold each other member
//! Suspect (by the member's own clock, the only one it can time out by), not the node's
//! `suspect_since`. A Confirm of (member, incarnation) that no view held before is the
//! declaring member's own: it must follow a Suspect of that incarnation held for at least
//! the configured timeout. A Confirm some view already held may be learned (§4.1).

use super::{violation, SwimChecker};
use crate::protocols::swim::{Member, Status, Swim};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Confirm only after the suspicion timeout";
pub const SOURCE: &str = "SWIM, Das, Gupta, Motivala, DSN 2002, §4.2 (a Suspect not refuted within the time-out is confirmed)";

/// `observer`'s entry for `m` changed from `before` to `now`.
pub fn check(c: &mut SwimChecker, ctx: &CheckCtx<Swim>, observer: NodeId, m: NodeId, before: Member, now: Member, out: &mut Vec<Violation>) {
    let local_us = ctx.local_now_us(observer);
    let since = c.suspected_since.remove(&(observer, m));
    match now.status {
        Status::Suspect => {
            c.suspected_since.insert((observer, m), local_us);
        }
        Status::Confirm if c.confirms.insert((m, now.incarnation)) => {
            let suspected = Member { incarnation: now.incarnation, status: Status::Suspect };
            let held_us = since.filter(|_| before == suspected).map(|t| local_us.saturating_sub(t));
            if held_us.unwrap_or(0) < c.suspicion_timeout_us {
                out.push(violation(ctx, NAME, SOURCE, why(observer, m, now.incarnation, held_us, c.suspicion_timeout_us)));
            }
        }
        _ => {}
    }
}

fn why(observer: NodeId, m: NodeId, incarnation: u32, held_us: Option<u64>, timeout_us: u64) -> String {
    let declared = format!("n{observer} declared n{m} dead (Confirm, incarnation {incarnation})");
    match held_us {
        None => format!("{declared} without first suspecting it at that incarnation"),
        Some(us) => format!("{declared} after suspecting it for {} ms of its {} ms suspicion timeout", us / 1000, timeout_us / 1000),
    }
}
