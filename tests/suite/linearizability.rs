#![cfg(not(target_arch = "wasm32"))]
//! The linearizability checker (sim::lin): classic hand-written histories with their exact
//! verdicts and witnesses, the step limit, a 10,000-operation history that is linearizable by
//! construction (timed), a mutated copy of it, and the incremental check against the whole
//! one on random small histories.

use std::time::{Duration, Instant};

use clusterlab::sim::lin::{check, Incremental, KeyFailure, Limits, OpKind, OpResult, Operation, Verdict};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Building histories by hand.

fn op(client: u64, key: &str, kind: OpKind, span: (u64, u64), result: OpResult) -> Operation {
    Operation { client, key: key.into(), kind, invoke_us: span.0, complete_us: Some(span.1), result }
}

fn some(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn ok(value: Option<&str>) -> OpResult {
    OpResult::Ok { value: value.map(String::from) }
}

fn read(client: u64, key: &str, span: (u64, u64), seen: Option<&str>) -> Operation {
    op(client, key, OpKind::Read, span, ok(seen))
}

fn write(client: u64, key: &str, span: (u64, u64), value: &str) -> Operation {
    op(client, key, OpKind::Write { value: value.into() }, span, ok(None))
}

fn cas(client: u64, key: &str, span: (u64, u64), from: Option<&str>, to: &str, result: OpResult) -> Operation {
    op(client, key, OpKind::Cas { expected: from.map(String::from), new: to.into() }, span, result)
}

fn append(client: u64, key: &str, span: (u64, u64), value: &str) -> Operation {
    op(client, key, OpKind::Append { value: value.into() }, span, ok(None))
}

/// The same operation with an unknown outcome and no completion.
fn unknown(mut op: Operation) -> Operation {
    op.result = OpResult::Unknown;
    op.complete_us = None;
    op
}

fn failures(verdict: Verdict) -> Vec<KeyFailure> {
    match verdict {
        Verdict::NotLinearizable { failures } => failures,
        other => panic!("expected NotLinearizable, got {other:?}"),
    }
}

fn only_failure(ops: &[Operation]) -> KeyFailure {
    let mut all = failures(check(ops, Limits::default()));
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

// ---------------------------------------------------------------------------------------
// Classic cases.

#[test]
fn the_empty_history_and_one_of_failed_operations_are_linearizable() {
    assert_eq!(check(&[], Limits::default()), Verdict::Linearizable);
    let failed = [op(0, "x", OpKind::Write { value: "1".into() }, (0, 5), OpResult::Fail), cas(1, "x", (1, 3), None, "2", OpResult::Fail)];
    assert_eq!(check(&failed, Limits::default()), Verdict::Linearizable);
}

#[test]
fn a_sequential_history_is_linearizable() {
    let ops = [
        read(0, "x", (0, 5), None),
        write(0, "x", (10, 15), "1"),
        read(1, "x", (20, 25), Some("1")),
        cas(0, "x", (30, 35), Some("1"), "2", ok(None)),
        append(1, "x", (40, 45), "3"),
        read(0, "x", (50, 55), Some("23")),
    ];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
}

#[test]
fn reads_concurrent_with_a_write_may_see_either_value() {
    let ops = [
        write(0, "x", (0, 100), "1"),
        read(1, "x", (10, 20), None),
        read(2, "x", (30, 40), Some("1")),
        read(1, "x", (50, 60), Some("1")),
    ];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
}

#[test]
fn an_operation_invoked_as_another_completes_is_concurrent_with_it() {
    // The read is invoked at 10, the instant the write completes: either order is allowed.
    let ops = [read(1, "x", (10, 20), None), write(0, "x", (0, 10), "1")];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
    // One microsecond later the write strictly precedes the read.
    let ops = [read(1, "x", (11, 20), None), write(0, "x", (0, 10), "1")];
    assert_eq!(only_failure(&ops).stuck, vec![0]);
}

#[test]
fn a_stale_read_after_a_completed_write_is_caught() {
    let ops = [write(0, "x", (0, 10), "1"), write(1, "x", (20, 30), "2"), read(2, "x", (40, 50), Some("1"))];
    let failure = only_failure(&ops);
    assert_eq!(
        failure,
        KeyFailure {
            key: "x".into(),
            prefix: vec![0, 1],
            stuck: vec![2],
            states: vec![some("2")],
            explanation: "a read of x returned 1, but after the 2 operations that can be ordered x holds 2".into(),
        }
    );
}

#[test]
fn a_read_that_goes_back_in_time_is_caught() {
    // The second read saw 1, so the write took effect before 40; a later read of nothing is
    // impossible even though the write has not completed yet.
    let ops = [
        write(0, "x", (0, 100), "1"),
        read(1, "x", (30, 40), Some("1")),
        read(2, "x", (50, 60), None),
    ];
    let failure = only_failure(&ops);
    assert_eq!((failure.prefix, failure.stuck, failure.states), (vec![0, 1], vec![2], vec![some("1")]));
}

#[test]
fn a_read_of_a_value_never_written_is_caught() {
    let ops = [write(0, "x", (0, 10), "1"), read(1, "x", (20, 30), Some("7"))];
    let failure = only_failure(&ops);
    assert_eq!((failure.prefix, failure.stuck), (vec![0], vec![1]));
    assert_eq!(failure.explanation, "a read of x returned 7, but after the 1 operation that can be ordered x holds 1");
}

#[test]
fn a_cas_succeeds_only_on_the_expected_value() {
    let fine = [
        cas(0, "x", (0, 5), None, "1", ok(None)),
        cas(1, "x", (10, 20), Some("1"), "2", ok(None)),
        read(0, "x", (30, 40), Some("2")),
    ];
    assert_eq!(check(&fine, Limits::default()), Verdict::Linearizable);

    let wrong = [write(0, "x", (0, 10), "1"), cas(1, "x", (20, 30), Some("3"), "4", ok(None))];
    let failure = only_failure(&wrong);
    assert_eq!((failure.prefix, failure.stuck, failure.states), (vec![0], vec![1], vec![some("1")]));
    assert_eq!(failure.explanation, "cas x from 3 to 4 succeeded, but after the 1 operation that can be ordered x holds 1");
}

#[test]
fn a_failed_cas_did_not_take_effect() {
    // Even a cas whose expectation held is dropped when it failed: the read sees 1.
    let ops = [write(0, "x", (0, 10), "1"), cas(1, "x", (20, 30), Some("1"), "2", OpResult::Fail), read(0, "x", (40, 50), Some("1"))];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
    // So a read of its value is a read of a value never written.
    let ops = [write(0, "x", (0, 10), "1"), cas(1, "x", (20, 30), Some("1"), "2", OpResult::Fail), read(0, "x", (40, 50), Some("2"))];
    assert_eq!(only_failure(&ops).stuck, vec![2]);
}

#[test]
fn appends_concatenate_in_order() {
    let ops = [append(0, "x", (0, 10), "a"), append(1, "x", (20, 30), "b"), read(0, "x", (40, 50), Some("ab"))];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
    let ops = [append(0, "x", (0, 10), "a"), append(1, "x", (20, 30), "b"), read(0, "x", (40, 50), Some("ba"))];
    assert_eq!(only_failure(&ops).states, vec![some("ab")]);
}

#[test]
fn an_unknown_write_may_have_taken_effect() {
    // The read saw 2, so the unknown write must have taken effect (after its invocation).
    let ops = [write(0, "x", (0, 10), "1"), unknown(write(1, "x", (20, 30), "2")), read(2, "x", (100, 110), Some("2"))];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
    // An unknown result with a completion time is the same: it may take effect even later.
    let mut late = ops.clone();
    late[1].complete_us = Some(30);
    assert_eq!(check(&late, Limits::default()), Verdict::Linearizable);
}

#[test]
fn an_unknown_write_may_never_have_taken_effect() {
    let ops = [
        write(0, "x", (0, 10), "1"),
        unknown(write(1, "x", (20, 30), "2")),
        read(2, "x", (100, 110), Some("1")),
        read(0, "x", (200, 210), Some("1")),
    ];
    assert_eq!(check(&ops, Limits::default()), Verdict::Linearizable);
    // Or it took effect after the last read.
    let with_later_read = [ops.as_slice(), &[read(2, "x", (300, 310), Some("2"))]].concat();
    assert_eq!(check(&with_later_read, Limits::default()), Verdict::Linearizable);
}

#[test]
fn an_unknown_write_cannot_take_effect_before_its_invocation() {
    let ops = [read(0, "x", (0, 10), Some("2")), unknown(write(1, "x", (20, 30), "2"))];
    let failure = only_failure(&ops);
    assert_eq!((failure.prefix, failure.stuck, failure.states), (vec![], vec![0], vec![None]));
    assert_eq!(failure.explanation, "a read of x returned 2, but at the start x holds nothing");
}

#[test]
fn reads_that_did_not_return_constrain_nothing() {
    let ops = [
        write(0, "x", (0, 10), "1"),
        op(1, "x", OpKind::Read, (20, 30), OpResult::Fail),
        unknown(read(2, "x", (20, 30), Some("9"))),
        op(2, "x", OpKind::Read, (40, 50), ok(Some("9"))),
    ];
    // Only the last read (which did return 9) is checked.
    assert_eq!(only_failure(&ops).stuck, vec![3]);
    assert_eq!(check(&ops[..3], Limits::default()), Verdict::Linearizable);
}

#[test]
fn keys_are_independent() {
    // As one register this would fail (y's read of 2 after x's write of 1); per key it is fine.
    let fine = [write(0, "x", (0, 10), "1"), write(1, "y", (20, 30), "2"), read(0, "x", (40, 50), Some("1")), read(1, "y", (40, 50), Some("2"))];
    assert_eq!(check(&fine, Limits::default()), Verdict::Linearizable);

    // Two failing keys, given out of order, come back sorted; the fine key is not listed.
    let ops = [
        write(0, "x", (0, 10), "1"),
        read(0, "x", (20, 30), Some("0")),
        write(1, "m", (0, 10), "1"),
        read(1, "m", (20, 30), Some("1")),
        read(2, "a", (0, 10), Some("5")),
    ];
    let failed = failures(check(&ops, Limits::default()));
    let summary: Vec<(String, Vec<usize>, Vec<usize>)> = failed.into_iter().map(|f| (f.key, f.prefix, f.stuck)).collect();
    assert_eq!(summary, vec![("a".into(), vec![], vec![4]), ("x".into(), vec![0], vec![1])]);
}

#[test]
fn the_witness_names_the_longest_prefix_in_placed_order_by_index_into_the_history() {
    // x's operations are interleaved with y's, so indices must be the caller's.
    let ops = [
        write(9, "y", (0, 5), "a"),     // 0
        read(2, "x", (60, 70), Some("1")), // 1: stale, x holds 2 by then
        write(0, "x", (0, 10), "1"),    // 2
        read(9, "y", (6, 8), Some("a")), // 3
        read(1, "x", (30, 40), Some("2")), // 4: needs the concurrent write of 2 first
        write(3, "x", (20, 50), "2"),   // 5
    ];
    let failure = only_failure(&ops);
    assert_eq!(failure.key, "x");
    assert_eq!(failure.prefix, vec![2, 5, 4]);
    assert_eq!(failure.stuck, vec![1]);
    assert_eq!(failure.states, vec![some("2")]);
    assert_eq!(failure.explanation, "a read of x returned 1, but after the 3 operations that can be ordered x holds 2");
}

#[test]
fn every_candidate_that_cannot_come_next_is_named() {
    let ops = [write(0, "x", (0, 10), "1"), read(1, "x", (20, 30), Some("5")), read(2, "x", (20, 30), Some("6")), read(0, "x", (40, 50), Some("1"))];
    let failure = only_failure(&ops);
    assert_eq!((failure.prefix, failure.stuck), (vec![0], vec![1, 2]));
    assert_eq!(
        failure.explanation,
        "After the 1 operation that can be ordered x holds 1, and none of the 2 operations that could come next fits: a read of x returned 5; a read of x returned 6"
    );
}

// ---------------------------------------------------------------------------------------
// The step limit.

/// Twelve concurrent writes, then a read of a value none wrote: every order must be tried.
fn hard_history() -> Vec<Operation> {
    let mut ops: Vec<Operation> = (0..12).map(|c| write(c, "x", (0, 100), &format!("v{c}"))).collect();
    ops.push(read(12, "x", (200, 210), Some("never")));
    ops
}

#[test]
fn a_tiny_step_limit_is_inconclusive_on_a_hard_history() {
    let ops = hard_history();
    assert_eq!(check(&ops, Limits { max_steps_per_key: 100 }), Verdict::Inconclusive { key: "x".into(), steps: 100 });
    // With room to finish, the answer is definite.
    assert_eq!(only_failure(&ops).stuck, vec![12]);
}

#[test]
fn a_failing_key_outweighs_an_inconclusive_one() {
    let mut ops = hard_history();
    ops.extend([write(0, "y", (0, 10), "1"), read(1, "y", (20, 30), Some("0"))]);
    let failed = failures(check(&ops, Limits { max_steps_per_key: 100 }));
    assert_eq!(failed.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), vec!["y"]);
}

// ---------------------------------------------------------------------------------------
// Generated histories, linearizable by construction: each operation takes effect at a
// random instant inside its interval on a real register per key.

/// SplitMix64 (Steele, Lea and Flood), enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

#[derive(Clone, Copy, Debug)]
struct Shape {
    ops: usize,
    clients: u64,
    keys: u64,
    unknown_per_mille: u64,
    max_gap: u64,
    max_len: u64,
}

/// An operation with the instant it takes effect, whether it does at all, and whether its
/// client learns the outcome.
struct Planned {
    op: Operation,
    at: u64,
    takes_effect: bool,
    hidden: bool,
}

fn generate(seed: u64, shape: Shape) -> Vec<Operation> {
    let mut rng = Rng(seed);
    let mut free = vec![0u64; shape.clients as usize];
    let mut recent: Vec<Vec<Option<String>>> = vec![vec![None]; shape.keys as usize];
    let mut plan = Vec::with_capacity(shape.ops);
    for n in 0..shape.ops {
        let client = (0..shape.clients).min_by_key(|&c| (free[c as usize], c)).unwrap();
        let invoke = free[client as usize] + rng.below(shape.max_gap + 1);
        let len = 1 + rng.below(shape.max_len);
        free[client as usize] = invoke + len + 1;
        let key = rng.below(shape.keys) as usize;
        let kind = random_kind(&mut rng, n, &mut recent[key]);
        let hidden = rng.per_mille(shape.unknown_per_mille);
        // A hidden outcome: half take effect; half are timeouts (a completion time), half never end.
        let complete_us = if hidden && rng.per_mille(500) { None } else { Some(invoke + len) };
        let op = Operation { client, key: format!("k{key}"), kind, invoke_us: invoke, complete_us, result: OpResult::Unknown };
        let at = invoke + rng.below(len + 1);
        plan.push(Planned { op, at, takes_effect: !hidden || rng.per_mille(500), hidden });
    }
    run_registers(&mut plan, shape.keys);
    plan.into_iter().map(|p| p.op).collect()
}

fn random_kind(rng: &mut Rng, n: usize, recent: &mut Vec<Option<String>>) -> OpKind {
    let fresh = format!("v{n}");
    let kind = match rng.below(100) {
        0..=49 => return OpKind::Read,
        50..=74 => OpKind::Write { value: fresh.clone() },
        75..=89 => OpKind::Cas { expected: recent[rng.below(recent.len() as u64) as usize].clone(), new: fresh.clone() },
        _ => return OpKind::Append { value: format!("+{}", n % 10) },
    };
    recent.push(Some(fresh));
    if recent.len() > 3 {
        recent.remove(0);
    }
    kind
}

/// Apply the operations at their instants in one register per key and record what each
/// client saw (hidden outcomes stay `Unknown`).
fn run_registers(plan: &mut [Planned], keys: u64) {
    let mut order: Vec<usize> = (0..plan.len()).collect();
    order.sort_by_key(|&i| (plan[i].at, i));
    let mut registers: Vec<Option<String>> = vec![None; keys as usize];
    for i in order {
        let p = &mut plan[i];
        if p.takes_effect {
            let key: usize = p.op.key[1..].parse().unwrap();
            let seen = take_effect(&mut registers[key], &p.op.kind);
            if !p.hidden {
                p.op.result = seen;
            }
        }
    }
}

fn take_effect(register: &mut Option<String>, kind: &OpKind) -> OpResult {
    match kind {
        OpKind::Read => OpResult::Ok { value: register.clone() },
        OpKind::Write { value } => {
            *register = Some(value.clone());
            OpResult::Ok { value: None }
        }
        OpKind::Cas { expected, new } if expected == register => {
            *register = Some(new.clone());
            OpResult::Ok { value: None }
        }
        OpKind::Cas { .. } => OpResult::Fail,
        OpKind::Append { value } => {
            register.get_or_insert_with(String::new).push_str(value);
            OpResult::Ok { value: None }
        }
    }
}

const BIG: Shape = Shape { ops: 10_000, clients: 8, keys: 12, unknown_per_mille: 20, max_gap: 30, max_len: 80 };

/// Operations that overlap an earlier operation on the same key.
fn overlapping(ops: &[Operation]) -> usize {
    let mut by_key: std::collections::BTreeMap<&str, Vec<&Operation>> = Default::default();
    ops.iter().for_each(|o| by_key.entry(&o.key).or_default().push(o));
    let mut count = 0;
    for mut list in by_key.into_values() {
        list.sort_by_key(|o| o.invoke_us);
        let mut open_until = 0;
        for o in list.into_iter().filter(|o| o.complete_us.is_some()) {
            count += usize::from(o.invoke_us <= open_until);
            open_until = open_until.max(o.complete_us.unwrap());
        }
    }
    count
}

#[test]
fn the_generated_history_has_the_promised_shape() {
    let ops = generate(7, BIG);
    let clients: std::collections::BTreeSet<u64> = ops.iter().map(|o| o.client).collect();
    let keys: std::collections::BTreeSet<&str> = ops.iter().map(|o| o.key.as_str()).collect();
    let unknown = ops.iter().filter(|o| o.result == OpResult::Unknown).count();
    let failed = ops.iter().filter(|o| o.result == OpResult::Fail).count();
    println!("{} ops, {} clients, {} keys, {unknown} unknown, {failed} failed, {} overlap", ops.len(), clients.len(), keys.len(), overlapping(&ops));
    assert_eq!(ops.len(), 10_000);
    assert!(clients.len() >= 5 && keys.len() >= 10);
    assert!(unknown * 100 >= ops.len(), "{unknown} unknown");
    assert!(overlapping(&ops) * 10 >= ops.len(), "too little concurrency per key");
}

#[test]
fn ten_thousand_operations_are_checked_within_200_ms() {
    let ops = generate(7, BIG);
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let verdict = check(&ops, Limits::default());
        times.push(start.elapsed());
        assert_eq!(verdict, Verdict::Linearizable);
    }
    times.sort();
    println!("check of 10,000 operations: median {:?} (runs {times:?})", times[2]);
    assert!(times[2] <= Duration::from_millis(200), "median {:?}", times[2]);
}

