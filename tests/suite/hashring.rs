//! The hash ring (Karger et al., STOC 1997; Dynamo, SOSP 2007): exact-effect handler tests
//! of quorum writes, gossip, failure detection and refutation, handoff and recovery; its
//! checkers shown mutations beyond their planted bugs; and the presets run to their end
//! with their trace hashes pinned.

use clusterlab::protocols::hashring::invariants::{keys_placed, liveness, HashRingChecker};
use clusterlab::protocols::hashring::msg::{Item, Member};
use clusterlab::protocols::hashring::node::{DiskWrite, HashRingReply, HashRingRequest};
use clusterlab::protocols::hashring::placement::{Flaws, Layout, Placement};
use clusterlab::protocols::hashring::{Disk, HashRing, HashRingConfig, HashRingMsg, HashRingTimer};
use clusterlab::scenario::{presets, registry::build_typed};
use crate::common::effects::{replies, sends, writes};
use clusterlab::sim::{hash_hex, CheckCtx, Checker, Effect, History, NodeEnv, Out, Protocol, Violation};

fn config() -> HashRingConfig {
    HashRingConfig { keys: 12, ..HashRingConfig::default() }
}

fn server(id: u32, n: u32, config: &HashRingConfig) -> HashRing {
    let mut s = HashRing::new(NodeEnv { id, n }, config);
    s.on_start(&mut Out::new(0));
    s
}

/// Dynamo §4.5: the coordinator writes to the key's N replicas and answers after W of them;
/// a replica keeps the write on disk (synced) before it acknowledges.
#[test]
fn a_write_goes_to_the_preference_list_and_is_answered_after_w_acknowledgements() {
    let c = config();
    let mut s = server(0, 5, &c);
    let pref = s.layout.preference("x");
    assert_eq!(pref.len(), 3);
    let mut out = Out::new(1_000);
    s.on_request(7, HashRingRequest::Put { key: "x".into(), value: "1".into() }, &mut out);
    let stores: Vec<u32> = sends(&out).iter().filter(|(_, m)| matches!(m, HashRingMsg::Store { .. })).map(|(to, _)| *to).collect();
    let others: Vec<u32> = pref.iter().copied().filter(|&p| p != 0).collect();
    assert_eq!(stores, others, "a Store to each replica but the coordinator");
    assert!(replies(&out).is_empty() || pref.contains(&0) && c.write_quorum == 1);
    let rpc = match &sends(&out)[0].1 {
        HashRingMsg::Store { rpc, item } => {
            assert_eq!((item.key.as_str(), item.value.as_str()), ("x", "1"));
            *rpc
        }
        m => panic!("{m:?}"),
    };
    let mut answered = pref.contains(&0) as usize;
    for &p in &others {
        let mut out = Out::new(2_000);
        s.on_message(p, HashRingMsg::StoreAck { rpc }, &mut out);
        answered += 1;
        let r = replies(&out);
        if answered == c.write_quorum as usize {
            assert!(matches!(r[..], [HashRingReply::Stored { .. }]), "{r:?}");
            break;
        }
        assert!(r.is_empty(), "no answer before W acknowledgements");
    }
    let mut replica = server(others[0], 5, &c);
    let mut out = Out::new(0);
    replica.on_message(0, HashRingMsg::Store { rpc, item: Item { key: "x".into(), value: "1".into(), version: 9 } }, &mut out);
    let kinds: Vec<&str> = out.effects().iter().map(|e| match e {
        Effect::Write(_) => "write",
        Effect::Sync => "sync",
        Effect::Send { .. } => "send",
        _ => "other",
    }).collect();
    assert_eq!(kinds, ["write", "sync", "send"], "on disk before the acknowledgement");
}

/// Dynamo §4.8 with gossip-style failure detection: a server whose heartbeat has not risen
/// for dead_after_us is taken out (its incarnation made even); the server, hearing it, comes
/// back above it with an odd incarnation, on disk before it spreads.
#[test]
fn a_silent_server_is_taken_out_and_a_live_one_refutes() {
    let c = config();
    let mut s = server(0, 3, &c);
    assert_eq!(s.members(), vec![0, 1, 2]);
    let mut out = Out::new(c.dead_after_us + 1);
    s.on_timer(HashRingTimer::Gossip, &mut out);
    assert_eq!(s.members(), vec![0], "n1 and n2 said nothing for longer than dead_after_us");
    assert_eq!(s.table[1].incarnation, 2);
    assert_eq!(s.layout.members, vec![0], "the placement follows the members");
    let mut n1 = server(1, 3, &c);
    let mut out = Out::new(0);
    n1.on_message(0, HashRingMsg::Gossip { table: s.table.clone(), reply: false }, &mut out);
    assert_eq!(n1.table[1].incarnation, 3, "n1 refutes: one above the incarnation it was taken out with");
    assert!(writes(&out).contains(&DiskWrite::Incarnation(3)));
    assert!(out.effects().iter().any(|e| matches!(e, Effect::Sync)));
    let answer = sends(&out);
    assert!(matches!(&answer[..], [(0, HashRingMsg::Gossip { reply: true, .. })]), "n1 knew newer rows, so it answers (push-pull): {answer:?}");
    let mut out = Out::new(10);
    s.on_message(1, answer[0].1.clone(), &mut out);
    assert!(s.members().contains(&1), "n0 takes n1 back");
    assert!(sends(&out).is_empty(), "an answer is not answered");
}

