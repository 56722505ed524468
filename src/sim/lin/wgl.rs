//! The search: Wing & Gong's backtracking linearizability check (1993) in Lowe's form
//! ("Testing for linearizability", 2017, §3-§4): walk the entry list, linearize a call whose
//! operation the model accepts (`lift`), jump back to the head, and on reaching a return
//! that cannot be passed, backtrack (`unlift`); the `linearized` bitset with the state
//! is looked up in the `cache` so no configuration is explored twice. It runs per key
//! (Porcupine's partitioning, Athalye). Unknown operations are tried only after every
//! completed candidate, which lets the cache's dominance rule prune their subsets, and an
//! unknown write is never placed right after another unknown operation (it would only
//! erase it).

use std::collections::BTreeSet;

use super::cache::{Bitset, Cache};
use super::entries::{Entries, MAIN, NIL, UNKNOWN};
use super::explain;
use super::history::Operation;
use super::model::{role, Role, StateId, States, Step};
use super::observed::Observed;
use super::partition;
use super::verdict::{KeyFailure, Limits, Verdict};

/// Check a whole history: each key on its own, keys in sorted order.
///
/// A key that no order explains makes the history `NotLinearizable` (all such keys are
/// listed, sorted by key) even if another key's search ran out of steps; otherwise the
/// first key (in key order) that ran out of steps makes it `Inconclusive`.
///
/// A key of plain reads and writes of distinct values goes first through the zone test
/// (`zones`), which decides "linearizable" without a search; the search answers the rest.
pub fn check(ops: &[Operation], limits: Limits) -> Verdict {
    let keys = partition::by_key(ops);
    verdict(keys.into_iter().map(|(key, index)| {
        let answer = if super::zones::linearizable(ops, &index) { KeyVerdict::Linearizable } else { check_key(ops, key, &index, limits) };
        (key.to_string(), answer)
    }))
}

/// Check a whole history as [`check`] does and keep, for each key an order explains, the
/// order found (indices into `ops`, first to last), so a view can draw the linearization.
pub fn check_with_orders(ops: &[Operation], limits: Limits) -> (Verdict, Vec<(String, Vec<usize>)>) {
    let mut orders = Vec::new();
    let answers: Vec<(String, KeyVerdict)> = partition::by_key(ops)
        .into_iter()
        .map(|(key, index)| {
            let mut search = Search::new(ops, &index, limits);
            let answer = search.key_verdict(ops, key, &[Start { state: None, placed: Vec::new() }]);
            if answer == KeyVerdict::Linearizable {
                orders.push((key.to_string(), search.order()));
            }
            (key.to_string(), answer)
        })
        .collect();
    (verdict(answers), orders)
}

/// One key's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyVerdict {
    Linearizable,
    Fails(KeyFailure),
    Inconclusive(u64),
}

/// Check the operations `index` (of `ops`, all on `key`) from an absent register.
pub(crate) fn check_key(ops: &[Operation], key: &str, index: &[usize], limits: Limits) -> KeyVerdict {
    let mut search = Search::new(ops, index, limits);
    search.key_verdict(ops, key, &[Start { state: None, placed: Vec::new() }])
}

/// Combine per-key answers given in key order.
pub(crate) fn verdict(keys: impl IntoIterator<Item = (String, KeyVerdict)>) -> Verdict {
    let mut failures = Vec::new();
    let mut inconclusive = None;
    for (key, answer) in keys {
        match answer {
            KeyVerdict::Linearizable => {}
            KeyVerdict::Fails(failure) => failures.push(failure),
            KeyVerdict::Inconclusive(steps) => {
                inconclusive.get_or_insert(Verdict::Inconclusive { key, steps });
            }
        }
    }
    match (failures.is_empty(), inconclusive) {
        (false, _) => Verdict::NotLinearizable { failures },
        (true, Some(unknown)) => unknown,
        (true, None) => Verdict::Linearizable,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Stop at the first order that explains every completed operation.
    FirstOrder,
    /// Explore every order and collect the configurations they end in, at the moment the
    /// last completed operation is placed (compaction in `incremental`).
    AllFinalStates,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Run {
    Found,
    Exhausted,
    OutOfSteps,
}

/// Where the walk is: at a node of the main list, or at an unknown operation's call that
/// may be tried only if it comes before `limit`, the time rank of the first pending return.
#[derive(Clone, Copy, Debug)]
enum Cursor {
    Main(u32),
    Unknown(u32, u32),
    Back,
}

/// A linearized call, with the state before it and the limit it was tried under.
#[derive(Clone, Copy, Debug)]
struct Frame {
    node: u32,
    state: StateId,
    limit: u32,
}

/// A configuration to search from: the register value, and the unknown operations (the
/// caller's indices) already placed before it, which are not tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Start {
    pub state: Option<String>,
    pub placed: Vec<usize>,
}

/// A configuration a complete order ends in: the register value, and the unknown operations
/// (the caller's indices) it left unplaced, which may still take effect later.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ending {
    pub state: Option<String>,
    pub unplaced: Vec<usize>,
}

