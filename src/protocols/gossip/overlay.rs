//! What the page draws beside the nodes for gossip: the measured fraction informed per
//! round against the papers' expectations, and messages per round. Floats appear only here,
//! never in protocol logic.
//!
//! Fraction informed per round (mean-field recurrences, i = 1 − s, i₀ = 1/n): push with
//! fanout f: s′ = s·e^{−f·i} (Demers §1.4; Pittel 1987: log2 n + ln n rounds for f = 1);
//! pull: s′ = s·s^f (Demers: s′ = s² for f = 1); push-pull: s′ = s·s^f·e^{−f·i} (Karp et
//! al. 2000: log3 n + O(log log n) rounds).

use super::config::Mode;
use super::msg::Stamp;
use super::node::Gossip;
use crate::sim::view::{Overlay, Plot, Series};
use crate::sim::TimeUs;

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

pub fn overlay(nodes: &[Option<Gossip>], now_us: TimeUs) -> Overlay {
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
        title: format!("Fraction informed per round ({:?}, fanout {})", c.mode, c.fanout).to_ascii_lowercase(),
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
