//! A three-phase-commit node and its role, fixed by its number: n0 the coordinator, n1
//! onwards the participants (any of which may run the termination protocol). Each node
//! sends a broadcast one message at a time ([`Outbox`]), so a crash may fall between two
//! sends, as Skeen's sites may fail in the middle of a state transition.

use super::config::ThreePcConfig;
use super::coordinator::Coordinator;
use super::msg::ThreePcMsg;
use super::participant::Participant;
use crate::protocols::txn::{Costs, Record, TxnId};
use crate::sim::sorted::SortedMap;
use crate::sim::{NodeEnv, NodeId, Out};

pub const COORDINATOR: NodeId = 0;

#[derive(Clone, Debug, PartialEq)]
pub enum ThreePcTimer {
    /// The coordinator begins its next transaction.
    Begin,
    /// The coordinator stops waiting for a transaction's votes and aborts it.
    VoteTimeout(TxnId),
    /// The reply window of a broadcast closed (acknowledgements, election, survey).
    Window(TxnId),
    /// An uncertain or pre-committed participant heard nothing in time: termination.
    Termination(TxnId),
    /// A recovering node asks again for the outcome.
    Ask(TxnId),
    /// The next message of a broadcast goes out.
    SendNext(TxnId, u8),
}

impl ThreePcTimer {
    pub fn name(&self) -> &'static str {
        match self {
            ThreePcTimer::Begin => "begin next transaction",
            ThreePcTimer::VoteTimeout(_) => "vote timeout",
            ThreePcTimer::Window(_) => "reply window closes",
            ThreePcTimer::Termination(_) => "termination protocol",
            ThreePcTimer::Ask(_) => "ask for the outcome",
            ThreePcTimer::SendNext(..) => "send next message",
        }
    }
}

/// Broadcasts under way, one message at a time: per (transaction, message kind), the
/// message and the nodes still to send it to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    pending: SortedMap<(TxnId, u8), (ThreePcMsg, Vec<NodeId>)>,
}

/// A broadcast's key: its message kind, so that two broadcasts of one transaction (the
/// tail of PreCommit and the head of DoCommit) may be under way at once.
fn kind_code(msg: &ThreePcMsg) -> u8 {
    match msg {
        ThreePcMsg::CanCommit { .. } => 0,
        ThreePcMsg::PreCommit { .. } => 1,
        ThreePcMsg::DoCommit { .. } => 2,
        ThreePcMsg::Abort { .. } => 3,
        ThreePcMsg::StateReq { .. } => 4,
        ThreePcMsg::Elect { .. } => 5,
        _ => 6,
    }
}

impl Outbox {
    /// Send `msg` to each of `to` in order, each message `send_gap_us` after the one before
    /// (the first too: a node that has just forced a record may fail before it sends
    /// anything). With no gap, all at once.
    pub fn broadcast(&mut self, cfg: &ThreePcConfig, msg: ThreePcMsg, to: Vec<NodeId>, out: &mut Out<ThreePc>) {
        let key = (msg.txn(), kind_code(&msg));
        if cfg.send_gap_us == 0 {
            for p in to {
                out.send(p, msg.clone());
            }
            return;
        }
        if !to.is_empty() {
            self.pending.insert(key, (msg, to));
            out.set_timer(ThreePcTimer::SendNext(key.0, key.1), cfg.send_gap_us, cfg.send_gap_us);
        }
    }

    pub fn send_next(&mut self, cfg: &ThreePcConfig, txn: TxnId, code: u8, out: &mut Out<ThreePc>) {
        let Some((msg, rest)) = self.pending.get_mut(&(txn, code)) else { return };
        let to = rest.remove(0);
        out.send(to, msg.clone());
        if rest.is_empty() {
            self.pending.remove(&(txn, code));
        } else {
            out.set_timer(ThreePcTimer::SendNext(txn, code), cfg.send_gap_us, cfg.send_gap_us);
        }
    }

    /// Stop a broadcast (a decision makes a survey or an election moot).
    pub fn cancel(&mut self, txn: TxnId, msg: &ThreePcMsg, out: &mut Out<ThreePc>) {
        let code = kind_code(msg);
        if self.pending.remove(&(txn, code)).is_some() {
            out.cancel_timer(ThreePcTimer::SendNext(txn, code));
        }
    }

    /// (transaction, message, nodes still to send to) for the page.
    pub fn iter(&self) -> impl Iterator<Item = (TxnId, &ThreePcMsg, &[NodeId])> {
        self.pending.iter().map(|((t, _), (m, to))| (*t, m, to.as_slice()))
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Coordinator(Coordinator),
    Participant(Participant),
}

#[derive(Clone, Debug)]
pub struct ThreePc {
    pub(crate) env: NodeEnv,
    pub(crate) config: ThreePcConfig,
    pub(crate) role: Role,
    pub(crate) outbox: Outbox,
    /// What each transaction cost this node since it booted (the page's cost table).
    pub costs: Costs,
    /// The node's log records as the page shows them, forced ones marked (see 2PC's).
    pub log: Vec<(Record, bool)>,
}

impl ThreePc {
    pub fn create(env: NodeEnv, config: &ThreePcConfig) -> Self {
        let role = match env.id {
            COORDINATOR => Role::Coordinator(Coordinator::default()),
            id => Role::Participant(Participant::new(id, env.n)),
        };
        ThreePc { env, config: config.clone(), role, outbox: Outbox::default(), costs: Costs::default(), log: Vec::new() }
    }

    pub fn role(&self) -> &Role {
        &self.role
    }
    pub fn as_coordinator(&self) -> Option<&Coordinator> {
        match &self.role {
            Role::Coordinator(c) => Some(c),
            _ => None,
        }
    }
    pub fn as_participant(&self) -> Option<&Participant> {
        match &self.role {
            Role::Participant(p) => Some(p),
            _ => None,
        }
    }
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }
}

/// The participants of a cluster of `n`: every node after the coordinator.
pub fn participants(n: u32) -> impl Iterator<Item = NodeId> + Clone {
    1..n
}
