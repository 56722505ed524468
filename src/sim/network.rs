//! The simulated network: per-direction link state (open, cut, held) and the messages in
//! flight with their fate decided at send time from the seeded PRNG.

use super::protocol::{NodeId, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Cut,
    /// Messages wait on the link until released.
    Held,
}

/// Per-direction link table, `n * n` entries, row = sender.
#[derive(Clone, Debug)]
pub struct Links {
    n: u32,
    state: Vec<LinkState>,
    /// How many directed links are not open: views skip the n² scan when none are.
    not_open: usize,
}

impl Links {
    pub fn new(n: u32) -> Self {
        Links { n, state: vec![LinkState::Open; (n * n) as usize], not_open: 0 }
    }
    fn idx(&self, from: NodeId, to: NodeId) -> usize {
        (from * self.n + to) as usize
    }
    pub fn get(&self, from: NodeId, to: NodeId) -> LinkState {
        self.state[self.idx(from, to)]
    }
    pub fn set(&mut self, from: NodeId, to: NodeId, s: LinkState) {
        let i = self.idx(from, to);
        let was_open = self.state[i] == LinkState::Open;
        if was_open != (s == LinkState::Open) {
            if was_open {
                self.not_open += 1;
            } else {
                self.not_open -= 1;
            }
        }
        self.state[i] = s;
    }
    pub fn heal_all(&mut self) {
        self.state.iter_mut().for_each(|s| *s = LinkState::Open);
        self.not_open = 0;
    }
    /// Cut every link between nodes of different groups; nodes in no group form one more.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let mut group_of = vec![usize::MAX; self.n as usize];
        for (g, members) in groups.iter().enumerate() {
            for m in members {
                group_of[*m as usize] = g;
            }
        }
        for a in 0..self.n {
            for b in 0..self.n {
                let s = if group_of[a as usize] == group_of[b as usize] { LinkState::Open } else { LinkState::Cut };
                self.set(a, b, s);
            }
        }
    }
    pub fn cut_pairs(&self) -> Vec<(NodeId, NodeId)> {
        self.pairs_in(LinkState::Cut)
    }
    pub fn held_pairs(&self) -> Vec<(NodeId, NodeId)> {
        self.pairs_in(LinkState::Held)
    }
    /// Directed links (from, to) in state `want`; cheap when every link is open.
    fn pairs_in(&self, want: LinkState) -> Vec<(NodeId, NodeId)> {
        if self.not_open == 0 {
            return Vec::new();
        }
        let n = self.n as usize;
        self.state
            .iter()
            .enumerate()
            .filter(|(i, s)| **s == want && i / n != i % n)
            .map(|(i, _)| ((i / n) as NodeId, (i % n) as NodeId))
            .collect()
    }
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct Flight<M> {
    pub from: NodeId,
    pub to: NodeId,
    pub msg: M,
    pub sent_at_us: TimeUs,
    pub arrives_at_us: TimeUs,
    /// Lost by the network: it vanishes when it would have arrived.
    pub lost: bool,
    /// Checksum computed by the sender, flipped in transit if corrupted; `None` when the
    /// network corrupts nothing (no need to checksum).
    pub checksum: Option<u64>,
    pub corrupted: bool,
    /// Waiting on a held link for a release.
    pub held: bool,
}
