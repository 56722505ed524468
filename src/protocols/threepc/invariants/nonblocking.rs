//! Skeen's condition for a nonblocking commit protocol (Skeen 1981; Skeen & Stonebraker,
//! IEEE TSE 1983): no commit state's concurrency set holds a noncommittable state. In
//! three-phase commit: once any participant has committed, every participant that voted
//! yes and has not failed since is committable (pre-committed) or decided, never still
//! uncertain; otherwise the coordinator and the committed participants failing would leave
//! the rest to abort by rule TR3. Checked when a participant commits.

use crate::protocols::threepc::ThreePc;
use crate::protocols::txn::invariants::violation;
use crate::protocols::txn::{RmState, TxnId};
use crate::sim::sorted::SortedSet;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "No uncertain participant beside a commit";
pub const SOURCE: &str = "Skeen 1981, the nonblocking theorem; Skeen & Stonebraker 1983; Bernstein et al. 1987, §7.5";

/// The first participant that was still uncertain (and had not failed) in `txn`.
fn uncertain_beside(nodes: &[Option<ThreePc>], txn: TxnId) -> Option<NodeId> {
    nodes.iter().flatten().filter_map(|n| Some((n.env.id, n.as_participant()?.txns.get(&txn)?))).find(|(_, t)| t.state == RmState::Prepared && !t.recovering).map(|(id, _)| id)
}

/// `seen`: the (transaction, participant) commits already checked.
pub fn check(seen: &mut SortedSet<(TxnId, NodeId)>, ctx: &CheckCtx<ThreePc>, out: &mut Vec<Violation>) {
    let Some(id) = ctx.node else { return };
    let Some(p) = ctx.nodes[id as usize].as_ref().and_then(ThreePc::as_participant) else { return };
    for txn in p.txns.iter().filter(|(_, t)| t.state == RmState::Committed).map(|(txn, _)| txn) {
        if !seen.insert((*txn, id)) {
            continue;
        }
        if let Some(other) = uncertain_beside(ctx.nodes, *txn) {
            out.push(violation(ctx, NAME, SOURCE, format!("n{id} committed t{txn} while n{other}, up since it voted, is still uncertain")));
        }
    }
}