/// The first `Ok` read at or after `from`, changed to a value no operation writes.
fn with_impossible_read(ops: &[Operation], from: usize) -> (Vec<Operation>, usize) {
    let mut ops = ops.to_vec();
    let at = (from..ops.len()).find(|&i| ops[i].kind == OpKind::Read && matches!(ops[i].result, OpResult::Ok { .. })).unwrap();
    ops[at].result = ok(Some("never"));
    (ops, at)
}

#[test]
fn an_impossible_read_among_ten_thousand_operations_is_caught() {
    let (ops, at) = with_impossible_read(&generate(7, BIG), 5_000);
    let start = Instant::now();
    let failure = only_failure(&ops);
    println!("mutated history checked in {:?}: {}", start.elapsed(), failure.explanation);
    assert_eq!(failure.key, ops[at].key);
    assert!(failure.stuck.contains(&at), "{failure:?}");
    assert!(failure.explanation.starts_with(&format!("a read of {} returned never", ops[at].key)), "{}", failure.explanation);
}

// ---------------------------------------------------------------------------------------
// The incremental check.

/// Feed `ops` to an `Incremental` as a run would (invocations and completions in time
/// order), calling `each` after every completion with its verdict. With a `timeout`, an
/// operation that never completes is completed as `Unknown` that long after its invocation,
/// as a client that gives up would; without, it stays pending.
fn feed(ops: &[Operation], limits: Limits, timeout: Option<u64>, mut each: impl FnMut(&Incremental, Verdict)) -> Incremental {
    let mut events: Vec<(u64, u8, usize)> = Vec::new();
    for (i, o) in ops.iter().enumerate() {
        events.push((o.invoke_us, 0, i));
        if let Some(done) = o.complete_us.or(timeout.map(|t| o.invoke_us + t)) {
            events.push((done, 1, i));
        }
    }
    events.sort_unstable();
    let mut live = Incremental::new();
    let mut ids = vec![usize::MAX; ops.len()];
    for (time, kind, i) in events {
        if kind == 0 {
            ids[i] = live.invoke(Operation { complete_us: None, result: OpResult::Unknown, ..ops[i].clone() });
        } else {
            live.complete(ids[i], ops[i].result.clone(), time);
            let verdict = live.check(limits).expect("a completion is a change");
            each(&live, verdict);
        }
    }
    live
}

