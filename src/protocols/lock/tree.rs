//! The lock service's replicated state machine: a small ZooKeeper-like tree (Hunt et al.,
//! "ZooKeeper: Wait-free coordination for Internet-scale systems", ATC 2010, §2.1-2.2) that
//! every lock server applies in log order.
//!
//! - Sessions (id, owner client, timeout). A session's id is the zxid of the command that
//!   created it. Closing or expiring a session deletes its ephemeral nodes and its watches.
//! - Nodes are kept by full path. `/lock` exists from the start. A sequential node gets the
//!   parent's counter as a ten-digit suffix (`/lock/n-0000000007`); the counter never goes
//!   back (ZooKeeper uses the parent's `cversion`).
//! - One-shot watches (§2.1): a data watch on a path fires once when the node is deleted; a
//!   child watch on a parent fires once when a child is created or deleted. Firing appends
//!   a [`Notification`] to `fired`, which the server drains after each handler; only the
//!   leader sends them (see `server.rs`).
//! - `zxid` counts applied commands. Every server applies the same commands in the same
//!   order, so it is the same everywhere and strictly increases across leader changes: the
//!   creation zxid of a lock node is its fencing token (Kleppmann, "How to do distributed
//!   locking", 2016; Chubby's sequencers, Burrows, OSDI 2006, §2.4).
//! - Each client has at most one request outstanding; the tree remembers each client's last
//!   request id and answer, so a retried command is answered, not run twice (Raft
//!   dissertation §6.3).

use crate::sim::{ClientOp, FromClientOp, NodeId, StateMachine};
use crate::sim::sorted::{SortedMap, SortedSet};

pub type SessionId = u64;

/// The parent of every lock node.
pub const LOCK_DIR: &str = "/lock";
/// The name prefix of lock nodes.
pub const LOCK_PREFIX: &str = "/lock/n-";

/// Operations a client asks for (ZooKeeper's API, §2.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TreeOp {
    CreateSession { timeout_us: u64 },
    CloseSession { session: SessionId },
    /// `path` is the full path, or the prefix when `sequential`.
    Create { session: SessionId, path: String, ephemeral: bool, sequential: bool },
    Delete { session: SessionId, path: String },
    /// With `watch`, a one-shot child watch on `path`.
    GetChildren { session: SessionId, path: String, watch: bool },
    /// With `watch` and the node present, a one-shot watch for its deletion.
    Exists { session: SessionId, path: String, watch: bool },
}

