#![cfg(not(target_arch = "wasm32"))]
//! The cluster state table (`Present::cluster_table`): every node's key state side by side,
//! one row per node, crashed nodes marked, and a summary by role above 64 nodes. Raft's
//! lines up Figure 2's state with the leader's nextIndex/matchIndex.

use clusterlab::scenario::{self, presets, Scenario};
use clusterlab::sim::{Fault, TimedFault};

fn table_at(s: &Scenario, until_us: u64) -> clusterlab::sim::TableView {
    let mut run = scenario::build(s, false).unwrap();
    run.run_until(until_us);
    run.cluster_table()
}

#[test]
fn every_protocol_has_one_row_per_node_with_its_role_and_headline() {
    for r in scenario::rows() {
        let s = Scenario::new(r.name, r.nodes.default, 1);
        let mut run = scenario::build(&s, false).unwrap();
        run.run_until(2_000_000);
        let t = run.cluster_table();
        let view = run.view();
        assert_eq!(t.rows.len(), r.nodes.default as usize, "{}", r.name);
        assert!(t.headers.len() >= 3, "{}: {:?}", r.name, t.headers);
        for (row, node) in t.rows.iter().zip(&view.nodes) {
            assert_eq!(row.len(), t.headers.len(), "{}: ragged row {row:?}", r.name);
            assert_eq!(row[0], format!("n{}", node.id));
            assert_eq!(row[1], node.role, "{}: the table and the node agree on the role", r.name);
        }
    }
}

#[test]
fn raft_table_shows_figure_2_state_and_the_leaders_view_of_each_peer() {
    let mut s = (presets::find("raft-election").unwrap().build)();
    s.faults.push(TimedFault { at_us: 2_000_000, after_event: None, fault: Fault::Crash { node: 4 } });
    let t = table_at(&s, 2_500_000);
    assert_eq!(t.headers[2], "currentTerm");
    let leader = t.rows.iter().find(|r| r[1] == "leader").expect("a leader");
    assert_eq!(leader[7], "", "the leader has no nextIndex for itself");
    let followers: Vec<_> = t.rows.iter().filter(|r| r[1] == "follower").collect();
    assert!(!followers.is_empty());
    for f in followers {
        assert_eq!(f[2], leader[2], "one term");
        assert!(f[7].contains(" / "), "the leader's nextIndex / matchIndex for {}: {:?}", f[0], f[7]);
        let (fc, lc): (u64, u64) = (f[5].parse().unwrap(), leader[5].parse().unwrap());
        assert!(fc <= lc, "a follower's commitIndex is never ahead of the leader's: {fc} > {lc}");
    }
    assert_eq!(t.rows[4][1], "crashed");
    assert!(t.rows[4][2..].iter().all(String::is_empty));
}

#[test]
fn above_64_nodes_the_table_is_a_summary_by_role() {
    let s = (presets::find("swim-crash-detection").unwrap().build)();
    let t = table_at(&s, 2_500_000);
    assert_eq!(t.headers, vec!["role", "nodes"]);
    let total: usize = t.rows.iter().map(|r| r[1].parse::<usize>().unwrap()).sum();
    assert_eq!(total, s.nodes as usize);
    assert!(t.rows.iter().any(|r| r[0] == "crashed" && r[1] == "1"), "{:?}", t.rows);
}

/// A preset's run, played to `until_us`.
fn preset_at(name: &str, until_us: u64) -> Box<dyn clusterlab::sim::AnyRun> {
    let s = (presets::find(name).unwrap().build)();
    let mut run = scenario::build(&s, false).unwrap();
    run.run_until(until_us);
    run
}

// The log grid's marks are the leader's nextIndex and matchIndex for each follower: the same
// numbers its table row shows, one pair per follower, none on the leader's own row.
#[test]
fn raft_log_marks_agree_with_the_table() {
    let run = preset_at("raft-figure-7", 3_000_000);
    let t = run.cluster_table();
    let marks = run.log_marks();
    let leader: usize = t.rows.iter().position(|r| r[1] == "leader").expect("a leader");
    assert_eq!(marks.len(), 2 * (t.rows.len() - 1), "{marks:?}");
    assert!(marks.iter().all(|m| m.node as usize != leader));
    for m in &marks {
        let shown = &t.rows[m.node as usize][7];
        let (next, matched) = shown.split_once(" / ").expect("nextIndex / matchIndex");
        let want = if m.label == "nextIndex" { next } else { matched };
        assert_eq!(m.index.to_string(), want, "n{}: {} {m:?}", m.node, shown);
    }
    assert!(marks.iter().any(|m| m.label == "matchIndex" && m.index == 12), "every log caught up: {marks:?}");
}

// Paxos's table puts each node's three roles side by side; the acceptor's promise is the
// ballot its own view reports, and no node learned more slots than the leader proposed.
#[test]
fn paxos_table_shows_each_acceptors_promise_and_what_was_learned() {
    let run = preset_at("paxos-multi-leader-change", 2_000_000);
    let t = run.cluster_table();
    let view = run.view();
    assert_eq!(t.headers[..4], ["node", "role", "promised", "accepted"]);
    for (row, node) in t.rows.iter().zip(&view.nodes) {
        let promised = node.fields.iter().find(|(k, _)| k == "promised").map(|(_, v)| v.clone());
        assert_eq!(Some(row[2].clone()), promised, "n{}", node.id);
        let learned: usize = row[6].parse().unwrap();
        assert!(learned <= node.log.as_ref().map_or(0, |l| l.entries.len()), "n{}: {row:?}", node.id);
    }
    assert!(t.rows.iter().any(|r| r[1] == "leader" && !r[5].is_empty()), "the leader holds its Promises: {:?}", t.rows);
}
