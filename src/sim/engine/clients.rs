//! The simulated clients of version 2 and later: each request is a call by its own client
//! with a session (Ongaro's thesis §6.3: client id and serial number), retried with the same
//! session at another node when the answer is unknown, the node is down or silent; every
//! call's invocation and completion go into the client history, which the linearizability
//! checker reads as calls complete (Herlihy and Wing, 1990; see `sim::lin`). A call is made
//! by the client attached to the server it is first sent to: where the protocol keeps a
//! reply token (Zab's zxid), that client remembers the newest it has seen and every call it
//! makes carries it, retries included (`Protocol::reply_token`, `request_with_token`).

use super::Sim;
use crate::sim::lin::{Incremental, Limits, OpKind, OpResult, Operation, Verdict};
use crate::sim::protocol::{ClientOp, ClientResult, NodeId, Protocol, Session, TimeUs, Violation};
use crate::sim::queue::Ev;
use crate::sim::trace::TraceKind;
use crate::sim::sorted::SortedMap;

/// How long a client waits for an answer before it tries another node.
pub const CLIENT_TIMEOUT_US: TimeUs = 1_000_000;
/// The pause before a retry after "unknown" or "not the leader, no hint".
pub const RETRY_BACKOFF_US: TimeUs = 50_000;
/// A call is given up (its outcome left unknown) after this many attempts.
pub const MAX_ATTEMPTS: u32 = 40;
const HOP_US: TimeUs = 1_000;

/// One client's open call.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub op: ClientOp,
    pub session: Session,
    /// The call's operation in the history, if it is a key-value operation.
    pub history: Option<usize>,
    pub attempt: u32,
    pub node: NodeId,
    /// The server the call was first sent to: the client attached to it makes the call,
    /// with the newest token that client had seen when it made it.
    pub origin: NodeId,
    pub token: u64,
    /// The request id of the current attempt.
    pub request_id: u64,
    /// A retry is scheduled: the current attempt's timeout no longer counts.
    pub retrying: bool,
}

/// Every open call by client id, which request id each attempt used, and the history.
#[derive(Clone, Debug, Default)]
pub(crate) struct Clients {
    pub calls: SortedMap<u64, Call>,
    pub attempt_of: SortedMap<u64, u64>,
    pub history: Incremental,
    /// Check the history's linearizability as calls complete (the registry's row says so).
    pub check: bool,
    /// A search that hit its cap: neither answer is known (sweeps count it).
    pub inconclusive: Option<String>,
    /// The history already failed: later calls are not searched again.
    pub failed: bool,
    /// Per server, the newest reply token the client attached to it has seen.
    pub tokens: SortedMap<NodeId, u64>,
    next_client: u64,
}

/// The history operation a client operation is, if it is one on a key.
fn history_kind(op: &ClientOp) -> Option<(String, OpKind)> {
    match op {
        ClientOp::Put { key, value } => Some((key.clone(), OpKind::Write { value: value.clone() })),
        ClientOp::Get { key } => Some((key.clone(), OpKind::Read)),
        ClientOp::Propose { .. } => None,
    }
}

/// The property the client history is checked for, and its source.
pub const LINEARIZABILITY: (&str, &str) = ("Linearizability", "Herlihy and Wing 1990 (clients' histories; checked as Lowe 2017)");

impl<P: Protocol> Sim<P> {
    /// Is the client history checked for linearizability?
    pub fn checks_linearizability(&self) -> bool {
        self.clients.check
    }
    /// Check client histories for linearizability as calls complete (key-value stores with
    /// client sessions only: the others record no history).
    pub fn check_linearizability(&mut self, on: bool) {
        let read = ClientOp::Get { key: "k".into() };
        self.clients.check = on && P::CLIENT_SESSIONS && P::request_in_session(&read, Session { client: 0, serial: 0 }).is_some();
    }
    /// Every client operation so far (pending ones have no completion).
    pub fn client_history(&self) -> &[Operation] {
        self.clients.history.operations()
    }
    /// A linearizability search that hit its cap, if one did.
    pub fn inconclusive(&self) -> Option<&str> {
        self.clients.inconclusive.as_deref()
    }

    /// A new client calls `op` at `node`.
    pub(super) fn open_call(&mut self, node: NodeId, op: &ClientOp) {
        self.clients.next_client += 1;
        let client = self.clients.next_client;
        let session = Session { client, serial: 1 };
        // Only stores with client sessions record a history (a compile-time constant, so
        // page modules of other protocols carry no checker).
        let taken = P::CLIENT_SESSIONS && P::request_in_session(op, session).is_some();
        let history = history_kind(op).filter(|_| taken).map(|(key, kind)| {
            let invoke_us = self.now_us;
            self.clients.history.invoke(Operation { client, key, kind, invoke_us, complete_us: None, result: OpResult::Unknown })
        });
        let token = self.clients.tokens.get(&node).copied().unwrap_or(0);
        let call = Call { op: op.clone(), session, history, attempt: 0, node, origin: node, token, request_id: u64::MAX, retrying: false };
        self.clients.calls.insert(client, call);
        self.send_attempt(client, node);
    }

