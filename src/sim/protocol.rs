//! The sans-IO protocol contract: a node is a state machine fed inputs by the simulator,
//! answering only through an [`Out`] collector (in the manner of stateright's `Actor`/`Out`
//! and raft-rs's `Ready`). Nodes never own randomness or read a clock other than `out.now()`.

use super::durable::DurableState;
use std::fmt::Debug;
use std::hash::Hash;

/// A node's index in the cluster, `0..n`.
pub type NodeId = u32;
/// Simulated time in microseconds.
pub type TimeUs = u64;

/// A client operation, shared by every protocol so that scenarios, the page and the CLI
/// can carry requests without knowing the protocol's own request type. Written by serde's
/// derive as `{"op": "get", "key": "x"}`; read by hand ([`super::fault_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ClientOp {
    Put { key: String, value: String },
    Get { key: String },
    /// A value proposed to a consensus protocol (Paxos) or flooded by a broadcast protocol.
    Propose { value: String },
}

/// What a protocol hands back for the simulator to carry out, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect<M, T, R, W> {
    Send { to: NodeId, msg: M },
    SetTimer { timer: T, min_us: TimeUs, max_us: TimeUs },
    CancelTimer { timer: T },
    Reply { request_id: u64, reply: R },
    /// One change to the node's durable state (see [`super::durable`]); durable once synced.
    Write(W),
    /// Every write so far is on stable storage before anything after this effect happens.
    Sync,
    Note(String),
}

/// The write type of a protocol's durable state.
pub type WriteOf<P> = <<P as Protocol>::Durable as DurableState>::Write;
/// The effects a protocol's handlers produce.
pub type EffectOf<P> = Effect<<P as Protocol>::Msg, <P as Protocol>::Timer, <P as Protocol>::Reply, WriteOf<P>>;

/// The output collector passed to every handler.
pub struct Out<P: Protocol> {
    now_us: TimeUs,
    /// SplitMix64 state for `random_below`, seeded by the simulator for each handler call.
    entropy: u64,
    pub(crate) effects: Vec<EffectOf<P>>,
}

impl<P: Protocol> Out<P> {
    /// A collector with a fixed entropy seed (handler tests).
    pub fn new(now_us: TimeUs) -> Self {
        Self::with_entropy(now_us, 0)
    }
    /// A collector whose `random_below` draws start from `entropy` (the simulator passes a
    /// value derived from the scenario's seed and the event index).
    pub fn with_entropy(now_us: TimeUs, entropy: u64) -> Self {
        Self::with_buffer(now_us, entropy, Vec::new())
    }
    /// The same, collecting into `buffer` (emptied first): the simulator hands each
    /// handler the room the last one used.
    pub(crate) fn with_buffer(now_us: TimeUs, entropy: u64, mut buffer: Vec<EffectOf<P>>) -> Self {
        buffer.clear();
        Out { now_us, entropy, effects: buffer }
    }
    /// A uniform draw from `0..bound` (0 when `bound` is 0), for protocols that choose
    /// peers at random (gossip, SWIM). Deterministic: the simulator seeds it per event.
    pub fn random_below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        let x = super::prng::splitmix64(&mut self.entropy);
        ((u128::from(x) * u128::from(bound)) >> 64) as u64
    }
    /// The node's own clock: global time seen through its skew and drift.
    pub fn now(&self) -> TimeUs {
        self.now_us
    }
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }
    /// Arm `timer` (re-arming replaces it) to fire after a duration, in the node's own
    /// clock, that the simulator draws uniformly from `min_us..=max_us`.
    pub fn set_timer(&mut self, timer: P::Timer, min_us: TimeUs, max_us: TimeUs) {
        self.effects.push(Effect::SetTimer { timer, min_us, max_us: max_us.max(min_us) });
    }
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }
    pub fn reply(&mut self, request_id: u64, reply: P::Reply) {
        self.effects.push(Effect::Reply { request_id, reply });
    }
    /// Change the durable state (applied in order; durable at the next sync).
    pub fn write(&mut self, write: WriteOf<P>) {
        self.effects.push(Effect::Write(write));
    }
    /// Make every write so far durable before the effects that follow (an fsync).
    pub fn sync(&mut self) {
        self.effects.push(Effect::Sync);
    }
    pub fn note(&mut self, text: impl Into<String>) {
        self.effects.push(Effect::Note(text.into()));
    }
    /// The effects collected so far (for exact-effect handler tests).
    pub fn effects(&self) -> &[EffectOf<P>] {
        &self.effects
    }
    pub fn take_effects(&mut self) -> Vec<EffectOf<P>> {
        std::mem::take(&mut self.effects)
    }
}

