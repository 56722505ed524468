//! The live check: operations are added as clients invoke and complete them, and each
//! check re-searches only the keys that changed (per-key partitioning as Porcupine's,
//! Athalye), each from its last quiescent cut. A cut is a time where no completed operation
//! on the key is open and none is still pending: in real-time order (Herlihy & Wing 1990)
//! every completed operation before it precedes every operation after it, so the
//! configurations the earlier operations can end in summarize them, and the later ones are
//! searched (Lowe 2017's search, `wgl`) from any of those configurations. When the cut is
//! one known register value with nothing carried, the operations after it go first through
//! the zone test (`zones`, Gibbons & Korach), as `check` sends a whole key: writes piled up
//! in an outage, open across every cut, cost the search exponential time and the zone test
//! none. The fold of such a window gets `ZONED_FOLD_STEPS`: past them the cut stays.
//! Operations that ran one after another from such a cut (each returned before the next
//! was invoked) have one order, and are folded by applying them in it: no test, no search.
//!
//! An operation completed with `Unknown` does not block a cut: it may take effect at any
//! later time, so each configuration carries the unknown operations it left unplaced, and
//! later searches may still place them. A write or cas sets the register to a value of its
//! own, so carrying it adds few configurations; appends compose, so the fold skips placing
//! an unknown append where no operation known so far could see the result (`observed`).
//! Such a fold is lossy: an operation invoked later could need a skipped placement. The key
//! then keeps its last exact base and the operations folded since, and when a search from
//! the lossy base fails, it searches again from the exact one (and its answer stands).
//!
//! Honest limits. An operation still pending (invoked, never completed) blocks every cut
//! after its invocation, since it may yet complete with `Ok` across it: a run should
//! complete a timed-out operation with `Unknown` rather than leave it pending. Every carried
//! operation stays for the rest of the run, and each search on its key tries it. A fold
//! that would leave more than `MAX_BASE` configurations, or needs more than `MAX_FOLD_STEPS`
//! steps to enumerate them, is skipped, and the key is searched from its previous cut. A fallback to the exact base re-searches everything since it.
//! An operation invoked at or before a key's last cut (out of time order) undoes the key's
//! compaction. The step limit applies to each search separately (the fold into the cut,
//! then the rest), so on a long history the two checks can differ on which keys are
//! inconclusive; on the others they agree.

use crate::sim::sorted::SortedMap;

use super::explain;
use super::history::{OpResult, Operation};
use super::model::{self, role, Role};
use super::verdict::{KeyFailure, Limits, Verdict};
use super::wgl::{self, Ending, KeyVerdict, Mode, Run, Search, Start};

/// The most configurations a key's cut keeps.
const MAX_BASE: usize = 64;

/// The most steps a fold may take (it enumerates every final configuration, which grows
/// with the unknown operations carried); past it the fold is skipped like one that would
/// keep more than `MAX_BASE` configurations, and the key is searched from its previous cut.
const MAX_FOLD_STEPS: u64 = 50_000;

/// The most steps the fold of a window the zone test has decided may take.
const ZONED_FOLD_STEPS: u64 = 1_000;

/// A history growing during a run, with its last verdict.
#[derive(Clone, Debug, Default)]
pub struct Incremental {
    ops: Vec<Operation>,
    keys: SortedMap<String, KeyLog>,
}

impl Incremental {
    pub fn new() -> Incremental {
        Incremental::default()
    }

    /// Add an operation (normally with `result: Unknown` and `complete_us: None` until
    /// `complete`); returns its id, its index in `operations()`.
    pub fn invoke(&mut self, op: Operation) -> usize {
        let id = self.ops.len();
        self.keys.entry(op.key.clone()).or_insert_with(KeyLog::new).invoked(id, &op);
        self.ops.push(op);
        id
    }

    /// Record what the client saw for operation `id` (panics on an id `invoke` never gave).
    pub fn complete(&mut self, id: usize, result: OpResult, complete_us: u64) {
        let op = &mut self.ops[id];
        let again = op.complete_us.is_some();
        op.result = result;
        op.complete_us = Some(complete_us);
        let log = self.keys.get_mut(&op.key).expect("every invoked key has a log");
        log.completed(id, complete_us, again);
    }

