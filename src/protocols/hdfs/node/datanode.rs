//! A DataNode (HdfsDesign.md; HDFS-265): replicas on disk with a checksum per chunk; a
//! pipeline stage that writes and syncs each packet (hsync) before passing it on, and acks
//! upstream only once every stage below has acked (the tail acks first), naming a stage
//! below that went silent; heartbeats that carry the NameNode's commands back, full block
//! reports, `blockReceived` when a replica is finalized; block copies for re-replication,
//! checksums verified by the sender and the receiver; a block scanner; and block recovery,
//! as its primary or as one of the replicas.

use super::super::config::{HdfsConfig, NAMENODE};
use super::super::data::{BlockId, Gs, Replica, ReplicaState, ReplicaWrite, Replicas};
use super::super::msg::{Command, HdfsMsg, Reported};
use super::super::Hdfs;
use super::{write_replica, HdfsTimer};
use crate::sim::{NodeId, Out};
use crate::sim::sorted::{SortedMap, SortedSet};

/// A pipeline this node is a stage of.
#[derive(Clone, Debug)]
pub struct Stage {
    pub gs: Gs,
    pub upstream: NodeId,
    pub downstream: Option<NodeId>,
    /// Packets passed on whose ack has not come back.
    pub waiting: SortedSet<u32>,
}

/// A packet that came ahead of an earlier one of its block, held until that one is in.
#[derive(Clone, Debug)]
pub struct Early {
    pub from: NodeId,
    pub gs: Gs,
    pub seqno: u32,
    pub data: Vec<u8>,
    pub sum: u32,
    pub last: bool,
    pub downstream: Vec<NodeId>,
}

/// The most packets a DataNode holds back at once.
const EARLY_MAX: usize = 64;

/// A block recovery this node leads.
#[derive(Clone, Debug)]
pub struct Recovery {
    /// Replicas older than the block's stamp at the NameNode take no part.
    pub min_gs: Gs,
    pub recovery_id: Gs,
    pub nodes: Vec<NodeId>,
    pub infos: SortedMap<NodeId, Option<Reported>>,
    /// Once decided: the length and the replicas told to take it.
    pub len: Option<u32>,
    pub told: Vec<NodeId>,
    pub updated: SortedSet<NodeId>,
}

#[derive(Clone, Debug)]
pub struct DataNode {
    pub id: NodeId,
    pub rack: u32,
    pub replicas: Replicas,
    pub stages: SortedMap<BlockId, Stage>,
    /// The newest recovery id each replica under recovery has seen: older writers are fenced.
    pub fenced: SortedMap<BlockId, Gs>,
    pub recoveries: SortedMap<BlockId, Recovery>,
    /// The newest recovery id this node has led each block's recovery under.
    pub led: SortedMap<BlockId, Gs>,
    /// Packets held until the one before them is in: (block, offset).
    pub early: SortedMap<(BlockId, u32), Early>,
    scan_next: BlockId,
    pub bytes_received: u64,
    pub copies_sent: u32,
    pub bad_found: u32,
}

impl DataNode {
    pub fn new(id: NodeId, c: &HdfsConfig) -> Self {
        DataNode { id, rack: c.rack_of(id), replicas: Replicas::new(), stages: SortedMap::new(), fenced: SortedMap::new(), recoveries: SortedMap::new(), led: SortedMap::new(), early: SortedMap::new(), scan_next: 0, bytes_received: 0, copies_sent: 0, bad_found: 0 }
    }

    pub fn boot(&mut self, replicas: Replicas, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.replicas = replicas;
        // Registration at startup carries a full block report.
        out.send(NAMENODE, HdfsMsg::BlockReport { replicas: self.report() });
        out.send(NAMENODE, HdfsMsg::Heartbeat);
        out.set_timer(HdfsTimer::Heartbeat, c.heartbeat_us, c.heartbeat_us);
        out.set_timer(HdfsTimer::BlockReport, c.block_report_us, c.block_report_us);
        out.set_timer(HdfsTimer::BlockScanner, c.scan_us, c.scan_us);
    }

    fn reported(r: &Replica) -> Reported {
        Reported { gs: r.gs, len: r.len(), finalized: r.finalized() }
    }

    fn report(&self) -> Vec<(BlockId, Reported)> {
        self.replicas.iter().map(|(b, r)| (*b, Self::reported(r))).collect()
    }

