//! A fast path for read/write registers whose writes each write a value of their own
//! (Gibbons & Korach, "Testing shared memories", SIAM J. Comput. 1997, §4: with the
//! read-mapping known, linearizability of a register is decided in O(n log n)). Each value
//! `v` forms a cluster — its write and the reads that returned it — whose ops can be placed
//! together: if the cluster's earliest completion `f` comes before its latest invocation
//! `s`, the register must hold `v` throughout `[f, s]` (a forward zone); otherwise the
//! cluster fits at one moment within `[s, f]` (a backward zone). The history is linearizable
//! exactly when no two forward zones overlap and no backward zone lies inside a forward one.
//!
//! It answers only "linearizable", and only when every margin is strict; anything else (a
//! cas or an append, a value written twice, a read of a value nobody wrote, a tie at a zone
//! boundary, a violation) is left to the search, which also explains failures. Many writes
//! open at once — calls piled up in an outage — cost the search exponential time and this
//! test none.

use super::history::{OpKind, OpResult, Operation};
use super::model::{StateId, States};

/// The initial value's virtual write sits before every operation.
const BEFORE_ALL: i64 = -1;
/// A write still open, or whose outcome is unknown, completes after every operation.
const AFTER_ALL: i64 = i64::MAX;

/// One value's cluster: its write's interval and the reads that returned it.
#[derive(Clone, Copy, Debug)]
struct Cluster {
    write_invoke: i64,
    /// The earliest completion and the latest invocation among the cluster's ops.
    first_end: i64,
    last_start: i64,
}

impl Cluster {
    fn new(invoke: i64, complete: i64) -> Cluster {
        Cluster { write_invoke: invoke, first_end: complete, last_start: invoke }
    }
    fn forward(&self) -> bool {
        self.first_end < self.last_start
    }
}

/// Is the sub-history `index` of `ops` (all on one key) linearizable by the zone test?
/// `false` means "not decided here", never "not linearizable".
pub(crate) fn linearizable(ops: &[Operation], index: &[usize]) -> bool {
    linearizable_from(ops, index, None)
}

/// The same, for operations that all follow a moment when the register held `initial` (a
/// quiescent cut): `initial` is written before every operation, as the absent value is.
pub(crate) fn linearizable_from(ops: &[Operation], index: &[usize], initial: Option<&str>) -> bool {
    let Some(clusters) = clusters(ops, index, initial) else { return false };
    let (forward, backward): (Vec<Cluster>, Vec<Cluster>) = clusters.into_iter().partition(Cluster::forward);
    // By first completion (-1 to i64::MAX mapped in order onto 0 to 2^63), through the
    // (time, kind, id) order the live check's cuts sort by already: one sort less in every
    // page module.
    let mut order: Vec<(u64, u8, usize)> = forward.iter().enumerate().map(|(i, c)| ((c.first_end as u64).wrapping_add(1), 0, i)).collect();
    order.sort_unstable();
    let forward: Vec<Cluster> = order.iter().map(|&(_, _, i)| forward[i]).collect();
    let disjoint = forward.windows(2).all(|w| w[0].last_start < w[1].first_end);
    disjoint && backward.iter().all(|b| !forward.iter().any(|f| f.first_end <= b.last_start && b.first_end <= f.last_start))
}

