//! A Chord node (Stoica et al., SIGCOMM 2001, Figure 6 and §5) with the ring maintenance
//! Zave proved correct ("Reasoning about identifier spaces: how to make Chord correct",
//! IEEE TSE 2017, §IV): a joining node copies its successor's successor list; stabilize
//! asks the successor for its predecessor and list, and adopts the predecessor only after
//! it has answered; a notified node replaces its predecessor only if the notifier lies
//! between them or the old one does not answer (rectify). The original maintenance (join
//! with one successor, adopt without asking, check_predecessor) is the teaching bug
//! `original_maintenance`. Lookups are iterative: the asking node walks the hops itself and
//! records the path.

use super::config::ChordConfig;
use super::msg::{ChordMsg, Item};
use super::ring::{in_half, in_open, key_id, node_ids, space};
use crate::sim::{NodeEnv, NodeId, Out};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChordTimer {
    Stabilize,
    FixFingers,
    /// The original protocol's check_predecessor.
    CheckPredecessor,
    /// Try to join (again).
    Join,
    /// No answer to this request in time: the node asked is taken for dead.
    Timeout(u64),
}

impl ChordTimer {
    pub fn name(&self) -> &'static str {
        match self {
            ChordTimer::Stabilize => "stabilize",
            ChordTimer::FixFingers => "fix_fingers",
            ChordTimer::CheckPredecessor => "check_predecessor",
            ChordTimer::Join => "join",
            ChordTimer::Timeout(_) => "no answer",
        }
    }
}

/// A client's request: store a key or read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChordRequest {
    Put { key: String, value: String },
    Get { key: String },
}

/// What the client is told: who stored or answered, after how many hops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChordReply {
    Stored { owner: NodeId, hops: u32 },
    Value { owner: NodeId, hops: u32, value: Option<String> },
    Failed { reason: &'static str },
}

/// Why a lookup runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Join,
    Finger(u32),
    Client { request_id: u64, req: ChordRequest },
}

/// A lookup in progress at the node that asked: the nodes asked so far and those that did
/// not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    pub target: u64,
    pub purpose: Purpose,
    pub path: Vec<NodeId>,
    pub avoid: Vec<NodeId>,
    pub attempts: u32,
}

/// What an outstanding request is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pending {
    Hop(Lookup),
    Data(Lookup),
    Join,
    /// Stabilize's query, and how many in a row the successor has left unanswered before.
    Stabilize { misses: u32 },
    StabilizeNew { base: Vec<NodeId> },
    /// Repair's query, and the nodes that did not answer it before.
    Repair { avoid: Vec<NodeId> },
    Rectify { candidate: NodeId },
    CheckPredecessor,
}

/// A lookup gives up after this many tries.
const MAX_ATTEMPTS: u32 = 4;

#[derive(Clone, Debug)]
pub struct Chord {
    pub env: NodeEnv,
    pub config: ChordConfig,
    /// Every node's identifier, by node number (smallest first).
    pub ids: Arc<Vec<u64>>,
    pub id: u64,
    /// In the ring (joined, or a member from the start).
    pub member: bool,
    pub predecessor: Option<NodeId>,
    /// The successor list, nearest first (length r when full).
    pub successors: Vec<NodeId>,
    /// finger[k] should be successor(id + 2^k).
    pub fingers: Vec<Option<NodeId>>,
    next_finger: u32,
    /// Keys this node holds (its own and replicas): value and version.
    pub store: BTreeMap<String, (String, u64)>,
    next_rpc: u64,
    pending: Vec<(u64, NodeId, Pending)>,
    join_attempts: u32,
    /// Boots of this node (its one durable record).
    pub boots: u32,
    /// Client lookups answered, and their hops in all.
    pub lookups: u64,
    pub hops: u64,
    /// The newest client lookup's path (the nodes asked, in order).
    pub last_path: Vec<NodeId>,
    /// Successors taken for dead (asked twice in vain) and dropped from the list.
    pub dropped: u64,
}

