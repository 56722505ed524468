//! The cache's messages (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013, §3.1 and
//! §3.2.1): a web server's get, set and delete at a memcached server, with the lease token a
//! miss hands out and the "wait and retry" answer to a hot miss; and its reads and writes
//! at the database.

/// A value as the database holds it: each write makes the key's next version.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    pub value: String,
    pub version: u64,
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum CacheMsg {
    Get { rpc: u64, key: String },
    Hit { rpc: u64, item: Item },
    /// A miss, with a lease token when leases are on.
    Miss { rpc: u64, token: Option<u64> },
    /// Another web server holds the key's lease: wait a little and ask again.
    Wait { rpc: u64 },
    /// Fill the cache after a miss; with leases, only the token's holder may.
    Set { item: Item, token: Option<u64> },
    Delete { key: String },
    DbGet { rpc: u64, key: String },
    DbValue { rpc: u64, item: Option<Item> },
    DbPut { rpc: u64, key: String, value: String },
    /// The write committed; it names the key, so that a web server that restarted since it
    /// asked still deletes the key from the cache after the commit.
    DbAck { rpc: u64, key: String, version: u64 },
}

impl CacheMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            CacheMsg::Get { .. } => "Get",
            CacheMsg::Hit { .. } => "Hit",
            CacheMsg::Miss { .. } => "Miss",
            CacheMsg::Wait { .. } => "Wait",
            CacheMsg::Set { .. } => "Set",
            CacheMsg::Delete { .. } => "Delete",
            CacheMsg::DbGet { .. } => "DbGet",
            CacheMsg::DbValue { .. } => "DbValue",
            CacheMsg::DbPut { .. } => "DbPut",
            CacheMsg::DbAck { .. } => "DbAck",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, CacheMsg::Hit { .. } | CacheMsg::Miss { .. } | CacheMsg::Wait { .. } | CacheMsg::DbValue { .. } | CacheMsg::DbAck { .. })
    }
    pub fn summary(&self) -> String {
        match self {
            CacheMsg::Get { rpc, key } => format!("Get #{rpc} {key}"),
            CacheMsg::Hit { rpc, item } => format!("Hit #{rpc} {}={} (version {})", item.key, item.value, item.version),
            CacheMsg::Miss { rpc, token: Some(t) } => format!("Miss #{rpc}, lease {t}"),
            CacheMsg::Miss { rpc, token: None } => format!("Miss #{rpc}"),
            CacheMsg::Wait { rpc } => format!("Wait #{rpc} (lease held)"),
            CacheMsg::Set { item, token } => format!("Set {}={} (version {}){}", item.key, item.value, item.version, token.map_or(String::new(), |t| format!(", lease {t}"))),
            CacheMsg::Delete { key } => format!("Delete {key}"),
            CacheMsg::DbGet { rpc, key } => format!("DbGet #{rpc} {key}"),
            CacheMsg::DbValue { rpc, item: Some(i) } => format!("DbValue #{rpc} {}={} (version {})", i.key, i.value, i.version),
            CacheMsg::DbValue { rpc, item: None } => format!("DbValue #{rpc} (none)"),
            CacheMsg::DbPut { rpc, key, value } => format!("DbPut #{rpc} {key}={value}"),
            CacheMsg::DbAck { rpc, key, version } => format!("DbAck #{rpc} {key} version {version}"),
        }
    }
}
