//! Integrity: a server delivers a transaction only if some leader broadcast it. Junqueira,
//! Reed, Serafini, "Zab" (DSN 2011), §III; Zab.tla, Integrity.

use super::{violation, Delivery, Observed};
use crate::protocols::zab::node::Zab;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Integrity";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, Integrity";

pub fn check(obs: &Observed, ctx: &CheckCtx<Zab>, d: &Delivery, out: &mut Vec<Violation>) {
    if obs.broadcast.get(&d.txn.zxid) != Some(d.txn) {
        let what = if obs.broadcast.contains_key(&d.txn.zxid) { "differs from the transaction broadcast with that zxid" } else { "was never broadcast by a leader" };
        out.push(violation(ctx, (NAME, SOURCE), format!("n{} delivered {} which {what}", d.server, d.txn.zxid)));
    }
}
