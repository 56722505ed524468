//! How Chord is drawn (Stoica et al., SIGCOMM 2001, Figures 2-4): the identifier circle
//! with nodes in identifier order, each member's successor pointer and the selected lookup's
//! path as arrows; per node its identifier, predecessor, successor list, fingers and keys;
//! the ring's state against Zave's properties, and the mean lookup path against ½ log₂ N.

use super::invariants;
use super::node::Chord;
use crate::sim::view::Overlay;
use crate::sim::{NodeId, NodeView, OverlayArrow, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &Chord) -> RoleView {
    match (n.member, n.predecessor) {
        (false, _) => RoleView::new("joining", Tone::Contending),
        (true, None) => RoleView::new("member (no predecessor)", Tone::Warning),
        (true, Some(_)) => RoleView::new("member", Tone::Settled),
    }
}

fn name(n: Option<NodeId>) -> String {
    n.map_or("nil".into(), |n| format!("n{n}"))
}

fn names(v: &[NodeId]) -> String {
    v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", ")
}

pub fn node_view(n: &Chord) -> NodeView {
    let mut v = NodeView { term: Some(n.id), ..Default::default() };
    v.fields.push(("predecessor".into(), name(n.predecessor)));
    v.fields.push(("successor list".into(), names(&n.successors)));
    v.fields.push(("keys held".into(), n.store.len().to_string()));
    v.fields.push(("boots".into(), n.boots.to_string()));
    v.fields.push(("successors taken for dead".into(), n.dropped.to_string()));
    if n.lookups > 0 {
        v.fields.push(("client lookups".into(), format!("{} (mean {}.{} hops)", n.lookups, n.hops / n.lookups, n.hops * 10 / n.lookups % 10)));
    }
    v.tables.push(finger_table(n));
    v.tables.push(key_table(n));
    v
}

/// finger[k] = successor(id + 2^k), as the node knows it.
pub fn finger_table(n: &Chord) -> TableView {
    let size = 1u64 << n.config.m_bits;
    let rows = n
        .fingers
        .iter()
        .enumerate()
        .map(|(k, f)| vec![k.to_string(), ((n.id + (1u64 << k)) % size).to_string(), name(*f), f.map_or(String::new(), |f| n.id_of(f).to_string())])
        .collect();
    let headers = ["k", "start (id + 2^k)", "finger", "its id"].map(String::from).to_vec();
    TableView { title: "finger table".into(), headers, rows }
}

fn key_table(n: &Chord) -> TableView {
    let rows = n
        .store
        .iter()
        .map(|(k, (val, _))| vec![k.clone(), n.key_id(k).to_string(), val.clone(), if n.responsible(k) { "own" } else { "replica" }.into()])
        .collect();
    let headers = ["key", "key id", "value", "held as"].map(String::from).to_vec();
    TableView { title: "keys held".into(), headers, rows }
}

/// One row per node (a summary above 64): identifier, state, predecessor, successors,
/// keys; and the ring's state against Zave's properties.
fn ring_table(nodes: &[Option<Chord>]) -> TableView {
    let rows = nodes
        .iter()
        .enumerate()
        .take(crate::sim::present::TABLE_ROWS_MAX)
        .map(|(i, n)| match n {
            None => vec![format!("n{i}"), String::new(), "crashed".into(), String::new(), String::new(), String::new()],
            Some(n) => vec![format!("n{i}"), n.id.to_string(), role(n).label.into(), name(n.predecessor), names(&n.successors), n.store.len().to_string()],
        })
        .collect();
    let headers = ["node", "id", "state", "predecessor", "successor list", "keys"].map(String::from).to_vec();
    TableView { title: "ring".into(), headers, rows }
}

fn status_table(nodes: &[Option<Chord>]) -> TableView {
    let ring = invariants::ring::check(nodes);
    let keys = invariants::keys::check(nodes);
    let say = |r: Result<(), String>| r.map_or_else(|e| format!("not yet: {e}"), |_| "holds".into());
    let (lookups, hops) = nodes.iter().flatten().fold((0, 0), |(l, h), n| (l + n.lookups, h + n.hops));
    let live = nodes.iter().flatten().count().max(1) as u64;
    let log2 = 63 - u64::from(live.leading_zeros());
    let mean = if lookups == 0 { "no lookups yet".into() } else { format!("{}.{} hops (½ log₂ N ≈ {}.{})", hops / lookups, hops * 10 / lookups % 10, log2 / 2, log2 % 2 * 5) };
    let rows = vec![
        vec![invariants::ring::NAME.into(), say(ring)],
        vec![invariants::keys::NAME.into(), say(keys)],
        vec!["client lookups".into(), format!("{lookups}")],
        vec!["mean lookup path".into(), mean],
    ];
    TableView { title: "the ring now".into(), headers: vec!["property".into(), "state".into()], rows }
}

pub fn overlay(nodes: &[Option<Chord>], _now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    for (i, n) in nodes.iter().enumerate() {
        let Some(n) = n.as_ref().filter(|n| n.member) else { continue };
        if let Some(&s) = n.successors.first() {
            o.arrows.push(OverlayArrow { from: i as NodeId, to: s, label: "successor".into(), kind: "successor".into() });
        }
    }
    if let Some((i, n)) = nodes.iter().enumerate().filter_map(|(i, n)| n.as_ref().map(|n| (i, n))).filter(|(_, n)| !n.last_path.is_empty()).max_by_key(|(_, n)| n.lookups) {
        let mut from = i as NodeId;
        for &to in &n.last_path {
            o.arrows.push(OverlayArrow { from, to, label: "lookup".into(), kind: "lookup".into() });
            from = to;
        }
    }
    o.tables.push(status_table(nodes));
    o.tables.push(ring_table(nodes));
    o
}
