//! Paxos presets: fixed-seed scenarios with captions in English and Chinese.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig, TimedFault};
use serde_json::json;


fn propose(at_us: u64, node: u32, value: &str) -> TimedFault {
    at(at_us, Fault::Request { node, op: ClientOp::Propose { value: value.into() } })
}

fn single(seed: u64, config: serde_json::Value) -> Scenario {
    let mut s = Scenario::new("paxos", 5, seed);
    let mut c = json!({"mode": "single"});
    if let (Some(m), Some(extra)) = (c.as_object_mut(), config.as_object()) {
        m.extend(extra.clone());
    }
    s.config = c;
    s
}

fn clean_round() -> Scenario {
    let mut s = single(1, json!({}));
    s.faults = vec![propose(50_000, 0, "apple")];
    s.playhead_us = 0;
    s
}

fn competing_proposer() -> Scenario {
    let mut s = single(2, json!({}));
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = vec![
        propose(50_000, 0, "apple"),
        // n0 sends Accept at 70 ms; the copies to n3 and n4 arrive after the cut.
        at(75_000, Fault::Partition { groups: vec![vec![0, 1, 2]] }),
        at(85_000, Fault::Crash { node: 0 }),
        at(120_000, Fault::HealAll),
        propose(150_000, 4, "banana"),
    ];
    s
}

fn livelock(backoff: bool) -> Scenario {
    let mut s = single(3, json!({"backoff": backoff, "retry_min_us": 0, "retry_max_us": 120_000}));
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = vec![propose(50_000, 0, "apple"), propose(55_000, 4, "banana")];
    s
}

fn acceptor_crash() -> Scenario {
    let mut s = single(4, json!({}));
    s.faults = vec![
        at(10_000, Fault::Crash { node: 3 }),
        at(10_000, Fault::Crash { node: 4 }),
        propose(50_000, 0, "apple"),
        at(400_000, Fault::Restart { node: 3 }),
        at(400_000, Fault::Restart { node: 4 }),
        propose(500_000, 3, "cherry"),
    ];
    s
}

fn multi_leader_change() -> Scenario {
    let mut s = Scenario::new("paxos", 5, 5);
    s.config = json!({"mode": "multi"});
    let mut f = Vec::new();
    for (i, t) in [600_000u64, 700_000, 800_000].iter().enumerate() {
        f.push(at(*t, Fault::Request { node: 0, op: ClientOp::Put { key: format!("k{i}"), value: format!("v{i}") } }));
    }
    f.push(at(900_000, Fault::Crash { node: 0 }));
    f.push(at(900_000, Fault::Crash { node: 1 }));
    for (i, t) in [1_600_000u64, 1_700_000].iter().enumerate() {
        f.push(at(*t, Fault::Request { node: 2, op: ClientOp::Put { key: format!("k{}", i + 3), value: format!("w{i}") } }));
    }
    f.push(at(2_000_000, Fault::Restart { node: 0 }));
    f.push(at(2_000_000, Fault::Restart { node: 1 }));
    s.faults = f;
    s
}

fn bug(name: &str, seed: u64) -> Scenario {
    let mut s = crate::scenario::chaos::sweep_scenario_of(&crate::scenario::chaos::SweepSpec::new("paxos"), seed, 1);
    s.config = json!({"bug": name});
    s.playhead_us = 0;
    s
}

