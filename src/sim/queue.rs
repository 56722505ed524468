//! The event queue: a binary heap ordered by (time, sequence number), so that events at the
//! same time run in the order they were scheduled. No float and no hash takes part.

use super::fault::Fault;
use super::protocol::{NodeId, TimeUs};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Start { node: NodeId },
    Deliver { msg_id: u64 },
    Timer { node: NodeId, generation: u64 },
    Request { node: NodeId, request_id: u64 },
    Fault { fault: Fault, chaos: bool },
    ChaosTick,
    /// A client's attempt got no answer in time (version 2 clients).
    ClientTimeout { client: u64, attempt: u32 },
    /// A client tries its call again at `node`.
    ClientRetry { client: u64, node: NodeId },
}

impl Ev {
    /// The node an event happens at, if it is held by a pause.
    pub fn pausable_node(&self, msg_to: impl Fn(u64) -> Option<NodeId>) -> Option<NodeId> {
        match self {
            Ev::Timer { node, .. } | Ev::Request { node, .. } => Some(*node),
            Ev::Deliver { msg_id } => msg_to(*msg_id),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub time_us: TimeUs,
    pub seq: u64,
    pub ev: Ev,
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest (time, seq) pops first.
        (other.time_us, other.seq).cmp(&(self.time_us, self.seq))
    }
}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Queued>,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, time_us: TimeUs, ev: Ev) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Queued { time_us, seq, ev });
    }
    /// Number an event without queueing it (it waits elsewhere, in (time, seq) order).
    pub fn stamp(&mut self, time_us: TimeUs, ev: Ev) -> Queued {
        let seq = self.next_seq;
        self.next_seq += 1;
        Queued { time_us, seq, ev }
    }
    /// Take out every event `f` picks (in no particular order).
    pub fn take_where(&mut self, f: impl Fn(&Ev) -> bool) -> Vec<Queued> {
        let (taken, kept): (Vec<Queued>, Vec<Queued>) = std::mem::take(&mut self.heap).into_vec().into_iter().partition(|q| f(&q.ev));
        self.heap = BinaryHeap::from(kept);
        taken
    }
    pub fn pop(&mut self) -> Option<Queued> {
        self.heap.pop()
    }
    pub fn peek(&self) -> Option<&Queued> {
        self.heap.peek()
    }
    pub fn peek_time(&self) -> Option<TimeUs> {
        self.heap.peek().map(|q| q.time_us)
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_sequence() {
        let mut q = EventQueue::default();
        q.push(20, Ev::ChaosTick);
        q.push(10, Ev::Start { node: 1 });
        q.push(10, Ev::Start { node: 0 });
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|e| (e.time_us, e.ev)).collect();
        assert_eq!(
            order,
            vec![(10, Ev::Start { node: 1 }), (10, Ev::Start { node: 0 }), (20, Ev::ChaosTick)]
        );
    }
}
