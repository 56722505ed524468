//! The Multi-Paxos state machine of version 2: a key-value store driven by the learned log,
//! with Put and Get (a read is a log command too, so that it is linearizable).

use super::msg::{Op, PROPOSE_KEY};
use std::collections::BTreeMap;

/// Run one operation on the store; a Get's value is its output.
pub fn run(kv: &mut BTreeMap<String, String>, op: &Op) -> Option<String> {
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
