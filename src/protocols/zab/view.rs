//! How a Zab server is drawn: its role and the paper's phase (election, discovery,
//! synchronization, broadcast), acceptedEpoch and currentEpoch, zxids as (epoch, counter),
//! its history with the delivered prefix marked, the leader's proposals with their ACK
//! counts and its followers' progress, and the cluster state table.

use super::leader::Stage;
use super::node::{Phase, Role, Zab};
use crate::sim::view::{LogEntryView, LogView, NodeView, TableView};
use crate::sim::{RoleView, StateMachine, Tone};

pub fn role<S: StateMachine>(z: &Zab<S>) -> RoleView {
    match (&z.role, z.phase()) {
        (Role::Looking, _) => RoleView::new("looking", Tone::Contending),
        (Role::Leading(_), Phase::Broadcast) => RoleView::new("leader", Tone::Leading),
        (Role::Leading(_), Phase::Synchronization) => RoleView::new("leader: synchronization", Tone::Contending),
        (Role::Leading(_), _) => RoleView::new("leader: discovery", Tone::Contending),
        (Role::Following(_), Phase::Broadcast) => RoleView::new("follower", Tone::Neutral),
        (Role::Following(_), Phase::Synchronization) => RoleView::new("follower: synchronization", Tone::Transient),
        (Role::Following(_), _) => RoleView::new("follower: discovery", Tone::Transient),
    }
}

fn stage_label(s: Stage) -> &'static str {
    match s {
        Stage::Info => "FOLLOWERINFO in",
        Stage::EpochSent => "LEADERINFO sent",
        Stage::EpochAcked => "ACKEPOCH in",
        Stage::Syncing => "NEWLEADER sent",
        Stage::Synced => "NEWLEADER acked",
        Stage::UpToDate => "UPTODATE sent",
    }
}

fn leader_tables<S: StateMachine>(z: &Zab<S>) -> Vec<TableView> {
    let Role::Leading(l) = &z.role else { return Vec::new() };
    let followers = TableView {
        title: "followers".into(),
        headers: vec!["follower".into(), "stage".into(), "synchronized by".into()],
        rows: l.learners.iter().map(|(id, x)| vec![format!("n{id}"), stage_label(x.stage).into(), x.sync.into()]).collect(),
    };
    let proposals = TableView {
        title: "proposals".into(),
        headers: vec!["zxid".into(), "ACKs".into(), "quorum".into()],
        rows: l.outstanding.iter().map(|(zxid, acks)| vec![zxid.to_string(), acks.len().to_string(), z.quorum().to_string()]).collect(),
    };
    vec![followers, proposals]
}

fn history_view<S: StateMachine>(z: &Zab<S>) -> LogView {
    let entries = z
        .history
        .iter()
        .enumerate()
        .map(|(i, t)| LogEntryView { index: i as u64 + 1, term: t.zxid.epoch, label: format!("{} {}", t.zxid, S::label(&t.cmd)) })
        .collect();
    LogView { entries, commit_index: z.delivered as u64, last_applied: z.delivered as u64 }
}

pub fn node_view<S: StateMachine>(z: &Zab<S>) -> NodeView {
    let mut fields = vec![
        ("phase".into(), z.phase().label().into()),
        ("acceptedEpoch".into(), z.accepted_epoch.to_string()),
        ("currentEpoch".into(), z.current_epoch.to_string()),
        ("last zxid".into(), z.last_zxid().to_string()),
        ("delivered to".into(), z.committed_zxid().to_string()),
        ("leader".into(), z.leader().map_or("none".into(), |l| format!("n{l}"))),
        ("vote".into(), format!("n{} round {}", z.election.vote.leader, z.election.round)),
    ];
    if let Some(b) = &z.config.bug {
        fields.push(("teaching bug".into(), b.clone()));
    }
    let mut tables = leader_tables(z);
    tables.push(TableView { title: "state machine".into(), headers: vec!["key".into(), "value".into()], rows: z.sm.rows() });
    NodeView { term: Some(z.current_epoch), fields, log: Some(history_view(z)), tables, ..Default::default() }
}

/// Every server side by side: role and phase, epochs, last and delivered zxids, how many
/// transactions it holds and has delivered, and the leader's view of it.
pub fn cluster_table<S: StateMachine>(nodes: &[Option<Zab<S>>]) -> TableView {
    if nodes.len() > crate::sim::present::TABLE_ROWS_MAX {
        return crate::sim::present::default_cluster_table(nodes);
    }
    let leader = nodes.iter().flatten().filter(|z| matches!(z.role, Role::Leading(_))).max_by_key(|z| z.current_epoch);
    let headers = ["node", "role", "phase", "acceptedEpoch", "currentEpoch", "last zxid", "delivered to", "history (delivered)", "at the leader"];
    let rows = nodes.iter().enumerate().map(|(id, n)| match n {
        None => {
            let mut row = vec![format!("n{id}"), "crashed".to_string()];
            row.resize(headers.len(), String::new());
            row
        }
        Some(z) => {
            let at_leader = match leader.map(|l| &l.role) {
                Some(Role::Leading(l)) => l.learners.get(&(id as u32)).map_or(String::new(), |x| stage_label(x.stage).to_string()),
                _ => String::new(),
            };
            vec![
                format!("n{id}"),
                role(z).label.into(),
                z.phase().label().into(),
                z.accepted_epoch.to_string(),
                z.current_epoch.to_string(),
                z.last_zxid().to_string(),
                z.committed_zxid().to_string(),
                format!("{} ({})", z.history.len(), z.delivered),
                at_leader,
            ]
        }
    });
    TableView { title: "cluster".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: rows.collect() }
}
