//! Log replication (Raft paper §5.3, commitment rules of §5.4.2): appending, AppendEntries
//! sender and receiver rules 1-5 of Figure 2, nextIndex/matchIndex, the commit rule, applying
//! to the state machine, and client requests (§8).

use super::msg::{Entry, RaftMsg, ReadSeq};
use super::config::ReadMode;
use super::node::{Raft, RaftReply, RaftWrite, Role};
use crate::sim::{NodeId, NotLeader, Out, StateMachine};

type ROut<S> = Out<Raft<S>>;

impl<S: StateMachine> Raft<S> {
    /// Leader: append an entry and sync it; the leader counts itself toward a commit
    /// (its own matchIndex) only for entries on its stable storage.
    pub(crate) fn append(&mut self, cmd: Option<S::Command>, out: &mut ROut<S>) -> u64 {
        let entry = Entry { term: self.current_term, cmd };
        self.write(RaftWrite::Append(entry.clone()), out);
        self.log.push(entry);
        self.sync(out);
        let last = self.last_log_index();
        self.match_index[self.env.id as usize] = last;
        last
    }

    /// §5.4.1: is a log ending at (term, index) at least as up-to-date as ours?
    pub fn log_up_to_date(&self, last_log_term: u64, last_log_index: u64) -> bool {
        (last_log_term, last_log_index) >= (self.last_log_term(), self.last_log_index())
    }

    pub fn send_append(&mut self, to: NodeId, out: &mut ROut<S>) {
        let next = self.next_index[to as usize].clamp(1, self.last_log_index() + 1);
        let prev_log_index = next - 1;
        let prev_log_term = self.term_at(prev_log_index).unwrap_or(0);
        let end = (self.last_log_index()).min(prev_log_index + self.config.max_entries_per_append.max(1));
        let entries = self.log[prev_log_index as usize..end as usize].to_vec();
        // Version 3 pipelines (thesis §10.2.1): the next AppendEntries to this follower
        // carries the entries after these, without waiting for its answer; a rejection
        // backs nextIndex off again (§5.3).
        if self.config.version >= 3 && !entries.is_empty() {
            self.next_index[to as usize] = end + 1;
        }
        let msg = RaftMsg::AppendEntries { term: self.current_term, prev_log_index, prev_log_term, entries, leader_commit: self.commit_index, read_seq: self.reads.seq };
        out.send(to, msg);
    }

    pub fn bcast_append(&mut self, out: &mut ROut<S>) {
        let peers: Vec<NodeId> = self.env.peers().collect();
        for p in peers {
            self.send_append(p, out);
        }
    }

    /// §5.3/§5.4.2: commit the highest index stored on a quorum whose entry is from the
    /// current term (the planted bug `commit_old_term` drops that condition, the Figure 8
    /// trap); everything before it commits with it.
    pub fn maybe_commit(&mut self, out: &mut ROut<S>) {
        let mut n = self.last_log_index();
        while n > self.commit_index {
            let replicas = self.match_index.iter().filter(|m| **m >= n).count();
            let current = self.term_at(n) == Some(self.current_term) || self.config.bug("commit_old_term");
            if replicas >= self.quorum() && current {
                self.commit_index = n;
                self.apply(out);
                return;
            }
            n -= 1;
        }
    }

    /// Apply committed entries in order; the leader answers the client whose entry applied.
    pub fn apply(&mut self, out: &mut ROut<S>) {
        while self.last_applied < self.commit_index {
            self.last_applied += 1;
            let entry = &self.log[self.last_applied as usize - 1];
            let output = entry.cmd.as_ref().map(|c| self.sm.apply(c));
            if let (Some(request_id), Some(output)) = (self.pending.remove(&self.last_applied), output) {
                out.reply(request_id, RaftReply::Applied { index: self.last_applied, output });
            }
        }
        self.serve_reads(out);
    }

