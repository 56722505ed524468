//! A failed key in plain words: the longest linearizable prefix the search (Lowe 2017, in
//! `wgl`) placed before it had to backtrack for good, as Porcupine's visualizer shows the
//! longest partial linearizations (Athalye), the operations that could have come next, and
//! why none of them fits the register there.

use super::history::{OpKind, OpResult, Operation};
use super::model::fits;
use super::verdict::KeyFailure;
use super::wgl::Witness;

pub(crate) fn failure(ops: &[Operation], key: &str, witness: Witness) -> KeyFailure {
    let explanation = explanation(ops, key, &witness);
    KeyFailure { key: key.to_string(), prefix: witness.prefix, stuck: witness.stuck, states: witness.states, explanation }
}

fn explanation(ops: &[Operation], key: &str, w: &Witness) -> String {
    let after = after(w.prefix.len());
    let holds = holds(key, &w.states);
    let fitting = |i: &usize| w.states.iter().any(|s| fits(s, &ops[*i]));
    match w.stuck.as_slice() {
        [] => format!("{} {holds}, and no operation can come next", capital(&after)),
        [one] if !fitting(one) => format!("{}, but {after} {holds}", seen(&ops[*one])),
        [one] => format!(
            "{} {holds}; {} could come next, but no order of the operations still to place fits after it",
            capital(&after),
            seen(&ops[*one])
        ),
        many => {
            let reasons: Vec<String> =
                many.iter().map(|i| if fitting(i) { format!("{} (fits, but nothing can follow it)", seen(&ops[*i])) } else { seen(&ops[*i]) }).collect();
            format!(
                "{} {holds}, and none of the {} operations that could come next fits: {}",
                capital(&after),
                many.len(),
                reasons.join("; ")
            )
        }
    }
}

fn after(placed: usize) -> String {
    match placed {
        0 => "at the start".to_string(),
        1 => "after the 1 operation that can be ordered".to_string(),
        n => format!("after the {n} operations that can be ordered"),
    }
}

fn holds(key: &str, states: &[Option<String>]) -> String {
    match states {
        [one] => format!("{key} holds {}", value(one)),
        many => format!("{key} holds one of {}", many.iter().map(value).collect::<Vec<_>>().join(", ")),
    }
}

/// The operation as its client saw it.
fn seen(op: &Operation) -> String {
    let key = &op.key;
    match (&op.kind, &op.result) {
        (OpKind::Read, OpResult::Ok { value: v }) => format!("a read of {key} returned {}", value(v)),
        (OpKind::Read, _) => format!("a read of {key}"),
        (OpKind::Write { value: v }, _) => format!("put {key} {v}"),
        (OpKind::Cas { expected, new }, _) => format!("cas {key} from {} to {new} succeeded", value(expected)),
        (OpKind::Append { value: v }, _) => format!("append {v} to {key}"),
    }
}

fn value(v: &Option<String>) -> String {
    match v.as_deref() {
        None => "nothing".to_string(),
        Some("") => "\"\"".to_string(),
        Some(s) => s.to_string(),
    }
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    // ASCII only: the texts start with English words, and Unicode case tables weigh on the page.
    chars.next().map(|c| std::iter::once(c.to_ascii_uppercase()).chain(chars).collect()).unwrap_or_default()
}
