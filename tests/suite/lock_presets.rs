//! Lock service presets as fixed-seed scenario tests: each asserts what its caption tells
//! the student to watch, and the trace hashes are pinned so links replay forever.

use clusterlab::scenario::presets::lock::*;
use clusterlab::protocols::lock::*;
use clusterlab::scenario::{presets, registry::build_typed, registry::lock_on};
use clusterlab::sim::{hash_hex, History, Protocol, ProtocolConfig, TraceKind};

fn run(name: &str) -> History<LockNode> {
    let s = (presets::find(name).expect("preset exists").build)();
    assert!(lock_on(&s).unwrap().is_none(), "{name} runs on Raft");
    build_typed::<LockNode>(&s, true).expect("preset builds")
}

/// A preset whose servers run Zab (its configuration names `zab`).
fn run_zab(name: &str) -> History<LockNode<ZabServerLog>> {
    let s = (presets::find(name).expect("preset exists").build)();
    let on_zab = lock_on(&s).unwrap().expect("the preset names zab");
    build_typed::<LockNode<ZabServerLog>>(&on_zab, true).expect("preset builds")
}

fn storage<R: LockLog>(h: &History<LockNode<R>>) -> &Storage {
    h.sim().nodes().iter().flatten().find_map(LockNode::as_storage).expect("storage up")
}

fn violated<R: LockLog>(h: &History<LockNode<R>>) -> Vec<&str> {
    h.sim().violations().iter().map(|v| v.property.as_str()).collect()
}

/// (time, client, token) of every "holds the lock" note, in order.
fn grants<R: LockLog>(h: &History<LockNode<R>>) -> Vec<(u64, u32, u64)> {
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

fn client_notifications<R: LockLog>(h: &History<LockNode<R>>) -> u64 {
    h.sim().nodes().iter().flatten().filter_map(LockNode::as_client).map(|c| c.notifications).sum()
}

// ZooKeeper §2.4: the lock passes in creation order, every client gets it, tokens grow,
// and a release wakes only the next client.
fn acquire_release<R: LockLog>(h: &History<LockNode<R>>) {
    let g = grants(h);
    assert!(g.len() >= 6, "{g:?}");
    assert!(g.windows(2).all(|w| w[0].2 < w[1].2), "tokens strictly increase: {g:?}");
    let first_three: std::collections::BTreeSet<u32> = g[..3].iter().map(|x| x.1).collect();
    assert_eq!(first_three.len(), 3, "each of the three clients holds once before anyone twice");
    assert_eq!(storage(h).rejected, 0);
    assert!(client_notifications(h) as usize <= g.len(), "one notification per hand-over at most");
    assert!(violated(h).is_empty(), "{:?}", h.sim().violations());
}

#[test]
fn acquire_release_passes_the_lock_in_order() {
    acquire_release(&run("lock-acquire-release"));
    acquire_release(&run_zab("lock-zab-acquire-release"));
}

// Chubby §2.8 / ZooKeeper §2.4: a crashed holder's session expires and its node goes.
fn holder_crash<R: LockLog>(h: &History<LockNode<R>>, crash_us: u64) {
    let g = grants(h);
    let before: Vec<_> = g.iter().filter(|x| x.0 < crash_us).collect();
    assert_eq!(before.last().map(|x| x.1), Some(CRASHED_HOLDER), "the crashed client held the lock");
    let expiry = h.trace().iter().find(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("timed out: proposing its expiry")));
    let expiry_us = expiry.expect("the leader expires the session").time_us;
    assert!(expiry_us >= crash_us + 700_000, "only after the session timeout");
    let next = g.iter().find(|x| x.0 > crash_us).expect("someone takes over");
    assert!(next.0 > expiry_us && next.1 != CRASHED_HOLDER && next.2 > before.last().unwrap().2);
    assert!(violated(h).is_empty());
}

#[test]
fn holder_crash_session_expires_and_the_next_client_takes_over() {
    holder_crash(&run("lock-holder-crash"), HOLDER_CRASH_US);
    holder_crash(&run_zab("lock-zab-holder-crash"), ZAB_HOLDER_CRASH_US);
}

// Kleppmann 2016: without fencing the paused holder's late write interleaves.
fn gc_pause_unfenced<R: LockLog>(h: &History<LockNode<R>>, paused: u32, pause_us: u64) {
    assert_eq!(violated(h), vec!["No Interleaving"]);
    let v = &h.sim().violations()[0];
    assert!(v.explanation.contains(&format!("n{paused}'s begin write")), "{}", v.explanation);
    assert!(v.time_us > pause_us + 2_000_000, "when the paused client wakes");
    let g = grants(h);
    assert!(g.iter().any(|x| x.0 > pause_us && x.0 < pause_us + 2_000_000 && x.1 != paused), "another client held it during the pause");
}

