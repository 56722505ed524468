//! Reading the fault vocabulary from JSON by hand ([`super::json_read`]): a fault and a
//! client operation in the form serde's internally tagged derive writes them
//! (`{"kind": "crash", "node": 1}`, `{"op": "get", "key": "x"}`: the tag names the variant,
//! its fields follow), a fault placed in a schedule, network and chaos settings (every
//! field optional, defaults as `Default` gives them). A missing field, a wrong type or an
//! unknown field is refused. The derive's reader for the tagged enums alone was about
//! 20 KB gzipped of each page module. Writing stays derived.

use super::fault::{ChaosConfig, Fault, NetConfig, TimedFault};
use super::json_read::{Fields, JsonField};
use super::protocol::{ClientOp, NodeId};
use serde_json::Value;

/// Every fault's `kind`, as the derive writes it.
const FAULT_KINDS: &[&str] = &[
    "crash", "crash_lose_unsynced", "restart", "pause", "resume", "timeout_now", "clock_skew", "clock_drift", "cut",
    "cut_one_way", "heal", "hold", "release", "partition", "heal_all", "set_network", "set_chaos", "request",
    "adversary", "deliver", "drop", "duplicate", "fire", "slow", "corrupt_disk",
];
/// Every client operation's `op`.
const OPS: &[&str] = &["put", "get", "propose"];

crate::deserialize_via!(Fault, fault_from_json);

crate::deserialize_via!(ClientOp, client_op_from_json);

crate::deserialize_via!(TimedFault, timed_fault_from_json);

/// `{"at_us": 300000, "fault": {…}}`, with `after_event` when the page recorded it.
pub(crate) fn timed_fault_from_json(v: Value) -> Result<TimedFault, String> {
    let mut f = Fields::of(v, "a scheduled fault (an object with `at_us` and `fault`)")?;
    let timed = TimedFault { at_us: f.u64("at_us")?, after_event: f.opt_u64("after_event")?, fault: fault_from_json(f.take("fault")?)? };
    f.finish("a scheduled fault")?;
    Ok(timed)
}

// Network and chaos settings: every field optional, a field left out keeps `Default`'s
// value (chaos's own network when its `net` is left out).
crate::json_struct!(NetConfig, "network settings" { latency_min_us, latency_max_us, loss_ppm, duplicate_ppm, reorder_ppm, reorder_extra_us, corrupt_ppm });
crate::json_struct!(ChaosConfig, "chaos settings" {
    tick_us, crash_ppm, partition_ppm, pause_ppm, skew_ppm, lose_unsynced_ppm, max_downtime_us, max_restart_delay_us,
    crash_after_write_ppm, slow_ppm, slow_factor_max, disk_corrupt_ppm, net
});

/// A partition's groups: lists of node ids.
fn groups_from_json(v: Value) -> Result<Vec<Vec<NodeId>>, String> {
    let group = |g: Value| match g {
        Value::Array(ids) => ids.iter().map(|id| id.as_u64().and_then(|n| NodeId::try_from(n).ok()).ok_or("a node id must be a whole number from 0")).collect(),
        _ => Err("each group must be a list of node ids"),
    };
    match v {
        Value::Array(groups) => groups.into_iter().map(group).collect::<Result<_, _>>().map_err(|e| format!("`groups`: {e}")),
        _ => Err("`groups` must be a list of groups".into()),
    }
}