    pub fn on_message(&mut self, from: NodeId, msg: HdfsMsg, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match msg {
            HdfsMsg::Packet { block, gs, seqno, offset, data, sum, last, downstream } => self.packet(from, block, gs, seqno, offset, data, sum, last, downstream, c, out),
            HdfsMsg::PipelineAck { block, gs, seqno, bad } => self.downstream_ack(block, gs, seqno, bad, c, out),
            HdfsMsg::ReadBlock { call_id, block, gs, len } => {
                let msg = match self.replicas.get(&block) {
                    Some(r) if r.finalized() && r.gs == gs && r.len() >= len => {
                        let (data, sums) = r.prefix(len, c.chunk_bytes);
                        HdfsMsg::BlockData { call_id, block, data, sums }
                    }
                    _ => HdfsMsg::ReadError { call_id, block },
                };
                out.send(from, msg);
            }
            HdfsMsg::HeartbeatResponse { commands } => {
                for cmd in commands {
                    self.command(cmd, c, out);
                }
            }
            HdfsMsg::TransferBlock { block, gs, data, sums } => self.receive_copy(block, gs, data, sums, c, out),
            HdfsMsg::InitReplicaRecovery { block, recovery_id } => {
                let replica = self.init_recovery(block, recovery_id);
                out.send(from, HdfsMsg::ReplicaRecoveryInfo { block, recovery_id, replica });
            }
            HdfsMsg::ReplicaRecoveryInfo { block, recovery_id, replica } => self.recovery_info(from, block, recovery_id, replica, c, out),
            HdfsMsg::UpdateReplicaUnderRecovery { block, recovery_id, len } => {
                if self.update_under_recovery(block, recovery_id, len, c, out) {
                    out.send(from, HdfsMsg::ReplicaUpdated { block, recovery_id });
                }
            }
            HdfsMsg::ReplicaUpdated { block, recovery_id } => self.replica_updated(from, block, recovery_id, out),
            _ => {}
        }
    }

    /// One packet down the pipeline: write it (and sync: hsync) if it is the next one, pass
    /// it on as received (a copy of one already written is passed on again, so a lost ack
    /// comes back), and ack upstream when this is the tail.
    #[allow(clippy::too_many_arguments)]
    fn packet(&mut self, from: NodeId, block: BlockId, gs: Gs, seqno: u32, offset: u32, data: Vec<u8>, sum: u32, last: bool, downstream: Vec<NodeId>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if self.fenced.get(&block).is_some_and(|&id| id > gs) {
            return; // block recovery has begun: the old writer is fenced
        }
        let end = offset + data.len() as u32;
        let have = self.replicas.get(&block).map(|r| (r.gs, r.len(), r.finalized()));
        let fresh = match have {
            None if offset == 0 => true,
            Some((rgs, len, _)) if gs > rgs && offset <= len => true,
            Some((rgs, len, _)) if gs == rgs && end <= len => false, // a copy of one already written: pass it on again, write nothing
            Some((rgs, len, _)) if gs == rgs && offset == len => true,
            Some((rgs, _, _)) if gs < rgs => return, // an older pipeline's packet
            _ => {
                // Ahead of a packet still on its way: held until that one is in, as the TCP
                // stream a DataNode reads its pipeline from would hold it.
                if self.early.len() < EARLY_MAX {
                    self.early.insert((block, offset), Early { from, gs, seqno, data, sum, last, downstream });
                }
                return;
            }
        };
        if fresh {
            self.bytes_received += data.len() as u64;
            write_replica(&mut self.replicas, ReplicaWrite::Chunk { block, gs, offset, data: data.clone(), sum, chunk_bytes: c.chunk_bytes }, out);
            if !c.has_bug("ack_before_sync") {
                out.sync();
            }
            if have.is_none() {
                // HDFS's incremental report of a replica being received (RECEIVING_BLOCK):
                // the NameNode learns where a block under construction lives.
                let replica = Self::reported(&self.replicas[&block]);
                out.send(NAMENODE, HdfsMsg::BlockReceived { block, replica });
            }
            if last {
                self.finalize(block, out);
            }
        }
        let next = downstream.first().copied();
        let stage = self.stages.entry(block).or_insert(Stage { gs, upstream: from, downstream: next, waiting: SortedSet::new() });
        if stage.gs != gs || stage.upstream != from || stage.downstream != next {
            *stage = Stage { gs, upstream: from, downstream: next, waiting: SortedSet::new() };
        }
        let head_acks_now = c.has_bug("ack_before_tail") && from == super::super::config::CLIENT;
        match next {
            Some(d) => {
                let rest = downstream[1..].to_vec();
                stage.waiting.insert(seqno);
                out.send(d, HdfsMsg::Packet { block, gs, seqno, offset, data, sum, last, downstream: rest });
                out.set_timer(HdfsTimer::DownstreamAck(block), c.ack_timeout_us, c.ack_timeout_us);
                if head_acks_now {
                    out.send(from, HdfsMsg::PipelineAck { block, gs, seqno, bad: None });
                }
            }
            None => out.send(from, HdfsMsg::PipelineAck { block, gs, seqno, bad: None }),
        }
        let len = self.replicas.get(&block).map_or(0, Replica::len);
        if let Some(e) = self.early.remove(&(block, len)) {
            if e.gs == gs {
                self.packet(e.from, block, e.gs, e.seqno, len, e.data, e.sum, e.last, e.downstream, c, out);
            }
        }
    }

