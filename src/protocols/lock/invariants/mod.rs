//! The lock service's safety properties, one checker per file, run after every event on
//! the node the event touched: the log's own properties on the server group (Raft's five
//! of Figure 3, driven through `Replicas`, without cloning servers), the lock's own on
//! each server's applied tree, on the storage's writes and on the clients' writes; and
//! the liveness condition for sweeps.
//!
//! From version 3 the tree's properties are checked per applied command, not per event
//! (one event can apply a batch of entries, and a holder in the middle of the batch would
//! go unseen): the checker replays each server's applied commands on a tree of its own.
//! Version 3 also checks the leases themselves: Mutual Exclusion by Lease at the clients,
//! Conservative Lease at each applied expiry, Master Lease at the servers; and one cost,
//! No Herd Effect, at each applied release. Versions 1 and 2 check as they always did, so
//! their links replay to the same violations.

pub mod conservative_lease;
pub mod fencing_enforced;
pub mod lease_guarded_writes;
pub mod master_lease;
pub mod mutual_exclusion;
pub mod no_herd_effect;
pub mod no_interleaving;
pub mod one_holder;
pub mod token_order;

use super::{LockCommand, LockConfig, LockDurable, LockLog, LockNode, LockTree, ServerLog};
use crate::sim::{CheckCtx, Checker, Disk, NodeId, Protocol, Replicas, StateMachine, Violation};
use crate::sim::sorted::SortedSet;

/// The servers of a lock cluster as a log group (with their disks, where known).
pub struct Servers<'a, R: Protocol> {
    pub nodes: &'a [Option<LockNode<R>>],
    pub disks: &'a [Disk<LockDurable<R::Durable>>],
    pub servers: usize,
}

impl<R: Protocol> Replicas<R> for Servers<'_, R> {
    fn size(&self) -> usize {
        self.servers
    }
    fn replica(&self, id: usize) -> Option<&R> {
        self.nodes.get(id)?.as_ref()?.as_server().map(|s| &s.log)
    }
    fn crashed_image(&self, id: usize) -> Option<&R::Durable> {
        if id >= self.servers || self.nodes.get(id)?.is_some() {
            return None;
        }
        self.disk(id)
    }
    fn disk(&self, id: usize) -> Option<&R::Durable> {
        match self.disks.get(id).filter(|_| id < self.servers)?.synced() {
            LockDurable::Server(d) => Some(d),
            _ => None,
        }
    }
}

/// The checkers' memory of the whole history (cloned at checkpoints).
#[derive(Clone, Debug)]
pub struct LockChecker<R: Protocol = ServerLog> {
    log: R::Checker,
    servers: usize,
    clients: usize,
    fencing: bool,
    /// Per server: the zxid last looked at, the lock node that holds the lock in its
    /// applied tree (path, token), and the highest token granted there so far.
    seen_zxid: Vec<u64>,
    holder: Vec<Option<(String, u64)>>,
    max_granted: Vec<u64>,
    /// Storage: writes looked at, the highest token accepted (two checkers keep their own).
    storage_seen: u64,
    fenced_max: u64,
    accepted_max: Option<(u64, NodeId)>,
    /// Per client: writes looked at.
    client_writes: Vec<u64>,
    /// Version 3: per server, the applied commands replayed so far (index, tree), and each
    /// pair of grants (tokens) already reported holding at once.
    v3: bool,
    replay: Vec<(u64, LockTree)>,
    child_count_bug: bool,
    overlaps: SortedSet<(u64, u64)>,
    /// Version 3: the newest term any server was seen leading in, and per server the
    /// KeepAlives it had answered at its last event.
    newest_leader_term: u64,
    keepalives_seen: Vec<u64>,
    /// Version 3: the highest zxid checked for a herd (No Herd Effect).
    herd_checked_zxid: u64,
}

pub(crate) fn violation<P: Protocol>(ctx: &CheckCtx<P>, property: &str, source: &str, explanation: String) -> Violation {
    Violation { property: property.into(), source: source.into(), event_index: ctx.event_index, time_us: ctx.now_us, explanation }
}

