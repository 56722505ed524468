//! How a Raft server is drawn: its role (follower, pre-candidate, candidate, leader; Raft
//! paper §5.1 and Ongaro's thesis §9.6), the persistent and volatile state of Figure 2, its
//! log, the leader's nextIndex / matchIndex, the state machine, and RPC summaries.

use super::msg::RaftMsg;
use super::node::{Raft, Role};
use crate::sim::view::{LogEntryView, LogView, NodeView, TableView};
use crate::sim::{RoleView, StateMachine, Tone};

pub fn role<S: StateMachine>(r: &Raft<S>) -> RoleView {
    match r.role {
        Role::Follower => RoleView::new("follower", Tone::Neutral),
        Role::PreCandidate => RoleView::new("pre-candidate", Tone::Contending),
        Role::Candidate => RoleView::new("candidate", Tone::Contending),
        Role::Leader => RoleView::new("leader", Tone::Leading),
    }
}

pub fn summary<S: StateMachine>(msg: &RaftMsg<S::Command>) -> String {
    match msg {
        RaftMsg::RequestVote { term, last_log_index, last_log_term } => format!("RequestVote term {term}, last log ({last_log_index}, t{last_log_term})"),
        RaftMsg::PreVote { term, last_log_index, last_log_term } => format!("PreVote for term {term}, last log ({last_log_index}, t{last_log_term})"),
        RaftMsg::RequestVoteResponse { term, vote_granted } | RaftMsg::PreVoteResponse { term, vote_granted } => {
            format!("{} term {term}", if *vote_granted { "vote granted" } else { "vote refused" })
        }
        RaftMsg::AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit, .. } => {
            let e: Vec<String> = entries.iter().map(|e| format!("t{}:{}", e.term, e.cmd.as_ref().map_or("no-op".into(), S::label))).collect();
            format!("AppendEntries term {term} prev ({prev_log_index}, t{prev_log_term}) [{}] commit {leader_commit}", e.join(", "))
        }
        RaftMsg::AppendEntriesResponse { term, success, match_index, .. } => {
            format!("{} term {term}, index {match_index}", if *success { "success" } else { "reject" })
        }
    }
}

pub fn node_view<S: StateMachine>(r: &Raft<S>) -> NodeView {
    let mut fields = vec![
        ("votedFor".into(), r.voted_for.map_or("none".into(), |v| format!("n{v}"))),
        ("commitIndex".into(), r.commit_index.to_string()),
        ("lastApplied".into(), r.last_applied.to_string()),
        ("leader".into(), r.leader_id.map_or("unknown".into(), |l| format!("n{l}"))),
    ];
    if r.role == Role::Candidate || r.role == Role::PreCandidate {
        fields.push(("votes".into(), format!("{} of {} needed", r.votes.len(), r.quorum())));
    }
    let opts: Vec<&str> = [(r.config.pre_vote, "PreVote"), (r.config.check_quorum, "CheckQuorum")].iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect();
    if !opts.is_empty() {
        fields.push(("options".into(), opts.join(", ")));
    }
    if let Some(b) = &r.config.bug {
        fields.push(("teaching bug".into(), b.clone()));
    }
    let entries = r
        .log
        .iter()
        .enumerate()
        .map(|(i, e)| LogEntryView { index: i as u64 + 1, term: e.term, label: e.cmd.as_ref().map_or("no-op".into(), S::label) })
        .collect();
    let mut tables = Vec::new();
    if r.role == Role::Leader {
        tables.push(TableView {
            title: "replication".into(),
            headers: vec!["peer".into(), "nextIndex".into(), "matchIndex".into()],
            rows: r.env.peers().map(|p| vec![format!("n{p}"), r.next_index[p as usize].to_string(), r.match_index[p as usize].to_string()]).collect(),
        });
    }
    tables.push(TableView { title: "state machine".into(), headers: vec!["key".into(), "value".into()], rows: r.sm.rows() });
    tables.extend(r.sm.tables());
    NodeView {
        term: Some(r.current_term),
        fields,
        log: Some(LogView { entries, commit_index: r.commit_index, last_applied: r.last_applied }),
        tables,
        ..Default::default()
    }
}

/// The current leader (the one of the highest term, should an old one not know yet).
fn leader<S: StateMachine>(nodes: &[Option<Raft<S>>]) -> Option<&Raft<S>> {
    nodes.iter().flatten().filter(|r| r.role == Role::Leader).max_by_key(|r| r.current_term)
}

/// The leader's nextIndex and matchIndex for each follower (Figure 2's volatile state on
/// leaders), marked on the followers' rows of the log grid.
pub fn log_marks<S: StateMachine>(nodes: &[Option<Raft<S>>]) -> Vec<crate::sim::LogMark> {
    let Some(l) = leader(nodes) else { return Vec::new() };
    l.env
        .peers()
        .flat_map(|p| {
            let (next, matched) = (l.next_index[p as usize], l.match_index[p as usize]);
            [crate::sim::LogMark { node: p, index: next, label: "nextIndex" }, crate::sim::LogMark { node: p, index: matched, label: "matchIndex" }]
        })
        .collect()
}

/// Every server's Figure 2 state side by side: term, vote, last log entry, commit and apply
/// points, and the leader's nextIndex/matchIndex for each peer. Above 64 servers, the
/// default summary by role.
pub fn cluster_table<S: StateMachine>(nodes: &[Option<Raft<S>>]) -> TableView {
    if nodes.len() > crate::sim::present::TABLE_ROWS_MAX {
        return crate::sim::present::default_cluster_table(nodes);
    }
    let leader = leader(nodes);
    let headers = ["node", "role", "currentTerm", "votedFor", "last log (index, term)", "commitIndex", "lastApplied", "nextIndex / matchIndex"];
    let rows = nodes.iter().enumerate().map(|(id, n)| match n {
        None => vec![format!("n{id}"), "crashed".into(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new()],
        Some(r) => vec![
            format!("n{id}"),
            role(r).label.into(),
            r.current_term.to_string(),
            r.voted_for.map_or("none".into(), |v| format!("n{v}")),
            format!("({}, t{})", r.last_log_index(), r.last_log_term()),
            r.commit_index.to_string(),
            r.last_applied.to_string(),
            leader.filter(|l| l.env.id as usize != id).map_or(String::new(), |l| format!("{} / {}", l.next_index[id], l.match_index[id])),
        ],
    });
    TableView { title: "cluster".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: rows.collect() }
}
