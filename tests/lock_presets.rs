//! Lock service presets as fixed-seed scenario tests: each asserts what its caption tells
//! the student to watch, and the trace hashes are pinned so links replay forever.

use clusterlab::scenario::presets::lock::*;
use clusterlab::protocols::lock::*;
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, History, Protocol, ProtocolConfig, TraceKind};

fn run(name: &str) -> History<LockNode> {
    let s = (presets::find(name).expect("preset exists").build)();
    build_typed::<LockNode>(&s, true).expect("preset builds")
}

fn storage(h: &History<LockNode>) -> &Storage {
    h.sim().nodes().iter().flatten().find_map(LockNode::as_storage).expect("storage up")
}

fn violated(h: &History<LockNode>) -> Vec<&str> {
    h.sim().violations().iter().map(|v| v.property.as_str()).collect()
}

/// (time, client, token) of every "holds the lock" note, in order.
fn grants(h: &History<LockNode>) -> Vec<(u64, u32, u64)> {
    h.trace()
        .iter()
        .filter_map(|r| match &r.kind {
            TraceKind::Note { text } => {
                let token = text.strip_prefix("holds the lock, token ")?.parse().ok()?;
                Some((r.time_us, r.node?, token))
            }
            _ => None,
        })
        .collect()
}

fn client_notifications(h: &History<LockNode>) -> u64 {
    h.sim().nodes().iter().flatten().filter_map(LockNode::as_client).map(|c| c.notifications).sum()
}

// ZooKeeper §2.4: the lock passes in creation order, every client gets it, tokens grow,
// and a release wakes only the next client.
#[test]
fn acquire_release_passes_the_lock_in_order() {
    let h = run("lock-acquire-release");
    let g = grants(&h);
    assert!(g.len() >= 6, "{g:?}");
    assert!(g.windows(2).all(|w| w[0].2 < w[1].2), "tokens strictly increase: {g:?}");
    let first_three: std::collections::BTreeSet<u32> = g[..3].iter().map(|x| x.1).collect();
    assert_eq!(first_three.len(), 3, "each of the three clients holds once before anyone twice");
    assert_eq!(storage(&h).rejected, 0);
    assert!(client_notifications(&h) as usize <= g.len(), "one notification per hand-over at most");
    assert!(violated(&h).is_empty(), "{:?}", h.sim().violations());
}

// Chubby §2.8 / ZooKeeper §2.4: a crashed holder's session expires and its node goes.
#[test]
fn holder_crash_session_expires_and_the_next_client_takes_over() {
    let h = run("lock-holder-crash");
    let g = grants(&h);
    let before: Vec<_> = g.iter().filter(|x| x.0 < HOLDER_CRASH_US).collect();
    assert_eq!(before.last().map(|x| x.1), Some(CRASHED_HOLDER), "the crashed client held the lock");
    let expiry = h.trace().iter().find(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("timed out: proposing its expiry")));
    let expiry_us = expiry.expect("the leader expires the session").time_us;
    assert!(expiry_us >= HOLDER_CRASH_US + 700_000, "only after the session timeout");
    let next = g.iter().find(|x| x.0 > HOLDER_CRASH_US).expect("someone takes over");
    assert!(next.0 > expiry_us && next.1 != CRASHED_HOLDER && next.2 > before.last().unwrap().2);
    assert!(violated(&h).is_empty());
}

// Kleppmann 2016: without fencing the paused holder's late write interleaves.
#[test]
fn gc_pause_without_fencing_interleaves() {
    let h = run("lock-gc-pause-unfenced");
    assert_eq!(violated(&h), vec!["No Interleaving"]);
    let v = &h.sim().violations()[0];
    assert!(v.explanation.contains(&format!("n{PAUSED_HOLDER}'s begin write")), "{}", v.explanation);
    assert!(v.time_us > PAUSE_US + 2_000_000, "when the paused client wakes");
    let g = grants(&h);
    assert!(g.iter().any(|x| x.0 > PAUSE_US && x.0 < PAUSE_US + 2_000_000 && x.1 != PAUSED_HOLDER), "another client held it during the pause");
}

// Kleppmann 2016: with fencing the same write is rejected and the client learns it.
#[test]
fn gc_pause_with_fencing_rejects_the_stale_write() {
    let h = run("lock-gc-pause-fenced");
    assert!(violated(&h).is_empty(), "{:?}", h.sim().violations());
    let st = storage(&h);
    let stale = st.log.iter().find(|w| !w.accepted).expect("a rejected write");
    assert_eq!(stale.client, PAUSED_HOLDER);
    let paused = h.sim().node(PAUSED_HOLDER).unwrap().as_client().unwrap();
    assert_eq!(paused.writes_rejected, 1, "the client saw the rejection");
}

