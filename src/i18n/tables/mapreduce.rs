//! MapReduce's strings.

/// Strings only the MapReduce family shows: compiled into its module alone.
#[cfg(feature = "mapreduce")]
pub const MAPREDUCE_TABLE: &[(&str, &str)] = &[
    ("master", "master（主控）"),
    ("master (job done)", "master（作业完成）"),
    ("mapping", "执行 map"),
    ("reducing", "执行 reduce"),
    ("shuffling", "shuffle 取数据"),
    ("idle worker", "空闲 worker"),
    ("workers", "工作节点"),
    ("job", "作业"),
    ("map tasks", "map 任务"),
    ("reduce tasks", "reduce 任务"),
    ("failed workers", "失败的 worker"),
    ("maps re-executed", "重新执行的 map"),
    ("backup executions", "备份执行"),
    ("completion time", "完成时间"),
    ("map", "当前 map"),
    ("reduce", "当前 reduce"),
    ("files on disk", "磁盘上的文件"),
    ("link", "链路"),
    ("master's tasks", "master 的任务表"),
    ("task", "任务"),
    ("state", "状态"),
    ("running on", "运行于"),
    ("completed by", "完成者"),
    ("attempts", "执行次数"),
    ("shuffle (pieces fetched)", "shuffle（已取得的分片）"),
    ("word count (committed)", "词频（已提交）"),
    ("word", "词"),
    ("count", "次数"),
    ("data rates (as in Figure 3)", "数据速率（仿论文图 3）"),
    ("seconds since the job started", "作业开始后的秒数"),
    ("map input", "map 输入"),
    ("shuffle", "shuffle 传输"),
    ("output", "输出"),
    ("KB/s", "KB/秒"),
    ("ping workers", "ping 所有 worker"),
    ("map work done", "map 工作完成"),
    ("reduce work done", "reduce 工作完成"),
    ("piece sent", "分片已发送"),
    ("fetch again", "重新获取"),
    ("Correct output", "输出正确"),
    ("One partition per key", "每个键一个分区"),
    ("Each partition committed once", "每个分区只提交一次"),
    ("Reduce after all M pieces", "集齐 M 份后才执行 reduce"),
    ("Committed output durable", "已提交的输出持久"),
];

/// Without the MapReduce family, no strings.
#[cfg(not(feature = "mapreduce"))]
pub const MAPREDUCE_TABLE: &[(&str, &str)] = &[];
