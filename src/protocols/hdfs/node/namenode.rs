//! The NameNode (HdfsDesign.md; HDFS-265 for leases and recovery): the namespace and its
//! edit log (synced before any call is answered), blocks with their generation stamps and
//! replica locations (not logged: rebuilt from block reports after a restart, in safe
//! mode until every complete block has a replica), heartbeats and the dead-node timeout,
//! the under-replication queue and pending copies, excess and corrupt replicas, leases and
//! lease recovery through a primary DataNode, and a retry cache per client so that a
//! retried call is answered as it was the first time.

use super::super::config::{HdfsConfig, FIRST_DATANODE};
use super::super::data::{BlockId, Gs};
use super::super::msg::{Answer, Call, Command, HdfsMsg, Holder, Reported};
use super::super::Hdfs;
use super::placement::{choose_targets, spans_racks};
use super::{DiskWrite, HdfsTimer};
use crate::sim::{LogWrite, NodeId, Out, TimeUs};
use std::collections::{BTreeMap, BTreeSet};

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
    pub replicas: BTreeMap<NodeId, Reported>,
    /// Replicas reported failing their checksums, kept until enough good ones exist.
    pub corrupt: BTreeSet<NodeId>,
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
    pub files: BTreeMap<u32, FileMeta>,
    pub blocks: BTreeMap<BlockId, BlockMeta>,
    pub gs: Gs,
    pub next_block: BlockId,
    pub datanodes: BTreeMap<NodeId, DnInfo>,
    pub commands: BTreeMap<NodeId, Vec<Command>>,
    pub under: BTreeSet<BlockId>,
    /// Copies scheduled: block → (target, deadline).
    pub pending: BTreeMap<BlockId, (NodeId, TimeUs)>,
    leases: BTreeMap<Holder, TimeUs>,
    /// Block recoveries under way: block → (recovery id, started).
    pub recovering: BTreeMap<BlockId, (Gs, TimeUs)>,
    pub safe_mode: bool,
    booted_us: TimeUs,
    retry_cache: BTreeMap<Holder, (u64, Answer)>,
    /// The newest call number each client has made.
    newest_call: BTreeMap<Holder, u64>,
    /// When a block whose every replica is marked corrupt may be rescanned again.
    rescans: BTreeMap<BlockId, TimeUs>,
    /// When each DataNode's latest full block report came in (this boot).
    reported: BTreeMap<NodeId, TimeUs>,
    /// When this boot's NameNode began each file's lease recovery.
    recovering_files: BTreeMap<u32, TimeUs>,
    /// Bytes copied by re-replication, and when each copy was reported (the storm plot).
    pub rereplicated_bytes: u64,
    pub copies: Vec<(TimeUs, u64)>,
    pub marked_dead: u32,
    pub invalidated: u32,
}

/// The first generation stamp (HDFS reserves those below 1000).
pub const FIRST_GS: Gs = 1000;

impl NameNode {
    pub fn new(n: u32, _c: &HdfsConfig) -> Self {
        NameNode { n, gs: FIRST_GS, next_block: 1, ..NameNode::default() }
    }

