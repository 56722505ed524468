//! Zab presets: fixed-seed scenarios of ZooKeeper's atomic broadcast (Junqueira, Reed,
//! Serafini, DSN 2011; Zab 1.0 as ZooKeeper runs it) with captions in English and Chinese.
//! Links take 10 ms, so that the captions can say what happens when: the five servers elect
//! n4 (every vote ties on epoch and zxid, and the highest id wins) and it is established,
//! synchronized with a quorum, by about 130 ms.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig};
use serde_json::json;

fn zab(nodes: u32, seed: u64, config: serde_json::Value, faults: Vec<crate::sim::TimedFault>) -> Scenario {
    let mut s = Scenario::current("zab", nodes, seed);
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = faults;
    s
}

fn put(t_ms: u64, node: u32, key: &str, value: &str) -> crate::sim::TimedFault {
    at(t_ms * 1_000, Fault::Request { node, op: ClientOp::Put { key: key.into(), value: value.into() } })
}

fn get(t_ms: u64, node: u32, key: &str) -> crate::sim::TimedFault {
    at(t_ms * 1_000, Fault::Request { node, op: ClientOp::Get { key: key.into() } })
}

fn ms(t: u64, fault: Fault) -> crate::sim::TimedFault {
    at(t * 1_000, fault)
}

fn broadcast() -> Scenario {
    zab(5, 1, json!({}), vec![put(300, 1, "x", "1"), put(400, 4, "y", "2"), put(410, 2, "x", "3"), get(600, 0, "x")])
}

/// y reaches only n3 before the leader crashes; the followers give up on the leader at
/// once (the page's "time out now"): n3 holds the highest zxid, wins, and y is committed in
/// the new epoch although no client was told.
fn leader_crash() -> Scenario {
    let cut = |to| ms(399, Fault::CutOneWay { from: 4, to });
    let mut faults = vec![put(300, 4, "x", "1"), cut(0), cut(1), cut(2), put(400, 4, "y", "2"), ms(415, Fault::Crash { node: 4 })];
    faults.extend((0..4).map(|n| ms(420, Fault::TimeoutNow { node: n })));
    faults.extend([ms(600, Fault::HealAll), ms(1_500, Fault::Restart { node: 4 })]);
    zab(5, 2, json!({}), faults)
}

/// y reaches nobody: the new leader's epoch has no y, and the old leader, back, is cut back by TRUNC.
fn trunc(bug: Option<&str>) -> Scenario {
    let cut = |to| ms(399, Fault::CutOneWay { from: 4, to });
    let config = bug.map_or(json!({}), |b| json!({ "bug": b }));
    zab(5, 3, config, vec![put(300, 4, "x", "1"), cut(0), cut(1), cut(2), cut(3), put(400, 4, "y", "2"), ms(405, Fault::Crash { node: 4 }), ms(600, Fault::HealAll), put(1_000, 3, "z", "3"), ms(1_500, Fault::Restart { node: 4 })])
}

fn trunc_clean() -> Scenario {
    trunc(None)
}

fn trunc_bug() -> Scenario {
    trunc(Some("diff_not_trunc"))
}

/// n0 is down while ten writes commit; the leader keeps only its last four in memory, so n0
/// comes back to a SNAP.
fn snap(bug: Option<&str>) -> Scenario {
    let mut config = json!({ "committed_log": 4 });
    if let Some(b) = bug {
        config["bug"] = json!(b);
    }
    let mut faults = vec![ms(200, Fault::Crash { node: 0 })];
    faults.extend((0..10).map(|i| put(300 + 50 * i, 1 + (i as u32 % 4), &format!("k{i}"), &i.to_string())));
    faults.push(ms(1_000, Fault::Restart { node: 0 }));
    zab(5, 4, config, faults)
}

fn snap_clean() -> Scenario {
    snap(None)
}

fn snap_bug() -> Scenario {
    snap(Some("snap_not_persisted"))
}

/// n0 is down while x commits and comes back to a DIFF; with the planted bug its disk takes
/// the new currentEpoch before the transactions.
fn epoch_bug() -> Scenario {
    zab(5, 5, json!({ "bug": "epoch_before_txns" }), vec![ms(200, Fault::Crash { node: 0 }), put(300, 4, "x", "1"), put(350, 4, "y", "2"), ms(600, Fault::Restart { node: 0 })])
}

