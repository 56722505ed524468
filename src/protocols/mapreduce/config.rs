//! MapReduce's configuration: the input (generated from a seed with Zipf-distributed words,
//! or a short text the user types), M map and R reduce tasks (Dean & Ghemawat, OSDI 2004,
//! §3.1), the combiner (§4.3), backup tasks (§3.6), the cost model that makes time mean
//! something (bytes over a worker's speed; bytes over a link's bandwidth), the master's pings
//! (§3.3) and the planted teaching bug.

use crate::sim::ProtocolConfig;
use serde::Serialize;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["no_reexecute_completed_maps", "nondeterministic_map", "averaging_combiner", "salted_partitioner", "commit_late_done", "commit_not_synced"];

/// The most characters a typed input may have (links carry it).
pub const TEXT_MAX_CHARS: usize = 20_000;
/// The most words a generated input may have.
pub const WORDS_MAX: u32 = 200_000;

/// Which language generated text is drawn from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Zh,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapReduceConfig {
    /// The input text; when absent, `words` words are generated from `text_seed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How many words to generate (Zipf over `vocabulary` distinct words, s = 1).
    pub words: u32,
    pub vocabulary: u32,
    pub language: Language,
    pub text_seed: u64,
    /// M: input splits, one map task each.
    pub map_tasks: u32,
    /// R: reduce tasks, one output partition each (`hash(word) mod R`).
    pub reduce_tasks: u32,
    /// Run the combiner (a partial sum) on each map's output before it is written (§4.3).
    pub combiner: bool,
    /// Backup executions of the last in-progress tasks (§3.6).
    pub backup_tasks: bool,
    /// Backups start once every task of a phase has started and at most this percentage of
    /// them (at least one) is still running.
    pub backup_when_left_pct: u32,
    /// Cost model: bytes a worker reads and writes per millisecond of task work.
    pub worker_bytes_per_ms: u64,
    /// Cost model: bytes a worker's link sends per millisecond (one transfer at a time).
    pub net_bytes_per_ms: u64,
    /// The master pings every worker this often (§3.3).
    pub ping_interval_us: u64,
    /// A worker the master has not heard from for this long is marked failed (§3.3).
    pub worker_timeout_us: u64,
    /// A reduce worker asks again for a piece not received after this.
    pub fetch_retry_us: u64,
    /// The planted bug, one of [`BUGS`]:
    /// `no_reexecute_completed_maps`: a failed worker's completed map tasks stay completed,
    /// though their output is on its unreachable disk (§3.3 says: reset them to idle);
    /// `nondeterministic_map`: a map that reads its split from a live source, so a
    /// re-execution (after a failure, or a backup) sees it changed (its last line gone):
    /// reducers that read different executions disagree (§3.3's weaker semantics);
    /// `averaging_combiner`: the combiner averages instead of summing (not associative with
    /// the reduce, §4.3); `salted_partitioner`: each worker salts its hash (as Python's
    /// per-process string hash does), so workers disagree on a word's partition;
    /// `commit_late_done`: the master commits a reduce's output from an attempt it gave up
    /// on, even when the partition is already committed (§3.3 relies on one atomic rename);
    /// `commit_not_synced`: the master counts a partition committed before its output is on
    /// stable storage, and reports the job done with outputs a crash can lose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The input this configuration describes, built once and shared by every node of one
    /// simulation (it is a pure function of the fields above).
    #[serde(skip)]
    pub input_cache: InputCache,
}

/// A once-built input, shared by the nodes and checkers that read one configuration. A
/// clone starts empty, so a changed copy never reads its original's input; equality and
/// debug output ignore it.
#[derive(Default)]
pub struct InputCache(pub(crate) std::sync::OnceLock<std::sync::Arc<super::input::Input>>);

impl Clone for InputCache {
    fn clone(&self) -> Self {
        InputCache::default()
    }
}

impl PartialEq for InputCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for InputCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InputCache")
    }
}