/// Dynamo §4.9: when a server joins, the servers that now stand outside a key's preference
/// list push the key to the replicas that lack it and drop it once they have confirmed it.
#[test]
fn handoff_pushes_keys_to_a_new_replica_and_drops_them_once_it_holds_them() {
    let c = HashRingConfig { start_servers: Some(3), ..config() };
    let mut s = server(0, 4, &c);
    assert_eq!(s.store.len(), 12, "with three servers and N = 3 every server holds every key");
    let mut table = s.table.clone();
    table[3] = Member { incarnation: 1, heartbeat: 1 };
    s.on_message(3, HashRingMsg::Gossip { table, reply: true }, &mut Out::new(0));
    assert_eq!(s.members(), vec![0, 1, 2, 3]);
    let mut out = Out::new(0);
    s.on_timer(HashRingTimer::Handoff, &mut out);
    let to_n3: Vec<Item> = sends(&out).into_iter().filter(|(to, _)| *to == 3).flat_map(|(_, m)| match m {
        HashRingMsg::Handoff { items } => items,
        m => panic!("{m:?}"),
    }).collect();
    let due: Vec<String> = s.store.keys().filter(|k| s.layout.preference(k).contains(&3)).cloned().collect();
    assert!(!due.is_empty());
    assert_eq!(to_n3.iter().map(|i| i.key.clone()).collect::<Vec<_>>(), due, "every key whose list now names n3");
    let leaving: Vec<String> = s.store.keys().filter(|k| !s.layout.preference(k).contains(&0)).cloned().collect();
    assert!(!leaving.is_empty(), "some keys are no longer n0's");
    for (to, m) in sends(&out) {
        let HashRingMsg::Handoff { items } = m else { continue };
        let held = items.iter().map(|i| (i.key.clone(), i.version)).collect();
        s.on_message(to, HashRingMsg::HandoffAck { held }, &mut Out::new(0));
    }
    let mut out = Out::new(0);
    s.on_timer(HashRingTimer::Handoff, &mut out);
    let dropped: Vec<DiskWrite> = leaving.iter().map(|k| DiskWrite::Delete(k.clone())).collect();
    assert_eq!(writes(&out), dropped, "each key no longer its own is dropped, once");
    assert!(sends(&out).is_empty(), "nothing left to push");
}

#[test]
fn a_restarted_server_keeps_its_keys_and_comes_back_above_its_old_incarnation() {
    let c = config();
    let mut disk = Disk { boots: 1, incarnation: 1, ..Disk::default() };
    disk.store.insert("k1".into(), ("v".into(), 5));
    let mut s = HashRing::new(NodeEnv { id: 1, n: 3 }, &c);
    let mut out = Out::new(0);
    s.on_recover(disk, &mut out);
    assert_eq!(s.store.get("k1"), Some(&("v".to_string(), 5)));
    assert_eq!(s.table[1].incarnation, 3, "two above: the others may have taken it out with 2");
    assert_eq!(writes(&out), vec![DiskWrite::Boot(2), DiskWrite::Incarnation(3)]);
}

// ---- checkers, shown mutations beyond their planted bugs --------------------------------

fn check(checker: &mut HashRingChecker, nodes: &[Option<HashRing>]) -> Vec<Violation> {
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(0), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out
}

fn names(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|v| v.property.as_str()).collect()
}

/// A server whose placement rehashes everything (mod-N code under a ring configuration): it
/// names owners the definition does not, and when a server joins it moves keys between
/// servers that stayed.
#[test]
fn a_placement_that_rehashes_breaks_one_owner_and_the_move_rule() {
    let c = config();
    let mut nodes: Vec<Option<HashRing>> = (0..4).map(|i| Some(server(i, 4, &c))).collect();
    let mut checker = HashRingChecker::new(&c, 4);
    assert!(check(&mut checker, &nodes).is_empty());
    let universe = c.universe();
    let n0 = nodes[0].as_mut().unwrap();
    n0.layout = Layout::new(Placement::ModN, vec![0, 1, 2], c.vnodes, 3, Flaws::default(), 0, &universe, 125);
    n0.view_epoch += 1;
    let v = check(&mut checker, &nodes);
    assert!(names(&v).contains(&"One owner per key"), "{v:?}");
    let n0 = nodes[0].as_mut().unwrap();
    n0.layout = Layout::new(Placement::ModN, vec![0, 1, 2, 3], c.vnodes, 3, Flaws::default(), 0, &universe, 125);
    n0.view_epoch += 1;
    let v = check(&mut checker, &nodes);
    assert!(names(&v).contains(&"Keys move only to a new server"), "{v:?}");
}