    fn finalize(&mut self, block: BlockId, out: &mut Out<Hdfs>) {
        write_replica(&mut self.replicas, ReplicaWrite::Finalize { block }, out);
        out.sync();
        let replica = Self::reported(&self.replicas[&block]);
        out.send(NAMENODE, HdfsMsg::BlockReceived { block, replica });
    }

    /// An ack from below: pass it up (the bug `ack_before_tail` has the head ack at once
    /// instead, so it drops these).
    fn downstream_ack(&mut self, block: BlockId, gs: Gs, seqno: u32, bad: Option<NodeId>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(stage) = self.stages.get_mut(&block) else { return };
        if stage.gs != gs {
            return;
        }
        stage.waiting.retain(|&s| s > seqno);
        if stage.waiting.is_empty() {
            out.cancel_timer(HdfsTimer::DownstreamAck(block));
        }
        let upstream = stage.upstream;
        if !(c.has_bug("ack_before_tail") && upstream == super::super::config::CLIENT && bad.is_none()) {
            out.send(upstream, HdfsMsg::PipelineAck { block, gs, seqno, bad });
        }
    }

    /// The stage below went silent: tell the stage above which one it was.
    fn downstream_silent(&mut self, block: BlockId, out: &mut Out<Hdfs>) {
        let Some(stage) = self.stages.get_mut(&block) else { return };
        let Some(&seqno) = stage.waiting.iter().next() else { return };
        stage.waiting.clear();
        out.send(stage.upstream, HdfsMsg::PipelineAck { block, gs: stage.gs, seqno, bad: stage.downstream });
    }

    fn command(&mut self, cmd: Command, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match cmd {
            Command::Register => out.send(NAMENODE, HdfsMsg::BlockReport { replicas: self.report() }),
            Command::Invalidate { block } => {
                if self.replicas.contains_key(&block) {
                    write_replica(&mut self.replicas, ReplicaWrite::Remove { block }, out);
                    self.stages.remove(&block);
                }
                if c.version >= 5 {
                    out.send(NAMENODE, HdfsMsg::BlockDeleted { block });
                }
            }
            Command::Transfer { block, gs, len, target } => self.transfer(block, gs, len, target, c, out),
            Command::Verify { block } => match self.replicas.get(&block) {
                Some(r) if r.finalized() && r.verifies(c.chunk_bytes) => out.send(NAMENODE, HdfsMsg::BlockReceived { block, replica: Self::reported(r) }),
                Some(_) => out.send(NAMENODE, HdfsMsg::ReportBadBlocks { block, node: self.id }),
                None => {}
            },
            Command::Recover { block, gs, recovery_id, nodes } => {
                // A command seen before (a heartbeat response delivered twice, or held and
                // released late) must not start the same recovery again: two decisions under
                // one recovery id could cut replicas to different lengths.
                let led = self.led.get(&block).is_some_and(|&id| id >= recovery_id);
                if led || self.replicas.get(&block).is_some_and(|r| r.gs >= recovery_id) {
                    return;
                }
                self.led.insert(block, recovery_id);
                let infos = SortedMap::new();
                self.recoveries.insert(block, Recovery { min_gs: gs, recovery_id, nodes: nodes.clone(), infos, len: None, told: Vec::new(), updated: SortedSet::new() });
                for n in nodes {
                    if n == self.id {
                        let replica = self.init_recovery(block, recovery_id);
                        self.recovery_info(n, block, recovery_id, replica, c, out);
                    } else {
                        out.send(n, HdfsMsg::InitReplicaRecovery { block, recovery_id });
                    }
                }
                out.set_timer(HdfsTimer::RecoveryWait(block), c.recovery_wait_us, c.recovery_wait_us);
            }
        }
    }

