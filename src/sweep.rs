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
    let s = sweep_scenario(spec, seed);
    let run = scenario::build(&s, false)?;
    let link = scenario::encode_link(&s);
    Ok(SeedOutcome {
        seed,
        events: run.event_count(),
        violations: run.violations().to_vec(),
        liveness_failure: run.check_liveness().err(),
        assumptions_exceeded: run.exceeded().to_vec(),
        inconclusive: run.inconclusive().map(str::to_string),
        client_ops: run.client_history().len(),
        trace_hash: crate::sim::hash_hex(run.trace_hash()),
        link_refused: link.as_ref().err().map(ToString::to_string),
        link: link.ok(),
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
