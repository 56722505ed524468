//! ClusterLab's own history file: `{"format": "clusterlab-history", "version": 1,
//! "model": "kv" | "register", "operations": [...]}`, each operation as
//! `crate::sim::lin::Operation` serializes (what the page and `clusterlab check` export).

use super::{Model, ParseError, FORMAT_NAME};
use crate::sim::lin::{OpResult, Operation};
use serde::{Deserialize, Serialize};

pub(crate) const VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    format: String,
    version: u32,
    model: Model,
    operations: Vec<Operation>,
}

#[derive(Serialize)]
struct Header<'a> {
    format: &'a str,
    version: u32,
    model: Model,
}

/// The file's model and operations, checked for shape (times in order, a completion time
/// on every `ok` and `fail`).
pub(crate) fn parse(text: &str, max_operations: usize) -> Result<(Model, Vec<Operation>), ParseError> {
    let file: FileIn = serde_json::from_str(text).map_err(|e| {
        let line = e.line();
        let msg = e.to_string();
        // serde_json ends its messages with " at line L column C"; the line goes in front.
        let msg = msg.rsplit_once(" at line ").map(|(m, _)| m.to_string()).unwrap_or(msg);
        ParseError { line: (line > 0).then_some(line), message: format!("{msg} (in a ClusterLab history file)") }
    })?;
    if file.format != FORMAT_NAME {
        return Err(ParseError::new(format!("\"format\" must be \"{FORMAT_NAME}\" (got {:?})", file.format)));
    }
    if file.version != VERSION {
        return Err(ParseError::new(format!("this build reads ClusterLab history version {VERSION}, not version {}", file.version)));
    }
    if file.operations.len() > max_operations {
        return Err(ParseError::new(format!("{} operations; the limit is {max_operations}", file.operations.len())));
    }
    for (i, op) in file.operations.iter().enumerate() {
        let bad = |m: &str| Err(ParseError::new(format!("operations[{i}] (client {}): {m}", op.client)));
        match (op.complete_us, &op.result) {
            (Some(c), _) if c < op.invoke_us => return bad("complete_us is before invoke_us"),
            (None, OpResult::Ok { .. } | OpResult::Fail) => return bad("an ok or failed operation needs complete_us"),
            _ => {}
        }
    }
    Ok((file.model, file.operations))
}

/// The ClusterLab history file for these operations: a header line, then one operation a
/// line, so that files diff well.
pub fn to_json(model: Model, ops: &[Operation]) -> String {
    let header = serde_json::to_string(&Header { format: FORMAT_NAME, version: VERSION, model }).expect("plain data serializes");
    let mut out = String::with_capacity(64 + ops.len() * 120);
    out.push_str(&header[..header.len() - 1]);
    out.push_str(",\"operations\":[");
    for (i, op) in ops.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        out.push_str(&serde_json::to_string(op).expect("plain data serializes"));
    }
    out.push_str(if ops.is_empty() { "]}\n" } else { "\n]}\n" });
    out
}
