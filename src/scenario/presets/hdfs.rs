//! Block-store presets (HdfsDesign.md; GFS, SOSP 2003; HDFS-265) with captions in English
//! and Chinese: a file written through a pipeline; a DataNode dying mid-write; the writer
//! dying mid-write; a rack failing; a corrupt replica found and repaired; a flapping
//! DataNode under a long and a short dead-node timeout; and each teaching bug. Times are
//! HDFS's defaults at 1:100 (a 3 s heartbeat is 30 ms here, the 10.5 min dead-node
//! timeout 6.3 s); the lease's hard limit is cut from an hour to 3 s.

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{Fault, NetConfig, NodeId};
use serde_json::json;

/// NameNode n0, writer n1, DataNodes n2-n7 on two racks (rack 1: n2, n4, n6; rack 2: n3,
/// n5, n7); 5-10 ms links; one file of two 32-byte blocks in 8-byte packets.
fn hdfs_of(overrides: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("hdfs", 8, 1);
    let mut c = config(r#"{
        "files": 1, "heartbeat_us": 30_000, "recheck_us": 3_000_000, "block_report_us": 20_000_000,
        "replication_check_us": 30_000, "pending_timeout_us": 3_000_000, "lease_limit_us": 3_000_000,
        "safemode_us": 300_000, "scan_us": 10_000_000
    }"#);
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), overrides) {
        c.extend(extra);
    }
    s.config = c;
    s.net = NetConfig { latency_min_us: 5_000, latency_max_us: 10_000, ..NetConfig::default() };
    s
}

fn with(mut s: Scenario, faults: Vec<(u64, Fault)>) -> Scenario {
    s.faults = faults.into_iter().map(|(t, f)| at(t, f)).collect();
    s
}

fn crash(node: NodeId) -> Fault {
    Fault::Crash { node }
}

fn restart(node: NodeId) -> Fault {
    Fault::Restart { node }
}

fn write() -> Scenario {
    hdfs_of(json!({ "files": 2 }))
}

/// The first block's pipeline is n2 → n3 → n7 (the seed's placement): n3 dies mid-block.
fn datanode_dies() -> Scenario {
    with(hdfs_of(json!({})), vec![(MID_BLOCK_US, crash(3)), (9_000_000, restart(3))])
}

/// The writer dies in the middle of its first file's second block, and boots again at 2 s.
fn writer_dies() -> Scenario {
    with(hdfs_of(json!({ "files": 2 })), vec![(SECOND_BLOCK_US, crash(1)), (2_000_000, restart(1))])
}

const RACK_1: [NodeId; 3] = [2, 4, 6];

fn rack_fails(config: serde_json::Value) -> Scenario {
    let mut faults: Vec<(u64, Fault)> = RACK_1.iter().map(|&n| (1_500_000, crash(n))).collect();
    faults.extend(RACK_1.iter().map(|&n| (14_000_000, restart(n))));
    with(hdfs_of(config), faults)
}

/// Bytes flip on the disk of the DataNode the reader will ask first, after the file is
/// written and before it is read back.
fn corrupt_replica() -> Scenario {
    with(hdfs_of(json!({})), vec![(BEFORE_READ_US, Fault::CorruptDisk { node: FIRST_READ_FROM })])
}

/// n2 goes down for a second every two seconds, ten times, once the file is written.
fn flapping(config: serde_json::Value) -> Scenario {
    let faults = (0..10u64).flat_map(|i| [(1_000_000 + 2_000_000 * i, crash(2)), (2_000_000 + 2_000_000 * i, restart(2))]).collect();
    with(hdfs_of(config), faults)
}

fn flapping_long() -> Scenario {
    flapping(json!({}))
}

/// A dead-node timeout of 0.5 s: 2 × 100 ms recheck + 10 × 30 ms heartbeat.
fn flapping_short() -> Scenario {
    flapping(json!({ "recheck_us": 100_000 }))
}

fn bug_ack_before_tail() -> Scenario {
    hdfs_of(json!({ "bug": "ack_before_tail" }))
}

/// The head of the first pipeline loses its unsynced writes in a machine crash mid-block.
fn bug_ack_before_sync() -> Scenario {
    with(hdfs_of(json!({ "bug": "ack_before_sync" })), vec![(MID_BLOCK_US, Fault::CrashLoseUnsynced { node: 2 }), (1_500_000, restart(2))])
}

