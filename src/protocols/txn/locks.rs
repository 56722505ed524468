//! A participant's locks (Bernstein et al. 1987, ch. 7: a participant keeps its locks from
//! the moment it votes yes until it learns the decision). One exclusive lock per key, and
//! the transactions waiting for it in arrival order: a transaction stuck behind a prepared
//! one is what a blocked two-phase commit costs the rest of the system.

use super::TxnId;
use crate::sim::sorted::SortedMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockTable {
    /// Per key: the holder and the transactions waiting, oldest first.
    keys: SortedMap<u32, (TxnId, Vec<TxnId>)>,
}

impl LockTable {
    /// Take `key` for `txn` if it is free (or already `txn`'s); otherwise queue `txn`
    /// behind the holder and answer false.
    pub fn acquire(&mut self, key: u32, txn: TxnId) -> bool {
        match self.keys.get_mut(&key) {
            None => {
                self.keys.insert(key, (txn, Vec::new()));
                true
            }
            Some((holder, _)) if *holder == txn => true,
            Some((_, waiting)) => {
                if !waiting.contains(&txn) {
                    waiting.push(txn);
                }
                false
            }
        }
    }

    /// `txn` lets go of `key` (or stops waiting for it). Answers the transaction that now
    /// holds it, if one was waiting.
    pub fn release(&mut self, key: u32, txn: TxnId) -> Option<TxnId> {
        let (holder, waiting) = self.keys.get_mut(&key)?;
        if *holder != txn {
            waiting.retain(|t| *t != txn);
            return None;
        }
        if waiting.is_empty() {
            self.keys.remove(&key);
            return None;
        }
        *holder = waiting.remove(0);
        Some(*holder)
    }

    pub fn holder(&self, key: u32) -> Option<TxnId> {
        self.keys.get(&key).map(|(h, _)| *h)
    }

    /// (key, holder, waiting) for every lock held.
    pub fn iter(&self) -> impl Iterator<Item = (u32, TxnId, &[TxnId])> {
        self.keys.iter().map(|(k, (h, w))| (*k, *h, w.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_gets_the_lock_when_the_holder_lets_go() {
        let mut l = LockTable::default();
        assert!(l.acquire(0, 1));
        assert!(!l.acquire(0, 2));
        assert!(!l.acquire(0, 3));
        assert_eq!(l.release(0, 3), None, "a waiter leaving hands nothing on");
        assert_eq!(l.release(0, 1), Some(2));
        assert_eq!(l.holder(0), Some(2));
        assert_eq!(l.release(0, 2), None);
        assert_eq!(l.holder(0), None);
    }
}
