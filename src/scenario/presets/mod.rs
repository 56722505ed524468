//! Named presets: fixed-seed scenarios with a caption in English and Chinese, one file per
//! protocol family, each listed by its protocol's registry row.

#[cfg(feature = "hashring")]
pub mod cache;
#[cfg(feature = "dht")]
pub mod chord;
#[cfg(feature = "gossip")]
pub mod gossip;
#[cfg(feature = "hashring")]
pub mod hashring;
#[cfg(feature = "replication")]
pub mod hdfs;
#[cfg(feature = "lock")]
pub mod lock;
#[cfg(feature = "failover")]
pub mod primary_backup;
#[cfg(feature = "mapreduce")]
pub mod mapreduce;
#[cfg(feature = "mapreduce")]
pub mod spark;
#[cfg(feature = "paxos")]
pub mod paxos;
#[cfg(feature = "raft")]
pub mod raft;
#[cfg(feature = "txn")]
pub mod txn;
#[cfg(feature = "zab")]
pub mod zab;

use super::model::Scenario;
use crate::sim::{Fault, TimedFault};

pub struct Preset {
    pub name: &'static str,
    pub protocol: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub caption_en: &'static str,
    pub caption_zh: &'static str,
    pub build: fn() -> Scenario,
}

/// A preset's protocol configuration, written as JSON text (underscores may group a
/// number's digits, `1_000_000`, as in Rust). Text parsed when the preset opens costs the
/// page's module a few bytes; the same object built by `json!` cost about a hundred per
/// number (Raft's Figure 7 logs were 10 KB of code).
pub(crate) fn config(text: &str) -> serde_json::Value {
    let (mut json, mut in_string, mut after_digit) = (String::with_capacity(text.len()), false, false);
    for c in text.chars() {
        in_string ^= c == '"';
        if !(c == '_' && after_digit && !in_string) {
            json.push(c);
            after_digit = c.is_ascii_digit();
        }
    }
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("a preset's configuration is not JSON: {e}"))
}

/// The one preset form: name, protocol, title and caption in English and Chinese, and
/// the scenario it opens.
#[allow(clippy::too_many_arguments)]
pub(crate) fn preset(
    name: &'static str,
    protocol: &'static str,
    title_en: &'static str,
    title_zh: &'static str,
    caption_en: &'static str,
    caption_zh: &'static str,
    build: fn() -> Scenario,
) -> Preset {
    Preset { name, protocol, title_en, title_zh, caption_en, caption_zh, build }
}

/// The fault schedule the Zab and Raft "same faults" presets share, so that their two links
/// compare epochs with terms under exactly the same events: writes at n0 every 200 ms, the
/// node that leads both (n4 in Zab) crashes at 600 ms, a partition leaves no side with a
/// majority of live servers from 1.2 s to 2 s, and n4 returns at 2.2 s.
#[cfg(any(feature = "raft", feature = "zab"))]
pub(crate) fn same_faults(protocol: &str) -> Scenario {
    use crate::sim::{ClientOp, NetConfig};
    let mut s = Scenario::current(protocol, 5, 7);
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = (1..=15).map(|i| at(200_000 * i, Fault::Request { node: 0, op: ClientOp::Put { key: "k".into(), value: i.to_string() } })).collect();
    s.faults.extend([
        at(600_000, Fault::Crash { node: 4 }),
        at(1_200_000, Fault::Partition { groups: vec![vec![0, 1], vec![2, 3, 4]] }),
        at(2_000_000, Fault::HealAll),
        at(2_200_000, Fault::Restart { node: 4 }),
    ]);
    s
}

/// A fault at a simulated time.
pub(crate) fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

#[cfg(feature = "flood")]
pub(crate) fn flood_presets() -> Vec<Preset> {
    use crate::sim::ClientOp;
    fn flood_basic() -> Scenario {
        let mut s = Scenario::new("flood", 5, 1);
        s.faults = vec![
            at(100_000, Fault::Request { node: 0, op: ClientOp::Propose { value: "x".into() } }),
            at(400_000, Fault::Crash { node: 3 }),
            at(500_000, Fault::Request { node: 1, op: ClientOp::Propose { value: "y".into() } }),
            at(1_200_000, Fault::Restart { node: 3 }),
        ];
        s
    }
    vec![preset(
        "flood-basic",
        "flood",
        "Flooding a value",
        "泛洪传播一个值",
        "Node 0 learns x and floods it to every peer; node 3 crashes, misses y, and catches up through \
         anti-entropy after it restarts.",
        "节点 0 得到 x 并把它泛洪给所有节点；节点 3 崩溃后错过了 y，重启后通过反熵同步追上。",
        flood_basic,
    )]
}

/// Every preset of every protocol this build carries, in registry order.
pub fn all() -> Vec<Preset> {
    super::registry::rows().iter().flat_map(|r| (r.presets)()).collect()
}

pub fn find(name: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.name == name)
}
