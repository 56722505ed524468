//! Adding a server moves keys only onto it, and removing one moves only its keys: Karger's
//! monotonicity (STOC 1997, §4), true of the ring and of rendezvous hashing for any server,
//! and of jump hash for a server added or removed at the end of the bucket list (Lamping &
//! Veach 2014). Mod-N moves nearly every key and bounded loads may cascade, so under those
//! placements moves are counted, not checked.

use super::{violation, HashRingChecker, Seen};
use crate::protocols::hashring::node::HashRing;
use crate::protocols::hashring::placement::Placement;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Keys move only to a new server";
pub const SOURCE: &str = "Karger et al. (STOC 1997) §4, monotonicity; Lamping & Veach, jump consistent hash (2014)";

pub fn check(c: &HashRingChecker, ctx: &CheckCtx<HashRing>, node: &HashRing, before: &Seen, now: &Seen, out: &mut Vec<Violation>) {
    if !c.placement.moves_only_the_changed() {
        return;
    }
    let joined: Vec<u32> = now.members.iter().copied().filter(|s| !before.members.contains(s)).collect();
    let left: Vec<u32> = before.members.iter().copied().filter(|s| !now.members.contains(s)).collect();
    let (server, onto) = match (joined.as_slice(), left.as_slice()) {
        ([s], []) => (*s, true),
        ([], [s]) => (*s, false),
        _ => return,
    };
    let at_end = |m: &[u32]| m.iter().all(|&x| x <= server);
    if c.placement == Placement::Jump && !(at_end(&now.members) && at_end(&before.members)) {
        return;
    }
    for ((key, was), is) in c.universe.iter().zip(&before.owners).zip(&now.owners) {
        let wrong = was != is && if onto { *is != Some(server) } else { *was != Some(server) };
        if wrong {
            let say = |o: &Option<u32>| o.map_or("no one".to_string(), |o| format!("n{o}"));
            let what = if onto { "joined" } else { "left" };
            return out.push(violation(ctx, NAME, SOURCE, format!("n{server} {what}, and n{} moved {key} from {} to {}", node.me(), say(was), say(is))));
        }
    }
}
