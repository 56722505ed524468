//! Exact-effect handler tests for gossip: one input, the exact list of effects (Demers et
//! al., PODC 1987: §1.1 timestamps, §1.3 anti-entropy, §1.4 rumor mongering with feedback
//! and counter).

use clusterlab::protocols::gossip::msg::{Digest, Update};
use clusterlab::protocols::gossip::*;
use clusterlab::sim::{Disk, Effect, EffectOf, NodeEnv, Out, Protocol};

type E = EffectOf<Gossip>;

/// The durable write of a learned rumor, and its sync.
fn stored(key: &str, value: &str, t: u64, origin: u32, learned_us: u64) -> [E; 2] {
    [Effect::Write((key.into(), (value.into(), Stamp { time_us: t, origin }, learned_us))), Effect::Sync]
}

fn node(id: u32, n: u32, mode: Mode, fanout: u32, k: u32) -> Gossip {
    let config = GossipConfig { mode, fanout, k, ..GossipConfig::default() };
    Gossip::new(NodeEnv { id, n }, &config)
}

fn run(g: &mut Gossip, now: u64, f: impl FnOnce(&mut Gossip, &mut Out<Gossip>)) -> Vec<E> {
    let mut out = Out::new(now);
    f(g, &mut out);
    out.take_effects()
}

fn rumor(key: &str, value: &str, t: u64, origin: u32) -> Rumor {
    Rumor { key: key.into(), value: value.into(), stamp: Stamp { time_us: t, origin } }
}

fn with(g: &mut Gossip, r: Rumor) {
    run(g, 0, |g, out| {
        g.learn(r, out);
    });
}

fn send(to: u32, msg: GossipMsg) -> E {
    Effect::Send { to, msg }
}

// §1.4: a pushed rumor that is new is stored (durably) and becomes hot; no feedback needed.
#[test]
fn push_of_a_new_rumor_is_learned_hot_without_reply() {
    let mut g = node(1, 3, Mode::Push, 1, 2);
    let e = run(&mut g, 500, |g, out| g.on_message(0, GossipMsg::Push { rumors: vec![rumor("x", "1", 10, 0)] }, out));
    assert_eq!(e, stored("x", "1", 10, 0, 500).to_vec());
    let entry = &g.db["x"];
    assert!(entry.hot && entry.learned_us == 500 && entry.value == "1");
    assert_eq!(g.role_name(), "informed");
}

// §1.4 feedback: pushing a rumor the partner knew is answered with feedback.
#[test]
fn push_of_a_known_rumor_is_answered_with_feedback() {
    let mut g = node(1, 3, Mode::Push, 1, 2);
    with(&mut g, rumor("x", "1", 10, 0));
    let e = run(&mut g, 0, |g, out| g.on_message(0, GossipMsg::Push { rumors: vec![rumor("x", "1", 10, 0)] }, out));
    let known: Digest = vec![("x".into(), Stamp { time_us: 10, origin: 0 })];
    assert_eq!(e, vec![send(0, GossipMsg::Reply { rumors: vec![], known })]);
}

// §1.4 counter: after k unnecessary contacts the site loses interest (removed).
#[test]
fn k_feedbacks_make_the_rumor_removed() {
    let mut g = node(0, 3, Mode::Push, 1, 2);
    with(&mut g, rumor("x", "1", 10, 0));
    let fb = || GossipMsg::Reply { rumors: vec![], known: vec![("x".into(), Stamp { time_us: 10, origin: 0 })] };
    assert_eq!(run(&mut g, 0, |g, out| g.on_message(1, fb(), out)), vec![]);
    assert!(g.db["x"].hot, "one unnecessary contact of k = 2");
    run(&mut g, 0, |g, out| g.on_message(2, fb(), out));
    assert!(!g.db["x"].hot);
    assert_eq!(g.role_name(), "removed");
}

// §1.1: the newer timestamp wins; an older one is not applied.
#[test]
fn newer_timestamp_wins_and_older_is_ignored() {
    let mut g = node(1, 3, Mode::Push, 1, 2);
    with(&mut g, rumor("x", "new", 20, 2));
    let e = run(&mut g, 0, |g, out| g.on_message(0, GossipMsg::Push { rumors: vec![rumor("x", "old", 10, 0)] }, out));
    assert_eq!(g.db["x"].value, "new");
    let known: Digest = vec![("x".into(), Stamp { time_us: 10, origin: 0 })];
    assert_eq!(e, vec![send(0, GossipMsg::Reply { rumors: vec![], known })], "stale counts as already known");
}

// §1.4 pull: the callee sends the hot rumors the caller lacks; one it had is an
// unnecessary contact.
#[test]
fn pull_is_answered_with_missing_hot_rumors_only() {
    let mut g = node(0, 3, Mode::Pull, 1, 1);
    with(&mut g, rumor("x", "1", 10, 0));
    let e = run(&mut g, 0, |g, out| g.on_message(1, GossipMsg::Pull { have: vec![] }, out));
    assert_eq!(e, vec![send(1, GossipMsg::Reply { rumors: vec![rumor("x", "1", 10, 0)], known: vec![] })]);
    let have = vec![("x".to_string(), Stamp { time_us: 10, origin: 0 })];
    assert_eq!(run(&mut g, 0, |g, out| g.on_message(2, GossipMsg::Pull { have }, out)), vec![]);
    assert!(!g.db["x"].hot, "k = 1: the caller already knew it");
}

