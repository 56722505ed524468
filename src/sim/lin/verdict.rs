//! What a linearizability check answers, as data for the page, the CLI and the checkers.

use serde::Serialize;

/// Bounds on the search (it is exponential in the worst case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Search steps allowed per key before the answer is "inconclusive".
    pub max_steps_per_key: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_steps_per_key: 2_000_000 }
    }
}

/// One key whose operations no order explains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyFailure {
    pub key: String,
    /// Indices (into the checked slice) of the longest linearizable prefix found, in the
    /// order the search placed them.
    pub prefix: Vec<usize>,
    /// The operations that could come next after that prefix and none of which can be
    /// placed (each would need a state the register is not in).
    pub stuck: Vec<usize>,
    /// The register's value(s) after the prefix, as the page shows them.
    pub states: Vec<Option<String>>,
    /// Plain-language explanation.
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Linearizable,
    NotLinearizable { failures: Vec<KeyFailure> },
    /// The search for `key` hit its cap after `steps` steps: neither answer is known.
    Inconclusive { key: String, steps: u64 },
}
