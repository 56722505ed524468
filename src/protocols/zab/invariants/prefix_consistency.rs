//! PrefixConsistency: the delivered histories of any two running servers agree on the
//! prefix they share (ZooKeeper's TLA+ protocol specification, Zab.tla; the paper's
//! consistency of delivered prefixes, §IV). Checked where a server has just delivered,
//! against every other running server's delivered history.

use super::{violation, Delivery, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "PrefixConsistency";
pub const SOURCE: &str = "ZooKeeper's TLA+ protocol specification (Zab.tla), PrefixConsistency";

pub fn check<S: StateMachine>(ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    for other in (0..ctx.group.size()).filter_map(|i| ctx.group.replica(i)).filter(|n| n.env.id != d.server) {
        if let Some(t) = other.history[..other.delivered].get(d.position).filter(|t| *t != d.txn) {
            out.push(violation(
                ctx,
                (NAME, SOURCE),
                format!("n{} delivered {} as its transaction #{}; n{} delivered {} there", d.server, d.txn.zxid, d.position + 1, other.env.id, t.zxid),
            ));
            return;
        }
    }
}