/// A command in the servers' log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockCommand {
    Client { client: NodeId, req: u64, op: TreeOp },
    /// Proposed by the leader when a session's timeout passed (ZooKeeper's session tracker).
    ExpireSession { session: SessionId },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TreeError {
    /// The session is closed or expired (or was never created).
    SessionExpired,
    NoNode,
    NodeExists,
    /// An older request of this client, answered long ago.
    Stale,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockOutput {
    Session { session: SessionId },
    /// `zxid`: the creation zxid, the fencing token of a lock node.
    Created { path: String, zxid: u64 },
    /// Child names (full paths), sorted.
    Children { paths: Vec<String> },
    Exists { exists: bool },
    Deleted,
    Closed,
    Expired,
    Error(TreeError),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WatchEvent {
    NodeDeleted,
    ChildrenChanged,
}

/// A watch that fired: tell `client` (of `session`) that `path` changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Notification {
    pub client: NodeId,
    pub session: SessionId,
    pub path: String,
    pub event: WatchEvent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub client: NodeId,
    pub timeout_us: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZNode {
    /// The owning session of an ephemeral node.
    pub ephemeral_owner: Option<SessionId>,
    /// zxid of the command that created it.
    pub czxid: u64,
    /// Sequential suffix counter for children.
    pub cversion: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockTree {
    pub zxid: u64,
    pub sessions: SortedMap<SessionId, Session>,
    pub nodes: SortedMap<String, ZNode>,
    /// path → sessions with a data (deletion) watch on it, and their clients.
    pub data_watches: SortedMap<String, SortedSet<(SessionId, NodeId)>>,
    /// path → sessions with a child watch on it.
    pub child_watches: SortedMap<String, SortedSet<(SessionId, NodeId)>>,
    /// Per client: its last request id and the answer (Raft dissertation §6.3).
    pub last_reply: SortedMap<NodeId, (u64, LockOutput)>,
    /// Watches fired by the commands applied in this handler (drained by the server).
    pub fired: Vec<Notification>,
    /// Watches fired since the start (the herd effect shows here).
    pub notifications_total: u64,
    /// The planted bug `sequence_from_child_count` (set by the server from its config).
    pub bug_child_count_sequence: bool,
}

impl Default for LockTree {
    fn default() -> Self {
        let root = ZNode { ephemeral_owner: None, czxid: 0, cversion: 0 };
        LockTree {
            zxid: 0,
            sessions: SortedMap::new(),
            nodes: SortedMap::from([(LOCK_DIR.to_string(), root)]),
            data_watches: SortedMap::new(),
            child_watches: SortedMap::new(),
            last_reply: SortedMap::new(),
            fired: Vec::new(),
            notifications_total: 0,
            bug_child_count_sequence: false,
        }
    }
}

/// The parent of a path (`/lock/n-1` → `/lock`).
pub fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

impl LockTree {
    /// Full paths of the children of `parent`, sorted.
    pub fn children(&self, parent: &str) -> Vec<String> {
        self.children_iter(parent).map(|(p, _)| p.clone()).collect()
    }

    fn children_iter<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = (&'a String, &'a ZNode)> + 'a {
        let prefix = format!("{parent}/");
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .filter(move |(p, _)| !p[parent.len() + 1..].contains('/'))
    }

    /// The lowest child of `/lock` (the holder's node in the recipe) and its token.
    pub fn lock_holder(&self) -> Option<(&String, &ZNode)> {
        self.children_iter(LOCK_DIR).next()
    }

    fn run(&mut self, client: NodeId, op: &TreeOp) -> LockOutput {
        match op {
            TreeOp::CreateSession { timeout_us } => {
                self.sessions.insert(self.zxid, Session { client, timeout_us: *timeout_us });
                LockOutput::Session { session: self.zxid }
            }
            _ if !self.sessions.contains_key(&op_session(op)) => LockOutput::Error(TreeError::SessionExpired),
            TreeOp::CloseSession { session } => {
                self.close_session(*session);
                LockOutput::Closed
            }
            TreeOp::Create { session, path, ephemeral, sequential } => self.create(*session, path, *ephemeral, *sequential),
            TreeOp::Delete { path, .. } => self.delete(path),
            TreeOp::GetChildren { session, path, watch } => {
                if *watch {
                    self.child_watches.entry(path.clone()).or_default().insert((*session, client));
                }
                LockOutput::Children { paths: self.children(path) }
            }
            TreeOp::Exists { session, path, watch } => {
                let exists = self.nodes.contains_key(path);
                if exists && *watch {
                    self.data_watches.entry(path.clone()).or_default().insert((*session, client));
                }
                LockOutput::Exists { exists }
            }
        }
    }

    fn create(&mut self, session: SessionId, path: &str, ephemeral: bool, sequential: bool) -> LockOutput {
        let parent = parent_of(path).to_string();
        let Some(p) = self.nodes.get(&parent) else { return LockOutput::Error(TreeError::NoNode) };
        let path = if sequential {
            let seq = if self.bug_child_count_sequence { self.children(&parent).len() as u64 } else { p.cversion };
            format!("{path}{seq:010}")
        } else {
            path.to_string()
        };
        if self.nodes.contains_key(&path) {
            return LockOutput::Error(TreeError::NodeExists);
        }
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.cversion += 1;
        }
        let node = ZNode { ephemeral_owner: ephemeral.then_some(session), czxid: self.zxid, cversion: 0 };
        self.nodes.insert(path.clone(), node);
        self.fire_child_watches(&parent);
        LockOutput::Created { path, zxid: self.zxid }
    }

    fn delete(&mut self, path: &str) -> LockOutput {
        if path == LOCK_DIR || self.nodes.remove(path).is_none() {
            return LockOutput::Error(TreeError::NoNode);
        }
        if let Some(watchers) = self.data_watches.remove(path) {
            for (session, client) in watchers {
                self.fire(Notification { client, session, path: path.to_string(), event: WatchEvent::NodeDeleted });
            }
        }
        self.fire_child_watches(parent_of(path));
        LockOutput::Deleted
    }

    fn fire_child_watches(&mut self, parent: &str) {
        if let Some(watchers) = self.child_watches.remove(parent) {
            for (session, client) in watchers {
                self.fire(Notification { client, session, path: parent.to_string(), event: WatchEvent::ChildrenChanged });
            }
        }
    }

    fn fire(&mut self, n: Notification) {
        self.notifications_total += 1;
        self.fired.push(n);
    }

    /// Close or expire a session: its ephemeral nodes go (firing watches), then its watches.
    fn close_session(&mut self, session: SessionId) {
        self.sessions.remove(&session);
        let mine: Vec<String> =
            self.nodes.iter().filter(|(_, n)| n.ephemeral_owner == Some(session)).map(|(p, _)| p.clone()).collect();
        for path in mine {
            self.delete(&path);
        }
        for watches in [&mut self.data_watches, &mut self.child_watches] {
            watches.values_mut().for_each(|w| w.retain(|(s, _)| *s != session));
            watches.retain(|_, w| !w.is_empty());
        }
    }

    /// Paths a session watches (data watches by path, child watches as `path/*`).
    pub fn watches_of(&self, session: SessionId) -> Vec<String> {
        let data = self.data_watches.iter().filter(|(_, w)| w.iter().any(|(s, _)| *s == session)).map(|(p, _)| p.clone());
        let child = self.child_watches.iter().filter(|(_, w)| w.iter().any(|(s, _)| *s == session)).map(|(p, _)| format!("{p}/*"));
        data.chain(child).collect()
    }

    /// Drain the notifications fired since the last call.
    pub fn take_fired(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.fired)
    }
}

