//! Raft presets: fixed-seed scenarios with captions in English and Chinese, each showing one
//! part of the Raft paper (§5.2 elections, §5.3-5.4 replication and Figures 7-8, thesis §9.6).

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig, TimedFault};
use serde_json::json;


fn put(at_us: u64, node: u32, k: &str, v: &str) -> TimedFault {
    at(at_us, Fault::Request { node, op: ClientOp::Put { key: k.into(), value: v.into() } })
}

fn base(seed: u64) -> Scenario {
    Scenario::new("raft", 5, seed)
}

fn election() -> Scenario {
    let mut s = base(1);
    s.faults = vec![put(800_000, 0, "x", "1"), put(1_200_000, 2, "y", "2")];
    s
}

fn leader_crash() -> Scenario {
    let mut s = base(2);
    s.faults = vec![put(600_000, 0, "x", "1")];
    // The first leader of seed 2 is crashed by the preset's own test; here every node is
    // crashed in turn is not wanted: crash the node that leads after 1 s via its id.
    s.faults.push(at(1_000_000, Fault::Crash { node: LEADER_SEED_2 }));
    s.faults.push(put(1_800_000, 1, "y", "2"));
    s.faults.push(at(2_500_000, Fault::Restart { node: LEADER_SEED_2 }));
    s
}

/// Who wins the first election with seed 2 (checked by tests/suite/raft_presets.rs).
pub const LEADER_SEED_2: u32 = 0;

fn split_vote() -> Scenario {
    let mut s = Scenario::new("raft", 4, 3);
    s.net = NetConfig { latency_min_us: 40_000, latency_max_us: 40_000, ..NetConfig::default() };
    // n0's RequestVote cannot reach n3 and n2's cannot reach n1: two votes each.
    s.faults = vec![
        at(5_000, Fault::CutOneWay { from: 0, to: 3 }),
        at(5_000, Fault::CutOneWay { from: 2, to: 1 }),
        at(10_000, Fault::TimeoutNow { node: 0 }),
        at(10_000, Fault::TimeoutNow { node: 2 }),
        at(100_000, Fault::HealAll),
    ];
    s
}

fn minority_partition() -> Scenario {
    let mut s = base(4);
    s.faults = vec![
        at(10_000, Fault::TimeoutNow { node: 0 }),
        at(500_000, Fault::Partition { groups: vec![vec![0, 1]] }),
        put(700_000, 0, "lost", "never commits"),
        put(900_000, 3, "kept", "commits"),
        at(2_500_000, Fault::HealAll),
    ];
    s
}

