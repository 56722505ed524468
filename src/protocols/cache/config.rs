//! The cache's configuration: how many memcached servers and web servers, the ring the web
//! servers hash keys onto, leases and their rate (Nishtala et al., "Scaling Memcache at
//! Facebook", NSDI 2013, §3.2.1), the database's service time, how long a web server treats
//! a silent cache server as down, the keys, and the planted teaching bugs.

use crate::sim::{ProtocolConfig, TimeUs};
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["leases_off", "set_after_invalidated_lease", "delete_before_db_write"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheConfig {
    /// Nodes 1 to `cache_servers` are memcached servers; node 0 is the database; the rest
    /// are web servers, the cache's clients.
    pub cache_servers: u32,
    /// Tokens per cache server on the web servers' ring.
    pub vnodes: u32,
    /// Leases against stale sets and thundering herds (§3.2.1).
    pub leases: bool,
    /// A server hands out a lease for a key at most once this often; the others who miss
    /// meanwhile are told to wait and retry.
    pub lease_rate_us: TimeUs,
    /// How long a web server waits before it asks again after being told to wait.
    pub retry_us: TimeUs,
    /// The database serves one request at a time, each taking this long.
    pub db_service_us: TimeUs,
    /// A web server gives up on a server's answer after this long.
    pub request_timeout_us: TimeUs,
    /// A cache server that did not answer is left out of the web server's ring this long.
    pub down_for_us: TimeUs,
    /// Each web server also serves a page view this often: a read of a key drawn from the
    /// keys (the traffic a web tier serves besides the clients the page drives). Absent:
    /// only clients' requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_view_us: Option<TimeUs>,
    /// Keys `k0`, `k1`, ... in the database from the start (value `v0`).
    pub keys: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            cache_servers: 3,
            vnodes: 16,
            leases: true,
            lease_rate_us: 1_000_000,
            retry_us: 20_000,
            db_service_us: 5_000,
            request_timeout_us: 400_000,
            down_for_us: 2_000_000,
            page_view_us: None,
            keys: 16,
            bug: None,
        }
    }
}

impl CacheConfig {
    pub fn has_bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    /// Leases as the servers run them (the bug `leases_off` runs without).
    pub fn leases_on(&self) -> bool {
        self.leases && !self.has_bug("leases_off")
    }
    pub fn is_cache(&self, id: u32) -> bool {
        (1..=self.cache_servers).contains(&id)
    }
    pub fn caches(&self) -> Vec<u32> {
        (1..=self.cache_servers).collect()
    }
    pub fn universe(&self) -> Vec<String> {
        (0..self.keys).map(|k| format!("k{k}")).collect()
    }
}

impl ProtocolConfig for CacheConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if self.cache_servers < 1 || self.cache_servers + 2 > nodes {
            return Err(format!("cache: {nodes} nodes hold the database, {} cache servers and at least one web server: cache_servers must be 1 to {}", self.cache_servers, nodes.saturating_sub(2)));
        }
        if !(1..=256).contains(&self.vnodes) {
            return Err(format!("cache: vnodes must be 1 to 256, not {}", self.vnodes));
        }
        for (name, v) in [("lease_rate_us", self.lease_rate_us), ("retry_us", self.retry_us), ("db_service_us", self.db_service_us), ("request_timeout_us", self.request_timeout_us), ("down_for_us", self.down_for_us)] {
            if !(100..=600_000_000).contains(&v) {
                return Err(format!("cache: {name} must be 0.1 ms to 600 s, not {v} µs"));
            }
        }
        if self.page_view_us.is_some_and(|v| !(1_000..=60_000_000).contains(&v)) {
            return Err(format!("cache: page_view_us must be 1 ms to 60 s, not {} µs", self.page_view_us.unwrap_or(0)));
        }
        if self.keys == 0 && self.page_view_us.is_some() {
            return Err("cache: page views read the keys, so keys must be at least 1".into());
        }
        if self.keys > 10_000 {
            return Err(format!("cache: at most 10,000 keys, not {}", self.keys));
        }
        Ok(())
    }
}

crate::json_struct!(CacheConfig, "the cache configuration" { cache_servers, vnodes, leases, lease_rate_us, retry_us, db_service_us, request_timeout_us, down_for_us, page_view_us, keys, bug });
