//! The leader's side of Zab 1.0 as ZooKeeper runs it (`Leader.lead`, `LearnerHandler`),
//! with the paper's phases (Junqueira et al., DSN 2011, §IV): discovery (a quorum's
//! FOLLOWERINFO fixes the new epoch, one above every acceptedEpoch; LEADERINFO; a quorum's
//! ACKEPOCH), synchronization (DIFF, TRUNC or SNAP chosen from each follower's last zxid,
//! then NEWLEADER; established once a quorum acknowledged it, when the initial history is
//! delivered and UPTODATE sent) and broadcast (PROPOSAL, COMMIT once a quorum ACKed, in
//! zxid order); the leader steps down when a quorum has gone unheard for syncLimit. From
//! version 4 it takes each follower's session in order, once, as ZooKeeper's
//! LearnerHandler reads its TCP connection, and drops a follower silent past its read
//! timeout.

use super::lease::LeaseRounds;
use super::msg::{Txn, ZabMsg, Zxid};
use super::node::{Phase, Role, Zab, ZabWrite};
use crate::protocols::raft::kv::KvCommand;
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Out, StateMachine};

/// How far a follower (a "learner") has come with this leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Sent FOLLOWERINFO; waits for the epoch.
    Info,
    /// Sent LEADERINFO; waits for ACKEPOCH.
    EpochSent,
    /// Acknowledged the epoch; waits for a quorum to do so before its synchronization.
    EpochAcked,
    /// Sent its synchronization and NEWLEADER; proposals are forwarded to it.
    Syncing,
    /// Acknowledged NEWLEADER.
    Synced,
    /// Sent UPTODATE: it serves clients.
    UpToDate,
}

#[derive(Clone, Debug)]
pub struct Learner<C = KvCommand> {
    pub stage: Stage,
    pub accepted_epoch: u64,
    pub last_heard_us: u64,
    /// Its last zxid, as its ACKEPOCH said.
    pub last_zxid: Zxid,
    /// How it was synchronized ("DIFF", "TRUNC", "SNAP"), for the view.
    pub sync: &'static str,
    /// The latest election round heard from the follower when it joined: a notification of a
    /// later round from it means it has left.
    pub round: u64,
    /// The session the follower opened, and the number its next message gets.
    pub session: u64,
    pub seq: u64,
    /// Version 4: the number of the follower's next message this leader takes, and those
    /// that came ahead of it.
    pub in_seq: u64,
    pub ahead: SortedMap<u64, ZabMsg<C>>,
    /// The last zxid of the history NEWLEADER gave it.
    pub synced_to: Zxid,
}

#[derive(Clone, Debug)]
pub struct LeaderState<C = KvCommand> {
    pub phase: Phase,
    /// The epoch proposed (0 until a quorum's FOLLOWERINFO fixed it).
    pub epoch: u64,
    pub learners: SortedMap<NodeId, Learner<C>>,
    pub established: bool,
    pub counter: u64,
    /// Proposals not yet committed, with who has ACKed each.
    pub outstanding: SortedMap<Zxid, Vec<NodeId>>,
    /// Syncs waiting for a proposal to commit: (that proposal, who asked, for which read).
    pub syncs: Vec<(Zxid, NodeId, u64)>,
    /// Leader lease rounds (only with leases on).
    pub lease: LeaseRounds,
}

impl<C> Default for LeaderState<C> {
    fn default() -> Self {
        LeaderState { phase: Phase::Discovery, epoch: 0, learners: SortedMap::default(), established: false, counter: 0, outstanding: SortedMap::default(), syncs: Vec::new(), lease: LeaseRounds::default() }
    }
}

impl<C> LeaderState<C> {
    /// The leader and the followers at `stage` or beyond.
    pub fn count(&self, stage: Stage) -> usize {
        1 + self.learners.values().filter(|x| x.stage >= stage).count()
    }

    /// The followers proposals and commits go to (being synchronized or beyond).
    pub fn forwarding(&self) -> Vec<NodeId> {
        self.learners.iter().filter(|(_, x)| x.stage >= Stage::Syncing).map(|(id, _)| *id).collect()
    }
}

pub(super) fn leading<S: StateMachine>(z: &mut Zab<S>) -> &mut LeaderState<S::Command> {
    match &mut z.role {
        Role::Leading(l) => l,
        _ => unreachable!("leader handler on a server that does not lead"),
    }
}

