//! A replicated log that a composite protocol drives, in the manner of etcd/raft-rs's
//! `RawNode` (`propose`, then carry out the step's `Ready` in order): Schneider's
//! state-machine approach ("Implementing Fault-Tolerant Services Using the State Machine
//! Approach", 1990) as the Raft paper states it in §2, with the client interaction of §8.
//!
//! A protocol built on another (the lock service on Raft) embeds a [`ReplicatedLog`] per
//! server, runs its handlers with the log's own [`Out`] and maps the effects into its own
//! in order: the log's messages, timers and durable writes are wrapped, and the outcome of
//! each proposal comes back as a reply at the point it happened. The log owns the
//! [`StateMachine`] and applies committed commands to it; the embedding protocol reads it.

use super::durable::Disk;
use super::present::Present;
use super::protocol::{CheckCtx, ClientOp, ClientResult, NodeId, Out, Protocol, ProtocolConfig, Session, Violation};
use std::fmt::Debug;
use std::hash::Hash;

/// A deterministic state machine every replica applies the same commands to in log order
/// (Raft §2): Raft's key-value store, the lock service's tree.
pub trait StateMachine: Clone + Debug + Default + 'static {
    type Command: Clone + Debug + Hash + PartialEq + Eq + FromClientOp;
    type Output: Clone + Debug + PartialEq;
    /// Does the machine keep client sessions (thesis §6.3), so a client may retry?
    const SESSIONS: bool = false;
    fn apply(&mut self, cmd: &Self::Command) -> Self::Output;
    /// Back to the empty state, to apply a history again from its start (keeping any
    /// setting that is not state, such as a planted bug).
    fn reset(&mut self) {
        *self = Self::default();
    }
    /// A read-only command's answer from the current state, without applying anything
    /// (`None` for commands that change state): what ReadIndex and lease reads serve.
    fn query(&self, _cmd: &Self::Command) -> Option<Self::Output> {
        None
    }
    /// What an applied command's output tells a simulated client.
    fn client_result(_output: &Self::Output) -> ClientResult {
        ClientResult::Ok(None)
    }
    /// A short label for the log grid.
    fn label(cmd: &Self::Command) -> String;
    /// Rows for the inspector.
    fn rows(&self) -> Vec<Vec<String>>;
    /// More tables for the inspector (the key-value store's client sessions).
    fn tables(&self) -> Vec<super::view::TableView> {
        Vec::new()
    }
}

/// How a generic client operation becomes a state-machine command.
pub trait FromClientOp: Sized {
    fn from_op(op: &ClientOp) -> Option<Self>;
    /// The command for `op` within a client session (machines without sessions ignore it).
    fn in_session(op: &ClientOp, _session: Session) -> Option<Self> {
        Self::from_op(op)
    }
    /// The command with its session stripped (the planted bug "no sessions").
    fn without_session(self) -> Self {
        self
    }
}

/// What became of a proposal: a reply among the log's effects whose request id is the
/// proposal's index (or the client's request id when the log runs as a protocol alone).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<O> {
    /// Committed and applied here; `output` is what the state machine answered.
    Applied { index: u64, output: O },
    /// This replica does not lead (version 1: also when it stopped leading before the
    /// entry committed).
    NotLeader { hint: Option<NodeId> },
    /// Version 2: this replica stopped leading before the entry committed; it may or may
    /// not commit, so the outcome is unknown (the client retries in its session).
    Unknown { hint: Option<NodeId> },
}

/// A proposal refused: this replica does not lead (`hint`: the leader it knows of).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLeader {
    pub hint: Option<NodeId>,
}

/// The replicas of one log group, by id `0..size()`, wherever they live (`None` while
/// crashed): the log's checkers read the group through it without cloning nodes.
pub trait Replicas<R: Protocol> {
    fn size(&self) -> usize;
    fn replica(&self, id: usize) -> Option<&R>;
    /// What crashed replica `id` will boot from (its stable storage); `None` while it
    /// runs, or where the disks are not known.
    fn crashed_image(&self, _id: usize) -> Option<&R::Durable> {
        None
    }
    /// Replica `id`'s stable storage as it stands (its synced writes), whether it runs or
    /// not; `None` where the disks are not known.
    fn disk(&self, _id: usize) -> Option<&R::Durable> {
        None
    }
}

impl<R: Protocol> Replicas<R> for &[Option<R>] {
    fn size(&self) -> usize {
        self.len()
    }
    fn replica(&self, id: usize) -> Option<&R> {
        self.get(id).and_then(|r| r.as_ref())
    }
}

