//! Lowe's cache ("Testing for linearizability", 2017, §3): the configurations the search
//! has already reached, each the bitset of linearized operations with the register state,
//! so no configuration is explored twice (the memoisation that makes Wing & Gong's search
//! practical). An addition of this checker's own: unknown operations are kept in a second
//! bitset with a dominance rule. A configuration with more unknown operations linearized,
//! and otherwise the same, can reach nothing the one with fewer cannot (an unknown operation
//! may always be placed later or never, and has no return that would hold the search back),
//! so once the one with fewer is seen, the other is pruned too.
//!
//! The configurations are looked up in a hash map with a fixed hash (never iterated, so the
//! search explores the same configurations in the same order as with an ordered map): an
//! ordered map compared the long bitsets word by word at every level of the tree, which took
//! more than half of a Raft sweep's time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::model::StateId;

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
    fn is_subset(&self, other: &[u64]) -> bool {
        self.0.iter().zip(other).all(|(a, b)| a & !b == 0)
    }
}

/// A multiply-and-rotate hash of whole words (the configurations are u64 words); fixed, so
/// the same on every run and every machine.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    /// A slice of words arrives as its bytes in one call (std hashes integer slices so):
    /// fold them a word at a time, as `write_u64` would.
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_ne_bytes(word.try_into().expect("8 bytes")));
        }
        for &b in words.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    /// Murmur3's 64-bit finalizer: a product's low bits depend only on its factors' low
    /// bits, and the map picks buckets by the low bits.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// (linearized completed operations, state) -> the unknown-operation sets seen with it.
    seen: HashMap<Box<[u64]>, Vec<Bitset>, BuildHasherDefault<WordHasher>>,
    scratch: Vec<u64>,
}

impl Cache {
    /// Records the configuration; false if it (or one that dominates it) was seen before.
    pub fn insert(&mut self, linearized: &Bitset, state: StateId, unknowns: &Bitset) -> bool {
        self.scratch.clear();
        self.scratch.extend_from_slice(&linearized.0);
        self.scratch.push(u64::from(state));
        if let Some(sets) = self.seen.get_mut(self.scratch.as_slice()) {
            if sets.iter().any(|seen| seen.is_subset(&unknowns.0)) {
                return false;
            }
            sets.push(unknowns.clone());
            return true;
        }
        self.seen.insert(self.scratch.as_slice().into(), vec![unknowns.clone()]);
        true
    }
}