    /// Re-replication's source: send the replica if it is the one asked for and its
    /// checksums hold; report it bad if not (the bugs skip the stamp or the checksum check).
    fn transfer(&mut self, block: BlockId, gs: Gs, len: u32, target: NodeId, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(r) = self.replicas.get(&block) else { return };
        if !c.has_bug("stale_source") && !(r.finalized() && r.gs == gs && r.len() >= len) {
            return;
        }
        if !c.has_bug("no_checksum_on_copy") && !r.verifies(c.chunk_bytes) {
            self.bad_found += 1;
            return out.send(NAMENODE, HdfsMsg::ReportBadBlocks { block, node: self.id });
        }
        let (data, sums) = r.prefix(len, c.chunk_bytes);
        self.copies_sent += 1;
        out.send(target, HdfsMsg::TransferBlock { block, gs, data, sums });
    }

    /// Re-replication's target: store the copy, finalized, if its checksums hold.
    fn receive_copy(&mut self, block: BlockId, gs: Gs, data: Vec<u8>, sums: Vec<u32>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if self.replicas.get(&block).is_some_and(|r| r.gs >= gs) {
            return; // already has it
        }
        let replica = Replica { gs, state: ReplicaState::Finalized, data, sums };
        if !c.has_bug("no_checksum_on_copy") && !replica.verifies(c.chunk_bytes) {
            return;
        }
        self.bytes_received += u64::from(replica.len());
        let reported = Self::reported(&replica);
        write_replica(&mut self.replicas, ReplicaWrite::Store { block, replica }, out);
        out.sync();
        out.send(NAMENODE, HdfsMsg::BlockReceived { block, replica: reported });
    }

    /// `initReplicaRecovery`: fence writers older than the recovery and say what is held.
    fn init_recovery(&mut self, block: BlockId, recovery_id: Gs) -> Option<Reported> {
        if self.fenced.get(&block).is_some_and(|&id| id > recovery_id) {
            return None;
        }
        self.fenced.insert(block, recovery_id);
        self.stages.remove(&block);
        self.replicas.get(&block).map(Self::reported)
    }

    fn recovery_info(&mut self, from: NodeId, block: BlockId, recovery_id: Gs, replica: Option<Reported>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(rec) = self.recoveries.get_mut(&block) else { return };
        if rec.recovery_id != recovery_id || rec.len.is_some() {
            return;
        }
        rec.infos.insert(from, replica);
        if rec.infos.len() == rec.nodes.len() {
            self.decide_recovery(block, c, out);
        }
    }

    /// The replicas with the newest stamp are cut to the shortest of them (every byte
    /// acknowledged to the writer is on each), stamped with the recovery id and finalized.
    fn decide_recovery(&mut self, block: BlockId, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(rec) = self.recoveries.get_mut(&block) else { return };
        let newest = rec.infos.values().flatten().map(|r| r.gs).filter(|&g| g >= rec.min_gs).max();
        let Some(newest) = newest else {
            // No replica at the block's stamp: empty only if every node answered and none
            // holds any (one that did not answer may hold it; an older one is stale).
            let (gs, everyone) = (rec.recovery_id, rec.infos.len() == rec.nodes.len() && rec.infos.values().all(Option::is_none));
            self.recoveries.remove(&block);
            if everyone {
                out.send(NAMENODE, HdfsMsg::CommitBlockSynchronization { block, gs, len: 0, nodes: Vec::new() });
            }
            return;
        };
        let holders: Vec<(NodeId, u32)> = rec.infos.iter().filter_map(|(n, r)| r.filter(|r| r.gs == newest).map(|r| (*n, r.len))).collect();
        let len = holders.iter().map(|(_, l)| *l).min().unwrap_or(0);
        rec.len = Some(len);
        rec.told = holders.iter().map(|(n, _)| *n).collect();
        let (recovery_id, told) = (rec.recovery_id, rec.told.clone());
        for n in told {
            if n == self.id {
                if self.update_under_recovery(block, recovery_id, len, c, out) {
                    self.replica_updated(n, block, recovery_id, out);
                }
            } else {
                out.send(n, HdfsMsg::UpdateReplicaUnderRecovery { block, recovery_id, len });
            }
        }
        out.set_timer(HdfsTimer::RecoveryWait(block), c.recovery_wait_us, c.recovery_wait_us);
    }

