//! MapReduce presets: fixed-seed word counts (Dean & Ghemawat, OSDI 2004) with captions in
//! English and Chinese: a clean run, a worker that dies after its maps finished (§3.3), a
//! straggler with and without backup tasks (§3.6), and each teaching bug.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{Fault, NetConfig};
use serde_json::json;

/// Fixed 5 ms links, so that the captions can say what happens when.
fn mapreduce(nodes: u32, seed: u64, config: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("mapreduce", nodes, seed);
    s.config = config;
    s.net = NetConfig { latency_min_us: 5_000, latency_max_us: 5_000, ..NetConfig::default() };
    s
}

fn clean() -> Scenario {
    mapreduce(6, 1, json!({}))
}

fn chinese() -> Scenario {
    mapreduce(6, 2, json!({"language": "zh", "words": 1200, "vocabulary": 300}))
}

/// n3 completes m2 at about 420 ms and runs reduce r2; it crashes at 600 ms. The master
/// marks it failed one worker timeout later, runs m2 again and gives r2 to another worker.
fn worker_dies(config: serde_json::Value) -> Scenario {
    let mut s = mapreduce(6, 1, config);
    s.faults = vec![at(600_000, Fault::Crash { node: 3 })];
    s
}

fn dies_after_maps() -> Scenario {
    worker_dies(json!({}))
}

/// n5 runs at a tenth of its speed from the start: its map takes ten times as long.
fn straggler(backup_tasks: bool) -> Scenario {
    let mut s = mapreduce(6, 1, json!({"backup_tasks": backup_tasks}));
    s.faults = vec![at(0, Fault::Slow { node: 5, factor: 10 })];
    s
}

fn straggler_backup() -> Scenario {
    straggler(true)
}

fn straggler_no_backup() -> Scenario {
    straggler(false)
}

fn bug(name: &str) -> serde_json::Value {
    json!({ "bug": name })
}

fn bug_no_reexecute() -> Scenario {
    worker_dies(bug("no_reexecute_completed_maps"))
}

fn bug_nondeterministic_map() -> Scenario {
    worker_dies(bug("nondeterministic_map"))
}

fn bug_averaging_combiner() -> Scenario {
    mapreduce(6, 1, bug("averaging_combiner"))
}

fn bug_salted_partitioner() -> Scenario {
    mapreduce(6, 1, bug("salted_partitioner"))
}

/// n3's messages to the master are held from 1.2 s to 4 s: the master marks it failed and
/// gives its reduce r2 to another worker, which commits it; then n3's own ReduceDone arrives.
fn late_done(config: serde_json::Value) -> Scenario {
    let mut s = mapreduce(6, 1, config);
    s.faults = vec![at(1_200_000, Fault::Hold { from: 3, to: 0 }), at(4_000_000, Fault::Release { from: 3, to: 0 })];
    s
}

fn bug_commit_late_done() -> Scenario {
    late_done(bug("commit_late_done"))
}

