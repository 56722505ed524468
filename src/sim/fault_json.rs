//! Reading a fault and a client operation from JSON by hand, in the form serde's internally
//! tagged derive writes them (`{"kind": "crash", "node": 1}`, `{"op": "get", "key": "x"}`):
//! the tag names the variant, its fields follow, a missing field or an unknown one is
//! refused. The derive's reader buffered every variant through its own generic code, about
//! 20 KB gzipped of each page module; this one reads a `serde_json::Value` once, with one
//! small function per field type. Writing stays derived.

use super::fault::Fault;
use super::protocol::ClientOp;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Every fault's `kind`, as the derive writes it.
const FAULT_KINDS: &[&str] = &[
    "crash", "crash_lose_unsynced", "restart", "pause", "resume", "timeout_now", "clock_skew", "clock_drift", "cut",
    "cut_one_way", "heal", "hold", "release", "partition", "heal_all", "set_network", "set_chaos", "request",
    "adversary", "deliver", "drop", "duplicate", "fire", "slow", "corrupt_disk",
];
/// Every client operation's `op`.
const OPS: &[&str] = &["put", "get", "propose"];

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fault_from_json(Value::deserialize(d)?).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for ClientOp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        client_op_from_json(Value::deserialize(d)?).map_err(D::Error::custom)
    }
}

/// One JSON object's fields, taken one at a time; what is left at the end is unknown.
struct Fields {
    map: Map<String, Value>,
}

impl Fields {
    fn of(v: Value, what: &str) -> Result<Self, String> {
        match v {
            Value::Object(map) => Ok(Fields { map }),
            other => Err(format!("invalid type: {}, expected {what}", kind_of(&other))),
        }
    }

    fn take(&mut self, key: &str) -> Result<Value, String> {
        self.map.remove(key).ok_or_else(|| format!("missing field `{key}`"))
    }

    /// The variant the tag field names, one of `known`.
    fn tag(&mut self, key: &str, known: &[&str]) -> Result<String, String> {
        match self.take(key)? {
            Value::String(s) if known.contains(&s.as_str()) => Ok(s),
            Value::String(s) => Err(format!("unknown variant `{}`, expected one of {}", clip(&s), quoted(known))),
            other => Err(format!("invalid type: {}, expected a variant name for `{key}`", kind_of(&other))),
        }
    }

    fn u64(&mut self, key: &str) -> Result<u64, String> {
        let v = self.take(key)?;
        v.as_u64().ok_or_else(|| format!("invalid value for `{key}`: {}, expected a whole number from 0", kind_of(&v)))
    }

    fn u32(&mut self, key: &str) -> Result<u32, String> {
        let n = self.u64(key)?;
        u32::try_from(n).map_err(|_| format!("invalid value for `{key}`: {n}, expected at most {}", u32::MAX))
    }

    fn i64(&mut self, key: &str) -> Result<i64, String> {
        let v = self.take(key)?;
        v.as_i64().ok_or_else(|| format!("invalid value for `{key}`: {}, expected a whole number", kind_of(&v)))
    }

    fn bool(&mut self, key: &str) -> Result<bool, String> {
        let v = self.take(key)?;
        v.as_bool().ok_or_else(|| format!("invalid type for `{key}`: {}, expected a boolean", kind_of(&v)))
    }

    fn string(&mut self, key: &str) -> Result<String, String> {
        match self.take(key)? {
            Value::String(s) => Ok(s),
            other => Err(format!("invalid type for `{key}`: {}, expected a string", kind_of(&other))),
        }
    }

    /// A field of a type that reads itself (through its own `Deserialize`).
    fn typed<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, String> {
        serde_json::from_value(self.take(key)?).map_err(|e| format!("`{key}`: {e}"))
    }

    /// Refuse whatever field nobody took.
    fn finish(self, what: &str) -> Result<(), String> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(format!("unknown field `{}` in {what}", clip(k))),
        }
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
        "partition" => Partition { groups: f.typed("groups")? },
        "heal_all" => HealAll,
        "set_network" => SetNetwork { net: f.typed("net")? },
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

/// How serde names a JSON value's type in its messages.
fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string \"{}\"", clip(s)),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// At most 40 characters of text from outside, for a message.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::fault::NetConfig;

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
}
