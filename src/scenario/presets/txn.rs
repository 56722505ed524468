//! Distributed-transaction presets: fixed-seed scenarios of two-phase commit, three-phase commit (Bernstein et
//! al. 1987, ch. 7) and Paxos Commit (Gray & Lamport 2006, §4) with captions in English and
//! Chinese.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{Fault, NetConfig};
use serde_json::json;

/// Fixed 10 ms links, so that the captions can say what happens when.
fn two_pc(seed: u64, config: serde_json::Value) -> Scenario {
    let mut s = Scenario::new("2pc", 5, seed);
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s
}

fn all_commit() -> Scenario {
    two_pc(1, json!({}))
}

fn one_votes_no() -> Scenario {
    two_pc(2, json!({"no_votes": [[1, 3]]}))
}

/// Every participant prepares t0 at 20 ms; t1 (the same key) waits behind it. The
/// coordinator crashes at 25 ms, before the votes reach it, and restarts at 1.5 s.
fn coordinator_crash() -> Scenario {
    let mut s = two_pc(3, json!({"keys": 1, "txn_interval_us": 10_000}));
    s.faults = vec![at(25_000, Fault::Crash { node: 0 }), at(1_500_000, Fault::Restart { node: 0 })];
    s
}

/// n3 votes yes for t0 at 50 ms and crashes at 55 ms; the coordinator commits without it
/// and resends Commit until n3, back at 600 ms, recovers from its log and asks.
fn participant_recovery() -> Scenario {
    let mut s = two_pc(4, json!({"transactions": 1}));
    s.faults = vec![at(55_000, Fault::Crash { node: 3 }), at(600_000, Fault::Restart { node: 3 })];
    s
}

/// The coordinator's Commit for t0 reaches only n2 (its links to n3 and n4 are cut), then
/// the coordinator crashes: n3 and n4 learn the decision from n2.
fn cooperative_termination() -> Scenario {
    let mut s = two_pc(5, json!({"transactions": 1}));
    s.faults = vec![
        at(55_000, Fault::CutOneWay { from: 0, to: 3 }),
        at(55_000, Fault::CutOneWay { from: 0, to: 4 }),
        at(75_000, Fault::Crash { node: 0 }),
        at(100_000, Fault::HealAll),
    ];
    s
}

pub(crate) fn two_pc_presets() -> Vec<Preset> {
    vec![
        preset(
            "2pc-commit",
            "2pc",
            "Two-phase commit: every vote yes",
            "两阶段提交：全部投赞成票",
            "The coordinator n0 sends Prepare; each participant takes its lock, forces a prepared record and votes \
             yes; with every yes in, the coordinator forces its commit record, sends Commit and ends the \
             transaction once every participant acknowledged.",
            "协调者 n0 发送 Prepare；每个参与者先加锁，强制写入 prepared 日志，再投赞成票；收齐赞成票后，协调者强制写入 \
             commit 日志并发送 Commit，收到全部确认后结束事务。",
            all_commit,
        ),
        preset(
            "2pc-no-vote",
            "2pc",
            "Two-phase commit: one participant votes no",
            "两阶段提交：一个参与者投反对票",
            "n3 votes no on t1 and aborts at once; one no is enough for the coordinator to abort t1. Under presumed \
             abort the coordinator forces nothing for it and waits for no acknowledgements.",
            "n3 对 t1 投反对票并立即中止；一张反对票就足以让协调者中止 t1。在“假定中止”下，协调者不为它强制写日志，也不等待确认。",
            one_votes_no,
        ),
        preset(
            "2pc-coordinator-crash",
            "2pc",
            "Two-phase commit blocks: the coordinator crashes",
            "两阶段提交的阻塞：协调者崩溃",
            "Every participant has voted yes on t0 when the coordinator crashes. They are uncertain: they hold t0's \
             lock, t1 waits behind it, and neither the backup nor the other participants can tell them the \
             outcome, because all of them are uncertain too. Only when the coordinator restarts at 1.5 s (with no \
             record of t0: presumed abort) do they learn it.",
            "所有参与者都已对 t0 投赞成票时，协调者崩溃。它们处于不确定状态：持有 t0 的锁，t1 在后面等待；备份协调者和其他参与者\
             也都不确定，无法告诉它们结果。直到协调者在 1.5 秒重启（日志里没有 t0：假定中止），它们才得知结果。",
            coordinator_crash,
        ),
        preset(
            "2pc-participant-recovery",
            "2pc",
            "Two-phase commit: a prepared participant recovers",
            "两阶段提交：已准备的参与者恢复",
            "n3 votes yes and crashes. The coordinator commits anyway (every vote was yes) and resends Commit. n3 \
             restarts, finds its prepared record, takes its lock again, and asks for the decision.",
            "n3 投了赞成票后崩溃。协调者仍然提交（所有票都是赞成）并重发 Commit。n3 重启后找到 prepared 日志，重新加锁，并询问决定。",
            participant_recovery,
        ),
        preset(
            "2pc-cooperative-termination",
            "2pc",
            "Two-phase commit: cooperative termination",
            "两阶段提交：协作终止",
            "The coordinator's Commit reaches only n2 before it crashes. n3 and n4, uncertain, ask everyone \
             (DecisionReq); n2 has committed and tells them.",
            "协调者崩溃前，它的 Commit 只到达了 n2。处于不确定状态的 n3 和 n4 向所有节点询问（DecisionReq）；n2 已经提交，告诉了它们。",
            cooperative_termination,
        ),
    ]
}

