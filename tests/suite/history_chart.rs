#![cfg(not(target_arch = "wasm32"))]
//! The history as the page draws it (sim::lin::Chart): the order `check_with_orders` finds is
//! a real linearization (replayed against the register model), every point lies inside its
//! bar and follows the one before it, a failing key's prefix and stuck operations are marked,
//! and the windowed query returns exactly the bars a full scan finds.

use clusterlab::histories;
use clusterlab::sim::lin::{check, check_with_orders, Chart, Limits, Mark, OpKind, OpResult, Operation, Outcome, Verdict};
use proptest::prelude::*;

fn op(client: u64, key: &str, kind: OpKind, span: (u64, Option<u64>), result: OpResult) -> Operation {
    Operation { client, key: key.into(), kind, invoke_us: span.0, complete_us: span.1, result }
}

fn read(client: u64, key: &str, span: (u64, u64), seen: Option<&str>) -> Operation {
    op(client, key, OpKind::Read, (span.0, Some(span.1)), OpResult::Ok { value: seen.map(String::from) })
}

fn write(client: u64, key: &str, span: (u64, u64), value: &str) -> Operation {
    op(client, key, OpKind::Write { value: value.into() }, (span.0, Some(span.1)), OpResult::Ok { value: None })
}

fn chart(ops: &[Operation]) -> (Verdict, Chart) {
    let (verdict, orders) = check_with_orders(ops, Limits::default());
    let chart = Chart::new(ops, &verdict, &orders);
    (verdict, chart)
}

/// Replay `order` on one register and say whether every read returns what it saw.
fn replays(ops: &[Operation], order: &[usize]) -> bool {
    let mut value: Option<String> = None;
    for &i in order {
        let o = &ops[i];
        match (&o.kind, &o.result) {
            (OpKind::Read, OpResult::Ok { value: seen }) if *seen != value => return false,
            (OpKind::Write { value: v }, _) => value = Some(v.clone()),
            (OpKind::Append { value: v }, _) => value = Some(format!("{}{v}", value.unwrap_or_default())),
            (OpKind::Cas { expected, new }, OpResult::Ok { .. }) if *expected == value => value = Some(new.clone()),
            (OpKind::Cas { .. }, OpResult::Ok { .. }) => return false,
            _ => {}
        }
    }
    true
}

/// Orders respect real time: nothing placed after an operation completed before it began.
fn respects_real_time(ops: &[Operation], order: &[usize]) -> bool {
    order.iter().enumerate().all(|(a, &i)| order[a + 1..].iter().all(|&j| ops[j].complete_us.is_none_or(|c| c >= ops[i].invoke_us)))
}

fn points_fit(chart: &Chart) {
    for order in &chart.orders {
        let mut prev = 0;
        for &b in order {
            let bar = &chart.bars[b as usize];
            let p = bar.point_us.expect("a bar in an order has a point");
            assert!(p >= bar.start_us, "{bar:?}");
            if bar.outcome == Outcome::Ok {
                assert!(p <= bar.end_us, "{bar:?}");
            }
            assert!(p >= prev, "points go forward in the order: {bar:?}");
            prev = p;
        }
    }
}

#[test]
fn a_concurrent_write_and_reads_are_drawn_in_the_order_found() {
    let ops = vec![
        write(1, "x", (0, 100), "1"),
        read(2, "x", (10, 30), None),
        read(3, "x", (40, 120), Some("1")),
        write(1, "y", (200, 210), "a"),
    ];
    let (verdict, chart) = chart(&ops);
    assert_eq!(verdict, Verdict::Linearizable);
    assert_eq!(chart.lanes, vec![1, 2, 3]);
    assert_eq!(chart.keys, vec!["x".to_string(), "y".to_string()]);
    let x = &chart.orders[0];
    let ops_in_order: Vec<usize> = x.iter().map(|&b| chart.bars[b as usize].op).collect();
    assert_eq!(ops_in_order, vec![1, 0, 2], "the read of nothing comes before the write, the read of 1 after it");
    assert!(chart.bars.iter().all(|b| b.mark == Mark::Linearized));
    points_fit(&chart);
    assert_eq!(chart.bars.iter().find(|b| b.op == 2).unwrap().label, "get x → 1");
}

#[test]
fn a_read_of_a_value_never_written_is_stuck_after_the_prefix() {
    let ops = vec![write(1, "x", (0, 10), "1"), read(2, "x", (20, 30), Some("7")), write(1, "x", (40, 50), "2")];
    let (verdict, chart) = chart(&ops);
    assert!(matches!(verdict, Verdict::NotLinearizable { .. }));
    let mark = |op: usize| chart.bars.iter().find(|b| b.op == op).unwrap().mark;
    assert_eq!(mark(0), Mark::Prefix);
    assert_eq!(mark(1), Mark::Stuck);
    assert_eq!(mark(2), Mark::Unreached);
    assert!(chart.orders[0].len() == 1, "only the prefix carries points");
    points_fit(&chart);
}