/// Context every node is built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEnv {
    pub id: NodeId,
    /// Number of nodes in the cluster; peers are `0..n`.
    pub n: u32,
}

impl NodeEnv {
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.n).filter(move |p| *p != self.id)
    }
}

/// A protocol's configuration: its planted teaching bugs and its semantic checks.
pub trait ProtocolConfig {
    /// Names of the planted teaching bugs the protocol offers.
    const BUGS: &'static [&'static str] = &[];
    /// The bug switched on in this configuration, if any (by convention every protocol's
    /// configuration has a field `bug: Option<String>` holding one of [`Self::BUGS`]).
    fn bug(&self) -> Option<&str>;
    /// Semantic checks for configurations from links and files, for a cluster of `nodes`.
    fn validate(&self, _nodes: u32) -> Result<(), String> {
        Ok(())
    }
    /// The scenario's semantics version (its link version): a protocol whose behaviour
    /// changed keeps the old behaviour for older versions, so their links replay exactly.
    /// Configurations default to the current version.
    fn set_version(&mut self, _version: u32) {}
}

/// The semantics version every configuration defaults to.
pub const CURRENT_VERSION: u32 = 7;

/// A client session (Ongaro's thesis §6.3): the client's id and the request's serial
/// number. A retry carries the same serial, so the state machine applies a command once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Session {
    pub client: u64,
    pub serial: u64,
}

/// What a reply tells the simulated client: its result for the history, or to try again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientResult {
    /// Took effect; a read's value (`None` for writes, or a key that is absent).
    Ok(Option<String>),
    /// Did not take effect.
    Fail,
    /// Not known: it may take effect later. A client with a session retries it.
    Unknown,
    /// Not this node: try the one named, or another.
    Redirect(Option<NodeId>),
}

/// A protocol node. Everything a node does goes through `out`. How it is drawn is the
/// companion trait [`super::present::Present`].
pub trait Protocol: Clone + Debug + 'static {
    /// Protocol-wide configuration (timeouts, options, planted bugs).
    type Config: ProtocolConfig + Clone + Debug + Default + PartialEq + serde::Serialize + serde::de::DeserializeOwned;
    /// Wire messages. `Hash` gives the checksum that detects corruption.
    type Msg: Clone + Debug + Hash + PartialEq;
    type Timer: Clone + Debug + PartialEq;
    type Request: Clone + Debug;
    type Reply: Clone + Debug;
    /// State that survives a crash (Raft: currentTerm, votedFor, log), changed by the
    /// writes the node emits (`Out::write`) and made durable by `Out::sync`.
    type Durable: DurableState;
    /// The protocol's safety checkers, run after every event.
    type Checker: Checker<Self>;

    /// Short stable name used in links and the CLI (`"raft"`).
    const NAME: &'static str;

    fn new(env: NodeEnv, config: &Self::Config) -> Self;
    /// First boot.
    fn on_start(&mut self, out: &mut Out<Self>);
    /// Boot after a crash with the durable state on disk (every synced write; a plain
    /// crash keeps unsynced ones too). A node whose disk was never written boots with
    /// `on_start` instead.
    fn on_recover(&mut self, durable: Self::Durable, out: &mut Out<Self>);
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, out: &mut Out<Self>);
    fn on_timer(&mut self, timer: Self::Timer, out: &mut Out<Self>);
    fn on_request(&mut self, request_id: u64, req: Self::Request, out: &mut Out<Self>);
    /// The disk under the running node was damaged (the disk-corruption fault): `damage` is
    /// the write that flipped bytes in one record on disk. A node that reads that record
    /// from disk as it runs (a DataNode's block files) applies it to what it holds; the
    /// default ignores it (the damage shows when the node next boots from its disk).
    fn on_disk_corrupted(&mut self, _damage: &WriteOf<Self>) {}
    /// "Time out now": the page's button that fires the node's main timer at once.
    fn on_timeout_now(&mut self, _out: &mut Out<Self>) {}

    /// Map a generic client operation to this protocol's request, if it has one.
    fn request_from_op(op: &ClientOp) -> Option<Self::Request>;
    /// Does this protocol keep client sessions (so a retry is safe)? Such a store's client
    /// history is recorded and, where its registry row says linearizable, checked.
    const CLIENT_SESSIONS: bool = false;
    /// The request for `op` within a client session (version 2 and later); protocols
    /// without sessions ignore the session.
    fn request_in_session(op: &ClientOp, _session: Session) -> Option<Self::Request> {
        Self::request_from_op(op)
    }
    /// What a reply tells its client it has now seen (Zab: the zxid it was answered at), if
    /// the protocol keeps such a token: the simulated client attached to a server remembers
    /// the newest and hands it to its next requests ([`Protocol::request_with_token`]).
    fn reply_token(_reply: &Self::Reply) -> Option<u64> {
        None
    }
    /// The request carrying the newest token its client has seen (ZooKeeper's session
    /// carries the last zxid the client saw, so no server answers it from an older state).
    fn request_with_token(req: Self::Request, _token: u64) -> Self::Request {
        req
    }
    /// How the simulated client reads a reply (version 2 and later).
    fn reply_result(reply: &Self::Reply) -> ClientResult {
        match Self::reply_redirect(reply) {
            Some(n) => ClientResult::Redirect(Some(n)),
            None => ClientResult::Unknown,
        }
    }
    /// If a reply says "not me, ask node X", the simulated client follows it.
    fn reply_redirect(_reply: &Self::Reply) -> Option<NodeId> {
        None
    }
    /// Message type name as in the paper (`"RequestVote"`): the wire vocabulary the trace
    /// records and hashes, and the page colours and filters by.
    fn msg_kind(msg: &Self::Msg) -> &'static str;
    /// True for replies/responses (the trace records it; the page draws them apart).
    fn msg_is_reply(msg: &Self::Msg) -> bool;
    /// The timer's name, as the trace records and hashes it.
    fn timer_name(timer: &Self::Timer) -> &'static str;
    /// A client reply as the trace records and hashes it.
    fn reply_summary(reply: &Self::Reply) -> String {
        format!("{reply:?}")
    }
    /// Is the node serving its part of the protocol (a Chord node that has restarted but not
    /// yet joined the ring is not)? A declared bound on adjacent failures counts a node
    /// that is up but not in service as failed.
    fn in_service(&self) -> bool {
        true
    }
    /// The nodes this one needs at least one of up to stay in service (Chord's successor
    /// list); empty for protocols that do not depend on neighbours. From version 6 a
    /// declared bound on adjacent failures also refuses a crash that would leave a node in
    /// service with none of these up and in service (Zave's assumption, stated on the
    /// lists themselves: a list can skip members that joined after it was copied).
    fn relies_on(&self) -> &[NodeId] {
        &[]
    }
    /// After faults heal and the cluster has had time, is it where liveness says it must
    /// be (Raft: one leader, all logs equal and applied)? `Err` says what is missing.
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String>;
}

