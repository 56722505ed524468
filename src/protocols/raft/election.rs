//! Leader election (Raft paper §5.2, with the up-to-date check of §5.4.1): the RequestVote
//! receiver and candidate rules of Figure 2, and PreVote and the leader lease from Ongaro's
//! thesis §9.6.

use super::msg::RaftMsg;
use super::node::{Raft, Role};
use crate::sim::{NodeId, Out, StateMachine};

type ROut<S> = Out<Raft<S>>;

impl<S: StateMachine> Raft<S> {
    /// Thesis §9.6 (with CheckQuorum or PreVote on): a server that heard from a leader
    /// within the minimum election timeout does not let a RequestVote disturb it. From
    /// version 3, with lease reads, neither does a server that has just booted (it may
    /// have acknowledged a leader's lease before it crashed, §6.4.1), though it knows no
    /// leader yet.
    pub(crate) fn in_leader_lease(&self, out: &ROut<S>) -> bool {
        let on = self.config.check_quorum;
        let recent = self.leader_contact_us.is_some_and(|t| out.now().saturating_sub(t) < self.config.election_timeout_us_min);
        let booted_in_lease = self.config.version >= 3 && self.config.read == super::config::ReadMode::Lease;
        on && (self.role == Role::Leader || ((self.leader_id.is_some() || booted_in_lease) && recent))
    }

    /// Figure 2, RequestVote receiver: grant if the term is current, no vote was given to
    /// another candidate this term, and the candidate's log is at least as up-to-date.
    pub(crate) fn handle_request_vote(&mut self, from: NodeId, term: u64, lli: u64, llt: u64, out: &mut ROut<S>) {
        let log_ok = self.config.bug("vote_without_log_check") || self.log_up_to_date(llt, lli);
        let grant = term == self.current_term && self.voted_for.is_none_or(|v| v == from) && log_ok;
        if grant {
            self.voted_for = Some(from);
            self.write_hard_state(out);
            self.reset_election_timer(out);
        }
        // Figure 2: persistent state is on stable storage before responding. The planted
        // bug `vote_before_sync` answers first (a crash that loses unsynced writes then
        // forgets the vote, and the server can vote again in the same term).
        if !self.config.bug("vote_before_sync") {
            self.sync(out);
        }
        out.send(from, RaftMsg::RequestVoteResponse { term: self.current_term, vote_granted: grant });
    }

    pub(crate) fn handle_vote_response(&mut self, from: NodeId, term: u64, granted: bool, out: &mut ROut<S>) {
        if self.role == Role::Candidate && term == self.current_term && granted {
            self.votes.insert(from);
            self.maybe_win_election(out);
        }
    }

    pub(crate) fn maybe_win_election(&mut self, out: &mut ROut<S>) {
        if self.role == Role::Candidate && self.votes.len() >= self.quorum() {
            self.become_leader(out);
        }
    }

    /// PreVote receiver (thesis §9.6): grant if the candidate could win — its log is
    /// up-to-date and this server has not heard from a leader within the election timeout.
    pub(crate) fn handle_pre_vote(&mut self, from: NodeId, term: u64, lli: u64, llt: u64, out: &mut ROut<S>) {
        let heard = self.role == Role::Leader
            || self.leader_contact_us.is_some_and(|t| out.now().saturating_sub(t) < self.config.election_timeout_us_min);
        let grant = term > self.current_term && self.log_up_to_date(llt, lli) && !heard;
        // As etcd: a grant echoes the proposed term, a refusal tells our own.
        let term = if grant { term } else { self.current_term };
        out.send(from, RaftMsg::PreVoteResponse { term, vote_granted: grant });
    }

    pub(crate) fn handle_pre_vote_response(&mut self, from: NodeId, term: u64, granted: bool, out: &mut ROut<S>) {
        if self.role == Role::PreCandidate && term == self.current_term + 1 && granted {
            self.votes.insert(from);
            self.maybe_win_pre_vote(out);
        }
    }

    pub(crate) fn maybe_win_pre_vote(&mut self, out: &mut ROut<S>) {
        if self.role == Role::PreCandidate && self.votes.len() >= self.quorum() {
            self.become_candidate(out);
        }
    }

}
