//! The workload every commit protocol of the family runs, and its checks: the coordinator
//! begins transaction t at (t + 1) × the interval, t locks key `t % keys` at every
//! participant, and each participant's vote is named in the scenario or drawn from the seed.

use super::TxnId;
use crate::sim::{NodeId, Out, Protocol, TimeUs};

/// How many transactions were due to begin by `now_us` on the coordinator's clock: after a
/// restart their ids stay used (they may have begun before the crash).
pub fn due(interval_us: TimeUs, transactions: u32, now_us: TimeUs) -> TxnId {
    (now_us / interval_us.max(1)).min(u64::from(transactions)) as TxnId
}

/// Does participant `id` vote no on `txn`? Named in `no_votes`, or drawn with
/// `no_vote_permille` in a thousand (one draw only when the chance is not zero).
pub fn votes_no<P: Protocol>(no_votes: &[(u32, u32)], no_vote_permille: u32, txn: TxnId, id: NodeId, out: &mut Out<P>) -> bool {
    no_votes.contains(&(txn, id)) || (no_vote_permille > 0 && out.random_below(1000) < u64::from(no_vote_permille))
}

/// The workload's fields as a configuration gives them.
pub struct Workload<'a> {
    pub transactions: u32,
    pub keys: u32,
    pub no_votes: &'a [(u32, u32)],
    pub no_vote_permille: u32,
}

impl Workload<'_> {
    /// Check the workload for participants `first..nodes`, and each named duration
    /// (between 1 ms and 10 s).
    pub fn validate(&self, first: NodeId, nodes: u32, durations: &[(&str, u64)]) -> Result<(), String> {
        if self.transactions > 64 {
            return Err("at most 64 transactions".into());
        }
        if self.keys == 0 {
            return Err("keys must be at least 1".into());
        }
        if self.no_vote_permille > 1000 {
            return Err("no_vote_permille is at most 1000".into());
        }
        if let Some((t, n)) = self.no_votes.iter().find(|(t, n)| *t >= self.transactions || *n < first || *n >= nodes) {
            return Err(format!("no_votes names t{t} at n{n}: participants are n{first}-n{}, transactions t0-t{}", nodes - 1, self.transactions.saturating_sub(1)));
        }
        for (name, v) in durations {
            if !(1_000..=10_000_000).contains(v) {
                return Err(format!("{name} must be between 1 ms and 10 s"));
            }
        }
        Ok(())
    }
}
