//! A Paxos Commit acceptor (Gray & Lamport, TODS 2006, §4; PaxosCommit.tla): one Paxos
//! acceptor for every participant's instance of every transaction. A phase 1a promises for
//! all of a transaction's instances at once; a phase 2a for one instance is accepted unless
//! a higher ballot was promised for its transaction. Promises and acceptances are forced
//! before the acceptor answers: what it answered must survive its crash.

use super::msg::{Accepted, Ballot, Vote};
use crate::protocols::txn::{Decision, TxnId};
use crate::sim::sorted::SortedMap;
use crate::sim::NodeId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acceptor {
    /// Per transaction: the highest ballot promised (0 when none).
    pub promised: SortedMap<TxnId, Ballot>,
    /// Per (transaction, participant's instance): the highest-ballot vote accepted.
    pub accepted: SortedMap<(TxnId, NodeId), (Ballot, Vote)>,
    /// Decisions it has heard of (volatile): it answers participants that ask from them.
    pub decided: SortedMap<TxnId, Decision>,
    /// The acceptance this event made, for the instance checker (volatile).
    pub last_accept: Option<(TxnId, NodeId, Ballot, Vote)>,
}

impl Acceptor {
    /// Phase 1b: promise `ballot` for every instance of `txn` if it is higher than any
    /// promise made, answering what each instance accepted; otherwise the promise held.
    pub fn phase1(&mut self, txn: TxnId, ballot: Ballot) -> Result<Vec<Accepted>, Ballot> {
        let promised = self.promised.get(&txn).copied().unwrap_or(0);
        if ballot <= promised {
            return Err(promised);
        }
        self.promised.insert(txn, ballot);
        Ok(self.accepted.range((txn, 0)..=(txn, NodeId::MAX)).map(|((_, rm), (b, v))| (*rm, *b, *v)).collect())
    }

    /// Phase 2b: accept unless a higher ballot was promised for the transaction (with the
    /// planted bug `accept_below_promise`, the promise is ignored).
    pub fn phase2(&mut self, txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote, ignore_promise: bool) -> Result<(), Ballot> {
        let promised = self.promised.get(&txn).copied().unwrap_or(0);
        if ballot < promised && !ignore_promise {
            return Err(promised);
        }
        self.promised.insert(txn, promised.max(ballot));
        self.accepted.insert((txn, rm), (ballot, vote));
        self.last_accept = Some((txn, rm, ballot, vote));
        Ok(())
    }
}
