//! The hashring family's rows: consistent hashing with virtual nodes and preference lists
//! (Karger et al., STOC 1997; Dynamo, SOSP 2007), and a look-aside cache on that ring with
//! leases (Nishtala et al., NSDI 2013).

use super::*;
use crate::protocols::cache::Cache;
use crate::protocols::hashring::HashRing;
use crate::sim::assume::FaultClass;

/// Dynamo's ring (SOSP 2007, §4.8) is built to ride out every fault: gossip merges any
/// two views of the membership, a server taken out while alive comes back with a higher
/// incarnation, a write waits only for W replicas and handoff retries until every replica
/// holds each key. So its row declares every fault; what it gives up is consistency, not
/// safety: its consistency is eventual, and clients' reads may be stale.
const HASH_RING_ASSUMES: Assumptions = Assumptions {
    faults: crate::sim::assume::EVERY_FAULT,
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: None,
    bounded_delay_us: None,
};

pub const HASH_RING: Row = Row {
    name: "hash-ring",
    family: "hashring",
    title: "Consistent hashing: virtual nodes, preference lists, handoff, and placements compared (Karger et al. 1997; Dynamo 2007)",
    nodes: NodeRange { min: 2, max: 256, default: 8 },
    bugs: &[
        Bug { name: "salted_hash", source: "Karger et al. (STOC 1997) §4: every client must hash with the same function; a hash seeded per process (Python's PYTHONHASHSEED, Java's identity hash codes) gives each its own ring" },
        Bug { name: "preference_counts_virtual_nodes", source: "Dynamo (SOSP 2007) §4.3: the preference list skips positions so that it contains only distinct physical nodes" },
        Bug { name: "wrap_off_by_one", source: "Karger et al. (STOC 1997) §4: the circle wraps; a key past the highest token belongs to the lowest" },
    ],
    presets: crate::scenario::presets::hashring::presets,
    lessons: &["hash-ring-join"],
    consistency: ConsistencyModel {
        model: Consistency::Eventual,
        checker: "One owner per key, N distinct replicas and keys moving only to a new server at every change of view; one membership and every key on its replicas after faults stop",
    },
    assumptions: HASH_RING_ASSUMES,
    sweep: SweepDefaults {
        config: r#"{"keys":32,"gossip_us":100000,"dead_after_us":1000000,"handoff_us":200000}"#,
        soak_seeds: 100_000,
        nodes: (3, 9),
        knobs: &[
            &["{}", r#"{"start_servers":2}"#, r#"{"start_servers":3}"#],
            &[r#"{"vnodes":4}"#, r#"{"vnodes":1}"#, r#"{"vnodes":16}"#],
            &["{}", r#"{"placement":"rendezvous"}"#, r#"{"placement":"jump"}"#, r#"{"placement":"bounded"}"#, r#"{"placement":"mod_n"}"#],
            &["{}", r#"{"replicas":2,"read_quorum":1,"write_quorum":1}"#, r#"{"replicas":4,"read_quorum":3,"write_quorum":2}"#],
        ],
        leave_down: LeaveDown::Never,
        liveness_bound_us: 15_000_000,
    },
    layout: Layout::Circle,
    check: check::<HashRing>,
    build: build_any::<HashRing>,
};

/// Look-aside caching is correct only if every delete reaches the cache: memcache at
/// Facebook makes sure of it by replaying deletes from the database's commit log (NSDI
/// 2013, §4.1), which this model leaves out. So lost messages and the faults that lose them
/// (partitions, corruption) are outside its assumptions; crashes (a cache server comes back
/// empty, a web server deletes again what it was writing), pauses, slow nodes, drifting
/// clocks, and delayed, held, duplicated or reordered messages are inside.
const CACHE_ASSUMES: Assumptions = Assumptions {
    faults: &[FaultClass::Crash, FaultClass::LoseUnsynced, FaultClass::Pause, FaultClass::Clock, FaultClass::Hold, FaultClass::Duplicate, FaultClass::Reorder, FaultClass::Slow],
    drift_bound_ppm: crate::sim::assume::ANY_DRIFT_PPM,
    max_adjacent_failures: None,
    bounded_delay_us: None,
};

pub const CACHE: Row = Row {
    name: "cache",
    family: "hashring",
    title: "A look-aside cache on a hash ring, with leases against stale sets and herds (Nishtala et al., Scaling Memcache at Facebook, 2013)",
    nodes: NodeRange { min: 3, max: 64, default: 7 },
    bugs: &[
        Bug { name: "leases_off", source: "Nishtala et al. (NSDI 2013) §3.2.1: without leases a set that raced a delete puts a stale value in the cache for good" },
        Bug { name: "set_after_invalidated_lease", source: "Nishtala et al. (NSDI 2013) §3.2.1: memcached verifies the lease token and refuses the set when a delete has invalidated it" },
        Bug { name: "delete_before_db_write", source: "Nishtala et al. (NSDI 2013) §3.1: a web server updates the database, then deletes the key from the cache; the other order lets a reader cache the old value" },
    ],
    presets: crate::scenario::presets::cache::presets,
    lessons: &["cache-leases"],
    consistency: ConsistencyModel {
        model: Consistency::Eventual,
        checker: "What memcache promises, not linearizability: Sets carry a live lease and Only database values are cached after every event; Cache agrees with the database after writes and faults stop; stale reads measured",
    },
    assumptions: CACHE_ASSUMES,
    sweep: SweepDefaults {
        config: r#"{"keys":4,"lease_rate_us":300000,"down_for_us":1000000,"page_view_us":30000}"#,
        soak_seeds: 100_000,
        nodes: (5, 8),
        knobs: &[
            &[r#"{"cache_servers":2}"#, r#"{"cache_servers":3}"#],
            &["{}", r#"{"db_service_us":20000}"#, r#"{"db_service_us":1000}"#],
            &["{}", r#"{"vnodes":1}"#],
        ],
        leave_down: LeaveDown::Never,
        liveness_bound_us: 15_000_000,
    },
    layout: Layout::Groups,
    check: check::<Cache>,
    build: build_any::<Cache>,
};
