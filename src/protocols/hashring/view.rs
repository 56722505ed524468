//! How the hash ring is drawn: servers round the circle with their incarnation and keys;
//! the newest client request's preference list as arrows from its coordinator; per server
//! its tokens, its share of the keys and its keys; the membership changes with the keys
//! each moved against consistent hashing's expectation (Karger et al., STOC 1997: about
//! 1/(n+1) of the keys when a server joins n), as a table and a plot; and the hash circle
//! itself around the servers, each token's arc in its server's colour.

use super::invariants;
use super::node::HashRing;
use super::placement::token;
use crate::sim::view::{Overlay, Plot, Series};
use crate::sim::{NodeView, OverlayArc, OverlayArrow, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &HashRing) -> RoleView {
    if n.in_ring() {
        RoleView::new("in the ring", Tone::Settled)
    } else if n.table[n.me() as usize].incarnation == 0 {
        RoleView::new("waiting to join", Tone::Neutral)
    } else {
        RoleView::new("out of the ring", Tone::Warning)
    }
}

fn names(v: &[u32]) -> String {
    v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", ")
}

/// a/b as a percentage with one decimal, from integers.
fn pct(a: u64, b: u64) -> String {
    let t = (a * 1000).checked_div(b).unwrap_or(0);
    format!("{}.{}%", t / 10, t % 10)
}

pub fn node_view(n: &HashRing) -> NodeView {
    let mut v = NodeView { term: Some(n.store.len() as u64), ..Default::default() };
    v.fields.push(("incarnation".into(), n.table[n.me() as usize].incarnation.to_string()));
    v.fields.push(("ring as this server sees it".into(), names(&n.layout.members)));
    v.fields.push(("servers in its ring".into(), n.layout.members.len().to_string()));
    v.fields.push(("servers out of its ring".into(), (n.env.n as usize - n.layout.members.len()).to_string()));
    v.fields.push(("placement".into(), n.config.placement.name().into()));
    v.fields.push(("keys moved in".into(), n.moved_in.to_string()));
    v.fields.push(("boots".into(), n.boots.to_string()));
    if n.requests > 0 {
        v.fields.push(("client requests coordinated".into(), format!("{} ({} failed)", n.requests, n.failed)));
    }
    v.tables.push(membership_table(n));
    v.tables.push(token_table(n));
    v.tables.push(key_table(n));
    v
}

/// The membership table as this server holds it (Dynamo §4.8's gossiped view).
fn membership_table(n: &HashRing) -> TableView {
    let rows = n
        .table
        .iter()
        .enumerate()
        .take(crate::sim::present::TABLE_ROWS_MAX)
        .map(|(s, m)| vec![format!("n{s}"), m.incarnation.to_string(), m.heartbeat.to_string(), if m.in_ring() { "in" } else { "out" }.into()])
        .collect();
    let headers = ["server", "incarnation", "heartbeat", "in the ring"].map(String::from).to_vec();
    TableView { title: "membership (gossiped)".into(), headers, rows }
}

fn token_table(n: &HashRing) -> TableView {
    let rows = (0..n.config.vnodes.min(32)).map(|k| vec![k.to_string(), format!("{:016x}", token(n.me(), k))]).collect();
    TableView { title: "tokens (virtual nodes)".into(), headers: vec!["vnode".into(), "position".into()], rows }
}

fn key_table(n: &HashRing) -> TableView {
    let rows = n
        .store
        .iter()
        .map(|(k, (val, ver))| {
            let pref = n.layout.preference(k);
            let role = match pref.iter().position(|&s| s == n.me()) {
                Some(0) => "owner",
                Some(_) => "replica",
                None => "handing over",
            };
            vec![k.clone(), val.clone(), ver.to_string(), names(&pref), role.into()]
        })
        .collect();
    let headers = ["key", "value", "version", "preference list", "held as"].map(String::from).to_vec();
    TableView { title: "keys held".into(), headers, rows }
}

/// The server whose view the ring-wide tables use: the live one that has seen most changes.
fn witness(nodes: &[Option<HashRing>]) -> Option<&HashRing> {
    nodes.iter().flatten().max_by_key(|n| (n.changes.len(), std::cmp::Reverse(n.me())))
}