fn fault_from_json(v: Value) -> Result<Fault, String> {
    use Fault::*;
    let mut f = Fields::of(v, "a fault (an object with a `kind`)")?;
    let kind = f.tag("kind", FAULT_KINDS)?;
    let fault = match kind.as_str() {
        "crash" => Crash { node: f.u32("node")? },
        "crash_lose_unsynced" => CrashLoseUnsynced { node: f.u32("node")? },
        "restart" => Restart { node: f.u32("node")? },
        "pause" => Pause { node: f.u32("node")? },
        "resume" => Resume { node: f.u32("node")? },
        "timeout_now" => TimeoutNow { node: f.u32("node")? },
        "clock_skew" => ClockSkew { node: f.u32("node")?, skew_us: f.i64("skew_us")? },
        "clock_drift" => ClockDrift { node: f.u32("node")?, drift_ppm: f.i64("drift_ppm")? },
        "cut" => Cut { a: f.u32("a")?, b: f.u32("b")? },
        "cut_one_way" => CutOneWay { from: f.u32("from")?, to: f.u32("to")? },
        "heal" => Heal { a: f.u32("a")?, b: f.u32("b")? },
        "hold" => Hold { from: f.u32("from")?, to: f.u32("to")? },
        "release" => Release { from: f.u32("from")?, to: f.u32("to")? },
        "partition" => Partition { groups: groups_from_json(f.take("groups")?)? },
        "heal_all" => HealAll,
        "set_network" => SetNetwork { net: JsonField::from_json("net", f.take("net")?)? },
        "set_chaos" => SetChaos { on: f.bool("on")? },
        "request" => Request { node: f.u32("node")?, op: client_op_from_json(f.take("op")?)? },
        "adversary" => Adversary { on: f.bool("on")? },
        "deliver" => Deliver { id: f.u64("id")? },
        "drop" => Drop { id: f.u64("id")? },
        "duplicate" => Duplicate { id: f.u64("id")? },
        "fire" => Fire { id: f.u64("id")? },
        "slow" => Slow { node: f.u32("node")?, factor: f.u32("factor")? },
        "corrupt_disk" => CorruptDisk { node: f.u32("node")? },
        other => unreachable!("{other} is in FAULT_KINDS but not read"),
    };
    f.finish(&format!("a {kind} fault"))?;
    Ok(fault)
}

