//! Total order: if a server delivers a before b, every server that delivers b delivers a
//! before it (Zab, DSN 2011, §III). Checked by the transaction delivered just before each
//! one: the same for every server and every run.

use super::{violation, Delivery, Observed, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "TotalOrder";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, TotalOrder";

pub fn check<S: StateMachine>(obs: &mut Observed<S::Command>, ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    match obs.pred.get(&d.txn.zxid) {
        Some(p) if *p != d.previous => out.push(violation(
            ctx,
            (NAME, SOURCE),
            format!("n{} delivered {} right after {}; another delivery had {p} right before it", d.server, d.txn.zxid, d.previous),
        )),
        Some(_) => {}
        None => {
            obs.pred.insert(d.txn.zxid, d.previous);
        }
    }
}
