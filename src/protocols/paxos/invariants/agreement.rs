//! Agreement: at most one value is chosen per slot, where chosen means a majority of
//! acceptors accepted it in one ballot ("Paxos Made Simple" §2.1, safety requirement 1;
//! Lamport's TLA+ Paxos, invariant Consistency).

use super::{violation, PaxosChecker};
use crate::protocols::paxos::{Ballot, Paxos, Value};
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Agreement";
pub const SOURCE: &str = "Paxos Made Simple §2.1; TLA+ Paxos: Consistency";

pub fn check(c: &mut PaxosChecker, ctx: &CheckCtx<Paxos>, slot: u64, ballot: Ballot, value: &Value, out: &mut Vec<Violation>) {
    match c.chosen.get(&slot) {
        Some(v) if v != value => out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!("slot {slot}: {value} was chosen in ballot {ballot}, but {v} had already been chosen there"),
        )),
        Some(_) => {}
        None => {
            c.chosen.insert(slot, value.clone());
        }
    }
}
