//! A lesson step's condition to continue, evaluated on the live run: who holds which role,
//! what changed since the step opened (a node crashed, a new holder of a role), a safety
//! violation, messages sent, adversary mode, simulated time, and their combinations.

use crate::sim::{AnyRun, NodeStatus, TraceKind};

/// A condition, written in a lesson file as one key: `{"role": "leader"}` (read by
/// `parse.rs`; each variant's key is its name in snake case).
#[derive(Clone, Debug, PartialEq)]
pub enum Until {
    /// Some node holds this role ("leader", "informed", "suspect"; a crashed node's role
    /// is "crashed").
    Role(String),
    /// At least `at_least` nodes hold the role at once.
    Roles { role: String, at_least: u32 },
    /// Every node that is up holds the role.
    Everyone(String),
    /// No node holds the role.
    Nobody(String),
    /// A node that held the role when the step opened is crashed now.
    Crashed(String),
    /// A node holds the role that did not hold it when the step opened.
    NewRole(String),
    /// A safety property was violated since the step opened ("any", or its name).
    Violation(String),
    /// At least `at_least` (default 1) messages of this kind were sent since the step opened.
    Sent { kind: String, at_least: u32 },
    /// Some node's field (as the inspector shows it) reads a number at least `at_least`.
    Field { name: String, at_least: u64 },
    /// Adversary mode is on (true) or off (false).
    Adversary(bool),
    /// This much simulated time has passed since the step opened.
    ElapsedUs(u64),
    All(Vec<Until>),
    Any(Vec<Until>),
    Not(Box<Until>),
}

/// The run as a step opened: what "since the step opened" is measured from.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub event: u64,
    pub now_us: u64,
    pub violations: usize,
    /// Each node's role then.
    pub roles: Vec<String>,
}

/// What a step's condition reads, and the messages counted since the step opened (kept
/// up to date incrementally: a frame scans only the trace records it has not seen).
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub base: Baseline,
    /// Trace records scanned so far (an index into the run's trace), and the count of
    /// sends per message kind among them.
    scanned: usize,
    sent: Vec<(&'static str, u32)>,
}

/// Each node's role and whether it is up.
fn roles(run: &dyn AnyRun) -> Vec<(String, bool)> {
    run.view_light().nodes.into_iter().map(|n| (n.role, n.status != Some(NodeStatus::Crashed))).collect()
}

impl Progress {
    pub fn open(run: &dyn AnyRun) -> Progress {
        let base = Baseline {
            event: run.event_count(),
            now_us: run.now_us(),
            violations: run.violations().len(),
            roles: roles(run).into_iter().map(|(r, _)| r).collect(),
        };
        let scanned = run.trace().partition_point(|r| r.event <= base.event);
        Progress { base, scanned, sent: Vec::new() }
    }

    /// Count the sends recorded since the last call (from the step's opening again if the
    /// run went back before what was scanned).
    fn scan(&mut self, run: &dyn AnyRun) {
        let trace = run.trace();
        let end = trace.partition_point(|r| r.event <= run.event_count());
        if end < self.scanned {
            self.scanned = trace.partition_point(|r| r.event <= self.base.event);
            self.sent.clear();
        }
        for r in trace.range(self.scanned, end) {
            if let TraceKind::Send { kind, .. } = r.kind {
                match self.sent.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => self.sent.push((kind, 1)),
                }
            }
        }
        self.scanned = end;
    }

    /// Whether `until` holds on the run now.
    pub fn holds(&mut self, until: &Until, run: &dyn AnyRun) -> bool {
        self.scan(run);
        let now = roles(run);
        self.eval(until, run, &now)
    }

    fn eval(&self, until: &Until, run: &dyn AnyRun, now: &[(String, bool)]) -> bool {
        let holding = |role: &str| now.iter().filter(|(r, _)| r == role).count();
        match until {
            Until::Role(role) => holding(role) > 0,
            Until::Roles { role, at_least } => holding(role) >= *at_least as usize,
            Until::Everyone(role) => now.iter().filter(|(_, up)| *up).all(|(r, _)| r == role),
            Until::Nobody(role) => holding(role) == 0,
            Until::Crashed(role) => self.base.roles.iter().zip(now).any(|(was, (_, up))| was == role && !up),
            Until::NewRole(role) => self.base.roles.iter().zip(now).any(|(was, (r, up))| *up && r == role && was != role),
            Until::Violation(name) => run.violations()[self.base.violations.min(run.violations().len())..].iter().any(|v| name == "any" || v.property == *name),
            Until::Sent { kind, at_least } => self.sent.iter().any(|(k, n)| k == kind && n >= at_least),
            Until::Field { name, at_least } => field_at_least(run, name, *at_least),
            Until::Adversary(on) => run.adversary() == *on,
            Until::ElapsedUs(us) => run.now_us().saturating_sub(self.base.now_us) >= *us,
            Until::All(all) => all.iter().all(|u| self.eval(u, run, now)),
            Until::Any(any) => any.iter().any(|u| self.eval(u, run, now)),
            Until::Not(u) => !self.eval(u, run, now),
        }
    }
}

/// Whether some node's field `name` reads a number of at least `at_least`.
fn field_at_least(run: &dyn AnyRun, name: &str, at_least: u64) -> bool {
    (0..run.n()).filter_map(|id| run.node_view(id)).any(|v| {
        v.fields.iter().any(|(k, value)| k == name && value.parse::<u64>().is_ok_and(|x| x >= at_least))
    })
}

impl Until {
    /// How deeply conditions nest (a lesson file's cap).
    pub fn depth(&self) -> usize {
        match self {
            Until::All(v) | Until::Any(v) => 1 + v.iter().map(Until::depth).max().unwrap_or(0),
            Until::Not(u) => 1 + u.depth(),
            _ => 1,
        }
    }
}
