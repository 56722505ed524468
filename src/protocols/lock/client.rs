//! A lock client running ZooKeeper's lock recipe (Hunt et al. 2010, §2.4 "Simple Locks
//! without Herd Effect") with Chubby's client-side lease (Burrows 2006, §2.8) and a fenced
//! critical section (Kleppmann, "How to do distributed locking", 2016).
//!
//! 1. Open a session; keep it alive every `keepalive_interval_us`. The client believes its
//!    session valid until a lease after it SENT the last keep-alive that was answered, by
//!    its own clock: Chubby's conservative lease, shortened for clock drift from version 3
//!    (`lease.rs` has the sessions, leases, jeopardy and the argument).
//! 2. Create an ephemeral sequential node `/lock/n-`; get the children of `/lock`.
//! 3. If its node is the lowest it holds the lock; otherwise it watches only its
//!    predecessor (no herd effect) and re-checks when notified.
//! 4. Holding, it runs a critical section at the storage: lease check, `write_prep_us` to
//!    prepare, a `begin` write; the work; lease check, prepare, an `end` write. Each write
//!    carries the fencing token, the creation zxid of its lock node. A pause between a
//!    check and its write is Kleppmann's scenario: the write leaves after the lease ended.
//! 5. It releases by deleting its node, rests, and competes again.
//!
//! When its own lease runs out it stops writing; from version 3 its session is in jeopardy
//! for a grace period first, and only then does it consider the lock lost and open a new
//! session. A request goes to the server it believes leads; a redirect is followed after a
//! short backoff, a silence by trying the next server (and a later hint naming the silent
//! server, from a follower that has not yet noticed its leader died, is not followed). Retries keep the request id, so the
//! tree answers a retried command without running it twice. The request id carries an
//! incarnation number the client persists, so ids stay fresh across its restarts.

use super::config::LockConfig;
use super::msg::{LockMsg, WriteOp};
use super::tree::{LockOutput, SessionId, TreeError, TreeOp, LOCK_DIR, LOCK_PREFIX};
use super::{LockLog, LockNode, LockTimer};
use crate::sim::{NodeId, Out};

/// Backoff after a redirect, before asking the named server.
const REDIRECT_BACKOFF_US: (u64, u64) = (20_000, 60_000);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Opening a session.
    NoSession,
    /// Creating its lock node.
    Creating,
    /// Reading the children of `/lock`.
    Checking,
    /// Watching `pred` (the predecessor; `/lock/*` with the herd bug).
    Waiting { pred: String },
    Holding,
    Releasing,
    Resting,
    /// Its own lease ran out: the lock is lost.
    LeaseExpired,
    /// Ran its `rounds` critical sections.
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub req: u64,
    pub op: TreeOp,
    /// The first send: a session's lease counts from here.
    pub first_sent_us: u64,
    /// Answered by a redirect (so the retry goes to the hint, not the next server).
    pub redirected: bool,
    /// The server the last attempt went to.
    pub sent_to: NodeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Timing {
    servers: u32,
    clients: u32,
    storage: NodeId,
    session_timeout_us: u64,
    /// The lease a KeepAlive answered gives, counted from its send (see `lease.rs`).
    pub(super) lease_us: u64,
    pub(super) grace_period_us: u64,
    pub(super) keepalive_interval_us: u64,
    request_timeout_us: (u64, u64),
    cs_work_us: (u64, u64),
    write_prep_us: u64,
    rest_us: (u64, u64),
    rounds: u32,
    herd_effect: bool,
    pub(super) ignores_lease: bool,
    /// Version 3 semantics: jeopardy and the grace period.
    pub(super) v3: bool,
    /// Hold the lock until the session ends, with no critical section.
    holds: bool,
}

#[derive(Clone, Debug)]
pub struct LockClient {
    pub id: NodeId,
    pub(super) t: Timing,
    pub incarnation: u64,
    next_req: u64,
    pub leader_guess: NodeId,
    pub session: Option<SessionId>,
    /// When its lease runs out, on its own clock.
    pub lease_until_us: u64,
    /// Version 3: in jeopardy (its lease ran out) until this time on its own clock, the end
    /// of the grace period (Chubby §2.8).
    pub jeopardy_until_us: Option<u64>,
    /// Its clock at its last event.
    pub now_us: u64,
    pub phase: Phase,
    pub pending: Option<Pending>,
    /// Its lock node and the node's fencing token.
    pub my_node: Option<(String, u64)>,
    pub step: WriteOp,
    pub rounds_done: u32,
    pub write_seq: u64,
    pub writes_sent: u64,
    pub writes_rejected: u64,
    /// The lease check before the last write: (its clock then, its lease end then).
    pub last_check: Option<(u64, u64)>,
    pub notifications: u64,
    pub(super) ka_unanswered: bool,
    pub(super) ka_sent_to: NodeId,
    /// The server that last left a request or keep-alive unanswered: the next hint naming
    /// it (from a follower that has not noticed its leader died) is not followed.
    pub suspect: Option<NodeId>,
}