impl<S: StateMachine> Zab<S> {
    fn as_leader(&self) -> Option<&LeaderState<S::Command>> {
        match &self.role {
            Role::Leading(l) => Some(l),
            _ => None,
        }
    }

    /// Elected: count its own acceptedEpoch towards the quorum of FOLLOWERINFO.
    pub fn leader_start(&mut self, out: &mut Out<Self>) {
        self.maybe_fix_epoch(out);
    }

    /// A message from a follower: version 4 takes those of a session in order, once.
    pub fn leader_message(&mut self, from: NodeId, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        match msg {
            ZabMsg::Stream { session, seq, msg } => self.leader_stream(from, session, seq, *msg, out),
            msg => self.leader_take(from, msg, out),
        }
    }

    fn leader_stream(&mut self, from: NodeId, session: u64, seq: u64, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        let l = leading(self);
        let Some(x) = l.learners.get_mut(&from).filter(|x| x.session == session && seq >= x.in_seq) else { return };
        x.ahead.insert(seq, msg);
        loop {
            let Role::Leading(l) = &mut self.role else { return };
            let Some(x) = l.learners.get_mut(&from).filter(|x| x.session == session) else { return };
            let next = x.in_seq;
            let Some(msg) = x.ahead.remove(&next) else { return };
            x.in_seq += 1;
            self.leader_take(from, msg, out);
        }
    }

    fn leader_take(&mut self, from: NodeId, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        let now = out.now();
        let Role::Leading(l) = &mut self.role else { return };
        if let Some(learner) = l.learners.get_mut(&from) {
            learner.last_heard_us = now;
        }
        match msg {
            ZabMsg::FollowerInfo { accepted_epoch, session, .. } => self.on_follower_info(from, accepted_epoch, session, out),
            ZabMsg::AckEpoch { epoch, current_epoch, last_zxid } => self.on_ack_epoch(from, epoch, current_epoch, last_zxid, out),
            ZabMsg::AckNewLeader { epoch } => self.on_ack_newleader(from, epoch, out),
            ZabMsg::Ack { zxid } if self.stage_of(from) >= Some(Stage::Syncing) => self.leader_ack(from, zxid, out),
            ZabMsg::Request { request_id, cmd } if self.takes_writes() && self.stage_of(from) == Some(Stage::UpToDate) => {
                self.propose_txn(cmd, Some((from, request_id)), out)
            }
            ZabMsg::Sync { request_id } if self.takes_writes() && self.stage_of(from) == Some(Stage::UpToDate) => self.leader_sync(from, request_id, out),
            ZabMsg::LeasePingAck { epoch, round } => self.on_lease_ping_ack(from, epoch, round),
            _ => {}
        }
    }

    /// Send `msg` to follower `to` within their session (numbered, so it is taken in order).
    pub(super) fn to_learner(&mut self, to: NodeId, msg: ZabMsg<S::Command>, out: &mut Out<Self>) {
        let Some(x) = leading(self).learners.get_mut(&to) else { return };
        let (session, seq) = (x.session, x.seq);
        x.seq += 1;
        out.send(to, ZabMsg::Stream { session, seq, msg: Box::new(msg) });
    }

    fn stage_of(&self, id: NodeId) -> Option<Stage> {
        self.as_leader().and_then(|l| l.learners.get(&id)).map(|x| x.stage)
    }

    fn on_follower_info(&mut self, from: NodeId, accepted_epoch: u64, session: u64, out: &mut Out<Self>) {
        let now = out.now();
        let round = self.election.heard.get(&from).copied().unwrap_or(0);
        let l = leading(self);
        if l.learners.get(&from).is_some_and(|x| x.session == session) {
            return; // said again while waiting for LEADERINFO
        }
        if l.epoch != 0 && accepted_epoch > l.epoch {
            // The follower accepted a later epoch from a leader that failed, and would
            // refuse this one for ever (ZooKeeper's follower retries in vain): step down,
            // so that the next election proposes an epoch above both.
            let epoch = l.epoch;
            self.go_looking(&format!("n{from} accepted epoch {accepted_epoch}, above this epoch {epoch}"), out);
            return;
        }
        let learner = Learner { stage: Stage::Info, accepted_epoch, last_heard_us: now, last_zxid: Zxid::ZERO, sync: "", round, session, seq: 0, in_seq: 0, ahead: SortedMap::default(), synced_to: Zxid::ZERO };
        l.learners.insert(from, learner);
        if l.epoch == 0 {
            self.maybe_fix_epoch(out);
        } else {
            let epoch = l.epoch;
            self.send_leader_info(from, epoch, out);
        }
    }

