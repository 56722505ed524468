//! A checked history laid out for drawing, as Porcupine's visualizer (Athalye) and Knossos's
//! `linear.svg` (Kingsbury) draw theirs: a lane per client, each operation a bar from its
//! invocation to its completion, the linearization found as a point inside each bar (the
//! moment the operation appears to take effect), and, for a key no order explains, the
//! longest linearizable prefix in order and the operations none of which can follow it.
//! Plain data: the page draws it and the tests read it.

use super::history::{OpKind, OpResult, Operation};
use super::model::{role, Role};
use super::verdict::Verdict;

/// What the client saw, as the bar's colour says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Fail,
    /// Timed out or `:info`: may or may not have taken effect.
    Unknown,
    /// Still open when the history ends.
    Pending,
}

/// The part an operation plays in the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Placed in its key's linearization (its point is drawn).
    Linearized,
    /// On a key no order explains: placed in the longest linearizable prefix.
    Prefix,
    /// On a key no order explains: could come next after the prefix, and cannot be placed.
    Stuck,
    /// On a key no order explains, after the prefix and not among the candidates.
    Unreached,
    /// Constrains nothing (a failed operation, a read that never returned) or was left out
    /// of the order (an unknown write that need not have taken effect).
    Left,
    /// Its key's search ran out of steps: nothing is known.
    Unchecked,
}

/// One operation as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Index into the checked operations.
    pub op: usize,
    pub lane: u32,
    pub start_us: u64,
    /// The completion, or the history's end for an operation still open.
    pub end_us: u64,
    pub outcome: Outcome,
    pub mark: Mark,
    /// Where the operation takes effect in the order drawn, and its place in its key's order.
    pub point_us: Option<u64>,
    pub rank: Option<u32>,
    /// Index into [`Chart::keys`].
    pub key: u32,
    /// `put x 1`, `get x → 1`, `cas x 1→2`, `append x 3`.
    pub label: String,
}

/// A history ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// Client ids, one lane each, ascending.
    pub lanes: Vec<u64>,
    pub keys: Vec<String>,
    /// Sorted by start, then lane.
    pub bars: Vec<Bar>,
    pub start_us: u64,
    pub end_us: u64,
    /// Per key, its bars that carry a point, in order (indices into `bars`).
    pub orders: Vec<Vec<u32>>,
    /// Bars longer than `short_us`, always considered by [`Chart::visible`].
    long: Vec<u32>,
    short_us: u64,
}

impl Chart {
    /// Lay out `ops` with the verdict and orders [`super::check_with_orders`] gave for them.
    pub fn new(ops: &[Operation], verdict: &Verdict, orders: &[(String, Vec<usize>)]) -> Chart {
        // Sorted vectors, not ordered maps: the page carries this code, and every map type
        // instantiated weighs on its download.
        let lanes = sorted(ops.iter().map(|o| o.client));
        let key_refs = sorted(ops.iter().map(|o| o.key.as_str()));
        let start_us = ops.iter().map(|o| o.invoke_us).min().unwrap_or(0);
        let end_us = ops.iter().map(|o| o.complete_us.unwrap_or(o.invoke_us).max(o.invoke_us)).max().unwrap_or(0).max(start_us + 1);
        let mut info = vec![(Mark::Left, None::<u32>); ops.len()];
        for (i, op) in ops.iter().enumerate() {
            if role(op) == Role::Dropped {
                info[i].0 = Mark::Left;
            } else if matches!(verdict, Verdict::Inconclusive { key, .. } if *key == op.key) {
                info[i].0 = Mark::Unchecked;
            }
        }
        let mut sequences: Vec<(&str, &[usize], Mark)> = orders.iter().map(|(k, o)| (k.as_str(), o.as_slice(), Mark::Linearized)).collect();
        if let Verdict::NotLinearizable { failures } = verdict {
            for f in failures {
                ops.iter().enumerate().filter(|(_, o)| o.key == f.key && role(o) != Role::Dropped).for_each(|(i, _)| info[i].0 = Mark::Unreached);
                f.stuck.iter().for_each(|&i| info[i].0 = Mark::Stuck);
                sequences.push((f.key.as_str(), f.prefix.as_slice(), Mark::Prefix));
            }
        }
        let mut points = vec![None; ops.len()];
        for (_, order, mark) in &sequences {
            place_points(ops, order, &mut points);
            for (rank, &i) in order.iter().enumerate() {
                info[i] = (*mark, Some(rank as u32));
            }
        }
        let position = |v: Result<usize, usize>| v.unwrap_or_default() as u32;
        let mut bars: Vec<Bar> = ops
            .iter()
            .enumerate()
            .map(|(i, op)| Bar {
                op: i,
                lane: position(lanes.binary_search(&op.client)),
                start_us: op.invoke_us,
                end_us: op.complete_us.unwrap_or(end_us).max(op.invoke_us),
                outcome: outcome(op),
                mark: info[i].0,
                point_us: points[i],
                rank: info[i].1,
                key: position(key_refs.binary_search(&op.key.as_str())),
                label: label(op),
            })
            .collect();
        bars.sort_by_key(|b| (b.start_us, b.lane, b.op));
        let keys = key_refs.into_iter().map(str::to_string).collect();
        Chart::index(lanes, keys, bars, start_us, end_us)
    }

