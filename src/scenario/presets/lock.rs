//! Lock service presets: fixed-seed scenarios with captions in English and Chinese, each
//! showing one point of Chubby (Burrows 2006), ZooKeeper's lock recipe (Hunt et al. 2010)
//! or Kleppmann's "How to do distributed locking" (2016). Servers are n0-n2, clients n3-n5
//! and the storage n6 unless a preset says otherwise. The fault times were read off the
//! seeded runs (who holds the lock when); `tests/suite/lock_presets.rs` checks them.

use super::{at, config, preset, Preset};
use crate::scenario::Scenario;
use crate::sim::Fault;
use serde_json::json;


fn base(seed: u64) -> Scenario {
    Scenario::new("lock", 7, seed)
}

/// The client that holds the lock at `HOLDER_CRASH_US` with seed 2 (checked by the tests).
pub const CRASHED_HOLDER: u32 = 4;
pub const HOLDER_CRASH_US: u64 = 1_200_000;

/// The holder paused in the Kleppmann presets, and when: 50 ms after its lease check for
/// the `begin` write (the write leaves 100 ms after the check).
pub const PAUSED_HOLDER: u32 = 4;
pub const PAUSE_US: u64 = 455_000;

/// The Raft leader crashed in the failover preset.
pub const CRASHED_LEADER: u32 = 0;

fn acquire_release() -> Scenario {
    let mut s = base(1);
    s.playhead_us = 3_000_000;
    s
}

fn holder_crash() -> Scenario {
    let mut s = base(2);
    s.faults = vec![at(HOLDER_CRASH_US, Fault::Crash { node: CRASHED_HOLDER }), at(4_500_000, Fault::Restart { node: CRASHED_HOLDER })];
    s.playhead_us = 3_000_000;
    s
}

fn gc_pause(fencing: bool) -> Scenario {
    let mut s = base(3);
    s.config = json!({"fencing": fencing, "write_prep_us": 100_000});
    s.faults = vec![at(PAUSE_US, Fault::Pause { node: PAUSED_HOLDER }), at(PAUSE_US + 2_000_000, Fault::Resume { node: PAUSED_HOLDER })];
    s.playhead_us = 3_500_000;
    s
}

fn leader_failover() -> Scenario {
    let mut s = base(4);
    s.faults = vec![at(1_500_000, Fault::Crash { node: CRASHED_LEADER }), at(3_500_000, Fault::Restart { node: CRASHED_LEADER })];
    s.playhead_us = 4_000_000;
    s
}

/// n3's clock runs 40% slow from the start; at `CUT_US`, while n3 holds the lock, it is
/// cut off from the servers (not from the storage) for 3 s.
pub const DRIFT_CUT_US: u64 = 900_000;
pub const DRIFT_CLIENT: u32 = 3;

