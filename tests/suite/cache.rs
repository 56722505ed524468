//! The cache (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013): exact-effect
//! handler tests of leases, look-aside reads, writes and the database's queue; its checkers
//! shown mutations beyond their planted bugs; the herd and stale-set presets measured; and
//! the presets run to their end with their trace hashes pinned.

use crate::common::effects::{replies, sends, writes};
use clusterlab::protocols::cache::invariants::CacheChecker;
use clusterlab::protocols::cache::msg::Item;
use clusterlab::protocols::cache::node::server::Entry;
use clusterlab::protocols::cache::node::{DiskWrite, Role};
use clusterlab::protocols::cache::{Cache, CacheConfig, CacheDisk, CacheMsg, CacheReply, CacheRequest, CacheTimer};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, CheckCtx, Checker, History, NodeEnv, Out, Protocol, Violation};

fn node(id: u32, config: &CacheConfig) -> Cache {
    let mut c = Cache::new(NodeEnv { id, n: 6 }, config);
    c.on_start(&mut Out::new(0));
    c
}

fn item(key: &str, value: &str, version: u64) -> Item {
    Item { key: key.into(), value: value.into(), version }
}

/// §3.2.1: a miss hands out a lease; a second miss within the lease period is told to wait;
/// a delete invalidates the lease, so the late set is refused; a set with the live token is
/// accepted.
#[test]
fn a_lease_is_handed_out_once_and_a_delete_invalidates_it() {
    let c = CacheConfig::default();
    let mut s = node(1, &c);
    let mut out = Out::new(1_000);
    s.on_message(4, CacheMsg::Get { rpc: 1, key: "k0".into() }, &mut out);
    let [(4, CacheMsg::Miss { rpc: 1, token: Some(token) })] = sends(&out)[..] else { panic!("{:?}", sends(&out)) };
    let mut out = Out::new(2_000);
    s.on_message(5, CacheMsg::Get { rpc: 9, key: "k0".into() }, &mut out);
    assert_eq!(sends(&out), vec![(5, CacheMsg::Wait { rpc: 9 })], "one lease per key per lease period");
    s.on_message(6, CacheMsg::Delete { key: "k0".into() }, &mut Out::new(3_000));
    s.on_message(4, CacheMsg::Set { item: item("k0", "old", 0), token: Some(token) }, &mut Out::new(4_000));
    let Role::Server(server) = &s.role else { panic!() };
    assert!(server.store.is_empty(), "the delete invalidated the lease: the stale set is refused");
    assert_eq!(server.sets_refused, 1);
    let mut out = Out::new(5_000);
    s.on_message(5, CacheMsg::Get { rpc: 10, key: "k0".into() }, &mut out);
    let [(5, CacheMsg::Miss { token: Some(fresh), .. })] = sends(&out)[..] else { panic!("{:?}", sends(&out)) };
    s.on_message(5, CacheMsg::Set { item: item("k0", "new", 1), token: Some(fresh) }, &mut Out::new(6_000));
    let mut out = Out::new(7_000);
    s.on_message(4, CacheMsg::Get { rpc: 11, key: "k0".into() }, &mut out);
    assert_eq!(sends(&out), vec![(4, CacheMsg::Hit { rpc: 11, item: item("k0", "new", 1) })]);
}

