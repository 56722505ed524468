//! `clusterlab check FILE`: reads a Jepsen or ClusterLab history (`clusterlab::histories`)
//! and checks it for linearizability (`clusterlab::sim::lin::check`), one key at a time.
//!
//! Exit codes: 0 linearizable, 1 not linearizable, 2 bad input, 3 inconclusive.
//!
//! `--timeout-ms N` bounds the search twice over: each key's search may take as many steps
//! as the time left allows at [`STEPS_PER_MS`], and the wall clock is read between keys, so
//! that keys not reached in time leave the answer inconclusive (unless a key already failed:
//! one failing key is enough for "not linearizable"). The library never reads the clock.

use clusterlab::histories::{self, Model, Parsed};
use clusterlab::sim::lin::{self, KeyFailure, Limits, OpKind, OpResult, Operation, Verdict};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

/// Search steps per millisecond, to turn `--timeout-ms` into `Limits::max_steps_per_key`.
/// The release build ran 8,300 to 9,900 steps/ms on the (2-core) machine this was written on
/// (`cargo test --release --test suite check_cli::steps_per_ms -- --ignored --nocapture`); the
/// figure is set lower so that a machine up to about 40% slower still stops within the
/// timeout (a faster one stops early, leaving the answer inconclusive a little sooner).
pub const STEPS_PER_MS: u64 = 5_000;

/// Prefix operations shown before the stuck ones (the rest are counted).
const PREFIX_SHOWN: usize = 10;

/// Why the answer is not known.
enum Cap {
    /// A key's search hit its step limit.
    Steps { key: String, steps: u64, limit: u64 },
    /// The wall clock ran out between keys.
    Time { next_key: String },
}

struct Outcome {
    keys: usize,
    keys_checked: usize,
    /// With indices into the parsed operations.
    failures: Vec<KeyFailure>,
    inconclusive: Option<Cap>,
}

/// Runs the command: `words` are the words after `check`.
pub fn run(words: &[String], model: Option<&str>, timeout_ms: Option<&str>, json_out: bool) -> Result<i32, String> {
    let started = Instant::now();
    let path = match words {
        [p] => p.as_str(),
        [] => return Err("check needs a history file (or - for stdin)".into()),
        [_, extra, ..] => return Err(format!("check takes one file (unexpected {extra:?})")),
    };
    let model = match model {
        None => None,
        Some(m) => Some(Model::from_name(m).ok_or_else(|| format!("--model takes register or kv (got {m:?})"))?),
    };
    let timeout = match timeout_ms {
        None => None,
        Some(v) => match v.replace('_', "").parse::<u64>() {
            Ok(ms) if ms > 0 => Some(ms),
            _ => return Err(format!("--timeout-ms takes a whole number of milliseconds above 0 (got {v:?})")),
        },
    };
    let text = match read_input(path) {
        Ok(t) => t,
        Err(e) => return Ok(bad_input(&e)),
    };
    let parsed = match histories::parse(&text, model) {
        Ok(p) => p,
        Err(e) => return Ok(bad_input(&format!("{}: {e}", if path == "-" { "standard input" } else { path }))),
    };
    drop(text);
    let outcome = check(&parsed, timeout, Instant::now());
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if json_out {
        println!("{}", report_json(&parsed, &outcome, elapsed_ms));
    } else {
        print!("{}", report_text(&parsed, &outcome, timeout, elapsed_ms));
    }
    Ok(if !outcome.failures.is_empty() {
        1
    } else if outcome.inconclusive.is_some() {
        3
    } else {
        0
    })
}

fn bad_input(message: &str) -> i32 {
    eprintln!("clusterlab: {message}");
    2
}

/// The file's text (`-`: standard input), refused above the parser's size cap without
/// reading further.
fn read_input(path: &str) -> Result<String, String> {
    let cap = histories::MAX_BYTES as u64;
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin().lock().take(cap + 1).read_to_end(&mut bytes)
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        file.take(cap + 1).read_to_end(&mut bytes)
    };
    let name = if path == "-" { "standard input" } else { path };
    read.map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("{name} is larger than {} MiB, the most a history may be", cap >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("{name} is not UTF-8 text (bad byte at offset {})", e.utf8_error().valid_up_to()))
}

