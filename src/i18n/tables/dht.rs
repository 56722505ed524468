//! The DHT family's strings (Chord).

/// Strings only the DHT family shows: compiled into its module alone.
#[cfg(feature = "dht")]
pub const DHT_TABLE: &[(&str, &str)] = &[
    ("member (no predecessor)", "成员（无前驱）"),
    ("joining", "加入中"),
    ("identifier", "标识符"),
    ("predecessor", "前驱"),
    ("successor list", "后继列表"),
    ("successor", "后继"),
    ("keys held", "持有的键"),
    ("boots", "启动次数"),
    ("successors taken for dead", "判定为失效的后继"),
    ("client lookups", "客户端查找"),
    ("finger table", "指表（finger table）"),
    ("start (id + 2^k)", "起点（id + 2^k）"),
    ("finger", "指针"),
    ("its id", "其标识符"),
    ("key id", "键标识符"),
    ("held as", "持有方式"),
    ("own", "自己的"),
    ("replica", "副本"),
    ("ring", "环"),
    ("id", "标识符"),
    ("the ring now", "环的现状"),
    ("property", "性质"),
    ("One ordered ring", "唯一的有序环"),
    ("Keys at their successor", "键在其后继上"),
    ("mean lookup path", "平均查找路径"),
    ("no lookups yet", "尚无查找"),
    ("lookup", "查找"),
    ("join", "加入"),
    ("no answer", "无应答"),
    ("find_successor reply", "find_successor 应答"),
    ("get predecessor", "询问前驱"),
    ("predecessor reply", "前驱应答"),
    ("ping", "探测（ping）"),
    ("pong", "探测应答（pong）"),
    ("store", "存储"),
    ("store reply", "存储应答"),
    ("fetch", "读取"),
    ("fetch reply", "读取应答"),
    ("transfer keys", "移交键"),
    ("replicate", "复制"),
];

#[cfg(not(feature = "dht"))]
pub const DHT_TABLE: &[(&str, &str)] = &[];