    pub fn boot(&mut self, edits: Vec<Edit>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        for e in edits {
            self.apply_edit(e);
        }
        let now = out.now();
        let holders: BTreeSet<Holder> = self.files.values().filter(|f| !f.closed).filter_map(|f| f.holder).collect();
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
                let meta = BlockMeta { file, gs, len: 0, state: BlockState::UnderConstruction, expected: Vec::new(), replicas: BTreeMap::new(), corrupt: BTreeSet::new() };
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
        if let Command::Invalidate { .. } = cmd {
            self.invalidated += 1;
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
        if b.state == BlockState::Committed && b.replicas.values().any(|r| r.finalized && r.gs == b.gs && r.len == b.len) {
            if let Some(b) = self.blocks.get_mut(&block) {
                b.state = BlockState::Complete;
            }
            self.check_replication(block, c);
        }
    }

    fn heartbeat(&mut self, from: NodeId, out: &mut Out<Hdfs>) {
        let now = out.now();
        let commands = match self.datanodes.get_mut(&from) {
            Some(i) if i.alive => {
                i.last_heartbeat_us = now;
                self.commands.remove(&from).unwrap_or_default()
            }
            _ => vec![Command::Register],
        };
        out.send(from, HdfsMsg::HeartbeatResponse { commands });
    }

    fn block_report(&mut self, d: NodeId, list: Vec<(BlockId, Reported)>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.datanodes.insert(d, DnInfo { last_heartbeat_us: out.now(), alive: true });
        self.reported.insert(d, out.now());
        let listed: BTreeSet<BlockId> = list.iter().map(|(b, _)| *b).collect();
        let dropped: Vec<BlockId> = self.blocks.iter().filter(|(b, m)| m.replicas.contains_key(&d) && !listed.contains(b)).map(|(b, _)| *b).collect();
        for b in dropped {
            if let Some(m) = self.blocks.get_mut(&b) {
                m.replicas.remove(&d);
                m.corrupt.remove(&d);
            }
            self.check_replication(b, c);
        }
        for (block, r) in list {
            self.add_replica(d, block, r, false, c, out);
        }
    }

    /// A DataNode reports a replica: recorded if good (a stale one is invalidated), and the
    /// block's replication looked at again. `fresh`: it was just written or copied.
    fn add_replica(&mut self, d: NodeId, block: BlockId, r: Reported, fresh: bool, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let now = out.now();
        let Some(b) = self.blocks.get(&block) else {
            if !self.safe_mode {
                self.command(d, Command::Invalidate { block });
            }
            return;
        };
        if b.state == BlockState::UnderConstruction {
            self.blocks.get_mut(&block).map(|b| b.replicas.insert(d, r));
            return;
        }
        // A full report sent before the node's latest blockReceived says less than it: skip.
        let older = |p: &Reported| p.gs > r.gs || (p.gs == r.gs && p.finalized && !r.finalized);
        if !fresh && b.replicas.get(&d).is_some_and(older) {
            return;
        }
        let stale = !self.good(b, &r, c) && !(b.state == BlockState::Committed && r.finalized && r.gs == b.gs && r.len == b.len);
        if stale {
            // Not counted; deleted only once the block has its good replicas (HDFS marks it
            // corrupt and invalidates it when enough live replicas exist).
            self.blocks.get_mut(&block).map(|b| b.replicas.remove(&d));
            if !self.safe_mode && self.live_good(block, c).len() >= c.replication as usize {
                self.command(d, Command::Invalidate { block });
            }
            return;
        }
        if let Some(b) = self.blocks.get_mut(&block) {
            b.replicas.insert(d, r);
            if fresh {
                b.corrupt.remove(&d);
            }
        }
        if fresh && self.pending.get(&block).is_some_and(|(t, _)| *t == d) {
            self.pending.remove(&block);
            self.rereplicated_bytes += u64::from(r.len);
            self.copies.push((now, self.rereplicated_bytes));
        }
        self.try_complete(block, c);
        self.check_replication(block, c);
    }

    fn mark_corrupt(&mut self, block: BlockId, node: NodeId, c: &HdfsConfig) {
        let Some(b) = self.blocks.get_mut(&block) else { return };
        if b.replicas.contains_key(&node) {
            b.corrupt.insert(node);
            self.under.insert(block);
            self.check_replication(block, c);
        }
    }

    /// Queue a block with too few good replicas; once it has enough, invalidate its corrupt
    /// replicas and any excess (from the rack with the most replicas, keeping racks spread).
    fn check_replication(&mut self, block: BlockId, c: &HdfsConfig) {
        if self.safe_mode || self.blocks.get(&block).is_none_or(|b| b.state != BlockState::Complete) {
            return;
        }
        let mut good = self.live_good(block, c);
        let want = c.replication as usize;
        // Corrupt replicas go once enough good ones exist (HDFS's invalidateCorruptReplicas),
        // or one at a time while a good one exists and they leave no DataNode to copy to.
        let corrupt: Vec<NodeId> = self.blocks[&block].corrupt.iter().copied().collect();
        let holding: Vec<NodeId> = self.blocks[&block].replicas.keys().copied().collect();
        let no_room = self.live_datanodes().iter().all(|d| holding.contains(d));
        if good.len() >= want {
            for d in corrupt {
                self.drop_replica(block, d);
            }
        } else if !good.is_empty() && no_room {
            if let Some(&d) = corrupt.last() {
                self.drop_replica(block, d);
            }
        }
        if self.needs_copy(&good, c) {
            self.under.insert(block);
            if good.len() < want {
                return;
            }
        } else {
            self.under.remove(&block);
        }
        while good.len() > want && (c.has_bug("rack_unaware") || spans_racks(&good, c)) {
            let rack_count = |r: u32| good.iter().filter(|&&n| c.rack_of(n) == r).count();
            let crowded = good.iter().copied().filter(|&n| rack_count(c.rack_of(n)) > 1).max();
            let Some(victim) = crowded.or_else(|| good.iter().copied().max()) else { break };
            good.retain(|&n| n != victim);
            self.drop_replica(block, victim);
        }
    }

    fn drop_replica(&mut self, block: BlockId, d: NodeId) {
        if let Some(b) = self.blocks.get_mut(&block) {
            b.replicas.remove(&d);
            b.corrupt.remove(&d);
        }
        self.command(d, Command::Invalidate { block });
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

    /// DataNodes silent for the dead-node timeout are dead: their replicas no longer count.
    fn heartbeat_check(&mut self, c: &HdfsConfig, now: TimeUs) {
        let dead: Vec<NodeId> = self.datanodes.iter().filter(|(_, i)| i.alive && now.saturating_sub(i.last_heartbeat_us) > c.dead_after_us()).map(|(&d, _)| d).collect();
        for d in dead {
            self.marked_dead += 1;
            self.datanodes.insert(d, DnInfo { last_heartbeat_us: 0, alive: false });
            self.commands.remove(&d);
            let held: Vec<BlockId> = self.blocks.iter().filter(|(_, m)| m.replicas.contains_key(&d)).map(|(b, _)| *b).collect();
            for b in held {
                if let Some(m) = self.blocks.get_mut(&b) {
                    if m.state != BlockState::UnderConstruction {
                        m.replicas.remove(&d);
                        m.corrupt.remove(&d);
                    }
                }
                self.check_replication(b, c);
            }
        }
    }

    fn replication_monitor(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let now = out.now();
        if self.safe_mode {
            return self.maybe_leave_safe_mode(c, now);
        }
        self.pending.retain(|_, (_, deadline)| *deadline > now);
        let mut queue: Vec<(usize, BlockId)> = self.under.iter().map(|&b| (self.live_good(b, c).len(), b)).collect();
        queue.sort_unstable();
        for (_, block) in queue {
            if self.pending.contains_key(&block) {
                continue;
            }
            let good = self.live_good(block, c);
            if !self.needs_copy(&good, c) {
                self.check_replication(block, c);
                continue;
            }
            let Some(b) = self.blocks.get(&block) else {
                self.under.remove(&block);
                continue;
            };
            if good.is_empty() {
                // Missing, or every replica left is marked corrupt: ask those holders to
                // scan theirs again (a report can be stale by the time it lands, as when a
                // reader's report crosses a fresh copy), once per pending period.
                let suspects: Vec<NodeId> = b.corrupt.iter().copied().filter(|&d| self.alive(d)).collect();
                if !suspects.is_empty() && self.rescans.get(&block).is_none_or(|t| *t <= now) {
                    self.rescans.insert(block, now + c.pending_timeout_us);
                    for d in suspects {
                        self.command(d, Command::Verify { block });
                    }
                }
                continue;
            }
            let holding: Vec<NodeId> = b.replicas.keys().copied().collect();
            let candidates: Vec<NodeId> = self.live_datanodes().into_iter().filter(|d| !holding.contains(d)).collect();
            let target = choose_targets(1, &good, &candidates, c, out);
            let Some(&target) = target.first() else { continue };
            let source = good[out.random_below(good.len() as u64) as usize];
            let (gs, len) = (b.gs, b.len);
            self.command(source, Command::Transfer { block, gs, len, target });
            self.pending.insert(block, (target, now + c.pending_timeout_us));
        }
    }

    /// Leave safe mode once the extension has passed and every committed block has a
    /// replica; then look at every block's replication.
    fn maybe_leave_safe_mode(&mut self, c: &HdfsConfig, now: TimeUs) {
        let waiting = self.blocks.values().any(|b| b.state == BlockState::Committed);
        if now.saturating_sub(self.booted_us) < c.safemode_us || waiting {
            return;
        }
        self.safe_mode = false;
        let blocks: Vec<BlockId> = self.blocks.keys().copied().collect();
        for b in blocks {
            self.check_replication(b, c);
        }
    }

    /// Leases past the hard limit are recovered, file by file; recoveries that stalled (the
    /// primary died) start again under a new recovery id.
    fn lease_monitor(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if self.safe_mode {
            return;
        }
        let now = out.now();
        let expired: Vec<Holder> = self.leases.iter().filter(|(_, t)| now.saturating_sub(**t) > c.lease_limit_us).map(|(h, _)| *h).collect();
        for h in expired {
            self.leases.remove(&h);
            let files: Vec<u32> = self.files.iter().filter(|(_, f)| !f.closed && f.holder == Some(h)).map(|(f, _)| *f).collect();
            for f in files {
                self.recover_file(f, c, out);
            }
        }
        let stall = 3 * c.recovery_wait_us + 2 * c.heartbeat_us;
        let stalled: Vec<u32> = self
            .files
            .iter()
            .filter(|(_, f)| !f.closed && f.holder.is_none())
            .filter(|(_, f)| f.blocks.last().is_none_or(|b| self.recovering.get(b).is_none_or(|(_, t)| now.saturating_sub(*t) > stall)))
            .map(|(f, _)| *f)
            .collect();
        for f in stalled {
            self.recover_file(f, c, out);
        }
    }

    /// Lease recovery (HDFS-265): the NameNode takes the file over; a last block still
    /// being written goes to block recovery through a primary DataNode, else the file closes.
    fn recover_file(&mut self, file: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        let Some(f) = self.files.get(&file) else { return };
        let last = f.blocks.last().copied();
        if f.holder.is_some() {
            self.log(Edit::ReassignLease { file }, out);
        }
        let needs_recovery = last.and_then(|b| self.blocks.get(&b)).is_some_and(|m| m.state != BlockState::Complete);
        if !needs_recovery {
            self.log(Edit::Close { file }, out);
            out.sync();
            return;
        }
        let block = last.unwrap_or_default();
        let m = &self.blocks[&block];
        let mut nodes: Vec<NodeId> = m.expected.iter().chain(m.replicas.keys()).copied().collect();
        nodes.sort_unstable();
        nodes.dedup();
        // A replica the writer made is in every full report sent after it stopped writing.
        let since = *self.recovering_files.entry(file).or_insert(out.now());
        let everyone = (FIRST_DATANODE..self.n).all(|d| self.reported.get(&d).is_some_and(|&t| t > since));
        if nodes.is_empty() && everyone {
            // No DataNode has it (each has sent a full report since recovery began): allocated
            // but never written, the empty last block goes and the file closes.
            self.log(Edit::RemoveBlock { file, block }, out);
            self.log(Edit::Close { file }, out);
            out.sync();
            return;
        }
        let live: Vec<NodeId> = nodes.iter().copied().filter(|&d| self.alive(d)).collect();
        if live.is_empty() || nodes.is_empty() {
            out.sync();
            return; // tried again by the lease monitor
        }
        let primary = live[out.random_below(live.len() as u64) as usize];
        let recovery_id = self.new_stamp(out);
        out.sync();
        self.recovering.insert(block, (recovery_id, out.now()));
        let gs = self.blocks[&block].gs;
        self.command(primary, Command::Recover { block, gs, recovery_id, nodes });
        let _ = c;
    }

    fn commit_block_sync(&mut self, block: BlockId, gs: Gs, len: u32, nodes: Vec<NodeId>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        if self.recovering.get(&block).is_none_or(|(id, _)| *id != gs) {
            return;
        }
        self.recovering.remove(&block);
        let Some(file) = self.blocks.get(&block).map(|b| b.file) else { return };
        if len == 0 || nodes.is_empty() {
            self.log(Edit::RemoveBlock { file, block }, out);
        } else {
            self.log(Edit::UpdateBlock { block, gs, len: Some(len) }, out);
            if let Some(b) = self.blocks.get_mut(&block) {
                b.state = BlockState::Complete;
                b.corrupt.clear();
                b.replicas = nodes.iter().map(|&d| (d, Reported { gs, len, finalized: true })).collect();
            }
        }
        if self.files.get(&file).is_some_and(|f| !f.closed) {
            self.log(Edit::Close { file }, out);
        }
        out.sync();
        self.check_replication(block, c);
    }
}
