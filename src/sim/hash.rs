//! A stable 64-bit FNV-1a hasher: the same bytes on native and wasm (usize and isize are
//! widened to 64 bits), used for message checksums and the trace hash.

use std::hash::{Hash, Hasher};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StableHasher(u64);

/// A [`StableHasher`] that counts the bytes it reads (for [`super::work`]).
struct Counting(StableHasher, u64);

impl Hasher for Counting {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.1 += bytes.len() as u64;
        self.0.write(bytes);
    }
    fn write_usize(&mut self, i: usize) {
        self.write(&(i as u64).to_le_bytes());
    }
    fn write_isize(&mut self, i: isize) {
        self.write(&(i as i64 as u64).to_le_bytes());
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(FNV_OFFSET)
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_u16(&mut self, i: u16) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    if super::work::on() {
        let mut h = Counting(StableHasher::default(), 0);
        value.hash(&mut h);
        super::work::hashed(h.1);
        return h.finish();
    }
    let mut h = StableHasher::default();
    value.hash(&mut h);
    h.finish()
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
    fn usize_hashes_like_u64() {
        assert_eq!(stable_hash(&7usize), stable_hash(&7u64));
    }
}
