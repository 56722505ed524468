//! A client history as data: each operation's invocation and completion in global time and
//! what its client saw (Jepsen's `:ok`, `:fail`, `:info`).

use serde::{Deserialize, Serialize};

/// What an operation asks of the register named by its key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "f", rename_all = "snake_case")]
pub enum OpKind {
    /// Read the key (`get`); the result carries the value seen (`None`: absent or nil).
    Read,
    /// Write the key (`put`).
    Write { value: String },
    /// Compare-and-set: succeeds (`:ok`) only if the key holds `expected`.
    Cas { expected: Option<String>, new: String },
    /// Append to the key's value (absent counts as empty).
    Append { value: String },
}

/// What the client saw.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpResult {
    /// Took effect; for a read, the value it returned.
    Ok { value: Option<String> },
    /// Did not take effect (a failed cas, or a store that refused the request).
    Fail,
    /// May or may not have taken effect, at any time after its invocation (`:info`, a
    /// timeout, or an operation still pending when the history ends).
    Unknown,
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Operation {
    /// The client (Jepsen's process) that issued it; a client has one operation open at a time.
    pub client: u64,
    pub key: String,
    pub kind: OpKind,
    /// Global time of the invocation and of the completion (`None` while pending). An
    /// `Unknown` result may take effect at any time after the invocation, whatever its
    /// completion time says (the moment its client stopped waiting).
    pub invoke_us: u64,
    pub complete_us: Option<u64>,
    pub result: OpResult,
}
