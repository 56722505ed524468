//! Client requests at a Paxos node: single-decree Paxos decides one proposed value (Paxos
//! Made Simple §2); Multi-Paxos's leader proposes each in the next slot (§3) and others
//! redirect. From version 2 a request becomes a command naming its session.

use super::msg::{client_command, Command, Op, PaxosMsg, Value};
use super::node::{POut, Paxos, PaxosReply, Phase};

impl Paxos {
    pub fn handle_request(&mut self, request_id: u64, value: Value, out: &mut POut) {
        let value = if self.config.v2() {
            // Version 2: the command knows which request it is.
            match client_command(self.multi(), self.env.id, request_id, &value) {
                // Single-decree Paxos decides one value: a put proposes itself (its
                // key=value, as in version 1), but there is no store for a get to read.
                Some(Command { op: Op::Get { .. }, .. }) if !self.multi() => {
                    let reason = "single-decree Paxos decides one proposed value: it has no store to read";
                    return out.reply(request_id, PaxosReply::Refused { reason });
                }
                Some(cmd) => Value::Op(cmd),
                None => return out.reply(request_id, PaxosReply::Refused { reason: "not a client command" }),
            }
        } else {
            value
        };
        if !self.multi() {
            if let Some(v) = self.learned.get(&0).cloned() {
                // Already decided: answer, and tell every learner in case one missed it.
                out.reply(request_id, self.decided_reply(0, &v, &value));
                for p in self.env.peers() {
                    out.send(p, PaxosMsg::Decide { slot: 0, value: v.clone() });
                }
                return;
            }
            self.pending.push((request_id, value));
            if self.phase == Phase::Idle {
                self.start_prepare(out);
            } else if self.config.v2() && self.phase == Phase::Preparing && self.promises.count_ones() >= self.quorum() {
                // Phase 1 already succeeded with nothing to propose: phase 2 with this value.
                self.start_accept_single(out);
            }
            return;
        }
        match (self.phase, self.leader) {
            (Phase::Leading, _) => self.propose_new(request_id, value, out),
            (Phase::Preparing, _) => self.pending.push((request_id, value)),
            (_, Some(l)) if l != self.env.id => out.reply(request_id, PaxosReply::NotLeader { hint: Some(l) }),
            _ => out.reply(request_id, PaxosReply::NotLeader { hint: None }),
        }
    }
}
