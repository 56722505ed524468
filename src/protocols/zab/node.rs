//! A Zab server (ZooKeeper's `QuorumPeer`): the durable state of Junqueira et al. §IV
//! (acceptedEpoch, currentEpoch, history) mirrored in memory and changed through the
//! platform's durable writes, the delivered prefix and the data tree it built, the role it
//! plays (looking, following, leading) with that role's phase, and what both roles share:
//! delivery in zxid order, client requests, the fsync that ACKs wait for, and the tick.

use super::config::ZabConfig;
use super::election::Election;
use super::follower::FollowerState;
use super::leader::LeaderState;
use super::msg::{Txn, Zxid};
use crate::protocols::raft::kv::{Kv, KvCommand};
use crate::sim::sorted::SortedMap;
use crate::sim::{DurableState, NodeEnv, NodeId, Out, Outcome, StateMachine};
use std::rc::Rc;

/// The paper's phases (§IV): a server in Fast Leader Election is in phase 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Election,
    Discovery,
    Synchronization,
    Broadcast,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Election => "election",
            Phase::Discovery => "discovery",
            Phase::Synchronization => "synchronization",
            Phase::Broadcast => "broadcast",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role<C = KvCommand> {
    Looking,
    Following(FollowerState<C>),
    Leading(LeaderState<C>),
}

/// The writes of Zab's durable state (ZooKeeper's acceptedEpoch and currentEpoch files,
/// its transaction log and its snapshot).
#[derive(Clone, Debug, PartialEq)]
pub enum ZabWrite<C = KvCommand> {
    AcceptedEpoch(u64),
    CurrentEpoch(u64),
    Append(Txn<C>),
    /// Drop the log's entries from this position (0-based, after the snapshot) on.
    TruncateFrom(usize),
    /// A snapshot of the whole history: it replaces the snapshot and empties the log.
    Snapshot(Rc<Vec<Txn<C>>>),
}

/// What survives a crash.
#[derive(Clone, Debug, PartialEq)]
pub struct ZabDurable<C = KvCommand> {
    pub accepted_epoch: u64,
    pub current_epoch: u64,
    pub snapshot: Rc<Vec<Txn<C>>>,
    pub log: Vec<Txn<C>>,
}

impl<C> Default for ZabDurable<C> {
    fn default() -> Self {
        ZabDurable { accepted_epoch: 0, current_epoch: 0, snapshot: Rc::default(), log: Vec::new() }
    }
}

impl<C: Clone + std::fmt::Debug + PartialEq + 'static> DurableState for ZabDurable<C> {
    type Write = ZabWrite<C>;
    fn apply(&mut self, write: ZabWrite<C>) {
        match write {
            ZabWrite::AcceptedEpoch(e) => self.accepted_epoch = e,
            ZabWrite::CurrentEpoch(e) => self.current_epoch = e,
            ZabWrite::Append(t) => self.log.push(t),
            ZabWrite::TruncateFrom(pos) => self.log.truncate(pos),
            ZabWrite::Snapshot(s) => {
                self.snapshot = s;
                self.log.clear();
            }
        }
    }
}

impl<C: Clone> ZabDurable<C> {
    /// The history this disk holds: the snapshot's transactions, then the log's.
    pub fn history(&self) -> Vec<Txn<C>> {
        self.snapshot.iter().chain(&self.log).cloned().collect()
    }
}

/// A client's request: the command, and the newest zxid its client has seen (ZooKeeper's
/// session carries it: a server whose state is older refuses the client, which tries
/// another server).
#[derive(Clone, Debug, PartialEq)]
pub struct ZabRequest<C> {
    pub cmd: C,
    pub last_zxid_seen: Zxid,
}

impl<C> ZabRequest<C> {
    pub fn new(cmd: C) -> Self {
        ZabRequest { cmd, last_zxid_seen: Zxid::ZERO }
    }
}

/// A reply to a client is the replicated log's [`Outcome`]: `Applied` (done at this
/// server: the state machine's answer, and the zxid it answered at, packed as ZooKeeper
/// packs it), `NotLeader` (this server is not serving, electing or synchronizing: try
/// again, or another), `Unknown` (the server stopped following or leading before the write
/// was delivered here: it may or may not take effect; the client retries in its session).
pub type ZabReply<O> = Outcome<O>;

/// A reply done at `zxid`.
pub fn done<O>(output: O, zxid: Zxid) -> Outcome<O> {
    Outcome::Applied { index: zxid.packed(), output }
}

