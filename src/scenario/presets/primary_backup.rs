//! Primary/backup presets (MIT 6.824 primary/backup; HBase region failover) with captions
//! in English and Chinese. Coordinators n0-n2 (the lock service on Raft), replicas n3-n5,
//! the storage holding the write-ahead log n6. Clients call a replica every 50 ms, on four
//! keys, a third of the calls reads. The fault times were read off the seeded runs (who is
//! primary when); `tests/suite/primary_backup.rs` checks them.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig, NodeId};

/// The first primary with seed 1 (checked by the tests).
pub const FIRST_PRIMARY: NodeId = 5;
pub const STORAGE: NodeId = 6;
/// The lone-survivor presets: n3 crashes and restarts, then n4 and n5 crash.
pub const LONE: NodeId = 3;
pub const OTHER_BACKUP: NodeId = 4;
pub const LONE_CRASH_US: u64 = 1_000_000;
pub const LONE_RESTART_US: u64 = 1_200_000;
/// A read reaches n3 1.5 ms after it takes the lock (at 2.2755 s), before its replay is
/// back from the storage (at 2.2838 s).
pub const LONE_READ_US: u64 = 2_277_000;
/// When the failover preset crashes it, and restarts it.
pub const CRASH_US: u64 = 1_200_000;
pub const RESTART_US: u64 = 4_000_000;
/// When the zombie presets pause it (a write of the batch on its way), and resume it.
pub const PAUSE_US: u64 = 1_201_000;
pub const RESUME_US: u64 = 4_000_000;

/// Seven nodes, 2-6 ms links, and client calls from 300 ms to `until_us`.
fn base(seed: u64, until_us: u64) -> Scenario {
    let mut s = Scenario::current("primary-backup", 7, seed);
    s.net = NetConfig { latency_min_us: 2_000, latency_max_us: 6_000, ..NetConfig::default() };
    let mut t = 300_000;
    let mut i = 0u32;
    while t < until_us {
        let node = 3 + (i + i / 3) % 3;
        let key = format!("k{}", i % 4);
        let op = if i % 3 == 2 { ClientOp::Get { key } } else { ClientOp::Put { key, value: format!("v{i}") } };
        s.faults.push(at(t, Fault::Request { node, op }));
        t += 50_000;
        i += 1;
    }
    s.playhead_us = until_us + 500_000;
    s
}