#[test]
fn gc_pause_without_fencing_interleaves() {
    gc_pause_unfenced(&run("lock-gc-pause-unfenced"), PAUSED_HOLDER, PAUSE_US);
    gc_pause_unfenced(&run_zab("lock-zab-gc-pause-unfenced"), ZAB_PAUSED_HOLDER, ZAB_PAUSE_US);
}

// Kleppmann 2016: with fencing the same write is rejected and the client learns it.
fn gc_pause_fenced<R: LockLog>(h: &History<LockNode<R>>, paused: u32) {
    assert!(violated(h).is_empty(), "{:?}", h.sim().violations());
    let st = storage(h);
    let stale = st.log.iter().find(|w| !w.accepted).expect("a rejected write");
    assert_eq!(stale.client, paused);
    let client = h.sim().node(paused).unwrap().as_client().unwrap();
    assert_eq!(client.writes_rejected, 1, "the client saw the rejection");
}

#[test]
fn gc_pause_with_fencing_rejects_the_stale_write() {
    gc_pause_fenced(&run("lock-gc-pause-fenced"), PAUSED_HOLDER);
    gc_pause_fenced(&run_zab("lock-zab-gc-pause-fenced"), ZAB_PAUSED_HOLDER);
}

// Chubby §2.9: a new leader keeps every session (fresh timeout plus grace).
fn leader_failover<R: LockLog>(h: &History<LockNode<R>>, crashed: u32) {
    let expiries = h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("expiry"))).count();
    assert_eq!(expiries, 0, "no session expires across the failover");
    let lost = h.trace().iter().filter(|r| matches!(&r.kind, TraceKind::Note { text } if text.contains("lease ran out"))).count();
    assert_eq!(lost, 0, "no client lost its lease");
    let leader = h.sim().nodes().iter().flatten().filter_map(LockNode::as_server).find(|s| s.is_leader()).expect("a leader");
    assert_ne!(leader.id, crashed);
    assert!(grants(h).iter().filter(|x| x.0 > 1_500_000).count() >= 3, "the lock keeps passing");
    assert!(violated(h).is_empty());
}

#[test]
fn leader_failover_keeps_sessions_and_the_lock_moving() {
    leader_failover(&run("lock-leader-failover"), CRASHED_LEADER);
    let on_zab = run_zab("lock-zab-leader-failover");
    leader_failover(&on_zab, ZAB_CRASHED_LEADER);
    let leader = on_zab.sim().nodes().iter().flatten().filter_map(LockNode::as_server).find(|s| s.is_leader()).unwrap();
    assert_eq!((leader.id, leader.log.current_epoch), (1, 2), "n1 leads epoch 2, as the caption says");
}

// Chubby §2.8: a slow client clock stretches the client's lease past the leader's.
#[test]
fn slow_client_clock_writes_after_its_session_was_given_away() {
    let h = run("lock-clock-drift");
    assert_eq!(violated(&h), vec!["No Interleaving"], "Lease-Guarded Writes holds: by its own clock the check passed");
    assert!(h.sim().violations()[0].explanation.contains(&format!("n{DRIFT_CLIENT}'s end write")));
    // Under the current semantics (the Zab twin's), the lease checks see it first.
    let h = run_zab("lock-zab-clock-drift");
    assert_eq!(h.sim().exceeded().len(), 1);
    let v = violated(&h);
    assert_eq!(v.first(), Some(&"Conservative Lease"), "{v:?}");
    assert!(v.contains(&"Mutual Exclusion by Lease"), "{v:?}");
}

// Chubby §2.8 (version 3): within the drift bound, the slow client's lease runs out and its
// session goes into jeopardy before the leader expires it; nothing is violated.
fn lease_margin<R: LockLog>(h: &History<LockNode<R>>) {
    assert!(violated(h).is_empty() && h.sim().exceeded().is_empty(), "{:?}", h.sim().violations());
    let note = |what: &str| h.trace().iter().find(|r| r.time_us > LEASE_CUT_US && matches!(&r.kind, TraceKind::Note { text } if text.contains(what))).map(|r| (r.time_us, r.node));
    let (jeopardy, by) = note("in jeopardy").expect("n3 goes into jeopardy");
    let (expiry, _) = note("proposing its expiry").expect("the leader expires n3's session");
    assert!(by == Some(LEASE_CLIENT) && jeopardy < expiry, "{jeopardy} {expiry}");
    let g = grants(h);
    assert!(g.iter().any(|x| x.0 > expiry && x.1 != LEASE_CLIENT), "the next client takes over after the expiry: {g:?}");
}

