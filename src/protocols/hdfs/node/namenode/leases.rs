//! The NameNode's leases (HDFS-265): the lease monitor, and lease recovery through a
//! primary DataNode up to `commitBlockSynchronization`.

use super::super::super::config::HdfsConfig;
use super::super::super::data::{BlockId, Gs};
use super::super::super::Hdfs;
use super::*;
use crate::sim::{NodeId, Out};

impl NameNode {
    /// Leases past the hard limit are recovered, file by file; recoveries that stalled (the
    /// primary died) start again under a new recovery id.
    pub(super) fn lease_monitor(&mut self, c: &HdfsConfig, out: &mut Out<Hdfs>) {
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
    pub(super) fn recover_file(&mut self, file: u32, c: &HdfsConfig, out: &mut Out<Hdfs>) {
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

    pub(super) fn commit_block_sync(&mut self, block: BlockId, gs: Gs, len: u32, nodes: Vec<NodeId>, c: &HdfsConfig, out: &mut Out<Hdfs>) {
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