/// x commits in epoch 1; the leader n4 and n3 crash, n3 comes back at once without having
/// delivered anything and is elected (the highest id of the equal votes); clients write to
/// it while it synchronizes.
fn skip_sync_bug() -> Scenario {
    let mut faults = vec![put(300, 4, "x", "1"), ms(500, Fault::Crash { node: 4 }), ms(500, Fault::Crash { node: 3 }), ms(510, Fault::Restart { node: 3 })];
    faults.extend((0..8).map(|i| put(560 + 20 * i, 3, "y", &i.to_string())));
    zab(5, 6, json!({ "bug": "skip_sync" }), faults)
}

/// b reaches only n0 before the leader n2 crashes and loses it from its own log; n0 leads
/// epoch 2 and synchronizes n1, which (planted bug) acknowledges NEWLEADER before b is on its
/// disk. b commits; then n1 crashes losing unsynced writes and n0 crashes: the two servers
/// left have never held b.
fn ack_bug() -> Scenario {
    let t = ACK_BUG_NEWLEADER_MS;
    zab(3, 8, json!({ "bug": "ack_newleader_before_sync" }), vec![
        put(300, 2, "a", "1"),
        ms(399, Fault::CutOneWay { from: 2, to: 1 }),
        put(400, 2, "b", "2"),
        ms(401, Fault::CrashLoseUnsynced { node: 2 }),
        ms(600, Fault::HealAll),
        at(t * 1_000 + 500, Fault::CrashLoseUnsynced { node: 1 }),
        ms(t + 15, Fault::Crash { node: 0 }),
        ms(t + 100, Fault::Restart { node: 2 }),
        ms(t + 100, Fault::Restart { node: 1 }),
        put(t + 600, 2, "c", "3"),
    ])
}

/// When NEWLEADER of epoch 2 reaches n1 in `ack_bug` (read off its trace): n0 is elected at
/// 740 ms, proposes epoch 2 and synchronizes n1 by 770 ms; n1's fsync would end at 772 ms.
const ACK_BUG_NEWLEADER_MS: u64 = 770;

/// Reads sync through the leader. A partition cuts the leader n4 and n0 off; n4's clock runs
/// slow, so it notices late that it lost its quorum. The majority elects n3 and commits x=2;
/// then a read at n0 syncs through n4, which still believes it leads, and returns x=1.
fn sync_deposed() -> Scenario {
    zab(5, 9, json!({ "reads": "sync" }), vec![
        put(300, 1, "x", "1"),
        ms(390, Fault::ClockDrift { node: 4, drift_ppm: -400_000 }),
        ms(400, Fault::Partition { groups: vec![vec![0, 4], vec![1, 2, 3]] }),
        put(760, 1, "x", "2"),
        get(810, 0, "x"),
        ms(1_500, Fault::HealAll),
        ms(1_500, Fault::ClockDrift { node: 4, drift_ppm: 0 }),
    ])
}

/// Three servers over 2 ms links with a 10 ms fsync: the followers (planted bug) ACK each
/// proposal before their fsync, so the leader commits x before any disk holds it.
fn ack_fsync_bug() -> Scenario {
    let mut s = zab(3, 10, json!({ "bug": "ack_before_fsync", "fsync_us": 10_000 }), vec![put(300, 2, "x", "1")]);
    s.net = NetConfig { latency_min_us: 2_000, latency_max_us: 2_000, ..NetConfig::default() };
    s
}

/// The client attached to n1 writes k twice; before its second write, n2 is cut off from
/// everyone (it stays in broadcast until syncLimit passes, 250 ms later), then n1 crashes.
/// The client's read goes to n1, which is down, and 50 ms later to n2, which is behind what
/// the client has seen.
fn client_failover(bug: Option<&str>) -> Scenario {
    let config = bug.map_or_else(|| json!({}), |b| json!({ "bug": b }));
    zab(5, 11, config, vec![
        put(300, 1, "k", "1"),
        ms(400, Fault::Partition { groups: vec![vec![0, 1, 3, 4], vec![2]] }),
        put(400, 1, "k", "2"),
        ms(500, Fault::Crash { node: 1 }),
        get(520, 1, "k"),
        ms(1_500, Fault::HealAll),
        ms(1_500, Fault::Restart { node: 1 }),
    ])
}

fn client_failover_clean() -> Scenario {
    client_failover(None)
}

fn client_failover_bug() -> Scenario {
    client_failover(Some("no_last_zxid_check"))
}