    /// The verdict on everything so far, or `None` if nothing changed since the last check.
    /// Linearizable or not, it is what `check(self.operations(), limits)` answers (see the
    /// module's note on step limits). A failing key's witness is the one `check` gave when
    /// the key first failed; a failure stands without a new search while operations are
    /// added after every completion (they cannot explain it away).
    pub fn check(&mut self, limits: Limits) -> Option<Verdict> {
        let mut changed = false;
        for (key, log) in self.keys.iter_mut().filter(|(_, log)| log.dirty) {
            log.recheck(key, &self.ops, limits);
            changed = true;
        }
        let answers = self.keys.iter().map(|(key, log)| (key.clone(), log.answer.clone()));
        changed.then(|| wgl::verdict(answers))
    }

    pub fn operations(&self) -> &[Operation] {
        &self.ops
    }
}

/// One key's operations and what is known about them.
#[derive(Clone, Debug)]
struct KeyLog {
    /// Every operation on the key, in invocation order.
    all: Vec<usize>,
    /// Those after the last cut.
    active: Vec<usize>,
    /// The configurations the operations before the last cut can end in.
    base: Vec<Ending>,
    /// The last completion before the cut: an operation invoked at or before it undoes it.
    cut_us: Option<u64>,
    last_complete_us: Option<u64>,
    /// While `base` is lossy (see `observed`): the last exact base and the operations
    /// folded since (unsorted).
    exact: Option<(Vec<Ending>, Vec<usize>)>,
    dirty: bool,
    answer: KeyVerdict,
}

impl KeyLog {
    fn new() -> KeyLog {
        KeyLog {
            all: Vec::new(),
            active: Vec::new(),
            base: initial(),
            cut_us: None,
            last_complete_us: None,
            exact: None,
            dirty: false,
            answer: KeyVerdict::Linearizable,
        }
    }

    /// Start over from the first operation.
    fn reset(&mut self) {
        self.active = self.all.clone();
        self.base = initial();
        self.cut_us = None;
        self.exact = None;
        self.answer = KeyVerdict::Linearizable;
    }

    fn invoked(&mut self, id: usize, op: &Operation) {
        if self.cut_us.is_some_and(|cut| op.invoke_us <= cut) {
            self.reset();
        }
        // An operation invoked after every completion can only be placed after every
        // completed operation, so it cannot explain a failure away; one invoked earlier can.
        if self.last_complete_us.is_some_and(|last| op.invoke_us <= last) {
            self.answer = KeyVerdict::Linearizable;
        }
        self.note_completion(op.complete_us);
        self.all.push(id);
        self.active.push(id);
        self.dirty = true;
    }

    /// A completion adds a constraint (or drops an optional operation), so a failure stays;
    /// completing an operation already folded into the cut, or again, starts over.
    fn completed(&mut self, id: usize, complete_us: u64, again: bool) {
        if again || !self.active.contains(&id) {
            self.reset();
        }
        self.note_completion(Some(complete_us));
        self.dirty = true;
    }

    fn note_completion(&mut self, complete_us: Option<u64>) {
        self.last_complete_us = self.last_complete_us.max(complete_us);
    }

    fn recheck(&mut self, key: &str, ops: &[Operation], limits: Limits) {
        self.dirty = false;
        if matches!(self.answer, KeyVerdict::Fails(_)) {
            return;
        }
        // The cut and, where the operations before it ran one after another, the one order's
        // end: computed once, for the whole window here or for the fold below.
        let cut = quiescent_cut(ops, &self.active);
        let one_order = cut.as_ref().and_then(|(before, _)| self.in_one_order(ops, before));
        if let (Some((before, cut_us)), Some(end)) = (&cut, &one_order) {
            if before.len() == self.active.len() {
                // The whole window folds: nothing is left to test or search.
                self.advance(before, *cut_us, vec![end.clone()]);
                self.answer = KeyVerdict::Linearizable;
                return;
            }
        }
        // A window the zone test decides needs no search; its fold only keeps the window
        // short, so it gets few steps (a pile of open writes has exponentially many
        // orders, and then the cut stays where it is).
        let zoned = self.zones_decide(ops);
        let fold_limits = if zoned { Limits { max_steps_per_key: limits.max_steps_per_key.min(ZONED_FOLD_STEPS) } } else { limits };
        let mut answer = match self.fold(key, ops, cut, one_order, fold_limits) {
            // A new cut is a new window: the zone test may decide it where it did not before.
            Ok(folded) if zoned || (folded && self.zones_decide(ops)) => KeyVerdict::Linearizable,
            Ok(_) => self.search(key, ops, limits),
            Err(answer) => answer,
        };
        if matches!(answer, KeyVerdict::Fails(_)) && self.unfold() {
            answer = self.search(key, ops, limits);
        }
        self.answer = match answer {
            KeyVerdict::Fails(partial) => KeyVerdict::Fails(self.whole_witness(key, ops, limits).unwrap_or(partial)),
            other => other,
        };
    }

