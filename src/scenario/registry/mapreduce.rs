//! The MapReduce family's rows: MapReduce word count (Dean & Ghemawat, OSDI 2004) and the
//! same job in Spark's form (Zaharia et al., NSDI 2012).

use super::*;
use crate::protocols::mapreduce::MapReduce;
use crate::protocols::spark::Spark;

/// MapReduce's output is right under every fault the simulator has, slow nodes included
/// (stragglers are what backup tasks are for); a master crash costs the job, which runs
/// again.
const MAPREDUCE_ASSUMES: Assumptions = Assumptions {
    faults: crate::sim::assume::EVERY_FAULT,
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: None,
    bounded_delay_us: None,
};

pub const MAPREDUCE: Row = Row {
    name: "mapreduce",
    family: "mapreduce",
    title: "MapReduce word count: map, combine, shuffle, reduce, re-execution and backup tasks (Dean & Ghemawat 2004)",
    nodes: NodeRange { min: 2, max: 64, default: 6 },
    bugs: &[
        Bug { name: "no_reexecute_completed_maps", source: "MapReduce (OSDI 2004) §3.3: completed map tasks of a failed worker are re-executed, because their output is on its local disk" },
        Bug { name: "nondeterministic_map", source: "MapReduce (OSDI 2004) §3.3: with a non-deterministic map, reduce tasks may read the output of different executions of it (the weaker semantics)" },
        Bug { name: "averaging_combiner", source: "MapReduce (OSDI 2004) §4.3: the combiner is the reduce function's partial form; an average is not associative with the reduce's sum" },
        Bug { name: "salted_partitioner", source: "MapReduce (OSDI 2004) §4.1: every worker partitions by the same hash(key) mod R; Python salts str hashes per process (PYTHONHASHSEED), which PySpark refuses for this reason" },
        Bug { name: "commit_late_done", source: "MapReduce (OSDI 2004) §3.3: the master relies on an atomic rename so that one execution's output is committed; MIT 6.5840's lab: ignore a done from a worker that timed out" },
        Bug { name: "commit_not_synced", source: "MapReduce (OSDI 2004) §3.3: the final output is renamed in a durable file system before the job completes (the sync removed)" },
    ],
    presets: crate::scenario::presets::mapreduce::presets,
    lessons: &["mapreduce-reexecution"],
    consistency: ConsistencyModel {
        model: Consistency::SameAsSequential,
        checker: "Correct output (equals the sequential word count), One partition per key, Each partition committed once, Reduce after all M pieces, Committed output durable; the job done after faults stop",
    },
    assumptions: MAPREDUCE_ASSUMES,
    sweep: SweepDefaults {
        // Small jobs slow enough to run through the chaos window (3-6 s).
        config: r#"{"words":1500,"vocabulary":120,"map_tasks":6,"reduce_tasks":3,"worker_bytes_per_ms":4,"net_bytes_per_ms":40}"#,
        soak_seeds: 100_000,
        nodes: (3, 7),
        knobs: &[
            &["{}", r#"{"combiner":false}"#],
            &["{}", r#"{"backup_tasks":false}"#, r#"{"backup_when_left_pct":50}"#],
            &["{}", r#"{"map_tasks":10,"reduce_tasks":2}"#, r#"{"map_tasks":3,"reduce_tasks":4}"#],
            &["{}", r#"{"worker_timeout_us":250000}"#, r#"{"worker_timeout_us":1500000,"ping_interval_us":300000}"#],
        ],
        leave_down: LeaveDown::Minority,
        liveness_bound_us: 30_000_000,
    },
    layout: Layout::Groups,
    check: check::<MapReduce>,
    build: build_any::<MapReduce>,
};

/// Spark's job is right under every fault too: a lost shuffle output is recomputed from
/// lineage; a driver crash costs the application, which runs again.
pub const SPARK: Row = Row {
    name: "spark",
    family: "mapreduce",
    title: "Spark word count: textFile → flatMap → map → reduceByKey in two stages, lost partitions recomputed from lineage (Zaharia et al. 2012)",
    nodes: NodeRange { min: 2, max: 64, default: 5 },
    bugs: &[
        Bug { name: "no_recompute_lost_shuffle", source: "RDDs (NSDI 2012) §5.3 and Spark's DAGScheduler: a FetchFailed unregisters the lost map outputs and resubmits the parent stage to recompute them" },
        Bug { name: "recompute_wrong_parent", source: "RDDs (NSDI 2012) §4: a narrow dependency names the one parent partition a partition is computed from" },
        Bug { name: "nondeterministic_flatmap", source: "RDDs (NSDI 2012) §2.1: lineage recovery assumes deterministic operations; a flatMap reading live data recomputes a different partition" },
        Bug { name: "stage_partitioner_mismatch", source: "RDDs (NSDI 2012) §4: the reading stage must use the shuffle's partitioner; Spark's defaultPartitioner takes the default parallelism when none is given" },
        Bug { name: "commit_not_synced", source: "Spark's output committer: a partition's output is durable before the job completes (the sync removed)" },
    ],
    presets: crate::scenario::presets::spark::presets,
    lessons: &["spark-lineage"],
    consistency: ConsistencyModel {
        model: Consistency::SameAsSequential,
        checker: "Correct output (equals the sequential word count), One partition per key, Each partition committed once, Reduce after all M blocks, Committed output durable; the job done after faults stop",
    },
    assumptions: MAPREDUCE_ASSUMES,
    sweep: SweepDefaults {
        // Small jobs slow enough to run through the chaos window (3-6 s).
        config: r#"{"words":1500,"vocabulary":120,"partitions":6,"reduce_partitions":3,"executor_bytes_per_ms":4,"net_bytes_per_ms":40}"#,
        soak_seeds: 100_000,
        nodes: (3, 7),
        knobs: &[
            &["{}", r#"{"map_side_combine":false}"#],
            &["{}", r#"{"partitions":10,"reduce_partitions":2}"#, r#"{"partitions":3,"reduce_partitions":4}"#],
            &["{}", r#"{"executor_timeout_us":250000}"#, r#"{"executor_timeout_us":1500000,"heartbeat_interval_us":300000}"#],
            &["{}", r#"{"max_fetch_retries":1}"#, r#"{"fetch_retry_us":100000}"#],
        ],
        leave_down: LeaveDown::Minority,
        liveness_bound_us: 30_000_000,
    },
    layout: Layout::Groups,
    check: check::<Spark>,
    build: build_any::<Spark>,
};
