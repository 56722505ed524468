//! The lock service's row (Burrows, "The Chubby lock service", OSDI 2006; ZooKeeper's recipes).

use super::*;
use crate::protocols::lock::{LockNode, ZabServerLog};

pub const ROW: Row = Row {
    name: "lock",
    family: "lock",
    title: "Lock service with leases and fencing tokens (Chubby, ZooKeeper recipes) on Raft",
    nodes: NodeRange { min: 3, max: 64, default: 7 },
    bugs: &[
        Bug { name: "herd_effect", source: "ZooKeeper Recipes and Solutions, Locks: watch the predecessor, not the lock node (herd effect)" },
        Bug { name: "client_ignores_lease", source: "Burrows, The Chubby lock service (OSDI 2006) §2.8; Kleppmann, How to do distributed locking (2016)" },
        Bug { name: "sequence_from_child_count", source: "ZooKeeper Programmer's Guide, Sequence Nodes: the counter is the parent's, not the child count" },
        Bug { name: "no_drift_margin", source: "Burrows, The Chubby lock service (OSDI 2006) §2.8: the client's lease timeout is a conservative approximation of the master's, allowing for the rate the master's clock may run faster" },
        Bug { name: "no_leader_lease", source: "Ongaro's thesis §6.4.1: a leader answers from its own state only while it holds a lease from a heartbeat round a majority acknowledged; Chubby §2.9, master leases" },
    ],
    presets: crate::scenario::presets::lock::presets,
    lessons: &["lock-fencing"],
    consistency: ConsistencyModel { model: Consistency::Linearizable, checker: "Mutual Exclusion by Lease, Conservative Lease, Master Lease, One Holder, No Interleaving, Token Order, Fencing Enforced" },
    // Leases depend on clock rates: safety is argued for drift within ρ (the lock
    // service's own bound, which its leases are computed with).
    assumptions: Assumptions { drift_bound_ppm: crate::protocols::lock::config::DRIFT_BOUND_PPM, ..ASYNCHRONOUS },
    sweep: SweepDefaults {
        config: r#"{"rounds":3}"#,
        soak_seeds: 100_000,
        nodes: (7, 7),
        knobs: &[
            &["{}", r#"{"servers":5,"clients":3,"nodes":9}"#, r#"{"servers":3,"clients":5,"nodes":9}"#, r#"{"servers":3,"clients":2,"nodes":6}"#],
            &["{}", r#"{"session_timeout_us":500000,"keepalive_interval_us":100000}"#, r#"{"session_timeout_us":2000000,"keepalive_interval_us":400000}"#],
            &["{}", r#"{"write_prep_us":100000}"#],
        ],
        leave_down: LeaveDown::Never,
        // Up to five clients each run their three critical sections again after the
        // heal's restart, one at a time.
        liveness_bound_us: 15_000_000,
    },
    layout: Layout::Groups,
    check: check_lock,
    build: build_lock,
};

/// The log the servers run, as the configuration names it: `"raft": {...}` (or neither
/// key: Raft, the default) or `"zab": {...}`. On Zab, the scenario to build has the
/// configuration under the key the lock's configuration reads its log from.
pub fn lock_on(s: &Scenario) -> Result<Option<Scenario>, String> {
    let Some(obj) = s.config.as_object() else { return Ok(None) };
    let Some(zab) = obj.get("zab") else { return Ok(None) };
    if obj.contains_key("raft") {
        return Err("lock configuration: name one log for the servers, \"raft\" or \"zab\", not both".into());
    }
    let mut on_zab = s.clone();
    let mut config = obj.clone();
    config.remove("zab");
    config.insert("raft".into(), zab.clone());
    on_zab.config = serde_json::Value::Object(config);
    Ok(Some(on_zab))
}

fn check_lock(s: &Scenario) -> Result<(), String> {
    match lock_on(s)? {
        Some(on_zab) => check::<LockNode<ZabServerLog>>(&on_zab),
        None => check::<LockNode>(s),
    }
}

fn build_lock(s: &Scenario, row: &Row, keep_trace: bool) -> Result<Box<dyn AnyRun>, String> {
    match lock_on(s)? {
        Some(on_zab) => build_any::<LockNode<ZabServerLog>>(&on_zab, row, keep_trace),
        None => build_any::<LockNode>(s, row, keep_trace),
    }
}
