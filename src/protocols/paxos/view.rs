//! How a Paxos node is drawn: its role as proposer (phase 1, phase 2), leader (Multi-Paxos,
//! "Paxos Made Simple" §3), acceptor or learner (§2.1), the ballot that matters for it as the
//! headline number, its acceptor state and the slots learned.

use super::config::Mode;
use super::msg::Ballot;
use super::node::{Paxos, Phase};
use crate::sim::view::{LogEntryView, LogView, NodeView, TableView};
use crate::sim::{RoleView, Tone};

pub fn role(p: &Paxos) -> RoleView {
    match p.phase {
        Phase::Leading => RoleView::new("leader", Tone::Leading),
        Phase::Preparing => RoleView::new("proposer: phase 1", Tone::Contending),
        Phase::Accepting => RoleView::new("proposer: phase 2", Tone::Contending),
        Phase::Decided => RoleView::new("learned", Tone::Settled),
        Phase::Idle if p.config.mode == Mode::Single && p.learned.contains_key(&0) => RoleView::new("learned", Tone::Settled),
        Phase::Idle => RoleView::new("acceptor", Tone::Neutral),
    }
}

/// The headline ballot: the one a proposer runs its phases with (or leads with), else the
/// highest the node promised as an acceptor (its own proposer ballot is stale or ⊥ then).
pub fn headline_ballot(p: &Paxos) -> Ballot {
    match p.phase {
        Phase::Preparing | Phase::Accepting | Phase::Leading => p.ballot,
        Phase::Idle | Phase::Decided => p.acceptor.promised,
    }
}

pub fn node_view(p: &Paxos) -> NodeView {
    let a = &p.acceptor;
    let mut fields = vec![
        ("mode".into(), format!("{:?}", p.config.mode).to_ascii_lowercase()),
        ("ballot".into(), p.ballot.to_string()),
        ("promises".into(), format!("{}/{} (quorum {})", p.promises.count_ones(), p.env.n, p.quorum())),
        ("promised".into(), a.promised.to_string()),
        ("leader".into(), p.leader.map_or("unknown".into(), |l| format!("n{l}"))),
    ];
    if p.config.mode == Mode::Single {
        let acc = a.accepted.get(&0).map_or("none".into(), |(b, v)| format!("{v} @ {b}"));
        fields.push(("accepted".into(), acc));
        fields.push(("learned".into(), p.learned.get(&0).map_or("nothing".into(), |v| v.to_string())));
    }
    if let Some(b) = &p.config.bug {
        fields.push(("teaching bug".into(), b.clone()));
    }
    let top = p.learned.keys().chain(a.accepted.keys()).max().map_or(0, |s| s + 1);
    let entries = (0..top)
        .map(|slot| {
            let (term, label) = match (p.learned.get(&slot), a.accepted.get(&slot)) {
                (Some(v), acc) => (acc.map_or(0, |(b, _)| b.round), format!("{v} ✓")),
                (None, Some((b, v))) => (b.round, format!("{v} (accepted)")),
                (None, None) => (0, "—".into()),
            };
            // 1-based in the view, so that commit_index (= slots learned) marks the prefix.
            LogEntryView { index: slot + 1, term, label }
        })
        .collect();
    let log = Some(LogView { entries, commit_index: p.learned_upto, last_applied: p.applied_upto });
    let kv = TableView {
        title: "state machine".into(),
        headers: vec!["key".into(), "value".into()],
        rows: p.kv.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect(),
    };
    let mut tables = vec![kv];
    let sessions = &p.sessions;
    if !sessions.table.is_empty() || !sessions.expired.is_empty() {
        let mut rows: Vec<Vec<String>> = sessions
            .table
            .iter()
            .map(|(c, e)| vec![format!("c{c}"), e.serial.to_string(), e.output.clone().unwrap_or_else(|| "ok".into()), (e.last_slot + 1).to_string()])
            .collect();
        rows.extend(sessions.expired.iter().map(|c| vec![format!("c{c}"), "expired".into(), String::new(), String::new()]));
        tables.push(TableView {
            title: "client sessions".into(),
            headers: vec!["client".into(), "last serial".into(), "reply".into(), "last used at slot".into()],
            rows,
        });
    }
    NodeView { term: Some(headline_ballot(p).round), fields, log, tables, ..Default::default() }
}

/// Every node's three roles side by side ("Paxos Made Simple" §2): as acceptor, the ballot
/// it promised and how many slots it accepted a value for (the highest accepted ballot);
/// as proposer, its ballot and the Promises it holds; as learner, the slots chosen and
/// applied. Each slot's accepted (ballot, value) per acceptor is the log grid below it.
/// Above 64 nodes, the default summary by role.
pub fn cluster_table(nodes: &[Option<Paxos>]) -> TableView {
    if nodes.len() > crate::sim::present::TABLE_ROWS_MAX {
        return crate::sim::present::default_cluster_table(nodes);
    }
    let headers = ["node", "role", "promised", "accepted", "proposer ballot", "promises", "learned", "applied", "leader"];
    let rows = nodes.iter().enumerate().map(|(id, n)| match n {
        None => {
            let mut row = vec![format!("n{id}"), "crashed".to_string()];
            row.resize(headers.len(), String::new());
            row
        }
        Some(p) => {
            let a = &p.acceptor;
            let top = a.accepted.values().map(|(b, _)| *b).max();
            let accepted = match (a.accepted.len(), top) {
                (0, _) | (_, None) => "none".to_string(),
                (1, Some(b)) => format!("1 slot @ {b}"),
                (k, Some(b)) => format!("{k} slots, highest @ {b}"),
            };
            let proposing = matches!(p.phase, Phase::Preparing | Phase::Accepting | Phase::Leading);
            vec![
                format!("n{id}"),
                role(p).label.into(),
                a.promised.to_string(),
                accepted,
                p.ballot.to_string(),
                if proposing { format!("{}/{}", p.promises.count_ones(), p.quorum()) } else { String::new() },
                p.learned.len().to_string(),
                p.applied_upto.to_string(),
                p.leader.map_or("unknown".into(), |l| format!("n{l}")),
            ]
        }
    });
    TableView { title: "cluster".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: rows.collect() }
}
