//! MapReduce (Dean & Ghemawat, OSDI 2004): exact-effect handler tests of the master and a
//! worker, the rules of §3.3 as scenario tests tagged with their sections, and the presets
//! pinned (each asserting what its caption tells the student to watch).

use clusterlab::protocols::mapreduce::input::{self, Pairs};
use clusterlab::protocols::mapreduce::master::TaskState;
use clusterlab::protocols::mapreduce::{Attempt, Kind, MapReduce, MapReduceConfig, MrMsg, MrTimer, Record};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, Effect, History, LogWrite, NodeEnv, Out, Present, Protocol, TraceKind};

fn node(id: u32, config: &MapReduceConfig) -> MapReduce {
    MapReduce::new(NodeEnv { id, n: 4 }, config)
}

fn sends(out: &Out<MapReduce>) -> Vec<(u32, MrMsg)> {
    out.effects().iter().filter_map(|e| if let Effect::Send { to, msg } = e { Some((*to, msg.clone())) } else { None }).collect()
}

fn map_run(task: u32, attempt: u32) -> Attempt {
    Attempt { kind: Kind::Map, task, attempt, first: true }
}

// §3.1 step 1-2 and §3.2: the master writes its job number durably, pings every worker and
// gives each idle worker a map task and a reduce task.
#[test]
fn the_master_starts_a_job_durably_then_pings_and_assigns() {
    let config = MapReduceConfig { map_tasks: 4, reduce_tasks: 2, ..MapReduceConfig::default() };
    let mut m = node(0, &config);
    let mut out = Out::new(0);
    m.on_start(&mut out);
    assert_eq!(out.effects()[0], Effect::Write(LogWrite::Append(Record::Job(1))));
    assert_eq!(out.effects()[1], Effect::Sync, "the job number is on disk before any message");
    let s = sends(&out);
    assert_eq!(s.iter().filter(|(_, m)| matches!(m, MrMsg::Ping { job: 1, seq: 1, .. })).count(), 3);
    let maps: Vec<(u32, u32)> = s.iter().filter_map(|(to, m)| match m { MrMsg::Assign { run, .. } if run.kind == Kind::Map => Some((*to, run.task)), _ => None }).collect();
    assert_eq!(maps, vec![(1, 0), (2, 1), (3, 2)]);
    let reduces: Vec<(u32, u32)> = s.iter().filter_map(|(to, m)| match m { MrMsg::Assign { run, .. } if run.kind == Kind::Reduce => Some((*to, run.task)), _ => None }).collect();
    assert_eq!(reduces, vec![(1, 0), (2, 1)]);
    assert!(out.effects().iter().any(|e| matches!(e, Effect::SetTimer { timer: MrTimer::Ping, min_us: 100_000, max_us: 100_000 })));
}

// §3.1 step 3-4, with the cost model: the map's work takes (split + output bytes) / speed;
// its R files are written when the work is done, then MapDone carries their sizes.
#[test]
fn a_worker_maps_its_split_in_time_proportional_to_its_bytes_then_writes_r_files() {
    let config = MapReduceConfig::default();
    let mut w = node(1, &config);
    let mut out = Out::new(0);
    w.on_start(&mut out);
    let mut out = Out::new(10);
    w.on_message(0, MrMsg::Assign { job: 1, run: map_run(2, 7), locations: vec![] }, &mut out);
    let inp = input::input(&config);
    let parts = input::map_split(&inp.splits[2].words, 3, input::Combiner::Sum, None);
    let bytes = inp.splits[2].bytes + parts.iter().map(|p| input::pairs_bytes(p)).sum::<u64>();
    let work_us = bytes * 1000 / config.worker_bytes_per_ms;
    assert_eq!(out.effects(), &[Effect::SetTimer { timer: MrTimer::Work(map_run(2, 7)), min_us: work_us, max_us: work_us }]);
    let mut out = Out::new(10 + work_us);
    w.on_timer(MrTimer::Work(map_run(2, 7)), &mut out);
    let sizes: Vec<u64> = parts.iter().map(|p| input::pairs_bytes(p)).collect();
    assert_eq!(sends(&out), vec![(0, MrMsg::MapDone { job: 1, run: map_run(2, 7), sizes })]);
    assert_eq!(w.as_worker().unwrap().files[&2].parts, parts);
}

