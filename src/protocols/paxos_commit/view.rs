//! How Paxos Commit is drawn: the coordinator, the acceptors and the participants in rows;
//! each acceptor's promises and acceptances, each participant's state, locks and log; the
//! blocked gauge and the cost per transaction (Gray & Lamport's measures), as for
//! two-phase commit.

use super::node::{PaxosCommit, Role};
use crate::protocols::txn::cost::totals;
use crate::protocols::txn::RmState;
use crate::sim::view::{Overlay, OverlayBar};
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
    let skip = n.log.len().saturating_sub(6);
    n.log[skip..].iter().map(|(r, forced)| if *forced { format!("{} (forced)", r.label()) } else { r.label() }).collect::<Vec<_>>().join(", ")
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
    let Some(p) = n.as_participant() else { return String::new() };
    p.locks
        .iter()
        .map(|(k, h, w)| {
            let waiting: Vec<String> = w.iter().map(|t| format!("t{t}")).collect();
            if waiting.is_empty() { format!("k{k}: t{h}") } else { format!("k{k}: t{h} (waiting {})", waiting.join(" ")) }
        })
        .collect::<Vec<_>>()
        .join("; ")
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
    let headers = vec!["node".into(), "role".into(), "transactions".into(), "locks".into(), "log".into()];
    let rows = nodes
        .iter()
        .enumerate()
        .map(|(id, n)| match n {
            None => vec![format!("n{id}"), "crashed".into(), String::new(), String::new(), String::new()],
            Some(n) => vec![format!("n{id}"), role(n).label.to_string(), holds(n), locks(n), log_tail(n)],
        })
        .collect();
    TableView { title: "cluster".into(), headers, rows }
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
    let mut rows = Vec::new();
    for n in nodes.iter().flatten() {
        let Some(p) = n.as_participant() else { continue };
        for (t, x) in p.txns.iter().filter(|(_, x)| x.state.uncertain()) {
            let blocked_us = now_us.saturating_sub(x.since_us);
            let waiting: Vec<String> =
                p.locks.iter().filter(|(_, h, _)| h == t).flat_map(|(_, _, w)| w.iter().map(|w| format!("t{w}"))).collect();
            rows.push(vec![format!("n{}", n.env.id), format!("t{t}"), format!("{} ms", blocked_us / 1000), waiting.join(" ")]);
            let timeout = n.config.decision_timeout_us.max(1);
            o.bars.push(OverlayBar { node: n.env.id, label: "uncertain".into(), permille: (blocked_us.min(timeout) * 1000 / timeout) as u32 });
        }
    }
    o.tables.push(TableView {
        title: "blocked".into(),
        headers: vec!["participant".into(), "transaction".into(), "uncertain for".into(), "waiting for its lock".into()],
        rows,
    });
    o.tables.push(cost_table(nodes, now_us));
    o
}

pub fn cost_table(nodes: &[Option<PaxosCommit>], now_us: TimeUs) -> TableView {
    let up = || nodes.iter().flatten().map(|n| (&n.costs, n.as_participant().is_some()));
    let mut txns: Vec<u32> = up().flat_map(|(c, _)| c.txns.keys().copied()).collect();
    txns.sort_unstable();
    txns.dedup();
    let rows = txns
        .into_iter()
        .map(|t| {
            let x = totals(up(), t, now_us);
            let ms = |us: TimeUs| format!("{} ms", us / 1000);
            vec![format!("t{t}"), x.messages.to_string(), x.forced_writes.to_string(), x.decided_after_us.map_or("-".into(), ms), ms(x.blocked_us)]
        })
        .collect();
    TableView {
        title: "cost per transaction".into(),
        headers: vec!["transaction".into(), "messages".into(), "forced writes".into(), "all decided after".into(), "time uncertain".into()],
        rows,
    }
}
