//! Primary/backup messages: the lock service's traffic (wrapped), the write-ahead log at the
//! storage (append, and the fence a new primary takes on the older log files, as HBase
//! recovers the lease on a dead server's WAL before splitting it), and the primary
//! forwarding operations to its backups (MIT 6.824 primary/backup).

use super::data::Rec;
use crate::protocols::lock::LockMsg;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PbMsg {
    /// Coordination: sessions, the lock, keep-alives, between coordinators and with replicas.
    Lock(LockMsg),
    /// Primary → storage: append to its epoch's log file.
    Append { epoch: u64, recs: Vec<Rec> },
    /// `last`: the file's last sequence number; `ok` false: the file is sealed (fenced).
    AppendAck { epoch: u64, last: u64, ok: bool },
    /// New primary → storage: seal every older log file and send their records back.
    Fence { epoch: u64 },
    /// `ok` false: a newer epoch has fenced already. `log`: the older files' records, in
    /// epoch order, to replay.
    FenceAck { epoch: u64, ok: bool, log: Vec<Rec> },
    /// Primary → backup: the records from sequence number `from` on.
    Forward { epoch: u64, from: u64, recs: Vec<Rec> },
    /// Backup → primary: how much of the epoch's log it has applied, in its boot `boot`
    /// (a backup that restarted has lost what it held); `ok` false: it follows a newer
    /// epoch, `epoch` (the sender is fenced).
    ForwardAck { epoch: u64, applied: u64, boot: u64, ok: bool },
}

impl PbMsg {
    pub fn kind(&self) -> &'static str {
        match self {
            PbMsg::Lock(m) => m.kind::<crate::protocols::lock::ServerLog>(),
            PbMsg::Append { .. } => "Append",
            PbMsg::AppendAck { .. } => "AppendAck",
            PbMsg::Fence { .. } => "Fence",
            PbMsg::FenceAck { .. } => "FenceAck",
            PbMsg::Forward { .. } => "Forward",
            PbMsg::ForwardAck { .. } => "ForwardAck",
        }
    }
    pub fn is_reply(&self) -> bool {
        match self {
            PbMsg::Lock(m) => m.is_reply::<crate::protocols::lock::ServerLog>(),
            PbMsg::AppendAck { .. } | PbMsg::FenceAck { .. } | PbMsg::ForwardAck { .. } => true,
            PbMsg::Append { .. } | PbMsg::Fence { .. } | PbMsg::Forward { .. } => false,
        }
    }
}
