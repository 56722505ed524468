//! The key-value store, one replicated state machine Raft drives (Raft paper §2 and §8:
//! clients Put and Get through the log, and a reply carries the applied result).

use crate::sim::{ClientOp, FromClientOp, StateMachine};
use std::collections::BTreeMap;

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

impl FromClientOp for KvCommand {
    fn from_op(op: &ClientOp) -> Option<Self> {
        match op {
            ClientOp::Put { key, value } => Some(KvCommand::Put { key: key.clone(), value: value.clone() }),
            ClientOp::Get { key } => Some(KvCommand::Get { key: key.clone() }),
            ClientOp::Propose { value } => Some(KvCommand::Put { key: "x".into(), value: value.clone() }),
        }
    }
}
