//! Local primary order: if a primary broadcasts a before b, a server that delivers b
//! delivers a before it (Zab, DSN 2011, §III). A primary of epoch e broadcasts ⟨e, 1⟩,
//! ⟨e, 2⟩, ... in turn, so ⟨e, c⟩ must come right after ⟨e, c − 1⟩.

use super::{violation, Delivery, ZabCtx};
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "LocalPrimaryOrder";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §III; Zab.tla, LocalPrimaryOrder";

pub fn check<S: StateMachine>(ctx: &ZabCtx<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    let z = d.txn.zxid;
    let follows = if z.counter <= 1 { d.previous.epoch != z.epoch || d.previous.counter == 0 } else { d.previous.epoch == z.epoch && d.previous.counter + 1 == z.counter };
    if !follows {
        out.push(violation(ctx, (NAME, SOURCE), format!("n{} delivered {z} right after {}: its primary broadcast them in another order or between them", d.server, d.previous)));
    }
}