// Chubby §2.9: a new Raft leader keeps every session (fresh timeout plus grace).
#[test]
fn leader_failover_keeps_sessions_and_the_lock_moving() {
    let h = run("lock-leader-failover");
    let expiries = h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("expiry"))).count();
    assert_eq!(expiries, 0, "no session expires across the failover");
    let lost = h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("lease ran out"))).count();
    assert_eq!(lost, 0, "no client lost its lease");
    let leader = h.sim().nodes().iter().flatten().filter_map(LockNode::as_server).find(|s| s.is_leader()).expect("a leader");
    assert_ne!(leader.id, CRASHED_LEADER);
    assert!(grants(&h).iter().filter(|x| x.0 > 1_500_000).count() >= 3, "the lock keeps passing");
    assert!(violated(&h).is_empty());
}

// Chubby §2.8: a slow client clock stretches the client's lease past the leader's.
#[test]
fn slow_client_clock_writes_after_its_session_was_given_away() {
    let h = run("lock-clock-drift");
    assert_eq!(violated(&h), vec!["No Interleaving"], "Lease-Guarded Writes holds: by its own clock the check passed");
    assert!(h.sim().violations()[0].explanation.contains(&format!("n{DRIFT_CLIENT}'s end write")));
}

// Chubby §2.8 (version 3): within the drift bound, the slow client's lease runs out and its
// session goes into jeopardy before the leader expires it; nothing is violated.
#[test]
fn a_slow_client_within_the_bound_lets_go_before_its_session_expires() {
    let h = run("lock-lease-margin");
    assert!(violated(&h).is_empty() && h.sim().exceeded().is_empty(), "{:?}", h.sim().violations());
    let note = |what: &str| h.trace().iter().find(|r| r.time_us > LEASE_CUT_US && matches!(&r.kind, TraceKind::Note { text } if text.contains(what))).map(|r| (r.time_us, r.node));
    let (jeopardy, by) = note("in jeopardy").expect("n3 goes into jeopardy");
    let (expiry, _) = note("proposing its expiry").expect("the leader expires n3's session");
    assert!(by == Some(LEASE_CLIENT) && jeopardy < expiry, "{jeopardy} {expiry}");
    let g = grants(&h);
    assert!(g.iter().any(|x| x.0 > expiry && x.1 != LEASE_CLIENT), "the next client takes over after the expiry: {g:?}");
}

// Beyond the bound the run is labelled "assumption exceeded" and the lease properties fail.
#[test]
fn a_slow_client_beyond_the_bound_is_labelled_and_breaks_the_lease() {
    let h = run("lock-drift-beyond-bound");
    assert_eq!(h.sim().exceeded().len(), 1);
    assert!(h.sim().exceeded()[0].what.contains("beyond the bound"), "{:?}", h.sim().exceeded());
    let v = violated(&h);
    assert_eq!(v.first(), Some(&"Conservative Lease"), "{v:?}");
    assert!(v.contains(&"Mutual Exclusion by Lease"), "{v:?}");
}

// ZooKeeper §2.4 ("herd effect"): every waiter wakes on every change.
#[test]
fn herd_effect_wakes_every_waiter_and_the_recipe_one() {
    let herd = run("lock-herd-effect");
    let recipe = run("lock-recipe-no-herd");
    let (nh, nr) = (client_notifications(&herd), client_notifications(&recipe));
    println!("notifications: herd {nh}, recipe {nr}");
    assert!(nh >= 4 * nr, "herd {nh} vs recipe {nr}");
    assert!(nr as usize <= grants(&recipe).len());
    assert!(violated(&herd).is_empty() && violated(&recipe).is_empty());
}

#[test]
fn preset_trace_hashes_are_pinned() {
    for (name, hash) in [
        ("lock-acquire-release", "3e546ffa749500c2"),
        ("lock-holder-crash", "e2c4bc73e370a3c9"),
        ("lock-gc-pause-unfenced", "b36b91b636a4f412"),
        ("lock-gc-pause-fenced", "73c49a079e266814"),
        ("lock-leader-failover", "17388e86bcffe02d"),
        ("lock-clock-drift", "c30ee54a47a6c331"),
        ("lock-herd-effect", "4afd5aa0fb9eea2a"),
        ("lock-recipe-no-herd", "f56214cb1fdbde88"),
        ("lock-lease-margin", "776a28ab5b28647d"),
        ("lock-drift-beyond-bound", "7926aabc77de352b"),
    ] {
        let got = hash_hex(run(name).sim().trace_hash());
        assert_eq!(got, hash, "{name}");
    }
}

#[test]
fn every_lock_preset_validates_and_has_both_languages() {
    let all: Vec<_> = presets::all().into_iter().filter(|p| p.protocol == "lock").collect();
    assert_eq!(all.len(), 10);
    for p in all {
        assert!(!p.caption_en.is_empty() && !p.caption_zh.is_empty() && !p.title_zh.is_empty(), "{}", p.name);
        let s = (p.build)();
        clusterlab::scenario::registry::check_config(&s).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert!(<LockNode as Protocol>::Config::BUGS.len() == 5);
    }
}