    fn index(lanes: Vec<u64>, keys: Vec<String>, bars: Vec<Bar>, start_us: u64, end_us: u64) -> Chart {
        let short_us = ((end_us - start_us) / 64).max(1);
        let long = (0..bars.len() as u32).filter(|&b| span(&bars[b as usize]) > short_us).collect();
        let mut orders = vec![Vec::new(); keys.len()];
        for (b, bar) in bars.iter().enumerate() {
            if bar.rank.is_some() {
                orders[bar.key as usize].push(b as u32);
            }
        }
        orders.iter_mut().for_each(|o| o.sort_by_key(|&b| bars[b as usize].rank));
        Chart { lanes, keys, bars, start_us, end_us, orders, long, short_us }
    }

    /// The bars that overlap `[from_us, to_us]` (indices into `bars`), without walking the
    /// whole history: short bars are found by a binary search on their start.
    pub fn visible(&self, from_us: u64, to_us: u64) -> Vec<u32> {
        let first = self.bars.partition_point(|b| b.start_us < from_us.saturating_sub(self.short_us));
        let last = self.bars.partition_point(|b| b.start_us <= to_us);
        let overlaps = |b: &Bar| b.start_us <= to_us && b.end_us.max(b.point_us.unwrap_or(0)) >= from_us;
        let mut out: Vec<u32> = (first..last.max(first)).map(|b| b as u32).filter(|&b| overlaps(&self.bars[b as usize])).collect();
        out.extend(self.long.iter().copied().filter(|&b| (b as usize) < first && overlaps(&self.bars[b as usize])));
        out
    }

    /// The bar of operation `op`.
    pub fn bar_of(&self, op: usize) -> Option<u32> {
        self.bars.iter().position(|b| b.op == op).map(|b| b as u32)
    }
}

fn sorted<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = items.collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn span(b: &Bar) -> u64 {
    b.end_us.max(b.point_us.unwrap_or(0)) - b.start_us
}

/// Points for `order` (all on one key): each as early as it can be, not before the one
/// before it, and a microsecond after it where the bar leaves room. A real-time-respecting
/// order always fits: an operation placed after another was invoked before that one completed.
fn place_points(ops: &[Operation], order: &[usize], points: &mut [Option<u64>]) {
    let mut prev: Option<u64> = None;
    for &i in order {
        let op = &ops[i];
        let latest = match role(op) {
            Role::Required => op.complete_us.unwrap_or(u64::MAX),
            _ => u64::MAX,
        };
        let p = prev.map_or(op.invoke_us, |p| op.invoke_us.max(p + 1)).min(latest).max(op.invoke_us);
        points[i] = Some(p);
        prev = Some(p);
    }
}

fn outcome(op: &Operation) -> Outcome {
    match (&op.result, op.complete_us) {
        (OpResult::Ok { .. }, _) => Outcome::Ok,
        (OpResult::Fail, _) => Outcome::Fail,
        (OpResult::Unknown, Some(_)) => Outcome::Unknown,
        (OpResult::Unknown, None) => Outcome::Pending,
    }
}

fn label(op: &Operation) -> String {
    let k = &op.key;
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "nil".into());
    match (&op.kind, &op.result) {
        (OpKind::Read, OpResult::Ok { value }) => format!("get {k} → {}", v(value)),
        (OpKind::Read, _) => format!("get {k}"),
        (OpKind::Write { value }, _) => format!("put {k} {value}"),
        (OpKind::Cas { expected, new }, _) => format!("cas {k} {}→{new}", v(expected)),
        (OpKind::Append { value }, _) => format!("append {k} {value}"),
    }
}
