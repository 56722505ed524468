//! The database behind the cache: the authority for every key, slow on purpose. It serves
//! one request at a time, each taking `db_service_us`, so a thundering herd of misses
//! queues up (Nishtala et al., NSDI 2013, §3.2.1); every write makes the key's next version,
//! on disk before it is acknowledged. It counts the reads it served in half-second windows.

use super::*;

/// Reads served per window.
pub const LOAD_WINDOW_US: TimeUs = 500_000;

#[derive(Clone, Debug, Default)]
pub struct Db {
    /// Every version of every key: (value, commit time).
    pub history: History,
    /// Requests waiting to be served: (from, request).
    queue: Vec<(NodeId, CacheMsg)>,
    busy: bool,
    /// Reads served in each window since time 0 (window i covers i × LOAD_WINDOW_US on).
    pub reads: Vec<u32>,
    pub writes: u64,
    /// The longest the queue has been.
    pub max_queue: usize,
}

impl Db {
    pub fn new(_config: &CacheConfig) -> Self {
        Db::default()
    }

    pub fn load_initial(&mut self, config: &CacheConfig, out: &mut Out<Cache>) {
        for key in config.universe() {
            self.history.insert((key.clone(), 0), ("v0".to_string(), 0));
            out.write(DiskWrite::Commit { key, version: 0, value: "v0".into(), at_us: 0 });
        }
        out.sync();
    }

    pub fn restore(&mut self, history: History) {
        self.history = history;
    }

    /// The key's newest version.
    pub fn current(&self, key: &str) -> Option<Item> {
        self.history
            .range((key.to_string(), 0)..=(key.to_string(), u64::MAX))
            .next_back()
            .map(|((k, v), (value, _))| Item { key: k.clone(), value: value.clone(), version: *v })
    }

    pub fn on_message(&mut self, from: NodeId, msg: CacheMsg, config: &CacheConfig, out: &mut Out<Cache>) {
        if matches!(msg, CacheMsg::DbGet { .. } | CacheMsg::DbPut { .. }) {
            self.queue.push((from, msg));
            self.max_queue = self.max_queue.max(self.queue.len());
            if !self.busy {
                self.busy = true;
                out.set_timer(CacheTimer::Serve, config.db_service_us, config.db_service_us);
            }
        }
    }

    pub fn on_timer(&mut self, timer: CacheTimer, config: &CacheConfig, out: &mut Out<Cache>) {
        if timer != CacheTimer::Serve || self.queue.is_empty() {
            self.busy = false;
            return;
        }
        let (from, msg) = self.queue.remove(0);
        match msg {
            CacheMsg::DbGet { rpc, key } => {
                let w = (out.now() / LOAD_WINDOW_US) as usize;
                if self.reads.len() <= w {
                    self.reads.resize(w + 1, 0);
                }
                self.reads[w] += 1;
                out.send(from, CacheMsg::DbValue { rpc, item: self.current(&key) });
            }
            CacheMsg::DbPut { rpc, key, value } => {
                let version = self.current(&key).map_or(0, |i| i.version + 1);
                let at_us = out.now();
                self.history.insert((key.clone(), version), (value.clone(), at_us));
                self.writes += 1;
                out.write(DiskWrite::Commit { key: key.clone(), version, value, at_us });
                out.sync();
                out.send(from, CacheMsg::DbAck { rpc, key, version });
            }
            _ => {}
        }
        if self.queue.is_empty() {
            self.busy = false;
        } else {
            out.set_timer(CacheTimer::Serve, config.db_service_us, config.db_service_us);
        }
    }
}
