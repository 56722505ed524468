//! The writer, an HDFS client (HdfsDesign.md, "Replication Pipelining"; HDFS-265): it
//! creates each file, asks the NameNode for each block's pipeline, streams the block's
//! packets down it with a window of packets awaiting their acks, and on a stage that went
//! silent recovers the pipeline: the stage is dropped, the NameNode hands out a new
//! generation stamp, and the packets not yet acked are sent again under it. A file whose
//! pipeline has no stage left is given up (its lease recovered at once). It renews its
//! lease, completes each file, then reads it back, verifying checksums and reporting a
//! replica that fails them before trying the next. Calls are retried under the same call
//! id, which the NameNode's retry cache recognises.

use super::super::config::{HdfsConfig, NAMENODE};
use super::super::data::{content, crc32c, BlockId, Gs};
use super::super::msg::{Answer, Call, HdfsMsg, Holder};
use super::super::Hdfs;
use super::{DiskWrite, HdfsTimer};
use crate::sim::{NodeId, Out};

/// A block being written.
#[derive(Clone, Debug)]
pub struct Writing {
    pub file: u32,
    pub index: u32,
    pub block: BlockId,
    pub gs: Gs,
    pub pipeline: Vec<NodeId>,
    /// Bytes every stage has acknowledged, and the stamp they were acknowledged under.
    pub acked_len: u32,
    pub acked_gs: Gs,
    pub sent_len: u32,
    /// After pipeline recovery: the stages took the new stamp (a packet under it came back
    /// acked) but the NameNode has not yet recorded it (`updatePipeline`).
    pub unrecorded: bool,
}

#[derive(Clone, Debug)]
pub enum Phase {
    /// Between files.
    Idle,
    Create { file: u32 },
    Allocate { file: u32, index: u32 },
    Stream(Writing),
    /// Pipeline recovery: waiting for a new stamp; then (after the stages took it) for the
    /// NameNode to record the new pipeline, streaming paused.
    NewStamp(Writing),
    UpdatePipeline(Writing, Gs),
    Complete { file: u32 },
    GiveUp { file: u32 },
    Locate { file: u32 },
    Read { file: u32, blocks: Vec<(BlockId, Gs, u32, Vec<NodeId>)>, at: usize, tried: usize },
    Done,
}

/// A block read back: what came from which DataNode.
#[derive(Clone, Debug)]
pub struct ReadResult {
    pub block: BlockId,
    pub len: u32,
    pub from: NodeId,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Client {
    pub holder: Holder,
    pub next_file: u32,
    call_id: u64,
    call: Option<Call>,
    /// The last answer said "not yet": the next try is a new call.
    fresh_call: bool,
    read_id: u64,
    pub phase: Phase,
    /// The newest reads (at most [`READS_KEPT`]) and how many there have been.
    pub reads: Vec<ReadResult>,
    pub reads_total: u64,
    pub read_failures: u32,
    pub files_closed: u32,
    /// Blocks every byte of which was acknowledged.
    pub blocks_written: u32,
    pub files_given_up: u32,
    pub pipeline_recoveries: u32,
}

pub const READS_KEPT: usize = 16;

impl Client {
    pub fn new(_c: &HdfsConfig) -> Self {
        Client {
            holder: Holder { node: super::super::config::CLIENT, boot: 0 },
            next_file: 0,
            call_id: 0,
            call: None,
            fresh_call: false,
            read_id: 0,
            phase: Phase::Idle,
            reads: Vec::new(),
            reads_total: 0,
            read_failures: 0,
            files_closed: 0,
            blocks_written: 0,
            files_given_up: 0,
            pipeline_recoveries: 0,
        }
    }

    /// Each boot is a new client: the file it was writing is left to lease recovery.
    pub fn boot(&mut self, boot: u32, next_file: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.holder.boot = boot + 1;
        self.next_file = next_file;
        out.write(DiskWrite::Boot(self.holder.boot));
        out.sync();
        out.set_timer(HdfsTimer::NextFile, c.heartbeat_us, c.heartbeat_us);
        out.set_timer(HdfsTimer::RenewLease, c.lease_limit_us / 3, c.lease_limit_us / 3);
    }

