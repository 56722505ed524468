//! Block data as a DataNode stores it (HdfsDesign.md, "Data Integrity"; GFS, SOSP 2003,
//! §5.2): each replica is a block's bytes with a CRC-32C checksum per chunk, kept beside
//! the data and verified on read, on every copy and by the block scanner; a replica is
//! being written (RBW) or finalized, and carries its block's generation stamp. What a
//! writer writes at each offset is a function of the block and the offset, so a checker
//! knows what every replica must hold. The disk-corruption fault flips bytes of one
//! replica and leaves its checksums as they were, as a bad sector does.
//!
//! CRC-32C by hand (Castagnoli's polynomial, reflected, bit by bit): twelve lines for a few
//! hundred bytes per run, where a crate would add its tables to the page's download.

use serde::{Deserialize, Serialize};
use crate::sim::sorted::SortedMap;

pub type BlockId = u64;
/// A generation stamp (HDFS-265): bumped by pipeline recovery and by block recovery, so
/// that a replica left behind by either is recognisably stale.
pub type Gs = u64;

/// The byte a writer writes at `offset` of block `block`.
pub fn byte_at(block: BlockId, offset: u32) -> u8 {
    let mut x = block.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(offset).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    (x.wrapping_mul(0x94D0_49BB_1331_11EB) >> 56) as u8
}

/// `len` bytes of block `block` from `offset`.
pub fn content(block: BlockId, offset: u32, len: u32) -> Vec<u8> {
    (offset..offset + len).map(|o| byte_at(block, o)).collect()
}

/// CRC-32C of `data`.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReplicaState {
    /// Replica being written: a pipeline is appending to it.
    Rbw,
    /// Complete: its length and generation stamp are final.
    Finalized,
}

/// One replica of a block on a DataNode's disk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    pub gs: Gs,
    pub state: ReplicaState,
    pub data: Vec<u8>,
    /// One checksum per chunk of `data`.
    pub sums: Vec<u32>,
}

impl Replica {
    pub fn len(&self) -> u32 {
        self.data.len() as u32
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn finalized(&self) -> bool {
        self.state == ReplicaState::Finalized
    }
    /// The first chunk whose bytes fail their checksum, if any.
    pub fn bad_chunk(&self, chunk_bytes: u32) -> Option<usize> {
        let cb = chunk_bytes.max(1) as usize;
        let chunks = self.data.chunks(cb);
        if chunks.len() != self.sums.len() {
            return Some(self.sums.len().min(chunks.len()));
        }
        chunks.zip(&self.sums).position(|(c, s)| crc32c(c) != *s)
    }
    pub fn verifies(&self, chunk_bytes: u32) -> bool {
        self.bad_chunk(chunk_bytes).is_none()
    }
    /// The first `len` bytes and their checksums (a copy's or a read's payload).
    pub fn prefix(&self, len: u32, chunk_bytes: u32) -> (Vec<u8>, Vec<u32>) {
        let len = len.min(self.len());
        let chunks = len.div_ceil(chunk_bytes.max(1)) as usize;
        (self.data[..len as usize].to_vec(), self.sums[..chunks.min(self.sums.len())].to_vec())
    }
    fn truncate(&mut self, len: u32, chunk_bytes: u32) {
        let len = len.min(self.len());
        self.data.truncate(len as usize);
        self.sums.truncate(len.div_ceil(chunk_bytes.max(1)) as usize);
    }
}

/// A DataNode's replicas, by block.
pub type Replicas = SortedMap<BlockId, Replica>;

/// One change to a DataNode's replicas, as written to its disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicaWrite {
    /// A packet's chunk at `offset` under stamp `gs`: creates the replica (being written),
    /// cuts it back to `offset` first (a resent packet after pipeline recovery), and takes
    /// the stamp.
    Chunk { block: BlockId, gs: Gs, offset: u32, data: Vec<u8>, sum: u32, chunk_bytes: u32 },
    /// Block recovery: cut to `len`, take the recovery's stamp and finalize.
    Recover { block: BlockId, gs: Gs, len: u32, chunk_bytes: u32 },
    Finalize { block: BlockId },
    /// A whole replica copied from another DataNode.
    Store { block: BlockId, replica: Replica },
    Remove { block: BlockId },
    /// The disk-corruption fault: one byte of the data flipped (its checksum left as it was).
    Damage { block: BlockId, offset: u32, xor: u8 },
}

impl ReplicaWrite {
    pub fn apply(self, replicas: &mut Replicas) {
        match self {
            ReplicaWrite::Chunk { block, gs, offset, data, sum, chunk_bytes } => {
                let r = replicas.entry(block).or_insert_with(|| Replica { gs, state: ReplicaState::Rbw, data: Vec::new(), sums: Vec::new() });
                r.truncate(offset, chunk_bytes);
                r.gs = gs;
                r.state = ReplicaState::Rbw;
                r.data.extend_from_slice(&data);
                r.sums.push(sum);
            }
            ReplicaWrite::Recover { block, gs, len, chunk_bytes } => {
                if let Some(r) = replicas.get_mut(&block) {
                    r.truncate(len, chunk_bytes);
                    r.gs = gs;
                    r.state = ReplicaState::Finalized;
                }
            }
            ReplicaWrite::Finalize { block } => {
                if let Some(r) = replicas.get_mut(&block) {
                    r.state = ReplicaState::Finalized;
                }
            }
            ReplicaWrite::Store { block, replica } => {
                replicas.insert(block, replica);
            }
            ReplicaWrite::Remove { block } => {
                replicas.remove(&block);
            }
            ReplicaWrite::Damage { block, offset, xor } => {
                if let Some(b) = replicas.get_mut(&block).and_then(|r| r.data.get_mut(offset as usize)) {
                    *b ^= xor;
                }
            }
        }
    }
}

/// The damage the disk-corruption fault does: one byte of one replica that holds data,
/// both drawn from `pick`.
pub fn damage(replicas: &Replicas, pick: u64) -> Option<ReplicaWrite> {
    let holding: Vec<(&BlockId, &Replica)> = replicas.iter().filter(|(_, r)| !r.is_empty()).collect();
    let (block, r) = holding.get((pick % holding.len().max(1) as u64) as usize)?;
    let offset = ((pick >> 20) % u64::from(r.len())) as u32;
    let xor = 1 + ((pick >> 44) % 255) as u8;
    Some(ReplicaWrite::Damage { block: **block, offset, xor })
}
