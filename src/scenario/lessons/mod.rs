//! Guided lessons: a scenario plus ordered steps, each with a text in English and Chinese, a
//! condition to continue evaluated on the live run, and optionally an action the student
//! must take (its control is highlighted). Lessons are data, one JSON file each (the form is
//! in the README, "Guided lessons"); a teacher's lesson file or link is validated like a
//! scenario, with the same caps and messages that say what is wrong.

mod parse;
mod solve;
mod until;

pub use solve::{enter_step, next_step, open_at, perform, play_through, solve_step, Opened, Played};
pub use until::{Baseline, Progress, Until};

use super::model::{Scenario, MAX_PLAYHEAD_US};

/// A lesson file is refused above this size (the cap of a scenario file's link form).
pub const MAX_LESSON_BYTES: usize = 64 * 1024;
pub const MAX_STEPS: usize = 50;
const MAX_TEXT_CHARS: usize = 2_000;
const MAX_DEPTH: usize = 8;

/// A text in both of the page's languages.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn get(&self, lang: crate::i18n::Lang) -> &str {
        if lang == crate::i18n::Lang::Zh {
            &self.zh
        } else {
            &self.en
        }
    }
}

/// What the student is asked to do, and what a test (or a deep link to a later step)
/// does in the student's place. `node` names a node: "n2", a role ("leader"), "crashed"
/// or "any".
/// Written `{"kind": "crash", "node": "leader"}`: the kind is the variant's name in snake
/// case.
#[derive(Clone, Debug, PartialEq)]
pub enum Do {
    Crash { node: String },
    Restart { node: String },
    Pause { node: String },
    Resume { node: String },
    Isolate { node: String },
    TimeoutNow { node: String },
    HealAll,
    /// Adversary mode on or off.
    Adversary { on: bool },
    /// Adversary mode: fire a waiting timer of the node.
    Fire { node: String },
    /// Adversary mode: deliver waiting messages, earliest first (with none waiting, fire
    /// the earliest timer), until the step's condition holds.
    Deliver,
}

impl Do {
    /// The `data-testid` of the page control that does this.
    pub fn control(&self) -> &'static str {
        match self {
            Do::Crash { .. } => "crash",
            Do::Restart { .. } => "restart",
            Do::Pause { .. } => "pause",
            Do::Resume { .. } => "resume",
            Do::Isolate { .. } => "isolate",
            Do::TimeoutNow { .. } => "timeout-now",
            Do::HealAll => "heal-all",
            Do::Adversary { .. } => "adversary-toggle",
            Do::Fire { .. } => "choice-fire",
            Do::Deliver => "choice-deliver",
        }
    }

    /// The node the action names, if it names one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Do::Crash { node } | Do::Restart { node } | Do::Pause { node } | Do::Resume { node } => Some(node),
            Do::Isolate { node } | Do::TimeoutNow { node } | Do::Fire { node } => Some(node),
            Do::HealAll | Do::Adversary { .. } | Do::Deliver => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub text: Text,
    /// Open this preset (or inline scenario) when the step opens, in place of the run.
    pub open: Option<Source>,
    /// `do` in the file.
    pub action: Option<Do>,
    pub until: Until,
    /// The simulated time the step takes at most, played through (the lesson test's bound).
    pub within_us: u64,
}

/// Where a lesson (or a step) starts: a preset by name, or a scenario written inline.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Preset(String),
    Scenario(Box<Scenario>),
}

