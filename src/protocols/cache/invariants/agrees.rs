//! After writes and faults stop, the cache agrees with the database: every value a live
//! memcached server holds is the key's newest version (a stale value that stays for good is
//! what leases and "write the database, then delete" prevent; Nishtala et al., NSDI 2013,
//! §3.2.1).

use crate::protocols::cache::node::{Cache, DB};

pub const NAME: &str = "Cache agrees with the database";

pub fn check(nodes: &[Option<Cache>]) -> Result<(), String> {
    let Some(db) = nodes.get(DB as usize).and_then(Option::as_ref).and_then(Cache::as_db) else { return Err("the database is down".into()) };
    for (id, s) in nodes.iter().enumerate().filter_map(|(i, n)| n.as_ref().and_then(Cache::as_server).map(|s| (i, s))) {
        for (key, e) in &s.store {
            let newest = db.current(key);
            // By value: a duplicated write makes a newer version of the same value.
            if newest.as_ref().map(|i| &i.value) != Some(&e.item.value) {
                let v = newest.map_or("nothing".into(), |i| format!("{} (version {})", i.value, i.version));
                return Err(format!("n{id} caches {key} = {} (version {}), but the database holds {v}", e.item.value, e.item.version));
            }
        }
    }
    Ok(())
}