/// What a failed search found: the longest prefix it placed and what could not follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Witness {
    pub prefix: Vec<usize>,
    pub stuck: Vec<usize>,
    pub states: Vec<Option<String>>,
}

/// The deepest stack reached, kept without copying the stack on every push: `common` is
/// how much of `nodes` the live stack still shares.
#[derive(Debug, Default)]
struct Deepest {
    nodes: Vec<u32>,
    common: usize,
    state: Option<StateId>,
}

impl Deepest {
    fn pushed(&mut self, stack: &[Frame], state: StateId) {
        if stack.len() <= self.nodes.len() {
            return;
        }
        self.nodes.truncate(self.common);
        self.nodes.extend(stack[self.common..].iter().map(|f| f.node));
        self.common = self.nodes.len();
        self.state = Some(state);
    }
    fn popped(&mut self, len: usize) {
        self.common = self.common.min(len);
    }
}

/// One key's search. Operations are local (`0..n`); `index` maps them to the caller's.
pub(crate) struct Search {
    index: Vec<usize>,
    model: Vec<Step>,
    observed: Observed,
    mode: Mode,
    /// Whether the fold skipped an unobserved unknown append (its finals may be too few).
    lossy: bool,
    /// Each operation's bit in `linearized` (completed) or in `unknowns` (unknown).
    bit: Vec<usize>,
    /// The unknown operations, by their bit.
    unknown_ops: Vec<usize>,
    entries: Entries,
    states: States,
    cache: Cache,
    linearized: Bitset,
    unknowns: Bitset,
    stack: Vec<Frame>,
    pub steps: u64,
    max_steps: u64,
    starts: Vec<StateId>,
    finals: BTreeSet<(StateId, Bitset)>,
    deepest: Deepest,
}

impl Search {
    /// Search the operations `index` of `ops` (one key's); dropped ones are left out.
    pub fn new(ops: &[Operation], index: &[usize], limits: Limits) -> Search {
        Search::with_observers(ops, index, index, limits)
    }

    /// The same, with the values `observers` (a superset of `index`) read or compare with as
    /// the values that can be observed (see `observed`).
    pub fn with_observers(ops: &[Operation], index: &[usize], observers: &[usize], limits: Limits) -> Search {
        let mut index: Vec<usize> = index.iter().copied().filter(|&i| role(&ops[i]) != Role::Dropped).collect();
        index.sort_unstable();
        let mut states = States::default();
        let model = index.iter().map(|&i| Step::new(&ops[i], &mut states)).collect();
        let spans: Vec<(u64, Option<u64>)> = index.iter().map(|&i| span(&ops[i])).collect();
        let bit = bits(&spans);
        let unknown_ops: Vec<usize> = (0..spans.len()).filter(|&op| spans[op].1.is_none()).collect();
        let observed = Observed::new(ops, observers);
        Search {
            entries: Entries::new(&spans),
            linearized: Bitset::new(spans.len() - unknown_ops.len()),
            unknowns: Bitset::new(unknown_ops.len()),
            index,
            observed,
            mode: Mode::FirstOrder,
            lossy: false,
            model,
            bit,
            unknown_ops,
            states,
            cache: Cache::default(),
            stack: Vec::new(),
            steps: 0,
            max_steps: limits.max_steps_per_key,
            starts: Vec::new(),
            finals: BTreeSet::new(),
            deepest: Deepest::default(),
        }
    }

