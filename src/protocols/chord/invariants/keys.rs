//! Keys at their successor (Stoica et al., SIGCOMM 2001, §4.2 and §5.2): every key any live
//! node holds is held by its successor, the first member at or after the key's identifier,
//! with the newest version any node has; with replication, by the next r members too.

use crate::protocols::chord::node::Chord;
use crate::protocols::chord::ring::successor_of;
use crate::sim::NodeId;
use std::collections::BTreeMap;

pub const NAME: &str = "Keys at their successor";
pub const SOURCE: &str = "Chord (SIGCOMM 2001) §4.2, §5.2";

pub fn check(nodes: &[Option<Chord>]) -> Result<(), String> {
    let live: Vec<NodeId> = (0..nodes.len() as NodeId).filter(|&i| nodes[i as usize].is_some()).collect();
    let Some(any) = nodes.iter().flatten().next() else { return Ok(()) };
    let mut newest: BTreeMap<&str, u64> = BTreeMap::new();
    for n in nodes.iter().flatten() {
        for (k, (_, ver)) in &n.store {
            let v = newest.entry(k.as_str()).or_insert(0);
            *v = (*v).max(*ver);
        }
    }
    let copies = if any.config.replicate { any.config.r() + 1 } else { 1 };
    for (key, version) in newest {
        let owner = successor_of(any.key_id(key), &any.ids, &live).expect("a live node");
        let at = live.iter().position(|&i| i == owner).expect("owner is live");
        for d in 0..copies.min(live.len()) {
            let holder = live[(at + d) % live.len()];
            let held = nodes[holder as usize].as_ref().and_then(|n| n.store.get(key)).map(|(_, v)| *v);
            if held != Some(version) {
                let role = if d == 0 { "its successor".to_string() } else { format!("replica {d}") };
                return Err(format!("key {key}: {role} n{holder} holds {} but version {version} exists", held.map_or("nothing".into(), |v| format!("version {v}"))));
            }
        }
    }
    Ok(())
}
