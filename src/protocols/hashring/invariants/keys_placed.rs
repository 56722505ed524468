//! After faults stop, every key's newest version is on each server of its preference list
//! and on no other (Dynamo, SOSP 2007, §4.3 and §4.9: a server that is no longer a key's
//! replica hands it over and deletes it). On the ring the preference list is the
//! definition's, computed apart from the servers' code.

use super::reference_preference;
use crate::protocols::hashring::node::HashRing;
use crate::protocols::hashring::placement::Placement;
use std::collections::BTreeMap;

pub const NAME: &str = "Keys on their replicas";

pub fn check(nodes: &[Option<HashRing>]) -> Result<(), String> {
    let Some(first) = nodes.iter().flatten().next() else { return Ok(()) };
    let mut newest: BTreeMap<&str, u64> = BTreeMap::new();
    for n in nodes.iter().flatten() {
        for (k, (_, v)) in &n.store {
            let e = newest.entry(k.as_str()).or_insert(*v);
            *e = (*e).max(*v);
        }
    }
    for (key, version) in newest {
        let pref = if first.config.placement == Placement::Ring {
            reference_preference(&first.layout.members, first.config.vnodes, key, first.config.n())
        } else {
            first.layout.preference(key)
        };
        for n in nodes.iter().flatten() {
            let holds = n.store.get(key).map(|(_, v)| *v);
            let due = pref.contains(&n.me());
            if due && holds != Some(version) {
                return Err(format!("{key} (newest version {version}) is due on n{} but it holds {}", n.me(), holds.map_or("nothing".into(), |v| format!("version {v}"))));
            }
            if !due && holds.is_some() {
                return Err(format!("n{} still holds {key}, which is not on its preference list", n.me()));
            }
        }
    }
    Ok(())
}
