//! What the cache promises (Nishtala et al., NSDI 2013, §3.2.1): memcache is not
//! linearizable and reads may be stale for a while, which the page measures; what leases
//! guarantee is that no set lands with a lease handed out before the key's delete (no
//! stale set), and the cache only ever holds values the database held. After writes and
//! faults stop, every cached value is the database's (no stale value stays for good).

pub mod agrees;
pub mod db_values;
pub mod leases;

use super::config::CacheConfig;
use super::node::Cache;
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug)]
pub struct CacheChecker {
    leases: bool,
}

pub(crate) fn violation(ctx: &CheckCtx<Cache>, name: &str, source: &str, explanation: String) -> Violation {
    Violation { property: name.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

impl Checker<Cache> for CacheChecker {
    fn new(config: &CacheConfig, _n: u32) -> Self {
        CacheChecker { leases: config.leases }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![(leases::NAME, leases::SOURCE), (db_values::NAME, db_values::SOURCE)]
    }
    fn check(&mut self, ctx: &CheckCtx<Cache>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let Some(server) = ctx.nodes.get(id as usize).and_then(Option::as_ref).and_then(Cache::as_server) else { return };
        if self.leases {
            leases::check(ctx, id, server, out);
        }
        db_values::check(ctx, id, server, out);
    }
}

pub fn liveness(nodes: &[Option<Cache>]) -> Result<(), String> {
    agrees::check(nodes)
}
