//! Linearizability of client histories (Herlihy and Wing, 1990), checked with Lowe's
//! version of the Wing & Gong search ("Testing for linearizability", 2017) and per-key
//! partitioning as Porcupine does: the model is a register per key (read, write, cas,
//! append), as Jepsen's register and key-value tests use.

mod history;
mod verdict;

pub use history::{OpKind, OpResult, Operation};
pub use verdict::{KeyFailure, Limits, Verdict};
