//! The replicated state machine Raft drives (§2 of the Raft paper): Raft is generic over it,
//! so the key-value store (`kv.rs`) and the lock service later run on the same Raft.

use crate::sim::ClientOp;
use std::fmt::Debug;
use std::hash::Hash;

pub trait StateMachine: Clone + Debug + Default + 'static {
    type Command: Clone + Debug + Hash + PartialEq + Eq + FromClientOp;
    type Output: Clone + Debug + PartialEq;
    fn apply(&mut self, cmd: &Self::Command) -> Self::Output;
    /// A short label for the log grid.
    fn label(cmd: &Self::Command) -> String;
    /// Rows for the inspector.
    fn rows(&self) -> Vec<Vec<String>>;
}

/// How a generic client operation becomes a state-machine command.
pub trait FromClientOp: Sized {
    fn from_op(op: &ClientOp) -> Option<Self>;
}