fn op_session(op: &TreeOp) -> SessionId {
    match op {
        TreeOp::CreateSession { .. } => 0,
        TreeOp::CloseSession { session }
        | TreeOp::Create { session, .. }
        | TreeOp::Delete { session, .. }
        | TreeOp::GetChildren { session, .. }
        | TreeOp::Exists { session, .. } => *session,
    }
}

impl StateMachine for LockTree {
    type Command = LockCommand;
    type Output = LockOutput;
    fn reset(&mut self) {
        *self = LockTree { bug_child_count_sequence: self.bug_child_count_sequence, ..LockTree::default() };
    }

    fn apply(&mut self, cmd: &LockCommand) -> LockOutput {
        self.zxid += 1;
        match cmd {
            LockCommand::ExpireSession { session } => {
                if !self.sessions.contains_key(session) {
                    return LockOutput::Error(TreeError::SessionExpired);
                }
                self.close_session(*session);
                LockOutput::Expired
            }
            LockCommand::Client { client, req, op } => {
                match self.last_reply.get(client) {
                    Some((last, out)) if last == req => return out.clone(),
                    Some((last, _)) if last > req => return LockOutput::Error(TreeError::Stale),
                    _ => {}
                }
                let out = self.run(*client, op);
                self.last_reply.insert(*client, (*req, out.clone()));
                out
            }
        }
    }

    fn label(cmd: &LockCommand) -> String {
        match cmd {
            LockCommand::ExpireSession { session } => format!("expire s{session}"),
            LockCommand::Client { client, op, .. } => format!("n{client} {}", op_label(op)),
        }
    }

    fn rows(&self) -> Vec<Vec<String>> {
        tree_rows(self)
    }
}

pub fn op_label(op: &TreeOp) -> String {
    match op {
        TreeOp::CreateSession { .. } => "open session".into(),
        TreeOp::CloseSession { session } => format!("close s{session}"),
        TreeOp::Create { path, sequential, .. } => format!("create {path}{}", if *sequential { "…" } else { "" }),
        TreeOp::Delete { path, .. } => format!("delete {path}"),
        TreeOp::GetChildren { path, watch, .. } => format!("children {path}{}", if *watch { " +watch" } else { "" }),
        TreeOp::Exists { path, watch, .. } => format!("exists {path}{}", if *watch { " +watch" } else { "" }),
    }
}

/// Rows of the tree for tables: path, owner (session and client), token (czxid), watchers.
pub fn tree_rows(t: &LockTree) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = t
        .nodes
        .iter()
        .map(|(path, n)| {
            let owner = n.ephemeral_owner.map_or("persistent".into(), |s| match t.sessions.get(&s) {
                Some(sess) => format!("s{s} (n{})", sess.client),
                None => format!("s{s} (gone)"),
            });
            let watchers: Vec<String> = t
                .data_watches
                .get(path)
                .into_iter()
                .chain(t.child_watches.get(path))
                .flatten()
                .map(|(_, c)| format!("n{c}"))
                .collect();
            vec![path.clone(), owner, n.czxid.to_string(), watchers.join(" ")]
        })
        .collect();
    for (s, sess) in &t.sessions {
        rows.push(vec![format!("session s{s}"), format!("n{}", sess.client), String::new(), String::new()]);
    }
    rows
}

impl FromClientOp for LockCommand {
    /// Lock clients are nodes of the cluster and run the recipe on their own; generic
    /// client operations have no meaning here.
    fn from_op(_op: &ClientOp) -> Option<Self> {
        None
    }
}