/// A reply as the trace records and hashes it (ZooKeeper's words: done, not ready, unknown).
pub fn reply_summary<O: std::fmt::Debug>(reply: &Outcome<O>) -> String {
    match reply {
        Outcome::Applied { index, output } => format!("Done {{ output: {output:?}, zxid: {:?} }}", Zxid::unpack(*index)),
        Outcome::NotLeader { hint } => format!("NotReady {{ hint: {hint:?} }}"),
        Outcome::Unknown { .. } => "Unknown".into(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZabTimer {
    /// tickTime: pings, initLimit and syncLimit.
    Tick,
    /// Fast Leader Election resends its notification.
    Notify,
    /// finalizeWait: a quorum agrees; conclude unless a better vote came.
    Finalize,
    /// The fsync in progress completes.
    Flush,
}

impl ZabTimer {
    pub fn name(&self) -> &'static str {
        match self {
            ZabTimer::Tick => "tick",
            ZabTimer::Notify => "notification timeout",
            ZabTimer::Finalize => "finalize wait",
            ZabTimer::Flush => "fsync",
        }
    }
}

/// What waits for the fsync in progress.
#[derive(Clone, Debug, Default)]
pub struct Flush {
    pub armed: bool,
    /// Proposals logged since the last fsync, to acknowledge once it completes.
    pub acks: Vec<Zxid>,
    /// NEWLEADER of this epoch, to acknowledge once the synchronized history is durable.
    pub newleader: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Zab<S: StateMachine = Kv> {
    pub env: NodeEnv,
    pub config: ZabConfig,
    pub accepted_epoch: u64,
    pub current_epoch: u64,
    pub history: Vec<Txn<S::Command>>,
    /// How many of `history`'s transactions the disk holds in its snapshot (the log's
    /// positions start after them).
    pub disk_base: usize,
    /// How many transactions of `history` have been delivered (applied to `sm`).
    pub delivered: usize,
    /// The state machine the delivered transactions built (ZooKeeper's data tree).
    pub sm: S,
    pub role: Role<S::Command>,
    pub election: Election,
    /// Client requests this server will answer once it delivers them.
    pub pending: SortedMap<u64, ()>,
    /// Reads waiting for their sync (`reads: sync`).
    pub reads: SortedMap<u64, S::Command>,
    pub flush: Flush,
    /// When the current role or phase began (initLimit counts from it).
    pub since_us: u64,
    /// With leader leases: a server that booted takes no part in elections until then.
    pub boot_guard_until_us: Option<u64>,
}

impl<S: StateMachine> Zab<S> {
    pub fn create(env: NodeEnv, config: &ZabConfig) -> Self {
        let election = Election::new(env.id);
        Zab {
            env,
            config: config.clone(),
            accepted_epoch: 0,
            current_epoch: 0,
            history: Vec::new(),
            disk_base: 0,
            delivered: 0,
            sm: S::default(),
            role: Role::Looking,
            election,
            pending: SortedMap::default(),
            reads: SortedMap::default(),
            flush: Flush::default(),
            since_us: 0,
            boot_guard_until_us: None,
        }
    }

    pub fn recover(&mut self, disk: ZabDurable<S::Command>) {
        self.accepted_epoch = disk.accepted_epoch;
        self.current_epoch = disk.current_epoch;
        self.disk_base = disk.snapshot.len();
        self.history = disk.history();
    }

    pub fn quorum(&self) -> usize {
        self.env.n as usize / 2 + 1
    }

    pub fn last_zxid(&self) -> Zxid {
        self.history.last().map_or(Zxid::ZERO, |t| t.zxid)
    }

    /// The zxid of the last delivered transaction.
    pub fn committed_zxid(&self) -> Zxid {
        self.delivered.checked_sub(1).map_or(Zxid::ZERO, |i| self.history[i].zxid)
    }

    pub fn phase(&self) -> Phase {
        match &self.role {
            Role::Looking => Phase::Election,
            Role::Following(f) => f.phase,
            Role::Leading(l) => l.phase,
        }
    }

    pub fn leader(&self) -> Option<NodeId> {
        match &self.role {
            Role::Looking => None,
            Role::Following(f) => Some(f.leader),
            Role::Leading(_) => Some(self.env.id),
        }
    }

    /// Leads and has been established: a quorum acknowledged NEWLEADER.
    pub fn is_established_leader(&self) -> bool {
        matches!(&self.role, Role::Leading(l) if l.established)
    }

    /// Append a transaction to the history and the log.
    pub fn append(&mut self, txn: Txn<S::Command>, out: &mut Out<Self>) {
        out.write(ZabWrite::Append(txn.clone()));
        self.history.push(txn);
    }

    /// Cut the history back to `len` transactions (and the log with it). A delivered
    /// transaction is never cut unless a planted bug cuts it; then the data tree is rebuilt.
    pub fn truncate(&mut self, len: usize, out: &mut Out<Self>) {
        if len >= self.history.len() {
            return;
        }
        self.history.truncate(len);
        if len >= self.disk_base {
            out.write(ZabWrite::TruncateFrom(len - self.disk_base));
        } else {
            // Into the snapshot (only a planted bug cuts committed transactions): rewrite it.
            self.disk_base = len;
            out.write(ZabWrite::Snapshot(Rc::new(self.history.clone())));
        }
        if self.delivered > len {
            self.rebuild(len);
        }
    }

    /// Rebuild the data tree from the first `len` transactions (after a cut).
    pub fn rebuild(&mut self, len: usize) {
        self.sm.reset();
        self.delivered = 0;
        for t in &self.history[..len] {
            self.sm.apply(&t.cmd);
        }
        self.delivered = len;
    }

    /// Deliver, in zxid order, every transaction of the history up to `upto`; answer the
    /// clients waiting here for any of them.
    pub fn deliver_to(&mut self, upto: Zxid, out: &mut Out<Self>) {
        while let Some(txn) = self.history.get(self.delivered).filter(|t| t.zxid <= upto) {
            let (zxid, origin) = (txn.zxid, txn.origin);
            let output = self.sm.apply(&txn.cmd);
            self.delivered += 1;
            if let Some((server, request_id)) = origin {
                if server == self.env.id && self.pending.remove(&request_id).is_some() {
                    out.reply(request_id, done(output, zxid));
                }
            }
        }
    }

    /// Start an fsync if none is under way (its completion acknowledges what waits for it).
    pub fn start_flush(&mut self, out: &mut Out<Self>) {
        if !self.flush.armed {
            self.flush.armed = true;
            out.set_timer(super::ZabTimer::Flush, self.config.fsync_us, self.config.fsync_us);
        }
    }

    /// The fsync completes: the log is durable; acknowledge what waited for it.
    pub fn on_flush(&mut self, out: &mut Out<Self>) {
        out.sync();
        let flush = std::mem::take(&mut self.flush);
        match &mut self.role {
            Role::Following(_) => self.follower_flushed(flush, out),
            Role::Leading(_) => {
                for zxid in flush.acks {
                    self.leader_ack(self.env.id, zxid, out);
                }
            }
            Role::Looking => {}
        }
    }

    /// Give up following or leading and look for a leader (ZooKeeper: back to LOOKING).
    pub fn go_looking(&mut self, why: &str, out: &mut Out<Self>) {
        out.note(format!("n{} back to LOOKING: {why}", self.env.id));
        for (request_id, ()) in std::mem::take(&mut self.pending) {
            out.reply(request_id, Outcome::Unknown { hint: None });
        }
        for (request_id, _) in std::mem::take(&mut self.reads) {
            out.reply(request_id, Outcome::NotLeader { hint: None });
        }
        self.flush.acks.clear();
        self.flush.newleader = None;
        self.role = Role::Looking;
        self.since_us = out.now();
        self.start_election(out);
    }

    /// A client's request: reads are answered from this server's data tree while it
    /// serves; writes go through the leader.
    pub fn handle_client(&mut self, request_id: u64, req: ZabRequest<S::Command>, out: &mut Out<Self>) {
        if self.phase() != Phase::Broadcast {
            out.reply(request_id, Outcome::NotLeader { hint: self.leader() });
            return;
        }
        let cmd = req.cmd;
        if self.behind_client(req.last_zxid_seen) {
            out.note(format!("n{}: the client has seen zxid {}, this server only {}: try another server", self.env.id, req.last_zxid_seen, self.committed_zxid()));
            out.reply(request_id, Outcome::NotLeader { hint: None });
            return;
        }
        if let Some(output) = self.sm.query(&cmd) {
            match self.config.reads {
                super::config::ReadMode::Local => out.reply(request_id, done(output, self.committed_zxid())),
                super::config::ReadMode::Sync => self.sync_read(request_id, cmd, out),
            }
            return;
        }
        self.pending.insert(request_id, ());
        match &self.role {
            Role::Leading(_) => self.propose_txn(cmd, Some((self.env.id, request_id)), out),
            Role::Following(_) => self.to_leader(super::ZabMsg::Request { request_id, cmd }, out),
            Role::Looking => {}
        }
    }

    /// Version 4: is this server's state older than what the client has seen? ZooKeeper
    /// then refuses the client ("client must try another server"); the planted bug
    /// `no_last_zxid_check` serves it anyway.
    fn behind_client(&self, last_zxid_seen: Zxid) -> bool {
        self.config.v4() && !self.config.bug("no_last_zxid_check") && self.committed_zxid() < last_zxid_seen
    }

    /// The tick: pings, and the limits every role keeps.
    pub fn on_tick(&mut self, out: &mut Out<Self>) {
        out.set_timer(super::ZabTimer::Tick, self.config.tick_us, self.config.tick_us);
        if self.boot_guard_tick(out) {
            return;
        }
        match &self.role {
            Role::Looking => {}
            Role::Following(_) => self.follower_tick(out),
            Role::Leading(_) => self.leader_tick(out),
        }
    }
}
