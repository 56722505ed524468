//! Client histories from files: Jepsen's EDN histories and text logs, and ClusterLab's own
//! JSON, read into `crate::sim::lin::Operation`s for the linearizability checker.
//!
//! The format is detected from the content ([`parse`]). Jepsen records events, not
//! operations: an `:invoke` and later its completion from the same process. They are paired
//! here with Jepsen's rules:
//!
//! - a process has at most one operation open: a second `:invoke` while one is open is an
//!   error, and so is a completion with no open `:invoke`, or whose `:f` differs;
//! - `:ok` took effect (an `:ok` read carries the value read), `:fail` did not;
//! - `:info` may or may not have taken effect, at any time after its invocation, and the
//!   process is then crashed: Jepsen gives its next operation a new process number, but a
//!   history that reuses the number is accepted too;
//! - an `:invoke` never completed counts like `:info`.
//!
//! Times: Jepsen appends events to its history in the order they happen, so line order is
//! real-time order. If every event carries `:time` (nanoseconds), operations get those
//! times in microseconds, the invocation rounded down and the completion up (so rounding
//! never orders two operations that the nanoseconds left overlapping); otherwise an event's
//! time is its line number, one tick a line, and `t=` in messages points at the lines.
//!
//! Models: `register` puts every operation on one register (keys ignored); `kv` checks a
//! register per key. Keys come from `:key`, or from Jepsen's independent-key tuples, where
//! `:value` is `[key value]`: `{:f :read, :value [3 nil]}`, `{:f :write, :value [3 5]}`,
//! `{:f :cas, :value [3 [5 6]]}` (a cas whose value is a pair of plain values, `[5 6]`, is
//! the register model's `[expected new]`). Without a model given, a history is `kv` if any
//! operation carries a key, else `register`. Keyless operations are on the key `register`.
//!
//! Values (and keys) are strings, integers (compared as their decimal text), keywords (as
//! `:name`), booleans; `nil` is the absent value.

mod edn;
mod json;
mod text_log;

pub use json::to_json;

use crate::sim::lin::{OpKind, OpResult, Operation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// What the operations are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// One register: every operation on the same key.
    Register,
    /// A register per key.
    Kv,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::Register => "register",
            Model::Kv => "kv",
        }
    }

    pub fn from_name(s: &str) -> Option<Model> {
        match s {
            "register" => Some(Model::Register),
            "kv" => Some(Model::Kv),
            _ => None,
        }
    }
}

/// The key of every operation in the register model, and of keyless operations in kv.
pub const REGISTER_KEY: &str = "register";

/// The `"format"` of ClusterLab history files.
pub const FORMAT_NAME: &str = "clusterlab-history";

/// Format names in [`Parsed::format`].
pub const JEPSEN_EDN: &str = "jepsen-edn";
pub const JEPSEN_LOG: &str = "jepsen-log";
pub const CLUSTERLAB_JSON: &str = "clusterlab-json";

/// A history read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub model: Model,
    /// In invocation order (file order for ClusterLab JSON).
    pub operations: Vec<Operation>,
    /// [`JEPSEN_EDN`], [`JEPSEN_LOG`] or [`CLUSTERLAB_JSON`].
    pub format: &'static str,
    /// Whether times are microseconds; otherwise they are line numbers (a Jepsen history
    /// without `:time`).
    pub timed: bool,
}

/// Why a history could not be read; `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub(crate) fn at(line: usize, message: String) -> Self {
        ParseError { line: Some(line), message }
    }

    pub(crate) fn new(message: String) -> Self {
        ParseError { line: None, message }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Size limits on what is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    pub max_bytes: usize,
    pub max_operations: usize,
}

pub const MAX_BYTES: usize = 64 << 20;
pub const MAX_OPERATIONS: usize = 1_000_000;

impl Default for Caps {
    fn default() -> Self {
        Caps { max_bytes: MAX_BYTES, max_operations: MAX_OPERATIONS }
    }
}

/// Reads a history in any of the formats, within the default [`Caps`]; `model` overrides
/// the detected one.
pub fn parse(text: &str, model: Option<Model>) -> Result<Parsed, ParseError> {
    parse_with_caps(text, model, Caps::default())
}

