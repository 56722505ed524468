//! Liveness after faults stop (HdfsDesign.md, "Re-replication" and "Replica Placement";
//! HDFS-265, lease recovery): the NameNode is out of safe mode, the writer has finished,
//! every file is closed (written or recovered), and every block has at least its
//! replication factor of good replicas (finalized, its stamp and length, bytes that pass
//! their checksums) on live DataNodes, not all on one rack. A block whose every replica a
//! damaged disk ruined is lost, as HDFS reports a missing block; it is not waited for.

use crate::protocols::hdfs::config::{CLIENT, NAMENODE};
use crate::protocols::hdfs::node::client::Phase;
use crate::protocols::hdfs::node::namenode::BlockState;
use crate::protocols::hdfs::node::placement::spans_racks;
use crate::protocols::hdfs::node::Hdfs;
use crate::sim::NodeId;

pub fn check(nodes: &[Option<Hdfs>]) -> Result<(), String> {
    let nn = nodes.get(NAMENODE as usize).and_then(Option::as_ref).ok_or("the NameNode is down")?;
    let c = &nn.config;
    let nn = nn.as_namenode().ok_or("node 0 is not the NameNode")?;
    if nn.safe_mode {
        return Err("the NameNode is still in safe mode".into());
    }
    let client = nodes.get(CLIENT as usize).and_then(Option::as_ref).and_then(Hdfs::as_client).ok_or("the writer is down")?;
    if !matches!(client.phase, Phase::Done) {
        return Err(format!("the writer has not finished: {:?}", client.phase).chars().take(160).collect());
    }
    if let Some((f, _)) = nn.files.iter().find(|(_, f)| !f.closed) {
        return Err(format!("file f{f} is still open"));
    }
    for (&block, b) in &nn.blocks {
        if b.state != BlockState::Complete {
            return Err(format!("blk_{block} is not complete"));
        }
        let good: Vec<NodeId> = (0..nodes.len() as u32)
            .filter(|&d| {
                let r = nodes[d as usize].as_ref().and_then(Hdfs::as_datanode).and_then(|dn| dn.replicas.get(&block));
                r.is_some_and(|r| r.finalized() && r.gs == b.gs && r.len() == b.len && r.verifies(c.chunk_bytes))
            })
            .collect();
        let ruined = good.is_empty() && !b.replicas.is_empty() && b.replicas.keys().all(|d| b.corrupt.contains(d));
        if ruined {
            continue;
        }
        let live = nodes.iter().enumerate().filter(|(i, n)| *i as u32 >= 2 && n.is_some()).count();
        let want = (c.replication as usize).min(live);
        if good.len() < want {
            return Err(format!("blk_{block} has {} good replicas of {}: {good:?}", good.len(), c.replication));
        }
        if !spans_racks(&good, c) {
            return Err(format!("every replica of blk_{block} is on rack {}", c.rack_of(good[0]) + 1));
        }
    }
    Ok(())
}
