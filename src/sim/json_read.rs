//! Reading JSON objects by hand, field by field, for the types the page reads from links and
//! files (a scenario, its faults, network and chaos settings): what serde's derive reads,
//! with a missing field, a wrong type or an unknown field refused, but one small function
//! per field type instead of a visitor per struct and deserializer (the derives were about
//! a tenth of each page module). Writing stays derived.

use serde_json::{Map, Value};

/// One JSON object's fields, taken one at a time; what is left at the end is unknown.
pub struct Fields {
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

    /// An optional string: missing or null is `None`.
    pub fn opt_string(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.maybe(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("invalid type for `{key}`: {}, expected a string", kind_of(&other))),
        }
    }

    /// A field that may be left out (`default`), read as its type reads itself.
    pub fn field_or<T: JsonField>(&mut self, key: &str, default: T) -> Result<T, String> {
        self.map.remove(key).map_or(Ok(default), |v| T::from_json(key, v))
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

/// A value one field of a hand-read object holds.
pub trait JsonField: Sized {
    /// The value of field `key`, or why `v` is not one.
    fn from_json(key: &str, v: Value) -> Result<Self, String>;
}

impl JsonField for u64 {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        as_u64(key, &v)
    }
}

impl JsonField for u32 {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        as_u32(key, &v)
    }
}

impl JsonField for bool {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        as_bool(key, &v)
    }
}

impl JsonField for String {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(format!("invalid type for `{key}`: {}, expected a string", kind_of(&other))),
        }
    }
}

/// Null is `None`, as serde reads an `Option`.
impl<T: JsonField> JsonField for Option<T> {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        if v.is_null() { Ok(None) } else { T::from_json(key, v).map(Some) }
    }
}

impl<T: JsonField> JsonField for Vec<T> {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        match v {
            Value::Array(items) => items.into_iter().map(|x| T::from_json(key, x)).collect(),
            other => Err(format!("invalid type for `{key}`: {}, expected a list", kind_of(&other))),
        }
    }
}

/// A pair is a list of two, as serde reads a tuple.
impl<A: JsonField, B: JsonField> JsonField for (A, B) {
    fn from_json(key: &str, v: Value) -> Result<Self, String> {
        match v {
            Value::Array(items) if items.len() == 2 => {
                let mut items = items.into_iter();
                let (a, b) = (items.next().unwrap_or_default(), items.next().unwrap_or_default());
                Ok((A::from_json(key, a)?, B::from_json(key, b)?))
            }
            other => Err(format!("invalid value for `{key}`: {}, expected a pair", kind_of(&other))),
        }
    }
}

/// The variant a unit enum's field names, one of `known` (its snake_case names).
pub fn variant_name(key: &str, v: Value, known: &[&str]) -> Result<usize, String> {
    match v {
        Value::String(s) => known.iter().position(|k| *k == s).ok_or_else(|| format!("unknown variant `{}` for `{key}`, expected one of {}", clip(&s), quoted(known))),
        other => Err(format!("invalid type for `{key}`: {}, expected one of {}", kind_of(&other), quoted(known))),
    }
}

/// `Deserialize` for a type read by hand: the JSON value first, then `read` (a
/// `fn(Value) -> Result<T, String>`), its message as the deserializer's error.
#[macro_export]
macro_rules! deserialize_via {
    ($ty:ty, $read:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $read(v).map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    };
}

