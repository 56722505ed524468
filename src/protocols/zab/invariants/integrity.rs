//! Integrity: a server delivers a transaction only if some leader broadcast it. Junqueira,
//! Reed, Serafini, "Zab" (DSN 2011), §III; Zab.tla, Integrity.

use super::{violation, Delivery, Observed, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "Integrity";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, Integrity";

pub fn check<S: StateMachine>(obs: &Observed<S::Command>, ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    if obs.broadcast.get(&d.txn.zxid) != Some(d.txn) {
        let what = if obs.broadcast.contains_key(&d.txn.zxid) { "differs from the transaction broadcast with that zxid" } else { "was never broadcast by a leader" };
        out.push(violation(ctx, (NAME, SOURCE), format!("n{} delivered {} which {what}", d.server, d.txn.zxid)));
    }
}
