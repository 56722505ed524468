//! The NameNode's view of its DataNodes (HdfsDesign.md, "Data Replication" and "Heartbeats
//! and Block Reports"): heartbeats and the dead-node timeout, block reports and
//! `blockReceived`, corrupt and excess replicas, the under-replication queue and the
//! replication monitor with its pending copies, and leaving safe mode.

use super::super::super::config::HdfsConfig;
use super::super::super::data::BlockId;
use super::super::super::msg::{Command, Reported};
use super::super::super::Hdfs;
use super::*;
use crate::sim::{NodeId, Out, TimeUs};

impl NameNode {
    pub(super) fn heartbeat(&mut self, from: NodeId, out: &mut Out<Hdfs>) {
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

    pub(super) fn block_report(&mut self, d: NodeId, list: Vec<(BlockId, Reported)>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
        self.datanodes.insert(d, DnInfo { last_heartbeat_us: out.now(), alive: true });
        self.reported.insert(d, out.now());
        let listed: SortedSet<BlockId> = list.iter().map(|(b, _)| *b).collect();
        for (_, m) in self.blocks.iter_mut().filter(|(b, _)| !listed.contains(b)) {
            m.deleting.remove(&d);
        }
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
    pub(super) fn add_replica(&mut self, d: NodeId, block: BlockId, r: Reported, fresh: bool, c: &HdfsConfig, out: &mut Out<Hdfs>) {
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
        if self.is_deleting(d, block) {
            // Told to go, and this report left before it went: not counted; told again in
            // case the command was lost.
            if !self.commands.get(&d).is_some_and(|q| q.contains(&Command::Invalidate { block })) {
                self.commands.entry(d).or_default().push(Command::Invalidate { block });
            }
            return;
        }
        // A full report sent before the node's latest blockReceived says less than it: skip.
        let older = |p: &Reported| p.gs > r.gs || (p.gs == r.gs && p.finalized && !r.finalized);
        if !fresh && b.replicas.get(&d).is_some_and(older) {
            return;
        }
        let stale = !self.good(b, &r, c) && !(b.state == BlockState::Committed && r.finalized && r.gs == b.gs && r.len == b.len);
        if stale && b.state == BlockState::Committed && self.version >= 5 {
            // Not counted, but a candidate for the block's recovery (version 5): its stamp
            // may be a recovery's whose commitBlockSynchronization never landed.
            self.blocks.get_mut(&block).map(|b| b.replicas.insert(d, r));
            return;
        }
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

    pub(super) fn mark_corrupt(&mut self, block: BlockId, node: NodeId, c: &HdfsConfig) {
        let Some(b) = self.blocks.get_mut(&block) else { return };
        if b.replicas.contains_key(&node) {
            b.corrupt.insert(node);
            self.under.insert(block);
            self.check_replication(block, c);
        }
    }

    /// Queue a block with too few good replicas; once it has enough, invalidate its corrupt
    /// replicas and any excess (from the rack with the most replicas, keeping racks spread).
    pub(super) fn check_replication(&mut self, block: BlockId, c: &HdfsConfig) {
        if self.safe_mode || self.blocks.get(&block).is_none_or(|b| b.state != BlockState::Complete) {
            return;
        }
        let mut good = self.live_good(block, c);
        let want = c.replication as usize;
        // Corrupt replicas go once enough good ones exist (HDFS's invalidateCorruptReplicas),
        // or one at a time while a good one exists and they leave no DataNode to copy to.
        let corrupt: Vec<NodeId> = self.blocks[&block].corrupt.iter().copied().collect();
        let holding = self.holding(block);
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

    /// `d` deleted its replica of `block` as told: no longer counted, and `d` may receive a
    /// copy of it again.
    pub(super) fn block_deleted(&mut self, d: NodeId, block: BlockId, c: &HdfsConfig) {
        let Some(b) = self.blocks.get_mut(&block) else { return };
        b.deleting.remove(&d);
        if b.replicas.remove(&d).is_some() {
            b.corrupt.remove(&d);
            self.check_replication(block, c);
        }
    }

    /// Was `d` told to delete its replica of `block`, with no report since saying it did?
    fn is_deleting(&self, d: NodeId, block: BlockId) -> bool {
        self.blocks.get(&block).is_some_and(|b| b.deleting.contains(&d))
    }

    /// The DataNodes the NameNode counts as holding `block`, and those still deleting it:
    /// none of them is a copy target.
    fn holding(&self, block: BlockId) -> Vec<NodeId> {
        let Some(b) = self.blocks.get(&block) else { return Vec::new() };
        b.replicas.keys().chain(b.deleting.iter()).copied().collect()
    }

    pub(super) fn drop_replica(&mut self, block: BlockId, d: NodeId) {
        if let Some(b) = self.blocks.get_mut(&block) {
            b.replicas.remove(&d);
            b.corrupt.remove(&d);
        }
        self.command(d, Command::Invalidate { block });
    }

    /// DataNodes silent for the dead-node timeout are dead: their replicas no longer count.
    pub(super) fn heartbeat_check(&mut self, c: &HdfsConfig, now: TimeUs) {
        let dead: Vec<NodeId> = self.datanodes.iter().filter(|(_, i)| i.alive && now.saturating_sub(i.last_heartbeat_us) > c.dead_after_us()).map(|(&d, _)| d).collect();
        for d in dead {
            self.marked_dead += 1;
            self.datanodes.insert(d, DnInfo { last_heartbeat_us: 0, alive: false });
            self.commands.remove(&d);
            self.blocks.values_mut().for_each(|m| {
                m.deleting.remove(&d);
            });
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

    pub(super) fn replication_monitor(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
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
            let holding = self.holding(block);
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
    /// replica reported; then look at every block's replication.
    pub(super) fn maybe_leave_safe_mode(&mut self, c: &HdfsConfig, now: TimeUs) {
        // Version 5 waits for a replica of each committed block, of any stamp (its recovery
        // decides); before, for one that completes it.
        let waiting = self.blocks.values().any(|b| b.state == BlockState::Committed && (self.version < 5 || b.replicas.is_empty()));
        if now.saturating_sub(self.booted_us) < c.safemode_us || waiting {
            return;
        }
        self.safe_mode = false;
        let blocks: Vec<BlockId> = self.blocks.keys().copied().collect();
        for b in blocks {
            self.check_replication(b, c);
        }
    }
}
