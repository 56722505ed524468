//! The sequential specification the histories are checked against: one register per key
//! holding `Option<String>` (read, write, compare-and-set, append), with the outcomes read as
//! Jepsen reads them (Kingsbury's Knossos register models; sequential specifications as in
//! Herlihy & Wing 1990 §2). `Fail` did not take effect and is dropped; `Unknown`, or no
//! completion, may take effect at any time after its invocation, or never; a read that did
//! not return constrains nothing and is dropped.

use std::collections::BTreeMap;

use super::history::{OpKind, OpResult, Operation};

/// A register value, interned per key so the search compares and hashes integers.
pub(crate) type StateId = u32;

/// How an operation takes part in the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Completed with `Ok`: linearized somewhere between its invocation and completion.
    Required,
    /// Outcome unknown: linearized any time after its invocation (completion at +infinity),
    /// with whatever return the model gives, or left out.
    Optional,
    /// Constrains nothing: a failed operation, or a read that did not return.
    Dropped,
}

pub(crate) fn role(op: &Operation) -> Role {
    match (&op.result, op.complete_us, &op.kind) {
        (OpResult::Fail, _, _) => Role::Dropped,
        (OpResult::Ok { .. }, Some(_), _) => Role::Required,
        (_, _, OpKind::Read) => Role::Dropped,
        _ => Role::Optional,
    }
}

/// The register values met while checking one key, each with an id.
#[derive(Debug, Default)]
pub(crate) struct States {
    values: Vec<Option<String>>,
    ids: BTreeMap<Option<String>, StateId>,
    /// (state, suffix) -> state after the append, so repeated appends do not reallocate.
    appended: BTreeMap<(StateId, StateId), StateId>,
}

impl States {
    pub fn intern(&mut self, value: &Option<String>) -> StateId {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.values.len() as StateId;
        self.values.push(value.clone());
        self.ids.insert(value.clone(), id);
        id
    }

    /// How many values have been numbered.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn value(&self, id: StateId) -> &Option<String> {
        &self.values[id as usize]
    }

    fn append(&mut self, state: StateId, suffix: StateId) -> StateId {
        if let Some(&id) = self.appended.get(&(state, suffix)) {
            return id;
        }
        let mut joined = self.value(state).clone().unwrap_or_default();
        joined.push_str(self.value(suffix).as_deref().unwrap_or_default());
        let id = self.intern(&Some(joined));
        self.appended.insert((state, suffix), id);
        id
    }
}

/// An operation as the model applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// A read that returned this value: the register must hold it.
    Read(StateId),
    Write(StateId),
    /// Only where the register holds `expected`: an `Ok` cas succeeded, and an unknown one
    /// that did not match changed nothing, which is the same as leaving it out.
    Cas { expected: StateId, new: StateId },
    /// Concatenate this value (an absent register counts as empty).
    Append(StateId),
}

impl Step {
    pub fn new(op: &Operation, states: &mut States) -> Step {
        let mut id = |v: &Option<String>| states.intern(v);
        match &op.kind {
            OpKind::Read => Step::Read(id(&read_value(op))),
            OpKind::Write { value } => Step::Write(id(&Some(value.clone()))),
            OpKind::Cas { expected, new } => Step::Cas { expected: id(expected), new: id(&Some(new.clone())) },
            OpKind::Append { value } => Step::Append(id(&Some(value.clone()))),
        }
    }

    /// The register after this operation takes effect in `state`, or `None` if it cannot
    /// take effect there with the result its client saw.
    pub fn apply(self, state: StateId, states: &mut States) -> Option<StateId> {
        match self {
            Step::Read(seen) => (seen == state).then_some(state),
            Step::Write(value) => Some(value),
            Step::Cas { expected, new } => (expected == state).then_some(new),
            Step::Append(suffix) => Some(states.append(state, suffix)),
        }
    }
}

fn read_value(op: &Operation) -> Option<String> {
    match &op.result {
        OpResult::Ok { value } => value.clone(),
        _ => None,
    }
}

/// Whether `op` can take effect on a register holding `state` (for explanations).
pub(crate) fn fits(state: &Option<String>, op: &Operation) -> bool {
    after(state, op).is_some()
}

/// The register after `op` takes effect on one holding `state`, or `None` if it cannot take
/// effect there with the result its client saw (the search's `Step`, on values).
pub(crate) fn after(state: &Option<String>, op: &Operation) -> Option<Option<String>> {
    let mut states = States::default();
    let at = states.intern(state);
    let next = Step::new(op, &mut states).apply(at, &mut states)?;
    Some(states.value(next).clone())
}
