//! Zab as the simulator's replicated log, so a service can run on it as ZooKeeper runs on
//! Zab (Hunt et al., ATC 2010, §4: the data tree is the state machine Zab's delivered
//! transactions build): proposals go through the established leader, a proposal's outcome
//! comes back when the leader delivers it, and the leader lease is the one in [`lease`](super::lease).

use super::invariants::{self, ZabChecker, ZabCtx};
use super::node::{Role, Zab};
use super::ZabConfig;
use crate::sim::{CheckCtx, LogConfig, NodeId, NotLeader, Out, Protocol, Replicas, ReplicatedLog, StateMachine, Violation};

impl LogConfig for ZabConfig {
    /// Zab's followers never depose a leader they hear from (a following server answers
    /// an election with its leader's vote) and a leader that has not heard a quorum for
    /// syncLimit steps down: what Raft needs PreVote and CheckQuorum for is built in.
    fn with_leases(self) -> Self {
        self
    }
    /// A deposed leader notices within syncLimit and the tick that checks it.
    fn lease_grace_us(&self) -> u64 {
        self.tick_us * (self.sync_limit + 1)
    }
    fn with_leader_lease(self, drift_bound_ppm: u64) -> Self {
        ZabConfig { lease_drift_bound_ppm: Some(drift_bound_ppm), ..self }
    }
}

impl<S: StateMachine> ReplicatedLog<S> for Zab<S> {
    const TITLE: &'static str = "Zab";
    /// The established leader proposes; the outcome comes back (as a reply whose request id
    /// is the returned position in the history) when it delivers the transaction, or as
    /// unknown if it stops leading first.
    fn propose(&mut self, cmd: S::Command, out: &mut Out<Self>) -> Result<u64, NotLeader> {
        if !self.takes_writes() {
            return Err(NotLeader { hint: self.leader().filter(|l| *l != self.env.id) });
        }
        let index = self.history.len() as u64 + 1;
        self.pending.insert(index, ());
        self.propose_txn(cmd, Some((self.env.id, index)), out);
        Ok(index)
    }
    /// Leads, from its election on (as a Raft leader leads before its no-op commits): the
    /// service holds what it cannot answer yet until the leader is established and caught
    /// up, rather than sending its clients on to a server that will send them back.
    fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leading(_))
    }
    fn leader(&self) -> Option<NodeId> {
        Zab::leader(self)
    }
    fn term(&self) -> u64 {
        self.current_epoch
    }
    fn applied(&self) -> u64 {
        self.delivered as u64
    }
    /// Established, with every transaction of earlier epochs delivered (the initial
    /// history is delivered when a quorum acknowledges NEWLEADER).
    fn caught_up(&self) -> bool {
        let Role::Leading(l) = &self.role else { return false };
        l.established && self.history.get(self.delivered).is_none_or(|t| t.zxid.epoch == l.epoch)
    }
    fn holds_lease(&self, now_us: u64) -> bool {
        self.holds_lease_at(now_us)
    }
    fn applied_command(&self, index: u64) -> Option<&S::Command> {
        let i = usize::try_from(index).ok().filter(|i| (1..=self.delivered).contains(i))?;
        Some(&self.history[i - 1].cmd)
    }
    fn state(&self) -> &S {
        &self.sm
    }
    fn state_mut(&mut self) -> &mut S {
        &mut self.sm
    }
    fn check_replica<P: Protocol>(checker: &mut ZabChecker<S>, ctx: &CheckCtx<P>, group: &dyn Replicas<Self>, i: usize, out: &mut Vec<Violation>) {
        let zctx = ZabCtx { event_index: ctx.event_index, now_us: ctx.now_us, restarted: ctx.restarted, group };
        checker.check_server(&zctx, i as NodeId, out);
    }
    fn group_liveness(group: &dyn Replicas<Self>) -> Result<(), String> {
        invariants::group_liveness(group)
    }
}
