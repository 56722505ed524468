//! Spark word count (Zaharia et al., NSDI 2012): exact-effect handler tests of the driver and
//! an executor, lineage recovery (§5.3) as scenario tests tagged with their sections, the
//! checkers each failing on their own mutation, and the presets pinned (each asserting what
//! its caption tells the student to watch).

use clusterlab::protocols::mapreduce::input::{self, Pairs};
use clusterlab::protocols::spark::{Record, Spark, SparkConfig, SparkMsg, SparkTimer, Stage, Task};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, Effect, History, LogWrite, NodeEnv, Out, Protocol, TraceKind};

fn node(id: u32, n: u32, config: &SparkConfig) -> Spark {
    Spark::new(NodeEnv { id, n }, config)
}

fn sends(out: &Out<Spark>) -> Vec<(u32, SparkMsg)> {
    out.effects().iter().filter_map(|e| if let Effect::Send { to, msg } = e { Some((*to, msg.clone())) } else { None }).collect()
}

fn heartbeat(app: u64, boot: u64) -> SparkMsg {
    SparkMsg::Heartbeat { app, boot, running: None, blocks: Vec::new() }
}

fn map_task(partition: u32, id: u32) -> Task {
    Task { stage: Stage::ShuffleMap, partition, id, stage_attempt: 1, recompute: false }
}

fn launched(out: &Out<Spark>) -> Vec<(u32, Stage, u32)> {
    sends(out).into_iter().filter_map(|(to, m)| if let SparkMsg::LaunchTask { task, .. } = m { Some((to, task.stage, task.partition)) } else { None }).collect()
}

// §5.1: the driver records its application durably, submits stage 0 (the shuffle map
// stage: stage 1 needs the shuffle) and launches its partitions on executors as they register.
#[test]
fn the_driver_starts_durably_and_launches_stage_0_on_registered_executors() {
    let config = SparkConfig { partitions: 4, reduce_partitions: 2, ..SparkConfig::default() };
    let mut d = node(0, 3, &config);
    let mut out = Out::new(0);
    d.on_start(&mut out);
    assert_eq!(out.effects()[0], Effect::Write(LogWrite::Append(Record::App(1))));
    assert_eq!(out.effects()[1], Effect::Sync, "the application's number is on disk before any message");
    assert!(launched(&out).is_empty(), "no executor has registered yet");
    let mut out = Out::new(10);
    d.on_message(2, heartbeat(0, 1), &mut out);
    assert_eq!(sends(&out)[0], (2, SparkMsg::HeartbeatResponse { app: 1 }));
    assert_eq!(launched(&out), [(2, Stage::ShuffleMap, 0)]);
    let mut out = Out::new(20);
    d.on_message(1, heartbeat(1, 1), &mut out);
    assert_eq!(launched(&out), [(1, Stage::ShuffleMap, 1)]);
}

// §5.1: a shuffle map task computes its partition through the lineage (textFile, flatMap,
// map, map-side combine) in time proportional to its bytes, keeps its R blocks and reports
// a MapStatus with their sizes.
#[test]
fn a_shuffle_map_task_writes_r_blocks_by_the_partitioner_then_reports() {
    let config = SparkConfig { partitions: 2, reduce_partitions: 3, ..SparkConfig::default() };
    let mut e = node(1, 3, &config);
    let mut out = Out::new(0);
    e.on_message(0, SparkMsg::LaunchTask { app: 1, task: map_task(1, 7), reduce_partitions: 3, locations: Vec::new() }, &mut out);
    let inp = config.input();
    let want = input::map_split(&inp.splits[1].words, 3, input::Combiner::Sum, None);
    let written: u64 = want.iter().map(|p| input::pairs_bytes(p)).sum();
    let work = (inp.splits[1].bytes + written) * 1_000 / config.executor_bytes_per_ms;
    assert_eq!(out.effects(), [Effect::SetTimer { timer: SparkTimer::Work(map_task(1, 7)), min_us: work, max_us: work }]);
    let mut out = Out::new(work);
    e.on_timer(SparkTimer::Work(map_task(1, 7)), &mut out);
    let sizes = want.iter().map(|p| input::pairs_bytes(p)).collect();
    assert_eq!(sends(&out), [(0, SparkMsg::MapStatus { app: 1, task: map_task(1, 7), sizes })]);
    assert_eq!(e.as_executor().unwrap().outputs[&1].blocks, want);
}

