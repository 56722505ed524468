//! Chord's identifier circle (Stoica et al., SIGCOMM 2001, §4.2): m-bit identifiers, arcs
//! taken clockwise, node identifiers drawn from the configuration's seed and handed out in
//! ring order (node i holds the i-th smallest, so the page's ring is the identifier circle
//! and "adjacent" means neighbouring node numbers), and keys hashed onto the circle.

use crate::sim::prng::splitmix64;

/// x ∈ (a, b) clockwise; when a = b the arc is the whole circle but a.
pub fn in_open(a: u64, x: u64, b: u64) -> bool {
    match a.cmp(&b) {
        std::cmp::Ordering::Less => a < x && x < b,
        std::cmp::Ordering::Greater => x > a || x < b,
        std::cmp::Ordering::Equal => x != a,
    }
}

/// x ∈ (a, b] clockwise; when a = b the arc is the whole circle.
pub fn in_half(a: u64, x: u64, b: u64) -> bool {
    x == b || in_open(a, x, b)
}

/// The identifier space's size, 2^m.
pub fn space(m_bits: u32) -> u64 {
    1u64 << m_bits
}

/// `n` distinct m-bit identifiers drawn from `seed`, smallest first.
pub fn node_ids(n: u32, m_bits: u32, seed: u64) -> Vec<u64> {
    let mut state = seed ^ 0xc40d_0000_0000_0001;
    let mut ids: Vec<u64> = Vec::with_capacity(n as usize);
    while ids.len() < n as usize {
        let id = splitmix64(&mut state) & (space(m_bits) - 1);
        if let Err(at) = ids.binary_search(&id) {
            ids.insert(at, id);
        }
    }
    ids
}

/// A key's identifier: FNV-1a of its bytes, mixed, cut to m bits (Chord uses SHA-1; any
/// fixed hash every node shares will do).
pub fn key_id(key: &str, m_bits: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut s = h;
    splitmix64(&mut s) & (space(m_bits) - 1)
}

/// The member (by index into `ids`, among `members`) that succeeds identifier `x`: the first
/// member whose identifier is x or follows it clockwise.
pub fn successor_of(x: u64, ids: &[u64], members: &[u32]) -> Option<u32> {
    members.iter().copied().find(|&i| ids[i as usize] >= x).or_else(|| members.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_wrap_around_zero() {
        assert!(in_open(10, 11, 20) && !in_open(10, 10, 20) && !in_open(10, 20, 20));
        assert!(in_open(50, 60, 5) && in_open(50, 2, 5) && !in_open(50, 30, 5));
        assert!(in_half(50, 5, 5) && in_half(7, 3, 7) && !in_open(7, 7, 7) && in_open(7, 8, 7));
    }

    #[test]
    fn identifiers_are_distinct_and_sorted() {
        let ids = node_ids(60, 6, 3);
        assert_eq!(ids.len(), 60);
        assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[59] < 64);
        assert_eq!(successor_of(ids[3] + 1, &ids, &[0, 5, 9]), Some(5));
        assert_eq!(successor_of(ids[9] + 1, &ids, &[0, 5, 9]), Some(0));
    }
}
