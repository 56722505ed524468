//! AC3: the commit decision can only be reached if all processes voted yes (Bernstein et
//! al. 1987, §7.2; Gray & Lamport 2006: TM commits only when every RM is prepared).

use super::{violation, AcChecker};
use crate::protocols::txn::TxnId;
use crate::sim::{CheckCtx, NodeId, Protocol, Violation};

pub const NAME: &str = "AC3 Commit needs every yes";
pub const SOURCE: &str = "Bernstein, Hadzilacos, Goodman 1987, §7.2 (AC3); Gray & Lamport 2006, TwoPhase's TMCommit";

pub fn check<P: Protocol>(c: &mut AcChecker, ctx: &CheckCtx<P>, id: NodeId, txn: TxnId, out: &mut Vec<Violation>) {
    let yes = c.voted_yes.get(&txn);
    let missing: Vec<String> =
        c.participants.iter().filter(|p| !yes.is_some_and(|y| y.contains(*p))).map(|p| format!("n{p}")).collect();
    if !missing.is_empty() {
        let text = format!("n{id} committed t{txn} but {} never voted yes", missing.join(", "));
        out.push(violation(ctx, NAME, SOURCE, text));
    }
}
