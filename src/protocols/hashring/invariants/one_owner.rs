//! Each key has exactly one owner: on the ring, the server consistent hashing names
//! (Karger et al., STOC 1997, §4: the first token clockwise, wrapping past the top); under
//! any placement, two servers that know the same members name the same owner.

use super::{reference_preference, violation, HashRingChecker, Seen};
use crate::protocols::hashring::node::HashRing;
use crate::protocols::hashring::placement::Placement;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "One owner per key";
pub const SOURCE: &str = "Karger et al., Consistent hashing and random trees (STOC 1997) §4; Dynamo (SOSP 2007) §4.2";

pub fn check(c: &HashRingChecker, ctx: &CheckCtx<HashRing>, node: &HashRing, now: &Seen, out: &mut Vec<Violation>) {
    let me = node.me();
    if c.placement == Placement::Ring {
        for (key, owner) in c.universe.iter().zip(&now.owners) {
            let want = reference_preference(&now.members, c.vnodes, key, 1).first().copied();
            if *owner != want {
                let say = |o: Option<u32>| o.map_or("no one".to_string(), |o| format!("n{o}"));
                return out.push(violation(ctx, NAME, SOURCE, format!("n{me} places {key} at {}, but the first token clockwise from it is {}'s", say(*owner), say(want))));
            }
        }
    }
    for other in c.seen.iter().flatten().filter(|s| s.members == now.members) {
        if let Some((k, (a, b))) = c.universe.iter().zip(now.owners.iter().zip(&other.owners)).find(|(_, (a, b))| a != b) {
            let say = |o: &Option<u32>| o.map_or("no one".to_string(), |o| format!("n{o}"));
            return out.push(violation(ctx, NAME, SOURCE, format!("two servers that know the same members disagree about {k}: n{me} says {}, another says {}", say(a), say(b))));
        }
    }
}
