//! The key-value store, one replicated state machine Raft drives (Raft paper §2 and §8:
//! clients Put and Get through the log, and a reply carries the applied result), with the
//! client sessions of Ongaro's thesis §6.3: a command in a session is applied once however
//! often its client retries it, and sessions expire deterministically through the log.

use crate::sim::{ClientOp, ClientResult, FromClientOp, Session, StateMachine, TableView};
use crate::sim::idmap::IdMap;
use crate::sim::sorted::SortedMap;
use std::rc::Rc;
use std::fmt;

/// At most this many sessions are kept; applying a new one beyond it expires the least
/// recently used (every replica expires the same one: it happens on apply, in log order).
pub const MAX_SESSIONS: usize = 1_024;

/// Keys, values and the wrapped command are shared, not copied, when a log entry is cloned
/// (every log holds each command, and each checkpoint of the run clones every log); they
/// hash, compare and print as the `String`s and `Box` they replace.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvCommand {
    Put { key: Rc<str>, value: Rc<str> },
    Get { key: Rc<str> },
    /// A command in a client session (version 2 clients).
    Client { session: Session, cmd: Rc<KvCommand> },
}

/// What applying a command answers: the value (a Get's, or the value a Put replaced), or
/// "this session has expired" (the command was not applied; its outcome is unknown).
#[derive(Clone, PartialEq, Eq)]
pub enum KvOutput {
    Value(Option<String>),
    SessionExpired,
}

/// A value prints as the `Option` it is (version-1 traces record replies by their text).
impl fmt::Debug for KvOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOutput::Value(v) => write!(f, "{v:?}"),
            KvOutput::SessionExpired => write!(f, "SessionExpired"),
        }
    }
}

/// A client's session: its last serial applied, that command's output, and when it was
/// last used (the apply count), for expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub serial: u64,
    pub output: KvOutput,
    pub last_used: u64,
}

/// The session table, by client id (clients get increasing ids, and expiry takes the least
/// recently used, usually the oldest, from the front).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sessions(IdMap<SessionRecord>);

impl Sessions {
    pub fn contains_key(&self, client: &u64) -> bool {
        self.0.contains_key(client)
    }
    pub fn get(&self, client: &u64) -> Option<&SessionRecord> {
        self.0.get(client)
    }
    fn get_mut(&mut self, client: &u64) -> Option<&mut SessionRecord> {
        self.0.get_mut(client)
    }
    fn insert(&mut self, client: u64, rec: SessionRecord) {
        self.0.insert(client, rec);
    }
    fn remove(&mut self, client: &u64) {
        self.0.remove(client);
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&u64, &SessionRecord)> {
        self.0.iter()
    }
}

/// Written as the `BTreeMap` it replaces: `{client: record, …}`.
impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[derive(Clone, Default)]
pub struct Kv {
    /// Keys and values share the commands' strings: applying one allocates nothing, and a
    /// checkpoint's copy of the store counts references instead of copying text.
    pub data: SortedMap<Rc<str>, Rc<str>>,
    pub sessions: Sessions,
    /// The highest client id whose session expired: a command from a client at or below
    /// it with no session is answered `SessionExpired` (clients get increasing ids).
    pub expired_up_to: u64,
    /// Commands applied so far (the clock sessions expire by).
    pub applied: u64,
    /// Commands applied again because a retry reached the store (only with sessions off).
    pub duplicates_answered: u64,
    /// Every use of a session, client by apply count (oldest first); an entry whose session
    /// has been used since is stale and skipped. Expiry takes the least recently used
    /// session from the front instead of scanning the table.
    lru: IdMap<u64>,
}

/// Equal stores hold the same data and sessions (the expiry queue is bookkeeping).
impl PartialEq for Kv {
    fn eq(&self, o: &Self) -> bool {
        (&self.data, &self.sessions, self.expired_up_to, self.applied, self.duplicates_answered) == (&o.data, &o.sessions, o.expired_up_to, o.applied, o.duplicates_answered)
    }
}
impl Eq for Kv {}

impl fmt::Debug for Kv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kv")
            .field("data", &self.data)
            .field("sessions", &self.sessions)
            .field("expired_up_to", &self.expired_up_to)
            .field("applied", &self.applied)
            .field("duplicates_answered", &self.duplicates_answered)
            .finish()
    }
}

