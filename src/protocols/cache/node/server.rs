//! A memcached server with leases (Nishtala et al., NSDI 2013, §3.2.1): a miss hands the
//! asking web server a lease token, at most one per key every `lease_rate_us` (others are
//! told to wait and retry: no thundering herd); a set is accepted only with the key's
//! current token, and a delete invalidates the token (no stale set). Its memory is
//! volatile: a restarted server is empty.

use super::*;

/// A cached value and what the checkers need to judge how it got there: the server's event
/// count when it was set and when the lease it was set with was handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub item: Item,
    pub set_seq: u64,
    pub lease_seq: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub token: u64,
    pub issued_seq: u64,
    pub issued_us: TimeUs,
}

#[derive(Clone, Debug, Default)]
pub struct McServer {
    pub store: BTreeMap<String, Entry>,
    pub leases: BTreeMap<String, Lease>,
    /// Per key, the event count of the last delete.
    pub deleted_seq: BTreeMap<String, u64>,
    /// Tokens handed out, newest last, with their event counts (the bug
    /// `set_after_invalidated_lease` looks tokens up here; kept to 256).
    issued: Vec<(u64, u64)>,
    /// Events this server has handled.
    pub seq: u64,
    pub hits: u64,
    pub misses: u64,
    pub waits: u64,
    pub sets_refused: u64,
}

impl McServer {
    pub fn on_message(&mut self, from: NodeId, msg: CacheMsg, config: &CacheConfig, out: &mut Out<Cache>) {
        self.seq += 1;
        match msg {
            CacheMsg::Get { rpc, key } => self.get(from, rpc, key, config, out),
            CacheMsg::Set { item, token } => self.set(item, token, config),
            CacheMsg::Delete { key } => {
                self.store.remove(&key);
                self.leases.remove(&key);
                self.deleted_seq.insert(key, self.seq);
            }
            _ => {}
        }
    }

    fn get(&mut self, from: NodeId, rpc: u64, key: String, config: &CacheConfig, out: &mut Out<Cache>) {
        if let Some(e) = self.store.get(&key) {
            self.hits += 1;
            return out.send(from, CacheMsg::Hit { rpc, item: e.item.clone() });
        }
        if !config.leases_on() {
            self.misses += 1;
            return out.send(from, CacheMsg::Miss { rpc, token: None });
        }
        let now = out.now();
        if self.leases.get(&key).is_some_and(|l| now.saturating_sub(l.issued_us) < config.lease_rate_us) {
            self.waits += 1;
            return out.send(from, CacheMsg::Wait { rpc });
        }
        self.misses += 1;
        // Random, so a token from before a restart never matches one handed out after it.
        let token = out.random_below(u64::MAX);
        self.leases.insert(key, Lease { token, issued_seq: self.seq, issued_us: now });
        if self.issued.len() == 256 {
            self.issued.remove(0);
        }
        self.issued.push((token, self.seq));
        out.send(from, CacheMsg::Miss { rpc, token: Some(token) });
    }

    fn set(&mut self, item: Item, token: Option<u64>, config: &CacheConfig) {
        let lease_seq = if !config.leases_on() {
            None
        } else {
            let current = self.leases.get(&item.key).filter(|l| Some(l.token) == token).map(|l| l.issued_seq);
            let seq = if config.has_bug("set_after_invalidated_lease") {
                current.or_else(|| self.issued.iter().find(|(t, _)| Some(*t) == token).map(|(_, s)| *s))
            } else {
                current
            };
            let Some(seq) = seq else {
                self.sets_refused += 1;
                return;
            };
            self.leases.remove(&item.key);
            Some(seq)
        };
        let key = item.key.clone();
        self.store.insert(key, Entry { item, set_seq: self.seq, lease_seq });
    }
}
