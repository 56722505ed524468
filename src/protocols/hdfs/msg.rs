//! The block store's messages, named as HDFS names its RPCs: the client's ClientProtocol
//! calls to the NameNode (`create`, `addBlock`, `updateBlockForPipeline`, `updatePipeline`,
//! `complete`, `renewLease`, `recoverLease`, `getBlockLocations`, `reportBadBlocks`), the
//! DataTransferProtocol between the writer and DataNodes (packets down the pipeline,
//! `PipelineAck` back up, block reads, block copies), the DatanodeProtocol (heartbeats and
//! their commands, block reports, `blockReceived`, `commitBlockSynchronization`) and the
//! InterDatanodeProtocol of block recovery (`initReplicaRecovery`,
//! `updateReplicaUnderRecovery`).

use super::data::{BlockId, Gs};
use crate::sim::NodeId;

/// A lease holder: the writer's node and which boot of it (a restarted writer is a new
/// client, and its old lease is left to expire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Holder {
    pub node: NodeId,
    pub boot: u32,
}

/// A client call to the NameNode.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    Create { file: u32 },
    /// Commit `previous` at its length and allocate the file's next block.
    AddBlock { file: u32, previous: Option<(BlockId, u32)> },
    UpdateBlockForPipeline { block: BlockId },
    UpdatePipeline { block: BlockId, gs: Gs, nodes: Vec<NodeId> },
    /// Commit the last block at its length and close the file once its blocks are complete.
    Complete { file: u32, last: Option<(BlockId, u32)> },
    /// Give up on a file: start its lease recovery now.
    RecoverLease { file: u32 },
    GetBlockLocations { file: u32 },
}

/// The NameNode's answer to a call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    Created,
    LocatedBlock { block: BlockId, gs: Gs, targets: Vec<NodeId> },
    NewStamp { gs: Gs },
    Done,
    /// `complete`: whether the file is closed (not yet while a block waits for a replica).
    Completed { closed: bool },
    /// A file's complete blocks: (block, stamp, length, DataNodes holding a good replica).
    Locations { blocks: Vec<(BlockId, Gs, u32, Vec<NodeId>)> },
    /// Try again later: in safe mode, or the previous block has no replica yet.
    Retry,
    Refused,
}

/// A command a heartbeat's response carries to a DataNode.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Re-register and send a full block report (the NameNode does not know this node).
    Register,
    /// Copy the block's first `len` bytes, stamp `gs`, to `target`.
    Transfer { block: BlockId, gs: Gs, len: u32, target: NodeId },
    Invalidate { block: BlockId },
    /// Scan this replica again and say if it is good (every replica the NameNode knows
    /// of is marked corrupt).
    Verify { block: BlockId },
    /// Be the primary of the block's recovery under `recovery_id` over `nodes`, with the
    /// replicas at stamp `gs` (the block's, as the NameNode recorded it) or newer.
    Recover { block: BlockId, gs: Gs, recovery_id: Gs, nodes: Vec<NodeId> },
}

/// A replica as a block report lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reported {
    pub gs: Gs,
    pub len: u32,
    pub finalized: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HdfsMsg {
    Rpc { call_id: u64, holder: Holder, call: Call },
    RpcReply { call_id: u64, answer: Answer },
    RenewLease { holder: Holder },
    /// From a reader or a DataNode: `node`'s replica of `block` failed its checksum.
    ReportBadBlocks { block: BlockId, node: NodeId },
    /// One chunk down the pipeline; `downstream` are the stages after the receiver.
    Packet { block: BlockId, gs: Gs, seqno: u32, offset: u32, data: Vec<u8>, sum: u32, last: bool, downstream: Vec<NodeId> },
    /// Every stage below has the packet; or `bad` names the stage that did not answer.
    PipelineAck { block: BlockId, gs: Gs, seqno: u32, bad: Option<NodeId> },
    ReadBlock { call_id: u64, block: BlockId, gs: Gs, len: u32 },
    BlockData { call_id: u64, block: BlockId, data: Vec<u8>, sums: Vec<u32> },
    ReadError { call_id: u64, block: BlockId },
    Heartbeat,
    HeartbeatResponse { commands: Vec<Command> },
    BlockReport { replicas: Vec<(BlockId, Reported)> },
    BlockReceived { block: BlockId, replica: Reported },
    /// A re-replication copy, with its checksums.
    TransferBlock { block: BlockId, gs: Gs, data: Vec<u8>, sums: Vec<u32> },
    InitReplicaRecovery { block: BlockId, recovery_id: Gs },
    ReplicaRecoveryInfo { block: BlockId, recovery_id: Gs, replica: Option<Reported> },
    UpdateReplicaUnderRecovery { block: BlockId, recovery_id: Gs, len: u32 },
    ReplicaUpdated { block: BlockId, recovery_id: Gs },
    CommitBlockSynchronization { block: BlockId, gs: Gs, len: u32, nodes: Vec<NodeId> },
    /// The DataNode carried out `Invalidate`: it holds no replica of `block` (version 5;
    /// HDFS's incremental report `blockReceivedAndDeleted` with a deleted block). Last, so
    /// that no older message's place in the enum, and so no older trace's hash, moves.
    BlockDeleted { block: BlockId },
}

