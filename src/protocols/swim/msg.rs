//! SWIM's messages (Das, Gupta, Motivala, DSN 2002): `Ping`, `PingReq` and `Ack` of the
//! failure detector (§3.1), carrying piggybacked membership updates (§4.1) whose
//! statuses and incarnations follow the suspicion mechanism (§4.2).

use crate::sim::NodeId;

/// A member's status; the order is the precedence at equal incarnations.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Alive,
    Suspect,
    /// Confirmed dead.
    Confirm,
}

/// A membership update as piggybacked: `Alive`, `Suspect` or `Confirm` of a member at an
/// incarnation.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Update {
    pub member: NodeId,
    pub incarnation: u32,
    pub status: Status,
}

impl Update {
    pub(crate) fn rank(&self) -> (u32, Status) {
        (self.incarnation, self.status)
    }
}

#[derive(Clone, Debug, Hash, PartialEq)]
pub enum SwimMsg {
    Ping { seq: u64, updates: Vec<Update> },
    /// "Probe `target` for me" (§3.1).
    PingReq { seq: u64, target: NodeId, updates: Vec<Update> },
    Ack { seq: u64, updates: Vec<Update> },
}