// Spark's shuffle read: a holder that says NoBlock (its files are gone) fails the task with
// FetchFailed at once; the driver unregisters that executor's outputs, fails stage 1 and
// resubmits after the delay, stage 0 first (§5.3: only the missing partitions).
#[test]
fn a_missing_block_fails_the_task_and_the_driver_resubmits_the_map_stage() {
    let config = SparkConfig { partitions: 2, reduce_partitions: 1, ..SparkConfig::default() };
    let mut e = node(1, 3, &config);
    let task = Task { stage: Stage::Result, partition: 0, id: 5, stage_attempt: 1, recompute: false };
    let mut out = Out::new(0);
    e.on_message(0, SparkMsg::LaunchTask { app: 1, task, reduce_partitions: 1, locations: vec![Some(2), Some(1)] }, &mut out);
    let asked: Vec<(u32, SparkMsg)> = sends(&out);
    assert_eq!(asked, [(2, SparkMsg::FetchBlock { app: 1, map: 0, reduce: 0 }), (1, SparkMsg::FetchBlock { app: 1, map: 1, reduce: 0 })]);
    let mut out = Out::new(10);
    e.on_message(2, SparkMsg::NoBlock { app: 1, map: 0, reduce: 0 }, &mut out);
    assert_eq!(sends(&out), [(0, SparkMsg::FetchFailed { app: 1, task, map: 0, from: 2 })]);
    assert!(e.as_executor().unwrap().running.is_none());

    // The driver: map output 0 on n2 and 1 on n1, and stage 1's task on n1.
    let mut d = node(0, 3, &config);
    let mut out = Out::new(0);
    d.on_start(&mut out);
    d.on_message(2, heartbeat(1, 1), &mut Out::new(1));
    d.on_message(1, heartbeat(1, 1), &mut Out::new(1));
    d.on_message(2, SparkMsg::MapStatus { app: 1, task: map_task(0, 0), sizes: vec![10] }, &mut Out::new(2));
    let mut out = Out::new(2);
    d.on_message(1, SparkMsg::MapStatus { app: 1, task: map_task(1, 1), sizes: vec![10] }, &mut out);
    assert_eq!(d.as_driver().unwrap().stage, Some(Stage::Result));
    assert_eq!(launched(&out), [(1, Stage::Result, 0)]);
    let task = Task { id: 2, ..task };
    let mut out = Out::new(100);
    d.on_message(1, SparkMsg::FetchFailed { app: 1, task, map: 0, from: 2 }, &mut out);
    let dr = d.as_driver().unwrap();
    assert_eq!(dr.stage, None);
    assert_eq!(dr.resubmit_at, Some(100 + config.resubmit_delay_us));
    assert!(dr.maps[0].output.is_none() && dr.maps[1].output.is_some(), "n2's output unregistered, n1's kept");
    let mut out = Out::new(100 + config.resubmit_delay_us);
    d.on_timer(SparkTimer::Tick, &mut out);
    let l: Vec<(u32, Stage, u32)> = launched(&out);
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].1, l[0].2), (Stage::ShuffleMap, 0), "only the missing partition runs again");
    assert!(sends(&out).iter().any(|(_, m)| matches!(m, SparkMsg::LaunchTask { task, .. } if task.recompute)), "a recomputation from lineage");
}

fn run(name: &str, until_us: u64) -> History<Spark> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<Spark>(&s, true).expect("preset builds")
}

fn driver(h: &History<Spark>) -> &clusterlab::protocols::spark::driver::Driver {
    h.sim().node(0).and_then(Spark::as_driver).expect("the driver is up")
}

fn notes<'a>(h: &'a History<Spark>, what: &'a str) -> impl Iterator<Item = u64> + 'a {
    h.trace().iter().filter(move |r| matches!(&r.kind, TraceKind::Note { text } if text.contains(what))).map(|r| r.time_us)
}

#[track_caller]
fn clean(h: &History<Spark>, hash: &str) {
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
    assert_eq!(Spark::check_liveness(h.sim().nodes()), Ok(()));
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
}

#[track_caller]
fn caught(h: &History<Spark>, property: &str, hash: &str) {
    assert!(h.sim().violations().iter().any(|v| v.property == property), "{property} not caught: {:?}", h.sim().violations().first());
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed");
}

