//! Linearizability of client histories (Herlihy and Wing, 1990), checked with Lowe's
//! version of the Wing & Gong search ("Testing for linearizability", 2017) and per-key
//! partitioning as Porcupine does: the model is a register per key (read, write, cas,
//! append), as Jepsen's register and key-value tests use.
//!
//! `check` answers for a whole history; `Incremental` answers as a run goes on, re-searching
//! only the keys that changed and starting each key after its last quiescent cut.

mod cache;
mod chart;
mod entries;
mod explain;
mod history;
mod incremental;
mod model;
mod observed;
mod partition;
mod verdict;
mod wgl;
mod zones;

pub use history::{OpKind, OpResult, Operation};
pub use incremental::Incremental;
pub use verdict::{KeyFailure, Limits, Verdict};
pub use chart::{Bar, Chart, Mark, Outcome};
pub use wgl::{check, check_with_orders};
