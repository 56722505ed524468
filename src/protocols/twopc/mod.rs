//! Two-phase commit with a backup coordinator, presumed abort or presumed nothing, and the
//! cooperative termination protocol: Gray, "Notes on Data Base Operating Systems" (1978);
//! Bernstein, Hadzilacos, Goodman (1987), ch. 7 (§7.3 2PC, §7.4 timeouts and cooperative
//! termination, recovery); Gray & Lamport, "Consensus on Transaction Commit" (TODS 2006),
//! §3 and its TwoPhase specification; the backup coordinator of 2PCwithBTM.tla; Mohan,
//! Lindsay, Obermarck (TODS 1986) for the presumptions.

pub mod backup;
pub mod config;
pub mod coordinator;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod participant;
pub mod view;

pub use config::{Presumption, TwoPcConfig, BUGS};
pub use invariants::TwoPcChecker;
pub use msg::TwoPcMsg;
pub use node::{Role, TwoPc, TwoPcTimer};

use crate::protocols::txn::cost::{account_effects, account_states, counted, Counting};
use crate::protocols::txn::{Decision, Record, RmState, TxnId, TxnNode};
use crate::sim::{ClientOp, DurableLog, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TableView, TimeUs};
use crate::sim::view::Overlay;

impl Protocol for TwoPc {
    type Config = TwoPcConfig;
    type Msg = TwoPcMsg;
    type Timer = TwoPcTimer;
    type Request = ();
    type Reply = ();
    type Durable = DurableLog<Record>;
    type Checker = TwoPcChecker;
    const NAME: &'static str = "2pc";

    fn new(env: NodeEnv, config: &TwoPcConfig) -> Self {
        TwoPc::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        counted(self, out, |n, out| {
            if let Role::Coordinator(c) = &mut n.role {
                c.start(&n.config, out);
            }
        });
    }
    fn on_recover(&mut self, log: DurableLog<Record>, out: &mut Out<Self>) {
        self.log = log.entries().iter().map(|r| (r.clone(), false)).collect();
        counted(self, out, |n, out| {
            let now = out.now();
            let TwoPc { env, config, role, .. } = n;
            match role {
                Role::Coordinator(c) => c.recover(env, config, log, now, out),
                Role::Participant(p) => p.recover(env, config, log, out),
                Role::Backup(_) => {}
            }
        });
    }
    fn on_message(&mut self, from: NodeId, msg: TwoPcMsg, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_message(from, msg, out));
    }
    fn on_timer(&mut self, timer: TwoPcTimer, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_timer(timer, out));
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        counted(self, out, TwoPc::time_out_now);
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &TwoPcMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &TwoPcMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &TwoPcTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl TwoPc {
    fn handle_message(&mut self, from: NodeId, msg: TwoPcMsg, out: &mut Out<Self>) {
        let TwoPc { env, config, role, .. } = self;
        match (role, msg) {
            (Role::Coordinator(c), TwoPcMsg::Prepared { txn }) => c.on_vote(env, config, from, txn, true, out),
            (Role::Coordinator(c), TwoPcMsg::Aborted { txn }) => c.on_vote(env, config, from, txn, false, out),
            (Role::Coordinator(c), TwoPcMsg::Ack { txn }) => c.on_ack(env, from, txn, out),
            (Role::Coordinator(c), TwoPcMsg::DecisionReq { txn }) => c.on_decision_req(from, txn, out),
            (Role::Backup(b), TwoPcMsg::DecisionReq { txn }) => b.on_decision_req(env, config, from, txn, out),
            (Role::Backup(b), TwoPcMsg::State { txn, state }) => b.on_state(env, from, txn, state, out),
            (Role::Participant(p), TwoPcMsg::Prepare { txn, .. }) => p.on_prepare(env, config, txn, out),
            (Role::Participant(p), TwoPcMsg::Commit { txn }) => p.on_decision(config, txn, Decision::Commit, out),
            (Role::Participant(p), TwoPcMsg::Abort { txn }) => p.on_decision(config, txn, Decision::Abort, out),
            (Role::Participant(p), TwoPcMsg::DecisionReq { txn }) => p.on_decision_req(config, from, txn, out),
            (Role::Participant(p), TwoPcMsg::StateReq { txn }) => p.on_state_req(config, from, txn, out),
            _ => {}
        }
    }
    fn handle_timer(&mut self, timer: TwoPcTimer, out: &mut Out<Self>) {
        let TwoPc { env, config, role, .. } = self;
        match (role, timer) {
            (Role::Coordinator(c), TwoPcTimer::Begin) => c.begin(env, config, out),
            (Role::Coordinator(c), TwoPcTimer::VoteTimeout(txn)) => c.on_vote_timeout(env, config, txn, out),
            (Role::Coordinator(c), TwoPcTimer::Resend(txn)) => c.on_resend(env, config, txn, out),
            (Role::Participant(p), TwoPcTimer::Termination(txn)) => p.on_termination(env, config, txn, out),
            (Role::Backup(b), TwoPcTimer::Survey(txn)) => b.on_survey(env, config, txn, out),
            _ => {}
        }
    }
    /// "Time out now": the coordinator gives up waiting for votes; an uncertain participant
    /// runs the termination protocol at once.
    fn time_out_now(&mut self, out: &mut Out<Self>) {
        let TwoPc { env, config, role, .. } = self;
        match role {
            Role::Coordinator(c) => {
                let collecting: Vec<TxnId> = c.txns.iter().filter(|(_, t)| t.decision().is_none()).map(|(t, _)| *t).collect();
                for txn in collecting {
                    c.on_vote_timeout(env, config, txn, out);
                }
            }
            Role::Participant(p) => {
                let uncertain: Vec<TxnId> = p.txns.iter().filter(|(_, t)| t.state.uncertain()).map(|(t, _)| *t).collect();
                for txn in uncertain {
                    p.on_termination(env, config, txn, out);
                }
            }
            Role::Backup(_) => {}
        }
    }
}

