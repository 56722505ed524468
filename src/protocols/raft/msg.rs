//! Raft RPCs as in Figure 2 of the Raft paper (Ongaro and Ousterhout, 2014), plus PreVote
//! from Ongaro's thesis §9.6.

use std::hash::Hash;

/// A log entry: the term it was created in, and a command (`None` is the no-op a new leader
/// appends, §8).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry<C> {
    pub term: u64,
    pub cmd: Option<C>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RaftMsg<C> {
    RequestVote { term: u64, last_log_index: u64, last_log_term: u64 },
    RequestVoteResponse { term: u64, vote_granted: bool },
    /// Thesis §9.6: "would you vote for me in `term`?" without anyone changing terms.
    PreVote { term: u64, last_log_index: u64, last_log_term: u64 },
    PreVoteResponse { term: u64, vote_granted: bool },
    /// `read_seq`: the leader's ReadIndex round (thesis §6.4) this heartbeat confirms, 0 if none.
    AppendEntries { term: u64, prev_log_index: u64, prev_log_term: u64, entries: Vec<Entry<C>>, leader_commit: u64, read_seq: ReadSeq },
    /// `match_index`: on success the index of the last entry the follower now matches; on
    /// failure the follower's last index (a hint for nextIndex). `read_seq` echoes the request's.
    AppendEntriesResponse { term: u64, success: bool, match_index: u64, read_seq: ReadSeq },
}

/// A ReadIndex round number carried by AppendEntries and echoed by its response (as etcd's
/// heartbeat context). Round 0 (no read waiting) hashes as nothing, so messages of version-1
/// runs, which never start a round, hash as they always did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadSeq(pub u64);

impl Hash for ReadSeq {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        if self.0 != 0 {
            self.0.hash(state);
        }
    }
}

impl<C> RaftMsg<C> {
    pub fn kind(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } => "RequestVote",
            RaftMsg::RequestVoteResponse { .. } => "RequestVoteResponse",
            RaftMsg::PreVote { .. } => "PreVote",
            RaftMsg::PreVoteResponse { .. } => "PreVoteResponse",
            RaftMsg::AppendEntries { .. } => "AppendEntries",
            RaftMsg::AppendEntriesResponse { .. } => "AppendEntriesResponse",
        }
    }
    pub fn term(&self) -> u64 {
        match self {
            RaftMsg::RequestVote { term, .. }
            | RaftMsg::RequestVoteResponse { term, .. }
            | RaftMsg::PreVote { term, .. }
            | RaftMsg::PreVoteResponse { term, .. }
            | RaftMsg::AppendEntries { term, .. }
            | RaftMsg::AppendEntriesResponse { term, .. } => *term,
        }
    }
    pub fn is_reply(&self) -> bool {
        matches!(self, RaftMsg::RequestVoteResponse { .. } | RaftMsg::PreVoteResponse { .. } | RaftMsg::AppendEntriesResponse { .. })
    }
}
