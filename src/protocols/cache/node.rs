//! A node of the cache (Nishtala et al., NSDI 2013): node 0 is the database, nodes 1 to
//! `cache_servers` are memcached servers, the rest are web servers that serve clients
//! look-aside: read the cache, on a miss read the database and fill the cache; write the
//! database, then delete the key from the cache.

use super::config::CacheConfig;
use super::msg::{CacheMsg, Item};
use crate::sim::{DurableState, NodeEnv, NodeId, Out, TimeUs};
use std::collections::BTreeMap;

pub mod db;
pub mod server;
pub mod web;

pub use db::Db;
pub use server::McServer;
pub use web::Web;

pub const DB: NodeId = 0;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheTimer {
    /// The database finishes serving the request at the head of its queue.
    Serve,
    /// Ask the cache again after a "wait" (call number).
    Retry(u64),
    /// A call has waited long enough for its answer.
    Timeout(u64),
    /// A web server serves a page view.
    PageView,
}

impl CacheTimer {
    pub fn name(&self) -> &'static str {
        match self {
            CacheTimer::Serve => "serve",
            CacheTimer::Retry(_) => "retry",
            CacheTimer::Timeout(_) => "request timeout",
            CacheTimer::PageView => "page view",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheRequest {
    Put { key: String, value: String },
    Get { key: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheReply {
    Stored { version: u64 },
    /// The value read and whether the cache had it.
    Value { value: Option<String>, hit: bool },
    Failed { reason: &'static str },
}

/// The database's stable storage: every version of every key, with when it was committed
/// (by the database's clock).
pub type History = BTreeMap<(String, u64), (String, TimeUs)>;

/// What a node keeps on disk: the database its history; a web server the keys it is
/// writing, so that after a crash it deletes them from the cache again (a write whose
/// delete was never sent would leave the old value cached for good).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheDisk {
    pub history: History,
    pub pending: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskWrite {
    Commit { key: String, version: u64, value: String, at_us: TimeUs },
    /// How many writes of the key are between their database write and their delete.
    Pending { key: String, count: u32 },
}

impl DurableState for CacheDisk {
    type Write = DiskWrite;
    fn apply(&mut self, w: DiskWrite) {
        match w {
            DiskWrite::Commit { key, version, value, at_us } => {
                self.history.insert((key, version), (value, at_us));
            }
            DiskWrite::Pending { key, count: 0 } => {
                self.pending.remove(&key);
            }
            DiskWrite::Pending { key, count } => {
                self.pending.insert(key, count);
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Db(Box<Db>),
    Server(Box<McServer>),
    Web(Box<Web>),
}

#[derive(Clone, Debug)]
pub struct Cache {
    pub env: NodeEnv,
    pub config: CacheConfig,
    pub role: Role,
}

impl Cache {
    pub fn create(env: NodeEnv, config: &CacheConfig) -> Self {
        let role = if env.id == DB {
            Role::Db(Box::new(Db::new(config)))
        } else if config.is_cache(env.id) {
            Role::Server(Box::default())
        } else {
            Role::Web(Box::new(Web::new(config)))
        };
        Cache { env, config: config.clone(), role }
    }
    pub fn as_db(&self) -> Option<&Db> {
        match &self.role {
            Role::Db(d) => Some(d),
            _ => None,
        }
    }
    pub fn as_server(&self) -> Option<&McServer> {
        match &self.role {
            Role::Server(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_web(&self) -> Option<&Web> {
        match &self.role {
            Role::Web(w) => Some(w),
            _ => None,
        }
    }

    pub fn start(&mut self, out: &mut Out<Self>) {
        match &mut self.role {
            Role::Db(d) => d.load_initial(&self.config, out),
            Role::Web(w) => {
                w.boot(out);
                w.arm(&self.config, out);
            }
            Role::Server(_) => {}
        }
    }

    /// The database comes back with its history; a memcached server comes back empty (a
    /// cache's memory does not survive a restart); a web server deletes again the keys it
    /// was writing.
    pub fn recover(&mut self, disk: CacheDisk, out: &mut Out<Self>) {
        let c = &self.config;
        match &mut self.role {
            Role::Db(d) => d.restore(disk.history),
            Role::Server(_) => {}
            Role::Web(w) => {
                w.boot(out);
                w.recover(disk.pending, c, out);
                w.arm(c, out);
            }
        }
    }

    pub fn handle_message(&mut self, from: NodeId, msg: CacheMsg, out: &mut Out<Self>) {
        let c = &self.config;
        match &mut self.role {
            Role::Db(d) => d.on_message(from, msg, c, out),
            Role::Server(s) => s.on_message(from, msg, c, out),
            Role::Web(w) => w.on_message(from, msg, c, out),
        }
    }

    pub fn handle_timer(&mut self, timer: CacheTimer, out: &mut Out<Self>) {
        let c = &self.config;
        match &mut self.role {
            Role::Db(d) => d.on_timer(timer, c, out),
            Role::Server(_) => {}
            Role::Web(w) => w.on_timer(timer, c, out),
        }
    }

    pub fn request(&mut self, request_id: u64, req: CacheRequest, out: &mut Out<Self>) {
        let c = &self.config;
        match &mut self.role {
            Role::Web(w) => w.request(request_id, req, c, out),
            _ => out.reply(request_id, CacheReply::Failed { reason: "clients call a web server" }),
        }
    }
}

/// An item's copy for a message.
pub fn item(key: &str, value: &str, version: u64) -> Item {
    Item { key: key.to_string(), value: value.to_string(), version }
}