impl Default for MapReduceConfig {
    fn default() -> Self {
        MapReduceConfig {
            text: None,
            words: 2_000,
            vocabulary: 200,
            language: Language::En,
            text_seed: 1,
            map_tasks: 8,
            reduce_tasks: 3,
            combiner: true,
            backup_tasks: true,
            backup_when_left_pct: 10,
            worker_bytes_per_ms: 5,
            net_bytes_per_ms: 50,
            ping_interval_us: 100_000,
            worker_timeout_us: 600_000,
            fetch_retry_us: 300_000,
            bug: None,
            input_cache: InputCache::default(),
        }
    }
}

impl MapReduceConfig {
    pub fn has_bug(&self, bug: &str) -> bool {
        self.bug.as_deref() == Some(bug)
    }
}

impl ProtocolConfig for MapReduceConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if nodes < 2 {
            return Err("MapReduce needs 2 nodes or more: a master (n0) and at least one worker".into());
        }
        validate_input(self.text.as_deref(), self.words, self.vocabulary)?;
        if !(1..=256).contains(&self.map_tasks) || !(1..=64).contains(&self.reduce_tasks) {
            return Err("map_tasks must be 1 to 256 and reduce_tasks 1 to 64".into());
        }
        if self.backup_when_left_pct > 100 {
            return Err("backup_when_left_pct is a percentage (0 to 100)".into());
        }
        validate_rates(&[("worker_bytes_per_ms", self.worker_bytes_per_ms), ("net_bytes_per_ms", self.net_bytes_per_ms)])?;
        validate_durations(&[("ping_interval_us", self.ping_interval_us), ("worker_timeout_us", self.worker_timeout_us), ("fetch_retry_us", self.fetch_retry_us)])?;
        if self.worker_timeout_us <= self.ping_interval_us {
            return Err("worker_timeout_us must be longer than ping_interval_us".into());
        }
        Ok(())
    }
}

/// The input's caps, which MapReduce's and Spark's configurations share: a typed text of at
/// most `TEXT_MAX_CHARS` characters, or 1 to `WORDS_MAX` generated words over 1 to 10,000.
pub(crate) fn validate_input(text: Option<&str>, words: u32, vocabulary: u32) -> Result<(), String> {
    if let Some(text) = text {
        let chars = text.chars().count();
        if chars > TEXT_MAX_CHARS {
            return Err(format!("the input text has {chars} characters; at most {TEXT_MAX_CHARS}"));
        }
    } else if !(1..=WORDS_MAX).contains(&words) || !(1..=10_000).contains(&vocabulary) {
        return Err(format!("words must be 1 to {WORDS_MAX} and vocabulary 1 to 10000"));
    }
    Ok(())
}

/// The cost model's rates: 1 to 10^9 bytes per millisecond.
pub(crate) fn validate_rates(rates: &[(&str, u64)]) -> Result<(), String> {
    match rates.iter().find(|(_, v)| !(1..=1_000_000_000).contains(v)) {
        Some((name, _)) => Err(format!("{name} must be 1 to 10^9")),
        None => Ok(()),
    }
}

/// Intervals and timeouts: 1 ms to 10 min.
pub(crate) fn validate_durations(durations: &[(&str, u64)]) -> Result<(), String> {
    match durations.iter().find(|(_, v)| !(1_000..=600_000_000).contains(v)) {
        Some((name, _)) => Err(format!("{name} must be 1 ms to 10 min")),
        None => Ok(()),
    }
}

crate::json_unit_enum!(Language { En = "en", Zh = "zh" });
crate::json_struct!(MapReduceConfig, "the MapReduce configuration" { text, words, vocabulary, language, text_seed, map_tasks, reduce_tasks, combiner, backup_tasks, backup_when_left_pct, worker_bytes_per_ms, net_bytes_per_ms, ping_interval_us, worker_timeout_us, fetch_retry_us, bug } skip { input_cache });