#[test]
fn failed_and_unknown_operations_are_told_apart() {
    let ops = vec![
        op(1, "x", OpKind::Write { value: "1".into() }, (0, Some(10)), OpResult::Fail),
        op(2, "x", OpKind::Write { value: "2".into() }, (5, Some(8)), OpResult::Unknown),
        op(3, "x", OpKind::Write { value: "3".into() }, (6, None), OpResult::Unknown),
        read(4, "x", (20, 30), Some("2")),
    ];
    let (verdict, chart) = chart(&ops);
    assert_eq!(verdict, Verdict::Linearizable);
    let bar = |op: usize| chart.bars.iter().find(|b| b.op == op).unwrap().clone();
    assert_eq!((bar(0).outcome, bar(0).mark), (Outcome::Fail, Mark::Left));
    assert_eq!(bar(1).outcome, Outcome::Unknown);
    assert_eq!(bar(1).mark, Mark::Linearized, "the read of 2 needs the unknown write of 2");
    assert_eq!(bar(2).outcome, Outcome::Pending);
    assert_eq!(bar(2).end_us, chart.end_us, "an open operation runs to the end of the history");
    points_fit(&chart);
}

#[test]
fn an_inconclusive_key_is_marked_unchecked() {
    let mut ops = Vec::new();
    for c in 0..12u64 {
        ops.push(op(c, "x", OpKind::Write { value: c.to_string() }, (0, None), OpResult::Unknown));
    }
    ops.push(read(99, "x", (10, 20), Some("never")));
    ops.push(write(98, "y", (0, 5), "a"));
    let (verdict, orders) = check_with_orders(&ops, Limits { max_steps_per_key: 5 });
    assert!(matches!(verdict, Verdict::Inconclusive { .. }), "{verdict:?}");
    let chart = Chart::new(&ops, &verdict, &orders);
    assert!(chart.bars.iter().filter(|b| chart.keys[b.key as usize] == "x").all(|b| b.mark == Mark::Unchecked));
    assert!(chart.bars.iter().filter(|b| chart.keys[b.key as usize] == "y").all(|b| b.mark == Mark::Linearized));
}

#[test]
fn the_checked_histories_in_the_test_folder_draw_with_their_verdicts() {
    for name in ["stale_read.edn", "cas_ok.edn", "kv_ok.json", "kv_bad.json", "register.log", "info_must_apply.edn"] {
        let text = std::fs::read_to_string(format!("tests/histories/{name}")).unwrap();
        let parsed = histories::parse(&text, None).unwrap();
        let ops = &parsed.operations;
        let (verdict, chart) = chart(ops);
        assert_eq!(verdict, check(ops, Limits::default()), "{name}: the same verdict as check");
        assert_eq!(chart.bars.len(), ops.len(), "{name}");
        points_fit(&chart);
        if let Verdict::NotLinearizable { failures } = &verdict {
            assert!(chart.bars.iter().any(|b| b.mark == Mark::Stuck) || failures.iter().all(|f| f.stuck.is_empty()), "{name}");
        }
    }
}

fn history(seed: u64, n: usize) -> Vec<Operation> {
    // A linearizable history by construction: each write takes effect at an instant inside
    // its bar and each read returns the value at an instant inside its bar.
    let mut rng = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move |m: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % m
    };
    let mut clock = [0u64; 6];
    let mut planned = Vec::new(); // (client, key, start, effect, end, writes)
    for _ in 0..n {
        let c = next(6);
        let start = clock[c as usize] + next(50);
        let effect = start + 1 + next(40);
        let end = effect + 1 + next(40);
        clock[c as usize] = end;
        planned.push((c, format!("k{}", next(3)), start, effect, end, next(2) == 0));
    }
    let mut ops = Vec::new();
    for (i, (c, key, start, effect, end, writes)) in planned.iter().enumerate() {
        if *writes {
            ops.push(write(*c, key, (*start, *end), &i.to_string()));
            continue;
        }
        let before = planned.iter().enumerate().filter(|(_, p)| p.5 && p.1 == *key && p.3 <= *effect);
        let Some((j, last)) = before.max_by_key(|(_, p)| p.3) else {
            ops.push(read(*c, key, (*start, *end), None));
            continue;
        };
        if last.3 < *effect {
            ops.push(read(*c, key, (*start, *end), Some(&j.to_string())));
        }
    }
    ops
}

#[test]
fn orders_found_replay_and_respect_real_time() {
    for seed in 1..40 {
        let ops = history(seed, 120);
        let (verdict, orders) = check_with_orders(&ops, Limits::default());
        assert_eq!(verdict, Verdict::Linearizable, "seed {seed}");
        assert_eq!(orders.iter().map(|(_, o)| o.len()).sum::<usize>(), ops.len(), "seed {seed}: every operation placed");
        for (key, order) in &orders {
            assert!(order.iter().all(|&i| ops[i].key == *key));
            assert!(replays(&ops, order), "seed {seed} key {key}: the order replays");
            assert!(respects_real_time(&ops, order), "seed {seed} key {key}: the order respects real time");
        }
        points_fit(&Chart::new(&ops, &verdict, &orders));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn the_window_finds_exactly_the_bars_a_full_scan_finds(seed in 1u64..10_000, from in 0u64..8_000, len in 0u64..3_000) {
        let mut ops = history(seed, 200);
        // Some operations left open to the end: the long bars.
        for o in ops.iter_mut().step_by(37) {
            o.result = OpResult::Unknown;
            o.complete_us = None;
        }
        let (verdict, orders) = check_with_orders(&ops, Limits::default());
        let chart = Chart::new(&ops, &verdict, &orders);
        let to = from + len;
        let mut got = chart.visible(from, to);
        got.sort_unstable();
        let want: Vec<u32> = (0..chart.bars.len() as u32)
            .filter(|&b| { let x = &chart.bars[b as usize]; x.start_us <= to && x.end_us.max(x.point_us.unwrap_or(0)) >= from })
            .collect();
        prop_assert_eq!(got, want);
    }
}
