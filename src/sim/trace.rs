//! The trace: every send, delivery, drop (and why), timer, client operation, fault and note
//! as a record with its event index, folded into a stable hash.

use super::hash::StableHasher;
use super::protocol::{NodeId, TimeUs};
use serde::Serialize;
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The network lost it (loss probability).
    Lost,
    /// The link was cut (partition, one-way cut) when it was sent or when it arrived.
    LinkCut,
    /// The receiver was crashed.
    NodeDown,
    /// The receiver's checksum did not match: corrupted on the wire.
    Corrupted,
    /// Adversary mode: the user dropped it.
    Adversary,
}

impl DropReason {
    pub fn label(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::LinkCut => "link cut",
            DropReason::NodeDown => "node down",
            DropReason::Corrupted => "checksum mismatch (corrupted)",
            DropReason::Adversary => "dropped by the adversary",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceKind {
    Start,
    Recover,
    Send { msg_id: u64, to: NodeId, kind: &'static str, is_reply: bool, arrives_at_us: TimeUs },
    Deliver { msg_id: u64, from: NodeId, kind: &'static str },
    Drop { msg_id: u64, from: NodeId, to: NodeId, kind: &'static str, reason: DropReason },
    Timer { name: &'static str },
    Request { request_id: u64, op: String },
    Reply { request_id: u64, reply: String },
    Fault { label: String, chaos: bool },
    Note { text: String },
    Violation { property: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceRecord {
    /// 1-based index of the event this record belongs to.
    pub event: u64,
    pub time_us: TimeUs,
    pub node: Option<NodeId>,
    #[serde(flatten)]
    pub kind: TraceKind,
}

/// A running hash of the trace. Records are folded as they happen, whether or not they
/// are kept, so the hash is the same for a recorded and an unrecorded run.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TraceHash(StableHasher);

impl TraceHash {
    pub fn fold(&mut self, rec: &TraceRecord, msg_hash: u64) {
        let h = &mut self.0;
        rec.event.hash(h);
        rec.time_us.hash(h);
        rec.node.hash(h);
        match &rec.kind {
            TraceKind::Start => 0u8.hash(h),
            TraceKind::Recover => 1u8.hash(h),
            TraceKind::Send { msg_id, to, kind, arrives_at_us, .. } => {
                (2u8, msg_id, to, kind, arrives_at_us, msg_hash).hash(h)
            }
            TraceKind::Deliver { msg_id, from, .. } => (3u8, msg_id, from).hash(h),
            TraceKind::Drop { msg_id, reason, .. } => (4u8, msg_id, reason).hash(h),
            TraceKind::Timer { name } => (5u8, name).hash(h),
            TraceKind::Request { request_id, op } => (6u8, request_id, op).hash(h),
            TraceKind::Reply { request_id, reply } => (7u8, request_id, reply).hash(h),
            TraceKind::Fault { label, chaos } => (8u8, label, chaos).hash(h),
            TraceKind::Note { text } => (9u8, text).hash(h),
            TraceKind::Violation { property } => (10u8, property).hash(h),
        }
    }
    pub fn value(&self) -> u64 {
        self.0.finish()
    }
}

pub fn hash_hex(h: u64) -> String {
    format!("{h:016x}")
}