/// The kind of verdict and the failing keys.
fn summary(verdict: &Verdict) -> (&'static str, Vec<String>) {
    match verdict {
        Verdict::Linearizable => ("linearizable", vec![]),
        Verdict::NotLinearizable { failures } => ("not", failures.iter().map(|f| f.key.clone()).collect()),
        Verdict::Inconclusive { key, .. } => ("inconclusive", vec![key.clone()]),
    }
}

#[test]
fn the_incremental_check_answers_only_after_a_change() {
    let mut live = Incremental::new();
    assert_eq!(live.check(Limits::default()), None);
    let w = live.invoke(unknown(write(0, "x", (0, 0), "1")));
    assert_eq!(live.check(Limits::default()), Some(Verdict::Linearizable));
    assert_eq!(live.check(Limits::default()), None);
    live.complete(w, ok(None), 10);
    let r = live.invoke(unknown(read(1, "x", (20, 0), None)));
    live.complete(r, ok(Some("2")), 30);
    let failure = failures(live.check(Limits::default()).unwrap()).remove(0);
    assert_eq!((failure.prefix, failure.stuck), (vec![w], vec![r]));
    assert_eq!(live.operations().len(), 2);
    assert_eq!(live.operations()[r].result, ok(Some("2")));
    assert_eq!(live.check(Limits::default()), None);
}

