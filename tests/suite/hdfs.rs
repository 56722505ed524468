//! The HDFS-style block store (HdfsDesign.md; GFS, SOSP 2003; HDFS-265): exact-effect
//! handler tests of the pipeline, copies, the NameNode's calls and block recovery; disk
//! damage seen by a running DataNode; the default sweep clean and every teaching bug caught;
//! the presets run with their trace hashes pinned and their stories checked.

use crate::common::effects::{sends, writes};
use clusterlab::protocols::hdfs::data::{content, crc32c, Replica, ReplicaState, ReplicaWrite};
use clusterlab::protocols::hdfs::msg::{Answer, Call, Command, Holder, Reported};
use clusterlab::protocols::hdfs::node::{Client, DiskWrite, Edit, NameNode};
use clusterlab::protocols::hdfs::{Hdfs, HdfsChecker, HdfsConfig, HdfsDisk, HdfsMsg, HdfsTimer, BUGS};
use clusterlab::scenario::{presets, registry::build_typed};
use clusterlab::sim::{hash_hex, CheckCtx, Checker, Effect, History, LogWrite, NodeEnv, Out, Protocol};
use clusterlab::sweep::{sweep, Stop, SweepSpec};

const CLIENT: u32 = 1;

fn config(bug: Option<&str>) -> HdfsConfig {
    HdfsConfig { bug: bug.map(String::from), ..HdfsConfig::default() }
}

fn node(id: u32, c: &HdfsConfig) -> Hdfs {
    let mut h = Hdfs::new(NodeEnv { id, n: 8 }, c);
    h.on_start(&mut Out::new(0));
    h
}

fn packet(offset: u32, last: bool, downstream: Vec<u32>) -> HdfsMsg {
    let data = content(7, offset, 8);
    HdfsMsg::Packet { block: 7, gs: 1001, seqno: offset / 8, offset, sum: crc32c(&data), data, last, downstream }
}

fn replica(block: u64, gs: u64, len: u32, finalized: bool) -> Replica {
    let data = content(block, 0, len);
    let sums = data.chunks(8).map(crc32c).collect();
    Replica { gs, state: if finalized { ReplicaState::Finalized } else { ReplicaState::Rbw }, data, sums }
}

fn datanode(h: &Hdfs) -> &clusterlab::protocols::hdfs::node::DataNode {
    h.as_datanode().unwrap()
}

/// HdfsDesign.md, Replication Pipelining: a stage writes the packet with its checksum, syncs
/// it (hsync) and only then passes it on; the tail acks upstream.
#[test]
fn a_stage_writes_and_syncs_before_passing_on_and_the_tail_acks() {
    let c = config(None);
    let mut head = node(4, &c);
    let mut out = Out::new(1_000);
    head.on_message(CLIENT, packet(0, false, vec![3, 7]), &mut out);
    let e = out.effects();
    assert!(matches!(e[0], Effect::Write(DiskWrite::Replica(ReplicaWrite::Chunk { block: 7, gs: 1001, offset: 0, .. }))), "{e:?}");
    assert!(matches!(e[1], Effect::Sync), "the packet is on disk before it goes on: {e:?}");
    let receiving = HdfsMsg::BlockReceived { block: 7, replica: Reported { gs: 1001, len: 8, finalized: false } };
    assert_eq!(sends(&out), vec![(0, receiving.clone()), (3, packet(0, false, vec![7]))], "the NameNode hears it is receiving the block; the packet goes on as received, with the rest of the pipeline");
    let mut tail = node(7, &c);
    let mut out = Out::new(2_000);
    tail.on_message(3, packet(0, false, vec![]), &mut out);
    assert_eq!(sends(&out), vec![(0, receiving), (3, HdfsMsg::PipelineAck { block: 7, gs: 1001, seqno: 0, bad: None })]);
    // The middle stage passes the tail's ack up.
    let mut mid = node(3, &c);
    mid.on_message(4, packet(0, false, vec![7]), &mut Out::new(1_500));
    let mut out = Out::new(3_000);
    mid.on_message(7, HdfsMsg::PipelineAck { block: 7, gs: 1001, seqno: 0, bad: None }, &mut out);
    assert_eq!(sends(&out), vec![(4, HdfsMsg::PipelineAck { block: 7, gs: 1001, seqno: 0, bad: None })]);
}

#[test]
fn the_last_packet_finalizes_the_replica_and_tells_the_namenode() {
    let c = config(None);
    let mut tail = node(7, &c);
    for off in [0, 8, 16] {
        tail.on_message(3, packet(off, false, vec![]), &mut Out::new(1_000));
    }
    let mut out = Out::new(2_000);
    tail.on_message(3, packet(24, true, vec![]), &mut out);
    assert!(writes(&out).contains(&DiskWrite::Replica(ReplicaWrite::Finalize { block: 7 })));
    assert!(sends(&out).contains(&(0, HdfsMsg::BlockReceived { block: 7, replica: Reported { gs: 1001, len: 32, finalized: true } })));
    assert_eq!(datanode(&tail).replicas[&7], replica(7, 1001, 32, true));
}

