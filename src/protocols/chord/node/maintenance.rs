//! Chord's ring maintenance as Zave corrected it (IEEE TSE 2017, §IV): stabilize, notify as
//! rectify, the repair of a node whose successors all went silent, key handover to a new
//! predecessor, and the original check_predecessor and fix_fingers (SIGCOMM 2001, Figure 6).

use super::*;

impl Chord {
    // --- stabilize, notify (rectify), check_predecessor ---

    pub(super) fn stabilize(&mut self, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        out.set_timer(ChordTimer::Stabilize, self.config.stabilize_us, self.config.stabilize_us);
        self.query_successor(out);
        self.hand_back(out);
        if self.config.replicate {
            let own: Vec<Item> = self.store.iter().filter(|(k, _)| self.responsible(k)).map(|(k, (v, ver))| Item { key: k.clone(), value: v.clone(), version: *ver }).collect();
            if !own.is_empty() {
                for &s in &self.successors {
                    out.send(s, ChordMsg::Replicate { items: own.clone() });
                }
            }
        }
    }

    pub(super) fn query_successor(&mut self, out: &mut Out<Self>) {
        if self.pending.iter().any(|(_, _, p)| matches!(p, Pending::Stabilize { .. } | Pending::StabilizeNew { .. })) {
            return;
        }
        match self.successors.first() {
            Some(&s) => self.call(s, Pending::Stabilize { misses: 0 }, |rpc| ChordMsg::GetPredecessor { rpc }, out),
            None => {
                // Every successor is gone (beyond the assumptions): start over.
                self.member = false;
                self.join(out);
            }
        }
    }

    /// The successor did not answer. Asked twice in vain, it is taken for dead and stabilize
    /// goes on to the next in the list (Zave: within the assumptions the list always holds
    /// a live member). A node whose last successor is silent looks its successor up again
    /// through the other nodes it knows.
    pub(super) fn successor_silent(&mut self, s: NodeId, misses: u32, out: &mut Out<Self>) {
        if misses < 2 {
            return self.call(s, Pending::Stabilize { misses }, |rpc| ChordMsg::GetPredecessor { rpc }, out);
        }
        if self.successors.len() > 1 {
            self.successors.retain(|&c| c != s);
            self.dropped += 1;
            return self.query_successor(out);
        }
        if self.config.original() || self.pending.iter().any(|(_, _, p)| matches!(p, Pending::Repair { .. })) {
            return;
        }
        self.repair(vec![s], out);
    }

    /// Find a live successor again: ask the known node nearest clockwise (fingers,
    /// predecessor), then the nodes of the bootstrap list it joined with, for its successor
    /// list, skipping those that did not answer.
    pub(super) fn repair(&mut self, avoid: Vec<NodeId>, out: &mut Out<Self>) {
        let size = space(self.config.m_bits);
        let dist = |c: NodeId| (self.id_of(c) + size - self.id) % size;
        let mut known: Vec<NodeId> = self.fingers.iter().flatten().chain(&self.predecessor).copied().filter(|c| *c != self.env.id && !avoid.contains(c)).collect();
        known.sort_by_key(|&c| dist(c));
        let n = self.env.n;
        let next = known.first().copied().or_else(|| (1..n).map(|d| (self.env.id + d) % n).find(|c| !avoid.contains(c)));
        if let Some(c) = next {
            self.call(c, Pending::Repair { avoid }, |rpc| ChordMsg::GetPredecessor { rpc }, out);
        }
    }

    pub(super) fn on_predecessor_reply(&mut self, from: NodeId, rpc: u64, predecessor: Option<NodeId>, list: Vec<NodeId>, out: &mut Out<Self>) {
        match self.answered(rpc, from, out) {
            Some(Pending::Repair { .. }) => {
                let list = self.list_from(from, &list);
                self.adopt(list, out);
            }
            Some(Pending::Join) => {
                self.successors = self.list_from(from, &list);
                self.become_member(from, out);
            }
            Some(Pending::Stabilize { .. }) => self.stabilize_reply(from, predecessor, &list, out),
            Some(Pending::StabilizeNew { base }) => {
                let next = if self.config.has_bug("successor_list_not_refreshed") { base } else { self.list_from(from, &list) };
                let mut v = vec![from];
                v.extend(next.into_iter().filter(|&c| c != from));
                v.truncate(self.config.r());
                self.adopt(v, out);
            }
            _ => {}
        }
    }