fn client_op_from_json(v: Value) -> Result<ClientOp, String> {
    let mut f = Fields::of(v, "a client operation (an object with an `op`)")?;
    let op = f.tag("op", OPS)?;
    let read = match op.as_str() {
        "put" => ClientOp::Put { key: f.string("key")?, value: f.string("value")? },
        "get" => ClientOp::Get { key: f.string("key")? },
        "propose" => ClientOp::Propose { value: f.string("value")? },
        other => unreachable!("{other} is in OPS but not read"),
    };
    f.finish(&format!("a {op} operation"))?;
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_fault() -> Vec<Fault> {
        use Fault::*;
        let op = ClientOp::Put { key: "x".into(), value: "1".into() };
        vec![
            Crash { node: 1 }, CrashLoseUnsynced { node: 2 }, Restart { node: 3 }, Pause { node: 4 }, Resume { node: 0 },
            TimeoutNow { node: 1 }, ClockSkew { node: 1, skew_us: -5_000 }, ClockDrift { node: 2, drift_ppm: 100_000 },
            Cut { a: 0, b: 1 }, CutOneWay { from: 1, to: 2 }, Heal { a: 0, b: 1 }, Hold { from: 2, to: 0 },
            Release { from: 2, to: 0 }, Partition { groups: vec![vec![0, 1], vec![2]] }, HealAll,
            SetNetwork { net: NetConfig::default() }, SetChaos { on: true }, Request { node: 0, op },
            Request { node: 1, op: ClientOp::Get { key: "y".into() } }, Request { node: 2, op: ClientOp::Propose { value: "v".into() } },
            Adversary { on: false }, Deliver { id: 7 }, Drop { id: 8 }, Duplicate { id: 9 }, Fire { id: 10 },
            Slow { node: 1, factor: 4 }, CorruptDisk { node: 3 },
        ]
    }

    #[test]
    fn every_fault_the_derive_writes_reads_back_the_same() {
        let faults = every_fault();
        let kinds: Vec<String> = faults.iter().map(|f| serde_json::to_value(f).unwrap()["kind"].as_str().unwrap().to_string()).collect();
        for k in FAULT_KINDS {
            assert!(kinds.iter().any(|x| x == k), "no sample of {k}");
        }
        for f in faults {
            let text = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&text).unwrap(), f, "{text}");
            assert_eq!(serde_json::from_value::<Fault>(serde_json::from_str(&text).unwrap()).unwrap(), f, "{text}");
        }
    }

    fn refused(text: &str) -> String {
        serde_json::from_str::<Fault>(text).expect_err(text).to_string()
    }

    #[test]
    fn a_bad_fault_is_refused_with_what_is_wrong() {
        assert!(refused(r#"{"kind":"crash","node":1,"evil":2}"#).contains("unknown field `evil` in a crash fault"));
        assert!(refused(r#"{"kind":"explode","node":1}"#).contains("unknown variant `explode`, expected one of `crash`"));
        assert!(refused(r#"{"node":1}"#).contains("missing field `kind`"));
        assert!(refused(r#"{"kind":"cut","a":1}"#).contains("missing field `b`"));
        assert!(refused(r#"{"kind":"crash","node":-1}"#).contains("invalid value for `node`"));
        assert!(refused(r#"{"kind":"crash","node":4294967296}"#).contains("expected at most 4294967295"));
        assert!(refused(r#"{"kind":"crash","node":1.0}"#).contains("invalid value for `node`"));
        assert!(refused(r#"{"kind":"set_chaos","on":1}"#).contains("expected a boolean"));
        assert!(refused(r#"{"kind":"heal_all","x":1}"#).contains("unknown field `x`"));
        assert!(refused(r#"{"kind":"request","node":0,"op":{"op":"get"}}"#).contains("missing field `key`"));
        assert!(refused(r#"{"kind":"request","node":0,"op":{"op":"get","key":"x","v":1}}"#).contains("unknown field `v` in a get operation"));
        assert!(refused(r#"{"kind":"partition","groups":[["a"]]}"#).contains("`groups`"));
        assert!(refused(r#"{"kind":"set_network","net":{"latency":1}}"#).contains("unknown field `latency`"));
        assert!(refused(r#"[1]"#).contains("expected a fault"));
        assert!(refused(r#"{"kind":7}"#).contains("expected a variant name"));
    }

    #[test]
    fn network_and_chaos_settings_take_defaults_for_what_they_leave_out() {
        let net: NetConfig = serde_json::from_str(r#"{"loss_ppm": 5}"#).unwrap();
        assert_eq!(net, NetConfig { loss_ppm: 5, ..NetConfig::default() });
        let chaos: ChaosConfig = serde_json::from_str(r#"{"crash_ppm": 1, "net": {"latency_max_us": 9}}"#).unwrap();
        assert_eq!(chaos, ChaosConfig { crash_ppm: 1, net: NetConfig { latency_max_us: 9, ..NetConfig::default() }, ..ChaosConfig::default() });
        let chaos: ChaosConfig = serde_json::from_str(r#"{"max_restart_delay_us": null}"#).unwrap();
        assert_eq!(chaos, ChaosConfig::default(), "a null optional field is absent");
        let full = ChaosConfig { max_restart_delay_us: Some(7), slow_ppm: 3, ..ChaosConfig::default() };
        assert_eq!(serde_json::from_str::<ChaosConfig>(&serde_json::to_string(&full).unwrap()).unwrap(), full);
        let err = |t: &str| serde_json::from_str::<ChaosConfig>(t).expect_err(t).to_string();
        assert!(err(r#"{"crash_pm": 1}"#).contains("unknown field `crash_pm` in chaos settings"));
        assert!(err(r#"{"net": {"lost": 1}}"#).contains("`net`: unknown field `lost`"));
        assert!(err(r#"{"tick_us": null}"#).contains("invalid value for `tick_us`: null"));
        assert!(err(r#"{"pause_ppm": 4294967296}"#).contains("expected at most"));
        let timed = |t: &str| serde_json::from_str::<TimedFault>(t);
        assert_eq!(timed(r#"{"at_us": 5, "fault": {"kind": "heal_all"}}"#).unwrap(), TimedFault { at_us: 5, after_event: None, fault: Fault::HealAll });
        assert!(timed(r#"{"fault": {"kind": "heal_all"}}"#).unwrap_err().to_string().contains("missing field `at_us`"));
        assert!(timed(r#"{"at_us": 5, "fault": {"kind": "heal_all"}, "x": 1}"#).unwrap_err().to_string().contains("unknown field `x`"));
    }
}