/// Read a unit enum by its variants' snake_case names: `json_unit_enum!(ReadMode { Log =
/// "log", ReadIndex = "read_index" })`.
#[macro_export]
macro_rules! json_unit_enum {
    ($ty:ty { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $crate::sim::json_read::JsonField for $ty {
            fn from_json(key: &str, v: serde_json::Value) -> Result<Self, String> {
                const ALL: &[$ty] = &[$(<$ty>::$variant),+];
                $crate::sim::json_read::variant_name(key, v, &[$($name),+]).map(|i| ALL[i])
            }
        }
    };
}

/// Read a configuration struct by hand: each listed field optional (its `Default` value
/// when left out; `field = "key"` reads it under another key), any other key refused. The
/// fields that are not part of the JSON are named after `skip` and take their default. The
/// struct is built without `..`, so a field missing from both lists does not compile.
/// `json_struct!(FloodConfig, "the Flood configuration" { sync_interval_us, bug })`; a
/// struct generic over one parameter names it and its bound (`LockConfig<C: LogConfig>`).
#[macro_export]
macro_rules! json_struct {
    ($ty:ident, $what:literal { $($field:ident $(= $key:literal)?),+ $(,)? } $(skip { $($skip:ident),+ })?) => {
        $crate::json_struct!(@impl [] $ty [$ty], $what { $($field $(= $key)?),+ } [$($($skip),+)?]);
    };
    ($ty:ident<$g:ident: $bound:path>, $what:literal { $($field:ident $(= $key:literal)?),+ $(,)? } $(skip { $($skip:ident),+ })?) => {
        $crate::json_struct!(@impl [$g: $bound] $ty [$ty<$g>], $what { $($field $(= $key)?),+ } [$($($skip),+)?]);
    };
    (@impl [$($generics:tt)*] $name:ident [$ty:ty], $what:literal { $($field:ident $(= $key:literal)?),+ } [$($skip:ident),*]) => {
        impl<'de, $($generics)*> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                <$ty as $crate::sim::json_read::JsonField>::from_json("", v).map_err(<D::Error as serde::de::Error>::custom)
            }
        }
        impl<$($generics)*> $crate::sim::json_read::JsonField for $ty {
            fn from_json(_key: &str, v: serde_json::Value) -> Result<Self, String> {
                let d = <$ty>::default();
                let mut f = $crate::sim::json_read::Fields::of(v, $what)?;
                let c = $name {
                    $($field: f.field_or($crate::sim::json_read::key(stringify!($field), &[$($key)?]), d.$field)?,)+
                    $($skip: d.$skip,)*
                };
                f.finish($what).map(|()| c).map_err(|e| if _key.is_empty() { e } else { format!("`{_key}`: {e}") })
            }
        }
    };
}

/// A field's key: its name, or the one `json_struct!` gave it.
pub fn key<'a>(name: &'a str, renamed: &[&'a str]) -> &'a str {
    renamed.first().copied().unwrap_or(name)
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

#[cfg(test)]
mod tests {
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    enum Mode {
        #[default]
        Push,
        PushPull,
    }
    crate::json_unit_enum!(Mode { Push = "push", PushPull = "push_pull" });

    #[derive(Debug, PartialEq)]
    struct Sample {
        period_us: u64,
        mode: Mode,
        pairs: Vec<(u32, u32)>,
        start: Option<u32>,
        log: Vec<u64>,
        bug: Option<String>,
        version: u32,
    }
    impl Default for Sample {
        fn default() -> Self {
            Sample { period_us: 7, mode: Mode::Push, pairs: vec![], start: None, log: vec![1], bug: None, version: 3 }
        }
    }
    crate::json_struct!(Sample, "the sample configuration" { period_us, mode, pairs, start, log = "raft", bug } skip { version });

    fn read(text: &str) -> Result<Sample, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_struct_read_by_hand_takes_its_fields_defaults_and_refusals_as_the_derive_did() {
        assert_eq!(read("{}").unwrap(), Sample::default());
        let s = read(r#"{"period_us": 9, "mode": "push_pull", "pairs": [[1, 2]], "start": 4, "raft": [5], "bug": "x"}"#).unwrap();
        assert_eq!(s, Sample { period_us: 9, mode: Mode::PushPull, pairs: vec![(1, 2)], start: Some(4), log: vec![5], bug: Some("x".into()), version: 3 });
        assert_eq!(read(r#"{"start": null, "bug": null}"#).unwrap(), Sample::default(), "null is None for an Option");
        assert!(read(r#"{"log": [5]}"#).unwrap_err().contains("unknown field `log` in the sample configuration"), "read under its key");
        assert!(read(r#"{"version": 1}"#).unwrap_err().contains("unknown field `version`"), "a skipped field is not JSON");
        assert!(read(r#"{"mode": "pull"}"#).unwrap_err().contains("unknown variant `pull` for `mode`, expected one of `push`, `push_pull`"));
        assert!(read(r#"{"period_us": null}"#).unwrap_err().contains("invalid value for `period_us`: null"));
        assert!(read(r#"{"period_us": -1}"#).unwrap_err().contains("invalid value for `period_us`"));
        assert!(read(r#"{"pairs": [[1]]}"#).unwrap_err().contains("expected a pair"));
        assert!(read(r#"{"start": 4294967296}"#).unwrap_err().contains("expected at most 4294967295"));
        assert!(read(r#"{"bug": 1}"#).unwrap_err().contains("expected a string"));
        assert!(read("[]").unwrap_err().contains("expected the sample configuration"));
    }
}
