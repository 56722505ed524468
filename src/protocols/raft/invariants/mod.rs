//! The five safety properties of Figure 3 of the Raft paper, one checker per file, run after
//! every event on the node the event touched; and the liveness condition for sweeps.
//!
//! The per-property checks read the Raft group through [`RaftCtx`] and the simulator's
//! [`Replicas`], not through a `CheckCtx<Raft<S>>`, so that a protocol built on Raft (the
//! lock service, whose nodes are servers, clients and a storage) can drive them over its
//! servers without cloning whole Raft nodes each event.

pub mod election_safety;
pub mod leader_append_only;
pub mod leader_completeness;
pub mod log_matching;
pub mod state_machine_safety;

use super::{Entry, Raft, RaftConfig, Role, StateMachine};
use crate::sim::hash::word_hash;
use crate::sim::{CheckCtx, Checker, Cluster, Replicas, TimeUs, Violation};
use crate::sim::sorted::{SortedMap, SortedSet};
use std::marker::PhantomData;

/// The checkers' memory of the whole history (cloned at checkpoints).
#[derive(Clone, Debug)]
pub struct RaftChecker<S: StateMachine> {
    /// term → the node that led it.
    leaders: SortedMap<u64, u32>,
    /// Per node, while leader: (term, log length, prefix hash of the log at that length).
    leader_logs: Vec<Option<(u64, u64, u64)>>,
    /// Per node: (term, prefix hash) of each entry of its log as the checker last saw and
    /// hashed it, a copy of the last of those entries, and the node's events counted
    /// (every few, an older entry is re-hashed): Log Matching's own record of the log.
    seen: Vec<Vec<(u64, u64)>>,
    last: Vec<Option<Entry<S::Command>>>,
    audit: Vec<u64>,
    /// (index, term) → prefix hash of the log up to it, as first seen anywhere.
    prefixes: SortedMap<(u64, u64), u64>,
    /// index → (term, entry hash, term of the leader when it committed).
    committed: SortedMap<u64, (u64, u64, u64)>,
    commit_seen: Vec<u64>,
    /// index → entry hash applied there.
    applied: SortedMap<u64, u64>,
    applied_seen: Vec<u64>,
    /// (term, leader) pairs already checked for Leader Completeness.
    completeness_checked: SortedSet<(u64, u32)>,
    /// Version 3: Leader Completeness counts crashed servers' logs on disk as voters' logs.
    crashed_voters: bool,
    _sm: PhantomData<S>,
}

/// What the per-property checks see after an event at one server of the group.
pub struct RaftCtx<'a, S: StateMachine> {
    pub event_index: u64,
    pub now_us: TimeUs,
    /// The server just restarted (its volatile state is new).
    pub restarted: bool,
    pub group: &'a dyn Replicas<Raft<S>>,
}

impl<S: StateMachine> RaftCtx<'_, S> {
    /// Every live server of the group.
    pub fn live(&self) -> impl Iterator<Item = &Raft<S>> + '_ {
        (0..self.group.size()).filter_map(move |i| self.group.replica(i))
    }
}

pub(crate) fn violation<S: StateMachine>(ctx: &RaftCtx<S>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

pub(crate) fn entry_hash<S: StateMachine>(r: &Raft<S>, index: u64) -> u64 {
    word_hash(&r.log[index as usize - 1])
}

impl<S: StateMachine> Checker<Raft<S>> for RaftChecker<S> {
    fn new(config: &RaftConfig, n: u32) -> Self {
        let n = n as usize;
        RaftChecker {
            leaders: SortedMap::new(),
            leader_logs: vec![None; n],
            seen: vec![Vec::new(); n],
            last: vec![None; n],
            audit: vec![0; n],
            prefixes: SortedMap::new(),
            committed: SortedMap::new(),
            commit_seen: vec![0; n],
            applied: SortedMap::new(),
            applied_seen: vec![0; n],
            completeness_checked: SortedSet::new(),
            crashed_voters: config.version >= 3,
            _sm: PhantomData,
        }
    }

    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (election_safety::NAME, election_safety::SOURCE),
            (leader_append_only::NAME, leader_append_only::SOURCE),
            (log_matching::NAME, log_matching::SOURCE),
            (leader_completeness::NAME, leader_completeness::SOURCE),
            (state_machine_safety::NAME, state_machine_safety::SOURCE),
        ]
    }

    fn check(&mut self, ctx: &CheckCtx<Raft<S>>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let group = Cluster::of(ctx);
        let rctx = RaftCtx { event_index: ctx.event_index, now_us: ctx.now_us, restarted: ctx.restarted, group: &group };
        self.check_server(&rctx, id as usize, out);
    }
}

impl<S: StateMachine> RaftChecker<S> {
    /// Run every property on server `i` of the group after an event there.
    pub fn check_server(&mut self, ctx: &RaftCtx<S>, i: usize, out: &mut Vec<Violation>) {
        let Some(r) = ctx.group.replica(i) else {
            self.leader_logs[i] = None;
            self.commit_seen[i] = 0;
            self.applied_seen[i] = 0;
            return;
        };
        if ctx.restarted {
            self.commit_seen[i] = 0;
            self.applied_seen[i] = 0;
        }
        election_safety::check(self, ctx, r, out);
        // Log Matching first: it brings this node's prefix hashes up to date.
        log_matching::check(self, ctx, r, out);
        leader_append_only::check(self, ctx, r, out);
        leader_completeness::check(self, ctx, r, out);
        state_machine_safety::check(self, ctx, r, out);
    }
}

/// After faults heal: one leader among the live nodes, every live log identical, and every
/// entry committed and applied everywhere.
pub fn liveness<S: StateMachine>(nodes: &[Option<Raft<S>>]) -> Result<(), String> {
    group_liveness(&nodes)
}

/// [`liveness`] over a Raft group embedded anywhere.
pub fn group_liveness<S: StateMachine>(group: &dyn Replicas<Raft<S>>) -> Result<(), String> {
    let live: Vec<&Raft<S>> = (0..group.size()).filter_map(|i| group.replica(i)).collect();
    let top = live.iter().map(|r| r.current_term).max().unwrap_or(0);
    let leaders: Vec<&&Raft<S>> = live.iter().filter(|r| r.role == Role::Leader && r.current_term == top).collect();
    let [leader] = leaders.as_slice() else {
        return Err(format!("{} live nodes lead the highest term, {top} (exactly one must)", leaders.len()));
    };
    if let Some(stale) = live.iter().find(|r| r.role == Role::Leader && r.current_term < top) {
        return Err(format!("n{} still thinks it leads term {} though term {top} has begun", stale.id(), stale.current_term));
    }
    for r in &live {
        if r.log != leader.log {
            return Err(format!("n{}'s log ({} entries) differs from leader n{}'s ({} entries)", r.id(), r.log.len(), leader.id(), leader.log.len()));
        }
        if r.commit_index != r.last_log_index() || r.last_applied != r.commit_index {
            return Err(format!("n{} has {} entries, committed {}, applied {}", r.id(), r.log.len(), r.commit_index, r.last_applied));
        }
    }
    Ok(())
}
