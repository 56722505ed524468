//! Three-phase commit: Skeen, "Nonblocking commit protocols" (SIGMOD 1981); Skeen &
//! Stonebraker (IEEE TSE 1983); Bernstein, Hadzilacos, Goodman (1987), §7.5: the three
//! phases (CanCommit, PreCommit, DoCommit), the termination protocol run by the
//! participants when the coordinator fails, and the recovery protocol of a participant back
//! from a crash. Nonblocking only under its assumptions (crash failures, accurately
//! detected by timeouts longer than the largest delay, no partitions); Keidar & Dolev
//! (E3PC, PODS 1995) show why even quorum-based variants may block beyond them.

pub mod config;
pub mod coordinator;
pub mod invariants;
pub mod msg;
pub mod node;
pub mod participant;
pub mod termination;
pub mod view;

pub use config::{ThreePcConfig, BUGS, DELAY_BOUND_US};
pub use invariants::ThreePcChecker;
pub use msg::ThreePcMsg;
pub use node::{Role, ThreePc, ThreePcTimer};

use crate::protocols::txn::cost::{account_effects, account_states, counted, Counting};
use crate::protocols::txn::{Decision, Record, RmState, TxnId, TxnNode};
use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableLog, NodeId, NodeView, Out, Present, Protocol, RoleView, TableView, TimeUs};

impl Protocol for ThreePc {
    type Config = ThreePcConfig;
    type Msg = ThreePcMsg;
    type Timer = ThreePcTimer;
    type Request = ();
    type Reply = ();
    type Durable = DurableLog<Record>;
    type Checker = ThreePcChecker;
    const NAME: &'static str = "3pc";

    fn new(env: crate::sim::NodeEnv, config: &ThreePcConfig) -> Self {
        ThreePc::create(env, config)
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
            let ThreePc { env, config, role, outbox, .. } = n;
            match role {
                Role::Coordinator(c) => c.recover(env, config, outbox, &log, out),
                Role::Participant(p) => p.recover(config, &log, out),
            }
        });
    }
    fn on_message(&mut self, from: NodeId, msg: ThreePcMsg, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_message(from, msg, out));
    }
    fn on_timer(&mut self, timer: ThreePcTimer, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_timer(timer, out));
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        counted(self, out, ThreePc::time_out_now);
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &ThreePcMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &ThreePcMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &ThreePcTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

impl ThreePc {
    fn handle_message(&mut self, from: NodeId, msg: ThreePcMsg, out: &mut Out<Self>) {
        use ThreePcMsg as M;
        let ThreePc { env, config: cfg, role, outbox, .. } = self;
        match (role, msg) {
            (Role::Coordinator(c), M::Yes { txn }) => c.on_vote(env, cfg, outbox, from, txn, true, out),
            (Role::Coordinator(c), M::No { txn }) => c.on_vote(env, cfg, outbox, from, txn, false, out),
            (Role::Coordinator(c), M::Ack { txn }) => c.on_ack(env, cfg, outbox, from, txn, out),
            (Role::Coordinator(c), M::DecisionReq { txn }) => c.on_decision_req(from, txn, out),
            (Role::Coordinator(c), M::DoCommit { txn }) => c.on_decision(txn, Decision::Commit, out),
            (Role::Coordinator(c), M::Abort { txn }) => c.on_decision(txn, Decision::Abort, out),
            (Role::Participant(p), M::CanCommit { txn, .. }) => p.on_can_commit(cfg, txn, out),
            (Role::Participant(p), M::PreCommit { txn }) => p.on_pre_commit(cfg, from, txn, out),
            (Role::Participant(p), M::DoCommit { txn }) => p.on_decision(cfg, outbox, txn, Decision::Commit, out),
            (Role::Participant(p), M::Abort { txn }) => p.on_decision(cfg, outbox, txn, Decision::Abort, out),
            (Role::Participant(p), M::Ack { txn }) => p.on_ack(cfg, outbox, from, txn, out),
            (Role::Participant(p), M::Elect { txn }) => p.on_elect(cfg, outbox, from, txn, out),
            (Role::Participant(p), M::Alive { txn }) => p.on_alive(cfg, outbox, txn, out),
            (Role::Participant(p), M::StateReq { txn }) => p.on_state_req(cfg, outbox, from, txn, out),
            (Role::Participant(p), M::State { txn, state }) => p.on_state(cfg, outbox, from, txn, state, out),
            (Role::Participant(p), M::DecisionReq { txn }) => p.on_decision_req(from, txn, out),
            _ => {}
        }
    }

