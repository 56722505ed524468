//! The hash ring's configuration: tokens per server and replicas per key (Dynamo, SOSP 2007,
//! §4.2-4.3), the placement compared (ring, mod-N, jump, rendezvous, bounded loads), read and
//! write quorums (§4.5), the gossip and failure-detection periods of its membership (§4.8),
//! the keys stored from the start, and the planted teaching bugs.

use super::placement::{Flaws, Placement};
use crate::sim::{ProtocolConfig, TimeUs};
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["salted_hash", "preference_counts_virtual_nodes", "wrap_off_by_one"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HashRingConfig {
    /// Tokens (virtual nodes) per server.
    pub vnodes: u32,
    /// N: copies of each key, on N distinct servers.
    pub replicas: u32,
    pub placement: Placement,
    /// Bounded loads: no server holds more than this percentage of the mean load.
    pub load_factor_pct: u32,
    /// R and W: replies a read and acknowledgements a write wait for.
    pub read_quorum: u32,
    pub write_quorum: u32,
    /// How many servers are in the ring at time 0 (the first ones); the others join one by
    /// one, `join_every_us` apart. Absent: every node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_servers: Option<u32>,
    pub join_every_us: TimeUs,
    /// Each server gossips its membership table to one other this often.
    pub gossip_us: TimeUs,
    /// A server whose heartbeat has not risen for this long is taken out of the ring.
    pub dead_after_us: TimeUs,
    /// Keys not yet confirmed at every replica are pushed again this often.
    pub handoff_us: TimeUs,
    /// Every this often a server forgets which replicas it knew to hold its keys and pushes
    /// them all again (anti-entropy: a replica may have dropped a key while its view of the
    /// ring differed).
    pub anti_entropy_us: TimeUs,
    /// A client request gives up after this long without its quorum.
    pub request_timeout_us: TimeUs,
    /// Keys `k0`, `k1`, ... stored from the start at their preference lists.
    pub keys: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
}

impl Default for HashRingConfig {
    fn default() -> Self {
        HashRingConfig {
            vnodes: 8,
            replicas: 3,
            placement: Placement::Ring,
            load_factor_pct: 125,
            read_quorum: 2,
            write_quorum: 2,
            start_servers: None,
            join_every_us: 1_000_000,
            gossip_us: 100_000,
            dead_after_us: 1_000_000,
            handoff_us: 200_000,
            anti_entropy_us: 2_000_000,
            request_timeout_us: 500_000,
            keys: 48,
            bug: None,
        }
    }
}

impl HashRingConfig {
    pub fn has_bug(&self, name: &str) -> bool {
        self.bug.as_deref() == Some(name)
    }
    pub fn flaws(&self) -> Flaws {
        Flaws { wrap_off_by_one: self.has_bug("wrap_off_by_one"), count_virtual_nodes: self.has_bug("preference_counts_virtual_nodes") }
    }
    pub fn n(&self) -> usize {
        self.replicas as usize
    }
    /// The servers in the ring at time 0.
    pub fn start_servers_of(&self, n: u32) -> u32 {
        self.start_servers.unwrap_or(n).min(n)
    }
    /// The keys stored from the start (the universe bounded loads balance).
    pub fn universe(&self) -> Vec<String> {
        (0..self.keys).map(|k| format!("k{k}")).collect()
    }
}

impl ProtocolConfig for HashRingConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(1..=256).contains(&self.vnodes) {
            return Err(format!("hash-ring: vnodes must be 1 to 256, not {}", self.vnodes));
        }
        if !(1..=7).contains(&self.replicas) {
            return Err(format!("hash-ring: replicas (N) must be 1 to 7, not {}", self.replicas));
        }
        for (name, q) in [("read_quorum", self.read_quorum), ("write_quorum", self.write_quorum)] {
            if q < 1 || q > self.replicas {
                return Err(format!("hash-ring: {name} must be 1 to N = {}, not {q}", self.replicas));
            }
        }
        if !(100..=400).contains(&self.load_factor_pct) {
            return Err(format!("hash-ring: load_factor_pct must be 100 to 400, not {}", self.load_factor_pct));
        }
        let s = self.start_servers_of(nodes);
        if s == 0 || self.start_servers.is_some_and(|s| s > nodes) {
            return Err(format!("hash-ring: start_servers must be 1 to {nodes}, not {}", self.start_servers.unwrap_or(0)));
        }
        for (name, v) in [("join_every_us", self.join_every_us), ("gossip_us", self.gossip_us), ("dead_after_us", self.dead_after_us), ("handoff_us", self.handoff_us), ("anti_entropy_us", self.anti_entropy_us), ("request_timeout_us", self.request_timeout_us)] {
            if !(1_000..=600_000_000).contains(&v) {
                return Err(format!("hash-ring: {name} must be 1 ms to 600 s, not {v} µs"));
            }
        }
        if self.dead_after_us < 2 * self.gossip_us {
            return Err(format!("hash-ring: dead_after_us ({}) must be at least two gossip periods ({} µs)", self.dead_after_us, 2 * self.gossip_us));
        }
        if self.keys > 10_000 {
            return Err(format!("hash-ring: at most 10,000 keys, not {}", self.keys));
        }
        Ok(())
    }
}

crate::json_struct!(HashRingConfig, "the hash ring configuration" { vnodes, replicas, placement, load_factor_pct, read_quorum, write_quorum, start_servers, join_every_us, gossip_us, dead_after_us, handoff_us, anti_entropy_us, request_timeout_us, keys, bug });
