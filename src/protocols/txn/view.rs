//! What the family's views share (Gray & Lamport's cost measures, Bernstein et al.'s
//! blocked participants): the cost-per-transaction table, the blocked gauge's rows and
//! bars, and the cells for a participant's locks and a node's last log records.

use super::cost::{totals, Costs};
use super::{LockTable, RmState, TxnId, TxnNode};
use crate::sim::view::{Overlay, OverlayBar};
use crate::sim::{NodeId, TableView, TimeUs};

/// "k0: t1 (waiting t3 t4); k1: t2".
pub fn locks_cell(locks: &LockTable) -> String {
    locks
        .iter()
        .map(|(k, h, w)| {
            let waiting: Vec<String> = w.iter().map(|t| format!("t{t}")).collect();
            if waiting.is_empty() { format!("k{k}: t{h}") } else { format!("k{k}: t{h} (waiting {})", waiting.join(" ")) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The last six records of a node's log, newest last; "(forced)" marks a synced one.
pub fn log_cell<R>(log: &[(R, bool)], label: impl Fn(&R) -> String) -> String {
    let skip = log.len().saturating_sub(6);
    log[skip..].iter().map(|(r, forced)| if *forced { format!("{} (forced)", label(r)) } else { label(r) }).collect::<Vec<_>>().join(", ")
}

/// One uncertain participant for the blocked gauge: its id, its transactions' states and
/// when each entered its state, its locks, and its termination timeout (the bar's scale).
pub struct Uncertain<'a> {
    pub id: NodeId,
    pub txns: Vec<(TxnId, RmState, TimeUs)>,
    pub locks: &'a LockTable,
    pub timeout_us: TimeUs,
}

/// The blocked gauge: a row per uncertain participant and transaction (for how long, and
/// which transactions wait for its lock), and a bar under the participant.
pub fn blocked<'a>(participants: impl Iterator<Item = Uncertain<'a>>, now_us: TimeUs, bars: &mut Vec<OverlayBar>) -> TableView {
    let mut rows = Vec::new();
    for p in participants {
        for (t, _, since) in p.txns.iter().filter(|(_, s, _)| s.uncertain()) {
            let blocked_us = now_us.saturating_sub(*since);
            let waiting: Vec<String> =
                p.locks.iter().filter(|(_, h, _)| h == t).flat_map(|(_, _, w)| w.iter().map(|w| format!("t{w}"))).collect();
            rows.push(vec![format!("n{}", p.id), format!("t{t}"), format!("{} ms", blocked_us / 1000), waiting.join(" ")]);
            let timeout = p.timeout_us.max(1);
            bars.push(OverlayBar { node: p.id, label: "uncertain".into(), permille: (blocked_us.min(timeout) * 1000 / timeout) as u32 });
        }
    }
    TableView {
        title: "blocked".into(),
        headers: vec!["participant".into(), "transaction".into(), "uncertain for".into(), "waiting for its lock".into()],
        rows,
    }
}

/// The cluster state table every protocol of the family shows: a row per node with its
/// role, what it holds per transaction, its locks and its last log records (`cells` gives
/// those four for a node that is up).
pub fn cluster_table<N>(nodes: &[Option<N>], cells: impl Fn(&N) -> [String; 4]) -> TableView {
    let headers = vec!["node".into(), "role".into(), "transactions".into(), "locks".into(), "log".into()];
    let rows = nodes
        .iter()
        .enumerate()
        .map(|(id, n)| {
            let [role, txns, locks, log] = match n {
                None => ["crashed".into(), String::new(), String::new(), String::new()],
                Some(n) => cells(n),
            };
            vec![format!("n{id}"), role, txns, locks, log]
        })
        .collect();
    TableView { title: "cluster".into(), headers, rows }
}

/// The family's two tables in `o`: the blocked gauge over `uncertain` (with a bar under
/// each uncertain participant) and the cost per transaction over every node that is up.
pub fn txn_tables<'a, N: TxnNode + 'a>(nodes: &'a [Option<N>], uncertain: impl Iterator<Item = Uncertain<'a>>, now_us: TimeUs, o: &mut Overlay) {
    let gauge = blocked(uncertain, now_us, &mut o.bars);
    o.tables.push(gauge);
    o.tables.push(cost_table(nodes.iter().flatten().map(|n| (n.costs(), n.is_participant())), now_us));
}

/// Per transaction, what it cost over every node that is up: messages, forced writes, the
/// time from its begin until every participant decided, and the participants' uncertain
/// time summed. `nodes` gives each node's costs and whether it is a participant.
pub fn cost_table<'a>(nodes: impl Iterator<Item = (&'a Costs, bool)> + Clone, now_us: TimeUs) -> TableView {
    let mut txns: Vec<TxnId> = nodes.clone().flat_map(|(c, _)| c.txns.keys().copied()).collect();
    txns.sort_unstable();
    txns.dedup();
    let ms = |us: TimeUs| format!("{} ms", us / 1000);
    let rows = txns
        .into_iter()
        .map(|t| {
            let x = totals(nodes.clone(), t, now_us);
            vec![format!("t{t}"), x.messages.to_string(), x.forced_writes.to_string(), x.decided_after_us.map_or("-".into(), ms), ms(x.blocked_us)]
        })
        .collect();
    TableView {
        title: "cost per transaction".into(),
        headers: vec!["transaction".into(), "messages".into(), "forced writes".into(), "all decided after".into(), "time uncertain".into()],
        rows,
    }
}
