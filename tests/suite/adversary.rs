#![cfg(not(target_arch = "wasm32"))]
//! Adversary mode: the user is the network. Messages and timers wait for a choice; time
//! moves to the chosen event's drawn time and never fires a timer early; pauses and cut
//! links still apply; the checkers still run; a run made of choices replays from its link.

use clusterlab::scenario::{self, LiveRun, Scenario};
use clusterlab::sim::{AnyRun, DropReason, Fault, TimedFault, TraceKind};

fn raft(nodes: u32, bug: Option<&str>) -> Scenario {
    let mut s = Scenario::current("raft", nodes, 7);
    if let Some(b) = bug {
        s.config = serde_json::json!({ "bug": b });
    }
    s.faults.push(TimedFault { at_us: 0, after_event: None, fault: Fault::Adversary { on: true } });
    s
}

fn open(s: &Scenario) -> LiveRun {
    let mut live = LiveRun::open(s).unwrap();
    live.run.run_until(0);
    live
}

fn roles(run: &dyn AnyRun) -> Vec<String> {
    run.view().nodes.into_iter().map(|n| n.role).collect()
}

/// Pick the earliest choice of `kind` (deliver or fire), or None.
fn earliest(run: &dyn AnyRun, kind: &str) -> Option<Fault> {
    let c = run.choices().into_iter().find(|c| c.kind == kind)?;
    Some(if kind == "fire" { Fault::Fire { id: c.id } } else { Fault::Deliver { id: c.id } })
}

#[test]
fn nothing_moves_until_the_user_chooses() {
    let mut live = open(&raft(3, None));
    let before = live.run.event_count();
    live.run.run_until(5_000_000);
    assert_eq!(live.run.event_count(), before, "no message or timer runs by itself");
    assert!(live.run.adversary());
    let fires: Vec<_> = live.run.choices().into_iter().filter(|c| c.kind == "fire").collect();
    assert_eq!(fires.len(), 3, "each node's election timer waits: {fires:?}");
    assert!(fires.windows(2).all(|w| w[0].at_us <= w[1].at_us), "earliest first");
}

#[test]
fn a_timer_fires_at_its_deadline_never_before() {
    let mut live = open(&raft(3, None));
    let last = live.run.choices().into_iter().filter(|c| c.kind == "fire").last().unwrap();
    live.inject(Fault::Fire { id: last.id }).unwrap();
    assert_eq!(live.run.now_us(), last.at_us, "time moved to the chosen timer's deadline");
    let fired: Vec<_> = live.run.trace().iter().filter(|r| matches!(r.kind, TraceKind::Timer { .. })).collect();
    assert_eq!(fired.len(), 1, "only the chosen timer fired, though the others are overdue");
    assert_eq!(fired[0].node, Some(last.node));
    assert!(roles(live.run.as_ref()).contains(&"candidate".to_string()));
    // The overdue timers are still choices, and firing one now does not move time back.
    let overdue = live.run.choices().into_iter().find(|c| c.kind == "fire" && c.at_us < last.at_us).unwrap();
    live.inject(Fault::Fire { id: overdue.id }).unwrap();
    assert_eq!(live.run.now_us(), last.at_us);
}

#[test]
fn delivering_the_votes_by_hand_elects_a_leader() {
    let mut live = open(&raft(3, None));
    live.inject(earliest(live.run.as_ref(), "fire").unwrap()).unwrap();
    for _ in 0..20 {
        if roles(live.run.as_ref()).contains(&"leader".to_string()) {
            break;
        }
        let d = earliest(live.run.as_ref(), "deliver").expect("a message to deliver");
        let at = live.run.choices()[0].at_us.max(live.run.now_us());
        live.inject(d).unwrap();
        assert!(live.run.now_us() >= at.min(live.run.now_us()));
    }
    assert!(roles(live.run.as_ref()).contains(&"leader".to_string()), "{:?}", roles(live.run.as_ref()));
}