    fn update_under_recovery(&mut self, block: BlockId, recovery_id: Gs, len: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) -> bool {
        if self.fenced.get(&block).is_some_and(|&id| id > recovery_id) {
            return false;
        }
        match self.replicas.get(&block) {
            None => return false,
            // Already recovered under this id: the same answer again, never a second length.
            Some(r) if r.gs >= recovery_id => return r.gs == recovery_id && r.len() == len,
            Some(_) => {}
        }
        write_replica(&mut self.replicas, ReplicaWrite::Recover { block, gs: recovery_id, len, chunk_bytes: c.chunk_bytes }, out);
        out.sync();
        true
    }

    fn replica_updated(&mut self, from: NodeId, block: BlockId, recovery_id: Gs, out: &mut Out<Hdfs>) {
        let Some(rec) = self.recoveries.get_mut(&block) else { return };
        if rec.recovery_id != recovery_id {
            return;
        }
        rec.updated.insert(from);
        if rec.updated.len() == rec.told.len() {
            self.commit_recovery(block, out);
        }
    }

    fn commit_recovery(&mut self, block: BlockId, out: &mut Out<Hdfs>) {
        let Some(rec) = self.recoveries.remove(&block) else { return };
        out.cancel_timer(HdfsTimer::RecoveryWait(block));
        let nodes: Vec<NodeId> = rec.updated.iter().copied().collect();
        let len = if nodes.is_empty() { 0 } else { rec.len.unwrap_or(0) };
        out.send(NAMENODE, HdfsMsg::CommitBlockSynchronization { block, gs: rec.recovery_id, len, nodes });
    }

    pub fn on_timer(&mut self, timer: HdfsTimer, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match timer {
            HdfsTimer::Heartbeat => {
                out.send(NAMENODE, HdfsMsg::Heartbeat);
                out.set_timer(HdfsTimer::Heartbeat, c.heartbeat_us, c.heartbeat_us);
            }
            HdfsTimer::BlockReport => {
                out.send(NAMENODE, HdfsMsg::BlockReport { replicas: self.report() });
                out.set_timer(HdfsTimer::BlockReport, c.block_report_us, c.block_report_us);
            }
            HdfsTimer::BlockScanner => {
                self.scan(c, out);
                out.set_timer(HdfsTimer::BlockScanner, c.scan_us, c.scan_us);
            }
            HdfsTimer::DownstreamAck(block) => self.downstream_silent(block, out),
            HdfsTimer::RecoveryWait(block) => self.recovery_wait(block, c, out),
            _ => {}
        }
    }

    /// The block scanner: verify the next finalized replica; report it if it fails.
    fn scan(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let next = self.replicas.range(self.scan_next..).chain(self.replicas.range(..self.scan_next)).find(|(_, r)| r.finalized()).map(|(b, r)| (*b, r.verifies(c.chunk_bytes)));
        let Some((block, ok)) = next else { return };
        self.scan_next = block + 1;
        if !ok {
            self.bad_found += 1;
            out.send(NAMENODE, HdfsMsg::ReportBadBlocks { block, node: self.id });
        }
    }

    /// The primary stops waiting: decide with the answers in, or commit the replicas updated.
    fn recovery_wait(&mut self, block: BlockId, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(rec) = self.recoveries.get(&block) else { return };
        if rec.len.is_none() {
            if rec.infos.is_empty() {
                self.recoveries.remove(&block);
                return; // nobody answered: the NameNode tries again
            }
            return self.decide_recovery(block, c, out);
        }
        if rec.updated.is_empty() {
            self.recoveries.remove(&block);
            return;
        }
        self.commit_recovery(block, out);
    }
}
