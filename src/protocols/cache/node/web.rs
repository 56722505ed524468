//! A web server, the cache's client (Nishtala et al., NSDI 2013, §3.1-3.2): it hashes each
//! key onto a consistent-hashing ring of the cache servers (the hash ring's own placement);
//! reads look-aside (get; on a miss read the database and set the value with the lease
//! token); writes go to the database first and then delete the key from the cache servers;
//! a cache server that does not answer is left out of the ring for `down_for_us`, its keys
//! going to the next server (cold misses). It logs each read it answers, so the page can
//! count stale reads against the database's history.

use super::*;
use crate::protocols::hashring::placement::{Flaws, Layout, Placement};

/// Reads kept for the stale-read count.
pub const READ_LOG: usize = 512;
/// A read told to wait this many times in a row reads the database without filling.
const MAX_WAITS: u32 = 50;

/// One read the web server answered: when it was asked and answered, the key, the version
/// it returned, and whether the cache had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub asked_us: TimeUs,
    pub answered_us: TimeUs,
    pub key: String,
    pub version: u64,
    pub value: String,
    pub hit: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Asking cache server `server` (the `waits`-th time in a row).
    CacheGet { server: NodeId, waits: u32 },
    /// Reading the database after a miss at `server`, holding `token`.
    DbRead { server: Option<NodeId>, token: Option<u64> },
    DbWrite { value: String },
    /// A write the client was told failed (no answer in time) whose acknowledgement may
    /// still come: its delete follows it.
    LateWrite,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Call {
    rpc: u64,
    /// The client's request, or none for a page view.
    request_id: Option<u64>,
    key: String,
    asked_us: TimeUs,
    step: Step,
}

#[derive(Clone, Debug)]
pub struct Web {
    /// Until when each cache server is left out of the ring (by number; 0 unused).
    down_until: Vec<TimeUs>,
    pub layout: Layout,
    full: Layout,
    calls: Vec<Call>,
    next_rpc: u64,
    /// Writes per key between their database write and their delete (as on disk).
    pending: BTreeMap<String, u32>,
    pub reads: Vec<Read>,
    pub hits: u64,
    pub misses: u64,
    /// Misses at a server that holds the key only because its owner is left out.
    pub remapped_misses: u64,
    pub waits: u64,
    pub failovers: u64,
}

impl Web {
    pub fn new(config: &CacheConfig) -> Self {
        let full = Self::ring(config, config.caches());
        Web { down_until: vec![0; config.cache_servers as usize + 1], layout: full.clone(), full, calls: Vec::new(), next_rpc: 0, pending: BTreeMap::new(), reads: Vec::new(), hits: 0, misses: 0, remapped_misses: 0, waits: 0, failovers: 0 }
    }

    fn ring(config: &CacheConfig, servers: Vec<NodeId>) -> Layout {
        Layout::new(Placement::Ring, servers, config.vnodes, 1, Flaws::default(), 0, &[], 100)
    }

    /// The cache servers this web server counts as up.
    pub fn up(&self) -> Vec<NodeId> {
        self.layout.members.clone()
    }

    fn refresh(&mut self, config: &CacheConfig, now: TimeUs) {
        let up: Vec<NodeId> = config.caches().into_iter().filter(|&s| self.down_until[s as usize] <= now).collect();
        if up != self.layout.members {
            self.layout = Self::ring(config, up);
        }
    }

    fn call(&mut self, to: NodeId, request_id: Option<u64>, key: String, asked_us: TimeUs, step: Step, config: &CacheConfig, out: &mut Out<Cache>) {
        self.next_rpc += 1;
        let rpc = self.next_rpc;
        let msg = match &step {
            Step::CacheGet { .. } => CacheMsg::Get { rpc, key: key.clone() },
            Step::DbRead { .. } => CacheMsg::DbGet { rpc, key: key.clone() },
            Step::DbWrite { value } => CacheMsg::DbPut { rpc, key: key.clone(), value: value.clone() },
            Step::LateWrite => return,
        };
        out.send(to, msg);
        out.set_timer(CacheTimer::Timeout(rpc), config.request_timeout_us, config.request_timeout_us);
        self.calls.push(Call { rpc, request_id, key, asked_us, step });
    }