impl Source {
    pub fn scenario(&self) -> Result<Scenario, String> {
        match self {
            Source::Preset(name) => super::presets::find(name).map(|p| (p.build)()).ok_or_else(|| format!("there is no preset named {:?}", clip(name, 60))),
            Source::Scenario(s) => Ok((**s).clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub name: String,
    pub protocol: String,
    pub title: Text,
    pub open: Source,
    pub steps: Vec<Step>,
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn check_text(t: &Text, what: &str) -> Result<(), String> {
    for (lang, s) in [("en", &t.en), ("zh", &t.zh)] {
        if s.trim().is_empty() {
            return Err(format!("{what} has no {lang} text"));
        }
        if s.chars().count() > MAX_TEXT_CHARS {
            return Err(format!("{what}'s {lang} text is longer than {MAX_TEXT_CHARS} characters"));
        }
    }
    Ok(())
}

impl Lesson {
    /// Semantic checks; each failure is a message for a person.
    pub fn validate(&self) -> Result<(), String> {
        let name_ok = !self.name.is_empty() && self.name.len() <= 60 && self.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            return Err(format!("lesson name {:?}: use 1 to 60 characters a-z, 0-9 and -", clip(&self.name, 60)));
        }
        super::registry::row_or_err(&self.protocol)?;
        check_text(&self.title, "the title")?;
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(format!("a lesson has 1 to {MAX_STEPS} steps (got {})", self.steps.len()));
        }
        self.check_source(&self.open, "the lesson")?;
        for (i, step) in self.steps.iter().enumerate() {
            self.check_step(step, &format!("step {}", i + 1))?;
        }
        Ok(())
    }

    fn check_step(&self, step: &Step, what: &str) -> Result<(), String> {
        check_text(&step.text, what)?;
        if let Some(src) = &step.open {
            self.check_source(src, what)?;
        }
        if step.within_us == 0 || step.within_us > MAX_PLAYHEAD_US {
            return Err(format!("{what}: within_us is 1 to {MAX_PLAYHEAD_US} (10 simulated minutes)"));
        }
        if step.until.depth() > MAX_DEPTH {
            return Err(format!("{what}: conditions nest more than {MAX_DEPTH} deep"));
        }
        if let Some(node) = step.action.as_ref().and_then(Do::node) {
            if node.is_empty() || node.len() > 40 {
                return Err(format!("{what}: \"node\" names a node (n2), a role, \"crashed\" or \"any\""));
            }
        }
        Ok(())
    }

    fn check_source(&self, src: &Source, what: &str) -> Result<(), String> {
        let s = src.scenario().map_err(|e| format!("{what}: {e}"))?;
        s.validate().map_err(|e| format!("{what}: {e}"))?;
        if s.protocol != self.protocol {
            return Err(format!("{what} opens a {} scenario in a {} lesson", s.protocol, self.protocol));
        }
        Ok(())
    }
}

/// Read and check a lesson file's text.
pub fn decode_lesson(text: &str) -> Result<Lesson, String> {
    if text.len() > MAX_LESSON_BYTES {
        return Err(format!("the lesson file is {} KB; at most {} KB", text.len() / 1024, MAX_LESSON_BYTES / 1024));
    }
    let json: serde_json::Value = serde_json::from_slice(text.as_bytes()).map_err(|e| format!("not a lesson file: {e}"))?;
    let lesson = parse::lesson(&json).map_err(|e| format!("not a lesson file: {e}"))?;
    lesson.validate()?;
    Ok(lesson)
}

/// The link body (`1.…`, after `#l=`) that carries a teacher's lesson file: its text, deflated and
/// in URL-safe base64, as a scenario link is. Err if it is longer than a link may be.
pub fn encode_lesson_link(text: &str) -> Result<String, String> {
    use base64::Engine;
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    let link = format!("1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed));
    if link.len() > super::link::MAX_LINK_BYTES {
        return Err(format!("the lesson's link would be {} long, over the {} a link may be; share the lesson file", super::link::kb(link.len()), super::link::kb(super::link::MAX_LINK_BYTES)));
    }
    Ok(link)
}

/// A teacher's lesson from its link body (`1.…`), checked as a lesson file is.
pub fn decode_lesson_link(link: &str) -> Result<Lesson, String> {
    decode_lesson(&lesson_link_text(link)?)
}

/// The lesson file's text a lesson link carries (not yet checked).
pub fn lesson_link_text(link: &str) -> Result<String, String> {
    use base64::Engine;
    if link.len() > super::link::MAX_LINK_BYTES {
        return Err(format!("the lesson link is longer than {}", super::link::kb(super::link::MAX_LINK_BYTES)));
    }
    let body = link.strip_prefix("1.").ok_or("a lesson link starts with its version, 1.")?;
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')).map_err(|_| "the lesson link is not base64url")?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LESSON_BYTES).map_err(|_| "the lesson link does not inflate to a lesson of at most 64 KB")?;
    String::from_utf8(json).map_err(|_| "the lesson link is not UTF-8".into())
}

/// The protocol a lesson's text names, read without checking the rest (to find the page
/// module that carries it).
pub fn protocol_of(text: &str) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(text.as_bytes()).ok()?.get("protocol")?.as_str().map(str::to_string)
}

/// Whether a file's text looks like a lesson (it has steps) rather than a scenario.
pub fn is_lesson_text(text: &str) -> bool {
    serde_json::from_slice::<serde_json::Value>(text.as_bytes()).is_ok_and(|v| v.get("steps").is_some())
}

/// The lessons this build carries: (name, file text).
fn sources() -> Vec<(&'static str, &'static str)> {
    #[allow(unused_mut)] // a module whose family has no lessons pushes nothing
    let mut v = Vec::new();
    #[cfg(feature = "raft")]
    v.extend([
        ("raft-election", include_str!("raft-election.json")),
        ("raft-log-replication", include_str!("raft-log-replication.json")),
        ("raft-be-the-network", include_str!("raft-be-the-network.json")),
    ]);
    #[cfg(feature = "paxos")]
    v.push(("paxos-dueling-proposers", include_str!("paxos-dueling-proposers.json")));
    #[cfg(feature = "lock")]
    v.push(("lock-fencing", include_str!("lock-fencing.json")));
    #[cfg(feature = "failover")]
    v.push(("primary-backup-failover", include_str!("primary-backup-failover.json")));
    #[cfg(feature = "gossip")]
    v.extend([("gossip-spread", include_str!("gossip-spread.json")), ("swim-suspicion", include_str!("swim-suspicion.json"))]);
    #[cfg(feature = "txn")]
    v.extend([
        ("2pc-blocking", include_str!("2pc-blocking.json")),
        ("3pc-nonblocking", include_str!("3pc-nonblocking.json")),
        ("paxos-commit-takeover", include_str!("paxos-commit-takeover.json")),
    ]);
    #[cfg(feature = "zab")]
    v.push(("zab-recovery", include_str!("zab-recovery.json")));
    #[cfg(feature = "mapreduce")]
    v.push(("mapreduce-reexecution", include_str!("mapreduce-reexecution.json")));
    #[cfg(feature = "mapreduce")]
    v.push(("spark-lineage", include_str!("spark-lineage.json")));
    #[cfg(feature = "dht")]
    v.push(("chord-ring-repair", include_str!("chord-ring-repair.json")));
    #[cfg(feature = "hashring")]
    v.push(("hash-ring-join", include_str!("hash-ring-join.json")));
    #[cfg(feature = "hashring")]
    v.push(("cache-leases", include_str!("cache-leases.json")));
    #[cfg(feature = "replication")]
    v.push(("hdfs-pipeline", include_str!("hdfs-pipeline.json")));
    v
}

/// The names of the lessons this build carries, in registry order.
pub fn names() -> Vec<&'static str> {
    super::registry::rows().iter().flat_map(|r| r.lessons.iter().copied()).collect()
}

/// A built-in lesson by name.
pub fn find(name: &str) -> Result<Lesson, String> {
    let (_, text) = sources().into_iter().find(|(n, _)| *n == name).ok_or_else(|| format!("there is no lesson named {:?}", clip(name, 60)))?;
    decode_lesson(text).map_err(|e| format!("lesson {name}: {e}"))
}
