//! The NameNode (HdfsDesign.md; HDFS-265 for leases and recovery): the namespace and its
//! edit log (synced before any call is answered), blocks with their generation stamps and
//! replica locations (not logged: rebuilt from block reports after a restart, in safe
//! mode until every complete block has a replica), heartbeats and the dead-node timeout,
//! the under-replication queue and pending copies, excess and corrupt replicas, leases and
//! lease recovery through a primary DataNode, and a retry cache per client so that a
//! retried call is answered as it was the first time. What it learns from DataNodes and the
//! replication monitor are in `reports`, leases and their recovery in `leases`.

use super::super::config::{HdfsConfig, FIRST_DATANODE};
use super::super::data::{BlockId, Gs};
use super::super::msg::{Answer, Call, Command, HdfsMsg, Holder, Reported};
use super::super::Hdfs;
use super::placement::{choose_targets, spans_racks};
use super::{DiskWrite, HdfsTimer};
use crate::sim::{LogWrite, NodeId, Out, TimeUs};
use crate::sim::sorted::{SortedMap, SortedSet};

mod leases;
mod reports;

/// An edit log record (HDFS's `OP_ADD`, `OP_ADD_BLOCK`, `OP_UPDATE_BLOCKS`,
/// `OP_SET_GENSTAMP_V2`, `OP_CLOSE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Add { file: u32, holder: Holder },
    AddBlock { file: u32, block: BlockId, gs: Gs },
    /// A block's new stamp, and its committed length once known.
    UpdateBlock { block: BlockId, gs: Gs, len: Option<u32> },
    /// A last block that recovery found empty.
    RemoveBlock { file: u32, block: BlockId },
    GenStamp { gs: Gs },
    /// Lease recovery began: the NameNode holds the file now (`OP_REASSIGN_LEASE`), so a
    /// restart carries on with the recovery rather than handing the file back.
    ReassignLease { file: u32 },
    Close { file: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockState {
    UnderConstruction,
    /// Its length is known (the writer moved on) but no replica of that length is reported.
    Committed,
    Complete,
}

#[derive(Clone, Debug)]
pub struct BlockMeta {
    pub file: u32,
    pub gs: Gs,
    pub len: u32,
    pub state: BlockState,
    /// The pipeline the writer was given (under construction).
    pub expected: Vec<NodeId>,
    pub replicas: SortedMap<NodeId, Reported>,
    /// Replicas reported failing their checksums, kept until enough good ones exist.
    pub corrupt: SortedSet<NodeId>,
    /// DataNodes told to delete their replica that have not yet reported it gone (version 5;
    /// HDFS's invalidate and excess sets): their reports of it do not count, and none of them
    /// is a copy target for it. Forgotten for a node marked dead.
    pub deleting: SortedSet<NodeId>,
}

#[derive(Clone, Debug)]
pub struct FileMeta {
    /// The lease holder while the file is open; `None` once the NameNode took it over.
    pub holder: Option<Holder>,
    pub blocks: Vec<BlockId>,
    pub closed: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct DnInfo {
    pub last_heartbeat_us: TimeUs,
    pub alive: bool,
}

#[derive(Clone, Debug, Default)]
pub struct NameNode {
    pub n: u32,
    pub files: SortedMap<u32, FileMeta>,
    pub blocks: SortedMap<BlockId, BlockMeta>,
    pub gs: Gs,
    pub next_block: BlockId,
    pub datanodes: SortedMap<NodeId, DnInfo>,
    pub commands: SortedMap<NodeId, Vec<Command>>,
    pub under: SortedSet<BlockId>,
    /// Copies scheduled: block → (target, deadline).
    pub pending: SortedMap<BlockId, (NodeId, TimeUs)>,
    leases: SortedMap<Holder, TimeUs>,
    /// Block recoveries under way: block → (recovery id, started).
    pub recovering: SortedMap<BlockId, (Gs, TimeUs)>,
    pub safe_mode: bool,
    booted_us: TimeUs,
    retry_cache: SortedMap<Holder, (u64, Answer)>,
    /// The newest call number each client has made.
    newest_call: SortedMap<Holder, u64>,
    /// When a block whose every replica is marked corrupt may be rescanned again.
    rescans: SortedMap<BlockId, TimeUs>,
    /// When each DataNode's latest full block report came in (this boot).
    reported: SortedMap<NodeId, TimeUs>,
    /// When this boot's NameNode began each file's lease recovery.
    recovering_files: SortedMap<u32, TimeUs>,
    /// Bytes copied by re-replication, and when each copy was reported (the storm plot).
    pub rereplicated_bytes: u64,
    pub copies: Vec<(TimeUs, u64)>,
    pub marked_dead: u32,
    pub invalidated: u32,
    /// The scenario's semantics version (see `HdfsConfig::version`).
    version: u32,
}

/// The first generation stamp (HDFS reserves those below 1000).
pub const FIRST_GS: Gs = 1000;

impl NameNode {
    pub fn new(n: u32, c: &HdfsConfig) -> Self {
        NameNode { n, gs: FIRST_GS, next_block: 1, version: c.version, ..NameNode::default() }
    }

    pub fn boot(&mut self, edits: Vec<Edit>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        for e in edits {
            self.apply_edit(e);
        }
        let now = out.now();
        let holders: SortedSet<Holder> = self.files.values().filter(|f| !f.closed).filter_map(|f| f.holder).collect();
        self.leases = holders.into_iter().map(|h| (h, now)).collect();
        self.safe_mode = true;
        self.booted_us = now;
        out.set_timer(HdfsTimer::HeartbeatCheck, c.recheck_us, c.recheck_us);
        out.set_timer(HdfsTimer::ReplicationMonitor, c.replication_check_us, c.replication_check_us);
        out.set_timer(HdfsTimer::LeaseMonitor, c.replication_check_us, c.replication_check_us);
    }

    fn apply_edit(&mut self, e: Edit) {
        match e {
            Edit::Add { file, holder } => {
                self.files.insert(file, FileMeta { holder: Some(holder), blocks: Vec::new(), closed: false });
            }
            Edit::AddBlock { file, block, gs } => {
                if let Some(f) = self.files.get_mut(&file) {
                    f.blocks.push(block);
                }
                let meta = BlockMeta { file, gs, len: 0, state: BlockState::UnderConstruction, expected: Vec::new(), replicas: SortedMap::new(), corrupt: SortedSet::new(), deleting: SortedSet::new() };
                self.blocks.insert(block, meta);
                self.next_block = self.next_block.max(block + 1);
                self.gs = self.gs.max(gs);
            }
            Edit::UpdateBlock { block, gs, len } => {
                self.gs = self.gs.max(gs);
                if let Some(b) = self.blocks.get_mut(&block) {
                    b.gs = gs;
                    if let Some(len) = len {
                        b.len = len;
                        if b.state == BlockState::UnderConstruction {
                            b.state = BlockState::Committed;
                        }
                    }
                }
            }
            Edit::RemoveBlock { file, block } => {
                self.blocks.remove(&block);
                if let Some(f) = self.files.get_mut(&file) {
                    f.blocks.retain(|&b| b != block);
                }
            }
            Edit::GenStamp { gs } => self.gs = self.gs.max(gs),
            Edit::ReassignLease { file } => {
                if let Some(f) = self.files.get_mut(&file) {
                    f.holder = None;
                }
            }
            Edit::Close { file } => {
                if let Some(f) = self.files.get_mut(&file) {
                    f.closed = true;
                    f.holder = None;
                }
            }
        }
    }

    /// Log an edit (synced before the answer it leads to) and apply it.
    fn log(&mut self, e: Edit, out: &mut Out<Hdfs>) {
        out.write(DiskWrite::Edit(LogWrite::Append(e.clone())));
        self.apply_edit(e);
    }

    fn new_stamp(&mut self, out: &mut Out<Hdfs>) -> Gs {
        let gs = self.gs + 1;
        self.log(Edit::GenStamp { gs }, out);
        gs
    }

    pub fn alive(&self, d: NodeId) -> bool {
        self.datanodes.get(&d).is_some_and(|i| i.alive)
    }

    fn live_datanodes(&self) -> Vec<NodeId> {
        self.datanodes.iter().filter(|(_, i)| i.alive).map(|(&d, _)| d).collect()
    }

    /// A replica the NameNode counts: finalized with the block's stamp and length (the bug
    /// `stale_source` does not compare stamps or lengths, so a stale replica counts).
    pub fn good(&self, b: &BlockMeta, r: &Reported, c: &HdfsConfig) -> bool {
        c.has_bug("stale_source") || (r.finalized && r.gs == b.gs && r.len == b.len)
    }

    /// The live DataNodes holding a good, uncorrupted replica of `block`.
    pub fn live_good(&self, block: BlockId, c: &HdfsConfig) -> Vec<NodeId> {
        let Some(b) = self.blocks.get(&block) else { return Vec::new() };
        b.replicas.iter().filter(|(d, r)| self.alive(**d) && !b.corrupt.contains(d) && self.good(b, r, c)).map(|(&d, _)| d).collect()
    }

    /// Too few good replicas, or all on one rack while another rack has a live DataNode
    /// (mis-replicated: HDFS queues it too, copies to another rack, then drops the excess).
    fn needs_copy(&self, good: &[NodeId], c: &HdfsConfig) -> bool {
        let other_rack = |g: &[NodeId]| self.live_datanodes().iter().any(|&d| g.first().is_some_and(|&f| c.rack_of(d) != c.rack_of(f)));
        // The bug `rack_unaware` is a NameNode without a topology: every node on one rack.
        let racks_known = !c.has_bug("rack_unaware");
        good.len() < c.replication as usize || (racks_known && !spans_racks(good, c) && other_rack(good))
    }

    fn command(&mut self, d: NodeId, cmd: Command) {
        if let Command::Invalidate { block } = cmd {
            self.invalidated += 1;
            if let Some(b) = self.blocks.get_mut(&block).filter(|_| self.version >= 5) {
                b.deleting.insert(d);
            }
        }
        self.commands.entry(d).or_default().push(cmd);
    }

    pub fn on_message(&mut self, from: NodeId, msg: HdfsMsg, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match msg {
            HdfsMsg::Rpc { call_id, holder, call } => self.rpc(from, call_id, holder, call, c, out),
            HdfsMsg::RenewLease { holder } => {
                if self.files.values().any(|f| !f.closed && f.holder == Some(holder)) {
                    self.leases.insert(holder, out.now());
                }
            }
            HdfsMsg::ReportBadBlocks { block, node } => self.mark_corrupt(block, node, c),
            HdfsMsg::Heartbeat => self.heartbeat(from, out),
            HdfsMsg::BlockReport { replicas } => self.block_report(from, replicas, c, out),
            HdfsMsg::BlockReceived { block, replica } => {
                if self.alive(from) {
                    self.add_replica(from, block, replica, true, c, out);
                }
            }
            HdfsMsg::BlockDeleted { block } => self.block_deleted(from, block, c),
            HdfsMsg::CommitBlockSynchronization { block, gs, len, nodes } => self.commit_block_sync(block, gs, len, nodes, c, out),
            _ => {}
        }
    }

    fn rpc(&mut self, from: NodeId, call_id: u64, holder: Holder, call: Call, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if let Some((id, answer)) = self.retry_cache.get(&holder) {
            if *id == call_id {
                let answer = answer.clone();
                return out.send(from, HdfsMsg::RpcReply { call_id, answer });
            }
        }
        // A client makes one call at a time, numbered up: an older number is a copy of a
        // call already answered, delivered late (it must not allocate a block again).
        if self.newest_call.get(&holder).is_some_and(|&newest| call_id < newest) {
            return;
        }
        self.newest_call.insert(holder, call_id);
        let answer = self.answer(holder, call, c, out);
        if answer != Answer::Retry {
            self.retry_cache.insert(holder, (call_id, answer.clone()));
        }
        out.sync();
        out.send(from, HdfsMsg::RpcReply { call_id, answer });
    }

    fn holds(&self, file: u32, holder: Holder) -> bool {
        self.files.get(&file).is_some_and(|f| !f.closed && f.holder == Some(holder))
    }

    fn answer(&mut self, holder: Holder, call: Call, c: &HdfsConfig, out: &mut Out<Hdfs>) -> Answer {
        let mutates = !matches!(call, Call::GetBlockLocations { .. });
        if self.safe_mode && mutates {
            return Answer::Retry;
        }
        match call {
            Call::Create { file } => match self.files.get(&file) {
                Some(f) if f.holder == Some(holder) => Answer::Created,
                Some(_) => Answer::Refused,
                None => {
                    self.log(Edit::Add { file, holder }, out);
                    self.leases.insert(holder, out.now());
                    Answer::Created
                }
            },
            Call::AddBlock { file, previous } => self.add_block(holder, file, previous, c, out),
            Call::UpdateBlockForPipeline { block } => {
                let ok = self.blocks.get(&block).is_some_and(|b| b.state == BlockState::UnderConstruction && self.holds(b.file, holder));
                if !ok {
                    return Answer::Refused;
                }
                Answer::NewStamp { gs: self.new_stamp(out) }
            }
            Call::UpdatePipeline { block, gs, nodes } => {
                let ok = self.blocks.get(&block).is_some_and(|b| b.state == BlockState::UnderConstruction && gs > b.gs && self.holds(b.file, holder));
                if !ok {
                    return Answer::Refused;
                }
                self.log(Edit::UpdateBlock { block, gs, len: None }, out);
                if let Some(b) = self.blocks.get_mut(&block) {
                    b.expected = nodes;
                }
                Answer::Done
            }
            Call::Complete { file, last } => self.complete(holder, file, last, c, out),
            Call::RecoverLease { file } => {
                if self.holds(file, holder) {
                    self.recover_file(file, c, out);
                }
                Answer::Done
            }
            Call::GetBlockLocations { file } => {
                let Some(f) = self.files.get(&file) else { return Answer::Refused };
                let blocks = f
                    .blocks
                    .iter()
                    .filter_map(|b| self.blocks.get(b).map(|m| (*b, m)))
                    .filter(|(_, m)| m.state == BlockState::Complete)
                    .map(|(b, m)| (b, m.gs, m.len, self.live_good(b, c)))
                    .collect();
                Answer::Locations { blocks }
            }
        }
    }

    fn add_block(&mut self, holder: Holder, file: u32, previous: Option<(BlockId, u32)>, c: &HdfsConfig, out: &mut Out<Hdfs>) -> Answer {
        if !self.holds(file, holder) {
            return Answer::Refused;
        }
        let blocks = self.files[&file].blocks.clone();
        // A retried call whose block was allocated already gets that block again.
        if let Some(&last) = blocks.last() {
            let before = blocks.len().checked_sub(2).map(|i| blocks[i]);
            let b = &self.blocks[&last];
            if b.state == BlockState::UnderConstruction && before == previous.map(|p| p.0) {
                let gs = b.gs;
                if b.expected.is_empty() {
                    // Locations are not logged: after a restart the retried block gets new ones.
                    let targets = choose_targets(c.replication as usize, &[], &self.live_datanodes(), c, out);
                    self.blocks.get_mut(&last).map(|b| b.expected = targets);
                }
                let targets = self.blocks[&last].expected.clone();
                return if targets.is_empty() { Answer::Retry } else { Answer::LocatedBlock { block: last, gs, targets } };
            }
        }
        if let Some((pb, len)) = previous {
            self.commit(pb, len, c, out);
            if self.blocks.get(&pb).is_none_or(|b| b.state != BlockState::Complete) {
                return Answer::Retry; // not yet minimally replicated
            }
        }
        let targets = choose_targets(c.replication as usize, &[], &self.live_datanodes(), c, out);
        if targets.is_empty() {
            return Answer::Retry;
        }
        let (block, gs) = (self.next_block, self.gs + 1);
        self.log(Edit::AddBlock { file, block, gs }, out);
        if let Some(b) = self.blocks.get_mut(&block) {
            b.expected = targets.clone();
        }
        Answer::LocatedBlock { block, gs, targets }
    }

    fn complete(&mut self, holder: Holder, file: u32, last: Option<(BlockId, u32)>, c: &HdfsConfig, out: &mut Out<Hdfs>) -> Answer {
        match self.files.get(&file) {
            Some(f) if f.closed => return Answer::Completed { closed: true },
            Some(f) if f.holder == Some(holder) => {}
            _ => return Answer::Refused,
        }
        if let Some((b, len)) = last {
            self.commit(b, len, c, out);
        }
        let blocks = self.files[&file].blocks.clone();
        if blocks.iter().any(|b| self.blocks.get(b).is_some_and(|m| m.state != BlockState::Complete)) {
            return Answer::Completed { closed: false };
        }
        self.log(Edit::Close { file }, out);
        for b in blocks {
            self.check_replication(b, c);
        }
        Answer::Completed { closed: true }
    }

    /// The writer moved past `block` at length `len`: commit it, complete if a replica is in.
    fn commit(&mut self, block: BlockId, len: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(b) = self.blocks.get(&block) else { return };
        if b.state == BlockState::UnderConstruction {
            let gs = b.gs;
            self.log(Edit::UpdateBlock { block, gs, len: Some(len) }, out);
        }
        self.try_complete(block, c);
    }

    fn try_complete(&mut self, block: BlockId, c: &HdfsConfig) {
        let Some(b) = self.blocks.get(&block) else { return };
        // Under recovery (version 5), only commitBlockSynchronization completes it: the
        // primary may already have stamped the replicas anew (HDFS's UNDER_RECOVERY).
        if self.version >= 5 && self.recovering.contains_key(&block) {
            return;
        }
        if b.state == BlockState::Committed && b.replicas.values().any(|r| r.finalized && r.gs == b.gs && r.len == b.len) {
            // The replicas of other stamps (recovery candidates) no longer count for anything
            // (version 5); a later report of one is a stale replica, deleted once enough good
            // ones exist.
            let other: Vec<NodeId> = match self.version {
                5.. => b.replicas.iter().filter(|(_, r)| !self.good(b, r, c)).map(|(&d, _)| d).collect(),
                _ => Vec::new(),
            };
            if let Some(b) = self.blocks.get_mut(&block) {
                b.state = BlockState::Complete;
                for d in other {
                    b.replicas.remove(&d);
                }
            }
            self.check_replication(block, c);
        }
    }

    pub fn on_timer(&mut self, timer: HdfsTimer, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        match timer {
            HdfsTimer::HeartbeatCheck => {
                self.heartbeat_check(c, out.now());
                out.set_timer(HdfsTimer::HeartbeatCheck, c.recheck_us, c.recheck_us);
            }
            HdfsTimer::ReplicationMonitor => {
                self.replication_monitor(c, out);
                out.set_timer(HdfsTimer::ReplicationMonitor, c.replication_check_us, c.replication_check_us);
            }
            HdfsTimer::LeaseMonitor => {
                self.lease_monitor(c, out);
                out.set_timer(HdfsTimer::LeaseMonitor, c.replication_check_us, c.replication_check_us);
            }
            _ => {}
        }
    }

}