// §3.1 step 5: a reduce worker fetches its partition from the map worker's disk; a worker
// that holds no such output (it restarted) says so.
#[test]
fn a_map_worker_serves_a_piece_over_its_link_or_says_it_is_gone() {
    let config = MapReduceConfig::default();
    let mut w = node(2, &config);
    w.on_start(&mut Out::new(0));
    w.on_message(0, MrMsg::Ping { job: 1, seq: 1, locations: vec![] }, &mut Out::new(0));
    let mut out = Out::new(5);
    w.on_message(3, MrMsg::Fetch { job: 1, map: 0, partition: 1 }, &mut out);
    assert_eq!(sends(&out), vec![(3, MrMsg::NoPiece { job: 1, map: 0, partition: 1 })]);
    w.on_message(0, MrMsg::Assign { job: 1, run: map_run(0, 0), locations: vec![] }, &mut Out::new(5));
    w.on_timer(MrTimer::Work(map_run(0, 0)), &mut Out::new(500_000));
    let mut out = Out::new(600_000);
    w.on_message(3, MrMsg::Fetch { job: 1, map: 0, partition: 1 }, &mut out);
    let piece: Pairs = w.as_worker().unwrap().files[&0].parts[1].clone();
    let send_us = input::pairs_bytes(&piece) * 1000 / config.net_bytes_per_ms;
    assert_eq!(out.effects(), &[Effect::SetTimer { timer: MrTimer::Send, min_us: send_us, max_us: send_us }]);
    let mut out = Out::new(600_000 + send_us);
    w.on_timer(MrTimer::Send, &mut out);
    assert_eq!(sends(&out), vec![(3, MrMsg::Piece { job: 1, map: 0, partition: 1, pairs: piece })]);
}

// §3.1 step 5-6: the reduce runs only once all M pieces are in.
#[test]
fn a_reduce_waits_for_all_m_pieces() {
    let config = MapReduceConfig { map_tasks: 2, reduce_tasks: 1, ..MapReduceConfig::default() };
    let mut w = node(1, &config);
    w.on_start(&mut Out::new(0));
    let run = Attempt { kind: Kind::Reduce, task: 0, attempt: 3, first: true };
    let mut out = Out::new(0);
    w.on_message(0, MrMsg::Assign { job: 1, run, locations: vec![(0, 2)] }, &mut out);
    assert_eq!(sends(&out), vec![(2, MrMsg::Fetch { job: 1, map: 0, partition: 0 })]);
    let piece = vec![("the".to_string(), 3)];
    let mut out = Out::new(10);
    w.on_message(2, MrMsg::Piece { job: 1, map: 0, partition: 0, pairs: piece.clone() }, &mut out);
    assert!(!out.effects().iter().any(|e| matches!(e, Effect::SetTimer { timer: MrTimer::Work(_), .. })), "one of two pieces: no reduce yet");
    let mut out = Out::new(20);
    w.on_message(0, MrMsg::Location { job: 1, map: 1, worker: 3 }, &mut out);
    assert_eq!(sends(&out), vec![(3, MrMsg::Fetch { job: 1, map: 1, partition: 0 })]);
    let mut out = Out::new(30);
    w.on_message(3, MrMsg::Piece { job: 1, map: 1, partition: 0, pairs: vec![("a".into(), 1), ("the".into(), 2)] }, &mut out);
    assert!(out.effects().iter().any(|e| matches!(e, Effect::SetTimer { timer: MrTimer::Work(r), .. } if *r == run)));
    let mut out = Out::new(1_000_000);
    w.on_timer(MrTimer::Work(run), &mut out);
    assert_eq!(sends(&out), vec![(0, MrMsg::ReduceDone { job: 1, run, output: vec![("a".into(), 1), ("the".into(), 5)] })]);
}

fn run(name: &str, until_us: u64) -> History<MapReduce> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<MapReduce>(&s, true).expect("preset builds")
}