    /// Send the call's next attempt to `node`, with a fresh request id.
    fn send_attempt(&mut self, client: u64, node: NodeId) {
        let request_id = self.next_request_id;
        let Some(call) = self.clients.calls.get_mut(&client) else { return };
        self.next_request_id += 1;
        let previous = std::mem::replace(&mut call.request_id, request_id);
        call.attempt += 1;
        call.node = node;
        call.retrying = false;
        let (attempt, op, session, token) = (call.attempt, call.op.clone(), call.session, call.token);
        self.requests.remove(&previous);
        let text = format!("{op:?} (client {}, serial {}, attempt {attempt})", session.client, session.serial);
        self.trace(Some(node), TraceKind::Request { request_id, op: text }, 0);
        let Some(req) = P::request_in_session(&op, session) else {
            self.trace(Some(node), TraceKind::Note { text: format!("{} has no such operation", P::NAME) }, 0);
            self.close_call(client, OpResult::Fail);
            return;
        };
        let req = P::request_with_token(req, token);
        self.clients.attempt_of.insert(request_id, client);
        self.requests.insert(request_id, super::PendingRequest { req, hops: 0 });
        self.queue.push(self.now_us + CLIENT_TIMEOUT_US, Ev::ClientTimeout { client, attempt });
        // Through the queue, so a paused node holds it like any other request.
        self.queue.push(self.now_us, Ev::Request { node, request_id });
    }

    /// The node a request was sent to is down: not delivered, so it took no effect.
    pub(super) fn call_undelivered(&mut self, request_id: u64) {
        let Some(client) = self.clients.attempt_of.remove(&request_id) else { return };
        self.trace(None, TraceKind::Reply { request_id, reply: "failed: node down".into() }, 0);
        self.retry_or_close(client, None, OpResult::Fail);
    }

    /// A node answered one of a call's attempts.
    pub(super) fn call_reply(&mut self, request_id: u64, reply: &P::Reply) {
        let Some(&client) = self.clients.attempt_of.get(&request_id) else { return };
        let current = self.clients.calls.get(&client).is_some_and(|c| c.request_id == request_id);
        if let (Some(token), Some(call)) = (P::reply_token(reply), self.clients.calls.get(&client)) {
            let seen = self.clients.tokens.entry(call.origin).or_insert(0);
            *seen = (*seen).max(token);
        }
        match P::reply_result(reply) {
            ClientResult::Ok(value) => self.close_call(client, OpResult::Ok { value }),
            ClientResult::Fail if current => self.close_call(client, OpResult::Fail),
            ClientResult::Redirect(hint) if current => self.retry_or_close(client, hint, OpResult::Unknown),
            ClientResult::Unknown if current => self.retry_or_close(client, None, OpResult::Unknown),
            _ => {}
        }
        self.requests.remove(&request_id);
    }

    /// The call's attempt `attempt` got no answer in time.
    pub(super) fn call_timeout(&mut self, client: u64, attempt: u32) {
        if self.clients.calls.get(&client).is_some_and(|c| c.attempt == attempt && !c.retrying) {
            self.trace(None, TraceKind::Note { text: format!("client {client}: no answer, trying again") }, 0);
            self.retry_or_close(client, None, OpResult::Unknown);
        }
    }

    /// Retry at `hint` (soon) or the next node (after a backoff) if the protocol keeps
    /// sessions and attempts remain; otherwise the call ends with `result`. A plain
    /// redirect is followed even without sessions: the request was not taken.
    fn retry_or_close(&mut self, client: u64, hint: Option<NodeId>, result: OpResult) {
        let Some(call) = self.clients.calls.get(&client).filter(|c| !c.retrying) else { return };
        let redirect_only = hint.is_some() && result == OpResult::Unknown;
        let may_retry = (P::CLIENT_SESSIONS || redirect_only) && call.attempt < MAX_ATTEMPTS;
        if !may_retry {
            let result = if P::CLIENT_SESSIONS { OpResult::Unknown } else { result };
            self.close_call(client, result);
            return;
        }
        let (next, delay) = match hint.filter(|h| *h < self.n && *h != call.node) {
            Some(h) => (h, HOP_US),
            None => ((call.node + 1) % self.n, RETRY_BACKOFF_US),
        };
        if let Some(call) = self.clients.calls.get_mut(&client) {
            call.retrying = true;
        }
        self.queue.push(self.now_us + delay, Ev::ClientRetry { client, node: next });
    }

    /// A retry falls due.
    pub(super) fn call_retry(&mut self, client: u64, node: NodeId) {
        if self.clients.calls.contains_key(&client) {
            self.send_attempt(client, node);
        }
    }

    /// The call ends: its result goes into the history, which is checked at once.
    fn close_call(&mut self, client: u64, result: OpResult) {
        let Some(call) = self.clients.calls.remove(&client) else { return };
        self.clients.attempt_of.retain(|_, c| *c != client);
        self.requests.remove(&call.request_id);
        let Some(id) = call.history else { return };
        let result = match (result, &call.op) {
            (OpResult::Ok { .. }, ClientOp::Put { .. }) => OpResult::Ok { value: None },
            (r, _) => r,
        };
        // An unknown outcome may still take effect at any later time; the checker knows.
        let unknown = result == OpResult::Unknown;
        self.clients.history.complete(id, result, self.now_us);
        if !unknown {
            self.check_history();
        }
    }

    fn check_history(&mut self) {
        if !P::CLIENT_SESSIONS || !self.clients.check || self.clients.failed || self.clients.inconclusive.is_some() {
            return;
        }
        match self.clients.history.check(Limits::default()) {
            Some(Verdict::NotLinearizable { failures }) => {
                for f in failures {
                    let v = Violation {
                        property: LINEARIZABILITY.0.into(),
                        source: LINEARIZABILITY.1.into(),
                        event_index: self.event_count,
                        time_us: self.now_us,
                        explanation: f.explanation,
                    };
                    self.violations.push(v);
                    self.trace(None, TraceKind::Violation { property: LINEARIZABILITY.0.into() }, 0);
                }
                self.clients.failed = true;
            }
            Some(Verdict::Inconclusive { key, steps }) => {
                self.clients.inconclusive = Some(format!("the linearizability search for key {key} stopped after {steps} steps"));
            }
            _ => {}
        }
    }
}
