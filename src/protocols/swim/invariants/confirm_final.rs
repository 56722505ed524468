//! A Confirm (dead) declaration is final for its incarnation: once a node holds a member
//! confirmed dead at incarnation i, no Alive or Suspect of incarnation ≤ i overrides it.
//! SWIM (DSN 2002) §4.2: "{Confirm Mj, i} overrides any other"; we let a member rejoin only
//! with a higher incarnation.

use super::violation;
use crate::protocols::swim::{Member, Status, Swim};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Confirm is final for its incarnation";
pub const SOURCE: &str = "SWIM, Das, Gupta, Motivala, DSN 2002, §4.2 (Confirm overrides Alive and Suspect)";

pub fn check(ctx: &CheckCtx<Swim>, observer: NodeId, m: NodeId, before: Member, now: Member, out: &mut Vec<Violation>) {
    if before.status == Status::Confirm && now.status != Status::Confirm && now.incarnation <= before.incarnation {
        let why = format!(
            "n{observer} had confirmed n{m} dead at incarnation {} and now holds it {:?} at {}",
            before.incarnation, now.status, now.incarnation
        );
        out.push(violation(ctx, NAME, SOURCE, why));
    }
}
