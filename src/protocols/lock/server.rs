//! A lock server: a replicated log of the [`LockTree`](super::LockTree) (any
//! [`ReplicatedLog`](crate::sim::ReplicatedLog); the project's Raft as composed), plus what
//! ZooKeeper's leader keeps in volatile state (Hunt et al. 2010, §4.1; Chubby, Burrows
//! 2006, §2.8-2.9).
//!
//! - The log sees only the servers as its cluster (`NodeEnv { id, n: servers }`). It runs
//!   with its own `Out`; its effects are mapped into the lock service's, in order
//!   (`LockMsg::Log`, `LockTimer::Log`, `LockWrite::Log`), and the outcome of a client's
//!   proposal goes back to that client at the point the log reports it.
//! - Client requests (open/close session, create, delete, get children, exists with watch)
//!   all go through the log, reads included, so answers are linearizable; a follower
//!   answers `NotLeader` with its hint. The applied result goes back to the client.
//! - Keep-alives are not logged. The leader alone tracks sessions: each keep-alive sets the
//!   session's deadline to now + timeout on the leader's clock, and a periodic check
//!   proposes `ExpireSession` for every session whose deadline passed (ZooKeeper's session
//!   tracker). A session whose expiry is in the log gets no more keep-alive answers.
//! - A new leader knows no deadlines: every session it finds gets a fresh timeout plus a
//!   grace period (Chubby §2.9), so a lease the old leader granted runs out first.
//! - From version 3 (the argument is in `lease.rs`): a leader answers a KeepAlive only
//!   while it holds a leader lease from its log (Ongaro's thesis §6.4.1), holding it until
//!   then, so a deposed leader, even one that wakes from a pause to a queue of them,
//!   extends no session; the new leader gives every session its grace deadline the moment
//!   it can first answer, and a KeepAlive never moves a deadline earlier (Chubby §2.8,
//!   master fail-over: the new master extends leases conservatively).
//! - Watches live in the replicated tree, so they survive a failover. When an applied
//!   command fires one, only the leader sends the notification; followers drop theirs. A
//!   notification lost with a crashed leader or a lossy link is caught by the client: a
//!   keep-alive answer lists the paths the session still watches, and a client whose
//!   watch is gone re-checks (as ZooKeeper clients re-send `SetWatches` on reconnect).

use super::config::LockConfig;
use super::msg::{KeepAliveStatus, LockMsg};
use super::tree::{LockCommand, LockOutput, SessionId};
use super::{LockLog, LockNode, LockTimer, LockWrite, ServerLog};
use crate::sim::{Effect, LogConfig, NodeEnv, NodeId, NotLeader, Out, Outcome};
use crate::sim::sorted::{SortedMap, SortedSet};

#[derive(Clone, Debug)]
pub struct LockServer<R = ServerLog> {
    pub id: NodeId,
    pub log: R,
    /// Leader only: session → deadline on this server's clock.
    pub deadlines: SortedMap<SessionId, u64>,
    /// Leader only: sessions whose `ExpireSession` this leader proposed.
    pub expiring: SortedSet<SessionId>,
    /// Client requests proposed: log index → (client, the client's request id).
    pub pending: SortedMap<u64, (NodeId, u64)>,
    /// Keep-alives a new leader holds until its tree is current: (client, session, sent at).
    pub held_keepalives: Vec<(NodeId, SessionId, u64)>,
    /// KeepAlives this server has answered "alive" (each extended a session).
    pub keepalives_answered: u64,
    was_leader: bool,
    /// Version 3: this leadership has given every session its fail-over grace deadline.
    grace_given: bool,
    /// Version 3: the semantics of links from then on (leader lease, grace at takeover).
    v3: bool,
    /// The planted bug `no_leader_lease`.
    bug_no_leader_lease: bool,
    /// The cluster's layout, for views.
    pub servers: u32,
    pub clients: u32,
    session_check_us: u64,
    grace_us: u64,
}