    /// Does the zone test (`zones`) find the operations after the cut linearizable from the
    /// base? Only a base of one configuration with nothing carried is a known register
    /// value; the test answers no search would contradict, in time linear in the window,
    /// where writes piled up in an outage cost the search exponential time.
    fn zones_decide(&self, ops: &[Operation]) -> bool {
        let [Ending { state, unplaced }] = self.base.as_slice() else { return false };
        unplaced.is_empty() && super::zones::linearizable_from(ops, &self.active, state.as_deref())
    }

    /// Search the operations after the cut from the base.
    fn search(&self, key: &str, ops: &[Operation], limits: Limits) -> KeyVerdict {
        Search::new(ops, &union(&self.active, &self.carried()), limits).key_verdict(ops, key, &self.starts())
    }

    /// Go back to the last exact base (false if the base is exact already).
    fn unfold(&mut self) -> bool {
        let Some((base, folded)) = self.exact.take() else { return false };
        self.base = base;
        self.active = union(&folded, &self.active);
        true
    }

    /// Fold the operations before the latest quiescent cut (`cut`, if there is one) into
    /// `base`, in their one order where `one_order` has its end, else by the search;
    /// whether it did.
    fn fold(&mut self, key: &str, ops: &[Operation], cut: Option<(Vec<usize>, u64)>, one_order: Option<Ending>, limits: Limits) -> Result<bool, KeyVerdict> {
        let Some((before, cut_us)) = cut else { return Ok(false) };
        let finals = match one_order {
            Some(end) => vec![end],
            None => {
                let Some((finals, lossy)) = self.fold_search(key, ops, &before, limits)? else { return Ok(false) };
                if lossy && self.exact.is_none() {
                    self.exact = Some((self.base.clone(), Vec::new()));
                }
                finals
            }
        };
        self.advance(&before, cut_us, finals);
        Ok(true)
    }

    /// Move the cut past `before`, whose operations end in `finals`.
    fn advance(&mut self, before: &[usize], cut_us: u64, finals: Vec<Ending>) {
        if let Some((_, folded)) = &mut self.exact {
            folded.extend_from_slice(before);
        }
        self.base = finals;
        self.cut_us = self.cut_us.max(Some(cut_us));
        self.active.retain(|id| before.binary_search(id).is_err());
    }

    /// Every configuration the operations `before` the cut can end in, found by the search
    /// (and whether it skipped placements, `lossy`); `None` where the search ran out of
    /// steps or found more than `MAX_BASE`.
    fn fold_search(&self, key: &str, ops: &[Operation], before: &[usize], limits: Limits) -> Result<Option<(Vec<Ending>, bool)>, KeyVerdict> {
        let carried = self.carried();
        let fold_limits = Limits { max_steps_per_key: limits.max_steps_per_key.min(MAX_FOLD_STEPS) };
        let mut search = Search::with_observers(ops, &union(before, &carried), &union(&self.active, &carried), fold_limits);
        if search.run(&self.starts(), Mode::AllFinalStates) == Run::OutOfSteps {
            return Ok(None);
        }
        let finals = maximal(search.finals());
        if finals.is_empty() {
            return Err(KeyVerdict::Fails(explain::failure(ops, key, search.witness())));
        }
        Ok((finals.len() <= MAX_BASE).then(|| (finals, search.lossy())))
    }

    /// The fold where only one order is possible, without a search: the base is one
    /// register value with nothing carried, and the completed operations before the cut
    /// ran one after another (each returned before the next was invoked; the search counts
    /// equal times as overlapping). The configuration that order ends in, or `None` where
    /// that is not so or an operation does not fit (the search then finds the witness).
    fn in_one_order(&self, ops: &[Operation], before: &[usize]) -> Option<Ending> {
        let [Ending { state, unplaced }] = self.base.as_slice() else { return None };
        if !unplaced.is_empty() {
            return None;
        }
        let mut taking_part = Vec::with_capacity(before.len());
        for &id in before {
            match role(&ops[id]) {
                Role::Required => taking_part.push(&ops[id]),
                Role::Dropped => {}
                Role::Optional => return None,
            }
        }
        // In id order, which is invocation order where the chain holds at all.
        let returned = |op: &Operation| op.complete_us.map_or(op.invoke_us, |done| done.max(op.invoke_us));
        if taking_part.windows(2).any(|w| returned(w[0]) >= w[1].invoke_us) {
            return None;
        }
        let mut state = state.clone();
        for op in taking_part {
            state = model::after(&state, op)?;
        }
        Some(Ending { state, unplaced: Vec::new() })
    }

