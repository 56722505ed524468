//! The chaos schedule a sweep seed runs (on the scenario floor, so presets can open a
//! sweep seed too): chaos faults and client requests until a heal, then every fault undone
//! and a liveness phase (in the manner of TigerBeetle's VOPR).

use super::model::Scenario;
use crate::sim::prng::Prng;
use crate::sim::{ClientOp, Fault, NodeId, TimedFault, TimeUs};

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
    /// The swarm version each seed draws its sweep with (`None`: the fields above as
    /// they are, every seed alike).
    pub swarm: Option<u32>,
}

impl SweepSpec {
    /// The default sweep: a swarm under the current swarm version, from the protocol's
    /// registry row.
    pub fn new(protocol: &str) -> Self {
        SweepSpec { swarm: Some(super::swarm::SWARM_VERSION), ..Self::fixed(protocol) }
    }

    /// A fixed sweep: the row's default node count and configuration and the default chaos
    /// rates for every seed.
    pub fn fixed(protocol: &str) -> Self {
        let row = super::registry::row(protocol);
        SweepSpec {
            protocol: protocol.into(),
            nodes: row.map_or(5, |r| r.nodes.default),
            chaos: true,
            chaos_until_us: 6_000_000,
            liveness_bound_us: row.map_or(6_000_000, |r| r.sweep.liveness_bound_us),
            request_every_us: 150_000,
            bug: None,
            config: row.and_then(|r| serde_json::from_str(r.sweep.config).ok()).unwrap_or(serde_json::Value::Null),
            chaos_config: crate::sim::ChaosConfig::default(),
            swarm: None,
        }
    }
}

fn at(at_us: TimeUs, fault: Fault) -> TimedFault {
    TimedFault { at_us, after_event: None, fault }
}

/// The scenario a sweep runs for one seed: drawn by its swarm version, or the fixed sweep
/// under the current link version.
pub fn sweep_scenario(spec: &SweepSpec, seed: u64) -> Result<Scenario, String> {
    let Some(version) = spec.swarm else { return Ok(sweep_scenario_of(spec, seed, super::link::LINK_VERSION)) };
    let row = super::registry::row_or_err(&spec.protocol)?;
    let draw = super::swarm::draw(spec, row, seed, version)?;
    Ok(swarm_scenario(&draw, seed))
}

/// The scenario of one swarm draw: the drawn chaos and knobs, clocks as link version 3
/// draws them, the drawn client load, then a heal that leaves the drawn members crashed,
/// under the swarm version's link version.
fn swarm_scenario(draw: &super::swarm::Draw, seed: u64) -> Scenario {
    let spec = &draw.spec;
    let mut s = Scenario::new(&spec.protocol, spec.nodes, seed);
    s.version = super::swarm::link_version_of(spec.swarm.unwrap_or(super::swarm::SWARM_VERSION));
    s.config = with_bug(spec);
    s.chaos_on = spec.chaos;
    s.chaos = spec.chaos_config.clone();
    clock_rates(spec, seed, &mut s);
    requests_swarm(draw, seed, &mut s);
    heal_leaving_down(draw, &mut s);
    s
}

/// The spec's configuration with its bug flag.
fn with_bug(spec: &SweepSpec) -> serde_json::Value {
    let mut config = match &spec.config {
        serde_json::Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    if let Some(bug) = &spec.bug {
        config.insert("bug".into(), serde_json::Value::String(bug.clone()));
    }
    if config.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::Object(config)
    }
}

/// The scenario a sweep of link version `version` runs for one seed. Each version's
/// generator is frozen ("Links live forever"): version 1 sends one put every tick; version
/// 2 has one or two clients call every tick, a third of them reads where the store is
/// linearizable; version 3 calls as version 2 does, and every node's clock runs at a rate
/// of its own from the start (see [`clock_rates`]).
pub fn sweep_scenario_of(spec: &SweepSpec, seed: u64, version: u32) -> Scenario {
    let mut s = Scenario::new(&spec.protocol, spec.nodes, seed);
    s.version = version;
    let config = with_bug(spec);
    if !config.is_null() {
        s.config = config;
    }
    s.chaos_on = spec.chaos;
    s.chaos = spec.chaos_config.clone();
    if version >= 3 {
        clock_rates(spec, seed, &mut s);
    }
    if version == 1 {
        requests_v1(spec, seed, &mut s);
    } else {
        requests_v2(spec, seed, &mut s);
    }
    heal_and_settle(spec, &mut s);
    s
}