impl<R: LockLog> Checker<LockNode<R>> for LockChecker<R> {
    fn new(config: &LockConfig<R::Config>, _n: u32) -> Self {
        let (s, c) = (config.servers as usize, config.clients as usize);
        LockChecker {
            log: <R::Checker as Checker<R>>::new(&config.log, config.servers),
            servers: s,
            clients: c,
            fencing: config.fencing,
            seen_zxid: vec![0; s],
            holder: vec![None; s],
            max_granted: vec![0; s],
            storage_seen: 0,
            fenced_max: 0,
            accepted_max: None,
            client_writes: vec![0; c],
            v3: config.version >= 3,
            replay: vec![(0, LockTree::default()); s],
            child_count_bug: config.bug("sequence_from_child_count"),
            overlaps: SortedSet::new(),
            newest_leader_term: 0,
            keepalives_seen: vec![0; s],
            herd_checked_zxid: 0,
        }
    }

    fn properties() -> Vec<(&'static str, &'static str)> {
        let mut v = <R::Checker as Checker<R>>::properties();
        v.extend([
            (one_holder::NAME, one_holder::SOURCE),
            (token_order::NAME, token_order::SOURCE),
            (fencing_enforced::NAME, fencing_enforced::SOURCE),
            (no_interleaving::NAME, no_interleaving::SOURCE),
            (lease_guarded_writes::NAME, lease_guarded_writes::SOURCE),
            (mutual_exclusion::NAME, mutual_exclusion::SOURCE),
            (conservative_lease::NAME, conservative_lease::SOURCE),
            (master_lease::NAME, master_lease::SOURCE),
            (no_herd_effect::NAME, no_herd_effect::SOURCE),
        ]);
        v
    }

    fn check(&mut self, ctx: &CheckCtx<LockNode<R>>, out: &mut Vec<Violation>) {
        let Some(id) = ctx.node else { return };
        let i = id as usize;
        if i < self.servers {
            self.check_server(ctx, i, out);
        } else if i < self.servers + self.clients {
            self.check_client(ctx, i - self.servers, out);
        } else if let Some(s) = ctx.nodes.get(i).and_then(|n| n.as_ref()).and_then(LockNode::as_storage) {
            self.check_storage(ctx, s, out);
        }
    }
}

impl<R: LockLog> LockChecker<R> {
    fn check_server(&mut self, ctx: &CheckCtx<LockNode<R>>, i: usize, out: &mut Vec<Violation>) {
        let group = Servers { nodes: ctx.nodes, disks: ctx.disks, servers: self.servers };
        R::check_replica(&mut self.log, ctx, &group, i, out);
        let server = ctx.nodes.get(i).and_then(|n| n.as_ref()).and_then(LockNode::as_server);
        let Some(server) = server.filter(|_| !ctx.restarted) else {
            self.seen_zxid[i] = 0;
            self.holder[i] = None;
            self.max_granted[i] = 0;
            self.replay[i] = (0, LockTree::default());
            self.keepalives_seen[i] = 0;
            return;
        };
        let log = &server.log;
        if self.v3 {
            master_lease::check(self, ctx, i, server, out);
            return self.replay_applied(ctx, i, log, out);
        }
        let tree = log.state();
        if tree.zxid == self.seen_zxid[i] {
            return;
        }
        self.seen_zxid[i] = tree.zxid;
        let now = tree.lock_holder().map(|(p, n)| (p.clone(), n.czxid));
        if now == self.holder[i] {
            return;
        }
        one_holder::check(self, ctx, i, tree, now.as_ref(), out);
        token_order::check(self, ctx, i, now.as_ref(), out);
        self.holder[i] = now;
    }