    /// The block being written, if any (what the checkers hold the pipeline to).
    pub fn writing(&self) -> Option<&Writing> {
        match &self.phase {
            Phase::Stream(w) | Phase::NewStamp(w) | Phase::UpdatePipeline(w, _) => Some(w),
            _ => None,
        }
    }

    fn call(&mut self, call: Call, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.call_id += 1;
        self.fresh_call = false;
        self.call = Some(call.clone());
        out.send(NAMENODE, HdfsMsg::Rpc { call_id: self.call_id, holder: self.holder, call });
        out.set_timer(HdfsTimer::RpcTimeout, c.rpc_timeout_us, c.rpc_timeout_us);
    }

    fn next_file(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if self.next_file >= c.files {
            self.phase = Phase::Done;
            return;
        }
        let file = self.next_file;
        self.next_file += 1;
        out.write(DiskWrite::NextFile(self.next_file));
        out.sync();
        self.phase = Phase::Create { file };
        self.call(Call::Create { file }, c, out);
    }

    fn rest(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.phase = Phase::Idle;
        out.set_timer(HdfsTimer::NextFile, c.rpc_timeout_us, c.rpc_timeout_us);
    }

    pub fn on_message(&mut self, from: NodeId, msg: HdfsMsg, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match msg {
            HdfsMsg::RpcReply { call_id, answer } if call_id == self.call_id && self.call.is_some() => {
                out.cancel_timer(HdfsTimer::RpcTimeout);
                self.answer(answer, c, out);
            }
            HdfsMsg::PipelineAck { block, gs, seqno, bad } => self.ack(block, gs, seqno, bad, c, out),
            HdfsMsg::BlockData { call_id, block, data, sums } if call_id == self.read_id => self.block_data(from, block, data, sums, c, out),
            HdfsMsg::ReadError { call_id, .. } if call_id == self.read_id => self.read_failed(c, out),
            _ => {}
        }
    }

    fn answer(&mut self, answer: Answer, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let call = self.call.take();
        let phase = std::mem::replace(&mut self.phase, Phase::Idle);
        match (phase, answer) {
            (phase, Answer::Retry | Answer::Completed { closed: false }) => {
                self.phase = phase;
                self.call = call;
                self.fresh_call = true;
                out.set_timer(HdfsTimer::RpcTimeout, c.rpc_timeout_us, c.rpc_timeout_us);
            }
            (Phase::Create { file }, Answer::Created) => self.allocate(file, 0, None, c, out),
            (Phase::Allocate { file, index }, Answer::LocatedBlock { block, gs, targets }) if !targets.is_empty() => {
                let w = Writing { file, index, block, gs, pipeline: targets, acked_len: 0, acked_gs: gs, sent_len: 0, unrecorded: false };
                self.phase = Phase::Stream(w);
                self.pump(c, out);
            }
            (Phase::NewStamp(mut w), Answer::NewStamp { gs }) => {
                // HDFS's order: the stages take the new stamp first (the packets not yet
                // acked, sent again under it), then the NameNode records it.
                w.gs = gs;
                w.sent_len = w.acked_len;
                w.unrecorded = true;
                self.phase = Phase::Stream(w);
                self.pump(c, out);
            }
            (Phase::UpdatePipeline(mut w, _), Answer::Done) => {
                w.unrecorded = false;
                w.sent_len = w.acked_len;
                self.phase = Phase::Stream(w);
                self.finish_block_if_acked(c, out);
            }
            (Phase::Complete { file }, Answer::Completed { closed: true }) => {
                self.files_closed += 1;
                self.phase = Phase::Locate { file };
                self.call(Call::GetBlockLocations { file }, c, out);
            }
            (Phase::Locate { file }, Answer::Locations { blocks }) => {
                self.phase = Phase::Read { file, blocks, at: 0, tried: 0 };
                self.read_next(c, out);
            }
            (Phase::GiveUp { .. }, _) => self.rest(c, out),
            (phase, _) => {
                // Refused (the lease was recovered meanwhile), or an answer that no longer fits.
                if let Some(file) = Self::file_of(&phase) {
                    self.give_up(file, c, out);
                } else {
                    self.rest(c, out);
                }
            }
        }
    }

