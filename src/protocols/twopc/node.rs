//! A two-phase-commit node and its role, fixed by its number: n0 the coordinator
//! (transaction manager), n1 the backup coordinator (as in 2PCwithBTM.tla), n2 onwards the
//! participants (resource managers). Bernstein et al. 1987, §7.3-7.4; Gray & Lamport 2006, §3.

use super::backup::Backup;
use super::config::TwoPcConfig;
use super::coordinator::Coordinator;
use super::participant::Participant;
use crate::protocols::txn::{Costs, Record, TxnId};
use crate::sim::{NodeEnv, NodeId};

/// The coordinator's and the backup's numbers; participants are every node after them.
pub const COORDINATOR: NodeId = 0;
pub const BACKUP: NodeId = 1;

#[derive(Clone, Debug, PartialEq)]
pub enum TwoPcTimer {
    /// The coordinator begins its next transaction.
    Begin,
    /// The coordinator stops waiting for a transaction's votes and aborts it.
    VoteTimeout(TxnId),
    /// The coordinator resends a decision not yet acknowledged.
    Resend(TxnId),
    /// An uncertain participant runs the termination protocol.
    Termination(TxnId),
    /// The backup asks the participants again.
    Survey(TxnId),
}

impl TwoPcTimer {
    pub fn name(&self) -> &'static str {
        match self {
            TwoPcTimer::Begin => "begin next transaction",
            TwoPcTimer::VoteTimeout(_) => "vote timeout",
            TwoPcTimer::Resend(_) => "resend decision",
            TwoPcTimer::Termination(_) => "termination protocol",
            TwoPcTimer::Survey(_) => "survey participants",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Role {
    Coordinator(Coordinator),
    Backup(Backup),
    Participant(Participant),
}

#[derive(Clone, Debug)]
pub struct TwoPc {
    pub(crate) env: NodeEnv,
    pub(crate) config: TwoPcConfig,
    pub(crate) role: Role,
    /// What each transaction cost this node since it booted (for the page's cost table).
    pub costs: Costs,
    /// The node's log records as the page shows them, each with whether it was forced: a
    /// copy of what it wrote (its durable log is the simulator's), rebuilt at recovery
    /// (where "forced" is not known again: only this incarnation's forced writes are marked).
    pub log: Vec<(Record, bool)>,
}

impl TwoPc {
    pub fn create(env: NodeEnv, config: &TwoPcConfig) -> Self {
        let role = match env.id {
            COORDINATOR => Role::Coordinator(Coordinator::default()),
            BACKUP => Role::Backup(Backup::default()),
            _ => Role::Participant(Participant::default()),
        };
        TwoPc { env, config: config.clone(), role, costs: Costs::default(), log: Vec::new() }
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
    pub fn as_backup(&self) -> Option<&Backup> {
        match &self.role {
            Role::Backup(b) => Some(b),
            _ => None,
        }
    }
}

/// The participants of a cluster of `n`: every node after the coordinator and its backup.
pub fn participants(n: u32) -> impl Iterator<Item = NodeId> + Clone {
    2..n
}
