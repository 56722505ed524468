//! Seed sweeps: a scenario per seed with chaos faults and client requests, then every
//! fault healed and a liveness phase; violations and liveness failures come back with the
//! seed and a link that reproduces them (in the manner of TigerBeetle's VOPR). Seeds run on
//! every core; outcomes are counted in seed order, so a report is the same whatever the
//! number of threads, and shards of a sweep merge into exactly the one-run report
//! ([`merge`]). Native only: the page never sweeps, so none of this is in its modules.

pub use crate::scenario::chaos::{sweep_scenario, SweepSpec};
use crate::scenario;
use crate::sim::Violation;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedOutcome {
    pub seed: u64,
    pub events: u64,
    pub violations: Vec<Violation>,
    /// `None` when liveness held; otherwise what was missing.
    pub liveness_failure: Option<String>,
    /// Moments the seed went beyond its protocol's declared assumptions (never, for the
    /// default chaos: the sweep draws within them).
    pub assumptions_exceeded: Vec<crate::sim::Exceeded>,
    /// The linearizability search hit its cap: neither answer is known (counted as a
    /// failure: a sweep must be able to say "linearizable").
    pub inconclusive: Option<String>,
    /// Client operations in the history (version 2 sweeps).
    pub client_ops: usize,
    pub trace_hash: String,
    /// A link (`#s=…` body) that replays this seed in the page; `None` when the scenario
    /// is too long for one (`link_refused` says why; a scenario file carries it).
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_refused: Option<String>,
}

impl SeedOutcome {
    pub fn ok(&self) -> bool {
        self.violations.is_empty() && self.liveness_failure.is_none() && self.inconclusive.is_none()
    }
}

/// Run one seed to the end of its liveness phase.
pub fn run_seed(spec: &SweepSpec, seed: u64) -> Result<SeedOutcome, String> {
    let s = sweep_scenario(spec, seed)?;
    let run = scenario::build(&s, false)?;
    let mut violations = run.violations().to_vec();
    let inconclusive = run.inconclusive().and_then(|why| recheck_whole_history(&*run, why, &mut violations));
    let mut o = SeedOutcome {
        seed,
        events: run.event_count(),
        violations,
        liveness_failure: run.check_liveness().err(),
        assumptions_exceeded: run.exceeded().to_vec(),
        inconclusive,
        client_ops: run.client_history().len(),
        trace_hash: crate::sim::hash_hex(run.trace_hash()),
        link: None,
        link_refused: None,
    };
    // Only a failing seed is reported, so only a failing seed needs its link (deflating a
    // scenario per seed would cost more than some seeds' runs).
    if !o.ok() {
        match scenario::encode_link(&s) {
            Ok(l) => o.link = Some(l),
            Err(e) => o.link_refused = Some(e.to_string()),
        }
    }
    Ok(o)
}

/// Search steps per key the whole-history check after an inconclusive live check may take
/// (a few seconds; it runs for a few seeds in a thousand).
pub const WHOLE_HISTORY_STEPS: u64 = 20_000_000;

