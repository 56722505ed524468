//! Every string the page shows, in English and Simplified Chinese, from one place. A string
//! is looked up by its English text; an entry with `{}` holes ("watch {}") translates texts
//! that fill it. `tests/i18n.rs` checks that every `t("…")` in the UI and every label the
//! protocols' `Present` puts on the page has a Chinese entry here. Paper names
//! (`RequestVote`, `commitIndex`) stay as the papers write them in both languages
//! ([`VERBATIM`]).

use std::cell::Cell;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hans`… are Chinese; anything else is English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The Chinese entry for `en`. A plain search: a few hundred entries whose lengths mostly
/// differ cost less than a map's code in every page module.
fn lookup(en: &str) -> Option<&'static str> {
    TABLE.iter().chain(VIEWER_TABLE).find(|(k, _)| *k == en).map(|(_, z)| *z)
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

pub fn set_lang(l: Lang) {
    LANG.with(|c| c.set(l));
}

/// The page's text for `en` in the current language.
pub fn t(en: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => lookup(en).unwrap_or(en),
    }
}

/// Like `t` for text that comes from a protocol's view (role names, table titles): known
/// words and texts that fill a `{}` template of the table ("watch /lock/a") are
/// translated, anything else is shown as it is.
pub fn t_dyn(en: &str) -> String {
    match lang() {
        Lang::En => en.to_string(),
        Lang::Zh => zh(en).or_else(|| filled(en)).unwrap_or_else(|| en.to_string()),
    }
}

fn zh(en: &str) -> Option<String> {
    lookup(en).map(str::to_string)
}

/// Whether the table has a Chinese entry for `en` (for the completeness test).
pub fn has_zh(en: &str) -> bool {
    lookup(en).is_some()
}

/// Whether `en` is shown in Chinese, by an entry or a template, or is a name kept as the
/// papers write it ([`VERBATIM`]) (for the completeness tests).
pub fn has_translation(en: &str) -> bool {
    has_zh(en) || VERBATIM.contains(&en) || filled(en).is_some()
}

/// `en` through the first table entry with `{}` holes it fits: the Chinese template with
/// each hole's text, itself translated when the table knows it.
fn filled(en: &str) -> Option<String> {
    let holes = TABLE.iter().filter(|(k, _)| k.contains("{}"));
    holes.clone().find_map(|(k, z)| fit(k, en).map(|texts| fill(z, &texts)))
}

/// The texts in the holes of `template` when `en` fits it (every hole holds something).
fn fit<'a>(template: &str, en: &'a str) -> Option<Vec<&'a str>> {
    let mut parts = template.split("{}");
    let mut rest = en.strip_prefix(parts.next()?)?;
    let lits: Vec<&str> = parts.collect();
    let mut texts = Vec::new();
    for (i, lit) in lits.iter().enumerate() {
        let at = if i + 1 == lits.len() { rest.len().checked_sub(lit.len()).filter(|at| rest.get(*at..) == Some(*lit))? } else { rest.find(lit)? };
        texts.push(rest.get(..at).filter(|t| !t.is_empty())?);
        rest = &rest[at + lit.len()..];
    }
    Some(texts)
}

fn fill(template: &str, texts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in template.split("{}").enumerate() {
        if i > 0 {
            out += &texts.get(i - 1).map(|t| zh(t).unwrap_or_else(|| t.to_string())).unwrap_or_default();
        }
        out += part;
    }
    out
}

/// Names kept as the papers write them in both languages: message types, Figure 2's
/// variables, ZooKeeper's zxid.
pub const VERBATIM: &[&str] = &[
    // Raft (Figure 2, §9.6 of Ongaro's thesis)
    "AppendEntries", "AppendEntriesResponse", "RequestVote", "RequestVoteResponse", "PreVote", "PreVoteResponse",
    "votedFor", "commitIndex", "lastApplied", "nextIndex", "matchIndex", "currentTerm", "nextIndex / matchIndex",
    // Paxos Made Simple, and the Multi-Paxos leader's messages
    "Prepare", "Promise", "Accept", "Accepted", "Nack", "Decide", "Heartbeat", "HeartbeatAck",
    // The lock service (Chubby, ZooKeeper, Kleppmann's fencing)
    "Request", "Response", "NotLeader", "KeepAlive", "KeepAliveAck", "Notify", "Write", "WriteAck", "zxid", "#",
    // Epidemic protocols (Demers et al.) and SWIM
    "Push", "Pull", "PushPull", "Reply", "Feedback", "AntiEntropy", "AntiEntropyReply", "Ping", "PingReq", "Ack",
    // Flood
    "Flood", "Sync",
];

/// (English, Simplified Chinese).
pub const TABLE: &[(&str, &str)] = &[
    (" (dropped)", "（已丢弃）"),
    (" · corrupted: the receiver's checksum will reject it", " · 已损坏：接收方的校验和会拒绝它"),
    ("(from a link)", "（来自链接）"),
    ("Autoplay", "自动播放"),
    ("Chaos: off", "混沌模式：关"),
    ("Chaos: on", "混沌模式：开"),
    ("Click a node or a message to inspect it.", "点击一个节点或一条消息查看详情。"),
    ("Client request", "客户端请求"),
    ("Clock offset", "时钟偏移"),
    ("Clock rate", "时钟速率"),
    ("Cluster", "集群"),
    ("ClusterLab is busy; reload the page if this stays.", "ClusterLab 正忙；如果一直这样，请刷新页面。"),
    ("Copy embed code", "复制嵌入代码"),
    ("Copy link", "复制链接"),
    ("Corruption", "损坏"),
    ("Could not open that", "无法打开"),
    ("Could not open the scenario file", "无法打开场景文件"),
    ("No link for this state", "此状态无法生成链接"),
    ("Use Export scenario to save it as a file.", "请用“导出场景”把它保存为文件。"),
    ("Export scenario", "导出场景"),
    ("File…", "文件…"),
    ("Open scenario file", "打开场景文件"),
    ("Assumption exceeded", "超出假设"),
    ("assumption exceeded", "超出了假设"),
    ("Loading the module for this scenario", "正在加载此场景所需的模块"),
    ("The module for this scenario could not be loaded", "无法加载此场景所需的模块"),
    ("Crash", "崩溃"),
    ("Crash and lose the writes made since the node last synced to disk", "崩溃，并丢失该节点上次同步到磁盘之后的写入"),
    ("Crash, lose unsynced", "崩溃并丢失未同步写入"),
    ("Cut", "切断"),
    ("Diagram SVG", "时空图 SVG"),
    ("Dismiss", "关闭"),
    ("Download failed", "下载失败"),
    ("Download the space-time diagram as SVG", "把时空图下载为 SVG"),
    ("Download the trace up to the playhead as JSON", "把到播放头为止的轨迹下载为 JSON"),
    ("Duplication", "重复"),
    ("Embed code", "嵌入代码"),
    ("Embed…", "嵌入…"),
    ("Events", "事件"),
    ("Cluster state", "集群状态"),
    ("Inspect", "查看"),
    ("Logs side by side", "并排的日志"),
    ("Newer entries", "较新的条目"),
    ("Older entries", "较旧的条目"),
    ("entries", "条目"),
    ("newest", "最新"),
    ("of", "共"),
    ("solid: committed · underlined: applied · ▸ nextIndex · ✓ matchIndex", "实色：已提交 · 下划线：已应用 · ▸ nextIndex · ✓ matchIndex"),
    ("Filter events", "筛选事件"),
    ("Freeze the process, like a long GC pause", "冻结进程，就像一次很长的 GC 停顿"),
    ("Go to event", "跳到事件"),
    ("Heal", "恢复"),
    ("Heal all", "全部恢复"),
    ("Stop being the network", "不再扮演网络"),
    ("Be the network (adversary mode)", "由你扮演网络（对手模式）"),
    ("You are the network: nothing is delivered and no timer fires until you choose. Time moves to what you pick.", "你就是网络：在你选择之前，没有消息送达，也没有定时器触发。时间推进到你选中的事件。"),
    ("Nothing is waiting: no message is in flight and no timer is armed.", "没有待处理的事件：既没有在途消息，也没有已设置的定时器。"),
    ("What can happen next", "接下来可能发生的事件"),
    ("due now", "已到期"),
    ("Fire", "触发"),
    ("Deliver", "送达"),
    ("Drop", "丢弃"),
    ("Duplicate", "复制"),
    ("Adversary", "对手模式"),
    ("Lesson", "课程"),
    ("Lessons", "课程"),
    ("Step", "步骤"),
    ("Lesson progress", "课程进度"),
    ("Back", "上一步"),
    ("Start over", "从头开始"),
    ("Next", "下一步"),
    ("Close lesson", "关闭课程"),
    ("Lesson complete. Start it over, or close it and explore on your own.", "课程完成。可以从头再来，或关闭课程自行探索。"),
    ("Done. Read on with Next when you are ready.", "完成。准备好后点击“下一步”继续。"),
    ("Your turn: use the highlighted control.", "轮到你了：使用高亮的控件。"),
    ("Watching the run for this step's condition…", "正在观察运行，等待本步骤的条件成立…"),
    ("Do what this step asks, in your place", "替你完成本步骤要求的操作"),
    ("Do it for me", "替我完成"),
    ("Open a lesson…", "打开课程…"),
    ("Hold", "扣留"),
    ("Hold messages on this link until released (they arrive late, all at once)", "扣留这条链路上的消息直到释放（它们会迟到并同时到达）"),
    ("Inject", "注入故障"),
    ("Isolate", "隔离"),
    ("Jump to event", "跳到该事件"),
    ("Language", "语言"),
    ("Latency", "延迟"),
    ("Latency up to", "最大延迟"),
    ("Link to", "链路到"),
    ("Loss", "丢包"),
    ("Network", "网络"),
    ("Node", "节点"),
    ("Nothing to download yet", "还没有可下载的内容"),
    ("Open full view ↗", "打开完整视图 ↗"),
    ("Partition in two", "分成两个分区"),
    ("Pause", "暂停"),
    ("Peer", "对端"),
    ("Play", "播放"),
    ("Playback", "播放控制"),
    ("Timeline", "时间线"),
    ("Protocol", "协议"),
    ("Put a link to exactly this state in the address bar and the clipboard", "把指向当前精确状态的链接放到地址栏和剪贴板"),
    ("Release", "释放"),
    ("Reordering", "乱序"),
    ("Restart", "重启"),
    ("Resume", "恢复运行"),
    ("Safety properties", "安全性质"),
    ("Scenario", "场景"),
    ("Select a node for crash, pause, clock and link faults.", "选择一个节点以注入崩溃、暂停、时钟和链路故障。"),
    ("Showing the default scenario instead.", "改为显示默认场景。"),
    ("Size", "尺寸"),
    ("Space-time diagram", "时空图"),
    ("Space-time diagram of recent messages", "最近消息的时空图"),
    ("Speed", "速度"),
    ("Split the cluster into two groups", "把集群分成两组"),
    ("Step back one event (left arrow)", "后退一个事件（左方向键）"),
    ("Step to the next event (right arrow)", "前进到下一个事件（右方向键）"),
    ("Theme", "主题"),
    ("Theme: dark", "主题：深色"),
    ("Theme: light", "主题：浅色"),
    ("Theme: system", "主题：跟随系统"),
    ("This link could not be opened", "无法打开这个链接"),
    ("Time out now", "立即超时"),
    ("Timeline: events run so far", "时间线：已运行的事件"),
    ("Trace JSON", "轨迹 JSON"),
    ("VIOLATION", "违反"),
    ("all safety properties hold", "所有安全性质都成立"),
    ("arrives", "到达"),
    ("as fast as possible", "尽可能快"),
    ("at", "于"),
    ("chaos", "混沌"),
    ("client request", "客户端请求"),
    ("clients", "客户端"),
    ("clock drift", "时钟漂移"),
    ("clock skew", "时钟偏移"),
    ("crashed", "已崩溃"),
    ("dark", "深色"),
    ("dropped", "已丢弃"),
    ("event", "事件"),
    ("fault", "故障"),
    ("filter: n2, RequestVote, dropped…", "筛选：n2、RequestVote、已丢弃…"),
    ("fires in", "触发于"),
    ("holds", "成立"),
    ("index", "索引"),
    ("light", "浅色"),
    ("lock servers (Raft)", "锁服务器（Raft）"),
    ("log", "日志"),
    ("messages in flight", "条消息在途"),
    ("node", "节点"),
    ("nodes", "个节点"),
    ("paused", "已暂停"),
    ("receives", "收到"),
    ("replies", "回复"),
    ("restarted from stable storage", "从持久存储重启"),
    ("sends", "发送"),
    ("sent", "发送于"),
    ("space", "空格键"),
    ("started", "已启动"),
    ("status", "状态"),
    ("system", "跟随系统"),
    ("term", "任期"),
    ("timer", "定时器"),
    ("timer fires", "定时器触发"),
    ("up", "运行中"),
    ("violated", "被违反"),
    ("leader", "领导者"),
    ("follower", "跟随者"),
    ("candidate", "候选人"),
    ("pre-candidate", "预候选人"),
    ("crashed node", "已崩溃节点"),
    ("acceptor", "接受者"),
    ("learned", "已学习"),
    ("proposer: phase 1", "提议者：阶段 1"),
    ("proposer: phase 2", "提议者：阶段 2"),
    ("informed", "已知晓"),
    ("idle", "空闲"),
    ("susceptible", "未感染"),
    ("removed", "已移除"),
    ("alive", "存活"),
    ("suspect", "可疑"),
    ("dead", "已死亡"),
    ("storage", "存储"),
    ("holder", "持锁者"),
    ("waiting", "等待中"),
    ("election", "选举"),
    ("heartbeat", "心跳"),
    ("check quorum", "检查法定人数"),
    ("retry", "重试"),
    ("leader timeout", "领导者超时"),
    ("lost", "丢失"),
    ("link cut", "链路被切断"),
    ("node down", "节点宕机"),
    ("checksum mismatch (corrupted)", "校验和不匹配（已损坏）"),
    ("replication", "复制进度"),
    ("state machine", "状态机"),
    ("Election Safety", "选举安全性"),
    ("Leader Append-Only", "领导者只追加"),
    ("Log Matching", "日志匹配"),
    ("Leader Completeness", "领导者完整性"),
    ("State Machine Safety", "状态机安全性"),
    ("Agreement", "一致性"),
    ("Validity", "有效性"),
    ("Learners learn only chosen values", "学习者只学习被选定的值"),
    ("Promises never decrease", "承诺永不减小"),
    ("One value per ballot", "每个选票编号只有一个值"),
    ("Linearizability", "线性一致性"),
    ("no session", "无会话"),
    ("acquiring", "获取中"),
    ("lease expired", "租约已过期"),
    ("One Holder", "唯一持锁者"),
    ("Lease-Guarded Writes", "租约保护的写入"),
    ("No Interleaving", "临界区不交错"),
    ("Token Order", "令牌递增"),
    ("Fencing Enforced", "栅栏令牌生效"),
    ("Mutual Exclusion by Lease", "租约互斥"),
    ("Conservative Lease", "保守租约"),
    ("Master Lease", "主节点租约"),
    ("No Herd Effect", "无羊群效应"),
    ("jeopardy", "会话危险期"),
    ("grace left", "宽限期剩余"),
    ("Incarnations never decrease", "化身号永不减小"),
    ("Confirm is final for its incarnation", "死亡确认对其化身号是最终的"),
    ("Confirm only after the suspicion timeout", "仅在怀疑超时之后才确认死亡"),
    ("Timestamps never decrease", "时间戳永不减小"),
    ("lock tree", "锁树"),
    ("recent writes", "最近的写入"),
    ("path", "路径"),
    ("owner", "所有者"),
    ("token (zxid)", "令牌（zxid）"),
    ("watched by", "被谁监视"),
    ("client", "客户端"),
    ("client sessions", "客户端会话"),
    ("last serial", "最后序号"),
    ("reply", "回复"),
    ("last used at slot", "最近使用的槽位"),
    ("last used at command", "最近使用时的命令序号"),
    ("expired", "已过期"),
    ("ok", "成功"),
    ("token", "令牌"),
    ("write", "写入"),
    ("result", "结果"),
    ("dead-in-view", "视图中已死亡"),
    ("gossip round", "闲聊轮次"),
    ("anti-entropy", "反熵"),
    ("protocol period", "协议周期"),
    ("ping timeout", "ping 超时"),
    ("round", "轮次"),
    ("fraction informed", "已知晓比例"),
    ("Messages per node per round", "每个节点每轮的消息数"),
    ("messages sent / node", "每节点发送的消息"),
    ("Failure detection time", "故障检测时间"),
    ("seconds", "秒"),
    ("crashed member", "崩溃的成员"),
    ("failure detector", "故障检测器"),
    ("membership across views", "各视图中的成员状态"),
    ("database", "数据库"),
    ("suspected and dead members", "可疑和已死亡的成员"),
    ("storage service", "存储服务"),
    ("releasing", "释放中"),
    ("messages", "条消息"),
    ("ballot", "选票编号"),
    ("proposer ballot", "提议者的选票编号"),
    ("applied", "已应用"),
    ("cluster", "集群"),
    ("role", "角色"),
    ("last log (index, term)", "最后的日志（索引，任期）"),
    ("incarnation", "化身号"),
    // Labels protocols put on the page through `Present` (tests/i18n.rs samples every preset).
    ("Durable knowledge", "已知值持久保存"),
    ("False suspicions per probe vs message loss", "每次探测的误报怀疑与消息丢失率"),
    ("accepted", "已接受"),
    ("acks received", "收到的确认"),
    ("asks", "请求发往"),
    ("critical sections", "临界区次数"),
    ("dead in", "判定死亡的视图数"),
    ("false positives", "误报"),
    ("false suspicions / probe", "误报怀疑 / 每次探测"),
    ("fanout", "扇出"),
    ("fencing", "栅栏令牌"),
    ("fraction informed per round ({}, fanout {})", "每轮已知晓比例（{}，扇出 {}）"),
    ("highest token", "最高令牌"),
    ("hot rumors", "热谣言"),
    ("independent phases: ≈ 2·T′", "各节点相位独立：≈ 2·T′"),
    ("keep-alive", "保活"),
    ("key", "键"),
    ("known", "已知值"),
    ("learned at (us)", "得知时间（微秒）"),
    ("lease", "租约"),
    ("lease left", "租约剩余"),
    ("lock node", "锁节点"),
    ("measured", "实测"),
    ("measured (newest update)", "实测（最新的更新）"),
    ("measured: last Ack → first Suspect", "实测：最后一次 Ack → 首次 Suspect"),
    ("member", "成员"),
    ("members alive", "存活成员"),
    ("members dead", "已死亡成员"),
    ("members suspect", "可疑成员"),
    ("message loss (measured from missing direct Acks)", "消息丢失率（由缺失的直接 Ack 测得）"),
    ("mode", "模式"),
    ("notifications", "收到的通知"),
    ("options", "选项"),
    ("paper §3.1: (1−(1−q)²)(1−(1−q)⁴)^{}", "论文 §3.1：(1−(1−q)²)(1−(1−q)⁴)^{}"),
    ("paper: e/(e−1)·T′ to the first probe", "论文：到首次探测 e/(e−1)·T′"),
    ("peer", "对端"),
    ("probes acked", "得到确认的探测"),
    ("probing", "正在探测"),
    ("promised", "已承诺"),
    ("promises", "收到的承诺"),
    ("pull", "拉"),
    ("push", "推"),
    ("pushpull", "推拉"),
    ("refutations", "反驳次数"),
    ("rest", "休息"),
    ("rounds", "轮数"),
    ("rumor", "谣言"),
    ("session", "会话"),
    ("session check", "会话检查"),
    ("session deadlines", "会话截止时间"),
    ("sessions", "会话数"),
    ("suspect in", "被怀疑的视图数"),
    ("suspicions raised", "发起的怀疑"),
    ("teaching bug", "教学缺陷"),
    ("theory: s' = s·e^(−f·i)", "理论：s' = s·e^(−f·i)"),
    ("theory: s' = s·s^f", "理论：s' = s·s^f"),
    ("theory: s' = s·s^f·e^(−f·i)", "理论：s' = s·s^f·e^(−f·i)"),
    ("timestamp", "时间戳"),
    ("truth", "实际状态"),
    ("updates known", "已知的更新"),
    ("updates to piggyback", "待捎带的更新"),
    ("value", "值"),
    ("votes", "得票"),
    ("watch {}", "监视 {}"),
    ("watch notifications", "监视通知"),
    ("watching", "正在监视"),
    ("work", "工作"),
    ("writes / rejected", "写入 / 被拒绝"),
    ("writes sent / rejected", "已发写入 / 被拒绝"),
    // The history viewer, as the page offers it.
    ("Check and draw a client history: this run's, or a Jepsen or ClusterLab file", "检查并绘制客户端历史：本次运行的，或 Jepsen / ClusterLab 文件"),
    ("Client history", "客户端历史"),
    ("The history viewer could not be loaded", "无法加载历史查看器"),
    ("Draw the clients' operations on a timeline, with the order the checker found", "把客户端的操作画在时间轴上，并标出检查器找到的顺序"),
    ("History", "历史"),
    ("this run", "本次运行"),
];

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
    ("keys", "键"),
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
