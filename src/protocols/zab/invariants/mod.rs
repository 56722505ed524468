//! Zab's safety properties, one file each, checked after every event: those Junqueira,
//! Reed and Serafini state (DSN 2011, §III: Integrity, Total order, Agreement, Local and
//! Global primary order, Primary integrity) and the invariants ZooKeeper's TLA+ protocol
//! specification checks beside them (zookeeper-specifications, protocol-spec/Zab.tla:
//! Leadership, PrefixConsistency), DurableCommit (a committed transaction is on a quorum's
//! stable storage, §IV-C), and the order ZooKeeper's fixes for ZOOKEEPER-4643 and
//! -4646 restored (a stable currentEpoch implies the stable history under it), and, from
//! version 4, ZooKeeper's single system image for clients (SingleSystemImage: no answer
//! older than what the client had seen). Deliveries are followed per server and per "run" (a
//! restart, or a cut of delivered transactions, starts a new run from the history's
//! start), and every transaction anyone delivered is remembered, crashed servers' too.
//! Liveness: once faults stop, one established leader in broadcast and every live server
//! having delivered the same history.

mod agreement;
mod durable_commit;
mod durable_epoch;
mod global_primary_order;
mod integrity;
mod leadership;
mod local_primary_order;
mod prefix_consistency;
mod primary_integrity;
mod single_system_image;
mod total_order;

use super::msg::{Txn, Zxid};
use super::node::{Phase, Role, Zab};
use crate::protocols::raft::kv::{Kv, KvCommand};
use crate::sim::sorted::SortedMap;
use crate::sim::{CheckCtx, Checker, Cluster, NodeId, Replicas, StateMachine, TimeUs, Violation};

/// What the checkers remember of the whole run.
#[derive(Clone, Debug)]
pub struct Observed<C = KvCommand> {
    /// Per server: how many of its delivered transactions this run has checked.
    pub checked: Vec<usize>,
    /// Per server: the zxid it delivered last in this run (zero at a run's start).
    pub last: Vec<Zxid>,
    /// Every transaction a leader broadcast (proposed), by zxid.
    pub broadcast: SortedMap<Zxid, Txn<C>>,
    /// Every transaction anyone delivered, by zxid (the first seen).
    pub delivered: SortedMap<Zxid, Txn<C>>,
    /// The delivery order: the zxid first delivered at each position.
    pub chain: Vec<Zxid>,
    /// For each zxid, the one delivered just before it (the first seen).
    pub pred: SortedMap<Zxid, Zxid>,
    /// The leader established in each epoch.
    pub leaders: SortedMap<u64, NodeId>,
    /// Epochs whose leader has broadcast.
    pub broadcasting: SortedMap<u64, ()>,
    /// (server, epoch) whose disk DurableEpoch has flagged.
    pub epoch_flagged: SortedMap<(NodeId, u64), ()>,
}

impl<C> Observed<C> {
    fn new(n: usize) -> Self {
        Observed {
            checked: vec![0; n],
            last: vec![Zxid::ZERO; n],
            broadcast: SortedMap::default(),
            delivered: SortedMap::default(),
            chain: Vec::new(),
            pred: SortedMap::default(),
            leaders: SortedMap::default(),
            broadcasting: SortedMap::default(),
            epoch_flagged: SortedMap::default(),
        }
    }
}

/// One delivery, as the per-delivery properties see it.
pub struct Delivery<'a, C> {
    pub server: NodeId,
    pub position: usize,
    pub txn: &'a Txn<C>,
    /// The zxid the server delivered just before, in this run (zero at its start).
    pub previous: Zxid,
}

/// What the checkers see after an event: the servers as a group (a whole Zab cluster, or
/// the servers of a service built on Zab) with their disks where known, and the event.
pub struct ZabCtx<'a, S: StateMachine> {
    pub event_index: u64,
    pub now_us: TimeUs,
    pub restarted: bool,
    pub group: &'a dyn Replicas<Zab<S>>,
}