/// The clusters, one per value (the initial value's only if a read returned it), or `None`
/// when the test does not apply. Values are numbered by the search's own interning: no map
/// or sort of its own, since this runs in every page module.
fn clusters(ops: &[Operation], index: &[usize], initial: Option<&str>) -> Option<Vec<Cluster>> {
    let mut states = States::default();
    let reads = reads(ops, index, &mut states)?;
    // The values read are the first ones numbered.
    let mut read = vec![false; states.len()];
    reads.iter().for_each(|r| read[r.0 as usize] = true);
    let was_read = |id: StateId| read.get(id as usize).copied().unwrap_or(false);
    let mut clusters: Vec<Option<Cluster>> = Vec::new();
    let mut place = |id: StateId, c: Cluster| {
        if clusters.len() <= id as usize {
            clusters.resize(id as usize + 1, None);
        }
        // A value written twice (or the initial value, read, written again) is outside the test.
        clusters[id as usize].replace(c).is_none()
    };
    let first = states.intern(&initial.map(str::to_string));
    if was_read(first) && !place(first, Cluster::new(BEFORE_ALL, BEFORE_ALL)) {
        return None;
    }
    for op in index.iter().map(|&i| &ops[i]) {
        let OpKind::Write { value } = &op.kind else { continue };
        let id = states.intern(&Some(value.clone()));
        let complete = match op.result {
            OpResult::Ok { .. } => op.complete_us.map_or(AFTER_ALL, time),
            // An unknown write nobody read may not have happened: leave it out.
            OpResult::Unknown if was_read(id) => AFTER_ALL,
            OpResult::Unknown | OpResult::Fail => continue,
        };
        if !place(id, Cluster::new(time(op.invoke_us), complete)) {
            return None;
        }
    }
    for &(id, invoke, complete) in &reads {
        let c = clusters.get_mut(id as usize)?.as_mut()?;
        if complete <= c.write_invoke {
            return None;
        }
        c.first_end = c.first_end.min(complete);
        c.last_start = c.last_start.max(invoke);
    }
    Some(clusters.into_iter().flatten().collect())
}

fn time(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(AFTER_ALL - 1)
}

/// The reads that returned a value: its number, invocation and completion (after all when
/// it never completed); `None` if an op is a cas or an append (outside the test).
fn reads(ops: &[Operation], index: &[usize], states: &mut States) -> Option<Vec<(StateId, i64, i64)>> {
    let mut reads = Vec::new();
    for op in index.iter().map(|&i| &ops[i]) {
        match (&op.kind, &op.result) {
            (OpKind::Read, OpResult::Ok { value }) => reads.push((states.intern(value), time(op.invoke_us), op.complete_us.map_or(AFTER_ALL, time))),
            (OpKind::Read | OpKind::Write { .. }, _) => {}
            (OpKind::Cas { .. } | OpKind::Append { .. }, _) => return None,
        }
    }
    Some(reads)
}

#[cfg(test)]
mod tests {
    use super::super::history::{OpKind, OpResult, Operation};
    use super::super::verdict::Limits;
    use super::super::wgl::{check_key, KeyVerdict};
    use super::{linearizable, linearizable_from};
    use crate::sim::prng::Prng;

