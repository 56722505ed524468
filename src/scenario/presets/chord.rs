//! Chord presets (Stoica et al., SIGCOMM 2001; Zave, IEEE TSE 2017) with captions in
//! English and Chinese: a ring answering lookups, nodes joining, neighbours failing, and
//! each teaching bug.

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig};
use serde_json::json;

/// Eight nodes on a 6-bit circle (identifiers 0-63, small enough to read), fixed 10 ms
/// links, and a client writing and reading keys at n0 every 300 ms.
fn chord(config: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("chord", 8, 1);
    let mut c = json!({ "m_bits": 6, "keys": 12 });
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), config) {
        c.extend(extra);
    }
    s.config = c;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = (1..=12u64)
        .map(|i| {
            let key = format!("k{}", i % 6);
            let op = if i % 2 == 1 { ClientOp::Put { key, value: format!("v{i}") } } else { ClientOp::Get { key } };
            at(300_000 * i, Fault::Request { node: 0, op })
        })
        .collect();
    s
}

fn ring() -> Scenario {
    chord(json!({}))
}

/// A thousand nodes on a 16-bit circle; a client at n0 looks a key up every 100 ms.
fn thousand() -> Scenario {
    let mut s = Scenario::current("chord", 1000, 1);
    s.config = config(r#"{ "m_bits": 16, "keys": 200, "stabilize_us": 1_000_000, "fix_fingers_us": 1_000_000 }"#);
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 30_000, ..NetConfig::default() };
    s.faults = (1..=60u64).map(|i| at(100_000 * i, Fault::Request { node: 0, op: ClientOp::Get { key: format!("k{}", i * 3) } })).collect();
    s.faults.push(at(2_000_000, Fault::Crash { node: 500 }));
    s.faults.sort_by_key(|f| f.at_us);
    s
}

/// Four members from the start; n1, n3, n5 and n7 join.
fn joins(config: serde_json::Value) -> Scenario {
    let mut c = json!({ "start_members": 4 });
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), config) {
        c.extend(extra);
    }
    chord(c)
}

fn join() -> Scenario {
    joins(json!({}))
}

