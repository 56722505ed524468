//! Spark word count's configuration: the same input as MapReduce's (generated Zipf text or
//! a typed one), `textFile`'s M partitions and `reduceByKey`'s R, map-side combine (Zaharia
//! et al., NSDI 2012, §2–§5; Spark's `reduceByKey`), the cost model, executor heartbeats and
//! the driver's timeout, shuffle-fetch retries, and the planted teaching bug.

use crate::protocols::mapreduce::config::{validate_durations, validate_input, validate_rates, InputCache, Language, MapReduceConfig};
use crate::protocols::mapreduce::input::{self, Input};
use crate::sim::ProtocolConfig;
use serde::Serialize;
use std::sync::Arc;

/// The planted teaching bugs.
pub const BUGS: &[&str] = &["no_recompute_lost_shuffle", "recompute_wrong_parent", "nondeterministic_flatmap", "stage_partitioner_mismatch", "commit_not_synced"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SparkConfig {
    /// The input text; when absent, `words` words are generated from `text_seed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub words: u32,
    pub vocabulary: u32,
    pub language: Language,
    pub text_seed: u64,
    /// M: `textFile`'s partitions, one shuffle map task each.
    pub partitions: u32,
    /// R: `reduceByKey`'s partitions (its `HashPartitioner`), one result task each.
    pub reduce_partitions: u32,
    /// `reduceByKey` combines on the map side before the shuffle write.
    pub map_side_combine: bool,
    /// Cost model: bytes an executor reads and writes per millisecond of task work.
    pub executor_bytes_per_ms: u64,
    /// Cost model: bytes an executor's link sends per millisecond (one block at a time).
    pub net_bytes_per_ms: u64,
    /// Each executor heartbeats the driver this often; the driver checks on the same beat.
    pub heartbeat_interval_us: u64,
    /// An executor not heard from for this long is lost: its shuffle output with it.
    pub executor_timeout_us: u64,
    /// A result task asks again for a block not received after this.
    pub fetch_retry_us: u64,
    /// Unanswered asks for one block before the task reports `FetchFailed`.
    pub max_fetch_retries: u32,
    /// After a `FetchFailed` the driver waits this long before resubmitting the failed
    /// stages (Spark's `RESUBMIT_TIMEOUT`), so that more failures can arrive first.
    pub resubmit_delay_us: u64,
    /// The planted bug, one of [`BUGS`]:
    /// `no_recompute_lost_shuffle`: the driver keeps a lost executor's map outputs
    /// registered, so result tasks fetch them again and again and the job never ends;
    /// `recompute_wrong_parent`: a lost partition is recomputed from the next partition of
    /// `textFile` rather than its own parent; `nondeterministic_flatmap`: `flatMap` reads a
    /// live source that lost its last line since the first run, so a recomputation differs;
    /// `stage_partitioner_mismatch`: the result stage takes its partition count from the
    /// live executors (the default parallelism) instead of the shuffle's partitioner;
    /// `commit_not_synced`: the driver counts a result partition committed before its
    /// output is on stable storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    #[serde(skip)]
    pub input_cache: InputCache,
}

impl Default for SparkConfig {
    fn default() -> Self {
        SparkConfig {
            text: None,
            words: 2_000,
            vocabulary: 200,
            language: Language::En,
            text_seed: 1,
            partitions: 6,
            reduce_partitions: 3,
            map_side_combine: true,
            executor_bytes_per_ms: 5,
            net_bytes_per_ms: 50,
            heartbeat_interval_us: 100_000,
            executor_timeout_us: 600_000,
            fetch_retry_us: 300_000,
            max_fetch_retries: 3,
            resubmit_delay_us: 200_000,
            bug: None,
            input_cache: InputCache::default(),
        }
    }
}

impl SparkConfig {
    pub fn has_bug(&self, bug: &str) -> bool {
        self.bug.as_deref() == Some(bug)
    }

    /// The input, built once per configuration (the same splits MapReduce cuts).
    pub fn input(&self) -> Arc<Input> {
        self.input_cache.0.get_or_init(|| input::build(&self.as_job())).clone()
    }

    /// The MapReduce configuration that describes the same input.
    fn as_job(&self) -> MapReduceConfig {
        MapReduceConfig {
            text: self.text.clone(),
            words: self.words,
            vocabulary: self.vocabulary,
            language: self.language,
            text_seed: self.text_seed,
            map_tasks: self.partitions,
            reduce_tasks: self.reduce_partitions,
            ..MapReduceConfig::default()
        }
    }
}

impl ProtocolConfig for SparkConfig {
    const BUGS: &'static [&'static str] = BUGS;
    fn bug(&self) -> Option<&str> {
        self.bug.as_deref()
    }
    fn validate(&self, nodes: u32) -> Result<(), String> {
        if nodes < 2 {
            return Err("Spark needs 2 nodes or more: a driver (n0) and at least one executor".into());
        }
        validate_input(self.text.as_deref(), self.words, self.vocabulary)?;
        if !(1..=256).contains(&self.partitions) || !(1..=64).contains(&self.reduce_partitions) {
            return Err("partitions must be 1 to 256 and reduce_partitions 1 to 64".into());
        }
        validate_rates(&[("executor_bytes_per_ms", self.executor_bytes_per_ms), ("net_bytes_per_ms", self.net_bytes_per_ms)])?;
        validate_durations(&[
            ("heartbeat_interval_us", self.heartbeat_interval_us),
            ("executor_timeout_us", self.executor_timeout_us),
            ("fetch_retry_us", self.fetch_retry_us),
            ("resubmit_delay_us", self.resubmit_delay_us),
        ])?;
        if self.executor_timeout_us <= self.heartbeat_interval_us {
            return Err("executor_timeout_us must be longer than heartbeat_interval_us".into());
        }
        if !(1..=20).contains(&self.max_fetch_retries) {
            return Err("max_fetch_retries must be 1 to 20".into());
        }
        Ok(())
    }
}

crate::json_struct!(SparkConfig, "the Spark configuration" { text, words, vocabulary, language, text_seed, partitions, reduce_partitions, map_side_combine, executor_bytes_per_ms, net_bytes_per_ms, heartbeat_interval_us, executor_timeout_us, fetch_retry_us, max_fetch_retries, resubmit_delay_us, bug } skip { input_cache });