impl TxnNode for TwoPc {
    fn rm_states(&self) -> Vec<(TxnId, RmState)> {
        self.as_participant().map(|p| p.txns.iter().map(|(t, x)| (*t, x.state)).collect()).unwrap_or_default()
    }
    fn decisions(&self) -> Vec<(TxnId, Decision)> {
        match &self.role {
            Role::Coordinator(c) => c.txns.iter().filter_map(|(t, x)| x.decision().map(|d| (*t, d))).collect(),
            Role::Backup(b) => b.surveys.iter().filter_map(|(t, s)| s.decided.map(|d| (*t, d))).collect(),
            Role::Participant(_) => Vec::new(),
        }
    }
    fn costs(&self) -> &crate::protocols::txn::Costs {
        &self.costs
    }
    fn is_participant(&self) -> bool {
        matches!(self.role, Role::Participant(_))
    }
}

impl Present for TwoPc {
    const TERM_NAME: &'static str = "transactions";
    fn msg_summary(msg: &TwoPcMsg) -> String {
        msg.summary()
    }
    fn role(&self) -> RoleView {
        view::role(self)
    }
    fn view(&self) -> NodeView {
        view::node_view(self)
    }
    fn overlay(nodes: &[Option<Self>], now_us: TimeUs) -> Overlay {
        view::overlay(nodes, now_us)
    }
    fn cluster_table(nodes: &[Option<Self>]) -> TableView {
        view::cluster_table(nodes)
    }
}

impl Counting for TwoPc {
    fn account(&mut self, before: &[(TxnId, RmState)], from: usize, out: &Out<Self>) {
        account_effects(&mut self.costs, &mut self.log, &out.effects()[from..], TwoPcMsg::txn, Record::txn);
        match &self.role {
            Role::Coordinator(c) => self.costs.heard_all(c.txns.keys().copied(), out.now()),
            _ => {
                let after = self.rm_states();
                account_states(&mut self.costs, before, &after, out.now());
            }
        }
    }
}
