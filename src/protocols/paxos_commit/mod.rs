//! Paxos Commit: Gray & Lamport, "Consensus on Transaction Commit" (TODS 2006), §4, and
//! the PaxosCommit TLA+ specification (tlaplus/Examples, transaction_commit). Each
//! participant's vote is chosen by its own Paxos instance over 2F + 1 acceptors, the
//! participant proposing at ballot 0; a leader commits when every instance chose Prepared.
//! The coordinator is only the initial leader: an acceptor asked by an uncertain participant
//! takes over with a higher ballot, so the protocol finishes while F + 1 acceptors are up.

pub mod acceptor;
pub mod config;
pub mod invariants;
pub mod leader;
pub mod msg;
pub mod node;
pub mod participant;
pub mod view;

pub use config::{PaxosCommitConfig, BUGS};
pub use invariants::PaxosCommitChecker;
pub use msg::{Ballot, PcMsg, Vote};
pub use node::{PaxosCommit, PcRecord, PcTimer, Role};

use crate::protocols::txn::cost::{account_effects, account_states, counted, Counting};
use crate::protocols::txn::{Decision, RmState, TxnId, TxnNode};
use crate::sim::view::Overlay;
use crate::sim::{ClientOp, DurableLog, LogWrite, NodeEnv, NodeId, NodeView, Out, Present, Protocol, RoleView, TableView, TimeUs};
use leader::leader_of;

impl Protocol for PaxosCommit {
    type Config = PaxosCommitConfig;
    type Msg = PcMsg;
    type Timer = PcTimer;
    type Request = ();
    type Reply = ();
    type Durable = DurableLog<PcRecord>;
    type Checker = PaxosCommitChecker;
    const NAME: &'static str = "paxos-commit";

    fn new(env: NodeEnv, config: &PaxosCommitConfig) -> Self {
        PaxosCommit::create(env, config)
    }
    fn on_start(&mut self, out: &mut Out<Self>) {
        counted(self, out, PaxosCommit::start);
    }
    fn on_recover(&mut self, log: DurableLog<PcRecord>, out: &mut Out<Self>) {
        self.log = log.entries().iter().map(|r| (r.clone(), false)).collect();
        counted(self, out, |n, out| n.recover(&log, out));
    }
    fn on_message(&mut self, from: NodeId, msg: PcMsg, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_message(from, msg, out));
    }
    fn on_timer(&mut self, timer: PcTimer, out: &mut Out<Self>) {
        counted(self, out, |n, out| n.handle_timer(timer, out));
    }
    fn on_request(&mut self, _request_id: u64, _req: (), _out: &mut Out<Self>) {}
    fn on_timeout_now(&mut self, out: &mut Out<Self>) {
        counted(self, out, PaxosCommit::time_out_now);
    }
    fn request_from_op(_op: &ClientOp) -> Option<()> {
        None
    }
    fn msg_kind(msg: &PcMsg) -> &'static str {
        msg.kind()
    }
    fn msg_is_reply(msg: &PcMsg) -> bool {
        msg.is_reply()
    }
    fn timer_name(timer: &PcTimer) -> &'static str {
        timer.name()
    }
    fn check_liveness(nodes: &[Option<Self>]) -> Result<(), String> {
        invariants::liveness(nodes)
    }
}

fn due(cfg: &PaxosCommitConfig, now_us: TimeUs) -> TxnId {
    crate::protocols::txn::workload::due(cfg.txn_interval_us, cfg.transactions, now_us)
}