#[test]
fn the_incremental_check_recovers_an_unknown_append_only_a_later_read_saw() {
    // When the append of c completes, nothing has seen b: the key's cut keeps only "ac" (b may
    // still come later). The read of "abc" needs b before c, so the check goes back to the
    // exact state before the cut and finds that order.
    let ops = [
        write(0, "x", (0, 10), "a"),
        op(1, "x", OpKind::Append { value: "b".into() }, (20, 30), OpResult::Unknown),
        append(2, "x", (40, 50), "c"),
        read(0, "x", (100, 110), Some("abc")),
    ];
    let mut checks = 0;
    let live = feed(&ops, Limits::default(), None, |_, verdict| {
        checks += 1;
        assert_eq!(verdict, Verdict::Linearizable);
    });
    assert_eq!(checks, 4);
    assert_eq!(check(live.operations(), Limits::default()), Verdict::Linearizable);
    // And a read of "acb" (b after c) is explained too; one of "ba" is not.
    let mut ops = ops.to_vec();
    ops[3] = read(0, "x", (100, 110), Some("acb"));
    feed(&ops, Limits::default(), None, |_, verdict| assert_eq!(verdict, Verdict::Linearizable));
    ops[3] = read(0, "x", (100, 110), Some("ba"));
    let mut last = None;
    feed(&ops, Limits::default(), None, |_, verdict| last = Some(verdict));
    assert_eq!(failures(last.unwrap())[0].stuck, vec![3]);
}