    /// A quorum's FOLLOWERINFO is in: the new epoch is one above every acceptedEpoch heard.
    fn maybe_fix_epoch(&mut self, out: &mut Out<Self>) {
        let (quorum, own) = (self.quorum(), self.accepted_epoch);
        let l = leading(self);
        if l.epoch != 0 || 1 + l.learners.len() < quorum {
            return;
        }
        let epoch = 1 + l.learners.values().map(|x| x.accepted_epoch).max().unwrap_or(0).max(own);
        l.epoch = epoch;
        self.accepted_epoch = epoch;
        out.write(ZabWrite::AcceptedEpoch(epoch));
        out.sync();
        let ids: Vec<NodeId> = leading(self).learners.keys().copied().collect();
        for id in ids {
            self.send_leader_info(id, epoch, out);
        }
    }

    fn send_leader_info(&mut self, to: NodeId, epoch: u64, out: &mut Out<Self>) {
        if let Some(x) = leading(self).learners.get_mut(&to) {
            x.stage = Stage::EpochSent;
        }
        self.to_learner(to, ZabMsg::LeaderInfo { epoch }, out);
    }

    fn on_ack_epoch(&mut self, from: NodeId, epoch: u64, current_epoch: u64, last_zxid: Zxid, out: &mut Out<Self>) {
        let l = leading(self);
        if epoch != l.epoch || l.learners.get(&from).is_none_or(|x| x.stage != Stage::EpochSent) {
            return;
        }
        if (current_epoch, last_zxid) > (self.current_epoch, self.last_zxid()) {
            self.go_looking(&format!("n{from} is ahead of the leader (epoch {current_epoch}, zxid {last_zxid})"), out);
            return;
        }
        let quorum = self.quorum();
        let l = leading(self);
        if let Some(x) = l.learners.get_mut(&from) {
            x.stage = Stage::EpochAcked;
            x.last_zxid = last_zxid;
        }
        if l.phase != Phase::Discovery {
            self.sync_follower(from, last_zxid, out);
        } else if l.count(Stage::EpochAcked) >= quorum {
            self.begin_synchronization(out);
        }
    }

    /// A quorum acknowledged the new epoch: it becomes the current epoch, and every
    /// follower that acknowledged it is synchronized.
    fn begin_synchronization(&mut self, out: &mut Out<Self>) {
        let l = leading(self);
        let epoch = l.epoch;
        l.phase = Phase::Synchronization;
        self.current_epoch = epoch;
        self.since_us = out.now();
        out.write(ZabWrite::CurrentEpoch(epoch));
        out.sync();
        out.note(format!("n{} epoch {epoch}: synchronizing", self.env.id));
        let acked: Vec<(NodeId, Zxid)> = leading(self).learners.iter().filter(|(_, x)| x.stage == Stage::EpochAcked).map(|(id, x)| (*id, x.last_zxid)).collect();
        for (id, last) in acked {
            self.sync_follower(id, last, out);
        }
        if self.config.bug("skip_sync") {
            self.establish(out);
        }
    }

    /// Choose DIFF, TRUNC or SNAP from the follower's last zxid, send it, then NEWLEADER.
    pub fn sync_follower(&mut self, to: NodeId, peer_last: Zxid, out: &mut Out<Self>) {
        let epoch = leading(self).epoch;
        let (kind, msg) = self.sync_packet(epoch, peer_last);
        let last_zxid = self.last_zxid();
        if let Some(x) = leading(self).learners.get_mut(&to) {
            x.stage = Stage::Syncing;
            x.sync = kind;
            x.synced_to = last_zxid;
        }
        self.to_learner(to, msg, out);
        self.to_learner(to, ZabMsg::NewLeader { epoch, last_zxid }, out);
        if self.config.bug("skip_sync") && leading(self).established {
            self.send_up_to_date(to, out);
        }
    }

