//! One ordered ring (Zave, IEEE TSE 2017, §III: OneOrderedRing, no appendages, full
//! successor lists): every live node is a member; each member's successor list holds the
//! next r members in identifier order and its predecessor is the member before it.

use crate::protocols::chord::node::Chord;
use crate::sim::NodeId;

pub const NAME: &str = "One ordered ring";
pub const SOURCE: &str = "Zave, How to make Chord correct (IEEE TSE 2017) §III";

pub fn check(nodes: &[Option<Chord>]) -> Result<(), String> {
    let live: Vec<NodeId> = (0..nodes.len() as NodeId).filter(|&i| nodes[i as usize].is_some()).collect();
    let Some(r) = nodes.iter().flatten().next().map(|n| n.config.r()) else { return Err("no node is up".into()) };
    if let Some(&i) = live.iter().find(|&&i| !nodes[i as usize].as_ref().is_some_and(|n| n.member)) {
        return Err(format!("n{i} is up but not in the ring"));
    }
    let k = live.len();
    for (at, &i) in live.iter().enumerate() {
        let n = nodes[i as usize].as_ref().expect("live");
        let want: Vec<NodeId> = (1..k).map(|d| live[(at + d) % k]).take(r).collect();
        if n.successors != want {
            return Err(format!("n{i}'s successor list is {} but the next live members are {}", names(&n.successors), names(&want)));
        }
        let pred = (k > 1).then(|| live[(at + k - 1) % k]);
        if n.predecessor != pred {
            return Err(format!("n{i}'s predecessor is {} but the member before it is {}", name(n.predecessor), name(pred)));
        }
    }
    Ok(())
}

fn name(n: Option<NodeId>) -> String {
    n.map_or("nil".into(), |n| format!("n{n}"))
}

fn names(v: &[NodeId]) -> String {
    format!("[{}]", v.iter().map(|n| format!("n{n}")).collect::<Vec<_>>().join(", "))
}
