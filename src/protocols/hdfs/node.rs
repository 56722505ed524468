//! A node of the block store: node 0 is the NameNode, node 1 the writer (an HDFS client),
//! the rest DataNodes on racks (HdfsDesign.md). Each role keeps its state in memory and
//! writes what must survive a crash: the NameNode its edit log (namespace, blocks,
//! generation stamps; replica locations are rebuilt from block reports), a DataNode its
//! replicas, the writer the file it is on.

use super::config::{HdfsConfig, CLIENT, NAMENODE};
use super::data::{damage, ReplicaWrite, Replicas};
use super::msg::HdfsMsg;
use crate::sim::{DurableLog, DurableState, LogWrite, NodeEnv, NodeId, Out};

pub mod client;
pub mod datanode;
pub mod namenode;
pub mod placement;

pub use client::Client;
pub use datanode::DataNode;
pub use namenode::{Edit, NameNode};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HdfsTimer {
    // NameNode
    HeartbeatCheck,
    ReplicationMonitor,
    LeaseMonitor,
    // DataNode
    Heartbeat,
    BlockReport,
    BlockScanner,
    /// A pipeline stage's downstream has not acked this block's packets.
    DownstreamAck(u64),
    /// A recovery primary stops waiting for its replicas.
    RecoveryWait(u64),
    // Writer
    RpcTimeout,
    AckTimeout,
    RenewLease,
    ReadTimeout,
    NextFile,
}

impl HdfsTimer {
    pub fn name(&self) -> &'static str {
        use HdfsTimer::*;
        match self {
            HeartbeatCheck => "heartbeat check",
            ReplicationMonitor => "replication monitor",
            LeaseMonitor => "lease monitor",
            Heartbeat => "heartbeat",
            BlockReport => "block report",
            BlockScanner => "block scanner",
            DownstreamAck(_) => "downstream ack",
            RecoveryWait(_) => "recovery wait",
            RpcTimeout => "rpc timeout",
            AckTimeout => "ack timeout",
            RenewLease => "renew lease",
            ReadTimeout => "read timeout",
            NextFile => "next file",
        }
    }
}

/// What a node keeps on disk: the NameNode's edit log, a DataNode's replicas, the writer's
/// boot count and next file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HdfsDisk {
    pub edits: DurableLog<Edit>,
    pub replicas: Replicas,
    pub boot: u32,
    pub next_file: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskWrite {
    Edit(LogWrite<Edit>),
    Replica(ReplicaWrite),
    Boot(u32),
    NextFile(u32),
}

impl DurableState for HdfsDisk {
    type Write = DiskWrite;
    fn apply(&mut self, w: DiskWrite) {
        match w {
            DiskWrite::Edit(e) => self.edits.apply(e),
            DiskWrite::Replica(r) => r.apply(&mut self.replicas),
            DiskWrite::Boot(b) => self.boot = b,
            DiskWrite::NextFile(f) => self.next_file = f,
        }
    }
    fn corruption(&self, pick: u64) -> Option<DiskWrite> {
        damage(&self.replicas, pick).map(DiskWrite::Replica)
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    NameNode(Box<NameNode>),
    Client(Box<Client>),
    DataNode(Box<DataNode>),
}

#[derive(Clone, Debug)]
pub struct Hdfs {
    pub id: NodeId,
    pub config: HdfsConfig,
    pub role: Role,
}

impl Hdfs {
    pub fn create(env: NodeEnv, config: &HdfsConfig) -> Self {
        let role = match env.id {
            NAMENODE => Role::NameNode(Box::new(NameNode::new(env.n, config))),
            CLIENT => Role::Client(Box::new(Client::new(config))),
            _ => Role::DataNode(Box::new(DataNode::new(env.id, config))),
        };
        Hdfs { id: env.id, config: config.clone(), role }
    }

    pub fn start(&mut self, out: &mut Out<Hdfs>) {
        self.recover(HdfsDisk::default(), out);
    }

    pub fn recover(&mut self, disk: HdfsDisk, out: &mut Out<Hdfs>) {
        let c = &self.config;
        match &mut self.role {
            Role::NameNode(n) => n.boot(disk.edits.into_entries(), c, out),
            Role::Client(w) => w.boot(disk.boot, disk.next_file, c, out),
            Role::DataNode(d) => d.boot(disk.replicas, c, out),
        }
    }

    pub fn handle_message(&mut self, from: NodeId, msg: HdfsMsg, out: &mut Out<Hdfs>) {
        let c = &self.config;
        match &mut self.role {
            Role::NameNode(n) => n.on_message(from, msg, c, out),
            Role::Client(w) => w.on_message(from, msg, c, out),
            Role::DataNode(d) => d.on_message(from, msg, c, out),
        }
    }

    pub fn handle_timer(&mut self, timer: HdfsTimer, out: &mut Out<Hdfs>) {
        let c = &self.config;
        match &mut self.role {
            Role::NameNode(n) => n.on_timer(timer, c, out),
            Role::Client(w) => w.on_timer(timer, c, out),
            Role::DataNode(d) => d.on_timer(timer, c, out),
        }
    }

    /// The disk under a DataNode was damaged: its block files are read from disk, so the
    /// damage is in what it serves from now on.
    pub fn disk_damaged(&mut self, damage: &DiskWrite) {
        if let (Role::DataNode(d), DiskWrite::Replica(w)) = (&mut self.role, damage) {
            w.clone().apply(&mut d.replicas);
        }
    }

    pub fn as_namenode(&self) -> Option<&NameNode> {
        match &self.role {
            Role::NameNode(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_client(&self) -> Option<&Client> {
        match &self.role {
            Role::Client(c) => Some(c),
            _ => None,
        }
    }
    pub fn as_datanode(&self) -> Option<&DataNode> {
        match &self.role {
            Role::DataNode(d) => Some(d),
            _ => None,
        }
    }
}

/// Write a replica change to disk and apply it to the copy in memory.
pub fn write_replica(replicas: &mut Replicas, w: ReplicaWrite, out: &mut Out<Hdfs>) {
    out.write(DiskWrite::Replica(w.clone()));
    w.apply(replicas);
}
