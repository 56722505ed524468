//! The replicated state machine Raft drives (§2 of the Raft paper): Raft is generic over it,
//! so the key-value store here and the lock service later run on the same Raft.

use crate::sim::ClientOp;
use std::collections::BTreeMap;
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

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvCommand {
    Put { key: String, value: String },
    Get { key: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kv {
    pub data: BTreeMap<String, String>,
}

impl StateMachine for Kv {
    type Command = KvCommand;
    type Output = Option<String>;
    fn apply(&mut self, cmd: &KvCommand) -> Option<String> {
        match cmd {
            KvCommand::Put { key, value } => self.data.insert(key.clone(), value.clone()),
            KvCommand::Get { key } => self.data.get(key).cloned(),
        }
    }
    fn label(cmd: &KvCommand) -> String {
        match cmd {
            KvCommand::Put { key, value } => format!("{key}={value}"),
            KvCommand::Get { key } => format!("get {key}"),
        }
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.data.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect()
    }
}

/// How a generic client operation becomes a state-machine command.
pub trait FromClientOp: Sized {
    fn from_op(op: &ClientOp) -> Option<Self>;
}

impl FromClientOp for KvCommand {
    fn from_op(op: &ClientOp) -> Option<Self> {
        match op {
            ClientOp::Put { key, value } => Some(KvCommand::Put { key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(KvCommand::Get { key: key.clone() }),
            ClientOp::Propose { value } => Some(KvCommand::Put { key: "x".into(), value: value.clone() }),
        }
    }
}
