//! Incarnation numbers never decrease: a member's own incarnation (durable, so across
//! restarts too) and every member's incarnation as seen by each node. SWIM (DSN 2002) §4.2:
//! only a member raises its own incarnation, and an update with a lower incarnation never
//! overrides one with a higher.

use super::{violation, SwimChecker};
use crate::protocols::swim::{Member, Swim};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Incarnations never decrease";
pub const SOURCE: &str = "SWIM, Das, Gupta, Motivala, DSN 2002, §4.2 (incarnation numbers)";

pub fn check_own(c: &mut SwimChecker, ctx: &CheckCtx<Swim>, node: &Swim, out: &mut Vec<Violation>) {
    let id = node.id() as usize;
    if node.incarnation < c.own[id] {
        let why = format!("n{id}'s own incarnation went from {} down to {}", c.own[id], node.incarnation);
        out.push(violation(ctx, NAME, SOURCE, why));
    }
    c.own[id] = c.own[id].max(node.incarnation);
}

pub fn check_member(ctx: &CheckCtx<Swim>, observer: NodeId, m: NodeId, before: Member, now: Member, out: &mut Vec<Violation>) {
    if now.incarnation < before.incarnation {
        let why = format!(
            "n{observer} held n{m} as {:?} at incarnation {} and now as {:?} at {}",
            before.status, before.incarnation, now.status, now.incarnation
        );
        out.push(violation(ctx, NAME, SOURCE, why));
    }
}
