//! How a gossip site is drawn: Demers' susceptible / infective / removed (Demers et al.,
//! PODC 1987, §1.4), shown as "susceptible" / "informed" / "removed", its database with the
//! rumors it still spreads, and message summaries.

use super::msg::{Digest, GossipMsg, Rumor};
use super::node::Gossip;
use crate::sim::view::{NodeView, TableView};
use crate::sim::{RoleView, Tone};

/// Rows shown in a view's table at most (1,000-node clusters).
const MAX_ROWS: usize = 32;

pub fn summary(msg: &GossipMsg) -> String {
    let rs = |v: &[Rumor]| v.iter().map(|r| format!("{}={}", r.key, r.value)).collect::<Vec<_>>().join(", ");
    let ds = |v: &Digest| v.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ");
    match msg {
        GossipMsg::Push { rumors } => format!("Push [{}]", rs(rumors)),
        GossipMsg::Pull { have } => format!("Pull (has {})", have.len()),
        GossipMsg::PushPull { rumors, have } => format!("PushPull [{}] (has {})", rs(rumors), have.len()),
        GossipMsg::Reply { rumors, known } => format!("Reply [{}] already knew [{}]", rs(rumors), ds(known)),
        GossipMsg::SyncRequest { db } => format!("AntiEntropy ({} entries)", db.len()),
        GossipMsg::SyncReply { db } => format!("AntiEntropyReply [{}]", rs(db)),
    }
}

/// Demers' susceptible / infective / removed; a removed site, which lost interest in
/// every rumor it holds, is toned apart from one that never heard.
pub fn role(g: &Gossip) -> RoleView {
    let tone = match g.role_name() {
        "susceptible" => Tone::Neutral,
        "informed" => Tone::Settled,
        _ => Tone::Warning,
    };
    RoleView::new(g.role_name(), tone)
}

pub fn node_view(g: &Gossip) -> NodeView {
    let mut fields = vec![
        ("mode".into(), format!("{:?}", g.config.mode).to_ascii_lowercase()),
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
