//! Only database values are cached: every value a memcached server holds is a version of
//! the key the database committed (look-aside caching, Nishtala et al., NSDI 2013, §2: the
//! cache is filled only from the database).

use super::violation;
use crate::protocols::cache::node::{Cache, McServer, DB};
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Only database values are cached";
pub const SOURCE: &str = "Nishtala et al., Scaling Memcache at Facebook (NSDI 2013) §2, a demand-filled look-aside cache";

pub fn check(ctx: &CheckCtx<Cache>, id: NodeId, s: &McServer, out: &mut Vec<Violation>) {
    let Some(db) = ctx.nodes.get(DB as usize).and_then(Option::as_ref).and_then(Cache::as_db) else { return };
    // Judged when a value is set: the database's history only grows.
    for (key, e) in s.store.iter().filter(|(_, e)| e.set_seq == s.seq) {
        let held = db.history.get(&(key.clone(), e.item.version)).map(|(v, _)| v);
        if held != Some(&e.item.value) {
            return out.push(violation(ctx, NAME, SOURCE, format!("n{id} caches {key} = {} as version {}, which the database never committed", e.item.value, e.item.version)));
        }
    }
}
