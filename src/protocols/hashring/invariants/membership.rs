//! After faults stop, the servers agree on the ring: every live server that counts itself in
//! the ring is in every other's table, and no one else is (Dynamo, SOSP 2007, §4.8: gossip
//! makes the membership eventually consistent).

use crate::protocols::hashring::node::HashRing;

pub const NAME: &str = "One membership";

pub fn check(nodes: &[Option<HashRing>]) -> Result<(), String> {
    let want: Vec<u32> = nodes.iter().flatten().filter(|n| n.in_ring()).map(|n| n.me()).collect();
    for n in nodes.iter().flatten() {
        if n.layout.members != want {
            let names = |v: &[u32]| v.iter().map(|s| format!("n{s}")).collect::<Vec<_>>().join(", ");
            return Err(format!("n{} sees the ring as [{}], but the live servers in it are [{}]", n.me(), names(&n.layout.members), names(&want)));
        }
    }
    Ok(())
}
