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

mod keys;
mod lookup;
mod maintenance;

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