impl LockClient {
    pub fn new<C>(id: NodeId, c: &LockConfig<C>) -> Self {
        let v3 = c.version >= 3;
        let margin = v3 && !c.bug("no_drift_margin");
        let rho = if margin { u64::from(super::config::DRIFT_BOUND_PPM) } else { 0 };
        let t = Timing {
            servers: c.servers,
            clients: c.clients,
            storage: c.storage_id(),
            session_timeout_us: c.session_timeout_us,
            lease_us: super::lease::client_lease_us(c.session_timeout_us, rho),
            grace_period_us: c.grace_period_us,
            keepalive_interval_us: c.keepalive_interval_us,
            request_timeout_us: (c.request_timeout_us_min, c.request_timeout_us_max),
            cs_work_us: (c.cs_work_us_min, c.cs_work_us_max),
            write_prep_us: c.write_prep_us,
            rest_us: (c.rest_us_min, c.rest_us_max),
            rounds: c.rounds,
            herd_effect: c.bug("herd_effect"),
            ignores_lease: c.bug("client_ignores_lease"),
            v3,
            holds: c.holds,
        };
        LockClient {
            id,
            t,
            incarnation: 0,
            next_req: 0,
            leader_guess: id % c.servers.max(1),
            session: None,
            lease_until_us: 0,
            jeopardy_until_us: None,
            now_us: 0,
            phase: Phase::NoSession,
            pending: None,
            my_node: None,
            step: WriteOp::Begin,
            rounds_done: 0,
            write_seq: 0,
            writes_sent: 0,
            writes_rejected: 0,
            last_check: None,
            notifications: 0,
            ka_unanswered: false,
            ka_sent_to: 0,
            suspect: None,
        }
    }

    pub fn servers(&self) -> u32 {
        self.t.servers
    }
    pub fn clients(&self) -> u32 {
        self.t.clients
    }
    pub fn session_timeout_us(&self) -> u64 {
        self.t.session_timeout_us
    }
    /// Lease left at its last event, by its own clock.
    pub fn lease_left_us(&self) -> u64 {
        if self.session.is_none() { 0 } else { self.lease_until_us.saturating_sub(self.now_us) }
    }
    pub fn token(&self) -> Option<u64> {
        self.my_node.as_ref().map(|(_, t)| *t)
    }
    /// The token of the lock it holds if, at `now_us` on its own clock, its lease runs and
    /// its session is not in jeopardy: when a holder may act on the lock.
    pub fn holding_at(&self, now_us: u64) -> Option<u64> {
        let safe = self.phase == Phase::Holding && self.jeopardy_until_us.is_none() && now_us < self.lease_until_us;
        self.token().filter(|_| safe)
    }

    // ---- boot ----------------------------------------------------------------------------

    /// First boot (`incarnation` 0) or a restart after a crash.
    pub fn boot<R: LockLog>(&mut self, incarnation: u64, out: &mut Out<LockNode<R>>) {
        self.now_us = out.now();
        self.incarnation = incarnation + 1;
        // Durable before any request id carrying it goes out.
        out.write(super::LockWrite::Incarnation(self.incarnation));
        out.sync();
        out.set_timer(LockTimer::KeepAlive, self.t.keepalive_interval_us, self.t.keepalive_interval_us);
        self.open_session(out);
    }

