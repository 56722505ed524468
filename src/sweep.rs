//! Seed sweeps: a scenario per seed with chaos faults and client requests, then every
//! fault healed and a liveness phase; violations and liveness failures come back with the
//! seed and a link that reproduces them (in the manner of TigerBeetle's VOPR). Native only:
//! the page never sweeps, so none of this is in its modules.

pub use crate::scenario::chaos::{sweep_scenario, SweepSpec};
use crate::scenario;
use crate::sim::Violation;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
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
    let link = scenario::encode_link(&s);
    Ok(SeedOutcome {
        seed,
        events: run.event_count(),
        violations,
        liveness_failure: run.check_liveness().err(),
        assumptions_exceeded: run.exceeded().to_vec(),
        inconclusive,
        client_ops: run.client_history().len(),
        trace_hash: crate::sim::hash_hex(run.trace_hash()),
        link_refused: link.as_ref().err().map(ToString::to_string),
        link: link.ok(),
    })
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

#[derive(Clone, Debug, Default, Serialize)]
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
}

/// Where a sweep stops early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Never,
    /// At the first seed with a safety violation.
    AtViolation,
    /// At the first seed with a violation or a liveness failure (how a teaching bug is
    /// caught: some harm liveness or cost rather than safety).
    AtFailure,
}

/// Sweep `seeds`, stopping early as `stop` says.
pub fn sweep(spec: &SweepSpec, seeds: impl Iterator<Item = u64>, stop: Stop) -> Result<SweepReport, String> {
    let mut report = SweepReport { protocol: spec.protocol.clone(), bug: spec.bug.clone(), swarm: spec.swarm, ..Default::default() };
    for seed in seeds {
        let o = run_seed(spec, seed)?;
        report.seeds += 1;
        report.events += o.events;
        let violated = !o.violations.is_empty();
        if violated && report.first_violation_seed.is_none() {
            report.first_violation_seed = Some(seed);
        }
        let caught = violated || o.liveness_failure.is_some();
        if caught && report.first_failure_seed.is_none() {
            report.first_failure_seed = Some(seed);
        }
        if !o.ok() {
            report.failures.push(o);
        }
        if (violated && stop == Stop::AtViolation) || (caught && stop == Stop::AtFailure) {
            break;
        }
    }
    Ok(report)
}