    /// A random history on one key: up to 8 operations, writes of distinct values, reads
    /// of a value written (or absent), times from a small range (so ties happen unless
    /// `distinct_times`), and some results unknown or failed unless `all_ok`.
    fn history(rng: &mut Prng, distinct_times: bool, all_ok: bool) -> Vec<Operation> {
        let n = rng.range(1, 8) as usize;
        let mut times: Vec<u64> = if distinct_times { (0..2 * n as u64).map(|t| t * 10).collect() } else { (0..2 * n).map(|_| rng.below(12)).collect() };
        // Shuffle the times (Fisher-Yates), then pair them into intervals.
        for i in (1..times.len()).rev() {
            times.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let writes = rng.range(1, n as u64) as usize;
        (0..n)
            .map(|i| {
                let (a, b) = (times[2 * i], times[2 * i + 1]);
                let kind = if i < writes { OpKind::Write { value: format!("v{i}") } } else { OpKind::Read };
                let read = match rng.below(writes as u64 + 1) as usize {
                    w if w == writes => None,
                    w => Some(format!("v{w}")),
                };
                let result = match (&kind, all_ok, rng.below(6)) {
                    (_, false, 0) => OpResult::Unknown,
                    (OpKind::Write { .. }, false, 1) => OpResult::Fail,
                    (OpKind::Read, _, _) => OpResult::Ok { value: read },
                    _ => OpResult::Ok { value: None },
                };
                let complete_us = (result != OpResult::Unknown || rng.below(2) == 0).then_some(a.max(b));
                Operation { client: i as u64, key: "k".into(), kind, invoke_us: a.min(b), complete_us, result }
            })
            .collect()
    }

    fn search(ops: &[Operation]) -> KeyVerdict {
        let index: Vec<usize> = (0..ops.len()).collect();
        check_key(ops, "k", &index, Limits::default())
    }

    // Soundness: whenever the zone test says linearizable, the search agrees (ties,
    // unknown, failed and pending operations included).
    #[test]
    fn the_zone_test_never_calls_a_non_linearizable_history_linearizable() {
        let mut rng = Prng::new(7);
        let mut decided = 0;
        for case in 0..40_000 {
            let ops = history(&mut rng, case % 2 == 0, case % 3 == 0);
            let index: Vec<usize> = (0..ops.len()).collect();
            if linearizable(&ops, &index) {
                decided += 1;
                assert_eq!(search(&ops), KeyVerdict::Linearizable, "{ops:#?}");
            }
        }
        assert!(decided > 5_000, "the zone test decided only {decided} of 40,000");
    }

    // Completeness where Gibbons and Korach's theorem applies (every operation completed,
    // no ties): the zone test says linearizable whenever the search does.
    #[test]
    fn the_zone_test_decides_every_linearizable_history_without_ties() {
        let mut rng = Prng::new(11);
        let mut linearizable_cases = 0;
        for _ in 0..20_000 {
            let ops = history(&mut rng, true, true);
            let index: Vec<usize> = (0..ops.len()).collect();
            if search(&ops) == KeyVerdict::Linearizable {
                linearizable_cases += 1;
                assert!(linearizable(&ops, &index), "{ops:#?}");
            }
        }
        assert!(linearizable_cases > 2_000, "only {linearizable_cases} linearizable cases");
    }

    // From a cut: reads of the absent value become reads of the cut's value "i", whose write
    // is prefixed to the history. The test from "i" agrees with the search on the whole.
    #[test]
    fn from_a_cut_the_zone_test_agrees_with_the_search_on_the_whole_history() {
        let mut rng = Prng::new(13);
        let (mut decided, mut agreed) = (0, 0);
        for case in 0..20_000 {
            let mut ops = history(&mut rng, case % 2 == 0, case % 3 != 0);
            for op in &mut ops {
                op.invoke_us += 100;
                op.complete_us = op.complete_us.map(|t| t + 100);
                if let OpResult::Ok { value: v @ None } = &mut op.result {
                    if op.kind == OpKind::Read {
                        *v = Some("i".into());
                    }
                }
            }
            let index: Vec<usize> = (0..ops.len()).collect();
            let from_cut = linearizable_from(&ops, &index, Some("i"));
            let init = Operation { client: 99, key: "k".into(), kind: OpKind::Write { value: "i".into() }, invoke_us: 0, complete_us: Some(1), result: OpResult::Ok { value: None } };
            let whole: Vec<Operation> = std::iter::once(init).chain(ops).collect();
            let linear = search(&whole) == KeyVerdict::Linearizable;
            if from_cut {
                decided += 1;
                assert!(linear, "{whole:#?}");
            }
            agreed += usize::from(from_cut == linear);
        }
        assert!(decided > 3_000 && agreed > 15_000, "decided {decided}, agreed {agreed} of 20,000");
    }

    // Outside the test: cas and append, and a value written twice.
    #[test]
    fn cas_append_and_repeated_values_are_left_to_the_search() {
        let op = |kind: OpKind, t: u64| Operation { client: t, key: "k".into(), kind, invoke_us: t, complete_us: Some(t + 1), result: OpResult::Ok { value: None } };
        let twice = [op(OpKind::Write { value: "a".into() }, 0), op(OpKind::Write { value: "a".into() }, 5)];
        assert!(!linearizable(&twice, &[0, 1]));
        let cas = [op(OpKind::Cas { expected: None, new: "a".into() }, 0)];
        assert!(!linearizable(&cas, &[0]));
        let append = [op(OpKind::Append { value: "a".into() }, 0)];
        assert!(!linearizable(&append, &[0]));
        let single = [op(OpKind::Write { value: "a".into() }, 0)];
        assert!(linearizable(&single, &[0]));
    }
}
