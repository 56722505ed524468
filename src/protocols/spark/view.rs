//! How Spark is drawn (Zaharia et al., NSDI 2012, Figure 5: the lineage graph cut into
//! stages at the shuffle): the driver apart from the executors; the lineage graph with each
//! RDD's stage, its dependency on its parent (narrow or shuffle) and which partitions are
//! materialized, being computed or lost; the stages with their attempts; each executor's
//! task and the shuffle outputs it holds; the shuffle read as an M × R matrix; the committed
//! output and the word count.

use super::driver::Driver;
use super::executor::Executor;
use super::msg::Stage;
use super::node::{Role, Spark};
use crate::protocols::mapreduce::input::pairs_bytes;
use crate::sim::view::Overlay;
use crate::sim::{Dataset, Lineage, NodeView, PartitionView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &Spark) -> RoleView {
    match &n.role {
        Role::Driver(d) if d.done() => RoleView::new("driver (job done)", Tone::Settled),
        Role::Driver(_) => RoleView::new("driver", Tone::Leading),
        Role::Executor(e) => match &e.running {
            Some(r) if r.read.as_ref().is_some_and(|read| read.reducing) => RoleView::new("reducing", Tone::Contending),
            Some(r) if r.read.is_some() => RoleView::new("shuffle read", Tone::Transient),
            Some(_) => RoleView::new("shuffle map task", Tone::Contending),
            None => RoleView::new("idle executor", Tone::Neutral),
        },
    }
}

fn stage_text(d: &Driver) -> String {
    match (d.stage, d.resubmit_at) {
        _ if d.done() => "done".into(),
        (Some(s), _) => format!("stage {} attempt {}", s.number(), d.stage_attempts[s.number() as usize]),
        (None, Some(at)) => format!("resubmitting at {} ms", at / 1000),
        (None, None) => String::new(),
    }
}

pub fn node_view(n: &Spark) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Driver(d) => {
            v.term = Some(d.app);
            v.fields.push(("running".into(), stage_text(d)));
            let available = d.maps.iter().filter(|m| m.output.is_some()).count();
            v.fields.push(("map outputs".into(), format!("{available} of {} available", d.maps.len())));
            let committed = d.results.iter().take(d.result_partitions as usize).filter(|r| r.committed.is_some()).count();
            v.fields.push(("result partitions".into(), format!("{committed} of {} committed", d.result_partitions)));
            let lost: Vec<String> = d.executors.iter().enumerate().skip(1).filter(|(_, e)| e.lost).map(|(i, _)| format!("n{i}")).collect();
            v.fields.push(("lost executors".into(), lost.join(", ")));
            v.fields.push(("partitions recomputed".into(), d.recomputed.to_string()));
            v.fields.push(("fetch failures".into(), d.fetch_failures.to_string()));
            if let Some(end) = d.finished_us {
                v.fields.push(("completion time".into(), format!("{} ms", (end - d.started_us) / 1000)));
            }
            v.tables.push(lineage_table(d));
        }
        Role::Executor(e) => {
            v.term = Some(e.app);
            v.fields.push(("task".into(), e.running.as_ref().map(|r| task_text(r)).unwrap_or_default()));
            v.fields.push(("shuffle outputs".into(), outputs_text(e)));
            let link = e.sending.map(|(to, m, p)| format!("block ({m}, {p}) to n{to}, {} waiting", e.queue.len()));
            v.fields.push(("link".into(), link.unwrap_or_default()));
        }
    }
    v
}

fn task_text(r: &super::executor::Running) -> String {
    match &r.read {
        Some(read) if read.reducing => format!("{}: reducing", r.task.label()),
        Some(read) => format!("{}: {} of {} blocks", r.task.label(), read.fetched(), read.blocks.len()),
        None => r.task.label(),
    }
}

