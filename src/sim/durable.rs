//! Durable state as writes and syncs (in the manner of raft-rs's `Ready`, which hands the
//! application a HardState and entries to put on stable storage before its messages go
//! out, and of the Raft paper's Figure 2: persistent state is "updated on stable storage
//! before responding to RPCs"). A node emits each change to its durable state as a write
//! when the change happens (`Out::write`) and asks for a sync (`Out::sync`) where its paper
//! requires stable storage; the simulator keeps a [`Disk`] per node that applies writes
//! one at a time, so a write costs O(1) whatever the size of the state.
//!
//! A plain crash keeps every write (as if the operating system flushed its page cache); a
//! crash that loses unsynced writes keeps only what was synced, the fault class behind
//! "acknowledged before fsync" bugs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

/// State that survives a crash, changed only by applying writes.
///
/// `apply` must cost O(1) in the size of the state (amortised; a truncation costs what it
/// removes, and a `BTreeMap` insert's O(log n) is fine): the simulator applies every write
/// a node makes, so a cost proportional to the state would make long runs quadratic.
pub trait DurableState: Clone + Debug + Default {
    /// One change to the state, as a protocol emits it.
    type Write: Clone + Debug + PartialEq;
    fn apply(&mut self, write: Self::Write);
    /// Disk corruption: the write that flips bytes in one record, chosen by `pick` (a draw
    /// from the seed), or `None` where the state holds no record to damage (the default).
    /// The simulator applies it to the disk without a sync and without the node asking.
    fn corruption(&self, _pick: u64) -> Option<Self::Write> {
        None
    }
}

/// A map whose writes set one key: (key, value).
impl<K: Ord + Clone + Debug, V: Clone + Debug + PartialEq> DurableState for BTreeMap<K, V> {
    type Write = (K, V);
    fn apply(&mut self, (key, value): (K, V)) {
        self.insert(key, value);
    }
}

/// A set that only grows: each write adds one element.
impl<T: Ord + Clone + Debug> DurableState for BTreeSet<T> {
    type Write = T;
    fn apply(&mut self, value: T) {
        self.insert(value);
    }
}

/// A small value rewritten whole by each write (a counter, a term, an incarnation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Register<T>(pub T);

impl<T: Clone + Debug + Default + PartialEq> DurableState for Register<T> {
    type Write = T;
    fn apply(&mut self, value: T) {
        self.0 = value;
    }
}

/// A write to a [`DurableLog`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogWrite<E> {
    Append(E),
    /// Remove the entry at this position (0-based) and every one after it.
    TruncateFrom(usize),
}

/// An append-only log that can be cut back from a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurableLog<E> {
    entries: Vec<E>,
}

impl<E> Default for DurableLog<E> {
    fn default() -> Self {
        DurableLog { entries: Vec::new() }
    }
}

impl<E> DurableLog<E> {
    pub fn entries(&self) -> &[E] {
        &self.entries
    }
    pub fn into_entries(self) -> Vec<E> {
        self.entries
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<E: Clone + Debug + PartialEq> DurableState for DurableLog<E> {
    type Write = LogWrite<E>;
    fn apply(&mut self, write: LogWrite<E>) {
        match write {
            LogWrite::Append(e) => self.entries.push(e),
            LogWrite::TruncateFrom(pos) => self.entries.truncate(pos),
        }
    }
}

/// One node's stable storage as the simulator keeps it: the synced image, the writes made
/// since the last sync, and whether the image has ever been written (a node whose disk
/// never was boots with `on_start`, not `on_recover`).
#[derive(Clone, Debug, Default)]
pub struct Disk<D: DurableState> {
    synced: D,
    unsynced: Vec<D::Write>,
    written: bool,
    /// Every corruption the disk suffered, in order: ground truth for checkers (a damaged
    /// record the protocol did not receive damaged was damaged here), never shown to nodes.
    corruptions: Vec<D::Write>,
}

impl<D: DurableState> Disk<D> {
    pub fn new() -> Self {
        Disk { synced: D::default(), unsynced: Vec::new(), written: false, corruptions: Vec::new() }
    }

    /// Record a write; it becomes durable at the next sync (or a crash that keeps it).
    pub fn write(&mut self, write: D::Write) {
        self.unsynced.push(write);
    }

    /// Every write so far becomes durable, in order.
    pub fn sync(&mut self) {
        if self.unsynced.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.unsynced);
        for w in pending.drain(..) {
            self.synced.apply(w);
        }
        self.unsynced = pending; // keep the buffer's capacity
        self.written = true;
    }

    /// The process dies. A plain crash keeps every write (the operating system flushes its
    /// page cache); with `lose_unsynced` the writes since the last sync are gone.
    pub fn crash(&mut self, lose_unsynced: bool) {
        if lose_unsynced {
            self.unsynced.clear();
        } else {
            self.sync();
        }
    }

    /// Disk corruption: flip bytes in the record `pick` chooses among those on the platter
    /// (the synced image; writes still in the page cache are applied over it at the next
    /// sync). Returns the damage as a write, or `None` if nothing on disk can be damaged.
    pub fn corrupt(&mut self, pick: u64) -> Option<D::Write> {
        let damage = self.synced.corruption(pick)?;
        self.synced.apply(damage.clone());
        self.corruptions.push(damage.clone());
        Some(damage)
    }

    /// Every corruption this disk suffered, in order.
    pub fn corruptions(&self) -> &[D::Write] {
        &self.corruptions
    }

    /// What a restarting node boots from: the synced image, or `None` if nothing was ever
    /// made durable. A clone, taken only at recovery.
    pub fn recovery_image(&self) -> Option<D> {
        self.written.then(|| self.synced.clone())
    }

    pub fn synced(&self) -> &D {
        &self.synced
    }
    pub fn unsynced(&self) -> &[D::Write] {
        &self.unsynced
    }
    /// Has anything ever been made durable?
    pub fn ever_written(&self) -> bool {
        self.written
    }
}