fn with(mut s: Scenario, faults: Vec<(u64, Fault)>) -> Scenario {
    s.faults.extend(faults.into_iter().map(|(t, f)| at(t, f)));
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn steady() -> Scenario {
    base(1, 2_000_000)
}

/// The primary's link to backup n4 holds its messages from 1 s to 1.3 s.
fn slow_backup() -> Scenario {
    let (from, to) = (FIRST_PRIMARY, OTHER_BACKUP);
    with(base(1, 2_000_000), vec![(1_000_000, Fault::Hold { from, to }), (1_300_000, Fault::Release { from, to })])
}

fn failover() -> Scenario {
    with(base(1, 5_000_000), vec![(CRASH_US, Fault::Crash { node: FIRST_PRIMARY }), (RESTART_US, Fault::Restart { node: FIRST_PRIMARY })])
}

/// A backup restarts with nothing in memory; before the primary has sent it anything, the
/// primary and the other backup crash for good. The restarted replica is the only one
/// left to take the lock: all it can serve comes from the log.
fn lone_faults() -> Vec<(u64, Fault)> {
    vec![
        (LONE_CRASH_US, Fault::Crash { node: LONE }),
        (LONE_RESTART_US, Fault::Restart { node: LONE }),
        (LONE_RESTART_US + 500, Fault::Crash { node: FIRST_PRIMARY }),
        (LONE_RESTART_US + 500, Fault::Crash { node: OTHER_BACKUP }),
    ]
}

fn lone_survivor(bug: Option<&str>) -> Scenario {
    let mut faults = lone_faults();
    faults.push((LONE_READ_US, Fault::Request { node: LONE, op: ClientOp::Get { key: "k1".into() } }));
    with(maybe_bug(base(1, 5_000_000), bug), faults)
}

/// The primary's link to the storage holds its messages from just before a write reaches
/// it (the write's append waits on the wire); the primary is paused just after. It wakes,
/// and the link delivers, once another replica has taken over.
fn zombie(bug: Option<&str>) -> Scenario {
    let s = maybe_bug(base(1, 5_000_000), bug);
    let put = ClientOp::Put { key: "k0".into(), value: "zombie".into() };
    let (from, to) = (FIRST_PRIMARY, STORAGE);
    with(
        s,
        vec![
            (PAUSE_US - 2_000, Fault::Hold { from, to }),
            (PAUSE_US - 1_000, Fault::Request { node: FIRST_PRIMARY, op: put }),
            (PAUSE_US, Fault::Pause { node: FIRST_PRIMARY }),
            (RESUME_US, Fault::Resume { node: FIRST_PRIMARY }),
            (RESUME_US, Fault::Release { from, to }),
        ],
    )
}

/// The lone-survivor run with a storage crash that loses what the storage had not synced
/// (it is back before the primary and the other backup crash): all the restarted replica
/// can serve comes from the log.
pub const STORAGE_CRASH_US: u64 = 1_100_000;
pub const STORAGE_RESTART_US: u64 = 1_150_000;

fn storage_loses_unsynced(bug: Option<&str>) -> Scenario {
    let mut faults = lone_faults();
    faults.extend([(STORAGE_CRASH_US, Fault::CrashLoseUnsynced { node: STORAGE }), (STORAGE_RESTART_US, Fault::Restart { node: STORAGE })]);
    with(maybe_bug(base(1, 5_000_000), bug), faults)
}

fn maybe_bug(s: Scenario, bug: Option<&str>) -> Scenario {
    match bug {
        Some(b) => with_bug(s, b),
        None => s,
    }
}

fn with_bug(mut s: Scenario, bug: &str) -> Scenario {
    s.config = serde_json::json!({ "bug": bug });
    s
}

pub fn presets() -> Vec<Preset> {
    vec![
        preset(
            "primary-backup-steady",
            "primary-backup",
            "A primary and its backups",
            "主副本与备份",
            "The replicas n3-n5 open sessions with the lock service (n0-n2, on Raft) and each creates an ephemeral sequential lock node; the lowest holds the lock and is primary, its epoch the node's fencing token. It fences the write-ahead log at the storage n6, replays it, and serves. Each batch of writes goes to its log file and to the backups at once and is acknowledged only when the log and every backup in its view have it. Reads are answered by the primary while its lock lease runs.",
            "副本 n3-n5 向锁服务（n0-n2，运行于 Raft 之上）建立会话，各自创建一个临时顺序锁节点；序号最小者持有锁并成为主副本，其纪元就是该节点的 fencing token。它先在存储 n6 上隔离预写日志并重放，然后开始服务。每批写入同时送往它的日志文件和各个备份，只有日志和视图中每个备份都拥有后才确认。读请求由主副本在锁租约有效期间应答。",
            steady,
        ),
        preset(
            "primary-backup-failover",
            "primary-backup",
            "Failover with log replay",
            "故障切换与日志重放",
            "The primary n5 crashes at 1.2 s. Its lock session expires at the lock service, its ephemeral node goes, and the next replica in line is notified, takes the lock with a higher fencing token, fences the older log files, replays them and serves from where n5 stopped. n5 restarts at 4 s as a backup: the new primary sends it the whole log before it joins the view.",
            "主副本 n5 在 1.2 秒崩溃。它的锁会话在锁服务处过期，临时节点被删除，排在下一位的副本得到通知，以更高的 fencing token 取得锁，隔离旧的日志文件、重放它们，并从 n5 停下的地方继续服务。n5 在 4 秒重启为备份：新的主副本先把整个日志发给它，它才加入视图。",
            failover,
        ),
        preset(
            "primary-backup-replay",
            "primary-backup",
            "A new primary with nothing but the log",
            "只靠日志恢复的新主副本",
            "Backup n3 restarts at 1.2 s with nothing in memory; before the primary has sent it anything, the primary n5 and backup n4 crash for good. n3 is the only replica left to take the lock (at 2.28 s), and all it can serve comes from the write-ahead log: it fences the log and replays it before answering. A read that reaches it while it replays is turned away, and answered correctly once it serves.",
            "备份 n3 在 1.2 秒重启，内存中一无所有；在主副本给它发送任何数据之前，主副本 n5 和备份 n4 永久崩溃。n3 是唯一能取得锁的副本（2.28 秒），它能提供的一切都来自预写日志：它先隔离并重放日志，然后才应答。重放期间到达的读请求被拒绝，等它开始服务后得到正确的答案。",
            || lone_survivor(None),
        ),
        preset(
            "primary-backup-zombie-fenced",
            "primary-backup",
            "A zombie primary, fenced",
            "僵尸主副本：被隔离",
            "The primary n5 takes a write whose append waits on its link to the storage, and is paused at 1.2 s. Its session expires and n4 takes over with a higher epoch. At 4 s n5 wakes still believing it is primary, and its link delivers: the storage refuses the append to its sealed log file and the backups refuse its forwards, so n5 steps down and its write never counts. Its client's retry is applied once, by the new primary.",
            "主副本 n5 接到一个写请求，其追加请求卡在通往存储的链路上；随后 n5 在 1.2 秒被暂停。它的会话过期，n4 以更高的纪元接任。4 秒时 n5 醒来，仍以为自己是主副本，链路也恢复投递：存储拒绝向已封存的日志文件追加，备份拒绝它转发的操作，于是 n5 退位，它的写入从不生效。客户端的重试由新的主副本执行一次。",
            || zombie(None),
        ),
        preset(
            "primary-backup-zombie-unfenced",
            "primary-backup",
            "A zombie primary, not fenced",
            "僵尸主副本：未被隔离",
            "The same pause with the planted bug no_fencing: neither the storage nor the backups compare epochs. When n5 wakes, its record enters epoch 2's log file after epoch 6 sealed it, and the backups of epoch 6 apply what it forwards: the checks Log files fenced and Fenced at the backups fail.",
            "同样的暂停，但植入了缺陷 no_fencing：存储和备份都不比较纪元。n5 醒来后，它的记录在纪元 6 封存纪元 2 的日志文件之后仍被写入该文件，纪元 6 的备份也执行了它转发的操作：检查“日志文件已隔离”和“备份处已隔离”失败。",
            || zombie(Some("no_fencing")),
        ),
        preset(
            "primary-backup-bug-backup-accepts-old-epoch",
            "primary-backup",
            "Bug: a backup obeys an old primary",
            "缺陷：备份听从旧主副本",
            "The zombie pause with the planted bug backup_accepts_old_epoch: the storage still seals n5's log file, so its write is never logged, but the backups of epoch 6 apply what n5 forwards. Their logs no longer match their primary's: Fenced at the backups and Backups follow their primary fail.",
            "僵尸暂停场景，植入缺陷 backup_accepts_old_epoch：存储仍然封存 n5 的日志文件，它的写入从未记入日志，但纪元 6 的备份执行了 n5 转发的操作。它们的日志不再与主副本一致：“备份处已隔离”和“备份跟随主副本”失败。",
            || zombie(Some("backup_accepts_old_epoch")),
        ),
        preset(
            "primary-backup-bug-serve-before-replay",
            "primary-backup",
            "Bug: serving before the replay",
            "缺陷：重放之前就提供服务",
            "The lone-survivor run with the planted bug serve_before_replay: n3 answers the read that reaches it 1.5 ms after it takes the lock, from its empty memory, while its replay is still on its way. The read returns nothing for a key that acknowledged writes set: the client history is not linearizable.",
            "只剩一个副本的场景，植入缺陷 serve_before_replay：n3 在取得锁 1.5 毫秒后收到一个读请求，在重放结果还在路上时就用空的内存作答。对于已确认写入过的键，读返回空：客户端历史不可线性化。",
            || lone_survivor(Some("serve_before_replay")),
        ),
        preset(
            "primary-backup-bug-ack-before-backups-apply",
            "primary-backup",
            "Bug: acknowledging before the backups apply",
            "缺陷：备份执行之前就确认",
            "The primary's link to backup n4 holds its messages from 1 s to 1.3 s, with the planted bug ack_before_backups_apply: the primary acknowledges each write as soon as its log file has it, while n4, still in its view, has not applied it. Were the primary to crash then, n4 could take over lacking an acknowledged write. The check Acknowledged on every backup fails. (Without the bug the writes wait for n4 until the link delivers.)",
            "主副本到备份 n4 的链路在 1 秒到 1.3 秒之间扣住消息，并植入缺陷 ack_before_backups_apply：主副本的日志文件一拥有写入就立即确认，而仍在视图中的 n4 尚未执行它。若主副本此时崩溃，n4 接任时会缺少一个已确认的写入。检查“每个备份都已确认”失败。（没有该缺陷时，写入会等待 n4，直到链路恢复投递。）",
            || with_bug(slow_backup(), "ack_before_backups_apply"),
        ),
        preset(
            "primary-backup-storage-crash",
            "primary-backup",
            "The storage crashes and loses what it had not synced",
            "存储崩溃，丢失尚未同步的内容",
            "Backup n3 crashes at 1 s and comes back at 1.2 s with an empty memory. Meanwhile the storage n6 crashes at 1.1 s, losing every write it had not synced, and is back at 1.15 s. Then the primary n5 and the other backup n4 crash. n3 is the only replica left: it fences the log and replays it. The storage synced each appended record before acknowledging it, so the log holds every write the primary acknowledged, and n3 serves them all.",
            "备份 n3 在 1 秒崩溃，1.2 秒带着空内存恢复。其间存储 n6 在 1.1 秒崩溃，丢失所有尚未同步的写入，1.15 秒恢复。随后主副本 n5 和另一个备份 n4 崩溃。n3 是仅剩的副本：它隔离日志并重放。存储在确认每条追加的记录之前先同步，所以日志中有主副本确认过的每一个写入，n3 全都能提供。",
            || storage_loses_unsynced(None),
        ),
        preset(
            "primary-backup-bug-ack-before-sync",
            "primary-backup",
            "Bug: the storage acknowledges before its sync",
            "缺陷：存储在同步之前就确认",
            "The storage crash with the planted bug ack_before_sync: the storage acknowledges appended records from its page cache, before they are on disk. Its crash at 1.1 s loses every write acknowledged since the epoch's fence. n3, the only replica left, replays a log without them, and a read of k0 returns nothing although acknowledged writes set it: the client history is not linearizable.",
            "带有植入缺陷 ack_before_sync 的存储崩溃：存储在记录落盘之前、从页缓存中就确认追加的记录。它在 1.1 秒崩溃，丢失了本纪元隔离之后确认过的所有写入。仅剩的副本 n3 重放的日志中没有这些写入，对 k0 的读取什么也没返回，尽管已确认的写入设置过它：客户端历史不可线性化。",
            || storage_loses_unsynced(Some("ack_before_sync")),
        ),
    ]
}