    /// The unknown operations some configuration of the base has not placed.
    fn carried(&self) -> Vec<usize> {
        let mut carried: Vec<usize> = self.base.iter().flat_map(|e| e.unplaced.iter().copied()).collect();
        carried.sort_unstable();
        carried.dedup();
        carried
    }

    /// The base as search starts: each configuration's state, and as placed the carried
    /// operations it has no longer.
    fn starts(&self) -> Vec<Start> {
        let carried = self.carried();
        let start = |e: &Ending| Start { state: e.state.clone(), placed: carried.iter().copied().filter(|i| !e.unplaced.contains(i)).collect() };
        self.base.iter().map(start).collect()
    }

    /// The witness `check` gives for this key (from the first operation, not the cut), if
    /// that search ends within the limit.
    fn whole_witness(&self, key: &str, ops: &[Operation], limits: Limits) -> Option<KeyFailure> {
        match wgl::check_key(ops, key, &self.all, limits) {
            KeyVerdict::Fails(failure) => Some(failure),
            _ => None,
        }
    }
}

/// How long an operation holds a cut open.
enum Hold {
    /// Not at all: failed, a read that did not return, or an unknown outcome (carried).
    Free,
    Until(u64),
    /// Pending: it may still complete with `Ok` after the cut.
    Forever,
}

fn hold(op: &Operation) -> Hold {
    match (op.complete_us, role(op)) {
        (None, _) => Hold::Forever,
        (Some(done), Role::Required) => Hold::Until(done.max(op.invoke_us)),
        (Some(_), _) => Hold::Free,
    }
}

fn initial() -> Vec<Ending> {
    vec![Ending { state: None, unplaced: Vec::new() }]
}

/// Sorted union of two sorted id lists.
fn union(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut all = [a, b].concat();
    all.sort_unstable();
    all.dedup();
    all
}

/// Drop each ending whose unplaced operations are a strict subset of another's with the
/// same state: the other can do everything it can.
fn maximal(endings: Vec<Ending>) -> Vec<Ending> {
    let covers = |a: &Ending, b: &Ending| a.state == b.state && a.unplaced.len() > b.unplaced.len() && b.unplaced.iter().all(|i| a.unplaced.binary_search(i).is_ok());
    endings.iter().filter(|e| !endings.iter().any(|other| covers(other, e))).cloned().collect()
}

/// The latest cut of `active` with no operation open across it: the ids before it
/// (sorted) and the last completion among them.
fn quiescent_cut(ops: &[Operation], active: &[usize]) -> Option<(Vec<usize>, u64)> {
    let mut events = Vec::with_capacity(2 * active.len());
    for &id in active {
        match hold(&ops[id]) {
            Hold::Free => {}
            Hold::Until(done) => events.extend([(ops[id].invoke_us, 0, id), (done, 1, id)]),
            Hold::Forever => events.push((ops[id].invoke_us, 0, id)),
        }
    }
    events.sort_unstable();
    let (end, cut_us) = last_quiet(&events)?;
    let mut before: Vec<usize> = events[..end].iter().filter(|e| e.1 == 0).map(|e| e.2).collect();
    let free = active.iter().filter(|&&id| matches!(hold(&ops[id]), Hold::Free) && ops[id].invoke_us <= cut_us);
    before.extend(free);
    before.sort_unstable();
    Some((before, cut_us))
}

/// The end (exclusive) and time of the last return after which nothing is open.
fn last_quiet(events: &[(u64, u8, usize)]) -> Option<(usize, u64)> {
    let mut open = 0usize;
    let mut quiet = None;
    for (i, &(time, kind, _)) in events.iter().enumerate() {
        if kind == 0 {
            open += 1;
        } else {
            open -= 1;
            if open == 0 {
                quiet = Some((i + 1, time));
            }
        }
    }
    quiet
}
