//! A Paxos node playing all three roles of "Paxos Made Simple": proposer (the leader in
//! Multi-Paxos, §3), acceptor and learner. Handlers follow the paper's phases; Multi-Paxos
//! runs phase 1 once for every slot from the first unchosen one, then phase 2 per slot.

use super::acceptor::{Acceptor, PrepareOutcome};
use super::config::{Mode, PaxosConfig};
use super::kv::Sessions;
use super::msg::{Ballot, PaxosMsg, Value};
use crate::sim::{DurableState, NodeEnv, NodeId, Out};
use crate::sim::sorted::SortedMap;

pub type POut = Out<super::Paxos>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// Phase 1: Prepare sent, collecting Promises.
    Preparing,
    /// Single-decree phase 2: Accept sent, waiting to learn.
    Accepting,
    /// Multi-Paxos: phase 1 done, running phase 2 per slot.
    Leading,
    /// Single-decree: the value is learned.
    Decided,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaxosTimer {
    /// Phase timeout or backoff before the next ballot.
    Retry,
    /// Multi-Paxos follower: no word from a leader for this long.
    LeaderTimeout,
    Heartbeat,
}

/// A client reply. Version 1 answers with `Chosen`, `NotLeader` and `Lost` only (their
/// Debug output is what version-1 traces hash, so it never changes); version 2 answers each
/// request about its own command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaxosReply {
    /// The value chosen (single-decree) or applied at `slot` (Multi-Paxos).
    Chosen { slot: u64, value: Value },
    NotLeader { hint: Option<NodeId> },
    /// The slot this request was proposed for went to another value.
    Lost { slot: u64 },
    /// Version 2, Multi-Paxos: this request's command took effect in `slot`; a Get's value.
    Applied { slot: u64, output: Option<String> },
    /// Version 2, single-decree: `value` is chosen; `yours` if it is this request's command
    /// (if not, this request's value can never be chosen).
    Decided { value: Value, yours: bool },
    /// Version 2: the outcome cannot be known here; the command may yet take effect.
    Unknown { reason: Uncertain },
    /// Version 2: refused before it was proposed, so it certainly had no effect.
    Refused { reason: &'static str },
}

/// Why a version-2 reply cannot say whether the command took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uncertain {
    /// This node stopped leading before the command's slot was chosen.
    SteppedDown,
    /// The slot it was proposed for went to another command (a retry of it may have
    /// taken effect elsewhere).
    SlotTaken { slot: u64 },
    /// Its client session was evicted from the session table: the command was not applied
    /// (a retry of it could not be recognised), and an earlier copy may have been.
    SessionExpired,
    /// Its session has applied a later serial: not applied now, and its reply is no
    /// longer kept.
    OlderSerial,
}

/// What survives a crash: the acceptor's memory, the learner's log, and the highest round
/// this proposer used (so it never reuses a ballot).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaxosDurable {
    pub acceptor: Acceptor,
    pub learned: SortedMap<u64, Value>,
    pub max_round: u64,
}

/// One change to a node's durable state, emitted when the change happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaxosWrite {
    /// The acceptor's promise (phase 1b).
    Promised(Ballot),
    /// The acceptor accepted `value` in `ballot` for `slot` (phase 2b).
    Accepted { slot: u64, ballot: Ballot, value: Value },
    /// The learner learned `value` for `slot`.
    Learned { slot: u64, value: Value },
    /// The highest round this proposer has used.
    MaxRound(u64),
}

