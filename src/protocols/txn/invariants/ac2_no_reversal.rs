//! AC2: a process cannot reverse its decision after it has reached one (Bernstein et al.
//! 1987, §7.2), across crashes too: what a node decided before a crash it must still decide
//! after recovering from its log.

use super::{said, violation, AcChecker};
use crate::protocols::txn::{Decision, TxnId};
use crate::sim::{CheckCtx, NodeId, Protocol, Violation};

pub const NAME: &str = "AC2 No reversal";
pub const SOURCE: &str = "Bernstein, Hadzilacos, Goodman 1987, §7.2 (AC2)";

pub fn check<P: Protocol>(c: &mut AcChecker, ctx: &CheckCtx<P>, id: NodeId, txn: TxnId, d: Decision, out: &mut Vec<Violation>) {
    let mine = &mut c.decided[id as usize];
    match mine.get(&txn) {
        None => {
            mine.insert(txn, d);
        }
        Some(before) if *before != d => {
            let text = format!("n{id} {} t{txn} and now {} it", said(*before), said(d));
            out.push(violation(ctx, NAME, SOURCE, text));
            mine.insert(txn, d);
        }
        Some(_) => {}
    }
}