#[test]
fn push_pull_answers_the_pull_and_learns_the_push() {
    let mut g = node(1, 3, Mode::PushPull, 1, 2);
    with(&mut g, rumor("y", "2", 5, 1));
    let msg = GossipMsg::PushPull { rumors: vec![rumor("x", "1", 10, 0)], have: vec![("x".into(), Stamp { time_us: 10, origin: 0 })] };
    let e = run(&mut g, 0, |g, out| g.on_message(0, msg, out));
    let mut expect = stored("x", "1", 10, 0, 0).to_vec();
    expect.push(send(0, GossipMsg::Reply { rumors: vec![rumor("y", "2", 5, 1)], known: vec![] }));
    assert_eq!(e, expect);
    assert!(g.db["x"].hot && g.db["y"].hot);
}

// One round contacts `fanout` distinct random peers (here all of them) and re-arms.
#[test]
fn push_pull_round_contacts_fanout_peers_and_rearms() {
    let mut g = node(0, 3, Mode::PushPull, 2, 2);
    with(&mut g, rumor("x", "1", 10, 0));
    let have: Digest = vec![("x".into(), Stamp { time_us: 10, origin: 0 })];
    let msg = GossipMsg::PushPull { rumors: vec![rumor("x", "1", 10, 0)], have };
    let e = run(&mut g, 0, |g, out| g.on_timer(GossipTimer::Round, out));
    assert_eq!(e, vec![send(1, msg.clone()), send(2, msg), Effect::SetTimer { timer: GossipTimer::Round, min_us: 100_000, max_us: 100_000 }]);
    assert_eq!(g.sent_per_round, vec![2]);
}

#[test]
fn push_round_with_nothing_hot_sends_nothing() {
    let mut g = node(0, 3, Mode::Push, 2, 2);
    let e = run(&mut g, 0, |g, out| g.on_timer(GossipTimer::Round, out));
    assert_eq!(e, vec![Effect::SetTimer { timer: GossipTimer::Round, min_us: 100_000, max_us: 100_000 }]);
}

// A client write is stamped with the site's clock, but always above what it holds.
#[test]
fn request_stamps_above_the_held_timestamp() {
    let mut g = node(1, 3, Mode::Push, 1, 2);
    with(&mut g, rumor("x", "a", 900, 2));
    let e = run(&mut g, 300, |g, out| g.on_request(7, Update { key: "x".into(), value: "b".into() }, out));
    let mut expect = stored("x", "b", 901, 1, 300).to_vec();
    expect.extend([Effect::Note("new rumor x @ 901".into()), Effect::Reply { request_id: 7, reply: "stored x".into() }]);
    assert_eq!(e, expect);
    assert_eq!((g.db["x"].value.as_str(), g.db["x"].stamp), ("b", Stamp { time_us: 901, origin: 1 }));
}

// §1.3 anti-entropy: the callee merges the whole database and sends back what the caller
// lacks or holds older.
#[test]
fn anti_entropy_exchanges_whole_databases() {
    let mut g = node(1, 3, Mode::Push, 1, 1);
    with(&mut g, rumor("a", "1", 10, 1));
    with(&mut g, rumor("b", "2", 20, 1));
    g.db.get_mut("a").unwrap().hot = false;
    let db = vec![rumor("b", "0", 5, 0), rumor("c", "3", 30, 0)];
    let e = run(&mut g, 0, |g, out| g.on_message(0, GossipMsg::SyncRequest { db }, out));
    let back = vec![rumor("a", "1", 10, 1), rumor("b", "2", 20, 1)];
    let mut expect = stored("c", "3", 30, 0, 0).to_vec();
    expect.push(send(0, GossipMsg::SyncReply { db: back }));
    assert_eq!(e, expect);
    assert_eq!(g.db["c"].value, "3");
}

// Teaching bug: anti-entropy that only sends hot rumors skips the removed entry "a".
#[test]
fn bug_anti_entropy_hot_only_skips_removed_entries() {
    let mut g = node(1, 3, Mode::Push, 1, 1);
    g.config.bug = Some("anti_entropy_hot_only".into());
    with(&mut g, rumor("a", "1", 10, 1));
    g.db.get_mut("a").unwrap().hot = false;
    let e = run(&mut g, 0, |g, out| g.on_message(0, GossipMsg::SyncRequest { db: vec![] }, out));
    assert_eq!(e, vec![]);
}

#[test]
fn bug_concat_on_conflict_invents_a_value() {
    let mut g = node(1, 3, Mode::Push, 1, 1);
    g.config.bug = Some("concat_on_conflict".into());
    with(&mut g, rumor("x", "a", 10, 1));
    with(&mut g, rumor("x", "b", 20, 2));
    assert_eq!(g.db["x"].value, "a|b");
}

// The database is durable; hot flags are not.
#[test]
fn recover_restores_the_database_cold() {
    let mut g = node(1, 3, Mode::Push, 1, 1);
    let mut disk = Disk::<GossipDurable>::new();
    for effect in run(&mut g, 7, |g, out| assert!(g.learn(rumor("x", "1", 10, 0), out))) {
        match effect {
            Effect::Write(w) => disk.write(w),
            Effect::Sync => disk.sync(),
            other => panic!("unexpected {other:?}"),
        }
    }
    let durable = disk.recovery_image().expect("written and synced");
    let mut r = node(1, 3, Mode::Push, 1, 1);
    let e = run(&mut r, 0, |r, out| r.on_recover(durable, out));
    assert_eq!(r.db["x"].value, "1");
    assert_eq!(r.hot_count(), 0);
    assert!(matches!(e[0], Effect::SetTimer { timer: GossipTimer::Round, .. }));
}
