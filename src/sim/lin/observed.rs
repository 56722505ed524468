//! A pruning rule for operations with unknown outcomes, this checker's own (not from Wing &
//! Gong or Lowe 2017; it sits on top of Lowe's search in `wgl`). Placing an unknown
//! operation is useful only if some later operation can see the value it leaves: until
//! the register is next read, compared (cas) or overwritten, only appends touch it, and they
//! only extend it. So if the value it leaves is not a prefix of any value a completed read
//! returned or any cas expected, nothing can ever observe it: either a write erases it, and
//! the same order without it reaches the same state with one more unknown operation still
//! free, or the search ends, and it ends as well without it. Such a placement is skipped.
//! The rule is exact when the search stops at the first order. When every final state
//! counts (the incremental fold), a skipped placement may leave a final state that a later
//! operation, not yet in the history, would need; there it is applied to unknown appends
//! only (which would otherwise multiply the states), with every operation known so far as
//! an observer, and the fold is marked lossy so its user can fall back to an exact search.

use std::collections::BTreeMap;

use super::history::{OpKind, OpResult, Operation};
use super::model::{role, Role, StateId, States};

/// The values the checked operations observe, sorted, for prefix queries.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    targets: Vec<String>,
    memo: BTreeMap<StateId, bool>,
}

impl Observed {
    /// The values observed by the operations `index` of `ops`.
    pub fn new(ops: &[Operation], index: &[usize]) -> Observed {
        let mut targets: Vec<String> = index.iter().filter_map(|&i| observes(&ops[i])).collect();
        targets.sort_unstable();
        targets.dedup();
        Observed { targets, memo: BTreeMap::new() }
    }

    /// Whether a register holding `state` could be seen by some operation (an absent
    /// register always counts: unknown operations never leave it absent anyway).
    pub fn could_see(&mut self, state: StateId, states: &States) -> bool {
        if let Some(&seen) = self.memo.get(&state) {
            return seen;
        }
        let seen = match states.value(state) {
            None => true,
            Some(value) => self.is_prefix(value),
        };
        self.memo.insert(state, seen);
        seen
    }

    fn is_prefix(&self, value: &str) -> bool {
        let at = self.targets.partition_point(|t| t.as_str() < value);
        self.targets.get(at).is_some_and(|t| t.starts_with(value))
    }
}

/// The value an operation needs the register to hold: a completed read's, a cas's expected.
fn observes(op: &Operation) -> Option<String> {
    match (&op.kind, &op.result) {
        (OpKind::Read, OpResult::Ok { value }) if role(op) == Role::Required => value.clone(),
        (OpKind::Cas { expected, .. }, _) => expected.clone(),
        _ => None,
    }
}