    /// Run from `starts` and turn the outcome into a key's answer.
    pub fn key_verdict(&mut self, ops: &[Operation], key: &str, starts: &[Start]) -> KeyVerdict {
        match self.run(starts, Mode::FirstOrder) {
            Run::Found => KeyVerdict::Linearizable,
            Run::OutOfSteps => KeyVerdict::Inconclusive(self.steps),
            Run::Exhausted => KeyVerdict::Fails(explain::failure(ops, key, self.witness())),
        }
    }

    /// Search from each start in turn (sharing the cache).
    pub fn run(&mut self, starts: &[Start], mode: Mode) -> Run {
        let before = self.steps;
        let run = self.run_starts(starts, mode);
        crate::sim::work::searched(self.steps - before);
        run
    }

    fn run_starts(&mut self, starts: &[Start], mode: Mode) -> Run {
        self.starts = starts.iter().map(|s| self.states.intern(&s.state)).collect();
        self.mode = mode;
        for (start, state) in starts.iter().zip(self.starts.clone()) {
            let placed = self.calls(&start.placed);
            placed.iter().for_each(|&call| self.place(call));
            let run = match self.cache.insert(&self.linearized, state, &self.unknowns) {
                true => self.run_from(state, mode),
                false => Run::Exhausted,
            };
            if run != Run::Exhausted {
                return run;
            }
            placed.iter().rev().for_each(|&call| self.unplace(call));
        }
        Run::Exhausted
    }

    /// The calls of the caller's operations `placed` (those taking part).
    fn calls(&self, placed: &[usize]) -> Vec<u32> {
        let local = placed.iter().filter_map(|i| self.index.binary_search(i).ok());
        local.map(Entries::call).collect()
    }

    fn place(&mut self, call: u32) {
        self.set(self.entries.op(call), true);
        self.entries.lift(call);
    }

    fn unplace(&mut self, call: u32) {
        self.entries.unlift(call);
        self.set(self.entries.op(call), false);
    }

    /// The configurations every complete order ended in (`Mode::AllFinalStates`).
    pub fn finals(&self) -> Vec<Ending> {
        let ending = |(state, placed): &(StateId, Bitset)| Ending {
            state: self.states.value(*state).clone(),
            unplaced: (0..self.unknown_ops.len()).filter(|&b| !placed.get(b)).map(|b| self.index[self.unknown_ops[b]]).collect(),
        };
        self.finals.iter().map(ending).collect()
    }

    fn run_from(&mut self, start: StateId, mode: Mode) -> Run {
        let mut state = start;
        let mut cursor = Cursor::Main(self.entries.first(MAIN));
        loop {
            if self.entries.first(MAIN) == NIL {
                if mode == Mode::FirstOrder {
                    return Run::Found;
                }
                self.finals.insert((state, self.unknowns.clone()));
                cursor = Cursor::Back;
            }
            if self.steps == self.max_steps {
                return Run::OutOfSteps;
            }
            self.steps += 1;
            cursor = match cursor {
                Cursor::Main(node) if self.entries.is_call(node) => self.attempt(node, NIL, &mut state),
                Cursor::Main(node) => Cursor::Unknown(self.entries.first(UNKNOWN), self.entries.pos(node)),
                Cursor::Unknown(node, limit) if node != NIL && self.entries.pos(node) < limit => match self.overwrites_unknown(node) {
                    true => self.after(node, limit),
                    false => self.attempt(node, limit, &mut state),
                },
                Cursor::Unknown(..) | Cursor::Back => match self.backtrack(&mut state) {
                    Some(next) => next,
                    None => return Run::Exhausted,
                },
            };
        }
    }

    /// Try to linearize the call `node` in `state`: on success lift it and go back to the
    /// head of the list, otherwise move on to the next candidate.
    fn attempt(&mut self, node: u32, limit: u32, state: &mut StateId) -> Cursor {
        let op = self.entries.op(node);
        if let Some(next) = self.model[op].apply(*state, &mut self.states) {
            if self.worth_placing(op, next) && self.mark_new(op, next) {
                self.stack.push(Frame { node, state: *state, limit });
                self.entries.lift(node);
                *state = next;
                self.deepest.pushed(&self.stack, next);
                return Cursor::Main(self.entries.first(MAIN));
            }
        }
        self.after(node, limit)
    }

    /// Whether leaving `next` by placing `op` can matter (see `observed`): always for a
    /// completed operation; when collecting final states, only appends are judged, and
    /// skipping one makes the finals `lossy`.
    fn worth_placing(&mut self, op: usize, next: StateId) -> bool {
        let collecting = self.mode == Mode::AllFinalStates;
        if self.entries.completed(op) || (collecting && !matches!(self.model[op], Step::Append(_))) {
            return true;
        }
        let seen = self.observed.could_see(next, &self.states);
        self.lossy |= collecting && !seen;
        seen
    }

