//! Election Safety: at most one leader can be elected in a given term, over the whole
//! history (Raft paper, Figure 3; §5.2).

use super::{violation, RaftChecker, RaftCtx};
use crate::protocols::raft::{Raft, Role, StateMachine};
use crate::sim::Violation;

pub const NAME: &str = "Election Safety";
pub const SOURCE: &str = "Raft paper, Figure 3 and §5.2";

pub fn check<S: StateMachine>(c: &mut RaftChecker<S>, ctx: &RaftCtx<S>, r: &Raft<S>, out: &mut Vec<Violation>) {
    if r.role != Role::Leader {
        return;
    }
    match c.leaders.get(&r.current_term) {
        Some(other) if *other != r.id() => out.push(violation(
            ctx,
            NAME,
            SOURCE,
            format!("n{} became leader of term {}, which n{other} already led", r.id(), r.current_term),
        )),
        Some(_) => {}
        None => {
            c.leaders.insert(r.current_term, r.id());
        }
    }
}