/// A packet ahead of one still on its way is held (a DataNode reads its pipeline from a TCP
/// stream, which delivers in order) and written once the one before it is in; a copy of a
/// packet already written is passed on again without a write, so a lost ack comes back.
#[test]
fn packets_ahead_are_held_and_copies_are_passed_on_without_a_write() {
    let c = config(None);
    let mut dn = node(3, &c);
    let mut out = Out::new(1_000);
    dn.on_message(4, packet(8, false, vec![7]), &mut out);
    assert!(out.effects().is_empty(), "{:?}", out.effects());
    let mut out = Out::new(2_000);
    dn.on_message(4, packet(0, false, vec![7]), &mut out);
    assert_eq!(sends(&out)[1..], [(7, packet(0, false, vec![])), (7, packet(8, false, vec![]))], "the held packet follows");
    assert_eq!(datanode(&dn).replicas[&7].len(), 16);
    let mut out = Out::new(3_000);
    dn.on_message(4, packet(0, false, vec![7]), &mut out);
    assert!(writes(&out).is_empty());
    assert_eq!(sends(&out), vec![(7, packet(0, false, vec![]))]);
}

#[test]
fn a_silent_downstream_stage_is_named_in_the_ack() {
    let c = config(None);
    let mut head = node(4, &c);
    head.on_message(CLIENT, packet(0, false, vec![3, 7]), &mut Out::new(1_000));
    let mut out = Out::new(400_000);
    head.on_timer(HdfsTimer::DownstreamAck(7), &mut out);
    assert_eq!(sends(&out), vec![(CLIENT, HdfsMsg::PipelineAck { block: 7, gs: 1001, seqno: 0, bad: Some(3) })]);
}

#[test]
fn the_planted_bugs_ack_before_the_tail_or_before_the_sync() {
    let c = config(Some("ack_before_tail"));
    let mut head = node(4, &c);
    let mut out = Out::new(1_000);
    head.on_message(CLIENT, packet(0, false, vec![3, 7]), &mut out);
    assert_eq!(sends(&out)[1..], [(3, packet(0, false, vec![7])), (CLIENT, HdfsMsg::PipelineAck { block: 7, gs: 1001, seqno: 0, bad: None })]);
    let c = config(Some("ack_before_sync"));
    let mut tail = node(7, &c);
    let mut out = Out::new(1_000);
    tail.on_message(3, packet(0, false, vec![]), &mut out);
    assert!(!out.effects().iter().any(|e| matches!(e, Effect::Sync)), "{:?}", out.effects());
}

fn with_replica(id: u32, c: &HdfsConfig, r: Replica) -> Hdfs {
    let mut h = Hdfs::new(NodeEnv { id, n: 8 }, c);
    let mut disk = HdfsDisk::default();
    disk.replicas.insert(7, r);
    h.on_recover(disk, &mut Out::new(0));
    h
}

fn transfer(h: &mut Hdfs) -> Vec<(u32, HdfsMsg)> {
    let mut out = Out::new(1_000);
    h.on_message(0, HdfsMsg::HeartbeatResponse { commands: vec![Command::Transfer { block: 7, gs: 1001, len: 32, target: 5 }] }, &mut out);
    sends(&out)
}

/// GFS §5.2: a DataNode verifies a replica before it copies it, and reports one that fails;
/// the receiver verifies the copy too. The bug `no_checksum_on_copy` does neither.
#[test]
fn copies_are_verified_at_both_ends() {
    let mut bad = replica(7, 1001, 32, true);
    bad.data[9] ^= 0x40;
    let mut source = with_replica(3, &config(None), bad.clone());
    assert_eq!(transfer(&mut source), vec![(0, HdfsMsg::ReportBadBlocks { block: 7, node: 3 })]);
    let mut careless = with_replica(3, &config(Some("no_checksum_on_copy")), bad.clone());
    let [(5, HdfsMsg::TransferBlock { .. })] = transfer(&mut careless)[..] else { panic!() };
    let copy = HdfsMsg::TransferBlock { block: 7, gs: 1001, data: bad.data.clone(), sums: bad.sums.clone() };
    let mut target = node(5, &config(None));
    let mut out = Out::new(2_000);
    target.on_message(3, copy.clone(), &mut out);
    assert!(out.effects().is_empty(), "a copy failing its checksums is not stored");
    let mut target = node(5, &config(Some("no_checksum_on_copy")));
    let mut out = Out::new(2_000);
    target.on_message(3, copy, &mut out);
    assert!(sends(&out).contains(&(0, HdfsMsg::BlockReceived { block: 7, replica: Reported { gs: 1001, len: 32, finalized: true } })));
}

