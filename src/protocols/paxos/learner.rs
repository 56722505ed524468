//! The learner role of "Paxos Made Simple" (§2.3): count Accepted messages from a
//! majority in one ballot, learn the chosen value, and apply the learned prefix in slot order
//! to the key-value store (with client sessions, Ongaro's thesis §6.3, from version 2).

use super::msg::{Ballot, Command, PaxosMsg, Value};
use super::node::{POut, Paxos, PaxosReply, PaxosTimer, PaxosWrite, Phase, Uncertain};
use super::kv::Applied;
use crate::sim::NodeId;

impl Paxos {

    pub(super) fn handle_accepted(&mut self, from: NodeId, ballot: Ballot, slot: u64, value: Value, out: &mut POut) {
        if self.learned.contains_key(&slot) {
            return;
        }
        let quorum = self.quorum();
        let entry = self.votes.entry((slot, ballot)).or_insert((value, 0));
        entry.1 |= 1 << from;
        if entry.1.count_ones() >= quorum {
            let value = entry.0.clone();
            self.learn(slot, value, out);
        }
    }

    pub(super) fn learn(&mut self, slot: u64, value: Value, out: &mut POut) {
        if self.learned.contains_key(&slot) {
            return;
        }
        self.learned.insert(slot, value.clone());
        self.votes.retain(|(s, _), _| *s != slot);
        // Durable at the next sync; a learner that loses it learns it again.
        out.write(PaxosWrite::Learned { slot, value: value.clone() });
        self.write_round(out);
        if !self.multi() {
            self.phase = Phase::Decided;
            out.cancel_timer(PaxosTimer::Retry);
            for (request_id, asked) in std::mem::take(&mut self.pending) {
                out.reply(request_id, self.decided_reply(slot, &value, &asked));
            }
            if self.ballot.node == self.env.id && !self.ballot.is_zero() {
                for p in self.env.peers() {
                    out.send(p, PaxosMsg::Decide { slot, value: value.clone() });
                }
            }
        }
        self.advance_learned();
        self.apply(out);
    }

    pub(super) fn advance_learned(&mut self) {
        while self.learned.contains_key(&self.learned_upto) {
            self.learned_upto += 1;
        }
    }

    /// Single-decree: the reply to a request that asked for `asked` once `value` is chosen.
    pub(super) fn decided_reply(&self, slot: u64, value: &Value, asked: &Value) -> PaxosReply {
        if self.config.v2() {
            PaxosReply::Decided { value: value.clone(), yours: asked == value }
        } else {
            PaxosReply::Chosen { slot, value: value.clone() }
        }
    }

    /// Apply the chosen prefix in slot order to the key-value state machine.
    pub(super) fn apply(&mut self, out: &mut POut) {
        while self.applied_upto < self.learned_upto {
            let slot = self.applied_upto;
            let value = self.learned.get(&slot).cloned().unwrap_or(Value::Noop);
            let applied = match &value {
                Value::Cmd(c) => {
                    if let Some((k, v)) = c.split_once('=') {
                        self.kv.insert(k.to_string(), v.to_string());
                    }
                    Applied::Done(None)
                }
                Value::Op(cmd) if self.multi() => self.apply_command(slot, cmd),
                Value::Op(_) | Value::Noop => Applied::Done(None),
            };
            self.applied_upto += 1;
            if let Some((request_id, asked)) = self.slot_requests.remove(&slot) {
                let reply = if !self.config.v2() {
                    let mine = self.proposals.get(&slot) == Some(&value);
                    if mine { PaxosReply::Chosen { slot, value } } else { PaxosReply::Lost { slot } }
                } else if asked != value {
                    // Told apart by request, not by string: another command has this slot.
                    PaxosReply::Unknown { reason: Uncertain::SlotTaken { slot } }
                } else {
                    match applied {
                        Applied::Done(output) | Applied::Duplicate(output) => PaxosReply::Applied { slot, output },
                        Applied::Stale => PaxosReply::Unknown { reason: Uncertain::OlderSerial },
                        Applied::Expired => PaxosReply::Unknown { reason: Uncertain::SessionExpired },
                    }
                };
                out.reply(request_id, reply);
            }
        }
    }

    /// Version 2: apply one client command to the key-value store through the session
    /// table (which the planted bug `no_sessions` ignores, applying every retry again).
    pub(super) fn apply_command(&mut self, slot: u64, cmd: &Command) -> Applied {
        let use_sessions = !self.config.bug("no_sessions");
        super::kv::apply(&mut self.kv, &mut self.sessions, slot, cmd, self.config.max_sessions as usize, use_sessions)
    }
}
