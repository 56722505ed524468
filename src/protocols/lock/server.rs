//! A lock server: the project's own Raft over the [`LockTree`], plus what ZooKeeper's leader
//! keeps in volatile state (Hunt et al. 2010, §4.1; Chubby, Burrows 2006, §2.8-2.9).
//!
//! - The Raft instance sees only the servers as its cluster (`NodeEnv { id, n: servers }`).
//!   It runs with its own `Out<Raft<LockTree>>`; its effects are mapped into the lock
//!   service's (`LockMsg::Raft`, `LockTimer::Raft`, the durable Raft state).
//! - Client requests (open/close session, create, delete, get children, exists with watch)
//!   all go through the log, reads included, so answers are linearizable; a follower
//!   answers `NotLeader` with its hint. The applied result goes back to the client.
//! - Keep-alives are not logged. The leader alone tracks sessions: each keep-alive sets the
//!   session's deadline to now + timeout on the leader's clock, and a periodic check
//!   proposes `ExpireSession` for every session whose deadline passed (ZooKeeper's session
//!   tracker). A session whose expiry is in the log gets no more keep-alive answers.
//! - A new leader knows no deadlines: every session it finds gets a fresh timeout plus a
//!   grace period (Chubby §2.9), so a lease the old leader granted runs out first.
//! - Watches live in the replicated tree, so they survive a failover. When an applied
//!   command fires one, only the leader sends the notification; followers drop theirs. A
//!   notification lost with a crashed leader or a lossy link is caught by the client: a
//!   keep-alive answer lists the paths the session still watches, and a client whose
//!   watch is gone re-checks (as ZooKeeper clients re-send `SetWatches` on reconnect).

use super::config::LockConfig;
use super::msg::{KeepAliveStatus, LockMsg};
use super::tree::{LockCommand, LockTree, SessionId};
use super::{LockNode, LockTimer};
use crate::protocols::raft::{Raft, RaftReply, RaftTimer, Role};
use crate::sim::{Effect, NodeEnv, NodeId, Out, Protocol};
use std::collections::{BTreeMap, BTreeSet};

type RaftOut = Out<Raft<LockTree>>;

#[derive(Clone, Debug)]
pub struct LockServer {
    pub raft: Raft<LockTree>,
    /// Leader only: session → deadline on this server's clock.
    pub deadlines: BTreeMap<SessionId, u64>,
    /// Leader only: sessions whose `ExpireSession` this leader proposed.
    pub expiring: BTreeSet<SessionId>,
    /// Raft request id → (client, the client's request id).
    pub pending: BTreeMap<u64, (NodeId, u64)>,
    /// Keep-alives a new leader holds until its tree is current: (client, session, sent at).
    pub held_keepalives: Vec<(NodeId, SessionId, u64)>,
    next_request: u64,
    was_leader: bool,
    /// The cluster's layout, for views.
    pub servers: u32,
    pub clients: u32,
    session_check_us: u64,
    grace_us: u64,
}

impl LockServer {
    pub fn new(id: NodeId, config: &LockConfig) -> Self {
        let mut raft: Raft<LockTree> = Raft::create(NodeEnv { id, n: config.servers }, &config.raft);
        raft.sm.bug_child_count_sequence = config.bug("sequence_from_child_count");
        LockServer {
            raft,
            deadlines: BTreeMap::new(),
            expiring: BTreeSet::new(),
            pending: BTreeMap::new(),
            held_keepalives: Vec::new(),
            next_request: 0,
            was_leader: false,
            servers: config.servers,
            clients: config.clients,
            session_check_us: config.session_check_us,
            grace_us: config.failover_grace_us(),
        }
    }

    pub fn is_leader(&self) -> bool {
        self.raft.role == Role::Leader
    }

    /// A leader that has committed an entry of its own term has applied everything
    /// committed before it: its tree is current (Raft §8, the no-op).
    pub fn caught_up(&self) -> bool {
        self.is_leader() && self.raft.term_at(self.raft.commit_index) == Some(self.raft.current_term)
    }

    /// Run a Raft handler with Raft's own collector and map its effects into ours.
    pub fn drive(&mut self, out: &mut Out<LockNode>, f: impl FnOnce(&mut Raft<LockTree>, &mut RaftOut)) {
        let mut rout = RaftOut::new(out.now());
        f(&mut self.raft, &mut rout);
        for effect in rout.take_effects() {
            match effect {
                Effect::Send { to, msg } => out.send(to, LockMsg::Raft(msg)),
                Effect::SetTimer { timer, min_us, max_us } => out.set_timer(LockTimer::Raft(timer), min_us, max_us),
                Effect::CancelTimer { timer } => out.cancel_timer(LockTimer::Raft(timer)),
                Effect::Reply { request_id, reply } => self.answer(request_id, reply, out),
                Effect::Write(w) => out.write(super::LockWrite::Raft(w)),
                Effect::Sync => out.sync(),
                Effect::Note(text) => out.note(text),
            }
        }
        self.after_raft(out);
    }