    fn file_of(phase: &Phase) -> Option<u32> {
        match phase {
            Phase::Create { file } | Phase::Allocate { file, .. } | Phase::Complete { file } => Some(*file),
            Phase::Stream(w) | Phase::NewStamp(w) | Phase::UpdatePipeline(w, _) => Some(w.file),
            _ => None,
        }
    }

    fn allocate(&mut self, file: u32, index: u32, previous: Option<(BlockId, u32)>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.phase = Phase::Allocate { file, index };
        self.call(Call::AddBlock { file, previous }, c, out);
    }

    fn give_up(&mut self, file: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.files_given_up += 1;
        out.cancel_timer(HdfsTimer::AckTimeout);
        self.phase = Phase::GiveUp { file };
        self.call(Call::RecoverLease { file }, c, out);
    }

    /// Send packets while the window allows.
    fn pump(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Phase::Stream(w) = &mut self.phase else { return };
        let (cb, target) = (c.chunk_bytes, c.block_bytes());
        if w.sent_len == w.acked_len && w.sent_len < target {
            out.set_timer(HdfsTimer::AckTimeout, c.ack_timeout_us * 2, c.ack_timeout_us * 2);
        }
        while w.sent_len < target && w.sent_len < w.acked_len + c.window * cb {
            let offset = w.sent_len;
            let data = content(w.block, offset, cb);
            let sum = crc32c(&data);
            let msg = HdfsMsg::Packet { block: w.block, gs: w.gs, seqno: offset / cb, offset, data, sum, last: offset + cb == target, downstream: w.pipeline[1..].to_vec() };
            out.send(w.pipeline[0], msg);
            w.sent_len += cb;
        }
    }

    fn ack(&mut self, block: BlockId, gs: Gs, seqno: u32, bad: Option<NodeId>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        // Acks keep counting while the NameNode records a recovered pipeline; nothing more
        // is sent until it has.
        let (w, streaming) = match &mut self.phase {
            Phase::Stream(w) => (w, true),
            Phase::UpdatePipeline(w, _) => (w, false),
            _ => return,
        };
        if w.block != block || w.gs != gs {
            return;
        }
        if let Some(bad) = bad {
            return if streaming { self.recover_pipeline(bad, c, out) } else {};
        }
        if w.unrecorded {
            // The stages have taken the new stamp (a setup ack: nothing counts as written
            // under a stamp the NameNode has not recorded); it records it before the block
            // goes on, and the packets are sent again.
            if !streaming {
                return;
            }
            let Phase::Stream(w) = std::mem::replace(&mut self.phase, Phase::Idle) else { return };
            let call = Call::UpdatePipeline { block: w.block, gs: w.gs, nodes: w.pipeline.clone() };
            let gs = w.gs;
            self.phase = Phase::UpdatePipeline(w, gs);
            return self.call(call, c, out);
        }
        let acked = (seqno + 1) * c.chunk_bytes;
        if acked <= w.acked_len {
            return;
        }
        w.acked_len = acked.min(w.sent_len);
        w.acked_gs = gs;
        if !streaming {
            return;
        }
        if w.acked_len < c.block_bytes() {
            out.set_timer(HdfsTimer::AckTimeout, c.ack_timeout_us * 2, c.ack_timeout_us * 2);
            return self.pump(c, out);
        }
        self.finish_block_if_acked(c, out);
    }

    /// Once every byte of the block is acked (and its stamp recorded): the next block, or
    /// complete the file.
    fn finish_block_if_acked(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Phase::Stream(w) = &self.phase else { return };
        if w.acked_len < c.block_bytes() {
            out.set_timer(HdfsTimer::AckTimeout, c.ack_timeout_us * 2, c.ack_timeout_us * 2);
            return self.pump(c, out);
        }
        out.cancel_timer(HdfsTimer::AckTimeout);
        self.blocks_written += 1;
        let Phase::Stream(w) = &self.phase else { return };
        let (file, index, last) = (w.file, w.index, (w.block, w.acked_len));
        if index + 1 < c.blocks_per_file {
            self.allocate(file, index + 1, Some(last), c, out);
        } else {
            self.phase = Phase::Complete { file };
            self.call(Call::Complete { file, last: Some(last) }, c, out);
        }
    }

