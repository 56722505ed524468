//! The follower's side of Zab 1.0 as ZooKeeper runs it (`Follower.followLeader`,
//! `Learner.syncWithLeader`), in the paper's phases (Junqueira et al., DSN 2011, §IV):
//! FOLLOWERINFO; on LEADERINFO, acceptedEpoch made durable before ACKEPOCH; the DIFF, TRUNC
//! or SNAP applied in memory and written at NEWLEADER, made durable before currentEpoch is
//! set and NEWLEADER acknowledged (ZOOKEEPER-3911, -4643, -3642); UPTODATE delivers the
//! initial history; then PROPOSALs are logged and ACKed after their fsync and delivered in
//! zxid order at COMMIT. The leader's messages in a session (and, from version 4, the
//! follower's to the leader) are numbered, as ZooKeeper's TCP
//! connection orders them: one that comes early waits for the gap to fill, a duplicate is
//! dropped, and a lost one ends the session through initLimit or syncLimit (only messages
//! taken in order count as hearing from the leader).

use super::msg::{Txn, ZabMsg, Zxid};
use super::node::{Flush, Phase, Role, Zab, ZabWrite};
use crate::sim::sorted::SortedMap;
use crate::protocols::raft::kv::KvCommand;
use crate::sim::{NodeId, Out, StateMachine};
use std::rc::Rc;

/// A synchronization packet: TRUNC back to `to` (none for DIFF), then append `txns`; or
/// SNAP, the leader's committed history (`txns`) then its uncommitted `tail`.
#[derive(Clone, Debug)]
pub struct SyncPacket<C = KvCommand> {
    pub kind: &'static str,
    pub to: Option<Zxid>,
    pub txns: Vec<Txn<C>>,
    pub tail: Vec<Txn<C>>,
}

#[derive(Clone, Debug)]
pub struct FollowerState<C = KvCommand> {
    pub leader: NodeId,
    pub phase: Phase,
    /// The epoch LEADERINFO proposed (0 before it came).
    pub epoch: u64,
    /// The synchronization packet (DIFF, TRUNC, SNAP) that came, kept in memory until
    /// NEWLEADER (as ZooKeeper's `packetsNotCommitted`).
    pub packet: Option<SyncPacket<C>>,
    pub newleader: bool,
    /// The last zxid of the history NEWLEADER established (once it came), and whether this
    /// session has written currentEpoch.
    pub newleader_last: Option<Zxid>,
    pub epoch_written: bool,
    /// The highest zxid the leader said is committed.
    pub commit_to: Zxid,
    pub last_heard_us: u64,
    /// The session (this follower's clock reading when it opened it), its next message
    /// number, and messages that came ahead of it.
    pub session: u64,
    pub next_seq: u64,
    pub ahead: SortedMap<u64, ZabMsg<C>>,
    /// Version 4: the number this follower's next message to the leader gets.
    pub out_seq: u64,
}

impl<C> FollowerState<C> {
    pub fn new(leader: NodeId, now_us: u64) -> Self {
        FollowerState { leader, phase: Phase::Discovery, epoch: 0, packet: None, newleader: false, newleader_last: None, epoch_written: false, commit_to: Zxid::ZERO, last_heard_us: now_us, session: now_us, next_seq: 0, ahead: SortedMap::default(), out_seq: 0 }
    }
}

fn following<S: StateMachine>(z: &mut Zab<S>) -> &mut FollowerState<S::Command> {
    match &mut z.role {
        Role::Following(f) => f,
        _ => unreachable!("follower handler on a server that does not follow"),
    }
}

impl<S: StateMachine> Zab<S> {
    /// A message of the session with the leader: take it, and any that came ahead of it,
    /// in order; drop a duplicate.
    pub fn follower_stream(&mut self, session: u64, seq: u64, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        let f = following(self);
        if session != f.session || seq < f.next_seq {
            return;
        }
        f.ahead.insert(seq, msg);
        loop {
            let Role::Following(f) = &mut self.role else { return };
            let next = f.next_seq;
            let Some(msg) = f.ahead.remove(&next) else { return };
            f.next_seq += 1;
            self.follower_message(msg, out);
        }
    }

    /// Send `msg` to the leader; from version 4 numbered within the session, as ZooKeeper's
    /// TCP connection carries it (the leader takes them in order, once).
    pub(super) fn to_leader(&mut self, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        let v4 = self.config.v4();
        let Role::Following(f) = &mut self.role else { return };
        if v4 {
            let seq = f.out_seq;
            f.out_seq += 1;
            out.send(f.leader, ZabMsg::Stream { session: f.session, seq, msg: Box::new(msg) });
        } else {
            out.send(f.leader, msg);
        }
    }