/// The live check searches each key as calls complete, with the calls still open as
/// possibly taken effect, under the page's step cap; many calls open at once (a long
/// outage) can exhaust it. Once the run is over every call has completed or was given up,
/// and the whole history is checked once with a larger cap: its answer stands. Returns why
/// the check stays inconclusive, if it does; a violation it finds joins `violations`.
fn recheck_whole_history(run: &dyn crate::sim::AnyRun, live_why: &str, violations: &mut Vec<Violation>) -> Option<String> {
    use crate::sim::lin::{check, Limits, Verdict};
    match check(run.client_history(), Limits { max_steps_per_key: WHOLE_HISTORY_STEPS }) {
        Verdict::Linearizable => None,
        Verdict::NotLinearizable { failures } => {
            let (property, source) = crate::sim::engine::LINEARIZABILITY;
            violations.extend(failures.into_iter().map(|f| Violation {
                property: property.into(),
                source: source.into(),
                event_index: run.event_count(),
                time_us: run.now_us(),
                explanation: format!("{} (found by the whole-history check after the run; the live check stopped: {live_why})", f.explanation),
            }));
            None
        }
        Verdict::Inconclusive { key, steps } => Some(format!("{live_why}; the whole-history check for key {key} stopped after {steps} steps too")),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    pub protocol: String,
    pub bug: Option<String>,
    /// The swarm version the seeds drew with (`None`: a fixed sweep); with the protocol,
    /// bug, configuration and seed it names a scenario for good.
    pub swarm: Option<u32>,
    pub seeds: u64,
    pub events: u64,
    pub failures: Vec<SeedOutcome>,
    /// The first seed with a safety violation, if any.
    pub first_violation_seed: Option<u64>,
    /// The first seed with a violation or a liveness failure (an inconclusive check is
    /// neither: it fails a clean sweep but catches no bug).
    pub first_failure_seed: Option<u64>,
    /// (seed, events) for each seed counted under a stop rule (a shard reports them so
    /// that the merge stops where one run would have); not part of the report's JSON.
    #[serde(skip)]
    pub seed_events: Vec<(u64, u64)>,
}

/// Where a sweep stops early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    Never,
    /// At the first seed with a safety violation.
    AtViolation,
    /// At the first seed with a violation or a liveness failure (how a teaching bug is
    /// caught: some harm liveness or cost rather than safety).
    AtFailure,
}

impl SweepReport {
    pub fn new(spec: &SweepSpec) -> Self {
        SweepReport { protocol: spec.protocol.clone(), bug: spec.bug.clone(), swarm: spec.swarm, ..Default::default() }
    }

    /// Count one seed (seeds come in ascending order): its events and, when it failed, its
    /// outcome. True when the sweep stops here.
    pub fn count(&mut self, seed: u64, events: u64, failed: Option<SeedOutcome>, stop: Stop) -> bool {
        self.seeds += 1;
        self.events += events;
        if stop != Stop::Never {
            self.seed_events.push((seed, events));
        }
        let Some(o) = failed.filter(|o| !o.ok()) else { return false };
        let violated = !o.violations.is_empty();
        if violated && self.first_violation_seed.is_none() {
            self.first_violation_seed = Some(seed);
        }
        let caught = violated || o.liveness_failure.is_some();
        if caught && self.first_failure_seed.is_none() {
            self.first_failure_seed = Some(seed);
        }
        self.failures.push(o);
        (violated && stop == Stop::AtViolation) || (caught && stop == Stop::AtFailure)
    }
}

/// Sweep `seeds` on one thread, stopping early as `stop` says.
pub fn sweep(spec: &SweepSpec, seeds: impl Iterator<Item = u64>, stop: Stop) -> Result<SweepReport, String> {
    sweep_on(spec, &seeds.collect::<Vec<_>>(), stop, 1, &mut |_| {})
}

/// How far a sweep has got, for a progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub report: &'a SweepReport,
    pub total: u64,
}

/// Sweep `seeds` on `threads` threads. Seeds are run in blocks, each block's seeds shared
/// out among the threads, and counted in seed order once the block is done, so the report
/// (and where a stop rule stops) is exactly the one-thread report; `progress` hears after
/// each block.
pub fn sweep_on(spec: &SweepSpec, seeds: &[u64], stop: Stop, threads: usize, progress: &mut dyn FnMut(Progress)) -> Result<SweepReport, String> {
    let mut report = SweepReport::new(spec);
    let threads = threads.max(1);
    for block in seeds.chunks(threads * SEEDS_PER_THREAD_IN_A_BLOCK) {
        for (seed, outcome) in block.iter().zip(run_block(spec, block, threads)) {
            let o = outcome?;
            if report.count(*seed, o.events, Some(o), stop) {
                return Ok(report);
            }
        }
        progress(Progress { report: &report, total: seeds.len() as u64 });
    }
    Ok(report)
}

/// A block gives each thread this many seeds on average: enough that waiting for a block's
/// slowest seed costs little (8 gave 1.46x on two cores, 32 gives 1.85x), few enough that a
/// sweep stopping at a failure runs few seeds past it.
const SEEDS_PER_THREAD_IN_A_BLOCK: usize = 32;