impl Chord {
    pub fn create(env: NodeEnv, config: &ChordConfig) -> Self {
        let ids = Arc::new(node_ids(env.n, config.m_bits, config.id_seed));
        let id = ids[env.id as usize];
        Chord {
            env,
            config: config.clone(),
            ids,
            id,
            member: false,
            predecessor: None,
            successors: Vec::new(),
            fingers: vec![None; config.m_bits as usize],
            next_finger: 0,
            store: BTreeMap::new(),
            next_rpc: 0,
            pending: Vec::new(),
            join_attempts: 0,
            boots: 0,
            lookups: 0,
            hops: 0,
            last_path: Vec::new(),
            dropped: 0,
        }
    }

    pub fn id_of(&self, n: NodeId) -> u64 {
        self.ids[n as usize]
    }

    pub fn key_id(&self, key: &str) -> u64 {
        key_id(key, self.config.m_bits)
    }

    /// Is `key` this node's (in (predecessor, self])? Every key is, while it knows no
    /// predecessor.
    pub fn responsible(&self, key: &str) -> bool {
        self.predecessor.is_none_or(|p| in_half(self.id_of(p), self.key_id(key), self.id))
    }

    /// First boot: a member of the initial ring (its tables exact, as Zave's initialization
    /// requires) or a node that will join.
    pub fn start(&mut self, out: &mut Out<Self>) {
        self.boots = 1;
        self.next_rpc = u64::from(self.boots) << 32;
        out.write(1);
        out.sync();
        let members = self.config.start_members_of(self.env.n);
        if members.contains(&self.env.id) {
            self.init_member(&members);
            self.arm_maintenance(out);
        } else {
            out.set_timer(ChordTimer::Join, 0, self.config.stabilize_us);
        }
    }

    /// A boot after a crash: the node has forgotten the ring and joins again.
    pub fn recover(&mut self, boots: u32, out: &mut Out<Self>) {
        self.boots = boots + 1;
        // Request numbers are unique across boots: an answer to the crashed process's
        // request must not be taken for an answer to this one's.
        self.next_rpc = u64::from(self.boots) << 32;
        out.write(self.boots);
        out.sync();
        out.set_timer(ChordTimer::Join, 0, self.config.rpc_timeout_us);
    }

    fn init_member(&mut self, members: &[u32]) {
        let me = members.iter().position(|&m| m == self.env.id).unwrap_or(0);
        let k = members.len();
        self.member = true;
        self.successors = (1..k).map(|d| members[(me + d) % k]).take(self.config.r()).collect();
        self.predecessor = (k > 1).then(|| members[(me + k - 1) % k]);
        let ids = self.ids.clone();
        for (f, slot) in self.fingers.iter_mut().enumerate() {
            let start = (self.id + (1u64 << f)) & (space(self.config.m_bits) - 1);
            *slot = super::ring::successor_of(start, &ids, members);
        }
        let copies = if self.config.replicate { self.config.r() + 1 } else { 1 };
        for key in (0..self.config.keys).map(|k| format!("k{k}")) {
            let owner = super::ring::successor_of(self.key_id(&key), &ids, members).unwrap_or(0);
            let at = members.iter().position(|&m| m == owner).unwrap_or(0);
            if (0..copies.min(k)).any(|d| members[(at + d) % k] == self.env.id) {
                self.store.insert(key, ("v0".into(), 0));
            }
        }
    }

    fn arm_maintenance(&self, out: &mut Out<Self>) {
        out.set_timer(ChordTimer::Stabilize, 0, self.config.stabilize_us);
        out.set_timer(ChordTimer::FixFingers, 0, self.config.fix_fingers_us);
        if self.config.original() {
            out.set_timer(ChordTimer::CheckPredecessor, 0, self.config.check_predecessor_us);
        }
    }

    // --- requests and their timeouts ---

