//! Global primary order: a transaction of an earlier epoch is delivered before one of a
//! later epoch (Zab, DSN 2011, §III).

use super::{violation, Delivery, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "GlobalPrimaryOrder";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, GlobalPrimaryOrder";

pub fn check<S: StateMachine>(ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    if d.txn.zxid.epoch < d.previous.epoch {
        out.push(violation(ctx, (NAME, SOURCE), format!("n{} delivered {} of epoch {} after {} of the later epoch {}", d.server, d.txn.zxid, d.txn.zxid.epoch, d.previous, d.previous.epoch)));
    }
}