/// HDFS-265: a replica whose stamp is not the one asked for is stale and is not copied (the
/// bug `stale_source` copies it under the block's current stamp).
#[test]
fn a_stale_replica_is_not_copied_unless_stamps_go_uncompared() {
    let stale = replica(7, 1000, 16, false);
    assert!(transfer(&mut with_replica(3, &config(None), stale.clone())).is_empty());
    let sent = transfer(&mut with_replica(3, &config(Some("stale_source")), stale));
    let [(5, HdfsMsg::TransferBlock { gs: 1001, ref data, .. })] = sent[..] else { panic!("{sent:?}") };
    assert_eq!(data.len(), 16, "the stale bytes go out under the current stamp");
}

/// A damaged disk under a running DataNode: what it serves from then on is damaged, and its
/// block scanner finds and reports it.
#[test]
fn disk_damage_reaches_a_running_datanode_and_its_scanner_reports_it() {
    let c = config(None);
    let mut dn = with_replica(3, &c, replica(7, 1001, 32, true));
    let mut disk = HdfsDisk::default();
    disk.replicas.insert(7, replica(7, 1001, 32, true));
    let damage = clusterlab::sim::DurableState::corruption(&disk, 12345).expect("a replica to damage");
    dn.on_disk_corrupted(&damage);
    assert!(!datanode(&dn).replicas[&7].verifies(8));
    let mut out = Out::new(500_000);
    dn.on_timer(HdfsTimer::BlockScanner, &mut out);
    assert!(sends(&out).contains(&(0, HdfsMsg::ReportBadBlocks { block: 7, node: 3 })));
}

fn rpc(h: &mut Hdfs, call_id: u64, call: Call, now: u64) -> (Vec<DiskWrite>, Vec<(u32, HdfsMsg)>) {
    let mut out = Out::new(now);
    h.on_message(CLIENT, HdfsMsg::Rpc { call_id, holder: Holder { node: CLIENT, boot: 1 }, call }, &mut out);
    (writes(&out), sends(&out))
}

/// A NameNode out of safe mode (the extension passed, no block waiting for a replica).
fn namenode(c: &HdfsConfig) -> Hdfs {
    let mut nn = node(0, c);
    nn.on_timer(HdfsTimer::ReplicationMonitor, &mut Out::new(c.safemode_us + 1));
    assert!(!nn.as_namenode().unwrap().safe_mode);
    nn
}

/// The edit log is written and synced before the answer; a retried call gets the cached
/// answer without a second edit (the NameNode's retry cache).
#[test]
fn create_logs_before_answering_and_a_retry_is_answered_from_the_cache() {
    let c = config(None);
    let mut nn = namenode(&c);
    let holder = Holder { node: CLIENT, boot: 1 };
    let mut out = Out::new(1_000_000);
    nn.on_message(CLIENT, HdfsMsg::Rpc { call_id: 1, holder, call: Call::Create { file: 0 } }, &mut out);
    let e = out.effects();
    assert_eq!(e[0], Effect::Write(DiskWrite::Edit(LogWrite::Append(Edit::Add { file: 0, holder }))));
    assert_eq!(e[1], Effect::Sync);
    assert_eq!(sends(&out), vec![(CLIENT, HdfsMsg::RpcReply { call_id: 1, answer: Answer::Created })]);
    let (w, s) = rpc(&mut nn, 1, Call::Create { file: 0 }, 1_100_000);
    assert!(w.is_empty());
    assert_eq!(s, vec![(CLIENT, HdfsMsg::RpcReply { call_id: 1, answer: Answer::Created })]);
}

#[test]
fn in_safe_mode_the_namenode_answers_retry() {
    let c = config(None);
    let mut nn = node(0, &c);
    let (w, s) = rpc(&mut nn, 1, Call::Create { file: 0 }, 1_000);
    assert!(w.is_empty());
    assert_eq!(s, vec![(CLIENT, HdfsMsg::RpcReply { call_id: 1, answer: Answer::Retry })]);
}

