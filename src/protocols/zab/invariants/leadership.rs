//! At most one established leader per epoch, over the whole run: ZooKeeper's protocol
//! specification (zookeeper-specifications, protocol-spec/Zab.tla), Leadership; Junqueira
//! et al. (DSN 2011) §IV-B: a quorum's ACK-E for an epoch fixes its one primary.

use super::{violation, Observed, ZabCtx};
use crate::protocols::zab::node::{Role, Zab};
use crate::sim::{NodeId, StateMachine, Violation};

pub const NAME: &str = "Leadership";
pub const SOURCE: &str = "ZooKeeper's TLA+ protocol specification (Zab.tla), Leadership; Zab (DSN 2011) §IV-B";

pub fn check<S: StateMachine>(obs: &mut Observed<S::Command>, ctx: &ZabCtx<S>, id: NodeId, node: &Zab<S>, out: &mut Vec<Violation>) {
    let Role::Leading(l) = &node.role else { return };
    if !l.established {
        return;
    }
    match obs.leaders.get(&l.epoch) {
        Some(&other) if other != id => out.push(violation(
            ctx,
            (NAME, SOURCE),
            format!("n{id} was established as leader of epoch {}, which n{other} already leads: two primaries in one epoch", l.epoch),
        )),
        Some(_) => {}
        None => {
            obs.leaders.insert(l.epoch, id);
        }
    }
}
