//! Paxos as in Lamport's "Paxos Made Simple" (2001): single-decree (Basic) Paxos with
//! proposers, acceptors and learners, and Multi-Paxos with a distinguished leader (§3),
//! with live agreement checks and planted teaching bugs.

pub mod acceptor;
pub mod config;
pub mod invariants;
pub mod msg;
pub mod node;

pub use config::{Mode, PaxosConfig};
pub use msg::{Ballot, PaxosMsg, Value};
pub use node::{Paxos, PaxosDurable, PaxosReply, PaxosTimer, PaxosWrite, Phase};

use crate::sim::view::{LogEntryView, LogView, NodeView, TableView};
use crate::sim::{ClientOp, NodeEnv, NodeId, Out, Present, Protocol, RoleView, Tone};

impl Protocol for Paxos {
    type Config = PaxosConfig;
    type Msg = PaxosMsg;
    type Timer = PaxosTimer;
    type Request = Value;
    type Reply = PaxosReply;
    type Durable = PaxosDurable;
    type Checker = invariants::PaxosChecker;
    const NAME: &'static str = "paxos";

    fn new(env: NodeEnv, config: &PaxosConfig) -> Self {
        Paxos::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        self.arm_leader_timeout(out);
    }
    fn on_recover(&mut self, durable: PaxosDurable, out: &mut Out<Self>) {
        self.recover(durable);
        self.arm_leader_timeout(out);
    }
    fn on_message(&mut self, from: NodeId, msg: PaxosMsg, out: &mut Out<Self>) {
        self.handle_message(from, msg, out);
    }
    fn on_timer(&mut self, timer: PaxosTimer, out: &mut Out<Self>) {
        self.handle_timer(timer, out);
    }
    fn on_request(&mut self, request_id: u64, req: Value, out: &mut Out<Self>) {
        self.handle_request(request_id, req, out);
    }
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        self.start_prepare(out);
    }
    fn request_from_op(op: &ClientOp) -> Option<Value> {
        match op {
            ClientOp::Propose { value } => Some(Value::Cmd(value.clone())),
            ClientOp::Put { key, value } => Some(Value::Cmd(format!("{key}={value}"))),
            ClientOp::Get { .. } => None,
        }
    }
    fn reply_redirect(reply: &PaxosReply) -> Option<NodeId> {
        match reply {
            PaxosReply::NotLeader { hint } => *hint,
            _ => None,
        }
    }
    fn msg_kind(msg: &PaxosMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &PaxosMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &PaxosTimer) -> &'static str {
        match timer {
            PaxosTimer::Retry => "retry",
            PaxosTimer::LeaderTimeout => "leader timeout",
            PaxosTimer::Heartbeat => "heartbeat",
        }
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl Present for Paxos {
    const TERM_NAME: &'static str = "ballot";

    fn msg_summary(msg: &PaxosMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        role(self)
    }
    fn view(&self) -> NodeView {
        view(self)
    }
}

fn role(p: &Paxos) -> RoleView {
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

fn view(p: &Paxos) -> NodeView {
    let a = &p.acceptor;
    let mut fields = vec![
        ("mode".into(), format!("{:?}", p.config.mode).to_lowercase()),
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
    NodeView { term: Some(headline_ballot(p).round), fields, log, tables: vec![kv], ..Default::default() }
}