    fn handle_timer(&mut self, timer: ThreePcTimer, out: &mut Out<Self>) {
        use ThreePcTimer as T;
        let ThreePc { env, config: cfg, role, outbox, .. } = self;
        match (role, timer) {
            (_, T::SendNext(txn, code)) => outbox.send_next(cfg, txn, code, out),
            (Role::Coordinator(c), T::Begin) => c.begin(env, cfg, outbox, out),
            (Role::Coordinator(c), T::VoteTimeout(txn)) => c.on_vote_timeout(env, cfg, outbox, txn, out),
            (Role::Coordinator(c), T::Window(txn)) => c.on_window(env, cfg, outbox, txn, out),
            (Role::Coordinator(c), T::Ask(txn)) => c.on_ask(env, cfg, txn, out),
            (Role::Participant(p), T::Termination(txn)) => p.on_termination_timer(cfg, outbox, txn, out),
            (Role::Participant(p), T::Window(txn)) => p.on_window(cfg, outbox, txn, out),
            (Role::Participant(p), T::Ask(txn)) => p.ask(cfg, txn, out),
            _ => {}
        }
    }

    /// "Time out now": the coordinator gives up waiting for votes; a participant waiting
    /// for the coordinator concludes at once that it failed (beyond the protocol's
    /// assumptions if the coordinator is in fact up: the page labels it).
    fn time_out_now(&mut self, out: &mut Out<Self>) {
        let ThreePc { env, config: cfg, role, outbox, .. } = self;
        match role {
            Role::Coordinator(c) => {
                let collecting: Vec<TxnId> = c.txns.iter().filter(|(_, p)| matches!(p, coordinator::TmPhase::Collecting(_))).map(|(t, _)| *t).collect();
                for txn in collecting {
                    c.on_vote_timeout(env, cfg, outbox, txn, out);
                }
            }
            Role::Participant(p) => {
                let waiting: Vec<TxnId> = p.txns.iter().filter(|(_, t)| t.state.decision().is_none()).map(|(t, _)| *t).collect();
                for txn in waiting {
                    p.on_termination_timer(cfg, outbox, txn, out);
                }
            }
        }
    }
}

impl TxnNode for ThreePc {
    fn rm_states(&self) -> Vec<(TxnId, RmState)> {
        self.as_participant().map(|p| p.txns.iter().map(|(t, x)| (*t, x.state)).collect()).unwrap_or_default()
    }
    fn decisions(&self) -> Vec<(TxnId, Decision)> {
        match &self.role {
            Role::Coordinator(c) => c.txns.keys().filter_map(|t| c.decision(*t).map(|d| (*t, d))).collect(),
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

impl Present for ThreePc {
    const TERM_NAME: &'static str = "transactions";
    fn msg_summary(msg: &ThreePcMsg) -> String {
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

impl Counting for ThreePc {
    fn account(&mut self, before: &[(TxnId, RmState)], from: usize, out: &Out<Self>) {
        account_effects(&mut self.costs, &mut self.log, &out.effects()[from..], ThreePcMsg::txn, Record::txn);
        match &self.role {
            Role::Coordinator(c) => self.costs.heard_all(c.txns.keys().copied(), out.now()),
            _ => {
                let after = self.rm_states();
                account_states(&mut self.costs, before, &after, out.now());
            }
        }
    }
}
