//! The storage holding the write-ahead log, one file per primary's epoch, as HBase keeps a
//! WAL per region server on HDFS: a primary appends to its own file; a new primary fences
//! every older file before it replays them (HBase recovers the lease on a dead server's WAL
//! files, so the old server can no longer write them, then splits and replays them). Every
//! change is synced before it is answered.

use super::data::Rec;
use super::msg::PbMsg;
use super::{PbNode, PbWrite};
use crate::sim::sorted::SortedMap;
use crate::sim::{DurableState, NodeId, Out};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFile {
    pub recs: Vec<Rec>,
    /// How many records it held when a newer epoch fenced it (no more are accepted).
    pub sealed_at: Option<usize>,
}

/// The storage's disk: every epoch's log file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WalDisk {
    pub files: SortedMap<u64, LogFile>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WalWrite {
    /// Seal every file older than `epoch`, and open `epoch`'s.
    Fence { epoch: u64 },
    Append { epoch: u64, rec: Rec },
}

impl DurableState for WalDisk {
    type Write = WalWrite;
    fn apply(&mut self, w: WalWrite) {
        match w {
            WalWrite::Fence { epoch } => {
                for (_, f) in self.files.iter_mut().filter(|(e, _)| **e < epoch) {
                    f.sealed_at.get_or_insert(f.recs.len());
                }
                if self.files.get(&epoch).is_none() {
                    self.files.insert(epoch, LogFile::default());
                }
            }
            WalWrite::Append { epoch, rec } => match self.files.get_mut(&epoch) {
                Some(f) => f.recs.push(rec),
                None => {
                    self.files.insert(epoch, LogFile { recs: vec![rec], sealed_at: None });
                }
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct Storage {
    pub disk: WalDisk,
    /// The planted bug `no_fencing`: sealed files take appends all the same.
    ignores_seals: bool,
    /// The planted bug `ack_before_sync`: appends are acknowledged from the page cache.
    acks_unsynced: bool,
}

impl Storage {
    pub fn new(ignores_seals: bool, acks_unsynced: bool) -> Self {
        Storage { disk: WalDisk::default(), ignores_seals, acks_unsynced }
    }
    pub fn restore(&mut self, disk: WalDisk) {
        self.disk = disk;
    }
    /// The newest epoch that has fenced the log.
    pub fn fence(&self) -> u64 {
        self.disk.files.keys().next_back().copied().unwrap_or(0)
    }

    fn write(&mut self, w: WalWrite, out: &mut Out<PbNode>) {
        self.disk.apply(w.clone());
        out.write(PbWrite::Wal(w));
    }

    pub fn on_message(&mut self, from: NodeId, msg: PbMsg, out: &mut Out<PbNode>) {
        match msg {
            PbMsg::Fence { epoch } => self.on_fence(from, epoch, out),
            PbMsg::Append { epoch, recs } => self.on_append(from, epoch, recs, out),
            _ => {}
        }
    }

    fn on_fence(&mut self, from: NodeId, epoch: u64, out: &mut Out<PbNode>) {
        if epoch < self.fence() {
            return out.send(from, PbMsg::FenceAck { epoch, ok: false, log: Vec::new() });
        }
        self.write(WalWrite::Fence { epoch }, out);
        out.sync();
        let log = self.disk.files.iter().filter(|(e, _)| **e < epoch).flat_map(|(_, f)| f.recs.iter().cloned()).collect();
        out.send(from, PbMsg::FenceAck { epoch, ok: true, log });
    }

    fn on_append(&mut self, from: NodeId, epoch: u64, recs: Vec<Rec>, out: &mut Out<PbNode>) {
        let open = self.disk.files.get(&epoch).is_some_and(|f| f.sealed_at.is_none() || self.ignores_seals);
        if !open {
            return out.send(from, PbMsg::AppendAck { epoch, last: 0, ok: false });
        }
        let mut wrote = false;
        for rec in recs {
            let last = self.last_seq(epoch);
            // An empty file starts wherever the primary's log stands; a record already in
            // it (a batch sent again) is skipped.
            if last == 0 || rec.seq == last + 1 {
                self.write(WalWrite::Append { epoch, rec }, out);
                wrote = true;
            }
        }
        if wrote && !self.acks_unsynced {
            out.sync();
        }
        out.send(from, PbMsg::AppendAck { epoch, last: self.last_seq(epoch), ok: true });
    }

    /// The last sequence number in `epoch`'s file (0 when empty).
    pub fn last_seq(&self, epoch: u64) -> u64 {
        self.disk.files.get(&epoch).and_then(|f| f.recs.last()).map_or(0, |r| r.seq)
    }
}
