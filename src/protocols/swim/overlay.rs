//! What the page draws beside the nodes for SWIM: measured failure-detection times and
//! false suspicions against the paper's expectations, and the membership across views.
//! Floats appear only here, never in protocol logic.
//!
//! The expected time from a failure to its first detection is T′·1/(1 − e^{−q_f}),
//! e/(e − 1)·T′ with every other member alive (§3.1, in synchronous rounds). With members'
//! periods at independent phases, probes of a crashed member come about once per T′, so the
//! first arrives ≈ T′ after the crash and its Suspect at the end of that period: ≈ 2·T′.
//! The chance that one probe of a live member ends in a false suspicion with message loss q
//! and k indirect probes (all helpers alive), following §3.1's reasoning:
//! (1 − (1 − q)²)·(1 − (1 − q)⁴)^k — the direct Ping or Ack is lost, and for each helper
//! one of PingReq, Ping, Ack, relayed Ack is lost.

use super::msg::Status;
use super::node::Swim;
use crate::sim::view::{Overlay, Plot, Series, TableView};
use crate::sim::{NodeId, TimeUs};
use crate::sim::sorted::SortedMap;

/// Paper §3.1: expected periods from a failure to its first detection, e/(e − 1).
pub fn expected_detection_periods() -> f64 {
    let e = std::f64::consts::E;
    e / (e - 1.0)
}

/// Chance that one probe of a live member becomes a false suspicion (see the module doc).
pub fn false_positive_theory(loss: f64, k: u32) -> f64 {
    let ok = 1.0 - loss;
    (1.0 - ok * ok) * (1.0 - ok.powi(4)).powi(k as i32)
}

/// (member, seconds from its last Ack seen by a live node to its first suspicion) for
/// crashed members some live node detected with its own probe.
pub fn detection_times(nodes: &[Option<Swim>]) -> Vec<(NodeId, f64)> {
    let live: Vec<&Swim> = nodes.iter().flatten().collect();
    let mut out = Vec::new();
    for (m, slot) in nodes.iter().enumerate() {
        let m = m as NodeId;
        if slot.is_some() {
            continue;
        }
        let first = live.iter().flat_map(|s| s.stats.detections.iter()).filter(|d| d.0 == m).map(|d| d.1).min();
        let Some(first) = first else { continue };
        let last_ack =
            live.iter().flat_map(|s| s.stats.recent_acks.iter().chain(&s.stats.evidence)).filter(|a| a.0 == m && a.1 <= first).map(|a| a.1).max();
        if let Some(a) = last_ack {
            out.push((m, (first - a) as f64 / 1e6));
        }
    }
    out
}

pub fn overlay(nodes: &[Option<Swim>], _now_us: TimeUs) -> Overlay {
    let Some(first) = nodes.iter().flatten().next() else { return Overlay::default() };
    let c = first.config.clone();
    let period_s = c.protocol_period_us as f64 / 1e6;
    let detections = detection_times(nodes);
    let (lo, hi) = (0.0, nodes.len().saturating_sub(1) as f64);
    let expect = expected_detection_periods() * period_s;
    let detection = Plot {
        title: "Failure detection time".into(),
        x_label: "crashed member".into(),
        y_label: "seconds".into(),
        series: vec![
            series("measured: last Ack → first Suspect", "measured", detections.iter().map(|(m, t)| (f64::from(*m), *t)).collect()),
            series("paper: e/(e−1)·T′ to the first probe", "theory", vec![(lo, expect), (hi, expect)]),
            series("independent phases: ≈ 2·T′", "theory", vec![(lo, 2.0 * period_s), (hi, 2.0 * period_s)]),
        ],
    };
    let live: Vec<&Swim> = nodes.iter().flatten().collect();
    let sum = |f: fn(&Swim) -> u64| live.iter().map(|s| f(s)).sum::<u64>();
    let (acked, direct) = (sum(|s| s.stats.probes_acked), sum(|s| s.stats.direct_acks));
    let (suspicions, fps, refutations) = (sum(|s| s.stats.suspicions), sum(|s| s.stats.false_positives), sum(|s| s.stats.refutations));
    let mut measured = Vec::new();
    if acked > 0 {
        let loss = 1.0 - (direct as f64 / acked as f64).sqrt();
        measured.push((loss, fps as f64 / (acked + fps) as f64));
    }
    let curve = (0..=20).map(|i| f64::from(i) * 0.025).map(|q| (q, false_positive_theory(q, c.indirect_probes))).collect();
    let fp = Plot {
        title: "False suspicions per probe vs message loss".into(),
        x_label: "message loss (measured from missing direct Acks)".into(),
        y_label: "false suspicions / probe".into(),
        series: vec![
            series("measured", "measured", measured),
            series(&format!("paper §3.1: (1−(1−q)²)(1−(1−q)⁴)^{}", c.indirect_probes), "theory", curve),
        ],
    };
    let (table, highlight) = membership_table(nodes);
    let counters = TableView {
        title: "failure detector".into(),
        headers: vec!["suspicions raised".into(), "false positives".into(), "refutations".into(), "probes acked".into()],
        rows: vec![vec![suspicions.to_string(), fps.to_string(), refutations.to_string(), acked.to_string()]],
    };
    Overlay { plots: vec![detection, fp], tables: vec![counters, table], highlight, ..Default::default() }
}

/// Members some live view holds Suspect or dead, with how many views do and the truth.
fn membership_table(nodes: &[Option<Swim>]) -> (TableView, Vec<NodeId>) {
    let mut views: SortedMap<NodeId, (u32, u32)> = SortedMap::new();
    for s in nodes.iter().flatten() {
        for (m, e) in &s.members {
            let c = views.entry(*m).or_default();
            match e.status {
                Status::Suspect => c.0 += 1,
                Status::Confirm => c.1 += 1,
                Status::Alive => {}
            }
        }
    }
    views.retain(|_, c| c.0 + c.1 > 0);
    let rows = views
        .iter()
        .take(20)
        .map(|(m, (s, d))| {
            let truth = if nodes.get(*m as usize).is_some_and(|x| x.is_some()) { "up" } else { "crashed" };
            vec![format!("n{m}"), s.to_string(), d.to_string(), truth.into()]
        })
        .collect();
    let table = TableView {
        title: "membership across views".into(),
        headers: vec!["member".into(), "suspect in".into(), "dead in".into(), "truth".into()],
        rows,
    };
    (table, views.keys().copied().collect())
}

fn series(name: &str, class: &str, points: Vec<(f64, f64)>) -> Series {
    Series { name: name.into(), class: class.into(), points }
}
