//! Spark presets: fixed-seed word counts in Spark's form (Zaharia et al., NSDI 2012) with
//! captions in English and Chinese: a clean run, an executor lost after the shuffle map
//! stage (its outputs recomputed from lineage, §5.3), and each teaching bug.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{Fault, NetConfig};
use serde_json::json;

/// Fixed 5 ms links, so that the captions can say what happens when.
fn spark(nodes: u32, seed: u64, config: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("spark", nodes, seed);
    s.config = config;
    s.net = NetConfig { latency_min_us: 5_000, latency_max_us: 5_000, ..NetConfig::default() };
    s
}

fn clean() -> Scenario {
    spark(5, 1, json!({}))
}

/// n2 crashes at 1.2 s, during the result stage, holding two map outputs.
fn executor_lost(config: serde_json::Value) -> Scenario {
    let mut s = spark(5, 1, config);
    s.faults = vec![at(1_200_000, Fault::Crash { node: 2 })];
    s
}

fn lost() -> Scenario {
    executor_lost(json!({}))
}

fn bug(name: &str) -> serde_json::Value {
    json!({ "bug": name })
}

fn bug_no_recompute() -> Scenario {
    executor_lost(bug("no_recompute_lost_shuffle"))
}

fn bug_wrong_parent() -> Scenario {
    executor_lost(bug("recompute_wrong_parent"))
}

fn bug_nondeterministic() -> Scenario {
    executor_lost(bug("nondeterministic_flatmap"))
}

/// Two executors for three reduce partitions.
fn bug_partitioner() -> Scenario {
    spark(3, 1, bug("stage_partitioner_mismatch"))
}

fn bug_not_synced() -> Scenario {
    spark(5, 1, bug("commit_not_synced"))
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        preset(
            "spark-word-count", "spark", "Spark: word count", "Spark：词频统计",
            "The driver n0 runs textFile(6) → flatMap(split) → map((w, 1)) → reduceByKey(+, 3) as two stages cut at the shuffle. Stage 0 runs one task per input partition on the four executors, pipelined: read the split, split it into words, pair each with 1, combine per word on the map side, and write 3 shuffle blocks. Only when all 6 map outputs are registered does the driver submit stage 1, whose 3 tasks fetch their block of every map output, merge them by key and commit. Watch the lineage graph.",
            "driver n0 把 textFile(6) → flatMap(split) → map((w, 1)) → reduceByKey(+, 3) 在 shuffle 处切成两个 stage 执行。stage 0 为每个输入分区在四个 executor 上运行一个任务，流水线式地：读分片、切成词、每个词配上 1、在 map 端按词合并，写出 3 个 shuffle 块。只有 6 个 map 输出全部登记后，driver 才提交 stage 1，它的 3 个任务从每个 map 输出取自己的块，按键合并并提交。观察血缘图。",
            clean,
        ),
        preset(
            "spark-executor-lost", "spark", "Spark: an executor lost, its partitions recomputed from lineage", "Spark：executor 丢失，分区按血缘重算",
            "n2 crashes at 1.2 s, during stage 1, and the map outputs it held are gone with it. A result task that cannot fetch its block reports FetchFailed; the driver unregisters n2's outputs, fails stage 1 and, after a short delay, resubmits stage 0 for the missing partitions only. They are recomputed from lineage: textFile's split is read again and flatMap and map run again (§5.3). Then stage 1 runs again for the partitions not yet committed.",
            "n2 在 1.2 s（stage 1 期间）崩溃，它保存的 map 输出随之丢失。取不到块的 result 任务报告 FetchFailed；driver 注销 n2 的输出，让 stage 1 失败，稍后只为缺失的分区重新提交 stage 0。这些分区按血缘重算：重新读 textFile 的分片，再跑一遍 flatMap 和 map（§5.3）。然后 stage 1 为尚未提交的分区再次运行。",
            lost,
        ),
        preset(
            "spark-bug-no-recompute-lost-shuffle", "spark", "Bug: a lost shuffle output not recomputed", "缺陷：丢失的 shuffle 输出不重算",
            "Teaching bug: when n2 is lost, the driver keeps its map outputs registered. Every resubmitted result stage sends its tasks to fetch from n2 again, they fail again, and the map stage never runs: the job never finishes (the sweep's liveness check catches this).",
            "教学缺陷：n2 丢失后，driver 仍保留它的 map 输出登记。每次重新提交的 result stage 都让任务再去 n2 取块，再次失败，而 map stage 从不运行：作业永远无法完成（扫描的活性检查会发现）。",
            bug_no_recompute,
        ),
        preset(
            "spark-bug-recompute-wrong-parent", "spark", "Bug: recomputation from the wrong parent", "缺陷：从错误的父分区重算",
            "Teaching bug: a lost partition p is recomputed from textFile's partition p + 1 instead of its own parent. The recomputed map output counts the next split's words twice and loses its own: Correct output fails when a result partition is committed.",
            "教学缺陷：丢失的分区 p 从 textFile 的分区 p + 1 重算，而不是它自己的父分区。重算出的 map 输出把下一个分片的词计了两遍，自己的词却丢了：提交 result 分区时“输出正确”检查失败。",
            bug_wrong_parent,
        ),
        preset(
            "spark-bug-nondeterministic-flatmap", "spark", "Bug: a non-deterministic flatMap, recomputed", "缺陷：非确定性的 flatMap 被重算",
            "Teaching bug: flatMap reads a live source that has lost its last line since the first run. Lineage recovery assumes each partition is a deterministic function of its parents; here the recomputed partitions differ from the lost ones, and result partitions that read them miss words: Correct output fails.",
            "教学缺陷：flatMap 读取一个活数据源，自第一次运行以来它的最后一行没了。血缘恢复假定每个分区是其父分区的确定性函数；这里重算出的分区与丢失的不同，读取它们的 result 分区少了词：“输出正确”检查失败。",
            bug_nondeterministic,
        ),
        preset(
            "spark-bug-stage-partitioner-mismatch", "spark", "Bug: the stages disagree on the partitioner", "缺陷：两个 stage 的分区器不一致",
            "Teaching bug: stage 0 writes its shuffle by hash(word) mod 3, but stage 1 takes its partition count from the default parallelism, one per live executor: 2. Reduce partition 2's blocks are never read, its words never counted, and the job reports done with partition 2 never committed.",
            "教学缺陷：stage 0 按 hash(word) mod 3 写 shuffle，而 stage 1 的分区数取默认并行度，即每个存活 executor 一个：2。reduce 分区 2 的块从未被读取，其中的词从未被统计，作业在分区 2 从未提交的情况下报告完成。",
            bug_partitioner,
        ),
        preset(
            "spark-bug-commit-not-synced", "spark", "Bug: the output committed without a sync", "缺陷：输出未同步就算提交",
            "Teaching bug: the driver counts a result partition committed before its commit record is on stable storage, and reports the job done with outputs a crash could still take back.",
            "教学缺陷：driver 在提交记录写入稳定存储之前就把 result 分区算作已提交，并在崩溃仍可能丢失输出时报告作业完成。",
            bug_not_synced,
        ),
    ]
}
