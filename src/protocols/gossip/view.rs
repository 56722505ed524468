//! Node views for gossip (Demers' susceptible / infective / removed, shown as
//! "susceptible" / "informed" / "removed") and SWIM (the member's own status and its view's
//! alive / suspect / dead counts).

use super::epidemic::Gossip;
use super::swim::{Status, Swim};
use crate::sim::view::{NodeView, TableView};

/// Rows shown in a view's table at most (1,000-node clusters).
const MAX_ROWS: usize = 32;

pub fn gossip_view(g: &Gossip) -> NodeView {
    let mut fields = vec![
        ("mode".into(), format!("{:?}", g.config.mode).to_lowercase()),
        ("fanout".into(), g.config.fanout.to_string()),
        ("updates known".into(), g.db.len().to_string()),
        ("hot rumors".into(), g.hot_count().to_string()),
        ("rounds".into(), g.rounds.to_string()),
    ];
    if let Some(b) = &g.config.bug {
        fields.push(("teaching bug".into(), b.clone()));
    }
    let rows = g
        .db
        .iter()
        .take(MAX_ROWS)
        .map(|(k, e)| {
            let state = if e.hot { format!("hot ({}/{})", e.unnecessary, g.config.k) } else { "removed".into() };
            vec![k.clone(), e.value.clone(), format!("{}@n{}", e.stamp.time_us, e.stamp.origin), e.learned_us.to_string(), state]
        })
        .collect();
    let headers = ["key", "value", "timestamp", "learned at (us)", "rumor"].map(String::from).to_vec();
    let table = TableView { title: "database".into(), headers, rows };
    NodeView { fields, tables: vec![table], ..Default::default() }
}

pub fn swim_view(s: &Swim) -> NodeView {
    let (alive, suspect, dead) = s.counts();
    let mut fields = vec![
        ("incarnation".into(), s.incarnation.to_string()),
        ("members alive".into(), alive.to_string()),
        ("members suspect".into(), suspect.to_string()),
        ("members dead".into(), dead.to_string()),
        ("probing".into(), s.probe.as_ref().map_or("—".into(), |p| format!("n{}{}", p.target, if p.acked { " (acked)" } else { "" }))),
        ("suspicions raised".into(), s.stats.suspicions.to_string()),
        ("false positives".into(), s.stats.false_positives.to_string()),
        ("refutations".into(), s.stats.refutations.to_string()),
        ("updates to piggyback".into(), s.buffer.len().to_string()),
    ];
    if let Some(b) = &s.config.bug {
        fields.push(("teaching bug".into(), b.clone()));
    }
    let rows = s
        .members
        .iter()
        .filter(|(_, m)| m.status != Status::Alive)
        .take(MAX_ROWS)
        .map(|(id, m)| vec![format!("n{id}"), format!("{:?}", m.status), m.incarnation.to_string()])
        .collect();
    let headers = ["member", "status", "incarnation"].map(String::from).to_vec();
    let table = TableView { title: "suspected and dead members".into(), headers, rows };
    NodeView { term: Some(u64::from(s.incarnation)), fields, tables: vec![table], ..Default::default() }
}