#[test]
fn the_incremental_check_of_ten_thousand_operations_agrees_with_the_whole_one() {
    let ops = generate(7, BIG);
    let start = Instant::now();
    let mut checks = 0;
    let live = feed(&ops, Limits::default(), Some(100), |_, verdict| {
        checks += 1;
        assert_eq!(verdict, Verdict::Linearizable);
    });
    println!("{checks} incremental checks over 10,000 operations: {:?}", start.elapsed());
    assert_eq!(check(live.operations(), Limits::default()), Verdict::Linearizable);

    let (bad, _) = with_impossible_read(&ops, 5_000);
    let mut last = None;
    let live = feed(&bad, Limits::default(), Some(100), |_, verdict| last = Some(verdict));
    let whole = check(live.operations(), Limits::default());
    assert_eq!(summary(last.as_ref().unwrap()), summary(&whole));
    assert_eq!(summary(&whole).0, "not");
}

const SMALL: Shape = Shape { ops: 0, clients: 3, keys: 2, unknown_per_mille: 150, max_gap: 4, max_len: 12 };

/// Damage one operation of a linearizable history (or none), so about half fail.
fn damage(ops: &mut [Operation], how: u8, which: usize, value: u8) {
    if ops.is_empty() {
        return;
    }
    let o = &mut ops[which % ops.len()];
    match how % 5 {
        0 => {}
        1 => {
            let seen = format!("v{}", value % 6);
            o.result = ok(Some(seen.as_str()).filter(|_| !value.is_multiple_of(7)));
        }
        2 => o.result = OpResult::Unknown,
        3 => o.result = OpResult::Fail,
        _ => {
            let shift = u64::from(value % 20);
            o.invoke_us += shift;
            o.complete_us = o.complete_us.map(|c| c + shift);
        }
    }
}

