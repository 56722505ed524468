//! Gossip and SWIM presets: fixed-seed scenarios with captions in English and Chinese.

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault};
use serde_json::json;


/// When the presets' rumor is injected, at node 0.
pub const RUMOR_AT_US: u64 = 200_000;

fn one_rumor(mode: &str, fanout: u32, seed: u64) -> Scenario {
    let mut s = Scenario::new("gossip", 1_000, seed);
    s.config = json!({"mode": mode, "fanout": fanout, "k": 8, "anti_entropy_interval_us": 2_000_000});
    s.faults = vec![at(RUMOR_AT_US, Fault::Request { node: 0, op: ClientOp::Propose { value: "rumor".into() } })];
    s
}

fn residue() -> Scenario {
    let mut s = Scenario::new("gossip", 200, 5);
    s.config = config(r#"{"mode": "push", "fanout": 1, "k": 1, "anti_entropy_interval_us": 6_000_000}"#);
    s.faults = vec![at(RUMOR_AT_US, Fault::Request { node: 0, op: ClientOp::Propose { value: "rumor".into() } })];
    s
}

/// The member the SWIM crash preset crashes, and when.
pub const SWIM_VICTIM: u32 = 7;
pub const SWIM_CRASH_AT_US: u64 = 2_000_000;

fn swim_crash() -> Scenario {
    let mut s = Scenario::new("swim", 1_000, 1);
    s.faults = vec![at(SWIM_CRASH_AT_US, Fault::Crash { node: SWIM_VICTIM })];
    s
}

/// The paused member of the false-suspicion presets, and the pause.
pub const SLOW_NODE: u32 = 3;
pub const PAUSE_AT_US: u64 = 1_000_000;
pub const RESUME_AT_US: u64 = 1_800_000;

fn swim_slow(bug: bool) -> Scenario {
    let mut s = Scenario::new("swim", 8, 1);
    if bug {
        s.config = json!({"bug": "no_refutation"});
    }
    s.faults = vec![at(PAUSE_AT_US, Fault::Pause { node: SLOW_NODE }), at(RESUME_AT_US, Fault::Resume { node: SLOW_NODE })];
    s
}

pub const PARTITION_AT_US: u64 = 1_000_000;
pub const HEAL_AT_US: u64 = 5_000_000;

fn swim_partition() -> Scenario {
    let mut s = Scenario::new("swim", 10, 3);
    s.faults = vec![at(PARTITION_AT_US, Fault::Partition { groups: vec![(0..5).collect()] }), at(HEAL_AT_US, Fault::HealAll)];
    s
}

/// Gossip's and SWIM's presets, apart by protocol for their registry rows.
fn presets() -> Vec<Preset> {
    vec![
        preset("gossip-push-1000", "gossip", "Gossip: one rumor, push, 1,000 nodes", "Gossip：一条谣言，推模式，1000 个节点",
            "Node 0 learns a rumor and every 100 ms each informed node pushes it to one random node. The informed fraction follows the epidemic curve s' = s·e^(−i): slow start, explosive middle, and a long tail, because late pushes mostly hit nodes that already know (log2 n + ln n rounds, Pittel). A node stops after 8 pushes to nodes that already knew; anti-entropy every 2 s mops up any node the rumor missed.",
            "节点 0 得到一条谣言，每 100 毫秒每个已知节点把它推给一个随机节点。已知比例沿着传染病曲线 s' = s·e^(−i) 增长：起步慢、中段爆发、尾巴很长，因为后期的推送大多落在已经知道的节点上（约 log2 n + ln n 轮，Pittel）。一个节点在 8 次推给已知节点之后停止传播；每 2 秒的反熵同步补上谣言漏掉的节点。",
            || one_rumor("push", 1, 1)),
        preset("gossip-pull-1000", "gossip", "Gossip: one rumor, pull, 1,000 nodes", "Gossip：一条谣言，拉模式，1000 个节点",
            "Every node asks one random node each round for the rumors it lacks. The start is as slow as push, but the end is much faster: an uninformed node stays uninformed only if it asks another uninformed one, so s' = s² and the tail collapses. The price: every node sends a request every round, rumor or not.",
            "每个节点每轮向一个随机节点索要自己缺少的谣言。起步和推模式一样慢，但收尾快得多：未知节点只有问到另一个未知节点才会继续未知，所以 s' = s²，尾巴迅速消失。代价是每个节点每轮都要发请求，无论有没有谣言。",
            || one_rumor("pull", 1, 1)),
        preset("gossip-push-pull-1000", "gossip", "Gossip: one rumor, push-pull, 1,000 nodes", "Gossip：一条谣言，推拉结合，1000 个节点",
            "Each contact both pushes and pulls, taking push's fast start and pull's fast finish: everyone knows in about log3 n + O(log log n) rounds (Karp et al. 2000), about 8 rounds here instead of about 14 for push alone.",
            "每次联络既推又拉，兼得推模式的快速起步和拉模式的快速收尾：大约 log3 n + O(log log n) 轮后所有节点都知道（Karp 等，2000），这里约 8 轮，而纯推模式约需 14 轮。",
            || one_rumor("push_pull", 1, 1)),
        preset("gossip-fanout-3", "gossip", "Gossip: push with fanout 3", "Gossip：扇出为 3 的推模式",
            "The push preset again, but each informed node pushes to 3 random nodes per round: the curve becomes s' = s·e^(−3i) and the rumor reaches all 1,000 nodes in under half the rounds, at three times the messages per round. Compare with the fanout-1 push preset.",
            "与推模式预设相同，但每个已知节点每轮推给 3 个随机节点：曲线变为 s' = s·e^(−3i)，谣言用不到一半的轮数就传遍 1000 个节点，每轮消息数则是三倍。请与扇出为 1 的推模式预设对比。",
            || one_rumor("push", 3, 1)),
        preset("gossip-residue", "gossip", "Gossip: the residue, and anti-entropy", "Gossip：残留节点与反熵",
            "Push with the most impatient loss of interest (k = 1: stop after one push to a node that already knew). Demers predicts a residue s = e^(−(k+1)(1−s)), about 20% of nodes the rumor never reaches. Watch the informed curve stall below the theory, then anti-entropy (a full database exchange every 6 s on average) repair the rest.",
            "推模式加上最急躁的失去兴趣规则（k = 1：只要推给一个已经知道的节点就停止）。Demers 预言会有残留 s = e^(−(k+1)(1−s))，约 20% 的节点永远收不到谣言。观察已知比例曲线停在理论曲线下方，随后反熵（平均每 6 秒一次完整的数据库交换）补齐其余节点。",
            residue),
        preset("swim-crash-detection", "swim", "SWIM: detecting a crash among 1,000 members", "SWIM：在 1000 个成员中检测崩溃",
            "Every 200 ms each member pings one other, in a random round-robin order. Member 7 crashes at 2 s. The first member to ping it gets no Ack, asks 3 others with PingReq, still hears nothing, and marks it Suspect at the end of its period: e/(e−1) ≈ 1.6 periods after the crash on average in the paper's lock-step rounds, about 2 here where each member keeps its own clock. The Suspect rides on pings to everyone; after the 1 s suspicion timeout it is confirmed dead everywhere.",
            "每 200 毫秒每个成员按随机轮转顺序 ping 另一个成员。成员 7 在 2 秒时崩溃。第一个 ping 它的成员收不到 Ack，用 PingReq 请另外 3 个成员代为探测，仍无回应，于是在本周期结束时把它标为 Suspect：在论文的同步轮次模型中平均为崩溃后 e/(e−1) ≈ 1.6 个周期，这里每个成员各自计时，约为 2 个周期。Suspect 消息搭载在 ping 上传遍全体；1 秒的怀疑超时后，它在所有成员处被确认死亡。",
            swim_crash),
        preset("swim-false-suspicion", "swim", "SWIM: a slow member is suspected and refutes", "SWIM：慢节点被怀疑并反驳",
            "Member 3 freezes for 800 ms (a GC pause), so its pings go unanswered and others mark it Suspect. When it wakes it finds the Suspect about itself among the queued messages, raises its incarnation number and answers with Alive, which overrides the Suspect everywhere before the suspicion timeout: no one declares it dead.",
            "成员 3 冻结 800 毫秒（一次 GC 停顿），发给它的 ping 得不到回应，其他成员把它标为 Suspect。它醒来后在积压的消息中发现关于自己的 Suspect，于是提高自己的化身号并回复 Alive，在怀疑超时之前覆盖了各处的 Suspect：没有人宣布它死亡。",
            || swim_slow(false)),
        preset("swim-no-refutation-bug", "swim", "SWIM: without refutation (teaching bug)", "SWIM：没有反驳（教学缺陷）",
            "The same pause, but member 3 never raises its incarnation when it hears it is suspected. The suspicion times out and a live member is confirmed dead in every view: a false positive that never heals. This is why SWIM §4.2 gives each member an incarnation number only it may raise.",
            "同样的停顿，但成员 3 听到自己被怀疑时从不提高化身号。怀疑超时后，一个活着的成员在所有视图中被确认死亡：一个永远不会恢复的误报。这正是 SWIM 第 4.2 节让每个成员拥有只有自己能提高的化身号的原因。",
            || swim_slow(true)),
        preset("swim-partition-heal", "swim", "SWIM: a partition heals and membership re-merges", "SWIM：分区恢复后成员关系重新合并",
            "Ten members split into two halves at 1 s. Each half suspects, then confirms dead, the other. After the heal at 5 s, a member occasionally pings one it holds dead; the target hears it was declared dead, refutes with a higher incarnation, and the Alive updates spread until every view shows all ten alive again.",
            "十个成员在 1 秒时分成两半。每一半先怀疑、再确认另一半死亡。5 秒时分区恢复后，成员会偶尔 ping 一个它认为已死的成员；对方得知自己被宣布死亡，用更高的化身号反驳，Alive 更新随之传播，直到每个视图都重新显示十个成员全部存活。",
            swim_partition),
    ]
}

pub fn gossip_presets() -> Vec<Preset> {
    presets().into_iter().filter(|p| p.protocol == "gossip").collect()
}

pub fn swim_presets() -> Vec<Preset> {
    presets().into_iter().filter(|p| p.protocol == "swim").collect()
}
