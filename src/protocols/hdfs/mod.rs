//! An HDFS-style block store (Apache Hadoop, HdfsDesign.md; Ghemawat et al., "The Google
//! File System", SOSP 2003; HDFS-265, the append/hflush design): a NameNode, a writer and
//! DataNodes on racks; files written block by block through a pipeline of DataNodes with
//! acks flowing back; a CRC-32C checksum per chunk, verified on read, on every copy and by
//! a block scanner; pipeline recovery under a new generation stamp; leases and block
//! recovery when the writer dies; heartbeats, block reports, the dead-node timeout and
//! rack-aware re-replication.

pub mod config;
pub mod data;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod view;

pub use config::{HdfsConfig, BUGS};
pub use invariants::HdfsChecker;
pub use msg::HdfsMsg;
pub use node::{DiskWrite, Hdfs, HdfsDisk, HdfsTimer};

use crate::sim::view::Overlay;
use crate::sim::{ClientOp, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TimeUs};

impl Protocol for Hdfs {
    type Config = HdfsConfig;
    type Msg = HdfsMsg;
    type Timer = HdfsTimer;
    /// The writer writes its files on its own; clients' key-value requests are not taken.
    type Request = ();
    type Reply = ();
    /// The NameNode's edit log, a DataNode's replicas, the writer's boot and next file.
    type Durable = HdfsDisk;
    type Checker = HdfsChecker;
    const NAME: &'static str = "hdfs";

    fn new(env: NodeEnv, config: &HdfsConfig) -> Self {
        Hdfs::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.start(out);
    }
    fn on_recover(&mut self, durable: HdfsDisk, out: &mut Out<Self>) {
        self.recover(durable, out);
    }
    fn on_message(&mut self, from: NodeId, msg: HdfsMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: HdfsTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_disk_corrupted(&mut self, damage: &DiskWrite) {
        self.disk_damaged(damage);
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &HdfsMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &HdfsMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &HdfsTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Hdfs {
    /// Blocks: the NameNode's in its namespace, a DataNode's replicas, the writer's written.
    const TERM_NAME: &'static str = "blocks";
    fn msg_summary(msg: &HdfsMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
}
