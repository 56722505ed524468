//! Lowe's entry list ("Testing for linearizability", 2017, §3): the call and return events
//! of one key's operations as a doubly linked list in time order, with `lift` (take an
//! operation's call and return out once it is linearized) and `unlift` (put them back, in
//! the reverse order, when the search backtracks). Operations whose outcome is unknown have
//! no return event; their calls sit in a second list that the search tries after the first.
//!
//! Real-time order is strict: an operation precedes another only when it completed before
//! the other was invoked (`complete_us < invoke_us`). At equal times calls sort before
//! returns, so an operation invoked at the instant another completes counts as concurrent
//! with it.

/// No node.
pub(crate) const NIL: u32 = u32::MAX;
/// Head of the list of completed operations' calls and returns.
pub(crate) const MAIN: u32 = 0;
/// Head of the list of unknown operations' calls.
pub(crate) const UNKNOWN: u32 = 1;

/// Nodes 0 and 1 are the heads; operation `i` has its call at `2 + 2i` and, if it
/// completed, its return at `3 + 2i`.
#[derive(Debug)]
pub(crate) struct Entries {
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Rank of the event in time order.
    pos: Vec<u32>,
    /// Whether operation `i` completed (has a return event).
    completed: Vec<bool>,
}

fn call_of(op: usize) -> u32 {
    2 + 2 * op as u32
}

impl Entries {
    /// The call node of operation `op`.
    pub fn call(op: usize) -> u32 {
        call_of(op)
    }

    /// `spans[i]` is operation `i`'s invocation and completion (`None`: unknown).
    pub fn new(spans: &[(u64, Option<u64>)]) -> Entries {
        let nodes = 2 + 2 * spans.len();
        let mut entries = Entries {
            next: vec![NIL; nodes],
            prev: vec![NIL; nodes],
            pos: vec![NIL; nodes],
            completed: spans.iter().map(|s| s.1.is_some()).collect(),
        };
        let mut tails = [MAIN, UNKNOWN];
        for (rank, node) in time_order(spans).into_iter().enumerate() {
            entries.pos[node as usize] = rank as u32;
            let list = usize::from(!entries.completed[entries.op(node)]);
            entries.link_after(tails[list], node);
            tails[list] = node;
        }
        entries
    }

    fn link_after(&mut self, tail: u32, node: u32) {
        self.next[tail as usize] = node;
        self.prev[node as usize] = tail;
    }

    pub fn op(&self, node: u32) -> usize {
        (node as usize - 2) / 2
    }
    pub fn is_call(&self, node: u32) -> bool {
        node.is_multiple_of(2)
    }
    pub fn completed(&self, op: usize) -> bool {
        self.completed[op]
    }
    pub fn first(&self, head: u32) -> u32 {
        self.next[head as usize]
    }
    pub fn next(&self, node: u32) -> u32 {
        self.next[node as usize]
    }
    pub fn pos(&self, node: u32) -> u32 {
        self.pos[node as usize]
    }
    /// Time rank of operation `op`'s call, and of its return if it has one.
    pub fn call_pos(&self, op: usize) -> u32 {
        self.pos(call_of(op))
    }
    pub fn return_pos(&self, op: usize) -> Option<u32> {
        self.completed[op].then(|| self.pos(call_of(op) + 1))
    }

    /// Take the operation whose call is `call` out of its list (its return too).
    pub fn lift(&mut self, call: u32) {
        self.unlink(call);
        if self.completed[self.op(call)] {
            self.unlink(call + 1);
        }
    }

    /// Undo the `lift` of `call` (lifts are undone in the reverse order).
    pub fn unlift(&mut self, call: u32) {
        if self.completed[self.op(call)] {
            self.relink(call + 1);
        }
        self.relink(call);
    }

    fn unlink(&mut self, node: u32) {
        let (prev, next) = (self.prev[node as usize], self.next[node as usize]);
        self.next[prev as usize] = next;
        if next != NIL {
            self.prev[next as usize] = prev;
        }
    }

    fn relink(&mut self, node: u32) {
        let (prev, next) = (self.prev[node as usize], self.next[node as usize]);
        self.next[prev as usize] = node;
        if next != NIL {
            self.prev[next as usize] = node;
        }
    }
}

/// All event nodes sorted by (time, calls before returns, operation).
fn time_order(spans: &[(u64, Option<u64>)]) -> Vec<u32> {
    let mut events = Vec::with_capacity(2 * spans.len());
    for (i, &(invoke, complete)) in spans.iter().enumerate() {
        events.push((invoke, call_of(i)));
        if let Some(done) = complete {
            events.push((done.max(invoke), call_of(i) + 1));
        }
    }
    // Node parity puts a call before a return at equal times; then earlier operations first.
    events.sort_unstable_by_key(|&(time, node)| (time, node % 2, node));
    events.into_iter().map(|(_, node)| node).collect()
}