/// HDFS-265 block recovery: the replicas at the block's stamp or newer are cut to the
/// shortest of the newest ones and stamped with the recovery id; an older one takes no part.
#[test]
fn block_recovery_cuts_the_newest_replicas_to_the_shortest_of_them() {
    let c = config(None);
    let mut primary = with_replica(3, &c, replica(7, 1002, 24, false));
    let mut out = Out::new(1_000);
    primary.on_message(0, HdfsMsg::HeartbeatResponse { commands: vec![Command::Recover { block: 7, gs: 1002, recovery_id: 1005, nodes: vec![3, 4, 5] }] }, &mut out);
    assert_eq!(sends(&out), vec![(4, HdfsMsg::InitReplicaRecovery { block: 7, recovery_id: 1005 }), (5, HdfsMsg::InitReplicaRecovery { block: 7, recovery_id: 1005 })]);
    let info = |gs, len| Some(Reported { gs, len, finalized: false });
    primary.on_message(4, HdfsMsg::ReplicaRecoveryInfo { block: 7, recovery_id: 1005, replica: info(1002, 16) }, &mut Out::new(2_000));
    let mut out = Out::new(3_000);
    primary.on_message(5, HdfsMsg::ReplicaRecoveryInfo { block: 7, recovery_id: 1005, replica: info(1001, 8) }, &mut out);
    assert!(writes(&out).contains(&DiskWrite::Replica(ReplicaWrite::Recover { block: 7, gs: 1005, len: 16, chunk_bytes: 8 })), "{:?}", out.effects());
    assert_eq!(sends(&out), vec![(4, HdfsMsg::UpdateReplicaUnderRecovery { block: 7, recovery_id: 1005, len: 16 })], "n5's older replica takes no part");
    let mut out = Out::new(4_000);
    primary.on_message(4, HdfsMsg::ReplicaUpdated { block: 7, recovery_id: 1005 }, &mut out);
    assert_eq!(sends(&out), vec![(0, HdfsMsg::CommitBlockSynchronization { block: 7, gs: 1005, len: 16, nodes: vec![3, 4] })]);
}

/// A replica under recovery fences the old writer: its packets (older stamp) are dropped.
#[test]
fn recovery_fences_the_old_writer() {
    let c = config(None);
    let mut dn = node(4, &c);
    dn.on_message(CLIENT, packet(0, false, vec![]), &mut Out::new(1_000));
    dn.on_message(3, HdfsMsg::InitReplicaRecovery { block: 7, recovery_id: 1005 }, &mut Out::new(2_000));
    let mut out = Out::new(3_000);
    dn.on_message(CLIENT, packet(8, false, vec![]), &mut out);
    assert!(out.effects().is_empty());
}

/// A NameNode that knows DataNodes n2-n7 and holds file 0's first block complete on its
/// three pipeline targets: the block, its stamp, and the DataNodes holding it.
fn namenode_with_a_block(c: &HdfsConfig) -> (Hdfs, u64, u64, Vec<u32>) {
    let mut nn = namenode(c);
    for d in 2..8 {
        nn.on_message(d, HdfsMsg::BlockReport { replicas: vec![] }, &mut Out::new(1_000_000));
    }
    rpc(&mut nn, 1, Call::Create { file: 0 }, 1_100_000);
    let (_, s) = rpc(&mut nn, 2, Call::AddBlock { file: 0, previous: None }, 1_200_000);
    let Some((_, HdfsMsg::RpcReply { answer: Answer::LocatedBlock { block, gs, targets }, .. })) = s.first().cloned() else { panic!("{s:?}") };
    for &d in &targets {
        nn.on_message(d, HdfsMsg::BlockReceived { block, replica: Reported { gs, len: 32, finalized: true } }, &mut Out::new(1_300_000));
    }
    let (_, s) = rpc(&mut nn, 3, Call::Complete { file: 0, last: Some((block, 32)) }, 1_400_000);
    assert_eq!(s, vec![(CLIENT, HdfsMsg::RpcReply { call_id: 3, answer: Answer::Completed { closed: true } })]);
    (nn, block, gs, targets)
}

fn heartbeat(nn: &mut Hdfs, d: u32, now: u64) -> Vec<(u32, HdfsMsg)> {
    let mut out = Out::new(now);
    nn.on_message(d, HdfsMsg::Heartbeat, &mut out);
    sends(&out)
}

