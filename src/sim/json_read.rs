//! Reading JSON objects by hand, field by field, for the types the page reads from links and
//! files (a scenario, its faults, network and chaos settings): what serde's derive reads,
//! with a missing field, a wrong type or an unknown field refused, but one small function
//! per field type instead of a visitor per struct and deserializer (the derives were about
//! a tenth of each page module). Writing stays derived.

use serde_json::{Map, Value};

/// One JSON object's fields, taken one at a time; what is left at the end is unknown.
pub(crate) struct Fields {
    map: Map<String, Value>,
}

impl Fields {
    /// The object `v` is, or why it is not `what`.
    pub fn of(v: Value, what: &str) -> Result<Self, String> {
        match v {
            Value::Object(map) => Ok(Fields { map }),
            other => Err(format!("invalid type: {}, expected {what}", kind_of(&other))),
        }
    }

    /// A field that must be there.
    pub fn take(&mut self, key: &str) -> Result<Value, String> {
        self.map.remove(key).ok_or_else(|| format!("missing field `{key}`"))
    }

    /// A field that may be missing or null.
    fn maybe(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// The variant the tag field names, one of `known`.
    pub fn tag(&mut self, key: &str, known: &[&str]) -> Result<String, String> {
        match self.take(key)? {
            Value::String(s) if known.contains(&s.as_str()) => Ok(s),
            Value::String(s) => Err(format!("unknown variant `{}`, expected one of {}", clip(&s), quoted(known))),
            other => Err(format!("invalid type: {}, expected a variant name for `{key}`", kind_of(&other))),
        }
    }

    pub fn u64(&mut self, key: &str) -> Result<u64, String> {
        let v = self.take(key)?;
        as_u64(key, &v)
    }

    pub fn u32(&mut self, key: &str) -> Result<u32, String> {
        let v = self.take(key)?;
        as_u32(key, &v)
    }

    pub fn i64(&mut self, key: &str) -> Result<i64, String> {
        let v = self.take(key)?;
        v.as_i64().ok_or_else(|| format!("invalid value for `{key}`: {}, expected a whole number", kind_of(&v)))
    }

    pub fn bool(&mut self, key: &str) -> Result<bool, String> {
        let v = self.take(key)?;
        as_bool(key, &v)
    }

    pub fn string(&mut self, key: &str) -> Result<String, String> {
        match self.take(key)? {
            Value::String(s) => Ok(s),
            other => Err(format!("invalid type for `{key}`: {}, expected a string", kind_of(&other))),
        }
    }

    /// A field with a default: missing gives `default`; null is refused, as the derive did.
    pub fn u64_or(&mut self, key: &str, default: u64) -> Result<u64, String> {
        self.map.remove(key).map_or(Ok(default), |v| as_u64(key, &v))
    }

    pub fn u32_or(&mut self, key: &str, default: u32) -> Result<u32, String> {
        self.map.remove(key).map_or(Ok(default), |v| as_u32(key, &v))
    }

    pub fn bool_or(&mut self, key: &str, default: bool) -> Result<bool, String> {
        self.map.remove(key).map_or(Ok(default), |v| as_bool(key, &v))
    }

    /// An optional number: missing or null is `None`.
    pub fn opt_u64(&mut self, key: &str) -> Result<Option<u64>, String> {
        self.maybe(key).map(|v| as_u64(key, &v)).transpose()
    }

    /// An object field read by `read` (missing: `default`); its errors name the field.
    pub fn object_or<T>(&mut self, key: &str, default: T, read: fn(Value) -> Result<T, String>) -> Result<T, String> {
        self.map.remove(key).map_or(Ok(default), |v| read(v).map_err(|e| format!("`{key}`: {e}")))
    }

    /// A list field (missing: empty), each element read by `read`; errors name the element.
    pub fn list_or_empty<T>(&mut self, key: &str, read: fn(Value) -> Result<T, String>) -> Result<Vec<T>, String> {
        match self.map.remove(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.into_iter().enumerate().map(|(i, v)| read(v).map_err(|e| format!("`{key}` {}: {e}", i + 1))).collect(),
            Some(other) => Err(format!("invalid type for `{key}`: {}, expected a list", kind_of(&other))),
        }
    }

    /// Refuse whatever field nobody took.
    pub fn finish(self, what: &str) -> Result<(), String> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(format!("unknown field `{}` in {what}", clip(k))),
        }
    }
}

fn as_u64(key: &str, v: &Value) -> Result<u64, String> {
    v.as_u64().ok_or_else(|| format!("invalid value for `{key}`: {}, expected a whole number from 0", kind_of(v)))
}

fn as_u32(key: &str, v: &Value) -> Result<u32, String> {
    let n = as_u64(key, v)?;
    u32::try_from(n).map_err(|_| format!("invalid value for `{key}`: {n}, expected at most {}", u32::MAX))
}

fn as_bool(key: &str, v: &Value) -> Result<bool, String> {
    v.as_bool().ok_or_else(|| format!("invalid type for `{key}`: {}, expected a boolean", kind_of(v)))
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
