//! How two-phase commit is drawn: the coordinator, its backup and the participants apart;
//! each participant's state per transaction, the locks it holds and the transactions
//! waiting for them, its log; the blocked gauge (who is uncertain, for how long, and who
//! waits behind it); the cluster state table, one row per node.

use super::coordinator::TmPhase;
use super::node::{Role, TwoPc};
use crate::protocols::txn::view::{self as table, locks_cell, log_cell, txn_tables, Uncertain};
use crate::protocols::txn::{Record, RmState};
use crate::sim::view::Overlay;
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
    n.as_participant().map(|p| locks_cell(&p.locks)).unwrap_or_default()
}

fn log_tail(n: &TwoPc) -> String {
    log_cell(&n.log, Record::label)
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
    table::cluster_table(nodes, |n| {
        let txns = match &n.role {
            Role::Participant(_) => participant_txns(n),
            _ => node_view(n).fields.first().map(|(_, v)| v.clone()).unwrap_or_default(),
        };
        [role(n).label.to_string(), txns, locks(n), log_tail(n)]
    })
}

/// The groups (coordinator, backup, participants), the blocked gauge with a bar under
/// each uncertain participant (its blocked time against its termination timeout), and the
/// cost per transaction.
pub fn overlay(nodes: &[Option<TwoPc>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| match i { 0 => "coordinator", 1 => "backup", _ => "participants" }.to_string()).collect();
    let uncertain = nodes.iter().flatten().filter_map(|n| {
        let p = n.as_participant()?;
        let txns = p.txns.iter().map(|(t, x)| (*t, x.state, x.since_us)).collect();
        Some(Uncertain { id: n.env.id, txns, locks: &p.locks, timeout_us: n.config.termination_timeout_us })
    });
    txn_tables(nodes, uncertain, now_us, &mut o);
    o
}
