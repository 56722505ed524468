//! The backup's side (MIT 6.824 primary/backup): apply what the primary forwards, in order,
//! and say how far it got. A primary of a newer epoch replaces everything it held (its
//! records from an older epoch may never have reached the log); one of an older epoch is
//! refused, which tells that deposed primary so (fencing at the backups).

use super::Replica;
use crate::protocols::primary_backup::data::{Rec, Store};
use crate::protocols::primary_backup::msg::PbMsg;
use crate::protocols::primary_backup::PbNode;
use crate::sim::{NodeId, Out};

impl Replica {
    pub(super) fn on_forward(&mut self, from: NodeId, epoch: u64, first: u64, recs: Vec<Rec>, out: &mut Out<PbNode>) {
        if epoch < self.epoch && !self.t.backup_accepts_old_epoch {
            return out.send(from, PbMsg::ForwardAck { epoch: self.epoch, applied: 0, boot: self.lock.incarnation, ok: false });
        }
        if epoch > self.epoch {
            if self.role != super::Role::Backup {
                self.step_down(&format!("n{from} leads epoch {epoch}"), out);
            }
            self.epoch = epoch;
            self.store = Store::default();
        }
        if self.role != super::Role::Backup {
            return;
        }
        self.primary_hint = Some(from);
        self.served = (epoch, self.epoch);
        let applied = self.store.applied();
        if first <= applied + 1 {
            for rec in recs.into_iter().skip((applied + 1 - first) as usize) {
                self.store.apply(rec);
            }
        }
        out.send(from, PbMsg::ForwardAck { epoch, applied: self.store.applied(), boot: self.lock.incarnation, ok: true });
    }
}