impl PaxosCommit {
    fn start(&mut self, out: &mut Out<Self>) {
        let cfg = &self.config;
        if let Role::Coordinator { next_txn, .. } = &mut self.role {
            *next_txn = due(cfg, out.now());
            if *next_txn < cfg.transactions {
                out.set_timer(PcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
            }
        }
    }

    fn recover(&mut self, log: &DurableLog<PcRecord>, out: &mut Out<Self>) {
        let PaxosCommit { config, role, .. } = self;
        match role {
            Role::Participant(p) => p.recover(config, log, out),
            Role::Acceptor { acceptor, .. } => {
                for r in log.entries() {
                    match r {
                        PcRecord::Promise { txn, ballot } => {
                            let p = acceptor.promised.entry(*txn).or_default();
                            *p = (*p).max(*ballot);
                        }
                        PcRecord::Accept { txn, rm, ballot, vote } => {
                            acceptor.accepted.insert((*txn, *rm), (*ballot, *vote));
                            let p = acceptor.promised.entry(*txn).or_default();
                            *p = (*p).max(*ballot);
                        }
                        PcRecord::Rm(_) => {}
                    }
                }
                acceptor.last_accept = None;
            }
            Role::Coordinator { .. } => self.start(out),
        }
    }

    /// The coordinator begins its next transaction: Prepare to every participant.
    fn begin(&mut self, out: &mut Out<Self>) {
        let PaxosCommit { env, config: cfg, role, .. } = self;
        let Role::Coordinator { next_txn, .. } = role else { return };
        let txn = *next_txn;
        if txn >= cfg.transactions {
            return;
        }
        *next_txn += 1;
        for p in cfg.participants(env.n) {
            out.send(p, PcMsg::Prepare { txn, key: txn % cfg.keys });
        }
        out.set_timer(PcTimer::LeaderTimeout(txn), cfg.leader_timeout_us, cfg.leader_timeout_us);
        if *next_txn < cfg.transactions {
            out.set_timer(PcTimer::Begin, cfg.txn_interval_us, cfg.txn_interval_us);
        }
    }

    fn handle_message(&mut self, from: NodeId, msg: PcMsg, out: &mut Out<Self>) {
        let PaxosCommit { env, config: cfg, role, .. } = self;
        match (role, msg) {
            (Role::Participant(p), PcMsg::Prepare { txn, .. }) => p.on_prepare(cfg, txn, out),
            (Role::Participant(p), PcMsg::Commit { txn }) => p.on_decision(cfg, txn, Decision::Commit, out),
            (Role::Participant(p), PcMsg::Abort { txn }) => p.on_decision(cfg, txn, Decision::Abort, out),
            (Role::Acceptor { acceptor, leader }, PcMsg::Phase1a { txn, ballot }) => match acceptor.phase1(txn, ballot) {
                Ok(accepted) => {
                    // Another leader is at work on it: this acceptor need not take over.
                    if from != env.id && !leader.leading.contains_key(&txn) && leader.waiting.remove(&txn) {
                        out.cancel_timer(PcTimer::LeaderTimeout(txn));
                    }
                    out.write(LogWrite::Append(PcRecord::Promise { txn, ballot }));
                    out.sync();
                    out.send(from, PcMsg::Phase1b { txn, ballot, accepted });
                }
                Err(promised) => out.send(from, PcMsg::Nack { txn, promised }),
            },
            (Role::Acceptor { acceptor, leader }, PcMsg::Phase2a { txn, rm, ballot, vote }) => {
                // A participant voting in a transaction already decided learns the outcome
                // at once (acceptors are learners too), instead of after its timeout.
                if let (0, Some(d)) = (ballot, leader.decided.get(&txn).or(acceptor.decided.get(&txn))) {
                    out.send(from, decision_msg(txn, *d));
                }
                match acceptor.phase2(txn, rm, ballot, vote, cfg.has_bug("accept_below_promise")) {
                    Ok(()) => {
                        out.write(LogWrite::Append(PcRecord::Accept { txn, rm, ballot, vote }));
                        if !cfg.has_bug("accept_before_durable") {
                            out.sync();
                        }
                        out.send(leader_of(ballot, env.n), PcMsg::Phase2b { txn, rm, ballot, vote });
                    }
                    Err(promised) if ballot > 0 => out.send(leader_of(ballot, env.n), PcMsg::Nack { txn, promised }),
                    Err(_) => {}
                }
            }
            (Role::Coordinator { leader, .. } | Role::Acceptor { leader, .. }, PcMsg::Phase2b { txn, rm, ballot, vote }) => {
                leader.on_phase2b(env, cfg, from, txn, rm, ballot, vote, out)
            }
            (Role::Coordinator { leader, .. } | Role::Acceptor { leader, .. }, PcMsg::Phase1b { txn, ballot, accepted }) => {
                leader.on_phase1b(env, cfg, from, txn, ballot, accepted, out)
            }
            (Role::Coordinator { leader, .. } | Role::Acceptor { leader, .. }, PcMsg::Nack { txn, promised }) => leader.on_nack(txn, promised),
            (Role::Coordinator { leader, .. }, m @ (PcMsg::Commit { .. } | PcMsg::Abort { .. })) => learn(leader, None, &m, out),
            (Role::Acceptor { leader, acceptor }, m @ (PcMsg::Commit { .. } | PcMsg::Abort { .. })) => learn(leader, Some(acceptor), &m, out),
            (Role::Coordinator { leader, next_txn }, PcMsg::DecisionReq { txn }) => {
                match leader.decided.get(&txn) {
                    Some(d) => out.send(from, decision_msg(txn, *d)),
                    // Restarted with nothing on disk, or never learned it: find out.
                    None if txn < *next_txn && !leader.leading.contains_key(&txn) => leader.take_over(env, cfg, txn, out),
                    None => {}
                }
            }
            (Role::Acceptor { leader, acceptor }, PcMsg::DecisionReq { txn }) => {
                match leader.decided.get(&txn).or(acceptor.decided.get(&txn)) {
                    Some(d) => out.send(from, decision_msg(txn, *d)),
                    None if !leader.leading.contains_key(&txn) && leader.waiting.insert(txn) => {
                        // Acceptors take over one after another, by number.
                        let step = cfg.leader_timeout_us / 2;
                        let at = step * u64::from(env.id);
                        out.set_timer(PcTimer::LeaderTimeout(txn), at, at + step);
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }

    fn handle_timer(&mut self, timer: PcTimer, out: &mut Out<Self>) {
        match timer {
            PcTimer::Begin => self.begin(out),
            PcTimer::LeaderTimeout(txn) => {
                let PaxosCommit { env, config: cfg, role, .. } = self;
                if let Role::Coordinator { leader, .. } | Role::Acceptor { leader, .. } = role {
                    leader.waiting.remove(&txn);
                    leader.take_over(env, cfg, txn, out);
                }
            }
            PcTimer::DecisionTimeout(txn) => {
                let PaxosCommit { config: cfg, role, .. } = self;
                if let Role::Participant(p) = role {
                    p.on_decision_timeout(cfg, txn, out);
                }
            }
        }
    }

    /// "Time out now": a leader takes over every transaction it is waiting on; an uncertain
    /// participant asks at once.
    fn time_out_now(&mut self, out: &mut Out<Self>) {
        let PaxosCommit { env, config: cfg, role, .. } = self;
        match role {
            Role::Coordinator { leader, next_txn } => {
                let open: Vec<TxnId> = (0..*next_txn).filter(|t| !leader.decided.contains_key(t)).collect();
                for txn in open {
                    leader.take_over(env, cfg, txn, out);
                }
            }
            Role::Acceptor { leader, .. } => {
                let waiting: Vec<TxnId> = leader.waiting.iter().copied().chain(leader.leading.keys().copied()).collect();
                for txn in waiting {
                    leader.take_over(env, cfg, txn, out);
                }
            }
            Role::Participant(p) => {
                let uncertain: Vec<TxnId> = p.txns.iter().filter(|(_, t)| t.state.uncertain()).map(|(t, _)| *t).collect();
                for txn in uncertain {
                    p.on_decision_timeout(cfg, txn, out);
                }
            }
        }
    }
}

fn decision_msg(txn: TxnId, d: Decision) -> PcMsg {
    match d {
        Decision::Commit => PcMsg::Commit { txn },
        Decision::Abort => PcMsg::Abort { txn },
    }
}

/// A leader's or acceptor's news of a decision: it stops leading the transaction.
fn learn(leader: &mut leader::Leader, acceptor: Option<&mut acceptor::Acceptor>, msg: &PcMsg, out: &mut Out<PaxosCommit>) {
    let (txn, d) = match msg {
        PcMsg::Commit { txn } => (*txn, Decision::Commit),
        PcMsg::Abort { txn } => (*txn, Decision::Abort),
        _ => return,
    };
    if let Some(a) = acceptor {
        a.decided.insert(txn, d);
    }
    leader.leading.remove(&txn);
    leader.waiting.remove(&txn);
    if !leader.decided.contains_key(&txn) {
        leader.decided.insert(txn, d);
        out.cancel_timer(PcTimer::LeaderTimeout(txn));
    }
}

impl TxnNode for PaxosCommit {
    fn rm_states(&self) -> Vec<(TxnId, RmState)> {
        self.as_participant().map(|p| p.txns.iter().map(|(t, x)| (*t, x.state)).collect()).unwrap_or_default()
    }
    fn decisions(&self) -> Vec<(TxnId, Decision)> {
        self.leader().map(|l| l.decided.iter().map(|(t, d)| (*t, *d)).collect()).unwrap_or_default()
    }
    fn costs(&self) -> &crate::protocols::txn::Costs {
        &self.costs
    }
    fn is_participant(&self) -> bool {
        self.as_participant().is_some()
    }
}

impl Present for PaxosCommit {
    const TERM_NAME: &'static str = "transactions";
    fn msg_summary(msg: &PcMsg) -> String {
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

impl Counting for PaxosCommit {
    fn account(&mut self, before: &[(TxnId, RmState)], from: usize, out: &Out<Self>) {
        account_effects(&mut self.costs, &mut self.log, &out.effects()[from..], PcMsg::txn, PcRecord::txn);
        match &self.role {
            Role::Coordinator { next_txn, .. } => self.costs.heard_all(0..*next_txn, out.now()),
            _ => {
                let after = self.rm_states();
                account_states(&mut self.costs, before, &after, out.now());
            }
        }
    }
    /// The acceptor's last acceptance is per handler (what it answers about).
    fn before_handler(&mut self) {
        if let Role::Acceptor { acceptor, .. } = &mut self.role {
            acceptor.last_accept = None;
        }
    }
}