fn bug_commit_not_synced() -> Scenario {
    mapreduce(6, 1, bug("commit_not_synced"))
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        
        preset(
            "mapreduce-word-count", "mapreduce", "MapReduce: word count", "MapReduce：词频统计", "The master n0 splits 2,000 words of generated text (a Zipf law: a few words are hot) into 8 map tasks and gives one to each idle worker, and 3 reduce tasks to the workers' reduce slots. Each map counts its split's words (the combiner sums them), writes 3 partition files to its local disk and reports MapDone; reduce workers fetch their partition of each map's output as soon as it is located, and only with all 8 pieces reduce and commit. Near the end of each phase the master starts backup executions of the last tasks (§3.6).", "master n0 把 2000 个生成的词（服从 Zipf 分布：少数词很热）切成 8 个 map 任务，分给空闲的 worker，并把 3 个 reduce 任务分给 worker 的 reduce 槽。每个 map 统计自己分片中的词（combiner 先求和），把 3 个分区文件写到本地磁盘并报告 MapDone；reduce worker 一旦知道某个 map 输出的位置就去取自己的分区，集齐全部 8 份后才执行 reduce 并提交。每个阶段临近结束时，master 为最后的任务启动备份执行（§3.6）。", clean),
        
        preset(
            "mapreduce-chinese", "mapreduce", "MapReduce: counting Chinese text", "MapReduce：统计中文文本", "The same job over Chinese text: words are found by Unicode word boundaries, which make each Chinese character one word, so the job counts characters; the most frequent ones (的, 一, 是) dominate as \"the\" does in English.", "同样的作业处理中文文本：按 Unicode 词边界切词，每个汉字是一个词，所以作业统计的是字频；最常见的字（的、一、是）像英文中的 the 一样占多数。", chinese),
        
        preset(
            "mapreduce-worker-dies-after-maps", "mapreduce", "MapReduce: a worker dies after its maps finished", "MapReduce：一个 worker 在它的 map 完成后宕机", "n3 completes map m2 at about 420 ms and is fetching for reduce r2 when it crashes at 600 ms. At 1.2 s the master has not heard from it for 600 ms and marks it failed: r2 goes back to idle, and so does the completed m2, because its output was on n3's disk (§3.3). m2 runs again elsewhere; reducers that had already read m2 keep what they read, r2's new worker reads the new copy. The job still finishes.", "n3 在约 420 ms 完成 map m2，在为 reduce r2 取数据时于 600 ms 崩溃。到 1.2 s，master 已有 600 ms 没收到它的回应，于是把它标记为失败：r2 回到空闲，已完成的 m2 也回到空闲，因为 m2 的输出在 n3 的磁盘上（§3.3）。m2 在别处重新执行；已经读过 m2 的 reducer 保留读到的数据，r2 的新 worker 读取新的副本。作业仍然完成。", dies_after_maps),
        
        preset(
            "mapreduce-straggler-backup", "mapreduce", "MapReduce: a straggler, rescued by a backup task", "MapReduce：掉队者被备份任务救回", "n5 runs at a tenth of its speed from the start (a straggler: a bad disk, a busy machine). Its map m4 would take about 4 s; once every map has started and only m4 is left running, the master starts a backup execution of it on a free worker, and whichever finishes first counts (§3.6). Compare the completion time with the preset without backup tasks.", "n5 从一开始就只有十分之一的速度（掉队者：坏磁盘或繁忙的机器）。它的 map m4 大约要 4 秒；当所有 map 都已开始、只剩 m4 还在运行时，master 在一个空闲 worker 上启动它的备份执行，先完成的那个生效（§3.6）。与没有备份任务的预设比较完成时间。", straggler_backup),
        
        preset(
            "mapreduce-straggler-no-backup", "mapreduce", "MapReduce: a straggler, no backup tasks", "MapReduce：掉队者，没有备份任务", "The same straggler with backup tasks off: every other task is done early, and the job waits for n5's slow map. The paper measured a sort 44% slower without backup tasks.", "同样的掉队者，但关闭备份任务：其他任务早早完成，作业只能等待 n5 缓慢的 map。论文中关闭备份任务后排序慢了 44%。", straggler_no_backup),
        
        preset(
            "mapreduce-late-done", "mapreduce", "MapReduce: a late done from a worker given up on", "MapReduce：被放弃的 worker 迟到的完成消息", "n3's messages to the master are held from 1.2 s to 4 s. The master marks n3 failed and gives its reduce r2 to another worker, which commits r2. When n3's own ReduceDone for r2 finally arrives, the partition is already committed and the master ignores it: the atomic rename keeps one execution's output (§3.3).", "n3 发往 master 的消息在 1.2 s 到 4 s 之间被扣住。master 把 n3 标记为失败，把它的 reduce r2 交给另一个 worker，后者提交了 r2。当 n3 自己的 r2 ReduceDone 最终到达时，该分区已经提交，master 忽略它：原子重命名只保留一次执行的输出（§3.3）。", || late_done(json!({}))),
        
        preset(
            "mapreduce-bug-no-reexecute-completed-maps", "mapreduce", "Bug: completed maps of a dead worker not re-executed", "缺陷：宕机 worker 已完成的 map 不重新执行", "Teaching bug: when n3 is marked failed, the master keeps its completed map m2 as completed, though m2's output is on n3's disk. r2's new worker asks n3 for its piece of m2 and never gets it: the job never finishes (the sweep's liveness check catches this).", "教学缺陷：n3 被标记为失败时，master 仍把它已完成的 map m2 当作已完成，而 m2 的输出在 n3 的磁盘上。r2 的新 worker 向 n3 索取 m2 的那一份，永远得不到：作业永远无法完成（扫描的活性检查会发现）。", bug_no_reexecute),
        
        preset(
            "mapreduce-bug-nondeterministic-map", "mapreduce", "Bug: a non-deterministic map, executed twice", "缺陷：非确定性的 map 被执行两次", "Teaching bug: the map reads its split from a live source that changed after the job started (its last line is gone). n3 dies after m2; m2 runs again and reads the changed split. r0 and r1 had read the first execution, r2's new worker reads the second: the output matches no single execution, and Correct output fails. This is the weaker semantics §3.3 warns of for non-deterministic operators.", "教学缺陷：map 从一个在作业开始后发生了变化的活数据源读取分片（最后一行没了）。n3 在 m2 之后宕机；m2 重新执行并读到变化后的分片。r0 和 r1 读的是第一次执行的输出，r2 的新 worker 读的是第二次：输出不对应任何一次执行，“输出正确”检查失败。这正是 §3.3 对非确定性算子所说的较弱语义。", bug_nondeterministic_map),
        
        preset(
            "mapreduce-bug-averaging-combiner", "mapreduce", "Bug: a combiner that averages", "缺陷：求平均的 combiner", "Teaching bug: the combiner averages the counts of a word in its split instead of summing them. A combiner runs the reduce's partial form and must be associative and commutative with it (§4.3); an average is not, so every word that appears twice in a split is undercounted.", "教学缺陷：combiner 对分片中一个词的计数求平均而不是求和。combiner 执行的是 reduce 的部分形式，必须与 reduce 满足结合律和交换律（§4.3）；平均值不满足，所以在一个分片里出现两次以上的词都会少计。", bug_averaging_combiner),
        
        preset(
            "mapreduce-bug-salted-partitioner", "mapreduce", "Bug: a partitioner salted per worker", "缺陷：每个 worker 加盐不同的分区函数", "Teaching bug: each worker salts the hash of its partitioner (as Python's per-process string hash does), so the workers disagree on which reduce task a word belongs to. One partition per key fails as the first map writes its files, and the same word is counted in pieces by different reducers.", "教学缺陷：每个 worker 的分区哈希加了不同的盐（就像 Python 每个进程不同的字符串哈希），于是各 worker 对一个词属于哪个 reduce 任务看法不一。第一个 map 写文件时“每个键一个分区”就失败了，同一个词被不同的 reducer 分开计数。", bug_salted_partitioner),
        
        preset(
            "mapreduce-bug-commit-late-done", "mapreduce", "Bug: the master commits a late done", "缺陷：master 提交了迟到的完成消息", "Teaching bug: as in the late-done preset, but the master commits n3's late ReduceDone for r2 though r2 is already committed: the partition is committed twice.", "教学缺陷：与“迟到的完成消息”预设相同，但 master 在 r2 已经提交的情况下仍提交 n3 迟到的 ReduceDone：该分区被提交了两次。", bug_commit_late_done),
        
        preset(
            "mapreduce-bug-commit-not-synced", "mapreduce", "Bug: the output committed without a sync", "缺陷：输出未同步就算提交", "Teaching bug: the master counts a partition committed before its commit record is on stable storage, and reports the job done with outputs a crash could still take back.", "教学缺陷：master 在提交记录写入稳定存储之前就把分区算作已提交，并在崩溃仍可能丢失输出时报告作业完成。", bug_commit_not_synced),
    ]
}