#[test]
fn drop_and_duplicate_are_the_networks_doing() {
    let mut live = open(&raft(3, None));
    live.inject(earliest(live.run.as_ref(), "fire").unwrap()).unwrap();
    let msgs: Vec<_> = live.run.choices().into_iter().filter(|c| c.kind == "deliver").collect();
    assert_eq!(msgs.len(), 2, "a RequestVote to each peer");
    let now = live.run.now_us();
    live.inject(Fault::Drop { id: msgs[0].id }).unwrap();
    assert_eq!(live.run.now_us(), now, "a drop does not move time");
    let dropped = live.run.trace().iter().any(|r| matches!(r.kind, TraceKind::Drop { msg_id, reason: DropReason::Adversary, .. } if msg_id == msgs[0].id));
    assert!(dropped);
    assert!(live.run.choices().iter().all(|c| c.id != msgs[0].id || c.kind != "deliver"), "a dropped message is gone");
    live.inject(Fault::Duplicate { id: msgs[1].id }).unwrap();
    let copies: Vec<_> = live.run.choices().into_iter().filter(|c| c.kind == "deliver" && c.what == msgs[1].what && c.node == msgs[1].node).collect();
    assert_eq!(copies.len(), 2, "the message and its copy: {copies:?}");
    for c in copies {
        live.inject(Fault::Deliver { id: c.id }).unwrap();
    }
    let delivered = live.run.trace().iter().filter(|r| matches!(r.kind, TraceKind::Deliver { kind: "RequestVote", .. })).count();
    assert_eq!(delivered, 2, "both copies arrive");
    let err = live.inject(Fault::Deliver { id: msgs[0].id }).unwrap_err();
    assert!(err.contains("no message"), "{err}");
}

#[test]
fn cut_links_and_pauses_still_apply() {
    let mut live = open(&raft(3, None));
    let fire = live.run.choices().into_iter().find(|c| c.kind == "fire" && c.node == 0).unwrap();
    live.inject(Fault::Cut { a: 0, b: 1 }).unwrap();
    live.inject(Fault::Pause { node: 2 }).unwrap();
    live.inject(Fault::Fire { id: fire.id }).unwrap();
    let offered: Vec<_> = live.run.choices().into_iter().filter(|c| c.kind == "deliver").collect();
    assert!(offered.iter().all(|c| c.node != 2), "a paused node's messages are not offered: {offered:?}");
    assert!(live.run.choices().iter().all(|c| c.node != 2), "nor its timers");
    // The message to n1 was refused by the cut link when it was sent.
    let cut = live.run.trace().iter().any(|r| matches!(r.kind, TraceKind::Drop { to: 1, reason: DropReason::LinkCut, .. }));
    assert!(cut);
    live.inject(Fault::Resume { node: 2 }).unwrap();
    let to_2 = live.run.choices().into_iter().find(|c| c.kind == "deliver" && c.node == 2).expect("offered once resumed");
    live.inject(Fault::Deliver { id: to_2.id }).unwrap();
}

#[test]
fn turning_adversary_mode_off_lets_the_run_go_on() {
    let mut live = open(&raft(3, None));
    live.inject(Fault::Adversary { on: false }).unwrap();
    assert!(live.run.choices().is_empty());
    live.run.run_until(3_000_000);
    assert!(roles(live.run.as_ref()).contains(&"leader".to_string()));
    assert!(live.inject(Fault::Fire { id: 0 }).unwrap_err().contains("adversary mode is off"));
}

/// A seeded walk over the choices (deliver, drop, duplicate, fire).
fn random_walk(live: &mut LiveRun, seed: u64, steps: usize) {
    let mut x = seed;
    for _ in 0..steps {
        let choices = live.run.choices();
        if choices.is_empty() || !live.run.violations().is_empty() {
            break;
        }
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let c = &choices[(x >> 33) as usize % choices.len().min(4)];
        let fault = match (c.kind, (x >> 20) % 10) {
            ("fire", _) => Fault::Fire { id: c.id },
            (_, 0) => Fault::Drop { id: c.id },
            (_, 1) => Fault::Duplicate { id: c.id },
            _ => Fault::Deliver { id: c.id },
        };
        let at = if matches!(fault, Fault::Drop { .. } | Fault::Duplicate { .. }) { live.run.now_us() } else { c.at_us.max(live.run.now_us()) };
        live.inject(fault).unwrap();
        assert_eq!(live.run.now_us(), at, "time moves to the chosen event, no further");
    }
}