// ---------------------------------------------------------------------------------------
// A definitional checker for tiny histories: try every order of every subset of the
// unknown operations, straight from the definition (no cache, no entry list).

/// Whether one key's operations have a legal order.
fn brute_force_key(ops: &[&Operation]) -> bool {
    let taking_part: Vec<&Operation> = ops.iter().copied().filter(|o| !dropped(o)).collect();
    let mut placed = vec![false; taking_part.len()];
    orders_exist(&taking_part, &mut placed, &None)
}

fn dropped(o: &Operation) -> bool {
    o.result == OpResult::Fail || (o.kind == OpKind::Read && !is_required(o))
}

fn is_required(o: &Operation) -> bool {
    matches!(o.result, OpResult::Ok { .. }) && o.complete_us.is_some()
}

fn orders_exist(ops: &[&Operation], placed: &mut [bool], state: &Option<String>) -> bool {
    if (0..ops.len()).all(|i| placed[i] || !is_required(ops[i])) {
        return true;
    }
    for i in 0..ops.len() {
        let must_wait = (0..ops.len()).any(|p| !placed[p] && p != i && is_required(ops[p]) && ops[p].complete_us.unwrap() < ops[i].invoke_us);
        if placed[i] || must_wait {
            continue;
        }
        for next in outcomes(ops[i], state) {
            placed[i] = true;
            let found = orders_exist(ops, placed, &next);
            placed[i] = false;
            if found {
                return true;
            }
        }
    }
    false
}