fn master(h: &History<MapReduce>) -> &clusterlab::protocols::mapreduce::master::Master {
    h.sim().node(0).and_then(MapReduce::as_master).expect("the master is up")
}

fn notes<'a>(h: &'a History<MapReduce>, what: &'a str) -> impl Iterator<Item = u64> + 'a {
    h.trace().iter().filter(move |r| matches!(&r.kind, TraceKind::Note { text } if text.contains(what))).map(|r| r.time_us)
}

fn done_ms(h: &History<MapReduce>) -> u64 {
    let m = master(h);
    (m.finished_us.expect("the job is done") - m.started_us) / 1000
}

#[track_caller]
fn clean(h: &History<MapReduce>, hash: &str) {
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
    assert_eq!(MapReduce::check_liveness(h.sim().nodes()), Ok(()));
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed (links to this preset would replay differently)");
}

#[track_caller]
fn caught(h: &History<MapReduce>, property: &str, hash: &str) {
    assert!(h.sim().violations().iter().any(|v| v.property == property), "{property} not caught: {:?}", h.sim().violations().first());
    assert_eq!(hash_hex(h.sim().trace_hash()), hash, "trace hash changed");
}

#[test]
fn a_clean_word_count_equals_the_sequential_count() {
    let h = run("mapreduce-word-count", 6_000_000);
    let m = master(&h);
    let want = input::expected(&input::input(&h.sim().node(0).unwrap().config), 3);
    let got: Vec<Pairs> = m.output().into_iter().map(|p| p.expect("committed").clone()).collect();
    assert_eq!(got, want);
    assert!(notes(&h, "backup execution").count() >= 1, "backups near the end of a phase (§3.6)");
    clean(&h, "bb9ba914820bbab0");
}

#[test]
fn chinese_text_is_counted_character_by_character() {
    let h = run("mapreduce-chinese", 6_000_000);
    let m = master(&h);
    let words: Vec<&String> = m.output().into_iter().flatten().flatten().map(|(w, _)| w).collect();
    assert!(words.iter().all(|w| w.chars().count() == 1), "one CJK character per word");
    assert!(words.iter().any(|w| w.as_str() == "的"));
    clean(&h, "fe94a563921cdb44");
}

// §3.3 "Worker Failure": completed map tasks of a failed worker are reset to idle and run
// again, because their output is on its local disk; the job still finishes.
#[test]
fn section_3_3_a_failed_workers_completed_maps_run_again() {
    let h = run("mapreduce-worker-dies-after-maps", 8_000_000);
    assert_eq!(notes(&h, "n3 marked failed").collect::<Vec<_>>(), vec![1_200_000]);
    assert!(notes(&h, "completed map output lost: m2").count() == 1);
    let m = master(&h);
    assert_eq!(m.maps[2].state, TaskState::Completed);
    assert_ne!(m.maps[2].done_by.map(|d| d.0), Some(3), "m2 now comes from a live worker");
    assert!(m.maps[2].attempts >= 2);
    assert!(m.reduces[2].attempts >= 2, "n3's in-progress reduce went back to idle");
    // Figure 3(c): the worker's death shows as a negative input rate (completed map work gone).
    let plot = MapReduce::overlay(h.sim().nodes(), h.sim().now_us()).plots.remove(0);
    let input = plot.series.iter().find(|s| s.name == "map input").unwrap();
    assert!(input.points.iter().any(|p| p.1 < 0.0), "{:?}", input.points);
    clean(&h, "c90fc8beb00dc18b");
}

// §3.6: a straggler at a tenth of its speed; a backup execution finishes its map.
#[test]
fn section_3_6_a_backup_task_rescues_a_straggler() {
    let with = run("mapreduce-straggler-backup", 10_000_000);
    let without = run("mapreduce-straggler-no-backup", 10_000_000);
    assert_ne!(master(&with).maps[4].done_by.map(|d| d.0), Some(5), "the backup finished m4 first");
    assert_eq!(master(&without).maps[4].done_by.map(|d| d.0), Some(5));
    assert!(done_ms(&with) * 10 < done_ms(&without) * 6, "{} ms with backups, {} without", done_ms(&with), done_ms(&without));
    clean(&with, "7184fbba502c5e11");
    clean(&without, "dbec44c90e217008");
}

