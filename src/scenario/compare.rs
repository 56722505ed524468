//! The commit protocols side by side (Gray & Lamport, "Consensus on Transaction Commit",
//! TODS 2006, §6, compare commit protocols by messages, message delays and stable-storage
//! writes): the scenario's workload and faults replayed, by role, under two-phase commit,
//! three-phase commit and Paxos Commit. The coordinator is n0 in all three; participant i
//! is the i-th participant of each; a fault on a node with no counterpart (2PC's backup,
//! Paxos Commit's acceptors) stays with its own protocol. Each run goes until every
//! transaction has had time to finish after the last fault; chaos is left out.

use super::registry::build_typed;
use super::Scenario;
use crate::protocols::paxos_commit::PaxosCommit;
use crate::protocols::threepc::ThreePc;
use crate::protocols::twopc::TwoPc;
use crate::protocols::txn::cost::totals;
use crate::protocols::txn::TxnNode;
use crate::sim::{NodeId, Protocol, TableView, TimeUs, TimedFault};
use serde_json::{json, Value};

/// The workload's fields every commit protocol shares (participants renumbered apart).
const WORKLOAD: &[&str] = &["transactions", "txn_interval_us", "keys", "no_vote_permille"];

/// Where a protocol's participants start, and how many nodes it needs besides them.
fn first_participant(protocol: &str, f: u32) -> Option<NodeId> {
    match protocol {
        "2pc" => Some(2),
        "3pc" => Some(1),
        "paxos-commit" => Some(2 * f + 2),
        _ => None,
    }
}

/// The scenario's F (Paxos Commit's), or 1 for the others.
fn f_of(s: &Scenario) -> u32 {
    let f = s.config.get("f").and_then(Value::as_u64).unwrap_or(1) as u32;
    if s.protocol == "paxos-commit" { f } else { 1 }
}

/// Node `id` of the scenario's protocol as a node of `to`, by role.
fn map_node(id: NodeId, from_first: NodeId, to_first: NodeId) -> Option<NodeId> {
    if id == 0 {
        return Some(0);
    }
    (id >= from_first).then(|| id - from_first + to_first)
}

/// The scenario's workload, faults and network under protocol `to` (its own protocol keeps
/// its whole configuration but the bug; a recorded fault keeps its time, not its event).
fn translate(s: &Scenario, to: &str, horizon_us: TimeUs) -> Option<Scenario> {
    let f = f_of(s);
    let from_first = first_participant(&s.protocol, f)?;
    let to_first = first_participant(to, f)?;
    let participants = s.nodes.checked_sub(from_first)?;
    let mut config = serde_json::Map::new();
    for k in WORKLOAD {
        if let Some(v) = s.config.get(*k) {
            config.insert((*k).to_string(), v.clone());
        }
    }
    if let Some(votes) = s.config.get("no_votes").and_then(Value::as_array) {
        let mapped: Vec<Value> = votes
            .iter()
            .filter_map(|v| {
                let (t, n) = (v.get(0)?.as_u64()?, v.get(1)?.as_u64()? as NodeId);
                Some(json!([t, map_node(n, from_first, to_first)?]))
            })
            .collect();
        config.insert("no_votes".into(), Value::Array(mapped));
    }
    if to == "paxos-commit" {
        config.insert("f".into(), json!(f));
    }
    if to == s.protocol {
        config = s.config.as_object().cloned().unwrap_or_default();
        config.remove("bug");
    }
    let faults = s
        .faults
        .iter()
        .filter_map(|tf| {
            let fault = if to == s.protocol { Some(tf.fault.clone()) } else { tf.fault.map_nodes(|n| map_node(n, from_first, to_first)) }?;
            Some(TimedFault { at_us: tf.at_us, after_event: None, fault })
        })
        .collect();
    let mut out = Scenario::new(to, participants + to_first, s.seed);
    out.config = Value::Object(config);
    out.net = s.net.clone();
    out.faults = faults;
    out.playhead_us = horizon_us;
    Some(out)
}