    /// Read `key` through the cache (or from the database when no cache server is up).
    fn read(&mut self, request_id: Option<u64>, key: String, asked_us: TimeUs, waits: u32, config: &CacheConfig, out: &mut Out<Cache>) {
        self.refresh(config, out.now());
        match self.layout.owner(&key) {
            Some(server) => self.call(server, request_id, key, asked_us, Step::CacheGet { server, waits }, config, out),
            None => self.call(DB, request_id, key, asked_us, Step::DbRead { server: None, token: None }, config, out),
        }
    }

    fn delete_everywhere(&self, key: &str, config: &CacheConfig, out: &mut Out<Cache>) {
        for s in config.caches() {
            out.send(s, CacheMsg::Delete { key: key.to_string() });
        }
    }

    /// Call numbers start at a random point each boot, so that an answer meant for the
    /// process before a crash is not taken for this one's.
    pub fn boot(&mut self, out: &mut Out<Cache>) {
        self.next_rpc = out.random_below(1 << 40) << 20;
    }

    /// Schedule the next page view, if the web server serves them.
    pub fn arm(&self, config: &CacheConfig, out: &mut Out<Cache>) {
        if let Some(every) = config.page_view_us {
            out.set_timer(CacheTimer::PageView, every / 2, every + every / 2);
        }
    }

    /// Count a write of `key` in or out of the disk's pending list.
    fn pending(&mut self, key: &str, up: bool, out: &mut Out<Cache>) {
        let n = self.pending.entry(key.to_string()).or_insert(0);
        *n = if up { *n + 1 } else { n.saturating_sub(1) };
        out.write(DiskWrite::Pending { key: key.to_string(), count: *n });
        if *n == 0 {
            self.pending.remove(key);
        }
    }

    /// After a crash: delete again every key a write was in flight for.
    pub fn recover(&mut self, pending: BTreeMap<String, u32>, config: &CacheConfig, out: &mut Out<Cache>) {
        for key in pending.keys() {
            self.delete_everywhere(key, config, out);
            out.write(DiskWrite::Pending { key: key.clone(), count: 0 });
        }
    }

    pub fn request(&mut self, request_id: u64, req: CacheRequest, config: &CacheConfig, out: &mut Out<Cache>) {
        let now = out.now();
        match req {
            CacheRequest::Get { key } => self.read(Some(request_id), key, now, 0, config, out),
            CacheRequest::Put { key, value } => {
                if config.has_bug("delete_before_db_write") {
                    self.delete_everywhere(&key, config, out);
                } else {
                    self.pending(&key, true, out);
                    out.sync();
                }
                self.call(DB, Some(request_id), key, now, Step::DbWrite { value }, config, out);
            }
        }
    }

    fn take(&mut self, rpc: u64, out: &mut Out<Cache>) -> Option<Call> {
        let at = self.calls.iter().position(|c| c.rpc == rpc)?;
        out.cancel_timer(CacheTimer::Timeout(rpc));
        Some(self.calls.remove(at))
    }

    fn answer_read(&mut self, c: &Call, item: Option<Item>, hit: bool, out: &mut Out<Cache>) {
        if self.reads.len() == READ_LOG {
            self.reads.remove(0);
        }
        let (version, value) = item.as_ref().map_or((0, String::new()), |i| (i.version, i.value.clone()));
        self.reads.push(Read { asked_us: c.asked_us, answered_us: out.now(), key: c.key.clone(), version, value, hit });
        if let Some(id) = c.request_id {
            out.reply(id, CacheReply::Value { value: item.map(|i| i.value), hit });
        }
    }

