//! The primary's side: taking over (fence the older log files at the storage and replay
//! them, HBase's WAL split and replay, before serving), then each batch of writes appended
//! to its own log file and forwarded to the backups at once, and acknowledged only when the
//! log has it and every backup in its view has applied it (MIT 6.824: the primary replies
//! only after the backup has the operation). A backup silent for `backup_timeout_us` leaves
//! the view; one that has caught up joins it. A fence refused, a sealed log file or a backup
//! following a newer epoch tells a deposed primary to step down.

use super::{Replica, Role};
use crate::protocols::primary_backup::data::{Rec, Store};
use crate::protocols::primary_backup::msg::PbMsg;
use crate::protocols::primary_backup::{PbNode, PbReply, PbTimer};
use crate::sim::{NodeId, Out};

/// Writes on their way: in the log? And who waits for them.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub recs: Vec<Rec>,
    /// (request id, client, serial) of every call waiting for the batch.
    pub waiters: Vec<(u64, u64, u64)>,
    pub logged: bool,
}

impl Batch {
    pub fn last_seq(&self) -> u64 {
        self.recs.last().map_or(0, |r| r.seq)
    }
}

/// What the primary knows of a backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupState {
    /// How much of this epoch's log it has applied, as it last said.
    pub applied: u64,
    pub heard_us: u64,
    /// The boot it answered from: one that restarted lost what it held.
    pub boot: u64,
    pub in_view: bool,
}

impl Replica {
    /// It holds the lock for `epoch`: fence the older log files and replay them first.
    pub(super) fn take_over(&mut self, epoch: u64, out: &mut Out<PbNode>) {
        out.note(format!("holds the primary's lock: epoch {epoch}; fencing the log"));
        self.role = if self.t.serve_before_replay { Role::Primary { epoch } } else { Role::Recovering { epoch } };
        self.epoch = self.epoch.max(epoch);
        self.replayed = None;
        self.primary_hint = Some(self.id);
        out.send(self.t.storage, PbMsg::Fence { epoch });
        out.set_timer(PbTimer::Resend, self.t.resend_us, self.t.resend_us);
    }

    pub(super) fn on_fence_ack(&mut self, epoch: u64, ok: bool, log: Vec<Rec>, out: &mut Out<PbNode>) {
        let (Role::Recovering { epoch: e } | Role::Primary { epoch: e }) = self.role else { return };
        if e != epoch || self.replayed.is_some() {
            return;
        }
        if !ok {
            return self.step_down("a newer epoch has fenced the log", out);
        }
        let count = log.len() as u64;
        self.store = Store::replay(log);
        self.replayed = Some(count);
        self.epoch = epoch;
        self.role = Role::Primary { epoch };
        out.note(format!("replayed {count} records from the log: serving in epoch {epoch}"));
        let now = out.now();
        let peers: Vec<NodeId> = self.peers().collect();
        self.backups.clear();
        for b in peers {
            self.backups.insert(b, BackupState { applied: 0, heard_us: now, boot: 0, in_view: false });
        }
        self.forward_all(false, out);
        self.pump(out);
    }

    /// Deposed (or its lock lost): stop acting as primary; calls waiting get no answer (their
    /// clients try elsewhere).
    pub(super) fn step_down(&mut self, why: &str, out: &mut Out<PbNode>) {
        if let Role::Recovering { epoch } | Role::Primary { epoch } = self.role {
            out.note(format!("steps down from epoch {epoch}: {why}"));
            self.fenced = Some(epoch);
        }
        self.role = Role::Backup;
        self.queue.clear();
        self.batch = None;
        self.backups.clear();
        self.replayed = None;
        out.cancel_timer(PbTimer::Resend);
    }

    pub(super) fn accept_write(&mut self, request_id: u64, rec: Rec, out: &mut Out<PbNode>) {
        if self.store.has(rec.client, rec.serial) {
            return out.reply(request_id, PbReply::Ok(None));
        }
        let same = |c: u64, s: u64| rec.client != 0 && c == rec.client && s == rec.serial;
        if let Some(b) = self.batch.as_mut().filter(|b| b.recs.iter().any(|r| same(r.client, r.serial))) {
            return b.waiters.push((request_id, rec.client, rec.serial));
        }
        if let Some(q) = self.queue.iter_mut().find(|(_, r)| same(r.client, r.serial)) {
            q.0 = request_id;
            return;
        }
        self.queue.push((request_id, rec));
        self.pump(out);
    }

    /// Start the next batch when none is on its way (and the log is replayed).
    fn pump(&mut self, out: &mut Out<PbNode>) {
        let Role::Primary { epoch } = self.role else { return };
        if self.batch.is_some() || self.queue.is_empty() || self.replayed.is_none() {
            return;
        }
        let mut seq = self.store.applied();
        let mut batch = Batch { recs: Vec::new(), waiters: Vec::new(), logged: false };
        for (request_id, mut rec) in std::mem::take(&mut self.queue) {
            seq += 1;
            rec.seq = seq;
            rec.epoch = epoch;
            batch.waiters.push((request_id, rec.client, rec.serial));
            batch.recs.push(rec);
        }
        out.send(self.t.storage, PbMsg::Append { epoch, recs: batch.recs.clone() });
        self.batch = Some(batch);
        self.forward_all(false, out);
    }