/// Each key's operations checked on their own, keys in sorted order (as `lin::check`
/// takes them).
fn check(parsed: &Parsed, timeout_ms: Option<u64>, started: Instant) -> Outcome {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in parsed.operations.iter().enumerate() {
        by_key.entry(op.key.as_str()).or_default().push(i);
    }
    let deadline = timeout_ms.map(|ms| started + Duration::from_millis(ms));
    let mut out = Outcome { keys: by_key.len(), keys_checked: 0, failures: Vec::new(), inconclusive: None };
    for (key, index) in &by_key {
        let limit = match deadline {
            None => Limits::default().max_steps_per_key,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now()).as_millis() as u64;
                if left == 0 {
                    if out.inconclusive.is_none() {
                        out.inconclusive = Some(Cap::Time { next_key: key.to_string() });
                    }
                    break;
                }
                left.saturating_mul(STEPS_PER_MS)
            }
        };
        let ops: Vec<Operation> = index.iter().map(|&i| parsed.operations[i].clone()).collect();
        let verdict = lin::check(&ops, Limits { max_steps_per_key: limit });
        out.keys_checked += 1;
        match verdict {
            Verdict::Linearizable => {}
            Verdict::NotLinearizable { failures } => out.failures.extend(failures.into_iter().map(|mut f| {
                f.prefix = f.prefix.iter().map(|&i| index[i]).collect();
                f.stuck = f.stuck.iter().map(|&i| index[i]).collect();
                f
            })),
            Verdict::Inconclusive { key, steps } => {
                if out.inconclusive.is_none() {
                    out.inconclusive = Some(Cap::Steps { key, steps, limit });
                }
            }
        }
    }
    out
}

fn report_text(p: &Parsed, o: &Outcome, timeout_ms: Option<u64>, elapsed_ms: u64) -> String {
    let mut s = String::new();
    let about = format!(
        "{} operations on {} key{} ({}, model {}), {elapsed_ms} ms",
        p.operations.len(),
        o.keys,
        if o.keys == 1 { "" } else { "s" },
        p.format,
        p.model.name()
    );
    if o.failures.is_empty() {
        match &o.inconclusive {
            None => s += &format!("linearizable: {about}\n"),
            Some(cap) => {
                s += &format!("inconclusive: {about}\n");
                s += &format!("  {}\n", cap_text(cap, o, timeout_ms));
            }
        }
        return s;
    }
    let keys: Vec<&str> = o.failures.iter().map(|f| f.key.as_str()).collect();
    s += &format!("not linearizable: {about}\n");
    if p.model == Model::Kv {
        s += &format!("  {} of {} keys cannot be explained: {}\n", keys.len(), o.keys, keys.join(", "));
    }
    if let Some(cap) = &o.inconclusive {
        s += &format!("  (and not every key was decided: {})\n", cap_text(cap, o, timeout_ms));
    }
    for f in &o.failures {
        match p.model {
            Model::Kv => s += &format!("\nkey {}:\n", f.key),
            Model::Register => s += "\nthe register:\n",
        }
        let shown = f.prefix.len().min(PREFIX_SHOWN);
        let hidden = f.prefix.len() - shown;
        match (f.prefix.len(), hidden) {
            (0, _) => s += "  no operation can be placed first:\n",
            (1, _) => s += "  1 operation linearizes:\n",
            (n, 0) => s += &format!("  these {n} operations linearize, in this order:\n"),
            (n, h) => s += &format!("  {n} operations linearize; the last {shown}, in order ({h} earlier not shown):\n"),
        }
        for &i in &f.prefix[hidden..] {
            s += &format!("    {}\n", op_line(p, i));
        }
        if !f.prefix.is_empty() {
            s += "  then none of these can come next:\n";
        }
        for &i in &f.stuck {
            s += &format!("    {}\n", op_line(p, i));
        }
        if !f.states.is_empty() {
            let states: Vec<String> = f.states.iter().map(|v| v.clone().unwrap_or_else(|| "nil".into())).collect();
            s += &format!("  value after the prefix: {}\n", states.join(" or "));
        }
        s += &format!("  {}\n", f.explanation);
    }
    s
}

