//! The Multi-Paxos state machine of version 2: a key-value store driven by the learned log,
//! with Put and Get (a read is a log command too, so that it is linearizable), and a
//! replicated table of client sessions (Ongaro's thesis §6.3, which holds for any replicated
//! state machine): per client, the last serial applied and its reply. A command whose serial
//! is not newer than the client's last is answered from the table and not applied again.
//! Sessions expire through the log: the table holds at most `max_sessions`, and adding one
//! more evicts the least recently used, the same one on every replica because it happens
//! on apply. A command of an evicted session is not applied: its retries could no longer
//! be recognised.

use super::msg::{Command, Op, PROPOSE_KEY};
use crate::sim::sorted::{SortedMap, SortedSet};

/// One client's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEntry {
    /// The highest serial applied.
    pub serial: u64,
    /// What that command answered (a Get's value; `None` for a put).
    pub output: Option<String>,
    /// The slot that last used the session (the least recently used is evicted first).
    pub last_slot: u64,
}

/// The replicated session table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sessions {
    pub table: SortedMap<u64, SessionEntry>,
    /// Clients whose session was evicted.
    pub expired: SortedSet<u64>,
}

/// What applying one command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Applied now; its output.
    Done(Option<String>),
    /// The session's latest serial again: answered from the table, not applied again.
    Duplicate(Option<String>),
    /// A serial older than the session's latest: not applied, and its reply is no longer
    /// kept (its client has moved on to a later command).
    Stale,
    /// The session was evicted: not applied.
    Expired,
}

/// Apply `cmd`, learned at `slot`, to the store `kv` and the session table. With
/// `use_sessions` false (the planted bug `no_sessions`) the table is ignored and every copy
/// of a command is applied.
pub fn apply(kv: &mut SortedMap<String, String>, sessions: &mut Sessions, slot: u64, cmd: &Command, max_sessions: usize, use_sessions: bool) -> Applied {
    let Some((client, serial)) = cmd.session().filter(|_| use_sessions) else {
        return Applied::Done(run(kv, &cmd.op));
    };
    if sessions.expired.contains(&client) {
        return Applied::Expired;
    }
    if let Some(e) = sessions.table.get_mut(&client) {
        if serial < e.serial {
            return Applied::Stale;
        }
        e.last_slot = slot;
        if serial == e.serial {
            return Applied::Duplicate(e.output.clone());
        }
        let output = run(kv, &cmd.op);
        e.serial = serial;
        e.output = output.clone();
        return Applied::Done(output);
    }
    if sessions.table.len() >= max_sessions.max(1) {
        let lru = sessions.table.iter().min_by_key(|(_, e)| e.last_slot).map(|(c, _)| *c);
        if let Some(lru) = lru {
            sessions.table.remove(&lru);
            sessions.expired.insert(lru);
        }
    }
    let output = run(kv, &cmd.op);
    sessions.table.insert(client, SessionEntry { serial, output: output.clone(), last_slot: slot });
    Applied::Done(output)
}

/// Run one operation on the store; a Get's value is its output.
pub fn run(kv: &mut SortedMap<String, String>, op: &Op) -> Option<String> {
    match op {
        Op::Put { key, value } => {
            kv.insert(key.clone(), value.clone());
            None
        }
        Op::Propose { value } => {
            kv.insert(PROPOSE_KEY.into(), value.clone());
            None
        }
        Op::Get { key } => kv.get(key).cloned(),
    }
}