fn same_faults() -> Scenario {
    super::same_faults("zab")
}

pub fn presets() -> Vec<Preset> {
    vec![
        preset(
            "zab-broadcast",
            "zab",
            "Zab: election, discovery, synchronization, broadcast",
            "Zab：选举、发现、同步、广播",
            "Every server votes for itself; votes tie on epoch and last zxid, so Fast Leader Election picks the highest \
             id, n4. Discovery: the followers send FOLLOWERINFO (the paper's CEPOCH), n4 proposes epoch 1 (LEADERINFO, \
             NEWEPOCH) and a quorum acknowledges it (ACKEPOCH, ACK-E). Synchronization: each follower gets a DIFF and \
             NEWLEADER, writes it to disk and acknowledges; with a quorum n4 sends UPTODATE (COMMIT-LD). Broadcast: \
             writes reach n4 from any server, go out as PROPOSALs with zxid (1, 1), (1, 2), ..., commit once a quorum \
             ACKed, and every server delivers them in zxid order. The read at n0 is answered from n0's own copy.",
            "每台服务器先投自己一票；各票的 epoch 和最后 zxid 都相同，于是快速领导者选举选出编号最大的 n4。发现阶段：跟随者发送 \
             FOLLOWERINFO（论文中的 CEPOCH），n4 提出 epoch 1（LEADERINFO，即 NEWEPOCH），法定多数确认（ACKEPOCH，即 ACK-E）。\
             同步阶段：每个跟随者收到 DIFF 和 NEWLEADER，写入磁盘后确认；收齐法定多数后 n4 发送 UPTODATE（COMMIT-LD）。广播阶段：\
             写请求可从任一服务器转到 n4，以 zxid (1, 1)、(1, 2)……作为 PROPOSAL 发出，法定多数 ACK 后提交，每台服务器按 zxid 顺序交付。\
             n0 上的读请求由 n0 自己的副本回答。",
            broadcast,
        ),
        preset(
            "zab-leader-crash",
            "zab",
            "Zab: the leader crashes mid-broadcast",
            "Zab：领导者在广播中途崩溃",
            "x is committed everywhere. The leader n4 then proposes y, but only n3 receives it before n4 crashes: y is \
             not committed and its client is never told. The followers give up on n4 at once (\"time out now\"). Zab \
             promises that x survives any leader change, and it does. y may survive or vanish: here n3 holds the \
             highest zxid, wins the election, and y becomes part of epoch \
             2's initial history, committed once a quorum acknowledges NEWLEADER. That is allowed: a client that got \
             no answer cannot tell whether its write took effect.",
            "x 已在所有服务器提交。随后领导者 n4 提出 y，但在 n4 崩溃前只有 n3 收到：y 尚未提交，客户端也没有收到回复。跟随者们立即放弃 n4（“立即超时”）。Zab 保证 x \
             在任何领导者更替后都保留下来，事实也是如此。y 则可能保留也可能消失：这里 n3 持有最大的 zxid，赢得选举，y 成为 epoch 2 \
             初始历史的一部分，在法定多数确认 NEWLEADER 后提交。这是允许的：没有收到回复的客户端无法知道它的写入是否生效。",
            leader_crash,
        ),
        preset(
            "zab-trunc",
            "zab",
            "Zab: a returning old leader is truncated (TRUNC)",
            "Zab：归来的旧领导者被截断（TRUNC）",
            "The leader n4 proposes y but crashes before anyone receives it. The others elect n3, epoch 2, and commit \
             z as (2, 1). When n4 returns, its last zxid (1, 2) is not in the leader's history: the leader sends \
             TRUNC back to (1, 1), then the transactions after it, so n4 drops y, which nobody ever delivered. (Its \
             client, never answered, retries y in its session; the retry commits as (2, 2).)",
            "领导者 n4 提出 y，但在任何人收到之前就崩溃了。其余服务器选出 n3（epoch 2），并把 z 作为 (2, 1) 提交。n4 回来时，它的最后 \
             zxid (1, 2) 不在领导者的历史中：领导者发送 TRUNC 截断到 (1, 1)，再发送其后的事务，于是 n4 丢弃了从未被任何人交付的 y。（一直没有收到回复的客户端在会话中重试 y，重试作为 (2, 2) 提交。）",
            trunc_clean,
        ),
        preset(
            "zab-snap",
            "zab",
            "Zab: a lagging follower synchronized by SNAP",
            "Zab：落后的跟随者通过 SNAP 同步",
            "n0 is down while ten writes commit. The leader keeps only its last four transactions in memory \
             (committed_log 4; ZooKeeper keeps 500), so when n0 returns with nothing, a DIFF cannot reach back far \
             enough: the leader sends a SNAP, a snapshot of its committed state. n0 writes it to disk before it \
             acknowledges NEWLEADER.",
            "n0 停机期间提交了十次写入。领导者在内存中只保留最近四个事务（committed_log 为 4；ZooKeeper 保留 500 个），所以 n0 \
             空着回来时，DIFF 无法追溯到那么远：领导者发送 SNAP，即其已提交状态的快照。n0 先把它写入磁盘，再确认 NEWLEADER。",
            snap_clean,
        ),
        preset(
            "zab-same-faults-as-raft",
            "zab",
            "Zab beside Raft: epochs and terms under the same faults",
            "Zab 与 Raft 对照：相同故障下的 epoch 与任期",
            "The same schedule as the preset raft-same-faults-as-zab, open it beside this one. The leader n4 crashes at \
             600 ms: n3 wins the election and a quorum agrees on epoch 2. From 1.2 s to 2 s a partition leaves no side \
             with three live servers: the servers go back to election and stay there, since no vote gathers a quorum, \
             so no new epoch is proposed and acceptedEpoch stays put. Raft's term, by contrast, rises with every \
             election attempt, on both sides. After the heal one more epoch is agreed, and n4 comes back so far behind \
             (nine transactions, more than the leader's committed log of eight) that it gets a SNAP.",
            "与预设 raft-same-faults-as-zab 的故障安排完全相同，请把两者并排打开。领导者 n4 在 600 毫秒崩溃：n3 赢得选举，法定多数同意 \
             epoch 2。从 1.2 秒到 2 秒，分区使任何一边都没有三台在线服务器：服务器回到选举并一直停在那里，因为没有哪张票能得到法定多数，\
             因此不会提出新的 epoch，acceptedEpoch 保持不变。相比之下，Raft 的任期在两边都随每次选举尝试而上升。分区恢复后再商定一个 \
             epoch；n4 回来时落后太多（九个事务，超过领导者保留的八个），收到的是 SNAP。",
            same_faults,
        ),
        preset(
            "zab-sync-deposed-leader",
            "zab",
            "Zab: sync, then read, at a deposed leader's follower (not linearizable)",
            "Zab：在被废黜领导者的跟随者处先 sync 再读（不满足线性一致性）",
            "Reads here sync through the leader first (ZooKeeper's sync, then read). At 400 ms a partition cuts the \
             leader n4 and n0 off from the other three, and n4's clock runs slow, so it notices only late that it lost \
             its quorum. The majority elects n3 (epoch 2) and commits x=2; its client is answered. Then a client reads \
             x at n0: n0 syncs through n4, which still believes it leads and has nothing outstanding, so n0 answers \
             x=1 after x=2 was acknowledged. Every server still delivers one order (sequential consistency), but the \
             read is not linearizable: open the client history to see the checker's verdict.",
            "这里的读取先通过领导者做 sync（ZooKeeper 的先 sync 再读）。400 毫秒时，分区把领导者 n4 和 n0 与另外三台隔开，而 n4 的时钟 \
             走得慢，很晚才发现自己失去了法定多数。多数派选出 n3（epoch 2）并提交 x=2，客户端收到了确认。随后一个客户端在 n0 读取 x：\
             n0 通过 n4 做 sync，n4 仍以为自己是领导者且没有未完成的提议，于是 n0 在 x=2 已被确认之后回答 x=1。所有服务器仍按同一顺序\
             交付（顺序一致性），但这次读取不满足线性一致性：打开客户端历史即可看到检查器的结论。",
            sync_deposed,
        ),
        preset(
            "zab-client-failover",
            "zab",
            "A client fails over and never goes back in time",
            "客户端切换服务器，但不会看到更旧的状态",
            "A client attached to n1 writes k = 1, then k = 2; it saw the second write done at zxid (1, 2). Meanwhile n2 \
             was cut off from everyone at 400 ms: it still believes it follows n4 and serves reads from its state, which \
             stops at (1, 1), until syncLimit passes (250 ms). n1 crashes at 500 ms, so the client's read goes to n1, \
             finds it down, and 50 ms later tries n2. Its request carries the last zxid it saw, as a ZooKeeper session \
             does; n2 is behind it and refuses (\"try another server\"), and n3 answers k = 2. Reads on Zab are not \
             linearizable, but no client ever sees an older state than one it has seen (SingleSystemImage).",
            "连接在 n1 上的客户端先写 k = 1，再写 k = 2；它看到第二次写在 zxid (1, 2) 完成。与此同时，n2 在 400 毫秒与所有节点断开：\
             在 syncLimit（250 毫秒）过去之前，它仍以为自己跟随 n4，并用停在 (1, 1) 的状态回答读请求。n1 在 500 毫秒崩溃，于是客户端的读请求\
             先发往 n1，发现它已宕机，50 毫秒后改试 n2。请求带着客户端见过的最新 zxid，就像 ZooKeeper 的会话那样；n2 落后于它，于是拒绝\
             （“请换一台服务器”），由 n3 回答 k = 2。Zab 上的读不是线性一致的，但任何客户端都不会看到比它已见过的更旧的状态（SingleSystemImage）。",
            client_failover_clean,
        ),
        preset(
            "zab-bug-skip-sync",
            "zab",
            "Teaching bug: the new leader broadcasts before synchronization",
            "教学缺陷：新领导者在同步前就开始广播",
            "x was committed in epoch 1. The leader and n3 crash; n3 returns at once, having delivered nothing since \
             its restart, and wins. With the planted bug it starts proposing as soon as a quorum acknowledged its \
             epoch, without waiting for a quorum to acknowledge NEWLEADER: it broadcasts before delivering x, which \
             other servers delivered in epoch 1. PrimaryIntegrity is violated.",
            "x 已在 epoch 1 提交。领导者和 n3 崩溃；n3 立即重启，重启后尚未交付任何事务，并赢得选举。在植入的缺陷下，它在法定多数确认 \
             epoch 后就开始提议，不等法定多数确认 NEWLEADER：它在交付 x 之前就开始广播，而其他服务器已在 epoch 1 交付了 x。\
             违反 PrimaryIntegrity。",
            skip_sync_bug,
        ),
        preset(
            "zab-bug-diff-not-trunc",
            "zab",
            "Teaching bug: DIFF where TRUNC was needed",
            "教学缺陷：本该 TRUNC 却发送了 DIFF",
            "The zab-trunc scenario with the planted bug: the leader sends the returning n4 a DIFF of what follows its \
             last zxid instead of TRUNC. n4 keeps y, which was never committed, and delivers it where the others \
             delivered z: histories diverge (Agreement, PrefixConsistency, Integrity of the order).",
            "即 zab-trunc 场景加上植入的缺陷：领导者给归来的 n4 发送其最后 zxid 之后的 DIFF，而不是 TRUNC。n4 保留了从未提交的 y，\
             并在其他服务器交付 z 的位置交付了它：历史出现分歧（违反 Agreement、PrefixConsistency）。",
            trunc_bug,
        ),
        preset(
            "zab-bug-ack-newleader-before-sync",
            "zab",
            "Teaching bug: NEWLEADER acknowledged before the history is on disk (ZOOKEEPER-3911, -4646)",
            "教学缺陷：历史尚未落盘就确认了 NEWLEADER（ZOOKEEPER-3911、-4646）",
            "b reaches only n0 before the leader n2 crashes, losing b from its own unsynced log. n0 wins epoch 2 and \
             synchronizes n1 with a DIFF holding b; with the planted bug n1 acknowledges NEWLEADER before b is on its \
             disk, so n0 counts a quorum, commits and delivers b while only its own disk holds it (DurableCommit). n1 \
             then crashes losing its unsynced writes, and n0 crashes. n1 and n2 come back without b, elect n2 for \
             epoch 3, and commit c where n0 delivered b: Agreement is violated.",
            "b 只到达了 n0，领导者 n2 就崩溃了，并从自己未同步的日志中丢失了 b。n0 赢得 epoch 2，用包含 b 的 DIFF 同步 n1；在植入的缺陷下，\
             n1 在 b 落盘之前就确认了 NEWLEADER，于是 n0 认为已有法定多数，在只有自己的磁盘持有 b 时就提交并交付了它（DurableCommit）。随后 n1 崩溃并丢失未同步的写入，n0 也崩溃。\
             n1 和 n2 回来时都没有 b，选出 n2 作为 epoch 3 的领导者，并在 n0 交付 b 的位置提交了 c：违反 Agreement。",
            ack_bug,
        ),
        preset(
            "zab-bug-ack-before-fsync",
            "zab",
            "Teaching bug: a proposal acknowledged before its fsync",
            "教学缺陷：提议在 fsync 之前就被确认",
            "Links take 2 ms and an fsync 10 ms. With the planted bug a follower ACKs a PROPOSAL as soon as it has \
             logged it, before the fsync. The leader n2 proposes x at 300 ms; both followers' early ACKs reach it at \
             304 ms, a quorum, and it commits x while no disk holds it yet (n2's own fsync ends at 310 ms, the \
             followers' at 312 ms). Crashes that lost the unsynced writes would lose a committed transaction whose \
             client was told it succeeded. DurableCommit flags the commit.",
            "链路延迟 2 毫秒，一次 fsync 需要 10 毫秒。在植入的缺陷下，跟随者一写入日志就对 PROPOSAL 回复 ACK，不等 fsync。领导者 n2 \
             在 300 毫秒提出 x；两个跟随者提前发出的 ACK 在 304 毫秒到达，构成法定多数，于是 n2 在还没有任何磁盘持有 x 时就提交了它（n2 \
             自己的 fsync 在 310 毫秒结束，跟随者的在 312 毫秒）。丢失未同步写入的崩溃会让一个已告知客户端成功的已提交事务丢失。\
             DurableCommit 标出这次提交。",
            ack_fsync_bug,
        ),
        preset(
            "zab-bug-no-last-zxid-check",
            "zab",
            "Teaching bug: a server answers a client that has seen more than it has",
            "教学缺陷：服务器回答了一个比它见得更多的客户端",
            "The same failover, with the planted bug: n2 does not compare the client's last zxid with its own and \
             answers from its stale state. The client, which saw k = 2 written, now reads k = 1: time went backwards \
             for it, and SingleSystemImage is violated. ZooKeeper's server refuses such a client (\"client must try \
             another server\").",
            "同样的切换，但带有植入的缺陷：n2 不比较客户端见过的最新 zxid 与自己的，直接用过时的状态回答。客户端明明看到 k = 2 已写入，\
             现在却读到 k = 1：对它来说时间倒流了，违反 SingleSystemImage。ZooKeeper 的服务器会拒绝这样的客户端（“client must try \
             another server”）。",
            client_failover_bug,
        ),
        preset(
            "zab-bug-epoch-before-txns",
            "zab",
            "Teaching bug: currentEpoch on disk before the history (ZOOKEEPER-4643)",
            "教学缺陷：currentEpoch 先于历史写入磁盘（ZOOKEEPER-4643）",
            "n0 returns after x and y committed and is synchronized by DIFF. With the planted bug it writes its new \
             currentEpoch to disk at NEWLEADER before the transactions it was sent. Were it to crash now, it would \
             come back with the new epoch and an old history, win the next election on that epoch, and truncate \
             committed transactions from the others. DurableEpoch flags the disk at once.",
            "x 和 y 提交后 n0 回来，通过 DIFF 同步。在植入的缺陷下，它在收到 NEWLEADER 时先把新的 currentEpoch 写入磁盘，然后才写收到的事务。\
             如果此刻崩溃，它会带着新的 epoch 和旧的历史回来，凭这个 epoch 赢得下一次选举，并截断其他服务器上已提交的事务。\
             DurableEpoch 立即标出这块磁盘。",
            epoch_bug,
        ),
        preset(
            "zab-bug-snap-not-persisted",
            "zab",
            "Teaching bug: a SNAP kept only in memory (ZOOKEEPER-3642)",
            "教学缺陷：SNAP 只保存在内存中（ZOOKEEPER-3642）",
            "The zab-snap scenario with the planted bug: n0 takes the SNAP into memory but never writes it to disk, \
             then acknowledges NEWLEADER and logs later transactions after its old, empty log. Its last zxid looks \
             current, so after a restart the leader would send it only a DIFF, and the snapshot's transactions would \
             be gone for good. DurableEpoch flags the disk.",
            "即 zab-snap 场景加上植入的缺陷：n0 把 SNAP 放进内存却从未写入磁盘，随后确认 NEWLEADER，并把之后的事务记在它旧的空日志后面。\
             它的最后 zxid 看起来是最新的，所以重启后领导者只会给它发 DIFF，快照中的事务就永远丢失了。DurableEpoch 标出这块磁盘。",
            snap_bug,
        ),
    ]
}
