//! One node's slot in the simulator: its disk (the durable state, synced and not), pause
//! inbox and timers. Its process lives beside it (absent while crashed), and its clock in
//! [`super::clock::Clock`].

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
}

impl<P: Protocol> NodeSlot<P> {
    pub fn new() -> Self {
        NodeSlot { disk: Disk::new(), paused: false, inbox: Vec::new(), timers: Vec::new() }
    }
}

impl<P: Protocol> Default for NodeSlot<P> {
    fn default() -> Self {
        Self::new()
    }
}