    pub(super) fn stabilize_reply(&mut self, s: NodeId, predecessor: Option<NodeId>, list: &[NodeId], out: &mut Out<Self>) {
        let base = if self.config.has_bug("successor_list_not_refreshed") {
            let mut v = vec![s];
            v.extend(self.successors.iter().copied().filter(|&c| c != s));
            v
        } else {
            self.list_from(s, list)
        };
        let Some(x) = predecessor.filter(|&x| x != self.env.id && in_open(self.id, self.id_of(x), self.id_of(s))) else { return self.adopt(base, out) };
        if self.config.original() {
            // Adopted without asking whether it is alive (Zave's first counterexample).
            let mut v = vec![x];
            v.extend(base);
            v.truncate(self.config.r());
            return self.adopt(v, out);
        }
        self.call(x, Pending::StabilizeNew { base }, |rpc| ChordMsg::GetPredecessor { rpc }, out);
    }

    pub(super) fn adopt(&mut self, list: Vec<NodeId>, out: &mut Out<Self>) {
        self.successors = list;
        if let Some(&s) = self.successors.first() {
            self.fingers[0] = Some(s);
            out.send(s, ChordMsg::Notify { joined: false });
        }
    }

    pub(super) fn on_notify(&mut self, from: NodeId, joined: bool, out: &mut Out<Self>) {
        if !self.member || from == self.env.id {
            return;
        }
        let between = |p: NodeId| in_open(self.id_of(p), self.id_of(from), self.id);
        match self.predecessor {
            None => self.accept_predecessor(from, joined, out),
            _ if self.config.has_bug("notify_unchecked") => self.accept_predecessor(from, joined, out),
            Some(p) if p == from => {
                if joined {
                    self.accept_predecessor(from, true, out);
                }
            }
            Some(p) if between(p) => self.accept_predecessor(from, joined, out),
            Some(_) if self.config.original() => {}
            Some(p) => {
                // Rectify: the notifier takes over only if the predecessor is dead.
                if !self.pending.iter().any(|(_, _, x)| matches!(x, Pending::Rectify { .. })) {
                    self.call(p, Pending::Rectify { candidate: from }, |rpc| ChordMsg::Ping { rpc }, out);
                }
            }
        }
    }

    /// `n` is the new predecessor: hand it the keys it now succeeds (every key outside
    /// (n, self]); without replication they leave this node.
    pub(super) fn accept_predecessor(&mut self, n: NodeId, joined: bool, out: &mut Out<Self>) {
        let changed = self.predecessor != Some(n);
        self.predecessor = Some(n);
        if !(changed || joined) || self.config.has_bug("no_key_handover") {
            return;
        }
        let theirs: Vec<String> = self.store.keys().filter(|k| !in_half(self.id_of(n), self.key_id(k), self.id)).cloned().collect();
        if theirs.is_empty() {
            return;
        }
        let items = theirs.iter().map(|k| Item { key: k.clone(), value: self.store[k].0.clone(), version: self.store[k].1 }).collect();
        if !self.config.replicate {
            theirs.iter().for_each(|k| {
                self.store.remove(k);
            });
        }
        out.send(n, ChordMsg::TransferKeys { items });
    }

    /// Each stabilize round, keys held here that are not this node's go to the predecessor
    /// (a key stored while this node knew no predecessor, or a newer version found here):
    /// round by round they move back to the node whose arc holds them. Without
    /// replication they leave this node.
    pub(super) fn hand_back(&mut self, out: &mut Out<Self>) {
        let Some(p) = self.predecessor else { return };
        if self.config.has_bug("no_key_handover") {
            return;
        }
        let items: Vec<Item> = self.store.iter().filter(|(k, _)| !self.responsible(k)).map(|(k, (v, ver))| Item { key: k.clone(), value: v.clone(), version: *ver }).collect();
        if items.is_empty() {
            return;
        }
        if !self.config.replicate {
            items.iter().for_each(|i| {
                self.store.remove(&i.key);
            });
        }
        out.send(p, ChordMsg::TransferKeys { items });
    }

    pub(super) fn check_predecessor(&mut self, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        out.set_timer(ChordTimer::CheckPredecessor, self.config.check_predecessor_us, self.config.check_predecessor_us);
        if let Some(p) = self.predecessor {
            self.call(p, Pending::CheckPredecessor, |rpc| ChordMsg::Ping { rpc }, out);
        }
    }

    pub(super) fn fix_fingers(&mut self, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        out.set_timer(ChordTimer::FixFingers, self.config.fix_fingers_us, self.config.fix_fingers_us);
        if self.pending.iter().any(|(_, _, p)| matches!(p, Pending::Hop(Lookup { purpose: Purpose::Finger(_), .. }))) {
            return;
        }
        self.next_finger = (self.next_finger + 1) % self.config.m_bits;
        let target = (self.id + (1u64 << self.next_finger)) & (space(self.config.m_bits) - 1);
        self.begin(Lookup { target, purpose: Purpose::Finger(self.next_finger), path: Vec::new(), avoid: Vec::new(), attempts: 0 }, out);
    }
}
