//! Raft as the simulator's replicated log (Raft paper §2 and §8): proposals go through the
//! leader, the state machine is the one Raft applies committed entries to, and leader
//! leases are CheckQuorum with PreVote (Ongaro's thesis §9.6).

use super::invariants::{self, RaftChecker, RaftCtx};
use super::{Raft, RaftConfig, ReadMode, Role};
use crate::sim::{CheckCtx, LogConfig, NodeId, NotLeader, Out, Protocol, Replicas, ReplicatedLog, StateMachine, Violation};

impl LogConfig for RaftConfig {
    fn with_leases(self) -> Self {
        RaftConfig { pre_vote: true, check_quorum: true, ..self }
    }
    /// A deposed leader steps down within CheckQuorum's window; the longest election
    /// timeout covers it.
    fn lease_grace_us(&self) -> u64 {
        self.election_timeout_us_max
    }
    /// Lease reads' lease (thesis §6.4.1): heartbeat rounds, the lease from a round a
    /// majority acknowledged, servers that refuse votes while they heard from a leader
    /// (and, just booted, as if they had).
    fn with_leader_lease(self, drift_bound_ppm: u64) -> Self {
        RaftConfig { read: ReadMode::Lease, lease_drift_bound_ppm: drift_bound_ppm, ..self.with_leases() }
    }
}

impl<S: StateMachine> ReplicatedLog<S> for Raft<S> {
    const TITLE: &'static str = "Raft";
    fn propose(&mut self, cmd: S::Command, out: &mut Out<Self>) -> Result<u64, NotLeader> {
        self.propose_as(None, cmd, out)
    }
    fn is_leader(&self) -> bool {
        self.role == Role::Leader
    }
    fn leader(&self) -> Option<NodeId> {
        self.leader_id
    }
    fn term(&self) -> u64 {
        self.current_term
    }
    fn applied(&self) -> u64 {
        self.last_applied
    }
    fn caught_up(&self) -> bool {
        self.is_leader() && self.term_at(self.commit_index) == Some(self.current_term)
    }
    fn holds_lease(&self, now_us: u64) -> bool {
        self.role == Role::Leader && now_us < self.reads.lease_until_us
    }
    fn applied_command(&self, index: u64) -> Option<&S::Command> {
        let i = usize::try_from(index).ok().filter(|i| (1..=self.last_applied as usize).contains(i))?;
        self.log.get(i - 1)?.cmd.as_ref()
    }
    fn state(&self) -> &S {
        &self.sm
    }
    fn state_mut(&mut self) -> &mut S {
        &mut self.sm
    }
    fn check_replica<P: Protocol>(checker: &mut RaftChecker<S>, ctx: &CheckCtx<P>, group: &dyn Replicas<Self>, i: usize, out: &mut Vec<Violation>) {
        let rctx = RaftCtx { event_index: ctx.event_index, now_us: ctx.now_us, restarted: ctx.restarted, group };
        checker.check_server(&rctx, i, out);
    }
    fn group_liveness(group: &dyn Replicas<Self>) -> Result<(), String> {
        invariants::group_liveness(group)
    }
}