fn figure_7() -> Scenario {
    let mut s = Scenario::new("raft", 7, 5);
    s.config = config(r#"{
        "initial_logs": [
            [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
            [1, 1, 1, 4, 4, 5, 5, 6, 6],
            [1, 1, 1, 4],
            [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
            [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
            [1, 1, 1, 4, 4, 4, 4],
            [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]
        ],
        "initial_terms": [7, 7, 7, 7, 7, 7, 7],
        "election_timeout_us_min": 1_000_000, "election_timeout_us_max": 2_000_000
    }"#);
    s.faults = vec![at(10_000, Fault::TimeoutNow { node: 0 }), put(400_000, 0, "x", "8")];
    s
}

/// Figure 8 from state (c): S1 (n0) leads term 4 with the term-2 entry at index 2, S5 (n4)
/// holds a term-3 entry there. One entry per AppendEntries, so index 2 reaches a majority
/// before the term-4 entry does; then n0 crashes and n4 can win.
fn figure_8(bug: bool) -> Scenario {
    let mut s = base(6);
    let mut config = config(r#"{
        "initial_logs": [[1, 2], [1, 2], [1], [1], [1, 3]],
        "initial_terms": [3, 3, 3, 3, 3],
        "max_entries_per_append": 1,
        "election_timeout_us_min": 300_000, "election_timeout_us_max": 600_000
    }"#);
    if bug {
        config["bug"] = json!("commit_old_term");
    }
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = vec![
        at(0, Fault::Crash { node: 4 }),
        at(5_000, Fault::TimeoutNow { node: 0 }),
        // n2 and n3 acknowledge index 2 at 65 ms; n0's term-4 entry to them is lost as n0
        // is cut off and then crashes.
        at(60_000, Fault::CutOneWay { from: 0, to: 1 }),
        at(60_000, Fault::CutOneWay { from: 0, to: 2 }),
        at(60_000, Fault::CutOneWay { from: 0, to: 3 }),
        at(70_000, Fault::Crash { node: 0 }),
        at(71_000, Fault::HealAll),
        at(75_000, Fault::Restart { node: 4 }),
        at(80_000, Fault::TimeoutNow { node: 4 }),
    ];
    s
}

fn rejoin(pre_vote: bool) -> Scenario {
    let mut s = base(7);
    s.config = json!({"pre_vote": pre_vote});
    s.faults = vec![
        at(10_000, Fault::TimeoutNow { node: 0 }),
        at(400_000, Fault::Partition { groups: vec![vec![4]] }),
        put(600_000, 0, "x", "1"),
        at(2_400_000, Fault::HealAll),
    ];
    s
}

/// Who leads at 1 s in a 3-node version-2 cluster with seed 7 (checked by tests/suite/raft_clients.rs).
pub const LEADER_READS_SEED_7: u32 = 1;

/// Version 2: put x=1, cut the leader off, put x=2 through the new leader, then a client
/// reads x at the old leader (thesis §6.4: may it answer from its own state?).
pub fn read_at_deposed_leader(config: serde_json::Value) -> Scenario {
    let old = LEADER_READS_SEED_7;
    let mut s = Scenario::current("raft", 3, 7);
    s.config = config;
    s.faults = vec![
        put(1_000_000, old, "x", "1"),
        at(1_500_000, Fault::Partition { groups: vec![vec![old]] }),
        put(2_500_000, (old + 1) % 3, "x", "2"),
        at(3_500_000, Fault::Request { node: old, op: ClientOp::Get { key: "x".into() } }),
        at(5_000_000, Fault::HealAll),
    ];
    s
}

fn same_faults() -> Scenario {
    super::same_faults("raft")
}

pub fn presets() -> Vec<Preset> {
    vec![
        preset("raft-election", "raft", "Raft: leader election", "Raft：领导者选举",
            "Five followers wait for a heartbeat. The first whose randomized election timeout (the orange arc) runs out becomes a candidate, asks for votes with RequestVote, and wins a majority. Then client puts are appended, replicated with AppendEntries and committed.",
            "五个跟随者等待心跳。随机选举超时（橙色弧线）最先耗尽的节点成为候选者，用 RequestVote 拉票并获得多数票。随后客户端写入被追加、通过 AppendEntries 复制并提交。",
            election),
        preset("raft-leader-crash", "raft", "Raft: the leader crashes", "Raft：领导者崩溃",
            "The leader crashes. Followers stop hearing heartbeats, one times out, and a new leader is elected in a higher term; the old leader restarts as a follower and catches up.",
            "领导者崩溃。跟随者收不到心跳，其中一个超时，新的领导者在更高的任期当选；旧领导者重启后作为跟随者追上进度。",
            leader_crash),
        preset("raft-split-vote", "raft", "Raft: a split vote", "Raft：选票分裂",
            "Two of four nodes time out at once and each gets two votes: nobody has a majority. Their randomized timeouts differ, so one tries again first and wins the next term.",
            "四个节点中的两个同时超时，各得两票：没有人获得多数。它们的随机超时不同，因此其中一个先重试并赢得下一个任期。",
            split_vote),
        preset("raft-minority-partition", "raft", "Raft: a minority partition", "Raft：少数派分区",
            "The leader ends up on the minority side. It keeps appending a client's put but can never commit it; the majority elects a new leader and commits. When the partition heals, the old leader steps down and its uncommitted entry is overwritten; its client is told to ask the new leader and retries.",
            "领导者落在少数派一侧。它继续追加客户端的写入，却永远无法提交；多数派选出新的领导者并提交。分区恢复后，旧领导者退位，其未提交的条目被覆盖；它的客户端被告知去找新的领导者并重试。",
            minority_partition),
        preset("raft-figure-7", "raft", "Raft: Figure 7 logs", "Raft：论文图 7 的日志",
            "The seven logs of the paper's Figure 7. Node 0 becomes leader of term 8; AppendEntries' consistency check walks nextIndex back for each follower until the logs match, then missing entries are filled in and extra uncommitted ones removed.",
            "论文图 7 中的七份日志。节点 0 成为任期 8 的领导者；AppendEntries 的一致性检查为每个跟随者逐步回退 nextIndex，直到日志匹配，然后补齐缺失的条目并删除多余的未提交条目。",
            figure_7),
        preset("raft-figure-8", "raft", "Raft: Figure 8, done right", "Raft：论文图 8（正确做法）",
            "The term-2 entry at index 2 reaches a majority, but a leader only commits entries of its own term by counting replicas. Node 0 crashes before its term-4 entry replicates, node 4 wins and overwrites index 2: legal, because it was never committed.",
            "索引 2 处任期 2 的条目到达了多数派，但领导者只通过计数副本来提交自己任期的条目。节点 0 在任期 4 的条目复制前崩溃，节点 4 当选并覆盖索引 2：这是合法的，因为它从未被提交。",
            || figure_8(false)),
        preset("raft-figure-8-bug", "raft", "Raft: Figure 8 with the teaching bug", "Raft：论文图 8（教学缺陷）",
            "The same run with a leader that commits the old-term entry as soon as a majority stores it. Node 4 then overwrites a committed entry: Leader Completeness turns red.",
            "同样的过程，但领导者在多数派存有旧任期条目时就提交它。随后节点 4 覆盖了已提交的条目：领导者完整性检查变红。",
            || figure_8(true)),
        preset("raft-rejoin-disrupts", "raft", "Raft: a rejoining node disrupts the leader", "Raft：重新加入的节点干扰领导者",
            "Node 4 is cut off, keeps timing out and raises its term. When it rejoins, its higher term forces the healthy leader to step down and an election follows.",
            "节点 4 被隔离，不断超时并提高任期。它重新加入时，更高的任期迫使健康的领导者退位，随后发生一次选举。",
            || rejoin(false)),
        preset("raft-rejoin-prevote", "raft", "Raft: PreVote keeps the leader", "Raft：PreVote 保住领导者",
            "The same partition with PreVote on. The isolated node asks \"would you vote for me?\" first and never gets a majority, so its term does not grow and the leader is undisturbed when it rejoins.",
            "同样的分区，但开启了 PreVote。被隔离的节点先询问“你会投票给我吗？”，从未得到多数，因此任期不会增长，它重新加入时领导者不受干扰。",
            || rejoin(true)),
        preset("raft-read-index", "raft", "Raft: a read at a deposed leader (ReadIndex)", "Raft：在已被取代的领导者处读取（ReadIndex）",
            "Reads use ReadIndex. The leader is cut off after x=1 and the majority elects a new leader that commits x=2. A client then asks the old leader for x: it cannot get a majority to confirm it still leads, so it never answers; the client times out, retries at another node and reads 2.",
            "读取使用 ReadIndex。领导者在 x=1 之后被隔离，多数派选出新的领导者并提交 x=2。随后客户端向旧领导者读取 x：它无法让多数派确认自己仍是领导者，因此不作回答；客户端超时后向另一个节点重试，读到 2。",
            || read_at_deposed_leader(json!({"read": "read_index"}))),
        preset("raft-stale-read", "raft", "Raft: a stale read (teaching bug)", "Raft：过期读取（教学缺陷）",
            "The same run with a leader that answers reads from its own state without confirming it still leads. The cut-off old leader answers x=1 after x=2 was committed elsewhere: no order of the clients' operations explains that, and Linearizability turns red.",
            "同样的过程，但领导者不确认自己仍是领导者就用本地状态回答读取。被隔离的旧领导者在 x=2 已在别处提交之后回答 x=1：客户端操作的任何顺序都无法解释这一点，线性一致性检查变红。",
            || read_at_deposed_leader(json!({"read": "read_index", "bug": "stale_read"}))),
        preset("raft-same-faults-as-zab", "raft", "Raft beside Zab: terms and epochs under the same faults", "Raft 与 Zab 对照：相同故障下的任期与 epoch",
            "The same schedule as the preset zab-same-faults-as-raft, open it beside this one. Writes go to n0 every 200 ms; n4 crashes at 600 ms (leader or not), a partition from 1.2 s to 2 s leaves no side a majority of live servers, and n4 returns at 2.2 s. Every election attempt starts a new term, on both sides of the partition, so currentTerm climbs while nothing can commit; in Zab a new epoch needs a quorum to agree on it first.",
            "与预设 zab-same-faults-as-raft 的故障安排完全相同，请把两者并排打开。每 200 毫秒向 n0 写入一次；n4 在 600 毫秒崩溃（无论它是否是领导者），1.2 秒到 2 秒的分区使任何一边都没有在线服务器的多数，n4 在 2.2 秒回来。每次选举尝试都会开启新的任期，分区两边都是如此，所以在什么也无法提交时 currentTerm 仍不断攀升；而在 Zab 中，新的 epoch 需要先得到法定多数的同意。",
            same_faults),
    ]
}
