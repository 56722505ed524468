//! Lowe's cache ("Testing for linearizability", 2017, §3): the configurations the search
//! has already reached, each the bitset of linearized operations with the register state,
//! so no configuration is explored twice (the memoisation that makes Wing & Gong's search
//! practical). An addition of this checker's own: unknown operations are kept in a second
//! bitset with a dominance rule. A configuration with more unknown operations linearized,
//! and otherwise the same, can reach nothing the one with fewer cannot (an unknown operation
//! may always be placed later or never, and has no return that would hold the search back),
//! so once the one with fewer is seen, the other is pruned too.
//!
//! The configurations live in one arena of words, found through an open-addressed table of
//! their hashes (a fixed hash, and the table is never iterated, so the search explores the
//! same configurations in the same order as with an ordered map). An ordered map compared
//! the long bitsets word by word at every level of its tree, which took more than half of a
//! Raft sweep's time; a hash map of boxed keys spent much of a primary/backup sweep
//! allocating, hashing and freeing them.

use super::model::StateId;
use crate::sim::hash::{fmix64, word_step};

/// A fixed-size set of small integers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Bitset(Vec<u64>);

impl Bitset {
    pub fn new(bits: usize) -> Bitset {
        Bitset(vec![0; bits.div_ceil(64)])
    }
    pub fn set(&mut self, bit: usize, on: bool) {
        let mask = 1u64 << (bit % 64);
        if on {
            self.0[bit / 64] |= mask;
        } else {
            self.0[bit / 64] &= !mask;
        }
    }
    pub fn get(&self, bit: usize) -> bool {
        self.0[bit / 64] & (1u64 << (bit % 64)) != 0
    }
    /// Is every bit of `subset` set here?
    fn contains(&self, subset: &[u64]) -> bool {
        subset.iter().zip(&self.0).all(|(a, b)| a & !b == 0)
    }
}

/// Whole words through the trace hash's word step, finished by Murmur3's finalizer (the
/// table picks slots by the low bits); fixed, so the same on every run and every machine.
fn hash_words(words: &[u64], last: u64) -> u64 {
    fmix64(word_step(words.iter().fold(0, |h, &w| word_step(h, w)), last))
}

/// No record.
const NONE: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// Every configuration recorded, `key_words + unknown_words` words each: the linearized
    /// bitset, the state, then the unknown set (the widths are one search's, fixed).
    words: Vec<u64>,
    key_words: usize,
    unknown_words: usize,
    /// Per record: its key's hash, and the record before it with the same key.
    hashes: Vec<u64>,
    same_key: Vec<u32>,
    /// Linear probing: the newest record of each key, or `NONE`; a power of two in length,
    /// at most half full.
    slots: Vec<u32>,
    keys: usize,
}

impl Cache {
    /// Records the configuration; false if it (or one that dominates it) was seen before.
    pub fn insert(&mut self, linearized: &Bitset, state: StateId, unknowns: &Bitset) -> bool {
        if self.slots.is_empty() {
            self.key_words = linearized.0.len() + 1;
            self.unknown_words = unknowns.0.len();
            self.slots = vec![NONE; 64];
        }
        let hash = hash_words(&linearized.0, u64::from(state));
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let head = self.slots[at];
            if head == NONE {
                break;
            }
            if self.hashes[head as usize] == hash && self.same(head, linearized, state) {
                if self.dominated(head, unknowns) {
                    return false;
                }
                self.slots[at] = self.push(hash, head, linearized, state, unknowns);
                return true;
            }
            at = (at + 1) & mask;
        }
        self.slots[at] = self.push(hash, NONE, linearized, state, unknowns);
        self.keys += 1;
        if 2 * self.keys > self.slots.len() {
            self.grow();
        }
        true
    }

    fn record(&self, r: u32) -> &[u64] {
        let width = self.key_words + self.unknown_words;
        &self.words[r as usize * width..(r as usize + 1) * width]
    }

    fn same(&self, r: u32, linearized: &Bitset, state: StateId) -> bool {
        let (bits, rest) = self.record(r).split_at(linearized.0.len());
        bits == linearized.0.as_slice() && rest[0] == u64::from(state)
    }

    /// Has a record of this key an unknown set inside `unknowns`?
    fn dominated(&self, mut r: u32, unknowns: &Bitset) -> bool {
        while r != NONE {
            if unknowns.contains(&self.record(r)[self.key_words..]) {
                return true;
            }
            r = self.same_key[r as usize];
        }
        false
    }

    fn push(&mut self, hash: u64, previous: u32, linearized: &Bitset, state: StateId, unknowns: &Bitset) -> u32 {
        let r = self.hashes.len() as u32;
        self.words.extend_from_slice(&linearized.0);
        self.words.push(u64::from(state));
        self.words.extend_from_slice(&unknowns.0);
        self.hashes.push(hash);
        self.same_key.push(previous);
        r
    }

    /// Twice the slots, each key placed again by its hash.
    fn grow(&mut self) {
        let twice = vec![NONE; 2 * self.slots.len()];
        let old = std::mem::replace(&mut self.slots, twice);
        let mask = self.slots.len() - 1;
        for head in old.into_iter().filter(|&r| r != NONE) {
            let mut at = self.hashes[head as usize] as usize & mask;
            while self.slots[at] != NONE {
                at = (at + 1) & mask;
            }
            self.slots[at] = head;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(on: &[usize], len: usize) -> Bitset {
        let mut b = Bitset::new(len);
        on.iter().for_each(|&i| b.set(i, true));
        b
    }

    #[test]
    fn a_configuration_is_new_once_and_a_superset_of_unknowns_is_pruned() {
        let mut cache = Cache::default();
        let lin = bits(&[0, 70], 130);
        assert!(cache.insert(&lin, 3, &bits(&[1], 8)));
        assert!(!cache.insert(&lin, 3, &bits(&[1], 8)), "seen");
        assert!(!cache.insert(&lin, 3, &bits(&[1, 2], 8)), "more unknowns placed: dominated");
        assert!(cache.insert(&lin, 3, &bits(&[2], 8)), "another unknown set");
        assert!(!cache.insert(&lin, 3, &bits(&[2, 5], 8)), "dominated by the newer record of the key");
        assert!(cache.insert(&lin, 4, &bits(&[1], 8)), "another state");
        assert!(cache.insert(&bits(&[0], 130), 3, &bits(&[1], 8)), "another linearized set");
    }

    #[test]
    fn every_key_is_found_again_after_the_table_grows() {
        let mut cache = Cache::default();
        for i in 0..1000 {
            assert!(cache.insert(&bits(&[i % 200], 200), (i / 200) as StateId, &bits(&[], 4)));
        }
        for i in 0..1000 {
            assert!(!cache.insert(&bits(&[i % 200], 200), (i / 200) as StateId, &bits(&[3], 4)), "{i}");
        }
    }
}
