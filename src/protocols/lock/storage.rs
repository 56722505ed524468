//! The storage the lock protects: a plain node that accepts writes carrying a fencing token
//! (Kleppmann, "How to do distributed locking", 2016). It records the highest token it has
//! accepted; with `fencing` on it rejects a write whose token is lower, and answers either
//! way so the writer learns. Its highest token and a bounded log of recent writes are
//! durable (a disk), so fencing holds across its crashes.

use super::msg::{LockMsg, WriteOp};
use super::{LockLog, LockNode, LockWrite};
use crate::sim::{NodeId, Out};

/// Recent writes kept for the view (and the checkers, which read one write per event).
pub const WRITE_LOG_LEN: usize = 24;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteRecord {
    /// 1 for the first write the storage ever received.
    pub no: u64,
    pub client: NodeId,
    pub token: u64,
    pub seq: u64,
    pub op: WriteOp,
    pub accepted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Storage {
    /// The cluster's layout (servers, clients), for views.
    pub servers: u32,
    pub clients: u32,
    pub fencing: bool,
    /// The highest token accepted.
    pub max_token: u64,
    /// Writes received (accepted or not).
    pub writes: u64,
    pub rejected: u64,
    /// The last `WRITE_LOG_LEN` writes, oldest first.
    pub log: Vec<WriteRecord>,
}

impl Storage {
    pub fn new<C>(config: &super::LockConfig<C>) -> Self {
        let (servers, clients, fencing) = (config.servers, config.clients, config.fencing);
        Storage { servers, clients, fencing, max_token: 0, writes: 0, rejected: 0, log: Vec::new() }
    }

    pub fn on_message<R: LockLog>(&mut self, from: NodeId, msg: LockMsg<R::Msg>, out: &mut Out<LockNode<R>>) {
        let LockMsg::Write { token, seq, op } = msg else { return };
        let accepted = !self.fencing || token >= self.max_token;
        self.writes += 1;
        if accepted {
            self.max_token = self.max_token.max(token);
        } else {
            self.rejected += 1;
            out.note(format!("rejected token {token}: it has seen {}", self.max_token));
        }
        let record = WriteRecord { no: self.writes, client: from, token, seq, op, accepted };
        out.write(LockWrite::Storage(record.clone()));
        self.log.push(record);
        if self.log.len() > WRITE_LOG_LEN {
            self.log.remove(0);
        }
        // On stable storage before the writer is told.
        out.sync();
        out.send(from, LockMsg::WriteAck { token, seq, accepted });
    }

    /// Boot from the disk after a crash (the layout and fencing come from the config).
    pub fn restore(&mut self, d: StorageDisk) {
        self.max_token = d.max_token;
        self.writes = d.writes;
        self.rejected = d.rejected;
        self.log = d.log;
    }
}

/// The storage's disk: its highest token, counts and recent writes, each write received
/// applied as it was counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageDisk {
    pub max_token: u64,
    pub writes: u64,
    pub rejected: u64,
    pub log: Vec<WriteRecord>,
}

impl StorageDisk {
    /// O(1): the log is bounded by `WRITE_LOG_LEN`.
    pub fn apply(&mut self, r: WriteRecord) {
        self.writes = r.no;
        if r.accepted {
            self.max_token = self.max_token.max(r.token);
        } else {
            self.rejected += 1;
        }
        self.log.push(r);
        if self.log.len() > WRITE_LOG_LEN {
            self.log.remove(0);
        }
    }
}