/// §3.1: a write goes to the database first (its key noted on disk until the delete is
/// sent), and only after the database acknowledges it is the key deleted from every cache
/// server.
#[test]
fn a_write_goes_to_the_database_first_then_deletes_the_key_everywhere() {
    let c = CacheConfig::default();
    let mut w = node(4, &c);
    let mut out = Out::new(0);
    w.on_request(3, CacheRequest::Put { key: "k1".into(), value: "x".into() }, &mut out);
    let [(0, CacheMsg::DbPut { rpc, .. })] = sends(&out)[..] else { panic!("{:?}", sends(&out)) };
    assert_eq!(writes(&out), vec![DiskWrite::Pending { key: "k1".into(), count: 1 }]);
    let mut out = Out::new(10);
    w.on_message(0, CacheMsg::DbAck { rpc, key: "k1".into(), version: 1 }, &mut out);
    let deletes: Vec<u32> = sends(&out).into_iter().filter(|(_, m)| *m == CacheMsg::Delete { key: "k1".into() }).map(|(to, _)| to).collect();
    assert_eq!(deletes, c.caches());
    assert_eq!(replies(&out), vec![CacheReply::Stored { version: 1 }]);
    assert_eq!(writes(&out), vec![DiskWrite::Pending { key: "k1".into(), count: 0 }]);
    // A restarted web server deletes again what it was writing, and an acknowledgement
    // for a write of its former self still brings a delete.
    let mut disk = CacheDisk::default();
    disk.pending.insert("k2".into(), 1);
    let mut again = Cache::new(NodeEnv { id: 4, n: 6 }, &c);
    let mut out = Out::new(0);
    again.on_recover(disk, &mut out);
    assert_eq!(sends(&out).iter().filter(|(_, m)| *m == CacheMsg::Delete { key: "k2".into() }).count(), c.caches().len());
    let mut out = Out::new(0);
    again.on_message(0, CacheMsg::DbAck { rpc: 7, key: "k3".into(), version: 4 }, &mut out);
    assert_eq!(sends(&out).iter().filter(|(_, m)| *m == CacheMsg::Delete { key: "k3".into() }).count(), c.caches().len());
}

/// The database serves one request at a time, each taking db_service_us.
#[test]
fn the_database_serves_its_queue_one_request_at_a_time() {
    let c = CacheConfig { db_service_us: 50_000, ..CacheConfig::default() };
    let mut db = node(0, &c);
    let mut out = Out::new(0);
    db.on_message(4, CacheMsg::DbGet { rpc: 1, key: "k0".into() }, &mut out);
    db.on_message(5, CacheMsg::DbPut { rpc: 2, key: "k0".into(), value: "x".into() }, &mut out);
    assert!(sends(&out).is_empty());
    let mut out = Out::new(50_000);
    db.on_timer(CacheTimer::Serve, &mut out);
    assert_eq!(sends(&out), vec![(4, CacheMsg::DbValue { rpc: 1, item: Some(item("k0", "v0", 0)) })]);
    let mut out = Out::new(100_000);
    db.on_timer(CacheTimer::Serve, &mut out);
    assert_eq!(sends(&out), vec![(5, CacheMsg::DbAck { rpc: 2, key: "k0".into(), version: 1 })]);
    assert_eq!(writes(&out), vec![DiskWrite::Commit { key: "k0".into(), version: 1, value: "x".into(), at_us: 100_000 }]);
}

// ---- checkers, shown mutations beyond their planted bugs --------------------------------