#[test]
fn a_clean_word_count_equals_the_sequential_count_and_stage_1_waits_for_stage_0() {
    let h = run("spark-word-count", 5_000_000);
    let d = driver(&h);
    let want = input::expected(&h.sim().node(0).unwrap().config.input(), 3);
    let got: Vec<Pairs> = d.output().into_iter().map(|p| p.expect("committed").clone()).collect();
    assert_eq!(got, want);
    assert_eq!(d.stage_attempts, [1, 1]);
    let stage1 = notes(&h, "stage 1 (result stage) attempt 1").next().expect("stage 1 submitted");
    let last_map = h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Deliver { kind, .. } if *kind == "MapStatus")).map(|r| r.time_us).max().unwrap();
    assert_eq!(stage1, last_map, "stage 1 is submitted when the last map output is registered");
    clean(&h, "d4a90ee8c11f8828");
}

// §5.3: a lost partition is recomputed from lineage (its textFile split, flatMap, map), only
// the missing partitions, and the output is still the sequential count.
#[test]
fn section_5_3_an_executors_lost_partitions_are_recomputed_from_lineage() {
    let h = run("spark-executor-lost", 5_000_000);
    let d = driver(&h);
    assert!(notes(&h, "unregistered: lost with n2").next().is_some());
    assert!(d.fetch_failures >= 1);
    assert!(d.recomputed >= 1 && (d.recomputed as usize) < d.maps.len(), "only the lost partitions: {}", d.recomputed);
    assert_eq!(d.stage_attempts[0], 2, "stage 0 resubmitted once");
    clean(&h, "4670169640ad3916");
}

#[test]
fn the_bug_presets_show_their_bug() {
    let h = run("spark-bug-no-recompute-lost-shuffle", 5_000_000);
    assert!(Spark::check_liveness(h.sim().nodes()).is_err(), "the job never finishes");
    assert!(driver(&h).stage_attempts[1] >= 3, "stage 1 resubmitted again and again");
    assert_eq!(hash_hex(h.sim().trace_hash()), "6b4a05ddb3ce433c", "trace hash changed");
    caught(&run("spark-bug-recompute-wrong-parent", 5_000_000), "Correct output", "3092ffc246edca8f");
    caught(&run("spark-bug-nondeterministic-flatmap", 5_000_000), "Correct output", "01c45d0a2684ab49");
    caught(&run("spark-bug-stage-partitioner-mismatch", 5_000_000), "Each partition committed once", "e2adbf3a71e6a271");
    caught(&run("spark-bug-commit-not-synced", 5_000_000), "Committed output durable", "0faae3338b241880");
}

mod mutations {
    use super::*;
    use clusterlab::protocols::spark::executor::{Running, ShuffleOutput, ShuffleRead};
    use clusterlab::protocols::spark::{Role, SparkChecker};
    use clusterlab::sim::{CheckCtx, Checker, Disk, DurableLog, Violation};

    fn config() -> SparkConfig {
        SparkConfig { words: 300, vocabulary: 40, partitions: 2, reduce_partitions: 2, ..SparkConfig::default() }
    }

    fn check(at: u32, disk: Disk<DurableLog<Record>>, edit: impl FnOnce(&mut [Option<Spark>])) -> Vec<String> {
        let c = config();
        let mut nodes: Vec<Option<Spark>> = (0..3).map(|id| Some(Spark::new(NodeEnv { id, n: 3 }, &c))).collect();
        edit(&mut nodes);
        let disks = vec![disk, Disk::new(), Disk::new()];
        let ctx = CheckCtx { event_index: 1, now_us: 1, nodes: &nodes, clocks: &[], disks: &disks, sent: &[], replies: &[], requests: &[], node: Some(at), restarted: false };
        let mut checker = SparkChecker::new(&c, 3);
        let mut out: Vec<Violation> = Vec::new();
        checker.check(&ctx, &mut out);
        out.into_iter().map(|v| v.property).collect()
    }

    fn driver(nodes: &mut [Option<Spark>]) -> &mut clusterlab::protocols::spark::driver::Driver {
        match &mut nodes[0].as_mut().unwrap().role {
            Role::Driver(d) => d,
            Role::Executor(_) => unreachable!(),
        }
    }

    fn executor(nodes: &mut [Option<Spark>], id: usize) -> &mut clusterlab::protocols::spark::executor::Executor {
        match &mut nodes[id].as_mut().unwrap().role {
            Role::Executor(e) => e,
            Role::Driver(_) => unreachable!(),
        }
    }

    fn expected() -> Vec<Pairs> {
        input::expected(&config().input(), 2)
    }

