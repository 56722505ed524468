//! Named presets: fixed-seed scenarios with a caption in English and Chinese.

use super::model::Scenario;
use crate::sim::{ClientOp, Fault, TimedFault};

pub struct Preset {
    pub name: &'static str,
    pub protocol: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub caption_en: &'static str,
    pub caption_zh: &'static str,
    pub build: fn() -> Scenario,
}

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

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

pub fn all() -> Vec<Preset> {
    let mut v = vec![Preset {
        name: "flood-basic",
        protocol: "flood",
        title_en: "Flooding a value",
        title_zh: "泛洪传播一个值",
        caption_en: "Node 0 learns x and floods it to every peer; node 3 crashes, misses y, and catches up \
                     through anti-entropy after it restarts.",
        caption_zh: "节点 0 得到 x 并把它泛洪给所有节点；节点 3 崩溃后错过了 y，重启后通过反熵同步追上。",
        build: flood_basic,
    }];
    v.extend(extra());
    v
}

/// Presets contributed by protocols as they land.
fn extra() -> Vec<Preset> {
    let mut v = crate::protocols::raft::presets::presets();
    v.extend(crate::protocols::paxos::presets::presets());
    v.extend(crate::protocols::lock::presets::presets());
    v.extend(crate::protocols::gossip::presets::presets());
    v
}

pub fn find(name: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.name == name)
}