#[test]
fn the_checkers_run_on_every_choice() {
    // A quorum too small lets two leaders act at once: some schedule shows it.
    let found = (1..=40).find_map(|seed| {
        let mut live = open(&raft(5, Some("small_quorum")));
        random_walk(&mut live, seed, 200);
        live.run.violations().first().map(|v| v.property.clone())
    });
    let found = found.expect("some schedule breaks small_quorum");
    assert!(["Election Safety", "Leader Completeness", "State Machine Safety", "Log Matching"].contains(&found.as_str()), "{found}");
    for seed in 1..=40 {
        let mut live = open(&raft(5, None));
        random_walk(&mut live, seed, 200);
        assert!(live.run.violations().is_empty(), "seed {seed}: {:?}", live.run.violations());
    }
}

#[test]
fn a_run_of_choices_replays_from_its_link() {
    let mut live = open(&raft(5, None));
    random_walk(&mut live, 3, 120);
    assert!(live.run.event_count() > 50);
    let link = live.link().unwrap();
    let s = scenario::decode_link(&link).unwrap();
    let mut again = LiveRun::open(&s).unwrap();
    again.run.seek(s.playhead_event.unwrap());
    while again.run.event_count() < s.playhead_event.unwrap() && again.run.step() {}
    assert_eq!(again.run.event_count(), live.run.event_count());
    assert_eq!(again.run.trace_hash(), live.run.trace_hash(), "the same run, choice for choice");
    assert_eq!(again.run.choices(), live.run.choices());
}

#[test]
fn going_back_in_time_and_choosing_forks_the_run() {
    let mut live = open(&raft(3, None));
    random_walk(&mut live, 5, 30);
    let mid = live.run.event_count() / 2;
    live.run.seek(mid);
    let c = live.run.choices()[0].clone();
    let fault = if c.kind == "fire" { Fault::Fire { id: c.id } } else { Fault::Deliver { id: c.id } };
    live.inject(fault).unwrap();
    assert_eq!(live.run.frontier(), live.run.event_count(), "the old future is gone");
    let recorded = live.run.recorded();
    assert!(recorded.iter().all(|f| f.after_event.unwrap() <= mid + 1), "{recorded:?}");
}

/// Followers' election timers are set again by every heartbeat, and the queue keeps one
/// entry for each (an earlier setting's, moved to the latest deadline when it comes due).
/// Adversary mode started then offers every armed timer once, at the deadline its node
/// shows, and firing one moves time to exactly that deadline.
#[test]
fn timers_set_again_and_again_are_offered_at_their_own_deadlines() {
    let mut live = LiveRun::open(&Scenario::current("raft", 3, 7)).unwrap();
    live.run.run_until(3_000_000);
    assert!(roles(live.run.as_ref()).contains(&"leader".to_string()), "heartbeats flow");
    live.inject(Fault::Adversary { on: true }).unwrap();
    let view = live.run.view();
    let fires: Vec<_> = live.run.choices().into_iter().filter(|c| c.kind == "fire").collect();
    let armed: usize = view.nodes.iter().map(|n| n.timers.len()).sum();
    assert_eq!(fires.len(), armed, "every armed timer is a choice, once: {fires:?}");
    for c in &fires {
        let deadlines: Vec<_> = view.nodes[c.node as usize].timers.iter().map(|t| t.fires_at_us).collect();
        assert!(deadlines.contains(&c.at_us), "n{} offers {} at its deadline {deadlines:?}", c.node, c.at_us);
    }
    let last = fires.iter().max_by_key(|c| c.at_us).unwrap();
    live.inject(Fault::Fire { id: last.id }).unwrap();
    assert_eq!(live.run.now_us(), last.at_us);
}