fn check(nodes: &[Option<Cache>], at: u32) -> Vec<Violation> {
    let config = CacheConfig::default();
    let mut checker = CacheChecker::new(&config, nodes.len() as u32);
    let ctx = CheckCtx { event_index: 1, now_us: 0, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node: Some(at), restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out
}

fn cached(nodes: &mut [Option<Cache>], server: usize, e: Entry) {
    let Role::Server(s) = &mut nodes[server].as_mut().unwrap().role else { panic!() };
    s.seq += 1;
    let e = Entry { set_seq: s.seq, ..e };
    s.store.insert(e.item.key.clone(), e);
}

/// A server that caches a value the database never committed (a set that mixed up two
/// keys' values, say) breaks Only database values are cached; a set whose lease predates the
/// key's delete breaks Sets carry a live lease, whatever accepted it.
#[test]
fn a_value_the_database_never_held_or_a_lease_older_than_a_delete_is_caught() {
    let c = CacheConfig::default();
    let mut nodes: Vec<Option<Cache>> = (0..6).map(|i| Some(node(i, &c))).collect();
    cached(&mut nodes, 1, Entry { item: item("k0", "v0", 0), set_seq: 0, lease_seq: Some(1) });
    assert!(check(&nodes, 1).is_empty());
    cached(&mut nodes, 1, Entry { item: item("k1", "k0's value", 0), set_seq: 0, lease_seq: Some(1) });
    let v = check(&nodes, 1);
    assert_eq!(v.iter().map(|v| v.property.as_str()).collect::<Vec<_>>(), ["Only database values are cached"], "{v:?}");
    let Role::Server(s) = &mut nodes[2].as_mut().unwrap().role else { panic!() };
    s.deleted_seq.insert("k2".into(), 5);
    s.seq = 5;
    cached(&mut nodes, 2, Entry { item: item("k2", "v0", 0), set_seq: 0, lease_seq: Some(3) });
    let v = check(&nodes, 2);
    assert_eq!(v.iter().map(|v| v.property.as_str()).collect::<Vec<_>>(), ["Sets carry a live lease"], "{v:?}");
}

// ---- presets --------------------------------------------------------------------------

fn run(name: &str, until_us: u64) -> History<Cache> {
    let mut s = (presets::find(name).expect("preset exists").build)();
    s.playhead_us = until_us;
    build_typed::<Cache>(&s, true).expect("preset builds")
}

fn db_reads(h: &History<Cache>) -> u32 {
    h.sim().nodes()[0].as_ref().and_then(Cache::as_db).map_or(0, |d| d.reads.iter().sum())
}

/// §3.2.1's thundering herd: 36 reads of a hot key just written. With leases the database
/// serves the one read the lease holder makes (and one before the write); without, every
/// read that misses before the first set lands goes to the database.
#[test]
fn leases_turn_a_herd_of_database_reads_into_one() {
    let with = db_reads(&run("cache-herd", 4_000_000));
    let without = db_reads(&run("cache-herd-no-leases", 4_000_000));
    println!("36 reads of a hot key: {with} database reads with leases, {without} without");
    assert_eq!(with, 2);
    assert!(without > 30, "{without}");
}

#[test]
fn the_presets_end_as_their_captions_say() {
    let agree = [("cache-look-aside", "e120aab80bc6dff5"), ("cache-herd", "0120f0043a460be9"), ("cache-herd-no-leases", "e772689b054ef12a"), ("cache-stale-set", "03576ac332574d62"), ("cache-server-fails", "c976c5f617f955a4")];
    for (name, hash) in agree {
        let h = run(name, 8_000_000);
        assert_eq!(Cache::check_liveness(h.sim().nodes()), Ok(()), "{name}");
        assert!(h.sim().violations().is_empty(), "{name}: {:?}", h.sim().violations());
        assert_eq!(hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed (links to this preset would replay differently)");
    }
    let stale = [
        ("cache-stale-set-no-leases", None, "efa3b245e3aac817"),
        ("cache-bug-leases-off", Some("Sets carry a live lease"), "0281ecf7e7ce7616"),
        ("cache-bug-set-after-invalidated-lease", Some("Sets carry a live lease"), "cfaa91e0179bfe7f"),
        ("cache-bug-delete-before-db-write", None, "6e8f3964ed2b0e23"),
    ];
    for (name, property, hash) in stale {
        let h = run(name, 8_000_000);
        let e = Cache::check_liveness(h.sim().nodes()).expect_err(name);
        assert!(e.contains("caches k0 = v0"), "{name}: {e}");
        assert_eq!(h.sim().violations().first().map(|v| v.property.as_str()), property, "{name}");
        assert_eq!(hash_hex(h.sim().trace_hash()), hash, "{name}: trace hash changed");
    }
    let h = run("cache-stale-set", 8_000_000);
    let refused: u64 = h.sim().nodes().iter().flatten().filter_map(Cache::as_server).map(|s| s.sets_refused).sum();
    assert_eq!(refused, 1, "n4's late set is refused");
    let h = run("cache-server-fails", 8_000_000);
    let remapped: u64 = h.sim().nodes().iter().flatten().filter_map(Cache::as_web).map(|w| w.remapped_misses).sum();
    assert!(remapped >= 1, "n2's keys missed at a stand-in server");
}
