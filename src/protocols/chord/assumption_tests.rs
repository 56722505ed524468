//! Zave's failure assumption as the simulator reads it (IEEE TSE 2017, §V): from version 6
//! no crash may leave a member with no live successor in its list, even where the nodes
//! next to it in identifier order are up (a list copied before they joined skips them).

use super::{Chord, ChordConfig};
use crate::sim::{Assumptions, ChaosConfig, NetConfig, Sim};

/// Nine nodes, all members, each list set by hand; n2's list skips n4 and n6 (it was
/// copied before they joined), and n3, n5 and n7 are down.
fn stale_ring(version: u32) -> Sim<Chord> {
    let config = ChordConfig { successors: 4, ..ChordConfig::default() };
    let mut sim = Sim::<Chord>::new(9, 1, config, NetConfig::default(), ChaosConfig::default());
    sim.set_version(version);
    sim.assume(Assumptions { max_adjacent_failures: Some(2), ..Assumptions::default() });
    sim.run_until(1);
    for n in [3, 5, 7] {
        sim.states[n] = None;
    }
    let lists: [(usize, &[u32]); 6] = [(0, &[1, 2, 4, 6]), (1, &[2, 4, 6, 8]), (2, &[3, 5, 7, 0]), (4, &[6, 8, 0, 1]), (6, &[8, 0, 1, 2]), (8, &[0, 1, 2, 4])];
    for (n, list) in lists {
        let node = sim.states[n].as_mut().expect("up");
        node.member = true;
        node.successors = list.to_vec();
    }
    sim
}

#[test]
fn a_crash_that_empties_a_stale_list_is_beyond_the_assumption_from_version_6() {
    assert_eq!(stale_ring(5).crash_beyond_adjacency(0), None, "version 5 reads identifier order only: n8 and n1 are up");
    let why = stale_ring(6).crash_beyond_adjacency(0).expect("n2 would have nobody left in its list");
    assert!(why.contains("n2 would have no live successor"), "{why}");
    assert_eq!(stale_ring(6).crash_beyond_adjacency(1), None, "n0 still has n2, n4 and n6");
}

#[test]
fn the_ring_keeps_one_member_more_than_its_longest_list_from_version_6() {
    let five_up = |version| {
        let mut sim = stale_ring(version);
        sim.states[2].as_mut().expect("up").successors = vec![4, 6, 8, 0];
        sim.states[6] = None;
        sim
    };
    // Up: n0, n1, n2, n4, n8. Crashing n1 (its neighbours up) would leave four, fewer than
    // r + 1 = 5.
    let why = five_up(6).crash_beyond_adjacency(1).expect("too few left");
    assert!(why.contains("fewer than the 5"), "{why}");
    assert_eq!(five_up(5).crash_beyond_adjacency(1), None, "version 5 counts k + 2 = 4");
}