#[test]
fn a_slow_client_within_the_bound_lets_go_before_its_session_expires() {
    lease_margin(&run("lock-lease-margin"));
    lease_margin(&run_zab("lock-zab-lease-margin"));
}

// Beyond the bound the run is labelled "assumption exceeded" and the lease properties fail.
fn beyond_bound<R: LockLog>(h: &History<LockNode<R>>) {
    assert_eq!(h.sim().exceeded().len(), 1);
    assert!(h.sim().exceeded()[0].what.contains("beyond the bound"), "{:?}", h.sim().exceeded());
    let v = violated(h);
    assert_eq!(v.first(), Some(&"Conservative Lease"), "{v:?}");
    assert!(v.contains(&"Mutual Exclusion by Lease"), "{v:?}");
}

#[test]
fn a_slow_client_beyond_the_bound_is_labelled_and_breaks_the_lease() {
    beyond_bound(&run("lock-drift-beyond-bound"));
    beyond_bound(&run_zab("lock-zab-drift-beyond-bound"));
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
    // Under the current semantics (the Zab twins'), No Herd Effect catches every wake-up.
    let herd = run_zab("lock-zab-herd-effect");
    let recipe = run_zab("lock-zab-recipe-no-herd");
    let (nh, nr) = (client_notifications(&herd), client_notifications(&recipe));
    assert!(nh >= 4 * nr, "on Zab: herd {nh} vs recipe {nr}");
    assert!(!violated(&herd).is_empty() && violated(&herd).iter().all(|v| *v == "No Herd Effect"), "{:?}", violated(&herd));
    assert!(violated(&recipe).is_empty());
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
        ("lock-lease-margin", "8f63888684be3a82"),
        ("lock-drift-beyond-bound", "0a2e801bdf7dc223"),
    ] {
        let got = hash_hex(run(name).sim().trace_hash());
        assert_eq!(got, hash, "{name}");
    }
    for (name, hash) in ZAB_PINNED {
        let got = hash_hex(run_zab(name).sim().trace_hash());
        assert_eq!(got, *hash, "{name}");
    }
}

/// The Zab twins' trace hashes (each its own, so a link to one replays forever).
const ZAB_PINNED: &[(&str, &str)] = &[
    ("lock-zab-acquire-release", "b92871b985f5b404"),
    ("lock-zab-holder-crash", "cd785e8d83765d70"),
    ("lock-zab-gc-pause-unfenced", "079da75113272d16"),
    ("lock-zab-gc-pause-fenced", "dd47fca47880588b"),
    ("lock-zab-leader-failover", "b01b221d9ba25ef5"),
    ("lock-zab-clock-drift", "bb3219329e3fbc38"),
    ("lock-zab-lease-margin", "0ea8201f5fae76b8"),
    ("lock-zab-drift-beyond-bound", "9ee66fc22783b6e6"),
    ("lock-zab-herd-effect", "55d5aeb49e819f29"),
    ("lock-zab-recipe-no-herd", "ebdbf82b55f7876c"),
];

#[test]
fn every_lock_preset_validates_and_has_both_languages() {
    let all: Vec<_> = presets::all().into_iter().filter(|p| p.protocol == "lock").collect();
    assert_eq!(all.len(), 20);
    let on_zab: Vec<_> = all.iter().filter(|p| lock_on(&(p.build)()).unwrap().is_some()).map(|p| p.name.replacen("lock-zab-", "lock-", 1)).collect();
    let on_raft: Vec<_> = all.iter().filter(|p| !p.name.starts_with("lock-zab-")).map(|p| p.name.to_string()).collect();
    assert_eq!(on_zab, on_raft, "every lock preset has its twin on Zab, and only those run on Zab");
    for p in all {
        assert!(!p.caption_en.is_empty() && !p.caption_zh.is_empty() && !p.title_zh.is_empty(), "{}", p.name);
        let s = (p.build)();
        clusterlab::scenario::registry::check_config(&s).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert!(<LockNode as Protocol>::Config::BUGS.len() == 5);
    }
}
