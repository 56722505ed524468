//! The hash ring's messages (Dynamo, SOSP 2007): gossip of the membership table with each
//! server's heartbeat (§4.8; push-pull, as in van Renesse et al.'s gossip failure detector), a coordinator's writes and reads at a key's preference list
//! (§4.5), and keys handed to servers that are now on a key's preference list (§4.9).

/// A stored key: its value and version (the writer's clock, then its number; the higher
/// version wins).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    pub value: String,
    pub version: u64,
}

/// One server's row of the membership table: its incarnation (odd: in the ring; even: out)
/// and its heartbeat.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    pub incarnation: u32,
    pub heartbeat: u64,
}

impl Member {
    pub fn in_ring(self) -> bool {
        self.incarnation % 2 == 1
    }
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum HashRingMsg {
    /// The sender's membership table, one row per node; `reply`: the answer to a gossip
    /// that was behind (push-pull), which is not answered in turn.
    Gossip { table: Vec<Member>, reply: bool },
    /// A coordinator's write of one key at a replica.
    Store { rpc: u64, item: Item },
    StoreAck { rpc: u64 },
    /// A coordinator's read at a replica.
    Fetch { rpc: u64, key: String },
    FetchReply { rpc: u64, item: Option<Item> },
    /// Keys pushed to a server on their preference list.
    Handoff { items: Vec<Item> },
    /// The versions the receiver now holds of the keys handed to it.
    HandoffAck { held: Vec<(String, u64)> },
}

impl HashRingMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            HashRingMsg::Gossip { .. } => "Gossip",
            HashRingMsg::Store { .. } => "Store",
            HashRingMsg::StoreAck { .. } => "StoreAck",
            HashRingMsg::Fetch { .. } => "Fetch",
            HashRingMsg::FetchReply { .. } => "FetchReply",
            HashRingMsg::Handoff { .. } => "Handoff",
            HashRingMsg::HandoffAck { .. } => "HandoffAck",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, HashRingMsg::Gossip { reply: true, .. } | HashRingMsg::StoreAck { .. } | HashRingMsg::FetchReply { .. } | HashRingMsg::HandoffAck { .. })
    }
    pub fn summary(&self) -> String {
        match self {
            HashRingMsg::Gossip { table, .. } => {
                let ring: Vec<String> = table.iter().enumerate().filter(|(_, m)| m.in_ring()).map(|(i, _)| format!("n{i}")).collect();
                format!("Gossip ring [{}]", ring.join(", "))
            }
            HashRingMsg::Store { rpc, item } => format!("Store #{rpc} {}={} v{}", item.key, item.value, item.version),
            HashRingMsg::StoreAck { rpc } => format!("StoreAck #{rpc}"),
            HashRingMsg::Fetch { rpc, key } => format!("Fetch #{rpc} {key}"),
            HashRingMsg::FetchReply { rpc, item } => match item {
                Some(i) => format!("FetchReply #{rpc} {}={}", i.key, i.value),
                None => format!("FetchReply #{rpc} (none)"),
            },
            HashRingMsg::Handoff { items } => format!("Handoff {} key(s): {}", items.len(), keys_of(items.iter().map(|i| i.key.as_str()))),
            HashRingMsg::HandoffAck { held } => format!("HandoffAck {}", keys_of(held.iter().map(|(k, _)| k.as_str()))),
        }
    }
}

fn keys_of<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = keys.collect();
    if v.len() > 6 {
        format!("{}, … ({} more)", v[..6].join(", "), v.len() - 6)
    } else {
        v.join(", ")
    }
}
