//! Chord's iterative lookups (Stoica et al., SIGCOMM 2001, Figure 5: find_successor and
//! closest_preceding_node): the asking node walks the hops itself, records the path, and
//! tries again around nodes that did not answer.

use super::*;

impl Chord {
    // --- lookups (find_successor, closest_preceding_node) ---

    /// The finger or successor that most closely precedes `target`, other than this node
    /// and those in `avoid`.
    pub(super) fn closest_preceding(&self, target: u64, avoid: &[NodeId]) -> Option<NodeId> {
        let size = space(self.config.m_bits);
        let dist = |n: NodeId| (self.id_of(n) + size - self.id) % size;
        self.fingers
            .iter()
            .flatten()
            .chain(&self.successors)
            .copied()
            .filter(|&c| c != self.env.id && !avoid.contains(&c) && in_open(self.id, self.id_of(c), target))
            .max_by_key(|&c| dist(c))
    }

    pub(super) fn first_live_successor(&self, avoid: &[NodeId]) -> Option<NodeId> {
        self.successors.iter().copied().find(|s| !avoid.contains(s))
    }

    pub(super) fn begin(&mut self, lk: Lookup, out: &mut Out<Self>) {
        if !self.member {
            let n = self.env.n;
            let contact = (1..n).map(|d| (self.env.id + d + self.join_attempts) % n).find(|c| *c != self.env.id && !lk.avoid.contains(c));
            return match contact {
                Some(c) => self.ask(lk, c, out),
                None => self.fail(lk, "no node to ask", out),
            };
        }
        let Some(s) = self.first_live_successor(&lk.avoid) else {
            let known = self.fingers.iter().flatten().chain(&self.predecessor).copied().find(|c| *c != self.env.id && !lk.avoid.contains(c));
            return match known {
                Some(c) => self.ask(lk, c, out),
                None => self.fail(lk, "no live successor", out),
            };
        };
        if in_half(self.id, lk.target, self.id_of(s)) {
            return self.found(lk, s, out);
        }
        match self.closest_preceding(lk.target, &lk.avoid) {
            Some(c) => self.ask(lk, c, out),
            None => self.found(lk, s, out),
        }
    }

    pub(super) fn ask(&mut self, mut lk: Lookup, to: NodeId, out: &mut Out<Self>) {
        if lk.path.len() > 2 * self.config.m_bits as usize + 8 {
            return self.retry(lk, None, out);
        }
        lk.path.push(to);
        let target = lk.target;
        self.call(to, Pending::Hop(lk), |rpc| ChordMsg::FindSuccessor { rpc, target }, out);
    }

    pub(super) fn retry(&mut self, mut lk: Lookup, dead: Option<NodeId>, out: &mut Out<Self>) {
        lk.avoid.extend(dead);
        lk.attempts += 1;
        if lk.attempts >= MAX_ATTEMPTS {
            return self.fail(lk, "lookup failed", out);
        }
        lk.path.clear();
        self.begin(lk, out);
    }

    pub(super) fn fail(&mut self, lk: Lookup, reason: &'static str, out: &mut Out<Self>) {
        match lk.purpose {
            Purpose::Join => {
                self.join_attempts += 1;
                out.set_timer(ChordTimer::Join, self.config.rpc_timeout_us, 2 * self.config.rpc_timeout_us);
            }
            Purpose::Finger(_) => {}
            Purpose::Client { request_id, .. } => out.reply(request_id, ChordReply::Failed { reason }),
        }
    }

    pub(super) fn found(&mut self, lk: Lookup, s: NodeId, out: &mut Out<Self>) {
        match &lk.purpose {
            Purpose::Join if s == self.env.id => self.retry(lk, None, out),
            Purpose::Join if self.config.original() => {
                self.successors = vec![s];
                self.become_member(s, out);
            }
            Purpose::Join => self.call(s, Pending::Join, |rpc| ChordMsg::GetPredecessor { rpc }, out),
            Purpose::Finger(f) => {
                let f = *f as usize;
                if f < self.fingers.len() {
                    self.fingers[f] = Some(s);
                }
            }
            Purpose::Client { req, .. } => {
                let msg = match req {
                    ChordRequest::Put { key, value } => {
                        let item = Item { key: key.clone(), value: value.clone(), version: 0 };
                        move |rpc| ChordMsg::Store { rpc, item }
                    }
                    ChordRequest::Get { key } => {
                        let key = key.clone();
                        return self.call(s, Pending::Data(lk), |rpc| ChordMsg::Fetch { rpc, key }, out);
                    }
                };
                self.call(s, Pending::Data(lk), msg, out);
            }
        }
    }

    pub(super) fn on_find_successor(&mut self, from: NodeId, rpc: u64, target: u64, out: &mut Out<Self>) {
        let Some(&s) = self.successors.first().filter(|_| self.member) else { return };
        let reply = if in_half(self.id, target, self.id_of(s)) {
            ChordMsg::FindSuccessorReply { rpc, found: true, node: s }
        } else {
            match self.closest_preceding(target, &[]) {
                Some(c) => ChordMsg::FindSuccessorReply { rpc, found: false, node: c },
                None => ChordMsg::FindSuccessorReply { rpc, found: true, node: s },
            }
        };
        out.send(from, reply);
    }

    pub(super) fn on_find_successor_reply(&mut self, from: NodeId, rpc: u64, found: bool, node: NodeId, out: &mut Out<Self>) {
        let Some(Pending::Hop(lk)) = self.answered(rpc, from, out) else { return };
        if found {
            self.found(lk, node, out)
        } else if node == self.env.id || lk.avoid.contains(&node) || lk.path.contains(&node) {
            self.retry(lk, None, out)
        } else {
            self.ask(lk, node, out)
        }
    }
}