impl Kv {
    /// The value stored under `key`, if any.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.data.get(key).map(|v| &**v)
    }

    fn apply_plain(&mut self, cmd: &KvCommand) -> Option<String> {
        match cmd {
            KvCommand::Put { key, value } => self.data.insert(key.clone(), value.clone()).map(|v| String::from(&*v)),
            KvCommand::Get { key } => self.data.get(&**key).map(|v| String::from(&**v)),
            KvCommand::Client { cmd, .. } => self.apply_plain(cmd),
        }
    }

    /// §6.3: answer a duplicate from the session table; apply a new serial and record it.
    fn apply_in_session(&mut self, session: Session, cmd: &KvCommand) -> KvOutput {
        if let Some(rec) = self.sessions.get_mut(&session.client) {
            if session.serial <= rec.serial {
                rec.last_used = self.applied;
                self.lru.insert(self.applied, session.client);
                self.duplicates_answered += 1;
                return rec.output.clone();
            }
        } else if session.client <= self.expired_up_to {
            return KvOutput::SessionExpired;
        }
        let output = KvOutput::Value(self.apply_plain(cmd));
        let rec = SessionRecord { serial: session.serial, output: output.clone(), last_used: self.applied };
        self.sessions.insert(session.client, rec);
        self.lru.insert(self.applied, session.client);
        self.expire();
        output
    }

    /// Expire the least recently used sessions (the smallest `last_used`: each apply has
    /// its own count, so there are no ties) until at most [`MAX_SESSIONS`] remain.
    fn expire(&mut self) {
        while self.sessions.len() > MAX_SESSIONS {
            let Some((used, client)) = self.lru.pop_first() else { return };
            if self.sessions.get(&client).is_some_and(|r| r.last_used == used) {
                self.sessions.remove(&client);
                self.expired_up_to = self.expired_up_to.max(client);
            }
        }
        // Stale entries at the front go now, so the queue stays near the table's size.
        while self.lru.first().is_some_and(|(used, c)| self.sessions.get(c).is_none_or(|r| r.last_used != *used)) {
            self.lru.pop_first();
        }
    }
}

impl StateMachine for Kv {
    type Command = KvCommand;
    type Output = KvOutput;
    const SESSIONS: bool = true;
    fn apply(&mut self, cmd: &KvCommand) -> KvOutput {
        self.applied += 1;
        match cmd {
            KvCommand::Client { session, cmd } => self.apply_in_session(*session, cmd),
            plain => KvOutput::Value(self.apply_plain(plain)),
        }
    }
    fn query(&self, cmd: &KvCommand) -> Option<KvOutput> {
        match cmd {
            KvCommand::Get { key } => Some(KvOutput::Value(self.data.get(&**key).map(|v| String::from(&**v)))),
            KvCommand::Client { cmd, .. } => self.query(cmd),
            KvCommand::Put { .. } => None,
        }
    }
    fn label(cmd: &KvCommand) -> String {
        match cmd {
            KvCommand::Put { key, value } => format!("{key}={value}"),
            KvCommand::Get { key } => format!("get {key}"),
            KvCommand::Client { session, cmd } => format!("{} c{}#{}", Self::label(cmd), session.client, session.serial),
        }
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.data.iter().map(|(k, v)| vec![String::from(&**k), String::from(&**v)]).collect()
    }
    /// Thesis §6.3: the session table every replica keeps.
    fn tables(&self) -> Vec<TableView> {
        if self.sessions.is_empty() {
            return Vec::new();
        }
        let reply = |o: &KvOutput| match o {
            KvOutput::Value(Some(v)) => v.clone(),
            KvOutput::Value(None) => "ok".into(),
            KvOutput::SessionExpired => "expired".into(),
        };
        let rows = self.sessions.iter().map(|(c, r)| vec![format!("c{c}"), r.serial.to_string(), reply(&r.output), r.last_used.to_string()]);
        let headers = ["client", "last serial", "reply", "last used at command"].map(String::from).to_vec();
        vec![TableView { title: "client sessions".into(), headers, rows: rows.collect() }]
    }
    fn client_result(output: &KvOutput) -> ClientResult {
        match output {
            KvOutput::Value(v) => ClientResult::Ok(v.clone()),
            KvOutput::SessionExpired => ClientResult::Unknown,
        }
    }
}

impl FromClientOp for KvCommand {
    fn from_op(op: &ClientOp) -> Option<Self> {
        match op {
            ClientOp::Put { key, value } => Some(KvCommand::Put { key: key.as_str().into(), value: value.as_str().into() }),
            ClientOp::Get { key } => Some(KvCommand::Get { key: key.as_str().into() }),
            ClientOp::Propose { value } => Some(KvCommand::Put { key: "x".into(), value: value.as_str().into() }),
        }
    }
    fn in_session(op: &ClientOp, session: Session) -> Option<Self> {
        Some(KvCommand::Client { session, cmd: Rc::new(Self::from_op(op)?) })
    }
    fn without_session(self) -> Self {
        match self {
            KvCommand::Client { cmd, .. } => Rc::unwrap_or_clone(cmd),
            plain => plain,
        }
    }
}
