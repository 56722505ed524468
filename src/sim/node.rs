//! One node's slot in the simulator: its process (absent while crashed), its disk (the
//! durable state, synced and not), pause inbox, timers, and its clock (skew and drift over
//! global time).

use super::durable::Disk;
use super::protocol::{Protocol, TimeUs};
use super::queue::Ev;

#[derive(Clone, Debug)]
pub struct TimerSlot<T> {
    pub timer: T,
    pub generation: u64,
    pub set_at_us: TimeUs,
    pub fires_at_us: TimeUs,
}

#[derive(Clone, Debug)]
pub struct NodeSlot<P: Protocol> {
    pub disk: Disk<P::Durable>,
    pub paused: bool,
    /// Events that arrived while paused, delivered in order on resume.
    pub inbox: Vec<Ev>,
    pub timers: Vec<TimerSlot<P::Timer>>,
    pub skew_us: i64,
    pub drift_ppm: i64,
}

impl<P: Protocol> NodeSlot<P> {
    pub fn new() -> Self {
        NodeSlot { disk: Disk::new(), paused: false, inbox: Vec::new(), timers: Vec::new(), skew_us: 0, drift_ppm: 0 }
    }

    /// The node's local clock reading at global time `global_us`.
    /// Drift is applied from time 0, so changing a node's drift mid-run also moves its clock
    /// (by global time × the change). Kept so that every released link replays exactly; a
    /// continuous clock would need a new link version.
    pub fn local_time(&self, global_us: TimeUs) -> TimeUs {
        let g = global_us as i128;
        let local = g + self.skew_us as i128 + g * self.drift_ppm as i128 / 1_000_000;
        local.clamp(0, u64::MAX as i128) as u64
    }

    /// How much global time passes while this node's clock advances `local_us`.
    pub fn global_duration(&self, local_us: TimeUs) -> TimeUs {
        let rate = 1_000_000i128 + self.drift_ppm as i128;
        let rate = rate.max(1);
        (local_us as i128 * 1_000_000 / rate).clamp(0, u64::MAX as i128) as u64
    }
}

impl<P: Protocol> Default for NodeSlot<P> {
    fn default() -> Self {
        Self::new()
    }
}
