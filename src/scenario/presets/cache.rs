//! Cache presets (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013) with captions
//! in English and Chinese: look-aside reads warming the cache, a thundering herd with and
//! without leases, a stale set with and without leases, a cache server failing, and each
//! teaching bug.

use super::{at, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::{ClientOp, Fault, NetConfig, TimedFault};
use serde_json::json;

/// The database n0, cache servers n1-n3, web servers n4-n6; fixed 10 ms links; a database
/// that takes 50 ms a request; clients reading eight keys at the web servers every 100 ms
/// and writing one every 500 ms.
fn cache_of(config: serde_json::Value) -> Scenario {
    let mut s = Scenario::current("cache", 7, 1);
    let mut c = json!({ "keys": 8, "db_service_us": 50_000 });
    if let (Some(c), serde_json::Value::Object(extra)) = (c.as_object_mut(), config) {
        c.extend(extra);
    }
    s.config = c;
    s.net = NetConfig { latency_min_us: 10_000, latency_max_us: 10_000, ..NetConfig::default() };
    s.faults = (1..=60u64)
        .map(|i| {
            let web = 4 + (i % 3) as u32;
            let op = if i % 5 == 0 { ClientOp::Put { key: format!("k{}", i % 8), value: format!("v{i}") } } else { ClientOp::Get { key: format!("k{}", (i * 3) % 8) } };
            at(100_000 * i, Fault::Request { node: web, op })
        })
        .collect();
    s
}

fn look_aside() -> Scenario {
    cache_of(json!({}))
}

fn request(t: u64, node: u32, op: ClientOp) -> TimedFault {
    at(t, Fault::Request { node, op })
}

/// A hot key: k0 written at 1 s, then read by every web server twelve times in 60 ms.
fn herd(config: serde_json::Value) -> Scenario {
    let mut s = cache_of(config);
    s.faults = vec![request(200_000, 4, ClientOp::Get { key: "k0".into() }), request(1_000_000, 5, ClientOp::Put { key: "k0".into(), value: "hot".into() })];
    for i in 0..36u64 {
        s.faults.push(request(1_100_000 + 5_000 * (i / 3), 4 + (i % 3) as u32, ClientOp::Get { key: "k0".into() }));
    }
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn herd_leases() -> Scenario {
    herd(json!({}))
}

fn herd_no_leases() -> Scenario {
    herd(json!({ "leases": false }))
}

/// The stale-set race: n4 reads k0 (a miss: it reads the database), then pauses for 300 ms
/// (a garbage collection) holding the old value; meanwhile n5 writes k0 and deletes it from
/// the cache; n4 wakes and sets the old value.
fn race(config: serde_json::Value) -> Scenario {
    let mut s = cache_of(config);
    s.faults = vec![
        request(1_000_000, 4, ClientOp::Get { key: "k0".into() }),
        at(1_065_000, Fault::Pause { node: 4 }),
        request(1_070_000, 5, ClientOp::Put { key: "k0".into(), value: "new".into() }),
        at(1_400_000, Fault::Resume { node: 4 }),
        request(2_000_000, 6, ClientOp::Get { key: "k0".into() }),
        request(2_500_000, 6, ClientOp::Get { key: "k0".into() }),
    ];
    s
}

fn stale_set_leases() -> Scenario {
    race(json!({}))
}

fn stale_set_no_leases() -> Scenario {
    race(json!({ "leases": false }))
}

/// Cache server n2 crashes at 2 s and restarts, empty, at 5 s.
fn fail() -> Scenario {
    let mut s = cache_of(json!({}));
    s.faults.extend([at(2_000_000, Fault::Crash { node: 2 }), at(5_000_000, Fault::Restart { node: 2 })]);
    s.faults.sort_by_key(|f| f.at_us);
    s
}

fn bug_leases_off() -> Scenario {
    race(json!({ "bug": "leases_off" }))
}

fn bug_invalidated() -> Scenario {
    race(json!({ "bug": "set_after_invalidated_lease" }))
}

/// n5 deletes k0 before writing the database, and its write is slow to reach the database
/// (held on the link for 200 ms); n4 misses meanwhile and caches the old value.
fn bug_delete_first() -> Scenario {
    let mut s = cache_of(json!({ "bug": "delete_before_db_write" }));
    s.faults = vec![
        at(990_000, Fault::Hold { from: 5, to: 0 }),
        request(1_000_000, 5, ClientOp::Put { key: "k0".into(), value: "new".into() }),
        request(1_050_000, 4, ClientOp::Get { key: "k0".into() }),
        at(1_200_000, Fault::Release { from: 5, to: 0 }),
        request(2_000_000, 6, ClientOp::Get { key: "k0".into() }),
        request(2_500_000, 6, ClientOp::Get { key: "k0".into() }),
    ];
    s
}

pub(crate) fn presets() -> Vec<Preset> {
    vec![
        preset(
            "cache-look-aside", "cache", "A look-aside cache warms up", "旁路缓存逐渐预热",
            "The database n0 takes 50 ms a request. Cache servers n1-n3 hold keys the web servers n4-n6 place on a consistent-hashing ring. A read asks the key's cache server; on a miss the web server reads the database and sets the value in the cache with the lease token the miss handed out. A write goes to the database, then the web server deletes the key from the cache servers. Watch the hit rate rise and the database's reads fall in the plot.",
            "数据库 n0 每个请求需要 50 ms。缓存服务器 n1-n3 保存键，web 服务器 n4-n6 用一致性哈希环给键定位。读请求先问键所在的缓存服务器；未命中时 web 服务器读数据库，再带着未命中时拿到的租约令牌把值写入缓存。写请求先写数据库，然后 web 服务器从缓存服务器删除这个键。在曲线中观察命中率上升、数据库读取下降。",
            look_aside,
        ),
        preset(
            "cache-herd", "cache", "A hot key with leases: one database read", "带租约的热点键：只读一次数据库",
            "k0 is written at 1 s, which deletes it from the cache, and then the three web servers read it 36 times in 60 ms. The first miss gets the lease; the cache server tells the others to wait and retry (at most one lease per key per lease period), so the database serves one read and the rest are hits once the value is set (Nishtala et al. §3.2.1, thundering herds).",
            "k0 在 1 s 被写入，这会把它从缓存中删除；随后三台 web 服务器在 60 ms 内读它 36 次。第一个未命中拿到租约；缓存服务器让其他请求等待后重试（每个键每个租约周期至多发一次租约），所以数据库只服务一次读取，值写入缓存后其余都是命中（Nishtala 等 §3.2.1，惊群）。",
            herd_leases,
        ),
        preset(
            "cache-herd-no-leases", "cache", "The same hot key without leases: a herd at the database", "同样的热点键，没有租约：惊群涌向数据库",
            "The same 36 reads with leases switched off: every read that misses before the first set lands goes to the database, whose queue grows (see the database's longest queue and the plot): the thundering herd leases prevent.",
            "同样的 36 次读取，但关闭了租约：在第一次写入缓存之前未命中的每个读取都去了数据库，数据库的队列变长（见数据库的最长队列和曲线）：这正是租约要防止的惊群。",
            herd_no_leases,
        ),
        preset(
            "cache-stale-set", "cache", "A stale set refused by its lease", "租约拒绝了过时的写入",
            "n4 misses k0, reads the old value from the database, then pauses for 300 ms (a garbage collection) before filling the cache. Meanwhile n5 writes k0 and deletes it from the cache, which invalidates n4's lease. When n4 wakes its set is refused (the cache server's \"sets refused\" count), the next read misses and caches the new value: the cache agrees with the database.",
            "n4 未命中 k0，从数据库读到旧值，然后在写入缓存前暂停 300 ms（一次垃圾回收）。与此同时 n5 写入 k0 并把它从缓存中删除，这使 n4 的租约失效。n4 醒来后的写入被拒绝（见缓存服务器的“被拒绝的写入”计数），下一次读取未命中并缓存新值：缓存与数据库一致。",
            stale_set_leases,
        ),
        preset(
            "cache-stale-set-no-leases", "cache", "Without leases the stale set stays", "没有租约时，过时的值留在缓存中",
            "The same race with leases switched off: n4's late set puts the old value in the cache after n5's delete, and every read after it hits the stale value, with nothing to remove it. The table shows the cache disagreeing with the database for good, and the plot counts the stale reads. Memcache does not promise fresh reads; leases are what keeps a stale value from staying.",
            "同样的竞争，但关闭了租约：n4 迟到的写入在 n5 删除之后把旧值放进缓存，之后的每次读取都命中这个过时的值，没有任何东西会删除它。表格显示缓存与数据库一直不一致，曲线统计过时的读取。memcache 不保证读到最新值；租约防止的是过时的值一直留下。",
            stale_set_no_leases,
        ),
        preset(
            "cache-server-fails", "cache", "A cache server fails: its keys go cold elsewhere", "缓存服务器失效：它的键在别处从冷启动",
            "Cache server n2 crashes at 2 s. Web servers whose gets to it time out leave it out of their ring for a while, and its keys go to the next server clockwise, where they miss (cold misses, counted per web server) and load the database until they are cached again. n2 restarts empty at 5 s and takes its keys back, cold once more.",
            "缓存服务器 n2 在 2 s 崩溃。向它发送 get 超时的 web 服务器会暂时把它移出自己的环，它的键转到顺时针的下一台服务器，在那里未命中（冷未命中，按 web 服务器计数），给数据库带来负载，直到重新被缓存。n2 在 5 s 以空内存重启，收回它的键，又一次从冷启动。",
            fail,
        ),
        preset(
            "cache-bug-leases-off", "cache", "Bug: the servers ignore leases", "缺陷：服务器忽略租约",
            "Teaching bug: the configuration asks for leases, but the servers hand out none and accept every set. In the stale-set race n4's late set lands after n5's delete: Sets carry a live lease fails at once, and the old value stays cached.",
            "教学缺陷：配置要求使用租约，但服务器不发租约，接受每一次写入。在过时写入的竞争中，n4 迟到的写入落在 n5 的删除之后：“写入带有有效租约”立即失败，旧值一直留在缓存中。",
            bug_leases_off,
        ),
        preset(
            "cache-bug-set-after-invalidated-lease", "cache", "Bug: a set accepted with an invalidated lease", "缺陷：接受了已失效租约的写入",
            "Teaching bug: the server checks only that it once handed out the token, not that no delete has invalidated it since. n4's late set carries the token it got before n5's delete and is accepted: Sets carry a live lease fails, and the old value stays cached.",
            "教学缺陷：服务器只检查自己是否发过这个令牌，而不检查之后是否有删除使它失效。n4 迟到的写入带着它在 n5 删除之前拿到的令牌，被接受了：“写入带有有效租约”失败，旧值一直留在缓存中。",
            bug_invalidated,
        ),
        preset(
            "cache-bug-delete-before-db-write", "cache", "Bug: delete from the cache before writing the database", "缺陷：先删缓存，再写数据库",
            "Teaching bug: n5 deletes k0 from the cache first and then writes the database, and its write is slow to arrive (held on the link for 200 ms). n4 misses in between, gets a lease issued after the delete, reads the old value and caches it; the write then commits with nothing to delete the old value. Every lease is valid, yet the cache disagrees with the database for good.",
            "教学缺陷：n5 先从缓存删除 k0，再写数据库，而它的写入迟迟到不了数据库（在链路上被扣留 200 ms）。n4 在这期间未命中，拿到删除之后发出的租约，读到旧值并写入缓存；随后写入提交，却再没有删除去清掉旧值。每个租约都有效，但缓存与数据库一直不一致。",
            bug_delete_first,
        ),
    ]
}
