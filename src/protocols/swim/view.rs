//! How a SWIM member is drawn: its own status as its role (Alive, or Suspect / Confirm it
//! did not refute), its incarnation as the headline number (Das, Gupta, Motivala, DSN
//! 2002, §4.2), its view's alive / suspect / dead counts, and message summaries.

use super::msg::{Status, SwimMsg, Update};
use super::node::Swim;
use crate::sim::view::{NodeView, TableView};
use crate::sim::{RoleView, Tone};

/// Rows shown in a view's table at most (1,000-node clusters).
const MAX_ROWS: usize = 32;

pub fn summary(msg: &SwimMsg) -> String {
    let us = |v: &[Update]| v.iter().map(|u| format!("{:?} n{}@{}", u.status, u.member, u.incarnation)).collect::<Vec<_>>().join(", ");
    match msg {
        SwimMsg::Ping { seq, updates } => format!("Ping #{seq} [{}]", us(updates)),
        SwimMsg::PingReq { seq, target, updates } => format!("PingReq #{seq} n{target} [{}]", us(updates)),
        SwimMsg::Ack { seq, updates } => format!("Ack #{seq} [{}]", us(updates)),
    }
}

pub fn role(s: &Swim) -> RoleView {
    let tone = match s.self_status {
        Status::Alive => Tone::Settled,
        Status::Suspect => Tone::Warning,
        Status::Confirm => Tone::Failed,
    };
    RoleView::new(s.role_name(), tone)
}

pub fn node_view(s: &Swim) -> NodeView {
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