/// A preference list that names a server outside the ring (a departed server kept in the
/// list), not only one that repeats a server.
#[test]
fn a_preference_list_naming_a_non_member_breaks_n_distinct_replicas() {
    let c = HashRingConfig { replicas: 3, ..config() };
    let mut nodes: Vec<Option<HashRing>> = (0..4).map(|i| Some(server(i, 4, &c))).collect();
    let mut checker = HashRingChecker::new(&c, 4);
    assert!(check(&mut checker, &nodes).is_empty());
    let n1 = nodes[1].as_mut().unwrap();
    // The layout's ring still has n3's tokens, but its member list says n3 left.
    let mut l = Layout::new(Placement::Ring, vec![0, 1, 2, 3], c.vnodes, 3, Flaws::default(), 0, &[], 125);
    l.members = vec![0, 1, 2];
    n1.layout = l;
    n1.view_epoch += 1;
    let v = check(&mut checker, &nodes);
    assert!(names(&v).contains(&"N distinct replicas"), "{v:?}");
}

/// Keys on their replicas fails for a stale copy left behind and for a replica missing the
/// newest version, whatever the cause.
#[test]
fn keys_on_their_replicas_fails_for_a_copy_left_behind_and_for_a_stale_replica() {
    let c = config();
    let mut nodes: Vec<Option<HashRing>> = (0..5).map(|i| Some(server(i, 5, &c))).collect();
    assert_eq!(liveness(&nodes), Ok(()));
    let pref = nodes[0].as_ref().unwrap().layout.preference("k3");
    let outsider = (0..5).find(|s| !pref.contains(s)).unwrap();
    nodes[outsider as usize].as_mut().unwrap().store.insert("k3".into(), ("v0".into(), 0));
    let e = keys_placed::check(&nodes).unwrap_err();
    assert!(e.contains("not on its preference list"), "{e}");
    nodes[outsider as usize].as_mut().unwrap().store.remove("k3");
    nodes[pref[0] as usize].as_mut().unwrap().store.insert("k3".into(), ("newer".into(), 8));
    let e = keys_placed::check(&nodes).unwrap_err();
    assert!(e.contains("is due on"), "{e}");
}

// ---- presets --------------------------------------------------------------------------

fn run(name: &str, until_us: u64) -> History<HashRing> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<HashRing>(&s, true).expect("preset builds")
}

#[test]
fn the_presets_end_as_their_captions_say() {
    let clean = [("hash-ring-servers", "575955a0ea9fb8c3"), ("hash-ring-join", "dec830e875d30d00"), ("hash-ring-mod-n", "52fa926f765f9ce9"), ("hash-ring-one-token", "ad63f539f576130f"), ("hash-ring-server-fails", "4f1c833811f43536")];
    for (name, hash) in clean {
        let h = run(name, 8_000_000);
        assert_eq!(HashRing::check_liveness(h.sim().nodes()), Ok(()), "{name}");
        assert!(h.sim().violations().is_empty(), "{name}: {:?}", h.sim().violations());
        assert_eq!(hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed (links to this preset would replay differently)");
    }
    let bugs = [
        ("hash-ring-bug-salted-hash", "One owner per key", "7b9d8787b6d71589"),
        ("hash-ring-bug-preference-counts-virtual-nodes", "N distinct replicas", "0c262e255eea1efe"),
        ("hash-ring-bug-wrap-off-by-one", "One owner per key", "768ebd1867bbd307"),
    ];
    for (name, property, hash) in bugs {
        let h = run(name, 8_000_000);
        assert!(h.sim().violations().iter().any(|v| v.property == property), "{name}");
        assert!(HashRing::check_liveness(h.sim().nodes()).is_err(), "{name}: the keys never settle on their replicas");
        assert_eq!(hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed");
    }
}

/// The join preset moves few keys on the ring and nearly all under mod-N (Karger et al.).
#[test]
fn joins_move_few_keys_on_the_ring_and_most_under_mod_n() {
    let moved = |name: &str| -> Vec<(u32, u32)> {
        let h = run(name, 8_000_000);
        let n0 = h.sim().nodes()[0].as_ref().unwrap();
        n0.changes.iter().map(|c| (c.moved, c.keys)).collect()
    };
    let ring = moved("hash-ring-join");
    let modn = moved("hash-ring-mod-n");
    assert_eq!(ring.len(), 2, "{ring:?}");
    assert_eq!(modn.len(), 2, "{modn:?}");
    for ((r, k), (m, _)) in ring.iter().zip(&modn) {
        assert!(*r * 3 < *k, "the ring moves a few: {r} of {k}");
        assert!(*m * 4 > *k * 3, "mod-N moves most: {m} of {k}");
    }
}