pub fn presets() -> Vec<Preset> {
    vec![
        preset("paxos-clean-round", "paxos", "Paxos: a clean round", "Paxos：一轮顺利的提案",
            "Node 0 proposes \"apple\". Watch phase 1 (Prepare, then Promises from a majority) and phase 2 \
                         (Accept, then Accepted to every learner). The value is chosen the moment a majority accepts it in \
                         one ballot; learners find out when they count a majority of Accepted messages.",
            "节点 0 提议 \"apple\"。观察第一阶段（Prepare，随后多数派返回 Promise）和第二阶段（Accept，随后 Accepted \
                         发给每个学习者）。一旦多数接受者在同一个提案编号下接受了它，这个值就被选定；学习者数到多数 Accepted 时才得知。",
            clean_round),
        preset("paxos-competing-proposer", "paxos", "Paxos: a higher ballot keeps the accepted value", "Paxos：更高编号的提案保留已接受的值",
            "Node 0's \"apple\" is accepted by nodes 0-2, then node 0 crashes. Node 4 proposes \"banana\" with a \
                         higher ballot, but the Promises report \"apple\", so node 4 must propose \"apple\": the value \
                         chosen earlier survives. Open the Promise messages to see the accepted value travel.",
            "节点 0 的 \"apple\" 被节点 0-2 接受，随后节点 0 崩溃。节点 4 用更高的编号提议 \"banana\"，但 Promise \
                         报告了 \"apple\"，所以节点 4 必须提议 \"apple\"：先前被选定的值得以保留。打开 Promise 消息可以看到已接受的值如何传递。",
            competing_proposer),
        preset("paxos-livelock", "paxos", "Paxos: dueling proposers (livelock)", "Paxos：竞争的提议者（活锁）",
            "Two proposers retry at once after every Nack, with no random backoff. Each new Prepare pre-empts the \
                         other's Accept, forever: safety holds, but nothing is ever chosen. Compare with the next preset.",
            "两个提议者在每次 Nack 之后立即重试，没有随机退避。每个新的 Prepare 都抢占了对方的 Accept，永无止境：\
                         安全性成立，但永远选不出值。请与下一个预设对比。",
            || livelock(false)),
        preset("paxos-livelock-cured", "paxos", "Paxos: randomized backoff ends the livelock", "Paxos：随机退避化解活锁",
            "The same two proposers, now waiting a random time before retrying. One of them soon completes both \
                         phases while the other waits, and a value is chosen.",
            "同样的两个提议者，这次在重试前等待一段随机时间。很快其中一个在另一个等待时完成两个阶段，值被选定。",
            || livelock(true)),
        preset("paxos-acceptor-crash", "paxos", "Paxos: acceptors crash and recover", "Paxos：接受者崩溃与恢复",
            "Two of five acceptors are down: the other three are still a majority, so \"apple\" is chosen. The \
                         two restart with their promises and accepted values from stable storage, and a later proposal \
                         learns \"apple\" instead of choosing \"cherry\".",
            "五个接受者中有两个宕机：剩下三个仍是多数派，所以 \"apple\" 被选定。两个节点从稳定存储恢复承诺和已接受的值后重启，\
                         之后的提案学到的是 \"apple\"，而不是选定 \"cherry\"。",
            acceptor_crash),
        preset("paxos-multi-leader-change", "paxos", "Multi-Paxos: leader change fills the gaps", "Multi-Paxos：领导者更替并填补空洞",
            "A stable leader runs phase 1 once and then only phase 2 per slot. When it crashes, a new leader runs \
                         phase 1 for every open slot, re-proposes the values acceptors report, fills gaps with no-ops, and \
                         carries on. Watch the slot log in the inspector.",
            "稳定的领导者只运行一次第一阶段，之后每个槽位只运行第二阶段。它崩溃后，新的领导者为所有未决槽位运行第一阶段，\
                         重新提议接受者报告的值，用空操作填补空洞，然后继续。请在检查器中观察槽位日志。",
            multi_leader_change),
        preset("paxos-bug-accept-below-promise", "paxos", "Teaching bug: accepting below the promise", "教学缺陷：接受低于承诺编号的提案",
            "Acceptors here accept an Accept even after promising a higher ballot. Under chaos, an old leader's \
                         value and a new leader's value both reach a majority: the Agreement checker turns red.",
            "这里的接受者在承诺了更高编号之后仍会接受 Accept。在混沌故障下，旧领导者的值和新领导者的值都得到多数派：一致性检查变红。",
            || bug("accept_below_promise", 0)),
        preset("paxos-bug-ignore-promise-values", "paxos", "Teaching bug: ignoring the values in Promises", "教学缺陷：忽略 Promise 中的值",
            "A new leader proposes its own value instead of the highest-numbered accepted one reported in the \
                         Promises, overwriting a value that may already be chosen.",
            "新的领导者提议自己的值，而不是 Promise 中报告的编号最高的已接受值，从而覆盖了可能已被选定的值。",
            || bug("ignore_promise_values", 0)),
        preset("paxos-bug-small-quorum", "paxos", "Teaching bug: a quorum one smaller than a majority", "教学缺陷：比多数派少一个的法定人数",
            "With quorums of two out of five, two quorums need not intersect: learners believe values chosen that \
                         no majority accepted.",
            "五个节点中两个即构成法定人数，两个法定人数不必相交：学习者会认为一个并未被多数派接受的值已被选定。",
            || bug("small_quorum", 0)),
        preset("paxos-bug-forget-acceptor-state", "paxos", "Teaching bug: acceptor state not on stable storage", "教学缺陷：接受者状态没有持久化",
            "An acceptor that restarts forgets what it promised and accepted; the promise checker catches the \
                         promised ballot going backwards.",
            "重启的接受者忘记了自己承诺和接受过的内容；承诺检查发现承诺编号倒退。",
            || bug("forget_acceptor_state", 0)),
    ]
}
