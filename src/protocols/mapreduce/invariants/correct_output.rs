//! Correct output: each committed output partition holds exactly the sequential word count
//! of the input for the words `hash(word) mod R` sends there, so that the whole output is
//! the sequential count (Dean & Ghemawat, OSDI 2004, §3.3: with deterministic operators the
//! distributed run produces what a sequential execution would).

use super::{violation, MapReduceChecker};
use crate::protocols::mapreduce::master::Master;
use crate::protocols::mapreduce::MapReduce;
use crate::sim::{CheckCtx, Violation};

pub const NAME: &str = "Correct output";
pub const SOURCE: &str = "MapReduce (OSDI 2004) §3.3: the output equals a sequential execution's";

pub fn check(c: &mut MapReduceChecker, ctx: &CheckCtx<MapReduce>, m: &Master, out: &mut Vec<Violation>) {
    if m.commits.len() < c.outputs_seen {
        c.outputs_seen = 0;
    }
    for (job, p, output) in &m.commits[c.outputs_seen..] {
        let Some(want) = c.expected.get(*p as usize) else { continue };
        if output != want {
            out.push(violation(ctx, NAME, SOURCE, format!("job {job}, partition {p}: {}", first_difference(output, want))));
        }
    }
    c.outputs_seen = m.commits.len();
}

/// The first word whose count differs, in words' order.
pub fn first_difference(got: &[(String, u64)], want: &[(String, u64)]) -> String {
    let (mut i, mut j) = (0, 0);
    loop {
        match (got.get(i), want.get(j)) {
            (Some(a), Some(b)) if a == b => (i, j) = (i + 1, j + 1),
            (Some(a), Some(b)) if a.0 == b.0 => return format!("\"{}\" counted {} times, the input has it {} times", a.0, a.1, b.1),
            (Some(a), Some(b)) if a.0 < b.0 => return format!("\"{}\" ({}) does not belong in this partition", a.0, a.1),
            (Some(a), None) => return format!("\"{}\" ({}) does not belong in this partition", a.0, a.1),
            (_, Some(b)) => return format!("\"{}\" ({} in the input) is missing", b.0, b.1),
            (None, None) => return "the outputs differ".into(),
        }
    }
}