/// n3 and n4, neighbours on the ring, crash at 1 s; n3 comes back at 2.5 s.
fn failures(config: serde_json::Value) -> Scenario {
    let mut s = chord(config);
    s.faults.extend([at(1_000_000, Fault::Crash { node: 3 }), at(1_000_000, Fault::Crash { node: 4 }), at(2_500_000, Fault::Restart { node: 3 })]);
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn fail() -> Scenario {
    failures(json!({}))
}

fn no_replicas() -> Scenario {
    failures(json!({ "replicate": false }))
}

/// The original maintenance: n6 crashes at 0.56 s, while n5 and n7 are joining around it.
fn bug_original() -> Scenario {
    let mut s = joins(json!({ "bug": "original_maintenance", "stabilize_us": 600_000 }));
    s.faults.push(at(560_000, Fault::Crash { node: 6 }));
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn bug_handover() -> Scenario {
    joins(json!({ "bug": "no_key_handover", "replicate": false }))
}

fn bug_notify() -> Scenario {
    let mut s = joins(json!({ "bug": "notify_unchecked" }));
    s.faults.push(at(100_000, Fault::Crash { node: 1 }));
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn bug_list() -> Scenario {
    failures(json!({ "bug": "successor_list_not_refreshed" }))
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        preset(
            "chord-ring", "chord", "Chord: lookups around the ring", "Chord：沿环查找",
            "Eight nodes hold identifiers on a 6-bit circle (0-63), drawn in identifier order; each points to its successor. Every 300 ms a client at n0 stores or reads a key: n0 hashes the key onto the circle and asks, hop by hop, whoever most closely precedes it in its finger table, until a node answers that its successor holds the key (find_successor). Each key lives at its successor and, with replication, on the next three nodes. The table shows each lookup's path against ½ log₂ N.",
            "八个节点在 6 位的标识符环（0-63）上按标识符顺序排列，每个节点指向自己的后继。客户端每 300 ms 在 n0 写入或读取一个键：n0 把键哈希到环上，按指表逐跳询问最接近且在它之前的节点，直到某个节点回答“我的后继持有这个键”（find_successor）。每个键存放在它的后继上，开启复制时还存放在其后的三个节点上。表中给出每次查找的路径长度，并与 ½ log₂ N 对比。",
            ring,
        ),
        preset(
            "chord-1000", "chord", "Chord: a thousand nodes", "Chord：一千个节点",
            "A thousand nodes on a 16-bit circle, each with a finger table of 16 entries. Every 100 ms a client at n0 looks a key up; with fingers each hop at least halves the distance left, so a lookup takes about ½ log₂ 1000 ≈ 5 hops (Chord §6.3), shown in the table. n500 crashes at 2 s and its neighbours' successor lists bridge it.",
            "一千个节点位于 16 位的标识符环上，每个节点的指表有 16 项。客户端每 100 ms 在 n0 查找一个键；借助指表，每一跳至少把剩余距离减半，所以一次查找约需 ½ log₂ 1000 ≈ 5 跳（Chord §6.3），见表中数据。n500 在 2 s 崩溃，它邻居的后继列表跨过了它。",
            thousand,
        ),
        preset(
            "chord-join", "chord", "Chord: nodes join, stabilize and notify", "Chord：节点加入、stabilize 与 notify",
            "Four nodes form the ring at the start; n1, n3, n5 and n7 join. A joining node looks up its own successor and copies that node's successor list (Zave's correction). Then stabilize, every 200 ms, asks the successor for its predecessor; when that node lies between them, it becomes the successor. Notify tells the successor about its new predecessor, which hands over the keys in its arc. Watch the ring close until the table says Zave's properties hold.",
            "开始时四个节点组成环；n1、n3、n5、n7 随后加入。加入的节点先查找自己的后继，并复制该节点的后继列表（Zave 的修正）。之后 stabilize 每 200 ms 询问后继的前驱；若那个节点位于两者之间，就把它作为新后继。notify 告诉后继自己是它的新前驱，后继随即把该区段的键交给它。观察环逐步闭合，直到表中显示 Zave 的性质成立。",
            join,
        ),
        preset(
            "chord-neighbours-fail", "chord", "Chord: two neighbours fail, the successor lists bridge them", "Chord：两个相邻节点失效，后继列表跨过它们",
            "n3 and n4, neighbours on the ring, crash at 1 s. n2's successor list (length r = 3) still names n5, so when n3 stops answering, stabilize drops it, then n4, and n2 points to n5: the ring is whole again. The keys n3 and n4 held survive on their replicas. n3 restarts at 2.5 s and joins again like a new node.",
            "环上相邻的 n3、n4 在 1 s 崩溃。n2 的后继列表（长度 r = 3）里还有 n5，所以当 n3 不再应答时，stabilize 将它移除，接着移除 n4，n2 指向 n5：环重新完整。n3、n4 持有的键在副本上保留下来。n3 在 2.5 s 重启，像新节点一样重新加入。",
            fail,
        ),
        preset(
            "chord-keys-lost-without-replicas", "chord", "Chord: without replicas, failed nodes take their keys", "Chord：没有副本时，失效节点带走它们的键",
            "The same two failures with replication off: the keys whose successor was n3 or n4 are gone, and lookups for them find the right node (n5) but no value. Chord §6.4: the fraction of lookups that fail equals the fraction of keys lost with their nodes; replication on the successor list makes it zero.",
            "同样的两次失效，但关闭了复制：后继为 n3 或 n4 的键丢失了，对它们的查找能找到正确的节点（n5），却没有值。Chord §6.4：查找失败的比例等于随节点丢失的键的比例；在后继列表上复制可使其为零。",
            no_replicas,
        ),
        preset(
            "chord-bug-original-maintenance", "chord", "Bug: the original ring maintenance", "缺陷：原始的环维护",
            "Teaching bug: the 2001 protocol as published. A joining node takes one successor and no list; stabilize adopts the successor's predecessor without asking it; check_predecessor clears a predecessor that does not answer. Here n6 crashes at 0.56 s while n5 and n7 are joining around it, each with one successor or none yet to fall back on: the ring never closes around the gap (Zave's counterexamples), and the ring check fails.",
            "教学缺陷：2001 年发表的原始协议。加入的节点只取一个后继、没有后继列表；stabilize 不询问就采用后继的前驱；check_predecessor 清除不应答的前驱。这里 n6 在 0.56 s 崩溃，此时 n5、n7 正在它两侧加入，各自只有一个后继或还没有可退守的后继：环再也无法跨过这个缺口闭合（Zave 的反例），环的检查失败。",
            bug_original,
        ),
        preset(
            "chord-bug-no-key-handover", "chord", "Bug: a join without handing keys over", "缺陷：加入时不交接键",
            "Teaching bug: when a node accepts a new predecessor it keeps the keys that now belong to the newcomer. Lookups for those keys reach the new node, which does not have them: Keys at their successor fails.",
            "教学缺陷：节点接受新前驱后，仍留着现在属于新节点的键。对这些键的查找到达新节点，它却没有这些键：“键在其后继上”检查失败。",
            bug_handover,
        ),
        preset(
            "chord-bug-notify-unchecked", "chord", "Bug: notify accepts any predecessor", "缺陷：notify 接受任何前驱",
            "Teaching bug: a notified node takes the notifier as its predecessor without checking that it lies between the old predecessor and itself. n1 crashes at 0.1 s, while n1, n3, n5 and n7 are joining: nodes whose successor pointers are stale notify nodes further on and become their predecessors, skipping the nodes between, and stabilize then follows those predecessors: the successor lists skip live members for good.",
            "教学缺陷：被 notify 的节点不检查通知者是否位于旧前驱与自己之间，就把它当作前驱。n1 在 0.1 s 崩溃，此时 n1、n3、n5、n7 正在加入：后继指针过时的节点通知了更远的节点并成为其前驱，跳过了中间的节点，stabilize 又沿着这些前驱走：后继列表永远跳过了存活的成员。",
            bug_notify,
        ),
        preset(
            "chord-bug-successor-list-not-refreshed", "chord", "Bug: the successor list never refreshed", "缺陷：后继列表从不刷新",
            "Teaching bug: stabilize keeps the node's own successor list instead of copying its successor's. Each failure shortens the list and nothing refills it; after n3 and n4 fail, n2's list has one entry, and the ring check fails (lists are not the next r members).",
            "教学缺陷：stabilize 保留自己的后继列表，而不是复制后继的列表。每次失效都让列表变短且无从补充；n3、n4 失效后，n2 的列表只剩一项，环的检查失败（列表不是接下来的 r 个成员）。",
            bug_list,
        ),
    ]
}