/// A whole cluster as a log group, disks included: what a checker sees after an event.
pub struct Cluster<'a, P: Protocol> {
    pub nodes: &'a [Option<P>],
    pub disks: &'a [Disk<P::Durable>],
}

impl<'a, P: Protocol> Cluster<'a, P> {
    pub fn of(ctx: &CheckCtx<'a, P>) -> Self {
        Cluster { nodes: ctx.nodes, disks: ctx.disks }
    }
}

impl<P: Protocol> Replicas<P> for Cluster<'_, P> {
    fn size(&self) -> usize {
        self.nodes.len()
    }
    fn replica(&self, id: usize) -> Option<&P> {
        self.nodes.get(id).and_then(|r| r.as_ref())
    }
    fn crashed_image(&self, id: usize) -> Option<&P::Durable> {
        if self.replica(id).is_some() {
            return None;
        }
        self.disks.get(id).map(Disk::synced)
    }
    fn disk(&self, id: usize) -> Option<&P::Durable> {
        self.disks.get(id).map(Disk::synced)
    }
}

/// A log's configuration, with what a service granting leases through the leader needs
/// (Chubby, Burrows 2006, §2.9: master leases and the new master's grace period).
pub trait LogConfig: ProtocolConfig + Clone + Debug + Default + PartialEq + serde::Serialize + serde::de::DeserializeOwned + super::json_read::JsonField {
    /// This configuration with leader leases: a leader cut off from a majority steps down,
    /// and a server that hears from its leader does not depose it (Raft: CheckQuorum and
    /// PreVote, Ongaro's thesis §9.6).
    fn with_leases(self) -> Self;
    /// With leases on, how long a deposed leader may go on acting after its successor is
    /// elected: the grace a new leader adds to every lease it inherits.
    fn lease_grace_us(&self) -> u64;
    /// This configuration with a leader lease the embedding service can ask about
    /// ([`ReplicatedLog::holds_lease`]), sound for clocks within `drift_bound_ppm` (Raft:
    /// the lease of Ongaro's thesis §6.4.1, with PreVote and CheckQuorum).
    fn with_leader_lease(self, drift_bound_ppm: u64) -> Self;
}

/// A replica of a replicated log: a [`Protocol`] of its own (messages, timers, durable
/// state, checkers, all as its associated types) that another protocol embeds and drives
/// through its handlers, plus proposals and the queries that protocol needs.
pub trait ReplicatedLog<S: StateMachine>: Present<Config: LogConfig, Reply = Outcome<S::Output>> {
    /// The log's name as the page shows it beside the servers that run it ("Raft", "Zab").
    const TITLE: &'static str;
    /// Append `cmd` if this replica leads; its [`Outcome`] comes back among the effects, as
    /// a reply whose request id is the returned index.
    fn propose(&mut self, cmd: S::Command, out: &mut Out<Self>) -> Result<u64, NotLeader>;
    fn is_leader(&self) -> bool;
    /// The leader this replica knows of (itself while it leads).
    fn leader(&self) -> Option<NodeId>;
    /// The replica's term (Raft's term, a ballot, an epoch).
    fn term(&self) -> u64;
    /// The index of the last entry applied to the state machine.
    fn applied(&self) -> u64;
    /// Leads, and has committed an entry of its own term: its state machine holds every
    /// command committed before it (Raft §8, the leader's no-op).
    fn caught_up(&self) -> bool;
    /// Leads, and holds a leader lease at its clock reading `now_us`: no other replica can
    /// have become leader, so what it answers from its own state is current (thesis
    /// §6.4.1; false unless the configuration has [`LogConfig::with_leader_lease`]).
    fn holds_lease(&self, now_us: u64) -> bool;
    /// The command of the entry at `index`, if that entry has been applied here and is not
    /// one of the log's own (a leader's no-op): lets a checker follow the state machine
    /// one command at a time.
    fn applied_command(&self, index: u64) -> Option<&S::Command>;
    /// The state machine, as applied so far.
    fn state(&self) -> &S;
    fn state_mut(&mut self) -> &mut S;
    /// Run the log's safety checkers after an event at replica `i` of a group embedded in
    /// another protocol's nodes.
    fn check_replica<P: Protocol>(checker: &mut Self::Checker, ctx: &CheckCtx<P>, group: &dyn Replicas<Self>, i: usize, out: &mut Vec<Violation>);
    /// The log's liveness condition over such a group (Raft: one leader, equal logs, all
    /// applied).
    fn group_liveness(group: &dyn Replicas<Self>) -> Result<(), String>;
}