impl<R: LockLog> LockServer<R> {
    pub fn new(id: NodeId, config: &LockConfig<R::Config>) -> Self {
        let v3 = config.version >= 3;
        let log_config = if v3 { config.log.clone().with_leader_lease(u64::from(super::config::DRIFT_BOUND_PPM)) } else { config.log.clone() };
        let mut log = R::new(NodeEnv { id, n: config.servers }, &log_config);
        log.state_mut().bug_child_count_sequence = config.bug("sequence_from_child_count");
        LockServer {
            id,
            log,
            deadlines: SortedMap::new(),
            expiring: SortedSet::new(),
            pending: SortedMap::new(),
            held_keepalives: Vec::new(),
            keepalives_answered: 0,
            was_leader: false,
            grace_given: false,
            v3,
            bug_no_leader_lease: config.bug("no_leader_lease"),
            servers: config.servers,
            clients: config.clients,
            session_check_us: config.session_check_us,
            grace_us: config.failover_grace_us(),
        }
    }

    pub fn is_leader(&self) -> bool {
        self.log.is_leader()
    }

    /// A leader that has committed an entry of its own term has applied everything
    /// committed before it: its tree is current (Raft §8, the no-op).
    pub fn caught_up(&self) -> bool {
        self.log.caught_up()
    }

    /// May this leader extend sessions at its clock reading `now_us`? It has caught up and,
    /// from version 3, holds a leader lease (the planted bug `no_leader_lease` skips that).
    fn may_answer(&self, now_us: u64) -> bool {
        self.caught_up() && (!self.v3 || self.bug_no_leader_lease || self.log.holds_lease(now_us))
    }

    /// Run a handler of the log with the log's own collector and carry out its effects.
    fn drive(&mut self, out: &mut Out<LockNode<R>>, f: impl FnOnce(&mut R, &mut Out<R>)) {
        let mut lout = Out::new(out.now());
        f(&mut self.log, &mut lout);
        self.forward(lout, out);
    }

    /// Propose a command to the log; the client that asked, if any, gets its outcome.
    fn propose(&mut self, cmd: LockCommand, asker: Option<(NodeId, u64)>, out: &mut Out<LockNode<R>>) {
        let mut lout = Out::new(out.now());
        match (self.log.propose(cmd, &mut lout), asker) {
            (Ok(index), Some(asker)) => {
                self.pending.insert(index, asker);
            }
            (Err(NotLeader { hint }), Some((client, req))) => out.send(client, LockMsg::NotLeader { req, hint }),
            _ => {}
        }
        self.forward(lout, out);
    }

    /// Map the log's effects into ours, in order.
    fn forward(&mut self, mut lout: Out<R>, out: &mut Out<LockNode<R>>) {
        for effect in lout.take_effects() {
            match effect {
                Effect::Send { to, msg } => out.send(to, LockMsg::Log(msg)),
                Effect::SetTimer { timer, min_us, max_us } => out.set_timer(LockTimer::Log(timer), min_us, max_us),
                Effect::CancelTimer { timer } => out.cancel_timer(LockTimer::Log(timer)),
                Effect::Reply { request_id, reply } => self.answer(request_id, reply, out),
                Effect::Write(w) => out.write(LockWrite::Log(w)),
                Effect::Sync => out.sync(),
                Effect::Note(text) => out.note(text),
            }
        }
        self.after_log(out);
    }

    /// Send an applied result (or a redirect) back to the client whose proposal it was.
    fn answer(&mut self, index: u64, outcome: Outcome<LockOutput>, out: &mut Out<LockNode<R>>) {
        let Some((client, req)) = self.pending.remove(&index) else { return };
        let msg = match outcome {
            Outcome::Applied { output, .. } => LockMsg::Response { req, output },
            Outcome::NotLeader { hint } | Outcome::Unknown { hint } => LockMsg::NotLeader { req, hint },
        };
        out.send(client, msg);
    }

    /// Leadership changes reset the session tracker; fired watches go out from the leader.
    fn after_log(&mut self, out: &mut Out<LockNode<R>>) {
        let leader = self.is_leader();
        if leader != self.was_leader {
            self.was_leader = leader;
            self.deadlines.clear();
            self.expiring.clear();
            self.held_keepalives.clear();
            self.grace_given = false;
            if leader {
                out.set_timer(LockTimer::SessionCheck, self.session_check_us, self.session_check_us);
            } else {
                out.cancel_timer(LockTimer::SessionCheck);
            }
        }
        for n in self.log.state_mut().take_fired() {
            if leader {
                out.send(n.client, LockMsg::Notify { session: n.session, path: n.path, event: n.event });
            }
        }
        if self.v3 && leader && self.caught_up() && !self.grace_given {
            self.give_grace(out.now());
        }
        if self.may_answer(out.now()) {
            for (from, session, sent_at_us) in std::mem::take(&mut self.held_keepalives) {
                self.handle_keepalive(from, session, sent_at_us, out);
            }
        }
    }

