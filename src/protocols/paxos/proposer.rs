//! The proposer ("Paxos Made Simple" §2.2 phases 1a and 2a; §3, the distinguished proposer
//! of Multi-Paxos): Prepare, collecting Promises and choosing each slot's value from them,
//! becoming leader, proposing, heartbeats, and stepping down on a higher ballot.

use super::msg::{AcceptedSlot, Ballot, PaxosMsg, Value};
use super::node::{Paxos, PaxosReply, PaxosTimer, Phase, POut, Uncertain};
use crate::sim::NodeId;

impl Paxos {
    /// Phase 1a with a ballot higher than any seen (§2.2: "a proposer chooses a new
    /// proposal number n and sends a prepare request").
    pub fn start_prepare(&mut self, out: &mut POut) {
        if !self.config.is_proposer(self.env.id) {
            return;
        }
        self.max_round = self.max_round.max(self.acceptor.promised.round) + 1;
        self.ballot = Ballot { round: self.max_round, node: self.env.id };
        self.phase = Phase::Preparing;
        self.promises = 0;
        self.promised_values.clear();
        self.proposals.clear();
        self.prepare_from = if self.multi() { self.learned_upto } else { 0 };
        // The round is durable before the ballot is sent, so a restart never reuses it.
        self.write_round(out);
        out.sync();
        out.note(format!("Prepare with ballot {}", self.ballot));
        self.broadcast(PaxosMsg::Prepare { ballot: self.ballot, from_slot: self.prepare_from }, out);
        self.arm_phase_timeout(out);
    }

    pub(super) fn handle_promise(&mut self, from: NodeId, ballot: Ballot, accepted: Vec<AcceptedSlot>, out: &mut POut) {
        if ballot != self.ballot || self.phase != Phase::Preparing {
            return;
        }
        self.promises |= 1 << from;
        for a in accepted {
            let better = self.promised_values.get(&a.slot).is_none_or(|(b, _)| a.ballot > *b);
            if better {
                self.promised_values.insert(a.slot, (a.ballot, a.value));
            }
        }
        if self.promises.count_ones() >= self.quorum() {
            if self.multi() {
                self.become_leader(out);
            } else {
                self.start_accept_single(out);
            }
        }
    }

    /// The value for a slot after phase 1: the highest-numbered accepted proposal reported in
    /// the Promises, else `own` (§2.2). The planted bug `ignore_promise_values` always
    /// proposes `own`.
    pub(super) fn choose_value(&self, slot: u64, own: Value) -> Value {
        if self.config.bug("ignore_promise_values") {
            return own;
        }
        self.promised_values.get(&slot).map(|(_, v)| v.clone()).unwrap_or(own)
    }

    pub(super) fn start_accept_single(&mut self, out: &mut POut) {
        let own = self.pending.first().map(|(_, v)| v.clone());
        let value = match own {
            Some(own) => self.choose_value(0, own),
            None if !self.config.v2() => self.choose_value(0, Value::Noop),
            // Version 2: a proposer proposes a value only if it has one or one is reported
            // (§2.2); otherwise it keeps its prepared ballot and waits for a client value.
            None => match self.promised_values.get(&0) {
                Some((_, v)) => v.clone(),
                None => return,
            },
        };
        self.phase = Phase::Accepting;
        self.proposals.insert(0, value.clone());
        self.broadcast(PaxosMsg::Accept { ballot: self.ballot, slot: 0, value }, out);
    }

    /// Multi-Paxos: phase 1 succeeded for every slot from `prepare_from` on. Re-propose what
    /// acceptors reported, fill gaps with no-ops, then serve waiting clients.
    pub(super) fn become_leader(&mut self, out: &mut POut) {
        self.phase = Phase::Leading;
        self.leader = Some(self.env.id);
        out.cancel_timer(PaxosTimer::Retry);
        let top = self.promised_values.keys().next_back().map_or(self.prepare_from, |s| s + 1).max(self.learned_upto);
        for slot in self.prepare_from..top {
            let value = match self.learned.get(&slot) {
                Some(v) => v.clone(),
                None => self.choose_value(slot, Value::Noop),
            };
            self.propose(slot, value, out);
        }
        self.next_slot = top;
        out.note(format!("leader with ballot {}; slots {}..{} recovered", self.ballot, self.prepare_from, top));
        for (request_id, value) in std::mem::take(&mut self.pending) {
            self.propose_new(request_id, value, out);
        }
        self.bcast_heartbeat(out);
    }

    pub(super) fn propose(&mut self, slot: u64, value: Value, out: &mut POut) {
        self.proposals.insert(slot, value.clone());
        self.broadcast(PaxosMsg::Accept { ballot: self.ballot, slot, value }, out);
    }

    pub(super) fn propose_new(&mut self, request_id: u64, value: Value, out: &mut POut) {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.slot_requests.insert(slot, (request_id, value.clone()));
        self.propose(slot, value, out);
    }

    pub(super) fn bcast_heartbeat(&mut self, out: &mut POut) {
        if self.phase != Phase::Leading {
            return;
        }
        for p in self.env.peers() {
            out.send(p, PaxosMsg::Heartbeat { ballot: self.ballot, learned_upto: self.learned_upto });
        }
        out.set_timer(PaxosTimer::Heartbeat, self.config.heartbeat_us, self.config.heartbeat_us);
    }

    /// Re-send phase 2 for slots still open (their Accepts or Accepteds were lost).
    pub(super) fn resend_open_slots(&mut self, out: &mut POut) {
        if self.phase != Phase::Leading {
            return;
        }
        let open: Vec<(u64, Value)> = self
            .proposals
            .range(self.learned_upto..)
            .filter(|(s, _)| !self.learned.contains_key(s))
            .map(|(s, v)| (*s, v.clone()))
            .take(16)
            .collect();
        for (slot, value) in open {
            self.broadcast(PaxosMsg::Accept { ballot: self.ballot, slot, value }, out);
        }
    }

    /// A higher ballot exists: give up this one. (Nothing to write: the next ballot is
    /// written and synced when it is chosen, before it is sent.)
    pub(super) fn step_down(&mut self, seen: Ballot, out: &mut POut) {
        self.max_round = self.max_round.max(seen.round);
        if matches!(self.phase, Phase::Preparing | Phase::Accepting | Phase::Leading) {
            out.note(format!("ballot {} pre-empted by {}", self.ballot, seen));
            if self.config.v2() && self.multi() {
                self.answer_on_step_down(seen, out);
            }
            self.phase = Phase::Idle;
            out.cancel_timer(PaxosTimer::Heartbeat);
            if self.leader == Some(self.env.id) {
                self.leader = None;
            }
            if self.multi() {
                out.cancel_timer(PaxosTimer::Retry);
            } else {
                self.arm_retry(out);
            }
        }
    }

    /// Version 2, Multi-Paxos: a proposer that gives up its ballot answers every request
    /// it holds. Those still queued were never proposed: try the node with the higher
    /// ballot. Those proposed in a slot not yet applied may or may not take effect.
    pub(super) fn answer_on_step_down(&mut self, seen: Ballot, out: &mut POut) {
        let hint = (seen.node != self.env.id).then_some(seen.node);
        for (request_id, _) in std::mem::take(&mut self.pending) {
            out.reply(request_id, PaxosReply::NotLeader { hint });
        }
        for (_, (request_id, _)) in std::mem::take(&mut self.slot_requests) {
            out.reply(request_id, PaxosReply::Unknown { reason: Uncertain::SteppedDown });
        }
    }
}
