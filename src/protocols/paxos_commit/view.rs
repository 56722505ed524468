//! How Paxos Commit is drawn: the coordinator, the acceptors and the participants in rows;
//! each acceptor's promises and acceptances, each participant's state, locks and log; the
//! blocked gauge and the cost per transaction (Gray & Lamport's measures), as for
//! two-phase commit.

use super::node::{PaxosCommit, PcRecord, Role};
use crate::protocols::txn::view::{self as table, locks_cell, log_cell, txn_tables, Uncertain};
use crate::protocols::txn::RmState;
use crate::sim::view::Overlay;
use crate::sim::{NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &PaxosCommit) -> RoleView {
    match &n.role {
        Role::Coordinator { leader, .. } if !leader.leading.is_empty() => RoleView::new("leader (phase 1)", Tone::Contending),
        Role::Coordinator { .. } => RoleView::new("coordinator", Tone::Leading),
        Role::Acceptor { leader, .. } if !leader.leading.is_empty() => RoleView::new("leader (phase 1)", Tone::Contending),
        Role::Acceptor { .. } => RoleView::new("acceptor", Tone::Neutral),
        Role::Participant(p) => {
            if p.txns.values().any(|t| t.state.uncertain()) {
                RoleView::new("uncertain", Tone::Warning)
            } else if p.txns.values().any(|t| t.state == RmState::Working) {
                RoleView::new("working", Tone::Transient)
            } else {
                RoleView::new("participant", Tone::Settled)
            }
        }
    }
}

fn log_tail(n: &PaxosCommit) -> String {
    log_cell(&n.log, PcRecord::label)
}

/// What the node holds per transaction, one line.
fn holds(n: &PaxosCommit) -> String {
    match &n.role {
        Role::Participant(p) => p.txns.iter().map(|(t, x)| format!("t{t} {}", x.state.label())).collect::<Vec<_>>().join(", "),
        Role::Acceptor { acceptor, .. } => {
            acceptor.promised.iter().map(|(t, b)| format!("t{t} promised {b}")).collect::<Vec<_>>().join(", ")
        }
        Role::Coordinator { leader, .. } => leader.decided.iter().map(|(t, d)| format!("t{t} {}", d.label())).collect::<Vec<_>>().join(", "),
    }
}

fn locks(n: &PaxosCommit) -> String {
    n.as_participant().map(|p| locks_cell(&p.locks)).unwrap_or_default()
}

pub fn node_view(n: &PaxosCommit) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Coordinator { next_txn, .. } => v.term = Some(u64::from(*next_txn)),
        Role::Acceptor { acceptor, .. } => v.term = Some(acceptor.accepted.len() as u64),
        Role::Participant(p) => v.term = Some(p.txns.len() as u64),
    }
    v.fields.push(("transactions".into(), holds(n)));
    if n.as_participant().is_some() {
        v.fields.push(("locks".into(), locks(n)));
    }
    v.fields.push(("log".into(), log_tail(n)));
    v
}

pub fn cluster_table(nodes: &[Option<PaxosCommit>]) -> TableView {
    table::cluster_table(nodes, |n| [role(n).label.to_string(), holds(n), locks(n), log_tail(n)])
}

pub fn overlay(nodes: &[Option<PaxosCommit>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    let acceptors = nodes.iter().flatten().next().map(|n| n.config.acceptors());
    o.groups = (0..nodes.len() as u32)
        .map(|i| {
            if i == 0 {
                "coordinator"
            } else if acceptors.as_ref().is_some_and(|a| a.contains(&i)) {
                "acceptors"
            } else {
                "participants"
            }
            .to_string()
        })
        .collect();
    let uncertain = nodes.iter().flatten().filter_map(|n| {
        let p = n.as_participant()?;
        let txns = p.txns.iter().map(|(t, x)| (*t, x.state, x.since_us)).collect();
        Some(Uncertain { id: n.env.id, txns, locks: &p.locks, timeout_us: n.config.decision_timeout_us })
    });
    txn_tables(nodes, uncertain, now_us, &mut o);
    o
}