/// Version 5 (HDFS's invalidate and excess sets): a DataNode told to delete a replica does
/// not have it counted again by a full report that left before the deletion (it is told
/// again instead), and the NameNode forgets the deletion once the DataNode reports it done.
/// Under version 4 that report counted the replica again.
#[test]
fn a_replica_being_deleted_is_not_counted_again_by_an_older_report() {
    for version in [4, 5] {
        let c = HdfsConfig { version, ..config(None) };
        let (mut nn, block, gs, targets) = namenode_with_a_block(&c);
        let fourth = (2..8).find(|d| !targets.contains(d)).unwrap();
        let finalized = vec![(block, Reported { gs, len: 32, finalized: true })];
        nn.on_message(fourth, HdfsMsg::BlockReport { replicas: finalized.clone() }, &mut Out::new(1_500_000));
        let holders = |nn: &Hdfs| nn.as_namenode().unwrap().blocks[&block].replicas.keys().copied().collect::<Vec<u32>>();
        assert_eq!(holders(&nn).len(), 3, "v{version}: one of four replicas is excess");
        let victim = (2..8).find(|d| (targets.contains(d) || *d == fourth) && !holders(&nn).contains(d)).unwrap();
        let invalidate = HdfsMsg::HeartbeatResponse { commands: vec![Command::Invalidate { block }] };
        assert_eq!(heartbeat(&mut nn, victim, 1_600_000), vec![(victim, invalidate.clone())]);
        // The victim's full report, sent before it deleted the replica, arrives now.
        nn.on_message(victim, HdfsMsg::BlockReport { replicas: finalized.clone() }, &mut Out::new(1_700_000));
        let excess_found = nn.as_namenode().unwrap().invalidated;
        if version == 4 {
            assert_eq!(excess_found, 2, "version 4 counts it again: four replicas, one excess again");
            continue;
        }
        assert_eq!(excess_found, 1);
        assert!(!holders(&nn).contains(&victim), "a replica being deleted is not counted");
        assert_eq!(heartbeat(&mut nn, victim, 1_800_000), vec![(victim, invalidate)], "and its DataNode is told again");
        nn.on_message(victim, HdfsMsg::BlockDeleted { block }, &mut Out::new(1_900_000));
        assert!(nn.as_namenode().unwrap().blocks[&block].deleting.is_empty(), "the deletion is confirmed");
        nn.on_message(victim, HdfsMsg::BlockReport { replicas: finalized }, &mut Out::new(2_000_000));
        let nn = nn.as_namenode().unwrap();
        assert_eq!(nn.invalidated, 2, "a replica reported after the deletion counts (and is excess again)");
    }
}

/// A DataNode carries out Invalidate and, from version 5, says so (`blockDeleted`).
#[test]
fn a_datanode_reports_a_deletion_from_version_5() {
    for (version, told) in [(4, vec![]), (5, vec![(0, HdfsMsg::BlockDeleted { block: 7 })])] {
        let c = HdfsConfig { version, ..config(None) };
        let mut dn = with_replica(3, &c, replica(7, 1001, 32, true));
        let mut out = Out::new(1_000);
        dn.on_message(0, HdfsMsg::HeartbeatResponse { commands: vec![Command::Invalidate { block: 7 }] }, &mut out);
        assert_eq!(writes(&out), vec![DiskWrite::Replica(ReplicaWrite::Remove { block: 7 })]);
        assert_eq!(sends(&out), told, "version {version}");
        assert!(datanode(&dn).replicas.is_empty());
    }
}

fn spec(bug: Option<&str>) -> SweepSpec {
    let mut s = SweepSpec::new("hdfs");
    s.bug = bug.map(String::from);
    s
}

#[test]
fn every_teaching_bug_is_caught_by_the_default_sweep() {
    for bug in BUGS {
        let report = sweep(&spec(Some(bug)), 0..300, Stop::AtFailure).unwrap();
        assert!(report.first_failure_seed.is_some(), "{bug} not caught in 300 seeds");
    }
}

fn run(name: &str, until_us: u64) -> History<Hdfs> {
    let mut s = (presets::find(name).unwrap().build)();
    s.playhead_us = until_us;
    build_typed::<Hdfs>(&s, false).unwrap()
}

fn namenode_of(h: &History<Hdfs>) -> &NameNode {
    h.sim().nodes()[0].as_ref().and_then(Hdfs::as_namenode).expect("the NameNode is up")
}

fn writer_of(h: &History<Hdfs>) -> &Client {
    h.sim().nodes()[1].as_ref().and_then(Hdfs::as_client).expect("the writer is up")
}

/// Which racks the live DataNodes holding a good replica of `block` are on.
fn racks_of(h: &History<Hdfs>, block: u64) -> Vec<u32> {
    let nn = namenode_of(h);
    let c = &h.sim().nodes()[0].as_ref().unwrap().config;
    nn.live_good(block, c).iter().map(|&d| c.rack_of(d)).collect()
}

/// Each preset's trace hash at 24 s as it opens now (link version 5), and as its link of
/// version 4 replays: a link to a preset must replay as it did.
const CLEAN_PRESETS: &[(&str, &str, &str)] = &[
    ("hdfs-write", "99dc6b981d107886", "76f24c5787685465"),
    ("hdfs-datanode-dies", "87ebfd2150794644", "6280b9355fd8b355"),
    ("hdfs-writer-dies", "7f759c9813ed33d0", "1cc797969146f022"),
    ("hdfs-rack-fails", "d2bfa37e0cef5722", "f2721cf205bb9b70"),
    ("hdfs-corrupt-replica", "c96d3b960b6d0a9b", "5a4359aa4cb3893e"),
    ("hdfs-flapping-long", "9240c7f03e5adfc6", "400216100e135e98"),
    ("hdfs-flapping-short", "eee3c76aa2758ad9", "89fb4ecbc43f1965"),
];

