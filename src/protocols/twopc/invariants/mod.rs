//! Two-phase commit's checkers: the atomic-commitment conditions AC1-AC3 (Bernstein et al.
//! 1987, §7.2; one file each in `protocols::txn::invariants`), run after every event, and
//! AC5 after faults heal: every participant has decided every transaction it knows and the
//! coordinator has finished every transaction.

use super::config::TwoPcConfig;
use super::node::{participants, Role, TwoPc};
use crate::protocols::txn::invariants::{self as ac, AcChecker};
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug, Default)]
pub struct TwoPcChecker {
    pub ac: AcChecker,
}

impl Checker<TwoPc> for TwoPcChecker {
    fn new(_config: &TwoPcConfig, n: u32) -> Self {
        TwoPcChecker { ac: AcChecker::new(n, participants(n).collect()) }
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        AcChecker::properties()
    }
    fn check(&mut self, ctx: &CheckCtx<TwoPc>, out: &mut Vec<Violation>) {
        self.ac.check(ctx, out);
    }
}

/// AC5: after the heal every participant decided what it knows and the coordinator began
/// and finished every transaction.
pub fn liveness(nodes: &[Option<TwoPc>]) -> Result<(), String> {
    ac::liveness(nodes, |n| match &n.role {
        Role::Coordinator(c) => c.unfinished(&n.config),
        _ => None,
    })
}
