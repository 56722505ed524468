//! Swarm sweeps (Groce et al., "Swarm Testing", ISSTA 2012; TigerBeetle's VOPR): each seed
//! draws its own fault mix and rates, cluster size, protocol knobs and client load within
//! the ranges and fault assumptions its registry row declares, so that one default sweep
//! reaches corners a single fixed mix never does (a restart inside one election, one entry
//! per AppendEntries, a heal that leaves members down, a node slowed tenfold where the row
//! declares slow nodes). `--bug` changes nothing but the bug flag. Each swarm version is
//! frozen: a seed reported under it draws the same scenario forever (a fault class added
//! later is drawn last, and only for rows that declare it).

use super::chaos::SweepSpec;
use super::registry::{Consistency, LeaveDown, Row};
use crate::sim::assume::FaultClass;
use crate::sim::prng::Prng;
use crate::sim::{ChaosConfig, NetConfig, NodeId, TimeUs};

/// The swarm version new sweeps draw with. Version 2 draws everything version 1 draws, in
/// the same order, then crash points after durable writes (and, where no crash rate drew
/// it, whether those crashes lose unsynced writes). Version 3 draws as version 2 does, but
/// also draws reads for stores that promise sequential consistency, and runs under link
/// version 4; a row that declares slow nodes ([`FaultClass::Slow`], which no row had when
/// version 3 was frozen) then draws, after everything else, a slow-node rate and the
/// largest slowdown, and a row that declares disk corruption ([`FaultClass::DiskCorruption`],
/// newer still) then a corruption rate (rows that do not declare them draw nothing more, so
/// their seeds replay as before). Version 4 draws as version 3 does and runs under link
/// version 5; version 5 likewise, under link version 6; version 6 likewise, under link
/// version 7.
pub const SWARM_VERSION: u32 = 6;
/// The link version the scenarios of swarm versions 1 and 2 run under (pinned, so that a
/// later link version does not change what a reported seed replays).
pub const SWARM_1_LINK_VERSION: u32 = 3;

/// The link version a swarm version's scenarios run under.
pub fn link_version_of(swarm_version: u32) -> u32 {
    match swarm_version {
        6.. => 7,
        5 => 6,
        4 => 5,
        3 => 4,
        _ => SWARM_1_LINK_VERSION,
    }
}

/// What one seed drew: the concrete sweep it runs and the client load and heal around it.
#[derive(Clone, Debug)]
pub struct Draw {
    pub spec: SweepSpec,
    /// Clients calling per request tick, at most.
    pub callers: u32,
    /// Percent of calls that are reads (0 where the store promises no linearizability).
    pub reads_pct: u32,
    pub keys: u32,
    /// Nodes the heal leaves crashed (never node 0, which takes the final request).
    pub left_down: Vec<NodeId>,
}

/// Pick one of `choices`.
fn pick<T: Copy>(rng: &mut Prng, choices: &[T]) -> T {
    choices[rng.below(choices.len() as u64) as usize]
}

/// A rate that is off for half the seeds (the swarm's "leave this feature out") and one of
/// `rates` otherwise; always 0 for a fault class the row does not declare.
fn maybe(rng: &mut Prng, row: &Row, class: FaultClass, rates: &[u32]) -> u32 {
    let on = rng.below(2) == 1;
    let rate = pick(rng, rates);
    if on && row.assumptions.faults.contains(&class) {
        rate
    } else {
        0
    }
}

/// Swarm version 1's fault mix: every rate drawn whether used or not, so the draws after it
/// do not shift with the row's fault classes.
fn chaos_v1(rng: &mut Prng, row: &Row) -> ChaosConfig {
    let tick_us = pick(rng, &[20_000, 50_000, 100_000]);
    let crash_ppm = maybe(rng, row, FaultClass::Crash, &[20_000, 60_000, 150_000]);
    let lose = maybe(rng, row, FaultClass::LoseUnsynced, &[500_000, 1_000_000]);
    let partition_ppm = maybe(rng, row, FaultClass::Partition, &[20_000, 60_000, 150_000]);
    let pause_ppm = maybe(rng, row, FaultClass::Pause, &[20_000, 60_000, 150_000]);
    let skew_ppm = maybe(rng, row, FaultClass::Clock, &[20_000, 60_000]);
    // Pauses and partitions last up to this; restarts follow crashes within their own
    // bound, so a node may come back inside one election or long after.
    let max_downtime_us = pick(rng, &[100_000, 500_000, 1_500_000]);
    let max_restart_delay_us = pick(rng, &[30_000, 100_000, 500_000, 2_000_000]);
    let (latency_min_us, latency_max_us) = pick(rng, &[(1_000, 10_000), (5_000, 40_000), (10_000, 80_000)]);
    let net = NetConfig {
        latency_min_us,
        latency_max_us,
        loss_ppm: maybe(rng, row, FaultClass::Loss, &[20_000, 100_000, 250_000]),
        duplicate_ppm: maybe(rng, row, FaultClass::Duplicate, &[30_000, 150_000]),
        reorder_ppm: maybe(rng, row, FaultClass::Reorder, &[50_000, 250_000]),
        reorder_extra_us: pick(rng, &[20_000, 60_000, 200_000]),
        corrupt_ppm: maybe(rng, row, FaultClass::Corrupt, &[10_000, 50_000]),
    };
    let lose_unsynced_ppm = if crash_ppm > 0 { lose } else { 0 };
    ChaosConfig {
        tick_us,
        crash_ppm,
        partition_ppm,
        pause_ppm,
        skew_ppm,
        lose_unsynced_ppm,
        max_downtime_us,
        max_restart_delay_us: Some(max_restart_delay_us),
        crash_after_write_ppm: 0,
        slow_ppm: 0,
        slow_factor_max: 0,
        disk_corrupt_ppm: 0,
        net,
    }
}