    /// ZooKeeper's choice (`LearnerHandler.syncFollower`): nothing to send, DIFF of what
    /// follows the follower's last zxid, TRUNC back to the leader's last zxid before it when
    /// the follower holds transactions the leader does not, and SNAP when the follower is
    /// further behind than the leader's in-memory committed log reaches.
    fn sync_packet(&self, epoch: u64, peer_last: Zxid) -> (&'static str, ZabMsg<S::Command>) {
        let h = &self.history;
        let last = self.last_zxid();
        if peer_last >= last {
            return if peer_last == last { ("DIFF", ZabMsg::Diff { epoch, txns: Vec::new() }) } else { ("TRUNC", ZabMsg::Trunc { epoch, to: last, txns: Vec::new() }) };
        }
        let after = h.partition_point(|t| t.zxid <= peer_last);
        let holds = peer_last == Zxid::ZERO || h[..after].last().is_some_and(|t| t.zxid == peer_last);
        let reach = h.len().saturating_sub(self.config.committed_log as usize);
        if after < reach {
            let (done, tail) = h.split_at(self.delivered);
            return ("SNAP", ZabMsg::Snap { epoch, txns: done.to_vec(), tail: tail.to_vec() });
        }
        let txns = h[after..].to_vec();
        if holds || self.config.bug("diff_not_trunc") {
            ("DIFF", ZabMsg::Diff { epoch, txns })
        } else {
            let to = h[..after].last().map_or(Zxid::ZERO, |t| t.zxid);
            ("TRUNC", ZabMsg::Trunc { epoch, to, txns })
        }
    }

    fn on_ack_newleader(&mut self, from: NodeId, epoch: u64, out: &mut Out<Self>) {
        let quorum = self.quorum();
        let l = leading(self);
        if epoch != l.epoch || l.learners.get(&from).is_none_or(|x| x.stage != Stage::Syncing) {
            return;
        }
        let Some(x) = l.learners.get_mut(&from) else { return };
        x.stage = Stage::Synced;
        let synced_to = x.synced_to;
        if l.established {
            self.send_up_to_date(from, out);
            if self.config.v4() {
                self.credit_synced_proposals(from, synced_to, out);
            }
        } else if l.count(Stage::Synced) >= quorum {
            self.establish(out);
        }
    }

    /// A quorum holds the initial history: it is committed. Deliver it, tell the synced
    /// followers (UPTODATE) and start broadcasting. With `skip_sync` the leader gets here
    /// once a quorum acknowledged the epoch, before anyone is synchronized: it tells every
    /// follower it sent NEWLEADER to that it is up to date, delivers nothing yet, and
    /// broadcasts (its initial history is delivered only with its first commit).
    fn establish(&mut self, out: &mut Out<Self>) {
        let l = leading(self);
        l.established = true;
        l.phase = Phase::Broadcast;
        let epoch = l.epoch;
        self.since_us = out.now();
        out.note(format!("n{} established as leader of epoch {epoch}", self.env.id));
        let skip = self.config.bug("skip_sync");
        if !skip {
            let initial = self.last_zxid();
            self.deliver_to(initial, out);
        }
        let ready = if skip { Stage::Syncing } else { Stage::Synced };
        let synced: Vec<NodeId> = leading(self).learners.iter().filter(|(_, x)| x.stage == ready).map(|(id, _)| *id).collect();
        for id in synced {
            self.send_up_to_date(id, out);
        }
        self.try_commit(out);
    }

    /// Version 4: a follower that joined during broadcast holds, on stable storage, every
    /// proposal its synchronization carried (its NEWLEADER acknowledgement says so): count
    /// it as that follower's ACK of each still outstanding, as ZooKeeper's follower ACKs
    /// the proposals it logs at NEWLEADER.
    fn credit_synced_proposals(&mut self, from: NodeId, synced_to: Zxid, out: &mut Out<Self>) {
        for (zxid, acks) in leading(self).outstanding.iter_mut() {
            if *zxid <= synced_to && !acks.contains(&from) {
                acks.push(from);
            }
        }
        self.try_commit(out);
    }

    fn send_up_to_date(&mut self, to: NodeId, out: &mut Out<Self>) {
        let (epoch, committed) = (leading(self).epoch, self.committed_zxid());
        if let Some(x) = leading(self).learners.get_mut(&to) {
            x.stage = Stage::UpToDate;
        }
        self.to_learner(to, ZabMsg::UpToDate { epoch, committed }, out);
    }

