//! Scenario tests for the lock service: the recipe runs to completion and converges, a
//! crashed client's session expires, a leader partitioned away is replaced without losing
//! sessions, which direction of client clock drift is dangerous, the overlay, and the
//! checker list.

use clusterlab::scenario::presets::lock::clock_drift_with;
use clusterlab::protocols::lock::*;
use clusterlab::scenario::{registry::build_typed, Scenario};
use clusterlab::sim::{Checker, Fault, History, Present, Protocol, TimedFault};
use serde_json::json;

fn run(s: &Scenario) -> History<LockNode> {
    build_typed::<LockNode>(s, true).expect("builds")
}

fn at(at_us: u64, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

fn clients(h: &History<LockNode>) -> Vec<&LockClient> {
    h.sim().nodes().iter().flatten().filter_map(LockNode::as_client).collect()
}

fn leader(h: &History<LockNode>) -> &LockServer {
    h.sim().nodes().iter().flatten().filter_map(LockNode::as_server).find(|s| s.is_leader()).expect("a leader")
}

// ZooKeeper §2.4: with a bounded number of rounds every client finishes, every write is
// accepted in token order, the lock ends free and the cluster converges.
#[test]
fn the_recipe_runs_its_rounds_and_converges() {
    let mut s = Scenario::new("lock", 7, 11);
    s.config = json!({"rounds": 2});
    s.playhead_us = 6_000_000;
    let h = run(&s);
    for c in clients(&h) {
        assert_eq!((c.rounds_done, c.phase.clone(), c.writes_sent), (2, Phase::Done, 4), "n{}", c.id);
    }
    let st = h.sim().node(6).unwrap().as_storage().unwrap();
    assert_eq!((st.writes, st.rejected), (12, 0));
    assert!(st.log.windows(2).all(|w| w[0].token <= w[1].token));
    assert!(leader(&h).log.sm.children(tree::LOCK_DIR).is_empty(), "the lock ends free");
    LockNode::check_liveness(h.sim().nodes()).expect("converged");
    assert!(h.sim().violations().is_empty());
}

// Chubby §2.8 / ZooKeeper §4.1: a client that dies stops its keep-alives; the leader
// expires its session through the log on every server, and its lock node goes with it.
#[test]
fn a_dead_clients_session_expires_everywhere() {
    let mut s = Scenario::new("lock", 7, 12);
    s.playhead_us = 700_000;
    let sess5 = clients(&run(&s)).iter().find(|c| c.id == 5).and_then(|c| c.session).expect("n5 has a session");
    s.faults = vec![at(700_000, Fault::Crash { node: 5 })];
    s.playhead_us = 3_000_000;
    let h = run(&s);
    for srv in h.sim().nodes().iter().flatten().filter_map(LockNode::as_server) {
        assert!(!srv.log.sm.sessions.contains_key(&sess5), "n{} still has s{sess5}", srv.id);
        assert!(srv.log.sm.sessions.values().all(|x| x.client != 5));
        assert!(srv.log.sm.nodes.values().all(|n| n.ephemeral_owner != Some(sess5)));
    }
    assert!(h.sim().violations().is_empty());
}

// Raft §5.2 under the lock service: the leader cut off from the other servers is replaced;
// the clients find the new leader and keep their sessions; the checkers see no violation.
#[test]
fn a_partitioned_leader_is_replaced_without_losing_sessions() {
    let mut s = Scenario::new("lock", 7, 13);
    s.playhead_us = 1_000_000;
    let old = leader(&run(&s)).id;
    let others: Vec<u32> = (0..3).filter(|i| *i != old).collect();
    s.faults = vec![at(1_000_000, Fault::Partition { groups: vec![vec![old], vec![others[0], others[1], 3, 4, 5, 6]] }), at(3_000_000, Fault::HealAll)];
    s.playhead_us = 4_000_000;
    let h = run(&s);
    assert_ne!(leader(&h).id, old);
    let sessions: Vec<_> = clients(&h).iter().map(|c| c.session).collect();
    let first: Vec<_> = {
        let mut s1 = s.clone();
        s1.playhead_us = 1_000_000;
        clients(&run(&s1)).iter().map(|c| c.session).collect()
    };
    assert_eq!(sessions, first, "the same sessions before and after the failover");
    assert!(h.sim().violations().is_empty(), "{:?}", h.sim().violations());
}

// Chubby §2.8: only a slow client clock (or a fast server clock) is dangerous. The same
// scenario as the drift preset with a normal and a fast clock writes nothing late.
#[test]
fn a_fast_or_exact_client_clock_is_safe_a_slow_one_is_not() {
    for (drift, safe) in [(0, true), (400_000, true), (-400_000, false)] {
        let h = run(&clock_drift_with(drift));
        assert_eq!(h.sim().violations().is_empty(), safe, "drift {drift} ppm: {:?}", h.sim().violations());
    }
}

#[test]
fn the_overlay_draws_groups_watches_leases_tables_and_the_holder() {
    let mut s = Scenario::new("lock", 7, 1);
    s.playhead_us = 1_000_000;
    let h = run(&s);
    let o = LockNode::overlay(h.sim().nodes(), h.sim().now_us());
    assert_eq!(o.groups, ["server", "server", "server", "client", "client", "client", "storage"]);
    assert_eq!(o.bars.len(), 3);
    assert!(o.bars.iter().all(|b| b.permille > 0 && b.permille <= 1000 && b.label == "lease"));
    let holders: Vec<u32> = clients(&h).iter().filter(|c| c.phase == Phase::Holding).map(|c| c.id).collect();
    assert_eq!(o.highlight, holders);
    let titles: Vec<&str> = o.tables.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["lock tree", "recent writes"]);
    for a in &o.arrows {
        assert_eq!(a.kind, "watch");
        assert!((3..6).contains(&a.from) && (3..6).contains(&a.to) && a.from != a.to, "{a:?}");
    }
    let waiting = clients(&h).iter().filter(|c| matches!(c.phase, Phase::Waiting { .. })).count();
    assert!(o.arrows.len() <= waiting);
}

#[test]
fn the_checker_covers_raft_and_the_lock() {
    let props: Vec<&str> = <invariants::LockChecker as Checker<LockNode>>::properties().into_iter().map(|p| p.0).collect();
    for p in ["Election Safety", "Log Matching", "State Machine Safety", "One Holder", "Token Order", "Fencing Enforced", "No Interleaving", "Lease-Guarded Writes"] {
        assert!(props.contains(&p), "{p}");
    }
}

#[test]
fn a_wrong_node_count_is_refused_with_a_clear_message() {
    let s = Scenario::new("lock", 5, 1);
    let err = clusterlab::scenario::registry::build(&s, false).err().expect("refused");
    assert!(err.contains("need 7 nodes"), "{err}");
}