impl DurableState for PaxosDurable {
    type Write = PaxosWrite;
    fn apply(&mut self, write: PaxosWrite) {
        match write {
            PaxosWrite::Promised(b) => self.acceptor.promised = b,
            PaxosWrite::Accepted { slot, ballot, value } => {
                self.acceptor.accepted.insert(slot, (ballot, value));
            }
            PaxosWrite::Learned { slot, value } => {
                self.learned.insert(slot, value);
            }
            PaxosWrite::MaxRound(r) => self.max_round = r,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Paxos {
    pub(crate) env: NodeEnv,
    pub(crate) config: PaxosConfig,
    pub acceptor: Acceptor,
    pub learned: SortedMap<u64, Value>,
    /// Contiguous learned prefix: slots `0..learned_upto` are all learned.
    pub learned_upto: u64,
    pub applied_upto: u64,
    pub kv: SortedMap<String, String>,
    /// Version 2, Multi-Paxos: the replicated client-session table (rebuilt from the log
    /// on recovery, like `kv`).
    pub sessions: Sessions,
    /// Learner tallies: (slot, ballot) → (value, bitmask of acceptors).
    pub(super) votes: SortedMap<(u64, Ballot), (Value, u64)>,
    pub max_round: u64,
    /// The `max_round` last written (volatile). Rounds learned from others' ballots are
    /// written with the node's next write: only the rounds it uses itself must be durable.
    pub(super) round_on_disk: u64,
    pub ballot: Ballot,
    pub phase: Phase,
    pub promises: u64,
    /// Highest-ballot accepted proposal per slot among the Promises received.
    pub(super) promised_values: SortedMap<u64, (Ballot, Value)>,
    pub(super) prepare_from: u64,
    /// Values this node proposed in its current ballot, per slot.
    pub proposals: SortedMap<u64, Value>,
    pub next_slot: u64,
    /// Client requests waiting for a ballot (single-decree) or a leader.
    pub pending: Vec<(u64, Value)>,
    /// Multi-Paxos: the request each slot was proposed for, with the value it asked for
    /// (version 2 answers by that value, not by what this node last proposed there).
    pub(super) slot_requests: SortedMap<u64, (u64, Value)>,
    pub leader: Option<NodeId>,
    pub(super) heard_leader: bool,
}

impl Paxos {
    pub fn create(env: NodeEnv, config: &PaxosConfig) -> Self {
        Paxos {
            env,
            config: config.clone(),
            acceptor: Acceptor::default(),
            learned: SortedMap::new(),
            learned_upto: 0,
            applied_upto: 0,
            kv: SortedMap::new(),
            sessions: Sessions::default(),
            votes: SortedMap::new(),
            max_round: 0,
            round_on_disk: 0,
            ballot: Ballot::ZERO,
            phase: Phase::Idle,
            promises: 0,
            promised_values: SortedMap::new(),
            prepare_from: 0,
            proposals: SortedMap::new(),
            next_slot: 0,
            pending: Vec::new(),
            slot_requests: SortedMap::new(),
            leader: None,
            heard_leader: false,
        }
    }

    pub fn id(&self) -> NodeId {
        self.env.id
    }

    /// A majority of acceptors; one fewer with the planted bug `small_quorum`.
    pub fn quorum(&self) -> u32 {
        let majority = self.env.n / 2 + 1;
        if self.config.bug("small_quorum") { (majority - 1).max(1) } else { majority }
    }

    pub(super) fn multi(&self) -> bool {
        self.config.mode == Mode::Multi
    }

    pub(super) fn broadcast(&self, msg: PaxosMsg, out: &mut POut) {
        for p in 0..self.env.n {
            out.send(p, msg.clone());
        }
    }

    /// Write `max_round` if it moved since it was last written.
    pub(super) fn write_round(&mut self, out: &mut POut) {
        if self.max_round != self.round_on_disk {
            self.round_on_disk = self.max_round;
            out.write(PaxosWrite::MaxRound(self.max_round));
        }
    }

    /// The acceptor's state changed: write its promise if it moved, and what it accepted
    /// if it did. The planted bug `forget_acceptor_state` never makes the acceptor's
    /// memory durable (it writes the promise of a fresh acceptor instead).
    pub(super) fn write_acceptor(&self, promised: bool, accepted: Option<(u64, Ballot, Value)>, out: &mut POut) {
        if self.config.bug("forget_acceptor_state") {
            out.write(PaxosWrite::Promised(Ballot::ZERO));
            return;
        }
        if promised {
            out.write(PaxosWrite::Promised(self.acceptor.promised));
        }
        if let Some((slot, ballot, value)) = accepted {
            out.write(PaxosWrite::Accepted { slot, ballot, value });
        }
    }

    /// Boot from the durable state. Version 2 also applies the durable learned prefix to
    /// the state machine again, in slot order up to the first gap (version 1 applied
    /// nothing until some new slot was learned, and its state machine stayed empty).
    pub fn recover(&mut self, d: PaxosDurable, out: &mut POut) {
        self.acceptor = d.acceptor;
        self.round_on_disk = d.max_round;
        self.max_round = d.max_round.max(self.acceptor.promised.round);
        for (slot, value) in d.learned {
            self.learned.insert(slot, value);
        }
        self.advance_learned();
        if self.config.v2() {
            self.apply(out);
        }
    }

    // ---- timers ------------------------------------------------------------------------

    pub fn arm_leader_timeout(&self, out: &mut POut) {
        if self.multi() && self.config.is_proposer(self.env.id) {
            out.set_timer(PaxosTimer::LeaderTimeout, self.config.leader_timeout_min_us, self.config.leader_timeout_max_us);
        }
    }

    /// Give up on a round that has made no progress for this long, and try a higher
    /// ballot (lost messages, crashed acceptors).
    pub(super) fn arm_phase_timeout(&self, out: &mut POut) {
        let t = self.config.retry_max_us.max(self.config.heartbeat_us).max(1_000);
        out.set_timer(PaxosTimer::Retry, 2 * t, 3 * t);
    }

    /// Wait before the next ballot after being pre-empted: random with backoff on, a fixed
    /// `retry_min_us` with it off.
    pub(super) fn arm_retry(&self, out: &mut POut) {
        let (min, max) = if self.config.backoff {
            (self.config.retry_min_us, self.config.retry_max_us)
        } else {
            (self.config.retry_min_us, self.config.retry_min_us)
        };
        out.set_timer(PaxosTimer::Retry, min, max);
    }

    pub fn handle_timer(&mut self, timer: PaxosTimer, out: &mut POut) {
        match timer {
            PaxosTimer::Retry => {
                let waiting = self.multi() || !self.pending.is_empty();
                if matches!(self.phase, Phase::Idle | Phase::Preparing | Phase::Accepting) && waiting {
                    self.start_prepare(out);
                } else if self.config.v2() && !self.multi() && self.phase == Phase::Preparing {
                    // Version 2, single-decree: phase 1 with no value to propose is over; a
                    // client value starts a new ballot.
                    self.phase = Phase::Idle;
                }
            }
            PaxosTimer::LeaderTimeout => {
                let heard = std::mem::take(&mut self.heard_leader);
                if self.phase == Phase::Idle && !heard {
                    self.start_prepare(out);
                }
                self.arm_leader_timeout(out);
            }
            PaxosTimer::Heartbeat => {
                self.resend_open_slots(out);
                self.bcast_heartbeat(out);
            }
        }
    }

    // ---- acceptor ------------------------------------------------------------------------

    pub(super) fn handle_prepare(&mut self, from: NodeId, ballot: Ballot, from_slot: u64, out: &mut POut) {
        match self.acceptor.handle_prepare(ballot, from_slot) {
            PrepareOutcome::Promise(accepted) => {
                // The promise is on stable storage before it is sent (§2.3).
                self.write_acceptor(true, None, out);
                if ballot > self.ballot && from != self.env.id {
                    self.step_down(ballot, out);
                }
                self.write_round(out);
                out.sync();
                out.send(from, PaxosMsg::Promise { ballot, accepted });
            }
            PrepareOutcome::Nack(promised) => out.send(from, PaxosMsg::Nack { ballot, promised }),
        }
        // Single-decree: a proposer still running rounds has not learned the outcome yet.
        if let (false, Some(value)) = (self.multi(), self.learned.get(&0)) {
            out.send(from, PaxosMsg::Decide { slot: 0, value: value.clone() });
        }
    }

    pub(super) fn handle_accept(&mut self, from: NodeId, ballot: Ballot, slot: u64, value: Value, out: &mut POut) {
        let ignore = self.config.bug("accept_below_promise");
        let promised = self.acceptor.promised;
        match self.acceptor.handle_accept(ballot, slot, value.clone(), ignore) {
            Ok(()) => {
                // What it accepted is on stable storage before Accepted goes out (§2.3).
                self.write_acceptor(self.acceptor.promised != promised, Some((slot, ballot, value.clone())), out);
                self.write_round(out);
                out.sync();
                if self.multi() && from != self.env.id {
                    self.leader = Some(from);
                    self.heard_leader = true;
                }
                self.broadcast(PaxosMsg::Accepted { ballot, slot, value }, out);
            }
            Err(promised) => out.send(from, PaxosMsg::Nack { ballot, promised }),
        }
    }

    // ---- Multi-Paxos liveness ------------------------------------------------------------

    pub(super) fn handle_heartbeat(&mut self, from: NodeId, ballot: Ballot, learned_upto: u64, out: &mut POut) {
        if ballot < self.acceptor.promised {
            out.send(from, PaxosMsg::Nack { ballot, promised: self.acceptor.promised });
            return;
        }
        if ballot > self.ballot {
            self.step_down(ballot, out);
        }
        self.leader = Some(from);
        self.heard_leader = true;
        let _ = learned_upto;
        out.send(from, PaxosMsg::HeartbeatAck { ballot, learned_upto: self.learned_upto });
    }

    pub(super) fn handle_heartbeat_ack(&mut self, from: NodeId, learned_upto: u64, out: &mut POut) {
        let upto = self.learned_upto.min(learned_upto + 16);
        for slot in learned_upto..upto {
            if let Some(value) = self.learned.get(&slot) {
                out.send(from, PaxosMsg::Decide { slot, value: value.clone() });
            }
        }
    }

    // ---- dispatch ------------------------------------------------------------------------

    pub fn handle_message(&mut self, from: NodeId, msg: PaxosMsg, out: &mut POut) {
        match msg {
            PaxosMsg::Prepare { ballot, from_slot } => self.handle_prepare(from, ballot, from_slot, out),
            PaxosMsg::Promise { ballot, accepted } => self.handle_promise(from, ballot, accepted, out),
            PaxosMsg::Nack { ballot, promised } => {
                if ballot == self.ballot && promised > self.ballot {
                    self.step_down(promised, out);
                }
            }
            PaxosMsg::Accept { ballot, slot, value } => self.handle_accept(from, ballot, slot, value, out),
            PaxosMsg::Accepted { ballot, slot, value } => self.handle_accepted(from, ballot, slot, value, out),
            PaxosMsg::Heartbeat { ballot, learned_upto } => self.handle_heartbeat(from, ballot, learned_upto, out),
            PaxosMsg::HeartbeatAck { learned_upto, .. } => self.handle_heartbeat_ack(from, learned_upto, out),
            PaxosMsg::Decide { slot, value } => self.learn(slot, value, out),
        }
    }

}