fn outputs_text(e: &Executor) -> String {
    e.outputs.iter().map(|(p, o)| format!("map {p} ({} B)", o.blocks.iter().map(|b| pairs_bytes(b)).sum::<u64>())).collect::<Vec<_>>().join(", ")
}

fn list(v: Vec<String>) -> String {
    v.join(", ")
}

/// The lineage graph (Figure 5's shape): one row per RDD, its stage, its dependency on the
/// row above, and its partitions materialized, being computed, or lost (computed once, the
/// output gone with an executor, not yet recomputed).
pub fn lineage_table(d: &Driver) -> TableView {
    let m = d.maps.len();
    let pipelined = format!("pipelined in stage 0, not stored ({m} partitions)");
    let computing: Vec<String> = (0..m).filter(|p| !d.maps[*p].running.is_empty()).map(|p| format!("{p} on n{}", d.maps[p].running[0].1)).collect();
    let shuffle_out: Vec<String> = (0..m).filter_map(|p| d.maps[p].output.as_ref().map(|o| format!("{p} on n{}", o.0))).collect();
    let lost: Vec<String> = (0..m).filter(|p| d.maps[*p].output.is_none() && d.maps[*p].computed_before).map(|p| p.to_string()).collect();
    let r = d.result_partitions as usize;
    let committed: Vec<String> = (0..r).filter_map(|p| d.results[p].committed.map(|(e, _)| format!("{p} by n{e}"))).collect();
    let reducing: Vec<String> = (0..r).filter(|p| !d.results[*p].running.is_empty()).map(|p| format!("{p} on n{}", d.results[p].running[0].1)).collect();
    let rows = vec![
        vec!["textFile".into(), "0".into(), "input splits".into(), format!("all {m} (stable storage)"), String::new(), String::new()],
        vec!["flatMap(split)".into(), "0".into(), "narrow".into(), pipelined.clone(), String::new(), String::new()],
        vec!["map((w, 1))".into(), "0".into(), "narrow".into(), list(shuffle_out), list(computing), list(lost)],
        vec!["reduceByKey(+)".into(), "1".into(), "shuffle".into(), list(committed), list(reducing), String::new()],
    ];
    let headers = ["RDD", "stage", "dependency", "materialized", "computing", "lost"].map(String::from).to_vec();
    TableView { title: "lineage graph".into(), headers, rows }
}

fn part(state: &str, label: String) -> PartitionView {
    PartitionView { state: state.into(), label }
}

/// The lineage graph drawn: textFile's splits on stable storage; flatMap's partitions
/// pipelined (never stored); map's partitions with their shuffle output materialized on an
/// executor, being computed, lost or not yet computed; reduceByKey's partitions committed,
/// being computed, or not yet.
pub fn lineage(d: &Driver) -> Lineage {
    let m = d.maps.len();
    let map_part = |p: usize| {
        let mp = &d.maps[p];
        match (&mp.output, mp.running.first()) {
            (Some((e, _)), _) => part("materialized", format!("n{e}")),
            (None, Some((_, e))) => part("computing", format!("n{e}")),
            (None, None) if mp.computed_before => part("lost", String::new()),
            (None, None) => part("missing", String::new()),
        }
    };
    let result_part = |p: usize| {
        let r = &d.results[p];
        match (r.committed, r.running.first()) {
            (Some((e, _)), _) => part("committed", format!("n{e}")),
            (None, Some((_, e))) => part("computing", format!("n{e}")),
            (None, None) => part("missing", String::new()),
        }
    };
    let dataset = |name: &str, dependency: &str, partitions: Vec<PartitionView>| Dataset { name: name.into(), dependency: dependency.into(), partitions };
    Lineage {
        title: "lineage graph".into(),
        datasets: vec![
            dataset("textFile", "", (0..m).map(|_| part("stored", String::new())).collect()),
            dataset("flatMap(split)", "narrow", (0..m).map(|_| part("pipelined", String::new())).collect()),
            dataset("map((w, 1))", "narrow", (0..m).map(map_part).collect()),
            dataset("reduceByKey(+)", "shuffle", (0..d.result_partitions as usize).map(result_part).collect()),
        ],
        stages: vec![("stage 0".into(), 0, 2), ("stage 1".into(), 3, 3)],
    }
}

