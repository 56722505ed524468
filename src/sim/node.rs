//! One node's slot in the simulator: its pause inbox and timers. Its process lives beside
//! it (absent while crashed), its disk (the durable state, synced and not) in the
//! simulator's `disks` (the checkers read them), and its clock in [`super::clock::Clock`].

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
    pub paused: bool,
    /// Events that arrived while paused, delivered in order on resume.
    pub inbox: Vec<Ev>,
    pub timers: Vec<TimerSlot<P::Timer>>,
}

impl<P: Protocol> NodeSlot<P> {
    pub fn new() -> Self {
        NodeSlot { paused: false, inbox: Vec::new(), timers: Vec::new() }
    }
}

impl<P: Protocol> Default for NodeSlot<P> {
    fn default() -> Self {
        Self::new()
    }
}
