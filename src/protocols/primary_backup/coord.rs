//! A coordinator: one server of the lock service (its Raft-replicated tree, sessions and
//! watches), run with its own `Out` and its effects mapped into ours, the platform's rule
//! for a protocol on a protocol. The replicas are its clients.

use super::msg::PbMsg;
use super::{PbNode, PbTimer, PbWrite};
use crate::protocols::lock::{LockDurable, LockNode};
use crate::sim::{Effect, Out, Protocol};


/// Run `f` on the lock-service node with its own `Out`; map its effects into ours.
pub fn run(node: &mut LockNode, out: &mut Out<PbNode>, f: impl FnOnce(&mut LockNode, &mut Out<LockNode>)) {
    let mut lout = Out::new(out.now());
    f(node, &mut lout);
    map_effects(lout, out);
}

/// The lock service's effects, in order, as ours (its replies go nowhere: its clients
/// are nodes).
pub fn map_effects(mut lout: Out<LockNode>, out: &mut Out<PbNode>) {
    for effect in lout.take_effects() {
        match effect {
            Effect::Send { to, msg } => out.send(to, PbMsg::Lock(msg)),
            Effect::SetTimer { timer, min_us, max_us } => out.set_timer(PbTimer::Lock(timer), min_us, max_us),
            Effect::CancelTimer { timer } => out.cancel_timer(PbTimer::Lock(timer)),
            Effect::Write(w) => out.write(PbWrite::Lock(w)),
            Effect::Sync => out.sync(),
            Effect::Note(text) => out.note(text),
            Effect::Reply { .. } => {}
        }
    }
}

pub fn recover(node: &mut LockNode, durable: LockDurable, out: &mut Out<PbNode>) {
    run(node, out, |n, lout| n.on_recover(durable, lout));
}