    /// Version 3: apply each command server `i` applied since the last look to the
    /// checker's own copy of its tree, and check the tree's properties after each one.
    fn replay_applied(&mut self, ctx: &CheckCtx<LockNode<R>>, i: usize, log: &R, out: &mut Vec<Violation>) {
        let (mut done, mut tree) = std::mem::take(&mut self.replay[i]);
        if done > log.applied() {
            // The log applies its history again from the start (a Zab follower loading a
            // SNAP): the server's grants start over, as after a restart.
            (done, tree) = (0, LockTree::default());
            self.holder[i] = None;
            self.max_granted[i] = 0;
        }
        tree.bug_child_count_sequence = self.child_count_bug;
        while done < log.applied() {
            done += 1;
            let Some(cmd) = log.applied_command(done) else { continue };
            if let LockCommand::ExpireSession { session } = cmd {
                conservative_lease::check(ctx, i, &tree, *session, out);
            }
            let lock_nodes = no_herd_effect::lock_nodes_before(cmd, &tree);
            tree.apply(cmd);
            let fired = tree.take_fired();
            if let Some(release) = no_herd_effect::release(cmd, lock_nodes, &tree, &fired) {
                no_herd_effect::check(self, ctx, i, release, out);
            }
            let now = tree.lock_holder().map(|(p, n)| (p.clone(), n.czxid));
            if now != self.holder[i] {
                one_holder::check(self, ctx, i, &tree, now.as_ref(), out);
                token_order::check(self, ctx, i, now.as_ref(), out);
                self.holder[i] = now;
            }
        }
        self.replay[i] = (done, tree);
    }

    fn check_client(&mut self, ctx: &CheckCtx<LockNode<R>>, c: usize, out: &mut Vec<Violation>) {
        let node = ctx.nodes.get(self.servers + c).and_then(|n| n.as_ref()).and_then(LockNode::as_client);
        let Some(client) = node.filter(|_| !ctx.restarted) else {
            self.client_writes[c] = 0;
            return;
        };
        if client.writes_sent > self.client_writes[c] {
            lease_guarded_writes::check(ctx, client, out);
        }
        self.client_writes[c] = client.writes_sent;
        if self.v3 {
            mutual_exclusion::check(self, ctx, self.servers + c, out);
        }
    }

    fn check_storage(&mut self, ctx: &CheckCtx<LockNode<R>>, s: &super::Storage, out: &mut Vec<Violation>) {
        let seen = self.storage_seen;
        for w in s.log.iter().filter(|w| w.no > seen) {
            if self.fencing {
                fencing_enforced::check(self, ctx, w, out);
            }
            no_interleaving::check(self, ctx, w, out);
        }
        self.storage_seen = self.storage_seen.max(s.writes);
    }
}

/// After faults heal: the servers' log is live (Raft: one leader, equal logs, all
/// applied); every live client has a session the leader's tree knows and is not stuck
/// without one; and the lock is held or free consistently: at most one client acts as the
/// holder, and it is the owner of the lowest node, and a lowest node belongs to a live
/// client that knows it (no lock left to a dead session).
pub fn liveness<R: LockLog>(nodes: &[Option<LockNode<R>>]) -> Result<(), String> {
    let Some((servers, _)) = nodes.iter().flatten().next().map(LockNode::layout) else { return Err("every node is down".into()) };
    let group = Servers { nodes, disks: &[], servers: servers as usize };
    R::group_liveness(&group)?;
    let leader = (0..group.size()).filter_map(|i| group.replica(i)).find(|r| r.is_leader()).ok_or("no leader among the servers")?;
    let tree = leader.state();
    let clients: Vec<_> = nodes.iter().flatten().filter_map(LockNode::as_client).collect();
    for c in &clients {
        match c.session {
            Some(s) if tree.sessions.contains_key(&s) => {}
            Some(s) => return Err(format!("n{} believes in session s{s}, which the leader does not know", c.id)),
            None => return Err(format!("n{} has no session ({})", c.id, super::view::client_role(c).label)),
        }
    }
    let holders: Vec<_> = clients.iter().filter(|c| c.phase == super::Phase::Holding).collect();
    if holders.len() > 1 {
        return Err(format!("{} clients act as the holder", holders.len()));
    }
    let lowest = tree.lock_holder().map(|(p, _)| p.clone());
    if let Some(h) = holders.first() {
        if h.my_node.as_ref().map(|(p, _)| p) != lowest.as_ref() {
            return Err(format!("n{} acts as the holder but its node is not the lowest", h.id));
        }
    }
    if let Some(path) = lowest {
        if !clients.iter().any(|c| c.my_node.as_ref().is_some_and(|(p, _)| *p == path)) {
            return Err(format!("{path} holds the lock but no live client owns it"));
        }
    }
    Ok(())
}
