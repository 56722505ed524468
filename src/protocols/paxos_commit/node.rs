//! A Paxos Commit node and its role, fixed by its number (Gray & Lamport, TODS 2006, §4):
//! n0 the coordinator (the initial leader, which begins transactions and keeps nothing on
//! disk), n1 to n(2F+1) the acceptors (each may take over as leader), then the participants
//! (resource managers), each the proposer of its own instance at ballot 0.

use super::acceptor::Acceptor;
use super::config::PaxosCommitConfig;
use super::leader::Leader;
use super::msg::{Ballot, Vote};
use super::participant::Participant;
use crate::protocols::txn::{Costs, Record, TxnId};
use crate::sim::{NodeEnv, NodeId};

pub const COORDINATOR: NodeId = 0;

/// What a Paxos Commit node writes to its log: a participant's records, an acceptor's
/// promises and acceptances.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PcRecord {
    Rm(Record),
    Promise { txn: TxnId, ballot: Ballot },
    Accept { txn: TxnId, rm: NodeId, ballot: Ballot, vote: Vote },
}

impl PcRecord {
    pub fn txn(&self) -> TxnId {
        match self {
            PcRecord::Rm(r) => r.txn(),
            PcRecord::Promise { txn, .. } | PcRecord::Accept { txn, .. } => *txn,
        }
    }
    pub fn label(&self) -> String {
        match self {
            PcRecord::Rm(r) => r.label(),
            PcRecord::Promise { txn, ballot } => format!("promise t{txn} ballot {ballot}"),
            PcRecord::Accept { txn, rm, ballot, vote } => format!("accept t{txn} n{rm} ballot {ballot} {vote:?}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PcTimer {
    /// The coordinator begins its next transaction.
    Begin,
    /// A leader that has not learned the outcome runs phase 1 with a higher ballot.
    LeaderTimeout(TxnId),
    /// An uncertain participant asks for the decision.
    DecisionTimeout(TxnId),
}

impl PcTimer {
    pub fn name(&self) -> &'static str {
        match self {
            PcTimer::Begin => "begin next transaction",
            PcTimer::LeaderTimeout(_) => "leader timeout",
            PcTimer::DecisionTimeout(_) => "ask for the decision",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Coordinator { next_txn: TxnId, leader: Leader },
    Acceptor { acceptor: Acceptor, leader: Leader },
    Participant(Participant),
}

#[derive(Clone, Debug)]
pub struct PaxosCommit {
    pub(crate) env: NodeEnv,
    pub(crate) config: PaxosCommitConfig,
    pub(crate) role: Role,
    /// What each transaction cost this node since it booted (the page's cost table).
    pub costs: Costs,
    /// The node's log records as the page shows them, forced ones marked (a copy of what
    /// it wrote this incarnation, and what it recovered, unmarked).
    pub log: Vec<(PcRecord, bool)>,
}

impl PaxosCommit {
    pub fn create(env: NodeEnv, config: &PaxosCommitConfig) -> Self {
        let role = if env.id == COORDINATOR {
            Role::Coordinator { next_txn: 0, leader: Leader::default() }
        } else if config.acceptors().contains(&env.id) {
            Role::Acceptor { acceptor: Acceptor::default(), leader: Leader::default() }
        } else {
            Role::Participant(Participant::new(env.id))
        };
        PaxosCommit { env, config: config.clone(), role, costs: Costs::default(), log: Vec::new() }
    }
    pub fn as_participant(&self) -> Option<&Participant> {
        match &self.role {
            Role::Participant(p) => Some(p),
            _ => None,
        }
    }
    pub fn as_acceptor(&self) -> Option<&Acceptor> {
        match &self.role {
            Role::Acceptor { acceptor, .. } => Some(acceptor),
            _ => None,
        }
    }
    pub fn leader(&self) -> Option<&Leader> {
        match &self.role {
            Role::Coordinator { leader, .. } | Role::Acceptor { leader, .. } => Some(leader),
            Role::Participant(_) => None,
        }
    }
}
