//! Lease arithmetic shared by the leases built on clocks of bounded drift (Ongaro's thesis
//! §6.4.1; Chubby, Burrows 2006, §2.8-2.9): how long one clock may trust a promise another
//! clock keeps for a duration, and the newest heartbeat round a quorum has answered.

/// A promise kept for `duration_us` by another clock, as long as this clock may count on
/// it when every clock runs within [1 − ρ, 1 + ρ] of real time: duration·(1 − ρ)/(1 + ρ),
/// in integer µs, rounded down.
pub fn drift_safe_us(duration_us: u64, drift_bound_ppm: u64) -> u64 {
    let rho = u128::from(drift_bound_ppm.min(999_999));
    (u128::from(duration_us) * (1_000_000 - rho) / (1_000_000 + rho)) as u64
}

/// The newest round a quorum has answered, from the newest round each member answered
/// (the leader included): the quorum-th highest, or none with fewer answers than a quorum.
pub fn quorum_round(mut rounds: Vec<u64>, quorum: usize) -> Option<u64> {
    rounds.sort_unstable_by(|a, b| b.cmp(a));
    quorum.checked_sub(1).and_then(|i| rounds.get(i)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quorum_round_is_the_quorum_th_highest() {
        assert_eq!(quorum_round(vec![3, 7, 5, 1, 7], 3), Some(5));
        assert_eq!(quorum_round(vec![4, 2], 3), None, "fewer answers than a quorum");
        assert_eq!(quorum_round(vec![4], 1), Some(4));
    }

    #[test]
    fn a_drift_safe_duration_is_shortened_by_both_clocks_bounds() {
        assert_eq!(drift_safe_us(1_000_000, 100_000), 818_181);
        assert_eq!(drift_safe_us(250_000, 0), 250_000);
    }
}
