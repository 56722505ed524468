//! Validity: only a value that was proposed may be chosen ("Paxos Made Simple" §2.1; the
//! no-op a Multi-Paxos leader writes into a gap counts as proposed by that leader, §3).
//! Single-decree Paxos has no gaps: there a no-op nobody proposed breaks Validity (from
//! version 2 on; version 1 exempted it everywhere).

use super::{violation, PaxosChecker};
use crate::protocols::paxos::{Paxos, Value};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Validity";
pub const SOURCE: &str = "Paxos Made Simple §2.1 (only a proposed value may be chosen)";

pub fn check(c: &PaxosChecker, ctx: &CheckCtx<Paxos>, slot: u64, value: &Value, out: &mut Vec<Violation>) {
    let exempt = *value == Value::Noop && c.noop_allowed;
    if !exempt && !c.proposed.contains(value) {
        out.push(violation(ctx, NAME, SOURCE, format!("slot {slot}: {value} was chosen but no client proposed it")));
    }
}
