//! A memcache-like look-aside cache in front of a slow database (Nishtala et al., "Scaling
//! Memcache at Facebook", NSDI 2013, §2-3): web servers hash keys onto a consistent-hashing
//! ring of memcached servers (the hash ring's placement), read through the cache and fill it
//! from the database on a miss, write the database and then delete the key from the cache;
//! leases (§3.2.1, switchable) against stale sets and thundering herds; a silent cache
//! server left out of the ring, its keys remapped (cold misses).

pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod view;

pub use config::{CacheConfig, BUGS};
pub use invariants::CacheChecker;
pub use msg::CacheMsg;
pub use node::{Cache, CacheDisk, CacheReply, CacheRequest, CacheTimer};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, ClientResult, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TimeUs};

impl Protocol for Cache {
    type Config = CacheConfig;
    type Msg = CacheMsg;
    type Timer = CacheTimer;
    type Request = CacheRequest;
    type Reply = CacheReply;
    /// The database's history; a web server's writes between database and delete.
    type Durable = CacheDisk;
    type Checker = CacheChecker;
    const NAME: &'static str = "cache";

    fn new(env: NodeEnv, config: &CacheConfig) -> Self {
        Cache::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.start(out);
    }
    fn on_recover(&mut self, durable: CacheDisk, out: &mut Out<Self>) {
        self.recover(durable, out);
    }
    fn on_message(&mut self, from: NodeId, msg: CacheMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: CacheTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: CacheRequest, out: &mut Out<Self>) {
        self.request(request_id, req, out);
    }
    fn request_from_op(op: &ClientOp) -> Option<CacheRequest> {
        match op {
            ClientOp::Put { key, value } => Some(CacheRequest::Put { key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(CacheRequest::Get { key: key.clone() }),
            ClientOp::Propose { .. } => None,
        }
    }
    fn reply_result(reply: &CacheReply) -> ClientResult {
        match reply {
            CacheReply::Stored { .. } => ClientResult::Ok(None),
            CacheReply::Value { value, .. } => ClientResult::Ok(value.clone()),
            CacheReply::Failed { .. } => ClientResult::Fail,
        }
    }
    fn msg_kind(msg: &CacheMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &CacheMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &CacheTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Cache {
    /// Requests served: the database's reads, a cache server's gets, a web server's reads.
    const TERM_NAME: &'static str = "load";
    fn msg_summary(msg: &CacheMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
