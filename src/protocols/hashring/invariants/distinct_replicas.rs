//! Replicas on N distinct physical servers: a key's preference list skips further tokens of
//! a server already on it, so it names min(N, members) different servers, all members
//! (Dynamo, SOSP 2007, §4.3).

use super::{violation, HashRingChecker};
use crate::protocols::hashring::node::HashRing;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "N distinct replicas";
pub const SOURCE: &str = "Dynamo (SOSP 2007) §4.3: the preference list skips positions so that it holds only distinct physical nodes";

pub fn check(c: &HashRingChecker, ctx: &CheckCtx<HashRing>, node: &HashRing, out: &mut Vec<Violation>) {
    let members = &node.layout.members;
    let want = node.config.n().min(members.len());
    for key in &c.universe {
        let pref = node.layout.preference(key);
        let mut d = pref.clone();
        d.sort_unstable();
        d.dedup();
        if d.len() != want || pref.len() != want || d.iter().any(|s| !members.contains(s)) {
            let names: Vec<String> = pref.iter().map(|s| format!("n{s}")).collect();
            return out.push(violation(ctx, NAME, SOURCE, format!("n{}'s preference list for {key} is [{}]: {} distinct servers where {want} were due", node.me(), names.join(", "), d.len())));
        }
    }
}
