//! The deterministic simulator: integer virtual time, one event queue, one seeded PRNG,
//! the network and fault model, and the protocol's checkers run after every event
//! (in the manner of TigerBeetle's simulator and turmoil: everything drawn from one seed).

use super::assume::{Assumptions, Exceeded};
use super::clock::Clock;
use super::durable::Disk;
use super::fault::{ChaosConfig, Fault, NetConfig};
use super::network::{Flight, Links};
use super::node::NodeSlot;
use super::prng::Prng;
use super::protocol::{CheckCtx, Checker, ClientOp, EffectOf, NodeId, Protocol, TimeUs, Violation};
use super::queue::{Ev, EventQueue};
use super::trace::{TraceHash, TraceKind, TraceRecord};

mod adversary;
mod clients;
mod faults;
mod messages;
mod nodes;

pub use adversary::Choice;
pub use clients::{CLIENT_TIMEOUT_US, LINEARIZABILITY, MAX_ATTEMPTS, RETRY_BACKOFF_US};

/// A client request the simulated client is waiting on.
#[derive(Clone, Debug)]
pub(crate) struct PendingRequest<R> {
    pub req: R,
    pub hops: u32,
}

/// How many times a simulated client follows "not the leader, try X".
const MAX_REDIRECTS: u32 = 3;
const CLIENT_RTT_US: TimeUs = 1_000;

#[derive(Clone, Debug)]
pub struct Sim<P: Protocol> {
    pub(crate) config: P::Config,
    pub(crate) n: u32,
    pub(crate) now_us: TimeUs,
    pub(crate) event_count: u64,
    pub(crate) queue: EventQueue,
    pub(crate) rng: Prng,
    /// The scenario's seed; with the event index it seeds each handler's `Out` entropy.
    seed: u64,
    /// The scenario's semantics version (its link version): 1 keeps version 1's clients.
    pub(crate) version: u32,
    pub(crate) states: Vec<Option<P>>,
    pub(crate) slots: Vec<NodeSlot<P>>,
    /// Each node's stable storage (kept while it is crashed; the checkers read it).
    pub(crate) disks: Vec<Disk<P::Durable>>,
    /// Each node's clock (skew and drift over global time).
    pub(crate) clocks: Vec<Clock>,
    /// Each node's slowdown: its timers take this many times as long (1: full speed).
    /// The machine's, not the process's: a crash keeps it.
    pub(crate) slow: Vec<u32>,
    pub(crate) flights: super::idmap::IdMap<Flight<P::Msg>>,
    pub(super) next_msg_id: u64,
    next_timer_gen: u64,
    next_request_id: u64,
    /// Open client requests (few at a time: a sorted vector).
    pub(crate) requests: crate::sim::sorted::SortedMap<u64, PendingRequest<P::Request>>,
    pub(crate) links: Links,
    pub(crate) base_net: NetConfig,
    pub(crate) chaos: ChaosConfig,
    pub(crate) chaos_on: bool,
    checker: P::Checker,
    pub(crate) violations: Vec<Violation>,
    /// The protocol's declared fault assumptions, and each moment the run went beyond them.
    assumptions: Assumptions,
    pub(crate) exceeded: Vec<Exceeded>,
    hash: TraceHash,
    /// Keep trace records (the page and time travel) or only hash them (sweeps).
    pub record: bool,
    pub(crate) records: Vec<TraceRecord>,
    // Scratch for the checker, reused across events.
    sent: Vec<(NodeId, NodeId, P::Msg)>,
    replies: Vec<(NodeId, u64, P::Reply)>,
    requests_seen: Vec<(NodeId, u64, P::Request)>,
    /// A handler's effect buffer, empty between handlers and handed to the next one (one
    /// allocation and one free fewer per handler call).
    spare_effects: Vec<EffectOf<P>>,
    /// Version 2 clients: open calls, retries and the client history.
    pub(crate) clients: clients::Clients,
    /// Adversary mode: messages and timers wait in `pool` for the user to pick one.
    adversary: bool,
    pool: Vec<super::queue::Queued>,
}

/// What `settle` does with the event at the queue's front.
enum Fate {
    /// It will not run (a cancelled timer, a message no longer in flight, …): dropped.
    Stale,
    /// Its node is paused: it waits in the node's inbox.
    Held(NodeId),
    /// An earlier setting's timer entry standing for a later one (`TimerSlot::queued`): the
    /// later one's entry takes its place.
    StandsFor(NodeId, u64),
    Runs,
}