/// Three-phase commit with three participants, fixed 10 ms links, one transaction begun at
/// 40 ms: a message of a broadcast every 4 ms, so CanCommit goes out at 44, 48 and 52 ms,
/// the votes are in at 72 ms, and PreCommit goes out at 76, 80 and 84 ms.
fn three_pc(seed: u64, faults: Vec<crate::sim::TimedFault>) -> Scenario {
    let mut s = Scenario::new("3pc", 4, seed);
    s.config = json!({"transactions": 1});
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = faults;
    s
}

fn tpc_all_commit() -> Scenario {
    three_pc(21, Vec::new())
}

/// The coordinator crashes at 78 ms: only n1 was sent PreCommit.
fn tpc_coordinator_crash() -> Scenario {
    three_pc(22, vec![at(78_000, Fault::Crash { node: 0 })])
}

/// As the coordinator crash, and at 83 ms a partition puts n1 (about to be pre-committed)
/// apart from n2 and n3 (uncertain).
fn tpc_partition() -> Scenario {
    three_pc(23, vec![at(78_000, Fault::Crash { node: 0 }), at(83_000, Fault::Partition { groups: vec![vec![0, 1], vec![2, 3]] })])
}

pub(crate) fn three_pc_presets() -> Vec<Preset> {
    vec![
        preset(
            "3pc-commit",
            "3pc",
            "Three-phase commit: every vote yes",
            "三阶段提交：全部投赞成票",
            "The coordinator n0 sends CanCommit (VOTE-REQ), one participant at a time. Each participant takes its \
             lock, forces a prepared record and votes yes. With every yes in, the coordinator forces a pre-commit \
             record and sends PreCommit; each participant becomes committable and acknowledges. With every \
             acknowledgement in, the coordinator forces its commit record and sends DoCommit. One more round than \
             two-phase commit: the price of never leaving a committed participant beside an uncertain one.",
            "协调者 n0 逐个向参与者发送 CanCommit（VOTE-REQ）。每个参与者加锁，强制写入 prepared 记录并投赞成票。收齐赞成票后， \
             协调者强制写入 pre-commit 记录并发送 PreCommit；参与者进入可提交状态并确认。收齐确认后，协调者强制写入 commit \
             记录并发送 DoCommit。比两阶段提交多一轮：代价是换来“已提交的参与者旁边绝不会有不确定的参与者”。",
            tpc_all_commit,
        ),
        preset(
            "3pc-coordinator-crash",
            "3pc",
            "Three-phase commit: the coordinator crashes, the participants terminate",
            "三阶段提交：协调者崩溃，参与者自行终止",
            "The coordinator crashes while sending PreCommit: only n1 received it. Unlike two-phase commit, nobody \
             waits for it to come back. At their timeouts the participants elect the lowest-numbered one that is \
             up (n1), which asks every state (STATE-REQ): n1 is committable, so by rule TR4 it sends PreCommit to \
             n2 and n3, and once they acknowledge, commits. Had nobody been committable, rule TR3 would have \
             aborted: with every operational participant uncertain, nobody can have committed.",
            "协调者在发送 PreCommit 的过程中崩溃：只有 n1 收到了。与两阶段提交不同，没有人等它回来。超时后，参与者选出编号最小 \
             且在线的 n1，由它询问所有人的状态（STATE-REQ）：n1 处于可提交状态，因此按规则 TR4 向 n2 和 n3 发送 PreCommit， \
             收到确认后提交。如果没有人处于可提交状态，规则 TR3 会中止：所有在线参与者都不确定时，不可能有人已经提交。",
            tpc_coordinator_crash,
        ),
        preset(
            "3pc-partition",
            "3pc",
            "Three-phase commit under a partition (assumption exceeded)",
            "分区下的三阶段提交（超出假设）",
            "The same crash, and then a partition separates n1 (committable) from n2 and n3 (uncertain). Each side \
             takes the silence of the other for a failure: n1 finds itself committable and commits (TR4); n2, \
             elected on its side, finds only uncertain participants and aborts (TR3). Agreement (AC1) is violated. \
             The run is labelled \"assumption exceeded\": three-phase commit is nonblocking only if failures are \
             crashes detected accurately, and a partition is not one. Quorum-based variants (E3PC, Keidar & \
             Dolev 1995) stay safe here, but may block.",
            "同样的崩溃之后，一次分区把 n1（可提交）与 n2、n3（不确定）隔开。每一边都把另一边的沉默当成故障：n1 发现自己可提交， \
             于是提交（TR4）；n2 在它那一边当选，只看到不确定的参与者，于是中止（TR3）。一致性（AC1）被违反。本次运行标记为 \
             “超出了假设”：三阶段提交只有在故障都是能被准确检测的崩溃时才是非阻塞的，而分区不是。基于法定人数的变体（E3PC， \
             Keidar 与 Dolev 1995）在这里保持安全，但可能阻塞。",
            tpc_partition,
        ),
    ]
}

