//! A stable 64-bit hasher, the same on native and wasm (usize and isize are widened to 64
//! bits), in two modes: FNV-1a over bytes (the trace hash and message checksums of link
//! versions 1-6) and a word at a time (theirs from version 7, and the checkers' own
//! fingerprints). One type for both, so every `Hash` impl is compiled once.

use std::hash::{Hash, Hasher};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StableHasher {
    h: u64,
    words: bool,
}

/// A hasher that counts the bytes it reads (for [`super::work`]), handing every write to
/// the hasher inside as it came (a word at a time, `write_u8(x)` and `write(&[x])` differ),
/// so counting never changes a hash.
struct Counting(StableHasher, u64);

impl Hasher for Counting {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.1 += bytes.len() as u64;
        self.0.write(bytes);
    }
    fn write_u8(&mut self, i: u8) {
        self.1 += 1;
        self.0.write_u8(i);
    }
    fn write_u16(&mut self, i: u16) {
        self.1 += 2;
        self.0.write_u16(i);
    }
    fn write_u32(&mut self, i: u32) {
        self.1 += 4;
        self.0.write_u32(i);
    }
    fn write_u64(&mut self, i: u64) {
        self.1 += 8;
        self.0.write_u64(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

/// The first link version whose trace hash and message checksums hash a word at a time.
pub const WORD_HASH_VERSION: u32 = 7;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A multiply-and-rotate step over one 64-bit word: for a fixed word a bijection of the
/// state, and for a fixed state one-to-one in the word, so two inputs that differ in one
/// word differ in the state from then on.
#[inline(always)]
pub(crate) fn word_step(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// Murmur3's 64-bit finalizer: every output bit depends on every input bit (a product's low
/// bits depend only on its factors' low bits).
pub(crate) fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl StableHasher {
    /// FNV-1a: one multiplication per byte.
    pub fn fnv() -> StableHasher {
        StableHasher { h: FNV_OFFSET, words: false }
    }
    /// One [`word_step`] per integer written, and per 8 bytes of a byte string (a last
    /// part of 1-7 bytes padded with zeros) then one for its length, so two strings of one
    /// length that differ give different states and padding never makes two strings one;
    /// eight times fewer multiplications than FNV-1a's one per byte. [`fmix64`] finishes it.
    pub fn words() -> StableHasher {
        StableHasher { h: FNV_OFFSET, words: true }
    }
    /// The mode of a link version's trace hash and message checksums.
    pub fn for_version(version: u32) -> StableHasher {
        if version >= WORD_HASH_VERSION {
            StableHasher::words()
        } else {
            StableHasher::fnv()
        }
    }
    // Inlined into each integer write (the page's size-optimised build would otherwise call
    // it for every integer the trace hash reads).
    #[inline(always)]
    fn write_word(&mut self, w: u64, bytes: usize) {
        if self.words {
            self.h = word_step(self.h, w);
        } else {
            self.write(&w.to_le_bytes()[..bytes]);
        }
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::fnv()
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        if self.words {
            fmix64(self.h)
        } else {
            self.h
        }
    }
    fn write(&mut self, bytes: &[u8]) {
        if !self.words {
            for b in bytes {
                self.h ^= *b as u64;
                self.h = self.h.wrapping_mul(FNV_PRIME);
            }
            return;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.h = word_step(self.h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.h = word_step(self.h, u64::from_le_bytes(w));
        }
        self.h = word_step(self.h, bytes.len() as u64);
    }
    #[inline(always)]
    fn write_u8(&mut self, i: u8) {
        self.write_word(u64::from(i), 1);
    }
    #[inline(always)]
    fn write_u16(&mut self, i: u16) {
        self.write_word(u64::from(i), 2);
    }
    #[inline(always)]
    fn write_u32(&mut self, i: u32) {
        self.write_word(u64::from(i), 4);
    }
    #[inline(always)]
    fn write_u64(&mut self, i: u64) {
        self.write_word(i, 8);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

/// `value` hashed from `start`.
fn hash_with<T: Hash + ?Sized>(start: StableHasher, value: &T) -> u64 {
    if super::work::on() {
        let mut h = Counting(start, 0);
        value.hash(&mut h);
        super::work::hashed(h.1);
        return h.finish();
    }
    let mut h = start;
    value.hash(&mut h);
    h.finish()
}

/// FNV-1a ([`StableHasher::fnv`]).
pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    hash_with(StableHasher::fnv(), value)
}

/// `value` hashed as link version `version` hashes messages (its checksums).
pub fn version_hash<T: Hash + ?Sized>(version: u32, value: &T) -> u64 {
    hash_with(StableHasher::for_version(version), value)
}

/// A word at a time ([`StableHasher::words`]): the checkers' fingerprints.
pub fn word_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    hash_with(StableHasher::words(), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        let mut h = StableHasher::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63dc4c8601ec8c);
        assert_eq!(StableHasher::default().finish(), FNV_OFFSET);
    }

    #[test]
    fn counting_changes_no_hash() {
        let value = (1u8, 2u16, 3u32, 4u64, -5i64, "six", vec![7usize]);
        let (fnv, words) = (stable_hash(&value), word_hash(&value));
        super::super::work::start();
        let counted = (stable_hash(&value), word_hash(&value));
        let work = super::super::work::stop();
        assert_eq!(counted, (fnv, words));
        assert!(work.hashed_bytes > 0, "it counted");
    }

    #[test]
    fn usize_hashes_like_u64() {
        assert_eq!(stable_hash(&7usize), stable_hash(&7u64));
        assert_eq!(word_hash(&7usize), word_hash(&7u64));
    }

    /// Pinned (the values were computed apart from this code): version 7 traces and
    /// checksums depend on them.
    #[test]
    fn word_hash_is_pinned() {
        assert_eq!(StableHasher::words().finish(), fmix64(FNV_OFFSET));
        assert_eq!(word_hash(&1u64), fmix64(word_step(FNV_OFFSET, 1)));
        assert_eq!(word_hash(&(1u8, 2u32)), 0x3a20_1eb8_673c_48b4);
        assert_eq!(word_hash("AppendEntries"), 0xc47f_8421_f13e_4815);
    }

    /// A byte string's length follows it, so padding never makes two strings one.
    #[test]
    fn word_hash_tells_byte_strings_apart() {
        let parts: [&[u8]; 8] = [b"", b"\0", b"\0\0", b"abcdefgh", b"abcdefgh\0", b"abcdefg", b"abcdefg\x07", b"abcdefg\0"];
        let hashes: Vec<u64> = parts
            .iter()
            .map(|p| {
                let mut h = StableHasher::words();
                h.write(p);
                h.finish()
            })
            .collect();
        for (i, a) in hashes.iter().enumerate() {
            assert!(hashes[i + 1..].iter().all(|b| a != b), "{:?} collides", parts[i]);
        }
    }
}