/// Run a block of seeds on `threads` threads; the outcomes in the block's order.
fn run_block(spec: &SweepSpec, block: &[u64], threads: usize) -> Vec<Result<SeedOutcome, String>> {
    if threads == 1 || block.len() == 1 {
        return block.iter().map(|&seed| run_seed(spec, seed)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<SeedOutcome, String>>>> = block.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(block.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&seed) = block.get(i) else { break };
                let outcome = run_seed(spec, seed);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            });
        }
    });
    slots.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(|| Err("a seed did not run".into()))).collect()
}

/// The JSON fields of a sweep's report that depend on the wall clock (everything else is
/// the same on every run, thread count and shard split).
pub const WALL_CLOCK_FIELDS: &[&str] = &["seconds", "events_per_second"];

/// What a shard of a sweep says about itself (`--shard i/n`): enough to check that shards
/// belong together and, under a stop rule, each seed's events so the merge can stop where
/// one run would have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub index: u64,
    pub count: u64,
    pub start: u64,
    pub seeds: u64,
    pub stop: Stop,
    /// (seed, events) for every seed the shard ran, when a stop rule applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seed_events: Vec<(u64, u64)>,
}

/// A shard's report as `clusterlab sweep --shard i/n --json` prints it.
#[derive(Clone, Debug, Deserialize)]
pub struct ShardReport {
    #[serde(flatten)]
    pub report: SweepReport,
    pub shard: ShardInfo,
    #[serde(default)]
    pub seconds: f64,
}

/// Merge the shards of one sweep into the report one run over all its seeds gives.
pub fn merge(shards: &[ShardReport]) -> Result<SweepReport, String> {
    let first = shards.first().ok_or("merge needs at least one shard's report")?;
    let (r0, s0) = (&first.report, &first.shard);
    let mut seen = vec![false; s0.count as usize];
    for sh in shards {
        let (r, s) = (&sh.report, &sh.shard);
        if (&r.protocol, &r.bug, r.swarm, s.count, s.start, s.seeds, s.stop) != (&r0.protocol, &r0.bug, r0.swarm, s0.count, s0.start, s0.seeds, s0.stop) {
            return Err(format!("shard {}/{} is from another sweep than shard {}/{} (protocol, bug, swarm, seeds and shard count must agree)", s.index, s.count, s0.index, s0.count));
        }
        match seen.get_mut(s.index as usize) {
            Some(x) if !*x => *x = true,
            _ => return Err(format!("shard {}/{} is given twice", s.index, s.count)),
        }
    }
    if let Some(missing) = seen.iter().position(|x| !x) {
        return Err(format!("shard {missing}/{} is missing", s0.count));
    }
    let mut failures: Vec<&SeedOutcome> = shards.iter().flat_map(|s| &s.report.failures).collect();
    failures.sort_by_key(|f| f.seed);
    let mut merged = SweepReport { protocol: r0.protocol.clone(), bug: r0.bug.clone(), swarm: r0.swarm, ..Default::default() };
    if s0.stop == Stop::Never {
        for f in failures {
            merged.count(f.seed, 0, Some(f.clone()), Stop::Never);
        }
        merged.seeds = shards.iter().map(|s| s.report.seeds).sum();
        merged.events = shards.iter().map(|s| s.report.events).sum();
        return Ok(merged);
    }
    if let Some(sh) = shards.iter().find(|s| s.shard.seed_events.len() as u64 != s.report.seeds) {
        return Err(format!("shard {}/{} lists {} seeds' events for {} seeds run (a sweep under a stop rule lists each seed's)", sh.shard.index, sh.shard.count, sh.shard.seed_events.len(), sh.report.seeds));
    }
    let mut seeds: Vec<(u64, u64)> = shards.iter().flat_map(|s| s.shard.seed_events.iter().copied()).collect();
    seeds.sort_unstable();
    let mut failures = failures.into_iter().peekable();
    for (seed, events) in seeds {
        while failures.next_if(|f| f.seed < seed).is_some() {}
        let failed = failures.next_if(|f| f.seed == seed).cloned();
        if merged.count(seed, events, failed, s0.stop) {
            break;
        }
    }
    Ok(merged)
}
