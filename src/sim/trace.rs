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
/// are kept, so the hash is the same for a recorded and an unrecorded run. Up to link
/// version 6 it is FNV-1a over bytes; from version 7 a hash of whole words (eight times
/// fewer multiplications; FNV-1a was about a fifth of the page's time per event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceHash(StableHasher);

impl TraceHash {
    pub fn for_version(version: u32) -> TraceHash {
        TraceHash(StableHasher::for_version(version))
    }
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

/// Records per chunk of a [`TraceLog`].
const CHUNK: usize = 4096;

/// The kept trace, in event order: records in fixed-size chunks, so growing it never copies
/// what it already holds (a vector's doubling copied the whole trace, ever larger as the
/// history grew, inside whichever stretch of the run it fell in).
#[derive(Clone, Debug, Default)]
pub struct TraceLog {
    chunks: Vec<Vec<TraceRecord>>,
    len: usize,
}

impl TraceLog {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn push(&mut self, r: TraceRecord) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.push(r);
        }
        self.len += 1;
    }
    pub fn get(&self, i: usize) -> Option<&TraceRecord> {
        self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
    }
    pub fn last(&self) -> Option<&TraceRecord> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }
    /// Keep the first `len` records.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(len - (len - 1) / CHUNK * CHUNK);
        }
        self.len = len;
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceRecord> + Clone {
        self.chunks.iter().flatten()
    }
    /// Records `from..to` (clamped to the log).
    pub fn range(&self, from: usize, to: usize) -> impl Iterator<Item = &TraceRecord> + Clone {
        let to = to.min(self.len);
        let from = from.min(to);
        self.chunks[from / CHUNK..to.div_ceil(CHUNK)].iter().flatten().skip(from % CHUNK).take(to - from)
    }
    /// Records from `from` to the end.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &TraceRecord> + Clone {
        self.range(from, self.len)
    }
    pub fn to_vec(&self, from: usize, to: usize) -> Vec<TraceRecord> {
        self.range(from, to).cloned().collect()
    }
    /// The index of the first record for which `pred` is false (`pred` holds for a prefix),
    /// as a slice's `partition_point`.
    pub fn partition_point(&self, pred: impl Fn(&TraceRecord) -> bool) -> usize {
        self.partition(&pred)
    }
    /// One body for every predicate (the page's module carries it once).
    fn partition(&self, pred: &dyn Fn(&TraceRecord) -> bool) -> usize {
        let full = self.chunks.partition_point(|c| c.last().is_some_and(pred));
        match self.chunks.get(full) {
            Some(c) => full * CHUNK + c.partition_point(pred),
            None => self.len,
        }
    }
}

impl<'a> IntoIterator for &'a TraceLog {
    type Item = &'a TraceRecord;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<TraceRecord>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(event: u64) -> TraceRecord {
        TraceRecord { event, time_us: event * 10, node: None, kind: TraceKind::Start }
    }

    /// Chunked or not, the log answers as the vector of its records does.
    #[test]
    fn a_trace_log_answers_as_a_vector() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let v: Vec<TraceRecord> = (1..=n as u64).map(rec).collect();
            let mut log = TraceLog::default();
            v.iter().cloned().for_each(|r| log.push(r));
            assert_eq!(log.len(), v.len());
            assert!(log.iter().eq(v.iter()));
            assert_eq!(log.last(), v.last());
            for cut in [0, 1, CHUNK / 2, CHUNK, CHUNK + 3, n / 2, n] {
                assert_eq!(log.partition_point(|r| (r.event as usize) <= cut), v.partition_point(|r| (r.event as usize) <= cut));
                assert!(log.range(cut / 2, cut).eq(v[(cut / 2).min(n)..cut.min(n)].iter()), "n {n} cut {cut}");
                assert!(log.iter_from(cut).eq(v[cut.min(n)..].iter()));
                let mut t = log.clone();
                t.truncate(cut);
                assert!(t.iter().eq(v[..cut.min(n)].iter()), "truncate n {n} cut {cut}");
                assert_eq!(t.len(), cut.min(n));
                t.push(rec(999_999));
                assert_eq!(t.last().map(|r| r.event), Some(999_999));
                assert_eq!(t.len(), cut.min(n) + 1);
            }
        }
    }
}
