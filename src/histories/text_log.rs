//! Jepsen's older text logs, where each client event is a log line whose tab-separated
//! tail is process, type, `:f` and value: `INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]`
//! (`\t` a tab).
//!
//! A line is an event when one of its tab-separated fields is `:invoke`, `:ok`, `:fail` or
//! `:info` and the field before it ends with the process (a whole number, or `:nemesis`,
//! whose lines are skipped). Every other line (setup, stack traces) is log noise and
//! skipped. The value is read as EDN; fields after it (error details) are ignored.

use super::edn::{read_value, Value};
use super::{Event, EventType, ParseError};

/// Whether the line has the shape of an event (used to detect the format).
pub(crate) fn looks_like_event(line: &str) -> bool {
    type_field(line).is_some()
}

/// The index of the type field among the line's tab-separated fields.
fn type_field(line: &str) -> Option<usize> {
    let fields: Vec<&str> = line.split('\t').collect();
    (1..fields.len()).find(|&i| EventType::from_name(fields[i].trim().trim_start_matches(':')).is_some() && fields[i].trim().starts_with(':'))
}

/// The events of a text log, in line order.
pub(crate) fn events(text: &str) -> Result<Vec<Event>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some(t) = type_field(line) else { continue };
        let at = |m: String| ParseError::at(n, m);
        let fields: Vec<&str> = line.split('\t').collect();
        let proc_text = fields[t - 1].split_whitespace().last().unwrap_or("");
        let process = match proc_text {
            ":nemesis" => continue,
            p => p.parse::<u64>().map_err(|_| at(format!("expected the process (a whole number or :nemesis) before the tab ahead of {}, found {p:?}", fields[t].trim())))?,
        };
        let ty = EventType::from_name(fields[t].trim().trim_start_matches(':')).expect("type_field checked it");
        let f = fields.get(t + 1).map(|f| f.trim()).unwrap_or("");
        let f = match f.strip_prefix(':') {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => return Err(at(format!("expected :f (a keyword such as :read) after {}, found {f:?}", fields[t].trim()))),
        };
        let value = match fields.get(t + 2).map(|v| v.trim()) {
            None | Some("") => Value::Nil,
            Some(v) => read_value(v).map_err(|e| at(format!("the value field: {e}")))?,
        };
        out.push(Event { line: n, process, ty, f, key: None, value, time: None });
    }
    Ok(out)
}
