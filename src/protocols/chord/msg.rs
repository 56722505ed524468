//! Chord's messages (Stoica et al., SIGCOMM 2001, Figure 6 and §5; Zave, "Reasoning about
//! identifier spaces", IEEE TSE 2017): find_successor asked hop by hop (iterative lookup),
//! the stabilize query for a node's predecessor and successor list, notify, the ping a node
//! answers while alive, and the keys stored, fetched, handed over and replicated.

use crate::sim::NodeId;

/// A stored key: its value and version (the storing node's clock, then its number).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    pub value: String,
    pub version: u64,
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum ChordMsg {
    /// One hop of a lookup: "what is the successor of `target`, or whom should I ask next?"
    FindSuccessor { rpc: u64, target: u64 },
    /// `found`: `node` is the target's successor; otherwise `node` precedes the target more
    /// closely than the one asked (closest_preceding_node).
    FindSuccessorReply { rpc: u64, found: bool, node: NodeId },
    /// Stabilize's (and join's) query: your predecessor and your successor list.
    GetPredecessor { rpc: u64 },
    PredecessorReply { rpc: u64, predecessor: Option<NodeId>, successors: Vec<NodeId> },
    /// "I think I might be your predecessor" (`joined`: first notify since joining).
    Notify { joined: bool },
    Ping { rpc: u64 },
    Pong { rpc: u64 },
    Store { rpc: u64, item: Item },
    /// `ok`: stored; otherwise the key is not this node's.
    StoreReply { rpc: u64, ok: bool },
    Fetch { rpc: u64, key: String },
    FetchReply { rpc: u64, ok: bool, item: Option<Item> },
    /// Keys a node hands to its new predecessor, which now succeeds them.
    TransferKeys { items: Vec<Item> },
    /// A node's own keys, copied to its successor list.
    Replicate { items: Vec<Item> },
}

impl ChordMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            ChordMsg::FindSuccessor { .. } => "find_successor",
            ChordMsg::FindSuccessorReply { .. } => "find_successor reply",
            ChordMsg::GetPredecessor { .. } => "get predecessor",
            ChordMsg::PredecessorReply { .. } => "predecessor reply",
            ChordMsg::Notify { .. } => "notify",
            ChordMsg::Ping { .. } => "ping",
            ChordMsg::Pong { .. } => "pong",
            ChordMsg::Store { .. } => "store",
            ChordMsg::StoreReply { .. } => "store reply",
            ChordMsg::Fetch { .. } => "fetch",
            ChordMsg::FetchReply { .. } => "fetch reply",
            ChordMsg::TransferKeys { .. } => "transfer keys",
            ChordMsg::Replicate { .. } => "replicate",
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, ChordMsg::FindSuccessorReply { .. } | ChordMsg::PredecessorReply { .. } | ChordMsg::Pong { .. } | ChordMsg::StoreReply { .. } | ChordMsg::FetchReply { .. })
    }
    pub fn summary(&self) -> String {
        let list = |v: &[NodeId]| v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", ");
        match self {
            ChordMsg::FindSuccessor { target, .. } => format!("find_successor({target})"),
            ChordMsg::FindSuccessorReply { found: true, node, .. } => format!("successor is n{node}"),
            ChordMsg::FindSuccessorReply { node, .. } => format!("ask n{node} next"),
            ChordMsg::GetPredecessor { .. } => "your predecessor and successor list?".into(),
            ChordMsg::PredecessorReply { predecessor, successors, .. } => {
                format!("predecessor {}, successors [{}]", predecessor.map_or("nil".into(), |p| format!("n{p}")), list(successors))
            }
            ChordMsg::Notify { joined: true } => "notify (just joined)".into(),
            ChordMsg::Notify { .. } => "notify".into(),
            ChordMsg::Ping { .. } => "ping".into(),
            ChordMsg::Pong { .. } => "pong".into(),
            ChordMsg::Store { item, .. } => format!("store {} = {}", item.key, item.value),
            ChordMsg::StoreReply { ok, .. } => if *ok { "stored" } else { "not my key" }.into(),
            ChordMsg::Fetch { key, .. } => format!("fetch {key}"),
            ChordMsg::FetchReply { ok: false, .. } => "not my key".into(),
            ChordMsg::FetchReply { item, .. } => item.as_ref().map_or("absent".into(), |i| format!("{} = {}", i.key, i.value)),
            ChordMsg::TransferKeys { items } => format!("{} keys handed over", items.len()),
            ChordMsg::Replicate { items } => format!("{} keys replicated", items.len()),
        }
    }
}
