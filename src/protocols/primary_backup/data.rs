//! The replicated key-value store: a log record (one client write, with the epoch of the
//! primary that logged it and the client's session for exactly-once retries, Ongaro's
//! thesis §6.3), and a replica's store built by applying records in order.

use crate::sim::sorted::SortedMap;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rec {
    /// Position in the epoch's log, from 1.
    pub seq: u64,
    pub epoch: u64,
    pub client: u64,
    pub serial: u64,
    pub key: String,
    pub value: String,
}

/// A replica's state: the records it applied, in order, the map they build and each
/// client's newest serial applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    pub log: Vec<Rec>,
    pub kv: SortedMap<String, String>,
    pub sessions: SortedMap<u64, u64>,
}

impl Store {
    /// Apply one record at the end (a retried write already applied changes nothing; client
    /// 0 is a write with no session, never a retry).
    pub fn apply(&mut self, rec: Rec) {
        if !self.has(rec.client, rec.serial) {
            if rec.client != 0 {
                self.sessions.insert(rec.client, rec.serial);
            }
            self.kv.insert(rec.key.clone(), rec.value.clone());
        }
        self.log.push(rec);
    }
    /// The store the records build, from empty (a replay).
    pub fn replay(recs: Vec<Rec>) -> Store {
        let mut s = Store::default();
        for (i, mut r) in recs.into_iter().enumerate() {
            r.seq = i as u64 + 1;
            s.apply(r);
        }
        s
    }
    pub fn applied(&self) -> u64 {
        self.log.len() as u64
    }
    /// Has the client's write `serial` been applied?
    pub fn has(&self, client: u64, serial: u64) -> bool {
        client != 0 && self.sessions.get(&client).is_some_and(|s| *s >= serial)
    }
}