/// The stages and their attempts; stage 0 names `reduceByKey`'s map-side combine when it runs.
fn stages_table(d: &Driver, combine: bool) -> TableView {
    let row = |s: Stage, name: &str, tasks: usize, missing: usize| {
        let state = match d.stage {
            _ if d.done() => "done",
            Some(x) if x == s => "running",
            _ if missing == 0 => "available",
            _ => "waiting",
        };
        vec![format!("stage {}", s.number()), name.to_string(), state.into(), d.stage_attempts[s.number() as usize].to_string(), format!("{} of {tasks}", tasks - missing)]
    };
    let maps_missing = d.maps.iter().filter(|m| m.output.is_none()).count();
    let r = d.result_partitions as usize;
    let results_missing = d.results.iter().take(r).filter(|x| x.committed.is_none()).count();
    let map_side = if combine { "textFile → flatMap → map → combine (shuffle write)" } else { "textFile → flatMap → map (shuffle write)" };
    let rows = vec![row(Stage::ShuffleMap, map_side, d.maps.len(), maps_missing), row(Stage::Result, "shuffle read → reduceByKey", r, results_missing)];
    let headers = ["stage", "computes", "state", "attempts", "partitions done"].map(String::from).to_vec();
    TableView { title: "stages".into(), headers, rows }
}

/// The shuffle read: for each map output (rows) and result partition (columns), whether
/// the result task holds that block (✓) or the partition is committed.
fn shuffle_table(nodes: &[Option<Spark>], d: &Driver) -> TableView {
    let r = d.result_partitions as usize;
    let mut cells = vec![vec![String::new(); r]; d.maps.len()];
    for e in nodes.iter().flatten().filter_map(Spark::as_executor).filter(|e| e.app == d.app) {
        let Some((task, read)) = e.running.as_ref().and_then(|x| x.read.as_ref().map(|read| (x.task, read))) else { continue };
        for (map, block) in read.blocks.iter().enumerate() {
            if block.is_some() && (task.partition as usize) < r && map < cells.len() {
                cells[map][task.partition as usize] = "✓".into();
            }
        }
    }
    for (p, res) in d.results.iter().take(r).enumerate() {
        if res.committed.is_some() {
            cells.iter_mut().for_each(|row| row[p] = "✓".into());
        }
    }
    let rows = cells.into_iter().enumerate().map(|(i, row)| std::iter::once(format!("m{i}")).chain(row).collect()).collect();
    let headers = std::iter::once("map output".to_string()).chain((0..r).map(|p| format!("r{p}"))).collect();
    TableView { title: "shuffle (blocks fetched)".into(), headers, rows }
}

/// The word count so far: the most frequent words of the committed partitions.
fn result_table(d: &Driver) -> TableView {
    let mut words: Vec<(&String, u64)> = d.output().into_iter().flatten().flatten().map(|(w, c)| (w, *c)).collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows = words.iter().take(12).map(|(w, c)| vec![(*w).clone(), c.to_string()]).collect();
    TableView { title: "word count (committed)".into(), headers: vec!["word".into(), "count".into()], rows }
}

pub fn overlay(nodes: &[Option<Spark>], _now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| if i == 0 { "driver" } else { "executors" }.to_string()).collect();
    let Some(d) = nodes.first().and_then(Option::as_ref).and_then(Spark::as_driver) else { return o };
    o.lineage = Some(lineage(d));
    o.tables.push(lineage_table(d));
    o.tables.push(stages_table(d, nodes[0].as_ref().is_some_and(|n| n.config.map_side_combine)));
    o.tables.push(shuffle_table(nodes, d));
    o.tables.push(result_table(d));
    o
}
