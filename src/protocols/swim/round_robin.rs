//! SWIM's round-robin probe target selection (§4.3): members are probed in the order of a
//! random permutation, re-drawn after each full pass, so every member is probed once per
//! pass and a failed member is found within 2n−1 periods at worst.
//!
//! To keep per-node state O(1) at 1,000 nodes the permutation is drawn from the affine
//! family i ↦ (a·i + b) mod p with p the smallest prime ≥ n, a ∈ 1..p, b ∈ 0..p (values ≥ n
//! are skipped): a bijection, so "each member exactly once per pass" holds exactly.

use crate::sim::NodeId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundRobin {
    p: u64,
    a: u64,
    b: u64,
    pos: u64,
}

fn is_prime(x: u64) -> bool {
    x >= 2 && (2..).take_while(|d| d * d <= x).all(|d| !x.is_multiple_of(d))
}

impl RoundRobin {
    /// A selector over members `0..n`; the first call to `next` draws a permutation.
    pub fn new(n: u32) -> Self {
        let p = (u64::from(n).max(2)..).find(|x| is_prime(*x)).unwrap_or(2);
        RoundRobin { p, a: 1, b: 0, pos: p }
    }

    /// The next member in the current pass that `eligible` accepts, drawing a new
    /// permutation (with `draw(bound)` uniform in `0..bound`) at the end of each pass.
    /// `None` if no member is eligible.
    pub fn next(&mut self, n: u32, mut eligible: impl FnMut(NodeId) -> bool, mut draw: impl FnMut(u64) -> u64) -> Option<NodeId> {
        for _ in 0..2 * self.p + 1 {
            if self.pos >= self.p {
                self.a = 1 + draw(self.p - 1);
                self.b = draw(self.p);
                self.pos = 0;
            }
            let x = (self.a * self.pos + self.b) % self.p;
            self.pos += 1;
            if x < u64::from(n) && eligible(x as NodeId) {
                return Some(x as NodeId);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_member_once_per_pass() {
        for n in [2u32, 5, 7, 64, 1000] {
            let mut rr = RoundRobin::new(n);
            let mut seed = 7u64;
            let mut draw = |b: u64| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 33) % b
            };
            let mut seen: Vec<u32> = (0..n).map(|_| rr.next(n, |x| x != 0, &mut draw).unwrap()).take((n - 1) as usize).collect();
            seen.sort();
            assert_eq!(seen, (1..n).collect::<Vec<_>>(), "n={n}");
        }
    }

    #[test]
    fn nobody_eligible_gives_none() {
        let mut rr = RoundRobin::new(5);
        assert_eq!(rr.next(5, |_| false, |_| 0), None);
    }
}