// §3.3: the atomic rename keeps one execution's output; a late done is ignored.
#[test]
fn section_3_3_a_late_done_for_a_committed_partition_is_ignored() {
    let h = run("mapreduce-late-done", 6_000_000);
    assert_eq!(master(&h).commits.iter().filter(|c| c.1 == 2).count(), 1);
    assert!(h.trace().iter().any(|r| r.time_us > 4_000_000 && r.node == Some(0) && matches!(&r.kind, TraceKind::Deliver { kind: "ReduceDone", .. })));
    clean(&h, "be58871635888b4b");
}

#[test]
fn the_bug_presets_show_their_bug() {
    let h = run("mapreduce-bug-no-reexecute-completed-maps", 20_000_000);
    assert!(!master(&h).done(), "r2 waits for ever for m2's piece on the dead n3");
    assert!(MapReduce::check_liveness(h.sim().nodes()).is_err());
    assert_eq!(hash_hex(h.sim().trace_hash()), "b2834e58ad21a325", "trace hash changed");
    caught(&run("mapreduce-bug-nondeterministic-map", 8_000_000), "Correct output", "a2f4fde0ad294893");
    caught(&run("mapreduce-bug-averaging-combiner", 6_000_000), "Correct output", "74fa9cafe8c12bb3");
    caught(&run("mapreduce-bug-salted-partitioner", 6_000_000), "One partition per key", "458b23abc248f854");
    caught(&run("mapreduce-bug-commit-late-done", 6_000_000), "Each partition committed once", "4e967b41eeec0225");
    caught(&run("mapreduce-bug-commit-not-synced", 6_000_000), "Committed output durable", "d2effc158cb93d66");
}

// ---- Checkers, each shown a mutation only it catches (DESIGN.md, Checks) -------------------

mod mutations {
    use super::*;
    use clusterlab::protocols::mapreduce::worker::{MapFile, ReduceRun};
    use clusterlab::protocols::mapreduce::{MapReduceChecker, Role};
    use clusterlab::sim::{CheckCtx, Checker, Disk, DurableLog, Violation};

    fn config() -> MapReduceConfig {
        MapReduceConfig { words: 300, vocabulary: 40, map_tasks: 2, reduce_tasks: 2, ..MapReduceConfig::default() }
    }

    /// A master and two workers, fresh; `edit` changes them before the check.
    fn check(at: u32, disk: Disk<DurableLog<Record>>, edit: impl FnOnce(&mut [Option<MapReduce>])) -> Vec<String> {
        let c = config();
        let mut nodes: Vec<Option<MapReduce>> = (0..3).map(|id| Some(MapReduce::new(NodeEnv { id, n: 3 }, &c))).collect();
        edit(&mut nodes);
        let disks = vec![disk, Disk::new(), Disk::new()];
        let ctx = CheckCtx { event_index: 1, now_us: 1, nodes: &nodes, clocks: &[], disks: &disks, sent: &[], replies: &[], requests: &[], node: Some(at), restarted: false };
        let mut checker = MapReduceChecker::new(&c, 3);
        let mut out: Vec<Violation> = Vec::new();
        checker.check(&ctx, &mut out);
        out.into_iter().map(|v| v.property).collect()
    }

    fn master(nodes: &mut [Option<MapReduce>]) -> &mut clusterlab::protocols::mapreduce::master::Master {
        match &mut nodes[0].as_mut().unwrap().role {
            Role::Master(m) => m,
            Role::Worker(_) => unreachable!(),
        }
    }

    fn worker(nodes: &mut [Option<MapReduce>], id: usize) -> &mut clusterlab::protocols::mapreduce::worker::Worker {
        match &mut nodes[id].as_mut().unwrap().role {
            Role::Worker(w) => w,
            Role::Master(_) => unreachable!(),
        }
    }

    fn expected() -> Vec<Pairs> {
        input::expected(&input::input(&config()), 2)
    }

