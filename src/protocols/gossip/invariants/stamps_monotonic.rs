//! Timestamps never decrease: at every site, the timestamp held for a key only grows, across
//! restarts too (the database is durable). Demers et al. (PODC 1987) §1.1: each entry carries
//! a timestamp and the value with the newer one wins, so a site never goes back to an older
//! update, nor forgets a key it held. The checker keeps the stamps it last saw at each site
//! and reports each step back once.

use super::{violation, GossipChecker};
use crate::protocols::gossip::{Gossip, Stamp};
use crate::sim::{CheckCtx, NodeId, Violation};
use crate::sim::sorted::SortedMap;

pub const NAME: &str = "Timestamps never decrease";
pub const SOURCE: &str = "Demers et al., PODC 1987, §1.1 (the newer timestamp wins)";

pub fn check(c: &mut GossipChecker, ctx: &CheckCtx<Gossip>, id: NodeId, node: &Gossip, out: &mut Vec<Violation>) {
    let held = &mut c.stamps[id as usize];
    // Mostly the site holds the keys it held: walk both maps side by side.
    if held.len() == node.db.len() && held.keys().eq(node.db.keys()) {
        for ((key, before), e) in held.iter_mut().zip(node.db.values()) {
            follow(ctx, id, key, before, e.stamp, out);
        }
        return;
    }
    for (key, e) in &node.db {
        match held.get_mut(key) {
            Some(before) => follow(ctx, id, key, before, e.stamp, out),
            None => {
                held.insert(key.clone(), e.stamp);
            }
        }
    }
    // Every key the site holds is in `held` now: more there means some were forgotten.
    if held.len() > node.db.len() {
        forgotten(held, ctx, id, node, out);
    }
}

/// The site held `key` at `before` and now holds it at `now`.
fn follow(ctx: &CheckCtx<Gossip>, id: NodeId, key: &str, before: &mut Stamp, now: Stamp, out: &mut Vec<Violation>) {
    if now < *before {
        let why = format!("n{id} held {key} at {} and now holds it at {}", show(*before), show(now));
        out.push(violation(ctx, NAME, SOURCE, why));
    }
    *before = now;
}

/// Keys `node` held and no longer holds: each reported, then forgotten here too.
fn forgotten(held: &mut SortedMap<String, Stamp>, ctx: &CheckCtx<Gossip>, id: NodeId, node: &Gossip, out: &mut Vec<Violation>) {
    let gone: Vec<String> = held.keys().filter(|k| !node.db.contains_key(*k)).cloned().collect();
    for key in gone {
        if let Some(before) = held.remove(&key) {
            let why = format!("n{id} held {key} at {} and no longer holds it", show(before));
            out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}

fn show(s: Stamp) -> String {
    format!("timestamp {} µs of n{}", s.time_us, s.origin)
}