/// The bug presets: the property each breaks, and the hashes as above.
const BUG_PRESETS: &[(&str, Option<&str>, &str, &str)] = &[
    ("hdfs-bug-ack-before-tail", Some("Acknowledged on the whole pipeline"), "3401117b97faf847", "7f7c7d9dedad58a5"),
    ("hdfs-bug-ack-before-sync", Some("Acknowledged on the whole pipeline"), "5fd0e8512c898d04", "ae9dad0dbd76ac84"),
    ("hdfs-bug-stale-source", Some("Same stamp, same bytes"), "7232bcd74fc51a87", "8a95a9803dd35325"),
    ("hdfs-bug-no-checksum-on-copy", Some("Checksums stop corruption spreading"), "c66554f3559648f3", "d3616d3fe4fdce56"),
    ("hdfs-bug-rack-unaware", None, "abd76037770a26d5", "206a8729489946c0"),
];

#[test]
fn the_presets_end_as_their_captions_say() {
    for (name, hash, _) in CLEAN_PRESETS {
        let h = run(name, 24_000_000);
        assert_eq!(Hdfs::check_liveness(h.sim().nodes()), Ok(()), "{name}");
        assert!(h.sim().violations().is_empty(), "{name}: {:?}", h.sim().violations().first());
        assert_eq!(hash_hex(h.sim().trace_hash()), *hash, "{name}: trace hash changed (links to this preset would replay differently)");
    }
    for (name, property, hash, _) in BUG_PRESETS {
        let h = run(name, 24_000_000);
        assert_eq!(h.sim().violations().first().map(|v| v.property.as_str()), *property, "{name}");
        assert_eq!(hash_hex(h.sim().trace_hash()), *hash, "{name}: trace hash changed");
    }
}

#[test]
fn version_4_links_to_the_presets_replay_as_they_did() {
    let pinned = CLEAN_PRESETS.iter().map(|(name, _, v4)| (name, v4)).chain(BUG_PRESETS.iter().map(|(name, _, _, v4)| (name, v4)));
    for (name, v4_hash) in pinned {
        let mut s = (presets::find(name).unwrap().build)();
        s.version = 4;
        s.playhead_us = 24_000_000;
        let h = build_typed::<Hdfs>(&s, false).unwrap();
        assert_eq!(hash_hex(h.sim().trace_hash()), *v4_hash, "{name} under link version 4 no longer replays as it did");
    }
}

/// Swarm seeds that failed under version 4 and are clean under version 5: 2507 (a block
/// report sent before a deletion counted the deleted replica again, and the NameNode then
/// deleted the last real ones as excess), 50401 (a report of a block under recovery
/// completed it at its old stamp, and the recovery's stamp left its one replica stale) and
/// 88679 (a restarted NameNode waited in safe mode for a committed block whose replicas a
/// recovery had stamped anew). Version 4 (swarm version 3) still replays each failure.
#[test]
fn the_seeds_version_5_fixes_fail_under_version_4_only() {
    use clusterlab::scenario::chaos::sweep_scenario;
    let cases: [(u64, &str); 3] = [(2507, "Acknowledged data survives"), (50401, "good replicas"), (88679, "safe mode")];
    for (seed, v4_failure) in cases {
        let old = SweepSpec { swarm: Some(3), ..SweepSpec::new("hdfs") };
        let new = SweepSpec { swarm: Some(4), ..SweepSpec::new("hdfs") };
        let outcome = |spec: &SweepSpec| {
            let s = sweep_scenario(spec, seed).unwrap();
            let h = build_typed::<Hdfs>(&s, false).unwrap();
            let violation = h.sim().violations().first().map(|v| v.property.clone());
            (s.version, violation, Hdfs::check_liveness(h.sim().nodes()))
        };
        let (v, violation, liveness) = outcome(&old);
        assert_eq!(v, 4);
        let failed = format!("{violation:?} {liveness:?}");
        assert!(failed.contains(v4_failure), "seed {seed} under version 4: {failed}");
        let (v, violation, liveness) = outcome(&new);
        assert_eq!(v, 5);
        assert_eq!((violation, liveness), (None, Ok(())), "seed {seed} under version 5");
    }
}

/// Pipeline recovery (HDFS-265): n3 dies mid-block; the block goes on under a new stamp on
/// n2 and n7, is copied to a third DataNode, and n3's stale replica is deleted on its return.
#[test]
fn a_dead_datanode_is_dropped_from_the_pipeline_under_a_new_stamp() {
    let h = run("hdfs-datanode-dies", 24_000_000);
    let w = writer_of(&h);
    assert!(w.pipeline_recoveries >= 1);
    let nn = namenode_of(&h);
    assert!(nn.blocks[&1].gs > 1001, "a new generation stamp");
    assert_eq!(racks_of(&h, 1).len(), 3, "back to three good replicas");
    let n3 = h.sim().nodes()[3].as_ref().and_then(Hdfs::as_datanode).unwrap();
    assert!(n3.replicas.get(&1).is_none_or(|r| r.gs == nn.blocks[&1].gs), "n3's stale replica is gone");
}

