//! What the page draws beside the nodes for gossip and SWIM: measured curves against the
//! papers' expectations. Floats appear only here, never in protocol logic.
//!
//! Gossip, fraction informed per round (mean-field recurrences, i = 1 − s, i₀ = 1/n):
//! push with fanout f: s′ = s·e^{−f·i} (Demers §1.4; Pittel 1987: log2 n + ln n rounds for
//! f = 1); pull: s′ = s·s^f (Demers: s′ = s² for f = 1); push-pull: s′ = s·s^f·e^{−f·i}
//! (Karp et al. 2000: log3 n + O(log log n) rounds).
//!
//! SWIM: the expected time from a failure to its first detection is T′·1/(1 − e^{−q_f}),
//! e/(e − 1)·T′ with every other member alive (§3.1, in synchronous rounds). With members'
//! periods at independent phases, probes of a crashed member come about once per T′, so the
//! first arrives ≈ T′ after the crash and its Suspect at the end of that period: ≈ 2·T′. The chance that one probe of a live member ends in a false
//! suspicion with message loss q and k indirect probes (all helpers alive), following §3.1's
//! reasoning: (1 − (1 − q)²)·(1 − (1 − q)⁴)^k — the direct Ping or Ack is lost, and for each
//! helper one of PingReq, Ping, Ack, relayed Ack is lost.

use super::config::Mode;
use super::epidemic::{Gossip, Stamp};
use super::swim::{Status, Swim};
use crate::sim::view::{Overlay, Plot, Series, TableView};
use crate::sim::{NodeId, TimeUs};
use std::collections::BTreeMap;

/// Most rounds plotted.
const MAX_ROUNDS: u64 = 60;

/// Mean-field fraction informed after rounds 0..=rounds.
pub fn informed_theory(mode: Mode, fanout: u32, n: u32, rounds: u64) -> Vec<f64> {
    let f = f64::from(fanout);
    let mut s = 1.0 - 1.0 / f64::from(n.max(1));
    let mut v = vec![1.0 - s];
    for _ in 0..rounds {
        let i = 1.0 - s;
        s = match mode {
            Mode::Push => s * (-f * i).exp(),
            Mode::Pull => s * s.powf(f),
            Mode::PushPull => s * s.powf(f) * (-f * i).exp(),
        };
        v.push(1.0 - s);
    }
    v
}

/// The newest update held anywhere: (key, stamp).
fn newest(nodes: &[Option<Gossip>]) -> Option<(String, Stamp)> {
    nodes.iter().flatten().flat_map(|g| g.db.iter().map(|(k, e)| (e.stamp, k))).max().map(|(s, k)| (k.clone(), s))
}

/// (round, fraction of all n nodes that hold the newest update by then).
pub fn informed_measured(nodes: &[Option<Gossip>], now_us: TimeUs) -> Vec<(f64, f64)> {
    let Some((key, stamp)) = newest(nodes) else { return Vec::new() };
    let Some(interval) = nodes.iter().flatten().next().map(|g| g.config.gossip_interval_us.max(1)) else { return Vec::new() };
    let learned: Vec<TimeUs> =
        nodes.iter().flatten().filter_map(|g| g.db.get(&key).filter(|e| e.stamp >= stamp).map(|e| e.learned_us)).collect();
    let n = nodes.len().max(1) as f64;
    let rounds = (now_us.saturating_sub(stamp.time_us) / interval + 1).min(MAX_ROUNDS);
    (0..=rounds)
        .map(|r| {
            let by = stamp.time_us + r * interval;
            (r as f64, learned.iter().filter(|t| **t <= by).count() as f64 / n)
        })
        .collect()
}

fn series(name: &str, class: &str, points: Vec<(f64, f64)>) -> Series {
    Series { name: name.into(), class: class.into(), points }
}

pub fn gossip_overlay(nodes: &[Option<Gossip>], now_us: TimeUs) -> Overlay {
    let Some(first) = nodes.iter().flatten().next() else { return Overlay::default() };
    let c = &first.config;
    let measured = informed_measured(nodes, now_us);
    let rounds = (measured.len() as u64).saturating_sub(1).max(20);
    let theory = informed_theory(c.mode, c.fanout, nodes.len() as u32, rounds);
    let theory_name = match c.mode {
        Mode::Push => "theory: s' = s·e^(−f·i)",
        Mode::Pull => "theory: s' = s·s^f",
        Mode::PushPull => "theory: s' = s·s^f·e^(−f·i)",
    };
    let informed = Plot {
        title: format!("Fraction informed per round ({:?}, fanout {})", c.mode, c.fanout).to_lowercase(),
        x_label: "round".into(),
        y_label: "fraction informed".into(),
        series: vec![
            series("measured (newest update)", "measured", measured),
            series(theory_name, "theory", theory.into_iter().enumerate().map(|(r, y)| (r as f64, y)).collect()),
        ],
    };
    Overlay { plots: vec![informed, messages_plot(nodes)], ..Default::default() }
}

/// Messages sent per live node in each of its rounds since boot.
fn messages_plot(nodes: &[Option<Gossip>]) -> Plot {
    let live: Vec<&Gossip> = nodes.iter().flatten().collect();
    let rounds = live.iter().map(|g| g.sent_per_round.len()).max().unwrap_or(0);
    let points = (0..rounds)
        .map(|r| {
            let sent: u64 = live.iter().map(|g| u64::from(g.sent_per_round.get(r).copied().unwrap_or(0))).sum();
            ((r + 1) as f64, sent as f64 / live.len().max(1) as f64)
        })
        .collect();
    Plot {
        title: "Messages per node per round".into(),
        x_label: "round".into(),
        y_label: "messages sent / node".into(),
        series: vec![series("measured", "measured", points)],
    }
}

// ---- SWIM -------------------------------------------------------------------------------

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

pub fn swim_overlay(nodes: &[Option<Swim>], _now_us: TimeUs) -> Overlay {
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
    let mut views: BTreeMap<NodeId, (u32, u32)> = BTreeMap::new();
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