/// Swarm version 2's addition, drawn after all of version 1's: crash points after durable
/// writes, and for them whether a crash loses unsynced writes when no crash rate drew it.
fn crash_points_v2(rng: &mut Prng, row: &Row, chaos: &mut ChaosConfig) {
    chaos.crash_after_write_ppm = maybe(rng, row, FaultClass::Crash, &[20_000, 100_000, 300_000]);
    let lose = maybe(rng, row, FaultClass::LoseUnsynced, &[500_000, 1_000_000]);
    if chaos.crash_ppm == 0 && chaos.crash_after_write_ppm > 0 {
        chaos.lose_unsynced_ppm = lose;
    }
}

/// Slow nodes, drawn after everything else and only for a row that declares them (so a
/// row that does not draws exactly what it drew before they existed): half the seeds get
/// a rate, and chaos's slowdowns go up to 4 or 10 times.
fn slow_nodes(rng: &mut Prng, row: &Row, chaos: &mut ChaosConfig) {
    chaos.slow_ppm = maybe(rng, row, FaultClass::Slow, &[20_000, 60_000]);
    chaos.slow_factor_max = pick(rng, &[4, 10]);
}

/// One fragment from each of the row's knob dimensions, merged in order; a fragment's
/// `nodes` sets the cluster size instead of the configuration.
fn knobs_v1(rng: &mut Prng, row: &Row, nodes: &mut u32) -> serde_json::Map<String, serde_json::Value> {
    let mut config = match serde_json::from_str(row.sweep.config) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    for dimension in row.sweep.knobs {
        let fragment = pick(rng, dimension);
        let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(fragment) else { continue };
        for (k, v) in m {
            match (k.as_str(), v.as_u64()) {
                ("nodes", Some(n)) => *nodes = n as u32,
                _ => {
                    config.insert(k, v);
                }
            }
        }
    }
    config
}

/// How many nodes the heal may leave crashed, by the row's rule.
fn max_left_down(rule: LeaveDown, nodes: u32) -> u32 {
    match rule {
        LeaveDown::Never => 0,
        LeaveDown::Minority => nodes.saturating_sub(1) / 2,
    }
}

/// Draw seed `seed`'s sweep under swarm version `version` from `base` (whose protocol, bug
/// and configuration the caller chose; the configuration's fields override the knobs).
pub fn draw(base: &SweepSpec, row: &Row, seed: u64, version: u32) -> Result<Draw, String> {
    if !(1..=SWARM_VERSION).contains(&version) {
        return Err(format!("swarm version {version} is not one this build knows (it knows 1 to {SWARM_VERSION})"));
    }
    let mut rng = Prng::new(seed ^ 0x5a4d_0001_0000_0000);
    let (lo, hi) = row.sweep.nodes;
    let mut nodes = rng.range(u64::from(lo), u64::from(hi)) as u32;
    let mut config = knobs_v1(&mut rng, row, &mut nodes);
    if let serde_json::Value::Object(user) = &base.config {
        config.extend(user.clone());
    }
    let mut chaos_config = chaos_v1(&mut rng, row);
    let chaos_until_us: TimeUs = pick(&mut rng, &[3_000_000, 6_000_000]);
    let request_every_us: TimeUs = pick(&mut rng, &[100_000, 150_000, 250_000]);
    let callers = pick(&mut rng, &[1, 2]);
    // Version 3: stores promising sequential consistency get reads too (their clients'
    // reads are checked against what each client has seen).
    let sequential = version >= 3 && row.consistency.model == Consistency::Sequential;
    let reads = row.consistency.model == Consistency::Linearizable || sequential;
    let reads_pct = if reads { pick(&mut rng, &[0, 25, 50]) } else { 0 };
    let keys = pick(&mut rng, &[1, 2, 3, 5]);
    let leave = if rng.below(2) == 1 { rng.range(0, u64::from(max_left_down(row.sweep.leave_down, nodes))) as u32 } else { 0 };
    // The crashed members are the highest-numbered ones (node 0 takes the final request).
    let left_down = (nodes - leave..nodes).collect();
    if version >= 2 {
        crash_points_v2(&mut rng, row, &mut chaos_config);
    }
    if version >= 3 && row.assumptions.faults.contains(&FaultClass::Slow) {
        slow_nodes(&mut rng, row, &mut chaos_config);
    }
    if version >= 3 && row.assumptions.faults.contains(&FaultClass::DiskCorruption) {
        chaos_config.disk_corrupt_ppm = maybe(&mut rng, row, FaultClass::DiskCorruption, &[30_000, 100_000]);
    }
    let spec = SweepSpec {
        nodes,
        chaos_until_us,
        request_every_us,
        config: serde_json::Value::Object(config),
        chaos_config,
        swarm: Some(version),
        ..base.clone()
    };
    Ok(Draw { spec, callers, reads_pct, keys, left_down })
}