/// One row per server (a summary above 64): state, incarnation, keys held, and the share of
/// the stored-from-the-start keys it owns against the mean.
fn ring_table(nodes: &[Option<HashRing>]) -> TableView {
    let w = witness(nodes);
    let universe = w.map(|w| w.config.universe()).unwrap_or_default();
    let members = w.map_or(0, |w| w.layout.members.len() as u64).max(1);
    // Each key's owner looked up once, not once per row.
    let mut owned = vec![0u64; nodes.len()];
    for s in w.iter().flat_map(|w| universe.iter().filter_map(|k| w.layout.owner(k))) {
        if let Some(c) = owned.get_mut(s as usize) {
            *c += 1;
        }
    }
    let rows = nodes
        .iter()
        .enumerate()
        .take(crate::sim::present::TABLE_ROWS_MAX)
        .map(|(i, n)| {
            let owned = owned[i];
            let load = if owned == 0 { String::new() } else { format!("{owned} ({}.{:02}× the mean)", owned * members / universe.len() as u64, owned * members * 100 / universe.len() as u64 % 100) };
            match n {
                None => vec![format!("n{i}"), "crashed".into(), String::new(), String::new(), load],
                Some(n) => vec![format!("n{i}"), role(n).label.into(), n.table[i].incarnation.to_string(), n.store.len().to_string(), load],
            }
        })
        .collect();
    let headers = ["server", "state", "incarnation", "keys held", "keys owned"].map(String::from).to_vec();
    TableView { title: "servers".into(), headers, rows }
}

fn status_table(nodes: &[Option<HashRing>]) -> TableView {
    let say = |r: Result<(), String>| r.map_or_else(|e| format!("not yet: {e}"), |_| "holds".into());
    let mut rows = vec![
        vec![invariants::membership::NAME.into(), say(invariants::membership::check(nodes))],
        vec![invariants::keys_placed::NAME.into(), say(invariants::keys_placed::check(nodes))],
    ];
    if let Some(c) = witness(nodes).and_then(|w| w.changes.last()) {
        let what = if c.joined.is_empty() { format!("{} left", names(&c.left)) } else if c.left.is_empty() { format!("{} joined", names(&c.joined)) } else { format!("{} joined, {} left", names(&c.joined), names(&c.left)) };
        let bigger = c.members_before.max(c.members_after) as u64;
        rows.push(vec!["last change".into(), format!("{what}: {} of {} keys changed owner ({}; consistent hashing expects about 1/{bigger} = {})", c.moved, c.keys, pct(u64::from(c.moved), u64::from(c.keys)), pct(1, bigger))]);
    }
    TableView { title: "the ring now".into(), headers: vec!["property".into(), "state".into()], rows }
}

/// The share of keys each membership change moved, against 1/max(n before, n after).
fn moves_plot(nodes: &[Option<HashRing>]) -> Option<Plot> {
    let w = witness(nodes)?;
    if w.changes.is_empty() {
        return None;
    }
    // Each change a step from x = k to k + 1, so a single change shows too.
    let steps = |y: &dyn Fn(&super::node::Change) -> f64| w.changes.iter().enumerate().flat_map(|(i, c)| [(i as f64, y(c)), ((i + 1) as f64, y(c))]).collect();
    let measured = steps(&|c| 100.0 * f64::from(c.moved) / f64::from(c.keys.max(1)));
    let theory = steps(&|c| 100.0 / c.members_before.max(c.members_after).max(1) as f64);
    Some(Plot {
        title: "keys moved per membership change".into(),
        x_label: "change".into(),
        y_label: "% of keys".into(),
        series: vec![Series { name: "measured".into(), class: "measured".into(), points: measured }, Series { name: "1/n (consistent hashing)".into(), class: "theory".into(), points: theory }],
    })
}

/// The witness's ring as arcs: each token owns the arc from the token before it (Karger et
/// al.: a key belongs to the first token clockwise from it).
fn arcs(nodes: &[Option<HashRing>]) -> Vec<OverlayArc> {
    let Some(w) = witness(nodes) else { return Vec::new() };
    let ring = &w.layout.ring;
    let at = |p: u64| (p >> 32) as u32;
    (0..ring.len()).map(|i| OverlayArc { start: at(ring[(i + ring.len() - 1) % ring.len()].0), end: at(ring[i].0), node: ring[i].1 }).collect()
}

pub fn overlay(nodes: &[Option<HashRing>], _now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.arcs = arcs(nodes);
    if let Some((i, n)) = nodes.iter().enumerate().filter_map(|(i, n)| n.as_ref().map(|n| (i, n))).filter(|(_, n)| n.last_request.is_some()).max_by_key(|(_, n)| n.requests) {
        let (_, pref) = n.last_request.as_ref().expect("filtered");
        for (k, &to) in pref.iter().enumerate() {
            let label = if k == 0 { "owner" } else { "replica" }.to_string();
            if to != i as u32 {
                o.arrows.push(OverlayArrow { from: i as u32, to, label, kind: "replica".into() });
            }
        }
    }
    o.tables.push(status_table(nodes));
    o.tables.push(ring_table(nodes));
    o.plots.extend(moves_plot(nodes));
    o
}