fn cap_text(cap: &Cap, o: &Outcome, timeout_ms: Option<u64>) -> String {
    match cap {
        Cap::Steps { key, steps, limit } => {
            let why = match timeout_ms {
                Some(ms) => format!("the time left of --timeout-ms {ms} at {STEPS_PER_MS} steps/ms"),
                None => "the default cap".into(),
            };
            format!("the search for key {key} stopped after {steps} steps (limit {limit}: {why})")
        }
        Cap::Time { next_key } => format!(
            "--timeout-ms {} ran out after {} of {} keys (key {next_key} was next)",
            timeout_ms.unwrap_or(0),
            o.keys_checked,
            o.keys
        ),
    }
}

/// One operation as a line: `process 3  put k=v  [t=12..15]`.
fn op_line(p: &Parsed, i: usize) -> String {
    let op = &p.operations[i];
    let kv = p.model == Model::Kv;
    let k = &op.key;
    let what = match (&op.kind, kv) {
        (OpKind::Read, true) => format!("get {k}"),
        (OpKind::Read, false) => "read".into(),
        (OpKind::Write { value }, true) => format!("put {k}={value}"),
        (OpKind::Write { value }, false) => format!("write {value}"),
        (OpKind::Cas { expected, new }, true) => format!("cas {k} from {} to {new}", expected.as_deref().unwrap_or("nil")),
        (OpKind::Cas { expected, new }, false) => format!("cas from {} to {new}", expected.as_deref().unwrap_or("nil")),
        (OpKind::Append { value }, true) => format!("append {value} to {k}"),
        (OpKind::Append { value }, false) => format!("append {value}"),
    };
    let result = match (&op.result, &op.kind) {
        (OpResult::Ok { value }, OpKind::Read) => format!(" -> {}", value.as_deref().unwrap_or("nil")),
        (OpResult::Ok { .. }, _) => String::new(),
        (OpResult::Fail, _) => " failed".into(),
        (OpResult::Unknown, _) => " (outcome unknown)".into(),
    };
    let end = op.complete_us.map(|c| c.to_string()).unwrap_or_default();
    format!("process {}  {what}{result}  [t={}..{end}]", op.client, op.invoke_us)
}

fn op_json(p: &Parsed, i: usize) -> serde_json::Value {
    let mut v = serde_json::to_value(&p.operations[i]).unwrap_or_default();
    v["index"] = json!(i);
    v
}

fn report_json(p: &Parsed, o: &Outcome, elapsed_ms: u64) -> serde_json::Value {
    let verdict = if !o.failures.is_empty() {
        "not_linearizable"
    } else if o.inconclusive.is_some() {
        "inconclusive"
    } else {
        "linearizable"
    };
    let failures: Vec<_> = o
        .failures
        .iter()
        .map(|f| {
            json!({
                "key": f.key,
                "prefix": f.prefix.iter().map(|&i| op_json(p, i)).collect::<Vec<_>>(),
                "stuck": f.stuck.iter().map(|&i| op_json(p, i)).collect::<Vec<_>>(),
                "states": f.states,
                "explanation": f.explanation,
            })
        })
        .collect();
    let inconclusive = o.inconclusive.as_ref().map(|c| match c {
        Cap::Steps { key, steps, limit } => json!({"cap": "steps", "key": key, "steps": steps, "limit": limit, "keys_checked": o.keys_checked}),
        Cap::Time { next_key } => json!({"cap": "time", "key": next_key, "keys_checked": o.keys_checked}),
    });
    json!({
        "verdict": verdict, "model": p.model.name(), "format": p.format, "operations": p.operations.len(),
        "keys": o.keys, "failures": failures, "inconclusive": inconclusive, "elapsed_ms": elapsed_ms,
    })
}