    /// Send an applied result (or a redirect) back to the client that asked.
    fn answer(&mut self, request_id: u64, reply: RaftReply<super::tree::LockOutput>, out: &mut Out<LockNode>) {
        let Some((client, req)) = self.pending.remove(&request_id) else { return };
        let msg = match reply {
            RaftReply::Applied { output, .. } => LockMsg::Response { req, output },
            RaftReply::NotLeader { hint } => LockMsg::NotLeader { req, hint },
        };
        out.send(client, msg);
    }

    /// Leadership changes reset the session tracker; fired watches go out from the leader.
    fn after_raft(&mut self, out: &mut Out<LockNode>) {
        let leader = self.is_leader();
        if leader != self.was_leader {
            self.was_leader = leader;
            self.deadlines.clear();
            self.expiring.clear();
            self.held_keepalives.clear();
            if leader {
                out.set_timer(LockTimer::SessionCheck, self.session_check_us, self.session_check_us);
            } else {
                out.cancel_timer(LockTimer::SessionCheck);
            }
        }
        for n in self.raft.sm.take_fired() {
            if leader {
                out.send(n.client, LockMsg::Notify { session: n.session, path: n.path, event: n.event });
            }
        }
        if self.caught_up() {
            for (from, session, sent_at_us) in std::mem::take(&mut self.held_keepalives) {
                self.handle_keepalive(from, session, sent_at_us, out);
            }
        }
    }

    pub fn on_start(&mut self, out: &mut Out<LockNode>) {
        self.drive(out, |r, o| r.on_start(o));
    }

    pub fn on_recover(&mut self, durable: crate::protocols::raft::RaftDurable<LockCommand>, out: &mut Out<LockNode>) {
        self.drive(out, |r, o| r.on_recover(durable, o));
    }

    pub fn on_message(&mut self, from: NodeId, msg: LockMsg, out: &mut Out<LockNode>) {
        match msg {
            LockMsg::Raft(m) => self.drive(out, |r, o| r.on_message(from, m, o)),
            LockMsg::Request { req, op } => {
                let rid = self.next_request_id();
                self.pending.insert(rid, (from, req));
                self.drive(out, |r, o| r.handle_client(rid, LockCommand::Client { client: from, req, op }, o));
            }
            LockMsg::KeepAlive { session, sent_at_us } => self.handle_keepalive(from, session, sent_at_us, out),
            _ => {}
        }
    }

    fn next_request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    /// Chubby's KeepAlive: the leader extends the session and answers; a follower points
    /// at the leader; a leader not yet caught up holds it until its no-op commits.
    fn handle_keepalive(&mut self, from: NodeId, session: SessionId, sent_at_us: u64, out: &mut Out<LockNode>) {
        let status = if !self.is_leader() {
            KeepAliveStatus::NotLeader { hint: self.raft.leader_id.filter(|l| *l != self.raft.id()) }
        } else if !self.caught_up() {
            if self.held_keepalives.len() < 64 {
                self.held_keepalives.push((from, session, sent_at_us));
            }
            return;
        } else if self.expiring.contains(&session) {
            KeepAliveStatus::Expired
        } else if let Some(s) = self.raft.sm.sessions.get(&session) {
            self.deadlines.insert(session, out.now() + s.timeout_us);
            KeepAliveStatus::Alive { watches: self.raft.sm.watches_of(session) }
        } else if session <= self.raft.sm.zxid {
            KeepAliveStatus::Expired
        } else {
            return;
        };
        out.send(from, LockMsg::KeepAliveAck { session, sent_at_us, status });
    }

    pub fn on_timer(&mut self, timer: LockTimer, out: &mut Out<LockNode>) {
        match timer {
            LockTimer::Raft(t) => self.drive(out, |r, o| r.on_timer(t, o)),
            LockTimer::SessionCheck if self.is_leader() => {
                self.expire_sessions(out);
                out.set_timer(LockTimer::SessionCheck, self.session_check_us, self.session_check_us);
            }
            _ => {}
        }
    }

    /// The leader's session tracker: a session it has no deadline for gets a fresh
    /// timeout plus the grace period; one whose deadline passed is expired through the log.
    fn expire_sessions(&mut self, out: &mut Out<LockNode>) {
        let now = out.now();
        let mut expire = Vec::new();
        for (s, sess) in &self.raft.sm.sessions {
            let deadline = *self.deadlines.entry(*s).or_insert(now + sess.timeout_us + self.grace_us);
            if now >= deadline && !self.expiring.contains(s) {
                expire.push(*s);
            }
        }
        let sessions = &self.raft.sm.sessions;
        self.deadlines.retain(|s, _| sessions.contains_key(s));
        for session in expire {
            self.expiring.insert(session);
            out.note(format!("session s{session} timed out: proposing its expiry"));
            let rid = self.next_request_id();
            self.drive(out, |r, o| r.handle_client(rid, LockCommand::ExpireSession { session }, o));
        }
    }

    pub fn on_timeout_now(&mut self, out: &mut Out<LockNode>) {
        self.drive(out, |r, o| r.on_timeout_now(o));
    }

    pub fn timer_name(t: &RaftTimer) -> &'static str {
        <Raft<LockTree> as Protocol>::timer_name(t)
    }
}
