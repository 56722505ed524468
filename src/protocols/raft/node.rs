//! A Raft server (Raft paper, Figure 2 and §5.2): its state, persistence, timers, role
//! changes (follower, pre-candidate, candidate, leader; the no-op on election of §8), the
//! "higher term in any message" rule, and CheckQuorum from Ongaro's thesis §9.6. The RPC
//! handlers live in `election.rs` and `log.rs`. Verbs follow etcd/raft-rs
//! (`become_leader`, `handle_append_entries`, `bcast_append`).

use super::config::RaftConfig;
use super::msg::{Entry, RaftMsg};
use crate::sim::{DurableState, NodeEnv, NodeId, Out, StateMachine};
use crate::sim::sorted::{SortedMap, SortedSet};
use std::fmt::Debug;

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

/// A client's answer: its command applied, or "not the leader" (the outcome of a proposal
/// in the replicated-log interface).
pub type RaftReply<O> = crate::sim::Outcome<O>;

/// What survives a crash (Figure 2, "Persistent state on all servers"), changed only by
/// [`RaftWrite`]s (raft-rs's `Ready`: a HardState and entries).
#[derive(Clone, Debug, PartialEq)]
pub struct RaftDurable<C> {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: Vec<Entry<C>>,
}

impl<C> Default for RaftDurable<C> {
    fn default() -> Self {
        RaftDurable { current_term: 0, voted_for: None, log: Vec::new() }
    }
}

/// One change to a server's persistent state, emitted when the state changes.
#[derive(Clone, Debug, PartialEq)]
pub enum RaftWrite<C> {
    /// currentTerm and votedFor, rewritten together.
    HardState { term: u64, voted_for: Option<NodeId> },
    /// An entry appended at the end of the log.
    Append(Entry<C>),
    /// Delete the entry at this index (1-based, as in the paper) and all that follow it.
    TruncateFrom(u64),
}

impl<C: Clone + Debug + PartialEq> DurableState for RaftDurable<C> {
    type Write = RaftWrite<C>;
    fn apply(&mut self, write: RaftWrite<C>) {
        match write {
            RaftWrite::HardState { term, voted_for } => {
                self.current_term = term;
                self.voted_for = voted_for;
            }
            RaftWrite::Append(e) => self.log.push(e),
            RaftWrite::TruncateFrom(index) => self.log.truncate(index.saturating_sub(1) as usize),
        }
    }
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
    pub votes: SortedSet<NodeId>,
    pub next_index: Vec<u64>,
    pub match_index: Vec<u64>,
    /// CheckQuorum: peers heard from since the last check.
    pub(crate) recent_active: SortedSet<NodeId>,
    /// Local time of the last message from a current leader (PreVote, vote leases).
    pub(crate) leader_contact_us: Option<u64>,
    /// Client requests waiting for their entry to apply: index → request id.
    pub(crate) pending: SortedMap<u64, u64>,
    /// Writes emitted since the last sync (volatile: a restarted server's disk holds
    /// nothing unsynced).
    pub(crate) unsynced: bool,
    /// ReadIndex rounds and lease (thesis §6.4; volatile).
    pub reads: super::read::Reads<S::Command>,
}

type ROut<S> = Out<Raft<S>>;