/// Paxos Commit with F = 1 (acceptors n1-n3, participants n4-n6), fixed 10 ms links.
fn paxos_commit(seed: u64, config: serde_json::Value) -> Scenario {
    let mut s = Scenario::new("paxos-commit", 7, seed);
    s.config = config;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s
}

fn pc_all_commit() -> Scenario {
    paxos_commit(11, json!({}))
}

/// The coordinator crashes at 45 ms, after every participant sent its phase 2a (at 50 ms
/// they arrive) and before any phase 2b reaches it; the acceptors take over.
fn pc_coordinator_crash() -> Scenario {
    let mut s = paxos_commit(12, json!({"transactions": 1}));
    s.faults = vec![at(45_000, Fault::Crash { node: 0 })];
    s
}

pub(crate) fn paxos_commit_presets() -> Vec<Preset> {
    vec![
        preset(
            "paxos-commit-commit",
            "paxos-commit",
            "Paxos Commit: every vote yes",
            "Paxos 提交：全部投赞成票",
            "The coordinator n0 sends Prepare. Each participant forces its prepared record and sends its vote as \
             phase 2a of its own Paxos instance, ballot 0, to the three acceptors n1-n3; each acceptor forces the \
             vote and sends phase 2b to the coordinator. Two acceptors of three (F + 1) choose a vote; with every \
             instance chosen Prepared the coordinator sends Commit. One more message delay than two-phase commit, \
             and it survives the coordinator's crash.",
            "协调者 n0 发送 Prepare。每个参与者强制写入 prepared 记录，并把投票作为自己那个 Paxos 实例的 phase 2a（选票编号 0）\
             发给三个接受者 n1-n3；每个接受者强制写入这一票后向协调者发送 phase 2b。三个接受者中的两个（F + 1）接受即选定；\
             所有实例都选定 Prepared 后，协调者发送 Commit。比两阶段提交多一次消息延迟，但协调者崩溃也不会阻塞。",
            pc_all_commit,
        ),
        preset(
            "paxos-commit-coordinator-crash",
            "paxos-commit",
            "Paxos Commit: the coordinator crashes, an acceptor finishes",
            "Paxos 提交：协调者崩溃，由接受者完成",
            "Every participant has voted, and the coordinator crashes before it learns the votes. The participants \
             wait, then ask the acceptors; n1 takes over as leader with a higher ballot, learns in phase 1 what each \
             instance accepted, proposes the same votes in phase 2, and commits. Unlike two-phase commit, nobody \
             waits for the coordinator to come back.",
            "所有参与者都已投票，协调者在得知投票结果之前崩溃。参与者等待后向接受者询问；n1 以更高的选票编号接任领导者，\
             在 phase 1 中得知每个实例已接受的投票，在 phase 2 中提出相同的投票，然后提交。与两阶段提交不同，没有人需要\
             等协调者回来。",
            pc_coordinator_crash,
        ),
    ]
}