    /// The log as the primary has it: applied records, then the batch on its way.
    fn sent_log(&self) -> impl Iterator<Item = &Rec> {
        self.store.log.iter().chain(self.batch.iter().flat_map(|b| b.recs.iter()))
    }
    fn sent_len(&self) -> u64 {
        self.store.applied() + self.batch.as_ref().map_or(0, |b| b.recs.len() as u64)
    }

    /// Send each backup what it lacks (with `ping`, an empty forward to a backup lacking
    /// nothing, so that it answers and stays in the view).
    fn forward_all(&mut self, ping: bool, out: &mut Out<PbNode>) {
        let targets: Vec<(NodeId, u64)> = self.backups.iter().map(|(b, s)| (*b, s.applied)).collect();
        for (b, applied) in targets {
            if ping || applied < self.sent_len() {
                self.forward_to(b, applied, out);
            }
        }
    }

    fn forward_to(&self, b: NodeId, applied: u64, out: &mut Out<PbNode>) {
        let Role::Primary { epoch } = self.role else { return };
        let recs = self.sent_log().skip(applied as usize).cloned().collect();
        out.send(b, PbMsg::Forward { epoch, from: applied + 1, recs });
    }

    pub(super) fn on_append_ack(&mut self, epoch: u64, last: u64, ok: bool, out: &mut Out<PbNode>) {
        if self.role != (Role::Primary { epoch }) {
            return;
        }
        if !ok {
            return self.step_down("the storage sealed its log file", out);
        }
        if let Some(b) = self.batch.as_mut().filter(|b| last >= b.last_seq()) {
            b.logged = true;
        }
        self.maybe_commit(out);
    }

    pub(super) fn on_forward_ack(&mut self, from: NodeId, epoch: u64, applied: u64, boot: u64, ok: bool, out: &mut Out<PbNode>) {
        let Role::Primary { epoch: mine } = self.role else { return };
        if !ok && epoch > mine {
            return self.step_down(&format!("n{from} follows epoch {epoch}"), out);
        }
        if epoch != mine {
            return;
        }
        let (now, sent) = (out.now(), self.sent_len());
        let Some(s) = self.backups.get_mut(&from) else { return };
        if boot < s.boot {
            return;
        }
        if boot > s.boot && s.in_view {
            s.in_view = false;
            out.note(format!("n{from} restarted: out of the view until it catches up"));
        }
        s.boot = boot;
        s.applied = applied;
        s.heard_us = now;
        if !s.in_view && applied >= sent {
            s.in_view = true;
            out.note(format!("n{from} has caught up: in the view"));
        }
        if applied < sent {
            self.forward_to(from, applied, out);
        }
        self.maybe_commit(out);
    }

    /// The batch is in the log and on every backup in the view: apply it and answer.
    fn maybe_commit(&mut self, out: &mut Out<PbNode>) {
        let Some(b) = &self.batch else { return };
        let last = b.last_seq();
        let backups_have = self.t.ack_before_backups_apply || self.backups.values().all(|s| !s.in_view || s.applied >= last);
        if !b.logged || !backups_have {
            return;
        }
        let Some(b) = self.batch.take() else { return };
        for rec in b.recs {
            self.store.apply(rec);
        }
        for (request_id, _, _) in &b.waiters {
            out.reply(*request_id, PbReply::Ok(None));
        }
        self.acked_writes += b.waiters.len() as u64;
        self.last_ack = Some((last, self.backups.iter().filter(|(_, s)| s.in_view).map(|(b, s)| (*b, s.boot)).collect()));
        self.pump(out);
    }

    /// The backups in its view.
    pub fn view(&self) -> Vec<NodeId> {
        self.backups.iter().filter(|(_, s)| s.in_view).map(|(b, _)| *b).collect()
    }

    /// Send again what is unanswered; drop silent backups from the view.
    pub(super) fn on_resend(&mut self, out: &mut Out<PbNode>) {
        match self.role {
            Role::Backup => return,
            Role::Recovering { epoch } => out.send(self.t.storage, PbMsg::Fence { epoch }),
            Role::Primary { epoch } if self.replayed.is_none() => out.send(self.t.storage, PbMsg::Fence { epoch }),
            Role::Primary { epoch } => {
                let now = out.now();
                for (b, s) in self.backups.iter_mut() {
                    if s.in_view && now.saturating_sub(s.heard_us) > self.t.backup_timeout_us {
                        s.in_view = false;
                        out.note(format!("n{b} is silent: out of the view"));
                    }
                }
                if let Some(b) = self.batch.as_ref().filter(|b| !b.logged) {
                    out.send(self.t.storage, PbMsg::Append { epoch, recs: b.recs.clone() });
                }
                self.forward_all(true, out);
                self.maybe_commit(out);
            }
        }
        out.set_timer(PbTimer::Resend, self.t.resend_us, self.t.resend_us);
    }
}
