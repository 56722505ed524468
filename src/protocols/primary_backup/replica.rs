//! A replica of the key-value service: a lock-service client that holds the primary's lock
//! while it can (ZooKeeper's lock recipe; the lock node's creation zxid, its fencing token,
//! is the primary's epoch), a backup applying what its primary forwards, and, holding the
//! lock, a primary that first fences and replays the write-ahead log (HBase region
//! failover) and then serves (MIT 6.824 primary/backup). The replica's lock session runs
//! as the lock service's own client, with its effects mapped into ours.

mod backup;
mod primary;

use super::config::PbConfig;
use super::data::{Rec, Store};
use super::msg::PbMsg;
use super::{PbNode, PbReply, PbRequest, PbTimer};
use crate::protocols::lock::{LockClient, LockNode};
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Out};

pub use primary::{Batch, BackupState};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Backup,
    /// Holds the lock for `epoch`: fencing and replaying the log.
    Recovering { epoch: u64 },
    Primary { epoch: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Timing {
    pub first_replica: NodeId,
    pub replicas: u32,
    pub storage: NodeId,
    pub backup_timeout_us: u64,
    pub resend_us: u64,
    pub no_fencing: bool,
    pub backup_accepts_old_epoch: bool,
    pub serve_before_replay: bool,
    pub ack_before_backups_apply: bool,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub id: NodeId,
    /// Its session and place in the lock recipe.
    pub lock: LockClient,
    pub store: Store,
    /// The newest epoch it follows or leads.
    pub epoch: u64,
    pub role: Role,
    /// The primary it last heard from.
    pub primary_hint: Option<NodeId>,
    /// The last forward it applied and acknowledged: (the forward's epoch, the epoch it
    /// followed then).
    pub served: (u64, u64),
    pub(super) t: Timing,
    /// Primary: writes accepted, waiting for the next batch (the record's `seq` unset).
    pub queue: Vec<(u64, Rec)>,
    pub batch: Option<Batch>,
    pub backups: SortedMap<NodeId, BackupState>,
    /// The primary has replayed the log of its epoch.
    pub replayed: Option<u64>,
    /// An epoch it learned was fenced: it does not act as that epoch's primary again.
    pub fenced: Option<u64>,
    /// Primary: the last write it acknowledged, and the backups in its view then (with the
    /// boot each was in when it last answered).
    pub last_ack: Option<(u64, Vec<(NodeId, u64)>)>,
    pub acked_writes: u64,
}

impl Replica {
    pub fn new(id: NodeId, n: u32, c: &PbConfig) -> Self {
        let lock_config = c.lock_config(n);
        let t = Timing {
            first_replica: c.coords,
            replicas: PbConfig::replicas_in(c.coords, n),
            storage: c.storage_id(n),
            backup_timeout_us: c.backup_timeout_us,
            resend_us: c.resend_us,
            no_fencing: c.bug("no_fencing"),
            backup_accepts_old_epoch: c.bug("backup_accepts_old_epoch") || c.bug("no_fencing"),
            serve_before_replay: c.bug("serve_before_replay"),
            ack_before_backups_apply: c.bug("ack_before_backups_apply"),
        };
        Replica {
            id,
            lock: LockClient::new(id, &lock_config),
            store: Store::default(),
            epoch: 0,
            role: Role::Backup,
            primary_hint: None,
            served: (0, 0),
            t,
            queue: Vec::new(),
            batch: None,
            backups: SortedMap::new(),
            replayed: None,
            fenced: None,
            last_ack: None,
            acked_writes: 0,
        }
    }

    /// The other replicas.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        (self.t.first_replica..self.t.first_replica + self.t.replicas).filter(move |r| *r != self.id)
    }

    /// The epoch it serves clients in at `now_us` (its own clock): it is that epoch's
    /// primary, has replayed the log (unless the planted bug says otherwise) and holds the
    /// lock by its lease.
    pub fn serving(&self, now_us: u64) -> Option<u64> {
        let Role::Primary { epoch } = self.role else { return None };
        (self.lock.holding_at(now_us) == Some(epoch)).then_some(epoch)
    }

    // ---- the lock session --------------------------------------------------------------

    /// Boot (first, or after a crash with its lock client's incarnation).
    pub fn boot(&mut self, incarnation: u64, out: &mut Out<PbNode>) {
        self.with_lock(out, |c, lout| c.boot(incarnation, lout));
    }

    /// Run the lock client with its own `Out`, map its effects into ours, then act on what
    /// it holds.
    fn with_lock(&mut self, out: &mut Out<PbNode>, f: impl FnOnce(&mut LockClient, &mut Out<LockNode>)) {
        let mut lout = Out::new(out.now());
        f(&mut self.lock, &mut lout);
        super::coord::map_effects(lout, out);
        self.after_lock(out);
    }

    /// Holding the lock with a new token: take over. Lost it: step down.
    fn after_lock(&mut self, out: &mut Out<PbNode>) {
        let held = self.lock.token().filter(|_| self.lock.phase == crate::protocols::lock::Phase::Holding);
        if let Role::Recovering { epoch } | Role::Primary { epoch } = self.role {
            if held != Some(epoch) {
                self.step_down("its lock is gone", out);
            }
        }
        match held {
            Some(epoch) if self.role == Role::Backup && self.fenced != Some(epoch) => self.take_over(epoch, out),
            _ => {}
        }
    }

    // ---- dispatch ----------------------------------------------------------------------

    pub fn on_message(&mut self, from: NodeId, msg: PbMsg, out: &mut Out<PbNode>) {
        match msg {
            PbMsg::Lock(m) => self.with_lock(out, |c, lout| c.on_message(from, m, lout)),
            PbMsg::Forward { epoch, from: first, recs } => self.on_forward(from, epoch, first, recs, out),
            PbMsg::ForwardAck { epoch, applied, boot, ok } => self.on_forward_ack(from, epoch, applied, boot, ok, out),
            PbMsg::AppendAck { epoch, last, ok } => self.on_append_ack(epoch, last, ok, out),
            PbMsg::FenceAck { epoch, ok, log } => self.on_fence_ack(epoch, ok, log, out),
            PbMsg::Append { .. } | PbMsg::Fence { .. } => {}
        }
    }

    pub fn on_timer(&mut self, timer: PbTimer, out: &mut Out<PbNode>) {
        match timer {
            PbTimer::Lock(t) => self.with_lock(out, |c, lout| c.on_timer(t, lout)),
            PbTimer::Resend => self.on_resend(out),
        }
    }

    /// A client's call: the serving primary answers; anyone else names the primary it
    /// knows of.
    pub fn on_request(&mut self, request_id: u64, req: PbRequest, out: &mut Out<PbNode>) {
        let Some(epoch) = self.serving(out.now()) else {
            let hint = self.primary_hint.filter(|p| *p != self.id);
            return out.reply(request_id, PbReply::Redirect(hint));
        };
        match req {
            PbRequest::Get { key } => out.reply(request_id, PbReply::Ok(self.store.kv.get(&key).cloned())),
            PbRequest::Put { client, serial, key, value } => {
                let rec = Rec { seq: 0, epoch, client, serial, key, value };
                self.accept_write(request_id, rec, out);
            }
        }
    }
}