    /// Figure 2, AppendEntries receiver, rules 1-5.
    #[allow(clippy::too_many_arguments)]
    pub fn handle_append_entries(
        &mut self,
        from: NodeId,
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        entries: Vec<Entry<S::Command>>,
        leader_commit: u64,
        read_seq: ReadSeq,
        out: &mut ROut<S>,
    ) {
        // Every reply below waits for stable storage (Figure 2: "updated on stable storage
        // before responding to RPCs").
        // 1. Reply false if term < currentTerm.
        if term < self.current_term {
            self.sync(out);
            out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: false, match_index: self.last_log_index(), read_seq });
            return;
        }
        // A current leader: candidates step down (§5.2), everyone resets the timer.
        if self.role != Role::Follower {
            self.become_follower(term, Some(from), out);
        }
        self.leader_id = Some(from);
        self.leader_contact_us = Some(out.now());
        self.reset_election_timer(out);
        // 2. Reply false if the log has no entry at prevLogIndex whose term matches.
        if self.term_at(prev_log_index) != Some(prev_log_term) {
            let hint = self.last_log_index().min(prev_log_index.saturating_sub(1));
            self.sync(out);
            out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: false, match_index: hint, read_seq });
            return;
        }
        // 3-4. Delete a conflicting entry and all that follow it; append new entries.
        let last_new = prev_log_index + entries.len() as u64;
        self.merge_entries(prev_log_index, entries, out);
        // 5. commitIndex = min(leaderCommit, index of last new entry).
        if leader_commit > self.commit_index {
            self.commit_index = leader_commit.min(last_new).max(self.commit_index);
            self.apply(out);
        }
        self.sync(out);
        out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: true, match_index: last_new, read_seq });
    }

    /// Keep the first `len` entries (rule 3: only a follower ever does this).
    fn truncate_log(&mut self, len: u64, out: &mut ROut<S>) {
        self.write(RaftWrite::TruncateFrom(len + 1), out);
        self.log.truncate(len as usize);
    }

    /// Rules 3 and 4, writing each change. The planted bug `truncate_without_conflict`
    /// cuts the log after prevLogIndex whether or not an entry conflicts (losing entries a
    /// newer AppendEntries already delivered).
    pub(crate) fn merge_entries(&mut self, prev: u64, entries: Vec<Entry<S::Command>>, out: &mut ROut<S>) {
        if self.config.bug("truncate_without_conflict") && !entries.is_empty() {
            self.truncate_log(prev, out);
            for e in entries {
                self.push_entry(e, out);
            }
            return;
        }
        for (i, e) in entries.into_iter().enumerate() {
            let index = prev + 1 + i as u64;
            match self.term_at(index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    self.truncate_log(index - 1, out);
                    self.push_entry(e, out);
                }
                None => self.push_entry(e, out),
            }
        }
    }

    fn push_entry(&mut self, e: Entry<S::Command>, out: &mut ROut<S>) {
        self.write(RaftWrite::Append(e.clone()), out);
        self.log.push(e);
    }

    /// Leader: on success matchIndex only moves forward (reordered responses are harmless);
    /// on failure back nextIndex off and retry (§5.3).
    pub(crate) fn handle_append_response(&mut self, from: NodeId, term: u64, success: bool, match_index: u64, read_seq: ReadSeq, out: &mut ROut<S>) {
        if self.role != Role::Leader || term != self.current_term {
            return;
        }
        self.confirm_reads(from, read_seq, out);
        let f = from as usize;
        if success {
            self.match_index[f] = self.match_index[f].max(match_index);
            self.next_index[f] = self.next_index[f].max(match_index + 1);
            self.maybe_commit(out);
            if self.next_index[f] <= self.last_log_index() {
                self.send_append(from, out);
            }
        } else {
            self.next_index[f] = (self.next_index[f].saturating_sub(1)).min(match_index + 1).max(1);
            self.send_append(from, out);
        }
    }

    // ---- clients -------------------------------------------------------------------------

    pub fn handle_client(&mut self, request_id: u64, cmd: S::Command, out: &mut ROut<S>) {
        let cmd = if self.config.bug("no_sessions") { crate::sim::FromClientOp::without_session(cmd) } else { cmd };
        let off_log = self.config.read != ReadMode::Log || self.config.bug("stale_read");
        if off_log && S::query(&self.sm, &cmd).is_some() {
            self.handle_read(request_id, cmd, out);
            return;
        }
        if let Err(NotLeader { hint }) = self.propose_as(Some(request_id), cmd, out) {
            out.reply(request_id, RaftReply::NotLeader { hint });
        }
    }

    /// §8: only the leader appends a client's command; its answer goes to `request_id` (the
    /// entry's index if none) when the entry applies, or "not the leader" if it steps down.
    pub(crate) fn propose_as(&mut self, request_id: Option<u64>, cmd: S::Command, out: &mut ROut<S>) -> Result<u64, NotLeader> {
        if self.role != Role::Leader {
            return Err(NotLeader { hint: self.leader_id.filter(|l| *l != self.env.id) });
        }
        // The planted bug `ack_before_commit` answers the client as soon as the entry is
        // appended (§8 answers only once it is committed and applied): a deposed leader's
        // entry is then overwritten and an acknowledged write is lost.
        if let (true, Some(request_id)) = (self.config.bug("ack_before_commit"), request_id) {
            let output = self.sm.clone().apply(&cmd);
            let index = self.append(Some(cmd), out);
            out.reply(request_id, RaftReply::Applied { index, output });
            self.bcast_append(out);
            return Ok(index);
        }
        let index = self.append(Some(cmd), out);
        self.pending.insert(index, request_id.unwrap_or(index));
        self.maybe_commit(out);
        self.bcast_append(out);
        Ok(index)
    }
}