pub fn clock_drift_with(drift_ppm: i64) -> Scenario {
    let mut s = base(5);
    s.config = config(r#"{"fencing": false, "cs_work_us_min": 1_000_000, "cs_work_us_max": 1_000_000}"#);
    s.faults = vec![at(0, Fault::ClockDrift { node: DRIFT_CLIENT, drift_ppm })];
    for server in 0..3 {
        s.faults.push(at(DRIFT_CUT_US, Fault::Cut { a: DRIFT_CLIENT, b: server }));
        s.faults.push(at(DRIFT_CUT_US + 3_000_000, Fault::Heal { a: DRIFT_CLIENT, b: server }));
    }
    s.playhead_us = 3_000_000;
    s
}

/// Version 3: client n3's clock starts drifting at `LEASE_DRIFT_US` (from then on: a
/// clock never jumps); at `LEASE_CUT_US`, while n3 holds the lock in a 1 s critical
/// section, it is cut off from the servers (not from the storage) for 3 s.
pub const LEASE_CLIENT: u32 = 3;
pub const LEASE_DRIFT_US: u64 = 500_000;
pub const LEASE_CUT_US: u64 = 2_900_000;

pub fn lease_drift_with(drift_ppm: i64) -> Scenario {
    let mut s = Scenario::current("lock", 7, 5);
    s.config = json!({"cs_work_us_min": 1_000_000, "cs_work_us_max": 1_000_000});
    s.faults = vec![at(LEASE_DRIFT_US, Fault::ClockDrift { node: LEASE_CLIENT, drift_ppm })];
    for server in 0..3 {
        s.faults.push(at(LEASE_CUT_US, Fault::Cut { a: LEASE_CLIENT, b: server }));
        s.faults.push(at(LEASE_CUT_US + 3_000_000, Fault::Heal { a: LEASE_CLIENT, b: server }));
    }
    s.playhead_us = 5_500_000;
    s
}

fn herd(bug: bool) -> Scenario {
    let mut s = Scenario::new("lock", 9, 6);
    let mut config = json!({"clients": 5});
    if bug {
        config["bug"] = json!("herd_effect");
    }
    s.config = config;
    s.playhead_us = 4_000_000;
    s
}

/// The servers run Zab instead of Raft (the configuration names `zab`), under the current
/// link version.
fn on_zab(mut s: Scenario) -> Scenario {
    let mut config = s.config.as_object().cloned().unwrap_or_default();
    let log = config.remove("raft").unwrap_or_else(|| json!({}));
    config.insert("zab".into(), log);
    s.config = serde_json::Value::Object(config);
    s.version = crate::scenario::link::LINK_VERSION;
    s
}

/// On Zab, with its own timing (Fast Leader Election, then discovery and synchronization,
/// puts the first leader in place about 370 ms in; n2 leads): n4 holds the lock at
/// `ZAB_HOLDER_CRASH_US` with seed 2; n3 takes it at 573 ms with seed 3 and is paused
/// 50 ms after its lease check; the leader that crashes is n2.
pub const ZAB_HOLDER_CRASH_US: u64 = 950_000;
pub const ZAB_PAUSED_HOLDER: u32 = 3;
pub const ZAB_PAUSE_US: u64 = 620_000;
pub const ZAB_CRASHED_LEADER: u32 = 2;

fn zab_holder_crash() -> Scenario {
    let mut s = base(2);
    s.faults = vec![at(ZAB_HOLDER_CRASH_US, Fault::Crash { node: CRASHED_HOLDER }), at(4_500_000, Fault::Restart { node: CRASHED_HOLDER })];
    s.playhead_us = 3_000_000;
    on_zab(s)
}

fn zab_gc_pause(fencing: bool) -> Scenario {
    let mut s = gc_pause(fencing);
    s.faults = vec![at(ZAB_PAUSE_US, Fault::Pause { node: ZAB_PAUSED_HOLDER }), at(ZAB_PAUSE_US + 2_000_000, Fault::Resume { node: ZAB_PAUSED_HOLDER })];
    on_zab(s)
}

fn zab_leader_failover() -> Scenario {
    let mut s = base(4);
    s.faults = vec![at(1_500_000, Fault::Crash { node: ZAB_CRASHED_LEADER }), at(3_500_000, Fault::Restart { node: ZAB_CRASHED_LEADER })];
    s.playhead_us = 4_000_000;
    on_zab(s)
}

/// The same presets with the servers on Zab: what each shows on Raft, on ZooKeeper's own
/// arrangement. Their captions say what differs.
fn zab_presets() -> Vec<Preset> {
    vec![
        preset("lock-zab-acquire-release", "lock", "Lock service on Zab: acquire and release", "Zab 上的锁服务：获取与释放",
            "The same lock service, with its three servers running Zab as ZooKeeper does instead of Raft. Fast Leader Election picks n2 (the highest id among equal histories), discovery and synchronization follow, and once n2 is established the clients open sessions and pass the lock in creation order, each waking only the next, with fencing tokens that only grow.",
            "同样的锁服务，但三台服务器像 ZooKeeper 那样运行 Zab 而不是 Raft。快速领导者选举选出 n2（历史相同时 id 最大者），随后是发现与同步阶段；n2 确立后，客户端打开会话，按创建顺序传递锁，每次只唤醒下一个，隔离令牌只增不减。",
            || on_zab(acquire_release())),
        preset("lock-zab-holder-crash", "lock", "Lock service on Zab: the holder crashes", "Zab 上的锁服务：持锁者崩溃",
            "On Zab, the client holding the lock (n4) crashes. Its keep-alives stop; after the session timeout the Zab leader broadcasts ExpireSession, every server delivers it in zxid order and deletes the ephemeral node, the watch fires, and the next client takes the lock with a higher token.",
            "在 Zab 上，持锁的客户端（n4）崩溃。它的心跳停止；会话超时后，Zab 领导者广播 ExpireSession，每台服务器按 zxid 顺序交付它并删除临时节点，监视触发，下一个客户端以更大的令牌获得锁。",
            zab_holder_crash),
        preset("lock-zab-gc-pause-unfenced", "lock", "Lock service on Zab: a GC pause without fencing", "Zab 上的锁服务：没有隔离令牌时的 GC 停顿",
            "Kleppmann's scenario on Zab. The holder (n3) checks its lease, then freezes for 2 s before its write leaves. Its session expires, the next client takes the lock and writes; the woken client's old write reaches a storage that does not check tokens, and No Interleaving turns red. The log under the lock service does not matter: a lease alone cannot make a lock safe.",
            "Zab 上的 Kleppmann 场景。持锁者（n3）检查了租约，随后在写请求发出之前冻结 2 秒。它的会话过期，下一个客户端获得锁并写入；醒来的客户端的旧写请求到达不检查令牌的存储，“无交错”检查变红。锁服务下面是哪种日志无关紧要：仅靠租约无法让锁安全。",
            || zab_gc_pause(false)),
        preset("lock-zab-gc-pause-fenced", "lock", "Lock service on Zab: the same pause with fencing", "Zab 上的锁服务：同样的停顿，有隔离令牌",
            "The same pause on Zab, with the storage checking tokens: the woken client's write carries an older token than the new holder's and is rejected. The token is the lock node's creation zxid in the lock tree, the same on Zab as on Raft.",
            "Zab 上同样的停顿，但存储检查令牌：醒来的客户端的写请求带着比新持锁者更旧的令牌，被拒绝。令牌是锁树中锁节点创建时的 zxid，在 Zab 上和在 Raft 上一样。",
            || zab_gc_pause(true)),
        preset("lock-zab-leader-failover", "lock", "Lock service on Zab: the Zab leader fails", "Zab 上的锁服务：Zab 领导者故障",
            "The Zab leader n2 crashes while clients wait for the lock. The followers stop hearing it, go back to LOOKING after syncLimit, elect n1, and synchronize with it before it serves. A leader answers KeepAlives only while it holds a lease from a PING round a quorum answered, and the new leader gives every session a fresh timeout plus a grace period, so no session expires and the lock keeps passing.",
            "Zab 领导者 n2 在客户端等待锁时崩溃。跟随者听不到它，在 syncLimit 之后回到 LOOKING，选出 n1，并在 n1 提供服务之前与它同步。领导者只在持有由法定人数应答的 PING 轮次给出的租约时才应答 KeepAlive，新领导者给每个会话一个新的超时加宽限期，因此没有会话过期，锁继续传递。",
            zab_leader_failover),
        preset("lock-zab-clock-drift", "lock", "Lock service on Zab: a client's clock runs 40% slow", "Zab 上的锁服务：客户端的时钟慢了 40%",
            "Client n3's clock runs 40% slow, far beyond the 10% the service's leases allow for, and n3 is cut off from the servers while it holds the lock (fencing off). Under the current semantics the run is labelled \"assumption exceeded\": the Zab leader expires n3's session while n3's lease still has time left by its slow clock (Conservative Lease), and the next client holds the lock by its lease at the same time (Mutual Exclusion by Lease).",
            "客户端 n3 的时钟慢了 40%，远超服务租约所允许的 10%；n3 在持锁时与服务器断开（关闭隔离令牌）。在当前语义下，这次运行被标记为“超出假设”：Zab 领导者让 n3 的会话过期时，按 n3 走慢的时钟它的租约还有剩余（“保守租约”），下一个客户端同时按租约持有锁（“租约互斥”）。",
            || on_zab(clock_drift_with(-400_000))),
        preset("lock-zab-lease-margin", "lock", "Lock service on Zab: a lease with a margin for drift", "Zab 上的锁服务：为时钟漂移留出余量的租约",
            "Client n3's clock runs 10% slow, within the drift bound. Cut off from the servers while it holds the lock, it trusts its lease for 818 ms of the 1 s timeout by its own clock, so its lease runs out, and its session goes into jeopardy, before the Zab leader expires the session; only then does the next client take the lock. No property is violated.",
            "客户端 n3 的时钟慢了 10%，在漂移上界之内。它在持锁时与服务器断开，按自己的时钟只信任租约 1 秒超时中的 818 毫秒，因此它的租约在 Zab 领导者让会话过期之前结束，会话进入危险期；此后下一个客户端才获得锁。没有任何性质被违反。",
            || on_zab(lease_drift_with(-100_000))),
        preset("lock-zab-drift-beyond-bound", "lock", "Lock service on Zab: drift beyond the bound (assumption exceeded)", "Zab 上的锁服务：超出上界的时钟漂移（超出假设）",
            "The same run with n3's clock 30% slow, beyond the bound: labelled \"assumption exceeded\", and Conservative Lease and Mutual Exclusion by Lease turn red, on Zab as on Raft. The leases are the service's; the log under it only has to keep its leader lease honest.",
            "同样的运行，但 n3 的时钟慢了 30%，超出上界：被标记为“超出假设”，“保守租约”和“租约互斥”变红，在 Zab 上和在 Raft 上一样。租约属于服务本身；它下面的日志只需保证领导者租约可靠。",
            || on_zab(lease_drift_with(-300_000))),
        preset("lock-zab-herd-effect", "lock", "Lock service on Zab: the herd effect (teaching bug)", "Zab 上的锁服务：羊群效应（教学缺陷）",
            "Five clients on Zab, every waiter watching the children of /lock: each release wakes every waiter (No Herd Effect turns red on each). Count the notifications against the recipe preset on Zab.",
            "Zab 上的五个客户端，每个等待者都监视 /lock 的所有子节点：每次释放都唤醒所有等待者（每次“无羊群效应”都变红）。请与 Zab 上的正确做法预设比较通知次数。",
            || on_zab(herd(true))),
        preset("lock-zab-recipe-no-herd", "lock", "Lock service on Zab: the recipe without a herd", "Zab 上的锁服务：没有羊群效应的做法",
            "The same five clients on Zab following ZooKeeper's recipe: each waiter watches only its predecessor, so a release wakes exactly one client.",
            "Zab 上同样的五个客户端遵循 ZooKeeper 的做法：每个等待者只监视自己的前一个节点，因此一次释放只唤醒一个客户端。",
            || on_zab(herd(false))),
    ]
}

pub fn presets() -> Vec<Preset> {
    let mut all = raft_presets();
    all.extend(zab_presets());
    all
}

fn raft_presets() -> Vec<Preset> {
    vec![
        preset("lock-acquire-release", "lock", "Lock service: acquire and release", "锁服务：获取与释放",
            "Three lock servers run Raft; three clients open sessions and keep them alive. Each creates an ephemeral sequential node under /lock. The lowest node holds the lock; every other client watches only its predecessor (the dashed arrow). The holder writes begin and end to the storage with its fencing token (the node's creation zxid), deletes its node, and the watch wakes exactly the next client in line.",
            "三台锁服务器运行 Raft；三个客户端打开会话并保持心跳。每个客户端在 /lock 下创建一个临时顺序节点。序号最小的节点持有锁；其他客户端只监视自己的前一个节点（虚线箭头）。持锁者带着自己的隔离令牌（节点创建时的 zxid）向存储写入 begin 和 end，然后删除节点，监视只唤醒排在下一位的客户端。",
            acquire_release),
        preset("lock-holder-crash", "lock", "Lock service: the holder crashes", "锁服务：持锁者崩溃",
            "The client holding the lock crashes. Its keep-alives stop; after the session timeout the Raft leader proposes ExpireSession, every server deletes the session's ephemeral node, the watch fires, and the next client in line takes the lock with a higher token.",
            "持锁的客户端崩溃。它的心跳停止；会话超时后，Raft 领导者提议 ExpireSession，所有服务器删除该会话的临时节点，监视触发，排在下一位的客户端以更大的令牌获得锁。",
            holder_crash),
        preset("lock-gc-pause-unfenced", "lock", "Lock service: a GC pause without fencing", "锁服务：没有隔离令牌时的 GC 停顿",
            "Kleppmann's scenario. The holder checks its lease, then freezes (a GC pause) for 2 s before its write leaves. Its session expires, the next client takes the lock and writes. When the paused client wakes it sends its old write; the storage does not check tokens and accepts it: two critical sections interleave, and No Interleaving turns red.",
            "Kleppmann 描述的场景。持锁者检查了租约，随后在写请求发出之前冻结（GC 停顿）2 秒。它的会话过期，下一个客户端获得锁并写入。停顿的客户端醒来后发出旧的写请求；存储不检查令牌而接受了它：两个临界区交错，“无交错”检查变红。",
            || gc_pause(false)),
        preset("lock-gc-pause-fenced", "lock", "Lock service: the same pause with fencing", "锁服务：同样的停顿，有隔离令牌",
            "The same pause, but the storage remembers the highest token it accepted. The woken client's write carries an older token than the new holder's, so the storage rejects it and says so; the client learns it lost the lock. No property is violated: a lease alone cannot make a lock safe, a fencing token can.",
            "同样的停顿，但存储记住了它接受过的最大令牌。醒来的客户端的写请求带着比新持锁者更旧的令牌，存储拒绝它并告知客户端；客户端由此得知自己已失去锁。没有任何性质被违反：仅靠租约无法让锁安全，隔离令牌可以。",
            || gc_pause(true)),
        preset("lock-leader-failover", "lock", "Lock service: the Raft leader fails", "锁服务：Raft 领导者故障",
            "The lock servers' Raft leader crashes while clients wait for the lock. The other two elect a new leader. It knows no keep-alive times, so, like Chubby's new master, it gives every session a fresh timeout plus a grace period instead of expiring them; sessions, lock nodes and watches survive in the replicated tree and the lock keeps passing in order.",
            "锁服务器的 Raft 领导者在客户端等待锁时崩溃。另外两台选出新的领导者。它不知道各会话的心跳时间，因此像 Chubby 的新主节点一样，给每个会话一个新的超时加宽限期，而不是让它们过期；会话、锁节点和监视都保存在复制的树中，锁继续按顺序传递。",
            leader_failover),
        preset("lock-clock-drift", "lock", "Lock service: a client's clock runs slow", "锁服务：客户端的时钟走慢",
            "Client n3's clock runs 40% slow. Cut off from the servers while it holds the lock, it still believes its lease has time left, because its own clock says so; the leader, counting real time, has already expired the session and given the lock away, and n3's late write lands after the new holder's (fencing is off here). A slow client clock, or a fast server clock, is the dangerous direction; a fast client clock only gives the lock up early. Chubby assumes bounded drift; fencing does not have to.",
            "客户端 n3 的时钟慢了 40%。它在持锁时与服务器断开，但它自己的时钟显示租约还有剩余，于是仍认为自己持有锁；领导者按真实时间计算，早已让会话过期并把锁交给了别人，n3 迟到的写入落在新持锁者之后（此处关闭了隔离令牌）。客户端时钟走慢，或服务器时钟走快，才是危险的方向；客户端时钟走快只会让它提前放弃锁。Chubby 假设时钟漂移有界；隔离令牌则不需要这个假设。",
            || clock_drift_with(-400_000)),
        preset("lock-lease-margin", "lock", "Lock service: a lease with a margin for drift", "锁服务：为时钟漂移留出余量的租约",
            "Client n3's clock runs 10% slow, as slow as the service assumes any clock may run (its drift bound ρ). Cut off from the servers while it holds the lock, n3 trusts its lease only for the session timeout × (1 − ρ)/(1 + ρ) after it sent its last answered KeepAlive, by its own clock: 818 ms of the 1 s timeout. So its lease runs out before the leader, whose clock may run 10% fast, can expire its session. n3 stops writing, its session is in jeopardy for a grace period (Chubby §2.8), and then it gives the lock up; only after that does the next client take it. No property is violated.",
            "客户端 n3 的时钟慢了 10%，恰好是服务假设任何时钟可能的最大漂移（漂移上界 ρ）。n3 在持锁时与服务器断开；它只在最后一次得到应答的 KeepAlive 发出之后、按自己的时钟信任自己的租约“会话超时 ×（1 − ρ）/（1 + ρ）”这么久：1 秒超时中的 818 毫秒。因此它的租约会在领导者（其时钟可能快 10%）让会话过期之前结束。n3 停止写入，会话进入一段宽限期的危险期（Chubby §2.8），随后放弃锁；在这之后下一个客户端才获得锁。没有任何性质被违反。",
            || lease_drift_with(-100_000)),
        preset("lock-drift-beyond-bound", "lock", "Lock service: drift beyond the bound (assumption exceeded)", "锁服务：超出上界的时钟漂移（超出假设）",
            "The same run, but n3's clock runs 30% slow, beyond the 10% the lease margin allows for. The run is labelled \"assumption exceeded\": the service promises mutual exclusion only for clocks within its drift bound. By n3's slow clock its lease still has time left when the leader expires its session (Conservative Lease turns red), and the next client takes the lock while n3 still holds it by its lease (Mutual Exclusion by Lease turns red). Fencing tokens do not depend on clocks: the storage would still refuse a late write from n3.",
            "同样的运行，但 n3 的时钟慢了 30%，超出了租约余量所考虑的 10%。这次运行被标记为“超出假设”：服务只在时钟漂移不超过其上界时保证互斥。按 n3 走慢的时钟，当领导者让它的会话过期时，它的租约还有剩余（“保守租约”变红）；下一个客户端在 n3 仍按租约持锁时获得了锁（“租约互斥”变红）。隔离令牌不依赖时钟：存储仍会拒绝 n3 迟到的写入。",
            || lease_drift_with(-300_000)),
        preset("lock-herd-effect", "lock", "Lock service: the herd effect (teaching bug)", "锁服务：羊群效应（教学缺陷）",
            "Five clients, and every waiter watches the children of /lock instead of its predecessor. Each create and each release wakes every waiter, who all read the children again and re-arm their watches: count the notifications. Nothing unsafe happens, only needless load that grows with the number of waiters.",
            "五个客户端，每个等待者都监视 /lock 的所有子节点，而不是自己的前一个节点。每次创建和释放都会唤醒所有等待者，它们都重新读取子节点并重新设置监视：数一数通知的次数。没有发生不安全的事情，只是产生了随等待者数量增长的无谓负载。",
            || herd(true)),
        preset("lock-recipe-no-herd", "lock", "Lock service: the recipe without a herd", "锁服务：没有羊群效应的做法",
            "The same five clients following ZooKeeper's recipe: each waiter watches only the node just before its own, so a release wakes exactly one client. Compare the notification count with the herd-effect preset.",
            "同样的五个客户端遵循 ZooKeeper 的做法：每个等待者只监视紧挨在自己前面的节点，因此一次释放只唤醒一个客户端。请与羊群效应预设的通知次数比较。",
            || herd(false)),
    ]
}