    /// Does the leader take writes? Once established.
    pub fn takes_writes(&self) -> bool {
        self.as_leader().is_some_and(|l| l.established)
    }

    /// PROPOSAL: the next zxid of this epoch; log it, send it to every follower being
    /// synchronized or synchronized, and ACK it itself once its fsync completes.
    pub fn propose_txn(&mut self, cmd: S::Command, origin: Option<(NodeId, u64)>, out: &mut Out<Self>) {
        let l = leading(self);
        l.counter += 1;
        let zxid = Zxid::new(l.epoch, l.counter);
        l.outstanding.insert(zxid, Vec::new());
        let to = l.forwarding();
        let txn = Txn { zxid, cmd, origin };
        self.append(txn.clone(), out);
        for id in to {
            self.to_learner(id, ZabMsg::Proposal { txn: txn.clone() }, out);
        }
        self.flush.acks.push(zxid);
        self.start_flush(out);
    }

    /// An ACK (the leader's own once its fsync completed): commit what a quorum holds.
    pub fn leader_ack(&mut self, from: NodeId, zxid: Zxid, out: &mut Out<Self>) {
        let Some(acks) = leading(self).outstanding.get_mut(&zxid) else { return };
        if !acks.contains(&from) {
            acks.push(from);
        }
        self.try_commit(out);
    }

    /// COMMIT, in zxid order, each proposal a quorum ACKed (only once established: the
    /// initial history comes first).
    fn try_commit(&mut self, out: &mut Out<Self>) {
        let quorum = self.quorum();
        loop {
            let l = leading(self);
            if !l.established {
                return;
            }
            let Some((&zxid, acks)) = l.outstanding.first_key_value() else { return };
            if acks.len() < quorum {
                return;
            }
            l.outstanding.pop_first();
            let to = l.forwarding();
            self.deliver_to(zxid, out);
            for id in to {
                self.to_learner(id, ZabMsg::Commit { zxid }, out);
            }
            self.release_syncs(zxid, out);
        }
    }

    /// Version 4: ZooKeeper's LearnerHandler gives up on a follower whose connection has
    /// been silent past its read timeout (initLimit while it synchronizes, syncLimit after
    /// UPTODATE): the leader sends it nothing more, so it times out too and rejoins.
    fn drop_unheard_learners(&mut self, now: u64, out: &mut Out<Self>) {
        let (init, sync) = (self.config.init_limit_us(), self.config.sync_limit_us());
        let l = leading(self);
        let silent = |x: &Learner<S::Command>| now.saturating_sub(x.last_heard_us) > if x.stage == Stage::UpToDate { sync } else { init };
        let dropped: Vec<NodeId> = l.learners.iter().filter(|(_, x)| silent(x)).map(|(id, _)| *id).collect();
        for id in dropped {
            l.learners.remove(&id);
            out.note(format!("leader drops n{id}: its session has been silent too long"));
        }
    }

    /// Each tick: initLimit while not established; once established, PING the followers
    /// and step down if a quorum (itself included) has not been heard within syncLimit.
    pub fn leader_tick(&mut self, out: &mut Out<Self>) {
        let now = out.now();
        let (init, sync, quorum) = (self.config.init_limit_us(), self.config.sync_limit_us(), self.quorum());
        let since = self.since_us;
        let l = leading(self);
        if !l.established {
            if now.saturating_sub(since) > init {
                self.go_looking("no quorum synchronized within initLimit", out);
            }
            return;
        }
        let epoch = l.epoch;
        if self.config.v4() {
            self.drop_unheard_learners(now, out);
        }
        let l = leading(self);
        let heard = 1 + l.learners.values().filter(|x| x.stage >= Stage::Synced && now.saturating_sub(x.last_heard_us) <= sync).count();
        let to = l.forwarding();
        if heard < quorum {
            self.go_looking("a quorum of followers unheard for syncLimit", out);
            return;
        }
        let round = self.leases().then(|| self.start_lease_round(now));
        for id in to {
            let ping = match round {
                Some(round) => ZabMsg::LeasePing { epoch, round },
                None => ZabMsg::Ping { epoch },
            };
            self.to_learner(id, ping, out);
        }
    }
}