impl<P: Protocol> Sim<P> {
    pub fn new(n: u32, seed: u64, config: P::Config, net: NetConfig, chaos: ChaosConfig) -> Self {
        let mut sim = Sim {
            checker: P::Checker::new(&config, n),
            config,
            n,
            now_us: 0,
            event_count: 0,
            queue: EventQueue::default(),
            rng: Prng::new(seed),
            seed,
            version: super::protocol::CURRENT_VERSION,
            states: (0..n).map(|_| None).collect(),
            slots: (0..n).map(|_| NodeSlot::new()).collect(),
            disks: (0..n).map(|_| Disk::new()).collect(),
            clocks: vec![Clock::new(super::protocol::CURRENT_VERSION >= 3); n as usize],
            slow: vec![1; n as usize],
            flights: super::idmap::IdMap::new(),
            next_msg_id: 0,
            next_timer_gen: 0,
            next_request_id: 0,
            requests: crate::sim::sorted::SortedMap::new(),
            links: Links::new(n),
            base_net: net,
            chaos,
            chaos_on: false,
            violations: Vec::new(),
            assumptions: Assumptions::default(),
            exceeded: Vec::new(),
            hash: TraceHash::for_version(super::protocol::CURRENT_VERSION),
            record: true,
            records: Vec::new(),
            spare_effects: Vec::new(),
            sent: Vec::new(),
            replies: Vec::new(),
            requests_seen: Vec::new(),
            clients: clients::Clients::default(),
            adversary: false,
            pool: Vec::new(),
        };
        for node in 0..n {
            sim.queue.push(0, Ev::Start { node });
        }
        sim
    }

