//! The history viewer's own strings.

/// The history viewer's own strings (English, Simplified Chinese): only its module carries
/// them (and native builds, for the tests).
#[cfg(any(not(target_arch = "wasm32"), feature = "viewer"))]
pub const VIEWER_TABLE: &[(&str, &str)] = &[
    ("Client operations as bars per client on a timeline; arrows pan, + and - zoom, 0 fits", "客户端操作按客户端画成时间轴上的条；方向键平移，+ 和 - 缩放，0 适配全部"),
    ("Close", "关闭"),
    ("Download (JSON)", "下载（JSON）"),
    ("Fit", "适配全部"),
    ("Inconclusive", "无定论"),
    ("Linearizable", "可线性化"),
    ("Not linearizable", "不可线性化"),
    ("Open a file…", "打开文件…"),
    ("Open a history file: Jepsen EDN (one {:process …, :type …, :f …} map a line), a Jepsen text log, or a ClusterLab history (JSON). Key-value runs in this page record their own.", "打开历史文件：Jepsen EDN（每行一个 {:process …, :type …, :f …} 映射）、Jepsen 文本日志，或 ClusterLab 历史（JSON）。本页中的键值存储运行会记录自己的历史。"),
    ("Point at an operation to see it and its key's order", "指向一个操作，查看它以及它所在键的顺序"),
    ("Show the failure", "显示失败处"),
    ("This run", "本次运行"),
    ("This run has no client history yet", "本次运行还没有客户端历史"),
    ("Zoom in", "放大"),
    ("Zoom out", "缩小"),
    ("after the failure", "在失败之后"),
    ("cannot be placed", "无法排入"),
    ("checked in", "检查用时"),
    ("failed", "失败"),
    ("keys that fail", "失败的键"),
    ("needs", "需要"),
    ("it holds", "实际为"),
    ("fits, but nothing can follow it", "可以排入，但之后无法继续"),
    ("line", "行"),
    ("model", "模型"),
    ("not checked (the search hit its cap)", "未检查（搜索达到上限）"),
    ("not in the order", "不在顺序中"),
    ("operations", "操作"),
    ("pending", "未完成"),
    ("steps", "步"),
    ("takes effect", "生效顺序"),
    ("takes effect (the order found)", "生效点（找到的顺序）"),
    ("the file could not be read", "无法读取该文件"),
    ("the file is larger than the page reads", "文件超过页面可读取的大小"),
    ("the file is not text", "该文件不是文本"),
    ("the history has no operations", "该历史没有任何操作"),
    ("the search hit its cap on key", "搜索达到上限，键"),
    ("unknown outcome", "结果未知"),
];
#[cfg(all(target_arch = "wasm32", not(feature = "viewer")))]
pub const VIEWER_TABLE: &[(&str, &str)] = &[];
