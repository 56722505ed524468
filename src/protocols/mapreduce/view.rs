//! How MapReduce is drawn (Dean & Ghemawat, OSDI 2004, Figure 1 and §3.2): the master
//! apart from the workers; the master's task table (state, workers, attempts); each worker's
//! running map and reduce and the map outputs on its disk; the shuffle as an M × R matrix of
//! pieces fetched; the committed output and the word count; the data rates of map input,
//! shuffle and output over time, in the shape of the paper's Figure 3.

use super::input::pairs_bytes;
use super::master::{Master, TaskState};
use super::node::{MapReduce, Role};
use super::worker::Worker;
use crate::sim::view::{Overlay, Plot, Series};
use crate::sim::{NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &MapReduce) -> RoleView {
    match &n.role {
        Role::Master(m) if m.done() => RoleView::new("master (job done)", Tone::Settled),
        Role::Master(_) => RoleView::new("master", Tone::Leading),
        Role::Worker(w) => match (&w.map, &w.reduce) {
            (_, Some(r)) if r.reducing => RoleView::new("reducing", Tone::Contending),
            (Some(_), _) => RoleView::new("mapping", Tone::Contending),
            (None, Some(_)) => RoleView::new("shuffling", Tone::Transient),
            (None, None) => RoleView::new("idle worker", Tone::Neutral),
        },
    }
}

fn count(tasks: &[super::master::Task], s: TaskState) -> usize {
    tasks.iter().filter(|t| t.state == s).count()
}

pub fn node_view(n: &MapReduce) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Master(m) => {
            v.term = Some(m.job);
            v.fields.push(("map tasks".into(), format!("{} of {} completed", count(&m.maps, TaskState::Completed), m.maps.len())));
            v.fields.push(("reduce tasks".into(), format!("{} of {} committed", count(&m.reduces, TaskState::Completed), m.reduces.len())));
            let failed: Vec<String> = m.workers.iter().enumerate().skip(1).filter(|(_, w)| w.failed).map(|(i, _)| format!("n{i}")).collect();
            v.fields.push(("failed workers".into(), failed.join(", ")));
            v.fields.push(("maps re-executed".into(), m.reexecuted.to_string()));
            v.fields.push(("backup executions".into(), m.backups.to_string()));
            if let Some(end) = m.finished_us {
                v.fields.push(("completion time".into(), format!("{} ms", (end - m.started_us) / 1000)));
            }
            v.tables.push(task_table(m));
        }
        Role::Worker(w) => {
            v.term = Some(w.job);
            v.fields.push(("map".into(), w.map.as_ref().map(|m| m.run.label()).unwrap_or_default()));
            let reduce = w.reduce.as_ref().map(|r| {
                let what = if r.reducing { "reducing".to_string() } else { format!("{} of {} pieces", r.fetched(), r.pieces.len()) };
                format!("{}: {what}", r.run.label())
            });
            v.fields.push(("reduce".into(), reduce.unwrap_or_default()));
            v.fields.push(("files on disk".into(), files(w)));
            let link = w.sending.map(|(to, m, p)| format!("partition {p} of m{m} to n{to}, {} waiting", w.queue.len()));
            v.fields.push(("link".into(), link.unwrap_or_default()));
        }
    }
    v
}

fn files(w: &Worker) -> String {
    w.files.iter().map(|(m, f)| format!("m{m} ({} B)", f.parts.iter().map(|p| pairs_bytes(p)).sum::<u64>())).collect::<Vec<_>>().join(", ")
}

/// The master's data structures (§3.2): each task's state, its workers and attempts.
pub fn task_table(m: &Master) -> TableView {
    let mut rows = Vec::new();
    for (kind, tasks) in [('m', &m.maps), ('r', &m.reduces)] {
        for (i, t) in tasks.iter().enumerate() {
            let running: Vec<String> = t.running.iter().map(|(a, w, _)| format!("n{w} (#{a})")).collect();
            let done = t.done_by.map(|(w, a, _)| format!("n{w} (#{a})")).unwrap_or_default();
            rows.push(vec![format!("{kind}{i}"), t.state.label().into(), running.join(", "), done, t.attempts.to_string()]);
        }
    }
    let headers = ["task", "state", "running on", "completed by", "attempts"].map(String::from).to_vec();
    TableView { title: "master's tasks".into(), headers, rows }
}