/// Two replicas, the first block on n4 → n3: n3 dies mid-write and comes back with a stale
/// replica; later n4, the block's one good replica, goes, and the NameNode copies the stale
/// one under the block's stamp.
fn bug_stale_source() -> Scenario {
    let faults = vec![(390_000, crash(3)), (450_000, restart(3)), (1_000_000, crash(4))];
    with(hdfs_of(config(r#"{ "bug": "stale_source", "replication": 2, "recheck_us": 100_000 }"#)), faults)
}

/// Two replicas, the first block on n4 and n3: n3's disk is damaged, n4 dies, and the
/// NameNode copies the damaged replica without its checksums checked.
fn bug_no_checksum() -> Scenario {
    let faults = vec![(600_000, Fault::CorruptDisk { node: 3 }), (650_000, crash(4))];
    with(hdfs_of(config(r#"{ "bug": "no_checksum_on_copy", "replication": 2, "recheck_us": 100_000 }"#)), faults)
}

fn rack_fails_aware() -> Scenario {
    rack_fails(json!({}))
}

fn rack_fails_unaware() -> Scenario {
    rack_fails(json!({ "bug": "rack_unaware" }))
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        preset(
            "hdfs-write", "hdfs", "Writing a file through a pipeline", "通过管道写入文件",
            "The NameNode n0 keeps the namespace; the writer n1 writes two files of two 32-byte blocks; DataNodes n2-n7 are on two racks. For each block the writer calls addBlock and gets a pipeline of three DataNodes, one on one rack and two on the other. It streams 8-byte packets to the first; each DataNode writes the packet with its checksum, syncs it and passes it on; the last acks, and the acks flow back up. The writer then completes the file and reads it back, checking every chunk's checksum. HDFS's times at 1:100: a 3 s heartbeat is 30 ms here.",
            "NameNode n0 保存命名空间；写入者 n1 写两个文件，每个文件两个 32 字节的块；DataNode n2-n7 分布在两个机架上。每个块，写入者调用 addBlock，得到由三个 DataNode 组成的管道：一个在一个机架上，两个在另一个机架上。它把 8 字节的数据包发给第一个；每个 DataNode 写入数据包及其校验和、同步到磁盘，再往下传；最后一个确认，确认逐级向上返回。写入者随后完成文件并把它读回，检查每个块片的校验和。HDFS 的时间按 1:100 缩放：3 s 的心跳在这里是 30 ms。",
            write,
        ),
        preset(
            "hdfs-datanode-dies", "hdfs", "A DataNode dies mid-write: pipeline recovery", "写入中途 DataNode 失效：管道恢复",
            "The first block's pipeline is n2 → n3 → n7, and n3 crashes mid-block. n2 waits for n3's ack, then names n3 in its ack to the writer. The writer drops n3, gets a new generation stamp from the NameNode (updateBlockForPipeline), sends the packets not yet acknowledged again under it (the surviving DataNodes take the new stamp), and has the NameNode record the new pipeline (updatePipeline). The block completes on two replicas; the NameNode's replication monitor copies it to a third DataNode. When n3 returns, its replica carries the old stamp: stale, it is deleted.",
            "第一个块的管道是 n2 → n3 → n7，n3 在块写到一半时崩溃。n2 等不到 n3 的确认，便在给写入者的确认中指出 n3。写入者去掉 n3，从 NameNode 取得新的代时间戳（updateBlockForPipeline），用它重发尚未确认的数据包（存活的 DataNode 随之采用新时间戳），再让 NameNode 记录新管道（updatePipeline）。块在两个副本上写完；NameNode 的复制监视器把它复制到第三个 DataNode。n3 回来时，它的副本带着旧时间戳：已过期，被删除。",
            datanode_dies,
        ),
        preset(
            "hdfs-writer-dies", "hdfs", "The writer dies mid-write: lease and block recovery", "写入中途写入者失效：租约与块恢复",
            "The writer n1 crashes in the middle of its file's second block and boots again at 2 s as a new client, which moves on to the next file. The old client's lease on the first file is no longer renewed; after its hard limit (3 s here, an hour in HDFS) the NameNode recovers it: it picks a primary DataNode among the block's replicas and a recovery id (a new stamp). The primary asks each replica what it holds, cuts them to the shortest of the newest ones (every acknowledged byte is on each), stamps and finalizes them, and commits the block to the NameNode, which closes the file.",
            "写入者 n1 在写文件的第二个块时崩溃，2 s 时作为新客户端重新启动，转去写下一个文件。旧客户端对第一个文件的租约不再续期；超过硬限制（这里 3 s，HDFS 中是一小时）后，NameNode 回收它：在块的副本中选出一个主 DataNode 和一个恢复编号（新时间戳）。主节点询问每个副本持有多少数据，把最新的那些副本截到其中最短的长度（每个已确认的字节都在每个副本上），打上时间戳并定稿，再向 NameNode 提交块，NameNode 随即关闭文件。",
            writer_dies,
        ),
        preset(
            "hdfs-rack-fails", "hdfs", "A rack fails: every block keeps a replica", "一个机架失效：每个块都还有副本",
            "At 1.5 s rack 1 (n2, n4, n6) loses power. Placement put one replica of each block on one rack and two on the other, so every block still has a replica on rack 2. After the dead-node timeout (2 × recheck + 10 × heartbeat: 6.3 s here, 10.5 min in HDFS) the NameNode queues the blocks and copies them within rack 2, the only rack left. At 14 s rack 1 returns: the blocks are now all on one rack, so the NameNode copies each to rack 1 and then deletes an excess replica from rack 2.",
            "1.5 s 时机架 1（n2、n4、n6）断电。放置策略让每个块一个副本在一个机架、两个在另一个机架，所以每个块在机架 2 上都还有副本。超过失效判定时间（2 × 复查间隔 + 10 × 心跳：这里 6.3 s，HDFS 中 10.5 分钟）后，NameNode 把这些块排入队列，在仅剩的机架 2 内复制。14 s 时机架 1 恢复：这些块现在都在同一个机架上，于是 NameNode 把每个块复制到机架 1，再从机架 2 删除多余的副本。",
            rack_fails_aware,
        ),
        preset(
            "hdfs-corrupt-replica", "hdfs", "A corrupt replica found on read and repaired", "读取时发现损坏的副本并修复",
            "After the file is written, bytes flip on the disk of the DataNode the reader asks first; its stored checksums stay as they were. The reader checks each chunk against its checksum, finds the mismatch, reports the replica to the NameNode (reportBadBlocks) and reads another replica. The NameNode counts the bad replica out, copies the block from a good one (the sender verifies it first) and, once three good replicas exist, deletes the corrupt one.",
            "文件写完后，读取者首先访问的那个 DataNode 的磁盘上有字节翻转；它存着的校验和没有变。读取者用校验和检查每个块片，发现不符，向 NameNode 报告这个副本（reportBadBlocks），再去读另一个副本。NameNode 不再计入坏副本，从一个完好的副本复制这个块（发送方先校验），有了三个完好副本后删除损坏的那个。",
            corrupt_replica,
        ),
        preset(
            "hdfs-flapping-long", "hdfs", "A flapping DataNode under HDFS's long dead-node timeout", "HDFS 较长的失效判定时间下反复掉线的 DataNode",
            "n2 goes down for a second every two seconds. HDFS's dead-node timeout (10.5 min, 6.3 s here) is long on purpose: n2 is never declared dead, so nothing is copied while it flaps (the plot of bytes re-replicated stays flat). Compare the next preset.",
            "n2 每两秒掉线一秒。HDFS 的失效判定时间（10.5 分钟，这里 6.3 s）特意设得很长：n2 从未被判定失效，所以它反复掉线期间没有任何复制（重新复制字节数的曲线保持平坦）。对比下一个预设。",
            flapping_long,
        ),
        preset(
            "hdfs-flapping-short", "hdfs", "The same flapping node with a 0.5 s timeout: a replication storm", "同样反复掉线的节点，失效判定 0.5 s：复制风暴",
            "The same flapping n2, with a dead-node timeout of 0.5 s. Each time n2 goes down the NameNode declares it dead and copies its blocks elsewhere; each time it returns its replicas are reported again, the blocks are over-replicated and the excess is deleted. The plot climbs with every flap: a replication storm, which HDFS's long timeout exists to avoid.",
            "同样反复掉线的 n2，但失效判定时间为 0.5 s。每次 n2 掉线，NameNode 都判定它失效并把它的块复制到别处；每次它回来，它的副本又被报告，这些块副本过多，多余的被删除。曲线随每次掉线上升：这就是复制风暴，HDFS 较长的失效判定时间正是为了避免它。",
            flapping_short,
        ),
        preset(
            "hdfs-bug-ack-before-tail", "hdfs", "Bug: the first DataNode acks before the tail has the data", "缺陷：第一个 DataNode 在尾节点拿到数据前就确认",
            "Teaching bug: the head of the pipeline acknowledges each packet to the writer as soon as it has written it, without waiting for the acks of the DataNodes below. The writer counts bytes as safe that the tail does not hold yet: Acknowledged on the whole pipeline fails at the first ack.",
            "教学缺陷：管道的第一个 DataNode 一写完数据包就向写入者确认，不等下游 DataNode 的确认。写入者把尾节点还没有的字节当成了安全的：“已确认的数据在整条管道上”在第一次确认时就失败。",
            bug_ack_before_tail,
        ),
        preset(
            "hdfs-bug-ack-before-sync", "hdfs", "Bug: acks from the page cache, lost in a power cut", "缺陷：从页缓存确认，断电即丢失",
            "Teaching bug: DataNodes pass packets on and ack them without syncing them to disk (hsync). Mid-block, the machine of the pipeline's first DataNode n2 loses power, and with it the writes it had not synced: its disk holds fewer bytes than were acknowledged, and Acknowledged on the whole pipeline fails.",
            "教学缺陷：DataNode 不把数据包同步到磁盘（hsync）就往下传并确认。块写到一半时，管道第一个 DataNode n2 的机器断电，没有同步的写入随之丢失：它的磁盘上的字节少于已确认的字节，“已确认的数据在整条管道上”失败。",
            bug_ack_before_sync,
        ),
        preset(
            "hdfs-bug-stale-source", "hdfs", "Bug: a stale replica copied as if current", "缺陷：把过期副本当作最新副本复制",
            "Teaching bug: the NameNode does not compare generation stamps (nor lengths), so a replica left behind by pipeline recovery counts as good. With two replicas: a pipeline stage dies mid-write and returns with its stale replica; later the block's one good replica goes down, and the NameNode copies the stale replica under the block's current stamp. Same stamp, same bytes fails: two finalized replicas with one stamp differ.",
            "教学缺陷：NameNode 不比较代时间戳（也不比较长度），于是管道恢复留下的副本也被当作完好。两个副本的情形：管道中的一个节点在写入中途失效，带着过期副本回来；之后块唯一完好的副本下线，NameNode 以块当前的时间戳复制了那个过期副本。“同一时间戳，同样的字节”失败：两个时间戳相同的定稿副本内容不同。",
            bug_stale_source,
        ),
        preset(
            "hdfs-bug-no-checksum-on-copy", "hdfs", "Bug: a copy made without checking checksums", "缺陷：复制时不校验校验和",
            "Teaching bug: re-replication sends and stores a block without verifying its checksums. With two replicas: one replica's disk is damaged, then the other's DataNode dies; the NameNode copies the damaged replica, and the corruption spreads to a disk that was never damaged. Checksums stop corruption spreading fails.",
            "教学缺陷：重新复制时发送和存储块都不校验校验和。两个副本的情形：一个副本的磁盘损坏，另一个副本所在的 DataNode 随后失效；NameNode 复制了损坏的副本，损坏扩散到一块从未损坏的磁盘上。“校验和阻止损坏扩散”失败。",
            bug_no_checksum,
        ),
        preset(
            "hdfs-bug-rack-unaware", "hdfs", "Bug: rack-unaware placement, and a rack failure loses blocks", "缺陷：不感知机架的放置，一个机架失效就丢块",
            "Teaching bug: the NameNode knows no racks and places replicas at random. Rack 1 fails at 1.5 s as in \"A rack fails\": a block whose replicas all landed on rack 1 has none left (the NameNode's table shows it with no replica) until the rack returns, and even then its replicas stay on one rack.",
            "教学缺陷：NameNode 不知道机架，随机放置副本。与“一个机架失效”一样，机架 1 在 1.5 s 失效：副本全部落在机架 1 的块一个副本都不剩（NameNode 的表格中它没有副本），直到机架恢复；即使恢复后，它的副本仍在同一个机架上。",
            rack_fails_unaware,
        ),
    ]
}

/// When the first block is half written (its pipeline n2 → n3 → n7 under this seed).
const MID_BLOCK_US: u64 = 420_000;
/// When the first file's second block is half written.
const SECOND_BLOCK_US: u64 = 500_000;
/// After the file is complete, before the reader asks n2 for the first block.
const BEFORE_READ_US: u64 = 580_000;
const FIRST_READ_FROM: NodeId = 2;
