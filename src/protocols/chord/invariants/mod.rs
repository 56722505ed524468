//! Chord's correctness, as Zave states it ("Reasoning about identifier spaces", IEEE TSE
//! 2017, §III): once churn stops, the members form one ordered ring (each member's
//! successor is the next member by identifier, its successor list the next r, its
//! predecessor the one before) and every key lives at its successor (Stoica et al., SIGCOMM
//! 2001, §4.2; and on the next r nodes with replication, §5.2). These are eventual
//! properties: during churn lookups may go wrong, which the page measures rather than
//! asserts, so the per-event checker holds nothing and the sweeps check them after the heal.

pub mod ring;
pub mod keys;

use super::config::ChordConfig;
use super::node::Chord;
use crate::sim::{CheckCtx, Checker, Violation};

#[derive(Clone, Debug, Default)]
pub struct ChordChecker;

impl Checker<Chord> for ChordChecker {
    fn new(_config: &ChordConfig, _n: u32) -> Self {
        ChordChecker
    }
    fn properties() -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
    fn check(&mut self, _ctx: &CheckCtx<Chord>, _out: &mut Vec<Violation>) {}
}

/// After the heal: every live node is a member of one ordered ring, and every key lives
/// where it should.
pub fn liveness(nodes: &[Option<Chord>]) -> Result<(), String> {
    ring::check(nodes)?;
    keys::check(nodes)
}
