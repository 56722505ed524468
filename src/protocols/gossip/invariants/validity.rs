//! Validity: a site only holds values that some client wrote. Demers et al. (PODC 1987)
//! §1.1: a site's database only changes by a client update or by taking a newer
//! (value, timestamp) pair from another site, never by inventing one.

use super::{violation, GossipChecker};
use crate::protocols::gossip::Gossip;
use crate::sim::{CheckCtx, NodeId, Violation};

pub const NAME: &str = "Validity";
pub const SOURCE: &str = "Demers et al., PODC 1987, §1.1 (values only come from client updates)";

pub fn check(c: &mut GossipChecker, ctx: &CheckCtx<Gossip>, id: NodeId, node: &Gossip, out: &mut Vec<Violation>) {
    for (key, e) in &node.db {
        if !c.injected.contains(&(key.clone(), e.value.clone())) && c.reported.insert((id, key.clone(), e.value.clone())) {
            let why = format!("n{} holds {key}={} but no client ever wrote that", node.id(), e.value);
            out.push(violation(ctx, NAME, SOURCE, why));
        }
    }
}
