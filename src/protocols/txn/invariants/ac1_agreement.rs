//! AC1: all processes that reach a decision reach the same one (Bernstein et al. 1987,
//! §7.2; Gray & Lamport 2006, TCommit's TCConsistent).

use super::{said, violation, AcChecker};
use crate::protocols::txn::{Decision, TxnId};
use crate::sim::{CheckCtx, NodeId, Protocol, Violation};

pub const NAME: &str = "AC1 Agreement";
pub const SOURCE: &str = "Bernstein, Hadzilacos, Goodman 1987, §7.2 (AC1); Gray & Lamport 2006, TCConsistent";

pub fn check<P: Protocol>(c: &mut AcChecker, ctx: &CheckCtx<P>, id: NodeId, txn: TxnId, d: Decision, out: &mut Vec<Violation>) {
    match c.first.get(&txn) {
        None => {
            c.first.insert(txn, (d, id));
        }
        Some((first, by)) if *first != d => {
            let text = format!("n{id} {} t{txn}, but n{by} {} it", said(d), said(*first));
            out.push(violation(ctx, NAME, SOURCE, text));
        }
        Some(_) => {}
    }
}