/// The shuffle: for each map (rows) and reduce partition (columns), whether the reduce
/// worker holds that piece (✓), knows where it lies (…), or neither.
fn shuffle_table(nodes: &[Option<MapReduce>], m: &Master) -> TableView {
    let r = m.reduces.len();
    let mut cells = vec![vec![String::new(); r]; m.maps.len()];
    for w in nodes.iter().flatten().filter_map(MapReduce::as_worker).filter(|w| w.job == m.job) {
        let Some(run) = &w.reduce else { continue };
        for (map, piece) in run.pieces.iter().enumerate() {
            let cell = &mut cells[map][run.run.task as usize];
            if piece.is_some() {
                *cell = "✓".into();
            } else if run.locations[map].is_some() && cell.is_empty() {
                *cell = "…".into();
            }
        }
    }
    for (p, t) in m.reduces.iter().enumerate() {
        if t.state == TaskState::Completed {
            cells.iter_mut().for_each(|row| row[p] = "✓".into());
        }
    }
    let rows = cells.into_iter().enumerate().map(|(i, row)| std::iter::once(format!("m{i}")).chain(row).collect()).collect();
    let headers = std::iter::once("map".to_string()).chain((0..r).map(|p| format!("r{p}"))).collect();
    TableView { title: "shuffle (pieces fetched)".into(), headers, rows }
}

/// The global store: each output partition of this job, committed or not, with the
/// execution whose output the rename kept.
fn outputs_table(m: &Master) -> TableView {
    let rows = m
        .output()
        .iter()
        .enumerate()
        .map(|(p, out)| {
            let by = m.reduces[p].done_by.filter(|_| out.is_some()).map(|(w, a, _)| format!("n{w} (#{a})")).unwrap_or_default();
            let (words, bytes) = out.map_or((String::new(), String::new()), |o| (o.len().to_string(), pairs_bytes(o).to_string()));
            vec![format!("r{p}"), by, words, bytes]
        })
        .collect();
    let headers = ["partition", "committed by", "words", "bytes"].map(String::from).to_vec();
    TableView { title: "committed output".into(), headers, rows }
}

/// The word count so far: the most frequent words of the committed partitions.
fn result_table(m: &Master) -> TableView {
    let mut words: Vec<(&String, u64)> = m.output().into_iter().flatten().flatten().map(|(w, c)| (w, *c)).collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows = words.iter().take(12).map(|(w, c)| vec![(*w).clone(), c.to_string()]).collect();
    TableView { title: "word count (committed)".into(), headers: vec!["word".into(), "count".into()], rows }
}

/// The three data rates of the paper's Figure 3 over time since the job started, in KB/s
/// over twenty equal windows: input read by completed maps (negative when a failed worker's
/// completed maps are taken back, as in Figure 3(c)), bytes shuffled to reduce workers, and
/// output committed.
fn rates_plot(nodes: &[Option<MapReduce>], m: &Master, now_us: TimeUs) -> Plot {
    const WINDOWS: usize = 20;
    let end = m.finished_us.unwrap_or(now_us).max(m.started_us + 1);
    let width = (end - m.started_us).div_ceil(WINDOWS as u64).max(1);
    let window = |t: TimeUs| (t.saturating_sub(m.started_us) / width).min(WINDOWS as u64 - 1) as usize;
    let (mut input, mut output, mut shuffle) = ([0i64; WINDOWS], [0i64; WINDOWS], [0i64; WINDOWS]);
    let mut last = (0u64, 0u64);
    for (t, read, written) in m.progress.iter().filter(|p| p.0 >= m.started_us) {
        input[window(*t)] += *read as i64 - last.0 as i64;
        output[window(*t)] += *written as i64 - last.1 as i64;
        last = (*read, *written);
    }
    for w in nodes.iter().flatten().filter_map(MapReduce::as_worker).filter(|w| w.job == m.job) {
        for (t, b) in w.shuffled.iter().filter(|p| p.0 >= m.started_us) {
            shuffle[window(*t)] += *b as i64;
        }
    }
    let secs = |i: usize| (i as u64 * width) as f64 / 1e6;
    let kb_per_s = |bytes: i64| bytes as f64 / 1024.0 / (width as f64 / 1e6);
    let points = |v: &[i64; WINDOWS]| (0..WINDOWS).flat_map(|i| [(secs(i), kb_per_s(v[i])), (secs(i + 1), kb_per_s(v[i]))]).collect();
    let series = |name: &str, class: &str, v: &[i64; WINDOWS]| Series { name: name.into(), class: class.into(), points: points(v) };
    Plot {
        title: "data rates (as in Figure 3)".into(),
        x_label: "seconds since the job started".into(),
        y_label: "KB/s".into(),
        series: vec![series("map input", "measured", &input), series("shuffle", "measured-2", &shuffle), series("output", "measured-3", &output)],
    }
}

pub fn overlay(nodes: &[Option<MapReduce>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| if i == 0 { "master" } else { "workers" }.to_string()).collect();
    let Some(m) = nodes.first().and_then(Option::as_ref).and_then(MapReduce::as_master) else { return o };
    o.tables.push(task_table(m));
    o.tables.push(shuffle_table(nodes, m));
    o.tables.push(outputs_table(m));
    o.tables.push(result_table(m));
    o.plots.push(rates_plot(nodes, m, now_us));
    o
}
