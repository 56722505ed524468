//! A hash-ring server (Dynamo, SOSP 2007, §4.2-4.9, on Karger et al.'s consistent hashing):
//! it learns the ring's membership by gossip and takes silent servers out of it, places
//! each key on its preference list (N distinct servers) under the configured placement,
//! coordinates clients' writes and reads with quorums W and R, and hands keys to the
//! servers that a change of membership puts on their preference lists, dropping its own
//! copy once they hold it. Its keys and its incarnation are on disk.

use super::config::HashRingConfig;
use super::msg::{HashRingMsg, Item, Member};
use super::placement::Layout;
use crate::sim::{DurableState, NodeEnv, NodeId, Out, TimeUs};
use std::collections::BTreeMap;

mod keys;
mod membership;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashRingTimer {
    /// Gossip the membership table and look for silent servers.
    Gossip,
    /// Push keys to replicas that do not hold them yet.
    Handoff,
    /// Forget which replicas hold what, so that the next handoff pushes every key.
    AntiEntropy,
    /// Enter the ring (a server that was not in it at time 0).
    Join,
    /// A client request has waited long enough for its quorum.
    RequestTimeout(u64),
}

impl HashRingTimer {
    pub fn name(&self) -> &'static str {
        match self {
            HashRingTimer::Gossip => "gossip",
            HashRingTimer::Handoff => "handoff",
            HashRingTimer::AntiEntropy => "anti-entropy",
            HashRingTimer::Join => "join",
            HashRingTimer::RequestTimeout(_) => "request timeout",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashRingRequest {
    Put { key: String, value: String },
    Get { key: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashRingReply {
    /// Written at W replicas of the preference list.
    Stored { replicas: Vec<NodeId> },
    /// The newest of R replicas' values.
    Value { replicas: Vec<NodeId>, value: Option<String> },
    Failed { reason: &'static str },
}

/// What a server keeps on disk: its boots, its incarnation in the membership, its keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    pub boots: u32,
    pub incarnation: u32,
    pub store: BTreeMap<String, (String, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskWrite {
    Boot(u32),
    Incarnation(u32),
    Put(Item),
    Delete(String),
}

impl DurableState for Disk {
    type Write = DiskWrite;
    fn apply(&mut self, w: DiskWrite) {
        match w {
            DiskWrite::Boot(b) => self.boots = b,
            DiskWrite::Incarnation(i) => self.incarnation = i,
            DiskWrite::Put(it) => {
                self.store.insert(it.key, (it.value, it.version));
            }
            DiskWrite::Delete(k) => {
                self.store.remove(&k);
            }
        }
    }
}

/// A client request waiting for its quorum.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Waiting {
    rpc: u64,
    request_id: u64,
    key: String,
    /// Put: the version written; Get: unused.
    version: u64,
    write: bool,
    replicas: Vec<NodeId>,
    answered: Vec<NodeId>,
    newest: Option<Item>,
}

/// One change of membership as this server saw it: who came and went, and how many of the
/// stored-from-the-start keys changed owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub at_us: TimeUs,
    pub joined: Vec<NodeId>,
    pub left: Vec<NodeId>,
    pub members_before: usize,
    pub members_after: usize,
    pub moved: u32,
    pub keys: u32,
}

#[derive(Clone, Debug)]
pub struct HashRing {
    pub env: NodeEnv,
    pub config: HashRingConfig,
    /// The membership table, one row per node.
    pub table: Vec<Member>,
    /// When each row's heartbeat or incarnation last rose (the node's clock).
    last_heard: Vec<TimeUs>,
    /// The placement for the members this server knows.
    pub layout: Layout,
    /// Bumped at every change of `layout` (the checkers look again only then).
    pub view_epoch: u64,
    /// Keys held: value and version.
    pub store: BTreeMap<String, (String, u64)>,
    /// Per key: the version and the servers known to hold it (or a newer one).
    held_by: BTreeMap<String, (u64, Vec<NodeId>)>,
    /// This process's hash salt (zero unless the bug `salted_hash`).
    pub salt: u64,
    pub boots: u32,
    next_rpc: u64,
    waiting: Vec<Waiting>,
    /// Keys that came to this server by handoff.
    pub moved_in: u64,
    /// The changes of membership this server has seen, newest last (at most 32).
    pub changes: Vec<Change>,
    /// The newest client request's key and preference list.
    pub last_request: Option<(String, Vec<NodeId>)>,
    pub requests: u64,
    pub failed: u64,
}

impl HashRing {
    pub fn create(env: NodeEnv, config: &HashRingConfig) -> Self {
        let n = env.n as usize;
        HashRing {
            env,
            config: config.clone(),
            table: vec![Member::default(); n],
            last_heard: vec![0; n],
            layout: Layout::default(),
            view_epoch: 0,
            store: BTreeMap::new(),
            held_by: BTreeMap::new(),
            salt: 0,
            boots: 0,
            next_rpc: 0,
            waiting: Vec::new(),
            moved_in: 0,
            changes: Vec::new(),
            last_request: None,
            requests: 0,
            failed: 0,
        }
    }

    pub fn me(&self) -> NodeId {
        self.env.id
    }

    /// Is this server in the ring, by its own table?
    pub fn in_ring(&self) -> bool {
        self.table[self.me() as usize].in_ring()
    }

    /// The servers in the ring, by this server's table.
    pub fn members(&self) -> Vec<NodeId> {
        (0..self.env.n).filter(|&s| self.table[s as usize].in_ring()).collect()
    }

    /// First boot: the first `start_servers` are in the ring with their keys placed; the
    /// others join later, one by one.
    pub fn start(&mut self, out: &mut Out<Self>) {
        self.boot(1, out);
        let start = self.config.start_servers_of(self.env.n);
        for s in 0..start {
            self.table[s as usize].incarnation = 1;
        }
        if self.me() < start {
            out.write(DiskWrite::Incarnation(1));
        } else {
            let k = u64::from(self.me() - start + 1);
            out.set_timer(HashRingTimer::Join, self.config.join_every_us * k, self.config.join_every_us * k);
        }
        self.refresh_view(out);
        if self.me() < start {
            self.place_initial_keys(out);
        }
        out.sync();
    }

    /// A boot after a crash: keys and incarnation from disk; back into the ring with a higher
    /// incarnation than the one the others may have taken it out with.
    pub fn recover(&mut self, disk: Disk, out: &mut Out<Self>) {
        self.boot(disk.boots + 1, out);
        let start = self.config.start_servers_of(self.env.n);
        for s in 0..start {
            self.table[s as usize].incarnation = 1;
        }
        self.store = disk.store;
        let me = self.me() as usize;
        if disk.incarnation % 2 == 1 {
            self.set_incarnation(disk.incarnation + 2, out);
        } else {
            self.table[me].incarnation = disk.incarnation;
            out.set_timer(HashRingTimer::Join, self.config.join_every_us, self.config.join_every_us);
        }
        self.refresh_view(out);
        out.sync();
    }

    fn boot(&mut self, boots: u32, out: &mut Out<Self>) {
        self.boots = boots;
        // Request numbers are unique across boots, so an answer meant for the crashed
        // process is not taken for this one's.
        self.next_rpc = u64::from(boots) << 32;
        out.write(DiskWrite::Boot(boots));
        if self.config.has_bug("salted_hash") {
            self.salt = out.random_below(u64::MAX) | 1;
        }
        let now = out.now();
        self.last_heard.iter_mut().for_each(|t| *t = now);
        out.set_timer(HashRingTimer::Gossip, self.config.gossip_us, self.config.gossip_us);
        out.set_timer(HashRingTimer::Handoff, self.config.handoff_us, self.config.handoff_us);
        out.set_timer(HashRingTimer::AntiEntropy, self.config.anti_entropy_us, self.config.anti_entropy_us);
    }

    fn place_initial_keys(&mut self, out: &mut Out<Self>) {
        for key in self.config.universe() {
            if self.layout.preference(&key).contains(&self.me()) {
                let item = Item { key, value: "v0".into(), version: 0 };
                self.store.insert(item.key.clone(), (item.value.clone(), 0));
                out.write(DiskWrite::Put(item));
            }
        }
    }

    pub fn handle_message(&mut self, from: NodeId, msg: HashRingMsg, out: &mut Out<Self>) {
        match msg {
            HashRingMsg::Gossip { table, reply } => self.on_gossip(from, table, reply, out),
            HashRingMsg::Store { rpc, item } => self.on_store(from, rpc, item, out),
            HashRingMsg::StoreAck { rpc } => self.on_answer(from, rpc, None, out),
            HashRingMsg::Fetch { rpc, key } => {
                let item = self.store.get(&key).map(|(v, ver)| Item { key, value: v.clone(), version: *ver });
                out.send(from, HashRingMsg::FetchReply { rpc, item });
            }
            HashRingMsg::FetchReply { rpc, item } => self.on_answer(from, rpc, Some(item), out),
            HashRingMsg::Handoff { items } => self.on_handoff(from, items, out),
            HashRingMsg::HandoffAck { held } => self.on_handoff_ack(from, held),
        }
    }

    pub fn handle_timer(&mut self, timer: HashRingTimer, out: &mut Out<Self>) {
        match timer {
            HashRingTimer::Gossip => self.gossip(out),
            HashRingTimer::Handoff => self.handoff(out),
            HashRingTimer::AntiEntropy => {
                out.set_timer(HashRingTimer::AntiEntropy, self.config.anti_entropy_us, self.config.anti_entropy_us);
                self.held_by.clear();
            }
            HashRingTimer::Join => self.join(out),
            HashRingTimer::RequestTimeout(rpc) => self.request_timeout(rpc, out),
        }
    }
}