/// A violation at this event.
pub fn violation<S: StateMachine>(ctx: &ZabCtx<S>, property: (&str, &str), explanation: String) -> Violation {
    Violation { property: property.0.into(), source: property.1.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

#[derive(Clone, Debug)]
pub struct ZabChecker<S: StateMachine = Kv> {
    obs: Observed<S::Command>,
    /// Version 4: client requests delivered and not yet answered, with the zxid each
    /// carried (SingleSystemImage).
    v4: bool,
    asked: SortedMap<u64, Zxid>,
}

impl<S: StateMachine> ZabChecker<S> {
    pub fn new(n: u32) -> Self {
        ZabChecker { obs: Observed::new(n as usize), v4: false, asked: SortedMap::default() }
    }

    /// Version 4: every answer to a client at least as new as what its client had seen.
    fn check_clients(&mut self, ctx: &CheckCtx<Zab<S>>, out: &mut Vec<Violation>) {
        for (_, request_id, req) in ctx.requests {
            self.asked.insert(*request_id, req.last_zxid_seen);
        }
        for (node, request_id, reply) in ctx.replies {
            let Some(seen) = self.asked.remove(request_id) else { continue };
            if let crate::sim::Outcome::Applied { index, .. } = reply {
                let v = |explanation| Violation { property: single_system_image::NAME.into(), source: single_system_image::SOURCE.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation };
                single_system_image::check(*node, *request_id, seen, Zxid::unpack(*index), v, out);
            }
        }
    }
}

impl<S: StateMachine> Checker<Zab<S>> for ZabChecker<S> {
    /// Client requests and replies (SingleSystemImage).
    const OBSERVES_MESSAGES: bool = true;
    fn new(config: &super::ZabConfig, n: u32) -> Self {
        ZabChecker { v4: config.v4(), ..ZabChecker::new(n) }
    }

    fn properties() -> Vec<(&'static str, &'static str)> {
        vec![
            (leadership::NAME, leadership::SOURCE),
            (prefix_consistency::NAME, prefix_consistency::SOURCE),
            (integrity::NAME, integrity::SOURCE),
            (agreement::NAME, agreement::SOURCE),
            (total_order::NAME, total_order::SOURCE),
            (local_primary_order::NAME, local_primary_order::SOURCE),
            (global_primary_order::NAME, global_primary_order::SOURCE),
            (primary_integrity::NAME, primary_integrity::SOURCE),
            (durable_epoch::NAME, durable_epoch::SOURCE),
            (durable_commit::NAME, durable_commit::SOURCE),
            (single_system_image::NAME, single_system_image::SOURCE),
        ]
    }

    fn check(&mut self, ctx: &CheckCtx<Zab<S>>, out: &mut Vec<Violation>) {
        if self.v4 {
            self.check_clients(ctx, out);
        }
        let Some(id) = ctx.node else { return };
        let group = Cluster::of(ctx);
        let zctx = ZabCtx { event_index: ctx.event_index, now_us: ctx.now_us, restarted: ctx.restarted, group: &group };
        self.check_server(&zctx, id, out);
    }
}

impl<S: StateMachine> ZabChecker<S> {
    /// Check server `id` after an event there.
    pub fn check_server(&mut self, ctx: &ZabCtx<S>, id: NodeId, out: &mut Vec<Violation>) {
        let Some(node) = ctx.group.replica(id as usize) else { return };
        self.new_run(id, node, ctx.restarted);
        leadership::check(&mut self.obs, ctx, id, node, out);
        durable_epoch::check(&mut self.obs, ctx, id, node, out);
        self.record_broadcasts(ctx, id, node, out);
        let obs = &mut self.obs;
        let from = obs.checked[id as usize];
        for position in from..node.delivered {
            let txn = &node.history[position];
            let d = Delivery { server: id, position, txn, previous: obs.last[id as usize] };
            integrity::check(obs, ctx, &d, out);
            agreement::check(obs, ctx, &d, out);
            total_order::check(obs, ctx, &d, out);
            local_primary_order::check(ctx, &d, out);
            global_primary_order::check(ctx, &d, out);
            prefix_consistency::check(ctx, &d, out);
            durable_commit::check(ctx, node, &d, out);
            obs.last[id as usize] = txn.zxid;
            if !obs.delivered.contains_key(&txn.zxid) {
                obs.delivered.insert(txn.zxid, txn.clone());
            }
        }
        obs.checked[id as usize] = node.delivered;
    }

    /// A restart begins a new run of deliveries; so does a cut below what was delivered.
    fn new_run(&mut self, id: NodeId, node: &Zab<S>, restarted: bool) {
        let i = id as usize;
        if restarted || node.delivered < self.obs.checked[i] {
            let keep = if restarted { 0 } else { node.delivered };
            self.obs.checked[i] = keep;
            self.obs.last[i] = keep.checked_sub(1).map_or(Zxid::ZERO, |p| node.history[p].zxid);
        }
    }

    /// A leader's transactions of its own epoch are its broadcasts; before its first,
    /// primary integrity is checked.
    fn record_broadcasts(&mut self, ctx: &ZabCtx<S>, id: NodeId, node: &Zab<S>, out: &mut Vec<Violation>) {
        let Role::Leading(l) = &node.role else { return };
        let fresh: Vec<&Txn<S::Command>> = node.history.iter().rev().take_while(|t| t.zxid.epoch == l.epoch && !self.obs.broadcast.contains_key(&t.zxid)).collect();
        if fresh.is_empty() {
            return;
        }
        if !self.obs.broadcasting.contains_key(&l.epoch) {
            self.obs.broadcasting.insert(l.epoch, ());
            primary_integrity::check(&self.obs, ctx, id, node, l.epoch, out);
        }
        for t in fresh {
            self.obs.broadcast.insert(t.zxid, t.clone());
        }
    }
}

/// Liveness once faults stop: one established leader in broadcast that every live server
/// follows, every proposal committed, and every live server having delivered the same
/// history.
pub fn liveness<S: StateMachine>(nodes: &[Option<Zab<S>>]) -> Result<(), String> {
    group_liveness(&nodes)
}

/// Liveness over a group of Zab servers (those of a service built on Zab, too).
pub fn group_liveness<S: StateMachine>(group: &dyn Replicas<Zab<S>>) -> Result<(), String> {
    let live: Vec<&Zab<S>> = (0..group.size()).filter_map(|i| group.replica(i)).collect();
    let leaders: Vec<&&Zab<S>> = live.iter().filter(|n| n.is_established_leader()).collect();
    let [leader] = leaders.as_slice() else {
        return Err(format!("{} established leaders among the live servers", leaders.len()));
    };
    if let Some(n) = live.iter().find(|n| n.phase() != Phase::Broadcast || n.leader() != Some(leader.env.id)) {
        return Err(format!("n{} is in {} (leader {:?}), not broadcasting under n{}", n.env.id, n.phase().label(), n.leader(), leader.env.id));
    }
    if leader.delivered < leader.history.len() {
        return Err(format!("the leader n{} has {} proposals not committed (from {})", leader.env.id, leader.history.len() - leader.delivered, leader.history[leader.delivered].zxid));
    }
    let want = &leader.history[..];
    if let Some(n) = live.iter().find(|n| n.history[..n.delivered] != *want) {
        return Err(format!("n{} delivered {} transactions to {}, the leader {} to {}", n.env.id, n.delivered, n.committed_zxid(), leader.delivered, leader.committed_zxid()));
    }
    Ok(())
}