/// The register after `o` in `state`, for each way its result allows.
fn outcomes(o: &Operation, state: &Option<String>) -> Vec<Option<String>> {
    let mut register = state.clone();
    let seen = take_effect(&mut register, &o.kind);
    let fits = match (&o.result, seen) {
        (OpResult::Ok { value }, OpResult::Ok { value: got }) if o.kind == OpKind::Read => *value == got,
        (OpResult::Ok { .. }, OpResult::Ok { .. }) => true,
        (OpResult::Ok { .. }, _) => false,
        _ => true, // unknown: any return (a cas that did not match changes nothing)
    };
    if fits { vec![register] } else { vec![] }
}

fn brute_force(ops: &[Operation]) -> bool {
    let keys: std::collections::BTreeSet<&str> = ops.iter().map(|o| o.key.as_str()).collect();
    keys.into_iter().all(|k| brute_force_key(&ops.iter().filter(|o| o.key == k).collect::<Vec<_>>()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_checker_agrees_with_the_definition(
        seed in any::<u64>(), n in 1usize..10, keys in 1u64..3, how in any::<u8>(), which in any::<usize>(), value in any::<u8>()
    ) {
        let mut ops = generate(seed, Shape { ops: n, keys, unknown_per_mille: 300, ..SMALL });
        damage(&mut ops, how, which, value);
        let verdict = check(&ops, Limits::default());
        prop_assert_eq!(verdict == Verdict::Linearizable, brute_force(&ops), "history {:?}: {:?}", ops, verdict);
    }

    #[test]
    fn the_incremental_check_agrees_with_the_whole_one(
        seed in any::<u64>(), n in 1usize..14, keys in 1u64..3, how in any::<u8>(), which in any::<usize>(), value in any::<u8>(),
        timeout in proptest::option::of(1u64..30)
    ) {
        let mut ops = generate(seed, Shape { ops: n, keys, ..SMALL });
        damage(&mut ops, how, which, value);
        let limits = Limits::default();
        feed(&ops, limits, timeout, |live, verdict| {
            let whole = check(live.operations(), limits);
            assert_eq!(summary(&verdict), summary(&whole), "history {:?}", live.operations());
        });
    }
}

/// `n` writes open at once after a cut at "a", completing in turn, then a read of `last`.
fn pile(n: u64, last: &str) -> Vec<Operation> {
    let mut ops = vec![write(0, "x", (0, 10), "a"), read(1, "x", (20, 30), Some("a"))];
    for i in 0..n {
        ops.push(write(10 + i, "x", (100 + i, 1_000 + 10 * i), &format!("w{i}")));
    }
    ops.push(read(50, "x", (2_000, 2_010), Some(last)));
    ops
}

/// Writes piled up in an outage: 24 writes open at once after a cut at "a". The zone test
/// decides each check from the cut's value without a search. A read of a value older than
/// every completed write is still a failure, found and explained by the search (on a pile
/// small enough for it).
#[test]
fn writes_open_at_once_after_a_cut_are_decided_without_a_search() {
    clusterlab::sim::work::start();
    feed(&pile(24, "w23"), Limits::default(), None, |_, verdict| assert_eq!(verdict, Verdict::Linearizable));
    let steps = clusterlab::sim::work::stop().search_steps;
    // Only the folds search (at most 1,000 steps each, in vain for the pile): 100,008
    // steps before the zone test, and exponential in the writes without the fold's limit.
    assert!(steps < 5_000, "{steps} search steps");
    let stale = pile(8, "a");
    let mut verdicts = Vec::new();
    feed(&stale, Limits::default(), None, |_, verdict| verdicts.push(summary(&verdict).0));
    assert_eq!(verdicts.last(), Some(&"not"), "{verdicts:?}");
    assert!(verdicts[..verdicts.len() - 1].iter().all(|v| *v == "linearizable"), "{verdicts:?}");
    assert!(matches!(check(&stale, Limits::default()), Verdict::NotLinearizable { .. }));
}

/// Operations one after another (each returns before the next is invoked) have one order:
/// the live check folds them into the cut without a search, and still finds the stale
/// read at the end (with the search's witness), as the whole check does. An operation that
/// overlaps the one before it sends the fold back to the search.
#[test]
fn operations_one_after_another_are_folded_without_a_search() {
    let mut ops = Vec::new();
    for i in 0..400u64 {
        let t = 100 * i;
        ops.push(write(i % 3, "x", (t, t + 40), &format!("v{i}")));
        ops.push(read(i % 3, "x", (t + 50, t + 90), Some(&format!("v{i}"))));
    }
    clusterlab::sim::work::start();
    feed(&ops, Limits::default(), None, |_, verdict| assert_eq!(verdict, Verdict::Linearizable));
    assert_eq!(clusterlab::sim::work::stop().search_steps, 0, "no search for one possible order");

    ops.push(read(7, "x", (40_000, 40_010), Some("v398")));
    let mut last = None;
    feed(&ops, Limits::default(), None, |_, verdict| last = Some(verdict));
    let whole = check(&ops, Limits::default());
    assert!(matches!(whole, Verdict::NotLinearizable { .. }), "{whole:?}");
    assert_eq!(last, Some(whole), "the live check finds the stale read, with the same witness");

    // Two writes that overlap: both orders are possible, so the fold searches.
    let overlapping = [write(0, "y", (0, 50), "a"), write(1, "y", (40, 90), "b"), read(2, "y", (100, 110), Some("a")), read(0, "y", (120, 130), Some("a"))];
    clusterlab::sim::work::start();
    feed(&overlapping, Limits::default(), None, |_, verdict| assert_eq!(verdict, Verdict::Linearizable));
    assert!(clusterlab::sim::work::stop().search_steps > 0, "overlapping operations are searched");
}
