//! Fast Leader Election as ZooKeeper runs it (`FastLeaderElection.lookForLeader`): each
//! server votes for itself with (currentEpoch, last zxid, id), adopts any better vote it
//! hears within its election round (the logical clock), and concludes once a quorum of the
//! votes it holds agree with its own and no better one came within finalizeWait; a server
//! that has concluded answers a looking one with its vote, and a looking server joins a
//! leader that a quorum outside the election follows. Junqueira et al. (DSN 2011) §IV
//! leave election open (phase 0); Zab 1.0 relies on it choosing the most up-to-date server.

use super::follower::FollowerState;
use super::leader::LeaderState;
use super::msg::{ServerState, Vote, ZabMsg};
use super::node::{Role, Zab};
use super::ZabTimer;
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeId, Out, StateMachine};

/// One server's election state; kept after it concludes, to answer looking servers.
#[derive(Clone, Debug)]
pub struct Election {
    /// The logical clock: the election round.
    pub round: u64,
    pub vote: Vote,
    /// Votes of looking servers in this round (its own included).
    pub received: SortedMap<NodeId, Vote>,
    /// Votes of servers that are following or leading (ZooKeeper's `outofelection`).
    pub outside: SortedMap<NodeId, (Vote, ServerState)>,
    /// The latest round heard from each server, whatever its state.
    pub heard: SortedMap<NodeId, u64>,
}

impl Election {
    pub fn new(id: NodeId) -> Self {
        let vote = Vote { leader: id, zxid: super::Zxid::ZERO, epoch: 0 };
        Election { round: 0, vote, received: SortedMap::default(), outside: SortedMap::default(), heard: SortedMap::default() }
    }
}

impl<S: StateMachine> Zab<S> {
    fn own_vote(&self) -> Vote {
        Vote { leader: self.env.id, zxid: self.last_zxid(), epoch: self.current_epoch }
    }

    fn server_state(&self) -> ServerState {
        match self.role {
            Role::Looking => ServerState::Looking,
            Role::Following(_) => ServerState::Following,
            Role::Leading(_) => ServerState::Leading,
        }
    }

    fn notification(&self) -> ZabMsg<S::Command> {
        ZabMsg::Notification { vote: self.election.vote, election_epoch: self.election.round, state: self.server_state() }
    }

    fn send_notifications(&self, out: &mut Out<Self>) {
        for p in self.env.peers() {
            out.send(p, self.notification());
        }
    }

    /// A new round: vote for itself and tell everyone.
    pub fn start_election(&mut self, out: &mut Out<Self>) {
        let e = &mut self.election;
        e.round += 1;
        e.received.clear();
        e.outside.clear();
        self.set_vote(self.own_vote());
        self.send_notifications(out);
        out.cancel_timer(ZabTimer::Finalize);
        out.set_timer(ZabTimer::Notify, self.config.notify_timeout_us, self.config.notify_timeout_us);
    }

    fn set_vote(&mut self, vote: Vote) {
        self.election.vote = vote;
        self.election.received.insert(self.env.id, vote);
    }

    /// No answer for a while: say it again.
    pub fn on_notify_timeout(&mut self, out: &mut Out<Self>) {
        if matches!(self.role, Role::Looking) {
            self.send_notifications(out);
            out.set_timer(ZabTimer::Notify, self.config.notify_timeout_us, self.config.notify_timeout_us);
        }
    }

    pub fn on_notification(&mut self, from: NodeId, vote: Vote, round: u64, state: ServerState, out: &mut Out<Self>) {
        let heard = self.election.heard.entry(from).or_insert(0);
        *heard = (*heard).max(round);
        if state == ServerState::Looking && self.leader() == Some(from) {
            // Its leader is electing again: the session is over (in ZooKeeper the leader's
            // shutdown closes the connection).
            self.go_looking(&format!("its leader n{from} is looking"), out);
        }
        if !matches!(self.role, Role::Looking) {
            if state == ServerState::Looking {
                // A follower that is electing again has left its session (a notification from
                // before it joined, delivered late, carries its old round).
                if let Role::Leading(l) = &mut self.role {
                    if l.learners.get(&from).is_some_and(|x| round > x.round) {
                        l.learners.remove(&from);
                    }
                }
                out.send(from, self.notification());
            }
            return;
        }
        match state {
            ServerState::Looking => self.heard_looking(from, vote, round, out),
            _ => self.heard_outside(from, vote, round, state, out),
        }
    }

    fn heard_looking(&mut self, from: NodeId, vote: Vote, round: u64, out: &mut Out<Self>) {
        if round < self.election.round {
            out.send(from, self.notification());
            return;
        }
        if round > self.election.round {
            self.election.round = round;
            self.election.received.clear();
            let own = self.own_vote();
            self.set_vote(if vote.beats(&own) { vote } else { own });
            self.send_notifications(out);
        } else if vote.beats(&self.election.vote) {
            self.set_vote(vote);
            self.send_notifications(out);
        }
        self.election.received.insert(from, vote);
        if self.agreeing(&self.election.vote) >= self.quorum() {
            out.set_timer(ZabTimer::Finalize, self.config.finalize_wait_us, self.config.finalize_wait_us);
        }
    }

    fn agreeing(&self, vote: &Vote) -> usize {
        self.election.received.values().filter(|v| *v == vote).count()
    }

    /// A server already following or leading: join its leader once a quorum outside the
    /// election follows it and the leader itself says it leads.
    fn heard_outside(&mut self, from: NodeId, vote: Vote, round: u64, state: ServerState, out: &mut Out<Self>) {
        self.election.outside.insert(from, (vote, state));
        // ZooKeeper counts the servers outside the election that back this leader (its own
        // vote among them), and this server too if its own vote already names that leader
        // (its recvset holds its own vote).
        let own = usize::from(self.election.vote.leader == vote.leader);
        let backers = own + self.election.outside.values().filter(|(v, _)| v.leader == vote.leader).count();
        // ZooKeeper's checkLeader: another leader must say it leads; this server may take
        // the lead its followers name only within its own round.
        let confirmed = if vote.leader == self.env.id {
            round == self.election.round
        } else {
            self.election.outside.get(&vote.leader).is_some_and(|(v, s)| *s == ServerState::Leading && v.leader == vote.leader)
        };
        if confirmed && backers >= self.quorum() {
            self.election.round = self.election.round.max(round);
            self.set_vote(vote);
            self.conclude(out);
        }
    }

    /// finalizeWait passed: conclude if a quorum still agrees with this server's vote.
    pub fn on_finalize(&mut self, out: &mut Out<Self>) {
        if matches!(self.role, Role::Looking) && self.agreeing(&self.election.vote) >= self.quorum() {
            self.conclude(out);
        }
    }

    fn conclude(&mut self, out: &mut Out<Self>) {
        out.cancel_timer(ZabTimer::Notify);
        out.cancel_timer(ZabTimer::Finalize);
        self.since_us = out.now();
        let leader = self.election.vote.leader;
        if leader == self.env.id {
            out.note(format!("n{} elected: LEADING", self.env.id));
            self.role = Role::Leading(LeaderState::default());
            self.leader_start(out);
        } else {
            let f = FollowerState::new(leader, out.now());
            let session = f.session;
            self.role = Role::Following(f);
            out.send(leader, ZabMsg::FollowerInfo { accepted_epoch: self.accepted_epoch, last_zxid: self.last_zxid(), session });
        }
    }
}