    pub(super) fn open_session<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        self.phase = Phase::NoSession;
        self.session = None;
        self.my_node = None;
        self.request(TreeOp::CreateSession { timeout_us: self.t.session_timeout_us }, out);
    }

    // ---- requests ------------------------------------------------------------------------

    fn request<R: LockLog>(&mut self, op: TreeOp, out: &mut Out<LockNode<R>>) {
        self.next_req += 1;
        let req = self.incarnation << 32 | self.next_req;
        self.pending = Some(Pending { req, op, first_sent_us: out.now(), redirected: false, sent_to: self.leader_guess });
        self.send_pending(out);
    }

    fn send_pending<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let Some(p) = self.pending.as_mut() else { return };
        p.sent_to = self.leader_guess;
        out.send(self.leader_guess, LockMsg::Request { req: p.req, op: p.op.clone() });
        out.set_timer(LockTimer::Retry, self.t.request_timeout_us.0, self.t.request_timeout_us.1);
    }

    fn next_server(&mut self) {
        let n = self.t.servers.max(1);
        self.leader_guess = (self.leader_guess + 1) % n;
        if Some(self.leader_guess) == self.suspect && n > 2 {
            self.leader_guess = (self.leader_guess + 1) % n;
        }
    }

    /// `server` went silent: suspect it, and if it is still the guess, try the next one.
    pub(super) fn give_up_on(&mut self, server: NodeId) {
        self.suspect = Some(server);
        if self.leader_guess == server {
            self.next_server();
        }
    }

    /// Follow a redirect, but skip (once) a hint naming the suspect server.
    pub(super) fn follow_hint(&mut self, hint: Option<NodeId>) {
        match hint {
            Some(h) if h < self.t.servers && Some(h) != self.suspect => self.leader_guess = h,
            Some(h) if Some(h) == self.suspect => {
                self.suspect = None;
                self.next_server();
            }
            _ => self.next_server(),
        }
    }

    fn on_retry<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let Some(p) = self.pending.as_mut() else { return };
        let redirected = std::mem::replace(&mut p.redirected, false);
        let sent_to = p.sent_to;
        if !redirected {
            self.give_up_on(sent_to);
        }
        self.send_pending(out);
    }

    fn on_not_leader<R: LockLog>(&mut self, req: u64, hint: Option<NodeId>, out: &mut Out<LockNode<R>>) {
        let Some(p) = self.pending.as_mut().filter(|p| p.req == req) else { return };
        p.redirected = true;
        self.follow_hint(hint);
        out.set_timer(LockTimer::Retry, REDIRECT_BACKOFF_US.0, REDIRECT_BACKOFF_US.1);
    }

    fn on_response<R: LockLog>(&mut self, req: u64, output: LockOutput, out: &mut Out<LockNode<R>>) {
        let Some(p) = self.pending.take_if(|p| p.req == req) else { return };
        out.cancel_timer(LockTimer::Retry);
        self.handle_output(p, output, out);
    }

    fn handle_output<R: LockLog>(&mut self, p: Pending, output: LockOutput, out: &mut Out<LockNode<R>>) {
        match (&p.op, output) {
            (_, LockOutput::Error(TreeError::SessionExpired)) => self.session_gone("the service expired the session", out),
            (TreeOp::CreateSession { .. }, LockOutput::Session { session }) => {
                self.session = Some(session);
                self.set_lease(p.first_sent_us + self.t.lease_us, out);
                self.compete(out);
            }
            (TreeOp::Create { .. }, LockOutput::Created { path, zxid }) => {
                self.my_node = Some((path, zxid));
                self.check(out);
            }
            (TreeOp::Create { .. }, LockOutput::Error(TreeError::NodeExists)) => {
                out.note("lock node name taken: trying again");
                self.phase = Phase::Creating;
                out.set_timer(LockTimer::Rest, self.t.rest_us.0, self.t.rest_us.1);
            }
            (TreeOp::GetChildren { .. }, LockOutput::Children { paths }) => self.decide(&paths, out),
            (TreeOp::Exists { .. }, LockOutput::Exists { exists }) => {
                if !exists {
                    self.check(out);
                }
            }
            (TreeOp::Delete { .. }, LockOutput::Deleted | LockOutput::Error(TreeError::NoNode)) => self.released(out),
            (_, other) => {
                out.note(format!("unexpected answer {other:?}: starting over"));
                self.restart_recipe(out);
            }
        }
    }

    fn restart_recipe<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        match (&self.session, &self.my_node) {
            (None, _) => self.open_session(out),
            (Some(_), Some(_)) => self.check(out),
            (Some(_), None) => self.compete(out),
        }
    }

    // ---- the recipe ----------------------------------------------------------------------

    fn compete<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let Some(session) = self.session else { return self.open_session(out) };
        if self.t.rounds > 0 && self.rounds_done >= self.t.rounds {
            self.phase = Phase::Done;
            return;
        }
        self.phase = Phase::Creating;
        self.request(TreeOp::Create { session, path: LOCK_PREFIX.into(), ephemeral: true, sequential: true }, out);
    }

    pub(super) fn check<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let Some(session) = self.session else { return self.open_session(out) };
        self.phase = Phase::Checking;
        self.request(TreeOp::GetChildren { session, path: LOCK_DIR.into(), watch: self.t.herd_effect }, out);
    }

    /// Lowest: the lock is ours. Otherwise watch the predecessor only (with the herd bug,
    /// the child watch set by the read already watches every change of `/lock`).
    fn decide<R: LockLog>(&mut self, paths: &[String], out: &mut Out<LockNode<R>>) {
        let (Some(session), Some((mine, _))) = (self.session, self.my_node.clone()) else { return self.restart_recipe(out) };
        let Some(pos) = paths.iter().position(|p| *p == mine) else {
            out.note(format!("{mine} is gone: competing again"));
            self.my_node = None;
            return self.compete(out);
        };
        if pos == 0 {
            return self.acquire(out);
        }
        if self.t.herd_effect {
            self.phase = Phase::Waiting { pred: format!("{LOCK_DIR}/*") };
            return;
        }
        let pred = paths[pos - 1].clone();
        self.phase = Phase::Waiting { pred: pred.clone() };
        self.request(TreeOp::Exists { session, path: pred, watch: true }, out);
    }

    fn on_notify<R: LockLog>(&mut self, session: SessionId, out: &mut Out<LockNode<R>>) {
        if Some(session) != self.session {
            return;
        }
        self.notifications += 1;
        if matches!(self.phase, Phase::Waiting { .. }) {
            self.check(out);
        }
    }

    fn acquire<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        self.phase = Phase::Holding;
        self.step = WriteOp::Begin;
        out.note(format!("holds the lock, token {}", self.token().unwrap_or(0)));
        if !self.t.holds {
            self.check_lease_then_write(out);
        }
    }

    /// The lease check before a write; the write leaves `write_prep_us` later. A failed
    /// check loses the lock (version 3: puts the session in jeopardy, and the write waits
    /// for a new lease).
    pub(super) fn check_lease_then_write<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let now = out.now();
        self.last_check = Some((now, self.lease_until_us));
        if now >= self.lease_until_us && !self.t.ignores_lease {
            return if self.t.v3 { self.enter_jeopardy(out) } else { self.lease_lost(out) };
        }
        if self.t.holds {
            return;
        }
        out.set_timer(LockTimer::Write, self.t.write_prep_us, self.t.write_prep_us);
    }

    fn write<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let (Phase::Holding, Some(token)) = (&self.phase, self.token()) else { return };
        self.write_seq += 1;
        self.writes_sent += 1;
        out.send(self.t.storage, LockMsg::Write { token, seq: self.write_seq, op: self.step });
        match self.step {
            WriteOp::Begin => {
                self.step = WriteOp::End;
                out.set_timer(LockTimer::Work, self.t.cs_work_us.0, self.t.cs_work_us.1);
            }
            WriteOp::End => self.release(out),
        }
    }

    fn release<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        let (Some(session), Some((path, _))) = (self.session, self.my_node.clone()) else { return self.restart_recipe(out) };
        out.cancel_timer(LockTimer::Work);
        out.cancel_timer(LockTimer::Write);
        self.phase = Phase::Releasing;
        self.request(TreeOp::Delete { session, path }, out);
    }

    fn released<R: LockLog>(&mut self, out: &mut Out<LockNode<R>>) {
        self.my_node = None;
        self.rounds_done += 1;
        self.phase = Phase::Resting;
        out.set_timer(LockTimer::Rest, self.t.rest_us.0, self.t.rest_us.1);
    }

    fn on_write_ack<R: LockLog>(&mut self, token: u64, accepted: bool, out: &mut Out<LockNode<R>>) {
        if accepted {
            return;
        }
        self.writes_rejected += 1;
        out.note(format!("the storage fenced off token {token}"));
        if self.phase == Phase::Holding && self.token() == Some(token) {
            self.release(out);
        }
    }

    // ---- dispatch ------------------------------------------------------------------------

    pub fn on_message<R: LockLog>(&mut self, from: NodeId, msg: LockMsg<R::Msg>, out: &mut Out<LockNode<R>>) {
        self.now_us = out.now();
        if self.suspect == Some(from) {
            self.suspect = None;
        }
        match msg {
            LockMsg::Response { req, output } => self.on_response(req, output, out),
            LockMsg::NotLeader { req, hint } => self.on_not_leader(req, hint, out),
            LockMsg::KeepAliveAck { session, sent_at_us, status } => self.on_keepalive_ack(from, session, sent_at_us, status, out),
            LockMsg::Notify { session, .. } => self.on_notify(session, out),
            LockMsg::WriteAck { token, accepted, .. } => self.on_write_ack(token, accepted, out),
            _ => {}
        }
    }

    pub fn on_timer<R: LockLog>(&mut self, timer: LockTimer<R::Timer>, out: &mut Out<LockNode<R>>) {
        self.now_us = out.now();
        match timer {
            LockTimer::Retry => self.on_retry(out),
            LockTimer::KeepAlive => self.on_keepalive_timer(out),
            LockTimer::Lease => self.on_lease_timer(out),
            LockTimer::Write => self.write(out),
            LockTimer::Work if self.phase == Phase::Holding => self.check_lease_then_write(out),
            LockTimer::Work => {}
            LockTimer::Rest => match self.phase {
                Phase::LeaseExpired => self.open_session(out),
                Phase::Resting | Phase::Creating => self.compete(out),
                _ => {}
            },
            LockTimer::Log(_) | LockTimer::SessionCheck => {}
        }
    }
}