pub fn parse_with_caps(text: &str, model: Option<Model>, caps: Caps) -> Result<Parsed, ParseError> {
    if text.len() > caps.max_bytes {
        return Err(ParseError::new(format!("the history is {}, more than the {} allowed", size(text.len()), size(caps.max_bytes))));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = detect(text)?;
    let (detected, mut operations, timed) = match format {
        CLUSTERLAB_JSON => {
            let (model, ops) = json::parse(text, caps.max_operations)?;
            (model, ops, true)
        }
        _ => {
            let events = if format == JEPSEN_EDN { edn::events(text)? } else { text_log::events(text)? };
            let timed = !events.is_empty() && events.iter().all(|e| e.time.is_some());
            let (ops, keyed) = pair(events, caps.max_operations)?;
            (if keyed { Model::Kv } else { Model::Register }, ops, timed)
        }
    };
    let model = model.unwrap_or(detected);
    if model == Model::Register {
        for op in &mut operations {
            if op.key != REGISTER_KEY {
                op.key = REGISTER_KEY.to_string();
            }
        }
    }
    Ok(Parsed { model, operations, format, timed })
}

fn size(n: usize) -> String {
    if n >= 1 << 20 {
        // Tenths of a MiB in integers: float formatting would weigh on the page's modules.
        let tenths = (n as u64 * 10 + (1 << 19)) >> 20;
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    } else {
        format!("{n} bytes")
    }
}

/// Which format the text is in, from its first lines.
fn detect(text: &str) -> Result<&'static str, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::new("the history is empty".into()));
    }
    if let Some(rest) = trimmed.strip_prefix('{') {
        if rest.trim_start().starts_with('"') {
            return Ok(CLUSTERLAB_JSON);
        }
    }
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with(';')).unwrap_or("");
    if first.starts_with(['{', '#', '[']) {
        return Ok(JEPSEN_EDN);
    }
    if text.lines().any(text_log::looks_like_event) {
        return Ok(JEPSEN_LOG);
    }
    let n = text.lines().position(|l| l.trim() == first).map_or(1, |i| i + 1);
    Err(ParseError::at(
        n,
        "not a history format this reads: expected a ClusterLab history ({\"format\": \"clusterlab-history\", …}), \
         Jepsen EDN (one {:process …, :type …, :f …} map a line) or a Jepsen text log (… 3<tab>:invoke<tab>:read<tab>nil)"
            .into(),
    ))
}

/// One line of a Jepsen history.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub line: usize,
    pub process: u64,
    pub ty: EventType,
    pub f: String,
    pub key: Option<edn::Value>,
    pub value: edn::Value,
    /// Nanoseconds.
    pub time: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl EventType {
    pub(crate) fn from_name(s: &str) -> Option<Self> {
        match s {
            "invoke" => Some(EventType::Invoke),
            "ok" => Some(EventType::Ok),
            "fail" => Some(EventType::Fail),
            "info" => Some(EventType::Info),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            EventType::Invoke => ":invoke",
            EventType::Ok => ":ok",
            EventType::Fail => ":fail",
            EventType::Info => ":info",
        }
    }
}

/// An open invocation.
struct Open {
    index: usize,
    line: usize,
    f: String,
    key: Option<String>,
    /// The key came from an independent-key tuple (so an `:ok` read's value is one too).
    tuple: bool,
    time: u64,
}

/// Pairs invocations with completions per process; also says whether any operation
/// carried a key.
fn pair(events: Vec<Event>, max_operations: usize) -> Result<(Vec<Operation>, bool), ParseError> {
    let use_time = !events.is_empty() && events.iter().all(|e| e.time.is_some());
    let mut ops: Vec<Operation> = Vec::new();
    let mut open: HashMap<u64, Open> = HashMap::new();
    let mut keyed = false;
    for e in events {
        let at = |m: String| ParseError::at(e.line, m);
        let t = if use_time { e.time.unwrap_or(0) } else { e.line as u64 };
        if e.ty == EventType::Invoke {
            if let Some(o) = open.get(&e.process) {
                return Err(at(format!(
                    "a second :invoke for process {} while its :invoke on line {} is open (a process has one operation open at a time)",
                    e.process, o.line
                )));
            }
            if ops.len() >= max_operations {
                return Err(at(format!("more than {max_operations} operations (the limit)")));
            }
            let (key, tuple, kind) = op_kind(&e).map_err(at)?;
            keyed |= key.is_some();
            open.insert(e.process, Open { index: ops.len(), line: e.line, f: e.f.clone(), key: key.clone(), tuple, time: t });
            ops.push(Operation {
                client: e.process,
                key: key.unwrap_or_else(|| REGISTER_KEY.to_string()),
                kind,
                invoke_us: if use_time { t / 1000 } else { t },
                complete_us: None,
                result: OpResult::Unknown,
            });
            continue;
        }
        let Some(o) = open.remove(&e.process) else {
            return Err(at(format!("{} for process {}, which has no open :invoke", e.ty.name(), e.process)));
        };
        if o.f != e.f {
            return Err(at(format!("{} for process {} is :f :{}, but its :invoke on line {} is :f :{}", e.ty.name(), e.process, e.f, o.line, o.f)));
        }
        if let (Some(k), Some(ok)) = (&e.key, &o.key) {
            let k = plain(k).map_err(|m| at(format!(":key {m}")))?.unwrap_or_default();
            if &k != ok {
                return Err(at(format!("{} for process {} is on key {k}, but its :invoke on line {} is on key {ok}", e.ty.name(), e.process, o.line)));
            }
        }
        if use_time && t < o.time {
            return Err(at(format!(":time {t} is before the :time of its :invoke on line {} ({})", o.line, o.time)));
        }
        let complete = if use_time { t.div_ceil(1000) } else { t };
        let op = &mut ops[o.index];
        match e.ty {
            EventType::Ok => {
                let value = match op.kind {
                    OpKind::Read => read_result(&e.value, &o).map_err(at)?,
                    _ => None,
                };
                op.result = OpResult::Ok { value };
                op.complete_us = Some(complete);
            }
            EventType::Fail => {
                op.result = OpResult::Fail;
                op.complete_us = Some(complete);
            }
            EventType::Info | EventType::Invoke => {}
        }
    }
    Ok((ops, keyed))
}

