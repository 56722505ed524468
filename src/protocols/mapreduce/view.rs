//! How MapReduce is drawn (Dean & Ghemawat, OSDI 2004, Figure 1 and §3.2): the master
//! apart from the workers; the master's task table (state, workers, attempts); each worker's
//! running map and reduce and the map outputs on its disk; the shuffle as an M × R matrix of
//! pieces fetched; the committed output and the word count; progress curves of map input,
//! shuffle and output over time in the shape of the paper's Figure 3.

use super::input::pairs_bytes;
use super::master::{map_input_bytes, Master, TaskState};
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

/// The word count so far: the most frequent words of the committed partitions.
fn result_table(m: &Master) -> TableView {
    let mut words: Vec<(&String, u64)> = m.output().into_iter().flatten().flatten().map(|(w, c)| (w, *c)).collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows = words.iter().take(12).map(|(w, c)| vec![(*w).clone(), c.to_string()]).collect();
    TableView { title: "word count (committed)".into(), headers: vec!["word".into(), "count".into()], rows }
}

/// Progress of the three data flows as in the paper's Figure 3 (there as rates; here as the
/// share done), over time since the job started: input read by completed maps, bytes
/// shuffled to reduce workers, output committed.
fn progress_plot(nodes: &[Option<MapReduce>], n: &MapReduce, m: &Master, now_us: TimeUs) -> Plot {
    let secs = |t: TimeUs| t.saturating_sub(m.started_us) as f64 / 1e6;
    let total_in = n.input.bytes.max(1) as f64;
    let mut input = vec![(0.0, 0.0)];
    let mut output = vec![(0.0, 0.0)];
    let (mut last_maps, mut last_reduces) = (0, 0);
    for (t, maps, reduces) in m.progress.iter().filter(|p| p.0 >= m.started_us) {
        if *maps != last_maps {
            let done_in = (0..*maps).map(|i| map_input_bytes(&n.input, i)).sum::<u64>() as f64;
            input.push((secs(*t), 100.0 * done_in / total_in));
            last_maps = *maps;
        }
        if *reduces != last_reduces {
            output.push((secs(*t), 100.0 * *reduces as f64 / m.reduces.len().max(1) as f64));
            last_reduces = *reduces;
        }
    }
    let total_shuffle: u64 = m.maps.iter().flat_map(|t| &t.sizes).sum::<u64>().max(1);
    let mut pieces: Vec<(TimeUs, u64)> = nodes.iter().flatten().filter_map(MapReduce::as_worker).flat_map(|w| w.shuffled.iter().copied()).filter(|p| p.0 >= m.started_us).collect();
    pieces.sort();
    let mut shuffle = vec![(0.0, 0.0)];
    let mut sum = 0;
    for (t, b) in pieces {
        sum += b;
        shuffle.push((secs(t), (100.0 * sum as f64 / total_shuffle as f64).min(100.0)));
    }
    let end = secs(m.finished_us.unwrap_or(now_us));
    for s in [&mut input, &mut shuffle, &mut output] {
        let last = s.last().map_or(0.0, |p| p.1);
        s.push((end, last));
    }
    let series = |name: &str, class: &str, points| Series { name: name.into(), class: class.into(), points };
    Plot {
        title: "progress (as in Figure 3)".into(),
        x_label: "seconds since the job started".into(),
        y_label: "% done".into(),
        series: vec![series("map input read", "measured", input), series("shuffled", "measured-2", shuffle), series("output committed", "measured-3", output)],
    }
}

pub fn overlay(nodes: &[Option<MapReduce>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| if i == 0 { "master" } else { "workers" }.to_string()).collect();
    let Some(Some(n)) = nodes.first() else { return o };
    let Some(m) = n.as_master() else { return o };
    o.tables.push(task_table(m));
    o.tables.push(shuffle_table(nodes, m));
    o.tables.push(result_table(m));
    o.plots.push(progress_plot(nodes, n, m, now_us));
    o
}
