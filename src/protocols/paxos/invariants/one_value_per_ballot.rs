//! All Accept messages of one ballot (and slot) carry one value (TLA+ Paxos: a proposer sends
//! at most one phase 2a message per ballot; "Paxos Made Simple" §2.2, unique proposal numbers).

use super::{violation, PaxosChecker};
use crate::protocols::paxos::{Ballot, Paxos, Value};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "One value per ballot";
pub const SOURCE: &str = "TLA+ Paxos: Phase2a sends one value per ballot; Paxos Made Simple §2.2";

pub fn check(c: &mut PaxosChecker, ctx: &CheckCtx<Paxos>, ballot: Ballot, slot: u64, value: &Value, out: &mut Vec<Violation>) {
    match c.accept_values.get(&(ballot, slot)) {
        Some(v) if v != value => out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!("ballot {ballot} sent Accept for slot {slot} with {value} after sending it with {v}"),
        )),
        Some(_) => {}
        None => {
            c.accept_values.insert((ballot, slot), value.clone());
        }
    }
}
