//! A Raft server: every rule of Figure 2 of the Raft paper, the no-op on election (§8),
//! and PreVote and CheckQuorum from Ongaro's thesis §9.6. Verbs follow etcd/raft-rs
//! (`become_leader`, `handle_append_entries`, `bcast_append`).

use super::config::RaftConfig;
use super::msg::{Entry, RaftMsg};
use super::state_machine::StateMachine;
use crate::sim::{NodeEnv, NodeId, Out};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftTimer {
    Election,
    Heartbeat,
    /// CheckQuorum: the leader steps down if a majority has not answered in this window.
    CheckQuorum,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RaftReply<O> {
    Applied { index: u64, output: O },
    NotLeader { hint: Option<NodeId> },
}

/// What survives a crash (Figure 2, "Persistent state on all servers").
#[derive(Clone, Debug, PartialEq)]
pub struct RaftDurable<C> {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: Vec<Entry<C>>,
}

#[derive(Clone, Debug)]
pub struct Raft<S: StateMachine> {
    pub(crate) env: NodeEnv,
    pub(crate) config: RaftConfig,
    pub role: Role,
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    /// `log[i - 1]` is the entry at index i (indices start at 1).
    pub log: Vec<Entry<S::Command>>,
    pub commit_index: u64,
    pub last_applied: u64,
    pub sm: S,
    pub leader_id: Option<NodeId>,
    pub votes: BTreeSet<NodeId>,
    pub next_index: Vec<u64>,
    pub match_index: Vec<u64>,
    /// CheckQuorum: peers heard from since the last check.
    recent_active: BTreeSet<NodeId>,
    /// Local time of the last message from a current leader (PreVote, vote leases).
    leader_contact_us: Option<u64>,
    /// Client requests waiting for their entry to apply: index → request id.
    pending: BTreeMap<u64, u64>,
}

type ROut<S> = Out<Raft<S>>;

impl<S: StateMachine> Raft<S> {
    pub fn create(env: NodeEnv, config: &RaftConfig) -> Self {
        let n = env.n as usize;
        let mut r = Raft {
            env,
            config: config.clone(),
            role: Role::Follower,
            current_term: 0,
            voted_for: None,
            log: Vec::new(),
            commit_index: 0,
            last_applied: 0,
            sm: S::default(),
            leader_id: None,
            votes: BTreeSet::new(),
            next_index: vec![1; n],
            match_index: vec![0; n],
            recent_active: BTreeSet::new(),
            leader_contact_us: None,
            pending: BTreeMap::new(),
        };
        let id = r.env.id as usize;
        if let Some(terms) = config.initial_logs.get(id) {
            r.log = terms.iter().map(|t| Entry { term: *t, cmd: None }).collect();
        }
        r.current_term = config.initial_terms.get(id).copied().unwrap_or(0).max(r.last_log_term());
        r
    }

    pub fn id(&self) -> NodeId {
        self.env.id
    }
    pub fn last_log_index(&self) -> u64 {
        self.log.len() as u64
    }
    pub fn last_log_term(&self) -> u64 {
        self.log.last().map_or(0, |e| e.term)
    }
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.log.get(index as usize - 1).map(|e| e.term)
    }
    /// Votes or replicas needed: a majority, one fewer with the planted bug `small_quorum`.
    pub fn quorum(&self) -> usize {
        let majority = self.env.n as usize / 2 + 1;
        if self.config.bug("small_quorum") { (majority - 1).max(1) } else { majority }
    }

    pub fn durable(&self) -> RaftDurable<S::Command> {
        let voted_for = if self.config.bug("forget_voted_for") { None } else { self.voted_for };
        RaftDurable { current_term: self.current_term, voted_for, log: self.log.clone() }
    }

    pub fn recover(&mut self, d: RaftDurable<S::Command>) {
        self.current_term = d.current_term;
        self.voted_for = d.voted_for;
        self.log = d.log;
    }

    // ---- timers --------------------------------------------------------------------------

    pub fn reset_election_timer(&self, out: &mut ROut<S>) {
        out.set_timer(RaftTimer::Election, self.config.election_timeout_us_min, self.config.election_timeout_us_max);
    }

    pub fn handle_timer(&mut self, timer: RaftTimer, out: &mut ROut<S>) {
        match timer {
            RaftTimer::Election if self.role != Role::Leader => self.campaign(out),
            RaftTimer::Election => {}
            RaftTimer::Heartbeat if self.role == Role::Leader => {
                self.bcast_append(out);
                out.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_interval_us, self.config.heartbeat_interval_us);
            }
            RaftTimer::Heartbeat => {}
            RaftTimer::CheckQuorum => self.check_quorum(out),
        }
    }

    /// Election timeout: start a pre-vote (if on) or an election.
    pub fn campaign(&mut self, out: &mut ROut<S>) {
        if self.config.pre_vote {
            self.become_pre_candidate(out);
        } else {
            self.become_candidate(out);
        }
    }

    // ---- role changes --------------------------------------------------------------------

    pub fn become_follower(&mut self, term: u64, leader: Option<NodeId>, out: &mut ROut<S>) {
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            out.persist();
        }
        if self.role == Role::Leader {
            out.cancel_timer(RaftTimer::Heartbeat);
            out.cancel_timer(RaftTimer::CheckQuorum);
            for (_, request_id) in std::mem::take(&mut self.pending) {
                out.reply(request_id, RaftReply::NotLeader { hint: leader });
            }
        }
        if self.role != Role::Follower {
            self.reset_election_timer(out);
        }
        self.role = Role::Follower;
        self.leader_id = leader;
        self.votes.clear();
    }

    fn become_pre_candidate(&mut self, out: &mut ROut<S>) {
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes = BTreeSet::from([self.env.id]);
        out.note(format!("pre-vote for term {}", self.current_term + 1));
        let msg = RaftMsg::PreVote { term: self.current_term + 1, last_log_index: self.last_log_index(), last_log_term: self.last_log_term() };
        for p in self.env.peers() {
            out.send(p, msg.clone());
        }
        self.reset_election_timer(out);
        self.maybe_win_pre_vote(out);
    }

    fn become_candidate(&mut self, out: &mut ROut<S>) {
        self.role = Role::Candidate;
        self.current_term += 1;
        self.voted_for = Some(self.env.id);
        self.leader_id = None;
        self.votes = BTreeSet::from([self.env.id]);
        out.persist();
        out.note(format!("election for term {}", self.current_term));
        let msg = RaftMsg::RequestVote { term: self.current_term, last_log_index: self.last_log_index(), last_log_term: self.last_log_term() };
        for p in self.env.peers() {
            out.send(p, msg.clone());
        }
        self.reset_election_timer(out);
        self.maybe_win_election(out);
    }

    pub fn become_leader(&mut self, out: &mut ROut<S>) {
        self.role = Role::Leader;
        self.leader_id = Some(self.env.id);
        let next = self.last_log_index() + 1;
        self.next_index.iter_mut().for_each(|x| *x = next);
        self.match_index.iter_mut().for_each(|x| *x = 0);
        out.cancel_timer(RaftTimer::Election);
        out.note(format!("leader for term {}", self.current_term));
        // §8: a no-op of the new term, so earlier entries can commit with it.
        self.append(None, out);
        self.bcast_append(out);
        out.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_interval_us, self.config.heartbeat_interval_us);
        if self.config.check_quorum {
            self.recent_active.clear();
            out.set_timer(RaftTimer::CheckQuorum, self.config.election_timeout_us_min, self.config.election_timeout_us_min);
        }
    }

    fn check_quorum(&mut self, out: &mut ROut<S>) {
        if self.role != Role::Leader {
            return;
        }
        let active = self.recent_active.len() + 1;
        self.recent_active.clear();
        if active < self.quorum() {
            out.note(format!("CheckQuorum: only {active} of {} reachable, stepping down", self.env.n));
            self.become_follower(self.current_term, None, out);
        } else {
            out.set_timer(RaftTimer::CheckQuorum, self.config.election_timeout_us_min, self.config.election_timeout_us_min);
        }
    }

    // ---- log -----------------------------------------------------------------------------

    fn append(&mut self, cmd: Option<S::Command>, out: &mut ROut<S>) -> u64 {
        self.log.push(Entry { term: self.current_term, cmd });
        out.persist();
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
        let msg = RaftMsg::AppendEntries { term: self.current_term, prev_log_index, prev_log_term, entries, leader_commit: self.commit_index };
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
    }

    // ---- RPC handlers --------------------------------------------------------------------

    pub fn handle_message(&mut self, from: NodeId, msg: RaftMsg<S::Command>, out: &mut ROut<S>) {
        if self.config.check_quorum && self.role == Role::Leader && msg.term() == self.current_term {
            self.recent_active.insert(from);
        }
        // Figure 2, all servers: a higher term in any message (but a pre-vote) → follower.
        let pre = matches!(msg, RaftMsg::PreVote { .. } | RaftMsg::PreVoteResponse { .. });
        if !pre && msg.term() > self.current_term {
            if let RaftMsg::RequestVote { .. } = msg {
                if self.in_leader_lease(out) {
                    out.note(format!("ignores RequestVote from n{from}: a leader is alive (§9.6)"));
                    return;
                }
            }
            let leader = matches!(msg, RaftMsg::AppendEntries { .. }).then_some(from);
            self.become_follower(msg.term(), leader, out);
        }
        match msg {
            RaftMsg::RequestVote { term, last_log_index, last_log_term } => {
                self.handle_request_vote(from, term, last_log_index, last_log_term, out)
            }
            RaftMsg::RequestVoteResponse { term, vote_granted } => self.handle_vote_response(from, term, vote_granted, out),
            RaftMsg::PreVote { term, last_log_index, last_log_term } => self.handle_pre_vote(from, term, last_log_index, last_log_term, out),
            RaftMsg::PreVoteResponse { term, vote_granted } => self.handle_pre_vote_response(from, term, vote_granted, out),
            RaftMsg::AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit } => {
                self.handle_append_entries(from, term, prev_log_index, prev_log_term, entries, leader_commit, out)
            }
            RaftMsg::AppendEntriesResponse { term, success, match_index } => {
                self.handle_append_response(from, term, success, match_index, out)
            }
        }
    }

    /// Thesis §9.6 (with CheckQuorum or PreVote on): a server that heard from a leader
    /// within the minimum election timeout does not let a RequestVote disturb it.
    fn in_leader_lease(&self, out: &ROut<S>) -> bool {
        let on = self.config.check_quorum;
        let recent = self.leader_contact_us.is_some_and(|t| out.now().saturating_sub(t) < self.config.election_timeout_us_min);
        on && (self.role == Role::Leader || (self.leader_id.is_some() && recent))
    }

    /// Figure 2, RequestVote receiver: grant if the term is current, no vote was given to
    /// another candidate this term, and the candidate's log is at least as up-to-date.
    fn handle_request_vote(&mut self, from: NodeId, term: u64, lli: u64, llt: u64, out: &mut ROut<S>) {
        let log_ok = self.config.bug("vote_without_log_check") || self.log_up_to_date(llt, lli);
        let grant = term == self.current_term && self.voted_for.is_none_or(|v| v == from) && log_ok;
        if grant {
            self.voted_for = Some(from);
            out.persist();
            self.reset_election_timer(out);
        }
        out.send(from, RaftMsg::RequestVoteResponse { term: self.current_term, vote_granted: grant });
    }

    fn handle_vote_response(&mut self, from: NodeId, term: u64, granted: bool, out: &mut ROut<S>) {
        if self.role == Role::Candidate && term == self.current_term && granted {
            self.votes.insert(from);
            self.maybe_win_election(out);
        }
    }

    fn maybe_win_election(&mut self, out: &mut ROut<S>) {
        if self.role == Role::Candidate && self.votes.len() >= self.quorum() {
            self.become_leader(out);
        }
    }

    /// PreVote receiver (thesis §9.6): grant if the candidate could win — its log is
    /// up-to-date and this server has not heard from a leader within the election timeout.
    fn handle_pre_vote(&mut self, from: NodeId, term: u64, lli: u64, llt: u64, out: &mut ROut<S>) {
        let heard = self.role == Role::Leader
            || self.leader_contact_us.is_some_and(|t| out.now().saturating_sub(t) < self.config.election_timeout_us_min);
        let grant = term > self.current_term && self.log_up_to_date(llt, lli) && !heard;
        out.send(from, RaftMsg::PreVoteResponse { term, vote_granted: grant });
    }

    fn handle_pre_vote_response(&mut self, from: NodeId, term: u64, granted: bool, out: &mut ROut<S>) {
        if self.role == Role::PreCandidate && term == self.current_term + 1 && granted {
            self.votes.insert(from);
            self.maybe_win_pre_vote(out);
        }
    }

    fn maybe_win_pre_vote(&mut self, out: &mut ROut<S>) {
        if self.role == Role::PreCandidate && self.votes.len() >= self.quorum() {
            self.become_candidate(out);
        }
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
        out: &mut ROut<S>,
    ) {
        // 1. Reply false if term < currentTerm.
        if term < self.current_term {
            out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: false, match_index: self.last_log_index() });
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
            out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: false, match_index: hint });
            return;
        }
        // 3-4. Delete a conflicting entry and all that follow it; append new entries.
        let last_new = prev_log_index + entries.len() as u64;
        if self.merge_entries(prev_log_index, entries) {
            out.persist();
        }
        // 5. commitIndex = min(leaderCommit, index of last new entry).
        if leader_commit > self.commit_index {
            self.commit_index = leader_commit.min(last_new).max(self.commit_index);
            self.apply(out);
        }
        out.send(from, RaftMsg::AppendEntriesResponse { term: self.current_term, success: true, match_index: last_new });
    }

    /// Rules 3 and 4. Returns whether the log changed. The planted bug
    /// `truncate_without_conflict` cuts the log after prevLogIndex whether or not an
    /// entry conflicts (losing entries a newer AppendEntries already delivered).
    fn merge_entries(&mut self, prev: u64, entries: Vec<Entry<S::Command>>) -> bool {
        if self.config.bug("truncate_without_conflict") && !entries.is_empty() {
            self.log.truncate(prev as usize);
            self.log.extend(entries);
            return true;
        }
        let mut changed = false;
        for (i, e) in entries.into_iter().enumerate() {
            let index = prev + 1 + i as u64;
            match self.term_at(index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    self.log.truncate(index as usize - 1);
                    self.log.push(e);
                }
                None => self.log.push(e),
            }
            changed = true;
        }
        changed
    }

    /// Leader: on success matchIndex only moves forward (reordered responses are harmless);
    /// on failure back nextIndex off and retry (§5.3).
    fn handle_append_response(&mut self, from: NodeId, term: u64, success: bool, match_index: u64, out: &mut ROut<S>) {
        if self.role != Role::Leader || term != self.current_term {
            return;
        }
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
        if self.role != Role::Leader {
            out.reply(request_id, RaftReply::NotLeader { hint: self.leader_id.filter(|l| *l != self.env.id) });
            return;
        }
        let index = self.append(Some(cmd), out);
        self.pending.insert(index, request_id);
        self.maybe_commit(out);
        self.bcast_append(out);
    }
}