/// Lease recovery (HDFS-265): the dead writer's file is closed by the NameNode, its last
/// block cut to what every replica holds; the restarted writer writes the next file.
#[test]
fn a_dead_writer_s_file_is_recovered_and_closed() {
    let h = run("hdfs-writer-dies", 24_000_000);
    let nn = namenode_of(&h);
    assert!(nn.files.values().all(|f| f.closed));
    let last = nn.files[&0].blocks.last().copied().unwrap();
    assert!(nn.blocks[&last].gs > 1002 && nn.blocks[&last].len < 32, "recovered under a recovery id, cut short: {:?}", nn.blocks[&last]);
    assert_eq!(writer_of(&h).holder.boot, 2, "the writer came back as a new client");
}

/// A rack fails: every block keeps a replica on the other rack; with it back, every block is
/// on both racks again. Without racks (the bug) a block on the failed rack alone has none.
#[test]
fn rack_aware_placement_survives_a_rack_and_the_bug_does_not() {
    let during = run("hdfs-rack-fails", 10_000_000);
    for b in namenode_of(&during).blocks.keys() {
        assert!(!racks_of(&during, *b).is_empty(), "blk_{b} kept a replica");
    }
    let after = run("hdfs-rack-fails", 24_000_000);
    for b in namenode_of(&after).blocks.keys() {
        let mut racks = racks_of(&after, *b);
        racks.dedup();
        assert!(racks.len() >= 2, "blk_{b} spans racks again: {racks:?}");
    }
    let unaware = run("hdfs-bug-rack-unaware", 10_000_000);
    assert!(namenode_of(&unaware).blocks.keys().any(|b| racks_of(&unaware, *b).is_empty()), "a block lost with its rack");
    let e = Hdfs::check_liveness(run("hdfs-bug-rack-unaware", 24_000_000).sim().nodes()).unwrap_err();
    assert!(e.contains("on rack"), "{e}");
}

/// Data integrity (HdfsDesign.md): the reader finds the damaged replica by its checksums,
/// reads another and reports it; the NameNode copies a good one and deletes the bad one.
#[test]
fn a_corrupt_replica_is_found_on_read_and_replaced() {
    let h = run("hdfs-corrupt-replica", 24_000_000);
    let w = writer_of(&h);
    assert_eq!((w.reads_total, w.read_failures), (2, 0));
    assert!(namenode_of(&h).rereplicated_bytes >= 32);
    let n2 = h.sim().nodes()[2].as_ref().and_then(Hdfs::as_datanode).unwrap();
    assert!(n2.replicas.values().all(|r| r.verifies(8)), "the damaged replica is gone");
}


/// A cluster's nodes for the checkers: NameNode, writer, and DataNodes n2-n5 holding what
/// `replicas` gives them (node, block, replica).
fn cluster(replicas: &[(u32, u64, Replica)]) -> Vec<Option<Hdfs>> {
    let c = config(None);
    (0..6u32)
        .map(|id| {
            let mut h = Hdfs::new(NodeEnv { id, n: 6 }, &c);
            let mut disk = HdfsDisk::default();
            for (_, b, r) in replicas.iter().filter(|(n, _, _)| *n == id) {
                disk.replicas.insert(*b, r.clone());
            }
            h.on_recover(disk, &mut Out::new(0));
            Some(h)
        })
        .collect()
}

fn violations(nodes: &[Option<Hdfs>], node: Option<u32>, checker: &mut HdfsChecker) -> Vec<String> {
    let ctx = CheckCtx { event_index: 1, now_us: 1, nodes, clocks: &[], disks: &[], sent: &[], replies: &[], requests: &[], node, restarted: false };
    let mut out = Vec::new();
    checker.check(&ctx, &mut out);
    out.into_iter().map(|v| format!("{}: {}", v.property, v.explanation)).collect()
}

fn checker() -> HdfsChecker {
    <HdfsChecker as Checker<Hdfs>>::new(&config(None), 6)
}

