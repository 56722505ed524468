//! Hash-ring presets (Karger et al., STOC 1997; Dynamo, SOSP 2007) with captions in English
//! and Chinese: a ring serving writes and reads, servers joining, a server failing, mod-N
//! against the ring, one token per server against many, and each teaching bug.

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig};
use serde_json::json;

/// Eight servers, 48 keys, fixed 10 ms links, and a client at n0 writing then reading a
/// key every 250 ms.
fn ring_of(config: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("hash-ring", 8, 1);
    let mut c = json!({});
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), config) {
        c.extend(extra);
    }
    s.config = c;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = (1..=20u64)
        .map(|i| {
            let key = format!("k{}", i / 2 * 5 % 48);
            let op = if i % 2 == 1 { ClientOp::Put { key, value: format!("v{i}") } } else { ClientOp::Get { key } };
            at(250_000 * i, Fault::Request { node: 0, op })
        })
        .collect();
    s
}

fn ring() -> Scenario {
    ring_of(json!({}))
}

/// Six servers from the start; n6 joins at 1 s and n7 at 2 s.
fn joins(config: serde_json::Value) -> Scenario {
    let mut c = json!({ "start_servers": 6 });
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), config) {
        c.extend(extra);
    }
    ring_of(c)
}

fn join() -> Scenario {
    joins(json!({}))
}

fn mod_n() -> Scenario {
    joins(json!({ "placement": "mod_n" }))
}

fn one_token() -> Scenario {
    ring_of(json!({ "vnodes": 1 }))
}