    fn synced(records: Vec<Record>) -> Disk<DurableLog<Record>> {
        let mut d = Disk::new();
        for r in records {
            d.write(LogWrite::Append(r));
        }
        d.sync();
        d
    }

    #[test]
    fn a_committed_partition_with_one_count_off_fails_correct_output_only() {
        let mut wrong = expected()[0].clone();
        wrong[0].1 += 1;
        let got = check(0, Disk::new(), |n| master(n).commits.push((1, 0, wrong)));
        assert_eq!(got, ["Correct output"]);
        let got = check(0, Disk::new(), |n| master(n).commits.push((1, 0, expected()[0].clone())));
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn a_word_in_the_wrong_partition_file_fails_one_partition_per_key_only() {
        let got = check(1, Disk::new(), |n| {
            let w = worker(n, 1);
            let mut parts = expected();
            let moved = parts[1].remove(0);
            parts[0].push(moved);
            w.files.insert(0, MapFile { run: map_run(0, 0), parts });
            w.files_written = 1;
        });
        assert_eq!(got, ["One partition per key"]);
    }

    #[test]
    fn a_second_commit_of_a_partition_fails_committed_once_only() {
        let p = expected()[1].clone();
        let got = check(0, Disk::new(), |n| master(n).commits.extend([(1, 1, p.clone()), (1, 1, p.clone())]));
        assert_eq!(got, ["Each partition committed once"]);
        let got = check(0, Disk::new(), |n| master(n).commits.extend([(1, 1, p.clone()), (2, 1, p.clone())]));
        assert!(got.is_empty(), "another job's commit of the same partition is not a second one: {got:?}");
    }

    #[test]
    fn a_reduce_running_with_a_piece_missing_fails_reduce_after_all_pieces_only() {
        let got = check(2, Disk::new(), |n| {
            let run = Attempt { kind: Kind::Reduce, task: 0, attempt: 4, first: true };
            worker(n, 2).reduce = Some(ReduceRun { run, locations: vec![Some(1), None], pieces: vec![Some(vec![]), None], reducing: true, started_us: 0 });
        });
        assert_eq!(got, ["Reduce after all M pieces"]);
    }

    #[test]
    fn a_job_done_with_a_commit_not_on_disk_fails_committed_output_durable_only() {
        let e = expected();
        let done = |n: &mut [Option<MapReduce>]| {
            let m = master(n);
            m.commits.extend([(1, 0, e[0].clone()), (1, 1, e[1].clone())]);
            m.reduces.iter_mut().for_each(|t| t.state = TaskState::Completed);
            m.finished_us = Some(1);
        };
        let one = synced(vec![Record::Job(1), Record::Commit { job: 1, partition: 0, output: e[0].clone() }]);
        assert_eq!(check(0, one, done), ["Committed output durable"]);
        let both = synced(vec![Record::Job(1), Record::Commit { job: 1, partition: 0, output: e[0].clone() }, Record::Commit { job: 1, partition: 1, output: e[1].clone() }]);
        assert!(check(0, both, done).is_empty());
    }
}

// §3.3 "Master Failure": the job is lost with the master; here the restarted master runs it
// again under the next job number (from its disk), and the workers drop the old job's work.
#[test]
fn section_3_3_a_restarted_master_runs_the_job_again_as_the_next_job() {
    use clusterlab::sim::{Fault, TimedFault};
    let mut s = (presets::find("mapreduce-word-count").unwrap().build)();
    s.faults = vec![
        TimedFault { at_us: 900_000, after_event: None, fault: Fault::CrashLoseUnsynced { node: 0 } },
        TimedFault { at_us: 1_300_000, after_event: None, fault: Fault::Restart { node: 0 } },
    ];
    s.playhead_us = 8_000_000;
    let h = build_typed::<MapReduce>(&s, true).unwrap();
    let m = master(&h);
    assert_eq!(m.job, 2, "job 1 was lost; job 2 is the retry");
    assert!(m.done());
    assert!(m.commits.iter().all(|c| c.0 == 2), "job 1 had committed nothing before the crash");
    assert!(notes(&h, "job 2 replaces job 1").count() >= 1, "workers drop job 1's work");
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations().first());
}
