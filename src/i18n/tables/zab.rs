//! Zab's strings.

/// Strings only Zab shows: compiled into its module alone.
#[cfg(feature = "zab")]
pub const ZAB_TABLE: &[(&str, &str)] = &[
    ("looking", "选举中（LOOKING）"),
    ("leader: discovery", "领导者：发现"),
    ("leader: synchronization", "领导者：同步"),
    ("follower: discovery", "跟随者：发现"),
    ("follower: synchronization", "跟随者：同步"),
    ("phase", "阶段"),
    ("last zxid", "最后 zxid"),
    ("delivered to", "已交付至"),
    ("vote", "选票"),
    ("followers", "跟随者们"),
    ("stage", "进展"),
    ("synchronized by", "同步方式"),
    ("proposals", "提议"),
    ("quorum", "法定人数"),
    ("history (delivered)", "历史（已交付）"),
    ("at the leader", "在领导者处"),
    ("tick", "时钟节拍"),
    ("notification timeout", "通知超时"),
    ("finalize wait", "确认等待"),
    ("fsync", "fsync 落盘"),
];
#[cfg(not(feature = "zab"))]
pub const ZAB_TABLE: &[(&str, &str)] = &[];
