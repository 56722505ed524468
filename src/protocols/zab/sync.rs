//! ZooKeeper's `sync` before a read (`reads: sync`): the server asks the leader to flush the
//! channel between them, and the leader answers once every proposal it made before the sync
//! has committed; the answer comes after those COMMITs on the same session, so the server
//! then reads a state at least as new as the leader's was. ZooKeeper's Programmer's Guide
//! ("Consistency Guarantees") says what this does not give: the leader answers from what it
//! believes, so a deposed leader that has not noticed yet lets a read miss writes the new
//! epoch committed — current, but not linearizable.

use super::leader::leading;
use super::msg::{Zxid, ZabMsg};
use super::node::{done, Role, Zab};
use crate::sim::{NodeId, Out, StateMachine};

impl<S: StateMachine> Zab<S> {
    /// A read in sync mode: sync through the leader, answer when the sync returns.
    pub fn sync_read(&mut self, request_id: u64, cmd: S::Command, out: &mut Out<Self>) {
        self.reads.insert(request_id, cmd);
        match &self.role {
            Role::Leading(_) => self.leader_sync(self.env.id, request_id, out),
            Role::Following(_) => self.to_leader(ZabMsg::Sync { request_id }, out),
            Role::Looking => {}
        }
    }

    /// The leader: answer now if nothing is outstanding, else once its last proposal commits.
    pub fn leader_sync(&mut self, from: NodeId, request_id: u64, out: &mut Out<Self>) {
        let l = leading(self);
        match l.outstanding.last_key_value() {
            Some((&last, _)) => l.syncs.push((last, from, request_id)),
            None => self.answer_sync(from, request_id, out),
        }
    }

    /// `zxid` committed: answer the syncs that waited for it.
    pub fn release_syncs(&mut self, zxid: Zxid, out: &mut Out<Self>) {
        let l = leading(self);
        let (done, wait): (Vec<_>, Vec<_>) = l.syncs.drain(..).partition(|(z, _, _)| *z <= zxid);
        l.syncs = wait;
        for (_, from, request_id) in done {
            self.answer_sync(from, request_id, out);
        }
    }

    fn answer_sync(&mut self, to: NodeId, request_id: u64, out: &mut Out<Self>) {
        if to == self.env.id {
            self.finish_read(request_id, out);
        } else {
            self.to_learner(to, ZabMsg::SyncReply { request_id }, out);
        }
    }

    /// The sync returned: answer the read from this server's state.
    pub fn finish_read(&mut self, request_id: u64, out: &mut Out<Self>) {
        let Some(cmd) = self.reads.remove(&request_id) else { return };
        if let Some(output) = self.sm.query(&cmd) {
            out.reply(request_id, done(output, self.committed_zxid()));
        }
    }
}