    pub fn on_message(&mut self, _from: NodeId, msg: CacheMsg, config: &CacheConfig, out: &mut Out<Cache>) {
        match msg {
            CacheMsg::Hit { rpc, item } => {
                let Some(c) = self.take(rpc, out) else { return };
                self.hits += 1;
                self.answer_read(&c, Some(item), true, out);
            }
            CacheMsg::Miss { rpc, token } => {
                let Some(c) = self.take(rpc, out) else { return };
                let Step::CacheGet { server, .. } = c.step else { return };
                self.misses += 1;
                if self.full.owner(&c.key) != Some(server) {
                    self.remapped_misses += 1;
                }
                self.call(DB, c.request_id, c.key, c.asked_us, Step::DbRead { server: Some(server), token }, config, out);
            }
            CacheMsg::Wait { rpc } => {
                let Some(c) = self.take(rpc, out) else { return };
                let Step::CacheGet { waits, .. } = c.step else { return };
                self.waits += 1;
                if waits >= MAX_WAITS {
                    return self.call(DB, c.request_id, c.key, c.asked_us, Step::DbRead { server: None, token: None }, config, out);
                }
                self.next_rpc += 1;
                let rpc = self.next_rpc;
                out.set_timer(CacheTimer::Retry(rpc), config.retry_us, config.retry_us);
                self.calls.push(Call { rpc, step: Step::CacheGet { server: 0, waits: waits + 1 }, ..c });
            }
            CacheMsg::DbValue { rpc, item } => {
                let Some(c) = self.take(rpc, out) else { return };
                let Step::DbRead { server, token } = c.step else { return };
                if let (Some(server), Some(item)) = (server, &item) {
                    if token.is_some() || !config.leases_on() {
                        out.send(server, CacheMsg::Set { item: item.clone(), token });
                    }
                }
                self.answer_read(&c, item, false, out);
            }
            CacheMsg::DbAck { rpc, key, version } => {
                let Some(c) = self.take(rpc, out) else {
                    // A write this web server sent before it restarted committed only now:
                    // its delete must still follow the commit.
                    if !config.has_bug("delete_before_db_write") {
                        self.delete_everywhere(&key, config, out);
                    }
                    return;
                };
                if !config.has_bug("delete_before_db_write") {
                    self.delete_everywhere(&c.key, config, out);
                    self.pending(&c.key, false, out);
                }
                if let (Some(id), false) = (c.request_id, c.step == Step::LateWrite) {
                    out.reply(id, CacheReply::Stored { version });
                }
            }
            _ => {}
        }
    }

    pub fn on_timer(&mut self, timer: CacheTimer, config: &CacheConfig, out: &mut Out<Cache>) {
        match timer {
            CacheTimer::Retry(rpc) => {
                let Some(at) = self.calls.iter().position(|c| c.rpc == rpc) else { return };
                let c = self.calls.remove(at);
                let Step::CacheGet { waits, .. } = c.step else { return };
                self.read(c.request_id, c.key, c.asked_us, waits, config, out);
            }
            CacheTimer::Timeout(rpc) => {
                let Some(at) = self.calls.iter().position(|c| c.rpc == rpc) else { return };
                let c = self.calls.remove(at);
                match c.step {
                    Step::CacheGet { server, waits } => {
                        // A silent cache server is left out for a while; its keys go to the
                        // next server on the ring.
                        self.down_until[server as usize] = out.now() + config.down_for_us;
                        self.failovers += 1;
                        self.read(c.request_id, c.key, c.asked_us, waits, config, out);
                    }
                    Step::DbRead { .. } => {
                        if let Some(id) = c.request_id {
                            out.reply(id, CacheReply::Failed { reason: "the database did not answer" });
                        }
                    }
                    Step::DbWrite { .. } => {
                        if let Some(id) = c.request_id {
                            out.reply(id, CacheReply::Failed { reason: "the database did not answer in time" });
                        }
                        self.calls.push(Call { step: Step::LateWrite, ..c });
                    }
                    Step::LateWrite => {}
                }
            }
            CacheTimer::PageView => {
                self.arm(config, out);
                let key = format!("k{}", out.random_below(u64::from(config.keys)));
                let now = out.now();
                self.read(None, key, now, 0, config, out);
            }
            CacheTimer::Serve => {}
        }
    }
}