/// Same stamp, same bytes fails beyond the stale copy it was written next to: a replica
/// holding bytes the writer never wrote under checksums that pass (a copy re-checksummed
/// on the way), and two finalized replicas of one stamp cut to different lengths (a block
/// recovery that truncates only some of them).
#[test]
fn same_stamp_same_bytes_catches_rewritten_bytes_and_uneven_recovery() {
    let mut forged = replica(7, 1001, 32, true);
    forged.data[3] ^= 1;
    forged.sums[0] = crc32c(&forged.data[..8]);
    let v = violations(&cluster(&[(2, 7, forged)]), Some(2), &mut checker());
    assert!(v.iter().any(|v| v.starts_with("Same stamp, same bytes") && v.contains("never wrote")), "{v:?}");
    let nodes = cluster(&[(2, 7, replica(7, 1005, 24, true)), (3, 7, replica(7, 1005, 16, true))]);
    let v = violations(&nodes, Some(2), &mut checker());
    assert!(v.iter().any(|v| v.contains("24 bytes, n3's has 16")), "{v:?}");
}

/// Checksums stop corruption spreading fails for any replica that fails its checksums on a
/// disk never damaged there: a stage that passed on bytes read back from a damaged disk, a
/// write torn in memory. Handler tests have no disks, so a simulator run damages one.
#[test]
fn corruption_that_did_not_come_from_its_own_disk_is_caught() {
    let mut s = (presets::find("hdfs-write").unwrap().build)();
    s.config["files"] = 1.into();
    s.playhead_us = 1_000_000;
    let mut h = build_typed::<Hdfs>(&s, false).unwrap();
    assert!(h.sim().violations().is_empty());
    // n2 holds blk_1; flip a byte of n3's copy in memory, as a bad copy would.
    let n3 = h.sim().nodes()[3].clone().unwrap();
    let mut bad = n3;
    if let Some(d) = bad.as_datanode() {
        let mut r = d.replicas[&1].clone();
        r.data[0] ^= 0x10;
        bad.on_disk_corrupted(&DiskWrite::Replica(ReplicaWrite::Store { block: 1, replica: r }));
    }
    let mut nodes = h.sim().nodes().to_vec();
    nodes[3] = Some(bad);
    let disks: Vec<_> = (0..nodes.len()).map(|_| clusterlab::sim::Disk::<HdfsDisk>::new()).collect();
    let ctx = CheckCtx { event_index: 1, now_us: 1, nodes: &nodes, clocks: &[], disks: &disks, sent: &[], replies: &[], requests: &[], node: Some(3), restarted: false };
    let mut out = Vec::new();
    checker().check(&ctx, &mut out);
    assert!(out.iter().any(|v| v.property == "Checksums stop corruption spreading"), "{out:?}");
    h.inject(clusterlab::sim::Fault::CorruptDisk { node: 2 });
    h.run_until(1_100_000);
    assert!(h.sim().violations().is_empty(), "damage to a replica's own disk is not a spread: {:?}", h.sim().violations());
}

/// Acknowledged data survives fails when the last replica holding acknowledged bytes goes,
/// however it goes: deleted by the NameNode, or cut short by a block recovery that took the
/// wrong length.
#[test]
fn acknowledged_data_survives_catches_a_deleted_or_truncated_last_replica() {
    let mut c = checker();
    let mut nodes = cluster(&[(2, 7, replica(7, 1001, 16, false))]);
    if let Some(Hdfs { role: clusterlab::protocols::hdfs::node::Role::Client(w), .. }) = nodes[1].as_mut() {
        w.phase = clusterlab::protocols::hdfs::node::client::Phase::Stream(clusterlab::protocols::hdfs::node::client::Writing {
            file: 0, index: 0, block: 7, gs: 1001, pipeline: vec![2], acked_len: 16, acked_gs: 1001, sent_len: 16, unrecorded: false,
        });
    }
    assert!(violations(&nodes, Some(1), &mut c).is_empty());
    nodes[1] = None; // the writer dies: its acknowledged bytes stay the checker's to watch
    let truncated = cluster(&[(2, 7, replica(7, 1002, 8, true))]);
    let v = violations(&[nodes[0].clone(), None, truncated[2].clone(), nodes[3].clone()], Some(2), &mut c);
    assert!(v.iter().any(|v| v.starts_with("Acknowledged data survives")), "{v:?}");
}

/// Reads return what was written fails for a read that returned other bytes, whoever served
/// them (a stale replica, a reader that skipped its checksums).
#[test]
fn reads_return_what_was_written_catches_a_wrong_read() {
    let mut nodes = cluster(&[]);
    if let Some(Hdfs { role: clusterlab::protocols::hdfs::node::Role::Client(w), .. }) = nodes[1].as_mut() {
        let mut data = content(7, 0, 32);
        data[31] ^= 0xff;
        w.reads.push(clusterlab::protocols::hdfs::node::client::ReadResult { block: 7, len: 32, from: 4, data });
        w.reads_total = 1;
    }
    let v = violations(&nodes, Some(1), &mut checker());
    assert!(v.iter().any(|v| v.starts_with("Reads return what was written")), "{v:?}");
}
