//! How the cache is drawn (Nishtala et al., NSDI 2013): the database, the memcached servers
//! and the web servers in three groups; per node its counts and contents (the database's
//! versions, a server's values with the lease each was set with, a web server's view of the
//! cache servers); the cache's state against the database; and a plot of reads over time:
//! hits, database reads and stale reads (a read that returned a version older than one the
//! database had committed before the read was asked), measured, not forbidden.

use super::invariants;
use super::node::db::LOAD_WINDOW_US;
use super::node::{Cache, Role, Web, DB};
use crate::sim::view::{Overlay, Plot, Series};
use crate::sim::{NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &Cache) -> RoleView {
    match &n.role {
        Role::Db(_) => RoleView::new("database", Tone::Leading),
        Role::Server(_) => RoleView::new("cache server", Tone::Settled),
        Role::Web(_) => RoleView::new("web server", Tone::Neutral),
    }
}

fn names(v: &[u32]) -> String {
    v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", ")
}

pub fn node_view(n: &Cache) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Db(d) => {
            v.term = Some(d.reads.iter().map(|&r| u64::from(r)).sum());
            v.fields.push(("writes committed".into(), d.writes.to_string()));
            v.fields.push(("longest queue".into(), d.max_queue.to_string()));
            let rows = n.config.universe().iter().filter_map(|k| d.current(k)).map(|i| vec![i.key, i.value, i.version.to_string()]).collect();
            v.tables.push(TableView { title: "database".into(), headers: ["key", "value", "version"].map(String::from).to_vec(), rows });
        }
        Role::Server(s) => {
            v.term = Some(s.hits + s.misses + s.waits);
            for (name, x) in [("hits", s.hits), ("misses", s.misses), ("told to wait", s.waits), ("sets refused", s.sets_refused)] {
                v.fields.push((name.into(), x.to_string()));
            }
            let rows = s.store.iter().map(|(k, e)| vec![k.clone(), e.item.value.clone(), e.item.version.to_string(), e.lease_seq.map_or("none".into(), |l| format!("handed out at event {l}"))]).collect();
            v.tables.push(TableView { title: "cached".into(), headers: ["key", "value", "version", "lease"].map(String::from).to_vec(), rows });
        }
        Role::Web(w) => {
            v.term = Some(w.hits + w.misses);
            v.fields.push(("cache servers it counts up".into(), names(&w.up())));
            for (name, x) in [("hits", w.hits), ("misses", w.misses), ("misses at a stand-in server", w.remapped_misses), ("told to wait", w.waits), ("servers left out", w.failovers)] {
                v.fields.push((name.into(), x.to_string()));
            }
        }
    }
    v
}

fn webs(nodes: &[Option<Cache>]) -> impl Iterator<Item = &Web> {
    nodes.iter().flatten().filter_map(Cache::as_web)
}

/// Reads that returned a version older than one committed before they were asked.
fn stale(nodes: &[Option<Cache>]) -> Vec<TimeUs> {
    let Some(db) = nodes.get(DB as usize).and_then(Option::as_ref).and_then(Cache::as_db) else { return Vec::new() };
    webs(nodes)
        .flat_map(|w| w.reads.iter())
        .filter(|r| db.history.range((r.key.clone(), r.version + 1)..=(r.key.clone(), u64::MAX)).any(|(_, (v, at))| *at < r.asked_us && *v != r.value))
        .map(|r| r.answered_us)
        .collect()
}

fn status_table(nodes: &[Option<Cache>], stale: &[TimeUs]) -> TableView {
    let say = |r: Result<(), String>| r.map_or_else(|e| format!("not yet: {e}"), |_| "holds".into());
    let (hits, misses) = webs(nodes).fold((0, 0), |(h, m), w| (h + w.hits, m + w.misses));
    let reads: Vec<_> = webs(nodes).flat_map(|w| w.reads.iter()).collect();
    let stale = stale.len();
    let rate = (hits * 100).checked_div(hits + misses).map_or("no reads yet".into(), |p| format!("{p}% ({hits} hits, {misses} misses)"));
    let rows = vec![
        vec![invariants::agrees::NAME.into(), say(invariants::agrees::check(nodes))],
        vec!["hit rate".into(), rate],
        vec!["stale reads (of the last reads logged)".into(), format!("{stale} of {}", reads.len())],
    ];
    TableView { title: "the cache now".into(), headers: vec!["property".into(), "state".into()], rows }
}

/// Per half second: cache hits, database reads, stale reads.
fn reads_plot(nodes: &[Option<Cache>], stale: &[TimeUs], now_us: TimeUs) -> Option<Plot> {
    let db = nodes.get(DB as usize).and_then(Option::as_ref).and_then(Cache::as_db)?;
    let windows = (now_us / LOAD_WINDOW_US + 1).min(120) as usize;
    let first = (now_us / LOAD_WINDOW_US + 1) as usize - windows;
    let mut hits = vec![0u32; windows];
    let mut stale_n = vec![0u32; windows];
    let at = |t: TimeUs| (t / LOAD_WINDOW_US) as usize;
    for r in webs(nodes).flat_map(|w| w.reads.iter()).filter(|r| r.hit && at(r.answered_us) >= first) {
        hits[(at(r.answered_us) - first).min(windows - 1)] += 1;
    }
    for &t in stale.iter().filter(|&&t| at(t) >= first) {
        stale_n[(at(t) - first).min(windows - 1)] += 1;
    }
    let db_reads: Vec<u32> = (first..first + windows).map(|w| db.reads.get(w).copied().unwrap_or(0)).collect();
    let secs = |i: usize| ((first + i) as u64 * LOAD_WINDOW_US) as f64 / 1e6;
    let series = |name: &str, class: &str, v: &[u32]| Series { name: name.into(), class: class.into(), points: v.iter().enumerate().flat_map(|(i, &y)| [(secs(i), f64::from(y)), (secs(i + 1), f64::from(y))]).collect() };
    Some(Plot {
        title: "reads per half second".into(),
        x_label: "seconds".into(),
        y_label: "reads".into(),
        series: vec![series("cache hits", "measured", &hits), series("database reads", "measured-2", &db_reads), series("stale reads", "measured-3", &stale_n)],
    })
}

pub fn overlay(nodes: &[Option<Cache>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    let Some(config) = nodes.iter().flatten().map(|n| &n.config).next() else { return o };
    o.groups = (0..nodes.len() as u32).map(|i| if i == DB { "database" } else if config.is_cache(i) { "cache servers" } else { "web servers" }.to_string()).collect();
    // The stale reads are counted once, for the table and the plot.
    let stale = stale(nodes);
    o.tables.push(status_table(nodes, &stale));
    o.plots.extend(reads_plot(nodes, &stale, now_us));
    o
}