    #[test]
    fn a_committed_partition_with_one_count_off_fails_correct_output_only() {
        let mut wrong = expected()[0].clone();
        wrong[0].1 += 1;
        assert_eq!(check(0, Disk::new(), |n| driver(n).commits.push((1, 0, wrong))), ["Correct output"]);
        assert!(check(0, Disk::new(), |n| driver(n).commits.push((1, 0, expected()[0].clone()))).is_empty());
    }

    #[test]
    fn a_word_in_the_wrong_block_fails_one_partition_per_key_only() {
        let got = check(1, Disk::new(), |n| {
            let e = executor(n, 1);
            let mut blocks = expected();
            let moved = blocks[1].remove(0);
            blocks[0].push(moved);
            e.outputs.insert(0, ShuffleOutput { task: map_task(0, 0), blocks });
            e.outputs_written = 1;
        });
        assert_eq!(got, ["One partition per key"]);
    }

    #[test]
    fn a_second_commit_or_a_partition_never_committed_fails_committed_once_only() {
        let p = expected();
        assert_eq!(check(0, Disk::new(), |n| driver(n).commits.extend([(1, 1, p[1].clone()), (1, 1, p[1].clone())])), ["Each partition committed once"]);
        let synced = {
            let mut d = Disk::new();
            d.write(LogWrite::Append(Record::Commit { app: 1, partition: 0, output: p[0].clone() }));
            d.sync();
            d
        };
        let done_with_one = |n: &mut [Option<Spark>]| {
            let d = driver(n);
            d.commits.push((1, 0, p[0].clone()));
            d.result_partitions = 1;
            d.finished_us = Some(1);
        };
        assert_eq!(check(0, synced, done_with_one), ["Each partition committed once"], "the job reported done with partition 1 never committed");
    }

    #[test]
    fn a_reduce_with_a_block_missing_fails_reduce_after_all_blocks_only() {
        let got = check(2, Disk::new(), |n| {
            let task = Task { stage: Stage::Result, partition: 0, id: 4, stage_attempt: 1, recompute: false };
            let read = ShuffleRead { locations: vec![Some(1), Some(1)], blocks: vec![Some(vec![]), None], asks: vec![1, 1], heard: vec![], reducing: true };
            executor(n, 2).running = Some(Running { task, output: vec![], read: Some(read) });
        });
        assert_eq!(got, ["Reduce after all M blocks"]);
    }

    #[test]
    fn a_job_done_with_a_commit_not_on_disk_fails_committed_output_durable_only() {
        let e = expected();
        let done = |n: &mut [Option<Spark>]| {
            let d = driver(n);
            d.commits.extend([(1, 0, e[0].clone()), (1, 1, e[1].clone())]);
            d.finished_us = Some(1);
        };
        let mut one = Disk::new();
        one.write(LogWrite::Append(Record::Commit { app: 1, partition: 0, output: e[0].clone() }));
        one.sync();
        one.write(LogWrite::Append(Record::Commit { app: 1, partition: 1, output: e[1].clone() }));
        assert_eq!(check(0, one, done), ["Committed output durable"]);
    }
}

#[test]
fn bad_configurations_are_refused_with_a_clear_message() {
    use clusterlab::sim::ProtocolConfig;
    let ok = SparkConfig::default();
    assert_eq!(ok.validate(5), Ok(()));
    assert!(ok.validate(1).unwrap_err().contains("a driver (n0) and at least one executor"));
    let cases: [(SparkConfig, &str); 5] = [
        (SparkConfig { partitions: 0, ..SparkConfig::default() }, "partitions must be 1 to 256"),
        (SparkConfig { text: Some("w ".repeat(10_001)), ..SparkConfig::default() }, "at most 20000"),
        (SparkConfig { net_bytes_per_ms: 0, ..SparkConfig::default() }, "net_bytes_per_ms must be 1 to 10^9"),
        (SparkConfig { executor_timeout_us: 100_000, ..SparkConfig::default() }, "longer than heartbeat_interval_us"),
        (SparkConfig { max_fetch_retries: 0, ..SparkConfig::default() }, "max_fetch_retries must be 1 to 20"),
    ];
    for (c, why) in cases {
        let e = c.validate(5).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
    let s = clusterlab::scenario::Scenario { config: serde_json::json!({"partitions": 6, "shuffle": true}), ..clusterlab::scenario::Scenario::current("spark", 5, 1) };
    let e = clusterlab::scenario::build(&s, false).err().expect("an unknown field is refused");
    assert!(e.contains("shuffle"), "{e}");
}
