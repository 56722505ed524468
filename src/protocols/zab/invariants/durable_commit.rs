//! Durable commit: a transaction the leader commits (its initial history at NEWLEADER's
//! quorum included) is on the stable storage of a quorum — what makes it survive any crash
//! that loses unsynced writes. Zab (DSN 2011) §IV-C: a follower acknowledges a proposal, and
//! NEWLEADER, only once it is on stable storage. Checked on every server's synced disk image
//! (crashed servers' too) as the established leader delivers.

use super::{violation, Delivery, ZabCtx};
use crate::protocols::zab::msg::{Txn, Zxid};
use crate::protocols::zab::node::Zab;
use crate::sim::{StateMachine, Violation};

pub const NAME: &str = "DurableCommit";
pub const SOURCE: &str = "Zab (Junqueira, Reed, Serafini, DSN 2011) §IV-C: ACK and ACK-LD only once on stable storage";

fn holds<C>(txns: &[Txn<C>], zxid: Zxid) -> bool {
    txns.binary_search_by(|t| t.zxid.cmp(&zxid)).is_ok()
}

pub fn check<S: StateMachine>(ctx: &ZabCtx<S>, node: &Zab<S>, d: &Delivery<S::Command>, out: &mut Vec<Violation>) {
    if !node.is_established_leader() || ctx.group.disk(0).is_none() {
        return;
    }
    let zxid = d.txn.zxid;
    let on_disk = (0..ctx.group.size()).filter_map(|i| ctx.group.disk(i)).filter(|disk| holds(&disk.snapshot, zxid) || holds(&disk.log, zxid)).count();
    if on_disk < node.quorum() {
        out.push(violation(
            ctx,
            (NAME, SOURCE),
            format!("n{} committed {zxid}, which only {on_disk} disks hold: a quorum is {}; crashes that lose unsynced writes can lose it", d.server, node.quorum()),
        ));
    }
}
