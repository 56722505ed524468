//! One node's slot in the simulator: its pause inbox and timers. Its process lives beside
//! it (absent while crashed), its disk (the durable state, synced and not) in the
//! simulator's `disks` (the checkers read them), and its clock in [`super::clock::Clock`].

use super::protocol::{NodeId, Protocol, TimeUs};
use super::queue::{Ev, Queued};

#[derive(Clone, Debug)]
pub struct TimerSlot<T> {
    pub timer: T,
    pub generation: u64,
    pub set_at_us: TimeUs,
    pub fires_at_us: TimeUs,
    /// The sequence number this setting drew (its place among events at one time).
    pub seq: u64,
    /// The queue entry standing for the timer: its generation and time. When the timer is
    /// set again for no earlier a time, the earlier setting's entry stays and stands for it
    /// (a reset leaves no stale entry behind); when that entry reaches the queue's front,
    /// `settle` moves it to `fires_at_us` with `seq`, where this setting's own entry would
    /// have been all along.
    pub queued: (u64, TimeUs),
}

impl<T> TimerSlot<T> {
    /// Whether an earlier setting's queue entry stands for this one.
    pub fn moved(&self) -> bool {
        self.queued.0 != self.generation
    }

    /// This setting's own queue entry, at its time and place, which stands for it from now
    /// on (an earlier setting's entry goes stale).
    pub fn own_entry(&mut self, node: NodeId) -> Queued {
        self.queued = (self.generation, self.fires_at_us);
        Queued { time_us: self.fires_at_us, seq: self.seq, ev: Ev::Timer { node, generation: self.generation } }
    }
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