impl<S: StateMachine> Raft<S> {
    pub fn create(env: NodeEnv, config: &RaftConfig) -> Self {
        let n = env.n as usize;
        let mut r = Raft {
            env: env.clone(),
            config: config.clone(),
            role: Role::Follower,
            current_term: 0,
            voted_for: None,
            log: Vec::new(),
            commit_index: 0,
            last_applied: 0,
            sm: S::default(),
            leader_id: None,
            votes: SortedSet::new(),
            next_index: vec![1; n],
            match_index: vec![0; n],
            recent_active: SortedSet::new(),
            leader_contact_us: None,
            pending: SortedMap::new(),
            unsynced: false,
            reads: super::read::Reads::new(env.n),
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

    // ---- stable storage --------------------------------------------------------------

    /// Emit a write of the persistent state (it reaches stable storage at the next sync).
    pub(crate) fn write(&mut self, write: RaftWrite<S::Command>, out: &mut ROut<S>) {
        out.write(write);
        self.unsynced = true;
    }

    /// currentTerm and votedFor changed. The planted bug `forget_voted_for` never makes
    /// the vote durable.
    pub(crate) fn write_hard_state(&mut self, out: &mut ROut<S>) {
        let voted_for = if self.config.bug("forget_voted_for") { None } else { self.voted_for };
        self.write(RaftWrite::HardState { term: self.current_term, voted_for }, out);
    }

    /// Put every write so far on stable storage (nothing to do if there is none).
    pub(crate) fn sync(&mut self, out: &mut ROut<S>) {
        if std::mem::take(&mut self.unsynced) {
            out.sync();
        }
    }

    /// First boot: a starting log or term from the configuration is the disk's content.
    pub(crate) fn write_initial_state(&mut self, out: &mut ROut<S>) {
        if self.log.is_empty() && self.current_term == 0 {
            return;
        }
        self.write_hard_state(out);
        for e in self.log.clone() {
            self.write(RaftWrite::Append(e), out);
        }
        self.sync(out);
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
                if self.config.read == super::config::ReadMode::Lease {
                    self.start_round(out);
                }
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
            self.write_hard_state(out);
        }
        if self.role == Role::Leader {
            out.cancel_timer(RaftTimer::Heartbeat);
            out.cancel_timer(RaftTimer::CheckQuorum);
            self.fail_reads(leader, out);
            let v1 = self.config.version < 2;
            for (_, request_id) in std::mem::take(&mut self.pending) {
                let reply = if v1 { RaftReply::NotLeader { hint: leader } } else { RaftReply::Unknown { hint: leader } };
                out.reply(request_id, reply);
            }
        }
        if self.role != Role::Follower {
            self.reset_election_timer(out);
        }
        self.role = Role::Follower;
        self.leader_id = leader;
        self.votes.clear();
    }

    pub(crate) fn become_pre_candidate(&mut self, out: &mut ROut<S>) {
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes = SortedSet::from([self.env.id]);
        out.note(format!("pre-vote for term {}", self.current_term + 1));
        let msg = RaftMsg::PreVote { term: self.current_term + 1, last_log_index: self.last_log_index(), last_log_term: self.last_log_term() };
        for p in self.env.peers() {
            out.send(p, msg.clone());
        }
        self.reset_election_timer(out);
        self.maybe_win_pre_vote(out);
    }

    pub(crate) fn become_candidate(&mut self, out: &mut ROut<S>) {
        self.role = Role::Candidate;
        self.current_term += 1;
        self.voted_for = Some(self.env.id);
        self.leader_id = None;
        self.votes = SortedSet::from([self.env.id]);
        // The new term and the vote for itself are durable before RequestVote goes out.
        self.write_hard_state(out);
        self.sync(out);
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
        self.maybe_commit(out); // a single-node cluster commits alone
        self.bcast_append(out);
        out.set_timer(RaftTimer::Heartbeat, self.config.heartbeat_interval_us, self.config.heartbeat_interval_us);
        if self.config.check_quorum {
            self.recent_active.clear();
            out.set_timer(RaftTimer::CheckQuorum, self.config.election_timeout_us_min, self.config.election_timeout_us_min);
        }
    }

    pub(crate) fn check_quorum(&mut self, out: &mut ROut<S>) {
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

    // ---- RPC handlers --------------------------------------------------------------------

    pub fn handle_message(&mut self, from: NodeId, msg: RaftMsg<S::Command>, out: &mut ROut<S>) {
        if self.config.check_quorum && self.role == Role::Leader && msg.term() == self.current_term {
            self.recent_active.insert(from);
        }
        // Figure 2, all servers: a higher term in any message → follower. Pre-votes and
        // granted pre-vote responses carry the proposed term, not a term anyone is in (§9.6);
        // a refusal carries the refuser's real term.
        let pre = matches!(msg, RaftMsg::PreVote { .. } | RaftMsg::PreVoteResponse { vote_granted: true, .. });
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
            RaftMsg::AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit, read_seq } => {
                self.handle_append_entries(from, term, prev_log_index, prev_log_term, entries, leader_commit, read_seq, out)
            }
            RaftMsg::AppendEntriesResponse { term, success, match_index, read_seq } => {
                self.handle_append_response(from, term, success, match_index, read_seq, out)
            }
        }
    }
}