    fn follower_message(&mut self, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        following(self).last_heard_us = out.now();
        let f = following(self);
        let (phase, epoch, newleader, packet) = (f.phase, f.epoch, f.newleader, f.packet.is_some());
        match msg {
            ZabMsg::LeaderInfo { epoch: e } if phase == Phase::Discovery => self.on_leader_info(e, out),
            ZabMsg::Diff { epoch: e, txns } if self.expects_packet(e) => following(self).packet = Some(SyncPacket { kind: "DIFF", to: None, txns, tail: Vec::new() }),
            ZabMsg::Trunc { epoch: e, to, txns } if self.expects_packet(e) => following(self).packet = Some(SyncPacket { kind: "TRUNC", to: Some(to), txns, tail: Vec::new() }),
            ZabMsg::Snap { epoch: e, txns, tail } if self.expects_packet(e) => following(self).packet = Some(SyncPacket { kind: "SNAP", to: None, txns, tail }),
            ZabMsg::NewLeader { epoch: e, last_zxid } if e == epoch && packet && !newleader => self.on_newleader(e, last_zxid, out),
            ZabMsg::UpToDate { epoch: e, committed } if e == epoch && newleader && phase == Phase::Synchronization => self.on_up_to_date(committed, out),
            ZabMsg::Proposal { txn } if newleader && txn.zxid.epoch == epoch => self.on_proposal(txn, out),
            ZabMsg::Commit { zxid } if newleader && zxid.epoch == epoch => self.on_commit(zxid, out),
            ZabMsg::Ping { epoch: e } => self.to_leader(ZabMsg::PingAck { epoch: e }, out),
            ZabMsg::LeasePing { epoch: e, round } => self.on_lease_ping(e, round, out),
            ZabMsg::SyncReply { request_id } if phase == Phase::Broadcast => self.finish_read(request_id, out),
            ZabMsg::Diff { .. } | ZabMsg::Trunc { .. } | ZabMsg::Snap { .. } | ZabMsg::NewLeader { .. } if phase == Phase::Synchronization && !newleader => {
                self.go_looking("synchronization out of order", out)
            }
            _ => {}
        }
    }

    fn expects_packet(&mut self, epoch: u64) -> bool {
        let f = following(self);
        f.phase == Phase::Synchronization && f.epoch == epoch && f.packet.is_none()
    }

    /// NEWEPOCH: accept it if it is not older than an epoch already accepted.
    fn on_leader_info(&mut self, epoch: u64, out: &mut Out<Self>) {
        if epoch < self.accepted_epoch {
            self.go_looking(&format!("LEADERINFO epoch {epoch} is below acceptedEpoch {}", self.accepted_epoch), out);
            return;
        }
        if epoch > self.accepted_epoch {
            self.accepted_epoch = epoch;
            out.write(ZabWrite::AcceptedEpoch(epoch));
            out.sync();
        }
        let f = following(self);
        f.epoch = epoch;
        f.phase = Phase::Synchronization;
        self.since_us = out.now();
        self.to_leader(ZabMsg::AckEpoch { epoch, current_epoch: self.current_epoch, last_zxid: self.last_zxid() }, out);
    }

    /// DIFF (`to` none) or TRUNC: cut back to `to`, then append what follows the last zxid.
    fn apply_diff(&mut self, to: Option<Zxid>, txns: Vec<Txn<S::Command>>, out: &mut Out<Self>) {
        if let Some(to) = to {
            let keep = self.history.partition_point(|t| t.zxid <= to);
            self.truncate(keep, out);
        }
        let last = self.last_zxid();
        for t in txns.into_iter().filter(|t| t.zxid > last) {
            self.append(t, out);
        }
    }

    /// SNAP: the leader's history replaces this server's (on disk, unless the planted bug
    /// keeps it in memory only).
    fn apply_snap(&mut self, txns: Vec<Txn<S::Command>>, out: &mut Out<Self>) {
        let keeps = self.delivered <= txns.len() && self.history[..self.delivered] == txns[..self.delivered];
        self.history = txns;
        if !keeps {
            self.rebuild(0);
        }
        if !self.config.bug("snap_not_persisted") {
            self.disk_base = self.history.len();
            out.write(ZabWrite::Snapshot(Rc::new(self.history.clone())));
        }
    }