/// What a checker sees after each event.
pub struct CheckCtx<'a, P: Protocol> {
    pub event_index: u64,
    pub now_us: TimeUs,
    /// Every node's state; `None` while crashed.
    pub nodes: &'a [Option<P>],
    /// Every node's clock (empty in handler tests: [`CheckCtx::local_now_us`] then reads
    /// global time).
    pub clocks: &'a [super::clock::Clock],
    /// Every node's stable storage, kept while it is crashed: what a crashed node will
    /// boot from is its synced state (see [`super::rsm::Cluster`]). Empty in handler tests.
    pub disks: &'a [super::durable::Disk<P::Durable>],
    /// Messages sent during this event: (from, to, msg).
    pub sent: &'a [(NodeId, NodeId, P::Msg)],
    /// Client replies produced during this event: (node, request_id, reply).
    pub replies: &'a [(NodeId, u64, P::Reply)],
    /// Client requests delivered during this event: (node, request_id, request).
    pub requests: &'a [(NodeId, u64, P::Request)],
    /// The node the event happened at, if any, and whether it just restarted.
    pub node: Option<NodeId>,
    pub restarted: bool,
}

impl<P: Protocol> CheckCtx<'_, P> {
    /// What node `id`'s own clock reads now (a paused node's clock keeps running).
    pub fn local_now_us(&self, id: NodeId) -> TimeUs {
        self.clocks.get(id as usize).map_or(self.now_us, |c| c.local_time(self.now_us))
    }
}

/// A safety property violated, as data.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Violation {
    /// Property name, e.g. "Election Safety".
    pub property: String,
    /// Where the property comes from, e.g. "Raft paper, Figure 3".
    pub source: String,
    pub event_index: u64,
    pub time_us: TimeUs,
    /// Plain-language explanation.
    pub explanation: String,
}

/// A set of safety checkers for one protocol; cloned with the simulator at checkpoints.
pub trait Checker<P: Protocol>: Clone + Debug {
    /// Set to true if `check` reads `ctx.sent`, `ctx.replies` or `ctx.requests` (they
    /// cost a clone).
    const OBSERVES_MESSAGES: bool = false;
    fn new(config: &P::Config, n: u32) -> Self;
    /// Names and sources of every property checked, for the invariant panel.
    fn properties() -> Vec<(&'static str, &'static str)>;
    fn check(&mut self, ctx: &CheckCtx<P>, violations: &mut Vec<Violation>);
}
