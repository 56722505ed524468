//! Raft, faithful to "In Search of an Understandable Consensus Algorithm" (Ongaro and
//! Ousterhout, 2014): Figure 2 and sections 5-6, with PreVote and CheckQuorum from Ongaro's
//! thesis §9.6, the five safety properties of Figure 3 checked live, and teaching bugs.

pub mod config;
mod election;
pub mod invariants;
pub mod kv;
mod log;
pub mod msg;
pub mod node;
mod rsm;

pub use config::RaftConfig;
pub use msg::{Entry, RaftMsg};
pub use node::{Raft, RaftDurable, RaftReply, RaftTimer, RaftWrite, Role};
pub use kv::{Kv, KvCommand};
pub use crate::sim::{FromClientOp, StateMachine};

use crate::sim::view::{LogEntryView, LogView, NodeView, TableView};
use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Tone};

/// Raft over the key-value store: what the page and the sweeps run.
pub type RaftKv = Raft<Kv>;

impl<S: StateMachine> Protocol for Raft<S> {
    type Config = RaftConfig;
    type Msg = RaftMsg<S::Command>;
    type Timer = RaftTimer;
    type Request = S::Command;
    type Reply = RaftReply<S::Output>;
    type Durable = RaftDurable<S::Command>;
    type Checker = invariants::RaftChecker<S>;
    const NAME: &'static str = "raft";

    fn new(env: NodeEnv, config: &RaftConfig) -> Self {
        Raft::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.write_initial_state(out);
        self.reset_election_timer(out);
    }
    fn on_recover(&mut self, durable: Self::Durable, out: &mut Out<Self>) {
        self.recover(durable);
        self.reset_election_timer(out);
    }
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: RaftTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: S::Command, out: &mut Out<Self>) {
        self.handle_client(request_id, req, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        if self.role != Role::Leader {
            self.campaign(out);
        }
    }
    fn request_from_op(op: &ClientOp) -> Option<S::Command> {
        S::Command::from_op(op)
    }
    fn reply_redirect(reply: &Self::Reply) -> Option<NodeId> {
        match reply {
            RaftReply::NotLeader { hint } => *hint,
            RaftReply::Applied { .. } => None,
        }
    }
    fn msg_kind(msg: &Self::Msg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &Self::Msg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &RaftTimer) -> &'static str {
        match timer {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
            RaftTimer::CheckQuorum => "check quorum",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl<S: StateMachine> Present for Raft<S> {
    fn msg_summary(msg: &Self::Msg) -> String {
        summary::<S>(msg)
    }
    fn role(&self) -> RoleView {
        match self.role {
            Role::Follower => RoleView::new("follower", Tone::Neutral),
            Role::PreCandidate => RoleView::new("pre-candidate", Tone::Contending),
            Role::Candidate => RoleView::new("candidate", Tone::Contending),
            Role::Leader => RoleView::new("leader", Tone::Leading),
        }
    }
    fn view(&self) -> NodeView {
        view(self)
    }
}

fn summary<S: StateMachine>(msg: &RaftMsg<S::Command>) -> String {
    match msg {
        RaftMsg::RequestVote { term, last_log_index, last_log_term } => format!("RequestVote term {term}, last log ({last_log_index}, t{last_log_term})"),
        RaftMsg::PreVote { term, last_log_index, last_log_term } => format!("PreVote for term {term}, last log ({last_log_index}, t{last_log_term})"),
        RaftMsg::RequestVoteResponse { term, vote_granted } | RaftMsg::PreVoteResponse { term, vote_granted } => {
            format!("{} term {term}", if *vote_granted { "vote granted" } else { "vote refused" })
        }
        RaftMsg::AppendEntries { term, prev_log_index, prev_log_term, entries, leader_commit } => {
            let e: Vec<String> = entries.iter().map(|e| format!("t{}:{}", e.term, e.cmd.as_ref().map_or("no-op".into(), S::label))).collect();
            format!("AppendEntries term {term} prev ({prev_log_index}, t{prev_log_term}) [{}] commit {leader_commit}", e.join(", "))
        }
        RaftMsg::AppendEntriesResponse { term, success, match_index } => {
            format!("{} term {term}, index {match_index}", if *success { "success" } else { "reject" })
        }
    }
}

fn view<S: StateMachine>(r: &Raft<S>) -> NodeView {
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
    NodeView {
        term: Some(r.current_term),
        fields,
        log: Some(LogView { entries, commit_index: r.commit_index, last_applied: r.last_applied }),
        tables,
        ..Default::default()
    }
}