    /// Version 3, Chubby §2.8 (master fail-over): the moment a new leader can answer, every
    /// session it inherits gets a deadline of a fresh timeout plus the grace period, longer
    /// than any lease a predecessor granted can still run.
    fn give_grace(&mut self, now_us: u64) {
        self.grace_given = true;
        for (s, sess) in &self.log.state().sessions {
            self.deadlines.insert(*s, now_us + sess.timeout_us + self.grace_us);
        }
    }

    pub fn on_start(&mut self, out: &mut Out<LockNode<R>>) {
        self.drive(out, |r, o| r.on_start(o));
    }

    pub fn on_recover(&mut self, durable: R::Durable, out: &mut Out<LockNode<R>>) {
        self.drive(out, |r, o| r.on_recover(durable, o));
    }

    pub fn on_message(&mut self, from: NodeId, msg: LockMsg<R::Msg>, out: &mut Out<LockNode<R>>) {
        match msg {
            LockMsg::Log(m) => self.drive(out, |r, o| r.on_message(from, m, o)),
            LockMsg::Request { req, op } => self.propose(LockCommand::Client { client: from, req, op }, Some((from, req)), out),
            LockMsg::KeepAlive { session, sent_at_us } => self.handle_keepalive(from, session, sent_at_us, out),
            _ => {}
        }
    }

    /// Chubby's KeepAlive: the leader extends the session and answers; a follower points
    /// at the leader; a leader not yet caught up (or, from version 3, without a leader
    /// lease) holds it until it may answer.
    fn handle_keepalive(&mut self, from: NodeId, session: SessionId, sent_at_us: u64, out: &mut Out<LockNode<R>>) {
        let tree = self.log.state();
        let status = if !self.is_leader() {
            KeepAliveStatus::NotLeader { hint: self.log.leader().filter(|l| *l != self.id) }
        } else if !self.may_answer(out.now()) {
            if self.held_keepalives.len() < 64 {
                self.held_keepalives.push((from, session, sent_at_us));
            }
            return;
        } else if self.expiring.contains(&session) {
            KeepAliveStatus::Expired
        } else if let Some(s) = tree.sessions.get(&session) {
            let deadline = out.now() + s.timeout_us;
            let d = self.deadlines.entry(session).or_insert(deadline);
            // Version 3: a deadline never moves earlier (the grace deadline stands).
            *d = if self.v3 { (*d).max(deadline) } else { deadline };
            self.keepalives_answered += 1;
            KeepAliveStatus::Alive { watches: tree.watches_of(session) }
        } else if session <= tree.zxid {
            KeepAliveStatus::Expired
        } else {
            return;
        };
        out.send(from, LockMsg::KeepAliveAck { session, sent_at_us, status });
    }

    pub fn on_timer(&mut self, timer: LockTimer<R::Timer>, out: &mut Out<LockNode<R>>) {
        match timer {
            LockTimer::Log(t) => self.drive(out, |r, o| r.on_timer(t, o)),
            LockTimer::SessionCheck if self.is_leader() => {
                self.expire_sessions(out);
                out.set_timer(LockTimer::SessionCheck, self.session_check_us, self.session_check_us);
            }
            _ => {}
        }
    }

    /// The leader's session tracker: a session it has no deadline for gets a fresh
    /// timeout plus the grace period; one whose deadline passed is expired through the log.
    fn expire_sessions(&mut self, out: &mut Out<LockNode<R>>) {
        let now = out.now();
        let mut expire = Vec::new();
        let sessions = &self.log.state().sessions;
        for (s, sess) in sessions {
            let deadline = *self.deadlines.entry(*s).or_insert(now + sess.timeout_us + self.grace_us);
            if now >= deadline && !self.expiring.contains(s) {
                expire.push(*s);
            }
        }
        self.deadlines.retain(|s, _| sessions.contains_key(s));
        for session in expire {
            self.expiring.insert(session);
            out.note(format!("session s{session} timed out: proposing its expiry"));
            self.propose(LockCommand::ExpireSession { session }, None, out);
        }
    }

    pub fn on_timeout_now(&mut self, out: &mut Out<LockNode<R>>) {
        self.drive(out, |r, o| r.on_timeout_now(o));
    }
}