    fn call(&mut self, to: NodeId, pending: Pending, msg: impl FnOnce(u64) -> ChordMsg, out: &mut Out<Self>) {
        self.next_rpc += 1;
        let rpc = self.next_rpc;
        self.pending.push((rpc, to, pending));
        out.send(to, msg(rpc));
        out.set_timer(ChordTimer::Timeout(rpc), self.config.rpc_timeout_us, self.config.rpc_timeout_us);
    }

    fn answered(&mut self, rpc: u64, from: NodeId, out: &mut Out<Self>) -> Option<Pending> {
        let at = self.pending.iter().position(|(r, to, _)| *r == rpc && *to == from)?;
        out.cancel_timer(ChordTimer::Timeout(rpc));
        Some(self.pending.remove(at).2)
    }

    fn on_timeout(&mut self, rpc: u64, out: &mut Out<Self>) {
        let Some(at) = self.pending.iter().position(|(r, _, _)| *r == rpc) else { return };
        let (_, dead, pending) = self.pending.remove(at);
        self.fingers.iter_mut().filter(|f| **f == Some(dead)).for_each(|f| *f = None);
        match pending {
            Pending::Hop(lk) | Pending::Data(lk) => self.retry(lk, Some(dead), out),
            Pending::Join => out.set_timer(ChordTimer::Join, 0, self.config.rpc_timeout_us),
            Pending::Stabilize { misses } => self.successor_silent(dead, misses + 1, out),
            Pending::StabilizeNew { base } => self.adopt(base, out),
            Pending::Repair { mut avoid } => {
                avoid.push(dead);
                if (avoid.len() as u32) < self.env.n {
                    self.repair(avoid, out);
                }
            }
            Pending::Rectify { candidate } => self.accept_predecessor(candidate, false, out),
            Pending::CheckPredecessor => {
                if self.predecessor == Some(dead) {
                    self.predecessor = None;
                }
            }
        }
    }

    // --- lookups (find_successor, closest_preceding_node) ---