/// Per protocol, summed over the transactions begun: messages, forced writes, time from
/// begin until every participant decided (over the decided ones), participants' time
/// uncertain; and how many transactions some live participant has still not decided.
struct Sums {
    messages: u64,
    forced: u64,
    decided_after_us: u64,
    decided: u64,
    uncertain_us: u64,
    begun: u64,
    undecided: u64,
}

fn sums<P: Protocol + TxnNode>(s: &Scenario) -> Result<Sums, String> {
    let h = build_typed::<P>(s, false)?;
    let now = h.sim().now_us();
    let live = || h.sim().nodes().iter().flatten();
    let nodes = || live().map(|n| (n.costs(), n.is_participant()));
    let mut txns: Vec<u32> = nodes().flat_map(|(c, _)| c.txns.keys().copied()).collect();
    txns.sort_unstable();
    txns.dedup();
    let mut undecided: Vec<u32> = live().flat_map(|n| n.rm_states()).filter(|(_, st)| st.decision().is_none()).map(|(t, _)| t).collect();
    undecided.sort_unstable();
    undecided.dedup();
    let mut out = Sums { messages: 0, forced: 0, decided_after_us: 0, decided: 0, uncertain_us: 0, begun: txns.len() as u64, undecided: undecided.len() as u64 };
    for t in txns {
        let x = totals(nodes(), t, now);
        out.messages += u64::from(x.messages);
        out.forced += u64::from(x.forced_writes);
        out.uncertain_us += x.blocked_us;
        if let Some(d) = x.decided_after_us {
            out.decided_after_us += d;
            out.decided += 1;
        }
    }
    Ok(out)
}

/// `num / den` with one decimal, by integer arithmetic.
fn tenths(num: u64, den: u64) -> String {
    if den == 0 {
        return "-".into();
    }
    let x = (num * 10 + den / 2) / den;
    format!("{}.{}", x / 10, x % 10)
}

/// The side-by-side table for a scenario of a commit protocol (`None` for any other).
pub fn side_by_side(s: &Scenario) -> Option<TableView> {
    first_participant(&s.protocol, f_of(s))?;
    let txns = s.config.get("transactions").and_then(Value::as_u64).unwrap_or(4);
    let interval = s.config.get("txn_interval_us").and_then(Value::as_u64).unwrap_or(40_000);
    let last_fault = s.faults.iter().map(|f| f.at_us).max().unwrap_or(0);
    let horizon_us = (last_fault.max(txns * interval) + 5_000_000).min(120_000_000);
    let mean_latency_us = (s.net.latency_min_us + s.net.latency_max_us) / 2;
    let mut rows = Vec::new();
    for (name, label) in [("2pc", "two-phase commit"), ("3pc", "three-phase commit"), ("paxos-commit", "Paxos Commit")] {
        let Some(sc) = translate(s, name, horizon_us) else { continue };
        let result = match name {
            "2pc" => sums::<TwoPc>(&sc),
            "3pc" => sums::<ThreePc>(&sc),
            _ => sums::<PaxosCommit>(&sc),
        };
        let row = match result {
            Ok(x) => vec![
                label.to_string(),
                tenths(x.messages, x.begun),
                tenths(x.forced, x.begun),
                tenths(x.decided_after_us, x.decided * mean_latency_us.max(1)),
                if x.decided == 0 { "-".into() } else { format!("{} ms", x.decided_after_us / x.decided / 1000) },
                format!("{} ms", x.uncertain_us / x.begun.max(1) / 1000),
                x.undecided.to_string(),
            ],
            Err(e) => vec![label.to_string(), e, String::new(), String::new(), String::new(), String::new(), String::new()],
        };
        rows.push(row);
    }
    Some(TableView {
        title: "the three protocols on this workload".into(),
        headers: vec![
            "protocol".into(),
            "messages per transaction".into(),
            "forced writes per transaction".into(),
            "≈ message delays".into(),
            "all decided after (mean)".into(),
            "time uncertain per transaction".into(),
            "undecided".into(),
        ],
        rows,
    })
}
