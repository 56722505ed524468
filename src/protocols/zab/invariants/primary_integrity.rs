//! Primary integrity: before a primary of epoch e broadcasts, it has delivered every
//! transaction of an earlier epoch that any server delivered (Zab, DSN 2011, §III).
//! Checked at the primary's first broadcast of its epoch.

use super::{violation, Observed, ZabCtx};
use crate::protocols::zab::msg::Zxid;
use crate::protocols::zab::node::Zab;
use crate::sim::{NodeId, StateMachine, Violation};

pub const NAME: &str = "PrimaryIntegrity";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, PrimaryIntegrity";

pub fn check<S: StateMachine>(obs: &Observed<S::Command>, ctx: &ZabCtx<S>, id: NodeId, node: &Zab<S>, epoch: u64, out: &mut Vec<Violation>) {
    let mine = &node.history[..node.delivered];
    for (zxid, txn) in obs.delivered.range(..Zxid::new(epoch, 0)) {
        let held = mine.binary_search_by(|t| t.zxid.cmp(zxid)).is_ok_and(|i| mine[i] == *txn);
        if !held {
            out.push(violation(ctx, (NAME, SOURCE), format!("n{id}, primary of epoch {epoch}, broadcast before delivering {zxid}, which a server delivered in an earlier epoch")));
            return;
        }
    }
}
