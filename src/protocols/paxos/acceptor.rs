//! The acceptor ("Paxos Made Simple" §2.2, P1a and phase 2b): the protocol's fault-tolerant
//! memory. Its promised ballot and accepted proposals are durable.

use super::msg::{AcceptedSlot, Ballot, Value};
use crate::sim::sorted::SortedMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acceptor {
    /// The highest ballot this acceptor promised (never decreases).
    pub promised: Ballot,
    /// Per slot: the highest-ballot proposal accepted.
    pub accepted: SortedMap<u64, (Ballot, Value)>,
}

pub enum PrepareOutcome {
    Promise(Vec<AcceptedSlot>),
    Nack(Ballot),
}

impl Acceptor {
    /// Phase 1b: promise if `ballot` is higher than any promise made.
    pub fn handle_prepare(&mut self, ballot: Ballot, from_slot: u64) -> PrepareOutcome {
        if ballot <= self.promised {
            return PrepareOutcome::Nack(self.promised);
        }
        self.promised = ballot;
        let accepted = self
            .accepted
            .range(from_slot..)
            .map(|(slot, (b, v))| AcceptedSlot { slot: *slot, ballot: *b, value: v.clone() })
            .collect();
        PrepareOutcome::Promise(accepted)
    }

    /// Phase 2b: accept unless a higher ballot was promised (P1a). With the planted bug
    /// `accept_below_promise` the promise is ignored.
    pub fn handle_accept(&mut self, ballot: Ballot, slot: u64, value: Value, ignore_promise: bool) -> Result<(), Ballot> {
        if ballot < self.promised && !ignore_promise {
            return Err(self.promised);
        }
        self.promised = self.promised.max(ballot);
        self.accepted.insert(slot, (ballot, value));
        Ok(())
    }
}