impl Call {
    pub fn name(&self) -> &'static str {
        match self {
            Call::Create { .. } => "create",
            Call::AddBlock { .. } => "addBlock",
            Call::UpdateBlockForPipeline { .. } => "updateBlockForPipeline",
            Call::UpdatePipeline { .. } => "updatePipeline",
            Call::Complete { .. } => "complete",
            Call::RecoverLease { .. } => "recoverLease",
            Call::GetBlockLocations { .. } => "getBlockLocations",
        }
    }
}

impl HdfsMsg {
    pub fn kind(&self) -> &'static str {
        use HdfsMsg::*;
        match self {
            Rpc { call, .. } => call.name(),
            RpcReply { .. } => "RpcReply",
            RenewLease { .. } => "renewLease",
            ReportBadBlocks { .. } => "reportBadBlocks",
            Packet { .. } => "Packet",
            PipelineAck { .. } => "PipelineAck",
            ReadBlock { .. } => "ReadBlock",
            BlockData { .. } => "BlockData",
            ReadError { .. } => "ReadError",
            Heartbeat => "Heartbeat",
            HeartbeatResponse { .. } => "HeartbeatResponse",
            BlockReport { .. } => "BlockReport",
            BlockReceived { .. } => "blockReceived",
            BlockDeleted { .. } => "blockDeleted",
            TransferBlock { .. } => "TransferBlock",
            InitReplicaRecovery { .. } => "initReplicaRecovery",
            ReplicaRecoveryInfo { .. } => "ReplicaRecoveryInfo",
            UpdateReplicaUnderRecovery { .. } => "updateReplicaUnderRecovery",
            ReplicaUpdated { .. } => "ReplicaUpdated",
            CommitBlockSynchronization { .. } => "commitBlockSynchronization",
        }
    }

    pub fn is_reply(&self) -> bool {
        use HdfsMsg::*;
        matches!(self, RpcReply { .. } | PipelineAck { .. } | BlockData { .. } | ReadError { .. } | HeartbeatResponse { .. } | ReplicaRecoveryInfo { .. } | ReplicaUpdated { .. })
    }

    pub fn summary(&self) -> String {
        use HdfsMsg::*;
        match self {
            Rpc { call, .. } => format!("{call:?}"),
            RpcReply { answer, .. } => format!("{answer:?}"),
            Packet { block, gs, seqno, offset, last, downstream, .. } => {
                format!("blk_{block} gs {gs} packet {seqno} at byte {offset}{}, then {downstream:?}", if *last { " (last)" } else { "" })
            }
            PipelineAck { block, gs, seqno, bad: None } => format!("blk_{block} gs {gs}: packet {seqno} on every stage below"),
            PipelineAck { block, gs, seqno, bad: Some(n) } => format!("blk_{block} gs {gs} packet {seqno}: n{n} did not answer"),
            BlockData { block, data, .. } => format!("blk_{block}: {} bytes with checksums", data.len()),
            TransferBlock { block, gs, data, .. } => format!("copy of blk_{block} gs {gs}: {} bytes", data.len()),
            m => format!("{m:?}"),
        }
    }
}