    /// Drop the stage that went silent and ask for a new stamp (or give the file up).
    fn recover_pipeline(&mut self, bad: NodeId, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Phase::Stream(mut w) = std::mem::replace(&mut self.phase, Phase::Idle) else { return };
        out.cancel_timer(HdfsTimer::AckTimeout);
        self.pipeline_recoveries += 1;
        w.pipeline.retain(|&n| n != bad);
        if w.pipeline.is_empty() {
            return self.give_up(w.file, c, out);
        }
        let block = w.block;
        self.phase = Phase::NewStamp(w);
        self.call(Call::UpdateBlockForPipeline { block }, c, out);
    }

    fn read_next(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        loop {
            let Phase::Read { blocks, at, tried, .. } = &mut self.phase else { return };
            let Some((block, gs, len, nodes)) = blocks.get(*at) else { return self.rest(c, out) };
            if let Some(&node) = nodes.get(*tried) {
                self.read_id += 1;
                out.send(node, HdfsMsg::ReadBlock { call_id: self.read_id, block: *block, gs: *gs, len: *len });
                out.set_timer(HdfsTimer::ReadTimeout, c.rpc_timeout_us, c.rpc_timeout_us);
                return;
            }
            self.read_failures += 1; // "Could not obtain block": no replica left to try
            *at += 1;
            *tried = 0;
        }
    }

    fn block_data(&mut self, from: NodeId, block: BlockId, data: Vec<u8>, sums: Vec<u32>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Phase::Read { blocks, at, tried, .. } = &mut self.phase else { return };
        let Some(&(want, _, len, _)) = blocks.get(*at) else { return };
        out.cancel_timer(HdfsTimer::ReadTimeout);
        let chunks: Vec<&[u8]> = data.chunks(c.chunk_bytes as usize).collect();
        let ok = want == block && data.len() as u32 == len && chunks.len() == sums.len() && chunks.iter().zip(&sums).all(|(d, s)| crc32c(d) == *s);
        if ok {
            self.reads_total += 1;
            if self.reads.len() == READS_KEPT {
                self.reads.remove(0);
            }
            self.reads.push(ReadResult { block, len, from, data });
            *at += 1;
            *tried = 0;
        } else {
            out.send(NAMENODE, HdfsMsg::ReportBadBlocks { block: want, node: from });
            *tried += 1;
        }
        self.read_next(c, out);
    }

    fn read_failed(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        out.cancel_timer(HdfsTimer::ReadTimeout);
        if let Phase::Read { tried, .. } = &mut self.phase {
            *tried += 1;
        }
        self.read_next(c, out);
    }

    pub fn on_timer(&mut self, timer: HdfsTimer, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match timer {
            HdfsTimer::NextFile if matches!(self.phase, Phase::Idle) => self.next_file(c, out),
            HdfsTimer::RpcTimeout => {
                let Some(call) = self.call.clone() else { return };
                if self.fresh_call {
                    self.call(call, c, out);
                } else {
                    out.send(NAMENODE, HdfsMsg::Rpc { call_id: self.call_id, holder: self.holder, call });
                    out.set_timer(HdfsTimer::RpcTimeout, c.rpc_timeout_us, c.rpc_timeout_us);
                }
            }
            HdfsTimer::AckTimeout => {
                if let Phase::Stream(w) = &self.phase {
                    if w.sent_len > w.acked_len {
                        let head = w.pipeline[0];
                        self.recover_pipeline(head, c, out);
                    }
                }
            }
            HdfsTimer::RenewLease => {
                if !matches!(self.phase, Phase::Done) {
                    out.send(NAMENODE, HdfsMsg::RenewLease { holder: self.holder });
                    out.set_timer(HdfsTimer::RenewLease, c.lease_limit_us / 3, c.lease_limit_us / 3);
                }
            }
            HdfsTimer::ReadTimeout => self.read_failed(c, out),
            _ => {}
        }
    }
}
