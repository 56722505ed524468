//! Seed sweeps: a scenario per seed with chaos faults and client requests, then every
//! fault healed and a liveness phase; violations and liveness failures come back with the
//! seed and a link that reproduces them (in the manner of TigerBeetle's VOPR).

use crate::scenario::{self, Scenario};
use crate::sim::{ClientOp, Fault, NodeId, TimedFault, TimeUs, Violation};
use crate::sim::prng::Prng;
use serde::Serialize;

#[derive(Clone, Debug)]
pub struct SweepSpec {
    pub protocol: String,
    pub nodes: u32,
    /// Chaos faults on from time 0 until this time; then everything heals.
    pub chaos: bool,
    pub chaos_until_us: TimeUs,
    /// Liveness must hold this long after the heal (the stated bound).
    pub liveness_bound_us: TimeUs,
    pub request_every_us: TimeUs,
    pub bug: Option<String>,
    /// Extra protocol configuration (JSON object fields), merged with `bug`.
    pub config: serde_json::Value,
    /// Fault rates while chaos is on.
    pub chaos_config: crate::sim::ChaosConfig,
}

impl SweepSpec {
    pub fn new(protocol: &str) -> Self {
        SweepSpec {
            protocol: protocol.into(),
            nodes: 5,
            chaos: true,
            chaos_until_us: 6_000_000,
            liveness_bound_us: 6_000_000,
            request_every_us: 150_000,
            bug: None,
            config: serde_json::Value::Null,
            chaos_config: crate::sim::ChaosConfig::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SeedOutcome {
    pub seed: u64,
    pub events: u64,
    pub violations: Vec<Violation>,
    /// `None` when liveness held; otherwise what was missing.
    pub liveness_failure: Option<String>,
    pub trace_hash: String,
    /// A link (`#s=…` body) that replays this seed in the page.
    pub link: String,
}

impl SeedOutcome {
    pub fn ok(&self) -> bool {
        self.violations.is_empty() && self.liveness_failure.is_none()
    }
}

fn at(at_us: TimeUs, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

/// The scenario a sweep runs for one seed.
pub fn sweep_scenario(spec: &SweepSpec, seed: u64) -> Scenario {
    let mut s = Scenario::new(&spec.protocol, spec.nodes, seed);
    let mut config = match &spec.config {
        serde_json::Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    if let Some(bug) = &spec.bug {
        config.insert("bug".into(), serde_json::Value::String(bug.clone()));
    }
    if !config.is_empty() {
        s.config = serde_json::Value::Object(config);
    }
    s.chaos_on = spec.chaos;
    s.chaos = spec.chaos_config.clone();
    // Client requests come from their own stream so they do not shift the simulator's.
    let mut rng = Prng::new(seed ^ 0x5eed_c11e_4700_0000);
    let mut t = spec.request_every_us;
    let mut i = 0u64;
    while t < spec.chaos_until_us {
        let node = rng.below(spec.nodes as u64) as NodeId;
        let op = ClientOp::Put { key: format!("k{}", i % 5), value: format!("v{i}") };
        s.faults.push(at(t, Fault::Request { node, op }));
        t += spec.request_every_us;
        i += 1;
    }
    let heal = spec.chaos_until_us;
    s.faults.push(at(heal, Fault::SetChaos { on: false }));
    s.faults.push(at(heal, Fault::HealAll));
    for node in 0..spec.nodes {
        s.faults.push(at(heal, Fault::Resume { node }));
        s.faults.push(at(heal, Fault::Restart { node }));
        s.faults.push(at(heal, Fault::ClockDrift { node, drift_ppm: 0 }));
        s.faults.push(at(heal, Fault::ClockSkew { node, skew_us: 0 }));
    }
    // One request after the heal, so a live cluster must commit something new.
    s.faults.push(at(heal + spec.liveness_bound_us / 2, Fault::Request { node: 0, op: ClientOp::Put { key: "final".into(), value: "done".into() } }));
    s.playhead_us = heal + spec.liveness_bound_us;
    s
}

/// Run one seed to the end of its liveness phase.
pub fn run_seed(spec: &SweepSpec, seed: u64) -> Result<SeedOutcome, String> {
    let s = sweep_scenario(spec, seed);
    let run = scenario::build(&s, false)?;
    Ok(SeedOutcome {
        seed,
        events: run.event_count(),
        violations: run.violations().to_vec(),
        liveness_failure: run.check_liveness().err(),
        trace_hash: crate::sim::hash_hex(run.trace_hash()),
        link: scenario::encode_link(&s),
    })
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepReport {
    pub protocol: String,
    pub bug: Option<String>,
    pub seeds: u64,
    pub events: u64,
    pub failures: Vec<SeedOutcome>,
    /// The first seed with a safety violation, if any.
    pub first_violation_seed: Option<u64>,
}

/// Sweep `seeds`, stopping at the first safety violation when `stop_at_violation`.
pub fn sweep(spec: &SweepSpec, seeds: impl Iterator<Item = u64>, stop_at_violation: bool) -> Result<SweepReport, String> {
    let mut report = SweepReport { protocol: spec.protocol.clone(), bug: spec.bug.clone(), ..Default::default() };
    for seed in seeds {
        let o = run_seed(spec, seed)?;
        report.seeds += 1;
        report.events += o.events;
        let violated = !o.violations.is_empty();
        if violated && report.first_violation_seed.is_none() {
            report.first_violation_seed = Some(seed);
        }
        if !o.ok() {
            report.failures.push(o);
        }
        if violated && stop_at_violation {
            break;
        }
    }
    Ok(report)
}
