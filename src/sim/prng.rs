//! The simulator's one seeded PRNG: xoshiro256** (Blackman and Vigna) seeded by SplitMix64.
//! Written out here rather than taken from a crate so that its outputs can never change
//! under a link: a test pins the first outputs.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prng {
    s: [u64; 4],
}

pub(crate) fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Prng {
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        Prng { s: [splitmix64(&mut x), splitmix64(&mut x), splitmix64(&mut x), splitmix64(&mut x)] }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `lo..=hi` (multiply-shift; integer only).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        if span == 0 {
            return self.next_u64();
        }
        lo + ((self.next_u64() as u128 * span as u128) >> 64) as u64
    }

    /// Uniform in `0..n`; `n` must be non-zero.
    pub fn below(&mut self, n: u64) -> u64 {
        self.range(0, n.saturating_sub(1))
    }

    /// True with probability `ppm` / 1,000,000.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.below(1_000_000) < ppm as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned forever: every link ever shared depends on these numbers.
    #[test]
    fn first_outputs_are_pinned() {
        let mut r = Prng::new(42);
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(got, PINNED_SEED_42.to_vec());
        let mut r = Prng::new(0);
        assert_eq!(r.range(10, 20), PINNED_RANGE_SEED_0);
    }

    // Checked against an independent implementation of SplitMix64 + xoshiro256**
    // (SplitMix64 from 0 gives 0xe220a8397b1dcdaf, the published first value).
    const PINNED_SEED_42: [u64; 4] = [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193];
    const PINNED_RANGE_SEED_0: u64 = 16;

    #[test]
    fn range_stays_in_bounds() {
        let mut r = Prng::new(7);
        for _ in 0..10_000 {
            let v = r.range(5, 9);
            assert!((5..=9).contains(&v));
        }
        assert_eq!(r.range(3, 3), 3);
    }
}
