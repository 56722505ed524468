//! Agreement: if one server delivers a transaction and another delivers another, one of
//! them delivers both (Zab, DSN 2011, §III). Checked over everything ever delivered,
//! crashed servers' deliveries included: each position of the delivery order holds one
//! transaction, and each zxid one transaction.

use super::{violation, Delivery, Observed, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "Agreement";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, Agreement";

pub fn check<S: StateMachine>(obs: &mut Observed<S::Command>, ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    if let Some(other) = obs.delivered.get(&d.txn.zxid).filter(|t| *t != d.txn) {
        out.push(violation(ctx, (NAME, SOURCE), format!("n{} delivered {} as {:?}, which another server delivered as {:?}", d.server, d.txn.zxid, d.txn.cmd, other.cmd)));
        return;
    }
    match obs.chain.get(d.position) {
        Some(z) if *z != d.txn.zxid => out.push(violation(
            ctx,
            (NAME, SOURCE),
            format!("n{} delivered {} as its transaction #{} where {z} was delivered before: neither server delivers the other's", d.server, d.txn.zxid, d.position + 1),
        )),
        Some(_) => {}
        None => obs.chain.push(d.txn.zxid),
    }
}
