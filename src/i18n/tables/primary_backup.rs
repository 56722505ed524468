//! The strings of primary/backup (the failover family).

/// Strings only primary/backup shows: compiled into its module alone.
#[cfg(feature = "failover")]
pub const PB_TABLE: &[(&str, &str)] = &[
    ("primary", "主副本"),
    ("primary (not replayed)", "主副本（未重放）"),
    ("primary (replaying the log)", "主副本（正在重放日志）"),
    ("replica (no primary yet)", "副本（尚无主副本）"),
    ("log storage", "日志存储"),
    ("primary's lock", "主副本的锁"),
    ("replayed", "已重放"),
    ("view", "视图"),
    ("batch", "批次"),
    ("writes acknowledged", "已确认的写入"),
    ("log files", "日志文件"),
    ("records", "记录"),
    ("data", "数据"),
    ("newest records", "最新的记录"),
    ("write-ahead log", "预写日志"),
    ("coordinators (lock service on Raft)", "协调者（运行于 Raft 的锁服务）"),
    ("forward", "转发"),
    ("resend", "重发"),
    ("One primary per epoch", "每个纪元一个主副本"),
    ("Log files fenced", "日志文件已隔离"),
    ("Fenced at the backups", "备份处已隔离"),
    ("Acknowledged on every backup", "每个备份都已确认"),
    ("Backups follow their primary", "备份跟随主副本"),
];

#[cfg(not(feature = "failover"))]
pub const PB_TABLE: &[(&str, &str)] = &[];
