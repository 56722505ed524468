//! How two-phase commit is drawn: the coordinator, its backup and the participants apart;
//! each participant's state per transaction, the locks it holds and the transactions
//! waiting for them, its log; the blocked gauge (who is uncertain, for how long, and who
//! waits behind it); the cluster state table, one row per node.

use super::coordinator::TmPhase;
use super::node::{Role, TwoPc};
use crate::protocols::txn::cost::totals;
use crate::protocols::txn::RmState;
use crate::sim::view::{Overlay, OverlayBar};
use crate::sim::{NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &TwoPc) -> RoleView {
    match &n.role {
        Role::Coordinator(_) => RoleView::new("coordinator", Tone::Leading),
        Role::Backup(b) if b.open().next().is_some() => RoleView::new("backup (surveying)", Tone::Contending),
        Role::Backup(_) => RoleView::new("backup coordinator", Tone::Neutral),
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

fn phase_label(p: TmPhase) -> String {
    match p {
        TmPhase::Collecting => "collecting votes".into(),
        TmPhase::Decided(d) => format!("{}, awaiting acks", d.label()),
    }
}

/// "t0 committed, t1 prepared (k1)".
fn participant_txns(n: &TwoPc) -> String {
    let Some(p) = n.as_participant() else { return String::new() };
    p.txns.iter().map(|(t, x)| format!("t{t} {}", x.state.label())).collect::<Vec<_>>().join(", ")
}

fn locks(n: &TwoPc) -> String {
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

/// The last records of the node's log, newest last; "(forced)" marks a synced one.
fn log_tail(n: &TwoPc) -> String {
    let skip = n.log.len().saturating_sub(6);
    n.log[skip..].iter().map(|(r, forced)| if *forced { format!("{} (forced)", r.label()) } else { r.label() }).collect::<Vec<_>>().join(", ")
}

pub fn node_view(n: &TwoPc) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Coordinator(c) => {
            v.term = Some(u64::from(c.next_txn));
            let txns = c.txns.iter().map(|(t, x)| format!("t{t} {}", phase_label(x.phase))).collect::<Vec<_>>().join(", ");
            v.fields.push(("transactions".into(), txns));
            let ended = c.ended.iter().map(|(t, d)| format!("t{t} {}", d.label())).collect::<Vec<_>>().join(", ");
            v.fields.push(("ended and forgotten".into(), ended));
        }
        Role::Backup(b) => {
            let surveys = b
                .surveys
                .iter()
                .map(|(t, s)| format!("t{t} {}", s.decided.map_or("undecided", |d| d.label())))
                .collect::<Vec<_>>()
                .join(", ");
            v.fields.push(("surveys".into(), surveys));
        }
        Role::Participant(p) => {
            v.term = Some(p.txns.len() as u64);
            v.fields.push(("transactions".into(), participant_txns(n)));
            v.fields.push(("locks".into(), locks(n)));
        }
    }
    if !matches!(n.role, Role::Backup(_)) {
        v.fields.push(("log".into(), log_tail(n)));
    }
    v
}

/// One row per node: role, what it holds per transaction, its locks, its last log records.
pub fn cluster_table(nodes: &[Option<TwoPc>]) -> TableView {
    let headers = vec!["node".into(), "role".into(), "transactions".into(), "locks".into(), "log".into()];
    let rows = nodes
        .iter()
        .enumerate()
        .map(|(id, n)| match n {
            None => vec![format!("n{id}"), "crashed".into(), String::new(), String::new(), String::new()],
            Some(n) => {
                let txns = match &n.role {
                    Role::Participant(_) => participant_txns(n),
                    _ => node_view(n).fields.first().map(|(_, v)| v.clone()).unwrap_or_default(),
                };
                vec![format!("n{id}"), role(n).label.to_string(), txns, locks(n), log_tail(n)]
            }
        })
        .collect();
    TableView { title: "cluster".into(), headers, rows }
}

/// The groups (coordinator, backup, participants), a bar under each uncertain participant
/// (its blocked time against its termination timeout), and the blocked gauge.
pub fn overlay(nodes: &[Option<TwoPc>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| match i { 0 => "coordinator", 1 => "backup", _ => "participants" }.to_string()).collect();
    let mut rows = Vec::new();
    for n in nodes.iter().flatten() {
        let Some(p) = n.as_participant() else { continue };
        for (t, x) in p.txns.iter().filter(|(_, x)| x.state.uncertain()) {
            let blocked_us = now_us.saturating_sub(x.since_us);
            let waiting: Vec<String> =
                p.locks.iter().filter(|(_, h, _)| h == t).flat_map(|(_, _, w)| w.iter().map(|w| format!("t{w}"))).collect();
            rows.push(vec![format!("n{}", n.env.id), format!("t{t}"), format!("{} ms", blocked_us / 1000), waiting.join(" ")]);
            let permille = (blocked_us.min(n.config.termination_timeout_us) * 1000 / n.config.termination_timeout_us.max(1)) as u32;
            o.bars.push(OverlayBar { node: n.env.id, label: "uncertain".into(), permille });
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

/// Per transaction, what it cost over every node that is up (Gray & Lamport's measures):
/// messages, forced writes, the time from its begin until every participant decided, and
/// the participants' uncertain time summed.
pub fn cost_table(nodes: &[Option<TwoPc>], now_us: TimeUs) -> TableView {
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
