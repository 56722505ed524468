//! How three-phase commit is drawn: the coordinator and the participants apart; each
//! participant's state per transaction (working, uncertain, pre-committed, committed,
//! aborted), whether it is recovering or running the termination protocol, its locks and
//! log; broadcasts under way; the blocked gauge; the cluster state table.

use super::coordinator::TmPhase;
use super::node::{Role, ThreePc};
use super::participant::{RmTxn, Term};
use crate::protocols::txn::view::{self as table, locks_cell, log_cell, txn_tables, Uncertain};
use crate::protocols::txn::{Record, RmState};
use crate::sim::view::Overlay;
use crate::sim::{NodeView, RoleView, TableView, TimeUs, Tone};

pub fn role(n: &ThreePc) -> RoleView {
    match &n.role {
        Role::Coordinator(c) if c.txns.values().any(|p| *p == TmPhase::Recovering) => RoleView::new("coordinator (recovering)", Tone::Warning),
        Role::Coordinator(_) => RoleView::new("coordinator", Tone::Leading),
        Role::Participant(p) => {
            let open = || p.txns.values().filter(|t| t.state.decision().is_none());
            if open().any(|t| !matches!(t.term, Term::Waiting)) {
                RoleView::new("terminating", Tone::Contending)
            } else if open().any(|t| t.recovering) {
                RoleView::new("recovering", Tone::Warning)
            } else if open().any(|t| t.state == RmState::PreCommitted) {
                RoleView::new("pre-committed", Tone::Transient)
            } else if open().any(|t| t.state == RmState::Prepared) {
                RoleView::new("uncertain", Tone::Warning)
            } else if open().next().is_some() {
                RoleView::new("working", Tone::Transient)
            } else {
                RoleView::new("participant", Tone::Settled)
            }
        }
    }
}

fn phase_label(p: &TmPhase) -> String {
    match p {
        TmPhase::Collecting(yes) => format!("collecting votes ({} yes)", yes.len()),
        TmPhase::PreCommitting { acks, .. } => format!("pre-committing ({} acks)", acks.len()),
        TmPhase::Decided(d) => d.label().to_string(),
        TmPhase::Recovering => "recovering: asking".into(),
    }
}

fn txn_label(t: &RmTxn) -> String {
    let mut s = t.state.label().to_string();
    if t.recovering {
        s.push_str(", recovering");
    }
    match &t.term {
        Term::Waiting => {}
        Term::Electing => s.push_str(", electing"),
        Term::Surveying(states) => s.push_str(&format!(", surveying ({} states)", states.len())),
        Term::PreCommitting(waiting) => s.push_str(&format!(", TR4: {} acks to come", waiting.len())),
    }
    s
}

fn txns_cell(n: &ThreePc) -> String {
    match &n.role {
        Role::Coordinator(c) => c.txns.iter().map(|(t, p)| format!("t{t} {}", phase_label(p))).collect::<Vec<_>>().join(", "),
        Role::Participant(p) => p.txns.iter().map(|(t, x)| format!("t{t} {}", txn_label(x))).collect::<Vec<_>>().join(", "),
    }
}

fn locks(n: &ThreePc) -> String {
    n.as_participant().map(|p| locks_cell(&p.locks)).unwrap_or_default()
}

fn sending(n: &ThreePc) -> String {
    n.outbox().iter().map(|(_, m, to)| format!("{} to {}", m.summary(), to.iter().map(|p| format!("n{p}")).collect::<Vec<_>>().join(" "))).collect::<Vec<_>>().join("; ")
}

pub fn node_view(n: &ThreePc) -> NodeView {
    let mut v = NodeView::default();
    match &n.role {
        Role::Coordinator(c) => v.term = Some(u64::from(c.next_txn)),
        Role::Participant(p) => {
            v.term = Some(p.txns.len() as u64);
            v.fields.push(("locks".into(), locks(n)));
        }
    }
    v.fields.insert(0, ("transactions".into(), txns_cell(n)));
    v.fields.push(("sending".into(), sending(n)));
    v.fields.push(("log".into(), log_cell(&n.log, Record::label)));
    v
}

pub fn cluster_table(nodes: &[Option<ThreePc>]) -> TableView {
    table::cluster_table(nodes, |n| [role(n).label.to_string(), txns_cell(n), locks(n), log_cell(&n.log, Record::label)])
}

/// The groups, the blocked gauge (uncertain and pre-committed participants, for how long,
/// and who waits behind their locks), the transactions blocked by a total failure, and
/// the cost per transaction.
pub fn overlay(nodes: &[Option<ThreePc>], now_us: TimeUs) -> Overlay {
    let mut o = Overlay::default();
    o.groups = (0..nodes.len()).map(|i| if i == 0 { "coordinator" } else { "participants" }.to_string()).collect();
    let uncertain = nodes.iter().flatten().filter_map(|n| {
        let p = n.as_participant()?;
        let txns = p.txns.iter().map(|(t, x)| (*t, x.state, x.since_us)).collect();
        Some(Uncertain { id: n.env.id, txns, locks: &p.locks, timeout_us: n.config.termination_timeout_us })
    });
    txn_tables(nodes, uncertain, now_us, &mut o);
    let stuck = super::invariants::blocked(nodes);
    if !stuck.is_empty() {
        let rows = stuck.iter().map(|t| vec![format!("t{t}")]).collect();
        o.tables.push(TableView { title: "blocked by a total failure".into(), headers: vec!["transaction".into()], rows });
    }
    o
}