/// n2 crashes at 1 s and restarts at 4 s.
fn failure(config: serde_json::Value) -> Scenario {
    let mut s = ring_of(config);
    s.faults.extend([at(1_000_000, Fault::Crash { node: 2 }), at(4_000_000, Fault::Restart { node: 2 })]);
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn fail() -> Scenario {
    failure(json!({}))
}

fn bug_salted() -> Scenario {
    ring_of(json!({ "bug": "salted_hash" }))
}

fn bug_vnodes() -> Scenario {
    ring_of(json!({ "bug": "preference_counts_virtual_nodes" }))
}

fn bug_wrap() -> Scenario {
    ring_of(config(r#"{ "bug": "wrap_off_by_one", "replicas": 1, "read_quorum": 1, "write_quorum": 1 }"#))
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        preset(
            "hash-ring-servers", "hash-ring", "Consistent hashing: a ring of servers", "一致性哈希：服务器组成的环",
            "Eight servers, each with eight tokens (virtual nodes) on a 64-bit hash circle. A key belongs to the first token clockwise from its hash, and its preference list is the first N = 3 distinct servers from there (Dynamo §4.3). Every 250 ms a client at n0 writes or reads a key: n0 coordinates, sends to the three replicas and answers after W = 2 (or R = 2) of them; the arrows show the last request's replicas. The servers table shows how many of the 48 keys each owns against the mean. The outer ring is the hash circle itself: each token's arc in its server's colour (point at an arc to see whose it is).",
            "八台服务器，每台在 64 位哈希环上有八个令牌（虚拟节点）。一个键属于从它的哈希值顺时针遇到的第一个令牌，它的首选列表是从那里起的前 N = 3 台不同的服务器（Dynamo §4.3）。客户端每 250 ms 在 n0 写入或读取一个键：n0 作为协调者，发给三个副本，收到 W = 2（或 R = 2）个应答后回复；箭头标出上一个请求的副本。服务器表给出每台服务器拥有 48 个键中的多少个，并与平均值对比。外圈就是哈希环本身：每个令牌的弧用其服务器的颜色画出（指向一段弧可看到它属于谁）。",
            ring,
        ),
        preset(
            "hash-ring-join", "hash-ring", "Consistent hashing: servers join, few keys move", "一致性哈希：服务器加入，只有少数键移动",
            "Six servers hold the keys at the start; n6 joins at 1 s and n7 at 2 s. Gossip spreads each join; every server recomputes its preference lists and hands the keys it no longer owns to their new replicas, then drops them. Only the keys whose arc the newcomer takes change owner, about 1/(n+1) of them (Karger et al. 1997): the table and the plot compare each change's count with that.",
            "开始时六台服务器持有所有键；n6 在 1 s 加入，n7 在 2 s 加入。gossip 传播每次加入；每台服务器重新计算首选列表，把不再属于自己的键交给新的副本，然后删除。只有新服务器接管的那段弧上的键改变了所有者，约为 1/(n+1)（Karger 等，1997）：表格和曲线把每次变化移动的键数与此对比。",
            join,
        ),
        preset(
            "hash-ring-mod-n", "hash-ring", "Mod-N: the same joins move almost every key", "取模分配：同样的加入几乎移动所有键",
            "The same two joins with placement hash mod N. When N goes from 6 to 7, a key keeps its server only if its hash gives the same remainder, so about 6 in 7 keys move, and again from 7 to 8: compare the plot with the consistent-hashing preset.",
            "同样的两次加入，但按哈希值对 N 取模分配。N 从 6 变成 7 时，只有余数不变的键才留在原服务器，所以约 7 分之 6 的键要移动，从 7 变成 8 时又是如此：把曲线与一致性哈希的预设对比。",
            mod_n,
        ),
        preset(
            "hash-ring-one-token", "hash-ring", "One token per server: an uneven ring", "每台服务器一个令牌：不均匀的环",
            "Each server has one token, so the arcs between tokens, and the keys they cover, differ widely: the servers table shows some servers owning several times the mean and others almost nothing. With v tokens per server the spread shrinks like 1/√v (Dynamo §6.2; Chord §6.2).",
            "每台服务器只有一个令牌，令牌之间的弧长以及其中的键数相差很大：服务器表显示有的服务器拥有平均值的数倍，有的几乎没有。每台服务器有 v 个令牌时，偏差按 1/√v 缩小（Dynamo §6.2；Chord §6.2）。",
            one_token,
        ),
        preset(
            "hash-ring-server-fails", "hash-ring", "A server fails: taken out, its keys copied on", "服务器失效：被移出环，它的键被复制到别处",
            "n2 crashes at 1 s. Its heartbeat stops rising; after one second without news the other servers take it out of the ring (its incarnation becomes even), and each key it was a replica of gains the next server clockwise, which receives the key by handoff. n2 restarts at 4 s with its keys on disk, comes back with a higher incarnation, and the keys that are no longer its own move away again.",
            "n2 在 1 s 崩溃。它的心跳不再增长；一秒没有消息后，其他服务器把它移出环（它的化身号变为偶数），它作为副本的每个键都增加了顺时针的下一台服务器，这台服务器通过移交收到键。n2 在 4 s 重启，键仍在磁盘上，它以更高的化身号回到环中，不再属于它的键又被移走。",
            fail,
        ),
        preset(
            "hash-ring-bug-salted-hash", "hash-ring", "Bug: a hash salted per process", "缺陷：每个进程加盐的哈希",
            "Teaching bug: each server hashes keys with a salt drawn when its process starts, as a language's default string hash does. Each server then has its own ring: two servers that know the same members name different owners for a key, so One owner per key fails at once, and handoff moves keys back and forth without ever agreeing.",
            "教学缺陷：每台服务器用进程启动时随机生成的盐来哈希键，就像某些语言默认的字符串哈希那样。于是每台服务器都有自己的环：知道同样成员的两台服务器对同一个键给出不同的所有者，“每个键一个所有者”立即失败，移交让键来回移动，永远无法一致。",
            bug_salted,
        ),
        preset(
            "hash-ring-bug-preference-counts-virtual-nodes", "hash-ring", "Bug: a preference list that counts virtual nodes", "缺陷：首选列表把虚拟节点计为不同副本",
            "Teaching bug: the preference list takes the next N tokens clockwise without skipping a server already on it. With eight tokens per server, two of a key's three tokens are often one server's, so the key has two copies, not three, and one failure away from one: N distinct replicas fails.",
            "教学缺陷：首选列表顺时针取接下来的 N 个令牌，却不跳过已在列表上的服务器。每台服务器有八个令牌时，一个键的三个令牌中常有两个属于同一台服务器，于是键只有两份副本而不是三份，再坏一台就只剩一份：“N 个不同副本”检查失败。",
            bug_vnodes,
        ),
        preset(
            "hash-ring-bug-wrap-off-by-one", "hash-ring", "Bug: the circle does not wrap", "缺陷：环没有回绕",
            "Teaching bug: a key whose hash lies past the highest token should go to the lowest token (the circle wraps); the lookup stops at the highest one instead. Each key here has one copy (N = 1), so the keys in that last arc live on the wrong server: One owner per key fails at once, and after the run Keys on their replicas fails too. (With N = 3 the wrong list often names the same three servers in another order: only the owner is wrong.)",
            "教学缺陷：哈希值超过最大令牌的键应该属于最小的令牌（环会回绕）；而查找却停在了最大的令牌上。这里每个键只有一份（N = 1），所以最后一段弧上的键存放在错误的服务器上：“每个键一个所有者”立即失败，运行结束后“键在其副本上”也失败。（N = 3 时，错误的列表常常以另一种顺序列出同样三台服务器：只有所有者是错的。）",
            bug_wrap,
        ),
    ]
}