    /// Whether `finals` may miss configurations a later operation needs: the fold skipped an
    /// unknown append whose result nothing among the observers has seen (yet).
    pub fn lossy(&self) -> bool {
        self.lossy
    }

    /// An unknown write right after another unknown operation: writing over it leaves the
    /// configuration the write alone reaches from before it, but with one operation fewer
    /// to place later, so the search can skip it (the write alone is tried there).
    fn overwrites_unknown(&self, node: u32) -> bool {
        let after_unknown = self.stack.last().is_some_and(|f| !self.entries.completed(self.entries.op(f.node)));
        after_unknown && matches!(self.model[self.entries.op(node)], Step::Write(_))
    }

    /// Mark `op` linearized if that makes a configuration the cache has not seen.
    fn mark_new(&mut self, op: usize, next: StateId) -> bool {
        self.set(op, true);
        let fresh = self.cache.insert(&self.linearized, next, &self.unknowns);
        if !fresh {
            self.set(op, false);
        }
        fresh
    }

    fn set(&mut self, op: usize, on: bool) {
        if self.entries.completed(op) {
            self.linearized.set(self.bit[op], on);
        } else {
            self.unknowns.set(self.bit[op], on);
        }
    }

    /// The candidate after `node` in its list.
    fn after(&self, node: u32, limit: u32) -> Cursor {
        let next = self.entries.next(node);
        if self.entries.completed(self.entries.op(node)) {
            Cursor::Main(next)
        } else {
            Cursor::Unknown(next, limit)
        }
    }

    /// Undo the last linearization and continue with the candidate after it.
    fn backtrack(&mut self, state: &mut StateId) -> Option<Cursor> {
        let frame = self.stack.pop()?;
        self.deepest.popped(self.stack.len());
        self.unplace(frame.node);
        *state = frame.state;
        Some(self.after(frame.node, frame.limit))
    }

    /// The operations placed so far (after `Run::Found`, a whole linearization), in order.
    pub fn order(&self) -> Vec<usize> {
        self.stack.iter().map(|f| self.index[self.entries.op(f.node)]).collect()
    }

    /// The deepest prefix placed, the completed operations that were candidates after it
    /// (invoked before the earliest pending return), and the register value(s) there.
    pub fn witness(&self) -> Witness {
        let ops: Vec<usize> = self.deepest.nodes.iter().map(|&n| self.entries.op(n)).collect();
        let states = match self.deepest.state {
            Some(s) => vec![self.states.value(s).clone()],
            None => self.starts.iter().map(|&s| self.states.value(s).clone()).collect(),
        };
        Witness {
            prefix: ops.iter().map(|&op| self.index[op]).collect(),
            stuck: self.minimal_after(&ops).into_iter().map(|op| self.index[op]).collect(),
            states,
        }
    }

    fn minimal_after(&self, placed: &[usize]) -> Vec<usize> {
        let mut is_placed = vec![false; self.index.len()];
        placed.iter().for_each(|&op| is_placed[op] = true);
        let mut pending: Vec<usize> = (0..self.index.len()).filter(|&op| self.entries.completed(op) && !is_placed[op]).collect();
        let first_return = pending.iter().filter_map(|&op| self.entries.return_pos(op)).min();
        let Some(first_return) = first_return else { return Vec::new() };
        pending.retain(|&op| self.entries.call_pos(op) < first_return);
        pending.sort_by_key(|&op| self.entries.call_pos(op));
        pending
    }
}

/// An operation's invocation and completion for the search: unknown ones never complete.
fn span(op: &Operation) -> (u64, Option<u64>) {
    match role(op) {
        Role::Required => (op.invoke_us, op.complete_us),
        _ => (op.invoke_us, None),
    }
}

/// Numbers completed and unknown operations separately, each from zero.
fn bits(spans: &[(u64, Option<u64>)]) -> Vec<usize> {
    let mut counts = [0, 0];
    spans
        .iter()
        .map(|s| {
            let kind = usize::from(s.1.is_none());
            counts[kind] += 1;
            counts[kind] - 1
        })
        .collect()
}