    /// Run under the semantics of link version `version` (the registry sets the scenario's).
    pub fn set_version(&mut self, version: u32) {
        assert_eq!(self.event_count, 0, "a run's version is set before its first event");
        self.version = version;
        // Version 7: the trace hash and message checksums hash whole words.
        self.hash = TraceHash::for_version(version);
        // Version 3: drift applies from the moment it is set (a clock never jumps).
        self.clocks.iter_mut().for_each(|c| c.set_continuous(version >= 3));
    }
    pub fn version(&self) -> u32 {
        self.version
    }
    pub fn n(&self) -> u32 {
        self.n
    }
    pub fn now_us(&self) -> TimeUs {
        self.now_us
    }
    pub fn event_count(&self) -> u64 {
        self.event_count
    }
    pub fn trace_hash(&self) -> u64 {
        self.hash.value()
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    /// Declare the protocol's fault assumptions (the registry does, when it builds a run);
    /// a network already beyond them is noted at once (chaos's network when chaos starts).
    pub fn assume(&mut self, assumptions: Assumptions) {
        self.assumptions = assumptions;
        self.note_exceeded(self.assumptions.check_net(&self.base_net));
    }
    /// Each moment the run went beyond its protocol's assumptions.
    pub fn exceeded(&self) -> &[Exceeded] {
        &self.exceeded
    }
    fn note_exceeded(&mut self, what: Option<String>) {
        if let Some(what) = what {
            self.exceeded.push(Exceeded { event_index: self.event_count, time_us: self.now_us, what });
        }
    }
    /// What node `id`'s own clock reads now (skew and drift over global time).
    pub fn local_now_us(&self, id: NodeId) -> TimeUs {
        self.clocks.get(id as usize).map_or(self.now_us, |c| c.local_time(self.now_us))
    }
    /// How many times as long node `id`'s timers take (1: full speed).
    pub fn slow_factor(&self, id: NodeId) -> u32 {
        self.slow.get(id as usize).copied().unwrap_or(1)
    }
    pub fn node(&self, id: NodeId) -> Option<&P> {
        self.states.get(id as usize).and_then(|s| s.as_ref())
    }
    pub fn nodes(&self) -> &[Option<P>] {
        &self.states
    }
    pub fn is_paused(&self, id: NodeId) -> bool {
        self.slots.get(id as usize).is_some_and(|s| s.paused)
    }
    pub fn config(&self) -> &P::Config {
        &self.config
    }
    pub fn net(&self) -> &NetConfig {
        if self.chaos_on {
            &self.chaos.net
        } else {
            &self.base_net
        }
    }
    pub fn chaos_on(&self) -> bool {
        self.chaos_on
    }
    /// Time of the next event that will really run (stale timers and events held by a
    /// pause are set aside first).
    pub fn next_event_time(&mut self) -> Option<TimeUs> {
        self.settle();
        self.queue.peek_time()
    }

    /// Pop, from the front of the queue, events that will not run: cancelled timers,
    /// messages already gone, and events for a paused node (kept in its inbox).
    fn settle(&mut self) {
        while let Some(q) = self.queue.peek() {
            match self.front_fate(&q.ev) {
                Fate::Stale => {
                    self.queue.pop();
                }
                Fate::StandsFor(node, generation) => {
                    self.queue.pop();
                    self.unmove_timer(node, generation);
                }
                Fate::Held(node) => {
                    if let Some(q) = self.queue.pop() {
                        self.slots[node as usize].inbox.push(q.ev);
                    }
                }
                Fate::Runs => break,
            }
        }
    }
    /// Take the trace records produced since the last call.
    pub fn drain_records(&mut self) -> Vec<TraceRecord> {
        std::mem::take(&mut self.records)
    }

    /// Move the records produced since the last call into `log` (`None`: drop them); the
    /// buffer keeps its room, so an event allocates none.
    pub fn move_records(&mut self, log: Option<&mut super::trace::TraceLog>) {
        match log {
            Some(log) => {
                self.records.reverse();
                while let Some(r) = self.records.pop() {
                    log.push(r);
                }
            }
            None => self.records.clear(),
        }
    }

    /// Schedule a fault at a simulated time (hand-written schedules, presets).
    pub fn schedule(&mut self, at_us: TimeUs, fault: Fault) {
        self.queue.push_scheduled(at_us.max(self.now_us), fault);
    }

    /// Apply a fault now, as one event of its own (the page and recorded actions).
    pub fn apply_now(&mut self, at_us: TimeUs, fault: Fault) {
        self.now_us = self.now_us.max(at_us);
        self.begin_event();
        let (node, restarted) = self.handle_fault(fault, false);
        self.end_event(node, restarted);
    }

    /// Advance the clock to `t` without an event (nothing else changes).
    pub fn advance_to(&mut self, t: TimeUs) {
        self.now_us = self.now_us.max(t);
    }

    /// Run one event. Returns false when the queue is empty.
    pub fn step(&mut self) -> bool {
        self.step_due(TimeUs::MAX)
    }

    /// Run the next event if it is due at or before `t` (one settling of the queue's front
    /// serves both the question and the step); whether one ran.
    pub fn step_due(&mut self, t: TimeUs) -> bool {
        self.settle();
        if self.queue.peek_time().is_none_or(|nt| nt > t) {
            return false;
        }
        let Some(q) = self.queue.pop() else { return false };
        self.now_us = self.now_us.max(q.time_us);
        self.begin_event();
        let (node, restarted) = self.dispatch(q.ev);
        self.end_event(node, restarted);
        true
    }

    /// Run every event up to and including time `t`, then set the clock to `t`.
    pub fn run_until(&mut self, t: TimeUs) {
        while self.step_due(t) {}
        self.advance_to(t);
    }

    /// What the front event is to `settle`: gone (a cancelled timer, a message no longer in
    /// flight, …), held by its node's pause, or due to run.
    fn front_fate(&self, ev: &Ev) -> Fate {
        let node = match ev {
            Ev::Timer { node, generation } => match self.slots[*node as usize].timers.iter().find(|t| t.queued.0 == *generation) {
                None => return Fate::Stale,
                Some(t) if t.moved() => return Fate::StandsFor(*node, *generation),
                Some(_) => *node,
            },
            // One lookup answers both questions for a message.
            Ev::Deliver { msg_id } => match self.flights.get(msg_id) {
                None => return Fate::Stale,
                Some(f) => f.to,
            },
            Ev::Request { node, .. } => *node,
            Ev::ChaosTick if !self.chaos_on => return Fate::Stale,
            Ev::ClientTimeout { client, attempt } if self.clients.calls.get(client).is_none_or(|c| c.attempt != *attempt || c.retrying) => return Fate::Stale,
            _ => return Fate::Runs,
        };
        if self.slots[node as usize].paused {
            Fate::Held(node)
        } else {
            Fate::Runs
        }
    }

    fn begin_event(&mut self) {
        self.event_count += 1;
        self.sent.clear();
        self.replies.clear();
        self.requests_seen.clear();
    }

    fn end_event(&mut self, node: Option<NodeId>, restarted: bool) {
        let before = self.violations.len();
        let ctx = CheckCtx {
            event_index: self.event_count,
            now_us: self.now_us,
            nodes: &self.states,
            clocks: &self.clocks,
            disks: &self.disks,
            sent: &self.sent,
            replies: &self.replies,
            requests: &self.requests_seen,
            node,
            restarted,
        };
        self.checker.check(&ctx, &mut self.violations);
        for i in before..self.violations.len() {
            let property = self.violations[i].property.clone();
            self.violations[i].event_index = self.event_count;
            self.violations[i].time_us = self.now_us;
            self.trace(None, TraceKind::Violation { property }, 0);
        }
    }

    pub(crate) fn trace(&mut self, node: Option<NodeId>, kind: TraceKind, msg_hash: u64) {
        let rec = TraceRecord { event: self.event_count, time_us: self.now_us, node, kind };
        self.hash.fold(&rec, msg_hash);
        if self.record {
            self.records.push(rec);
        }
    }

    fn dispatch(&mut self, ev: Ev) -> (Option<NodeId>, bool) {
        match ev {
            Ev::Start { node } => {
                self.boot(node);
                (Some(node), false)
            }
            Ev::Deliver { msg_id } => self.deliver(msg_id),
            Ev::Timer { node, generation } => {
                self.fire_timer(node, generation);
                (Some(node), false)
            }
            Ev::Request { node, request_id } => {
                self.deliver_request(node, request_id);
                (Some(node), false)
            }
            Ev::Fault { fault, chaos } => self.handle_fault(*fault, chaos),
            Ev::ChaosTick => {
                self.chaos_tick();
                (None, false)
            }
            Ev::ClientTimeout { client, attempt } => {
                self.call_timeout(client, attempt);
                (None, false)
            }
            Ev::ClientRetry { client, node } => {
                self.call_retry(client, node);
                (None, false)
            }
        }
    }

    // ---- clients -----------------------------------------------------------------------

    fn submit_request(&mut self, node: NodeId, op: &ClientOp) {
        if self.version >= 2 {
            self.open_call(node, op);
            return;
        }
        let request_id = self.next_request_id;
        self.next_request_id += 1;
        self.trace(Some(node), TraceKind::Request { request_id, op: format!("{op:?}") }, 0);
        match P::request_from_op(op) {
            Some(req) => {
                self.requests.insert(request_id, PendingRequest { req, hops: 0 });
                self.deliver_request(node, request_id);
            }
            None => self.trace(Some(node), TraceKind::Note { text: format!("{} has no such operation", P::NAME) }, 0),
        }
    }

    fn deliver_request(&mut self, node: NodeId, request_id: u64) {
        let Some(pending) = self.requests.get(&request_id) else { return };
        if self.states[node as usize].is_none() {
            self.requests.remove(&request_id);
            if self.version >= 2 {
                self.call_undelivered(request_id);
                return;
            }
            let reply = "failed: node down".to_string();
            self.trace(Some(node), TraceKind::Reply { request_id, reply }, 0);
            return;
        }
        let req = pending.req.clone();
        if P::Checker::OBSERVES_MESSAGES {
            self.requests_seen.push((node, request_id, req.clone()));
        }
        self.with_node(node, |p, out| p.on_request(request_id, req, out));
    }

    fn client_reply(&mut self, node: NodeId, request_id: u64, reply: P::Reply) {
        self.trace(Some(node), TraceKind::Reply { request_id, reply: P::reply_summary(&reply) }, 0);
        if P::Checker::OBSERVES_MESSAGES {
            self.replies.push((node, request_id, reply.clone()));
        }
        if self.version >= 2 {
            self.call_reply(request_id, &reply);
            return;
        }
        let redirect = P::reply_redirect(&reply).filter(|t| *t < self.n && *t != node);
        match (redirect, self.requests.get_mut(&request_id)) {
            (Some(target), Some(p)) if p.hops < MAX_REDIRECTS => {
                p.hops += 1;
                self.queue.push(self.now_us + CLIENT_RTT_US, Ev::Request { node: target, request_id });
            }
            _ => {
                self.requests.remove(&request_id);
            }
        }
    }
}