/// What an invocation asks: its key (if any), whether the key came from a tuple, its kind.
fn op_kind(e: &Event) -> Result<(Option<String>, bool, OpKind), String> {
    #[derive(PartialEq)]
    enum Verb {
        Read,
        Write,
        Cas,
        Append,
    }
    let verb = match e.f.as_str() {
        "read" | "get" => Verb::Read,
        "write" | "put" => Verb::Write,
        "cas" => Verb::Cas,
        "append" => Verb::Append,
        f => {
            return Err(format!(
                "unknown :f :{f} (expected :read, :write or :cas for a register; :get, :put, :append, or :read/:write with a key, for kv)"
            ))
        }
    };
    let (key, value, tuple) = match (&e.key, &e.value) {
        (Some(k), v) => (Some(required(k, || ":key".into())?), v, false),
        (None, edn::Value::Seq(items)) if items.len() == 2 && (verb != Verb::Cas || matches!(items[1], edn::Value::Seq(_))) => {
            (Some(required(&items[0], || "the key in [key value]".into())?), &items[1], true)
        }
        (None, v) => (None, v, false),
    };
    let f = &e.f;
    let kind = match verb {
        Verb::Read => OpKind::Read,
        Verb::Write => OpKind::Write { value: required(value, || format!("a :{f}'s value"))? },
        Verb::Append => OpKind::Append { value: required(value, || format!("an :{f}'s value"))? },
        Verb::Cas => match value {
            edn::Value::Seq(pair) if pair.len() == 2 => OpKind::Cas {
                expected: plain(&pair[0]).map_err(|m| format!("a :cas's expected value {m}"))?,
                new: required(&pair[1], || "a :cas's new value".into())?,
            },
            v => return Err(format!("a :cas's value must be [expected new] (got {})", v.show())),
        },
    };
    Ok((key, tuple, kind))
}

/// The value an `:ok` read returned.
fn read_result(v: &edn::Value, o: &Open) -> Result<Option<String>, String> {
    if !o.tuple {
        return plain(v).map_err(|m| format!("the value read {m}"));
    }
    let key = o.key.as_deref().unwrap_or_default();
    match v {
        edn::Value::Seq(items) if items.len() == 2 => {
            let k = plain(&items[0]).map_err(|m| format!("the key in [key value] {m}"))?.unwrap_or_default();
            if k != key {
                return Err(format!("the read returned key {k}, but its :invoke on line {} read key {key}", o.line));
            }
            plain(&items[1]).map_err(|m| format!("the value read {m}"))
        }
        v => Err(format!("expected the value read as [key value] like its :invoke on line {} (got {})", o.line, v.show())),
    }
}

/// A plain value as text (`nil`: `None`).
fn plain(v: &edn::Value) -> Result<Option<String>, String> {
    use edn::Value as V;
    Ok(Some(match v {
        V::Nil => return Ok(None),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Num(s) | V::Symbol(s) | V::Str(s) => s.clone(),
        V::Keyword(k) => format!(":{k}"),
        V::Seq(_) | V::Map(_) => return Err(format!("must be a string, number, keyword or nil (got {})", v.show())),
    }))
}

/// A plain value that must not be nil; `what` names it in the message.
fn required(v: &edn::Value, what: impl FnOnce() -> String) -> Result<String, String> {
    match plain(v) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(format!("{} is nil (expected a string or number)", what())),
        Err(m) => Err(format!("{} {m}", what())),
    }
}