    /// NEWLEADER: write the synchronized history; once it is durable, set currentEpoch and
    /// acknowledge (with the planted bugs, in the orders ZooKeeper once used).
    fn on_newleader(&mut self, epoch: u64, last_zxid: Zxid, out: &mut Out<Self>) {
        following(self).newleader = true;
        following(self).newleader_last = Some(last_zxid);
        if self.config.bug("epoch_before_txns") {
            self.set_current_epoch(epoch, out);
        }
        let packet = following(self).packet.take();
        if let Some(SyncPacket { kind, to, txns, tail }) = packet {
            let rest = if kind == "SNAP" {
                self.apply_snap(txns, out);
                tail
            } else {
                txns
            };
            self.apply_diff(to, rest, out);
            following(self).packet = Some(SyncPacket { kind, to: None, txns: Vec::new(), tail: Vec::new() });
        }
        if self.config.bug("ack_newleader_before_sync") {
            self.set_current_epoch(epoch, out);
            self.to_leader(ZabMsg::AckNewLeader { epoch }, out);
        } else {
            self.flush.newleader = Some(epoch);
        }
        self.start_flush(out);
    }

    fn set_current_epoch(&mut self, epoch: u64, out: &mut Out<Self>) {
        self.current_epoch = epoch;
        following(self).epoch_written = true;
        out.write(ZabWrite::CurrentEpoch(epoch));
        if !self.config.bug("ack_newleader_before_sync") {
            out.sync();
        }
    }

    /// The fsync completed: acknowledge NEWLEADER (currentEpoch first) and the proposals.
    pub fn follower_flushed(&mut self, flush: Flush, out: &mut Out<Self>) {
        let epoch = following(self).epoch;
        if flush.newleader == Some(epoch) {
            if !self.config.bug("epoch_before_txns") {
                self.set_current_epoch(epoch, out);
            }
            self.to_leader(ZabMsg::AckNewLeader { epoch }, out);
        }
        for zxid in flush.acks {
            self.to_leader(ZabMsg::Ack { zxid }, out);
        }
    }

    /// COMMIT-LD: deliver the initial history and serve clients.
    fn on_up_to_date(&mut self, committed: Zxid, out: &mut Out<Self>) {
        let f = following(self);
        f.phase = Phase::Broadcast;
        f.commit_to = f.commit_to.max(committed);
        self.since_us = out.now();
        self.deliver_committed(out);
    }

    fn on_proposal(&mut self, txn: Txn<S::Command>, out: &mut Out<Self>) {
        let last = self.last_zxid();
        if txn.zxid <= last {
            return; // a duplicate
        }
        let next = if last.epoch == txn.zxid.epoch { last.counter + 1 } else { 1 };
        if txn.zxid.counter != next {
            self.go_looking(&format!("proposal {} does not follow {last}", txn.zxid), out);
            return;
        }
        let zxid = txn.zxid;
        self.append(txn, out);
        if self.config.bug("ack_before_fsync") {
            self.to_leader(ZabMsg::Ack { zxid }, out);
        } else {
            self.flush.acks.push(zxid);
        }
        self.start_flush(out);
    }

    fn on_commit(&mut self, zxid: Zxid, out: &mut Out<Self>) {
        let f = following(self);
        f.commit_to = f.commit_to.max(zxid);
        if f.phase == Phase::Broadcast {
            self.deliver_committed(out);
        }
    }

    fn deliver_committed(&mut self, out: &mut Out<Self>) {
        let upto = following(self).commit_to;
        if upto > self.last_zxid() {
            self.go_looking(&format!("commit {upto} for a proposal not received"), out);
            return;
        }
        self.deliver_to(upto, out);
    }

    /// initLimit while synchronizing; syncLimit once serving.
    pub fn follower_tick(&mut self, out: &mut Out<Self>) {
        let now = out.now();
        let f = following(self);
        let (phase, heard) = (f.phase, f.last_heard_us);
        if phase == Phase::Discovery {
            // ZooKeeper's connectToLeader retries until initLimit: say FOLLOWERINFO again.
            let f = following(self);
            let (leader, session) = (f.leader, f.session);
            out.send(leader, ZabMsg::FollowerInfo { accepted_epoch: self.accepted_epoch, last_zxid: self.last_zxid(), session });
        }
        if phase != Phase::Broadcast && now.saturating_sub(self.since_us) > self.config.init_limit_us() {
            self.go_looking("not synchronized within initLimit", out);
        } else if phase == Phase::Broadcast && now.saturating_sub(heard) > self.config.sync_limit_us() {
            self.go_looking("leader unheard for syncLimit", out);
        }
    }
}