    /// The finger or successor that most closely precedes `target`, other than this node
    /// and those in `avoid`.
    fn closest_preceding(&self, target: u64, avoid: &[NodeId]) -> Option<NodeId> {
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

    fn first_live_successor(&self, avoid: &[NodeId]) -> Option<NodeId> {
        self.successors.iter().copied().find(|s| !avoid.contains(s))
    }

    fn begin(&mut self, lk: Lookup, out: &mut Out<Self>) {
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

    fn ask(&mut self, mut lk: Lookup, to: NodeId, out: &mut Out<Self>) {
        if lk.path.len() > 2 * self.config.m_bits as usize + 8 {
            return self.retry(lk, None, out);
        }
        lk.path.push(to);
        let target = lk.target;
        self.call(to, Pending::Hop(lk), |rpc| ChordMsg::FindSuccessor { rpc, target }, out);
    }

    fn retry(&mut self, mut lk: Lookup, dead: Option<NodeId>, out: &mut Out<Self>) {
        lk.avoid.extend(dead);
        lk.attempts += 1;
        if lk.attempts >= MAX_ATTEMPTS {
            return self.fail(lk, "lookup failed", out);
        }
        lk.path.clear();
        self.begin(lk, out);
    }

    fn fail(&mut self, lk: Lookup, reason: &'static str, out: &mut Out<Self>) {
        match lk.purpose {
            Purpose::Join => {
                self.join_attempts += 1;
                out.set_timer(ChordTimer::Join, self.config.rpc_timeout_us, 2 * self.config.rpc_timeout_us);
            }
            Purpose::Finger(_) => {}
            Purpose::Client { request_id, .. } => out.reply(request_id, ChordReply::Failed { reason }),
        }
    }

    fn found(&mut self, lk: Lookup, s: NodeId, out: &mut Out<Self>) {
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

    fn on_find_successor(&mut self, from: NodeId, rpc: u64, target: u64, out: &mut Out<Self>) {
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

    fn on_find_successor_reply(&mut self, from: NodeId, rpc: u64, found: bool, node: NodeId, out: &mut Out<Self>) {
        let Some(Pending::Hop(lk)) = self.answered(rpc, from, out) else { return };
        if found {
            self.found(lk, node, out)
        } else if node == self.env.id || lk.avoid.contains(&node) || lk.path.contains(&node) {
            self.retry(lk, None, out)
        } else {
            self.ask(lk, node, out)
        }
    }

    // --- join ---

    pub fn join(&mut self, out: &mut Out<Self>) {
        if self.member {
            return;
        }
        let target = (self.id + 1) & (space(self.config.m_bits) - 1);
        self.begin(Lookup { target, purpose: Purpose::Join, path: Vec::new(), avoid: Vec::new(), attempts: 0 }, out);
    }

    fn become_member(&mut self, s: NodeId, out: &mut Out<Self>) {
        self.member = true;
        self.predecessor = None;
        self.fingers[0] = Some(s);
        self.join_attempts = 0;
        self.arm_maintenance(out);
        if !self.config.original() {
            out.send(s, ChordMsg::Notify { joined: true });
        }
    }

    /// [s] followed by s's list without its last entry (Zave's succList := s +
    /// butLast(s.succList)), cut where it stops going clockwise from this node (it comes
    /// back to this node, or passes it: s's list may not know this node yet).
    fn list_from(&self, s: NodeId, list: &[NodeId]) -> Vec<NodeId> {
        let size = space(self.config.m_bits);
        let dist = |c: NodeId| (self.id_of(c) + size - self.id) % size;
        let mut v = vec![s];
        for &c in list {
            if c == self.env.id || dist(c) <= dist(*v.last().expect("s")) {
                break;
            }
            v.push(c);
        }
        v.truncate(self.config.r());
        v
    }

    // --- stabilize, notify (rectify), check_predecessor ---

    fn stabilize(&mut self, out: &mut Out<Self>) {
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

    fn query_successor(&mut self, out: &mut Out<Self>) {
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
    fn successor_silent(&mut self, s: NodeId, misses: u32, out: &mut Out<Self>) {
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
    fn repair(&mut self, avoid: Vec<NodeId>, out: &mut Out<Self>) {
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

    fn on_predecessor_reply(&mut self, from: NodeId, rpc: u64, predecessor: Option<NodeId>, list: Vec<NodeId>, out: &mut Out<Self>) {
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

    fn stabilize_reply(&mut self, s: NodeId, predecessor: Option<NodeId>, list: &[NodeId], out: &mut Out<Self>) {
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

    fn adopt(&mut self, list: Vec<NodeId>, out: &mut Out<Self>) {
        self.successors = list;
        if let Some(&s) = self.successors.first() {
            self.fingers[0] = Some(s);
            out.send(s, ChordMsg::Notify { joined: false });
        }
    }

    fn on_notify(&mut self, from: NodeId, joined: bool, out: &mut Out<Self>) {
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
    fn accept_predecessor(&mut self, n: NodeId, joined: bool, out: &mut Out<Self>) {
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
    fn hand_back(&mut self, out: &mut Out<Self>) {
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

    fn check_predecessor(&mut self, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        out.set_timer(ChordTimer::CheckPredecessor, self.config.check_predecessor_us, self.config.check_predecessor_us);
        if let Some(p) = self.predecessor {
            self.call(p, Pending::CheckPredecessor, |rpc| ChordMsg::Ping { rpc }, out);
        }
    }

    fn fix_fingers(&mut self, out: &mut Out<Self>) {
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

    // --- keys ---

    fn merge(&mut self, items: Vec<Item>) {
        for it in items {
            let newer = self.store.get(&it.key).is_none_or(|(_, v)| it.version > *v);
            if newer {
                self.store.insert(it.key, (it.value, it.version));
            }
        }
    }

    fn on_store(&mut self, from: NodeId, rpc: u64, mut item: Item, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        if !self.responsible(&item.key) {
            return out.send(from, ChordMsg::StoreReply { rpc, ok: false });
        }
        let older = self.store.get(&item.key).map_or(0, |(_, v)| v + 1);
        item.version = older.max(out.now() << 10 | u64::from(self.env.id));
        if self.config.replicate {
            for &s in &self.successors {
                out.send(s, ChordMsg::Replicate { items: vec![item.clone()] });
            }
        }
        self.merge(vec![item]);
        out.send(from, ChordMsg::StoreReply { rpc, ok: true });
    }

    fn on_fetch(&mut self, from: NodeId, rpc: u64, key: String, out: &mut Out<Self>) {
        if !self.member {
            return;
        }
        let ok = self.responsible(&key);
        let item = self.store.get(&key).filter(|_| ok).map(|(v, ver)| Item { key: key.clone(), value: v.clone(), version: *ver });
        out.send(from, ChordMsg::FetchReply { rpc, ok, item });
    }

    fn on_data_reply(&mut self, from: NodeId, rpc: u64, ok: bool, value: Option<Option<String>>, out: &mut Out<Self>) {
        let Some(Pending::Data(lk)) = self.answered(rpc, from, out) else { return };
        if !ok {
            return self.retry(lk, None, out);
        }
        let Purpose::Client { request_id, .. } = lk.purpose else { return };
        let hops = lk.path.len() as u32;
        self.lookups += 1;
        self.hops += u64::from(hops);
        self.last_path = lk.path;
        let reply = match value {
            None => ChordReply::Stored { owner: from, hops },
            Some(value) => ChordReply::Value { owner: from, hops, value },
        };
        out.reply(request_id, reply);
    }

    pub fn request(&mut self, request_id: u64, req: ChordRequest, out: &mut Out<Self>) {
        if !self.member {
            return out.reply(request_id, ChordReply::Failed { reason: "not in the ring yet" });
        }
        let key = match &req {
            ChordRequest::Put { key, .. } | ChordRequest::Get { key } => key.clone(),
        };
        let target = self.key_id(&key);
        self.begin(Lookup { target, purpose: Purpose::Client { request_id, req }, path: Vec::new(), avoid: Vec::new(), attempts: 0 }, out);
    }

    pub fn handle_message(&mut self, from: NodeId, msg: ChordMsg, out: &mut Out<Self>) {
        match msg {
            ChordMsg::FindSuccessor { rpc, target } => self.on_find_successor(from, rpc, target, out),
            ChordMsg::FindSuccessorReply { rpc, found, node } => self.on_find_successor_reply(from, rpc, found, node, out),
            ChordMsg::GetPredecessor { rpc } => {
                if self.member {
                    out.send(from, ChordMsg::PredecessorReply { rpc, predecessor: self.predecessor, successors: self.successors.clone() });
                }
            }
            ChordMsg::PredecessorReply { rpc, predecessor, successors } => self.on_predecessor_reply(from, rpc, predecessor, successors, out),
            ChordMsg::Notify { joined } => self.on_notify(from, joined, out),
            ChordMsg::Ping { rpc } => out.send(from, ChordMsg::Pong { rpc }),
            ChordMsg::Pong { rpc } => {
                self.answered(rpc, from, out);
            }
            ChordMsg::Store { rpc, item } => self.on_store(from, rpc, item, out),
            ChordMsg::StoreReply { rpc, ok } => self.on_data_reply(from, rpc, ok, None, out),
            ChordMsg::Fetch { rpc, key } => self.on_fetch(from, rpc, key, out),
            ChordMsg::FetchReply { rpc, ok, item } => self.on_data_reply(from, rpc, ok, Some(item.map(|i| i.value)), out),
            ChordMsg::TransferKeys { items } | ChordMsg::Replicate { items } => {
                if self.member {
                    self.merge(items);
                }
            }
        }
    }

    pub fn handle_timer(&mut self, timer: ChordTimer, out: &mut Out<Self>) {
        match timer {
            ChordTimer::Stabilize => self.stabilize(out),
            ChordTimer::FixFingers => self.fix_fingers(out),
            ChordTimer::CheckPredecessor => self.check_predecessor(out),
            ChordTimer::Join => self.join(out),
            ChordTimer::Timeout(rpc) => self.on_timeout(rpc, out),
        }
    }
}
