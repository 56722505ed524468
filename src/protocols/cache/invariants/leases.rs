//! Sets carry a live lease: with leases on, a memcached server accepts a set only with the
//! key's current lease token, and a delete invalidates it, so every cached value was set
//! with a lease handed out after the key's last delete (Nishtala et al., NSDI 2013, §3.2.1:
//! "stale sets").

use super::violation;
use crate::protocols::cache::node::{Cache, McServer};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Sets carry a live lease";
pub const SOURCE: &str = "Nishtala et al., Scaling Memcache at Facebook (NSDI 2013) §3.2.1, leases against stale sets";

pub fn check(ctx: &CheckCtx<Cache>, id: NodeId, s: &McServer, out: &mut Vec<Violation>) {
    // Judged when a value is set (in this event), not again at every later event.
    for (key, e) in s.store.iter().filter(|(_, e)| e.set_seq == s.seq) {
        let deleted = s.deleted_seq.get(key).copied();
        let why = match (e.lease_seq, deleted) {
            (None, _) => "without a lease".to_string(),
            (Some(l), Some(d)) if l < d => format!("with a lease handed out before the key's delete (event {l} < {d} at this server)"),
            _ => continue,
        };
        return out.push(violation(ctx, NAME, SOURCE, format!("n{id} cached {key} = {} {why}", e.item.value)));
    }
}
