//! Paxos Commit's checkers: the atomic-commitment conditions AC1-AC3 (Bernstein et al.
//! 1987, §7.2, shared by the family in `protocols::txn::invariants`), the consistency of
//! each participant's Paxos instance (one file), run after every event, and AC5 after
//! faults heal: every participant decided what it knows and the coordinator began every
//! transaction.

pub mod one_value_per_instance;

use super::config::PaxosCommitConfig;
use super::node::{PaxosCommit, Role};
use crate::protocols::txn::invariants::{self as ac, AcChecker};
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug, Default)]
pub struct PaxosCommitChecker {
    pub ac: AcChecker,
    pub instances: one_value_per_instance::Instances,
}

impl Checker<PaxosCommit> for PaxosCommitChecker {
    fn new(config: &PaxosCommitConfig, n: u32) -> Self {
        PaxosCommitChecker { ac: AcChecker::new(n, config.participants(n).collect()), instances: one_value_per_instance::Instances::new(config.quorum()) }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        let mut p = AcChecker::properties();
        p.push((one_value_per_instance::NAME, one_value_per_instance::SOURCE));
        p
    }
    fn check(&mut self, ctx: &CheckCtx<PaxosCommit>, out: &mut Vec<Violation>) {
        self.ac.check(ctx, out);
        one_value_per_instance::check(&mut self.instances, ctx, out);
    }
}

/// AC5: after the heal every participant decided what it knows, and the coordinator began
/// every transaction.
pub fn liveness(nodes: &[Option<PaxosCommit>]) -> Result<(), String> {
    ac::liveness(nodes, |n| match &n.role {
        Role::Coordinator { next_txn, .. } if *next_txn < n.config.transactions => Some(*next_txn),
        _ => None,
    })
}
