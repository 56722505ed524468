//! A node's clock over global time: an offset (skew) and a rate error (drift, in ppm), the
//! two clock faults of the fault model (DESIGN.md, "Simulator and faults").
//!
//! From link version 3 drift applies from the moment it is set, so a clock never jumps
//! when its drift changes: the clock carries the offset the old rate built up, and a
//! timer already armed still fires when the node's own clock reaches its deadline.
//! Versions 1 and 2 are frozen with drift applied from time 0 (setting a drift at global
//! time t moved the clock by t × the change), and timers rounded down to global time.
//! Skew is an offset by definition: setting it steps the clock, in every version.

use super::protocol::TimeUs;

const PPM: i128 = 1_000_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub skew_us: i64,
    pub drift_ppm: i64,
    /// Version 3: when the current drift was set (global time), and the offset the
    /// earlier drifts had built up by then. Both stay 0 under versions 1 and 2, which
    /// makes the one formula below version 1's.
    since_us: TimeUs,
    carried_us: i64,
    /// Version 3 semantics (continuous drift, timers rounded up).
    continuous: bool,
}

impl Clock {
    pub fn new(continuous: bool) -> Self {
        Clock { continuous, ..Clock::default() }
    }

    pub fn set_continuous(&mut self, continuous: bool) {
        self.continuous = continuous;
    }

    /// The offset drift has built up by global time `global_us`.
    fn drift_offset_us(&self, global_us: TimeUs) -> i128 {
        // Without drift the formula below gives `carried_us` (no 128-bit division).
        if self.drift_ppm == 0 {
            return i128::from(self.carried_us);
        }
        let elapsed = global_us as i128 - self.since_us as i128;
        self.carried_us as i128 + elapsed * self.drift_ppm as i128 / PPM
    }

    /// The clock's reading at global time `global_us`.
    pub fn local_time(&self, global_us: TimeUs) -> TimeUs {
        let local = global_us as i128 + self.skew_us as i128 + self.drift_offset_us(global_us);
        local.clamp(0, u64::MAX as i128) as u64
    }

    /// Change the rate at global time `now_us`. Version 3 keeps the reading where it is;
    /// versions 1 and 2 apply the new rate from time 0.
    pub fn set_drift(&mut self, now_us: TimeUs, drift_ppm: i64) {
        if self.continuous {
            self.carried_us = self.drift_offset_us(now_us).clamp(i64::MIN as i128, i64::MAX as i128) as i64;
            self.since_us = now_us;
        }
        self.drift_ppm = drift_ppm;
    }

    /// How much global time passes while this clock advances `local_us` at its current
    /// rate. Version 3 rounds up, so a timer never fires before its local deadline.
    pub fn global_duration(&self, local_us: TimeUs) -> TimeUs {
        // Without drift both roundings below give `local_us` (no 128-bit division).
        if self.drift_ppm == 0 {
            return local_us;
        }
        let rate = (PPM + self.drift_ppm as i128).max(1);
        let scaled = local_us as i128 * PPM;
        let global = if self.continuous { (scaled + rate - 1) / rate } else { scaled / rate };
        global.clamp(0, u64::MAX as i128) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_drift_a_duration_is_itself_and_the_clock_keeps_what_drift_carried() {
        for continuous in [false, true] {
            let c = Clock::new(continuous);
            for local in [0, 1, 999_999, 1_000_001, u64::MAX / 2, u64::MAX] {
                assert_eq!(c.global_duration(local), local);
            }
        }
        let mut c = Clock::new(true);
        c.skew_us = -7;
        c.set_drift(0, 100);
        c.set_drift(1_000_000, 0);
        assert_eq!(c.local_time(2_000_000), 2_000_000 + 100 - 7, "100 ppm for a second carried, then none");
    }

    #[test]
    fn version_3_drift_starts_where_the_clock_stands() {
        let mut c = Clock::new(true);
        assert_eq!(c.local_time(20_000_000), 20_000_000);
        c.set_drift(20_000_000, 50_000);
        assert_eq!(c.local_time(20_000_000), 20_000_000, "no jump");
        assert_eq!(c.local_time(21_000_000), 21_050_000, "5% fast from then on");
        c.set_drift(21_000_000, -100_000);
        assert_eq!(c.local_time(21_000_000), 21_050_000, "no jump back either");
        assert_eq!(c.local_time(22_000_000), 21_950_000);
    }

    #[test]
    fn versions_1_and_2_apply_drift_from_time_0() {
        let mut c = Clock::new(false);
        c.set_drift(20_000_000, 50_000);
        assert_eq!(c.local_time(20_000_000), 21_000_000, "the frozen jump of t × drift");
        assert_eq!(c.global_duration(1_050_000), 1_000_000);
        assert_eq!(c.global_duration(1), 0, "rounded down");
    }

    #[test]
    fn version_3_timers_never_fire_early() {
        let mut c = Clock::new(true);
        c.set_drift(0, 30_000);
        for local in [1, 7, 999, 1_000_001, 123_456_789] {
            let g = c.global_duration(local);
            assert!(c.local_time(g) >= local, "{local}");
            assert!(c.local_time(g.saturating_sub(1)) < local || g == 0, "{local}");
        }
    }

    #[test]
    fn a_clock_never_runs_backwards_under_drift() {
        let mut c = Clock::new(true);
        let mut last = 0;
        let changes = [(0, -500_000), (333_333, 500_000), (777_777, -99_999), (1_000_003, 0), (1_400_000, 0)];
        for w in changes.windows(2) {
            let ((t, d), (next, _)) = (w[0], w[1]);
            c.set_drift(t, d);
            for g in (t..next).step_by(997) {
                let l = c.local_time(g);
                assert!(l >= last, "at {g}");
                last = l;
            }
        }
    }
}
