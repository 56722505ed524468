//! The event queue: a binary heap ordered by (time, sequence number), so that events at the
//! same time run in the order they were scheduled. No float and no hash takes part.

use super::fault::Fault;
use super::protocol::{NodeId, TimeUs};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Start { node: NodeId },
    Deliver { msg_id: u64 },
    Timer { node: NodeId, generation: u64 },
    Request { node: NodeId, request_id: u64 },
    /// Boxed: a fault is large and rare, and every queued event would otherwise be its size
    /// (the heap moves events as it sifts).
    Fault { fault: Box<Fault>, chaos: bool },
    ChaosTick,
    /// A client's attempt got no answer in time (version 2 clients).
    ClientTimeout { client: u64, attempt: u32 },
    /// A client tries its call again at `node`.
    ClientRetry { client: u64, node: NodeId },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub time_us: TimeUs,
    pub seq: u64,
    pub ev: Ev,
}

// Inlined into the heap's sifting (the page's size-optimised build would otherwise call it
// for every comparison).
impl Ord for Queued {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest (time, seq) pops first.
        (other.time_us, other.seq).cmp(&(self.time_us, self.seq))
    }
}
impl PartialOrd for Queued {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The queue: a heap for what the run schedules as it goes, and the faults a scenario
/// schedules before it starts, kept apart in (time, seq) order and shared between the
/// run's checkpoints (a checkpoint clones a pointer, not thousands of faults; the heap
/// stays small). Popping takes the earlier of the two fronts, so the order is exactly one
/// heap's.
#[derive(Clone, Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Queued>,
    /// Scheduled events in ascending (time, seq); those before `next` have been taken.
    later: Rc<Vec<Queued>>,
    next: usize,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, time_us: TimeUs, ev: Ev) {
        let q = self.stamp(time_us, ev);
        self.heap.push(q);
    }
    /// Queue an event numbered earlier by [`EventQueue::stamp`].
    pub fn push_stamped(&mut self, q: Queued) {
        self.heap.push(q);
    }
    /// Queue a fault scheduled ahead (a scenario's): it joins the sorted list when it comes
    /// after everything there and no checkpoint shares the list, else the heap. The list
    /// holds only such faults.
    pub fn push_scheduled(&mut self, time_us: TimeUs, fault: Fault) {
        let q = self.stamp(time_us, Ev::Fault { fault: Box::new(fault), chaos: false });
        let last = self.later.last().map(|l| l.time_us);
        match Rc::get_mut(&mut self.later) {
            Some(later) if last.is_none_or(|t| t <= q.time_us) => later.push(q),
            _ => self.heap.push(q),
        }
    }
    /// Number an event without queueing it (it waits elsewhere, in (time, seq) order).
    pub fn stamp(&mut self, time_us: TimeUs, ev: Ev) -> Queued {
        let seq = self.next_seq;
        self.next_seq += 1;
        Queued { time_us, seq, ev }
    }
    /// Take out every event `f` picks (in no particular order); `f` never picks a fault
    /// (the scheduled list, which holds only faults, stays as it is).
    pub fn take_where(&mut self, f: impl Fn(&Ev) -> bool) -> Vec<Queued> {
        debug_assert!(!self.later[self.next..].iter().any(|q| f(&q.ev)), "take_where picks no scheduled fault");
        let (taken, kept): (Vec<Queued>, Vec<Queued>) = std::mem::take(&mut self.heap).into_vec().into_iter().partition(|q| f(&q.ev));
        self.heap = BinaryHeap::from(kept);
        taken
    }
    /// Is the front of the scheduled list earlier than the heap's?
    fn later_first(&self) -> bool {
        match (self.later.get(self.next), self.heap.peek()) {
            (Some(l), Some(h)) => (l.time_us, l.seq) < (h.time_us, h.seq),
            (l, _) => l.is_some(),
        }
    }
    pub fn pop(&mut self) -> Option<Queued> {
        if self.later_first() {
            self.next += 1;
            return Some(self.later[self.next - 1].clone());
        }
        self.heap.pop()
    }
    pub fn peek(&self) -> Option<&Queued> {
        if self.later_first() {
            return self.later.get(self.next);
        }
        self.heap.peek()
    }
    pub fn peek_time(&self) -> Option<TimeUs> {
        self.peek().map(|q| q.time_us)
    }
    pub fn len(&self) -> usize {
        self.heap.len() + self.later.len() - self.next
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// Events scheduled ahead pop in exactly the order one heap would give.
    #[test]
    fn scheduled_events_interleave_as_one_heap() {
        let (mut a, mut b) = (EventQueue::default(), EventQueue::default());
        let times = [5u64, 10, 10, 3, 40, 40, 20];
        for (i, t) in times.iter().enumerate() {
            let fault = || Fault::Crash { node: i as u32 };
            a.push(*t, Ev::Fault { fault: Box::new(fault()), chaos: false });
            b.push_scheduled(*t, fault());
        }
        a.push(10, Ev::ChaosTick);
        b.push(10, Ev::ChaosTick);
        let mut b2 = b.clone();
        assert_eq!(b2.len(), 8);
        let taken = b2.take_where(|e| matches!(e, Ev::ChaosTick));
        assert_eq!((taken.len(), b2.len()), (1, 7));
        // A clone shares the list: a fault scheduled now, out of order or not, goes on the heap.
        b2.push_scheduled(1, Fault::Crash { node: 9 });
        assert_eq!(b2.pop().map(|q| q.time_us), Some(1));
        let all = |q: &mut EventQueue| std::iter::from_fn(|| q.pop()).map(|e| (e.time_us, e.seq, e.ev)).collect::<Vec<_>>();
        assert_eq!(all(&mut a), all(&mut b));
        assert!(b.is_empty() && b.peek().is_none());
    }
}