/// Version 3: no real clock keeps perfect time, so from time 0 each node's clock drifts at
/// a rate drawn uniformly within the protocol's declared drift bound ρ, and never beyond
/// the ±10% chaos draws its drift episodes from (every protocol alike: the bound is the
/// row's, the draw the same). The heal sets every clock right again. The rates come from
/// a stream of their own, so the client calls are version 2's.
fn clock_rates(spec: &SweepSpec, seed: u64, s: &mut Scenario) {
    let assumed = super::registry::row(&spec.protocol).map_or(0, |r| r.assumptions.drift_bound_ppm);
    let bound = u64::from(assumed.min(crate::sim::assume::CHAOS_DRIFT_PPM));
    if bound == 0 {
        return;
    }
    let mut rng = Prng::new(seed ^ 0xc10c_4a7e_0000_0003);
    for node in 0..spec.nodes {
        let drift_ppm = rng.range(0, 2 * bound) as i64 - bound as i64;
        if drift_ppm != 0 {
            s.faults.push(at(0, Fault::ClockDrift { node, drift_ppm }));
        }
    }
}

fn requests_v1(spec: &SweepSpec, seed: u64, s: &mut Scenario) {
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
}

fn requests_v2(spec: &SweepSpec, seed: u64, s: &mut Scenario) {
    let mut rng = Prng::new(seed ^ 0x5eed_c11e_4700_0000);
    let reads = super::registry::row(&spec.protocol).is_some_and(|r| r.consistency.model == super::registry::Consistency::Linearizable);
    let mut t = spec.request_every_us;
    let mut i = 0u64;
    while t < spec.chaos_until_us {
        for _ in 0..=rng.below(2) {
            let node = rng.below(spec.nodes as u64) as NodeId;
            let key = format!("k{}", rng.below(5));
            let op = if reads && rng.below(3) == 0 { ClientOp::Get { key } } else { ClientOp::Put { key, value: format!("v{i}") } };
            s.faults.push(at(t, Fault::Request { node, op }));
            i += 1;
        }
        t += spec.request_every_us;
    }
}

/// Swarm requests: every tick up to `callers` clients call a node drawn at random, on one
/// of `keys` keys, reads making up `reads_pct` percent.
fn requests_swarm(draw: &super::swarm::Draw, seed: u64, s: &mut Scenario) {
    let spec = &draw.spec;
    let mut rng = Prng::new(seed ^ 0x5eed_c11e_4700_5a4d);
    let mut t = spec.request_every_us;
    let mut i = 0u64;
    while t < spec.chaos_until_us {
        for _ in 0..=rng.below(u64::from(draw.callers)) {
            let node = rng.below(u64::from(spec.nodes)) as NodeId;
            let key = format!("k{}", rng.below(u64::from(draw.keys)));
            let read = rng.below(100) < u64::from(draw.reads_pct);
            let op = if read { ClientOp::Get { key } } else { ClientOp::Put { key, value: format!("v{i}") } };
            s.faults.push(at(t, Fault::Request { node, op }));
            i += 1;
        }
        t += spec.request_every_us;
    }
}

/// The heal of a swarm seed: as [`heal_and_settle`], and once every restart chaos
/// scheduled before the heal has fired, the drawn members crash for good, before the
/// request that a live cluster must commit; the rest must make progress without them (and,
/// in SWIM, declare them dead).
fn heal_leaving_down(draw: &super::swarm::Draw, s: &mut Scenario) {
    let spec = &draw.spec;
    heal_and_settle(spec, s);
    let c = &spec.chaos_config;
    let down_at = spec.chaos_until_us + c.max_downtime_us.max(c.max_restart_delay_us.unwrap_or(0)) + 1;
    debug_assert!(down_at < spec.chaos_until_us + spec.liveness_bound_us / 2, "the crash comes before the final request");
    for &node in &draw.left_down {
        s.faults.push(at(down_at, Fault::Crash { node }));
    }
}

/// Every fault undone at the heal, and one request after it, so a live cluster must
/// commit something new.
fn heal_and_settle(spec: &SweepSpec, s: &mut Scenario) {
    let heal = spec.chaos_until_us;
    s.faults.push(at(heal, Fault::SetChaos { on: false }));
    s.faults.push(at(heal, Fault::HealAll));
    for node in 0..spec.nodes {
        s.faults.push(at(heal, Fault::Resume { node }));
        s.faults.push(at(heal, Fault::Restart { node }));
        s.faults.push(at(heal, Fault::ClockDrift { node, drift_ppm: 0 }));
        s.faults.push(at(heal, Fault::ClockSkew { node, skew_us: 0 }));
    }
    // Only where chaos may slow nodes, so the scenarios made before it are unchanged.
    if spec.chaos_config.slow_ppm > 0 {
        for node in 0..spec.nodes {
            s.faults.push(at(heal, Fault::Slow { node, factor: 1 }));
        }
    }
    // One request after the heal, so a live cluster must commit something new.
    s.faults.push(at(heal + spec.liveness_bound_us / 2, Fault::Request { node: 0, op: ClientOp::Put { key: "final".into(), value: "done".into() } }));
    s.playhead_us = heal + spec.liveness_bound_us;
}

