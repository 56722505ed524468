//! Where each node is drawn, in a 400 × 400 box: one ring for a homogeneous cluster; for the
//! lock service servers on a ring, clients in a column and the storage below; for other
//! protocols with roles (a coordinator over its participants) one row per role, top to
//! bottom in the order the roles first appear; racks as columns (a block store's DataNodes)
//! under a row of the other roles; a sunflower (golden-angle spiral) for hundreds of nodes.

// Trigonometry and powers from the browser (JavaScript's Math): Rust's own are about
// 4 KB gzipped of each module, and only drawing uses them.
use js_sys::Math;
use std::f64::consts::PI;

pub const SIZE: f64 = 400.0;
const C: f64 = SIZE / 2.0;
pub const RING: f64 = 140.0;

fn ring(i: usize, n: usize, cx: f64, cy: f64, r: f64) -> (f64, f64) {
    let a = -PI / 2.0 + 2.0 * PI * i as f64 / n.max(1) as f64;
    (cx + r * Math::cos(a), cy + r * Math::sin(a))
}

/// Positions of `n` nodes; `groups[i]` names node i's group (empty: all on one ring).
pub fn positions(n: usize, groups: &[String]) -> Vec<(f64, f64)> {
    if groups.len() != n || groups.iter().all(|g| g == &groups[0]) {
        return (0..n).map(|i| ring(i, n, C, C, RING)).collect();
    }
    let members = |name: &str| groups.iter().enumerate().filter(|(_, g)| *g == name).map(|(i, _)| i).collect::<Vec<_>>();
    if groups.iter().any(|g| is_rack(g)) {
        return racks(groups, members);
    }
    if !groups.iter().any(|g| g == "server") {
        return rows(groups, members);
    }
    let servers = members("server");
    let clients = members("client");
    let mut pos = vec![(C, C); n];
    for (k, &i) in servers.iter().enumerate() {
        pos[i] = ring(k, servers.len(), 135.0, 160.0, 100.0);
    }
    for (k, &i) in clients.iter().enumerate() {
        let step = 320.0 / clients.len().max(1) as f64;
        pos[i] = (340.0, 40.0 + step * (k as f64 + 0.5));
    }
    let rest: Vec<usize> = (0..n).filter(|i| !servers.contains(i) && !clients.contains(i)).collect();
    for (k, &i) in rest.iter().enumerate() {
        pos[i] = (135.0 + 80.0 * k as f64, 340.0);
    }
    pos
}

/// The distinct group names, in the order they first appear.
fn group_names(groups: &[String]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for g in groups {
        if !names.contains(&g.as_str()) {
            names.push(g);
        }
    }
    names
}

/// The vertical distance between role rows.
fn row_gap(rows: usize) -> f64 {
    (SIZE - 120.0) / (rows.max(2) - 1) as f64
}

/// The label of each group and where it is drawn (its centre): none for one ring; the lock
/// service's servers and clients; otherwise each role above its row.
pub fn group_labels(groups: &[String], titles: &[(String, String)]) -> Vec<(String, f64, f64)> {
    if groups.is_empty() || groups.iter().all(|g| g == &groups[0]) {
        return Vec::new();
    }
    if groups.iter().any(|g| g == "server") {
        let title = |group: &str, default: &'static str| titles.iter().find(|(g, _)| g == group).map_or(default, |(_, t)| t.as_str()).to_string();
        return vec![(title("server", "lock servers (Raft)"), 135.0, 24.0), (title("client", "clients"), 340.0, 24.0)];
    }
    let names = group_names(groups);
    if names.iter().any(|g| is_rack(g)) {
        let (top, racks): (Vec<&str>, Vec<&str>) = names.iter().partition(|g| !is_rack(g));
        let top = top.iter().enumerate().map(|(k, name)| (name.to_string(), column_x(k, top.len()), 26.0));
        return top.chain(racks.iter().enumerate().map(|(k, name)| (name.to_string(), column_x(k, racks.len()), RACK_TOP - 40.0))).collect();
    }
    let gap = row_gap(names.len());
    names.iter().enumerate().map(|(r, name)| (name.to_string(), C, 26.0 + gap * r as f64)).collect()
}

/// A rack's group name ("rack 1"): racks are drawn as columns.
fn is_rack(group: &str) -> bool {
    group.starts_with("rack ")
}

/// Where the first node of a rack column is drawn.
const RACK_TOP: f64 = 180.0;

/// The centre of column `k` of `of`, spread evenly across the box.
fn column_x(k: usize, of: usize) -> f64 {
    let step = (SIZE - 40.0) / of.max(1) as f64;
    20.0 + step * (k as f64 + 0.5)
}

/// The roles that are not racks in a row across the top (one node each, side by side), and
/// each rack a column below, its nodes top to bottom.
fn racks(groups: &[String], members: impl Fn(&str) -> Vec<usize>) -> Vec<(f64, f64)> {
    let names = group_names(groups);
    let (top, racks): (Vec<&str>, Vec<&str>) = names.iter().partition(|g| !is_rack(g));
    let mut pos = vec![(C, C); groups.len()];
    for (k, name) in top.iter().enumerate() {
        let row = members(name);
        for (j, &i) in row.iter().enumerate() {
            pos[i] = (column_x(k, top.len()) + 50.0 * (j as f64 - (row.len() as f64 - 1.0) / 2.0), 64.0);
        }
    }
    for (k, name) in racks.iter().enumerate() {
        let column = members(name);
        let step = ((SIZE - 20.0 - RACK_TOP) / column.len().max(1) as f64).min(70.0);
        for (j, &i) in column.iter().enumerate() {
            pos[i] = (column_x(k, racks.len()), RACK_TOP + step * j as f64);
        }
    }
    pos
}

/// One row per group, in the order groups first appear, each row's nodes spread evenly.
fn rows(groups: &[String], members: impl Fn(&str) -> Vec<usize>) -> Vec<(f64, f64)> {
    let names = group_names(groups);
    let mut pos = vec![(C, C); groups.len()];
    let gap = row_gap(names.len());
    for (r, name) in names.iter().enumerate() {
        let row = members(name);
        let step = (SIZE - 40.0) / row.len().max(1) as f64;
        for (k, &i) in row.iter().enumerate() {
            pos[i] = (20.0 + step * (k as f64 + 0.5), 60.0 + gap * r as f64);
        }
    }
    pos
}

/// One circle filling the box, for a large cluster whose order around the ring matters
/// (Chord's identifier circle on the canvas).
pub fn circle(n: usize) -> Vec<(f64, f64)> {
    (0..n).map(|i| ring(i, n, C, C, C - 14.0)).collect()
}

/// A golden-angle spiral filling the box evenly, for large clusters (canvas).
pub fn sunflower(n: usize) -> Vec<(f64, f64)> {
    let golden = PI * (3.0 - 5f64.sqrt());
    let r_max = C - 12.0;
    (0..n)
        .map(|i| {
            let r = r_max * ((i as f64 + 0.5) / n.max(1) as f64).sqrt();
            let a = i as f64 * golden;
            (C + r * Math::cos(a), C + r * Math::sin(a))
        })
        .collect()
}

/// Node radius that keeps a ring of `n` readable (smaller when drawn in groups).
pub fn node_radius(n: usize, grouped: bool) -> f64 {
    if grouped {
        // A row holds at most n - 2 nodes (a role row of 10 participants under two others).
        (0.5 * (SIZE - 40.0) / n.max(1) as f64).min(21.0)
    } else if n <= 9 {
        26.0
    } else {
        (2.0 * PI * RING / n as f64 * 0.38).clamp(6.0, 26.0)
    }
}
